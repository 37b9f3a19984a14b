"""The activation registry: charts, derivatives and proved monotonicity."""

import random

import mpmath
import pytest
import sympy

from symmorse.exact.errors import ActivationError
from symmorse.model.activations import U, Z, activation_names, get_activation

from .helpers import random_rational

CHARTED = [n for n in activation_names() if get_activation(n).chart is not None]
POLYS = ["poly:z**3+z", "poly:z**2+z", "poly:z**3", "poly:z**2", "poly:z/2+z**5/10"]


@pytest.mark.parametrize("name", CHARTED + POLYS)
def test_chart_formulas_are_sigma_prime_and_second(name):
    act = get_activation(name)
    chart = act.chart
    rng = random.Random(name)
    for _ in range(5):
        z0 = random_rational(rng)
        u0 = chart(z0)
        with mpmath.workdps(60):
            assert abs(sympy.N(chart.d1_at(u0) - sympy.diff(act.sigma, Z).subs(Z, z0), 60)) < 1e-50
            assert abs(sympy.N(chart.d2_at(u0) - sympy.diff(act.sigma, Z, 2).subs(Z, z0), 60)) < 1e-50
            assert abs(sympy.N(chart.inverse_at(u0) - z0, 60)) < 1e-50
        assert chart.interval.contains(sympy.N(u0, 30)) == sympy.true


@pytest.mark.parametrize("name", CHARTED + POLYS)
def test_chart_derivatives_are_rational_in_u(name):
    chart = get_activation(name).chart
    for expr in (chart.d1, chart.d2):
        assert expr.free_symbols <= {U}
        numerator, denominator = sympy.fraction(sympy.together(expr))
        assert numerator.is_polynomial(U) and denominator.is_polynomial(U)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("tanh", True),
        ("sigmoid", True),
        ("softplus", True),
        ("arctan", True),
        ("identity", True),
        ("poly:z**3+z", True),
        ("poly:z**5+z**3+z/100", True),
        ("poly:z**3", False),
        ("poly:z**2", False),
        ("poly:z**2+z", False),
        ("poly:-z", False),
        ("poly:z**3-z", False),
        ("silu", False),
        ("gelu", False),
    ],
)
def test_monotonicity_is_decided(name, expected):
    assert get_activation(name).strictly_monotone is expected


@pytest.mark.parametrize("name", ["poly:z**3-z/100", "poly:z**3-z", "poly:z**2+z"])
def test_non_monotone_polynomials_have_a_nonpositive_derivative_somewhere(name):
    d1 = sympy.diff(get_activation(name).sigma, Z)
    assert min(d1.subs(Z, sympy.Rational(k, 100)) for k in range(-300, 300)) <= 0


@pytest.mark.parametrize("name", activation_names())
def test_numeric_values_agree_with_sympy(name):
    act = get_activation(name)
    with mpmath.workdps(50):
        s, d1, d2 = act.numeric(mpmath.mpf("0.7"))
        z0 = sympy.Rational(7, 10)
        for num, exact in ((s, act(z0)), (d1, act.derivative(z0)), (d2, act.second_derivative(z0))):
            assert abs(num - sympy.N(exact, 50)) < mpmath.mpf(10) ** -45


@pytest.mark.parametrize(
    "text, message",
    [
        ("relu", "unknown activation"),
        ("poly:sin(z)", "not allowed"),
        ("poly:x+1", "unknown name 'x'"),
        ("poly:sqrt(2)*z", "not allowed"),
        ("poly:pi*z", "rational coefficients"),
        ("poly:3", "constant"),
        ("poly:1/z", "not a polynomial"),
        ("poly:", "syntax error"),
    ],
)
def test_bad_activations_are_named(text, message):
    with pytest.raises(ActivationError, match=message):
        get_activation(text)


def test_aliases():
    assert get_activation("linear") is get_activation("identity")
    assert get_activation("ATAN").name == "arctan"


def test_polynomial_activations_have_a_degree_limit():
    with pytest.raises(ActivationError, match="degree above 100"):
        get_activation("poly:(z**1000+1)**1000")  # refused before expanding
    assert get_activation("poly:z**100+z").strictly_monotone is False
