"""The neural-ODE kernel (``symmorse.kernel.node``) answer by answer: the exact accept text of every kind of
true certificate, and for each tampering the exact reason.  Written against the surviving mutants of
``tools/mutation.py`` (``docs/mutation-testing.md``).
"""

import copy

import pytest

from symmorse.exact.errors import CertificateError
from symmorse.kernel import node

from .test_check_node import CERTS, STILL_TRUE, TAMPERED

ACCEPTED = {
    "affine": (
        "the field is affine, so phi_T and Phi are affine: Hess Phi = 0 and grad Phi is "
        "constant, zero only for a null set of (W, b, W_out, b_out) (where W^T Dphi_T^T W_out^T "
        "= 0); every critical point is degenerate"
    ),
    "affine-fixed": (
        "the field is affine, so for these W and W_out grad Phi = W^T Dphi_T^T W_out^T is "
        "constant, with component 1 = 3 != 0: no critical points, for every b, b_out"
    ),
    "augmented": (
        "witness: at x = 0, b = y, grad Phi = W^T u = 0 and det Hess Phi = 405/2 != 0. det Hess "
        "is analytic on the connected critical bundle {W^T u = 0}, so it vanishes only on a null "
        "set: critical points exist for an open set of (W, b, W_out, b_out) and are "
        "non-degenerate for almost every (W, b, W_out, b_out)"
    ),
    "augmented-n2m4": (
        "witness: at x = 0, b = y, grad Phi = W^T u = 0 and det Hess Phi = -320 != 0. det Hess "
        "is analytic on the connected critical bundle {W^T u = 0}, so it vanishes only on a null "
        "set: critical points exist for an open set of (W, b, W_out, b_out) and are "
        "non-degenerate for almost every (W, b, W_out, b_out)"
    ),
    "constant": (
        "the closed-form flow is real-analytic on all of R^(m+1), so phi_T is defined on all of "
        "R^m; W_out = 0 or W = 0, so Phi is constant for every W, b, b_out: every point is a "
        "degenerate critical point"
    ),
    "degenerate": (
        "rank W = 1 < n = 2: Phi(x) = G(W x + b) is constant along ker W and Hess Phi = W^T H W "
        "has rank <= 1, so every critical point is degenerate and lies in an affine family of "
        "critical points of dimension >= 1; witness: with U a basis of the image of W, the "
        "reduced map s -> G(U s + b) has at s = 0, b = y a critical point (U^T u = 0) with "
        "det(U^T H U) = 2 != 0, which persists for an open set of (b, W_out): there Phi has "
        "degenerate critical points (statement over b, W_out, b_out)"
    ),
    "embedding": ("Phi(x) = W_out phi_T(W x + b) + b_out equals x**3 + y**2 identically on R^2"),
    "non-augmented": (
        "the closed-form flow is real-analytic on all of R^(m+1), so phi_T is defined on all of "
        "R^m; rank W = m = 2: W^T is injective, Dphi_T is invertible and W_out != 0, so grad Phi "
        "= W^T Dphi_T^T W_out^T never vanishes, for generic W (every W of rank m, an open dense "
        "set), every b, W_out, b_out (W_out != 0)"
    ),
    "transcendental": (
        "witness: at x = 0, b = y, grad Phi = W^T u = 0 and det Hess Phi = [23.3459473526115 +/- "
        "4.77e-14] != 0. det Hess is analytic on the connected critical bundle {W^T u = 0}, so "
        "it vanishes only on a null set: critical points exist for an open set of (W, b, W_out, "
        "b_out) and are non-degenerate for almost every (W, b, W_out, b_out)"
    ),
}


def answer(cert: object) -> str:
    """``accepted: ...``, ``rejected: ...`` or ``refused: ...`` (CertificateError)."""
    try:
        result = node.check(cert)
    except CertificateError as exc:
        return f"refused: {exc}"
    return f"{ {True: 'accepted', False: 'rejected'}[result.accepted] }: {result.reason}"


def tampered(name: str, *edits) -> dict:
    """A copy of CERTS[name] with each ``(path, value)`` edit made (value DELETE removes the key)."""
    return edited(CERTS[name], *edits)


def edited(cert: dict, *edits) -> dict:
    """A copy of cert with each ``(path, value)`` edit made (value DELETE removes the key)."""
    cert = copy.deepcopy(cert)
    for path, value in edits:
        target = cert
        for key in path[:-1]:
            target = target[key]
        if value is DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return cert


DELETE = object()


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_the_accept_texts(name):
    assert answer(copy.deepcopy(CERTS[name])) == f"accepted: {ACCEPTED[name]}"


