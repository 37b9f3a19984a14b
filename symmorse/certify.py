"""Witness search and certificate construction (the untrusted side).

For every critical branch of a layered MLP (see :mod:`symmorse.classify`)
:func:`certify` looks for an exact rational *witness* in chart coordinates
(DESIGN section 2): random rational chart values ``u_l`` in the chart
interval, weights ``W_l`` and ``w``, and then ``W_k`` chosen in the linear
fibre ``W_k^T (D_k v_k) = 0``, which makes the point critical.  A ``morse``
branch needs ``det Hess Phi != 0`` there; a ``degenerate`` branch needs the
rest of the network ``g`` (a function of ``h_{k-1}``) to be non-degenerate,
``rank J_{k-1} = n_{k-1}`` and ``rank Hess Phi < n_0``.  All arithmetic is
exact (python-flint ``fmpq_mat``); the seeded generator makes certificates
reproducible.  Verdicts follow DESIGN section 2; whatever is not found is
``undecided`` with the reason.  The checker (:mod:`symmorse.checker`)
re-derives every claim independently.

For general graphs, the output weights enter linearly, so a point with
``A(x, theta')^T w = 0`` (A the Jacobian of the output's inputs) and
``det Hess Phi != 0`` proves that critical points exist for an open set of
weights; the Morse verdict stays ``undecided`` (inner branches are not
enumerated).
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import flint
import networkx as nx
import sympy

from .activations import Activation, Chart, get_activation
from .architecture import (
    bias_parameter,
    edge_parameter,
    fixed_parameters,
    from_graph,
    from_json,
    hidden_nodes,
    input_nodes,
    layers,
    mlp,
    output_node,
    to_json,
)
from .classify import Branch, Classification, classify
from .expressions import parse_expression
from .limits import Deadline, TimeLimitReached
from .linalg import QQMatrix, column, diagonal, kernel_basis, matrix_strings, qq, vector_strings
from .network import structured_derivatives

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
    matrix form of :func:`symmorse.network.structured_derivatives` (the tests
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
    graph: nx.DiGraph | None = None
    graph_witness: dict | None = None

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
            "architecture": {"widths": c.widths} if c.widths else to_json(self.graph),
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
        if c.graph is not None:
            data["graph_analysis"] = c.graph.to_json()
            data["output_branch"] = self.graph_witness
        return data

    def _branch_json(self, r: BranchResult) -> dict:
        entry = {**r.branch.to_json(), "status": r.status, "note": r.note}
        if r.witness is not None:
            entry["witness"] = r.witness.to_json()
            entry["witness"]["biases"] = _layered_biases(self.classification, self.activation, r.witness)
            entry["claims"] = r.claims
        return entry

    def _repr_latex_(self) -> str:
        """Class, branch table and verdicts, for notebooks (see :func:`symmorse.latex.certificate_latex`)."""
        from .latex import certificate_latex  # presentation is imported only when asked for

        return certificate_latex(self)

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


def _biases(
    G: nx.DiGraph,
    activations: dict[Hashable, Activation],
    weight,
    chart_value,
    x: Sequence[flint.fmpq],
) -> dict[Hashable, sympy.Expr]:
    """Ordinary biases ``b_v = c^{-1}(u_v) - sum_u theta_uv h_u(x)`` as exact expressions.

    The output bias is 0 and a ``fixed_bias`` keeps its value (on identity nodes, whose
    chart coordinate is then not free).  ``h_v = sigma(c^{-1}(u_v))`` is exact too (e.g.
    u itself for tanh).
    """
    h: dict[Hashable, sympy.Expr] = {v: _sympy(a) for v, a in zip(input_nodes(G), x)}
    fixed = nx.get_node_attributes(G, "fixed_bias")
    biases = {}
    for v in (v for group in layers(G)[1:] for v in group):
        incoming = sympy.Add(*[_sympy(weight(a, v)) * h[a] for a in G.predecessors(v)])
        if v in fixed:
            biases[v] = fixed[v]
            pre = incoming + fixed[v]
        elif v in activations:
            pre = activations[v].chart.inverse_at(_sympy(chart_value(v)))
            biases[v] = pre - incoming
        else:
            biases[v] = sympy.S.Zero
        if v in activations:
            h[v] = activations[v](pre)
    return biases


def _layered_biases(c: Classification, default: Activation, p: ChartPoint) -> dict[str, list[str]]:
    G = mlp(c.widths)
    groups = layers(G)
    index = {v: (l, i) for l, group in enumerate(groups) for i, v in enumerate(group)}
    acts = {v: get_activation(c.activations.get(index[v][0], default.name)) for v in hidden_nodes(G)}

    def weight(a, b):
        l, i = index[b]
        return p.W[l][i, index[a][1]] if l in p.W else p.w[index[a][1], 0]

    biases = _biases(G, acts, weight, lambda v: p.u[index[v][0]][index[v][1]], p.x)
    return {str(l): [str(biases[v]) for v in groups[l]] for l in range(1, len(groups))}


def _sympy(a: flint.fmpq) -> sympy.Rational:
    return sympy.Rational(int(a.p), int(a.q))


def witness_weights(certificate: dict, step: int | None = None) -> dict[str, sympy.Expr]:
    """The witness of branch ``step`` as ordinary weights ``{name: exact value}``.

    Substituting them and the witness input into ``Network(widths).gradient()``
    gives zero exactly.  The bias expressions are parsed with the whitelist.
    For a general graph (``step`` left out) it is the output-branch witness,
    fixed parameters included.

    Examples
    --------
    >>> cert = certify("1,2,1").to_json()
    >>> weights = witness_weights(cert, 1)
    >>> sorted(weights)[:3]
    ['W1_1_1', 'W1_2_1', 'b1_1']
    >>> from symmorse.architecture import resnet_graph
    >>> G = resnet_graph(1, 1, [1])  # skip weights fixed to 1, states' biases to 0
    >>> weights = witness_weights(certify(G).to_json())
    >>> all(weights[name] == value for name, value in fixed_parameters(G).items())
    True
    """
    if "nodes" in certificate["architecture"]:
        G = from_json(certificate["architecture"])
        wit = certificate["output_branch"]
        result = {edge_parameter(G, a, b): sympy.Rational(t) for a, b, t in wit["edges"]}
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
) -> Certificate:
    """Classify an architecture and prove its verdicts with exact witnesses.

    Parameters
    ----------
    architecture : widths or an architecture graph.
    activation : the hidden activation (strictly monotone ones are certified).
    seed : seeds the witness generator; the same seed gives the same certificate.
    attempts : random points tried per branch before answering ``undecided``.
    time_limit : seconds; when reached, open branches are ``undecided``.

    Examples
    --------
    >>> cert = certify("2,3,1")
    >>> cert.classification.kind, cert.critical_points, cert.morse, cert.status
    ('augmented', 'generic', 'generic', 'proved')
    >>> certify("3,2,5,1").morse, certify("4,3,2,1").critical_points
    ('fails', 'none')
    """
    G = from_graph(architecture if isinstance(architecture, nx.DiGraph) else mlp(architecture))
    act = get_activation(activation)
    c = classify(G, act)
    deadline = Deadline(time_limit)
    if c.widths is None:
        return _certify_graph(G, act, c, seed, attempts, deadline)
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


# -- general graphs: the output branch ---------------------------------------------------


def _certify_graph(
    G: nx.DiGraph, act: Activation, c: Classification, seed: int, attempts: int, deadline: Deadline
) -> Certificate:
    morse_reason = "Morse verdict undecided: the branches inside a general graph are not enumerated"
    if not c.monotone:
        return Certificate(c, act, [], "undecided", "undecided", [c.hypothesis], seed, G)
    units = {v: get_activation(G.nodes[v].get("activation") or act) for v in hidden_nodes(G)}
    unsupported = _unsupported_fixed_parameters(G, units)
    if unsupported:
        return Certificate(c, act, [], "undecided", "undecided", [unsupported, morse_reason], seed, G)
    rng = random.Random(f"{seed}:graph:{act.name}")
    witness = None
    try:
        for _ in range(attempts):
            deadline.check("output-branch witness search")
            witness = _output_branch_witness(G, units, rng)
            if witness is not None:
                break
    except TimeLimitReached as exc:
        morse_reason = f"{morse_reason}; {exc}"
    if witness is None:
        reasons = ["no output-branch witness found", morse_reason]
        curved = [v for v, unit in units.items() if unit.name != "identity"]
        if len(curved) < len(input_nodes(G)):
            reasons[0] += (
                f": Hess Phi is a sum of one rank-one term per non-identity unit, so its rank is at most "
                f"{len(curved)} < n_0 = {len(input_nodes(G))} and no critical point is non-degenerate"
            )
        return Certificate(c, act, [], "undecided", "undecided", reasons, seed, G)
    weights = "open set of its free weights" if fixed_parameters(G) else "open set of weights"
    reasons = [
        "output-branch witness: grad Phi = 0 and det Hess Phi != 0, so critical points exist for an "
        + weights,
        morse_reason,
    ]
    return Certificate(c, act, [], "generic", "undecided", reasons, seed, G, witness)


def _unsupported_fixed_parameters(G: nx.DiGraph, units: dict[Hashable, Activation]) -> str | None:
    """Why the output-branch witness cannot respect the fixed parameters of ``G``, if it cannot.

    The witness solves for the output weights and reads every other bias off a
    chart coordinate: a fixed output weight, or a fixed bias on a unit whose
    activation is not the identity (its chart coordinate would be pinned), is
    outside the method.
    """
    out = output_node(G)
    for a, _, value in G.in_edges(out, data="fixed_weight"):
        if value is not None:
            return f"the output weight from node {a!r} is fixed: the output-branch witness needs them free"
    for v, unit in units.items():
        if G.nodes[v].get("fixed_bias") is not None and unit.name != "identity":
            return f"node {v!r} has a fixed bias and activation {unit.name}: its chart coordinate is not free"
    return None


def _output_rows(G: nx.DiGraph, weights: dict, d1: dict, d2: dict) -> QQMatrix:
    """The rows ``D_x h_s`` of the output's predecessors s (``grad Phi = sum_s w_s D_x h_s``)."""
    zero, one = flint.fmpq(0), flint.fmpq(1)
    inner = structured_derivatives(G, lambda a, b: weights.get((a, b), zero), d1, d2, zero, one)
    xs = input_nodes(G)
    rows = []
    for s in G.predecessors(output_node(G)):
        rows.append(
            [one if s == x else zero for x in xs] if s in xs else [d1[s] * e for e in inner.jacobians[s]]
        )
    return QQMatrix(rows)


