"""The symmorse-node/1 kernel: independence, acceptance of true certificates, rejection of tampered ones."""

import ast
import copy
import pathlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from symmorse import check_node
from symmorse.checker import FORMATS, check_certificate
from symmorse.embedding import embed
from symmorse.errors import CertificateError
from symmorse.node import NeuralODE
from symmorse.node_classify import classify_node

KERNEL = pathlib.Path(check_node.__file__)
ALLOWED = {"symmorse.errors", "symmorse.exact", "symmorse.expressions", "symmorse.checker"}


def test_kernel_imports_only_the_trusted_base():
    """Only stdlib, sympy, flint and the exact/parsing/error helpers; nothing from the search side."""
    tree = ast.parse(KERNEL.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from .x import y
                module = "symmorse." + (node.module or "")
                assert module in ALLOWED, f"check_node imports {module}"
            else:
                assert node.module.split(".")[0] in {"__future__", "sympy", "flint"}, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.split(".")[0] in {"sympy", "flint"}, alias.name


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
