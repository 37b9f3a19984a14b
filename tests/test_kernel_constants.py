"""Zero tests of the neural-ODE kernel (symmorse.kernel.constants): exact where they answer, and a
refusal (None) where they cannot decide, never a guess."""

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symmorse.kernel.constants import decide, formally_zero, identity, nonzero

s, R = sympy.sqrt, sympy.Rational
x, t = sympy.symbols("x t", real=True)


@pytest.mark.parametrize(
    "e",
    [
        s(3 + 2 * s(2)) - 1 - s(2),  # denested: only the annihilator shows it
        s(2) + s(3) - s(5 + 2 * s(6)),
        1 / (1 + s(2)) - s(2) + 1,  # an inverse of an algebraic number
        sympy.cbrt(2) ** 3 - 2,
        s(5 + 2 * s(6)) * (s(3) - s(2)) - 1,
        sympy.exp(-2) * sympy.exp(2) - 1,  # by expansion
        (sympy.exp(1) + 1) ** 2 - sympy.exp(2) - 2 * sympy.E - 1,
        sympy.exp(1) + sympy.exp(-1) - 2 * sympy.cosh(1),  # by the exponential forms
        sympy.sin(1) ** 2 + sympy.cos(1) ** 2 - 1,
        sympy.tanh(2) * (sympy.exp(4) + 1) - sympy.exp(4) + 1,  # a quotient of exponentials
        -15 * sympy.sinh(1) / 2 + sympy.Rational(15, 4) * (sympy.E - sympy.exp(-1)),
        (s(2) - 1) ** 40 * (s(3 + 2 * s(2)) - 1 - s(2)),  # a root of R near 0: isolated at 212 bits
    ],
)
def test_zero_constants_are_shown_zero(e):
    assert decide(e) is True


@pytest.mark.parametrize(
    "e, by_balls",
    [
        (s(2) - R(141421356237, 10**11), True),
        (sympy.exp(-40), True),  # tiny, but a ball at 53 bits excludes 0
        (s(3 + 2 * s(2)) - 1 - s(2) + R(1, 10**40), True),  # needs more than 53 bits
        (s(3 + 2 * s(2)) - 1 - s(2) + R(1, 10**300), False),  # below every ball: R(0) != 0 decides
        (R(-3, 7), True),
    ],
)
def test_non_zero_constants_are_shown_non_zero(e, by_balls):
    assert decide(e) is False and nonzero(e) is by_balls


@pytest.mark.parametrize(
    "e",
    [
        sympy.exp(R(1, 10**1000)) - 1,  # non-zero, below every ball, not algebraic
        # ten square roots: a degree bound of 1024 > 64, too large for the annihilator
        s(5 + 2 * s(6)) - s(2) - s(3) + R(1, 10**400) * sum(s(p) for p in (5, 7, 11, 13, 17, 19)),
        sympy.I * R(1, 10**400),  # not a real number
        (-1) ** R(1, 3) * (s(3 + 2 * s(2)) - 1 - s(2)),  # zero, but not shown to be real
        1 / (s(3 + 2 * s(2)) - 1 - s(2)),  # 1/0: its annihilator says R(0) != 0, but no ball encloses it
        (s(2) - 1) ** 400 * (s(3 + 2 * s(2)) - 1 - s(2)),  # zero, with a root of R within 10^-150 of it
    ],
)
def test_undecided_constants_are_refused(e):
    assert decide(e) is None


@given(st.lists(st.integers(2, 30), min_size=1, max_size=3), st.integers(-3, 3), st.integers(1, 4))
def test_algebraic_constants_are_decided_as_sympy_knows_them(radicands, a, b):
    """sqrt(p) sums times a rational, minus what SymPy says they are: zero iff SymPy's value is exact."""
    e = sympy.Add(*[s(p) for p in radicands]) * R(a, b)
    assert decide(e - e) is True
    assert decide(e - sympy.nsimplify(sympy.N(e, 30), rational=True)) is bool(e.is_Rational)
    assert decide(sympy.expand((e + 1) ** 2) - e**2 - 2 * e - 1) is True


def test_undefined_expressions_are_not_formally_zero():
    assert not formally_zero(x + sympy.zoo)


def test_zero_over_zero_is_not_formally_zero():
    a = sympy.exp(x)
    b, c = a / (a + 1) + 1 / (a + 1) - 1, 2 * a / (a + 1) + 2 / (a + 1) - 2  # zero, not to SymPy
    assert formally_zero(b) and formally_zero(c) and not formally_zero(b / c)


def test_identities_are_shown_refuted_or_refused():
    assert identity(sympy.expand((x + 1) ** 3) - (x + 1) ** 3) is True
    assert identity(sympy.diff(x * sympy.exp(-t), t) + x * sympy.exp(-t)) is True
    assert identity(x**2 - x) is False  # non-zero at x = 1/3
    assert identity(sympy.sin(x) ** 2 + sympy.cos(x) ** 2 - 1) is True  # by the exponential forms
    assert identity(x / (sympy.exp(x) + 1) + sympy.exp(x) * x / (sympy.exp(x) + 1) - x) is True  # fractions
    assert identity(sympy.exp(x / 10**1000) - 1) is None  # non-zero, below every ball at the samples
    assert identity(sympy.sqrt(x**2 - 100)) is None  # not real at the sample points
