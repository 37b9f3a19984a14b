"""Networks as exact symbolic expressions, with structured gradient and Hessian.

A :class:`Network` is an architecture (see :mod:`symmorse.model.architecture`), an
activation and weights that are symbols, exact rationals, or a mix.  It builds
Phi in topological order and derives gradient and Hessian *structurally*
(DESIGN section 1), never by differentiating the expanded expression:

* backward vectors (adjoints) ``lambda_v = dPhi/dh_v``, with ``grad Phi = v_0``;
* pre-activation Jacobians ``J_v = dz_v/dx``;
* ``Hess Phi = sum_v sigma''(z_v) lambda_v J_v^T J_v`` over hidden units, which
  for a layered MLP is ``sum_l J_l^T diag(sigma''(z_l) * v_l) J_l``.

The algorithm, :func:`structured_derivatives`, only adds and multiplies, so the
same code runs over any ring: SymPy expressions in ``x`` (``coordinates="x"``),
in abbreviated pre-activations ``z`` (``"z"``), in chart coordinates ``u``
(``"chart"``, where sigma' and sigma'' are polynomials in u and x disappears),
and over mpmath numbers (:meth:`Network.evaluate`).

References
----------
.. [1] Kuehn, Kuntz. Analysis of the Geometric Structure of Neural Networks and
   Neural ODEs via Morse Functions. arXiv:2405.09351.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

import mpmath
import networkx as nx
import sympy

from ..exact.errors import ActivationError, ArchitectureError, WeightsError
from ..exact.numbers import to_rational
from .activations import Activation, get_activation
from .architecture import (
    bias_parameter,
    chart_coordinate,
    describe,
    edge_parameter,
    fixed_parameters,
    from_graph,
    hidden_nodes,
    input_nodes,
    input_variable,
    layers,
    mlp,
    output_node,
    preactivation_name,
    widths,
)

__all__ = [
    "Network",
    "determinant",
    "StructuredDerivatives",
    "structured_derivatives",
    "weights_from_layers",
    "Coordinates",
]

T = TypeVar("T")
Coordinates = Literal["x", "z", "chart"]


@dataclass(frozen=True)
class StructuredDerivatives(Generic[T]):
    """Gradient and Hessian of Phi with the intermediate quantities that give them.

    Attributes
    ----------
    jacobians : dict
        ``J_v = dz_v/dx`` (a list of n_0 entries) for every non-input node.
    adjoints : dict
        ``lambda_v = dPhi/dh_v`` for hidden nodes and ``dPhi/dx_i`` for inputs;
        grouped by layer these are the backward vectors v_l.
    gradient : list
        ``grad Phi`` (n_0 entries), equal to v_0.
    hessian : list of lists
        ``Hess Phi`` (n_0 x n_0, symmetric).
    """

    jacobians: dict[Hashable, list[T]]
    adjoints: dict[Hashable, T]
    gradient: list[T]
    hessian: list[list[T]]


def _total(terms: list[T], zero: T) -> T:
    """Sum of ``terms``; SymPy terms are summed in one ``Add`` (linear, not quadratic)."""
    if terms and isinstance(terms[0], sympy.Basic):
        return sympy.Add(*terms)
    return functools.reduce(operator.add, terms, zero)


def structured_derivatives(
    G: nx.DiGraph,
    weight: Callable[[Hashable, Hashable], T],
    d1: Mapping[Hashable, T],
    d2: Mapping[Hashable, T],
    zero: T = 0,
    one: T = 1,
) -> StructuredDerivatives[T]:
    """Structured gradient and Hessian of Phi over any ring.

    Parameters
    ----------
    G : networkx.DiGraph
        An architecture annotated by :func:`~symmorse.model.architecture.from_graph`.
    weight : callable
        ``weight(u, v)``, the weight on edge ``u -> v``.
    d1, d2 : mapping
        sigma'(z_v) and sigma''(z_v) for every hidden node v.
    zero, one : ring elements
        Additive and multiplicative identities of the ring.

    Returns
    -------
    StructuredDerivatives

    Examples
    --------
    The network ``Phi(x) = 2*tanh(3x)`` (one hidden unit) at ``x = 0``, where
    ``sigma'(0) = 1`` and ``sigma''(0) = 0``:

    >>> G = mlp("1,1,1")
    >>> w = {("x1", "h1_1"): 3, ("h1_1", "y"): 2}
    >>> sd = structured_derivatives(G, lambda u, v: w[u, v], {"h1_1": 1}, {"h1_1": 0})
    >>> sd.gradient, sd.hessian
    ([6], [[0]])

    Notes
    -----
    Forward mode gives ``J_v = sum_u w_uv * (e_u or sigma'(z_u) J_u)``; reverse
    mode gives ``lambda_v = sum_s w_vs * g_s`` with ``g_s = dPhi/dz_s``.  The
    Hessian collects one rank-one term per hidden unit, since sigma is the
    only non-linear operation.
    """
    xs = input_nodes(G)
    position = {x: i for i, x in enumerate(xs)}
    order = [v for group in layers(G) for v in group]
    hidden = [v for v in order if G.nodes[v]["role"] == "hidden"]
    n0 = len(xs)

    jacobians: dict[Hashable, list[T]] = {}
    for v in order:
        if v in position:
            continue
        rows: list[list[T]] = [[] for _ in range(n0)]
        for u in G.predecessors(v):
            if u in position:
                rows[position[u]].append(weight(u, v))
            else:
                factor = weight(u, v) * d1[u]
                for i, entry in enumerate(jacobians[u]):
                    rows[i].append(factor * entry)
        jacobians[v] = [_total(r, zero) for r in rows]

    out = output_node(G)
    dz: dict[Hashable, T] = {out: one}  # dPhi/dz_v
    adjoints: dict[Hashable, T] = {}
    for v in reversed(order):
        if v == out:
            continue
        adjoints[v] = _total([weight(v, s) * dz[s] for s in G.successors(v)], zero)
        if v not in position:
            dz[v] = d1[v] * adjoints[v]

    curvature = {v: d2[v] * adjoints[v] for v in hidden}
    hessian = [[zero] * n0 for _ in range(n0)]
    for i in range(n0):
        for j in range(i, n0):
            terms = [curvature[v] * jacobians[v][i] * jacobians[v][j] for v in hidden]
            hessian[i][j] = hessian[j][i] = _total(terms, zero)
    gradient = [adjoints[x] for x in xs]
    return StructuredDerivatives(jacobians, adjoints, gradient, hessian)


@dataclass(frozen=True)
class Evaluation:
    """Phi, its gradient and Hessian at one input, as mpmath numbers."""

    value: mpmath.mpf
    gradient: list[mpmath.mpf]
    hessian: list[list[mpmath.mpf]]


class Network:
    """A neural network as an exact symbolic expression.

    Parameters
    ----------
    architecture : str, sequence of int or networkx.DiGraph
        Widths such as ``"2,3,1"`` or any architecture graph.
    activation : str or Activation
        The activation of hidden nodes without their own ``activation``
        attribute; see :func:`~symmorse.model.activations.get_activation`.
    weights : mapping or sequence, optional
        ``{name: number}`` for some or all parameters (names as in
        :attr:`parameters`), or for a layered MLP a list with one
        ``{"W": [[...]], "b": [...]}`` per layer.  Numbers are converted
        exactly (:func:`~symmorse.exact.numbers.to_rational`); parameters not given
        stay symbolic.

    Examples
    --------
    >>> net = Network("1,2,1", "tanh")
    >>> net.output
    b2 + w1*tanh(W1_1_1*x1 + b1_1) + w2*tanh(W1_2_1*x1 + b1_2)
    >>> net.hessian("chart")
    Matrix([[-2*W1_1_1**2*u1_1*w1*(1 - u1_1**2) - 2*W1_2_1**2*u1_2*w2*(1 - u1_2**2)]])
    >>> Network("1,1,1", "tanh", {"W1_1_1": 2, "b1_1": 0, "w1": 1, "b2": 0}).output
    tanh(2*x1)
    """

    def __init__(
        self,
        architecture: str | Sequence[int] | nx.DiGraph,
        activation: str | Activation = "tanh",
        weights: Mapping[str | sympy.Symbol, object] | Sequence[Mapping] | None = None,
    ) -> None:
        if isinstance(architecture, nx.DiGraph):
            G = from_graph(architecture)
        elif isinstance(architecture, (str, Sequence)):
            G = mlp(architecture)
        else:
            raise ArchitectureError(
                f"architecture must be widths or a networkx.DiGraph, got {type(architecture).__name__}"
            )
        self.graph = G
        self.activation = get_activation(activation)
        self.activations = {
            v: get_activation(G.nodes[v].get("activation") or self.activation) for v in hidden_nodes(G)
        }
        self.inputs = [sympy.Symbol(input_variable(G, v), real=True) for v in input_nodes(G)]
        self._symbols = {name: sympy.Symbol(name, real=True) for name in _parameter_names(G)}
        self.parameters = list(self._symbols.values())
        if weights is not None and not isinstance(weights, Mapping):
            weights = weights_from_layers(G, weights)
        self.weights = self._exact_weights(weights or {})
        self._cache: dict[str, StructuredDerivatives] = {}

    def _exact_weights(self, weights: Mapping) -> dict[sympy.Symbol, sympy.Rational]:
        """The given weights, exact, plus the parameters the architecture fixes."""
        fixed = fixed_parameters(self.graph)
        values = {self._symbols[name]: value for name, value in fixed.items()}
        for key, value in weights.items():
            name = key.name if isinstance(key, sympy.Symbol) else key
            if name not in self._symbols:
                known = ", ".join(list(self._symbols)[:8])
                raise WeightsError(
                    f"unknown parameter {name!r} for architecture {self.describe()} "
                    f"(parameters are {known}, ...)"
                )
            exact = to_rational(value, where=name)
            if name in fixed and exact != fixed[name]:
                raise WeightsError(
                    f"parameter {name} is fixed to {fixed[name]} by the architecture, got {exact}"
                )
            values[self._symbols[name]] = exact
        return values

    # -- basic data ---------------------------------------------------------------

    def describe(self) -> str:
        """The architecture as ``2,3,1`` or ``graph(n nodes, m edges)`` (see :func:`describe`)."""
        return describe(self.graph)

    @property
    def widths(self) -> list[int] | None:
        """Widths of a layered MLP, else None."""
        return widths(self.graph)

    @property
    def free_parameters(self) -> list[sympy.Symbol]:
        """Parameters that are still symbols (not given a value)."""
        return [s for s in self.parameters if s not in self.weights]

    def symbol(self, name: str) -> sympy.Symbol:
        """The parameter symbol called ``name``."""
        try:
            return self._symbols[name]
        except KeyError:
            raise WeightsError(f"unknown parameter {name!r}") from None

    def weight(self, u: Hashable, v: Hashable) -> sympy.Expr:
        """The weight on edge ``u -> v``: its value if given, else its symbol."""
        s = self._symbols[edge_parameter(self.graph, u, v)]
        return self.weights.get(s, s)

    def bias(self, v: Hashable) -> sympy.Expr:
        """The bias of non-input node ``v``: its value if given, else its symbol."""
        s = self._symbols[bias_parameter(self.graph, v)]
        return self.weights.get(s, s)

    def substitute(self, weights: Mapping[str | sympy.Symbol, object]) -> Network:
        """A copy with more (or changed) parameter values.

        Examples
        --------
        >>> Network("1,1,1").substitute({"w1": 3, "b2": 0}).output
        3*tanh(W1_1_1*x1 + b1_1)
        """
        merged = {s.name: v for s, v in self.weights.items()}
        merged.update({(k.name if isinstance(k, sympy.Symbol) else k): v for k, v in weights.items()})
        net = Network(self.graph, self.activation, merged)
        return net

    # -- forward pass ---------------------------------------------------------------

    @functools.cached_property
    def preactivations(self) -> dict[Hashable, sympy.Expr]:
        """``z_v`` as expressions in x and the parameters, for every non-input node."""
        G = self.graph
        value: dict[Hashable, sympy.Expr] = {}
        z: dict[Hashable, sympy.Expr] = {}
        for x_node, x in zip(input_nodes(G), self.inputs):
            value[x_node] = x
        for group in layers(G)[1:]:
            for v in group:
                terms = [self.weight(u, v) * value[u] for u in G.predecessors(v)]
                z[v] = sympy.Add(*terms, self.bias(v))
                if v in self.activations:
                    value[v] = self.activations[v](z[v])
        return z

    @property
    def output(self) -> sympy.Expr:
        """Phi(x), the network's output as a SymPy expression."""
        return self.preactivations[output_node(self.graph)]

    @functools.cached_property
    def preactivation_symbols(self) -> dict[Hashable, sympy.Symbol]:
        """Abbreviations ``z{l}_{i}`` for the pre-activations of hidden nodes."""
        return {v: sympy.Symbol(preactivation_name(self.graph, v), real=True) for v in self.activations}

    @functools.cached_property
    def chart_symbols(self) -> dict[Hashable, sympy.Symbol]:
        """Chart coordinates ``u{l}_{i}`` of hidden nodes."""
        return {v: sympy.Symbol(chart_coordinate(self.graph, v), real=True) for v in self.activations}

    def preactivation_substitution(self) -> dict[sympy.Symbol, sympy.Expr]:
        """``{z_v: z_v(x, theta)}``: expands the abbreviated (``"z"``) forms."""
        return {s: self.preactivations[v] for v, s in self.preactivation_symbols.items()}

    def chart_substitution(self) -> dict[sympy.Symbol, sympy.Expr]:
        """``{u_v: c(z_v(x, theta))}``: turns chart-coordinate forms into ``"x"`` forms.

        Examples
        --------
        >>> Network("1,1,1", "sigmoid").chart_substitution()
        {u1_1: 1/(exp(-W1_1_1*x1 - b1_1) + 1)}
        """
        result = {}
        for v, s in self.chart_symbols.items():
            chart = self._chart(v)
            result[s] = chart(self.preactivations[v])
        return result

    def _chart(self, v: Hashable):
        act = self.activations[v]
        if act.chart is None:
            raise ActivationError(
                f"activation {act.name!r} of node {v!r} has no chart, so chart coordinates are not available"
            )
        return act.chart

    # -- structured derivatives -----------------------------------------------------

    def derivatives(self, coordinates: Coordinates = "x") -> StructuredDerivatives[sympy.Expr]:
        """Backward vectors, Jacobians, gradient and Hessian as SymPy expressions.

        ``coordinates="x"``: in x and the parameters; ``"z"``: in the
        abbreviations ``z{l}_{i}`` of the pre-activations (see
        :meth:`preactivation_substitution`); ``"chart"``: in the chart
        coordinates ``u{l}_{i}`` and the weights, with x eliminated.
        """
        if coordinates not in self._cache:
            if coordinates == "x":
                at = self.preactivations
                d1 = {v: act.derivative(at[v]) for v, act in self.activations.items()}
                d2 = {v: act.second_derivative(at[v]) for v, act in self.activations.items()}
            elif coordinates == "z":
                at = self.preactivation_symbols
                d1 = {v: act.derivative(at[v]) for v, act in self.activations.items()}
                d2 = {v: act.second_derivative(at[v]) for v, act in self.activations.items()}
            elif coordinates == "chart":
                u = self.chart_symbols
                d1 = {v: self._chart(v).d1_at(u[v]) for v in self.activations}
                d2 = {v: self._chart(v).d2_at(u[v]) for v in self.activations}
            else:
                raise ValueError(f"coordinates must be 'x', 'z' or 'chart', not {coordinates!r}")
            self._cache[coordinates] = structured_derivatives(
                self.graph, self.weight, d1, d2, sympy.S.Zero, sympy.S.One
            )
        return self._cache[coordinates]

    def gradient(self, coordinates: Coordinates = "x") -> sympy.Matrix:
        """grad Phi as an n_0 x 1 matrix (see :meth:`derivatives` for ``coordinates``).

        Examples
        --------
        >>> Network("1,1,1", "tanh").gradient("z")
        Matrix([[W1_1_1*w1*(1 - tanh(z1_1)**2)]])
        """
        return sympy.Matrix(self.derivatives(coordinates).gradient)

    def hessian(self, coordinates: Coordinates = "x") -> sympy.Matrix:
        """The structured Hessian of Phi (n_0 x n_0)."""
        return sympy.Matrix(self.derivatives(coordinates).hessian)

    def hessian_det(self, coordinates: Coordinates = "x") -> sympy.Expr:
        """det Hess Phi by cofactor expansion, neither expanded nor simplified.

        Examples
        --------
        >>> Network("1,1,1", "poly:z**3").hessian_det("chart")
        6*W1_1_1**2*u1_1*w1
        """
        return determinant(self.derivatives(coordinates).hessian)

    def backward_vectors(self, coordinates: Coordinates = "x") -> list[sympy.Matrix]:
        """Backward vectors ``v_0, ..., v_{L-1}`` of a layered network (``v_0 = grad Phi``).

        For a general graph, ``derivatives(...).adjoints`` holds them per node.

        Examples
        --------
        >>> [list(v) for v in Network("1,2,1").backward_vectors("chart")]
        [[W1_1_1*w1*(1 - u1_1**2) + W1_2_1*w2*(1 - u1_2**2)], [w1, w2]]
        """
        if self.widths is None:
            raise ArchitectureError("backward vectors by layer need a layered architecture")
        adjoints = self.derivatives(coordinates).adjoints
        return [sympy.Matrix([adjoints[v] for v in group]) for group in layers(self.graph)[:-1]]

    # -- numerics ------------------------------------------------------------------

    def evaluate(
        self,
        x: Sequence[object],
        weights: Mapping[str | sympy.Symbol, object] | None = None,
        prec: int = 50,
    ) -> Evaluation:
        """Phi, grad Phi and Hess Phi at ``x`` in mpmath with ``prec`` decimal digits.

        Parameters not fixed in the network must be given in ``weights``.  The
        entries of ``x`` may be mpmath numbers or anything
        :func:`~symmorse.exact.numbers.to_rational` reads (exact numbers are rounded
        once, at ``prec``).

        Examples
        --------
        >>> net = Network("1,1,1", "tanh", {"W1_1_1": 1, "b1_1": 0, "w1": 1, "b2": 0})
        >>> e = net.evaluate(["1/2"], prec=30)
        >>> mpmath.nstr(e.value, 15), mpmath.nstr(e.gradient[0], 15)
        ('0.46211715726001', '0.786447732965927')
        """
        net = self.substitute(weights) if weights else self
        missing = net.free_parameters
        if missing:
            names = ", ".join(s.name for s in missing[:6])
            raise WeightsError(f"cannot evaluate numerically: no value for {names}")
        if len(x) != len(net.inputs):
            raise WeightsError(f"expected an input of length {len(net.inputs)}, got {len(x)}")
        with mpmath.workdps(prec):
            number = {s: _mpf(q) for s, q in net.weights.items()}

            def weight(u, v):
                return number[net._symbols[edge_parameter(net.graph, u, v)]]

            value = {v: _mpf(xi) for v, xi in zip(input_nodes(net.graph), x)}
            z, d1, d2 = {}, {}, {}
            for group in layers(net.graph)[1:]:
                for v in group:
                    terms = [weight(u, v) * value[u] for u in net.graph.predecessors(v)]
                    z[v] = mpmath.fsum(terms) + number[net._symbols[bias_parameter(net.graph, v)]]
                    if v in net.activations:
                        value[v], d1[v], d2[v] = net.activations[v].numeric(z[v])
            sd = structured_derivatives(net.graph, weight, d1, d2, mpmath.mpf(0), mpmath.mpf(1))
            return Evaluation(+z[output_node(net.graph)], sd.gradient, sd.hessian)

    def __repr__(self) -> str:
        given = f", {len(self.weights)}/{len(self.parameters)} weights given" if self.weights else ""
        return f"Network({self.describe()!r}, {self.activation.name!r}{given})"


def _mpf(value: object) -> mpmath.mpf:
    """An mpmath number at the working precision; exact inputs are rounded only once."""
    if isinstance(value, mpmath.mpf):
        return +value
    q = to_rational(value)
    return mpmath.mpf(q.p) / q.q


def determinant(rows: Sequence[Sequence[sympy.Expr]]) -> sympy.Expr:
    """Determinant of a small SymPy matrix by memoised cofactor expansion.

    Division-free and without the intermediate ``expand`` that
    :meth:`sympy.Matrix.det` applies, so the entries of a structured Hessian stay
    as they are; ``O(n 2^n)`` products, meant for n up to about 12.

    Examples
    --------
    >>> a, b, c = sympy.symbols("a b c")
    >>> determinant([[a, b], [b, c]])
    a*c - b**2
    """
    n = len(rows)

    @functools.cache
    def minor(columns: int) -> sympy.Expr:
        row = bin(columns).count("1")
        if row == n:
            return sympy.S.One
        terms, sign = [], 1
        for j in range(n):
            if columns >> j & 1:
                continue
            if rows[row][j] != 0:
                terms.append(sign * rows[row][j] * minor(columns | 1 << j))
            sign = -sign
        return sympy.Add(*terms)

    return minor(0)


def _parameter_names(G: nx.DiGraph) -> list[str]:
    """All parameter names in canonical order: per layer, the weights then the biases."""
    names = []
    for group in layers(G)[1:]:
        for v in group:
            preds = sorted(G.predecessors(v), key=lambda u: (G.nodes[u]["layer"], G.nodes[u]["index"]))
            names.extend(edge_parameter(G, u, v) for u in preds)
        names.extend(bias_parameter(G, v) for v in group)
    return names


def weights_from_layers(G: nx.DiGraph, layer_weights: Sequence[Mapping]) -> dict[str, object]:
    """Parameter values from per-layer matrices ``[{"W": [[...]], "b": [...]}, ...]``.

    One entry per layer after the input, the output layer included; ``W`` of
    layer l is ``n_l x n_{l-1}`` and ``b`` has ``n_l`` entries.

    Raises
    ------
    WeightsError
        If the architecture is not layered, or a layer is missing or misshapen.

    Examples
    --------
    >>> weights_from_layers(mlp("1,1,1"), [{"W": [[2]], "b": [0]}, {"W": [[1]], "b": ["1/2"]}])
    {'W1_1_1': 2, 'b1_1': 0, 'w1': 1, 'b2': '1/2'}
    """
    ws = widths(G)
    if ws is None:
        raise WeightsError("per-layer weights need a layered architecture; give parameters by name")
    if not isinstance(layer_weights, Sequence) or len(layer_weights) != len(ws) - 1:
        got = len(layer_weights) if isinstance(layer_weights, Sequence) else type(layer_weights).__name__
        raise WeightsError(
            f"architecture {','.join(map(str, ws))} needs {len(ws) - 1} layers of weights "
            f"(hidden and output), got {got}"
        )
    by_layer = layers(G)
    result: dict[str, object] = {}
    for layer, entry in enumerate(layer_weights, start=1):
        if not isinstance(entry, Mapping) or "W" not in entry or "b" not in entry:
            raise WeightsError(f"layer {layer}: expected an object with 'W' and 'b'")
        W, b = entry["W"], entry["b"]
        rows, cols = ws[layer], ws[layer - 1]
        if (
            not isinstance(W, Sequence)
            or isinstance(W, str)
            or len(W) != rows
            or any(not isinstance(r, Sequence) or isinstance(r, str) or len(r) != cols for r in W)
        ):
            raise WeightsError(f"layer {layer}: W must be a {rows} x {cols} matrix")
        if not isinstance(b, Sequence) or isinstance(b, str) or len(b) != rows:
            raise WeightsError(f"layer {layer}: b must be a list of {rows} numbers")
        for i, v in enumerate(by_layer[layer]):
            for j, u in enumerate(by_layer[layer - 1]):
                result[edge_parameter(G, u, v)] = W[i][j]
            result[bias_parameter(G, v)] = b[i]
    return result
