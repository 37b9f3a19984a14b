"""The kernels' shared base: the chart table, Sturm root counts, sigma' > 0, exact numbers, the bias
check and the verdict rule, each against an independent route (SymPy, brute force) or a tampering
that names its rule."""

import flint
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symmorse.kernel.base import (
    Rejected,
    chart,
    chart_at,
    check_biases,
    claims_follow,
    number,
    polynomial,
    polynomial_activation,
    positive_derivative,
    real_roots_inside,
    symbolic,
)

u, z = sympy.symbols("u z")

# -- the chart table, against the derivatives of the activations ------------------------------------

#: sigma(z) and the chart u = c(z) of each table entry, written independently of the kernel.
ACTIVATIONS = {
    "tanh": (sympy.tanh(z), sympy.tanh(z)),
    "sigmoid": (1 / (1 + sympy.exp(-z)), 1 / (1 + sympy.exp(-z))),
    "softplus": (sympy.log(1 + sympy.exp(z)), 1 / (1 + sympy.exp(-z))),
    "arctan": (sympy.atan(z), z),
    "identity": (z, z),
}


def _sympy(quotient):
    num, den = (sum(sympy.Rational(str(c)) * u**k for k, c in enumerate(p.coeffs())) for p in quotient)
    return num / den


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("point", [sympy.Rational(-3, 2), sympy.Rational(1, 3), sympy.Integer(2)])
def test_chart_table_restates_sigma_derivatives_and_inverse(name, point):
    sigma, c = ACTIVATIONS[name]
    entry = chart(name)
    at = {z: point}
    chart_value = c.subs(at)
    for quotient, derivative in ((entry.d1, sympy.diff(sigma, z)), (entry.d2, sympy.diff(sigma, z, 2))):
        assert abs(sympy.N(_sympy(quotient).subs(u, chart_value) - derivative.subs(at), 40)) < 1e-35
    q = flint.fmpq(1, 3) if entry.interval[0] is not None else flint.fmpq(-7, 4)
    pre = symbolic(entry.inverse, q)  # c^{-1}(q), and sigma there
    assert abs(sympy.N(c.subs(z, pre) - sympy.Rational(str(q)), 40)) < 1e-35
    assert abs(sympy.N(sigma.subs(z, pre) - symbolic(entry.value, q), 40)) < 1e-35


def test_chart_values_are_exact_rationals():
    assert chart_at(chart("tanh").d1, flint.fmpq(1, 2)) == flint.fmpq(3, 4)
    assert chart_at(chart("arctan").d1, flint.fmpq(1, 2)) == flint.fmpq(4, 5)
    assert chart_at(chart("poly:z**3/3-z").d2, flint.fmpq(5)) == 10


@pytest.mark.parametrize(
    "name, reason",
    [
        (3, "is not a name"),
        ("poly:sin(z)", "function 'sin' is not allowed"),
        ("poly:pi*z**3+z", "rational coefficients"),
        ("poly:1/z", "is not a polynomial"),
        ("poly:z**(1/2)", "is not a polynomial"),
        ("poly:z**101", "degree <= 100"),
        ("poly:(z**50+1)*(z**51+1)", "degree <= 100"),
        ("poly:z+", "syntax error"),
    ],
)
def test_bad_polynomial_activations_are_rejected_with_the_reason(name, reason):
    with pytest.raises(Rejected, match=reason.replace("(", r"\(").replace(")", r"\)")):
        chart(name)


def test_unknown_activations_have_no_chart_and_no_proof():
    assert chart("silu") is None and not positive_derivative(chart("silu"))


@given(st.lists(st.fractions(-4, 4, max_denominator=5), min_size=1, max_size=6))
def test_polynomial_reads_what_sympy_expands(coefficients):
    expr = sympy.Add(*[sympy.Rational(c.numerator, c.denominator) * z**k for k, c in enumerate(coefficients)])
    p = polynomial(sympy.expand((expr + 1) * (expr - 2)), z)
    q = polynomial(expr, z)
    assert p == (q + 1) * (q - 2)
    assert polynomial_activation(f"poly:{expr}") == q


# -- Sturm root counts, against SymPy's (independent) real root isolation ----------------------------


@given(
    st.lists(st.integers(-5, 5), min_size=1, max_size=7).filter(any),
    st.fractions(-3, 3, max_denominator=4),
    st.fractions(0, 3, max_denominator=4).filter(lambda d: d > 0),
    st.sampled_from([0, 1, 2]),
)
def test_sturm_counts_match_sympy_real_roots(coefficients, lo, width, repeat):
    """Roots in an open interval, with roots at its ends and repeated roots thrown in."""
    lo_q, hi_q = sympy.Rational(lo.numerator, lo.denominator), None
    hi_q = lo_q + sympy.Rational(width.numerator, width.denominator)
    p_sym = sympy.Poly(list(reversed(coefficients)), u) * sympy.Poly(u - lo_q, u) ** repeat
    p_sym *= sympy.Poly(u - hi_q, u) * sympy.Poly(u - (lo_q + hi_q) / 2, u) ** 2
    expected = len({r for r in sympy.real_roots(p_sym) if lo_q < r < hi_q})
    p = flint.fmpq_poly([flint.fmpq(int(c.p), int(c.q)) for c in reversed(p_sym.all_coeffs())])
    to = lambda q: flint.fmpq(int(q.p), int(q.q))  # noqa: E731
    assert real_roots_inside(p, to(lo_q), to(hi_q)) == expected
    assert real_roots_inside(p) == len(set(sympy.real_roots(p_sym)))


