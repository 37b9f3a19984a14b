"""The layered kernel (``symmorse.kernel.layered``) where a surviving mutant of ``tools/mutation.py``
answered differently: each rejection's reason, the accept text, the verdicts of undecided branches,
chart values on the ends of the chart interval, determinants equal to 0 and to 1 (crafted witnesses),
bias lists of the wrong length and bias texts of another function.  See ``docs/mutation-testing.md``.
"""

import copy
import functools
import json

import pytest

from symmorse.exact.errors import CertificateError
from symmorse.exact.linalg import QQMatrix, column, qq
from symmorse.exact.modular import PRIMES
from symmorse.kernel import check_certificate
from symmorse.kernel.layered import check_mlp_certificate
from symmorse.model.activations import get_activation
from symmorse.search.certify import ChartPoint, certify, layered_biases

P = PRIMES[0]


@functools.cache
def _certificate(arch: str, activation: str) -> str:
    return json.dumps(certify(arch, activation).to_json())


def fresh(arch: str = "3,5,2,4,1", activation: str = "tanh") -> dict:
    """A genuine certificate (a new copy each call)."""
    return json.loads(_certificate(arch, activation))


def rejected(data: dict, reason: str, exact: bool = False) -> None:
    """``data`` is rejected with a reason that contains ``reason`` (is it, with ``exact``)."""
    result = check_certificate(data)
    assert result.accepted is False and (result.reason == reason if exact else reason in result.reason), (
        result.reason
    )


def branch(data: dict, kind: str) -> dict:
    return next(b for b in data["branches"] if b["kind"] == kind)


def rebias(data: dict, entry: dict) -> None:
    """Give the witness of ``entry`` the biases of its (x, W, u, w), as the search writes them."""
    wit = entry["witness"]
    top = len(data["architecture"]["widths"]) - 2
    point = ChartPoint(
        [qq(a) for a in wit["x"]],
        {l: QQMatrix([[qq(a) for a in row] for row in wit["W"][str(l)]]) for l in range(1, top + 1)},
        {l: [qq(a) for a in wit["u"][str(l)]] for l in range(1, top + 1)},
        column([qq(a) for a in wit["w"]]),
    )
    act = get_activation(data["activation"])
    wit["biases"] = layered_biases({l: act for l in range(1, top + 1)}, point)


def undecide(data: dict, entry: dict) -> None:
    """Leave ``entry`` undecided (no witness, no claims)."""
    entry["status"] = "undecided"
    entry.pop("witness")
    entry.pop("claims")


def verdicts(data: dict, critical: str, morse: str) -> dict:
    data.update(critical_points=critical, morse=morse)
    data["status"] = "undecided" if "undecided" in (critical, morse) else "proved"
    return data


# -- the answers' texts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arch, text",
    [
        ("2,3,1", "accepted: 1 branch, 1 witness verified"),
        ("3,5,2,4,1", "accepted: 2 branches, 2 witnesses verified"),
        ("2,2,1", "accepted: 0 branches, 0 witnesses verified"),
    ],
)
def test_the_accept_text_counts_branches_and_witnesses(arch, text):
    assert check_certificate(fresh(arch)).reason == text


def test_a_rejection_is_accepted_false_not_only_falsy():
    data = fresh()
    data["parameters"] += 1
    result = check_mlp_certificate(data)
    assert result.accepted is False and result.reason == "the architecture has p = 49 parameters"


def test_widths_that_do_not_end_in_one_are_not_a_layered_mlp():
    data = fresh("2,3,1")
    data["architecture"]["widths"] = [2, 3, 2]
    with pytest.raises(CertificateError, match=r"^architecture widths must end in 1 \(one output\)$"):
        check_certificate(data)


@pytest.mark.parametrize("layer", ["0", "4"])  # 3,5,2,4,1: the input layer and the output layer
def test_layer_activations_of_a_layer_that_is_not_hidden_are_rejected(layer):
    data = fresh()
    data["layer_activations"] = {layer: "tanh"}
    rejected(data, "layer_activations names a layer that is not hidden", exact=True)


