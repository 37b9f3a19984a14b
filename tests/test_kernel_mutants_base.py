"""The shared kernel helpers (``symmorse.kernel.base``) where a surviving mutant of ``tools/mutation.py``
answered differently: Sturm root counts (against SymPy's ``real_roots``) with roots at the ends of the
interval, primitive integer multiples, sigma' > 0 on charts whose sigma' has roots at or beyond the ends
of the interval (and at the size limit), polynomial activations of degree exactly 100, the bound on
expanded terms (exact for sums of products of sums of distinct symbols, with caps above the default,
and without computing huge powers), and the claimed biases behind identity units, fixed biases and
transcendental predecessor values.  See ``docs/mutation-testing.md``.
"""

import time
from fractions import Fraction

import flint
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from symmorse.kernel.base import (
    MAX_STURM_SIZE,
    Chart,
    Rejected,
    _primitive,
    _sign,
    chart,
    check_biases,
    expanded_terms,
    number,
    polynomial_activation,
    positive_derivative,
    real_roots_inside,
)

U, ONE = flint.fmpq_poly([0, 1]), flint.fmpq_poly([1])
t = sympy.Symbol("t")
small = st.fractions(min_value=-3, max_value=3, max_denominator=4)


def fq(q: Fraction) -> flint.fmpq:
    return flint.fmpq(q.numerator, q.denominator)


def to_sympy_poly(p: flint.fmpq_poly) -> sympy.Poly:
    return sympy.Poly([sympy.Rational(int(c.p), int(c.q)) for c in reversed(p.coeffs())], t)


# -- real_roots_inside and its helpers ---------------------------------------------------------------


@st.composite
def polynomials_and_ends(draw):
    """A polynomial with known rational roots (multiplicity 1-3), maybe +-sqrt(2) and a factor without
    real roots, and an open interval whose ends are often roots (or all of R)."""
    roots = draw(st.lists(small, max_size=4))
    p = fq(draw(small.filter(bool))) * ONE
    for r in roots:
        p *= (U - fq(r)) ** draw(st.integers(1, 3))
    if draw(st.booleans()):
        p *= U**2 - 2
    if draw(st.booleans()):
        p *= U**2 + 1
    if draw(st.booleans()):
        return p, None, None
    ends = st.sampled_from(roots) | small if roots else small
    lo, hi = draw(ends), draw(ends)
    if lo == hi:
        hi = lo + 1
    lo, hi = min(lo, hi), max(lo, hi)
    return p, fq(lo), fq(hi)


@settings(max_examples=60, deadline=None)
@given(polynomials_and_ends())
@example((U**3 - U, flint.fmpq(-1), flint.fmpq(1)))  # roots -1, 0, 1: only 0 inside
@example(((U - 1) ** 2 * (U + 2) * (U**2 - 2), None, None))  # 1, -2, +-sqrt(2)
def test_sturm_counts_the_distinct_real_roots_strictly_inside(case):
    p, lo, hi = case
    distinct = set(sympy.real_roots(to_sympy_poly(p)))
    if lo is None:
        expected = len(distinct)
    else:
        a, b = sympy.Rational(int(lo.p), int(lo.q)), sympy.Rational(int(hi.p), int(hi.q))
        expected = sum(bool(a < r) and bool(r < b) for r in distinct)
    assert real_roots_inside(p, lo, hi) == expected


def test_the_zero_polynomial_has_no_root_count():
    with pytest.raises(ValueError, match="^the zero polynomial has a root everywhere$"):
        real_roots_inside(0 * ONE)


def test_sign():
    assert [_sign(flint.fmpq(q)) for q in (-3, 0, 5)] == [-1, 0, 1]
    assert _sign(flint.fmpq(-1, 7)) == -1 and _sign(flint.fmpq(1, 7)) == 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fractions(max_denominator=12, min_value=-20, max_value=20), max_size=6))
@example([Fraction(4), Fraction(2)])  # 2x + 4: content 2
@example([Fraction(0), Fraction(-9, 2), Fraction(3)])  # (6x^2 - 9x)/2: content 3, a negative coefficient
@example([])  # the zero polynomial stays zero
def test_primitive_is_a_positive_multiple_with_coprime_integer_coefficients(coeffs):
    p = flint.fmpq_poly([fq(c) for c in coeffs])
    q = _primitive(p)
    if p == 0:
        assert q == 0
        return
    assert all(c.q == 1 for c in q.coeffs())
    assert flint.fmpz_poly([c.p for c in q.coeffs()]).content() == 1
    ratio = q.leading_coefficient() / p.leading_coefficient()
    assert ratio > 0 and q == ratio * p


# -- positive_derivative -----------------------------------------------------------------------------


def charted(interval, num, den=ONE) -> Chart:
    """A chart with the given interval and sigma' = num / den (the other entries are tanh's, unused)."""
    tanh = chart("tanh")
    return Chart(interval, (num, den), tanh.d2, tanh.inverse, tanh.value)


