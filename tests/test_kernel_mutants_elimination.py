"""The elimination kernel (``symmorse.kernel.elimination``) answer by answer: the exact accept text of each
kind of true certificate, and for each tampering the exact reason, naming the false claim or the field.
Written against the surviving mutants of ``tools/mutation.py`` (``docs/mutation-testing.md``); the kernel's
``check`` is called directly, so that its own refusals are tested behind the schema's.
"""

import copy
import functools

import flint
import pytest

from symmorse.exact.errors import CertificateError
from symmorse.kernel import check_certificate, elimination
from symmorse.search.elimination import eliminate

NULL_HOW = "P = sum_k A_k E_k (expanded)"
RESULTANT_HOW = "P = c * resultant chain (recomputed with FLINT; no cofactors)"
FORCED = (
    "D_k E_k = sum_j M_kj G_j (expanded), D_k != 0 and {how}: every weight vector near the point "
    "has a degenerate critical point (continuity / implicit function theorem), so no P != 0 exists"
)
SIGN_HOW = "G changes sign on a segment at the point"
ZERO_HOW = "G = 0 with dG/dx of full rank at the point"


@functools.cache
def _certificate(arch: str, act: str, cofactor_terms: int | None = None) -> dict:
    kw = {} if cofactor_terms is None else {"max_cofactor_terms": cofactor_terms}
    return eliminate(arch, act, **kw).certificate


def certificate(arch: str, act: str, cofactor_terms: int | None = None) -> dict:
    return copy.deepcopy(_certificate(arch, act, cofactor_terms))


def null() -> dict:
    return certificate("1,2,1", "poly:z**3+z")


def resultant() -> dict:
    return certificate("1,2,1", "poly:z**3+z", 1)


def sign() -> dict:
    return certificate("1,1,1", "poly:z**3")


def zero() -> dict:
    return certificate("2,2,1", "poly:z**3")


def answer(cert: dict) -> str:
    """The kernel's answer: ``accepted: ...``, ``rejected: ...`` or ``refused: ...`` (CertificateError)."""
    try:
        result = elimination.check(cert)
    except CertificateError as exc:
        return f"refused: {exc}"
    return f"{ {True: 'accepted', False: 'rejected'}[result.accepted] }: {result.reason}"


def null_accepted(value: str) -> str:
    return (
        f"accepted: {NULL_HOW}; P(point) = {value} != 0; P factors as stated; "
        "degenerate weights lie in {P = 0}"
    )


# -- true certificates ----------------------------------------------------------------------------


def test_the_accept_texts():
    assert answer(null()) == null_accepted("14641/9")
    assert answer(resultant()) == (
        f"accepted: {RESULTANT_HOW}; P(point) = -19487171/81 != 0; P factors as stated; "
        "degenerate weights lie in {P = 0}"
    )
    assert answer(sign()) == "accepted: " + FORCED.format(how=SIGN_HOW)
    assert answer(zero()) == "accepted: " + FORCED.format(how=ZERO_HOW)
    assert check_certificate(zero()).accepted


def test_p_may_take_the_value_one_at_the_point():
    cert = null()
    cert["point"] = {name: "0" for name in cert["point"]} | {"W1_1_1": "1", "w1": "1"}
    cert["value"] = "1"
    assert answer(cert) == null_accepted("1")


def test_p_a_constant_multiple_of_the_resultant_is_accepted():
    cert = resultant()
    for term in cert["polynomial"]["terms"]:
        term[0] = str(2 * int(term[0]))
    cert["factorization"]["content"] = str(2 * int(cert["factorization"]["content"]))
    cert["value"] = "-38974342/81"
    assert answer(cert) == (
        f"accepted: {RESULTANT_HOW}; P(point) = -38974342/81 != 0; P factors as stated; "
        "degenerate weights lie in {P = 0}"
    )


# -- measure-zero certificates, tampered ----------------------------------------------------------


def _x_in_p(c):
    c["polynomial"]["terms"][0][1][-1] = 1


def _p_zero(c):
    c["polynomial"]["terms"] = []


def _reducible_factor(c):
    n = len(c["variables"])
    square = [["1", [2] + [0] * (n - 1)]]  # W1_1_1^2
    c["factorization"]["factors"] = [{"polynomial": {"terms": square}, "multiplicity": 1, "degree": 2}]