def test_the_class_and_the_branches_are_recomputed_with_their_reasons():
    data = fresh()
    data["class"] = "augmented"
    rejected(data, "class is 'bottleneck', not 'augmented'")
    data = fresh()
    data["branches"].pop()
    rejected(data, "the architecture has 2 branches")
    data = fresh()
    data["branches"][0]["dimension"] += 1
    rejected(data, "branch k=1: expected {'step': 1")


def test_a_null_branch_claimed_decided_and_an_unknown_status_are_rejected():
    data = fresh("3,5,2,4,6,1")
    branch(data, "null")["status"] = "undecided"
    rejected(data, "branch k=4 is null")
    data = fresh()
    data["branches"][0]["status"] = "maybe"
    rejected(data, "branch k=1: unknown status 'maybe'")


def test_a_witness_with_a_non_monotone_activation_proves_nothing():
    data = fresh("2,3,1")
    data["activation"] = "poly:z**3 - z"
    rejected(data, "a witness proves nothing while sigma' > 0 is not proved", exact=True)


# -- verdicts from undecided branches ---------------------------------------------------------------


def test_an_undecided_morse_branch_leaves_both_verdicts_undecided():
    data = fresh("2,3,1")
    undecide(data, data["branches"][0])
    assert check_certificate(verdicts(data, "undecided", "undecided")).accepted
    rejected(verdicts(data, "generic", "undecided"), "critical_points = 'generic' does not follow")
    rejected(verdicts(data, "undecided", "generic"), "morse = 'generic' does not follow")


def test_an_undecided_degenerate_branch_leaves_morse_undecided():
    data = fresh()
    undecide(data, branch(data, "degenerate"))
    assert check_certificate(verdicts(data, "generic", "undecided")).accepted
    rejected(verdicts(data, "generic", "generic"), "morse = 'generic' does not follow (proved: undecided)")
    rejected(verdicts(data, "generic", "fails"), "morse = 'fails' does not follow (proved: undecided)")


def test_a_non_monotone_activation_decides_nothing():
    data = fresh("2,3,1")
    data["activation"] = "poly:z**3 - z"
    undecide(data, data["branches"][0])
    assert check_certificate(verdicts(data, "undecided", "undecided")).accepted
    rejected(
        verdicts(data, "generic", "undecided"),
        "critical_points = 'generic' does not follow (proved: undecided)",
    )


@pytest.mark.parametrize(
    "key, word",
    [("critical_points", "maybe"), ("morse", "none"), ("status", "generic"), ("morse", "Undecided")],
)
def test_a_verdict_outside_its_vocabulary_is_unreadable(key, word):
    data = fresh()
    data[key] = word
    with pytest.raises(CertificateError, match=key):
        check_certificate(data)


def test_a_non_augmented_network_has_no_critical_points():
    data = fresh("2,2,1")
    rejected(
        verdicts(data, "generic", "generic"), "critical_points = 'generic' does not follow (proved: none)"
    )


# -- the witness's shape and its branch -------------------------------------------------------------


def test_a_witness_status_without_a_witness_or_claims_is_rejected():
    data = fresh("2,3,1")
    data["branches"][0].pop("witness")
    rejected(data, "branch k=1: witness missing")
    data = fresh("2,3,1")
    data["branches"][0].pop("claims")
    rejected(data, "branch k=1: claims missing")


@pytest.mark.parametrize("key", ["W", "u"])
def test_witness_layers_are_exactly_the_hidden_ones(key):
    data = fresh()
    layers = data["branches"][0]["witness"][key]
    layers["4"] = layers["3"]
    rejected(data, f"branch k=1: witness {key} must have layers 1..3")
    del layers["4"], layers["3"]
    rejected(data, f"branch k=1: witness {key} must have layers 1..3")


@pytest.mark.parametrize(
    "path, reason",
    [
        (("W", "2"), "branch k=1: W2 is not a 2 x 5 matrix"),
        (("u", "1"), "branch k=1: u1 is not a 1 x 5 matrix"),
        (("w",), "branch k=1: w is not a 1 x 4 matrix"),
        (("x",), "branch k=1: x is not a 1 x 3 matrix"),
    ],
)
def test_a_witness_of_the_wrong_size_names_the_field(path, reason):
    data = fresh()
    wit = data["branches"][0]["witness"]
    parent = wit[path[0]] if len(path) == 2 else wit
    parent[path[-1]] = parent[path[-1]][:-1]
    rejected(data, reason)


