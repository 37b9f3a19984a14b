"""Classification of architectures: classes, widening steps, critical branches, cuts.

For a layered MLP with widths ``n_0, ..., n_L`` (DESIGN section 2) a *widening
step* is a hidden layer k with ``n_k > n_{k-1}``.  At a critical point the
backward vector dies at the last such step, so the critical set splits into
one *branch* per widening step; in chart coordinates branch k is a linear
bundle of dimension ``p + n_0 - n_{k-1}``.  Comparing ``n_{k-1}`` with the
running minimum ``m_{k-1} = min(n_0, ..., n_{k-1})`` says whether the branch
carries isolated (``morse``), degenerate (``degenerate``) or only measure-zero
(``null``) critical points.  The architecture is ``non-augmented`` without
widening steps, a ``bottleneck`` if a widening step starts below ``n_0``, and
``augmented`` otherwise.

For other graphs, generic Jacobian ranks are numbers of vertex-disjoint paths
from the inputs (Menger; Lindstroem-Gessel-Viennot), computed with networkx
flows, and the minimum input-output vertex cut shows bottlenecks.

References
----------
.. [1] Kuehn, Kuntz. Analysis of the Geometric Structure of Neural Networks and
   Neural ODEs via Morse Functions. arXiv:2405.09351.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass, field

import networkx as nx
from networkx.algorithms.connectivity import local_node_connectivity, minimum_st_node_cut

from ..exact.errors import ArchitectureError
from ..exact.limits import Deadline, TimeLimitReached
from ..model.activations import Activation, get_activation
from ..model.architecture import (
    describe,
    fixed_parameters,
    from_graph,
    hidden_nodes,
    input_nodes,
    layers,
    mlp,
    output_node,
    parse_widths,
    plain_layered_widths,
    widths,
)
from .strata import KINDS, Stratum, death_strata, graph_context

__all__ = [
    "Branch",
    "GraphAnalysis",
    "Classification",
    "classify",
    "classify_graph",
    "classify_widths",
    "widening_steps",
    "branches",
    "parameter_count",
    "generic_rank",
    "minimum_cut",
]


@dataclass(frozen=True)
class Branch:
    """Critical branch ``B_k`` of a layered MLP (DESIGN section 2).

    Attributes
    ----------
    step : the widening step k (``n_k > n_{k-1}``).
    source_width, target_width : ``n_{k-1}`` and ``n_k``.
    narrowest : ``m_{k-1} = min(n_0, ..., n_{k-1})``.
    kind : ``"morse"``, ``"degenerate"`` or ``"null"``.
    dimension : ``dim B_k = p + n_0 - n_{k-1}`` inside (x, theta) space.
    critical_weights_dimension : bound ``p - (n_{k-1} - m_{k-1})`` on the
        dimension of the weights with a critical point on the branch.
    reason : one sentence.
    """

    step: int
    source_width: int
    target_width: int
    narrowest: int
    kind: str
    dimension: int
    critical_weights_dimension: int
    reason: str

    def to_json(self) -> dict:
        """JSON form, with the certificate's key names ``from``/``to``."""
        return {
            "step": self.step,
            "from": self.source_width,
            "to": self.target_width,
            "narrowest": self.narrowest,
            "kind": self.kind,
            "dimension": self.dimension,
            "critical_weights_dimension": self.critical_weights_dimension,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class GraphAnalysis:
    """Generic ranks and cuts of a general architecture graph.

    Attributes
    ----------
    inputs : n_0.
    min_cut : size of a minimum vertex cut between the inputs and the output.
    cut_nodes : one such cut.
    depth_ranks : generic rank of dz/dx for the nodes at each depth 1, 2, ....
    output_rank : generic rank of the Jacobian of the output's predecessors.
    output_fan_in : number of the output's predecessors.
    """

    inputs: int
    min_cut: int
    cut_nodes: list
    depth_ranks: list[int]
    output_rank: int
    output_fan_in: int

    @property
    def bottleneck(self) -> bool:
        """Whether Phi factors through fewer than n_0 values."""
        return self.min_cut < self.inputs

    def to_json(self) -> dict:
        """JSON form."""
        return {**asdict(self), "cut_nodes": [str(v) for v in self.cut_nodes], "bottleneck": self.bottleneck}


@dataclass(frozen=True)
class Classification:
    """What :func:`classify` finds: the class, branches and hypotheses.

    ``kind`` is ``non-augmented``, ``augmented``, ``bottleneck`` (layered
    MLPs) or ``graph``; ``activation`` is the activation of hidden units
    without their own (``activations``: layers with another one);
    ``monotone`` says whether sigma' > 0 was proved for every hidden unit
    (the hypothesis of every theorem used).
    """

    architecture: str
    activation: str
    widths: list[int] | None
    kind: str
    parameters: int
    branches: list[Branch]
    reason: str
    monotone: bool
    hypothesis: str
    activations: dict[int, str] = field(default_factory=dict)
    graph: GraphAnalysis | None = None
    strata: list[Stratum] | None = None

    def to_json(self) -> dict:
        """JSON form."""
        data = {
            "architecture": self.architecture,
            "widths": self.widths,
            "class": self.kind,
            "parameters": self.parameters,
            "reason": self.reason,
            "monotone": self.monotone,
            "hypothesis": self.hypothesis,
            "activations": {str(k): v for k, v in self.activations.items()},
            "branches": [b.to_json() for b in self.branches],
        }
        if self.graph is not None:
            data["graph"] = self.graph.to_json()
        if self.strata is not None:
            data["strata"] = [s.to_json() for s in self.strata]
        return data

    def summary(self) -> str:
        """A few lines for people: class and reason, hypothesis, branches, cuts and death strata.

        Examples
        --------
        >>> print(classify("2,3,1").summary())  # doctest: +ELLIPSIS
        2,3,1 (tanh): augmented
          widening step(s) [1], none starting below n_0 = 2
          sigma' > 0 on R proved for tanh (exact root counting in the chart)
          branch k=1: 2 -> 3, morse, dim B_k = 13; n_0 = 2: critical points are isolated; ...
        >>> from symmorse.model.architecture import resnet_graph
        >>> print(classify(resnet_graph(1, 1, [1])).summary().splitlines()[-4])
           1  stratum  1  null        block      x1              block A = {x1}, B = {s0_1}
        """
        lines = [
            f"{self.architecture} ({self.activation}): {self.kind}",
            f"  {self.reason}",
            f"  {self.hypothesis}",
        ]
        lines += [
            f"  branch k={b.step}: {b.source_width} -> {b.target_width}, {b.kind}, dim B_k = {b.dimension}; "
            f"{b.reason}"
            for b in self.branches
        ]
        if self.graph is not None:
            g = self.graph
            lines.append(
                f"  minimum vertex cut {g.min_cut} ({', '.join(map(str, g.cut_nodes))}); generic ranks by "
                f"depth {g.depth_ranks}; output fan-in {g.output_fan_in}, rank {g.output_rank}"
            )
        if self.strata is not None:
            lines.append(f"  death strata (p = {self.parameters}, n0 = {self.graph.inputs}):")
            lines.append(_strata_table(self.strata))
        return "\n".join(lines)


def _names(nodes: Iterable) -> str:
    return ", ".join(map(str, nodes)) or "-"


def _evidence(s: Stratum) -> str:
    """What closes or characterises a stratum, in a few words."""
    if s.rule == "block":
        return f"block A = {{{_names(s.block.cancelling)}}}, B = {{{_names(s.block.successors)}}}"
    if s.rule == "cut" and s.paths is not None:
        return f"{s.c_free} free + {len(s.paths)} disjoint input paths > n0"
    if s.cut is not None:
        bound = f"kappa = {len(s.cut)} (cut {_names(s.cut)}); N = {_names(s.downstream)}"
        return bound if s.dimension is None else f"dim C_Z = {s.dimension}; {bound}"
    return s.reason


def _strata_table(strata: Sequence[Stratum], rows: int = 60) -> str:
    """The death strata as a text table: scope, c, kind, rule, cancelling nodes and evidence."""
    lines = [f"  {'#':>2}  {'scope':<8} {'c':>1}  {'kind':<11} {'rule':<10} {'cancelling':<15} evidence"]
    for k, s in enumerate(strata[:rows], start=1):
        scope = "stratum" if s.complete else "family"
        row = f"  {k:>2}  {scope:<8} {s.c:>1}  {s.kind:<11} {s.rule:<10} {_names(s.cancelling):<15}"
        lines.append(f"{row} {_evidence(s)}")
    if len(strata) > rows:
        lines.append(f"  ... {len(strata) - rows} more (--json lists them all)")
    return "\n".join(lines)


def parameter_count(ws: Sequence[int]) -> int:
    """``p = sum_l n_l (n_{l-1} + 1)``, the number of weights and biases.

    Examples
    --------
    >>> parameter_count([2, 3, 1])
    13
    """
    return sum(b * (a + 1) for a, b in zip(ws, ws[1:]))


def widening_steps(ws: Sequence[int]) -> list[int]:
    """Hidden layers k (1 <= k <= L-1) with ``n_k > n_{k-1}``.

    Examples
    --------
    >>> widening_steps([3, 5, 2, 4, 1])
    [1, 3]
    """
    return [k for k in range(1, len(ws) - 1) if ws[k] > ws[k - 1]]


def branches(ws: Sequence[int]) -> list[Branch]:
    """The critical branches of a layered MLP, one per widening step.

    Examples
    --------
    >>> [(b.step, b.kind) for b in branches([3, 5, 2, 4, 1])]
    [(1, 'morse'), (3, 'degenerate')]
    >>> [(b.step, b.kind, b.critical_weights_dimension) for b in branches([2, 6, 3, 5, 1])]
    [(1, 'morse', 65), (3, 'null', 64)]
    """
    p, n0 = parameter_count(ws), ws[0]
    result = []
    for k in widening_steps(ws):
        source, target, narrowest = ws[k - 1], ws[k], min(ws[:k])
        if source == narrowest == n0:
            kind = "morse"
            start = f"n_0 = {n0}" if k == 1 else f"n_{k - 1} = n_0 = {n0} and no earlier layer is narrower"
            reason = (
                f"{start}: critical points are isolated; one point with det Hess != 0 proves Morse "
                "a.e. on this branch"
            )
        elif source == narrowest:
            kind = "degenerate"
            reason = (
                f"n_{k - 1} = {source} < n_0 = {n0} is the narrowest layer so far: Phi factors "
                f"through layer {k - 1}, so Hess Phi has rank <= {source} at these critical points"
            )
        else:
            kind = "null"
            reason = (
                f"n_{k - 1} = {source} > m_{k - 1} = {narrowest}: the weights with a critical point "
                f"on this branch have dimension <= p - {source - narrowest} < p (measure zero)"
            )
        result.append(
            Branch(k, source, target, narrowest, kind, p + n0 - source, p - (source - narrowest), reason)
        )
    return result


def generic_rank(G: nx.DiGraph, targets: Iterable[Hashable]) -> int:
    """Generic rank of ``d z_S / dx`` for a node set S: vertex-disjoint input-to-S paths.

    Examples
    --------
    >>> G = mlp("3,2,4,1")
    >>> generic_rank(G, layers(G)[2]), generic_rank(G, ["h1_1"])
    (2, 1)
    """
    H = nx.DiGraph(G.edges)
    source, sink = ("__source__",), ("__sink__",)
    H.add_edges_from((source, x) for x in input_nodes(G))
    H.add_edges_from((v, sink) for v in targets)
    return local_node_connectivity(H, source, sink)


def minimum_cut(G: nx.DiGraph) -> set:
    """A minimum set of nodes whose removal separates every input from the output.

    Examples
    --------
    >>> sorted(minimum_cut(mlp("3,2,4,1")))
    ['h1_1', 'h1_2']
    """
    H = nx.DiGraph(G.edges)
    source = ("__source__",)
    H.add_edges_from((source, x) for x in input_nodes(G))
    return set(minimum_st_node_cut(H, source, output_node(G)))


def _monotonicity(units: Iterable[tuple[int, Activation]]) -> tuple[bool, str]:
    """Whether sigma' > 0 is proved for every hidden unit, with the reason (units: (layer, activation))."""
    layers_of: dict[Activation, set[int]] = {}
    for layer, act in units:
        layers_of.setdefault(act, set()).add(layer)
    failures = [
        f"{act.name} (layer {', '.join(map(str, sorted(ls)))}): {act.monotonicity[1]}"
        for act, ls in layers_of.items()
        if not act.strictly_monotone
    ]
    if failures:
        return False, "sigma' > 0 fails or is not proved, so the theorems do not apply: " + "; ".join(
            failures
        )
    if not layers_of:
        return True, "no hidden unit: Phi is affine, so no hypothesis on sigma is needed"
    names = ", ".join(sorted(act.name for act in layers_of))
    return True, f"sigma' > 0 on R proved for {names} (exact root counting in the chart)"


def classify(
    architecture: str | Sequence[int] | nx.DiGraph,
    activation: str | Activation = "tanh",
    route: str = "auto",
    time_limit: float | None = None,
) -> Classification:
    """Classify an architecture and list its critical branches (layered) or death strata (graphs).

    Parameters
    ----------
    architecture : widths (``"2,3,1"``) or an architecture graph.
    activation : the activation of hidden nodes without their own.
    route : ``"auto"`` (branches for layered MLPs, strata for other graphs),
        ``"layered"`` or ``"graph"`` (strata for any graph, layered ones too).
    time_limit : seconds for the strata enumeration (then no strata, reason given).

    Returns
    -------
    Classification

    Raises
    ------
    ArchitectureError
        For ``route="layered"`` on a graph that is not a layered MLP, and for
        graphs the strata do not accept (a non-identity unit with a fixed
        bias, a weight fixed to 0).

    Examples
    --------
    >>> c = classify("2,3,1")
    >>> c.kind, [(b.step, b.kind) for b in c.branches]
    ('augmented', [(1, 'morse')])
    >>> classify("3,2,5,1").kind, classify("4,3,2,1").kind
    ('bottleneck', 'non-augmented')
    >>> [(s.kind, s.c) for s in classify("3,5,2,4,1", route="graph").strata if s.complete]
    [('morse', 3), ('degenerate', 2)]

    Notes
    -----
    Layered MLPs follow DESIGN section 2 exactly; other graphs (and any graph
    with ``route="graph"``) are decomposed into death strata
    (:func:`symmorse.search.strata.death_strata`), which reduce to the branches on a
    layered MLP.
    """
    if route not in ("auto", "layered", "graph"):
        raise ValueError(f"route must be 'auto', 'layered' or 'graph', not {route!r}")
    default = get_activation(activation)
    if route != "graph":
        ws = plain_layered_widths(architecture)  # an annotated layered MLP: no copy of its graph
        if ws is not None or not isinstance(architecture, nx.DiGraph):
            return classify_widths(parse_widths(ws or architecture), default)
    G = architecture if isinstance(architecture, nx.DiGraph) else mlp(architecture)
    return classify_graph(from_graph(G), default, route, time_limit)


def classify_graph(
    G: nx.DiGraph, default: Activation, route: str = "auto", time_limit: float | None = None
) -> Classification:
    """:func:`classify` of a graph already annotated by :func:`~symmorse.model.architecture.from_graph`.

    Examples
    --------
    >>> classify_graph(mlp("2,3,1"), get_activation("tanh")).kind
    'augmented'
    """
    node_acts = {v: get_activation(G.nodes[v].get("activation") or default) for v in hidden_nodes(G)}
    by_layer = {G.nodes[v]["layer"]: act for v, act in node_acts.items()}
    monotone, hypothesis = _monotonicity((G.nodes[v]["layer"], act) for v, act in node_acts.items())
    activations = {layer: act.name for layer, act in sorted(by_layer.items()) if act != default}
    ws = widths(G)
    mixed = len({(G.nodes[v]["layer"], act) for v, act in node_acts.items()}) > len(by_layer)
    layered = ws is not None and not mixed  # layers with mixed activations are analysed as graphs
    if route == "layered" and not layered:
        raise ArchitectureError(f"{describe(G)} is not a layered MLP with one activation per layer")
    if route == "graph" or not layered:
        return _classify_graph(G, default, monotone, hypothesis, activations, time_limit)
    return _classify_layered(ws, default, monotone, hypothesis, activations)


def classify_widths(ws: Sequence[int], default: Activation) -> Classification:
    """:func:`classify` of the layered MLP with widths ``ws`` (validated) and one activation, no graph built.

    Examples
    --------
    >>> classify_widths([3, 5, 2, 4, 1], get_activation("tanh")).kind
    'bottleneck'
    """
    monotone, hypothesis = _monotonicity((l, default) for l in range(1, len(ws) - 1))
    return _classify_layered(list(ws), default, monotone, hypothesis, {})


def _classify_layered(
    ws: list[int], default: Activation, monotone: bool, hypothesis: str, activations: dict
) -> Classification:
    found = branches(ws)
    if not found:
        kind = "non-augmented"
        reason = (
            "no widening step (n_0 >= n_1 >= ... >= n_{L-1}): for full-rank weights every W_l^T is "
            "injective and D_l invertible, so v_0 != 0 and there are no critical points"
        )
    elif any(ws[k - 1] < ws[0] for k in widening_steps(ws)):
        k = next(k for k in widening_steps(ws) if ws[k - 1] < ws[0])
        kind = "bottleneck"
        reason = f"widening step {k} starts at width n_{k - 1} = {ws[k - 1]} < n_0 = {ws[0]}"
    else:
        kind = "augmented"
        reason = f"widening step(s) {widening_steps(ws)}, none starting below n_0 = {ws[0]}"
    return Classification(
        ",".join(map(str, ws)),
        default.name,
        ws,
        kind,
        parameter_count(ws),
        found,
        reason,
        monotone,
        hypothesis,
        activations,
    )


def _classify_graph(
    G: nx.DiGraph,
    default: Activation,
    monotone: bool,
    hypothesis: str,
    activations: dict,
    time_limit: float | None,
) -> Classification:
    by_depth = layers(G)
    n0 = len(by_depth[0])
    out = output_node(G)
    cut = minimum_cut(G)
    preds = list(G.predecessors(out))
    analysis = GraphAnalysis(
        inputs=n0,
        min_cut=len(cut),
        cut_nodes=sorted(cut, key=str),
        depth_ranks=[generic_rank(G, group) for group in by_depth[1:-1]],
        output_rank=generic_rank(G, preds),
        output_fan_in=len(preds),
    )
    ctx = graph_context(G, default)  # refuses graphs the strata cannot read
    try:
        strata = death_strata(G, default, ctx, deadline=Deadline(time_limit))
    except TimeLimitReached as exc:
        strata, reason = None, f"strata not enumerated: {exc}"
    else:
        complete = [s for s in strata if s.complete]
        counts = [(k, sum(s.kind == k for s in complete)) for k in KINDS]
        kinds = ", ".join(f"{n} {k}" for k, n in counts if n)
        families = len(strata) - len(complete)
        reason = (
            f"{families} {'family' if families == 1 else 'families'} of strata closed by a rule, "
            f"{len(complete)} {'stratum' if len(complete) == 1 else 'strata'} listed ({kinds or 'none'})"
        )
    fixed = len(fixed_parameters(G))
    if fixed:
        noun = "parameter" if fixed == 1 else "parameters"
        reason += f"; the architecture fixes {fixed} {noun} (verdicts range over the free ones)"
    return Classification(
        describe(G),
        default.name,
        None,
        "graph",
        ctx.parameters,
        [],
        reason,
        monotone,
        hypothesis,
        activations,
        analysis,
        strata,
    )
