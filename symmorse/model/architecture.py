"""Architectures: acyclic networkx graphs with inputs, hidden units and one output.

An architecture is a plain :class:`networkx.DiGraph`.  Input nodes have no
predecessors, exactly one output node has no successors, every other node is a
hidden unit with an activation (the network's default unless the node has an
``activation`` attribute, e.g. ``"identity"`` for a linear layer).  Edges carry
weights, non-input nodes carry biases.  A parameter can be fixed by the
architecture itself: an edge attribute ``fixed_weight`` or a node attribute
``fixed_bias`` (an exact rational), as the skip connections of a residual
network (:func:`resnet_graph`) have weight 1.  Verdicts about such an
architecture range over its free parameters only.

:func:`from_graph` validates a graph and annotates every node with its
``role`` (``input``/``hidden``/``output``), ``layer`` (length of the longest
path from an input) and ``index`` (1-based position within its layer).  The
names of all symbols -- inputs ``x1``, weights ``W1_2_1``, output weights
``w1``, biases ``b1_2``, chart coordinates ``u1_2``, pre-activations
``z1_2`` -- are derived from layer and index in this module and nowhere else.
A graph whose layers are complete bipartite between neighbours is a layered
MLP; its ``widths`` are stored in ``G.graph["widths"]``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Hashable, Mapping, Sequence

import networkx as nx

from ..exact.errors import ArchitectureError, WeightsError
from ..exact.numbers import rational_string, to_rational

__all__ = [
    "mlp",
    "resnet_graph",
    "from_graph",
    "fixed_parameters",
    "parse_widths",
    "parse_architecture",
    "widths",
    "plain_layered_widths",
    "input_nodes",
    "hidden_nodes",
    "output_node",
    "layers",
    "to_json",
    "from_json",
    "edge_parameter",
    "bias_parameter",
    "chart_coordinate",
    "preactivation_name",
    "input_variable",
    "describe",
    "MAX_WIDTH",
    "MAX_DEPTH",
    "MAX_EDGES",
    "MAX_LAYERED_WEIGHTS",
]

#: Largest width of a layer that symmorse accepts.
MAX_WIDTH = 10_000
#: Largest number of layers (input and output included).
MAX_DEPTH = 100
#: Largest number of edges (weights) of an architecture graph (networkx; about 1 KB per edge).
MAX_EDGES = 1_000_000
#: Largest number of weights of a layered MLP given by its widths, which ``classify`` and
#: ``certify`` handle as FLINT matrices without a graph (about 2 GB of memory at the limit,
#: most of it in the certificate's JSON strings and the kernel's re-check).
MAX_LAYERED_WEIGHTS = 10_000_000


def parse_widths(text: str | Sequence[int]) -> list[int]:
    """Read widths from ``"2,3,1"`` or a sequence, and validate them.

    Raises
    ------
    ArchitectureError
        For non-integers, widths < 1, fewer than two layers, an output width
        other than 1, or sizes beyond :data:`MAX_WIDTH`/:data:`MAX_DEPTH`/
        :data:`MAX_LAYERED_WEIGHTS` (:func:`mlp` builds graphs up to :data:`MAX_EDGES` only).

    Examples
    --------
    >>> parse_widths("2, 3, 1")
    [2, 3, 1]
    >>> parse_widths("2,0,1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.ArchitectureError: widths '2,0,1': layer 1 has width 0; widths must be ...
    """
    shown = text if isinstance(text, str) else ",".join(map(str, text))
    if isinstance(text, str):
        parts = [p.strip() for p in text.split(",")]
        if not text.strip() or any(p == "" for p in parts):
            raise ArchitectureError(f"widths {shown!r}: expected comma-separated integers such as 2,3,1")
        items: Sequence[object] = parts
    elif isinstance(text, Sequence):
        items = text
    else:
        raise ArchitectureError(f"widths must be text like '2,3,1' or a list, got {text!r}")
    result = []
    for layer, item in enumerate(items):
        try:
            if isinstance(item, bool) or (isinstance(item, float) and not item.is_integer()):
                raise ValueError
            width = int(item)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            raise ArchitectureError(
                f"widths {shown!r}: layer {layer} width {item!r} is not an integer"
            ) from None
        if width < 1:
            raise ArchitectureError(
                f"widths {shown!r}: layer {layer} has width {width}; widths must be positive integers"
            )
        if width > MAX_WIDTH:
            raise ArchitectureError(f"widths {shown!r}: layer {layer} has width {width} > {MAX_WIDTH}")
        result.append(width)
    if len(result) < 2:
        raise ArchitectureError(f"widths {shown!r}: need at least an input and an output layer, e.g. 2,3,1")
    if len(result) > MAX_DEPTH:
        raise ArchitectureError(f"widths {shown!r}: {len(result)} layers > {MAX_DEPTH}")
    edges = sum(a * b for a, b in zip(result, result[1:]))
    if edges > MAX_LAYERED_WEIGHTS:
        raise ArchitectureError(
            f"widths {shown!r}: {edges} weights > {MAX_LAYERED_WEIGHTS} (the limit for layered MLPs)"
        )
    if result[-1] != 1:
        raise ArchitectureError(
            f"widths {shown!r}: the output layer {len(result) - 1} has width {result[-1]}; "
            "symmorse studies scalar outputs, so it must be 1"
        )
    return result


def mlp(
    widths: str | Sequence[int],
    activations: Sequence[str] | None = None,
    skips: Sequence[tuple[int | str, int | str]] = (),
    dense: bool = False,
    masks: Mapping[int, Sequence[Sequence[int]]] | None = None,
    fixed_weights: Mapping[tuple[Hashable, Hashable], object] | None = None,
) -> nx.DiGraph:
    """The layered architecture with the given widths, optionally with skips, masks and fixed weights.

    Parameters
    ----------
    widths : str or sequence of int
        ``n_0, ..., n_L`` with ``n_L = 1``, e.g. ``"2,3,1"``.
    activations : sequence of str, optional
        One activation name per hidden layer, stored on its nodes (``None``
        entries use the network's default).  Used e.g. for identity layers.
    skips : sequence of (k, l)
        Skip connections: every node of layer k to every node of layer
        ``l > k + 1`` (``"out"`` for the output layer L).
    dense : bool
        DenseNet-style: every layer to every later layer.
    masks : mapping, optional
        ``{l: rows}``, a 0/1 matrix ``n_l x n_{l-1}`` keeping only some edges
        into layer l (sparse layers); every node keeps a predecessor.
    fixed_weights : mapping, optional
        ``{(source, target): value}`` fixes the weights of existing edges.

    Raises
    ------
    ArchitectureError
        For a skip that is not between layers k < l - 1, a mask of the wrong
        shape or that leaves a node without predecessor or successor, and a
        fixed weight on an edge the graph does not have.

    Examples
    --------
    >>> G = mlp("2,3,1")
    >>> G.graph["widths"], G.number_of_edges(), output_node(G)
    ([2, 3, 1], 9, 'y')
    >>> list(G.predecessors("h1_2"))
    ['x1', 'x2']
    >>> H = mlp("2,2,1", skips=[(0, "out")])
    >>> widths(H), sorted(H.predecessors("y")), edge_parameter(H, "x1", "y")
    (None, ['h1_1', 'h1_2', 'x1', 'x2'], 'w0_1')
    """
    ws = parse_widths(widths)
    edges = sum(a * b for a, b in zip(ws, ws[1:]))
    if edges > MAX_EDGES:
        shown = widths if isinstance(widths, str) else ",".join(map(str, ws))
        raise ArchitectureError(
            f"widths {shown!r}: {edges} weights > {MAX_EDGES} (the limit for architecture graphs; "
            f"certify and classify take widths up to {MAX_LAYERED_WEIGHTS} weights without a graph)"
        )
    if activations is not None and len(activations) != len(ws) - 2:
        raise ArchitectureError(
            f"{len(activations)} hidden activations given for {len(ws) - 2} hidden layers"
        )
    names = [_layer_names(ws, layer) for layer in range(len(ws))]
    plain = not (skips or dense or masks or fixed_weights)
    if plain and all(a is None or isinstance(a, str) for a in activations or ()):
        return _annotated_mlp(ws, names, activations)
    G = nx.DiGraph()
    for layer, layer_nodes in enumerate(names):
        for node in layer_nodes:
            G.add_node(node)
            if 0 < layer < len(ws) - 1 and activations and activations[layer - 1]:
                G.nodes[node]["activation"] = activations[layer - 1]
        if layer:
            G.add_edges_from((u, v) for v in layer_nodes for u in names[layer - 1])
    if skips or dense or masks or fixed_weights:
        _connect(G, names, skips, dense, masks or {}, fixed_weights or {})
        G.graph["name"] = _spelling(ws, skips, dense, masks or {}, fixed_weights or {})
    return from_graph(G)


def _annotated_mlp(
    ws: list[int], names: list[list[str]], activations: Sequence[str | None] | None
) -> nx.DiGraph:
    """The plain layered MLP exactly as ``from_graph`` annotates it, built once (no copy)."""
    A = nx.DiGraph()
    last = len(ws) - 1
    for layer, layer_nodes in enumerate(names):
        role = "input" if layer == 0 else "output" if layer == last else "hidden"
        act = activations[layer - 1] if activations and 0 < layer < last else None
        extra = {"activation": act} if act else {}
        A.add_nodes_from(
            (node, {**extra, "role": role, "layer": layer, "index": i})
            for i, node in enumerate(layer_nodes, start=1)
        )
        if layer:
            A.add_edges_from((u, v) for v in layer_nodes for u in names[layer - 1])
    A.graph["widths"] = ws
    return A


def _spelling(ws: list[int], skips, dense: bool, masks: Mapping, fixed: Mapping) -> str:
    """How the command line spells an MLP with skips, masks and fixed weights (its ``describe``)."""
    parts = [",".join(map(str, ws))]
    parts += [f"--skip {k}:{l}" for k, l in skips]
    parts += ["--dense"] * dense
    parts += [f"--mask {l}=" + ",".join("".join(map(str, r)) for r in rows) for l, rows in masks.items()]
    parts += [f"--fix {a}:{b}={rational_string(value)}" for (a, b), value in fixed.items()]
    return " ".join(parts)


def _layer_index(spec: int | str, depth: int, what: str) -> int:
    if spec == "out":
        return depth
    if isinstance(spec, bool) or not isinstance(spec, int) or not 0 <= spec <= depth:
        raise ArchitectureError(f"{what}: layer {spec!r} is not a layer 0..{depth} or 'out'")
    return spec


def _connect(G: nx.DiGraph, names: list, skips, dense: bool, masks: Mapping, fixed: Mapping) -> None:
    """Add skip edges, apply masks and fix weights on the layered graph ``G`` (in place)."""
    depth = len(names) - 1
    pairs = [(k, l) for k in range(depth + 1) for l in range(k + 2, depth + 1)] if dense else []
    for pair in skips:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise ArchitectureError(f"a skip is a pair of layers (k, l), got {pair!r}")
        k, l = (_layer_index(end, depth, f"skip {pair!r}") for end in pair)
        if not k + 1 < l:
            raise ArchitectureError(f"skip {pair!r}: a skip goes from layer k to a layer l > k + 1")
        pairs.append((k, l))
    for k, l in pairs:
        G.add_edges_from((u, v) for v in names[l] for u in names[k])
    for l, rows in masks.items():
        l = _layer_index(l, depth, "mask")
        if l == 0:
            raise ArchitectureError("layer 0 holds the inputs: no edges lead into it to mask")
        shape = (len(names[l]), len(names[l - 1]))
        if len(rows) != shape[0] or any(len(r) != shape[1] for r in rows):
            raise ArchitectureError(f"the mask of layer {l} must be a {shape[0]} x {shape[1]} 0/1 matrix")
        for v, row in zip(names[l], rows):
            for u, keep in zip(names[l - 1], row):
                if keep not in (0, 1):
                    raise ArchitectureError(f"mask of layer {l}: entries are 0 or 1, got {keep!r}")
                if not keep:
                    G.remove_edge(u, v)
    for layer in names[1:]:
        for v in layer:
            if G.in_degree(v) == 0:
                raise ArchitectureError(f"node {v!r} has no incoming edge left after masking")
    for layer in names[:-1]:
        for v in layer:
            if G.out_degree(v) == 0:
                raise ArchitectureError(f"node {v!r} has no outgoing edge left after masking")
    for edge, value in fixed.items():
        if not (isinstance(edge, (tuple, list)) and len(edge) == 2 and G.has_edge(*edge)):
            raise ArchitectureError(f"cannot fix the weight of {edge!r}: the graph has no such edge")
        G.edges[tuple(edge)]["fixed_weight"] = _fixed_value(
            value, f"edge {edge[0]!r} -> {edge[1]!r}: fixed_weight"
        )


def resnet_graph(
    inputs: int, phase: int, hidden: Sequence[int], lift: bool = True, activation: str | None = None
) -> nx.DiGraph:
    """The architecture graph of a residual network (skip weights fixed to 1).

    ``h_0 = W x + b`` (the lift), ``h_j = h_{j-1} + V_j sigma(W_j h_{j-1} + b_j)``,
    ``Phi = W~ h_K + b~``: identity nodes ``s{j}_{i}`` carry the states, the
    skip edges ``s{j-1}_i -> s{j}_i`` have ``fixed_weight`` 1 and the states
    after a block have ``fixed_bias`` 0, so every verdict ranges over the
    residual network's own weights W, b, V.

    Parameters
    ----------
    inputs : int
        Input width n.
    phase : int
        State width m (must equal n when ``lift`` is False).
    hidden : sequence of int
        Hidden width of each residual block.
    lift : bool
        Whether ``h_0 = W x + b`` is a layer (identity nodes ``s0_i``) or
        ``h_0 = x``.
    activation : str, optional
        Activation of the block units (default: the network's).

    Examples
    --------
    >>> G = resnet_graph(1, 1, [1], lift=False)
    >>> sorted(G.edges())
    [('a1_1', 's1_1'), ('s1_1', 'y'), ('x1', 'a1_1'), ('x1', 's1_1')]
    >>> G.nodes["s1_1"]["activation"], G.edges["x1", "s1_1"]["fixed_weight"], G.nodes["s1_1"]["fixed_bias"]
    ('identity', 1, 0)
    """
    for value, what in ((inputs, "input width"), (phase, "state width")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ArchitectureError(f"residual network: the {what} must be a positive integer, got {value!r}")
    if not hidden or any(isinstance(k, bool) or not isinstance(k, int) or k < 1 for k in hidden):
        raise ArchitectureError(
            f"residual network: block widths must be positive integers, got {list(hidden)}"
        )
    if not lift and phase != inputs:
        raise ArchitectureError(f"residual network without a lift needs m = n, got m = {phase}, n = {inputs}")
    G = nx.DiGraph()
    xs = [f"x{i}" for i in range(1, inputs + 1)]
    G.add_nodes_from(xs)
    state = xs
    if lift:
        state = [f"s0_{i}" for i in range(1, phase + 1)]
        G.add_nodes_from(state, activation="identity")
        G.add_edges_from((x, s) for s in state for x in xs)
    for j, width in enumerate(hidden, start=1):
        units = [f"a{j}_{k}" for k in range(1, width + 1)]
        G.add_nodes_from(units, **({"activation": activation} if activation else {}))
        G.add_edges_from((s, a) for a in units for s in state)
        new = [f"s{j}_{i}" for i in range(1, phase + 1)]
        G.add_nodes_from(new, activation="identity", fixed_bias=0)
        G.add_edges_from(zip(state, new), fixed_weight=1)
        G.add_edges_from((a, s) for s in new for a in units)
        state = new
    G.add_edges_from((s, "y") for s in state)
    blocks = ",".join(map(str, hidden))
    G.graph["name"] = f"resnet:{inputs},{phase},{blocks}" if lift else f"resnet (no lift):{inputs},{blocks}"
    return from_graph(G)


def _layer_names(ws: list[int], layer: int) -> list[str]:
    if layer == 0:
        return [f"x{i}" for i in range(1, ws[0] + 1)]
    if layer == len(ws) - 1:
        return ["y"]
    return [f"h{layer}_{i}" for i in range(1, ws[layer] + 1)]


def from_graph(G: nx.DiGraph) -> nx.DiGraph:
    """Validate an acyclic graph and return an annotated copy.

    Nodes may be named by strings or integers (so the graph round-trips
    through JSON).  Input order is the order of the input nodes in ``G``.

    Raises
    ------
    ArchitectureError
        If ``G`` is not a directed graph, has fewer than two nodes, is cyclic
        or disconnected, has several outputs, or has unsupported node names
        or activation attributes.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "h"), ("b", "h"), ("a", "y"), ("h", "y")])
    >>> A = from_graph(G)
    >>> [A.nodes[v]["role"] for v in A], widths(A) is None
    (['input', 'hidden', 'input', 'output'], True)
    >>> A.nodes["y"]["layer"], edge_parameter(A, "a", "y")
    (2, 'w0_1')
    """
    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        raise ArchitectureError("an architecture must be a networkx.DiGraph (no multigraphs)")
    if G.number_of_nodes() < 2:
        raise ArchitectureError("an architecture needs at least one input and one output node")
    for v in G:
        if isinstance(v, bool) or not isinstance(v, (str, int)):
            raise ArchitectureError(f"node {v!r}: node names must be strings or integers")
    if not nx.is_directed_acyclic_graph(G):
        cycle = " -> ".join(str(u) for u, _ in nx.find_cycle(G))
        raise ArchitectureError(f"the graph has a cycle through nodes {cycle}")
    if not nx.is_weakly_connected(G):
        parts = sorted(nx.weakly_connected_components(G), key=len)
        raise ArchitectureError(
            f"the graph is not connected: node {sorted(map(str, parts[0]))[0]!r} is not connected to the rest"
        )
    sinks = [v for v in G if G.out_degree(v) == 0]
    if len(sinks) != 1:
        names = ", ".join(repr(v) for v in sinks)
        raise ArchitectureError(
            f"the graph has {len(sinks)} output nodes (nodes without successors): {names}; "
            "symmorse needs exactly one"
        )
    A = nx.DiGraph()
    A.add_nodes_from(G.nodes(data=True))
    A.add_edges_from(G.edges())
    _copy_fixed_parameters(G, A)
    A.graph.update({k: v for k, v in G.graph.items() if k != "widths"})
    depth: dict[Hashable, int] = {}
    for v in nx.topological_sort(A):
        depth[v] = max((depth[u] + 1 for u in A.predecessors(v)), default=0)
    out = sinks[0]
    if depth[out] > MAX_DEPTH:
        raise ArchitectureError(f"the graph is {depth[out]} layers deep (> {MAX_DEPTH})")
    if A.number_of_edges() > MAX_EDGES:
        raise ArchitectureError(f"the graph has {A.number_of_edges()} edges (> {MAX_EDGES})")
    counters: dict[int, int] = {}
    for v in A:
        role = "input" if depth[v] == 0 else "output" if v == out else "hidden"
        layer = depth[v]
        counters[layer] = counters.get(layer, 0) + 1
        if role in ("input", "output") and A.nodes[v].get("activation") is not None:
            raise ArchitectureError(f"{role} node {v!r} cannot have an activation (only hidden units do)")
        act = A.nodes[v].get("activation")
        if act is not None and not isinstance(act, str):
            raise ArchitectureError(f"node {v!r}: activation must be a name, got {act!r}")
        A.nodes[v].update(role=role, layer=layer, index=counters[layer])
    ws = _layered_widths(A)
    if ws is not None and not fixed_parameters(A):
        A.graph["widths"] = ws
    return A


def _copy_fixed_parameters(G: nx.DiGraph, A: nx.DiGraph) -> None:
    """Exact ``fixed_weight``/``fixed_bias`` values of ``G`` onto ``A`` (validated)."""
    for u, v, value in G.edges(data="fixed_weight"):
        if value is not None:
            A.edges[u, v]["fixed_weight"] = _fixed_value(value, f"edge {u!r} -> {v!r}: fixed_weight")
    for v, value in G.nodes(data="fixed_bias"):
        if value is None:
            A.nodes[v].pop("fixed_bias", None)  # null means free, as for fixed_weight
        else:
            if G.in_degree(v) == 0:
                raise ArchitectureError(f"input node {v!r} cannot have a fixed_bias (inputs have no bias)")
            A.nodes[v]["fixed_bias"] = _fixed_value(value, f"node {v!r}: fixed_bias")


def _fixed_value(value: object, where: str):
    try:
        return to_rational(value, where)
    except WeightsError as exc:
        raise ArchitectureError(str(exc)) from None


def fixed_parameters(G: nx.DiGraph) -> dict[str, object]:
    """Parameters that the architecture fixes, by name, with their exact values.

    Examples
    --------
    >>> fixed_parameters(resnet_graph(1, 1, [1], lift=False))
    {'W2_1_0_1': 1, 'b2_1': 0}
    >>> fixed_parameters(mlp("2,3,1"))
    {}
    """
    fixed = {
        edge_parameter(G, u, v): value for u, v, value in G.edges(data="fixed_weight") if value is not None
    }
    fixed.update(
        (bias_parameter(G, v), value) for v, value in G.nodes(data="fixed_bias") if value is not None
    )
    return fixed


def _layered_widths(A: nx.DiGraph) -> list[int] | None:
    """Widths if A is a fully connected layered MLP, else None."""
    by_layer = layers(A)
    for layer in range(1, len(by_layer)):
        for v in by_layer[layer]:
            if set(A.predecessors(v)) != set(by_layer[layer - 1]):
                return None
    return [len(nodes) for nodes in by_layer]


def plain_layered_widths(G: object) -> list[int] | None:
    """The widths of ``G`` if it is an annotated, plain layered MLP, else None (without copying G).

    Plain: every node carries the ``layer`` annotation of :func:`from_graph`, no
    node has an ``activation`` or ``fixed_bias`` and no edge a ``fixed_weight``,
    every edge goes from a layer to the next, the last layer has one node, and
    there are ``sum n_{l-1} n_l`` edges, so (a DiGraph has no repeated edges)
    consecutive layers are completely connected.  These checks are a proof
    from the edges themselves, whatever the annotations claim; ``classify`` and
    ``certify`` then work from the widths alone.

    Examples
    --------
    >>> plain_layered_widths(mlp("2,3,1")), plain_layered_widths(mlp("2,2,1", skips=[(0, "out")]))
    ([2, 3, 1], None)
    >>> G = mlp("2,3,1")
    >>> G.remove_edge("x1", "h1_1")
    >>> plain_layered_widths(G) is None
    True
    """
    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        return None
    counts: dict[int, int] = {}
    for _, d in G.nodes(data=True):
        layer = d.get("layer")
        if not isinstance(layer, int) or isinstance(layer, bool) or layer < 0 or "activation" in d:
            return None
        if "fixed_bias" in d:
            return None
        counts[layer] = counts.get(layer, 0) + 1
    depth = len(counts)
    if depth < 2 or set(counts) != set(range(depth)) or counts[depth - 1] != 1:
        return None
    ws = [counts[l] for l in range(depth)]
    if G.number_of_edges() != sum(a * b for a, b in zip(ws, ws[1:])):
        return None
    layer_of = G.nodes
    for u, v, d in G.edges(data=True):
        if layer_of[v]["layer"] != layer_of[u]["layer"] + 1 or d:
            return None
    return ws


def layers(G: nx.DiGraph) -> list[list[Hashable]]:
    """Nodes grouped by layer, each layer in index order.

    Examples
    --------
    >>> layers(mlp("2,3,1"))[1]
    ['h1_1', 'h1_2', 'h1_3']
    """
    depth = max(d for _, d in G.nodes(data="layer")) + 1
    result: list[list[Hashable]] = [[] for _ in range(depth)]
    for v, d in G.nodes(data=True):
        result[d["layer"]].append(v)
    for group in result:
        group.sort(key=lambda v: G.nodes[v]["index"])
    return result


def widths(G: nx.DiGraph) -> list[int] | None:
    """The widths of a layered MLP, or None for any other graph.

    Examples
    --------
    >>> widths(mlp([3, 2, 4, 1]))
    [3, 2, 4, 1]
    """
    return G.graph.get("widths")


def input_nodes(G: nx.DiGraph) -> list[Hashable]:
    """Input nodes, in the order of the input vector x."""
    return [v for v in G if G.nodes[v]["role"] == "input"]


def hidden_nodes(G: nx.DiGraph) -> list[Hashable]:
    """Hidden nodes in layer order (a topological order)."""
    return [v for group in layers(G) for v in group if G.nodes[v]["role"] == "hidden"]


def output_node(G: nx.DiGraph) -> Hashable:
    """The unique output node."""
    return next(v for v in G if G.nodes[v]["role"] == "output")


# -- names of symbols -------------------------------------------------------------


def input_variable(G: nx.DiGraph, v: Hashable) -> str:
    """Name of the input variable of input node ``v`` (``x1``, ``x2``, ...)."""
    return f"x{G.nodes[v]['index']}"


def edge_parameter(G: nx.DiGraph, u: Hashable, v: Hashable) -> str:
    """Name of the weight on edge ``u -> v``.

    ``W{l}_{i}_{j}`` from unit j of layer l-1 to unit i of layer l; the output
    weights are ``w{j}``.  An edge that skips layers, from unit j of layer k,
    is ``W{l}_{i}_{k}_{j}``, or ``w{k}_{j}`` into the output.

    Examples
    --------
    >>> G = mlp("2,3,1")
    >>> edge_parameter(G, "x2", "h1_3"), edge_parameter(G, "h1_3", "y")
    ('W1_3_2', 'w3')
    """
    a, b = G.nodes[u], G.nodes[v]
    skip = "" if a["layer"] == b["layer"] - 1 else f"{a['layer']}_"
    if b["role"] == "output":
        return f"w{skip}{a['index']}"
    return f"W{b['layer']}_{b['index']}_{skip}{a['index']}"


def bias_parameter(G: nx.DiGraph, v: Hashable) -> str:
    """Name of the bias of non-input node ``v`` (``b{l}_{i}``; the output's is ``b{L}``)."""
    d = G.nodes[v]
    return f"b{d['layer']}" if d["role"] == "output" else f"b{d['layer']}_{d['index']}"


def chart_coordinate(G: nx.DiGraph, v: Hashable) -> str:
    """Name of the chart coordinate ``u{l}_{i}`` that replaces the bias of hidden node ``v``."""
    d = G.nodes[v]
    return f"u{d['layer']}_{d['index']}"


def preactivation_name(G: nx.DiGraph, v: Hashable) -> str:
    """Name of the pre-activation ``z{l}_{i}`` of hidden node ``v``."""
    d = G.nodes[v]
    return f"z{d['layer']}_{d['index']}"


# -- reading and writing ----------------------------------------------------------

_DERIVED = ("role", "layer", "index")


def to_json(G: nx.DiGraph) -> dict:
    """Node-link JSON of an architecture (derived annotations left out).

    Examples
    --------
    >>> data = to_json(mlp("1,2,1"))
    >>> sorted(data), len(data["edges"])
    (['edges', 'format', 'nodes'], 4)
    >>> nx.utils.graphs_equal(from_json(data), mlp("1,2,1"))
    True
    """
    nodes = []
    for v, d in G.nodes(data=True):
        entry = {"id": v}
        entry.update({k: val for k, val in d.items() if k not in _DERIVED})
        if "fixed_bias" in entry:
            entry["fixed_bias"] = rational_string(entry["fixed_bias"])
        nodes.append(entry)
    edges = []
    for u, v, fixed in G.edges(data="fixed_weight"):
        edges.append(
            {"source": u, "target": v} | ({} if fixed is None else {"fixed_weight": rational_string(fixed)})
        )
    data = {"format": "symmorse-graph/1", "nodes": nodes, "edges": edges}
    return data | ({"name": G.graph["name"]} if G.graph.get("name") else {})


def from_json(data: object) -> nx.DiGraph:
    """Read an architecture from node-link JSON (``{"nodes": [...], "edges": [...]}``).

    ``{"widths": [2, 3, 1]}`` is accepted too.  ``"links"`` may stand for
    ``"edges"`` (the older networkx spelling).
    """
    if isinstance(data, dict) and "widths" in data:
        if "nodes" in data or "edges" in data or "links" in data:
            raise ArchitectureError(
                'an architecture is {"widths": [...]} or {"nodes": [...], "edges": [...]}, not both'
            )
        return mlp(data["widths"])
    if not isinstance(data, dict) or "nodes" not in data:
        raise ArchitectureError(
            'an architecture file must hold {"nodes": [...], "edges": [...]} or {"widths": [...]}'
        )
    edges = data.get("edges", data.get("links", []))
    if not isinstance(data["nodes"], list) or not isinstance(edges, list):
        raise ArchitectureError('"nodes" and "edges" must be lists')
    G = nx.DiGraph()
    if isinstance(data.get("name"), str):
        G.graph["name"] = data["name"][:100]
    for k, entry in enumerate(data["nodes"]):
        if not isinstance(entry, dict) or "id" not in entry:
            raise ArchitectureError(f"node entry {k} must be an object with an 'id'")
        attrs = {a: val for a, val in entry.items() if a != "id" and a not in _DERIVED}
        node = entry["id"]
        if isinstance(node, bool) or not isinstance(node, (str, int)):
            raise ArchitectureError(f"node entry {k}: id {node!r} must be a string or integer")
        if node in G:
            raise ArchitectureError(f"node entry {k}: node {node!r} is listed twice")
        G.add_node(node, **attrs)
    for k, entry in enumerate(edges):
        if not isinstance(entry, dict) or "source" not in entry or "target" not in entry:
            raise ArchitectureError(f"edge entry {k} must be an object with 'source' and 'target'")
        u, v = entry["source"], entry["target"]
        for end in (u, v):
            if isinstance(end, (list, dict)) or end not in G:
                raise ArchitectureError(f"edge entry {k} refers to unknown node {end!r}")
        if G.has_edge(u, v):
            raise ArchitectureError(f"edge entry {k}: edge {u!r} -> {v!r} is listed twice")
        G.add_edge(u, v, **({"fixed_weight": entry["fixed_weight"]} if "fixed_weight" in entry else {}))
    return from_graph(G)


def parse_architecture(text: str) -> nx.DiGraph:
    """An architecture from the command line: widths ``"2,3,1"``, a JSON file path, a
    residual network ``"resnet:N,M,H1,...,HK"`` (input width N, state width M after
    the lift ``W x + b``, K residual blocks of hidden widths H1..HK), or widths with
    graph options, as :func:`describe` spells them: ``"2,3,3,1 --skip 0:2 --skip 0:out"``,
    ``--dense``, ``--mask L=ROWS`` (one 0/1 string per node of layer L) and
    ``--fix A:B=VALUE`` (see :func:`mlp`).

    Examples
    --------
    >>> widths(parse_architecture("3,2,4,1"))
    [3, 2, 4, 1]
    >>> describe(parse_architecture("resnet:1,1,1"))
    'resnet:1,1,1'
    >>> G = parse_architecture("2,2,1 --skip 0:out --fix x1:y=1")
    >>> describe(parse_architecture(describe(G))) == describe(G), G.edges["x1", "y"]["fixed_weight"]
    (True, 1)
    """
    if isinstance(text, str) and " --" in text:
        return _parse_built(text)
    if isinstance(text, str) and text.startswith("resnet:"):
        parts = [part.strip() for part in text[len("resnet:") :].split(",")]
        if len(parts) < 3 or not all(part.isdigit() and part.isascii() for part in parts):
            raise ArchitectureError(
                f"residual network {text[:60]!r}: expected resnet:N,M,H1,...,HK "
                "(input, state and block widths)"
            )
        numbers = [int(part) for part in parts]
        n, m, hidden = numbers[0], numbers[1], numbers[2:]
        edges = n * m + sum(2 * m * k + m for k in hidden) + m
        if max(numbers) > MAX_WIDTH or 2 * len(numbers) > MAX_DEPTH or edges > MAX_EDGES:
            raise ArchitectureError(
                f"residual network {text[:60]!r}: widths <= {MAX_WIDTH}, depth <= {MAX_DEPTH}, "
                f"weights <= {MAX_EDGES}"
            )
        return resnet_graph(numbers[0], numbers[1], numbers[2:])
    if isinstance(text, str) and (text.endswith(".json") or os.path.sep in text):
        try:
            with open(text, encoding="utf-8") as fh:
                data = json.load(fh)
        except OSError as exc:
            raise ArchitectureError(f"cannot read architecture file {text!r}: {exc.strerror}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ArchitectureError(f"architecture file {text!r} is not valid JSON: {exc}") from None
        return from_json(data)
    return mlp(text)


def _layer_spec(text: str, what: str) -> int | str:
    if text == "out":
        return text
    if not (text.isascii() and text.isdigit()):
        raise ArchitectureError(f"{what}: {text!r} is not a layer index or 'out'")
    return int(text)


def _parse_built(text: str) -> nx.DiGraph:
    """Widths followed by ``--skip K:L``, ``--dense``, ``--mask L=ROWS`` and ``--fix A:B=VALUE``."""
    base, *options = text.split(" --")
    skips, masks, fixed, dense = [], {}, {}, False
    for option in options:
        name, _, value = option.strip().partition(" ")
        value = value.strip()
        if name == "dense" and not value:
            dense = True
        elif name == "skip":
            k, sep, l = value.partition(":")
            if not sep:
                raise ArchitectureError(f"--skip {value!r}: expected K:L, e.g. 0:2 or 0:out")
            skips.append((_layer_spec(k, f"--skip {value}"), _layer_spec(l, f"--skip {value}")))
        elif name == "mask":
            l, sep, rows = value.partition("=")
            if not sep or not all(r and set(r) <= {"0", "1"} for r in rows.split(",")):
                raise ArchitectureError(f"--mask {value!r}: expected L=ROWS with ROWS like 10,01,11")
            masks[_layer_spec(l, f"--mask {value}")] = [[int(c) for c in r] for r in rows.split(",")]
        elif name == "fix":
            edge, sep, number = value.rpartition("=")
            a, colon, b = edge.partition(":")
            if not (sep and colon and a and b):
                raise ArchitectureError(f"--fix {value!r}: expected SOURCE:TARGET=VALUE, e.g. x1:y=1")
            fixed[(a, b)] = number
        else:
            raise ArchitectureError(
                f"unknown graph option --{option.strip()[:40]} (--skip, --dense, --mask, --fix)"
            )
    if base.startswith("resnet:") or base.endswith(".json") or os.path.sep in base:
        raise ArchitectureError("--skip, --dense, --mask and --fix build on widths such as 2,3,3,1")
    return mlp(base, skips=skips, dense=dense, masks=masks, fixed_weights=fixed)


def describe(G: nx.DiGraph) -> str:
    """A short human name: the widths ``2,3,1``, the graph's ``name`` attribute (e.g.
    ``resnet:2,3,4``), or ``graph(n nodes, m edges)``.

    Examples
    --------
    >>> describe(mlp("2,3,1")), describe(nx.DiGraph([("x", "y")]))
    ('2,3,1', 'graph(2 nodes, 1 edges)')
    """
    ws = widths(G)
    if ws is not None:
        return ",".join(map(str, ws))
    return G.graph.get("name") or f"graph({G.number_of_nodes()} nodes, {G.number_of_edges()} edges)"
