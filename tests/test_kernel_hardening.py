"""Regressions of issue 14: kernels that never crash, never stall, and read one meaning of a file.

Each test reproduces one finding of the adversarial review and asserts the answer now given:
accepted when the claim is true, exit 1 (``accepted=False``) or exit 2 (unreadable) with a reason
that names the field or the limit otherwise.  No test asserts a time.
"""

import copy
import json

import flint
import pytest
import sympy

from symmorse.cli import main
from symmorse.exact.errors import CertificateError
from symmorse.exact.modular import residue
from symmorse.kernel import check_certificate, check_text
from symmorse.kernel.reader import MAX_BYTES
from symmorse.kernel.schemas import MAX_WIDTHS
from symmorse.model.node import NeuralODE, layer_field
from symmorse.search.certify import certify
from symmorse.search.node_classify import classify_node


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def layered(arch="2,3,1", activation="tanh"):
    return json.loads(json.dumps(certify(arch, activation).to_json()))


def strata(arch="2,2,1"):
    from symmorse.model.architecture import mlp

    return json.loads(json.dumps(certify(mlp(arch, skips=[(0, "out")])).to_json()))


# -- a true certificate with 10,000-digit numbers ---------------------------------------------------


def huge_certificate(digits=10_000):
    """The 2,3,1 tanh certificate with u_1 moved by 1/(7 * 10^digits) and w re-solved, so that the
    witness is again exactly on the branch: W_1^T D_1 w = 0 (w spans the kernel of the 2 x 3 matrix
    W_1^T D_1, the cross product of its rows), det Hess Phi = det(W_1^T diag(sigma''(u) w) W_1) with
    sigma'' = -2u(1 - u^2) in the tanh chart, biases atanh(u_i) - (W_1 x)_i."""
    data = layered()
    wit = data["branches"][0]["witness"]
    W = [[flint.fmpq(a) for a in row] for row in wit["W"]["1"]]
    x = [flint.fmpq(a) for a in wit["x"]]
    u = [flint.fmpq(a) for a in wit["u"]["1"]]
    u[0] += flint.fmpq(1, 7 * 10**digits)
    d1 = [1 - a * a for a in u]
    M = [[W[i][j] * d1[i] for i in range(3)] for j in range(2)]  # W^T D, 2 x 3
    w = [
        M[0][1] * M[1][2] - M[0][2] * M[1][1],
        M[0][2] * M[1][0] - M[0][0] * M[1][2],
        M[0][0] * M[1][1] - M[0][1] * M[1][0],
    ]
    d2w = [-2 * a * (1 - a * a) * b for a, b in zip(u, w)]
    H = flint.fmpq_mat(
        [[sum(W[i][r] * d2w[i] * W[i][c] for i in range(3)) for c in range(2)] for r in range(2)]
    )
    z = [sum(W[i][j] * x[j] for j in range(2)) for i in range(3)]
    wit["u"]["1"] = [str(a) for a in u]
    wit["w"] = [str(a) for a in w]
    wit["biases"]["1"] = [f"atanh({a}) + {-b}" for a, b in zip(u, z)]
    p = data["branches"][0]["claims"]["modulus"]  # both routes: the exact value and its residue
    data["branches"][0]["claims"].update(
        {"det_hessian": str(H.det()), "det_hessian_residue": int(residue(H.det(), p))}
    )
    return data


def test_a_true_certificate_with_10000_digit_numbers_is_accepted_and_a_tampered_one_rejected(
    capsys, tmp_path
):
    data = huge_certificate()
    assert max(len(s) for s in data["branches"][0]["witness"]["w"]) > 10_000
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(data))
    code, out = run(capsys, "check", str(path))
    assert code == 0 and out.startswith("accepted"), out
    w0 = data["branches"][0]["witness"]["w"][0]
    data["branches"][0]["witness"]["w"][0] = w0[:-1] + ("1" if w0[-1] != "1" else "2")
    path.write_text(json.dumps(data))
    code, out = run(capsys, "check", str(path))
    assert code == 1 and "off the branch" in out


# -- one reading ------------------------------------------------------------------------------------


def test_duplicate_keys_are_unreadable(capsys, tmp_path):
    text = json.dumps(layered())
    path = tmp_path / "dup.json"
    path.write_text(text.replace('"morse": ', '"morse": "fails", "morse": ', 1))
    code, out = run(capsys, "check", str(path))
    assert code == 2 and "'morse' appears twice" in out


