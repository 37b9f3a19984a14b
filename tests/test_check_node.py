"""The symmorse-node/1 kernel: independence, acceptance of true certificates, rejection of tampered ones."""

import contextlib
import copy
import re

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symmorse.exact.errors import CertificateError
from symmorse.kernel import FORMATS, check_certificate
from symmorse.kernel import node as check_node
from symmorse.model.node import NeuralODE
from symmorse.search.embedding import embed
from symmorse.search.node_classify import classify_node


def test_registered():
    assert FORMATS[check_node.FORMAT] is check_node.check  # registered by checker.py


def _certificates():
    return {
        "augmented": classify_node(NeuralODE(1, "0, h1**3")).certificate,
        "augmented-n2m4": classify_node(NeuralODE(2, "0, 0, h1*h2, h1**2 - h2**2")).certificate,
        "transcendental": classify_node(NeuralODE(1, "-h1, h1**2")).certificate,
        "degenerate": classify_node(NeuralODE(2, "0, 0, h1**2*h2"), W="1,1;1,1;0,0").certificate,
        "non-augmented": classify_node(NeuralODE(2, "0, h1**2")).certificate,  # a closed-form global flow
        "affine": classify_node(NeuralODE(1, "h2, -h1")).certificate,
        "constant": classify_node(NeuralODE(1, "0, h1**3"), W_out="0, 0").certificate,
        "affine-fixed": classify_node(NeuralODE(1, "h2, 0"), W="0; 1", W_out="1, 2").certificate,
        "embedding": embed("x**3 + y**2", "x,y").construction.certificate,
    }


CERTS = _certificates()


@pytest.mark.parametrize("name", sorted(CERTS))
def test_true_certificates_are_accepted(name):
    assert check_certificate(CERTS[name]).accepted


def _tamper(name, *edits):
    """A copy of CERTS[name] with each ``(path, value)`` edit made."""
    cert = copy.deepcopy(CERTS[name])
    for path, value in edits:
        target = cert
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return cert


FIXED_W = ((("W",), [["3"], ["0"]]), (("claims", "free_weights"), ["b", "W_out", "b_out"]))
RANK_1_W = [["1", "2"], ["2", "4"], ["0", "0"], ["0", "0"]]
#: A flow of h' = (0, h1^3) with a removable pole at t = -1: it solves the field, but is not shown global.
POLE_FLOW = (("flow",), ["h1", "h1**3*(t**2 + t)/(t + 1) + h2"])

