"""Degeneracy polynomials: the mathematics, the certificates, the kernel and tampering."""

import copy
import functools
import random

import flint
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symmorse.exact.errors import ActivationError, ArchitectureError, CertificateError
from symmorse.kernel import check_certificate
from symmorse.kernel.base import polynomial_activation
from symmorse.kernel.elimination import parameter_names
from symmorse.model.activations import get_activation
from symmorse.model.network import Network
from symmorse.search.elimination import _coefficients, _equations, _Ring, bezout_cofactors, eliminate

from .helpers import random_rational

# -- helpers ---------------------------------------------------------------------------------------


@functools.cache
def certificate_of(arch: str, act: str) -> dict:
    """The certificate of ``eliminate(arch, act)``, computed once per test session."""
    return eliminate(arch, act).certificate


def polynomial(cert: dict, key: dict) -> sympy.Expr:
    """A stored polynomial as a SymPy expression (read independently of the kernel)."""
    symbols = [sympy.Symbol(n, real=True) for n in cert["variables"]]
    return sympy.Add(
        *[sympy.Rational(c) * sympy.Mul(*[s**e for s, e in zip(symbols, exps)]) for c, exps in key["terms"]]
    )


def P_at(cert: dict, weights: dict) -> sympy.Rational:
    values = {sympy.Symbol(k, real=True): v for k, v in weights.items()}
    return polynomial(cert, cert["polynomial"]).xreplace(values)


def degenerate_critical_points_1d(net: Network) -> list:
    """Common complex roots of Phi' and Phi'' for a network with all weights given (naive SymPy route)."""
    x = net.inputs[0]
    phi = sympy.expand(net.output)
    return sympy.Poly(sympy.gcd(sympy.diff(phi, x), sympy.diff(phi, x, 2)), x).all_roots()


def activation_text(coefficients: list[int]) -> str:
    z = sympy.Symbol("z")
    return "poly:" + str(sympy.Add(*[c * z**k for k, c in enumerate(coefficients)])).replace(" ", "")


activations = st.lists(st.integers(-3, 3), min_size=2, max_size=4).filter(lambda c: c[-1] != 0)

# -- the kernel is independent ---------------------------------------------------------------------


@given(st.lists(st.integers(1, 3), min_size=2, max_size=4))
def test_kernel_names_the_parameters_as_the_network_does(ws):
    ws[-1] = 1
    assert parameter_names(ws) == [s.name for s in Network(ws, "poly:z**2").parameters]


@given(st.lists(st.fractions(-3, 3, max_denominator=4), min_size=2, max_size=5).filter(lambda c: c[-1] != 0))
def test_kernel_reads_the_registry_names_as_their_coefficients(coefficients):
    z = sympy.Symbol("z")
    text = "poly:" + str(sympy.Add(*[sympy.Rational(c) * z**k for k, c in enumerate(coefficients)]))
    expected = flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator) for c in coefficients])
    assert polynomial_activation(get_activation(text).name) == expected


def test_the_activation_name_must_denote_the_coefficients(certificate):
    cert = copy.deepcopy(certificate)
    assert cert["activation"]["name"] == "poly:z**3+z"
    cert["activation"]["name"] = "poly:z + z^3"  # the same polynomial, written otherwise
    assert check_certificate(cert).accepted
    cert["activation"]["name"] = "poly:z**3+2*z"
    result = check_certificate(cert)
    assert not result.accepted and "the activation name contradicts its coefficients" in result.reason


# -- the equations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arch, act", [("1,2,1", "poly:z**3+z"), ("2,2,1", "poly:z**3/3-z/2+1"), ("1,2,2,1", "poly:z**2+z")]
)
def test_equations_are_the_structured_derivatives_of_network(arch, act):
    net = Network(arch, act)
    ring = _Ring(net)
    symbols = net.parameters + net.inputs
    naive = [*net.gradient("x"), net.hessian_det("x")]
    for expr, poly in zip(naive, _equations(net, ring)):
        terms = sympy.Poly(expr, *symbols, domain="QQ").as_dict()
        assert poly == ring.ctx.from_dict({e: flint.fmpq(int(c.p), int(c.q)) for e, c in terms.items()})