def test_the_tables_charts_are_monotone_and_a_double_root_of_sigma_prime_is_not():
    assert all(positive_derivative(chart(name)) for name in ("tanh", "sigmoid", "softplus", "arctan"))
    assert positive_derivative(chart("poly:z**3/3 + z"))
    # sigma' = 3 (z - 1)^2 >= 0 vanishes at z = 1 (and is 3 > 0 at the point tested, 0)
    assert positive_derivative(chart("poly:(z - 1)**3")) is False


def test_roots_of_the_numerator_inside_and_at_the_ends():
    # (u - 1/2)^2 on (-1, 1): a root inside, none beyond the ends; positive at the midpoint 0
    assert positive_derivative(charted((-1, 1), (U - flint.fmpq(1, 2)) ** 2)) is False
    # (u - 2)(3 - u) on (2, 3): roots only at the ends, positive inside (negative left of 2)
    assert positive_derivative(charted((2, 3), (U - 2) * (3 - U))) is True
    assert positive_derivative(charted((2, 3), (U - 2) * (U - 3))) is False


def test_roots_of_the_denominator_beyond_and_at_the_ends():
    assert positive_derivative(charted((0, 1), ONE, (U + 1) * (2 - U))) is True  # roots -1 and 2
    assert positive_derivative(charted((0, 1), ONE, U * (1 - U))) is True  # roots at the ends
    assert positive_derivative(charted((0, 1), ONE, U - flint.fmpq(1, 2))) is False  # a pole inside


def test_the_size_limit_is_inclusive():
    bits = MAX_STURM_SIZE  # degree 1: degree^2 x bits = bits
    at_limit = charted((0, 1), 2 ** (bits - 1) * U + 1)  # its root -1/2^(bits-1) is outside (0, 1)
    assert positive_derivative(at_limit) is True
    with pytest.raises(Rejected, match=f"= {bits + 1} > {MAX_STURM_SIZE}"):
        positive_derivative(charted((0, 1), 2**bits * U + 1))


# -- polynomial activations and numbers ------------------------------------------------------------


def test_degree_exactly_100_is_read_by_products_and_powers():
    assert polynomial_activation("poly:(z + 1)**100") == (U + 1) ** 100
    assert polynomial_activation("poly:z**50 * (z + 1)**50") == U**50 * (U + 1) ** 50
    assert polynomial_activation("poly:z**100").degree() == 100
    for text in ("poly:(z + 1)**101", "poly:z**51 * (z + 1)**50"):
        with pytest.raises(Rejected, match="is not a polynomial of degree <= 100"):
            polynomial_activation(text)


def test_an_unreadable_activation_is_named_as_an_activation():
    with pytest.raises(Rejected, match=r"^activation 'z \+\* 2': syntax error"):
        polynomial_activation("poly:z +* 2")


def test_a_number_that_is_not_rational_names_where_it_is():
    with pytest.raises(Rejected, match=r"^x\[0\]: expected an exact rational"):
        number("one", "x[0]")


# -- expanded_terms ---------------------------------------------------------------------------------


def _terms(e: sympy.Expr) -> int:
    return len(sympy.Add.make_args(sympy.expand(e)))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(1, 3), min_size=1, max_size=3), min_size=1, max_size=3), st.booleans())
@example([[1]], False)  # a single symbol
@example([[2, 2]], True)  # (a + b)(c + d)
def test_the_bound_is_exact_for_sums_of_products_of_sums_of_distinct_symbols(shape, scaled):
    names = iter(sympy.symbols("s0:40"))
    products = [sympy.Mul(*[sympy.Add(*[next(names) for _ in range(k)]) for k in f]) for f in shape]
    e = sympy.Add(*products) * (sympy.Rational(3, 2) if scaled else 1)
    n = sum(sympy.prod(factors) for factors in shape)
    assert expanded_terms(e) == _terms(e) == n
    assert expanded_terms(sympy.atan(e)) == n  # a function value counts as its argument
    assert expanded_terms(e, cap=2) == min(2, n)


@pytest.mark.parametrize("k, n", [(2, 1), (2, 2), (2, 3), (3, 2), (2, 11), (2, 20), (3, 18)])
def test_a_power_of_a_sum_counts_as_the_bound_of_the_sum_to_the_power(k, n):
    s = sympy.Add(*sympy.symbols(f"a0:{k}"))
    assert expanded_terms(s**n) == k**n >= (_terms(s**n) if n <= 3 else 0)  # k^n < 10^9: not capped
    assert expanded_terms(s ** (n + 30), cap=k**n) == k**n  # above the cap: the cap


