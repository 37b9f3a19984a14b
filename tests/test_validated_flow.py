"""Validated flows (C^2 Lohner in flint balls): closed forms, mpmath references, honest failure."""

import itertools
import random
from fractions import Fraction

import mpmath
import pytest
import sympy
from flint import arb, arb_mat, ctx, fmpq

from symmorse.exact.errors import ActivationError, InputError
from symmorse.exact.taylor_fields import LayerFlowField, PolynomialFlowField, flow_field, jets, pairs
from symmorse.exact.validated_flow import FlowEnclosureError, validated_flow
from symmorse.model.node import NeuralODE, layer_field

# -- helpers ----------------------------------------------------------------------------------------


def ball_of(value) -> arb:
    """An exact ball of an mpmath number, a rational or an int."""
    if isinstance(value, mpmath.mpf):
        sign, man, exp, _ = value._mpf_
        man, exp = (-1) ** sign * int(man), int(exp)
        q = fmpq(man * 2**exp) if exp >= 0 else fmpq(man, 2**-exp)
        return arb(q)
    if isinstance(value, sympy.Rational):
        return arb(fmpq(int(value.p), int(value.q)))
    if isinstance(value, Fraction):
        return arb(fmpq(value.numerator, value.denominator))
    return arb(fmpq(value) if isinstance(value, int) else value)


def assert_contains(balls, values, radius=None):
    """Every ball contains its value (exactly represented); optionally every radius is below ``radius``."""
    balls, values = list(balls), list(values)
    assert len(balls) == len(values)
    with ctx.workprec(400):
        for i, (b, v) in enumerate(zip(balls, values)):
            assert b.contains(ball_of(v)), f"entry {i}: {b} does not contain {v}"
            if radius is not None:
                assert float(b.rad()) < radius, f"entry {i}: radius {float(b.rad()):.3g} >= {radius:g}"


def entries(M):
    """The entries of an arb_mat, an mpmath or a SymPy matrix, row by row."""
    if isinstance(M, arb_mat):
        return M.entries()
    return [M[i, j] for i in range(M.rows) for j in range(M.cols)]


def rationals_in(lo: Fraction, hi: Fraction, rng: random.Random, count: int) -> list[Fraction]:
    return [lo + (hi - lo) * Fraction(rng.randint(0, 1000), 1000) for _ in range(count)]


# -- closed forms ------------------------------------------------------------------------------------


def test_linear_field_is_the_matrix_exponential_to_60_digits():
    """h' = M h: phi_T = exp(T M) y, D phi_T = exp(T M), D^2 phi_T = 0, enclosed with radius < 1e-20."""
    M = [[1, -2, "1/2"], ["3/2", "1/3", 0], [0, "-1/4", "-1"]]
    field = "h1 - 2*h2 + h3/2, 3*h1/2 + h2/3, -h2/4 - h3"
    T, y = Fraction(7, 5), [Fraction(1, 3), Fraction(-2, 5), Fraction(3, 7)]
    with mpmath.workdps(60):
        E = mpmath.expm(mpmath.mpf(T.numerator) / T.denominator * mpmath.matrix(_mp(M)))
        phi = E * mpmath.matrix([mpmath.mpf(v.numerator) / v.denominator for v in y])
    e = validated_flow(field, "7/5", [str(v) for v in y], prec=128)
    assert_contains(e.value, list(phi), radius=1e-20)
    assert_contains(e.jacobian.entries(), entries(E), radius=1e-20)
    assert all(b == 0 for H in e.hessians for b in H.entries())  # the forcing vanishes identically
    # the same against python-flint's rigorous matrix exponential
    with ctx.workprec(200):
        E_ball = (arb(fmpq(7, 5)) * arb_mat([[ball_of(sympy.Rational(v)) for v in row] for row in M])).exp()
        assert all(a.overlaps(b) for a, b in zip(e.jacobian.entries(), E_ball.entries()))


def _mp(rows):
    return [[mpmath.mpf(sympy.Rational(v).p) / sympy.Rational(v).q for v in row] for row in rows]


