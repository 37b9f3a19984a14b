"""Weights files: JSON, NumPy .npz and PyTorch, read exactly; malformed files rejected clearly."""

import json
from fractions import Fraction

import numpy as np
import pytest
import sympy

from symmorse.exact.errors import ArchitectureError, InputError, WeightsError
from symmorse.model.io import load_network, load_weights
from symmorse.model.network import Network

try:
    import torch
    import torch.nn as nn
except ImportError:  # torch is an optional extra; its tests skip without it
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed")


def network(path, activation=None):
    wf = load_weights(str(path))
    return Network(wf.architecture, activation or wf.activation, wf.weights), wf


def exact(value):
    return sympy.Rational(Fraction(float(value)))


# -- JSON -----------------------------------------------------------------------------------


def test_json_floats_are_read_as_the_binary_fractions_they_are(tmp_path):
    path = tmp_path / "net.json"
    layers = [{"W": [[0.1], ["-3/5"]], "b": [1, "0.25"]}, {"W": [[2, 1e-3]], "b": [0]}]
    path.write_text(json.dumps({"widths": [1, 2, 1], "activation": "tanh", "layers": layers}))
    net, _ = network(path)
    assert net.weights[net.symbol("W1_1_1")] == sympy.Rational(3602879701896397, 36028797018963968)
    assert net.weights[net.symbol("W1_2_1")] == sympy.Rational(-3, 5)
    assert net.weights[net.symbol("w2")] == exact(1e-3)


@pytest.mark.parametrize(
    "text,message",
    [
        ("{", "not valid JSON"),
        ('{"widths": [1, 2, 1], "layers": [{"W": [[1], [2]], "b": [0, 0]}]}', "needs 2 layers"),
        (
            '{"widths": [1, 2, 1], "layers": [{"W": [[1, 2]], "b": [0, 0]}, {"W": [[1, 1]], "b": [0]}]}',
            "2 x 1",
        ),
        (
            '{"widths": [1, 1, 1], "layers": [{"W": [[NaN]], "b": [0]}, {"W": [[1]], "b": [0]}]}',
            "not a finite",
        ),
        (
            '{"widths": [1, 1, 1], "layers": [{"W": [[Infinity]], "b": [0]}, {"W": [[1]], "b": [0]}]}',
            "finite",
        ),
        (
            '{"widths": [1, 1, 1], "layers": [{"W": [["x"]], "b": [0]}, {"W": [[1]], "b": [0]}]}',
            "not a number",
        ),
    ],
)
def test_malformed_json_weights_are_rejected(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(WeightsError, match=message):
        network(path, "tanh")


# -- NumPy ------------------------------------------------------------------------------------


def test_npz_float32_weights_are_exact(tmp_path):
    rng = np.random.default_rng(0)
    W1, b1 = rng.normal(size=(3, 2)).astype(np.float32), rng.normal(size=3).astype(np.float32)
    W2, b2 = rng.normal(size=(1, 3)), np.zeros(1)
    np.savez(tmp_path / "net.npz", W1=W1, b1=b1, W2=W2, b2=b2, activation=np.array("sigmoid"))
    net, wf = network(tmp_path / "net.npz")
    assert wf.activation == "sigmoid" and net.widths == [2, 3, 1]
    assert net.weights[net.symbol("W1_2_1")] == exact(W1[1, 0])
    assert net.weights[net.symbol("b1_3")] == exact(b1[2])
    assert net.weights[net.symbol("w3")] == exact(W2[0, 2])


@pytest.mark.parametrize(
    "arrays,message",
    [
        ({"W1": np.ones((3, 2)), "b1": np.zeros(3), "W2": np.ones((1, 4)), "b2": np.zeros(1)}, "4 columns"),
        ({"W1": np.ones((3, 2)), "b1": np.zeros(3), "W2": np.ones((1, 3))}, "missing"),
        ({"W1": np.ones((1, 2)), "b1": np.zeros(1), "V": np.ones(2)}, "unknown"),
        ({"W1": np.ones((2, 2)), "b1": np.zeros(3), "W2": np.ones((1, 2)), "b2": np.zeros(1)}, "3 biases"),
        ({"W1": np.ones((3, 2)), "b1": np.zeros(3), "W2": np.ones((2, 3)), "b2": np.zeros(2)}, "2 outputs"),
        ({"W1": np.ones(2), "b1": np.zeros(1)}, "2-dimensional"),
        ({"W1": np.array([["a"]]), "b1": np.zeros(1)}, "real numbers"),
        ({"W1": np.ones((1, 1)), "b1": np.zeros(1), "activation": np.array([1, 2])}, "single string"),
    ],
)
def test_malformed_npz_files_are_rejected(tmp_path, arrays, message):
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(WeightsError, match=message):
        load_weights(str(tmp_path / "bad.npz"))


def test_npz_nan_and_non_archives_are_rejected(tmp_path):
    np.savez(tmp_path / "nan.npz", W1=np.array([[np.nan, 1.0]]), b1=np.zeros(1))
    with pytest.raises(WeightsError, match="not a finite number"):
        network(tmp_path / "nan.npz", "tanh")
    (tmp_path / "junk.npz").write_text("not a zip")
    with pytest.raises(WeightsError, match="not a readable .npz"):
        load_weights(str(tmp_path / "junk.npz"))
    with pytest.raises(WeightsError, match="does not exist"):
        load_weights(str(tmp_path / "missing.npz"))


# -- PyTorch ----------------------------------------------------------------------------------


@needs_torch
@pytest.mark.parametrize(
    "module,activation",
    [
        ("Tanh", "tanh"),
        ("Sigmoid", "sigmoid"),
        ("Softplus", "softplus"),
        ("SiLU", "silu"),
        ("Identity", "identity"),
    ],
)
def test_torch_sequential_gives_architecture_activation_and_exact_weights(tmp_path, module, activation):
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(2, 4), getattr(nn, module)(), nn.Linear(4, 3), getattr(nn, module)(), nn.Linear(3, 1)
    )
    torch.save(model, tmp_path / "model.pt")
    net, wf = network(tmp_path / "model.pt")
    assert wf.activation == activation and net.widths == [2, 4, 3, 1]
    assert net.weights[net.symbol("W2_3_4")] == exact(model[2].weight[2, 3].item())
    assert net.weights[net.symbol("b1_2")] == exact(model[0].bias[1].item())
    # the exact network computes what the torch model computes
    x = torch.tensor([[0.3, -1.2]], dtype=torch.float64)
    expected = model.double()(x).item()
    assert abs(float(net.evaluate(["0.3", "-1.2"], prec=30).value) - expected) < 1e-12