@given(st.integers(0, 3), st.integers(0, 3), st.randoms(use_true_random=False))
def test_bezout_cofactors_give_the_resultant_up_to_a_leading_coefficient(m, n, rng):
    ctx = flint.fmpq_mpoly_ctx.get(("a", "b", "c", "x"), "lex")
    a, b, c, x = ctx.gens()

    def poly(degree):
        terms = [(rng.randint(-3, 3) * a + rng.randint(-2, 2) * b * c + 1) * x**k for k in range(degree)]
        return sum(terms, ctx.constant(0)) + (a + rng.randint(1, 3)) * x**degree

    f, g = poly(m), poly(n)
    if m + n == 0:
        with pytest.raises(ValueError, match="free of x"):
            bezout_cofactors(f, g, "x")
        return
    R, A, B = bezout_cofactors(f, g, "x")
    assert A * f + B * g == R  # the determinant, expanded along column 0, is the cofactor combination
    high = _coefficients(f if m >= n else g, "x")[0]
    assert R in (high ** abs(m - n) * f.resultant(g, "x"), -(high ** abs(m - n)) * f.resultant(g, "x"))
    assert A.degrees()[3] < max(m, n) and B.degrees()[3] < max(m, n)


# -- the must-show certificates --------------------------------------------------------------------


@pytest.mark.parametrize(
    "arch, act",
    [
        ("1,2,1", "poly:z**3+z"),
        ("1,3,1", "poly:z**3+z"),
        ("2,2,1", "poly:z**2+z"),
        ("2,2,1", "poly:z**3+z"),
        ("2,3,1", "poly:z**2+z"),
    ],
)
def test_certificates_for_the_small_architectures_are_checked(arch, act):
    e = eliminate(arch, act)
    assert e.verdict == "measure-zero"
    cert = e.certificate
    assert cert["membership"]["method"] == "cofactors"
    result = check_certificate(cert)
    assert result.accepted, result.reason
    # P is a polynomial in the weights, not the zero polynomial, and its factorization is P
    P = polynomial(cert, cert["polynomial"])
    assert P.free_symbols <= set(Network(arch, act).parameters) and P != 0
    product = sympy.Rational(cert["factorization"]["content"]) * sympy.Mul(
        *[polynomial(cert, f["polynomial"]) ** f["multiplicity"] for f in cert["factorization"]["factors"]]
    )
    assert sympy.expand(product - P) == 0


def test_quadratic_activation_on_2_inputs_gives_det_hess():
    # Phi is quadratic in x: the Hessian is constant and P is det Hess itself (up to a constant)
    e = eliminate("2,2,1", "poly:z**2+z")
    net = Network("2,2,1", "poly:z**2+z")
    P = polynomial(e.certificate, e.certificate["polynomial"])
    ratio = sympy.cancel(sympy.expand(net.hessian_det("x")) / P)
    assert ratio.is_Rational and ratio != 0


def test_forced_degeneracy_z3_on_1_1_1():
    e = eliminate("1,1,1", "poly:z**3")
    assert e.verdict == "forced"
    assert check_certificate(e.certificate).accepted
    # at the witness weights, Phi has a degenerate critical point (independently, with SymPy)
    net = Network("1,1,1", "poly:z**3", e.certificate["point"])
    assert degenerate_critical_points_1d(net)


def test_forced_degeneracy_z3_on_2_2_1():
    e = eliminate("2,2,1", "poly:z**3")
    assert e.verdict == "forced" and "zero" in e.certificate
    assert check_certificate(e.certificate).accepted
    net = Network("2,2,1", "poly:z**3", e.certificate["point"])
    x0 = {s: sympy.Rational(e.certificate["zero"][s.name]) for s in net.inputs}
    phi = net.output
    gradient = [sympy.diff(phi, x).xreplace(x0) for x in net.inputs]
    assert gradient == [0, 0] and sympy.hessian(phi, net.inputs).xreplace(x0).det() == 0


def test_forced_degeneracy_on_a_bottleneck_with_an_irrational_critical_line():
    # 2,1,1 with sigma' = 4z^3 + 1: critical points on the line z = -(1/4)^(1/3), all degenerate
    e = eliminate("2,1,1", "poly:z**4+z")
    assert e.verdict == "forced" and "sign_change" in e.certificate
    assert check_certificate(e.certificate).accepted


def test_no_real_critical_points_but_complex_ones_is_undecided():
    # 2,1,1 with sigma' = 3z^2 + 1 > 0: the complex elimination sees critical points everywhere
    e = eliminate("2,1,1", "poly:z**3+z")
    assert e.verdict == "undecided" and e.certificate is None
    assert "neither P != 0 nor forced degeneracy" in e.reason


# -- the mathematics: P vanishes at degenerate weights, and only there where checked ------------------