def test_linear_field_on_a_box_contains_every_sampled_flow():
    field, T = "-h2 + h1/5, h1", Fraction(3, 2)
    box = [(Fraction(2, 5), Fraction(21, 50)), (Fraction(-1, 10), Fraction(-1, 20))]
    e = validated_flow(field, T, [tuple(map(str, b)) for b in box])
    rng = random.Random(3)
    with mpmath.workdps(50):
        E = mpmath.expm(mpmath.mpf(3) / 2 * mpmath.matrix([[mpmath.mpf(1) / 5, -1], [1, 0]]))
        corners = list(itertools.product(*box))
        samples = corners + list(zip(*(rationals_in(lo, hi, rng, 5) for lo, hi in box)))
        for y in samples:
            phi = E * mpmath.matrix([mpmath.mpf(v.numerator) / v.denominator for v in y])
            assert_contains(e.value, list(phi))
        assert_contains(e.jacobian.entries(), entries(E), radius=1e-20)  # constant in y: stays tight


def test_quadratic_blow_up_field_from_one_half():
    """h' = h^2 from y0 = 1/2 to T = 1: phi = y/(1 - t y) = 1, D phi = 1/(1 - t y)^2 = 4, D^2 phi = 16."""
    e = validated_flow("h1**2", 1, ["1/2"], prec=128)
    assert_contains(e.value, [1], radius=1e-30)
    assert_contains(e.jacobian.entries(), [4], radius=1e-30)
    assert_contains(e.hessians[0].entries(), [16], radius=1e-30)


def test_quadratic_field_on_a_box():
    lo, hi = Fraction(49, 100), Fraction(51, 100)
    e = validated_flow("h1**2", 1, [(str(lo), str(hi))])
    for y in [lo, hi, *rationals_in(lo, hi, random.Random(5), 6)]:
        assert_contains(e.value, [y / (1 - y)])
        assert_contains(e.jacobian.entries(), [1 / (1 - y) ** 2])
        assert_contains(e.hessians[0].entries(), [2 / (1 - y) ** 3])
    # tight: the enclosures are at most 10% wider than the ranges (the functions are monotone in y)
    assert float(e.value[0].rad()) < 1.1 * float(hi / (1 - hi) - lo / (1 - lo)) / 2
    assert float(e.jacobian[0, 0].rad()) < 1.1 * float(1 / (1 - hi) ** 2 - 1 / (1 - lo) ** 2) / 2


@pytest.mark.parametrize("T", ["1", "5/3"])
def test_shear_field(T):
    """h1' = 0, h2' = h1^2: phi = (y1, y2 + t y1^2), D phi = [[1, 0], [2 t y1, 1]], D^2 phi_2 = 2t e1 e1^T."""
    t = Fraction(T)
    y = [Fraction(-3, 7), Fraction(2, 3)]
    e = validated_flow("0, h1**2", T, [str(v) for v in y])
    assert_contains(e.value, [y[0], y[1] + t * y[0] ** 2], radius=1e-30)
    assert_contains(e.jacobian.entries(), [1, 0, 2 * t * y[0], 1], radius=1e-30)
    assert_contains(e.hessians[0].entries(), [0, 0, 0, 0], radius=1e-30)
    assert_contains(e.hessians[1].entries(), [2 * t, 0, 0, 0], radius=1e-30)
    box = validated_flow("0, h1**2", T, [("-0.45", "-0.4"), ("0.6", "0.7")])
    for y1, y2 in itertools.product([Fraction(-45, 100), Fraction(-2, 5)], [Fraction(3, 5), Fraction(7, 10)]):
        assert_contains(box.value, [y1, y2 + t * y1**2])
        assert_contains(box.jacobian.entries(), [1, 0, 2 * t * y1, 1])
        assert_contains(box.hessians[1].entries(), [2 * t, 0, 0, 0])