#: Free inner weights tuned per sample point when the output rows have no kernel.
_TUNED_EDGES = 16


def _singular_rows(G: nx.DiGraph, weights: dict, d1: dict, d2: dict, edge: tuple) -> dict | None:
    """``weights`` with the weight of ``edge`` tuned so that the (square) rows become singular.

    In chart coordinates the rows are ``R + theta * p q^T`` in the weight theta of
    an edge ``a -> s`` (p: how the output's predecessors depend on z_s, q^T =
    ``D_x h_a``; neither involves theta in a DAG), so ``det`` is affine in theta
    (matrix determinant lemma) and its root is rational.  This finds the critical
    points that a singular Jacobian makes possible without widening (e.g. a
    residual block ``x + v sigma(w x + b)``).  None if ``det`` does not depend on it.
    """
    tuned = dict(weights)
    tuned[edge] = flint.fmpq(0)
    d0 = _output_rows(G, tuned, d1, d2).det()
    tuned[edge] = flint.fmpq(1)
    slope = _output_rows(G, tuned, d1, d2).det() - d0
    if slope == 0:
        return None
    tuned[edge] = -d0 / slope
    return tuned


def _output_branch_witness(
    G: nx.DiGraph, units: dict[Hashable, Activation], rng: random.Random
) -> dict | None:
    """A random chart point, inner weights and output weights making x critical and non-degenerate.

    The output weights solve ``grad Phi = 0`` (the kernel of the output rows).
    When the rows have no kernel and are square, one free inner weight at a time
    (at most :data:`_TUNED_EDGES`) is tuned to make them singular.
    """
    out = output_node(G)
    fixed_weights = nx.get_edge_attributes(G, "fixed_weight")
    charts = {v: unit.chart for v, unit in units.items()}
    # a unit with a fixed bias is an identity unit (see _unsupported_fixed_parameters): any u will do,
    # and the witness lists u only where it is a coordinate
    u = {
        v: _sample_chart_value(chart, rng)
        for v, chart in charts.items()
        if G.nodes[v].get("fixed_bias") is None
    }
    d1 = {v: charts[v].exact[0](u.get(v, flint.fmpq(0))) for v in charts}
    d2 = {v: charts[v].exact[1](u.get(v, flint.fmpq(0))) for v in charts}
    weights = {
        e: qq(fixed_weights[e]) if e in fixed_weights else flint.fmpq(rng.choice([-3, -2, -1, 1, 2, 3]))
        for e in G.edges
        if e[1] != out
    }
    candidates = [weights]
    if G.in_degree(out) == len(input_nodes(G)) and _output_rows(G, weights, d1, d2).det() != 0:
        tunable = [e for e in weights if e not in fixed_weights]
        edges = rng.sample(tunable, min(len(tunable), _TUNED_EDGES))
        candidates = (tuned for e in edges if (tuned := _singular_rows(G, weights, d1, d2, e)) is not None)
    for candidate in candidates:
        witness = _complete_witness(G, units, candidate, u, d1, d2, rng)
        if witness is not None:
            return witness
    return None