def _x_factor(c):
    n = len(c["variables"])
    c["factorization"]["factors"][0]["polynomial"] = {"terms": [["1", [0] * (n - 1) + [1]]]}


def _constant_factor(c):
    n = len(c["variables"])
    c["factorization"]["factors"][0]["polynomial"] = {"terms": [["3", [0] * n]]}


@pytest.mark.parametrize(
    "tamper, expected",
    [
        (_x_in_p, "rejected: P must be a non-zero polynomial in the weights only"),
        (_p_zero, "rejected: P must be a non-zero polynomial in the weights only"),
        (lambda c: c["membership"]["cofactors"].pop(), "rejected: need 2 cofactors"),
        (
            lambda c: c["membership"]["cofactors"][0]["terms"][0].__setitem__(0, "7"),
            "rejected: P != sum_k A_k E_k: the cofactor identity fails",
        ),
        (
            lambda c: c["membership"].update(method="groebner"),
            "refused: elimination certificate: membership method must be cofactors or resultant",
        ),
        (lambda c: c.update(value="3"), "rejected: P(point) = 14641/9, not 3"),
        (
            lambda c: c.update(point={k: "0" for k in c["point"]}, value="0"),
            "rejected: P vanishes at the point, so it does not show P != 0",
        ),
        (
            lambda c: c.update(value="1/0"),
            "refused: elimination certificate: value has a zero denominator",
        ),
        (
            lambda c: c.update(value="x"),
            "refused: elimination certificate: value is not an exact rational string",
        ),
        (
            lambda c: c["factorization"].update(content="two"),
            "refused: elimination certificate: factorization content is not an exact rational string",
        ),
        (
            lambda c: c["factorization"].update(content="2"),
            "rejected: the factorization does not multiply out to P",
        ),
        (
            lambda c: c["factorization"]["factors"][0].update(multiplicity=0),
            "rejected: factor 0 has an impossible multiplicity",
        ),
        (
            lambda c: c["factorization"]["factors"][0].update(multiplicity=9),
            "rejected: factor 0 has an impossible multiplicity",
        ),
        (lambda c: c["factorization"]["factors"][0].update(degree=3), "rejected: factor 0 has degree 8"),
        (_reducible_factor, "rejected: factor 0 is not irreducible over Q"),
        (_x_factor, "rejected: factor 0 is not admissible"),
        (_constant_factor, "rejected: factor 0 is not admissible"),
        (
            lambda c: c["polynomial"]["terms"][0].__setitem__(1, [1, 2]),
            "refused: elimination certificate: malformed term ['1', [1, 2]] in polynomial",
        ),
        (
            lambda c: c["membership"]["cofactors"][1]["terms"].append(["1"]),
            "refused: elimination certificate: malformed term ['1'] in cofactor 1",
        ),
    ],
)
def test_tampered_measure_zero_certificates(tamper, expected):
    cert = null()
    tamper(cert)
    assert answer(cert) == expected


def test_a_tampered_point_is_caught_by_its_value():
    cert = null()
    cert["point"]["W1_1_1"] = "1"
    reason = answer(cert)
    assert reason.startswith("rejected: P(point) = ") and reason.endswith(", not 14641/9")
    assert reason != "rejected: P(point) = 14641/9, not 14641/9"


def test_the_point_must_name_exactly_the_weights():
    cert = null()
    del cert["point"]["b2"]
    names = cert["variables"][:-1]
    assert answer(cert) == f"rejected: point must give exactly {names}"


# -- resultant chains -----------------------------------------------------------------------------


def chain(*nodes) -> dict:
    cert = resultant()
    cert["membership"]["chain"] = list(nodes)
    return cert


def nested(levels: int) -> list:
    node = ["res", "x1", ["eq", 1], ["eq", 1]]  # Res(E_1, E_1) = 0, E_1 of degree 1 in x1
    for _ in range(levels - 1):
        node = ["res", "x1", node, ["eq", 0]]
    return node


def test_a_chain_of_four_resultants_is_computed_and_five_are_refused():
    assert answer(chain(*nested(4))) == "rejected: the resultant chain is zero"
    innermost = nested(1)  # at depth 4 in a chain of five
    assert answer(chain(*nested(5))) == (
        f"refused: elimination certificate: malformed resultant chain {innermost}"
    )