@pytest.mark.parametrize("value", [True, 1.0, "1"])
def test_rank_claims_must_be_integers(value):
    data = layered("3,2,5,1")
    branch = next(b for b in data["branches"] if b["kind"] == "degenerate" and b["status"] == "witness")
    branch["claims"]["rank_hessian"] = value
    with pytest.raises(CertificateError, match=r"claims.rank_hessian: expected an integer"):
        check_certificate(data)


def test_parameters_as_a_float_or_bool_are_unreadable():
    for value in (13.0, True):
        with pytest.raises(CertificateError, match="parameters: expected an integer"):
            check_certificate({**layered(), "parameters": value})


@pytest.mark.parametrize("make", [layered, strata])
def test_an_activation_given_as_a_list_is_unreadable(make):
    data = make()
    data["activation"] = ["tanh"]
    with pytest.raises(CertificateError, match=r"^activation: expected a string"):
        check_certificate(data)


def test_unknown_keys_are_unreadable():
    with pytest.raises(CertificateError, match=r'"verified": unknown key'):
        check_certificate({**layered(), "verified": True})
    data = strata()
    data["architecture"]["nodes"][0]["role"] = "input"
    with pytest.raises(CertificateError, match=r'architecture.nodes\[0\]."role": unknown key'):
        check_certificate(data)


def test_an_input_node_with_an_activation_is_rejected():
    data = strata()
    node = next(n for n in data["architecture"]["nodes"] if n["id"] == "x1")
    node["activation"] = "tanh"
    result = check_certificate(data)
    assert not result.accepted and "input node 'x1'" in result.reason


def test_nan_and_infinity_are_not_json():
    with pytest.raises(CertificateError, match="NaN is not a JSON value"):
        check_text('{"format": "symmorse-certificate/1", "parameters": NaN}')


# -- bounded work -----------------------------------------------------------------------------------


def test_a_long_widths_list_is_refused_at_once(capsys, tmp_path):
    data = layered()
    data["architecture"]["widths"] = [1, 2] * 150_000 + [1]
    path = tmp_path / "long.json"
    path.write_text(json.dumps(data))
    code, out = run(capsys, "check", str(path))
    assert code == 2 and f"architecture.widths: expected a list of 2 to {MAX_WIDTHS} entries" in out


