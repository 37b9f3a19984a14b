"""Structured gradient and Hessian against SymPy's naive route, and more.

The naive route differentiates the expanded expression Phi with ``sympy.diff``
and ``sympy.hessian``; the structured route never does.  They must agree
exactly (polynomial activations) or to 50 digits at random rational points.
"""

import random

import mpmath
import networkx as nx
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symmorse.exact.errors import ActivationError, WeightsError
from symmorse.model.activations import activation_names, get_activation
from symmorse.model.architecture import from_graph, layers
from symmorse.model.network import Network, determinant, weights_from_layers

from .helpers import agree, random_rational

ALL_ACTIVATIONS = activation_names() + ["poly:z**3+z", "poly:z**2"]
ARCHS = ["1,2,1", "2,3,1", "2,3,2,1", "3,2,4,1"]


def skip_graph() -> nx.DiGraph:
    """Two inputs, a hidden chain with a skip from input to the second layer and to y."""
    return nx.DiGraph(
        [
            ("a", "p"),
            ("b", "p"),
            ("b", "q"),
            ("p", "r"),
            ("a", "r"),
            ("q", "r"),
            ("r", "y"),
            ("b", "y"),
            ("q", "y"),
        ]
    )


def random_point(net: Network, seed: object) -> dict:
    rng = random.Random(str(seed))
    return {s: random_rational(rng) for s in net.inputs + net.free_parameters}


def assert_structured_equals_naive(net: Network, points: int = 2, exact: bool = False) -> None:
    phi, xs = net.output, net.inputs
    naive_gradient = [sympy.diff(phi, x) for x in xs]
    naive_hessian = sympy.hessian(phi, xs)
    gradient, hessian = net.gradient(), net.hessian()
    if exact:
        assert all(sympy.expand(a - b) == 0 for a, b in zip(gradient, naive_gradient))
        assert sympy.expand(hessian - naive_hessian) == sympy.zeros(len(xs))
        return
    for k in range(points):
        values = random_point(net, (net, k))
        for a, b in zip(gradient, naive_gradient):
            assert agree(a, b, values)
        for a, b in zip(hessian, naive_hessian):
            assert agree(a, b, values)


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_structured_equals_naive_on_the_listed_architectures(arch, activation):
    assert_structured_equals_naive(Network(arch, activation))


@pytest.mark.parametrize("activation", ALL_ACTIVATIONS)
def test_structured_equals_naive_for_every_activation(activation):
    assert_structured_equals_naive(Network("2,2,1", activation), points=3)


@pytest.mark.parametrize("arch", ARCHS)
def test_structured_equals_naive_exactly_for_polynomials(arch):
    assert_structured_equals_naive(Network(arch, "poly:z**2+z"), exact=True)


@pytest.mark.parametrize("activation", ["tanh", "arctan", "poly:z**3+z"])
def test_structured_equals_naive_on_a_graph_with_skip_connections(activation):
    net = Network(skip_graph(), activation)
    assert net.widths is None
    assert_structured_equals_naive(net, exact=activation.startswith("poly"))


def test_mixed_activations_per_node():
    G = skip_graph()
    G.nodes["q"]["activation"] = "identity"
    G.nodes["p"]["activation"] = "sigmoid"
    assert_structured_equals_naive(Network(G, "tanh"))


def test_concrete_weights_structured_equals_naive():
    net = Network("2,3,1", "tanh")
    rng = random.Random(7)
    concrete = net.substitute({p: random_rational(rng) for p in net.parameters})
    assert concrete.free_parameters == []
    assert concrete.output.free_symbols == set(concrete.inputs)
    assert_structured_equals_naive(concrete, points=3)


@st.composite
def layered_networks(draw):
    ws = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)) + [1]
    act = draw(st.sampled_from(["tanh", "sigmoid", "softplus", "arctan", "poly:z**3+z"]))
    return Network(ws, act)


