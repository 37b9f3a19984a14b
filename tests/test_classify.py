"""Classification: classes, branch kinds, dimension counts, generic ranks and cuts."""

import random

import flint
import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symmorse.model.architecture import from_graph, layers, mlp
from symmorse.model.network import structured_derivatives
from symmorse.search.classify import (
    branches,
    classify,
    generic_rank,
    minimum_cut,
    parameter_count,
    widening_steps,
)

widths_strategy = st.lists(st.integers(1, 6), min_size=1, max_size=5).map(lambda ws: ws + [1])


@pytest.mark.parametrize(
    "arch, kind, expected",
    [
        ("2,3,1", "augmented", [(1, "morse")]),
        ("3,2,5,1", "bottleneck", [(2, "degenerate")]),
        ("3,5,2,4,1", "bottleneck", [(1, "morse"), (3, "degenerate")]),
        ("2,6,3,5,1", "augmented", [(1, "morse"), (3, "null")]),
        ("4,3,2,1", "non-augmented", []),
        ("2,1", "non-augmented", []),
    ],
)
def test_named_architectures(arch, kind, expected):
    c = classify(arch)
    assert c.kind == kind
    assert [(b.step, b.kind) for b in c.branches] == expected


@given(widths_strategy)
def test_class_follows_the_definitions(ws):
    c = classify(ws)
    steps = widening_steps(ws)
    assert steps == [k for k in range(1, len(ws) - 1) if ws[k] > ws[k - 1]]
    if not steps:
        assert c.kind == "non-augmented"
    elif any(ws[k - 1] < ws[0] for k in steps):
        assert c.kind == "bottleneck"
    else:
        assert c.kind == "augmented"


@given(widths_strategy)
def test_branch_kinds_and_dimensions(ws):
    p, n0 = parameter_count(ws), ws[0]
    found = branches(ws)
    for b in found:
        k = b.step
        assert b.dimension == p + n0 - ws[k - 1]
        assert b.critical_weights_dimension == p - (ws[k - 1] - min(ws[:k]))
        assert (b.kind == "null") == (b.critical_weights_dimension < p)
        assert (b.kind == "morse") == (ws[k - 1] == n0 == min(ws[:k]))
    if found:  # the first widening step is never null: critical points exist generically
        assert found[0].kind in ("morse", "degenerate")
    kind = classify(ws).kind
    if any(b.kind == "degenerate" for b in found):
        assert kind == "bottleneck"
    if kind == "augmented":
        assert found[0].kind == "morse"


def test_parameter_count_matches_the_network():
    from symmorse.model.network import Network

    for ws in ([2, 3, 1], [3, 2, 4, 1], [1, 1]):
        assert parameter_count(ws) == len(Network(ws).parameters)


@given(widths_strategy)
def test_minimum_cut_of_a_layered_network_is_the_narrowest_layer(ws):
    G = mlp(ws)
    assert len(minimum_cut(G)) == min(ws[:-1])
    for l, group in enumerate(layers(G)[1:-1], start=1):
        assert generic_rank(G, group) == min(ws[: l + 1])


def random_dag(seed: int) -> nx.DiGraph:
    rng = random.Random(seed)
    n = rng.randint(4, 8)
    edges = {(u, v) for v in range(2, n) for u in range(v) if rng.random() < 0.5}
    edges |= {(u, n - 1) for u in range(n - 1) if not any(a == u for a, _ in edges)}
    return nx.DiGraph(sorted(edges))


@given(st.integers(0, 10**6))
def test_generic_ranks_are_ranks_at_random_weights(seed):
    """Menger's count equals the rank of dz_S/dx at random rational weights (LGV)."""
    G = random_dag(seed)
    if len([v for v in G if G.out_degree(v) == 0]) != 1 or not nx.is_weakly_connected(G):
        return
    G = from_graph(G)
    rng = random.Random(seed)
    weight = {e: flint.fmpq(rng.choice([-1, 1]) * rng.randint(1, 50), rng.randint(1, 9)) for e in G.edges}
    hidden = [v for v in G if G.nodes[v]["role"] == "hidden"]
    d1 = {v: flint.fmpq(rng.randint(1, 50), rng.randint(1, 9)) for v in hidden}
    zero = flint.fmpq(0)
    sd = structured_derivatives(
        G, lambda a, b: weight[a, b], d1, dict.fromkeys(hidden, zero), zero, flint.fmpq(1)
    )
    for group in layers(G)[1:]:
        J = flint.fmpq_mat([sd.jacobians[v] for v in group])
        assert J.rank() <= generic_rank(G, group)
        assert J.rank() == generic_rank(G, group)  # equality holds at random points w.h.p.


def test_graph_classification_reports_cuts_and_strata():
    G = nx.DiGraph([("a", "h"), ("b", "h"), ("c", "h"), ("h", "k1"), ("h", "k2"), ("k1", "y"), ("k2", "y")])
    G.add_edge("h", "y")  # a skip connection: not a layered MLP
    c = classify(G)
    assert c.kind == "graph" and c.graph.min_cut == 1 and c.graph.bottleneck
    assert c.graph.cut_nodes == ["h"]
    # h cancelling (c = 1 < n0 = 3, kappa = 1 = c): the one stratum listed, degenerate
    (h,) = [s for s in c.strata if s.complete]
    assert (h.cancelling, h.kind, h.cut, h.dimension) == (("h",), "degenerate", ("h",), c.parameters + 3 - 1)
    # an input cancelling through its one edge a -> h forces that weight to 0: null by the block rule
    (a,) = [s for s in c.strata if s.cancelling == ("a",)]
    assert (a.complete, a.kind, a.rule, a.block.successors) == (False, "null", "block", ("h",))


def test_mixed_activations_and_monotonicity():
    assert not classify("2,3,1", "poly:z**2").monotone
    assert "poly:z**2" in classify("2,3,1", "poly:z**2").hypothesis
    G = mlp("2,1,3,1", ["identity", None])
    c = classify(G, "tanh")
    assert c.monotone and c.activations == {1: "identity"} and c.kind == "bottleneck"