def test_caps_above_the_default_are_kept_at_every_level():
    # a product of 8 sums of 16 distinct symbols expands to 16^8 = 2^32 > 10^9 distinct monomials
    sums = [sympy.Add(*sympy.symbols(f"v{i}_0:16")) for i in range(8)]
    e, x, y = sympy.Mul(*sums), *sympy.symbols("x y")
    cap = 2**80
    assert expanded_terms(e, cap) == 2**32 and expanded_terms(e) == 10**9
    assert expanded_terms(e + x, cap) == 2**32 + 1
    assert expanded_terms(y * (e + x), cap) == 2**32 + 1
    assert expanded_terms(sympy.atan(e), cap) == 2**32
    assert expanded_terms((e + x) ** 2, cap) == (2**32 + 1) ** 2
    assert expanded_terms((e + x) ** 3, cap) == cap  # (2^32 + 1)^3 > 2^80


def test_a_huge_power_is_capped_without_computing_it():
    a, b = sympy.symbols("a b")
    start = time.process_time()
    assert expanded_terms((a + b) ** (3 * 10**8)) == 10**9  # 2^(3 10^8) would take seconds
    assert expanded_terms((a + b + 1) ** (10**7)) == 10**9  # 3^(10^7) too
    assert time.process_time() - start < 1


# -- check_biases -----------------------------------------------------------------------------------

TANH, SOFTPLUS = chart("tanh"), chart("softplus")
nonzero = small.filter(bool)
inside_tanh = st.fractions(min_value=-1, max_value=1, max_denominator=9).filter(lambda q: abs(q) < 1)
inside_01 = st.fractions(min_value=0, max_value=1, max_denominator=9).filter(lambda q: 0 < q < 1)


def accepted(hidden, preds, charts, u, x, claimed, fixed=None) -> bool:
    try:
        check_biases(["x0"], hidden, "y", preds, charts, u, [fq(x)], claimed, "witness 0", fixed)
    except Rejected:
        return False
    return True


@settings(max_examples=30, deadline=None)
@given(small, nonzero, nonzero, nonzero, inside_tanh, st.booleans())
def test_an_identity_unit_adds_its_bias_before_the_next_node(x0, w1, c_a, w2, u_b, fixed):
    """x0 -w1-> a (identity, bias c_a, maybe fixed) -w2-> b (tanh at u_b) -1-> y: the bias of b is
    atanh(u_b) - w2 (w1 x0 + c_a)."""
    preds = {"a": [("x0", fq(w1))], "b": [("a", fq(w2))], "y": [("b", flint.fmpq(1))]}
    charts, u = {"b": TANH}, {"b": fq(u_b)}
    fix = {"a": fq(c_a)} if fixed else None

    def ok(bias_b: str, bias_a: str = f"{c_a}", bias_y: str = "0") -> bool:
        return accepted(["a", "b"], preds, charts, u, x0, {"a": bias_a, "b": bias_b, "y": bias_y}, fix)

    q = w2 * (w1 * x0 + c_a)  # what b receives
    assert ok(f"atanh({u_b}) - ({q})")
    assert not ok(f"atanh({u_b}) - ({w2 * (w1 * x0 - c_a)})")  # the bias of a subtracted
    assert not ok(f"atanh({u_b}) - ({q}) + 1")  # b's bias is checked after a's
    assert not ok(f"atanh({u_b}) - ({q})", bias_y="1")  # and the output's
    assert not ok(f"atanh({(u_b + 1) / 2}) - ({q})")  # the right rational part, another atanh
    if q:
        assert not ok(f"atanh({u_b}) + ({q})")
    if fixed:
        assert not ok(f"atanh({u_b}) - ({q})", bias_a=f"{c_a + 1}")


@settings(max_examples=30, deadline=None)
@given(small, nonzero, nonzero, inside_01, inside_tanh)
def test_a_transcendental_value_of_a_predecessor_is_subtracted(x0, w1, w2, u_a, u_b):
    """x0 -w1-> a (softplus at u_a, value -log(1 - u_a)) -w2-> b (tanh at u_b) -1-> y: the bias of b
    is atanh(u_b) + w2 log(1 - u_a)."""
    preds = {"a": [("x0", fq(w1))], "b": [("a", fq(w2))], "y": [("b", flint.fmpq(1))]}
    charts, u = {"a": SOFTPLUS, "b": TANH}, {"a": fq(u_a), "b": fq(u_b)}
    bias_a = f"log({u_a / (1 - u_a)}) - ({w1 * x0})"

    def ok(bias_b: str) -> bool:
        return accepted(["a", "b"], preds, charts, u, x0, {"a": bias_a, "b": bias_b, "y": "0"})

    assert ok(f"atanh({u_b}) + ({w2})*log({1 - u_a})")
    assert not ok(f"atanh({u_b})")  # the rational parts agree, the log term is missing
    assert not ok(f"atanh({u_b}) - ({w2})*log({1 - u_a})")