@given(layered_networks(), st.integers(0, 10**6))
def test_hypothesis_random_layered_architectures(net, seed):
    phi = net.output
    values = random_point(net, seed)
    for i, x in enumerate(net.inputs):
        assert agree(net.gradient()[i], sympy.diff(phi, x), values)
        for j, y in enumerate(net.inputs[: i + 1]):
            assert agree(net.hessian()[i, j], sympy.diff(phi, x, y), values)


@st.composite
def random_dags(draw):
    """Random connected DAGs with one output: nodes 0..n-1 in topological order."""
    n = draw(st.integers(3, 7))
    edges = set()
    for v in range(1, n):
        preds = draw(st.sets(st.integers(0, v - 1), min_size=0, max_size=min(v, 3)))
        edges |= {(u, v) for u in preds}
    for u in range(n - 1):  # every node but the last feeds something later
        if not any(a == u for a, _ in edges):
            edges.add((u, draw(st.integers(u + 1, n - 1))))
    return nx.DiGraph(sorted(edges))


@given(random_dags(), st.sampled_from(["tanh", "poly:z**2+z"]), st.integers(0, 10**6))
def test_hypothesis_random_graphs(G, activation, seed):
    sinks = [v for v in G if G.out_degree(v) == 0]
    if len(sinks) != 1 or not nx.is_weakly_connected(G):
        return
    net = Network(from_graph(G), activation)
    values = random_point(net, seed)
    phi = net.output
    for i, x in enumerate(net.inputs):
        assert agree(net.gradient()[i], sympy.diff(phi, x), values)
        for j, y in enumerate(net.inputs):
            assert agree(net.hessian()[i, j], sympy.diff(phi, x, y), values)


@pytest.mark.parametrize("arch", ARCHS + ["3,2,5,1"])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "softplus", "arctan", "poly:z**3+z"])
def test_chart_hessian_is_the_hessian_under_u_equals_c_of_z(arch, activation):
    net = Network(arch, activation)
    in_x = net.hessian("chart").xreplace(net.chart_substitution())
    values = random_point(net, arch)
    for a, b in zip(in_x, net.hessian()):
        assert agree(a, b, values)
    chart_hessian = net.hessian("chart")
    assert not chart_hessian.free_symbols & set(net.inputs)


@pytest.mark.parametrize("arch", ARCHS)
def test_abbreviated_forms_expand_to_the_x_forms(arch):
    net = Network(arch, "tanh")
    sub = net.preactivation_substitution()
    for a, b in zip(net.hessian("z").xreplace(sub), net.hessian()):
        assert a == b


@pytest.mark.parametrize("arch", ["2,3,2,1", "3,2,4,1"])
def test_backward_vectors_follow_the_matrix_recursion(arch):
    """v_{l-1} = W_l^T D_l v_l and J_l = W_l D_{l-1} J_{l-1}, built here with matrices."""
    net = Network(arch, "sigmoid")
    G, ws = net.graph, net.widths
    groups = layers(G)
    W = [None] + [
        sympy.Matrix(ws[l], ws[l - 1], lambda i, j, l=l: net.weight(groups[l - 1][j], groups[l][i]))
        for l in range(1, len(ws))
    ]
    u = net.chart_symbols
    act = get_activation("sigmoid")
    D = [None] + [sympy.diag(*[act.chart.d1_at(u[v]) for v in groups[l]]) for l in range(1, len(ws) - 1)]
    S = [None] + [[act.chart.d2_at(u[v]) for v in groups[l]] for l in range(1, len(ws) - 1)]
    v = {len(ws) - 2: W[-1].T}
    for l in range(len(ws) - 2, 0, -1):
        v[l - 1] = W[l].T * D[l] * v[l]
    structured = net.backward_vectors("chart")
    for l, vec in v.items():
        assert sympy.expand(vec - structured[l]) == sympy.zeros(*vec.shape)
    J = {1: W[1]}
    for l in range(2, len(ws) - 1):
        J[l] = W[l] * D[l - 1] * J[l - 1]
    hessian = sum(
        (J[l].T * sympy.diag(*[S[l][i] * v[l][i] for i in range(ws[l])]) * J[l] for l in J),
        sympy.zeros(ws[0]),
    )
    assert sympy.expand(hessian - net.hessian("chart")) == sympy.zeros(ws[0])


