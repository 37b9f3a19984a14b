"""Residual networks as :class:`~symmorse.model.network.Network` objects: one job, building them.

A residual network ``h_0 = W x + b``, ``h_j = h_{j-1} + V_j sigma(W_j h_{j-1} + b_j)``,
``Phi = W~ h_K + b~`` is the DAG :func:`~symmorse.model.architecture.resnet_graph`:
identity nodes carry the states h_j, skip edges ``h_{j-1} -> h_j`` have fixed weight 1
and state biases are fixed to 0, so :class:`~symmorse.model.network.Network` derives
its exact structured gradient and Hessian (also in chart coordinates) with no new
code.  :func:`resnet` fills in the weights that are given; :func:`euler_resnet` is
the explicit Euler discretisation of a layered neural ODE (K blocks of step T/K).
What these networks' critical points are is the search's job
(:mod:`symmorse.search.resnet`).

Examples
--------
>>> resnet(1, 1, [1], lift=False).output
b3 + w1*(W2_1_1*tanh(W1_1_1*x1 + b1_1) + x1)
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import sympy

from ..exact.errors import InputError, WeightsError
from .architecture import bias_parameter, edge_parameter, resnet_graph
from .network import Network
from .node import NeuralODE, NodeWeights, parse_matrix

__all__ = ["resnet", "euler_resnet", "euler_step"]


def _matrix_parameters(G, rows: Sequence[Hashable], cols: Sequence[Hashable], M, what) -> dict:
    M = parse_matrix(M, len(rows), len(cols), what)
    return {edge_parameter(G, u, v): M[i, j] for i, v in enumerate(rows) for j, u in enumerate(cols)}


def _vector_parameters(G, nodes, b, what) -> dict:
    b = parse_matrix(b, 1, len(nodes), what)
    return {bias_parameter(G, v): b[i] for i, v in enumerate(nodes)}


def resnet(
    inputs: int,
    phase: int,
    hidden: Sequence[int],
    activation: str = "tanh",
    lift: bool = True,
    weights: Mapping | None = None,
) -> Network:
    """A residual network as a :class:`~symmorse.model.network.Network` (skip weights fixed to 1).

    Parameters
    ----------
    inputs, phase : int
        The input width n and the state width m.
    hidden : sequence of int
        The width of each block's hidden layer (one block per entry).
    activation : str
        The blocks' activation.
    lift : bool
        Whether a lift ``h_0 = W x + b`` comes first (without it, m = n and ``h_0 = x``).
    weights : mapping, optional
        ``{"lift": {"W", "b"}, "blocks": [{"W", "b", "V"}, ...], "out": {"W", "b"}}``;
        parts left out stay symbolic.

    Raises
    ------
    ArchitectureError
        If the widths do not make a residual network (see ``resnet_graph``).
    WeightsError
        If the weights have unknown or missing parts, or shapes that do not fit.

    Examples
    --------
    >>> net = resnet(1, 1, [1], lift=False, weights={"blocks": [{"W": [[3]], "b": [0], "V": [[-1]]}],
    ...                                              "out": {"W": [[1]], "b": [0]}})
    >>> net.output
    x1 - tanh(3*x1)
    >>> net.gradient("chart")[0]
    3*u1_1**2 - 2
    """
    G = resnet_graph(inputs, phase, hidden, lift)
    values: dict[str, object] = {}
    weights = _section(weights or {}, {"lift", "blocks", "out"}, set(), "the weights")
    state = [f"s0_{i}" for i in range(1, phase + 1)] if lift else [f"x{i}" for i in range(1, inputs + 1)]
    xs = [f"x{i}" for i in range(1, inputs + 1)]
    if "lift" in weights:
        if not lift:
            raise WeightsError("residual network weights: 'lift' given for a network without a lift")
        part = _section(weights["lift"], {"W", "b"}, {"W"}, "'lift'")
        values.update(_matrix_parameters(G, state, xs, part["W"], "lift W"))
        values.update(_vector_parameters(G, state, part.get("b", [0] * phase), "lift b"))
    blocks = weights.get("blocks", [])
    if not isinstance(blocks, list):
        raise WeightsError('residual network weights: \'blocks\' must be a list of {"W", "b", "V"} objects')
    if len(blocks) > len(hidden):
        raise WeightsError(
            f"residual network weights: {len(blocks)} blocks given, the network has {len(hidden)}"
        )
    for j, block in enumerate(blocks, start=1):
        block = _section(block, {"W", "b", "V"}, {"W", "V"}, f"block {j}")
        units = [f"a{j}_{k}" for k in range(1, hidden[j - 1] + 1)]
        new = [f"s{j}_{i}" for i in range(1, phase + 1)]
        values.update(_matrix_parameters(G, units, state, block["W"], f"block {j} W"))
        values.update(_vector_parameters(G, units, block.get("b", [0] * len(units)), f"block {j} b"))
        values.update(_matrix_parameters(G, new, units, block["V"], f"block {j} V"))
        state = new
    if "out" in weights:
        last = [f"s{len(hidden)}_{i}" for i in range(1, phase + 1)]
        part = _section(weights["out"], {"W", "b"}, {"W"}, "'out'")
        values.update(_matrix_parameters(G, ["y"], last, part["W"], "out W"))
        b_out = part.get("b", 0)
        values.update(_vector_parameters(G, ["y"], b_out if isinstance(b_out, list) else [b_out], "out b"))
    return Network(G, activation, values)


def _section(value: object, keys: set, required: set, what: str) -> Mapping:
    """A part of the weights: an object with only ``keys``, among them ``required``."""
    if not isinstance(value, Mapping):
        raise WeightsError(f"residual network weights: {what} must be an object with keys {sorted(keys)}")
    unknown = set(value) - keys
    if unknown:
        raise WeightsError(f"residual network weights: {what} has unknown keys {sorted(map(str, unknown))}")
    missing = required - set(value)
    if missing:
        raise WeightsError(f"residual network weights: {what} lacks {sorted(missing)}")
    return value


def euler_step(time: sympy.Rational, steps: object) -> sympy.Rational:
    """The step ``tau = T/K`` of K explicit Euler steps up to time T.

    Raises
    ------
    InputError
        If ``steps`` is not a positive integer.

    Examples
    --------
    >>> euler_step(sympy.Rational(3, 2), 3)
    1/2
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise InputError(f"the number of Euler steps must be a positive integer, got {steps!r}")
    return time / steps