@given(
    st.randoms(use_true_random=False), st.sampled_from(["poly:z**3+z", "poly:z**3-z**2+2*z", "poly:z**3-3*z"])
)
def test_hand_made_degenerate_point_on_1_3_1_is_a_zero_of_P(rng, act):
    cert = certificate_of("1,3,1", act)
    sigma = get_activation(act)
    x0 = random_rational(rng)
    W = [random_rational(rng) or 1 for _ in range(3)]
    b = [random_rational(rng) for _ in range(3)]
    z = [Wi * x0 + bi for Wi, bi in zip(W, b)]
    rows = sympy.Matrix(
        [
            [Wi * sigma.derivative(zi) for Wi, zi in zip(W, z)],
            [Wi**2 * sigma.second_derivative(zi) for Wi, zi in zip(W, z)],
        ]
    )
    w = rows.nullspace()[0]
    weights = {"W1_1_1": W[0], "W1_2_1": W[1], "W1_3_1": W[2], "b1_1": b[0], "b1_2": b[1], "b1_3": b[2]}
    weights.update({"w1": w[0], "w2": w[1], "w3": w[2], "b2": random_rational(rng)})
    net = Network("1,3,1", act, weights)
    phi, x = net.output, net.inputs[0]
    assert sympy.diff(phi, x).subs(x, x0) == 0 and sympy.diff(phi, x, 2).subs(x, x0) == 0
    assert P_at(cert, weights) == 0


@given(st.randoms(use_true_random=False))
def test_hand_made_degenerate_point_on_2_2_1_is_a_zero_of_P(rng):
    # det W = 0: Phi depends on s = a.x only, psi(s) = w1 sigma(s + b1) + w2 sigma(c s + b2); psi'(s0) = 0
    act = "poly:z**3+z"
    sigma = get_activation(act)
    cert = certificate_of("2,2,1", act)
    a1, a2, c = (random_rational(rng) or 1 for _ in range(3))
    b1, b2, x1, x2, w1 = (random_rational(rng) for _ in range(5))
    s0 = a1 * x1 + a2 * x2
    w2 = -w1 * sigma.derivative(s0 + b1) / (c * sigma.derivative(c * s0 + b2))
    weights = {"W1_1_1": a1, "W1_1_2": a2, "W1_2_1": c * a1, "W1_2_2": c * a2, "b1_1": b1, "b1_2": b2}
    weights.update({"w1": w1, "w2": w2, "b2": 0})
    net = Network("2,2,1", act, weights)
    point = dict(zip(net.inputs, (x1, x2)))
    assert [sympy.diff(net.output, x).xreplace(point) for x in net.inputs] == [0, 0]
    assert sympy.hessian(net.output, net.inputs).xreplace(point).det() == 0
    assert P_at(cert, weights) == 0


@given(st.integers(1, 3), activations, st.randoms(use_true_random=False))
def test_where_P_is_not_zero_sympy_finds_no_degenerate_critical_point_1d(hidden, coefficients, rng):
    arch, act = f"1,{hidden},1", activation_text(coefficients)
    e = eliminate(arch, act, seed=rng.randint(0, 99))
    assert e.verdict != "undecided"
    assert check_certificate(e.certificate).accepted
    if e.verdict == "measure-zero":
        weights = {s.name: random_rational(rng) for s in Network(arch, act).parameters}
        if P_at(e.certificate, weights) != 0:
            assert degenerate_critical_points_1d(Network(arch, act, weights)) == []


@given(st.sampled_from(["poly:z**2+z", "poly:z**3+z", "poly:2*z**2-z+1"]), st.randoms(use_true_random=False))
def test_where_P_is_not_zero_sympy_finds_no_degenerate_critical_point_2d(act, rng):
    weights = {s.name: random_rational(rng) for s in Network("2,2,1", act).parameters}
    if P_at(certificate_of("2,2,1", act), weights) != 0:
        net = Network("2,2,1", act, weights)
        phi = sympy.expand(net.output)
        equations = [sympy.diff(phi, x) for x in net.inputs] + [sympy.hessian(phi, net.inputs).det()]
        assert list(sympy.groebner(equations, *net.inputs)) == [1]


# -- random certificates are accepted, tampered ones rejected -----------------------------------------