def test_the_zero_polynomial_has_no_root_count():
    with pytest.raises(ValueError, match="zero polynomial"):
        real_roots_inside(flint.fmpq_poly([0]))


# -- sigma' > 0, proved or not ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, positive",
    [
        ("tanh", True),
        ("sigmoid", True),
        ("softplus", True),
        ("arctan", True),
        ("identity", True),
        ("poly:z**3+z", True),
        ("poly:z**5/5+z**3/3+z/7", True),
        ("poly:z**3", False),  # sigma' = 3 z^2 vanishes at 0
        ("poly:z**3-z", False),  # roots of sigma' inside R
        ("poly:-z", False),  # no root, but sigma' < 0
        ("poly:2", False),  # sigma' = 0
        ("poly:z**2", False),
    ],
)
def test_positive_derivative(name, positive):
    assert positive_derivative(chart(name)) is positive


# -- numbers, biases, verdicts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, reason", [("one", "expected an exact rational"), ("1/0", "zero denominator"), (True, "got true")]
)
def test_numbers_are_exact_or_rejected(text, reason):
    assert number("-6/4", "x") == flint.fmpq(-3, 2)
    with pytest.raises(Rejected, match=reason):
        number(text, "x[0]")


def _bias_check(claimed, fixed=None, charted=True):
    """One input x = 1/2, one tanh unit a with chart value 1/3 (or an identity unit), output y = a."""
    u_value = {"a": flint.fmpq(1, 3)} if charted else {}
    preds = {"a": [("x", flint.fmpq(2))], "y": [("a", flint.fmpq(1))]}
    charts = {"a": chart("tanh")}
    check_biases(["x"], ["a"], "y", preds, charts, u_value, [flint.fmpq(1, 2)], claimed, "here", fixed)


def test_true_biases_are_accepted_also_when_not_written_term_by_term():
    _bias_check({"a": "atanh(1/3) - 1", "y": "0"})
    _bias_check({"a": "(atanh(1/3) + 1)**2 - atanh(1/3)**2 - atanh(1/3) - 2", "y": "0"})  # by expansion
    _bias_check({"a": "5/2", "y": "0"}, charted=False)  # an identity unit: any rational
    _bias_check({"a": "7", "y": "0"}, fixed={"a": flint.fmpq(7)}, charted=False)


@pytest.mark.parametrize(
    "claimed, fixed, charted, reason",
    [
        ({"y": "0"}, None, True, "here: bias of node a missing"),
        ({"a": "atanh(1/3) - 1"}, None, True, "here: bias of node y missing"),
        ({"a": 1, "y": "0"}, None, True, "here: bias of node a missing"),
        ({"a": "sin(1)", "y": "0"}, None, True, "here: bias 'sin(1)': function 'sin' is not allowed"),
        ({"a": "atanh(1/3)", "y": "0"}, None, True, "here: bias of node a is wrong"),
        ({"a": "atanh(1/3) - 1 + 10**-30", "y": "0"}, None, True, "here: bias of node a is wrong"),
        ({"a": "atanh(1/3) - 1", "y": "1"}, None, True, "here: the bias of node y is fixed to 0"),
        ({"a": "atanh(1/3)", "y": "0"}, None, False, "the bias of identity unit a is not a rational number"),
        ({"a": "6", "y": "0"}, {"a": flint.fmpq(7)}, False, "here: the bias of node a is fixed to 7"),
    ],
)
def test_wrong_biases_are_rejected_with_the_reason(claimed, fixed, charted, reason):
    with pytest.raises(Rejected) as info:
        _bias_check(claimed, fixed, charted)
    assert reason in str(info.value)


@pytest.mark.parametrize(
    "claims, reason",
    [
        (
            {"critical_points": "none", "morse": "generic", "status": "proved"},
            "critical_points = 'none' does not",
        ),
        (
            {"critical_points": "generic", "morse": "fails", "status": "proved"},
            "morse = 'fails' does not follow",
        ),
        (
            {"critical_points": "generic", "morse": "generic", "status": "undecided"},
            "status 'undecided' does",
        ),
        (
            {"critical_points": "undecided", "morse": "generic", "status": "proved"},
            "status 'proved' does not",
        ),
    ],
)
def test_verdicts_must_follow(claims, reason):
    claims_follow(
        {"critical_points": "generic", "morse": "generic", "status": "proved"}, "generic", "generic"
    )
    claims_follow(
        {"critical_points": "undecided", "morse": "undecided", "status": "undecided"}, "none", "fails"
    )
    with pytest.raises(Rejected, match=reason):
        claims_follow(claims, "generic", "generic")
