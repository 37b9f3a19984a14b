"""Residual networks: DAG construction, the exact 1-D counterexample, Euler steps, depth comparison."""

import mpmath
import pytest
import sympy
from hypothesis import assume, example, given
from hypothesis import strategies as st

from symmorse.exact.errors import ArchitectureError, InputError, WeightsError
from symmorse.kernel import check_certificate
from symmorse.model.node import NeuralODE, layer_field
from symmorse.model.resnet import euler_resnet, euler_step, resnet
from symmorse.search.node_classify import classify_node
from symmorse.search.resnet import (
    depth_compare,
    depth_compare_text,
    euler_block_analysis,
    single_unit_critical_points,
)

rationals = st.builds(lambda p, q: sympy.Rational(p, q), st.integers(-12, 12), st.integers(1, 4))


def block(v, w, b):
    return resnet(
        1,
        1,
        [1],
        lift=False,
        weights={"blocks": [{"W": [[w]], "b": [b], "V": [[v]]}], "out": {"W": [[1]], "b": 0}},
    )


def test_resnet_graph_network_is_the_residual_map():
    """Two 2-D blocks with a lift: Network output equals the recursion written out by hand."""
    A1, V1, A2, V2 = [[1, 2], [0, -1]], [[1], [-1]], [[3, 1]], [["1/2"], [2]]
    W, b = [[1, 0], [1, 1]], [0, "1/3"]
    weights = {
        "lift": {"W": W, "b": b},
        "out": {"W": [[2, -1]], "b": 1},
        "blocks": [{"W": [A1[0]], "b": [1], "V": V1}, {"W": A2, "b": [0], "V": V2}],
    }
    net = resnet(2, 2, [1, 1], "tanh", weights=weights)
    x = sympy.Matrix(net.inputs)
    h = sympy.Matrix(W) * x + sympy.Matrix([0, sympy.Rational(1, 3)])
    h = h + sympy.Matrix(V1) * sympy.Matrix([sympy.tanh((sympy.Matrix([A1[0]]) * h)[0] + 1)])
    h = h + sympy.Matrix([[sympy.Rational(1, 2)], [2]]) * sympy.Matrix(
        [sympy.tanh((sympy.Matrix(A2) * h)[0])]
    )
    expected = (sympy.Matrix([[2, -1]]) * h)[0] + 1
    assert sympy.simplify(net.output - expected) == 0
    # the structured Hessian (foundation code, unchanged) agrees with sympy's on the residual map
    at = {net.inputs[0]: sympy.Rational(1, 5), net.inputs[1]: sympy.Rational(-1, 2)}
    naive = sympy.hessian(expected, net.inputs).xreplace(at)
    assert all(abs(sympy.N(a - b, 30)) < 1e-25 for a, b in zip(net.hessian("x").xreplace(at), naive))


def test_skip_weights_are_fixed_to_one_and_rest_symbolic():
    net = resnet(1, 1, [2], lift=False)
    assert len(net.free_parameters) == 2 + 2 + 2 + 2  # block W, b, V and the output weight and bias
    assert {s.name: v for s, v in net.weights.items()} == {"W2_1_0_1": 1, "b2_1": 0}  # skip edge, state bias


@given(rationals, rationals, rationals)
def test_residual_block_critical_points_exact(v, w, b):
    """x + v tanh(w x + b): critical points iff v w < -1, at u^2 = 1 + 1/(v w), checked in sympy."""
    assume(w != 0 and v != 0)
    points = single_unit_critical_points(block(v, w, b))
    x = sympy.Symbol("x", real=True)
    phi = x + v * sympy.tanh(w * x + b)
    if v * w < -1:
        assert len(points) == 2
        for p in points:
            assert sympy.simplify(p.chart_value**2 - (1 + 1 / (v * w))) == 0
            assert sympy.simplify(sympy.diff(phi, x).xreplace({x: p.point})) == 0
            second = sympy.N(sympy.diff(phi, x, 2).xreplace({x: p.point}), 30)
            assert p.index == (0 if second > 0 else 1) and not p.degenerate
    elif v * w == -1:
        assert [(p.chart_value, p.degenerate) for p in points] == [(0, True)]
    else:
        assert points == []


def test_non_augmented_node_with_the_same_widths_has_none():
    """Beside the counterexample: the 1-D neural ODE h' = v tanh(w h + b) provably has no critical point."""
    node = NeuralODE(1, layer_field({"A": [[3]], "V": [[-1]], "c": ["1/2"]}))
    c = classify_node(node)
    assert (c.critical_points, c.status) == ("none", "proved") and c.certificate is not None
    assert len(single_unit_critical_points(block(-1, 3, sympy.Rational(1, 2)))) == 2