@given(
    st.sampled_from(["1,1,1", "1,2,1", "1,3,1", "2,1,1", "2,2,1", "1,1,1,1"]),
    activations,
    st.integers(0, 9),
)
def test_random_certificates_are_accepted(arch, coefficients, seed):
    if arch in ("2,2,1", "1,1,1,1") and len(coefficients) > 3:
        coefficients = coefficients[:2] + [coefficients[-1]]
    e = eliminate(arch, activation_text(coefficients), seed=seed)
    if e.certificate is not None:
        result = check_certificate(e.certificate)
        assert result.accepted, result.reason


@pytest.fixture(scope="module")
def certificate():
    return eliminate("1,2,1", "poly:z**3+z").certificate


@pytest.fixture(scope="module")
def forced():
    return eliminate("1,1,1", "poly:z**3").certificate


def rejected(cert: dict) -> bool:
    try:
        return not check_certificate(cert).accepted
    except CertificateError:
        return True


@given(st.data())
def test_changed_coefficients_are_rejected(certificate, data):
    place = data.draw(st.sampled_from(["polynomial", "cofactor0", "cofactor1", "factor"]))
    cert = copy.deepcopy(certificate)
    target = {
        "polynomial": cert["polynomial"],
        "cofactor0": cert["membership"]["cofactors"][0],
        "cofactor1": cert["membership"]["cofactors"][1],
        "factor": cert["factorization"]["factors"][0]["polynomial"],
    }[place]
    term = data.draw(st.integers(0, len(target["terms"]) - 1))
    delta = data.draw(st.integers(-5, 5).filter(bool))
    target["terms"][term][0] = str(sympy.Rational(target["terms"][term][0]) + delta)
    assert rejected(cert)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c["point"].update(W1_1_1=str(sympy.Rational(c["point"]["W1_1_1"]) + 1)),
        lambda c: c.update(value="1"),
        lambda c: c["architecture"].update(widths=[1, 3, 1]),
        lambda c: c["activation"].update(coefficients=["0", "1", "0", "2"]),
        lambda c: c["activation"].update(name="poly:z**3+2*z"),
        lambda c: c["activation"].update(name="poly:z**3+2*z", coefficients=["0", "2", "0", "1"]),
        lambda c: c["factorization"]["factors"][0].update(multiplicity=2),
        lambda c: c["factorization"]["factors"][0].update(degree=3),
        lambda c: c["factorization"].update(content="2"),
        lambda c: c["membership"]["cofactors"].pop(),
        lambda c: c["polynomial"]["terms"].pop(),
        lambda c: c["polynomial"]["terms"][0][1].__setitem__(-1, 1),  # P must not contain x
        lambda c: c.update(variables=list(reversed(c["variables"]))),
        lambda c: c.update(verdict="forced"),
        lambda c: c.update(format="symmorse-elimination/0"),
    ],
)
def test_tampered_certificates_are_rejected(certificate, tamper):
    cert = copy.deepcopy(certificate)
    tamper(cert)
    assert rejected(cert)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c["generators"][0]["terms"][0].__setitem__(0, "2"),
        lambda c: c["sign_change"][1].update(x1=c["sign_change"][0]["x1"]),
        lambda c: c["point"].update(b1_1=str(sympy.Rational(c["point"]["b1_1"]) + 1000)),  # zero moves away
        lambda c: c["cofactors"][0][0]["terms"].pop(),
        lambda c: c["multipliers"][0]["terms"][0].__setitem__(0, "0"),
        lambda c: c["architecture"].update(widths=[1, 2, 1]),
        lambda c: c["activation"].update(name="poly:z**2", coefficients=["0", "0", "1"]),
    ],
)
def test_tampered_forced_certificates_are_rejected(forced, tamper):
    cert = copy.deepcopy(forced)
    tamper(cert)
    assert rejected(cert)


def test_the_weaker_resultant_claim_is_checked_by_recomputation():
    e = eliminate("1,2,1", "poly:z**3+z", max_cofactor_terms=1)
    cert = e.certificate
    assert cert["membership"]["method"] == "resultant" and "weaker" in cert["membership"]["claim"]
    assert check_certificate(cert).accepted
    bad = copy.deepcopy(cert)
    bad["membership"]["chain"] = ["res", "x1", ["eq", 0], ["eq", 0]]
    assert rejected(bad)


def test_a_resultant_of_two_x_free_polynomials_is_refused():
    # Res_x of two constants is 1 by convention; accepting it would "prove" P = 1
    cert = copy.deepcopy(eliminate("2,2,1", "poly:z**2+z").certificate)
    names = cert["variables"]
    cert["membership"] = {"method": "resultant", "chain": ["res", "x1", ["eq", 2], ["eq", 2]]}
    cert["polynomial"] = {"terms": [["1", [0] * len(names)]]}
    cert["factorization"] = {"content": "1", "factors": []}
    cert["value"] = "1"
    result = check_certificate(cert)
    assert not result.accepted and "free of x1" in result.reason


