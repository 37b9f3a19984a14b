"""Witnesses for the strata of a general graph, and its certificate (the untrusted side).

:func:`certify_graph` enumerates the death strata of an architecture graph
(:mod:`symmorse.search.strata`) and looks for an exact witness on every stratum that a
dimension count cannot close (DESIGN section 2, "General graphs ... death
strata"):

* a ``morse`` stratum (c = n0) needs a point of C_Z with ``det Hess Phi != 0``;
* a ``degenerate`` stratum (c < n0) needs a point where ``C_Z -> weights`` has
  rank p, that is where the x-Jacobian of the c cancellation equations (weights
  fixed) has rank c: its fibres, the critical points of one weight, are then
  manifolds of dimension n0 - c for an open set of weights.

A point of C_Z is built in chart coordinates: chart values away from the
zeros of sigma' and sigma'' (a zero of sigma'' would make det Hess vanish by
accident), random weights, the live adjoints from the output down, and then,
for every cancelling node, one free out-weight to a live successor solved from
its (affine) cancellation equation.  Everything is exact (python-flint
rationals), seeded, and re-derived by :mod:`symmorse.kernel.graph`.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import flint
import networkx as nx
import sympy

from ..exact.limits import Deadline, TimeLimitReached
from ..exact.linalg import QQMatrix
from ..exact.numbers import to_fmpq, to_sympy
from ..exact.words import plural
from ..model.activations import Activation, Chart, get_activation
from ..model.architecture import describe, fixed_parameters, input_nodes, layers, to_json
from ..model.network import structured_derivatives
from .strata import GraphContext, Stratum, graph_context

__all__ = [
    "StratumResult",
    "GraphCertificate",
    "certify_graph",
    "sample_chart_value",
    "ordinary_biases",
    "FORMAT",
]

#: The ``format`` string of graph (strata) certificates.
FORMAT = "symmorse-strata/1"
_WEIGHTS = (-3, -2, -1, 1, 2, 3)


@dataclass
class StratumResult:
    """The outcome on one stratum: ``witness``, ``null``, ``empty`` or ``undecided``, and why."""

    stratum: Stratum
    status: str
    note: str
    witness: dict | None = None
    claims: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The certificate's entry for this stratum."""
        data = {**self.stratum.to_json(), "status": self.status, "note": self.note}
        if self.witness is not None:
            data["witness"] = self.witness
            data["claims"] = self.claims
        return data


@dataclass
class GraphCertificate:
    """A strata certificate: every stratum resolved (or not), and the verdicts.

    ``critical_points`` is ``generic`` (a witness proves critical points for an
    open set of weights), ``none`` (every stratum null or empty: only a null set
    of weights has a critical point) or ``undecided``; ``morse`` is ``generic``,
    ``fails`` or ``undecided``.
    """

    graph: nx.DiGraph
    activation: Activation
    classification: object
    results: list[StratumResult]
    critical_points: str
    morse: str
    reasons: list[str]
    seed: int

    @property
    def status(self) -> str:
        """``proved`` when both verdicts are decided, else ``undecided``."""
        return "proved" if "undecided" not in (self.critical_points, self.morse) else "undecided"

    def to_json(self) -> dict:
        """The certificate as JSON data (format ``symmorse-strata/1``)."""
        c = self.classification
        return {
            "format": FORMAT,
            "architecture": to_json(self.graph),
            "activation": self.activation.name,
            "class": c.kind,
            "parameters": c.parameters,
            "inputs": len(input_nodes(self.graph)),
            "critical_points": self.critical_points,
            "morse": self.morse,
            "status": self.status,
            "hypothesis": c.hypothesis,
            "reasons": self.reasons,
            "seed": self.seed,
            "strata": [r.to_json() for r in self.results],
        }

    def summary(self) -> str:
        """A few lines for people: the strata that matter, the verdicts and why."""
        c = self.classification
        lines = [
            f"{describe(self.graph)} ({self.activation.name}): {c.kind}; {c.reason}",
            f"  hypothesis: {c.hypothesis}",
        ]
        closed = [r for r in self.results if not r.stratum.complete]
        complete = [r for r in self.results if r.stratum.complete]
        lines.append(
            f"  {plural(len(complete), 'stratum')} listed one by one, "
            f"{plural(len(closed), 'family')} of strata closed by a rule"
        )
        for r in complete:
            s = r.stratum
            cancelling = ", ".join(map(str, s.cancelling))
            lines.append(f"  stratum c={s.c} (cancelling {cancelling}) {s.kind}: {r.status}; {r.note}")
        lines.append(f"  critical points: {self.critical_points}; Morse: {self.morse}; status: {self.status}")
        lines += [f"  - {reason}" for reason in self.reasons]
        return "\n".join(lines)


