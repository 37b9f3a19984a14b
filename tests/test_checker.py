"""The checker: accepts true certificates, rejects every tampering, stays independent."""

import copy
import json
import re

import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

from symmorse.exact.errors import CertificateError
from symmorse.kernel import check_certificate
from symmorse.search.certify import certify

from .helpers import witness_claims_hold


def fresh(arch="3,5,2,4,1", activation="tanh", exact_det=False):
    return json.loads(json.dumps(certify(arch, activation, exact_det=exact_det).to_json()))


def witness_branch(data, kind):
    return next(b for b in data["branches"] if b["kind"] == kind)


def tamper_flip_verdict(data):
    data["morse"] = "generic" if data["morse"] == "fails" else "fails"


def tamper_widths(data):
    data["architecture"]["widths"][1] += 1


def tamper_morse_witness_off_branch(data):
    W = witness_branch(data, "morse")["witness"]["W"]["1"]
    W[0][0] = W[0][0] + 1 if isinstance(W[0][0], int) else "1"


def tamper_degenerate_witness_off_branch(data):
    W = witness_branch(data, "degenerate")["witness"]["W"]["3"]
    W[1][0] = "7/3"


def tamper_det(data):
    claims = witness_branch(data, "morse")["claims"]
    exact = fresh(exact_det=True)
    claims["det_hessian"] = str(-sympy.Rational(witness_branch(exact, "morse")["claims"]["det_hessian"]))


def tamper_det_g(data):
    witness_branch(data, "degenerate")["claims"]["det_hessian_g"] = "1"


def tamper_residue(data):
    claims = witness_branch(data, "morse")["claims"]
    claims["det_hessian_residue"] = (claims["det_hessian_residue"] + 1) % claims["modulus"]


def tamper_residue_g(data):
    claims = witness_branch(data, "degenerate")["claims"]
    claims["det_hessian_g_residue"] = claims["modulus"] - claims["det_hessian_g_residue"]


def tamper_residue_missing(data):
    del witness_branch(data, "morse")["claims"]["det_hessian_residue"]


def tamper_no_determinant(data):
    claims = witness_branch(data, "morse")["claims"]
    del claims["det_hessian_residue"], claims["modulus"]


def tamper_composite_modulus(data):
    claims = witness_branch(data, "morse")["claims"]
    claims["modulus"] = 3 * 5 * 7 * 11 * 13 * 17 * 19 * 23 * 29 * 31 * 37 * 41 * 43 * 47 * 53 * 59 * 61


def tamper_small_prime_modulus(data):
    claims = witness_branch(data, "morse")["claims"]
    claims["modulus"], claims["det_hessian_residue"] = 7, 1


def tamper_modulus_divides_denominator(data):
    """A chart value of layer 1 with the prime in its denominator: the degenerate branch k = 3 stays
    critical (its v_2 does not see layer 1), but GF(p) cannot see the witness."""
    p = witness_branch(data, "degenerate")["claims"]["modulus"]
    witness_branch(data, "degenerate")["witness"]["u"]["1"][0] = f"1/{p}"


def tamper_rank_jacobian(data):
    witness_branch(data, "degenerate")["claims"]["rank_jacobian"] = 1


def tamper_rank_hessian(data):
    witness_branch(data, "degenerate")["claims"]["rank_hessian"] = 3


def tamper_class(data):
    data["class"] = "augmented"


def tamper_kind(data):
    data["branches"][1]["kind"] = "morse"


def tamper_drop_branch(data):
    data["branches"].pop()


def tamper_dimension(data):
    data["branches"][0]["dimension"] += 1


def tamper_activation(data):
    data["activation"] = "sigmoid"


def tamper_chart_value_outside(data):
    witness_branch(data, "morse")["witness"]["u"]["1"][0] = "3/2"


def tamper_bias(data):
    witness_branch(data, "morse")["witness"]["biases"]["1"][0] = "atanh(1/3)"


def tamper_status(data):
    data["critical_points"] = "undecided"  # verdicts decided no more, but status still says proved


def tamper_parameters(data):
    data["parameters"] = 1


def tamper_witness_shape(data):
    witness_branch(data, "morse")["witness"]["w"].append("1")


TAMPERINGS = [f for name, f in sorted(globals().items()) if name.startswith("tamper_")]


@pytest.mark.parametrize("tamper", TAMPERINGS, ids=lambda f: f.__name__[7:])
def test_tampered_certificates_are_rejected(tamper):
    data = fresh()
    assert check_certificate(data).accepted
    tamper(data)
    result = check_certificate(data)
    assert not result.accepted
    assert result.reason


