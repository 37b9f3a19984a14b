"""Witness search and certificate construction (the untrusted side).

For every critical branch of a layered MLP (see :mod:`symmorse.search.classify`)
:func:`certify` looks for an exact rational *witness* in chart coordinates
(DESIGN section 2): random rational chart values ``u_l`` in the chart
interval, weights ``W_l`` and ``w``, and then ``W_k`` chosen in the linear
fibre ``W_k^T (D_k v_k) = 0``, which makes the point critical.  A ``morse``
branch needs ``det Hess Phi != 0`` there; a ``degenerate`` branch needs the
rest of the network ``g`` (a function of ``h_{k-1}``) to be non-degenerate,
``rank J_{k-1} = n_{k-1}`` and ``rank Hess Phi < n_0``.  All arithmetic is
exact (python-flint ``fmpq_mat``); the seeded generator makes certificates
reproducible.  Verdicts follow DESIGN section 2; whatever is not found is
``undecided`` with the reason.  The checker (:mod:`symmorse.kernel.layered`)
re-derives every claim independently.

Any other graph (skip connections, sparse layers, residual networks, and a
layered MLP with ``route="graph"``) is decomposed into death strata, each
resolved by :mod:`symmorse.search.certify_graph`, which returns a
:class:`~symmorse.search.certify_graph.GraphCertificate` (format ``symmorse-strata/1``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import flint
import networkx as nx
import sympy

from ..exact.expressions import parse_expression
from ..exact.limits import Deadline, TimeLimitReached
from ..exact.linalg import QQMatrix, column, diagonal, kernel_basis, matrix_strings, qq, vector_strings
from ..model.activations import Activation, Chart, get_activation
from ..model.architecture import (
    bias_parameter,
    edge_parameter,
    from_graph,
    from_json,
    hidden_nodes,
    layers,
    mlp,
)
from .certify_graph import GraphCertificate, certify_graph, ordinary_biases
from .classify import Branch, Classification, classify

__all__ = [
    "ChartPoint",
    "LayeredDerivatives",
    "BranchResult",
    "Certificate",
    "certify",
    "chart_derivatives",
    "witness_weights",
    "FORMAT",
]

#: The ``format`` string of MLP and graph certificates.
FORMAT = "symmorse-certificate/1"
_WEIGHT_RANGE = 3


@dataclass(frozen=True)
class ChartPoint:
    """A point in chart coordinates of a layered network, and an input x.

    ``W[l]`` is ``n_l x n_{l-1}`` and ``u[l]`` has ``n_l`` entries for hidden
    layers ``l = 1..L-1``; ``w`` is the output weight column.  The input x
    plays no role in the derivatives (it only fixes the biases).
    """

    x: list[flint.fmpq]
    W: dict[int, QQMatrix]
    u: dict[int, list[flint.fmpq]]
    w: QQMatrix

    def to_json(self) -> dict:
        """Exact rational strings, layers keyed by index."""
        return {
            "x": [str(a) for a in self.x],
            "W": {str(l): matrix_strings(M) for l, M in self.W.items()},
            "u": {str(l): [str(a) for a in us] for l, us in self.u.items()},
            "w": vector_strings(self.w),
        }

    @classmethod
    def from_json(cls, data: dict) -> ChartPoint:
        """Inverse of :meth:`to_json`."""
        W = {int(l): QQMatrix([[qq(a) for a in row] for row in M]) for l, M in data["W"].items()}
        u = {int(l): [qq(a) for a in us] for l, us in data["u"].items()}
        return cls([qq(a) for a in data["x"]], W, u, column(data["w"]))


@dataclass(frozen=True)
class LayeredDerivatives:
    """Backward vectors, Jacobians and Hessian at a chart point (exact).

    ``v[l]`` for ``l = first-1..L-1``; ``J[l] = dz_l/dh_{first-1}``;
    ``hessian`` is the Hessian with respect to ``h_{first-1}`` (x for first = 1).
    """

    v: dict[int, QQMatrix]
    J: dict[int, QQMatrix]
    hessian: QQMatrix


def chart_derivatives(charts: dict[int, Chart], point: ChartPoint, first: int = 1) -> LayeredDerivatives:
    """Backward vectors and structured Hessian of a layered network in chart coordinates.

    ``v_{L-1} = w``, ``v_{l-1} = W_l^T D_l v_l``, ``J_first = W_first``,
    ``J_l = W_l D_{l-1} J_{l-1}`` and ``Hess = sum_{l>=first} J_l^T diag(sigma''_l v_l) J_l``
    with ``D_l = diag sigma'(u_l)``; with ``first = k`` this is the Hessian of
    the rest of the network ``g`` as a function of ``h_{k-1}``.  This is the
    matrix form of :func:`symmorse.model.network.structured_derivatives` (the tests
    compare them), fast for wide layers.

    Examples
    --------
    >>> tanh = get_activation("tanh").chart
    >>> p = ChartPoint([qq(0)], {1: QQMatrix([[2]])}, {1: [qq("1/2")]}, column([1]))
    >>> d = chart_derivatives({1: tanh}, p)
    >>> d.v[0].entries(), d.hessian.entries()
    ([3/2], [-3])
    """
    top = max(point.W)
    d1 = {l: [charts[l].exact[0](a) for a in point.u[l]] for l in point.u}
    d2 = {l: [charts[l].exact[1](a) for a in point.u[l]] for l in point.u}
    v = {top: point.w}
    for l in range(top, first - 1, -1):
        v[l - 1] = point.W[l].transpose() * diagonal(d1[l]) * v[l]
    J = {first: point.W[first]}
    for l in range(first + 1, top + 1):
        J[l] = point.W[l] * diagonal(d1[l - 1]) * J[l - 1]
    n = point.W[first].ncols()
    hessian = QQMatrix(n, n)
    for l in range(first, top + 1):
        curvature = [d2[l][i] * v[l][i, 0] for i in range(len(d2[l]))]
        hessian += J[l].transpose() * diagonal(curvature) * J[l]
    return LayeredDerivatives(v, J, hessian)


@dataclass
class BranchResult:
    """The outcome of the witness search on one branch."""

    branch: Branch
    status: str  # "witness", "null" or "undecided"
    note: str
    witness: ChartPoint | None = None
    claims: dict = field(default_factory=dict)


@dataclass
class Certificate:
    """A certificate: classification, per-branch witnesses and the verdicts.

    ``critical_points`` is ``none``/``generic``/``undecided``, ``morse`` is
    ``generic``/``fails``/``undecided``, ``status`` is ``proved`` exactly when
    both are decided.  :meth:`to_json` gives the format the checker reads.
    """

    classification: Classification
    activation: Activation
    results: list[BranchResult]
    critical_points: str
    morse: str
    reasons: list[str]
    seed: int

    @property
    def status(self) -> str:
        """``proved`` when both verdicts are decided, else ``undecided``."""
        decided = "undecided" not in (self.critical_points, self.morse)
        return "proved" if decided else "undecided"

    def to_json(self) -> dict:
        """The certificate as JSON data (format ``symmorse-certificate/1``)."""
        c = self.classification
        data = {
            "format": FORMAT,
            "architecture": {"widths": c.widths},
            "activation": self.activation.name,
        }
        if c.activations:
            data["layer_activations"] = {str(k): v for k, v in c.activations.items()}
        data.update(
            {
                "class": c.kind,
                "parameters": c.parameters,
                "critical_points": self.critical_points,
                "morse": self.morse,
                "status": self.status,
                "hypothesis": c.hypothesis,
                "reasons": self.reasons,
                "seed": self.seed,
                "branches": [self._branch_json(r) for r in self.results],
            }
        )
        return data

    def _branch_json(self, r: BranchResult) -> dict:
        entry = {**r.branch.to_json(), "status": r.status, "note": r.note}
        if r.witness is not None:
            entry["witness"] = r.witness.to_json()
            entry["witness"]["biases"] = _layered_biases(self.classification, self.activation, r.witness)
            entry["claims"] = r.claims
        return entry

    def summary(self) -> str:
        """A few lines for people: class, branches, verdicts."""
        c = self.classification
        lines = [
            f"{c.architecture} ({self.activation.name}): {c.kind}; {c.reason}",
            f"  hypothesis: {c.hypothesis}",
        ]
        for r in self.results:
            b = r.branch
            lines.append(
                f"  branch k={b.step} ({b.source_width}->{b.target_width}) {b.kind}: {r.status}; {r.note}"
            )
        lines.append(f"  critical points: {self.critical_points}; Morse: {self.morse}; status: {self.status}")
        lines += [f"  - {reason}" for reason in self.reasons]
        return "\n".join(lines)


def _layered_biases(c: Classification, default: Activation, p: ChartPoint) -> dict[str, list[str]]:
    G = mlp(c.widths)
    groups = layers(G)
    index = {v: (l, i) for l, group in enumerate(groups) for i, v in enumerate(group)}
    acts = {v: get_activation(c.activations.get(index[v][0], default.name)) for v in hidden_nodes(G)}

    def weight(a, b):
        l, i = index[b]
        return p.W[l][i, index[a][1]] if l in p.W else p.w[index[a][1], 0]

    biases = ordinary_biases(G, acts, weight, lambda v: p.u[index[v][0]][index[v][1]], p.x)
    return {str(l): [str(biases[v]) for v in groups[l]] for l in range(1, len(groups))}


def witness_weights(certificate: dict, step: int | None = None) -> dict[str, sympy.Expr]:
    """A witness of a certificate as ordinary weights ``{name: exact value}``.

    For a layered certificate, the witness of branch ``step``; for a strata
    certificate, the witness of stratum entry ``step`` (default: the first
    stratum with a witness), fixed parameters included.  Substituting them
    and the witness input into the network's gradient gives zero exactly.
    The bias expressions are parsed with the whitelist.

    Examples
    --------
    >>> cert = certify("1,2,1").to_json()
    >>> weights = witness_weights(cert, 1)
    >>> sorted(weights)[:3]
    ['W1_1_1', 'W1_2_1', 'b1_1']
    >>> from symmorse.model.architecture import fixed_parameters, resnet_graph
    >>> G = resnet_graph(1, 1, [1])  # skip weights fixed to 1, states' biases to 0
    >>> weights = witness_weights(certify(G).to_json())
    >>> all(weights[name] == value for name, value in fixed_parameters(G).items())
    True
    """
    if "strata" in certificate:
        G = from_json(certificate["architecture"])
        entries = certificate["strata"]
        wit = (entries[step] if step is not None else next(e for e in entries if "witness" in e))["witness"]
        result = {edge_parameter(G, a, b): sympy.Rational(t) for a, b, t in wit["weights"]}
        for v, text in wit["biases"]:
            result[bias_parameter(G, v)] = parse_expression(text, [], what="witness bias")
        return result
    wit = next(b for b in certificate["branches"] if b["step"] == step)["witness"]
    G = mlp(certificate["architecture"]["widths"])
    groups = layers(G)
    result: dict[str, sympy.Expr] = {}
    for l in range(1, len(groups)):
        rows = wit["W"][str(l)] if l < len(groups) - 1 else [wit["w"]]
        for i, v in enumerate(groups[l]):
            for j, a in enumerate(groups[l - 1]):
                result[edge_parameter(G, a, v)] = sympy.Rational(rows[i][j])
            text = wit["biases"][str(l)][i]
            result[bias_parameter(G, v)] = parse_expression(text, [], what="witness bias")
    return result


# -- the search ------------------------------------------------------------------------


def _sample_chart_value(chart: Chart, rng: random.Random) -> flint.fmpq:
    """A random rational strictly inside the chart interval."""
    a, b = chart.interval.inf, chart.interval.sup
    if a.is_finite and b.is_finite:
        j = rng.randint(1, 15)
        return qq(sympy.Rational(a) + (sympy.Rational(b) - sympy.Rational(a)) * sympy.Rational(j, 16))
    return flint.fmpq(rng.randint(-8, 8), 4)


def _random_matrix(rows: int, cols: int, rng: random.Random) -> QQMatrix:
    return QQMatrix(rows, cols, [rng.randint(-_WEIGHT_RANGE, _WEIGHT_RANGE) for _ in range(rows * cols)])


def _random_point(ws: list[int], charts: dict[int, Chart], k: int, rng: random.Random) -> ChartPoint | None:
    """A random chart point on branch k (``W_k`` in the fibre), or None if ``D_k v_k = 0``."""
    top = len(ws) - 2
    u = {l: [_sample_chart_value(charts[l], rng) for _ in range(ws[l])] for l in range(1, top + 1)}
    W = {l: _random_matrix(ws[l], ws[l - 1], rng) for l in range(1, top + 1) if l != k}
    w = column([rng.choice([-3, -2, -1, 1, 2, 3]) for _ in range(ws[top])])
    v = w
    for l in range(top, k, -1):
        v = W[l].transpose() * diagonal([charts[l].exact[0](a) for a in u[l]]) * v
    y = diagonal([charts[k].exact[0](a) for a in u[k]]) * v
    if all(a == 0 for a in y.entries()):
        return None
    fibre = _primitive_columns(kernel_basis(y.transpose()))  # columns orthogonal to y
    W[k] = fibre * _random_matrix(fibre.ncols(), ws[k - 1], rng)
    x = [flint.fmpq(rng.randint(-8, 8), 4) for _ in range(ws[0])]
    return ChartPoint(x, dict(sorted(W.items())), u, w)


def _primitive_columns(M: QQMatrix) -> QQMatrix:
    """Each (integer) column divided by the gcd of its entries: smaller witnesses."""
    for j in range(M.ncols()):
        g = flint.fmpz(0)
        for i in range(M.nrows()):
            g = g.gcd(M[i, j].p)
        for i in range(M.nrows()):
            M[i, j] = M[i, j] / g if g != 0 else M[i, j]
    return M


def _try_witness(b: Branch, ws: list[int], charts: dict[int, Chart], point: ChartPoint) -> dict | None:
    """The claims that make ``point`` a witness for branch ``b``, or None."""
    d = chart_derivatives(charts, point)
    if b.kind == "morse":
        det = d.hessian.det()
        return {"det_hessian": str(det)} if det != 0 else None
    g = chart_derivatives(charts, point, first=b.step)
    det_g = g.hessian.det()
    jacobian_rank = d.J[b.step - 1].rank()
    hessian_rank = d.hessian.rank()
    if det_g == 0 or jacobian_rank != b.source_width or hessian_rank >= ws[0]:
        return None
    return {"det_hessian_g": str(det_g), "rank_jacobian": jacobian_rank, "rank_hessian": hessian_rank}


def _search(
    b: Branch,
    ws: list[int],
    charts: dict[int, Chart],
    seed: int,
    name: str,
    attempts: int,
    deadline: Deadline,
) -> BranchResult:
    rng = random.Random(f"{seed}:{ws}:{name}:{b.step}")
    for _ in range(attempts):
        deadline.check(f"witness search on branch k={b.step}")
        point = _random_point(ws, charts, b.step, rng)
        if point is None:
            continue
        claims = _try_witness(b, ws, charts, point)
        if claims is not None:
            note = (
                "det Hess Phi != 0 at a critical point: critical points for an open set of weights, "
                "Morse almost everywhere on this branch"
                if b.kind == "morse"
                else "g non-degenerate at its critical point, rank J_{k-1} = n_{k-1}: degenerate "
                "critical manifolds for an open set of weights"
            )
            return BranchResult(b, "witness", note, point, claims)
    return BranchResult(b, "undecided", f"no witness in {attempts} random points")


def _verdicts(c: Classification, results: list[BranchResult]) -> tuple[str, str, list[str]]:
    """critical_points, morse and the reasons, from the branch results (DESIGN section 2)."""
    if not c.monotone:
        return "undecided", "undecided", [c.hypothesis]
    if c.kind == "non-augmented":
        return "none", "generic", [c.reason, "with no critical points Phi is (vacuously) Morse"]
    found = {r.branch.step: r for r in results if r.status == "witness"}
    reasons = []
    critical = "generic" if found else "undecided"
    reasons.append(
        f"witness on branch k={min(found)} proves critical points for an open set of weights"
        if found
        else "no witness found, so the existence of critical points is undecided"
    )
    degenerate = [r for r in found.values() if r.branch.kind == "degenerate"]
    open_branches = [r for r in results if r.status == "undecided"]
    if degenerate:
        morse = "fails"
        reasons.append(f"degenerate witness on branch k={degenerate[0].branch.step}")
    elif open_branches or any(r.branch.kind == "degenerate" for r in results):
        morse = "undecided"
        reasons.append(f"branch k={open_branches[0].branch.step} has no witness")
    else:
        morse = "generic"
        reasons.append("every branch is morse with a witness or null")
    return critical, morse, reasons


def certify(
    architecture: str | Sequence[int] | nx.DiGraph,
    activation: str | Activation = "tanh",
    seed: int = 0,
    attempts: int = 8,
    time_limit: float | None = None,
    route: str = "auto",
) -> Certificate | GraphCertificate:
    """Classify an architecture and prove its verdicts with exact witnesses.

    Parameters
    ----------
    architecture : widths, or an architecture graph (any ``networkx.DiGraph``
        that :func:`~symmorse.model.architecture.from_graph` accepts).
    activation : the hidden activation (strictly monotone ones are certified).
    seed : seeds the witness generator; the same seed gives the same certificate.
    attempts : random points tried per branch or stratum before answering ``undecided``.
    time_limit : seconds; when reached, open branches or strata are ``undecided``.
    route : ``"auto"`` (branches for layered MLPs, death strata for other
        graphs) or ``"graph"`` (strata for any graph); see
        :func:`~symmorse.search.classify.classify`.

    Returns
    -------
    Certificate (layered, ``symmorse-certificate/1``) or GraphCertificate
    (strata, ``symmorse-strata/1``).

    Examples
    --------
    >>> cert = certify("2,3,1")
    >>> cert.classification.kind, cert.critical_points, cert.morse, cert.status
    ('augmented', 'generic', 'generic', 'proved')
    >>> certify("3,2,5,1").morse, certify("4,3,2,1").critical_points
    ('fails', 'none')
    >>> g = certify("3,2,5,1", route="graph")
    >>> g.critical_points, g.morse, g.to_json()["format"]
    ('generic', 'fails', 'symmorse-strata/1')
    """
    G = from_graph(architecture if isinstance(architecture, nx.DiGraph) else mlp(architecture))
    act = get_activation(activation)
    deadline = Deadline(time_limit)
    c = classify(G, act, route, time_limit)
    if c.widths is None:
        return certify_graph(G, act, c, seed, attempts, deadline)
    results = []
    charts = {l: get_activation(c.activations.get(l, act.name)).chart for l in range(1, len(c.widths) - 1)}
    for b in c.branches:
        if b.kind == "null":
            results.append(BranchResult(b, "null", "measure-zero set of weights; nothing to find"))
        elif not c.monotone:
            results.append(BranchResult(b, "undecided", "sigma' > 0 not proved"))
        else:
            try:
                results.append(_search(b, c.widths, charts, seed, act.name, attempts, deadline))
            except TimeLimitReached as exc:
                results.append(BranchResult(b, "undecided", str(exc)))
    critical, morse, reasons = _verdicts(c, results)
    return Certificate(c, act, results, critical, morse, reasons, seed)