@pytest.mark.parametrize("layer, value", [(1, "2"), (1, "1"), (1, "-1"), (3, "3/2")])
def test_a_chart_value_outside_or_on_the_end_of_the_interval_is_rejected(layer, value):
    data = fresh()
    entry = data["branches"][0]
    entry["witness"]["u"][str(layer)][0] = value
    rejected(data, f"branch k=1: a chart value u{layer} lies outside the chart interval")


def test_a_zero_output_weight_is_off_the_branch():
    data = fresh("2,3,1")
    wit = data["branches"][0]["witness"]
    wit["w"] = [0] * len(wit["w"])
    rejected(data, "branch k=1: D_k v_k = 0, off the branch")


def test_a_changed_weight_is_off_the_branch_before_the_biases_are_read():
    data = fresh("2,3,1")
    data["branches"][0]["witness"]["W"]["1"][0][0] += 1
    rejected(data, "branch k=1: W_k^T D_k v_k != 0, off the branch")


# -- determinant and rank claims --------------------------------------------------------------------


def test_the_modular_claims_name_the_prime_and_the_quantity():
    data = fresh()
    claims = branch(data, "morse")["claims"]
    claims["det_hessian_residue"] = (claims["det_hessian_residue"] + 1) % P
    rejected(data, f"branch k=1: det Hess Phi is {(claims['det_hessian_residue'] - 1) % P} in GF({P})")
    data = fresh()
    claims = branch(data, "degenerate")["claims"]
    claims["det_hessian_g_residue"] = (claims["det_hessian_g_residue"] + 1) % P
    rejected(data, f"branch k=3: det Hess g is {(claims['det_hessian_g_residue'] - 1) % P} in GF({P})")


def test_a_modulus_that_is_not_a_prime_in_range_names_the_branch():
    data = fresh()
    branch(data, "morse")["claims"]["modulus"] = P + 2  # 2^20 - 1 = 3 x 5^2 x 11 x 31 x 41
    rejected(data, f"branch k=1: modulus {P + 2} is not a prime between 2^19 and 2^63")


def test_rank_claims_are_n_k_minus_1_with_their_reasons():
    data = fresh()
    branch(data, "degenerate")["claims"]["rank_jacobian"] = 3
    rejected(data, f"branch k=3: rank J_2 is 2 in GF({P}), claimed 3")
    data = fresh()
    branch(data, "degenerate")["claims"]["rank_hessian"] = 3
    rejected(data, "branch k=3: rank Hess Phi is n_2 = 2 (rank J_2 and det Hess g), claimed 3")


def test_an_exact_determinant_claimed_under_the_other_key_names_the_missing_one():
    data = json.loads(json.dumps(certify("2,3,1", exact_det=True).to_json()))
    claims = data["branches"][0]["claims"]
    claims["det_hessian_g"] = claims.pop("det_hessian")  # a Morse branch needs det Hess Phi
    rejected(data, "branch k=1: det_hessian: expected an exact rational")


def _morse(u: list[str], W: list[list[int]], w: list[str], det: str) -> dict:
    """A 1,2,1 tanh certificate with the given witness (on the branch) and exact determinant claim."""
    data = fresh("1,2,1")
    entry = data["branches"][0]
    entry["witness"].update(x=["1/4"], W={"1": W}, u={"1": u}, w=w)
    entry["claims"] = {"det_hessian": det}
    rebias(data, entry)
    return data


def _degenerate(u2: list[str], W2: list[list[int]], w: list[str], det_g: str) -> dict:
    """A 2,1,2,1 tanh certificate (one degenerate branch, k = 2) with the given witness."""
    data = fresh("2,1,2,1")
    entry = data["branches"][0]
    entry["witness"].update(x=["1/4", "1/2"], W={"1": [[1, 2]], "2": W2}, u={"1": ["1/2"], "2": u2}, w=w)
    entry["claims"] = {"det_hessian_g": det_g, "rank_jacobian": 1, "rank_hessian": 1}
    rebias(data, entry)
    return data