#: The full answer to each tampering of ``test_check_node.TAMPERED`` (which checks a part of it), in order.
TAMPERED_ANSWERS = [
    (
        "rejected: class augmented implies critical_points/morse = ('generic', 'generic'), "
        "the certificate says ('generic', 'fails')"
    ),
    (
        "rejected: class non-augmented implies critical_points/morse = ('none', 'generic'), "
        "the certificate says ('generic', 'generic')"
    ),
    "rejected: claimed rank W = 2, but rank W = 1",
    "rejected: claimed rank W_out = 1, but it is 0",
    (
        "rejected: class augmented states what holds for generic W_out, so W_out must be "
        "free, not fixed to [1, 1]"
    ),
    (
        "rejected: class degenerate states what holds for generic W_out, so W_out must be "
        "free, not fixed to [0, 0, 1]"
    ),
    (
        "rejected: the verdict ranges over the weights the certificate does not fix, ['W', "
        "'b', 'W_out', 'b_out']; the certificate claims free_weights = ['b', 'b_out']"
    ),
    (
        "rejected: the verdict ranges over the weights the certificate does not fix, ['b', "
        "'b_out']; the certificate claims free_weights = ['W', 'b', 'W_out', 'b_out']"
    ),
    ("rejected: the field is not built from real-analytic functions (needed for a C^1 flow)"),
    "rejected: T = 0 is not positive",
    "rejected: field: expected 3 components, got 2",
    (
        "rejected: refuted: flow component 2 satisfies d/dt phi = f(phi) (non-zero at a "
        "rational point, by balls)"
    ),
    ("rejected: refuted: flow component 1 satisfies d/dt phi = f(phi) (a non-zero constant)"),
    (
        "rejected: refuted: flow component 1 satisfies d/dt phi = f(phi) (non-zero at a "
        "rational point, by balls)"
    ),
    "rejected: refuted: flow component 1 at t = 0 is h1 (a non-zero constant)",
    "rejected: class constant needs W_out = 0 or W = 0",
    "rejected: class affine needs W_out != 0",
    "rejected: class non-augmented needs rank W = m = 2, but rank W = 1",
    "rejected: class affine needs 0 < rank W < m (rank W = 2, m = 2)",
    "rejected: class affine needs 0 < rank W < m (rank W = 0, m = 2)",
    ("rejected: refuted: field component 2 is affine: d^2 f_2/dh1dh1 = 0 (a non-zero constant)"),
    "rejected: class degenerate needs a given W with rank W < n = 2 and rank W < m = 3",
    "rejected: class degenerate needs a given W with rank W < n = 2 and rank W < m = 3",
    (
        "rejected: class degenerate implies critical_points/morse = ('generic', 'fails'), "
        "the certificate says ('generic', 'generic')"
    ),
    "rejected: class augmented needs m > n, got m = 2, n = 2",
    "rejected: class augmented needs rank W = n = 2, but rank W = 1",
    "rejected: the witness W does not have rank n = 2",
    "rejected: grad Phi = W^T Dphi_T^T W_out^T = 0 exactly (Phi is constant)",
    ("rejected: refuted: grad Phi = W^T Dphi_T^T W_out^T = 0 (component 1: 3) (a non-zero constant)"),
    (
        "rejected: class affine implies critical_points/morse = (('none', 'generic'), "
        "('everywhere', 'fails')), the certificate says ('everywhere', 'generic')"
    ),
    "rejected: the verdict for fixed W and W_out needs the closed-form flow",
    ("rejected: the flow is not real-analytic on all of R^(m+1), so it is not shown to be global"),
    ("rejected: Dphi_T of the flow is not shown to be constant (it keeps h after t = T is put in)"),
    "rejected: a witness needs the closed-form flow",
    ("rejected: the flow is not real-analytic on all of R^(m+1), so it is not shown to be global"),
    "rejected: W^T u != 0: the witness is not on the critical bundle",
    "rejected: W^T u != 0: the witness is not on the critical bundle",
    "rejected: the witness has u = 0",
    "rejected: refuted: Dphi_T(y)^T W_out^T = u in component 1 (a non-zero constant)",
    "rejected: refuted: Dphi_T(y)^T W_out^T = u in component 1 (a non-zero constant)",
    "rejected: refuted: Dphi_T(y)^T W_out^T = u in component 1 (a non-zero constant)",
    "rejected: refuted: Dphi_T(y)^T W_out^T = u in component 1 (a non-zero constant)",
    "rejected: det(U^T Hess U) = 0 at the witness",
    ("rejected: refuted: Phi(x) = x**3 + y**2 equals the target x**3 + y**2 + 1 (a non-zero constant)"),
    (
        "rejected: refuted: Phi(x) = x**3 + y**2 + y equals the target x**3 + y**2 (non-zero "
        "at a rational point, by balls)"
    ),
    (
        "rejected: refuted: Phi(x) = y**2 + (x + 1)**3 equals the target x**3 + y**2 "
        "(non-zero at a rational point, by balls)"
    ),
    (
        "rejected: refuted: flow component 3 satisfies d/dt phi = f(phi) (non-zero at a "
        "rational point, by balls)"
    ),
    "rejected: an embedding needs the closed-form flow",
    (
        "rejected: the field and the flow are not shown to be real-analytic on all of R^m "
        "and R^(m+1), so the flow is not shown to exist up to time T from every start point"
    ),
    (
        "rejected: not shown: Phi(x) = x**3 + y**2 equals the target x**3 + y**2 + "
        "exp(x/100000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "00000000000000000000000000000000000000000000000000000000000000000000000000000000000)"
        " - 1 (neither expansion nor ball arithmetic decides it)"
    ),
]

