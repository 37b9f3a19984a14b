"""Neural ODEs: flows, derivatives through the flow, numerics, classification and witnesses."""

import copy
import random
import subprocess
import sys

import mpmath
import pytest
import sympy
from hypothesis import event, given, settings
from hypothesis import strategies as st

from symmorse.exact.errors import CertificateError, ExpressionError, InputError, WeightsError
from symmorse.exact.numbers import real_analytic
from symmorse.kernel import check_certificate
from symmorse.kernel import node as kernel_node
from symmorse.model.flows import TIME, closed_form_flow
from symmorse.model.node import NeuralODE, input_symbols, layer_field, phase_symbols
from symmorse.model.variational import flow_with_variations
from symmorse.search import node_certificate, node_classify
from symmorse.search.node_classify import classify_node
from symmorse.search.node_critical import node_critical_points

from .helpers import random_rational


def classify(node, **kwargs):
    """classify_node, checking that the kernel accepts every certificate it writes.

    The search claims, the kernel re-checks: ``proved`` comes with a certificate, and only then.
    """
    c = classify_node(node, **kwargs)
    assert (c.status == "proved") == (c.certificate is not None), (c.status, c.reason)
    if c.certificate is not None:
        result = check_certificate(copy.deepcopy(c.certificate))
        assert result.accepted, result.reason
    return c


rationals = st.builds(lambda p, q: sympy.Rational(p, q), st.integers(-6, 6), st.integers(1, 4))


# -- flows -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field",
    [
        "h2, -h1",  # rotation: complex eigenvalues
        "h1 + 2*h2 + 1, 3*h2 - 1",  # affine, real eigenvalues
        "h2, h3, 0",  # nilpotent
        "h1 + h2, h1 - h2",  # real irrational eigenvalues (sympy's exp(M t) left t/t, nan at t = 0)
        "-h1 + 2*h2, -2*h1",  # complex eigenvalues with a real part
        "-h1, h1**2 - h2",  # triangular with decay
        "0, h1**3, h1*h2",  # triangular polynomial (shear-like)
    ],
)
def test_closed_form_flow_agrees_with_integration(field):
    """Closed forms (matrix exponential, quadrature) match an independent numerical integration."""
    node = NeuralODE(1, field, time="3/4")
    assert node.flow is not None
    assert all(real_analytic(p) for p in node.flow.expressions)  # global, as the kernel needs
    rng = random.Random(field)
    y = [random_rational(rng, 2, 3) for _ in range(node.m)]
    exact_phi = [p.xreplace({**dict(zip(node.h, y)), TIME: node.T}) for p in node.flow.expressions]
    numeric = flow_with_variations(node.field, node.h, y, node.T, digits=30)
    with mpmath.workdps(40):
        for a, b in zip(exact_phi, numeric.value):
            assert abs(sympy.N(a, 40) - b) < mpmath.mpf(10) ** -27


def test_matrix_exponential_is_real_and_solves_the_ode():
    h = phase_symbols(2)
    flow = closed_form_flow([h[0] + h[1], h[1] - h[0]], h)
    assert not any(p.has(sympy.I) for p in flow.expressions)
    # independent check: d/dt phi = A phi by differentiation in sympy
    A = sympy.Matrix([[1, 1], [-1, 1]])
    phi = sympy.Matrix(flow.expressions)
    assert sympy.simplify(phi.diff(TIME) - A * phi) == sympy.zeros(2, 1)


def test_non_triangular_nonlinear_field_has_no_closed_form():
    assert NeuralODE(1, "h2**2, h1**2").flow is None


def test_user_flow_checked():
    node = NeuralODE(1, "h2, -h1", flow="h1*cos(t) + h2*sin(t), h2*cos(t) - h1*sin(t)")
    assert node.flow.method.startswith("user-given")
    with pytest.raises(InputError, match="does not solve"):
        _ = NeuralODE(1, "h2, -h1", flow="h1*cos(t), h2").flow
    with pytest.raises(InputError, match="3 components"):
        _ = NeuralODE(1, "h2, -h1, 0", flow="h1, h2").flow