@pytest.mark.parametrize(
    "node",
    [
        ["sum", "x1", ["eq", 0], ["eq", 1]],
        ["res", "x1", ["eq", 0]],
        ["res", "b2", ["eq", 0], ["eq", 1]],
        ["eq", 2],
        ["eq", True],
        ["res", "x1", ["eq", 0], ["eq", 1], "and a long tail that is cut off in the message"],
    ],
)
def test_malformed_chains_are_refused_naming_them(node):
    assert (
        answer(chain(*node))
        == f"refused: elimination certificate: malformed resultant chain {str(node)[:80]}"
    )


def test_a_chain_that_is_not_p_is_rejected():
    cert = resultant()
    cert["polynomial"]["terms"][0][0] = str(int(cert["polynomial"]["terms"][0][0]) + 1)
    assert answer(cert) == "rejected: P != the resultant chain"


def test_the_resultant_size_limits_are_inclusive(monkeypatch):
    cert = resultant()
    ctx = flint.fmpq_mpoly_ctx.get(cert["variables"], "lex")
    sigma = [flint.fmpq(c) for c in (0, 1, 0, 1)]
    e0, e1 = elimination._equations(ctx, [1, 2, 1], sigma)
    terms, degrees = len(e0) * len(e1), e0.degrees()[-1] + e1.degrees()[-1]
    assert degrees == 3
    monkeypatch.setattr(elimination, "MAX_RESULTANT_TERMS", terms)
    monkeypatch.setattr(elimination, "MAX_RESULTANT_DEGREE", degrees)
    assert answer(copy.deepcopy(cert)).startswith("accepted: ")
    monkeypatch.setattr(elimination, "MAX_RESULTANT_DEGREE", degrees - 1)
    assert answer(copy.deepcopy(cert)) == (
        f"rejected: the resultant in x1 of polynomials of {len(e0)} and {len(e1)} terms and degrees 2, 1 "
        f"in x1 is beyond the kernel's limit (terms product <= {terms}, degree sum <= 2): not checked"
    )
    monkeypatch.setattr(elimination, "MAX_RESULTANT_DEGREE", degrees)
    monkeypatch.setattr(elimination, "MAX_RESULTANT_TERMS", terms - 1)
    assert answer(copy.deepcopy(cert)).startswith("rejected: the resultant in x1 of polynomials")


# -- forced certificates, tampered ----------------------------------------------------------------


def _second_generator(c):
    c["generators"].append(copy.deepcopy(c["generators"][0]))
    for row in c["cofactors"]:
        row.append({"terms": []})


@pytest.mark.parametrize(
    "tamper, expected",
    [
        (
            lambda c: c["sign_change"].append({"x1": "5"}),
            "rejected: a sign change needs one generator and two inputs",
        ),
        (_second_generator, "rejected: need 1 to 1 generators"),
        (
            lambda c: c["sign_change"][1].update(
                x1="4"
            ),  # G = -x1/2 + 2 vanishes at x1 = 4: no strict change
            "rejected: the generator does not change sign between the two inputs",
        ),
        (
            lambda c: c["sign_change"][1].update(x1=c["sign_change"][0]["x1"]),
            "rejected: the generator does not change sign between the two inputs",
        ),
        (
            lambda c: c["sign_change"].__setitem__(1, {"x2": "1"}),
            "rejected: sign_change must give exactly ['x1']",
        ),
        (lambda c: c["point"].pop("b2"), "rejected: point must give exactly ['W1_1_1', 'b1_1', 'w1', 'b2']"),
        (lambda c: c["multipliers"].pop(), "rejected: need 2 multipliers and rows"),
        (lambda c: c["cofactors"][0].append({"terms": []}), "rejected: cofactor row 0 has the wrong length"),
        (
            lambda c: c["multipliers"][0]["terms"].append(["1", [0, 0, 0, 0, 1]]),
            "rejected: multiplier 0 is not x-free or 0",
        ),
        (
            lambda c: c["multipliers"][1]["terms"][0].__setitem__(0, "0"),
            "rejected: multiplier 1 is not x-free or 0",
        ),
        (
            lambda c: c["cofactors"][1][0]["terms"][0].__setitem__(0, "5"),
            "rejected: D_1 E_1 != sum_j M_1j G_j",
        ),
        (
            lambda c: c["generators"][0]["terms"].append(["1", [0, 0]]),
            "refused: elimination certificate: malformed term ['1', [0, 0]] in generator 0",
        ),
        (
            lambda c: c["multipliers"][1]["terms"].append(["1", [0, 0]]),
            "refused: elimination certificate: malformed term ['1', [0, 0]] in multiplier 1",
        ),
        (
            lambda c: c["cofactors"][1][0]["terms"].append(["1", [0, 0]]),
            "refused: elimination certificate: malformed term ['1', [0, 0]] in cofactor [1][0]",
        ),
    ],
)
def test_tampered_sign_change_certificates(tamper, expected):
    cert = sign()
    tamper(cert)
    assert answer(cert) == expected