def test_rotation_over_long_times_keeps_the_box_small():
    """Lohner's coordinates: a rotated box is not re-wrapped each step (interval boxes would grow)."""
    T = 10
    e = validated_flow("h2, -h1", T, [("0.999", "1.001"), ("-0.001", "0.001")])
    with ctx.workprec(128):
        c, s = arb(T).cos(), arb(T).sin()
        for y1, y2 in itertools.product([Fraction(999, 1000), Fraction(1001, 1000)], [Fraction(-1, 1000), 0]):
            a, b = ball_of(y1), ball_of(y2)
            assert e.value[0].contains(c * a + s * b) and e.value[1].contains(-s * a + c * b)
    # the hull of a square of half-width 1e-3 rotated by T: half-width <= sqrt(2) 1e-3
    assert max(float(b.rad()) for b in e.value) < 1.5e-3
    assert max(float(b.rad()) for b in e.jacobian.entries()) < 1e-25


def test_polynomial_field_against_gragg_bulirsch_stoer():
    node = NeuralODE(1, "h2, -h1 + (1 - h1**2)*h2/2", time="3/2")
    y = ["1/2", "-1/3"]
    ref = node.variations(y, 30, integrate=True)
    e = validated_flow(node, node.T, y, prec=80)
    assert_contains(e.value, ref.value, radius=1e-18)
    assert_contains(e.jacobian.entries(), entries(ref.jacobian), radius=1e-18)
    for H, R in zip(e.hessians, ref.hessians):
        assert_contains(H.entries(), entries(R), radius=1e-18)


# -- tanh layers against high-precision references --------------------------------------------------


def seeded_layers(m: int, k: int, seed: int, activation: str = "tanh") -> dict:
    rng = random.Random(seed)

    def rat():
        return str(Fraction(rng.randint(-12, 12), 8))

    return {
        "A": [[rat() for _ in range(m)] for _ in range(k)],
        "V": [[rat() for _ in range(k)] for _ in range(m)],
        "c": [rat() for _ in range(k)],
        "activation": activation,
    }


TANH3 = seeded_layers(3, 3, 2024)
T_HALF = "1/2"


def test_tanh_layer_field_contains_a_50_digit_reference():
    """m = 3, k = 3: at prec 128 every ball contains the 50-digit GBS reference and has radius < 1e-30."""
    node = NeuralODE(1, layer_field(TANH3), time=T_HALF)
    y = ["1/3", "-1/2", "1/4"]
    ref = node.variations(y, 50, integrate=True)
    e = validated_flow(node.layers, T_HALF, y, prec=128)
    assert_contains(e.value, ref.value, radius=1e-30)
    assert_contains(e.jacobian.entries(), entries(ref.jacobian), radius=1e-30)
    for H, R in zip(e.hessians, ref.hessians):
        assert_contains(H.entries(), entries(R), radius=1e-30)
        assert all(H[i, j].overlaps(H[j, i]) for i in range(3) for j in range(3))


@pytest.mark.parametrize("y", [["0", "0", "0"], ["2", "-3/2", "-1"]])
def test_tanh_layer_field_at_more_points(y):
    """At prec 64 (radius < 1e-14) against 25-digit references."""
    node = NeuralODE(1, layer_field(TANH3), time=T_HALF)
    ref = node.variations(y, 25, integrate=True)
    e = validated_flow(node.layers, T_HALF, y, prec=64)
    assert_contains(e.value, ref.value, radius=1e-14)
    assert_contains(e.jacobian.entries(), entries(ref.jacobian), radius=1e-14)
    for H, R in zip(e.hessians, ref.hessians):
        assert_contains(H.entries(), entries(R), radius=1e-14)


def test_tanh_layer_field_on_a_box_contains_sampled_references():
    """A box of width 1e-3: the enclosures contain the 20-digit references at corners and inner points."""
    node = NeuralODE(1, layer_field(TANH3), time=T_HALF)
    centre = [Fraction(1, 3), Fraction(-1, 2), Fraction(1, 4)]
    half = Fraction(1, 2000)
    box = [(c - half, c + half) for c in centre]
    e = validated_flow(node.layers, T_HALF, box, prec=64)
    rng = random.Random(11)
    corners = list(itertools.product(*box))
    samples = [
        corners[0],
        corners[-1],
        corners[5],
        list(zip(*(rationals_in(a, b, rng, 1) for a, b in box)))[0],
    ]
    for y in samples:
        ref = node.variations(list(y), 20, integrate=True)
        assert_contains(e.value, ref.value)
        assert_contains(e.jacobian.entries(), entries(ref.jacobian))
        for H, R in zip(e.hessians, ref.hessians):
            assert_contains(H.entries(), entries(R))
    radii = e.radii()
    assert radii["value"] < 5e-3 and radii["jacobian"] < 5e-2 and radii["hessians"] < 1.0