def test_user_flow_for_field_without_closed_form():
    """h' = (1, cos h1) is beyond quadrature here; the user supplies the (global) flow."""
    assert closed_form_flow(NeuralODE(1, "1, cos(h1)").field, phase_symbols(2)) is None
    node = NeuralODE(1, "1, cos(h1)", flow="h1 + t, h2 + sin(h1 + t) - sin(h1)")
    assert node.flow.method.startswith("user-given")


# -- derivatives through the flow -----------------------------------------------------------


@given(st.lists(rationals, min_size=9, max_size=9))
def test_hessian_through_flow_equals_naive_hessian(values):
    """grad Phi = W^T Dphi^T W~^T and Hess Phi = W^T (sum W~_i D^2 phi_i) W match sympy on Phi(x)."""
    node = NeuralODE(2, "0, h1*h2, h1**2 - h3")
    W = [[values[0], values[1]], [values[2], values[3]], [values[4], values[5]]]
    weights = node.weights(W=W, b=[values[6], 0, 1], W_out=[1, values[7], values[8]])
    x = input_symbols(2)
    phi = node.output(weights)
    at = {x[0]: sympy.Rational(1, 3), x[1]: sympy.Rational(-1, 2)}
    y = weights.W * sympy.Matrix([at[x[0]], at[x[1]]]) + weights.b
    _, D, D2 = node.derivatives_at(list(y))
    grad = weights.W.T * D.T * weights.W_out.T
    H = weights.W.T * sum((w * Hi for w, Hi in zip(weights.W_out, D2)), sympy.zeros(3, 3)) * weights.W
    naive_grad = sympy.Matrix([sympy.diff(phi, xi) for xi in x]).xreplace(at)
    naive_H = sympy.hessian(phi, x).xreplace(at)
    assert sympy.simplify(grad - naive_grad) == sympy.zeros(2, 1)
    assert sympy.simplify(H - naive_H) == sympy.zeros(2, 2)


def test_numerical_variations_agree_with_exact_to_the_stated_precision():
    node = NeuralODE(1, "-h1, h1**2 + h2/2")
    y = [sympy.Rational(2, 3), sympy.Rational(-1, 5)]
    _, D, D2 = node.derivatives_at(y)
    for digits in (20, 40):
        num = node.variations(y, digits, integrate=True)
        with mpmath.workdps(digits + 10):
            tol = mpmath.mpf(10) ** (-digits + 2)
            for i in range(2):
                for j in range(2):
                    assert abs(num.jacobian[i, j] - sympy.N(D[i, j], digits + 10)) < tol
                    assert abs(num.hessians[1][i, j] - sympy.N(D2[1][i, j], digits + 10)) < tol


def test_evaluate_numeric_matches_exact_phi():
    node = NeuralODE(2, "0, 0, h1**2 - h2**2")
    w = node.weights(W="1,0;0,1;1,1", b="0,1,0", W_out="1,0,2")
    phi = node.output(w)
    x = input_symbols(2)
    e = node.evaluate(["1/3", "-2"], w, 25)
    exact = phi.xreplace({x[0]: sympy.Rational(1, 3), x[1]: -2})
    assert mpmath.almosteq(e.value, sympy.N(exact, 30), 1e-22)


# -- critical points for given weights -----------------------------------------------------


def test_newton_critical_points_agree_with_exact_ones():
    """Phi = x^3 - 3x through a shear flow: critical points +-1 with index 0 and 1, to 30 digits."""
    node = NeuralODE(1, "0, h1**3 - 3*h1")
    points = node_critical_points(node, node.weights(W="1; 0"), 30, starts=[["3/2"], ["-3/2"], ["1/10"]])
    by_sign = {int(mpmath.sign(p.point[0])): p for p in points}
    assert set(by_sign) == {1, -1}
    with mpmath.workdps(40):
        assert abs(by_sign[1].point[0] - 1) < mpmath.mpf(10) ** -28
        assert abs(by_sign[-1].point[0] + 1) < mpmath.mpf(10) ** -28
    assert by_sign[1].index == 0 and by_sign[-1].index == 1