# -- chart points ----------------------------------------------------------------------------------------


def sample_chart_value(chart: Chart, rng: random.Random) -> flint.fmpq:
    """A random rational strictly inside the chart interval where neither sigma' nor sigma'' vanishes.

    Examples
    --------
    >>> tanh = get_activation("tanh").chart
    >>> values = {sample_chart_value(tanh, random.Random(k)) for k in range(200)}
    >>> flint.fmpq(0) in values, all(-1 < u < 1 for u in values)
    (False, True)
    """
    d1, d2 = chart.exact
    a, b = chart.interval.inf, chart.interval.sup
    for _ in range(64):
        if a.is_finite and b.is_finite:
            lo, hi = to_fmpq(a), to_fmpq(b)
            u = lo + (hi - lo) * flint.fmpq(rng.randint(1, 31), 32)
        else:
            u = flint.fmpq(rng.choice([-1, 1]) * rng.randint(1, 12), 4)
        if d1(u) != 0 and d2(u) != 0:
            return u
    raise ValueError("no chart value found where sigma' and sigma'' are non-zero")  # sigma'' == 0: identity


def ordinary_biases(
    G: nx.DiGraph,
    activations: dict[Hashable, Activation],
    weight,
    chart_value,
    x: Sequence[flint.fmpq],
) -> dict[Hashable, sympy.Expr]:
    """Ordinary biases ``b_v = c^{-1}(u_v) - sum_a theta_av h_a(x)`` as exact expressions.

    ``chart_value(v)`` is the chart coordinate of hidden node v, or None where
    it has none (identity units of a graph, whose bias is then 0 or its
    ``fixed_bias``); the output bias is 0, and ``h_v = sigma(c^{-1}(u_v))``
    is exact too (u itself for tanh), so substituting the biases and x into Phi
    reproduces the chart point.

    Examples
    --------
    >>> from symmorse.model.architecture import mlp
    >>> G = mlp("1,1,1")
    >>> tanh = {"h1_1": get_activation("tanh")}
    >>> ordinary_biases(G, tanh, lambda a, b: flint.fmpq(2), {"h1_1": flint.fmpq(1, 2)}.get, [flint.fmpq(1)])
    {'h1_1': -2 + atanh(1/2), 'y': 0}
    """
    h: dict[Hashable, sympy.Expr] = {v: to_sympy(a) for v, a in zip(input_nodes(G), x)}
    fixed = nx.get_node_attributes(G, "fixed_bias")
    biases = {}
    for v in (v for group in layers(G)[1:] for v in group):
        incoming = sympy.Add(*[to_sympy(weight(a, v)) * h[a] for a in G.predecessors(v)])
        unit = activations.get(v)
        u = None if unit is None else chart_value(v)
        if unit is not None and u is not None and v not in fixed:
            pre = unit.chart.inverse_at(to_sympy(u))
            biases[v] = pre - incoming
        else:
            biases[v] = sympy.sympify(fixed.get(v, 0))
            pre = incoming + biases[v]
        if unit is not None:
            h[v] = unit(pre)
    return biases


@dataclass
class _Point:
    """A chart point: weights of every edge, chart values and sigma', sigma'' of every hidden node."""

    weights: dict
    u: dict
    d1: dict
    d2: dict


