"""Kernel for ``symmorse-strata/1``: the death strata of a graph, re-enumerated and re-checked.

The certificate lists entries, each a stratum (every node decided) or a
family of strata (a partial assignment, all of whose completions one rule
covers).  This kernel walks the strata itself -- its own canonical order
(decreasing longest-path depth, ties by the order of the certificate's node
list), going down from the output: a node without live successor is forced
dead, an input with one is cancelling, any other node with one is live or
cancelling -- and stops wherever the certificate has an entry for the
partial assignment reached, keyed by the number of decided nodes and the set
of cancelling nodes.  Every entry must be reached and every complete
assignment reached must have an entry: a missing, extra or relabelled stratum
is rejected.  Each entry's claim is re-derived:

* ``null``/``empty`` by ``block``: B = the live successors of A (recomputed),
  ``|B| <= |A|``, and the given rational assignment of the block's free weights
  gives ``theta_{B,A}`` rank |B| (null if a weight is free, empty if none is);
* ``null`` by ``cut`` (family): the given paths are vertex-disjoint, run from an
  input through undecided nodes with at most one fixed out-edge to a node with
  a live successor, and with the free cancellations so far exceed n0;
* ``null`` by ``cut`` (stratum): the given vertex set separates the inputs from
  N (the charted live units reachable from the cancelling nodes' live
  successors through live nodes, recomputed) and is smaller than the number of
  free cancellations;
* ``morse`` (c = n0) and ``degenerate`` (c < n0), all cancellations free: the
  witness is a chart point whose exact adjoints vanish exactly on the dead set,
  with ``det Hess Phi != 0``, or with the x-Jacobian of the cancellation
  equations of rank c; its ordinary biases reproduce it.

The verdicts are re-derived from the verified entries (DESIGN section 2).  The
kernel imports only :mod:`symmorse.kernel.base` (and through it the exact-number
and parsing helpers), python-flint and networkx (to read the graph, test that
it is a connected DAG and sort it topologically; no flow or cut algorithm:
paths and cuts are checked as given).  SymPy is trusted only through
:mod:`symmorse.kernel.base`: to parse a polynomial activation and the witness
biases, and to show each bias equal to c^{-1}(u) minus its incoming sum
(``expand`` to 0, when it is not equal term by term); sigma' > 0, ranks,
adjoints, Hessians and determinants are FLINT arithmetic.
"""

from __future__ import annotations

import flint
import networkx as nx

from ..exact.words import plural
from .base import (
    CheckResult,
    Rejected,
    chart,
    chart_at,
    check_biases,
    claims_follow,
    dag_derivatives,
    number,
    positive_derivative,
    require,
)

__all__ = ["FORMAT", "check_strata_certificate"]

FORMAT = "symmorse-strata/1"


def _graph(arch: dict) -> tuple[nx.DiGraph, dict, dict]:
    """The architecture graph, its fixed weights and fixed biases (exact), validated."""
    G = nx.DiGraph()
    for entry in arch["nodes"]:
        v = entry["id"]
        require(v not in G, f"node {v!r}: repeated id")
        G.add_node(v, activation=entry.get("activation"), b=entry.get("fixed_bias"))
    for entry in arch["edges"]:
        a, b = entry["source"], entry["target"]
        require(
            a in G and b in G and a != b and not G.has_edge(a, b), f"edge {a!r} -> {b!r}: unknown or repeated"
        )
        G.add_edge(a, b, w=entry.get("fixed_weight"))
    require(len(G) > 0, "the graph has no nodes")  # networkx leaves connectivity of the null graph undefined
    require(nx.is_directed_acyclic_graph(G) and nx.is_weakly_connected(G), "the graph is not a connected DAG")
    fixed_w = {(a, b): number(t, f"fixed weight {a}->{b}") for a, b, t in G.edges(data="w") if t is not None}
    require(all(t != 0 for t in fixed_w.values()), "a weight fixed to 0 is no edge")
    fixed_b = {v: number(t, f"fixed bias of {v}") for v, t in G.nodes(data="b") if t is not None}
    return G, fixed_w, fixed_b