#: The accept texts of ``test_check_node.STILL_TRUE``, in order.
STILL_TRUE_ANSWERS = [
    (
        "accepted: witness: at x = 0, b = y, grad Phi = W^T u = 0 and det Hess Phi = 405/2 "
        "!= 0. det Hess is analytic on the connected critical bundle {W^T u = 0}, so it "
        "vanishes only on a null set: critical points exist for an open set of (b, W_out, "
        "b_out) and are non-degenerate for almost every (b, W_out, b_out)"
    ),
    (
        "accepted: the field is affine and W^T Dphi_T^T W_out^T = 0 exactly: for these W and "
        "W_out, Phi is constant for every b, b_out, so every point is a degenerate critical "
        "point"
    ),
    (
        "accepted: the closed-form flow is real-analytic on all of R^(m+1), so phi_T is "
        "defined on all of R^m; rank W = 1 < n = 2: Phi(x) = G(W x + b) is constant along "
        "ker W and Hess Phi = W^T H W has rank <= 1, so every critical point is degenerate "
        "and lies in an affine family of critical points of dimension >= 1"
    ),
    (
        "accepted: the field is affine, so for these W and W_out grad Phi = W^T Dphi_T^T "
        "W_out^T is constant, with component 1 = 3 != 0: no critical points, for every b, "
        "b_out"
    ),
]


@pytest.mark.parametrize("k", range(len(TAMPERED)))
def test_tampered_certificates_get_the_full_reason(k):
    name, edits, part = TAMPERED[k]
    assert part in TAMPERED_ANSWERS[k]
    assert answer(tampered(name, *edits)) == TAMPERED_ANSWERS[k]


@pytest.mark.parametrize("k", range(len(STILL_TRUE)))
def test_true_variants_get_the_full_accept_text(k):
    name, edits = STILL_TRUE[k]
    assert answer(tampered(name, *edits)) == STILL_TRUE_ANSWERS[k]


CLAIMS = 'refused: an embedding certificate claims {"phi_equals_target": true}'
TINY = "(exp(1/10**1000) - 1)"  # non-zero, but below every ball the kernel computes


def test_a_slope_not_shown_non_zero_is_rejected_as_such():
    cert = tampered(
        "affine-fixed",
        (("field",), [f"h2*{TINY}", "0"]),
        (("flow",), [f"h1 + h2*{TINY}*t", "h2"]),
        (("W_out",), ["1", "0"]),
    )
    assert answer(cert) == "rejected: grad Phi = W^T Dphi_T^T W_out^T is not shown to be non-zero"


@pytest.mark.parametrize(
    "edit, expected",
    [
        ((("weights", "b"), ["0"]), "refused: b must be a 1 x 3 matrix"),
        ((("weights", "W_out"), ["1"]), "refused: W_out must be a 1 x 3 matrix"),
        ((("weights", "W"), [["1"]]), "refused: W must be a 3 x 2 matrix"),
        ((("weights", "b_out"), "x"), "refused: b_out: 'x' is not a number (expected e.g. -3/5, 0.25 or 2)"),
        ((("weights",), []), "refused: 'weights' must be an object"),
        ((("claims",), {"phi_equals_target": True, "x": 1}), CLAIMS),
        ((("claims",), []), CLAIMS),
        ((("claims",), {"phi_equals_target": 1}), CLAIMS),
        ((("claims",), {}), CLAIMS),
        ((("flow",), None), "rejected: an embedding needs the closed-form flow"),
    ],
)
def test_malformed_embeddings_name_the_field(edit, expected):
    assert answer(tampered("embedding", edit)) == expected


def test_a_malformed_target_is_named():
    assert answer(tampered("embedding", (("target",), "x +* y"))).startswith("refused: target 'x +* y': ")