@pytest.mark.parametrize(
    "tamper, reason",
    [
        (tamper_residue, "claimed det_hessian_residue = "),
        (tamper_residue_g, "claimed det_hessian_g_residue = "),
        (tamper_residue_missing, "claimed det_hessian_residue = None"),
        (tamper_no_determinant, "prove no determinant"),
        (tamper_composite_modulus, "is not a prime"),
        (tamper_small_prime_modulus, "is not a prime"),
        (tamper_modulus_divides_denominator, "divides a denominator"),
        (tamper_det, "det Hess Phi is"),
    ],
    ids=lambda t: getattr(t, "__name__", "")[7:],
)
def test_modular_tamperings_are_rejected_with_their_reason(tamper, reason):
    data = fresh()
    tamper(data)
    result = check_certificate(data)
    assert not result.accepted and reason in result.reason, result.reason


@pytest.mark.parametrize("arch", ["3,5,2,4,1", "2,3,2,4,1", "4,6,1"])
def test_exact_and_modular_determinants_agree(arch):
    """The exact determinant (``exact_det``) reduced modulo the prime is the claimed residue, and a
    certificate claiming both is accepted (the kernel checks both routes)."""
    modular, exact = fresh(arch), fresh(arch, exact_det=True)
    for m, e in zip(modular["branches"], exact["branches"]):
        if m.get("status") != "witness":
            continue
        assert m["witness"] == e["witness"]  # the same seeded point
        key = "det_hessian" if m["kind"] == "morse" else "det_hessian_g"
        det, p = sympy.Rational(e["claims"][key]), m["claims"]["modulus"]
        assert det != 0 and det.p * pow(det.q, -1, p) % p == m["claims"][f"{key}_residue"]
        m["claims"][key] = e["claims"][key]
    assert check_certificate(modular).accepted and check_certificate(exact).accepted


@given(
    st.lists(st.integers(1, 4), min_size=2, max_size=4).map(lambda ws: ws + [1]),
    st.sampled_from(["tanh", "sigmoid", "arctan"]),
    st.data(),
)
def test_hypothesis_tampered_witness_entries_are_rejected(ws, activation, data):
    cert = json.loads(json.dumps(certify(ws, activation).to_json()))
    witnessed = [b for b in cert["branches"] if b.get("status") == "witness"]
    assume(witnessed)  # non-augmented widths have no witness to tamper with
    branch = data.draw(st.sampled_from(witnessed))
    tampered = copy.deepcopy(cert)
    target = next(b for b in tampered["branches"] if b["step"] == branch["step"])
    layer = str(data.draw(st.integers(1, len(ws) - 2)))
    W = target["witness"]["W"][layer]
    i, j = data.draw(st.integers(0, len(W) - 1)), data.draw(st.integers(0, len(W[0]) - 1))
    W[i][j] = str(data.draw(st.fractions().filter(lambda q: str(q) != W[i][j])))
    result = check_certificate(tampered)
    if result.accepted:  # possible: e.g. a W_1 entry meeting x_j = 0 gives another true witness
        assert witness_claims_hold(tampered)  # soundness, confirmed by SymPy's route
    else:
        assert result.reason


def test_weaker_claims_are_accepted_stronger_ones_are_not():
    data = fresh("2,3,1")
    data["morse"], data["status"] = "undecided", "undecided"
    assert check_certificate(data).accepted
    data = fresh("2,3,1")
    data["branches"][0]["status"] = "undecided"
    del data["branches"][0]["witness"]
    assert not check_certificate(data).accepted  # morse generic no longer follows


def test_non_monotone_activation_cannot_claim_proofs():
    data = fresh("2,3,1", "poly:z**2")
    assert check_certificate(data).accepted and data["status"] == "undecided"
    data["critical_points"], data["morse"], data["status"] = "generic", "generic", "proved"
    assert not check_certificate(data).accepted


@pytest.mark.parametrize(
    "data, message",
    [
        ([], "JSON object"),
        ({"format": "nope"}, "unknown certificate format"),
        ({"format": "symmorse-certificate/1"}, "architecture: missing"),
    ],
)
def test_unreadable_certificates_raise(data, message):
    with pytest.raises(CertificateError, match=message):
        check_certificate(data)


@pytest.mark.parametrize(
    "path, value, message",
    [
        (("x", 0), "one half", "x[0]: expected an exact rational"),
        (("x", 0), 0.5, "x[0]: expected an exact rational"),
        (("x", 0), "NaN", "x[0]: expected an exact rational"),
        (("u", "1"), "1/2", "witness.u.1: expected a list"),
    ],
)
def test_malformed_numbers_are_unreadable_naming_the_field(path, value, message):
    data = fresh()
    target = witness_branch(data, "morse")["witness"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(CertificateError, match=re.escape(message)):
        check_certificate(data)


def test_a_layered_certificate_with_a_graph_architecture_is_refused_not_crashed():
    data = json.loads(json.dumps(certify("2,3,1").to_json()))
    data["architecture"] = {"nodes": [{"id": "a"}], "edges": [{"source": "a", "target": "ghost"}]}
    with pytest.raises(CertificateError, match="widths"):
        check_certificate(data)


def test_non_rational_polynomial_activations_are_rejected():
    data = fresh("2,3,1", "poly:z**3+z")
    data["activation"] = "poly:pi*z**3+z"
    result = check_certificate(data)
    assert not result.accepted and "rational coefficients" in result.reason