def test_newton_with_integrated_flow_matches_closed_form():
    node = NeuralODE(1, "-h1, h1**2")
    w = node.weights(W="1; 0", b="1/2, 0", W_out="-1, 1")
    exact = node_critical_points(node, w, 20, starts=[["1"], ["-1"], ["-2"]])
    numeric = node_critical_points(node, w, 20, starts=[["1"], ["-1"], ["-2"]], integrate=True)
    assert len(exact) == len(numeric) >= 1
    for a, b in zip(sorted(exact, key=lambda p: p.point[0]), sorted(numeric, key=lambda p: p.point[0])):
        assert abs(a.point[0] - b.point[0]) < mpmath.mpf(10) ** -18 and a.index == b.index


def test_newton_keeps_a_slowly_converging_degenerate_critical_point():
    """Phi = x^3: Newton halves x each step (linear convergence); after 80 steps its gradient keeps it."""
    node = NeuralODE(1, "0, h1**3")
    (p,) = node_critical_points(node, node.weights(W="1; 0"), 30)
    assert p.degenerate and p.index is None
    assert 0 < abs(p.point[0]) < mpmath.mpf(10) ** -20


def test_newton_start_points_are_checked():
    node = NeuralODE(2, "0, 0, h1**2")
    with pytest.raises(WeightsError, match="start point must have 2 entries"):
        node_critical_points(node, node.weights(), 15, starts=[[1]])


# -- classification -------------------------------------------------------------------------


def _check_witness_independently(node, c):
    """Rebuild the weights of a witness and confirm grad Phi(0) = 0, det Hess Phi(0) != 0 with sympy."""
    wit = c.witness
    W = sympy.Matrix([[sympy.Rational(v) for v in row] for row in wit["W"]]) if "W" in wit else None
    W = W if W is not None else sympy.Matrix([[sympy.Rational(v) for v in r] for r in c.certificate["W"]])
    w_out = [sympy.sympify(v) for v in wit["W_out"]]
    weights = node.weights(W=W.tolist(), b=wit["y"], W_out=[0] * node.m)
    weights = type(weights)(weights.W, weights.b, sympy.Matrix([w_out]), 0)
    phi = node.output(weights)
    x = input_symbols(node.n)
    zero = dict.fromkeys(x, 0)
    grad = [sympy.simplify(sympy.sympify(sympy.diff(phi, xi).xreplace(zero)).rewrite(sympy.exp)) for xi in x]
    H = sympy.hessian(phi, x).xreplace(zero)
    return grad, sympy.simplify(sympy.sympify(H.det()).rewrite(sympy.exp))


@pytest.mark.parametrize(
    ("n", "field", "W", "expected"),
    [
        (2, "0, h1**2", None, ("non-augmented", "none", "generic")),  # m = n, a closed-form global flow
        (3, "h2, h1", None, ("non-augmented", "none", "generic")),  # m < n, an affine field
        (1, "0, h1**3", None, ("augmented", "generic", "generic")),  # m = n + 1
        (2, "0, 0, h1*h2, h1**2 - h2**2", None, ("augmented", "generic", "generic")),  # m = n + 2
        (1, "-h1, h1**2", None, ("augmented", "generic", "generic")),  # transcendental flow
        (2, "0, 0, h1**2*h2", "1,1;1,1;0,0", ("degenerate", "generic", "fails")),  # rank W = 1 < n
        (1, "h2, -h1", None, ("affine", "null-set", "fails")),  # linear field
        (2, "h2 + 1, -h1, h3", None, ("affine", "null-set", "fails")),  # affine, m = n + 1
    ],
)
def test_classification_with_checked_certificates(n, field, W, expected):
    node = NeuralODE(n, field)
    c = classify(node, W=W)
    assert (c.node_class, c.critical_points, c.morse) == expected
    assert c.status == "proved" and c.certificate is not None
    if c.node_class in ("augmented", "degenerate"):
        grad, det = _check_witness_independently(node, c)
        assert grad == [0] * n
        if c.node_class == "augmented":
            assert det != 0 and det.is_number  # a Morse critical point
        else:
            assert det == 0  # degenerate, as claimed


def test_linear_field_is_affine_phi_never_generic():
    """A linear field gives an affine Phi: Hess = 0 for any weights, so the answer is fails, not generic."""
    node = NeuralODE(2, "h2, h3, -h1")
    c = classify(node)
    assert c.morse == "fails" and c.critical_points == "null-set"
    rng = random.Random(3)
    W = sympy.Matrix(3, 2, lambda i, j: random_rational(rng))
    weights = node.weights(W=W.tolist(), W_out=[1, 2, 3])
    assert sympy.hessian(node.output(weights), input_symbols(2)) == sympy.zeros(2, 2)