def test_crafted_witnesses_with_determinant_one_are_accepted():
    # tanh: sigma'(u) = 1 - u^2, sigma''(u) = -2u(1 - u^2); at u = -1/2, 1/2 with W = (1, 1), w = (2/3, -2/3):
    # W^T D w = 0 (on the branch) and Hess = sum W_i^2 sigma''(u_i) w_i = 2 (2/3)(3/4) = 1.
    assert check_certificate(_morse(["-1/2", "1/2"], [[1], [1]], ["2/3", "-2/3"], "1")).accepted
    assert check_certificate(_degenerate(["-1/2", "1/2"], [[1], [1]], ["2/3", "-2/3"], "1")).accepted


def test_crafted_witnesses_with_determinant_zero_are_rejected():
    # u = 0: sigma'' = 0, so Hess = 0; W = (1, -1), w = (1, 1) keeps W^T D w = 0.
    rejected(
        _morse(["0", "0"], [[1], [-1]], [1, 1], "0"), "branch k=1: det Hess Phi = 0 at the witness (in Q)"
    )
    rejected(
        _degenerate(["0", "0"], [[1], [-1]], [1, 1], "0"), "branch k=2: det Hess g = 0 at the witness (in Q)"
    )


# -- biases -----------------------------------------------------------------------------------------


def test_bias_layers_and_lengths_are_exactly_the_networks():
    data = fresh()
    biases = data["branches"][0]["witness"]["biases"]
    biases["5"] = ["0"]
    rejected(data, "branch k=1: biases must have layers 1..4")
    for change in (lambda b: b.pop(), lambda b: b.append(b[0])):
        data = fresh()
        change(data["branches"][0]["witness"]["biases"]["1"])
        rejected(data, "branch k=1: layer 1 has 5 biases, the witness gives")


def test_a_bias_of_another_function_is_wrong():
    data = fresh("2,3,1")
    biases = data["branches"][0]["witness"]["biases"]["1"]
    assert all("atanh(" in b for b in biases)
    biases[0] = biases[0].replace("atanh(", "atan(")
    rejected(data, "branch k=1: bias of node (1, 0) is wrong")


def test_a_polynomial_bias_written_as_two_rationals_is_their_sum():
    data = fresh("2,3,1", "poly:z**3+z")
    biases = data["branches"][0]["witness"]["biases"]["1"]
    true = qq(biases[0])
    biases[0] = f"1 + {true}" if true >= 0 else f"1 - {-true}"  # 1 + b is not b
    rejected(data, "branch k=1: bias of node (1, 0) is wrong")
    biases[0] = f"{true - 1} + 1" if true - 1 >= 0 else f"-{1 - true} + 1"  # (b - 1) + 1 is b
    assert check_certificate(data).accepted


def test_sigmoid_biases_are_logarithms_read_by_their_symmetry():
    data = fresh("2,3,1", "sigmoid")
    assert check_certificate(data).accepted
    biases = data["branches"][0]["witness"]["biases"]["1"]
    assert any("log(" in b for b in biases)
    changed = copy.deepcopy(data)
    i = next(i for i, b in enumerate(biases) if "log(" in b)
    changed["branches"][0]["witness"]["biases"]["1"][i] = biases[i].replace("log(", "atanh(")
    rejected(changed, f"branch k=1: bias of node (1, {i}) is wrong")


def test_integer_matrices_are_read_in_bulk_and_a_repeated_text_once(monkeypatch):
    """JSON integers and plain integer texts never go through number(); a rational text that
    recurs (a chart value) is parsed once; a JSON true is refused, never taken for the cached 1."""
    from symmorse.kernel import layered
    from symmorse.kernel.base import Rejected, number

    calls = []
    monkeypatch.setattr(layered, "number", lambda a, where: calls.append(a) or number(a, where))
    for rows in ([[1, -2], [3, 4]], [["1", "-2"], ["3", "4"]]):
        M = layered._matrix(rows, (2, 2), "W")
        assert M.dtype.name == "int64" and M.tolist() == [[1, -2], [3, 4]] and calls == []
    M = layered._matrix([["1/2", "1/2"], ["1/2", 3]], (2, 2), "W")
    assert [str(a) for a in M.ravel().tolist()] == ["1/2", "1/2", "1/2", "3"] and calls == ["1/2", 3]
    with pytest.raises(Rejected, match=r"W\[1\]\[0\]"):
        layered._matrix([[1, "1/2"], [True, 0]], (2, 2), "W")