@needs_torch
def test_torch_state_dict_needs_an_activation_and_keeps_layer_order(tmp_path):
    model = nn.Sequential(nn.Linear(1, 3), nn.Tanh(), nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1, bias=False))
    torch.save(model.state_dict(), tmp_path / "state.pth")
    net, wf = network(tmp_path / "state.pth", "tanh")
    assert wf.activation is None and net.widths == [1, 3, 2, 1]
    assert net.weights[net.symbol("b3")] == 0
    assert net.weights[net.symbol("w2")] == exact(model[4].weight[0, 1].item())


@needs_torch
@pytest.mark.parametrize(
    "model,message",
    [
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)), "ReLU"),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Softplus(beta=2), nn.Linear(3, 1)), "beta"),
        (
            lambda: nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1), nn.Sigmoid()),
            "ends with Sigmoid",
        ),
        (
            lambda: nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2), nn.Sigmoid(), nn.Linear(2, 1)),
            "different",
        ),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1)), "exactly one activation"),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2)), "2 outputs"),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Conv1d(1, 1, 1)), "Conv1d"),
    ],
)
def test_unsupported_torch_models_are_named(tmp_path, model, message):
    torch.save(model(), tmp_path / "model.pt")
    with pytest.raises(WeightsError, match=message):
        load_weights(str(tmp_path / "model.pt"))


@needs_torch
def test_torch_files_that_are_not_models(tmp_path):
    (tmp_path / "junk.pt").write_text("hello")
    with pytest.raises(WeightsError, match="not a PyTorch file"):
        load_weights(str(tmp_path / "junk.pt"))
    torch.save({"layer.running_mean": torch.zeros(3)}, tmp_path / "bn.pt")
    with pytest.raises(WeightsError, match="running_mean"):
        load_weights(str(tmp_path / "bn.pt"))
    torch.save({"0.weight": torch.tensor([[float("nan")]]), "0.bias": torch.zeros(1)}, tmp_path / "nan.pt")
    with pytest.raises(WeightsError, match="finite"):
        network(tmp_path / "nan.pt", "tanh")
    torch.save([1, 2], tmp_path / "list.pt")
    with pytest.raises(WeightsError, match="expected a state_dict"):
        load_weights(str(tmp_path / "list.pt"))


def test_architecture_errors_are_weights_or_architecture_errors(tmp_path):
    path = tmp_path / "net.json"
    path.write_text(json.dumps({"widths": [1, 0, 1], "layers": []}))
    with pytest.raises(ArchitectureError):
        load_weights(str(path))


def test_load_network_reconciles_architecture_activation_and_weights_file(tmp_path):
    path = tmp_path / "w.json"
    layers = [{"W": [[1], [2]], "b": [0, 0]}, {"W": [[1, 1]], "b": [0]}]
    path.write_text(json.dumps({"widths": [1, 2, 1], "activation": "sigmoid", "layers": layers}))
    net = load_network(None, None, str(path))
    assert net.describe() == "1,2,1" and net.activation.name == "sigmoid" and not net.free_parameters
    assert load_network("1,2,1", "sigmoid", str(path)).weights == net.weights
    with pytest.raises(InputError, match="architecture 1,3,1 does not match the weights file"):
        load_network("1,3,1", None, str(path))
    with pytest.raises(InputError, match="--activation tanh contradicts the weights file"):
        load_network(None, "tanh", str(path))
    path.write_text(json.dumps({"layers": layers}))  # names neither architecture nor activation
    assert load_network("1,2,1", None, str(path)).activation.name == "tanh"
    with pytest.raises(InputError, match="does not name an activation"):
        load_network("1,2,1", None, str(path), default_activation=None)
    with pytest.raises(InputError, match="give an architecture"):
        load_network(None, "tanh", str(path))
    assert load_network("2,3,1").free_parameters  # no weights: every weight a symbol
