"""Critical points of residual networks, exactly, and a neural ODE beside its Euler residual network.

The networks are built by :mod:`symmorse.model.resnet` (``resnet``, ``euler_resnet``);
this module's one job is what can be proved about their critical points.
Unlike a flow, a residual block ``h + V sigma(W h + b)`` can have a singular
Jacobian, so a non-augmented ResNet can have critical points: in one
dimension, in the chart ``u = c(w x + b)`` the derivative of
``x + v sigma(w x + b)`` is a rational function of u whose roots in the chart
interval are found exactly (real root isolation).  :func:`depth_compare`
sets the Euler discretisation of a layered neural ODE beside the ODE itself,
and :func:`depth_compare_text` reports the comparison as text.

Examples
--------
>>> from symmorse.model.resnet import resnet
>>> net = resnet(1, 1, [1], lift=False, weights={"blocks": [{"W": [[1]], "V": [["-1/2"]]}],
...                                              "out": {"W": [[1]]}})
>>> single_unit_critical_points(net)  # x - tanh(x)/2 is strictly increasing
[]
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass

import flint
import sympy
from sympy.calculus.util import maximum

from ..exact.errors import InputError, WeightsError
from ..exact.numbers import enclose, rational_ball, to_fmpq
from ..exact.words import plural
from ..model.activations import U, Z, get_activation
from ..model.architecture import hidden_nodes, resnet_graph
from ..model.network import Network
from ..model.node import NeuralODE, NodeWeights
from ..model.resnet import euler_resnet, euler_step
from .node_classify import NodeClassification, classify_node

__all__ = [
    "ExactCriticalPoint",
    "single_unit_critical_points",
    "activation_slope_bound",
    "BlockAnalysis",
    "euler_block_analysis",
    "DepthComparison",
    "depth_compare",
    "depth_compare_text",
]


# -- exact critical points in one dimension ------------------------------------------------


@dataclass(frozen=True)
class ExactCriticalPoint:
    """A critical point of a 1-D network given exactly through the chart.

    Attributes
    ----------
    chart_value : the exact chart coordinate u* (an algebraic number).
    point : the exact input x* = (c^{-1}(u*) - beta)/alpha.
    second_derivative : Phi''(x*) exactly.
    index : 0 (minimum), 1 (maximum), or None (degenerate or sign not decided).
    degenerate : whether Phi''(x*) = 0 (None if not decided).

    Examples
    --------
    >>> from symmorse.model.resnet import resnet
    >>> block = {"W": [[1]], "b": [0], "V": [[-1]]}  # x - tanh(x): Phi' = u^2 in the chart u = tanh(x)
    >>> net = resnet(1, 1, [1], lift=False, weights={"blocks": [block], "out": {"W": [[1]]}})
    >>> (p,) = single_unit_critical_points(net)
    >>> p.point, p.degenerate, p.index
    (0, True, None)
    """

    chart_value: sympy.Expr
    point: sympy.Expr
    second_derivative: sympy.Expr
    index: int | None
    degenerate: bool | None

    def to_json(self) -> dict:
        """JSON-ready form (exact strings plus a 20-digit decimal).

        Examples
        --------
        >>> import sympy
        >>> p = ExactCriticalPoint(sympy.sqrt(2) / 2, sympy.atanh(sympy.sqrt(2) / 2), sympy.sqrt(2), 0, False)
        >>> p.to_json()["point"], p.to_json()["point_decimal"]
        ('atanh(sqrt(2)/2)', '0.88137358701954302523')
        """
        return {
            "u": str(self.chart_value),
            "point": str(self.point),
            "point_decimal": str(sympy.N(self.point, 20)),
            "second_derivative": str(self.second_derivative),
            "index": self.index,
            "degenerate": self.degenerate,
        }


def _roots_in(numerator: sympy.Expr, u: sympy.Symbol, interval: sympy.Interval) -> list[tuple]:
    """Exact real roots of a rational polynomial in an open interval, as ``(root, factor, (lo, hi))``."""
    result = []
    poly = sympy.Poly(numerator, u, domain="QQ")
    if poly.is_zero:
        raise InputError("Phi' vanishes identically in the chart: every point is critical")
    for factor, _ in poly.factor_list()[1]:
        roots = factor.real_roots()
        intervals = [iv for iv, _ in factor.intervals(eps=sympy.Rational(1, 10**12))]
        for root, (lo, hi) in zip(roots, intervals):
            if root.is_Rational:
                inside = interval.contains(root) is sympy.true
            else:  # an irrational root is not an end of the (rational or infinite) interval
                while not (
                    hi < interval.inf or lo > interval.sup or (interval.inf < lo and hi < interval.sup)
                ):
                    lo, hi = factor.refine_root(lo, hi, eps=(hi - lo) / 1000)
                inside = bool(interval.inf < lo and hi < interval.sup)
            if inside:
                result.append((root, factor, (lo, hi)))
    return result


def _sign_at_root(expr: sympy.Expr, u: sympy.Symbol, factor: sympy.Poly, lo, hi) -> int:
    """The sign (+1/-1) of a rational function of u, non-zero at the root of ``factor`` in [lo, hi]."""
    for _ in range(8):
        if lo == hi:
            return 1 if expr.xreplace({u: lo}) > 0 else -1
        ball = flint.arb(to_fmpq(lo)).union(flint.arb(to_fmpq(hi)))
        enclosure = enclose(expr, {u: ball})
        if enclosure > 0 or enclosure < 0:
            return 1 if enclosure > 0 else -1
        lo, hi = factor.refine_root(lo, hi, eps=(hi - lo) / 10**6)
    raise InputError(f"could not decide the sign of {expr} at a root of {factor.as_expr()}")


def _sign_of_constant(value: sympy.Expr) -> int | None:
    """The sign of an exact constant by ball arithmetic at rising precision, None if undecided."""
    old = flint.ctx.prec
    try:
        for bits in (64, 256, 1024):
            flint.ctx.prec = bits
            try:
                ball = enclose(value)
            except ValueError:
                return None
            if ball > 0 or ball < 0:
                return 1 if ball > 0 else -1
    finally:
        flint.ctx.prec = old
    return None


def single_unit_critical_points(net: Network) -> list[ExactCriticalPoint]:
    """All critical points of a 1-D network with one non-linear unit, exactly.

    The unit's pre-activation must be affine in x, ``z = alpha x + beta``
    (e.g. one residual block ``x + v sigma(w x + b)``).  In its chart
    ``u = c(z)``, Phi' is a rational function of u alone; its roots in the
    chart interval are the critical points (real root isolation, exact).
    Phi''(x*) is zero exactly when the root's minimal polynomial divides its
    numerator; otherwise its sign is proved by ball arithmetic on an
    isolating interval.

    Raises
    ------
    InputError
        If the network does not have this shape or weights are missing.

    Examples
    --------
    The residual block ``x - 2 tanh(x)`` (``v w = -2 < -1``):

    >>> from symmorse.model.resnet import resnet
    >>> block = {"W": [[1]], "b": [0], "V": [[-2]]}
    >>> net = resnet(1, 1, [1], lift=False, weights={"blocks": [block], "out": {"W": [[1]], "b": 0}})
    >>> [(str(p.chart_value), str(p.point), p.index) for p in single_unit_critical_points(net)]
    [('-sqrt(2)/2', '-atanh(sqrt(2)/2)', 1), ('sqrt(2)/2', 'atanh(sqrt(2)/2)', 0)]
    """
    if len(net.inputs) != 1:
        raise InputError("exact critical points through one chart need a single input")
    if net.free_parameters:
        raise WeightsError(f"give every weight; free: {', '.join(s.name for s in net.free_parameters[:5])}")
    units = [v for v in hidden_nodes(net.graph) if net.activations[v].name != "identity"]
    if len(units) != 1:
        raise InputError(
            f"exact critical points through one chart need one non-linear unit, got {len(units)}"
        )
    v = units[0]
    chart = net.activations[v].chart
    if chart is None:
        raise InputError(f"activation {net.activations[v].name!r} has no chart")
    x = net.inputs[0]
    z = sympy.expand(net.preactivations[v])
    if not z.is_polynomial(x) or sympy.degree(z, x) != 1:
        raise InputError("the non-linear unit's pre-activation is not affine in x")
    alpha, beta = z.coeff(x, 1), z.coeff(x, 0)
    u = net.chart_symbols[v]
    gradient = sympy.together(net.gradient("chart")[0])
    second = sympy.together(net.hessian("chart")[0, 0])
    second_numerator = sympy.Poly(sympy.fraction(second)[0], u, domain="QQ")
    points = []
    for root, factor, (lo, hi) in _roots_in(sympy.fraction(gradient)[0], u, chart.interval):
        point = sympy.simplify((chart.inverse_at(root) - beta) / alpha)
        if second_numerator.rem(factor).is_zero:
            points.append(ExactCriticalPoint(root, point, sympy.Integer(0), None, True))
            continue
        sign = _sign_at_root(second, u, factor, lo, hi)
        curvature = sympy.simplify(second.xreplace({u: root}))
        points.append(ExactCriticalPoint(root, point, curvature, 0 if sign > 0 else 1, False))
    return points


# -- residual blocks of an Euler discretisation -------------------------------------------


def activation_slope_bound(activation: str) -> sympy.Expr | None:
    """``sup sigma'`` over R (exact), or None if unbounded.

    Examples
    --------
    >>> [activation_slope_bound(a) for a in ("tanh", "sigmoid", "poly:z**3+z")]
    [1, 1/4, None]
    """
    chart = get_activation(activation).chart
    if chart is None:
        return None
    bound = maximum(chart.d1, U, chart.interval)
    return None if bound in (sympy.oo, sympy.zoo) else bound


@dataclass(frozen=True)
class BlockAnalysis:
    """Whether the Euler block ``h + tau V sigma(A h + c)`` can have a singular Jacobian.

    ``verdict`` is ``"diffeomorphism"`` (the Jacobian ``I + tau V D A``,
    ``D = diag(sigma'(A h + c))``, is invertible at every h: proved by
    ``tau * sup sigma' * |V|_F |A|_F < 1``, or by exact root isolation when the
    units' chart values are one free coordinate), ``"singular"`` (a reachable
    point where ``det(I + tau V D A) = 0``: an exact chart point, or a sign change
    of the determinant between two points h, by ball arithmetic), or
    ``"undecided"``.  ``steps_for_diffeomorphism`` is the number of steps K from which
    the Neumann bound proves every block a diffeomorphism (None if sigma' is unbounded).

    Examples
    --------
    >>> from symmorse.model.node import layer_field
    >>> node = NeuralODE(1, layer_field({"A": [[1]], "V": [[-2]], "c": [0]}), time=1)
    >>> b = euler_block_analysis(node, 1)
    >>> b.verdict, b.singular_chart_point, b.steps_for_diffeomorphism
    ('singular', [-sqrt(2)/2], 3)
    """

    verdict: str
    reason: str
    singular_chart_point: list | None
    steps_for_diffeomorphism: int | None

    def to_json(self) -> dict:
        """JSON-ready form.

        Examples
        --------
        >>> BlockAnalysis("singular", "a root", [sympy.Rational(1, 2)], 3).to_json()["singular_chart_point"]
        ['1/2']
        """
        return {
            "verdict": self.verdict,
            "reason": self.reason,
            "singular_chart_point": None
            if self.singular_chart_point is None
            else [str(v) for v in self.singular_chart_point],
            "steps_for_diffeomorphism": self.steps_for_diffeomorphism,
        }


def euler_block_analysis(node: NeuralODE, steps: int) -> BlockAnalysis:
    """Decide whether the Euler block of step T/K of a layered field can be singular.

    The chart values ``u_i = c(z_i)`` of the units are not independent in
    general: ``z = A h + c`` ranges over an affine subspace.  Units with the same
    row of ``(A | c)`` share one chart value, units with ``A_i = 0`` have a fixed
    one; when the remaining distinct rows of A are linearly independent every
    chart point of them is reached by some h, and only then is an exact root of
    the determinant a singular point.  Otherwise the determinant is sampled at
    rational points h in ball arithmetic: a sign change proves a singular point.

    Examples
    --------
    >>> from symmorse.model.node import layer_field
    >>> node = NeuralODE(1, layer_field({"A": [[1]], "V": [[-2]], "c": [0]}), time=1)
    >>> euler_block_analysis(node, 1).verdict, euler_block_analysis(node, 3).verdict
    ('singular', 'diffeomorphism')
    >>> euler_block_analysis(node, 1).steps_for_diffeomorphism
    3

    Two units that see the same pre-activation: the block is ``h + tanh(h)``.

    >>> node = NeuralODE(1, layer_field({"A": [[1], [1]], "V": [[3, -2]], "c": [0, 0]}), time=1)
    >>> euler_block_analysis(node, 1).verdict
    'diffeomorphism'
    """
    f = node.layers
    if f is None:
        raise InputError("block analysis needs a layered field V sigma(A h + c)")
    tau = euler_step(node.T, steps)
    slope = activation_slope_bound(f.activation)
    norm = sympy.sqrt(sum(v**2 for v in f.V) * sum(v**2 for v in f.A))
    k0 = None if slope is None else int(sympy.floor(node.T * slope * norm)) + 1
    if slope is not None and (tau * slope * norm) < 1:
        return BlockAnalysis(
            "diffeomorphism",
            (
                f"tau * sup sigma' * |V|_F |A|_F = {tau * slope * norm} < 1, so I + tau V D A is "
                "invertible for every D = diag(sigma') (Neumann series): the block has no singular point"
            ),
            None,
            k0,
        )
    activation = get_activation(f.activation)
    found = None if activation.chart is None else _chart_analysis(f, tau, activation.chart)
    if found is None:
        found = _sign_change(f, tau, activation)
    if found is None:
        why = "the units' chart values are coupled, " if activation.chart is not None else ""
        return BlockAnalysis(
            "undecided",
            f"no bound proves invertibility, {why}and no singular point was found "
            "(no sign change of det(I + tau V D A) at sampled points h)",
            None,
            k0,
        )
    verdict, reason, point = found
    return BlockAnalysis(verdict, reason, point, k0)


def _interior_point(interval: sympy.Interval) -> sympy.Expr:
    lo, hi = interval.inf, interval.sup
    if lo.is_finite and hi.is_finite:
        return (lo + hi) / 2
    if not lo.is_finite and not hi.is_finite:
        return sympy.Integer(0)
    return lo + 1 if lo.is_finite else hi - 1


def _chart_analysis(f, tau, chart) -> tuple | None:
    """Exact analysis through the chart, if every chart point considered is reachable; else None."""
    k = f.A.rows
    rows = [(*f.A.row(i), f.c[i]) for i in range(k)]
    free = [r for r in dict.fromkeys(rows) if any(v != 0 for v in r[:-1])]
    if free and sympy.Matrix([r[:-1] for r in free]).rank() < len(free):
        return None  # the pre-activations are affinely dependent: not every chart point is reached
    us = sympy.symbols(f"u1:{len(free) + 1}", real=True)
    value = {}
    for i, r in enumerate(rows):
        if r in free:
            value[i] = us[free.index(r)]
        else:  # A_i = 0: the pre-activation is the constant c_i
            value[i] = sympy.simplify(chart(r[-1]))
            if not value[i].is_Rational:
                return None
    D = sympy.diag(*[chart.d1_at(value[i]) for i in range(k)])
    det = sympy.cancel(sympy.together((sympy.eye(k) + tau * D * f.A * f.V).det()))
    numerator = sympy.expand(sympy.fraction(det)[0])
    sample = _interior_point(chart.interval)
    if numerator == 0:
        point = [sample] * len(us)
        return (
            "singular",
            "det(I + tau V D A) vanishes identically: the Jacobian is singular everywhere",
            point,
        )
    if not us:
        return "diffeomorphism", f"det(I + tau V D A) = {det} != 0 is constant", None
    names = ", ".join(
        f"u{j + 1} (unit {', '.join(str(i + 1) for i, r in enumerate(rows) if r == row)})"
        for j, row in enumerate(free)
    )
    for uj in us:
        others = {ui: sample for ui in us if ui != uj}
        roots = _roots_in(sympy.expand(numerator.xreplace(others)), uj, chart.interval)
        if roots:
            point = [roots[0][0] if ui == uj else sample for ui in us]
            return (
                "singular",
                (
                    f"det(I + tau V D A) = 0 at the chart point u = {[str(p) for p in point]} for {names} "
                    f"(exact root in {chart.interval}); the distinct rows of A are independent, so some h "
                    "reaches it: the block's Jacobian is singular there"
                ),
                point,
            )
    if len(us) == 1:
        return (
            "diffeomorphism",
            (
                f"det(I + tau V D A) = {det} as a function of the one free chart value {names} has no zero "
                f"in {chart.interval} (exact real-root isolation): the Jacobian is invertible at every h "
                "(a local diffeomorphism)"
            ),
            None,
        )
    return None


def _sign_change(f, tau, activation, samples: int = 48, seed: int = 0) -> tuple | None:
    """A rational h with ``det(I + tau V D A) = 0`` exactly, or two with opposite signs (balls), or None."""
    rng = random.Random(seed)
    m = f.A.cols
    derivative = activation.derivative(Z)
    signs: dict[int, list] = {}
    for k in range(samples):
        h = sympy.Matrix([sympy.Rational(rng.randint(-24, 24), 8) if k else 0 for _ in range(m)])
        z = f.A * h + f.c
        try:
            d = [enclose(derivative.xreplace({Z: zi})) for zi in z]
        except ValueError:
            return None
        J = flint.arb_mat(m, m)
        for a in range(m):
            for b in range(m):
                entry = flint.arb(1 if a == b else 0)
                for i in range(f.A.rows):
                    entry += rational_ball(tau * f.V[a, i] * f.A[i, b]) * d[i]
                J[a, b] = entry
        det = J.det()
        if det.is_zero():  # an exact zero: the activation's derivative was rational here
            return (
                "singular",
                f"det(I + tau V D A) = 0 exactly at h = {[str(v) for v in h]}: the block's Jacobian is "
                "singular there",
                None,
            )
        if det > 0 or det < 0:
            signs.setdefault(1 if det > 0 else -1, list(h))
        if len(signs) == 2:
            p, q = signs[1], signs[-1]
            return (
                "singular",
                (
                    f"det(I + tau V D A) > 0 at h = {[str(v) for v in p]} and < 0 at h = "
                    f"{[str(v) for v in q]} (ball arithmetic); it is continuous in h, so it vanishes on the "
                    "segment between them: "
                    "the block's Jacobian is singular there"
                ),
                None,
            )
    return None


@dataclass(frozen=True)
class DepthComparison:
    """A layered neural ODE and its Euler residual network, side by side (see :func:`depth_compare`).

    Attributes
    ----------
    node, steps : the neural ODE and the number K of Euler steps.
    node_classification : the neural ODE's classification (:func:`classify_node`).
    block : the analysis of one Euler block (:func:`euler_block_analysis`).
    resnet_critical_points : exact critical points of the residual network, when found.
    resnet_status, resnet_summary : what is known of its critical points, in short and in words.
    architecture : the residual architecture's strata certificate, for generic weights.

    Examples
    --------
    >>> from symmorse.model.node import layer_field
    >>> node = NeuralODE(1, layer_field({"A": [[1]], "V": [[-2]], "c": [0]}), time=1)
    >>> d = depth_compare(node, 3)
    >>> d.node_classification.critical_points, d.block.verdict, d.resnet_status
    ('none', 'diffeomorphism', 'none (proved)')
    """

    node: NeuralODE
    steps: int
    node_classification: NodeClassification
    block: BlockAnalysis
    resnet_critical_points: list[ExactCriticalPoint] | None
    resnet_status: str
    resnet_summary: str
    architecture: object  # the residual architecture's strata certificate (generic weights)

    def to_json(self) -> dict:
        """JSON-ready form.

        Examples
        --------
        >>> from symmorse.model.node import layer_field
        >>> node = NeuralODE(1, layer_field({"A": [[1]], "V": [[-2]], "c": [0]}), time=1)
        >>> d = depth_compare(node, 1).to_json()
        >>> d["neural_ode"]["critical_points"], d["resnet"]["critical_points_status"]
        ('none', '2 exact (proved)')
        """
        return {
            "neural_ode": {
                "n": self.node.n,
                "m": self.node.m,
                "T": str(self.node.T),
                "field": [str(f) for f in self.node.field],
                **self.node_classification.to_json(),
            },
            "resnet": {
                "steps": self.steps,
                "tau": str(self.node.T / self.steps),
                "block": self.block.to_json(),
                "critical_points": None
                if self.resnet_critical_points is None
                else [p.to_json() for p in self.resnet_critical_points],
                "critical_points_status": self.resnet_status,
                "summary": self.resnet_summary,
                "architecture": {
                    "name": self.architecture.classification.architecture,
                    "critical_points": self.architecture.critical_points,
                    "morse": self.architecture.morse,
                    "status": self.architecture.status,
                    "reasons": self.architecture.reasons,
                },
            },
        }


def depth_compare(
    node: NeuralODE, steps: int, weights: NodeWeights | None = None, seed: int = 0
) -> DepthComparison:
    """Classify a layered neural ODE and its K-step Euler residual network side by side.

    For one-dimensional ODEs (n = m = 1, one unit) the residual network's
    critical points are found exactly: in 1-D, Phi' is the product of the
    block factors, so the zeros of the first block's factor are critical
    points (for K = 1 they are all of them).

    Examples
    --------
    >>> from symmorse.model.node import layer_field
    >>> node = NeuralODE(1, layer_field({"A": [[1]], "V": [[-2]], "c": [0]}), time=1)
    >>> d = depth_compare(node, 1)
    >>> d.node_classification.critical_points, len(d.resnet_critical_points)
    ('none', 2)
    """
    if node.layers is None:
        raise InputError("depth-compare needs a layered field V sigma(A h + c) (give --layers)")
    weights = weights or node.weights(W=sympy.eye(node.m, node.n).tolist())
    classification = classify_node(node, W=weights.W, W_out=weights.W_out, seed=seed)
    block = euler_block_analysis(node, steps)
    net = euler_resnet(node, steps, weights)
    points = None
    non_augmented = node.m <= node.n and classification.rank_W == node.m
    if classification.node_class == "constant":
        status = "everywhere (proved)"
        summary = "W_out = 0 or W = 0, so Phi is constant: every point is a (degenerate) critical point"
    elif block.verdict == "diffeomorphism" and non_augmented:
        status = "none (proved)"
        summary = (
            "every block's Jacobian is invertible and the lift W has rank m, so grad Phi = "
            "W^T J_1^T ... J_K^T W_out^T never vanishes: no critical points (proved)"
        )
    elif block.verdict == "diffeomorphism":
        status = "possible"
        summary = (
            "every block is a local diffeomorphism; the lift is augmented, so critical points are possible"
        )
    elif node.n == node.m == 1 and node.layers.A.rows == 1 and get_activation(node.layers.activation).chart:
        one_step = NeuralODE(1, node.layers, time=node.T / steps)
        points = single_unit_critical_points(euler_resnet(one_step, 1, weights))
        if steps > 1:
            points = [_in_full_network(net, p) for p in points]
        kinds = ", ".join(f"x = {p.point} ({_kind(p)})" for p in points)
        more = "" if steps == 1 else "; later blocks can add more (not listed)"
        status = f"{len(points)} exact (proved)" + ("" if steps == 1 else " from block 1")
        summary = (
            f"Phi' factors through block 1's derivative, whose zeros in the chart (exact real-root "
            f"isolation) give {plural(len(points), 'exact critical point')}: {kinds or 'none'}{more}"
        )
    elif block.verdict == "singular":
        status = "possible (not enumerated)"
        summary = f"a block can be singular ({block.reason}); critical points are possible but not enumerated"
    else:
        status = "undecided"
        summary = f"undecided: {block.reason}"
    from .certify import certify  # the architecture's verdicts, by its death strata

    G = resnet_graph(node.n, node.m, [node.layers.A.rows] * steps, activation=node.layers.activation)
    return DepthComparison(node, steps, classification, block, points, status, summary, certify(G))


def _in_full_network(net: Network, point: ExactCriticalPoint) -> ExactCriticalPoint:
    """A zero of block 1's factor is critical for the whole 1-D network; its type is found there.

    With ``Phi = g o h_1`` and ``h_1'(x*) = 0``: ``Phi''(x*) = g'(h_1(x*)) h_1''(x*)``, so a
    degenerate zero of the block stays degenerate; otherwise the sign of Phi''(x*) is decided
    by ball arithmetic (None if it cannot be).
    """
    if point.degenerate:
        return point
    x = net.inputs[0]
    curvature = net.hessian("x")[0, 0].xreplace({x: point.point})
    sign = _sign_of_constant(curvature)
    index = None if sign is None else (0 if sign > 0 else 1)
    return ExactCriticalPoint(point.chart_value, point.point, curvature, index, False if sign else None)


def _kind(p: ExactCriticalPoint) -> str:
    if p.degenerate:
        return "degenerate"
    return "type undecided" if p.index is None else f"index {p.index}"


def depth_compare_text(d: DepthComparison, width: int = 44) -> str:
    """Side-by-side text report of :func:`depth_compare`: a two-column table, then the reasons.

    Examples
    --------
    >>> from symmorse.model.node import layer_field
    >>> node = NeuralODE(1, layer_field({"A": [[1]], "V": [[-2]], "c": [0]}), time=1)
    >>> print(depth_compare_text(depth_compare(node, 1)).splitlines()[4])
    critical points none (proved)                                 2 exact (proved)
    """
    c = d.node_classification
    tau = d.node.T / d.steps
    points = d.resnet_critical_points or []
    rows = [
        ("", f"neural ODE (T = {d.node.T})", f"Euler ResNet (K = {d.steps}, tau = {tau})"),
        ("map", "W~ phi_T(W x + b) + b~", "W~ (blocks h + tau V sigma(A h + c)) + b~"),
        ("widths", f"n = {d.node.n}, m = {d.node.m}", f"n = {d.node.n}, m = {d.node.m}"),
        ("Jacobian", "Dphi_T invertible (a flow)", f"block: {d.block.verdict}"),
        ("critical points", f"{c.critical_points} ({c.status})", d.resnet_status),
        ("Morse", c.morse, ", ".join(_kind(p) for p in points) or "-"),
        (
            "architecture",
            f"the flow of these widths: critical points {c.critical_points}, Morse {c.morse}",
            f"{d.architecture.classification.architecture}, generic weights: critical points "
            f"{d.architecture.critical_points}, Morse {d.architecture.morse} ({d.architecture.status})",
        ),
    ]
    lines = []
    for label, left, right in rows:
        lw, rw = textwrap.wrap(left, width) or [""], textwrap.wrap(right, width) or [""]
        for k in range(max(len(lw), len(rw))):
            lines.append(
                f"{label if k == 0 else '':<16}{(lw[k] if k < len(lw) else ''):<{width + 2}}"
                f"{rw[k] if k < len(rw) else ''}"
            )
    lines += [
        "",
        f"field: h' = ({', '.join(map(str, d.node.field))})",
        f"neural ODE: {c.reason}",
        f"ResNet block: {d.block.reason}",
    ]
    if d.block.steps_for_diffeomorphism is not None:
        lines.append(
            f"ResNet: the Neumann bound makes every block a diffeomorphism once K >= "
            f"{d.block.steps_for_diffeomorphism}"
        )
    lines.append(f"ResNet: {d.resnet_summary}")
    lines.append(f"ResNet architecture (death strata): {'; '.join(d.architecture.reasons)}")
    if (c.critical_points, d.architecture.critical_points) == ("none", "generic"):
        lines.append(
            "They differ: a residual block's Jacobian I + tau V D A can be singular, a flow's never is."
        )
    for p in points:
        lines.append(
            f"  u = {p.chart_value}, x = {p.point} ~ {sympy.N(p.point, 15)}, "
            f"Phi'' = {p.second_derivative}: {_kind(p)}"
        )
    return "\n".join(lines)