class _Walk:
    """The graph as the walk needs it: order, inputs, output, live successors, free edges."""

    def __init__(self, G: nx.DiGraph, fixed_w: dict, charted: set) -> None:
        depth: dict = {}
        for v in nx.topological_sort(G):
            depth[v] = max((depth[a] + 1 for a in G.predecessors(v)), default=0)
        position = {v: i for i, v in enumerate(G)}
        self.G, self.fixed, self.charted = G, fixed_w, charted
        self.order = sorted(G, key=lambda v: (-depth[v], position[v]))
        self.inputs = [v for v in G if G.in_degree(v) == 0]
        sinks = [v for v in G if G.out_degree(v) == 0]
        require(
            len(sinks) == 1 and len(self.inputs) < len(G), "the graph must have inputs and exactly one output"
        )
        self.output = sinks[0]
        self.single = {v for v in G if sum((v, s) in fixed_w for s in G.successors(v)) <= 1}

    def statuses(self, decided: int, cancelling: frozenset) -> tuple[set, set]:
        """Live and dead nodes among the first ``decided`` nodes, given the cancelling ones."""
        live, dead = set(), set()
        for v in self.order[:decided]:
            has_live = any(s in live for s in self.G.successors(v))
            if v == self.output or (has_live and v not in cancelling and v not in self.inputs):
                live.add(v)
            else:
                dead.add(v)
        return live, dead

    def free_cancellations(self, cancelling, live) -> int:
        return sum(
            any(s in live and (v, s) not in self.fixed for s in self.G.successors(v)) for v in cancelling
        )


def _walk(walk: _Walk, entries: dict, visit) -> None:
    """Visit the entry of every leaf of the enumeration; reject a complete assignment without one.

    The walk pops at most ``(len(entries) + 1) * (len(order) + 1)`` states: each state lies on the
    path from the root to a leaf (an assignment has one path), each leaf is a listed entry or the
    first missing complete stratum (where the walk stops), and a path has ``len(order) + 1`` states.
    A node cancels only when it has a live successor (the walk's one way to make it cancel).
    """
    stack = [(0, frozenset())]
    while stack:
        decided, cancelling = stack.pop()
        key = (decided, cancelling)
        if key in entries:  # every entry has decided > 0: the root is never one
            visit(key, entries[key])
            continue
        require(
            decided < len(walk.order),
            f"the stratum with cancelling nodes {sorted(map(str, cancelling))} is missing",
        )
        v = walk.order[decided]
        live, _ = walk.statuses(decided, cancelling)
        has_live = any(s in live for s in walk.G.successors(v))
        if has_live and v != walk.output:
            stack.append((decided + 1, cancelling | {v}))
        if v not in walk.inputs or not has_live:
            stack.append((decided + 1, cancelling))


def _rank(rows: list[list[flint.fmpq]], ncols: int) -> int:
    return flint.fmpq_mat(len(rows), ncols, [a for r in rows for a in r]).rank()


def _block(walk: _Walk, entry: dict, cancelling: frozenset, live: set, where: str) -> str:
    block = entry.get("block")
    require(block is not None, f"{where}: block missing")
    A = block["A"]
    require(len(set(A)) == len(A) > 0 and set(A) <= cancelling, f"{where}: A must be cancelling nodes")
    B = {s for v in A for s in walk.G.successors(v) if s in live}
    require(set(block["B"]) == B, f"{where}: B is {sorted(map(str, B))}")
    require(len(B) <= len(A), f"{where}: |B| = {len(B)} > |A| = {len(A)}")
    free = {(a, b) for a in A for b in B if walk.G.has_edge(a, b) and (a, b) not in walk.fixed}
    given = block["assignment"]
    values = {(a, b): number(t, f"{where}: assignment") for a, b, t in given}
    require(
        set(values) == free and len(given) == len(free),
        f"{where}: the assignment must give each free block weight",
    )
    values.update(walk.fixed)
    rows = [[values.get((a, b), flint.fmpq(0)) for a in A] for b in B]
    require(_rank(rows, len(A)) == len(B), f"{where}: the block has rank < |B| at the assignment")
    return "null" if free else "empty"


