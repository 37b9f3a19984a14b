"""The checker: accepts true certificates, rejects every tampering, stays independent."""

import copy
import json
import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from symmorse.exact.errors import CertificateError
from symmorse.kernel import check_certificate
from symmorse.search.certify import certify

from .helpers import witness_claims_hold


def fresh(arch="3,5,2,4,1", activation="tanh"):
    return json.loads(json.dumps(certify(arch, activation).to_json()))


def witness_branch(data, kind):
    return next(b for b in data["branches"] if b["kind"] == kind)


def tamper_flip_verdict(data):
    data["morse"] = "generic" if data["morse"] == "fails" else "fails"


def tamper_widths(data):
    data["architecture"]["widths"][1] += 1


def tamper_morse_witness_off_branch(data):
    W = witness_branch(data, "morse")["witness"]["W"]["1"]
    W[0][0] = str(int(W[0][0].split("/")[0]) + 1) if "/" not in W[0][0] else "1"


def tamper_degenerate_witness_off_branch(data):
    W = witness_branch(data, "degenerate")["witness"]["W"]["3"]
    W[1][0] = "7/3"


def tamper_det(data):
    claims = witness_branch(data, "morse")["claims"]
    claims["det_hessian"] = str(-int(claims["det_hessian"].split("/")[0])) + "/1"


def tamper_det_g(data):
    witness_branch(data, "degenerate")["claims"]["det_hessian_g"] = "1"


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