@pytest.mark.parametrize("activation", ["sigmoid", "arctan", "softplus", "identity"])
def test_other_activations_against_references(activation):
    layers = seeded_layers(2, 2, 7, activation)
    node = NeuralODE(1, layer_field(layers), time=T_HALF)
    y = ["1/2", "-1/3"]
    ref = node.variations(y, 25, integrate=True)
    e = validated_flow(layers, T_HALF, y, prec=64)
    assert_contains(e.value, ref.value, radius=1e-14)
    assert_contains(e.jacobian.entries(), entries(ref.jacobian), radius=1e-14)
    for H, R in zip(e.hessians, ref.hessians):
        assert_contains(H.entries(), entries(R), radius=1e-12)


# -- honest failure ---------------------------------------------------------------------------------


def test_blow_up_before_T_raises():
    """h' = h^2 from 1 blows up at t = 1 < T = 2: an error, never an enclosure."""
    with pytest.raises(FlowEnclosureError, match="could not be enclosed up to T = 2"):
        validated_flow("h1**2", 2, ["1"], max_steps=200)
    with pytest.raises(FlowEnclosureError, match="no a-priori enclosure"):
        validated_flow("h1**2", 2, ["1"], prec=32, order=8)


def test_blow_up_inside_the_box_raises():
    """From [0.9, 1.1] the upper end blows up at t = 1/1.1 < 1."""
    with pytest.raises(FlowEnclosureError):
        validated_flow("h1**2", 1, [("0.9", "1.1")], prec=64, max_steps=300)


def test_just_before_blow_up_is_enclosed():
    e = validated_flow("h1**2", "9/10", ["1"], prec=128)
    assert_contains(e.value, [10], radius=1e-25)
    assert_contains(e.jacobian.entries(), [100], radius=1e-25)
    assert_contains(e.hessians[0].entries(), [2 * Fraction(9, 10) * 1000], radius=1e-22)


def test_precision_is_restored():
    before = ctx.prec
    validated_flow("h2, -h1", 1, [1, 0], prec=200)
    with pytest.raises(FlowEnclosureError):
        validated_flow("h1**2", 2, ["1"], prec=64, max_steps=20)
    assert ctx.prec == before


# -- inputs -----------------------------------------------------------------------------------------


def test_field_descriptions():
    assert isinstance(flow_field(TANH3), LayerFlowField)
    assert isinstance(flow_field(layer_field(TANH3)), LayerFlowField)
    assert isinstance(flow_field(NeuralODE(1, layer_field(TANH3))), LayerFlowField)
    assert isinstance(flow_field(NeuralODE(1, "0, h1**2")), PolynomialFlowField)
    h1, h2 = sympy.symbols("h1 h2")  # plain symbols are matched by name
    assert flow_field([h2, -(h1**3)]).degree == 3
    A = sympy.Matrix([[1, 2]])
    f = LayerFlowField(A, sympy.Matrix([[1], [-1]]), sympy.Matrix([0]), "atan")
    assert (f.m, f.k, f.activation) == (2, 1, "arctan")


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: validated_flow("sin(h1)", 1, [0]), InputError),
        (lambda: validated_flow("h1*h3", 1, [0]), InputError),
        (lambda: validated_flow("h1**2", 0, [0]), InputError),
        (lambda: validated_flow("h1**2", "-1/2", [0]), InputError),
        (lambda: validated_flow("h1**2", 1, [0, 1]), InputError),
        (lambda: validated_flow("h1**2", 1, [("1", "0")]), InputError),
        (lambda: validated_flow("h1**2", 1, ["x"]), InputError),
        (lambda: validated_flow("h1**2", 1, [0], order=0), InputError),
        (lambda: validated_flow("h1**2", 1, [0], prec=8), InputError),
        (lambda: validated_flow({**TANH3, "activation": "silu"}, 1, [0, 0, 0]), ActivationError),
        (lambda: validated_flow(42, 1, [0]), InputError),
    ],
)
def test_bad_inputs(call, error):
    with pytest.raises(error):
        call()