# -- more tamperings: rank claims, witnesses, matrices, variable names -----------------------------

FIXED_W = ((("W",), [["3"], ["0"]]), (("claims", "free_weights"), ["b", "W_out", "b_out"]))

MORE = {
    "rank claim true": ("augmented", [(("claims", "rank_W_out"), True)]),
    "rank claim 1.0": ("augmented", [(("claims", "rank_W"), 1.0)]),
    "witness W_out as numbers": ("augmented", [(("witness", "W_out"), ["-225/16", 3])]),
    "witness W_out not real": ("augmented", [(("witness", "W_out"), ["sqrt(-1)", "3"])]),
    "witness W of the wrong shape": ("augmented", [(("witness", "W"), [["3", "0"]])]),
    "witness y of the wrong shape": ("augmented", [(("witness", "y"), ["0"])]),
    "witness u of the wrong shape": ("augmented", [(("witness", "u"), ["0", "3", "0"])]),
    "witness not an object": ("augmented", [*FIXED_W, (("witness",), ["x"])]),
    "witness without flow": ("augmented", [(("flow",), None)]),
    "W rows not lists": ("augmented", [*FIXED_W, (("W",), ["3", "0"])]),
    "W entry not a number": ("augmented", [*FIXED_W, (("W",), [["x"], ["0"]])]),
    "field not a list": ("augmented", [(("field",), "0, h1**3")]),
    "verdict a list": ("augmented", [(("verdict",), ["augmented"])]),
    "claims a list": ("augmented", [(("claims",), [])]),
    "W_out of the wrong length": ("augmented", [(("W_out",), ["1"])]),
    "non-augmented with W fixed": (
        "non-augmented",
        [(("W",), [["1", "0"], ["0", "1"]]), (("claims", "free_weights"), ["b", "W_out", "b_out"])],
    ),
    "affine with W fixed": (
        "affine",
        [(("W",), [["1"], ["0"]]), (("claims", "free_weights"), ["b", "W_out", "b_out"])],
    ),
    "constant without a global flow": (
        "constant",
        [(("field",), ["0", "h2**2"]), (("flow",), None)],
    ),
    "degenerate without witness nor global flow": (
        "degenerate",
        [(("witness",), None), (("verdict", "critical_points"), "undecided"), (("flow",), None)],
    ),
    "target not a string": ("embedding", [(("target",), 3)]),
    "variable h0": ("embedding", [(("variables",), ["h0", "y"]), (("target",), "h0**3 + y**2")]),
    "variable h4": ("embedding", [(("variables",), ["x", "h4"]), (("target",), "x**3 + h4**2")]),
    "variable h3": ("embedding", [(("variables",), ["x", "h3"]), (("target",), "x**3 + h3**2")]),
    "variable pi": ("embedding", [(("variables",), ["x", "pi"]), (("target",), "x**3")]),
    "variables not a list": ("embedding", [(("variables",), "x,y")]),
}