def test_malformed_certificates_are_unreadable(certificate):
    for broken in ({}, {"format": "symmorse-elimination/1"}, {**certificate, "polynomial": "x"}):
        with pytest.raises(CertificateError):
            check_certificate(broken)
    bad = copy.deepcopy(certificate)
    bad["polynomial"]["terms"][0][0] = 0.5  # a float is not an exact rational string
    with pytest.raises(CertificateError, match="exact rational"):
        check_certificate(bad)


# -- bad input and limits --------------------------------------------------------------------------


def test_bad_input_names_the_problem():
    with pytest.raises(ActivationError, match="polynomial activation"):
        eliminate("1,2,1", "tanh")
    with pytest.raises(ArchitectureError, match="input width 1 or 2"):
        eliminate("3,2,1", "poly:z**2")
    with pytest.raises(ArchitectureError, match="degree 27 in x; elimination supports at most 9"):
        eliminate("1,2,2,2,1", "poly:z**3")
    with pytest.raises(ArchitectureError, match="degree 9 in x; elimination supports at most 4"):
        eliminate("2,2,2,1", "poly:z**3")


def test_time_limit_gives_undecided():
    e = eliminate("2,3,1", "poly:z**3+z", time_limit=0.5)
    assert e.verdict == "undecided" and "time limit of 0.5 s" in e.reason
    assert e.seconds < 5


def test_worker_returns_the_same_certificate():
    assert (
        eliminate("1,2,1", "poly:z**3+z", time_limit=60).certificate
        == eliminate("1,2,1", "poly:z**3+z").certificate
    )


def test_same_seed_same_certificate_other_seed_other_point():
    a, b = eliminate("1,3,1", "poly:z**3+z", seed=1), eliminate("1,3,1", "poly:z**3+z", seed=1)
    assert a.certificate == b.certificate
    assert eliminate("1,3,1", "poly:z**3+z", seed=2).certificate["point"] != a.certificate["point"]


def test_summary_reports_factors_and_what_is_certified():
    text = eliminate("2,2,1", "poly:z**3+z").summary()
    assert "measure-zero" in text and "multiplicity" in text and "certified:" in text
    assert "W1_1_1*W1_2_2 - W1_1_2*W1_2_1" in text  # det W is a factor


def test_a_chain_whose_bezout_form_vanishes_is_skipped():
    # E1 = x1 x2^2 + a, E2 = x2 + b, E3 = x2 + c: both inner Bezout forms carry lc_x2(E1) = x1, so the
    # outer Bezout form is 0 although Res_x1(Res_x2(E1, E2), Res_x2(E1, E3)) = +-a (b^2 - c^2) is not.
    from symmorse.search.elimination import _chain_cofactors, _chain_value, _measure_zero

    ring = _Ring.__new__(_Ring)
    ring.params, ring.xs = ["a", "b", "c"], ["x1", "x2"]
    ring.ctx = flint.fmpq_mpoly_ctx.get(ring.params + ring.xs, "lex")
    a, b, c, x1, x2 = ring.ctx.gens()
    E = [x1 * x2**2 + a, x2 + b, x2 + c]
    inner = ["res", "x1", ["res", "x2", ["eq", 0], ["eq", 1]], ["res", "x2", ["eq", 0], ["eq", 2]]]
    assert _chain_value(inner, E, {}) in (a * b**2 - a * c**2, a * c**2 - a * b**2)
    assert _chain_cofactors(inner, E, 1000)[0].is_zero()
    other = ["res", "x2", ["eq", 1], ["eq", 2]]
    body, _ = _measure_zero(E, ring, inner, iter([other]), {}, 1000, random.Random(0))
    assert body["membership"]["method"] == "cofactors" and body["membership"]["chain"] == other

    def read(p):
        return ring.ctx.from_dict(
            {tuple(e): flint.fmpq(*map(int, sympy.Rational(q).as_numer_denom())) for q, e in p["terms"]}
        )

    P, *cofactors = [read(p) for p in [body["polynomial"], *body["membership"]["cofactors"]]]
    assert sum((A * e for A, e in zip(cofactors, E)), ring.ctx.constant(0)) == P and P.degrees()[3:] == (0, 0)
