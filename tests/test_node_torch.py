"""Reading a trained torchdiffeq-style neural ODE (state_dict + JSON description) exactly."""

import json

import pytest
from flint import ctx, fmpq

from symmorse.exact.errors import WeightsError
from symmorse.exact.numbers import to_fmpq
from symmorse.exact.validated_flow import validated_flow
from symmorse.model.io import TORCH_NODE_FORMAT, load_neural_ode

torch = pytest.importorskip("torch")

DESCRIPTION = {
    "format": TORCH_NODE_FORMAT,
    "state_dict": "model.pt",
    "time": "1/2",
    "activation": "tanh",
    "input": "encoder",
    "field": ["func.net.0", "func.net.2"],
    "output": "decoder",
}


def _model():
    torch.manual_seed(3)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3, bias=False))
    encoder, decoder = torch.nn.Linear(2, 3), torch.nn.Linear(3, 1)
    state = {f"encoder.{k}": v for k, v in encoder.state_dict().items()}
    state |= {f"func.net.{k}": v for k, v in net.state_dict().items()}
    state |= {f"decoder.{k}": v for k, v in decoder.state_dict().items()}
    return state, (encoder, net, decoder)


def _write(tmp_path, state, description=DESCRIPTION):
    torch.save(state, tmp_path / "model.pt")
    (tmp_path / "model.json").write_text(json.dumps(description))
    return str(tmp_path / "model.json")


def test_the_loaded_network_is_the_torch_network(tmp_path):
    state, (encoder, net, decoder) = _model()
    node, weights = load_neural_ode(_write(tmp_path, state))
    assert (node.n, node.m, node.layers.A.rows, node.T) == (2, 3, 4, fmpq(1, 2))
    x = torch.tensor([[0.25, -0.75]], dtype=torch.float64)
    h = encoder.double()(x)
    steps, dt = 400, 0.5 / 400
    for _ in range(steps):  # RK4 in float64: error ~ dt^4
        k1 = net.double()(h)
        k2 = net(h + dt / 2 * k1)
        k3 = net(h + dt / 2 * k2)
        k4 = net(h + dt * k3)
        h = h + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    expected = decoder.double()(h).item()
    x_exact = [fmpq(1, 4), fmpq(-3, 4)]  # dyadic: the same numbers in torch and here
    y = [
        sum((to_fmpq(weights.W[i, j]) * x_exact[j] for j in range(2)), fmpq(0)) + to_fmpq(weights.b[i])
        for i in range(3)
    ]
    e = validated_flow(node.flow_field(), node.T, y, prec=64)
    with ctx.workprec(64):
        value = sum((e.value[i] * to_fmpq(weights.W_out[i]) for i in range(3)), to_fmpq(weights.b_out))
    assert abs(float(value.mid()) - expected) < 1e-9


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.update({"extra.weight": torch.zeros(1, 1)}), "unexpected entries"),
        (lambda s: s.update({"func.net.2.bias": torch.ones(3)}), "non-zero bias"),
        (lambda s: s.pop("decoder.bias"), "lacks decoder.bias"),
        (lambda s: s.update({"decoder.weight": torch.zeros(2, 3)}), "map to one number"),
    ],
)
def test_bad_models_are_refused(tmp_path, change, message):
    state, _ = _model()
    change(state)
    with pytest.raises(WeightsError, match=message):
        load_neural_ode(_write(tmp_path, state))


def test_bad_descriptions_are_refused(tmp_path):
    state, _ = _model()
    with pytest.raises(WeightsError, match="needs exactly the keys"):
        load_neural_ode(_write(tmp_path, state, {**DESCRIPTION, "extra": 1}))
    with pytest.raises(WeightsError, match="format must be"):
        load_neural_ode(_write(tmp_path, state, {**DESCRIPTION, "format": "x"}))