MORE_ANSWERS = {
    "rank claim true": ("rejected: claimed rank W_out = True, but it is 1"),
    "rank claim 1.0": ("rejected: claimed rank W = 1.0, but rank W = 1"),
    "witness W_out as numbers": (
        "accepted: witness: at x = 0, b = y, grad Phi = W^T u = 0 and det Hess Phi = 405/2 "
        "!= 0. det Hess is analytic on the connected critical bundle {W^T u = 0}, so it "
        "vanishes only on a null set: critical points exist for an open set of (W, b, W_out, "
        "b_out) and are non-degenerate for almost every (W, b, W_out, b_out)"
    ),
    "witness W_out not real": ("refused: witness W_out[1] is not a real number"),
    "witness W of the wrong shape": ("refused: witness W must be a 2 x 1 matrix"),
    "witness y of the wrong shape": ("refused: witness y must be a 1 x 2 matrix"),
    "witness u of the wrong shape": ("refused: witness u must be a 1 x 2 matrix"),
    "witness not an object": ("refused: 'witness' must be an object"),
    "witness without flow": ("rejected: a witness needs the closed-form flow"),
    "W rows not lists": ("refused: W must be a 2 x 1 matrix"),
    "W entry not a number": ("refused: W: 'x' is not a number (expected e.g. -3/5, 0.25 or 2)"),
    "field not a list": ("refused: field must be a list of expressions"),
    "verdict a list": ("refused: 'verdict' and 'claims' must be objects"),
    "claims a list": ("refused: 'verdict' and 'claims' must be objects"),
    "W_out of the wrong length": ("refused: W_out must be a 1 x 2 matrix"),
    "non-augmented with W fixed": (
        "accepted: the closed-form flow is real-analytic on all of R^(m+1), so phi_T is "
        "defined on all of R^m; rank W = m = 2: W^T is injective, Dphi_T is invertible and "
        "W_out != 0, so grad Phi = W^T Dphi_T^T W_out^T never vanishes, for this W and every "
        "b, W_out, b_out (W_out != 0)"
    ),
    "affine with W fixed": (
        "accepted: the field is affine, so phi_T and Phi are affine: Hess Phi = 0 and grad "
        "Phi is constant, zero only for a null set of (b, W_out, b_out) (where W^T Dphi_T^T "
        "W_out^T = 0); every critical point is degenerate"
    ),
    "constant without a global flow": (
        "rejected: class constant speaks of phi_T on all of R^m, but the flow is not shown "
        "to exist for all start points up to time T (give a closed-form flow, real-analytic "
        "on all of R^(m+1), an affine field or a globally Lipschitz layer field): a field "
        "such as h^2 blows up in finite time"
    ),
    "degenerate without witness nor global flow": (
        "rejected: class degenerate speaks of phi_T on all of R^m, but the flow is not shown "
        "to exist for all start points up to time T (give a closed-form flow, real-analytic "
        "on all of R^(m+1), an affine field or a globally Lipschitz layer field): a field "
        "such as h^2 blows up in finite time"
    ),
    "target not a string": ("refused: target must be an expression string"),
    "variable h0": ("accepted: Phi(x) = W_out phi_T(W x + b) + b_out equals h0**3 + y**2 identically on R^2"),
    "variable h4": ("accepted: Phi(x) = W_out phi_T(W x + b) + b_out equals h4**2 + x**3 identically on R^2"),
    "variable h3": ("refused: variable name 'h3' is not allowed (reserved or not a name)"),
    "variable pi": ("refused: variable name 'pi' is not allowed (reserved or not a name)"),
    "variables not a list": ("refused: 'variables' must be a list of 2 names"),
}


@pytest.mark.parametrize("name", sorted(MORE))
def test_more_tamperings(name):
    source, edits = MORE[name]
    assert answer(tampered(source, *edits)) == MORE_ANSWERS[name]


def test_a_witness_w_out_that_is_not_an_expression_is_named():
    cert = tampered("augmented", (("witness", "W_out"), ["0", "3 +"]))
    assert answer(cert).startswith("refused: witness W_out[2] '3 +': syntax error")


def test_a_claim_sympy_cannot_evaluate_is_rejected_naming_the_error(monkeypatch):
    def failing(e):
        raise ValueError("cannot evaluate")

    monkeypatch.setattr(node, "identity", failing)
    assert answer(copy.deepcopy(CERTS["augmented"])) == (
        "rejected: a claim could not be checked (ValueError: cannot evaluate)"
    )


@pytest.mark.parametrize(
    "cert, expected",
    [
        ("symmorse-node/1", "refused: not a symmorse-node/1 certificate"),
        ([], "refused: not a symmorse-node/1 certificate"),
        ({**CERTS["augmented"], "format": "symmorse-node/2"}, "refused: not a symmorse-node/1 certificate"),
        ({**CERTS["augmented"], "kind": "proof"}, "refused: unknown certificate kind 'proof'"),
        (
            {**CERTS["augmented"], "T": "one"},
            "refused: T: 'one' is not a number (expected e.g. -3/5, 0.25 or 2)",
        ),
        ({**CERTS["augmented"], "n": 101}, "refused: 'n' must be a positive integer"),
        ({**CERTS["augmented"], "n": 0}, "refused: 'n' must be a positive integer"),
        ({**CERTS["augmented"], "m": True}, "refused: 'm' must be a positive integer"),
        ({**CERTS["augmented"], "m": "2"}, "refused: 'm' must be a positive integer"),
        ({**CERTS["augmented"], "n": 100}, "rejected: claimed rank W = 1, but rank W = 2"),
        ({**CERTS["augmented"], "witness": "W"}, "refused: the certificate lacks 'W'"),
    ],
)
def test_malformed_top_level_fields_are_named(cert, expected):
    assert answer(copy.deepcopy(cert)) == expected


def test_a_malformed_flow_is_named():
    cert = tampered("augmented", (("flow",), ["h1", "h2 +"]))
    assert answer(cert).startswith("refused: flow component 2 'h2 +': syntax error")


# -- how the flow is shown global, b_out, a slope with two components ------------------------------