def _random_point(ctx: GraphContext, stratum: Stratum, rng: random.Random) -> _Point | None:
    """A random point of C_Z (cancellations solved through a free out-weight), or None."""
    zero, one = flint.fmpq(0), flint.fmpq(1)
    u = {v: sample_chart_value(ctx.units[v].chart, rng) for v in ctx.charted}
    d1 = {v: one for v in ctx.units}
    d2 = {v: zero for v in ctx.units}
    for v in ctx.charted:
        f1, f2 = ctx.units[v].chart.exact
        d1[v], d2[v] = f1(u[v]), f2(u[v])
    weights = {e: ctx.fixed.get(e, flint.fmpq(rng.choice(_WEIGHTS))) for e in ctx.graph.edges}
    dead = set(stratum.dead)
    y = {ctx.output: one}  # y_s = sigma'(z_s) a_s for live s (sigma' = 1 for identity units and output)
    for v in ctx.order:
        if v == ctx.output or v in dead:
            continue
        a = sum((weights[(v, s)] * y[s] for s in ctx.successors[v] if s in y), zero)
        if a == 0:
            return None
        y[v] = d1[v] * a
    for v in stratum.cancelling:
        live = [s for s in ctx.successors[v] if s in y]
        free = [s for s in live if (v, s) not in ctx.fixed]
        solved = rng.choice(free)
        rest = sum((weights[(v, s)] * y[s] for s in live if s != solved), zero)
        weights[(v, solved)] = -rest / y[solved]
    return _Point(weights, u, d1, d2)


def _cancellation_jacobian(ctx: GraphContext, stratum: Stratum, point: _Point, jacobians: dict) -> QQMatrix:
    """``dE/dx`` (weights fixed) of the cancellation equations ``E_v = sum_s theta_sv y_s`` (c x n0).

    Forward differentiation of the live adjoints from the output down:
    ``d/dx y_s = sigma''_s a_s J_s + sigma'_s grad a_s`` and
    ``grad a_v = sum_s theta_sv d/dx y_s`` over live successors s, with
    ``J_s = dz_s/dx`` (sigma' = 1, sigma'' = 0 for identity units and the output).
    """
    n0, zero, one = len(ctx.inputs), flint.fmpq(0), flint.fmpq(1)
    dead = set(stratum.dead)
    adjoint, gradient = {ctx.output: one}, {ctx.output: [zero] * n0}

    def dy(s: Hashable) -> list:
        d1, d2 = point.d1.get(s, one), point.d2.get(s, zero)
        return [d2 * adjoint[s] * j + d1 * g for j, g in zip(jacobians[s], gradient[s])]

    def equation(v: Hashable) -> list:
        total = [zero] * n0
        for s in ctx.successors[v]:
            if s not in dead:
                total = [t + point.weights[(v, s)] * e for t, e in zip(total, dy(s))]
        return total

    for v in ctx.order:
        if v != ctx.output and v not in dead:
            live = [s for s in ctx.successors[v] if s not in dead]
            adjoint[v] = sum((point.weights[(v, s)] * point.d1.get(s, one) * adjoint[s] for s in live), zero)
            gradient[v] = equation(v)
    return QQMatrix([equation(v) for v in stratum.cancelling])


def _witness(ctx: GraphContext, stratum: Stratum, rng: random.Random) -> tuple[dict, dict] | None:
    """Claims and the JSON witness at a random point of the stratum, or None if this point fails."""
    point = _random_point(ctx, stratum, rng)
    if point is None:
        return None
    zero, one = flint.fmpq(0), flint.fmpq(1)
    sd = structured_derivatives(ctx.graph, lambda a, b: point.weights[(a, b)], point.d1, point.d2, zero, one)
    dead = set(stratum.dead)
    if any((sd.adjoints[v] == 0) != (v in dead) for v in sd.adjoints):
        return None  # a live adjoint vanished (or the construction is off the stratum)
    if stratum.kind == "morse":
        det = QQMatrix(sd.hessian).det()
        if det == 0:
            return None
        claims = {"det_hessian": str(det)}
    else:
        rank = _cancellation_jacobian(ctx, stratum, point, sd.jacobians).rank()
        if rank != stratum.c:
            return None
        claims = {"rank_cancellation_jacobian": rank}
    x = [flint.fmpq(rng.randint(-8, 8), 4) for _ in ctx.inputs]
    biases = ordinary_biases(ctx.graph, ctx.units, lambda a, b: point.weights[(a, b)], point.u.get, x)
    witness = {
        "x": [str(a) for a in x],
        "weights": [[a, b, str(point.weights[(a, b)])] for a, b in ctx.graph.edges],
        "u": [[v, str(point.u[v])] for v in ctx.order if v in point.u],
        "biases": [[v, str(biases[v])] for v in ctx.order if v in biases],
    }
    return claims, witness