#: (certificate, edits, the rule that rejects it: a substring of the reason)
TAMPERED = [
    ("augmented", [(("verdict", "morse"), "fails")], "class augmented implies critical_points/morse"),
    ("augmented", [(("verdict", "class"), "non-augmented")], "class non-augmented implies"),
    ("augmented", [(("claims", "rank_W"), 2)], "claimed rank W = 2, but rank W = 1"),
    ("constant", [(("claims", "rank_W_out"), 1)], "claimed rank W_out = 1, but it is 0"),
    ("augmented", [(("W_out",), ["1", "1"])], "W_out must be free, not fixed to [1, 1]"),
    ("degenerate", [(("W_out",), ["0", "0", "1"])], "W_out must be free"),
    ("augmented", [(("claims", "free_weights"), ["b", "b_out"])], "the verdict ranges over the weights"),
    (
        "affine-fixed",
        [(("claims", "free_weights"), ["W", "b", "W_out", "b_out"])],
        "the certificate claims free_weights",
    ),
    (
        "non-augmented",
        [(("field",), ["h2", "-abs(h1)"]), (("flow",), None)],
        "the field is not built from real-analytic",
    ),
    ("augmented", [(("T",), "0")], "T = 0 is not positive"),
    ("non-augmented", [(("m",), 3)], "field: expected 3 components, got 2"),
    # the flow must solve the field
    (
        "augmented",
        [(("field",), ["0", "h1**3 + h1"])],
        "refuted: flow component 2 satisfies d/dt phi = f(phi)",
    ),
    ("augmented", [(("flow",), ["h1 + t", "h1**3*t + h2"])], "refuted: flow component 1 satisfies d/dt"),
    ("augmented", [(("flow",), ["h1 + t**2", "h1**3*t + h2"])], "refuted: flow component 1 satisfies d/dt"),
    ("augmented", [(("flow",), ["h1 + 1", "h1**3*t + h2 + 1"])], "refuted: flow component 1 at t = 0 is h1"),
    # class rules
    (
        "constant",
        [(("W_out",), ["1", "0"]), (("claims", "rank_W_out"), 1)],
        "class constant needs W_out = 0 or W = 0",
    ),
    (
        "affine-fixed",
        [(("W_out",), ["0", "0"]), (("claims", "rank_W_out"), 0)],
        "class affine needs W_out != 0",
    ),
    (
        "non-augmented",
        [
            (("W",), [["1", "0"], ["1", "0"]]),
            (("claims", "rank_W"), 1),
            (("claims", "free_weights"), ["b", "W_out", "b_out"]),
        ],
        "class non-augmented needs rank W = m = 2, but rank W = 1",
    ),
    (
        "affine",
        [(("n",), 2), (("claims", "rank_W"), 2)],
        "class affine needs 0 < rank W < m (rank W = 2, m = 2)",
    ),
    (
        "affine",
        [
            (("W",), [["0"], ["0"]]),
            (("claims", "rank_W"), 0),
            (("claims", "free_weights"), ["b", "W_out", "b_out"]),
        ],
        "class affine needs 0 < rank W < m (rank W = 0",
    ),
    (
        "affine",
        [(("field",), ["h2", "-h1**2"]), (("flow",), None)],
        "refuted: field component 2 is affine: d^2 f_2/dh1dh1 = 0",
    ),
    (
        "degenerate",
        [
            (("W",), None),
            (("claims", "rank_W"), 2),
            (("claims", "free_weights"), ["W", "b", "W_out", "b_out"]),
        ],
        "class degenerate needs a given W with rank W < n = 2",
    ),
    (
        "degenerate",
        [(("W",), [["1", "0"], ["0", "1"], ["0", "0"]]), (("claims", "rank_W"), 2)],
        "class degenerate needs a given W",
    ),
    ("degenerate", [(("verdict", "morse"), "generic")], "class degenerate implies critical_points/morse"),
    ("augmented", [(("n",), 2), (("claims", "rank_W"), 2)], "class augmented needs m > n, got m = 2, n = 2"),
    (
        "augmented-n2m4",
        [
            (("W",), RANK_1_W),
            (("claims", "rank_W"), 1),
            (("claims", "free_weights"), ["b", "W_out", "b_out"]),
        ],
        "class augmented needs rank W = n = 2, but rank W = 1",
    ),
    ("augmented-n2m4", [(("witness", "W"), RANK_1_W)], "the witness W does not have rank n = 2"),
    # fixed W and W_out under an affine field: grad Phi is one constant
    (
        "affine-fixed",
        [(("W_out",), ["1", "-1"])],
        "grad Phi = W^T Dphi_T^T W_out^T = 0 exactly (Phi is constant)",
    ),
    (
        "affine-fixed",
        [(("verdict", "critical_points"), "everywhere"), (("verdict", "morse"), "fails")],
        "refuted: grad Phi = W^T Dphi_T^T W_out^T = 0 (component 1: 3)",
    ),
    (
        "affine-fixed",
        [(("verdict", "critical_points"), "everywhere")],
        "class affine implies critical_points/morse",
    ),
    ("affine-fixed", [(("flow",), None)], "the verdict for fixed W and W_out needs the closed-form flow"),
    (
        "affine-fixed",
        [(("flow",), ["h1 + h2*(t**2 + t)/(t + 1)", "h2"])],
        "the flow is not real-analytic on all of R^(m+1)",
    ),
    (
        "affine-fixed",
        [(("flow",), ["h1*(sin(h2)**2 + cos(h2)**2) + h2*t", "h2"])],  # = h1 + h2 t, but D keeps h2
        "Dphi_T of the flow is not shown to be constant",
    ),
    # witnesses
    ("augmented", [(("flow",), None)], "a witness needs the closed-form flow"),
    (
        "augmented",
        [POLE_FLOW],
        "the flow is not real-analytic on all of R^(m+1), so it is not shown to be global",
    ),
    ("augmented", [(("witness", "u"), ["1", "3"])], "W^T u != 0: the witness is not on the critical bundle"),
    ("degenerate", [(("witness", "u"), ["1", "1", "1"])], "W^T u != 0"),
    ("degenerate", [(("witness", "u"), ["0", "0", "0"])], "the witness has u = 0"),
    (
        "augmented",
        [(("witness", "y"), ["0", "0"])],
        "refuted: Dphi_T(y)^T W_out^T = u in component 1 (a non-zero",
    ),
    ("augmented", [(("witness", "W_out"), ["1", "3"])], "refuted: Dphi_T(y)^T W_out^T = u in component 1"),
    (
        "augmented",
        [(("T",), "2")],
        "refuted: Dphi_T(y)^T W_out^T = u in component 1",
    ),  # the witness was for T = 1
    ("transcendental", [(("witness", "W_out", 0), "1")], "refuted: Dphi_T(y)^T W_out^T = u in component 1"),
    (
        "augmented",  # at y1 = 0 the Hessian of h1^3 t vanishes: a critical point, but degenerate
        [(("witness", "y"), ["0", "-7/4"]), (("witness", "W_out"), ["0", "3"])],
        "det(U^T Hess U) = 0 at the witness",
    ),
    # embeddings
    (
        "embedding",
        [(("target",), "x**3 + y**2 + 1")],
        "refuted: Phi(x) = x**3 + y**2 equals the target x**3 + y**2 + 1",
    ),
    (
        "embedding",
        [(("weights", "W_out"), ["0", "1", "1"])],
        "refuted: Phi(x) = x**3 + y**2 + y equals the target",
    ),
    ("embedding", [(("weights", "b"), ["1", "0", "0"])], "refuted: Phi(x) = y**2 + (x + 1)**3 equals"),
    (
        "embedding",
        [(("field",), ["0", "0", "h1**3"])],
        "refuted: flow component 3 satisfies d/dt phi = f(phi)",
    ),
    ("embedding", [(("flow",), None)], "an embedding needs the closed-form flow"),
    (
        "embedding",
        [(("flow",), ["h1", "h2", "h3 + (t**2 + t)/(t + 1)*(h1**3 + h2**2)"])],
        "the field and the flow are not shown",
    ),
    (
        "embedding",
        [(("target",), "x**3 + y**2 + exp(x/10**1000) - 1")],
        "not shown: Phi(x) = x**3 + y**2 equals the target",
    ),
]