def _complete_witness(G, units: dict, weights: dict, u: dict, d1: dict, d2: dict, rng) -> dict | None:
    """Output weights in the kernel of the rows, then the Hessian claim and the ordinary biases."""
    out = output_node(G)
    kernel = kernel_basis(_output_rows(G, weights, d1, d2).transpose())
    if kernel.ncols() == 0:
        return None
    kernel = _primitive_columns(kernel)
    combination = column([rng.randint(1, 3) for _ in range(kernel.ncols())])
    w_out = kernel * combination
    weights = dict(weights)
    for i, s in enumerate(G.predecessors(out)):
        weights[(s, out)] = w_out[i, 0]
    if all(w_out[i, 0] == 0 for i in range(w_out.nrows())):
        return None
    zero, one = flint.fmpq(0), flint.fmpq(1)
    sd = structured_derivatives(G, lambda a, b: weights[(a, b)], d1, d2, zero, one)
    det = QQMatrix(sd.hessian).det()
    if det == 0 or any(g != 0 for g in sd.gradient):
        return None
    x = [flint.fmpq(rng.randint(-8, 8), 4) for _ in input_nodes(G)]
    biases = _biases(G, units, lambda a, b: weights[(a, b)], u.get, x)
    return {
        "x": [str(a) for a in x],
        "edges": [[a, b, str(weights[(a, b)])] for a, b in G.edges],
        "u": [[v, str(t)] for v, t in u.items()],
        "biases": [[v, str(biases[v])] for v in biases],
        "claims": {"det_hessian": str(det)},
    }
