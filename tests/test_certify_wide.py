"""Wide layered MLPs: witnesses that do not trip on sigma'' = 0, no graph, the SymPy-free biases."""

import random

import flint
import networkx as nx
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symmorse.exact.arrays import rational_matrix
from symmorse.exact.errors import ArchitectureError
from symmorse.exact.numbers import to_sympy
from symmorse.kernel import check_certificate
from symmorse.model.activations import get_activation
from symmorse.model.architecture import (
    MAX_EDGES,
    MAX_LAYERED_WEIGHTS,
    hidden_nodes,
    layers,
    mlp,
    parse_widths,
    plain_layered_widths,
)
from symmorse.search.certify import (
    _atom,
    _bias_text,
    _fibre_matrix,
    certify,
    chart_grid,
    layered_biases,
)
from symmorse.search.certify_graph import ordinary_biases, sample_chart_value
from symmorse.search.classify import classify

MONOTONE = ["tanh", "sigmoid", "softplus", "arctan", "poly:z**3+z"]


def _expected(ws: list[int]) -> tuple[str, str]:
    """The layered truth (DESIGN section 2) for a monotone activation: critical points and Morse."""
    c = classify(ws)
    if c.kind == "non-augmented":
        return "none", "generic"
    kinds = {b.kind for b in c.branches}
    return "generic", "fails" if "degenerate" in kinds else "generic"


@pytest.mark.parametrize("arch", ["60,61,1", "64,65,1", "32,64,64,1"])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_wide_inputs_are_proved_and_checked(arch, activation):
    """These answered ``undecided`` when a chart value landed on a zero of sigma''."""
    cert = certify(arch, activation)
    assert cert.status == "proved", cert.summary()
    assert (cert.critical_points, cert.morse) == _expected(parse_widths(arch))
    assert check_certificate(cert.to_json()).accepted


@settings(max_examples=8, deadline=None)
@given(
    st.integers(16, 64).flatmap(
        lambda n0: st.lists(st.integers(8, 256), min_size=1, max_size=3).map(lambda hs: [n0, *hs, 1])
    ),
    st.sampled_from(["tanh", "sigmoid"]),
    st.integers(0, 2**16),
)
def test_wide_random_architectures_are_never_undecided(ws, activation, seed):
    """Every layered verdict is decided (sigma' > 0): the witness search must find it."""
    cert = certify(ws, activation, seed=seed)
    assert cert.status == "proved", cert.summary()
    assert (cert.critical_points, cert.morse) == _expected(ws)


@pytest.mark.parametrize("activation", [*MONOTONE, "identity"])
def test_chart_grid_avoids_the_zeros_of_both_derivatives(activation):
    chart = get_activation(activation).chart
    d1, d2 = chart.exact
    lo, hi = chart.interval.inf, chart.interval.sup
    grid = chart_grid(chart)
    assert len(grid) >= 12
    for u, a, b in grid:
        assert lo < to_sympy(u) < hi and a == d1(u) != 0 and b == d2(u)
        assert b != 0 or activation == "identity"


@pytest.mark.parametrize("activation", MONOTONE)
def test_the_graph_sampler_avoids_the_zeros_of_both_derivatives(activation):
    chart = get_activation(activation).chart
    d1, d2 = chart.exact
    rng = random.Random(0)
    assert all(d1(u) != 0 and d2(u) != 0 for u in (sample_chart_value(chart, rng) for _ in range(300)))


def test_the_graph_route_proves_a_wide_input_too():
    cert = certify("24,25,1", "tanh", route="graph")
    assert (cert.critical_points, cert.morse, cert.status) == ("generic", "generic", "proved")