GLOBAL = {
    "non-augmented, affine field, no flow": (
        "non-augmented",
        [(("field",), ["h2", "-h1"]), (("flow",), None)],
    ),
    "non-augmented, Lipschitz field, no flow": (
        "non-augmented",
        [(("field",), ["tanh(h2)", "sin(h1)"]), (("flow",), None)],
    ),
    "non-augmented, field h1**2, no flow": ("non-augmented", [(("flow",), None)]),
    "embedding with b_out": ("embedding", [(("weights", "b_out"), "1"), (("target",), "x**3 + y**2 + 1")]),
    "affine-fixed, two inputs": (
        "affine-fixed",
        [(("n",), 2), (("W",), [["1", "0"], ["0", "0"]]), (("claims", "rank_W"), 1)],
    ),
}

GLOBAL_ANSWERS = {
    "non-augmented, affine field, no flow": (
        "accepted: the field is affine, so the flow is global; rank W = m = 2: W^T is "
        "injective, Dphi_T is invertible and W_out != 0, so grad Phi = W^T Dphi_T^T W_out^T "
        "never vanishes, for generic W (every W of rank m, an open dense set), every b, "
        "W_out, b_out (W_out != 0)"
    ),
    "non-augmented, Lipschitz field, no flow": (
        "accepted: the field is affine plus bounded-slope functions (tanh, atan, sin, cos, "
        "1/(s + a exp)) of affine forms, so it is globally Lipschitz and the flow is global; "
        "rank W = m = 2: W^T is injective, Dphi_T is invertible and W_out != 0, so grad Phi "
        "= W^T Dphi_T^T W_out^T never vanishes, for generic W (every W of rank m, an open "
        "dense set), every b, W_out, b_out (W_out != 0)"
    ),
    "non-augmented, field h1**2, no flow": (
        "rejected: class non-augmented speaks of phi_T on all of R^m, but the flow is not "
        "shown to exist for all start points up to time T (give a closed-form flow, "
        "real-analytic on all of R^(m+1), an affine field or a globally Lipschitz layer "
        "field): a field such as h^2 blows up in finite time"
    ),
    "embedding with b_out": (
        "accepted: Phi(x) = W_out phi_T(W x + b) + b_out equals x**3 + y**2 + 1 identically on R^2"
    ),
    "affine-fixed, two inputs": (
        "accepted: the field is affine, so for these W and W_out grad Phi = W^T Dphi_T^T "
        "W_out^T is constant, with component 1 = 1 != 0: no critical points, for every b, "
        "b_out"
    ),
}


@pytest.mark.parametrize("name", sorted(GLOBAL))
def test_how_the_flow_is_shown_global(name):
    source, edits = GLOBAL[name]
    assert answer(tampered(source, *edits)) == GLOBAL_ANSWERS[name]


def test_a_witness_determinant_not_decided_is_rejected_as_not_shown(monkeypatch):
    monkeypatch.setattr(node, "decide", lambda e: None)
    assert answer(copy.deepcopy(CERTS["augmented"])) == (
        "rejected: det(U^T Hess U) = 405/2 is not shown to be non-zero"
    )


# -- ball witnesses and certified critical points (node_ball) ------------------------------------------

#: h' = (0, h1^2), whose closed-form flow (h1, h2 + t h1^2) is the only thing that shows it global; W =
#: (1, 0)^T, b = 0, W_out = (-2, 1): Phi(x) = -2 x + x^2, a minimum at x = 1, proved by a ball witness.
BALL = {
    "format": "symmorse-node/1",
    "kind": "classification",
    "n": 1,
    "m": 2,
    "T": "1",
    "field": ["0", "h1**2"],
    "flow": ["h1", "h1**2*t + h2"],
    "W": [["1"], ["0"]],
    "W_out": None,
    "claims": {"rank_W": 1, "rank_W_out": 1, "free_weights": ["b", "W_out", "b_out"]},
    "verdict": {"class": "augmented", "critical_points": "generic", "morse": "generic"},
    "witness": {
        "y": ["0", "0"],
        "W_out": ["-2", "1"],
        "ball": {"box": [["9/10", "11/10"]], "Y": [["1/2"]], "prec": 64, "index": 0},
    },
}


def test_a_ball_witness_on_a_field_shown_global_by_its_closed_form_flow():
    assert answer(BALL) == (
        "accepted: the closed-form flow is real-analytic on all of R^(m+1), so phi_T is defined on all "
        "of R^m; ball witness (validated flows at 64 bits) for W, b = y and W_out = (-2, 1): exactly one"
        " zero of the reduced gradient in [9/10, 11/10] (Krawczyk), det(U^T H U) in 2.0000 != 0, index "
        "0: x* = s* is a non-degenerate critical point of Phi for these rational weights. It persists "
        "for an open set of (b, W_out, b_out) (implicit function theorem), and det Hess, analytic on the"
        " connected critical bundle {W^T u = 0}, vanishes only on a null set: critical points exist for "
        "an open set of (b, W_out, b_out) and are non-degenerate for almost every (b, W_out, b_out)"
    )
    assert answer(edited(BALL, (("flow",), None))) == (
        "rejected: class augmented speaks of phi_T on all of R^m, but the flow is not shown to exist for"
        " all start points up to time T (give a closed-form flow, real-analytic on all of R^(m+1), an "
        "affine field or a globally Lipschitz layer field): a field such as h^2 blows up in finite time"
    )