@pytest.mark.parametrize(("name", "edits", "reason"), TAMPERED)
def test_tampered_certificates_are_rejected_with_the_reason(name, edits, reason):
    result = check_certificate(_tamper(name, *edits))
    assert not result.accepted and reason in result.reason, result.reason


#: Tamperings that leave a true certificate: the kernel must accept them.
STILL_TRUE = [
    ("augmented", list(FIXED_W)),  # W fixed to the witness's own W
    (
        "affine-fixed",
        [
            (("W_out",), ["1", "-1"]),
            (("verdict", "critical_points"), "everywhere"),
            (("verdict", "morse"), "fails"),
        ],
    ),
    ("degenerate", [(("witness",), None), (("verdict", "critical_points"), "undecided")]),
    ("affine-fixed", [(("flow",), ["h1 + h2*t", "h2*exp(0*t)"])]),  # the same flow, written otherwise
]


@pytest.mark.parametrize(("name", "edits"), STILL_TRUE)
def test_true_variants_are_accepted(name, edits):
    result = check_certificate(_tamper(name, *edits))
    assert result.accepted, result.reason


def test_a_degenerate_certificate_without_witness_proves_no_critical_points():
    result = check_certificate(_tamper("degenerate", (("witness",), None)))
    assert not result.accepted and "implies critical_points/morse = ('undecided', 'fails')" in result.reason