def test_the_layered_route_builds_no_graph(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a networkx graph was built")

    monkeypatch.setattr(nx.DiGraph, "add_edges_from", refuse)
    monkeypatch.setattr(nx.DiGraph, "add_edge", refuse)
    monkeypatch.setattr(nx.DiGraph, "add_nodes_from", refuse)
    monkeypatch.setattr(nx.DiGraph, "add_node", refuse)
    cert = certify("16,32,24,1", "tanh")
    data = cert.to_json()
    assert cert.status == "proved" and data["class"] == "augmented"
    assert classify("3,2,5,1").kind == "bottleneck"


@given(
    st.lists(st.fractions(max_denominator=50), min_size=1, max_size=12).filter(any),
    st.integers(1, 5),
    st.integers(0, 1000),
)
def test_fibre_matrices_are_orthogonal_to_y(y, cols, seed):
    y = [flint.fmpq(a.numerator, a.denominator) for a in y]
    W = rational_matrix(_fibre_matrix(y, cols, random.Random(seed)))
    assert flint.fmpq_mat(1, len(y), y) * W == flint.fmpq_mat(1, cols)


def test_a_fibre_matrix_with_huge_coefficients_is_exact():
    """Coefficients beyond int64 give an array of exact objects, still orthogonal to y."""
    y = [flint.fmpq(1), flint.fmpq(2**80 + 1), flint.fmpq(-(3**50), 7)]
    W = _fibre_matrix(y, 3, random.Random(0))
    assert W.dtype == object
    assert flint.fmpq_mat(1, 3, y) * rational_matrix(W) == flint.fmpq_mat(1, 3)


def _sympy_route(ws, activation, p):
    """The biases by :func:`ordinary_biases` on the graph (the SymPy route they replace)."""
    G = mlp(ws)
    groups = layers(G)
    index = {v: (l, i) for l, group in enumerate(groups) for i, v in enumerate(group)}
    acts = {v: get_activation(activation) for v in hidden_nodes(G)}

    def weight(a, b):
        l, i = index[b]
        return p.W[l][i, index[a][1]] if l in p.W else p.w[index[a][1], 0]

    biases = ordinary_biases(G, acts, weight, lambda v: p.u[index[v][0]][index[v][1]], p.x)
    return {str(l): [str(biases[v]) for v in groups[l]] for l in range(1, len(groups))}


@pytest.mark.parametrize("activation", MONOTONE)
@pytest.mark.parametrize("arch", ["2,3,1", "3,5,2,4,1", "1,4,4,1", "2,6,3,1"])
def test_layered_biases_are_the_sympy_routes_strings(arch, activation):
    for seed in range(3):
        cert = certify(arch, activation, seed=seed)
        acts = {l: cert.activation for l in range(1, len(cert.classification.widths) - 1)}
        for r in cert.results:
            if r.witness is not None:
                assert layered_biases(acts, r.witness) == _sympy_route(arch, activation, r.witness)


@given(
    st.sampled_from(["tanh", "sigmoid", "softplus"]),
    st.integers(0, 40),
    st.fractions(max_denominator=10**6).filter(lambda q: abs(q) < 10**4),
)
def test_bias_text_is_sympys_printing(activation, j, c):
    act = get_activation(activation)
    grid = chart_grid(act.chart)
    atom = _atom(act, grid[j % len(grid)][0])
    c = flint.fmpq(c.numerator, c.denominator)
    assert _bias_text(c, atom) == str(sympy.Add(to_sympy(c), atom.rest))


def test_layered_widths_go_past_the_graph_limit():
    ws = [256, 1024, 1024, 1]
    assert MAX_EDGES < sum(a * b for a, b in zip(ws, ws[1:])) <= MAX_LAYERED_WEIGHTS
    assert parse_widths(ws) == ws
    with pytest.raises(ArchitectureError, match="the limit for architecture graphs"):
        mlp(ws)
    with pytest.raises(ArchitectureError, match=f"> {MAX_LAYERED_WEIGHTS} \\(the limit for layered MLPs\\)"):
        parse_widths([4000, 4000, 1])


@pytest.mark.parametrize("ws", ["2,3,1", "3,5,2,4,1", "4,3,2,1"])
def test_an_annotated_layered_graph_takes_the_widths_route(ws, monkeypatch):
    """certify(mlp(ws)) reads the widths off the graph (no copy) and gives the same certificate."""
    G = mlp(ws)
    expected = certify(ws).to_json()

    def refuse(*args, **kwargs):
        raise AssertionError("the graph was copied")

    monkeypatch.setattr(nx.DiGraph, "add_edges_from", refuse)
    assert certify(G).to_json() == expected
    assert classify(G).to_json() == classify(ws).to_json()


def test_a_graph_that_only_claims_to_be_layered_is_analysed_as_a_graph():
    G = mlp("2,3,1")
    G.remove_edge("x1", "h1_1")
    G.add_edge("x1", "y")  # same number of edges, one skips a layer
    assert plain_layered_widths(G) is None
    assert classify(G).kind == "graph" and certify(G).to_json()["format"] == "symmorse-strata/1"


@pytest.mark.parametrize(
    "ws, activations",
    [("1,1", None), ("2,3,1", None), ("3,5,2,4,1", ["identity", None, "sigmoid"]), ("2,2,2,1", [None, None])],
)
def test_mlp_builds_what_from_graph_annotates(ws, activations):
    """The direct construction of a plain MLP equals from_graph of the raw graph, orders included."""
    from symmorse.model.architecture import _layer_names, from_graph, parse_widths

    widths = parse_widths(ws)
    names = [_layer_names(widths, layer) for layer in range(len(widths))]
    raw = nx.DiGraph()
    for layer, group in enumerate(names):
        for node in group:
            raw.add_node(node)
            if 0 < layer < len(widths) - 1 and activations and activations[layer - 1]:
                raw.nodes[node]["activation"] = activations[layer - 1]
        if layer:
            raw.add_edges_from((u, v) for v in group for u in names[layer - 1])
    want, got = from_graph(raw), mlp(ws, activations)
    assert [(v, list(d.items())) for v, d in got.nodes(data=True)] == [
        (v, list(d.items())) for v, d in want.nodes(data=True)
    ]
    assert list(got.edges(data=True)) == list(want.edges(data=True))
    assert all(list(got.predecessors(v)) == list(want.predecessors(v)) for v in want)
    assert got.graph == want.graph


def test_claims_longer_than_pythons_digit_limit_are_read_exactly():
    """det Hess of 256,1024,1024,1 has a 5,000-digit numerator; Python's int() stops at 4,300 digits."""
    from symmorse.exact.numbers import to_fmpq, to_rational
    from symmorse.kernel.base import number

    q = flint.fmpq(flint.fmpz(7) ** 7000 + 1, flint.fmpz(3) ** 50)
    for value in (q, -q):
        assert number(str(value), "det_hessian") == value
        assert to_fmpq(to_rational(str(value))) == value
    assert to_rational("+5/10") == sympy.Rational(1, 2)