def test_a_zero_of_full_rank_instead_of_a_sign_change():
    """1,1,1 with z^3: G = W1_1_1 x1 + b1_1 = -x1/2 + 2 vanishes at x1 = 4 with dG/dx = -1/2 != 0."""
    cert = sign()
    del cert["sign_change"]
    cert["zero"] = {"x1": "4"}
    assert answer(cert) == "accepted: " + FORCED.format(how=ZERO_HOW)
    cert["point"].update(W1_1_1="0", b1_1="0")  # G = 0 for every x: dG/dx = 0, no implicit function
    assert answer(cert) == "rejected: dG/dx does not have full rank at the zero"


@pytest.mark.parametrize(
    "tamper, expected",
    [
        (lambda c: c["zero"].update(x1="-2"), "rejected: a generator does not vanish at the zero"),
        (lambda c: c["zero"].pop("x2"), "rejected: zero must give exactly ['x1', 'x2']"),
    ],
)
def test_tampered_zero_certificates(tamper, expected):
    cert = zero()
    tamper(cert)
    assert answer(cert) == expected


# -- reading: polynomials, numbers, sizes ---------------------------------------------------------


def _linear_factor_to_the_degree(c):
    n = len(c["variables"])
    linear = {"terms": [["1", [1] + [0] * (n - 1)]]}  # W1_1_1, to the power deg P = 8
    c["factorization"]["factors"] = [{"polynomial": linear, "multiplicity": 8, "degree": 1}]


def _product_factor(c):
    n = len(c["variables"])
    product = {"terms": [["1", [1, 1] + [0] * (n - 2)]]}  # W1_1_1 * W1_2_1
    c["factorization"]["factors"] = [{"polynomial": product, "multiplicity": 1, "degree": 2}]


def _huge_exponent(c):
    n = len(c["variables"])
    c["membership"]["cofactors"][0]["terms"].append(["1", [10_000] + [0] * (n - 1)])


@pytest.mark.parametrize(
    "tamper, expected",
    [
        (_linear_factor_to_the_degree, "rejected: the factorization does not multiply out to P"),
        (_product_factor, "rejected: factor 0 is not irreducible over Q"),
        (
            lambda c: c["factorization"]["factors"][0].update(multiplicity=True),
            "rejected: factor 0 has an impossible multiplicity",
        ),
        (
            lambda c: c["factorization"].update(factors=[5]),
            "refused: elimination certificate: factor 0 must be an object with a 'terms' list",
        ),
        (
            lambda c: c.update(polynomial={"terms": "x"}),
            "refused: elimination certificate: polynomial must be an object with a 'terms' list",
        ),
        (_huge_exponent, "rejected: P != sum_k A_k E_k: the cofactor identity fails"),
        (
            lambda c: c["polynomial"]["terms"][0][1].__setitem__(0, -1),
            "refused: elimination certificate: malformed term ['1', [-1, 0, 0, 0, 2, 0, 0, 0]] in polynomial",
        ),
        (
            lambda c: c["polynomial"]["terms"][0][1].__setitem__(0, True),
            "refused: elimination certificate: malformed term ['1', [True, 0, 0, 0, 2, 0, 0, 0]] "
            "in polynomial",
        ),
        (
            lambda c: c["polynomial"]["terms"].__setitem__(0, ["a long coefficient " * 6, [0]]),
            "refused: elimination certificate: malformed term "
            + str(["a long coefficient " * 6, [0]])[:80]
            + " in polynomial",
        ),
        (
            lambda c: c.pop("factorization"),
            "refused: elimination certificate: missing or malformed 'factorization'",
        ),
        (
            lambda c: c["activation"]["coefficients"].__setitem__(0, "zero"),
            "refused: elimination certificate: an activation coefficient is not an exact rational string",
        ),
    ],
)
def test_more_tampered_measure_zero_certificates(tamper, expected):
    cert = null()
    tamper(cert)
    assert answer(cert) == expected