@given(st.integers(0, 1), st.integers(-9, 9).filter(lambda k: k != 0), st.integers(1, 5))
def test_random_witness_perturbations_are_rejected(entry, num, den):
    """Changing u_2 or W~_2 by a non-zero rational breaks Dphi^T W~^T = u (W^T u = 3 u_1 stays 0), or
    makes u = 0."""
    key = ("u", "W_out")[entry]
    new = sympy.Rational(CERTS["augmented"]["witness"][key][1]) + sympy.Rational(num, den)
    result = check_certificate(_tamper("augmented", (("witness", key, 1), str(new))))
    u_is_zero = key == "u" and new == 0  # u = (0, 3) moved to (0, 0)
    reason = "the witness has u = 0" if u_is_zero else "refuted: Dphi_T(y)^T W_out^T = u in component"
    assert not result.accepted and reason in result.reason


@pytest.mark.parametrize(
    "broken, message",
    [
        ({"format": check_node.FORMAT}, "kind: expected one of classification, critical-points, embedding"),
        ({**CERTS["augmented"], "n": 0}, "n: expected an integer in 1..100, got 0"),
        ({**CERTS["augmented"], "field": "h1"}, "field: expected a list"),
        ({**CERTS["augmented"], "field": ["0", "__import__('os')"]}, "field component 2"),
        (
            {**CERTS["augmented"], "kind": "proof"},
            'kind: expected one of classification, critical-points, embedding, got "proof"',
        ),
        ({**CERTS["augmented"], "W": [["1"]]}, "W must be a 2 x 1 matrix"),
        ({**CERTS["augmented"], "T": "one"}, "T: expected an exact rational"),
        ({**CERTS["augmented"], "verdict": ["augmented"]}, "verdict: expected an object"),
        (
            {
                **CERTS["augmented"],
                "verdict": {"class": "chaotic", "critical_points": "none", "morse": "generic"},
            },
            "unknown class 'chaotic'",
        ),
        ({**CERTS["augmented"], "verdict": {"class": "augmented"}}, "verdict.critical_points: missing"),
        (
            _tamper("augmented", (("claims", "rank_W"), True)),
            "claims.rank_W: expected an integer in 0.., got true",
        ),
        (
            _tamper("augmented", (("claims", "rank_W"), 1.0)),
            "claims.rank_W: expected an integer in 0.., got 1.0",
        ),
        (_tamper("augmented", *FIXED_W, (("witness",), ["x"])), "witness: expected an object"),
        (
            _tamper("augmented", (("witness", "W_out"), ["sqrt(-1)", "3"])),
            "witness W_out[1] is not a real number",
        ),
        (_tamper("augmented", (("witness", "W_out"), ["1"])), "'W_out' must be a list of 2 numbers"),
        (
            _tamper("embedding", (("claims",), {"phi_equals_target": 1})),
            "claims.phi_equals_target: expected true or false, got 1",
        ),
        (_tamper("embedding", (("weights",), [])), "weights: expected an object"),
        ({**CERTS["embedding"], "variables": ["x"]}, "'variables' must be a list of 2 names"),
        ({**CERTS["embedding"], "variables": ["x", "x"]}, "repeat a name"),
        ({**CERTS["embedding"], "target": 3}, "target: expected a string"),
    ],
)
def test_malformed_certificates_raise(broken, message):
    with pytest.raises(CertificateError, match=re.escape(message)):
        check_certificate(broken)


