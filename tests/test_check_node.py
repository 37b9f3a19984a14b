"""The symmorse-node/1 kernel: independence, acceptance of true certificates, rejection of tampered ones."""

import contextlib
import copy

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
        "non-augmented": classify_node(NeuralODE(2, "h2, -h1*h2**2")).certificate,
        "affine": classify_node(NeuralODE(1, "h2, -h1")).certificate,
        "constant": classify_node(NeuralODE(1, "0, h1**3"), W_out="0, 0").certificate,
        "affine-fixed": classify_node(NeuralODE(1, "h2, 0"), W="0; 1", W_out="1, 2").certificate,
        "embedding": embed("x**3 + y**2", "x,y").construction.certificate,
    }


CERTS = _certificates()


@pytest.mark.parametrize("name", sorted(CERTS))
def test_true_certificates_are_accepted(name):
    assert check_certificate(CERTS[name]).accepted


def _tamper(name, path, value):
    cert = copy.deepcopy(CERTS[name])
    target = cert
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return cert


TAMPERED = [
    ("augmented", ("verdict", "morse"), "fails"),
    ("augmented", ("verdict", "class"), "non-augmented"),
    ("augmented", ("claims", "rank_W"), 2),
    ("augmented", ("witness", "u"), ["1", "3"]),  # W^T u != 0
    ("augmented", ("witness", "y"), ["0", "0"]),  # Dphi^T W_out != u at another y
    ("augmented", ("witness", "W_out"), ["1", "3"]),
    ("augmented", ("field",), ["0", "h1**3 + h1"]),  # the flow no longer solves the field
    ("augmented", ("flow",), ["h1", "h2 + t*h1**3 + t"]),  # not the flow
    ("augmented", ("flow",), None),  # a witness needs the flow
    ("augmented", ("T",), "2"),  # the witness was for T = 1
    ("augmented", ("n",), 2),  # m = n is not augmented
    ("augmented-n2m4", ("witness", "W"), [["1", "2"], ["2", "4"], ["0", "0"], ["0", "0"]]),  # rank 1
    ("transcendental", ("witness", "W_out", 0), "1"),
    ("degenerate", ("verdict", "morse"), "generic"),
    ("degenerate", ("W",), [["1", "0"], ["0", "1"], ["0", "0"]]),  # rank 2 = n
    ("degenerate", ("witness", "u"), ["1", "1", "1"]),
    ("non-augmented", ("m",), 3),
    ("non-augmented", ("verdict", "critical_points"), "generic"),
    ("affine", ("field",), ["h2", "-h1**2"]),  # not affine
    ("affine", ("n",), 2),  # m = n: generic rank W = m excludes critical points
    ("affine", ("W",), [["0"], ["0"]]),  # W = 0: Phi constant, critical everywhere, not on a null set
    ("constant", ("W_out",), ["0", "1"]),
    ("affine-fixed", ("W_out",), ["1", "-1"]),  # grad Phi = T w1 + w2 = 0: Phi constant, not "none"
    ("affine-fixed", ("verdict", "critical_points"), "everywhere"),
    ("affine-fixed", ("claims", "free_weights"), ["W", "b", "W_out", "b_out"]),
    ("augmented", ("claims", "rank_W"), True),  # a bool is not a rank, although True == 1
    ("augmented", ("claims", "free_weights"), ["b", "b_out"]),
    ("augmented", ("W_out",), ["1", "1"]),  # the generic verdict must not pose as one about a fixed W_out
    ("degenerate", ("W_out",), ["0", "0", "1"]),
    ("embedding", ("claims",), {"phi_equals_target": 1}),
    ("embedding", ("target",), "x**3 + y**2 + 1"),
    ("embedding", ("weights", "W_out"), ["0", "1", "1"]),
    ("embedding", ("weights", "b"), ["1", "0", "0"]),
    ("embedding", ("field",), ["0", "0", "h1**3"]),
]


@pytest.mark.parametrize(("name", "path", "value"), TAMPERED)
def test_tampered_certificates_are_rejected(name, path, value):
    cert = _tamper(name, path, value)
    try:
        result = check_certificate(cert)
    except CertificateError:
        return  # unreadable is also not accepted
    assert not result.accepted, result.reason


@given(st.integers(0, 1), st.integers(-9, 9).filter(lambda k: k != 0), st.integers(1, 5))
def test_random_witness_perturbations_are_rejected(entry, num, den):
    """Changing any witness number by a non-zero rational breaks W^T u = 0 or Dphi^T W~^T = u."""
    cert = copy.deepcopy(CERTS["augmented"])
    from sympy import Rational, sympify

    key = ("u", "W_out")[entry]
    old = sympify(cert["witness"][key][1])
    cert["witness"][key][1] = str(old + Rational(num, den))
    assert not check_certificate(cert).accepted


@pytest.mark.parametrize(
    "broken",
    [
        {"format": check_node.FORMAT},
        {**CERTS["augmented"], "field": "h1"},
        {**CERTS["augmented"], "field": ["0", "__import__('os')"]},
        {**CERTS["augmented"], "kind": "proof"},
        {**CERTS["augmented"], "W": [["1"]]},
        {**CERTS["augmented"], "T": "one"},
        {**CERTS["embedding"], "variables": ["x"]},
    ],
)
def test_malformed_certificates_raise(broken):
    with pytest.raises(CertificateError):
        check_certificate(broken)


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


def test_constant_residuals_are_decided_without_simplify(monkeypatch):
    """Witness residuals are constants: expansion, balls, minimal polynomials, never simplify."""

    def refuse(*args, **kwargs):
        raise AssertionError("simplify called")

    monkeypatch.setattr(sympy, "simplify", refuse)
    assert check_certificate(CERTS["transcendental"]).accepted
    bad = copy.deepcopy(CERTS["transcendental"])
    bad["witness"]["W_out"][1] = "3 + exp(-40)"  # off by a tiny transcendental amount
    assert not check_certificate(bad).accepted


def test_algebraic_residual_is_decided_exactly():
    """sqrt(3 + 2 sqrt 2) = 1 + sqrt 2 exactly (minimal polynomial), and the kernel must see it."""
    cert = copy.deepcopy(CERTS["augmented"])
    w = cert["witness"]["W_out"]
    w[1] = f"({w[1]}) * (sqrt(3 + 2*sqrt(2)) - sqrt(2))"  # the same number, written unexpanded
    assert check_certificate(cert).accepted
    w[1] = f"({cert['witness']['W_out'][1]}) * (1 + 10**-30)"
    assert not check_certificate(cert).accepted


def test_high_degree_algebraic_residual_is_not_decided_but_rejected():
    """Twelve square roots (degree up to 4096) and a 1e-40 error: rejected quickly, no minimal polynomial."""
    cert = copy.deepcopy(CERTS["augmented"])
    terms = " + ".join(f"sqrt({p})" for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37))
    w = cert["witness"]["W_out"][1]
    cert["witness"]["W_out"][1] = f"({w}) + ({terms}) - ({terms})*(1 + 10**-40)"
    assert not check_certificate(cert).accepted


def test_false_identity_is_refuted_without_simplify(monkeypatch):
    """A flow that does not solve the field is refuted at a rational point by ball arithmetic."""
    monkeypatch.setattr(sympy, "simplify", lambda *a, **k: (_ for _ in ()).throw(AssertionError("simplify")))
    cert = copy.deepcopy(CERTS["augmented"])
    cert["flow"] = ["h1", "h2 + t*h1**3 + t**2*sin(h1)**2*cos(h1)**3"]
    assert not check_certificate(cert).accepted


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