def _paths(walk: _Walk, entry: dict, decided: int, live: set, c_free: int, where: str) -> None:
    paths, n0 = entry.get("paths"), len(walk.inputs)
    require(paths is not None, f"{where}: paths missing")
    undecided = set(walk.order[decided:]) & walk.single
    used: list = [v for p in paths for v in p]
    require(
        len(used) == len(set(used)) and set(used) <= undecided,
        f"{where}: paths must be disjoint and undecided",
    )
    for p in paths:
        require(
            p[0] in walk.inputs and any(s in live for s in walk.G.successors(p[-1])),
            f"{where}: bad path ends",
        )
        require(all(walk.G.has_edge(a, b) for a, b in zip(p, p[1:])), f"{where}: a path leaves the graph")
    require(
        c_free + len(paths) > n0, f"{where}: {c_free} + {len(paths)} cancellations do not exceed n0 = {n0}"
    )


def _downstream(walk: _Walk, cancelling: frozenset, live: set) -> set:
    seen, stack = set(), [s for v in cancelling for s in walk.G.successors(v) if s in live]
    while stack:
        s = stack.pop()
        if s not in seen:
            seen.add(s)
            stack.extend(t for t in walk.G.successors(s) if t in live)
    return seen & walk.charted


def _cut(walk: _Walk, entry: dict, cancelling: frozenset, live: set, c_free: int, where: str) -> None:
    cut = entry.get("cut")
    require(cut is not None and all(v in walk.G for v in cut), f"{where}: cut missing")
    N = _downstream(walk, cancelling, live)
    reached, stack = set(), [x for x in walk.inputs if x not in cut]
    while stack:
        v = stack.pop()
        if v not in reached:
            reached.add(v)
            stack.extend(s for s in walk.G.successors(v) if s not in cut)
    require(not reached & N, f"{where}: the cut does not separate the inputs from N")
    require(len(set(cut)) < c_free, f"{where}: kappa <= {len(set(cut))} is not below c = {c_free}")


def _witness(walk: _Walk, entry: dict, dead: set, charts: dict, fixed_b: dict, where: str) -> None:
    """Reject unless the witness is a point of C_Z (adjoints vanish exactly on Z) with its claim."""
    G, wit, n0 = walk.G, entry.get("witness"), len(walk.inputs)
    require(wit is not None, f"{where}: witness missing")
    theta = {(a, b): number(t, f"{where}: weight {a}->{b}") for a, b, t in wit["weights"]}
    u = {v: number(t, f"{where}: u of {v}") for v, t in wit["u"]}
    biases = dict(wit["biases"])
    require(set(theta) == set(G.edges) and len(theta) == len(wit["weights"]), f"{where}: weights do not fit")
    require(set(u) == walk.charted and len(u) == len(wit["u"]), f"{where}: chart values do not fit")
    for e, value in walk.fixed.items():
        require(theta[e] == value, f"{where}: the weight {e[0]}->{e[1]} is fixed to {value}")
    for v, t in u.items():
        lo, hi = charts[v].interval
        require(
            (lo is None or t > lo) and (hi is None or t < hi), f"{where}: u of {v} outside the chart interval"
        )
    hidden = [v for v in reversed(walk.order) if v not in walk.inputs and v != walk.output]
    d1 = {v: chart_at(charts[v].d1, u[v]) if v in u else flint.fmpq(1) for v in hidden}
    d2 = {v: chart_at(charts[v].d2, u[v]) if v in u else flint.fmpq(0) for v in hidden}
    preds = {v: [(a, theta[(a, v)]) for a in G.predecessors(v)] for v in [*hidden, walk.output]}
    adjoint, jac, hessian = dag_derivatives(walk.inputs, hidden, walk.output, preds, d1, d2)
    for v, value in adjoint.items():
        require((value == 0) == (v in dead), f"{where}: the adjoint of {v} does not fit the dead set")
    claims = entry.get("claims")
    require(claims is not None, f"{where}: claims missing")
    if entry["kind"] == "morse":
        det, claimed = hessian.det(), claims.get("det_hessian")
        require(
            det != 0 and claimed is not None and number(claimed, f"{where}: det_hessian") == det,
            f"{where}: det Hess Phi is {det}",
        )
    else:
        rank = _cancellation_rank(walk, entry["cancelling"], dead, theta, d1, d2, jac, n0)
        claimed = claims.get("rank_cancellation_jacobian")
        require(
            rank == len(entry["cancelling"]) == claimed,
            f"{where}: rank is {rank}",
        )
    x = [number(t, f"{where}: x") for t in wit["x"]]
    require(len(x) == n0, f"{where}: x has the wrong length")
    check_biases(walk.inputs, hidden, walk.output, preds, charts, u, x, biases, where, fixed_b)