def test_what_sympy_or_flint_cannot_evaluate_is_rejected_not_raised(monkeypatch):
    """Any arithmetic failure while checking is a rejection that names it, never an accepted claim."""

    def fail(*args):
        raise ZeroDivisionError("inside the check")

    monkeypatch.setattr(check_node, "real_analytic", fail)
    result = check_certificate(CERTS["augmented"])
    assert not result.accepted
    assert result.reason == "a claim could not be checked (ZeroDivisionError: inside the check)"


def test_nonanalytic_field_is_not_certified():
    c = classify_node(NeuralODE(2, "sqrt(h1), h2"))  # m = n: "no critical points" needs a C^1 field
    assert c.status == "undecided" and "real-analytic" in c.reason


# -- regressions: forgeries the kernel used to accept ---------------------------------------------

BLOW_UP = {
    "format": check_node.FORMAT,
    "kind": "embedding",
    "n": 1,
    "m": 2,
    "T": "1",
    "field": ["h1**2", "0"],
    "flow": ["h1/(1 - t*h1)", "h2"],
    "target": "x - 2",
    "variables": ["x"],
    "weights": {"W": [["0"], ["1"]], "b": ["2", "0"], "W_out": ["1", "1"], "b_out": "0"},
    "claims": {"phi_equals_target": True},
}


def _accepted(cert):
    try:
        return check_certificate(cert).accepted
    except CertificateError:
        return False


def test_embedding_whose_flow_blows_up_is_rejected():
    """h1' = h1^2 from h1(0) = 2 is 2/(1 - 2t): it blows up at t = 1/2 < T, so Phi = x - 2 is false."""
    t = sympy.Symbol("t")
    flow_at_2 = sympy.sympify(BLOW_UP["flow"][0]).subs("h1", 2)
    assert sympy.solve(sympy.denom(sympy.together(flow_at_2)), t) == [sympy.Rational(1, 2)]
    result = check_certificate(BLOW_UP)
    assert not result.accepted and "real-analytic" in result.reason


def test_embedding_target_must_be_defined_everywhere():
    """A flow that is global proves nothing about a target undefined at x = 1."""
    cert = copy.deepcopy(CERTS["embedding"])
    cert["target"] = "(x**4 - 1)/(x**2 - 1) - 1 + y**2 + x**3 - x**2"  # = x**3 + y**2 away from x = +-1
    result = check_certificate(cert)
    assert not result.accepted and "target" in result.reason


def test_embedding_with_repeated_variable_names_is_refused():
    """With variables [x, x] the map is x1*x2, not x**2; the kernel must not read the names as one."""
    cert = {
        **BLOW_UP,
        "n": 2,
        "m": 3,
        "field": ["0", "0", "h1*h2"],
        "flow": ["h1", "h2", "h3 + t*h1*h2"],
        "variables": ["x", "x"],
        "target": "x**2",
        "weights": {
            "W": [["1", "0"], ["0", "1"], ["0", "0"]],
            "b": ["0", "0", "0"],
            "W_out": ["0", "0", "1"],
            "b_out": "0",
        },
    }
    x1, x2 = sympy.symbols("x1 x2")
    assert sympy.expand((x1 * x2).subs(x2, x1) - x1**2) == 0 and x1 * x2 != x1**2  # only equal on x1 = x2
    assert not _accepted(cert)
    assert _accepted({**cert, "variables": ["x", "y"], "target": "x*y"})  # the honest certificate


@pytest.mark.parametrize("names", [["h1", "y"], ["x", "t"], ["x", "exp"], ["x", "E"], ["x", "1y"]])
def test_embedding_reserved_variable_names_are_refused(names):
    cert = {**CERTS["embedding"], "variables": names}
    with pytest.raises(CertificateError, match="variable name"):
        check_certificate(cert)


HEURISTICS = ("simplify", "nsimplify", "minimal_polynomial", "real_roots", "solve", "together", "cancel")