def test_constant_output_weight():
    c = classify(NeuralODE(1, "0, h1**3"), W_out="0, 0")
    assert (c.node_class, c.critical_points, c.morse, c.status) == (
        "constant",
        "everywhere",
        "fails",
        "proved",
    )


def _slope(node, weights):
    """d Phi/dx of an affine neural ODE, from Phi itself (sympy), at a random bias."""
    rng = random.Random(7)
    b = [random_rational(rng) for _ in range(node.m)]
    w = type(weights)(weights.W, sympy.Matrix(b), weights.W_out, weights.b_out)
    return [sympy.simplify(sympy.diff(node.output(w), x).rewrite(sympy.exp)) for x in input_symbols(node.n)]


@pytest.mark.parametrize(
    ("field", "W", "W_out", "verdict"),
    [
        ("0, 0", "1; 0", "0, 1", ("everywhere", "fails")),  # Phi = b2: constant, although W, W_out != 0
        ("0, 0", "1; 0", "1, 1", ("none", "generic")),
        ("h2, 0", "0; 1", "1, -1", ("everywhere", "fails")),  # shear: slope T w1 + w2 = 0
        ("h2, -h1", "1; 0", "2, 3", ("none", "generic")),  # rotation: slope 2 cos 1 - 3 sin 1
    ],
)
def test_given_W_out_with_affine_field_is_the_users_network(field, W, W_out, verdict):
    """Affine field, W and W~ given: the verdict is about that network, checked on Phi itself."""
    node = NeuralODE(1, field)
    c = classify(node, W=W, W_out=W_out)
    assert (c.node_class, c.critical_points, c.morse, c.status) == ("affine", *verdict, "proved")
    assert c.certificate["W_out"] is not None and "W_out" not in c.free_weights
    slope = _slope(node, node.weights(W=W, W_out=W_out))
    assert (slope == [0]) == (verdict[0] == "everywhere")


@given(st.lists(st.integers(-2, 2), min_size=4, max_size=4), st.integers(-2, 2), st.integers(-2, 2))
@settings(max_examples=6, deadline=None)
def test_random_affine_fields_with_given_weights(A, w1, w2):
    """Random linear 2-D fields and W = (1, 1)^T: none iff Phi has a non-zero slope (sympy on Phi)."""
    node = NeuralODE(1, f"{A[0]}*h1 + {A[1]}*h2, {A[2]}*h1 + {A[3]}*h2", time="1/2")
    c = classify(node, W="1; 1", W_out=[w1, w2])
    if (w1, w2) == (0, 0):
        assert c.node_class == "constant"
        return
    if c.status != "proved":  # no closed-form flow here
        assert node.flow is None and c.critical_points == "undecided"
        return
    slope = _slope(node, node.weights(W="1; 1", W_out=[w1, w2]))
    assert c.critical_points == ("everywhere" if slope == [0] else "none")


def test_generic_verdict_does_not_pose_as_the_given_W_out():
    """For W = (1, 0)^T, W~ = (1, 1) Phi' = 1 + 3 (x + b1)^2 > 0, yet the class is generic in W~."""
    node = NeuralODE(1, "0, h1**3")
    weights = node.weights(W="1; 0", W_out="1, 1")
    (x,) = input_symbols(1)
    assert sympy.expand(sympy.diff(node.output(weights), x) - (1 + 3 * x**2)) == 0
    c = classify(node, W="1; 0", W_out="1, 1")
    assert c.critical_points == "generic" and c.status == "proved"
    assert c.certificate["W_out"] is None and c.certificate["claims"]["free_weights"] == [
        "b",
        "W_out",
        "b_out",
    ]
    assert c.free_weights == ("b", "W_out", "b_out") and "NOT used" in c.scope


def test_given_full_rank_W_is_used_by_the_witness():
    c = classify(NeuralODE(1, "0, h1**3"), W="2; 1")
    assert c.node_class == "augmented" and c.status == "proved"
    assert c.certificate["W"] == [["2"], ["1"]] and "W" not in c.certificate["witness"]