def test_euler_resnet_is_the_euler_recursion():
    node = NeuralODE(1, layer_field({"A": [[2]], "V": [[-1]], "c": [1]}), time="3/2")
    net = euler_resnet(node, 3, node.weights(W="1", W_out="2"))
    x = net.inputs[0]
    h = x
    for _ in range(3):
        h = h + sympy.Rational(1, 2) * (-sympy.tanh(2 * h + 1))
    assert sympy.simplify(net.output - 2 * h) == 0


def test_block_analysis_threshold():
    """1-D Euler block 1 + tau v a sech^2: singular iff tau v a <= -1; the bound proves K > T |v a|."""
    node = NeuralODE(1, layer_field({"A": [[3]], "V": [[-1]], "c": [0]}), time=1)
    verdicts = {K: euler_block_analysis(node, K).verdict for K in range(1, 6)}
    assert verdicts == {1: "singular", 2: "singular", 3: "singular", 4: "diffeomorphism", 5: "diffeomorphism"}
    assert euler_block_analysis(node, 1).steps_for_diffeomorphism == 4


@pytest.mark.parametrize("steps", [1, 2])
def test_depth_compare_exact_points_agree_with_numerics(steps):
    node = NeuralODE(1, layer_field({"A": [[3]], "V": [[-1]], "c": ["1/2"]}))
    d = depth_compare(node, steps)
    assert d.node_classification.critical_points == "none"
    net = euler_resnet(node, steps, node.weights(W="1", W_out="1"))
    for p in d.resnet_critical_points:
        with mpmath.workdps(40):
            point = mpmath.mpf(str(sympy.N(p.point, 40)))
        e = net.evaluate([point], prec=35)
        assert abs(e.gradient[0]) < mpmath.mpf(10) ** -30
        assert p.index == (0 if e.hessian[0][0] > 0 else 1)
    assert f"Euler ResNet (K = {steps}" in depth_compare_text(d)


@pytest.mark.parametrize("steps", [1, 2])
def test_depth_compare_sets_the_residual_architectures_proved_verdicts_beside_the_flow(steps):
    """Same widths n = m = 1: the flow has no critical point for any weights, the ResNet on an open set."""
    node = NeuralODE(1, layer_field({"A": [[3]], "V": [[-1]], "c": ["1/2"]}))
    d = depth_compare(node, steps)
    arch = d.architecture
    assert arch.classification.architecture == "resnet:1,1," + ",".join(["1"] * steps)
    assert (arch.critical_points, arch.morse, arch.status) == ("generic", "generic", "proved")
    assert check_certificate(arch.to_json()).accepted
    assert d.node_classification.critical_points == "none"
    text = depth_compare_text(d)
    assert "They differ" in text and "can be singular" in text
    assert d.to_json()["resnet"]["architecture"]["critical_points"] == "generic"


def test_depth_compare_fine_steps_have_no_critical_points():
    node = NeuralODE(1, layer_field({"A": [[3]], "V": [[-1]], "c": [0]}))
    d = depth_compare(node, 4)
    assert d.block.verdict == "diffeomorphism" and "no critical points (proved)" in d.resnet_summary


def test_depth_compare_multidimensional_singular_block():
    node = NeuralODE(2, layer_field({"A": [[1, 2], [0, 1]], "V": [[-1, 0], [1, -3]], "c": [0, 1]}))
    d = depth_compare(node, 1)
    assert d.block.verdict == "singular"
    u = d.block.singular_chart_point
    D = sympy.diag(*[1 - ui**2 for ui in u])
    A, V = sympy.Matrix([[1, 2], [0, 1]]), sympy.Matrix([[-1, 0], [1, -3]])
    assert sympy.simplify((sympy.eye(2) + V * D * A).det()) == 0


def test_units_sharing_a_preactivation_are_not_independent_chart_values():
    """A = (1, 1)^T, V = (3, -2): both units see h, the block is h + tanh(h) with slope >= 1."""
    layers = {"A": [[1], [1]], "V": [[3, -2]], "c": [0, 0]}
    node = NeuralODE(1, layer_field(layers))
    h = node.h[0]
    slope = sympy.diff(h + 3 * sympy.tanh(h) - 2 * sympy.tanh(h), h)
    assert sympy.simplify(slope - (2 - sympy.tanh(h) ** 2)) == 0  # >= 1 everywhere
    d = depth_compare(node, 1)
    assert d.block.verdict == "diffeomorphism" and d.resnet_status == "none (proved)"


