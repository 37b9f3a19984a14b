"""Zero tests of constants and identities (``symmorse.kernel.constants``) where a surviving mutant of
``tools/mutation.py`` answered differently: exp of multiples of one number, negative powers, exact balls,
annihilating polynomials at their size limits.  See ``docs/mutation-testing.md``.
"""

import flint
import pytest
import sympy

from symmorse.kernel import constants
from symmorse.kernel.constants import _annihilator, decide, formally_zero, identity, nonzero

x, y, z, w = sympy.symbols("x y z w", real=True)
E, exp, sqrt, Rational = sympy.E, sympy.exp, sympy.sqrt, sympy.Rational


def annihilates(R: flint.fmpq_poly, e: sympy.Expr) -> bool:
    """Whether the minimal polynomial of the algebraic number ``e`` divides ``R`` (SymPy, in the test)."""
    t = sympy.Symbol("t")
    R_t = sympy.Poly([sympy.Rational(int(c.p), int(c.q)) for c in reversed(R.coeffs())], t)
    return R_t.rem(sympy.Poly(sympy.minimal_polynomial(e, t), t)).is_zero


# -- formally_zero ---------------------------------------------------------------------------------


def test_exp_of_e_is_one_power_of_the_same_symbol():
    assert formally_zero((exp(2) - 1) / (E - 1) - E - 1)  # (e^2 - 1)/(e - 1) = e + 1
    assert not formally_zero(E - exp(2))
    assert not formally_zero(exp(2 * sqrt(2)) - exp(2))  # exp(2 r) and exp(2): different r
    assert formally_zero((exp(2 * sqrt(2)) - 1) / (exp(sqrt(2)) - 1) - exp(sqrt(2)) - 1)


def test_a_nonzero_rational_is_not_formally_zero():
    assert not formally_zero(sympy.Integer(1))
    assert not formally_zero((x + 1) ** 2 - x**2 - 2 * x)  # expands to 1
    assert formally_zero((x + 1) ** 2 - x**2 - 2 * x - 1)


def test_negative_powers_of_atoms_in_a_rational_identity():
    assert formally_zero(1 / (x**2 * (y + 1)) + y / (x**2 * (y + 1)) - 1 / x**2)
    assert not formally_zero(1 / (x**2 * (y + 1)) + y / (x**2 * (y + 1)) - 2 / x**2)


def test_a_rational_identity_in_four_atoms():
    s = x + y + z + w
    assert formally_zero(x / s + y / s + z / s + w / s - 1)
    assert not formally_zero(x / s + y / s + z / s - 1)


# -- nonzero and decide: balls -------------------------------------------------------------------


def test_no_ball_shows_nothing_nonzero():
    assert nonzero(sympy.log(-1)) is False  # not a real number: no finite real ball
    assert nonzero(exp(-40)) is True


def test_an_exact_zero_ball_is_not_a_sign():
    four = sympy.Pow(4, Rational(1, 2), evaluate=False)  # sqrt(4), kept unevaluated: exactly 2 in a ball
    assert constants._ball(sympy.expand(four - 2), 53) == 0
    assert nonzero(four - 2) is False
    assert decide(four - 2) is True  # its annihilator z^2 + 4z, one root (0) in the exact ball
    assert decide(four - 3) is False


def _ball_ending_at_zero(side: int) -> flint.arb:
    """A ball [0, 2^-53] (side 1) or [-2^-53, 0] (side -1) whose end is exactly 0: arb radii are
    rounded up, so the end is made exact by subtracting the exact dyadic mid - rad."""
    with flint.ctx.workprec(53):
        third = flint.arb(1) / 3
    with flint.ctx.workprec(300):
        end = third.mid() - third.rad()
        return third - end if side > 0 else end - third


@pytest.mark.parametrize("side", [1, -1])
def test_decide_counts_a_root_at_the_end_of_the_ball(monkeypatch, side):
    """0 is a root of R = z^2 + 4z at an end of the ball and the only root in it: e = 0."""
    ball = _ball_ending_at_zero(side)
    lo, hi = (constants._dyadic(ball.mid() + k * ball.rad()) for k in (-1, 1))
    assert (lo, hi)[side < 0] == 0 and lo < hi
    e = sympy.Pow(4, Rational(1, 2), evaluate=False) - 2
    monkeypatch.setattr(constants, "_ball", lambda e, bits, values=None: ball)
    assert decide(e) is True


def test_decide_refuses_a_ball_with_two_roots_of_the_annihilator(monkeypatch):
    e = sympy.Pow(4, Rational(1, 2), evaluate=False) - 2  # R = z^2 + 4z: roots 0 and -4
    monkeypatch.setattr(constants, "_ball", lambda e, bits, values=None: flint.arb(-2, 3))
    assert decide(e) is None


# -- annihilating polynomials ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "e",
    [
        1 + sqrt(2),
        sympy.Pow(3, Rational(2, 3)),
        sympy.Pow(1 + sqrt(2), Rational(-1, 2)),
        sympy.Pow(1 + sqrt(2), Rational(-2, 3)),
        sympy.Pow(1 + sqrt(2), Rational(2, 3)) - sqrt(3),
    ],
)
def test_the_annihilator_vanishes_at_the_constant(e):
    R = _annihilator(e)
    assert R is not None and annihilates(R, e)


def test_annihilator_size_limits():
    twelve = sqrt(2) + sum(1 / (sqrt(2) + k) for k in range(1, 12))  # 12 powers, degree bound 2
    assert len(constants._radicals(twelve)) == 12
    R = _annihilator(twelve)
    assert R is not None and annihilates(R, twelve)
    thirteen = twelve + 1 / (sqrt(2) + 12)
    assert len(constants._radicals(thirteen)) == 13 and _annihilator(thirteen) is None
    R = _annihilator(sympy.Pow(2, Rational(1, 64)) - 1)  # degree bound 64: the largest allowed
    assert R is not None and R.degree() == 64
    assert _annihilator(sympy.Pow(2, Rational(1, 65)) - 1) is None


# -- identity --------------------------------------------------------------------------------------


def test_identity_refutes_a_small_positive_value():
    assert identity(x**2 / 10 + Rational(1, 100)) is False


def test_identity_tries_the_next_point_where_there_is_no_ball():
    assert identity(sqrt(x - Rational(1, 2)) + 1) is False  # no real value at 1/3 and -2/7; 5/4 refutes


def test_identity_samples_three_points_of_one_variable():
    """(x - 1/3)(x + 2/7)(x - 5/4) vanishes exactly at the three sample points: not refuted, not zero."""
    assert identity((x - Rational(1, 3)) * (x + Rational(2, 7)) * (x - Rational(5, 4))) is None
    assert identity((x - Rational(1, 3)) * (x + Rational(2, 7))) is False