@pytest.fixture
def no_heuristics(monkeypatch):
    """SymPy's heuristic simplifiers and solvers raise: the kernel must not need them."""
    for name in HEURISTICS:
        monkeypatch.setattr(sympy, name, lambda *a, _name=name, **k: pytest.fail(f"sympy.{_name} called"))


@pytest.mark.parametrize("name", sorted(CERTS))
def test_true_certificates_are_accepted_without_sympy_heuristics(no_heuristics, name):
    assert check_certificate(CERTS[name]).accepted


def test_constant_residuals_are_decided_without_heuristics(no_heuristics):
    """W~_1 = -15 sinh(1)/2 against exp(-1): zero by the exponential forms; a tiny change is refuted."""
    assert check_certificate(CERTS["transcendental"]).accepted
    bad = _tamper("transcendental", (("witness", "W_out", 1), "3 + exp(-40)"))  # off by a tiny amount
    result = check_certificate(bad)
    assert not result.accepted and "refuted: Dphi_T(y)^T W_out^T = u in component 1" in result.reason


def test_algebraic_residual_is_decided_exactly(no_heuristics):
    """sqrt(3 + 2 sqrt 2) = 1 + sqrt 2 exactly (annihilating polynomial), and the kernel must see it."""
    w = CERTS["augmented"]["witness"]["W_out"][1]
    same = f"({w}) * (sqrt(3 + 2*sqrt(2)) - sqrt(2))"  # the same number, written unexpanded
    assert check_certificate(_tamper("augmented", (("witness", "W_out", 1), same))).accepted
    result = check_certificate(_tamper("augmented", (("witness", "W_out", 1), f"({same}) * (1 + 10**-30)")))
    assert not result.accepted and "refuted: Dphi_T(y)^T W_out^T = u in component 1" in result.reason


@pytest.mark.parametrize("error", ["0", "10**-400"])
def test_undecidable_residuals_are_refused_not_guessed(no_heuristics, error):
    """sqrt(5 + 2 sqrt 6) = sqrt 2 + sqrt 3, times six more square roots (a degree bound 2^10 > 64), plus
    an error below every ball: true or false, the kernel cannot decide, so it says 'not shown'."""
    roots = "sqrt(5) + sqrt(7) + sqrt(11) + sqrt(13) + sqrt(17) + sqrt(19)"
    w = CERTS["augmented"]["witness"]["W_out"][1]
    hidden = f"(sqrt(5 + 2*sqrt(6)) - sqrt(2) - sqrt(3) + {error}) * ({roots})"
    result = check_certificate(_tamper("augmented", (("witness", "W_out", 1), f"{w} + {hidden}")))
    assert not result.accepted and "not shown: Dphi_T(y)^T W_out^T = u in component 1" in result.reason


def test_false_identity_is_refuted_without_heuristics(no_heuristics):
    """A flow that does not solve the field is refuted at a rational point by ball arithmetic."""
    cert = _tamper("augmented", (("flow",), ["h1", "h2 + t*h1**3 + t**2*sin(h1)**2*cos(h1)**3"]))
    result = check_certificate(cert)
    assert not result.accepted and "refuted: flow component 2 satisfies d/dt phi = f(phi)" in result.reason


@given(st.data())
def test_malformed_certificates_never_crash(data):
    """Any JSON value at any place: a CertificateError or a verdict, never another exception."""
    name = data.draw(st.sampled_from(sorted(CERTS)))
    cert = copy.deepcopy(CERTS[name])
    paths = []

    def walk(obj, prefix):
        if prefix:
            paths.append(prefix)
        items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else []
        for k, v in items:
            walk(v, (*prefix, k))

    walk(cert, ())
    path = data.draw(st.sampled_from(paths))
    json_value = st.recursive(
        st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", "h1", "x", "1/0", "t", "2"]),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "W"]), inner),
        max_leaves=4,
    )
    target = cert
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(json_value)
    with contextlib.suppress(CertificateError):
        check_node.check(cert)  # the kernel itself ("format" is also the dispatcher's business)