def test_ball_initial_values_are_enclosed_whole():
    y = arb("0.5") + arb(0, fmpq(1, 10**6))  # [0.5 +/- 1e-6]
    e = validated_flow("h1**2", 1, [y])
    for v in (Fraction(1, 2) - Fraction(1, 10**6), Fraction(1, 2) + Fraction(1, 10**6)):
        assert_contains(e.value, [v / (1 - v)])


# -- building blocks --------------------------------------------------------------------------------


def test_jets_are_derivatives_of_the_taylor_coefficients():
    """The coefficients of D phi_t and D^2 phi_t are the y-derivatives of those of phi_t (h' = h^2 + h)."""
    y = sympy.Symbol("y")
    t = sympy.Symbol("t")
    exact = y * sympy.exp(t) / (1 - y * (sympy.exp(t) - 1))  # the flow of h' = h^2 + h
    series = sympy.series(exact, t, 0, 6).removeO()
    f = PolynomialFlowField("h1**2 + h1")
    x, X, G = jets(f, arb_mat([[arb(fmpq(1, 3))]]), arb_mat([[1]]), arb_mat(1, 1), 5)
    for j in range(6):
        a = sympy.expand(series).coeff(t, j)
        at = {y: sympy.Rational(1, 3)}
        assert_contains(
            [x[j][0, 0], X[j][0, 0], G[j][0, 0]], [a.subs(at), a.diff(y).subs(at), a.diff(y, 2).subs(at)]
        )


def test_layer_and_polynomial_forms_of_one_field_agree():
    """V sigma(A h) with sigma = identity is the linear field V A h."""
    layers = {"A": [[1, 2], [0, -1]], "V": [[1, 0], [3, 1]], "c": [0, 0], "activation": "identity"}
    lin = validated_flow(layers, 1, ["1/2", "1/5"])
    poly = validated_flow("h1 + 2*h2, 3*h1 + 5*h2", 1, ["1/2", "1/5"])
    assert all(a.overlaps(b) for a, b in zip(lin.value, poly.value))
    assert all(a.overlaps(b) for a, b in zip(lin.jacobian.entries(), poly.jacobian.entries()))


def test_pairs_order():
    assert pairs(3) == [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)]


# -- certifying a neural-ODE witness ---------------------------------------------------------------


def test_certifying_a_morse_witness_with_balls():
    """det(U^T Hess U) != 0 at a point of the critical bundle, proved with the validated flow.

    Phi(x) = W~ phi_T(W x + b) + b~, n = 1, m = 2: with y = b, u in ker W^T and W~^T = Dphi^-T u, the
    input x = 0 is critical; Hess Phi = W^T (sum_i W~_i D^2 phi_{T,i}(y)) W.
    """
    layers = seeded_layers(2, 2, 31)
    e = validated_flow(layers, 1, ["1/4", "-1/2"], prec=128)
    with ctx.workprec(128):  # what follows is ball arithmetic too: keep the precision
        W = arb_mat([[1], [2]])  # m x n
        u = arb_mat([[2], [-1]])  # W^T u = 0
        w_out = e.jacobian.transpose().solve(u)  # encloses the exact W~^T for every Dphi in the ball
        gradient = W.transpose() * e.jacobian.transpose() * w_out
        hessian = W.transpose() * e.curvature(w_out.entries()) * W
    assert gradient[0, 0].contains(0)
    det = hessian[0, 0]
    assert not det.contains(0) and float(det.rad()) < 1e-25
    # the numerical route agrees
    node = NeuralODE(1, layer_field(layers), time=1)
    ref = node.evaluate(
        [0], node.weights(W="1; 2", b="1/4, -1/2", W_out=[float(v.mid()) for v in w_out.entries()])
    )
    assert abs(float(ref.hessian[0, 0]) - float(det.mid())) < 1e-10
