"""Architectures: builders, validation with named culprits, JSON round trips."""

import json

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symmorse.exact.errors import ArchitectureError
from symmorse.model.architecture import (
    bias_parameter,
    edge_parameter,
    from_graph,
    from_json,
    hidden_nodes,
    input_nodes,
    layers,
    mlp,
    output_node,
    parse_architecture,
    parse_widths,
    to_json,
    widths,
)

widths_strategy = st.lists(st.integers(1, 5), min_size=1, max_size=4).map(lambda ws: ws + [1])


@given(widths_strategy)
def test_mlp_has_the_layers_it_is_given(ws):
    G = mlp(ws)
    assert widths(G) == ws
    assert [len(group) for group in layers(G)] == ws
    assert G.number_of_edges() == sum(a * b for a, b in zip(ws, ws[1:]))
    assert len(input_nodes(G)) == ws[0] and len(hidden_nodes(G)) == sum(ws[1:-1])


@given(widths_strategy)
def test_json_round_trip(ws):
    G = mlp(ws)
    H = from_json(json.loads(json.dumps(to_json(G))))
    assert nx.utils.graphs_equal(G, H)
    assert widths(H) == ws


def test_a_complete_layered_graph_is_recognised_as_an_mlp():
    G = nx.DiGraph([(f"a{i}", f"b{j}") for i in range(2) for j in range(3)])
    G.add_edges_from((f"b{j}", "out") for j in range(3))
    assert widths(from_graph(G)) == [2, 3, 1]


def test_skip_connections_get_their_own_names():
    G = from_graph(nx.DiGraph([(0, 1), (1, 2), (0, 2), (2, 3), (0, 3), (1, 3)]))
    assert widths(G) is None
    assert [G.nodes[v]["layer"] for v in range(4)] == [0, 1, 2, 3]
    assert edge_parameter(G, 0, 2) == "W2_1_0_1"
    assert edge_parameter(G, 1, 2) == "W2_1_1"
    assert edge_parameter(G, 0, 3) == "w0_1" and edge_parameter(G, 2, 3) == "w1"
    assert bias_parameter(G, 3) == "b3" and output_node(G) == 3


def test_parameter_names_are_unique():
    G = from_graph(nx.DiGraph([(0, 2), (1, 2), (0, 3), (2, 3), (1, 4), (3, 4), (2, 4), (0, 4)]))
    names = [edge_parameter(G, u, v) for u, v in G.edges] + [
        bias_parameter(G, v) for v in G if G.nodes[v]["role"] != "input"
    ]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    "text, message",
    [
        ("2,a,1", "layer 1 width 'a' is not an integer"),
        ("", "expected comma-separated integers"),
        ("2,,1", "expected comma-separated integers"),
        ("0,1", "layer 0 has width 0"),
        ("2,-3,1", "layer 1 has width -3"),
        ("2,3,2", "output layer 2 has width 2"),
        ("1", "need at least an input and an output layer"),
        ("2,99999,1", "layer 1 has width 99999"),
        ("2.5,1", "not an integer"),
    ],
)
def test_malformed_widths_are_named(text, message):
    with pytest.raises(ArchitectureError, match=message):
        parse_widths(text)


@pytest.mark.parametrize(
    "edges, message",
    [
        ([("a", "b"), ("b", "c"), ("c", "a"), ("c", "y")], "cycle"),
        ([("a", "y"), ("b", "z")], "not connected"),
        ([("a", "h"), ("h", "y1"), ("h", "y2")], "2 output nodes"),
        ([("a", "a"), ("a", "y")], "cycle"),
    ],
)
def test_bad_graphs_are_rejected(edges, message):
    with pytest.raises(ArchitectureError, match=message):
        from_graph(nx.DiGraph(edges))


def test_bad_graph_inputs():
    with pytest.raises(ArchitectureError, match="at least one input"):
        from_graph(nx.DiGraph([("a", "a")]).subgraph([]).copy())
    with pytest.raises(ArchitectureError, match="DiGraph"):
        from_graph(nx.Graph([(0, 1)]))
    with pytest.raises(ArchitectureError, match="strings or integers"):
        from_graph(nx.DiGraph([((0, 1), "y")]))
    G = nx.DiGraph([("a", "y")])
    G.nodes["a"]["activation"] = "tanh"
    with pytest.raises(ArchitectureError, match="input node 'a'"):
        from_graph(G)


@pytest.mark.parametrize(
    "data, message",
    [
        ([], "must hold"),
        ({"nodes": [{"name": 1}], "edges": []}, "node entry 0"),
        ({"nodes": [{"id": "a"}], "edges": [{"source": "a", "target": "q"}]}, "unknown node 'q'"),
        ({"nodes": [{"id": [1]}], "edges": []}, "must be a string or integer"),
        ({"nodes": {}, "edges": []}, "must be lists"),
        ({"widths": [2, 3, 4]}, "output layer"),
        ({"widths": [1, 1], "edges": [{"source": "x1", "target": "y", "fixed_weight": 1}]}, "not both"),
    ],
)
def test_bad_graph_json(data, message):
    with pytest.raises(ArchitectureError, match=message):
        from_json(data)


def test_parse_architecture_reads_files(tmp_path):
    path = tmp_path / "g.json"
    path.write_text(json.dumps(to_json(mlp("3,2,1"))))
    assert widths(parse_architecture(str(path))) == [3, 2, 1]
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(ArchitectureError, match="not valid JSON"):
        parse_architecture(str(tmp_path / "bad.json"))
    with pytest.raises(ArchitectureError, match="cannot read"):
        parse_architecture(str(tmp_path / "missing.json"))