def test_widths_within_the_limit_are_checked_in_linear_time():
    data = layered()
    data["architecture"]["widths"] = [1, 2] * (MAX_WIDTHS // 2 - 1) + [1]
    result = check_certificate(data)
    assert not result.accepted and "parameters" in result.reason


def test_a_bias_whose_expansion_blows_up_is_rejected_before_expanding():
    data = layered()
    biases = data["branches"][0]["witness"]["biases"]["1"]
    biases[0] = "(atanh(1/3) + atanh(1/5) + log(2) + atan(1/7) + 1)**1000"
    assert len(biases[0]) < 90
    result = check_certificate(data)
    assert not result.accepted and "its expansion may have" in result.reason


def test_a_file_above_the_size_limit_is_refused_unread(capsys, tmp_path):
    path = tmp_path / "zeros.json"
    with open(path, "wb") as fh:  # a sparse file: no disk space, no memory
        fh.truncate(MAX_BYTES + 1)
    code, out = run(capsys, "check", str(path))
    assert code == 2 and "more than the limit (64 MiB)" in out


def test_a_degree_99_activation_is_decided_and_a_huge_one_refused():
    data = layered("2,3,1", "poly:z**3+z")
    data["activation"] = "poly:" + " + ".join(f"{(-1) ** k * (k + 3)}*z**{k}/{k + 1}" for k in range(1, 100))
    result = check_certificate(data)  # sigma' has a real root: nothing may be proved
    assert not result.accepted and "sigma' > 0 is not proved" in result.reason
    denominators = [sympy.prime(10_000 + k) * sympy.prime(20_000 + k) for k in range(50)]
    data["activation"] = "poly:z + " + " + ".join(f"z**{k}/{d}" for k, d in enumerate(denominators[2:], 2))
    result = check_certificate(data)
    assert not result.accepted and "beyond the kernel's limit" in result.reason


@pytest.fixture(scope="module")
def elimination_certificate(tmp_path_factory):
    path = tmp_path_factory.mktemp("elimination") / "e.json"
    assert main(["eliminate", "1,2,1", "-a", "poly:z**3+z", "--out", str(path)]) == 0
    return json.loads(path.read_text())


def test_a_heavy_resultant_chain_is_refused(elimination_certificate):
    """For 1,2,2,1 the two equations have 576 and 468 terms: their resultant ran for minutes."""
    from symmorse.kernel.elimination import parameter_names

    data = copy.deepcopy(elimination_certificate)
    data["architecture"]["widths"] = [1, 2, 2, 1]
    data["variables"] = [*parameter_names([1, 2, 2, 1]), "x1"]
    data["polynomial"] = {"terms": [["1", [0] * len(data["variables"])]]}
    data["membership"] = {"method": "resultant", "chain": ["res", "x1", ["eq", 0], ["eq", 1]]}
    result = check_certificate(data)
    assert not result.accepted and "beyond the kernel's limit" in result.reason


def test_a_bool_is_not_an_equation_index(elimination_certificate):
    data = copy.deepcopy(elimination_certificate)
    data["membership"]["method"] = "resultant"
    data["membership"]["chain"] = ["res", "x1", ["eq", 0], ["eq", True]]
    with pytest.raises(CertificateError, match="malformed resultant chain"):
        check_certificate(data)


# -- the neural-ODE kernel ----------------------------------------------------------------------------

_BLOW_UP = {
    "format": "symmorse-node/1",
    "kind": "classification",
    "n": 1,
    "m": 1,
    "T": "1",
    "field": ["h1**2"],
    "flow": None,
    "W": [["0"]],
    "W_out": None,
    "claims": {"rank_W": 0, "rank_W_out": 1, "free_weights": ["b", "W_out", "b_out"]},
    "verdict": {"class": "constant", "critical_points": "everywhere", "morse": "fails"},
    "witness": None,
}


def test_a_constant_claim_needs_a_global_flow():
    """h' = h^2 blows up at t = 1/h(0): with W = 0, Phi(x) = W_out phi_T(b) is undefined for b >= 1/T."""
    result = check_certificate(copy.deepcopy(_BLOW_UP))
    assert not result.accepted and "the flow is not shown to exist" in result.reason
    wrong_flow = {**_BLOW_UP, "flow": ["h1/(1 - t*h1)"]}  # the true flow, but not defined everywhere
    result = check_certificate(wrong_flow)
    assert not result.accepted and "the flow is not shown to exist" in result.reason
    linear = {**_BLOW_UP, "field": ["h1"]}
    result = check_certificate(linear)
    assert result.accepted and "the field is affine" in result.reason


def test_a_non_augmented_claim_without_global_flow_is_rejected():
    """h1' = h2, h2' = h1^2 blows up: the search leaves it undecided, and a hand-made claim is rejected."""
    c = classify_node(NeuralODE(3, "h2, h1**2"))
    assert c.status == "undecided" and c.certificate is None
    cert = copy.deepcopy(classify_node(NeuralODE(3, "h2, h1")).certificate)  # linear: proved
    cert["field"], cert["flow"] = ["h2", "h1**2"], None
    result = check_certificate(cert)
    assert not result.accepted and "the flow is not shown to exist" in result.reason


def test_a_layer_field_of_tanh_or_sigmoid_has_a_global_flow():
    """V sigma(A h + c) with tanh, arctan or sigmoid is globally Lipschitz: non-augmented is proved."""
    for activation in ("tanh", "arctan", "sigmoid"):
        layers = {"A": [[3, 1], [0, 1]], "V": [[-1, 2], [1, 0]], "c": ["1/2", 0], "activation": activation}
        field = layer_field(layers)
        c = classify_node(NeuralODE(2, field))
        assert (c.node_class, c.status) == ("non-augmented", "proved")
        assert check_certificate(c.certificate).accepted


def test_non_augmented_says_generic_w():
    cert = classify_node(NeuralODE(2, "0, h1**2")).certificate
    result = check_certificate(cert)
    assert result.accepted and "for generic W" in result.reason and "for every W" not in result.reason


def test_a_degenerate_claim_without_witness_needs_a_global_flow():
    cert = classify_node(NeuralODE(2, "0, 0, h1**2*h2"), W="1,1;1,1;0,0").certificate
    cert = {**copy.deepcopy(cert), "witness": None, "flow": None, "field": ["0", "0", "h3**2"]}
    cert["verdict"]["critical_points"] = "undecided"
    result = check_certificate(cert)
    assert not result.accepted and "the flow is not shown to exist" in result.reason


def test_a_bias_with_a_number_above_the_digit_limit_is_rejected():
    data = layered()
    data["branches"][0]["witness"]["biases"]["1"][0] = "atanh(5/8) + " + "9" * 100_001
    result = check_certificate(data)
    assert not result.accepted and "a number with more than 100000 digits" in result.reason