def test_determinant_matches_sympy():
    rng = random.Random(3)
    for n in range(1, 6):
        M = sympy.Matrix(n, n, lambda i, j: random_rational(rng))
        assert determinant(M.tolist()) == M.det()
    a = sympy.symbols("a:9")
    M = sympy.Matrix(3, 3, a)
    assert sympy.expand(determinant(M.tolist()) - M.det()) == 0


def test_hessian_det_is_the_determinant_of_the_hessian():
    net = Network("3,2,4,1", "sigmoid")
    values = random_point(net, 1)
    values.update({u: sympy.Rational(k + 1, 7) for k, u in enumerate(net.chart_symbols.values())})
    assert net.hessian_det("chart").xreplace(values) == net.hessian("chart").xreplace(values).det()


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "softplus", "arctan", "gelu", "silu"])
def test_mpmath_evaluation_agrees_with_sympy(activation):
    net = Network("2,3,2,1", activation)
    values = random_point(net, activation)
    weights = {s.name: v for s, v in values.items() if s in net.parameters}
    x = [values[s] for s in net.inputs]
    e = net.evaluate(x, weights, prec=60)
    with mpmath.workdps(60):
        assert abs(e.value - sympy.N(net.output.xreplace(values), 60)) < 1e-50
        for i in range(2):
            assert abs(e.gradient[i] - sympy.N(net.gradient()[i].xreplace(values), 60)) < 1e-50
            for j in range(2):
                assert abs(e.hessian[i][j] - sympy.N(net.hessian()[i, j].xreplace(values), 60)) < 1e-50


def test_known_closed_form():
    """Phi(x) = tanh(x1) + tanh(x2) has Hess = diag(-2 tanh(x) (1 - tanh(x)^2))."""
    weights = [{"W": [[1, 0], [0, 1]], "b": [0, 0]}, {"W": [[1, 1]], "b": [0]}]
    net = Network("2,2,1", "tanh", weights)
    x1, x2 = net.inputs
    assert net.output == sympy.tanh(x1) + sympy.tanh(x2)
    expected = sympy.diag(*[-2 * sympy.tanh(x) * (1 - sympy.tanh(x) ** 2) for x in (x1, x2)])
    assert sympy.expand(net.hessian() - expected) == sympy.zeros(2)
    assert net.gradient()[0] == 1 - sympy.tanh(x1) ** 2


def test_floats_are_exact_binary_fractions():
    net = Network("1,1,1", "tanh", {"W1_1_1": 0.1, "b1_1": 0, "w1": 1, "b2": 0})
    assert net.weights[net.symbol("W1_1_1")] == sympy.Rational(3602879701896397, 2**55)


def test_bad_weights():
    with pytest.raises(WeightsError, match="unknown parameter 'W9_1_1'"):
        Network("2,3,1", "tanh", {"W9_1_1": 1})
    with pytest.raises(WeightsError, match="W1_1_1"):
        Network("2,3,1", "tanh", {"W1_1_1": float("nan")})
    with pytest.raises(WeightsError, match="layer 1: W must be a 3 x 2 matrix"):
        Network("2,3,1", "tanh", [{"W": [[1, 2]], "b": [0, 0, 0]}, {"W": [[1, 1, 1]], "b": [0]}])
    with pytest.raises(WeightsError, match="needs 2 layers"):
        weights_from_layers(Network("2,3,1").graph, [])
    with pytest.raises(WeightsError, match="no value for"):
        Network("1,1,1").evaluate([0])


def test_chart_needs_a_charted_activation():
    with pytest.raises(ActivationError, match="no chart"):
        Network("1,2,1", "silu").hessian("chart")
