"""Reading weights, architectures and networks; writing results without half-written files.

:func:`load_network` builds the network a user names by an architecture, an
activation and a weights file, reconciling what each of them says.
:func:`load_weights` reads three kinds of weights file, chosen by the file name:

* ``.npz`` (NumPy): arrays ``W1, b1, W2, b2, ..., WL, bL`` with ``Wl`` of shape
  ``(n_l, n_{l-1})`` and ``bl`` of shape ``(n_l,)``, the last layer being the
  output (``n_L = 1``), and optionally a string array ``activation``;
* ``.pt`` / ``.pth`` (PyTorch, needs the ``torch`` extra): a ``state_dict``
  (``weight``/``bias`` tensors of consecutive ``Linear`` layers) or a saved
  ``nn.Sequential`` of ``Linear`` layers with one smooth activation module
  between them (``Tanh``, ``Sigmoid``, ``Softplus`` with beta 1, ``SiLU``,
  ``GELU``, ``Identity``; ``Dropout`` is skipped).  Files are read with
  ``torch.load(weights_only=True)``, which never runs code from the file;
* anything else: JSON.

A trained neural ODE (torchdiffeq style: an input ``Linear``, a field module
``Sequential(Linear(m, k), Tanh(), Linear(k, m, bias=False))`` integrated from 0 to T,
an output ``Linear``) is read by :func:`load_neural_ode` from its ``state_dict`` and a
small JSON description naming the modules (``docs/neural-odes.md``).

JSON weights files come in two shapes, both with an optional ``activation``:

* layered: ``{"widths": [2, 3, 1], "layers": [{"W": [[...], ...], "b": [...]}, ...]}``
  with one entry per layer after the input, the output layer included;
* by name: ``{"widths": [...]}`` or ``{"graph": {node-link}}`` together with
  ``{"parameters": {"W1_1_1": "-3/5", ...}}``.

Numbers may be integers, rational strings (``"-3/5"``), decimal strings or
floats; floats are read exactly (see :func:`symmorse.exact.numbers.to_rational`), so
the weights of a trained model (float32 or float64 arrays) are analysed as the
binary fractions they are.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from ..exact.errors import InputError, WeightsError
from .architecture import describe, from_json, mlp, parse_architecture
from .network import Network
from .node import NeuralODE, NodeWeights, layer_field

__all__ = ["WeightsFile", "read_json", "load_weights", "load_network", "load_neural_ode", "write_atomic"]

#: The ``format`` of the JSON description of a trained neural ODE.
TORCH_NODE_FORMAT = "symmorse-torch-node/1"


def read_json(path: str, what: str = "file", error: type[InputError] = InputError) -> object:
    """Parse a JSON file, turning every failure into one clear ``error`` (naming the file as ``what``).

    Examples
    --------
    >>> read_json("no/such/file.json", "weights file")
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.InputError: weights file 'no/such/file.json' does not exist
    """
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise error(f"{what} {path!r} does not exist") from None
    except IsADirectoryError:
        raise error(f"{what} {path!r} is a directory") from None
    except OSError as exc:
        raise error(f"cannot read {what} {path!r}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise error(f"{what} {path!r} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise error(f"{what} {path!r} is not valid JSON: {exc.msg} (line {exc.lineno})") from None
    except RecursionError:
        raise error(f"{what} {path!r} is nested too deeply to read") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise error(f"{what} {path!r} cannot be read: {exc}") from None


@dataclass(frozen=True)
class WeightsFile:
    """What a weights file says: architecture and activation (if given), and the weights."""

    architecture: nx.DiGraph | None
    activation: str | None
    weights: Mapping[str, object] | list


def load_weights(path: str) -> WeightsFile:
    """Read a weights file: ``.npz``, ``.pt``/``.pth`` or JSON (see the module docstring).

    Raises
    ------
    WeightsError
        If the file is unreadable, not in one of the formats, or its layers do
        not fit together.

    Examples
    --------
    >>> import tempfile, os, json
    >>> path = os.path.join(tempfile.mkdtemp(), "net.json")
    >>> layers = [{"W": [[1], [-0.5]], "b": [0, "1/3"]}, {"W": [[2, 3]], "b": [0]}]
    >>> _ = open(path, "w").write(json.dumps({"widths": [1, 2, 1], "activation": "tanh", "layers": layers}))
    >>> wf = load_weights(path)
    >>> wf.activation, wf.weights[0]["b"]
    ('tanh', [0, '1/3'])
    """
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".npz":
        return _load_npz(path)
    if suffix in (".pt", ".pth"):
        return _load_torch(path)
    return _load_json(path)


def load_network(
    architecture: str | None,
    activation: str | None = None,
    weights_file: str | None = None,
    default_activation: str | None = "tanh",
) -> Network:
    """The network named by an architecture, an activation and a weights file, each optional.

    A weights file may name the architecture and the activation itself; what is
    given must agree with it.  Without weights, every weight is a symbol.

    Parameters
    ----------
    architecture : str or None
        As on the command line: widths ``"2,3,1"``, ``"resnet:..."`` or a graph file.
    activation : str or None
        The hidden activation; if None, the weights file's, else ``default_activation``.
    weights_file : str or None
        A weights file (see :func:`load_weights`).
    default_activation : str or None
        The activation when neither names one; None: one must be named.

    Raises
    ------
    InputError
        If the architecture or the activation contradicts the weights file, or
        no architecture or no activation is named.

    Examples
    --------
    >>> load_network("2,3,1").describe(), load_network("1,1,1", "sigmoid").activation.name
    ('2,3,1', 'sigmoid')
    >>> load_network(None)
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.InputError: give an architecture (e.g. 2,3,1) or a weights file that names one
    """
    arch = parse_architecture(architecture) if architecture else None
    weights = None
    if weights_file:
        wf = load_weights(weights_file)
        if wf.architecture is not None:
            if arch is not None and describe(arch) != describe(wf.architecture):
                raise InputError(
                    f"architecture {describe(arch)} does not match the weights file "
                    f"({describe(wf.architecture)})"
                )
            arch = arch if arch is not None else wf.architecture
        if wf.activation and activation and wf.activation != activation:
            raise InputError(f"--activation {activation} contradicts the weights file ({wf.activation})")
        activation = activation or wf.activation
        weights = wf.weights
    if arch is None:
        raise InputError("give an architecture (e.g. 2,3,1) or a weights file that names one")
    activation = activation or default_activation
    if activation is None:
        raise InputError("the weights file does not name an activation: give --activation")
    return Network(arch, activation, weights)


def _load_json(path: str) -> WeightsFile:
    data = read_json(path, "weights file", WeightsError)
    if not isinstance(data, dict):
        raise WeightsError(f"weights file {path!r}: expected a JSON object")
    unknown = set(data) - {"widths", "graph", "activation", "layers", "parameters", "format"}
    if unknown:
        raise WeightsError(f"weights file {path!r}: unknown keys {sorted(unknown)}")
    architecture = None
    if "widths" in data and "graph" in data:
        raise WeightsError(f"weights file {path!r}: give 'widths' or 'graph', not both")
    if "widths" in data:
        architecture = mlp(data["widths"])
    elif "graph" in data:
        architecture = from_json(data["graph"])
    activation = data.get("activation")
    if activation is not None and not isinstance(activation, str):
        raise WeightsError(f"weights file {path!r}: 'activation' must be a name")
    if ("layers" in data) == ("parameters" in data):
        raise WeightsError(f"weights file {path!r}: give exactly one of 'layers' or 'parameters'")
    weights = data.get("layers", data.get("parameters"))
    if "layers" in data and not isinstance(weights, list):
        raise WeightsError(f"weights file {path!r}: 'layers' must be a list")
    if "parameters" in data and not isinstance(weights, dict):
        raise WeightsError(f"weights file {path!r}: 'parameters' must be an object")
    return WeightsFile(architecture, activation, weights)


def _import(module: str, purpose: str, install: str) -> object:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise WeightsError(f"{purpose} needs the {module} package: pip install {install}") from None


def _layered(path: str, layers: list[tuple[list, list]], activation: str | None) -> WeightsFile:
    """A layered weights file from ``(W, b)`` nested lists, checking that the shapes chain."""
    if not layers:
        raise WeightsError(f"weights file {path!r}: no layers found")
    widths = [len(layers[0][0][0]) if layers[0][0] else 0]
    for k, (W, b) in enumerate(layers, start=1):
        rows, cols = len(W), len(W[0]) if W else 0
        if rows == 0 or cols == 0:
            raise WeightsError(f"weights file {path!r}: layer {k} has an empty weight matrix")
        if cols != widths[-1]:
            raise WeightsError(
                f"weights file {path!r}: the weight matrix of layer {k} has {cols} columns "
                f"but layer {k - 1} has {widths[-1]} units"
            )
        if len(b) != rows:
            raise WeightsError(f"weights file {path!r}: layer {k} has {rows} units but {len(b)} biases")
        widths.append(rows)
    if widths[-1] != 1:
        raise WeightsError(
            f"weights file {path!r}: the last layer has {widths[-1]} outputs; symmorse needs one"
        )
    return WeightsFile(mlp(widths), activation, [{"W": W, "b": b} for W, b in layers])


def _load_npz(path: str) -> WeightsFile:
    np = _import("numpy", "reading .npz weights", "numpy")
    try:
        archive = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise WeightsError(f"weights file {path!r} does not exist") from None
    except (OSError, ValueError, EOFError) as exc:
        raise WeightsError(f"weights file {path!r} is not a readable .npz archive: {exc}") from None
    with archive:
        names = set(archive.files)
        count = sum(1 for name in names if re.fullmatch(r"W[1-9]\d*", name))
        expected = {f"{p}{k}" for p in "Wb" for k in range(1, count + 1)}
        unknown = names - expected - {"activation"}
        if unknown or expected - names:
            raise WeightsError(
                f"weights file {path!r}: expected arrays W1, b1, ..., W{count}, b{count} (and 'activation'); "
                + (f"unknown {sorted(unknown)}" if unknown else f"missing {sorted(expected - names)}")
            )
        layers = []
        for k in range(1, count + 1):
            W, b = archive[f"W{k}"], archive[f"b{k}"]
            for name, array, ndim in ((f"W{k}", W, 2), (f"b{k}", b, 1)):
                if array.ndim != ndim or array.dtype.kind not in "iuf":
                    raise WeightsError(
                        f"weights file {path!r}: {name} must be a {ndim}-dimensional array of real numbers, "
                        f"got shape {array.shape} of {array.dtype}"
                    )
            layers.append((W.tolist(), b.tolist()))
        activation = None
        if "activation" in names:
            value = archive["activation"]
            if value.dtype.kind != "U" or value.ndim != 0:
                raise WeightsError(f"weights file {path!r}: 'activation' must be a single string")
            activation = str(value[()])
    return _layered(path, layers, activation)


#: PyTorch activation modules and the activation each one is.
_TORCH_ACTIVATIONS = {
    "Tanh": "tanh",
    "Sigmoid": "sigmoid",
    "Softplus": "softplus",
    "SiLU": "silu",
    "GELU": "gelu",
    "Identity": "identity",
}


def _load_torch(path: str) -> WeightsFile:
    torch = _import("torch", "reading PyTorch weights", "'symmorse[torch]'")
    nn = torch.nn
    allowed = [nn.Sequential, nn.Linear, nn.Dropout]
    allowed += [getattr(nn, name) for name in _TORCH_ACTIVATIONS]
    if not os.path.isfile(path):
        raise WeightsError(f"weights file {path!r} does not exist")
    allow = getattr(torch.serialization, "safe_globals", None)  # torch >= 2.5; older: state_dicts only
    try:
        with allow(allowed) if allow else contextlib.nullcontext():
            obj = torch.load(path, weights_only=True, map_location="cpu")
    except Exception as exc:  # torch raises many kinds on files it cannot read
        unsupported = re.search(r"Unsupported global: GLOBAL ([\w.]+)", str(exc))
        if unsupported:
            raise WeightsError(
                f"weights file {path!r}: unsupported module or object {unsupported.group(1)} "
                "(symmorse reads an nn.Sequential of Linear layers and Tanh, Sigmoid, Softplus, SiLU, GELU, "
                "Identity or Dropout modules, or a state_dict)"
            ) from None
        raise WeightsError(
            f"weights file {path!r} is not a PyTorch file torch.load can read safely"
        ) from None
    if isinstance(obj, nn.Module):
        layers, activation = _torch_sequential(path, obj, nn)
    elif isinstance(obj, Mapping):
        layers, activation = _torch_state_dict(path, obj, torch), None
    else:
        raise WeightsError(
            f"weights file {path!r}: expected a state_dict or an nn.Sequential, got {type(obj).__name__}"
        )
    return _layered(path, layers, activation)


def load_neural_ode(path: str) -> tuple[NeuralODE, NodeWeights]:
    """A trained neural ODE ``Phi(x) = W~ phi_T(W x + b) + b~`` from a JSON description and a state_dict.

    The description (``format`` ``symmorse-torch-node/1``) names the state_dict file (relative
    to the description), T, the activation and the module prefixes::

        {"format": "symmorse-torch-node/1", "state_dict": "model.pt", "time": "1",
         "activation": "tanh", "input": "encoder", "field": ["func.net.0", "func.net.2"],
         "output": "decoder"}

    ``input`` is ``Linear(n, m)`` (W, b), ``field`` the two ``Linear`` layers of
    ``h' = V sigma(A h + c)`` (the second without bias, or with bias 0), ``output`` is
    ``Linear(m, 1)`` (W~, b~).  Every entry of the state_dict must be one of these (nothing is
    ignored); the file is read with ``torch.load(weights_only=True)``; float weights are read
    exactly, as the binary fractions they are.

    Raises
    ------
    WeightsError
        For a missing or extra entry, shapes that do not fit, a non-zero bias of the field's output
        layer, or an unreadable file.

    Examples
    --------
    >>> load_neural_ode("no/such/model.json")
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.WeightsError: neural-ODE description 'no/such/model.json' does not exist

    (``tests/test_node_torch.py`` saves a model and reads it back.)
    """
    description = read_json(path, "neural-ODE description", WeightsError)
    keys = {"format", "state_dict", "time", "activation", "input", "field", "output"}
    if not isinstance(description, dict) or set(description) != keys:
        raise WeightsError(f"neural-ODE description {path!r} needs exactly the keys {sorted(keys)}")
    if description["format"] != TORCH_NODE_FORMAT:
        raise WeightsError(f"neural-ODE description {path!r}: format must be {TORCH_NODE_FORMAT!r}")
    field = description["field"]
    names = [description["input"], *field, description["output"]] if isinstance(field, list) else []
    if len(names) != 4 or not all(isinstance(v, str) and v for v in names):
        raise WeightsError(f"{path!r}: 'input', 'output' and the two 'field' layers are module names")
    torch = _import("torch", "reading PyTorch weights", "'symmorse[torch]'")
    file = os.path.join(os.path.dirname(os.path.abspath(path)), str(description["state_dict"]))
    if not os.path.isfile(file):
        raise WeightsError(f"state_dict file {file!r} does not exist")
    try:
        state = torch.load(file, weights_only=True, map_location="cpu")
    except Exception:  # torch raises many kinds on files it cannot read
        raise WeightsError(f"state_dict file {file!r} is not a file torch.load can read safely") from None
    if not isinstance(state, Mapping):
        raise WeightsError(f"{file!r} does not hold a state_dict")
    expected = {f"{name}.{kind}" for name in names for kind in ("weight", "bias")}
    unknown = set(map(str, state)) - expected
    if unknown:
        raise WeightsError(f"{file!r}: unexpected entries {sorted(unknown)} (not the modules described)")

    def tensor(name, ndim, optional=False):
        if name not in state:
            if optional:
                return None
            raise WeightsError(f"{file!r} lacks {name}")
        return _tensor_list(file, name, state[name], ndim, torch)

    (inp, first, second, out) = names
    W, b = tensor(f"{inp}.weight", 2), tensor(f"{inp}.bias", 1)
    A, c = tensor(f"{first}.weight", 2), tensor(f"{first}.bias", 1)
    V, d = tensor(f"{second}.weight", 2), tensor(f"{second}.bias", 1, optional=True)
    if d is not None and any(v != 0 for v in d):
        raise WeightsError(
            f"{file!r}: the field's output layer {second} has a non-zero bias (h' = V sigma(A h + c) has "
            "none; train it with bias=False)"
        )
    W_out, b_out = tensor(f"{out}.weight", 2), tensor(f"{out}.bias", 1)
    if len(W_out) != 1 or len(b_out) != 1:
        raise WeightsError(f"{file!r}: the output layer {out} must map to one number")
    try:
        layers = layer_field({"A": A, "V": V, "c": c, "activation": description["activation"]})
        node = NeuralODE(len(W[0]), layers, time=description["time"])
        return node, node.weights(W=W, b=b, W_out=W_out[0], b_out=b_out[0])
    except InputError as exc:
        raise WeightsError(f"neural ODE {path!r}: {exc}") from None


def _tensor_list(path: str, name: str, tensor: object, ndim: int, torch: object) -> list:
    if not isinstance(tensor, torch.Tensor) or tensor.dim() != ndim or tensor.is_complex():
        raise WeightsError(f"weights file {path!r}: {name} must be a real {ndim}-dimensional tensor")
    return tensor.detach().to(torch.float64).tolist()  # float16/32 -> float64 is exact


def _torch_state_dict(path: str, state: Mapping, torch: object) -> list[tuple[list, list]]:
    """``(W, b)`` of the Linear layers in a state_dict, in order."""
    groups: dict[str, dict[str, object]] = {}
    for key, value in state.items():
        prefix, _, kind = str(key).rpartition(".")
        if kind not in ("weight", "bias"):
            raise WeightsError(
                f"weights file {path!r}: unexpected entry {key!r} (only Linear weight and bias)"
            )
        groups.setdefault(prefix, {})[kind] = value
    layers = []
    for prefix, group in groups.items():
        if "weight" not in group:
            raise WeightsError(f"weights file {path!r}: {prefix}.bias has no {prefix}.weight")
        W = _tensor_list(path, f"{prefix}.weight", group["weight"], 2, torch)
        b = _tensor_list(path, f"{prefix}.bias", group["bias"], 1, torch) if "bias" in group else [0] * len(W)
        layers.append((W, b))
    return layers


def _torch_sequential(path: str, model: object, nn: object) -> tuple[list[tuple[list, list]], str]:
    """``(W, b)`` per Linear layer and the activation between them, from an nn.Sequential."""
    if not isinstance(model, nn.Sequential):
        raise WeightsError(
            f"weights file {path!r}: only nn.Sequential models are read (save a state_dict instead)"
        )
    layers, between, activations = [], [], set()
    for position, module in enumerate(model):
        name = type(module).__name__
        if isinstance(module, nn.Linear):
            if layers:
                if len(between) != 1:
                    raise WeightsError(
                        f"weights file {path!r}: Linear module {position} must follow exactly one "
                        f"activation module, found {between or 'none'}"
                    )
                activations.add(between[0])
            elif between:
                raise WeightsError(f"weights file {path!r}: the model starts with {between[0]}, not Linear")
            W = module.weight.detach().double().tolist()
            b = module.bias.detach().double().tolist() if module.bias is not None else [0] * len(W)
            layers.append((W, b))
            between = []
        elif name in _TORCH_ACTIVATIONS:
            if name == "Softplus" and (module.beta != 1):
                raise WeightsError(
                    f"weights file {path!r}: Softplus(beta={module.beta}) is not supported (beta 1 only)"
                )
            if name == "GELU" and module.approximate != "none":
                raise WeightsError(
                    f"weights file {path!r}: GELU(approximate={module.approximate!r}) is not supported"
                )
            between.append(name)
        elif name == "Dropout":
            continue  # the identity at inference
        else:
            raise WeightsError(f"weights file {path!r}: unsupported module {name} at position {position}")
    if any(name != "Identity" for name in between):
        raise WeightsError(
            f"weights file {path!r}: the model ends with {between[0]} after the last Linear; "
            "remove it (a monotone output function does not change the critical points)"
        )
    if len(activations) > 1:
        raise WeightsError(
            f"weights file {path!r}: hidden layers use different activations {sorted(activations)}"
        )
    activation = _TORCH_ACTIVATIONS[activations.pop()] if activations else "identity"
    return layers, activation


def _umask() -> int:
    """The process's file-mode creation mask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` so that the file is either complete or untouched.

    The file gets the mode an ordinary ``open(path, "w")`` would give it
    (``0o666`` less the umask, so 0644 under the usual umask 0022), not the
    private 0600 of the temporary file it is renamed from.

    Examples
    --------
    >>> path = os.path.join(tempfile.mkdtemp(), "out.json")
    >>> write_atomic(path, "[1, 2]")
    >>> read_json(path)
    [1, 2]
    >>> oct(os.stat(path).st_mode & 0o777) == oct(0o666 & ~_umask())
    True
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".symmorse-", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write {path!r}: {exc.strerror}") from None
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