def _slope(A, V, c, h):
    """The derivative of the 1-D block h + V tanh(A h + c), numerically."""
    return 1 + sum(v * a * mpmath.sech(a * h + ci) ** 2 for v, a, ci in zip(V, A, c))


@given(
    st.integers(-2, 2).filter(bool),
    st.sampled_from([1, 2, -1]),
    st.lists(st.integers(-3, 3), min_size=2, max_size=2),
    st.sampled_from([0, sympy.Rational(1, 2)]),
)
@example(1, 1, [3, -2], 0)  # the block h + tanh(h), once claimed singular
@example(1, 2, [3, -2], 0)  # slope 13 h^2 + ... touches 0 at h = 0
def test_random_dependent_units_block_verdicts_hold_numerically(a, ratio, V, c2):
    """Two units with dependent pre-activations (A = (a, ratio a)): every verdict is checked on a grid."""
    A, c = [a, ratio * a], [0, c2]
    node = NeuralODE(1, layer_field({"A": [[A[0]], [A[1]]], "V": [V], "c": c}))
    verdict = euler_block_analysis(node, 1).verdict
    with mpmath.workdps(20):
        values = [_slope(A, V, [mpmath.mpf(ci) for ci in c], mpmath.mpf(k) / 100) for k in range(-800, 801)]
    if verdict == "diffeomorphism":
        assert all(v > 0 for v in values) or all(v < 0 for v in values)
    elif verdict == "singular":
        assert min(abs(v) for v in values) < mpmath.mpf(10) ** -2 or (min(values) < 0 < max(values))


def test_block_without_a_chart_is_searched_over_h():
    """silu has no chart: x - 2 silu(x) has slope 1 - 2 silu'(x), which changes sign (silu' > 1/2 at 3)."""
    z = sympy.Symbol("z")
    silu_slope = sympy.diff(z / (1 + sympy.exp(-z)), z)
    assert (1 - 2 * silu_slope).subs(z, 3).evalf() < 0 < (1 - 2 * silu_slope).subs(z, -3).evalf()
    node = NeuralODE(1, layer_field({"A": [[1]], "V": [[-2]], "c": [0], "activation": "silu"}))
    d = depth_compare(node, 1)
    assert d.block.verdict == "singular" and d.resnet_status == "possible (not enumerated)"


def test_constant_output_weight_makes_both_sides_constant():
    node = NeuralODE(1, layer_field({"A": [[1]], "V": [[-2]], "c": [0]}))
    d = depth_compare(node, 1, node.weights(W="1", W_out="0"))
    assert d.node_classification.node_class == "constant" and d.resnet_status == "everywhere (proved)"
    assert sympy.diff(euler_resnet(node, 1, node.weights(W="1", W_out="0")).output, "x1") == 0


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ({"lift": {"b": [0]}}, "'lift' lacks"),
        ({"blocks": [{"W": [[1]]}]}, "block 1 lacks"),
        ({"out": {}}, "'out' lacks"),
        ({"lift": [1]}, "must be an object"),
        ({"blocks": {"W": 1}}, "must be a list"),
        ({"blocks": [5]}, "block 1 must be an object"),
        ({"blocks": [{"W": [[1]], "V": [[1]], "w": 1}]}, "unknown keys"),
        ([1], "must be an object"),
    ],
)
def test_malformed_weights_are_weights_errors(weights, match):
    with pytest.raises(WeightsError, match=match):
        resnet(1, 1, [1], weights=weights)


def test_bad_input():
    with pytest.raises(ArchitectureError, match="m = n"):
        resnet(2, 3, [1], lift=False)
    with pytest.raises(ArchitectureError, match="block widths"):
        resnet(1, 1, [0])
    with pytest.raises(InputError, match="layered field"):
        depth_compare(NeuralODE(1, "-h1**3"), 1)
    with pytest.raises(InputError, match="Euler steps"):
        euler_resnet(NeuralODE(1, layer_field({"A": [[1]], "V": [[1]]})), 0, None)
    with pytest.raises(InputError, match="Euler steps"):
        euler_block_analysis(NeuralODE(1, layer_field({"A": [[1]], "V": [[1]]})), True)
    with pytest.raises(InputError, match="Euler steps"):
        euler_step(sympy.Integer(1), -2)