def test_repeated_monomials_add_up_and_a_denominator_of_one_is_read():
    cert = null()
    c, exponents = cert["polynomial"]["terms"][0]
    assert c == "1"
    cert["polynomial"]["terms"][0] = ["1/3", exponents]
    cert["polynomial"]["terms"].append(["2/3", list(exponents)])
    cert["value"] = "14641/9"
    cert["factorization"]["content"] = "1/1"
    assert answer(cert) == null_accepted("14641/9")


@pytest.mark.parametrize("data", [None, [], "architecture", 3])
def test_a_certificate_that_is_not_an_object_is_refused(data):
    assert answer(data) == "refused: elimination certificate: missing or malformed 'architecture'"


WIDTHS = "refused: elimination certificate: widths must be 2 to 8 integers in 1..64"
SIZES = (
    "refused: elimination certificate beyond the checked sizes (input width <= 2, <= 40 weights, "
    "activation degree <= 9)"
)


@pytest.mark.parametrize(
    "widths, expected",
    [
        ([1], WIDTHS),
        ([1] * 9, WIDTHS),
        ([0, 1], WIDTHS),
        ([1, 2.0, 1], WIDTHS),
        ([1, True, 1], WIDTHS),
        ([1, 65, 1], WIDTHS),
        ([1, 64, 1], SIZES),
        ([1, 14, 1], SIZES),  # 43 weights
        ([2, 10, 1], SIZES),  # 41 weights
        ([3, 1, 1], SIZES),
        ([1, 1], "rejected: variables must be ['w1', 'b1', 'x1']"),
        ([1] * 8, "rejected: variables must be " + str(elimination.parameter_names([1] * 8) + ["x1"])),
        ([1, 2, 2], "rejected: the output width must be 1"),
        ([1, 13, 1], "rejected: variables must be " + str(elimination.parameter_names([1, 13, 1]) + ["x1"])),
    ],
)
def test_the_sizes_the_kernel_checks(widths, expected):
    cert = null()
    cert["architecture"]["widths"] = widths
    assert answer(cert) == expected


def test_the_activation_degree_limit():
    cert = null()
    cert["activation"] = {"name": "poly:z**10+z", "coefficients": ["0", "1"] + ["0"] * 8 + ["1"]}
    assert answer(cert) == SIZES
    cert["activation"] = {"name": "poly:z**9+z", "coefficients": ["0", "1"] + ["0"] * 7 + ["1"]}
    assert answer(cert) == "rejected: P != sum_k A_k E_k: the cofactor identity fails"


@pytest.mark.parametrize(
    "tamper, expected",
    [
        (
            lambda c: c["activation"].update(coefficients=["1"]),
            "rejected: the activation must be a non-constant polynomial",
        ),
        (
            lambda c: c["activation"].update(coefficients=["0", "1", "0"]),
            "rejected: the activation must be a non-constant polynomial",
        ),
        (
            lambda c: c["activation"].update(name="poly:z**3"),
            "rejected: the activation name contradicts its coefficients",
        ),
        (
            lambda c: c["activation"].update(name="z**3+z"),
            "rejected: the activation name contradicts its coefficients",
        ),
        (
            lambda c: c.update(variables=c["variables"][::-1]),
            "rejected: variables must be ['W1_1_1', 'W1_2_1', 'b1_1', 'b1_2', 'w1', 'w2', 'b2', 'x1']",
        ),
        (lambda c: c.update(verdict="maybe"), "refused: elimination certificate: unknown verdict 'maybe'"),
    ],
)
def test_tampered_activations_variables_and_verdicts(tamper, expected):
    cert = null()
    tamper(cert)
    assert answer(cert) == expected


def test_a_malformed_point_value_is_named():
    cert = null()
    cert["point"]["W1_1_1"] = "x"
    assert answer(cert) == "refused: elimination certificate: point[W1_1_1] is not an exact rational string"