def _cancellation_rank(walk: _Walk, cancelling: list, dead: set, theta, d1, d2, jac, n0) -> int:
    """Rank of d/dx (weights fixed) of ``E_v = sum over live s of theta_vs sigma'_s a_s``, v cancelling."""
    one, zero = flint.fmpq(1), flint.fmpq_mat(1, n0)
    a, grad = {walk.output: one}, {walk.output: zero}

    def equation(v):
        total = zero
        for s in walk.G.successors(v):
            if s not in dead:
                dy = jac[s] * (d2.get(s, 0) * a[s]) + grad[s] * d1.get(s, one)
                total = total + dy * theta[(v, s)]
        return total

    for v in walk.order:
        if v != walk.output and v not in dead:
            a[v] = sum(theta[(v, s)] * d1.get(s, one) * a[s] for s in walk.G.successors(v) if s not in dead)
            grad[v] = equation(v)
    return _rank([equation(v).entries() for v in cancelling], n0)


def _check(data: dict) -> str:
    G, fixed_w, fixed_b = _graph(data["architecture"])
    inputs = [v for v in G if G.in_degree(v) == 0]
    output = next(v for v in G if G.out_degree(v) == 0)  # a DAG with nodes has a sink
    for v in inputs:
        require(G.nodes[v]["activation"] is None, f"input node {v!r} has no activation (inputs are x)")
    require(G.nodes[output]["activation"] is None, "the output node has no activation (Phi is affine in it)")
    require(set(fixed_b).isdisjoint(inputs), "inputs have no bias")
    hidden = [v for v in G if v not in inputs and v != output]
    names = {v: G.nodes[v]["activation"] or data["activation"] for v in hidden}
    table = {name: chart(name) for name in set(names.values())}
    charts = {v: table[name] for v, name in names.items()}
    charted = {v for v in hidden if names[v] != "identity"}
    require(
        not charted & set(fixed_b), "a non-identity unit cannot fix its bias (it is its chart coordinate)"
    )
    monotone = all(positive_derivative(t) for t in table.values())
    walk = _Walk(G, fixed_w, charted)
    p = G.number_of_edges() + len(G) - len(inputs) - len(fixed_w) - len(fixed_b)
    require(data["parameters"] == p and data["inputs"] == len(inputs), f"p = {p}, n0 = {len(inputs)}")
    require(data["class"] == "graph", "the class of a strata certificate is 'graph'")
    claimed = data["strata"]
    if not claimed:
        claims_follow(data, "undecided", "undecided")
        return "accepted: no strata claimed (undecided)"
    entries = {}
    for k, e in enumerate(claimed):
        require(all(v in G for v in e["cancelling"]), f"stratum {k}: unknown node")
        key = (e["decided"], frozenset(e["cancelling"]))
        require(0 < e["decided"] <= len(G) and key not in entries, f"stratum {k}: bad or repeated entry")
        entries[key] = e
    seen = {"witness": 0, "open": False, "degenerate": False}

    def visit(key, e):
        decided, cancelling = key
        where = f"stratum {claimed.index(e)} (cancelling {sorted(map(str, cancelling))})"
        live, dead = walk.statuses(decided, cancelling)
        c_free, complete = walk.free_cancellations(cancelling, live), decided == len(G)
        require(
            e["c"] == len(cancelling) and e["c_free"] == c_free and e["complete"] == complete,
            f"{where}: c, c_free or complete wrong",
        )
        require(set(e["dead"]) == dead, f"{where}: the dead set is {sorted(map(str, dead))}")
        if complete and "N" in e:
            N = _downstream(walk, cancelling, live)
            require(set(e["N"]) == N and len(e["N"]) == len(N), f"{where}: N is {sorted(map(str, N))}")
            require(
                "cut" not in e or e.get("kappa") == len(e["cut"]),
                f"{where}: kappa is not the size of the cut",
            )
        kind, rule, status = e["kind"], e["rule"], e["status"]
        if kind == "undecided" or (kind in ("morse", "degenerate") and status == "undecided"):
            seen["open"] = True
            return
        require(monotone, f"{where}: nothing is proved while sigma' > 0 is not proved")
        if rule == "block":
            require(
                kind == _block(walk, e, cancelling, live, where) == status,
                f"{where}: the block rule proves another kind",
            )
        elif rule == "cut" and kind == "null" == status:
            (
                _cut(walk, e, cancelling, live, c_free, where)
                if complete
                else _paths(walk, e, decided, live, c_free, where)
            )
        else:
            n0, c = len(inputs), len(cancelling)
            require(
                complete and rule == "dimension" and status == "witness" and c == c_free,
                f"{where}: unknown claim",
            )
            require(
                kind == "morse" and c == n0 or kind == "degenerate" and c < n0,
                f"{where}: c = {c} does not give {kind}",
            )
            require(e.get("dimension") == p + n0 - c, f"{where}: dim C_Z = p + n0 - c = {p + n0 - c}")
            _witness(walk, e, dead, charts, fixed_b, where)
            seen["witness"] += 1
            if kind == "degenerate":
                seen["degenerate"] = True

    _walk(walk, entries, lambda key, e: (visit(key, e), entries.pop(key)))
    require(not entries, f"{len(entries)} listed strata are not strata of this graph")
    critical = "generic" if seen["witness"] else "undecided" if seen["open"] else "none"
    morse = "fails" if seen["degenerate"] else "undecided" if seen["open"] else "generic"
    # Without sigma' > 0 every entry visited is open (any other is rejected), so both are undecided.
    claims_follow(data, critical, morse)
    return (
        f"accepted: {plural(len(claimed), 'entry')} (strata and families), "
        f"{plural(seen['witness'], 'witness')} verified"
    )


def check_strata_certificate(data: dict) -> CheckResult:
    """Check a ``symmorse-strata/1`` certificate of the format's shape (as
    :func:`symmorse.kernel.check_certificate` calls it, after :func:`~symmorse.kernel.schemas.check_shape`).

    Examples
    --------
    >>> from symmorse.search.certify import certify
    >>> from symmorse.model.architecture import resnet_graph
    >>> check_strata_certificate(certify(resnet_graph(1, 1, [1])).to_json())
    CheckResult(accepted=True, reason='accepted: 4 entries (strata and families), 1 witness verified')
    """
    try:
        return CheckResult(True, _check(data))
    except Rejected as exc:
        return CheckResult(False, str(exc))