BALL_TAMPERS = {
    "y too short": ((("witness", "y"), ["0"]), "refused: witness y must be a 1 x 2 matrix"),
    "W_out not rational": (
        (("witness", "W_out"), ["-2", "sqrt(2)"]),
        "refused: witness W_out: 'sqrt(2)' is not a number (expected e.g. -3/5, 0.25 or 2)",
    ),
    "two intervals": (
        (("witness", "ball", "box"), [["9/10", "11/10"], ["0", "1"]]),
        "rejected: the ball witness's box (r = rank W intervals) needs 1 intervals",
    ),
    "Y 2 x 1": ((("witness", "ball", "Y"), [["1/2"], ["1"]]), "refused: witness Y must be a 1 x 1 matrix"),
    "u and ball": (
        (("witness", "u"), ["0", "0"]),
        "refused: a witness has 'u' (exact) or 'ball' (ball witness), not both",
    ),
    "no witness": ((("witness",), None), "refused: 'witness' must be an object"),
}


@pytest.mark.parametrize("name", sorted(BALL_TAMPERS))
def test_tampered_ball_witnesses_get_the_full_reason(name):
    edit, expected = BALL_TAMPERS[name]
    assert answer(edited(BALL, edit)) == expected


def _points() -> dict:
    """h' = (0, h1^3 - 3 h1), W = (1, 0)^T: Phi = x^3 - 3x, its maximum at -1 and minimum at 1 certified
    in [-2, 2] (from test_node_ball)."""
    from .test_node_ball import _polynomial_points

    return copy.deepcopy(_polynomial_points())


@pytest.fixture(scope="module")
def points() -> dict:
    return _points()


def test_the_accept_text_of_certified_critical_points(points):
    text = answer(points)
    assert text.startswith(
        "accepted: 2 distinct non-degenerate critical points of Phi in the domain [-2, 2], each alone in its "
        "box (validated flows at "
    )
    claims = text.split(": ", 2)[2].split("; ")
    assert [c.split(":")[0] for c in claims] == ["point 1", "point 2"]
    assert claims[0].endswith("index 1") and claims[1].endswith("index 0")
    without = answer(edited(points, (("domain",), DELETE)))
    assert without.startswith(
        "accepted: 2 distinct non-degenerate critical points of Phi, each alone in its box"
    )


def _box_of(points: dict, j: int) -> list:
    return points["points"][j]["box"]


POINTS_TAMPERS = {
    "W 1 x 1": ((("weights", "W"), [["1"]]), "refused: weights W must be a 2 x 1 matrix"),
    "b too long": ((("weights", "b"), ["0", "0", "0"]), "refused: weights b must be a 1 x 2 matrix"),
    "W_out too short": ((("weights", "W_out"), ["1"]), "refused: weights W_out must be a 1 x 2 matrix"),
    "domain of two intervals": (
        (("domain",), [["-2", "2"], ["-2", "2"]]),
        "rejected: domain needs 1 intervals",
    ),
    "box of two intervals": (
        (("points", 0, "box"), [["-2", "2"], ["-2", "2"]]),
        "rejected: point 1 box needs 1 intervals",
    ),
    "Y 2 x 2": ((("points", 1, "Y"), [["1", "0"], ["0", "1"]]), "refused: point 2 Y must be a 1 x 1 matrix"),
    "an empty interval": (
        (("points", 0, "box"), [["1", "1"]]),
        "rejected: point 1 box: every interval needs lo < hi",
    ),
    "complete": (
        (("complete",), True),
        "rejected: this certificate lists certified critical points; completeness is not shown by it",
    ),
    "second index": (
        (("points", 1, "index"), 1),
        "rejected: point 2: the witness claims Morse index 1, but the Hessian enclosure has 0 negative "
        "eigenvalues",
    ),
    "layer field with no units": (
        (("layer_field",), {"A": [], "V": [], "c": [], "activation": "tanh"}),
        "refused: 'layer_field' needs a non-empty matrix A",
    ),
    "layer field V of the wrong height": (
        (("layer_field",), {"A": [["1", "0"]], "V": [["1"]], "c": ["0"], "activation": "tanh"}),
        "refused: layer_field V must be a 2 x 1 matrix",
    ),
    "layer field c too long": (
        (("layer_field",), {"A": [["1", "0"]], "V": [["1"], ["0"]], "c": ["0", "1"], "activation": "tanh"}),
        "refused: layer_field c must be a 1 x 1 matrix",
    ),
    "layer field A of the wrong width": (
        (("layer_field",), {"A": [["1"]], "V": [["1"], ["0"]], "c": ["0"], "activation": "tanh"}),
        "refused: layer_field A must be a 1 x 2 matrix",
    ),
}