def euler_resnet(node: NeuralODE, steps: int, weights: NodeWeights) -> Network:
    """The explicit Euler discretisation of a layered neural ODE: K residual blocks of step T/K.

    ``h_j = h_{j-1} + (T/K) V sigma(A h_{j-1} + c)``, with the ODE's lift and output weights.

    Examples
    --------
    >>> from symmorse.model.node import layer_field
    >>> node = NeuralODE(1, layer_field({"A": [[1]], "V": [[-2]], "c": [0]}), time=1)
    >>> euler_resnet(node, 2, node.weights(W="1", W_out="1")).output
    x1 - tanh(x1) - tanh(x1 - tanh(x1))
    """
    if node.layers is None:
        raise InputError(
            "an Euler discretisation as a residual network needs a layered field V sigma(A h + c)"
        )
    tau = euler_step(node.T, steps)
    f = node.layers
    block = {"W": f.A.tolist(), "b": list(f.c), "V": (tau * f.V).tolist()}
    lifted = {"W": weights.W.tolist(), "b": list(weights.b)}
    out = {"W": weights.W_out.tolist(), "b": weights.b_out}
    return resnet(
        node.n,
        node.m,
        [f.A.rows] * steps,
        f.activation,
        True,
        {"lift": lifted, "blocks": [block] * steps, "out": out},
    )
