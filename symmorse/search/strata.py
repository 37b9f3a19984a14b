"""Death strata of an architecture graph: the critical set of any DAG, decomposed (the search side).

At a critical point of Phi let Z be the set of nodes whose adjoint
``a_v = dPhi/dh_v`` vanishes (every input is in Z, the output never is).  A
node of Z is *forced* when all its successors are in Z and *cancelling*
otherwise: ``sum_{s in Y(v)} theta_{sv} y_s = 0`` over its live successors
Y(v), with ``y_s = sigma'(z_s) a_s != 0``.  In chart coordinates (every
non-identity unit's bias replaced by ``u_v = c(z_v)``) each cancellation
through a free weight is one affine equation in the node's own out-weights,
so the stratum ``C_Z`` (dead set exactly Z) is a tower of affine bundles of
dimension ``p + n0 - c``, c the number of cancelling nodes (DESIGN section 2,
"General graphs ... death strata").

:func:`death_strata` enumerates the strata in a canonical reverse topological
order (:func:`canonical_order`): going down from the output, a node with no
live successor is forced dead, an input with one is cancelling, and any other
node with one is live or cancelling (two branches).  A stratum is fixed by its
set of cancelling nodes.  Whole families of strata (all completions of a
partial assignment) are closed as soon as one rule covers them all, so the
enumeration is polynomial in the graph for a fixed input width n0:

* ``cut`` -- the cancelling nodes of every completion form a vertex cut
  between the inputs and the nodes attached to the live set; ``paths``
  vertex-disjoint paths (through nodes with at most one fixed out-edge)
  bound their number from below, and more than n0 free cancellations make
  every completion null (its cut rule with kappa <= n0), unless it is empty;
* ``block`` -- decided cancelling nodes A whose live successors B satisfy
  ``|B| <= |A|``: ``y_B != 0`` is orthogonal to every column of the weight
  block ``theta_{B,A}``, which a rational assignment shows to have rank |B|
  generically: null if a weight of the block is free, empty if all are fixed.

Complete strata get the kind of the first rule that applies: ``null`` by the
cut rule (``kappa < c``, kappa a minimum vertex cut between the inputs and
the charted units N the equations see), ``null``/``empty`` by the block rule,
``undecided`` for a cancellation through fixed weights only, else ``morse``
(c = n0) or ``degenerate`` (c < n0), which a witness must then prove
(:mod:`symmorse.search.certify_graph`).  The checker
(:mod:`symmorse.kernel.graph`) re-enumerates the strata with its own code.

Examples
--------
>>> from symmorse.model.architecture import mlp
>>> [(s.kind, s.c) for s in death_strata(mlp("3,5,2,4,1"), "tanh") if s.complete]
[('morse', 3), ('degenerate', 2)]
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import flint
import networkx as nx
from networkx.algorithms.connectivity import minimum_st_node_cut

from ..exact.errors import ArchitectureError
from ..exact.limits import Deadline
from ..exact.linalg import QQMatrix, qq
from ..model.activations import Activation, get_activation
from ..model.architecture import fixed_parameters, hidden_nodes, input_nodes, output_node

__all__ = [
    "Block",
    "Stratum",
    "GraphContext",
    "canonical_order",
    "graph_context",
    "death_strata",
    "free_parameter_count",
    "KINDS",
]

#: Kinds of strata, in the order the rules are tried.
KINDS = ("null", "empty", "undecided", "morse", "degenerate")

_SOURCE, _SINK = ("__source__",), ("__sink__",)


@dataclass(frozen=True)
class Block:
    """The weight block ``theta_{B,A}`` of the block rule, with a full-rank assignment.

    ``assignment`` gives a rational value to every free weight of the block
    (fixed ones keep theirs); at it the block has rank ``|B|``.  ``free``
    says whether the block has a free weight (null) or none (empty).
    """

    cancelling: tuple
    successors: tuple
    assignment: tuple  # ((source, target, value), ...) for the free weights of the block
    free: bool

    def to_json(self) -> dict:
        """JSON form: ``A``, ``B`` and the assignment as exact rational strings."""
        return {
            "A": list(self.cancelling),
            "B": list(self.successors),
            "assignment": [[a, b, str(value)] for a, b, value in self.assignment],
        }


@dataclass(frozen=True)
class Stratum:
    """A stratum C_Z, or a family of strata (all completions of a partial assignment).

    Attributes
    ----------
    decided : number of nodes of the canonical order that are decided.
    complete : whether every node is decided (a single stratum).
    dead : the dead nodes among the decided ones (Z), in canonical order.
    cancelling : the cancelling nodes among them.
    c : number of cancelling nodes; ``c_free`` of them cancel through a free weight.
    kind : ``null``, ``empty``, ``undecided``, ``morse`` or ``degenerate``.
    rule : ``cut``, ``block``, ``fixed`` (undecided), or ``dimension`` (morse/degenerate).
    reason : one sentence.
    dimension : ``p + n0 - c`` for a complete stratum whose cancellations are all free.
    downstream : N, the charted live units whose chart values enter the equations.
    cut : a minimum vertex cut between the inputs and N (complete strata).
    paths : vertex-disjoint paths of a ``cut`` family.
    block : the block of the block rule.
    """

    decided: int
    complete: bool
    dead: tuple
    cancelling: tuple
    c: int
    c_free: int
    kind: str
    rule: str
    reason: str
    dimension: int | None = None
    downstream: tuple | None = None
    cut: tuple | None = None
    paths: tuple | None = None
    block: Block | None = None

    @property
    def forced(self) -> tuple:
        """Dead nodes that are not cancelling (all their successors are dead)."""
        return tuple(v for v in self.dead if v not in self.cancelling)

    def to_json(self) -> dict:
        """JSON form (the certificate's stratum entry without witness)."""
        data = {
            "decided": self.decided,
            "complete": self.complete,
            "dead": list(self.dead),
            "cancelling": list(self.cancelling),
            "c": self.c,
            "c_free": self.c_free,
            "kind": self.kind,
            "rule": self.rule,
            "reason": self.reason,
        }
        if self.dimension is not None:
            data["dimension"] = self.dimension
        if self.downstream is not None:
            data["N"] = list(self.downstream)
        if self.cut is not None:
            data["cut"] = list(self.cut)
            data["kappa"] = len(self.cut)
        if self.paths is not None:
            data["paths"] = [list(p) for p in self.paths]
        if self.block is not None:
            data["block"] = self.block.to_json()
        return data


@dataclass(frozen=True)
class GraphContext:
    """What the enumeration and the witness search need to know about a graph, computed once."""

    graph: nx.DiGraph
    order: tuple
    position: dict
    inputs: tuple
    output: Hashable
    successors: dict
    predecessors: dict
    fixed: dict  # (a, b) -> exact fmpq weight
    units: dict  # hidden node -> Activation
    charted: tuple  # non-identity hidden units, in canonical order
    single_fixed: frozenset  # nodes with at most one fixed out-edge (the only ones paths of the bound use)
    parameters: int


def canonical_order(G: nx.DiGraph) -> list:
    """Nodes by decreasing depth (longest path from an input), ties by their order in ``G``.

    Every successor of a node comes before it, so a prefix of this order is
    closed under successors; the checker computes the same order itself.

    Examples
    --------
    >>> from symmorse.model.architecture import mlp
    >>> canonical_order(mlp("2,2,1"))
    ['y', 'h1_1', 'h1_2', 'x1', 'x2']
    """
    position = {v: i for i, v in enumerate(G)}
    return sorted(G, key=lambda v: (-G.nodes[v]["layer"], position[v]))


def free_parameter_count(G: nx.DiGraph) -> int:
    """``p``: free weights and biases (every non-input node has a bias).

    Examples
    --------
    >>> from symmorse.model.architecture import mlp, resnet_graph
    >>> free_parameter_count(mlp("2,3,1")), free_parameter_count(resnet_graph(1, 1, [1]))
    (13, 7)
    """
    inputs = sum(1 for v in G if G.in_degree(v) == 0)
    return G.number_of_edges() + G.number_of_nodes() - inputs - len(fixed_parameters(G))


def graph_context(G: nx.DiGraph, activation: str | Activation = "tanh") -> GraphContext:
    """The data of ``G`` (annotated by :func:`~symmorse.model.architecture.from_graph`) the strata use.

    Raises
    ------
    ArchitectureError
        For a non-identity unit with a fixed bias (its chart coordinate would
        not be free) and for a weight fixed to 0 (that is no edge).

    Examples
    --------
    >>> from symmorse.model.architecture import resnet_graph
    >>> ctx = graph_context(resnet_graph(1, 1, [1]))
    >>> ctx.order, sorted(ctx.charted), ctx.parameters
    (('y', 's1_1', 'a1_1', 's0_1', 'x1'), ['a1_1'], 7)
    """
    default = get_activation(activation)
    units = {v: get_activation(G.nodes[v].get("activation") or default) for v in hidden_nodes(G)}
    for v, unit in units.items():
        if unit.name != "identity" and G.nodes[v].get("fixed_bias") is not None:
            raise ArchitectureError(
                f"node {v!r} has activation {unit.name} and a fixed bias: only identity units may fix "
                "their bias (a non-linear unit's bias is its chart coordinate)"
            )
    fixed = {}
    for a, b, value in G.edges(data="fixed_weight"):
        if value is not None:
            if value == 0:
                raise ArchitectureError(f"edge {a!r} -> {b!r} has its weight fixed to 0: leave the edge out")
            fixed[(a, b)] = qq(value)
    order = tuple(canonical_order(G))
    successors = {v: tuple(G.successors(v)) for v in G}
    single = frozenset(v for v in G if sum((v, s) in fixed for s in successors[v]) <= 1)
    return GraphContext(
        graph=G,
        order=order,
        position={v: i for i, v in enumerate(order)},
        inputs=tuple(input_nodes(G)),
        output=output_node(G),
        successors=successors,
        predecessors={v: tuple(G.predecessors(v)) for v in G},
        fixed=fixed,
        units=units,
        charted=tuple(v for v in order if v in units and units[v].name != "identity"),
        single_fixed=single,
        parameters=free_parameter_count(G),
    )


# -- the enumeration ---------------------------------------------------------------------------------


class _State:
    """The partial assignment of a walk down the canonical order, with an undo trail."""

    def __init__(self, ctx: GraphContext) -> None:
        self.ctx = ctx
        self.live: set = set()
        self.dead: set = set()
        self.cancelling: list = []
        self.live_successors: dict = {}  # cancelling node -> its live successors Y(v)
        self.c_free = 0
        self.trail: list = []

    def decide(self, v: Hashable, status: str) -> None:
        if status == "live":
            self.live.add(v)
        else:
            self.dead.add(v)
            if status == "cancelling":
                ys = tuple(s for s in self.ctx.successors[v] if s in self.live)
                self.cancelling.append(v)
                self.live_successors[v] = ys
                self.c_free += self.free_cancellation(v)
        self.trail.append((v, status))

    def free_cancellation(self, v: Hashable) -> bool:
        return any((v, s) not in self.ctx.fixed for s in self.live_successors[v])

    def undo(self, mark: int) -> None:
        while len(self.trail) > mark:
            v, status = self.trail.pop()
            if status == "live":
                self.live.discard(v)
            else:
                self.dead.discard(v)
                if status == "cancelling":
                    self.cancelling.pop()
                    self.c_free -= self.free_cancellation(v)
                    del self.live_successors[v]


def _block_assignment(
    ctx: GraphContext, A: Sequence, B: Sequence, rng: random.Random, tries: int = 3
) -> Block | None:
    """A rational assignment of the free weights of ``theta_{B,A}`` giving it rank ``|B|``, if found."""
    free = [(a, b) for a in A for b in B if ctx.graph.has_edge(a, b) and (a, b) not in ctx.fixed]
    for _ in range(tries if free else 1):
        values = {e: flint.fmpq(rng.choice([-3, -2, -1, 1, 2, 3])) for e in free}
        M = QQMatrix(len(B), len(A))
        for j, a in enumerate(A):
            for i, b in enumerate(B):
                if (a, b) in ctx.fixed:
                    M[i, j] = ctx.fixed[(a, b)]
                elif (a, b) in values:
                    M[i, j] = values[(a, b)]
        if M.rank() == len(B):
            return Block(tuple(A), tuple(B), tuple((a, b, values[(a, b)]) for a, b in free), bool(free))
    return None


def _block_for(state: _State, candidates: Sequence[Sequence], rng: random.Random) -> Block | None:
    """The first candidate set of successors S whose cancelling nodes A (Y(v) in S) give a block."""
    seen = set()
    for S in candidates:
        key = frozenset(S)
        if key in seen:
            continue
        seen.add(key)
        A = [v for v in state.cancelling if set(state.live_successors[v]) <= key]
        B = [s for s in state.ctx.order if s in key]
        if A and len(A) >= len(B):
            block = _block_assignment(state.ctx, A, B, rng)
            if block is not None:
                return block
    return None


def _path_bound(state: _State, undecided: Sequence, limit: int) -> list[list]:
    """Up to ``limit`` paths from the inputs to nodes attached to the live set, inside ``undecided``.

    The paths are vertex-disjoint and use only nodes with at most one fixed
    out-edge.  In every completion the cancelling undecided nodes meet every
    such path (the first live node on it follows a cancelling one), each in a
    node that either cancels through a free weight or has a single live
    successor behind a fixed weight (then the stratum is empty).
    Augmenting paths on the node-split graph (Menger), stopped at ``limit``:
    the enumeration asks this at every step, where a general max-flow routine
    that rebuilds its residual network each time costs ten times more.
    """
    ctx = state.ctx
    inside = {v for v in undecided if v in ctx.single_fixed}
    attached = {v for v in inside if any(s in state.live for s in ctx.successors[v])}
    if not attached or limit <= 0:
        return []
    through: dict = {}  # units of flow through a node
    edge_flow: dict = {}  # units of flow along an edge (v, s)
    started, ended = set(), set()  # inputs that start a path, attached nodes that end one
    for _ in range(limit):
        parent = _augmenting_path(ctx, inside, attached, through, edge_flow, started, ended)
        if parent is None:
            break
        at = _SINK
        while at != _SOURCE:
            before = parent[at]
            if before == _SOURCE:
                started.add(at[0])
            elif at == _SINK:
                ended.add(before[0])
            elif before[0] == at[0]:  # through the node, forwards or backwards
                through[at[0]] = through.get(at[0], 0) + (1 if at[1] == 1 else -1)
            elif before[1] == 1:  # along an edge
                edge_flow[(before[0], at[0])] = edge_flow.get((before[0], at[0]), 0) + 1
            else:  # against an edge
                edge_flow[(at[0], before[0])] -= 1
            at = before
    paths = []
    for x in (x for x in ctx.inputs if x in started):  # in input order: the same certificate every run
        path, v = [x], x
        while v not in ended:
            v = next(s for s in ctx.successors[v] if edge_flow.get((v, s), 0) > 0)
            edge_flow[(path[-1], v)] -= 1
            path.append(v)
        paths.append(path)
    return paths


def _augmenting_path(ctx, inside, attached, through, edge_flow, started, ended) -> dict | None:
    """Breadth-first search of the residual node-split graph; parents of the states, or None."""
    parent: dict = {(x, 0): _SOURCE for x in ctx.inputs if x in inside and x not in started}
    queue = list(parent)
    for state in queue:
        v, side = state
        steps = []
        if side == 0:
            if through.get(v, 0) == 0:
                steps.append((v, 1))
            steps += [(a, 1) for a in ctx.predecessors[v] if edge_flow.get((a, v), 0) > 0]
        else:
            if v in attached and v not in ended:
                parent[_SINK] = state
                return parent
            if through.get(v, 0) > 0:
                steps.append((v, 0))
            steps += [(s, 0) for s in ctx.successors[v] if s in inside]
        for nxt in steps:
            if nxt not in parent:
                parent[nxt] = state
                queue.append(nxt)
    return None


def _family(state: _State, decided: int, kind: str, rule: str, reason: str, **extra) -> Stratum:
    ctx = state.ctx
    dead = tuple(v for v in ctx.order[:decided] if v in state.dead)
    return Stratum(
        decided,
        decided == len(ctx.order),
        dead,
        tuple(state.cancelling),
        len(state.cancelling),
        state.c_free,
        kind,
        rule,
        reason,
        **extra,
    )


def _closed_family(state: _State, decided: int, new: Hashable | None, rng: random.Random) -> Stratum | None:
    """A rule covering every completion of the partial assignment, or None."""
    ctx, n0 = state.ctx, len(state.ctx.inputs)
    if decided == len(ctx.order):
        return None  # a complete stratum: its kind comes from the rules in their order (_complete)
    if new is not None and new in state.live_successors:
        ys = state.live_successors[new]
        candidates = [ys] + [tuple({*ys, *state.live_successors[w]}) for w in state.cancelling[:-1]]
        block = _block_for(state, candidates, rng)
        if block is not None:
            kind = "null" if block.free else "empty"
            return _family(state, decided, kind, "block", _block_reason(block), block=block)
    budget = n0 - state.c_free  # at most n0 disjoint paths leave the inputs: no bound while c_free = 0
    paths = _path_bound(state, ctx.order[decided:], budget + 1) if 0 <= budget < n0 else []
    if state.c_free + len(paths) > n0:
        reason = (
            f"{state.c_free} free cancellations so far and {len(paths)} disjoint input paths to the live "
            f"set that every completion must cut: more than n0 = {n0} cancellations, so every completion "
            "is null (cut rule, kappa <= n0) or empty"
        )
        return _family(state, decided, "null", "cut", reason, paths=tuple(map(tuple, paths)))
    return None


def _block_reason(block: Block) -> str:
    A, B = ", ".join(map(str, block.cancelling)), ", ".join(map(str, block.successors))
    if block.free:
        return (
            f"the live successors {{{B}}} of the cancelling nodes {{{A}}} are no more than them: y_B != 0 "
            "is orthogonal to the columns of theta_{B,A}, which has full rank for generic weights (null)"
        )
    return (
        f"the cancelling nodes {{{A}}} reach their live successors {{{B}}} only through fixed weights of "
        "full rank, so y_B != 0 cannot be orthogonal to them (empty)"
    )


def _downstream(state: _State) -> tuple:
    """N: charted live units reachable from a cancelling node's live successors through live nodes."""
    ctx = state.ctx
    seen, stack = set(), [s for v in state.cancelling for s in state.live_successors[v]]
    while stack:
        s = stack.pop()
        if s in seen:
            continue
        seen.add(s)
        stack.extend(t for t in ctx.successors[s] if t in state.live)
    return tuple(v for v in ctx.charted if v in seen)


def _minimum_cut(ctx: GraphContext, targets: Sequence) -> tuple:
    """A minimum vertex set meeting every path from the inputs to ``targets`` (either end may be in it)."""
    if not targets:
        return ()
    H = nx.DiGraph(ctx.graph.edges)
    H.add_edges_from((_SOURCE, x) for x in ctx.inputs)
    H.add_edges_from((t, _SINK) for t in targets)
    cut = minimum_st_node_cut(H, _SOURCE, _SINK)
    return tuple(v for v in ctx.order if v in cut)


def _complete(state: _State, rng: random.Random) -> Stratum:
    """The kind of a complete stratum: the first rule of DESIGN section 2 that applies."""
    ctx, n0, c = state.ctx, len(state.ctx.inputs), len(state.cancelling)
    decided = len(ctx.order)
    N = _downstream(state)
    cut = _minimum_cut(ctx, N)
    common = {"downstream": N, "cut": cut}
    if len(cut) < state.c_free:
        reason = (
            f"the equations see x only through kappa = {len(cut)} values "
            f"(cut {', '.join(map(str, cut)) or '-'}) and cut out {state.c_free} dimensions: the weights "
            "with a critical point here have dimension "
            f"<= p + {len(cut)} - {state.c_free} < p"
        )
        return _family(state, decided, "null", "cut", reason, **common)
    subsets = [
        [v for j, v in enumerate(state.cancelling) if mask >> j & 1] for mask in range(1, 1 << min(c, 12))
    ]
    block = _block_for(
        state, [sorted({s for v in A for s in state.live_successors[v]}, key=str) for A in subsets], rng
    )
    if block is not None:
        kind = "null" if block.free else "empty"
        return _family(state, decided, kind, "block", _block_reason(block), block=block, **common)
    fixed_only = [v for v in state.cancelling if not state.free_cancellation(v)]
    if fixed_only:
        reason = (
            f"node {fixed_only[0]!r} cancels through fixed weights only: the dimension count does not apply"
        )
        return _family(state, decided, "undecided", "fixed", reason, **common)
    dimension = ctx.parameters + n0 - c
    if c == n0:
        reason = (
            f"c = n0 = {n0}, dim C_Z = p = {ctx.parameters}: one point with det Hess Phi != 0 proves "
            "critical points for an open set of weights and Morse almost everywhere on this stratum"
        )
        return _family(state, decided, "morse", "dimension", reason, dimension=dimension, **common)
    reason = (
        f"c = {c} < n0 = {n0}, dim C_Z = p + {n0 - c}: one point where C_Z -> weights has rank p proves "
        f"manifolds of dimension {n0 - c} of degenerate critical points for an open set of weights"
    )
    return _family(state, decided, "degenerate", "dimension", reason, dimension=dimension, **common)


def death_strata(
    G: nx.DiGraph,
    activation: str | Activation = "tanh",
    context: GraphContext | None = None,
    seed: int = 0,
    deadline: Deadline | None = None,
) -> list[Stratum]:
    """Every stratum of the critical set of ``G``, complete or closed as a family.

    Parameters
    ----------
    G : an architecture annotated by :func:`~symmorse.model.architecture.from_graph`.
    activation : the activation of hidden nodes without their own.
    context : the :func:`graph_context` of ``G``, if already computed.
    seed : seeds the rational assignments of the block rule.
    deadline : checked at every step (:class:`~symmorse.exact.limits.TimeLimitReached`).

    Returns
    -------
    list of Stratum
        In the order of the walk (live before cancelling at every branch).
        Together they cover every critical point of every weight exactly once.

    Examples
    --------
    >>> from symmorse.model.architecture import resnet_graph
    >>> [(s.kind, s.rule, s.cancelling) for s in death_strata(resnet_graph(1, 1, [1]))][:2]
    [('null', 'block', ('x1',)), ('morse', 'dimension', ('s0_1',))]

    Notes
    -----
    The walk decides the nodes of :func:`canonical_order` one at a time; a
    partial assignment is closed as soon as the block rule or the path bound
    covers all its completions, so strata with more than n0 free cancellations
    are never listed one by one.
    """
    ctx = context or graph_context(G, activation)
    deadline = deadline or Deadline(None)
    rng = random.Random(f"{seed}:strata")
    state = _State(ctx)
    found: list[Stratum] = []
    choices: list[tuple[int, int]] = []  # (index, trail mark) of nodes decided live that may cancel
    inputs = frozenset(ctx.inputs)
    i = 0
    while True:
        closed = None
        while i < len(ctx.order) and closed is None:
            deadline.check("enumerating the strata")
            v = ctx.order[i]
            if v == ctx.output:
                state.decide(v, "live")
            elif not any(s in state.live for s in ctx.successors[v]):
                state.decide(v, "forced")
            elif v in inputs:
                state.decide(v, "cancelling")
                closed = _closed_family(state, i + 1, v, rng)
            else:
                choices.append((i, len(state.trail)))
                state.decide(v, "live")
                closed = _closed_family(state, i + 1, None, rng)
            i += 1
        found.append(closed or _complete(state, rng))
        while choices:
            j, mark = choices.pop()
            state.undo(mark)
            state.decide(ctx.order[j], "cancelling")
            i = j + 1
            closed = _closed_family(state, i, ctx.order[j], rng)
            if closed is None:
                break
            found.append(closed)
        else:
            return found


def stratum_by_cancelling(strata: Sequence[Stratum]) -> Mapping[tuple, Stratum]:
    """Strata keyed by (decided, frozenset of cancelling nodes), as the checker looks them up."""
    return {(s.decided, frozenset(s.cancelling)): s for s in strata}