def test_numerical_route_when_no_closed_form():
    c = classify(NeuralODE(1, "tanh(h2), sin(h1)"), digits=20)
    assert c.status == "numerical" and c.certificate is None and c.morse == "generic"


def test_numerical_and_exact_witnesses_agree():
    node = NeuralODE(1, "-h1, h1**2")
    exact = classify(node, seed=2)
    numeric = classify(node, seed=2, numerical=True, digits=25)
    assert exact.witness["y"] == numeric.witness["y"]
    with mpmath.workdps(35):
        d_exact = sympy.N(sympy.sympify(exact.witness["det_hessian"]), 35)
        assert abs(mpmath.mpf(numeric.witness["det_hessian"]) - d_exact) < mpmath.mpf(10) ** -22


def test_too_flat_field_is_undecided_not_generic():
    """Nonlinearity in one direction only: det Hess = 0 on the whole bundle for n = 2."""
    c = classify(NeuralODE(2, "0, 0, h1**2"), attempts=3)
    assert c.morse == "undecided" and c.status == "undecided"


def test_the_search_and_the_kernel_name_the_same_format():
    assert node_classify.FORMAT == node_certificate.FORMAT == kernel_node.FORMAT == "symmorse-node/1"
    assert classify(NeuralODE(1, "0, h1**3")).certificate["format"] == kernel_node.FORMAT


def test_the_search_does_not_import_the_kernel():
    """classify_node decides its claims itself: running it loads no module of symmorse.kernel."""
    code = (
        "import sys; from symmorse.model.node import NeuralODE; "
        "from symmorse.search.node_classify import classify_node; "
        "assert classify_node(NeuralODE(1, '0, h1**3')).status == 'proved'; "
        "print(sorted(m for m in sys.modules if m.startswith('symmorse.kernel')))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("n", "field", "W", "cls"),
    [
        (2, "sqrt(h1), h2", None, "non-augmented"),
        (1, "0, abs(h1)**3", None, "augmented"),  # det Hess != 0 at the witness, but |h1|^3 is not analytic
        (1, "0, tan(h1)", None, "augmented"),  # tan has poles
        (2, "0, 0, abs(h1)**3*h2", "1,1;1,1;0,0", "degenerate"),
    ],
)
def test_a_field_the_kernel_would_reject_is_undecided_not_proved(n, field, W, cls):
    """The kernel needs a real-analytic field; the search checks it itself and does not claim."""
    c = classify(NeuralODE(n, field), W=W)
    assert c.node_class == cls and c.status == "undecided" and c.certificate is None
    assert "not built from real-analytic functions" in c.reason
    parts = [p.strip() for p in field.split(",")]
    forged = {  # the certificate of these claims: the kernel rejects it for the same reason
        "format": kernel_node.FORMAT,
        "kind": "classification",
        "n": n,
        "m": len(parts),
        "T": "1",
        "field": parts,
        "flow": None,
        "W": None if W is None else [r.split(",") for r in W.split(";")],
        "W_out": None,
        "claims": {"rank_W": c.rank_W, "rank_W_out": 1, "free_weights": list(c.free_weights)},
        "verdict": {"class": cls, "critical_points": c.critical_points, "morse": c.morse},
        "witness": None,
    }
    result = check_certificate(forged)
    assert not result.accepted and "not built from real-analytic functions" in result.reason