@pytest.mark.parametrize("name", sorted(POINTS_TAMPERS))
def test_tampered_critical_points_get_the_full_reason(points, name):
    edit, expected = POINTS_TAMPERS[name]
    assert answer(edited(points, edit)) == expected


def test_the_same_point_twice_overlaps(points):
    twice = copy.deepcopy(points)
    twice["points"].append(copy.deepcopy(points["points"][0]))
    assert answer(twice) == (
        "rejected: the boxes of points 1 and 3 overlap, so they may be one critical point"
    )


def test_boxes_that_touch_do_not_overlap_and_may_touch_the_domain(points, monkeypatch):
    """The cover logic alone (each box's own claim taken as shown): boxes meeting only in an end are
    disjoint (each Krawczyk zero is inside its box), and a box may end where the domain ends."""
    monkeypatch.setattr(node.node_ball, "check_ball", lambda *args: "shown")
    cert = copy.deepcopy(points)
    cert["domain"] = [["-2", "2"]]
    cert["points"][0]["box"] = [["-2", "0"]]
    cert["points"][1]["box"] = [["0", "2"]]
    assert answer(cert).startswith("accepted: 2 distinct non-degenerate critical points of Phi in the domain")
    cert["points"][0]["box"], cert["points"][1]["box"] = [["0", "2"]], [["-2", "0"]]  # the other order
    assert answer(cert).startswith("accepted: 2 distinct non-degenerate critical points of Phi in the domain")
    cert["points"][0]["box"] = [["-2", "0"]]
    cert["points"][1]["box"] = [["-1/2", "2"]]
    assert answer(cert) == "rejected: the boxes of points 1 and 2 overlap, so they may be one critical point"
    cert["points"][1]["box"] = [["0", "5/2"]]
    assert answer(cert) == "rejected: the box of point 2 is not inside the domain"


def test_the_domain_of_two_inputs_is_named_in_full(points, monkeypatch):
    monkeypatch.setattr(node.node_ball, "check_ball", lambda *args: "shown")
    cert = copy.deepcopy(points)
    cert.update(n=2, domain=[["-2", "2"], ["-1", "1"]])
    cert["weights"]["W"] = [["1", "0"], ["0", "1"]]
    for point in cert["points"]:
        point.update(Y=[["1", "0"], ["0", "1"]])
    cert["points"][0]["box"], cert["points"][1]["box"] = [["-2", "0"], ["-1", "1"]], [["0", "2"], ["-1", "1"]]
    assert answer(cert).startswith(
        "accepted: 2 distinct non-degenerate critical points of Phi in the domain [-2, 2] x [-1, 1], each "
        "alone"
    )


#: BALL with n = 2 and W = [[1, 1], [0, 0]] of rank 1 < n: class degenerate, its reduced map
#: s -> G(U s + b) (U = the first column of W) has the same minimum as BALL's Phi.
DEGENERATE_BALL = edited(
    BALL,
    (("n",), 2),
    (("W",), [["1", "1"], ["0", "0"]]),
    (("verdict",), {"class": "degenerate", "critical_points": "generic", "morse": "fails"}),
)


def test_a_degenerate_class_with_a_ball_witness_checks_the_ball():
    text = answer(DEGENERATE_BALL)
    assert text.startswith(
        "accepted: rank W = 1 < n = 2: Phi(x) = G(W x + b) is constant along ker W and Hess Phi = W^T H W "
        "has rank <= 1"
    ), text
    assert (
        "; the closed-form flow is real-analytic on all of R^(m+1), so phi_T is defined on all of R^m; ball "
        "witness (validated flows at 64 bits) for W, b = y and W_out = (-2, 1): exactly one zero of the "
        "reduced gradient in [9/10, 11/10] (Krawczyk)" in text
    ), text
    assert answer(edited(DEGENERATE_BALL, (("witness", "ball", "index"), 1))) == (
        "rejected: the witness claims Morse index 1, but the Hessian enclosure has 0 negative eigenvalues"
    )
    assert answer(edited(DEGENERATE_BALL, (("flow",), None))).startswith(
        "rejected: class degenerate speaks of phi_T on all of R^m, but the flow is not shown to exist"
    )