_NOTES = {
    "morse": "det Hess Phi != 0 at a point of C_Z: critical points for an open set of weights, Morse almost "
    "everywhere on this stratum",
    "degenerate": "the cancellation equations have rank c in x at a point of C_Z: for an open set of weights "
    "the critical points here form manifolds of dimension n0 - c, all degenerate",
}


def _resolve(
    ctx: GraphContext, stratum: Stratum, seed: int, attempts: int, deadline: Deadline
) -> StratumResult:
    if stratum.kind in ("null", "empty"):
        return StratumResult(stratum, stratum.kind, stratum.reason)
    if stratum.kind == "undecided":
        return StratumResult(stratum, "undecided", stratum.reason)
    rng = random.Random(f"{seed}:{stratum.cancelling}")
    for _ in range(attempts):
        deadline.check(f"witness search on the stratum with cancelling nodes {stratum.cancelling}")
        found = _witness(ctx, stratum, rng)
        if found is not None:
            claims, witness = found
            return StratumResult(stratum, "witness", _NOTES[stratum.kind], witness, claims)
    return StratumResult(stratum, "undecided", f"no witness in {attempts} random points of C_Z")


def _name(s: Stratum) -> str:
    return f"the stratum with cancelling nodes {{{', '.join(map(str, s.cancelling))}}}"


def _verdicts(monotone: bool, hypothesis: str, results: list[StratumResult]) -> tuple[str, str, list[str]]:
    """critical_points, morse and the reasons (DESIGN section 2, verdicts of the strata)."""
    if not monotone:
        return "undecided", "undecided", [hypothesis]
    witnessed = [r for r in results if r.status == "witness"]
    open_ = [r for r in results if r.status == "undecided"]
    degenerate = [r for r in witnessed if r.stratum.kind == "degenerate"]
    reasons = []
    if witnessed:
        critical = "generic"
        reasons.append(
            f"witness on {_name(witnessed[0].stratum)} proves critical points for an open set of weights"
        )
    elif not open_:
        critical = "none"
        reasons.append(
            "every stratum is null or empty: only a measure-zero set of weights has any critical point"
        )
    else:
        critical = "undecided"
        reasons.append(f"{_name(open_[0].stratum)} is undecided: {open_[0].note}")
    if degenerate:
        morse = "fails"
        reasons.append(f"degenerate witness on {_name(degenerate[0].stratum)}")
    elif open_:
        morse = "undecided"
        if witnessed:
            reasons.append(f"{_name(open_[0].stratum)} is undecided: {open_[0].note}")
    else:
        morse = "generic"
        reasons.append("every stratum is null, empty, or morse with a witness")
    return critical, morse, reasons


def certify_graph(
    G: nx.DiGraph,
    activation: str | Activation,
    classification,
    seed: int = 0,
    attempts: int = 8,
    deadline: Deadline | None = None,
) -> GraphCertificate:
    """Resolve every death stratum of ``G`` and derive the verdicts.

    ``classification`` is the :class:`~symmorse.search.classify.Classification` of
    ``G`` (its strata and hypothesis).  Usually called through
    :func:`symmorse.search.certify.certify`.

    Examples
    --------
    >>> from symmorse.model.architecture import resnet_graph
    >>> from symmorse.search.classify import classify
    >>> G = resnet_graph(1, 1, [1])
    >>> cert = certify_graph(G, "tanh", classify(G))
    >>> cert.critical_points, cert.morse, [r.status for r in cert.results]
    ('generic', 'generic', ['null', 'witness', 'null', 'null'])
    """
    act = get_activation(activation)
    deadline = deadline or Deadline(None)
    c = classification
    if not c.monotone or c.strata is None:
        reasons = [c.hypothesis] if not c.monotone else [c.reason]
        return GraphCertificate(G, act, c, [], "undecided", "undecided", reasons, seed)
    ctx = graph_context(G, act)
    results = []
    for stratum in c.strata:
        try:
            results.append(_resolve(ctx, stratum, seed, attempts, deadline))
        except TimeLimitReached as exc:
            results.append(StratumResult(stratum, "undecided", str(exc)))
    critical, morse, reasons = _verdicts(c.monotone, c.hypothesis, results)
    if fixed_parameters(G):
        reasons.append("the verdicts range over the free parameters; the fixed ones keep their values")
    return GraphCertificate(G, act, c, results, critical, morse, reasons, seed)