def test_an_input_width_beyond_the_format_is_undecided():
    c = classify(NeuralODE(101, "h1"))
    assert (c.node_class, c.critical_points, c.status) == ("non-augmented", "none", "undecided")
    assert "n <= 100" in c.reason
    cert = copy.deepcopy(classify(NeuralODE(2, "h1")).certificate)
    with pytest.raises(CertificateError):
        check_certificate({**cert, "n": 101})


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"inputs": 1, "field": "h2, h1", "time": 0}, InputError, "must be positive"),
        ({"inputs": 1, "field": "h2, h1", "time": "-1/2"}, InputError, "must be positive"),
        ({"inputs": 1, "field": "h2, q"}, ExpressionError, "unknown name 'q'"),
        ({"inputs": 1, "field": "h3, h1"}, ExpressionError, "unknown name 'h3'"),
        ({"inputs": 0, "field": "h1"}, InputError, "positive integer"),
        ({"inputs": 1, "field": "h1,,h2"}, ExpressionError, "empty component"),
        ({"inputs": 1, "field": "h1", "time": "abc"}, InputError, "final time"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        NeuralODE(**kwargs)


def test_user_flow_that_blows_up_is_refused():
    """h1/(1 - t h1) solves h1' = h1^2 symbolically but blows up at t = 1/h1: Phi is not defined."""
    h1, t = sympy.symbols("h1 t")
    p = h1 / (1 - t * h1)
    assert sympy.simplify(sympy.diff(p, t) - p**2) == 0 and sympy.solve(1 - t * h1, t) == [1 / h1]
    node = NeuralODE(1, "h1**2, 0", flow="h1/(1 - t*h1), h2")
    with pytest.raises(InputError, match="real-analytic"):
        _ = node.flow
    with pytest.raises(InputError, match="components"):
        _ = NeuralODE(1, "h1", flow=5).flow


def test_weight_shape_mismatch():
    node = NeuralODE(2, "0, 0, h1**2")
    with pytest.raises(WeightsError, match="W must be 3 x 2"):
        node.weights(W="1,0;0,1")
    with pytest.raises(WeightsError, match="b must be"):
        node.weights(b="1,2")
    with pytest.raises(WeightsError, match="W must be 3 x 2"):
        classify(node, W="1,2,3")


def test_layer_field():
    f = layer_field({"A": [[1, 0], [0, 2]], "V": [[1, 0], [0, -1]], "c": [0, "1/2"], "activation": "tanh"})
    node = NeuralODE(2, f)
    h = node.h
    assert list(node.field) == [sympy.tanh(h[0]), -sympy.tanh(2 * h[1] + sympy.Rational(1, 2))]
    with pytest.raises(WeightsError):
        layer_field({"A": [[1, 0]], "V": [[1, 2]], "c": [0]})  # V must be 2 x 1


def test_time_limit_gives_undecided():
    c = classify(NeuralODE(1, "0, h1**3"), time_limit=0)
    assert c.status == "undecided" and "time limit" in c.reason


@given(st.data())
@settings(max_examples=8)
def test_random_triangular_fields_witnesses_hold_independently(data):
    """Random triangular polynomial fields: every proved witness is confirmed by sympy on Phi itself."""
    m = data.draw(st.integers(2, 3))
    h = [f"h{i}" for i in range(1, m + 1)]
    parts = []
    for i in range(m):
        terms = data.draw(
            st.lists(
                st.tuples(st.integers(-3, 3), st.lists(st.integers(0, 2), min_size=i, max_size=i)), max_size=3
            )
        )
        monomials = [f"({c})" + "".join(f"*{h[j]}**{e}" for j, e in enumerate(exps)) for c, exps in terms]
        parts.append(" + ".join(monomials) or "0")
    node = NeuralODE(m - 1, ", ".join(parts))
    c = classify(node, seed=data.draw(st.integers(0, 5)), attempts=2)
    event(f"{c.node_class} {c.status}")
    if c.status == "proved" and c.node_class == "augmented":
        grad, det = _check_witness_independently(node, c)
        assert grad == [0] * node.n and det != 0
    elif c.node_class == "affine":
        assert all(sympy.Poly(f, *node.h).total_degree() <= 1 for f in node.field)


@pytest.mark.parametrize(
    "inputs, field, W, proved",
    [
        (2, "h2, h1**2", None, False),  # no closed-form flow: phi_T not shown global
        (2, "h2, -h1*h2**2", None, False),
        (1, "h1**2", "0", False),  # W = 0: constant, but the flow blows up for b >= 1/T
        (2, "h2, -h1", None, True),  # linear: global
        (1, "0, h1**3", "1; 0", True),  # rank W = 1 < m: not structural, exact witness
    ],
)
def test_the_search_proves_only_what_the_kernel_accepts_about_global_flows(inputs, field, W, proved):
    c = classify_node(NeuralODE(inputs, field), W=W)
    assert (c.status == "proved") == proved
    if proved:
        assert check_certificate(c.certificate).accepted
    else:
        assert c.certificate is None and "not shown to exist" in c.reason
