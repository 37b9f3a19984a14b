"""The ball-witness kernel (``symmorse.kernel.node_ball``) claim by claim: each refusal's full reason,
Krawczyk images that touch an end of the box, the precision the flows are integrated at, and the accept
text.  Written against the surviving mutants of ``tools/mutation.py`` (``docs/mutation-testing.md``).

Most cases use ``h' = (0, h1^2)`` with W = (1, 0)^T, b = 0: then ``phi_T(s, 0) = (s, T s^2)``, the
reduced map is ``g(s) = w1 s + w2 s^2`` (T = 1), and the Krawczyk image can be computed by hand (the
validated flow over the box encloses J = 2 w2 with a small overestimation).
"""

import json
import re

import pytest
import sympy
from flint import fmpq

from symmorse.exact.linalg import Inertia
from symmorse.kernel import check_certificate, node_ball
from symmorse.kernel.base import Rejected
from symmorse.model.node import NeuralODE, layer_field
from symmorse.search.node_classify import classify_node

from .test_node_ball import TANH3

h1, h2 = sympy.symbols("h1 h2", real=True)
ONE, ZERO = fmpq(1), fmpq(0)
U, Y0 = [[ONE], [ZERO]], [ZERO, ZERO]
FIELD = node_ball.polynomial_field([sympy.Integer(0), h1**2])


def q(text: str) -> fmpq:
    return fmpq(*map(int, text.split("/"))) if "/" in text else fmpq(int(text))


def ball(w_out, box, Y, index=0, prec=64):
    """check_ball on h' = (0, h1^2) at T = 1: g(s) = w1 s + w2 s^2."""
    lo, hi = box
    return node_ball.check_ball(
        FIELD, ONE, U, Y0, [q(w) for w in w_out], [(q(lo), q(hi))], [[q(Y)]], prec, index
    )


def refusal(*args, **kwargs) -> str:
    with pytest.raises(Rejected) as refused:
        ball(*args, **kwargs)
    return str(refused.value)


def test_the_accept_text_of_an_exact_witness():
    """g(s) = -2 s + s^2: its minimum at s = 1, g'' = 2."""
    assert ball(["-2", "1"], ("9/10", "11/10"), "1/2") == (
        "exactly one zero of the reduced gradient in [9/10, 11/10] (Krawczyk), det(U^T H U) in 2.0000 != 0, "
        "index 0"
    )


def test_a_determinant_of_one_is_not_zero():
    """g(s) = -s + s^2/2: g'' = 1, so det J is the exact ball 1."""
    assert ball(["-1", "1/2"], ("9/10", "11/10"), "1").endswith("det(U^T H U) in 1.0000 != 0, index 0")


def test_the_krawczyk_image_needs_the_spread_of_the_box():
    """Y = 1 for J = 2: K = c - Y F(c) + (1 - Y J)(S - c) = 1 - (S - 1) = S (and a little more), not
    inside S; the point c - Y F(c) = 1 alone would be."""
    reason = refusal(["-2", "1"], ("9/10", "11/10"), "1")
    assert re.fullmatch(
        r"the Krawczyk image \[.*\] is not inside the box's interval 1 \[9/10, 11/10\]: existence of a "
        r"critical point in the box is not shown",
        reason,
    ), reason


def test_the_index_claimed_is_the_inertia():
    assert refusal(["-2", "1"], ("9/10", "11/10"), "1/2", index=1) == (
        "the witness claims Morse index 1, but the Hessian enclosure has 0 negative eigenvalues"
    )


def test_a_singular_preconditioner_is_refused():
    assert refusal(["-2", "1"], ("9/10", "11/10"), "0") == "the preconditioner Y is singular"


@pytest.mark.parametrize("signs", [None, Inertia(negative=0, zero=1, positive=0)])
def test_an_undecided_inertia_is_refused(monkeypatch, signs):
    monkeypatch.setattr(node_ball, "inertia", lambda J: signs)
    assert refusal(["-2", "1"], ("9/10", "11/10"), "1/2") == (
        "the inertia of the Hessian enclosure over the box is not decided"
    )


def test_both_flows_are_integrated_at_the_stated_precision(monkeypatch):
    seen = []
    real = node_ball.validated_flow

    def recorded(F, T, box, **options):
        seen.append(options)
        return real(F, T, box, **options)

    monkeypatch.setattr(node_ball, "validated_flow", recorded)
    ball(["-2", "1"], ("9/10", "11/10"), "1/2", prec=100)
    assert seen == [{"prec": 100}, {"prec": 100}]


def test_a_flow_that_does_not_reach_T_is_named():
    """h' = (h1^2, 0) from h1 = 1 blows up at t = 1 < T = 2."""
    F = node_ball.polynomial_field([h1**2, sympy.Integer(0)])
    with pytest.raises(Rejected, match=r"^not shown: the validated flow does not reach T \(.+\)$"):
        node_ball.check_ball(
            F, fmpq(2), U, [ONE, ZERO], [ONE, ONE], [(q("-1/10"), q("1/10"))], [[ONE]], 64, 0
        )


def test_a_flow_that_refuses_its_input_is_named():
    with pytest.raises(Rejected) as refused:
        ball(["-2", "1"], ("9/10", "11/10"), "1/2", prec=16)
    assert str(refused.value) == (
        "not shown: the validated flow refuses the input (the precision must be an integer number of bits in "
        "32..100000, got 16)"
    )


def test_the_centre_is_y_plus_u_c():
    """b = y = (1/2, 0) and a box around s = 1/2: the point of the flow is y + U c = 1, the minimum."""
    claim = node_ball.check_ball(
        FIELD, ONE, U, [fmpq(1, 2), ZERO], [q("-2"), ONE], [(q("2/5"), q("3/5"))], [[fmpq(1, 2)]], 64, 0
    )
    assert claim.startswith("exactly one zero of the reduced gradient in [2/5, 3/5] (Krawczyk)")


# -- layer fields ------------------------------------------------------------------------------------


def _layers(rows):
    A = sympy.Matrix(rows)
    V = sympy.eye(A.cols)[:, : A.rows] if A.rows <= A.cols else sympy.ones(A.cols, A.rows)
    c = sympy.zeros(A.rows, 1)
    field = list(V * sympy.Matrix([sympy.tanh(z) for z in A * sympy.Matrix([h1, h2])]))
    return A, V, c, field


def test_layer_fields_name_the_component_that_differs():
    A, V, c, field = _layers([[1, 0], [0, 2]])
    assert repr(node_ball.layer_field(A, V, c, "tanh", field, [h1, h2])).startswith("LayerFlowField(m=2, k=2")
    with pytest.raises(Rejected) as refused:
        node_ball.layer_field(A, V, c, "tanh", [field[0], -field[1]], [h1, h2])
    assert str(refused.value) == "field component 2 is not V sigma(A h + c) of the layers"


def test_layer_fields_take_tanh_arctan_and_sigmoid_only():
    A, V, c, field = _layers([[1, 0], [0, 2]])
    with pytest.raises(Rejected) as refused:
        node_ball.layer_field(A, V, c, "relu", field, [h1, h2])
    assert (
        str(refused.value)
        == "ball witnesses take layers with the activations tanh, arctan, sigmoid, not 'relu'"
    )


def test_the_number_of_units_is_bounded(monkeypatch):
    monkeypatch.setattr(node_ball, "MAX_UNITS", 2)
    A, V, c, field = _layers([[1, 0], [0, 2]])
    node_ball.layer_field(A, V, c, "tanh", field, [h1, h2])  # 2 units: at the limit
    A, V, c, field = _layers([[1, 0], [0, 2], [1, 1]])
    with pytest.raises(Rejected) as refused:
        node_ball.layer_field(A, V, c, "tanh", field, [h1, h2])
    assert str(refused.value) == "the layers have 3 units; the kernel checks at most 2"


def test_layers_the_integrator_refuses_are_named():
    """13 coordinates: beyond the validated integrator's phase-space dimension (12)."""
    hs = sympy.symbols("h1:14", real=True)
    A, V, c = sympy.eye(13), sympy.eye(13), sympy.zeros(13, 1)
    field = [sympy.tanh(h) for h in hs]
    with pytest.raises(Rejected) as refused:
        node_ball.layer_field(A, V, c, "tanh", field, list(hs))
    assert str(refused.value) == (
        "the layers are not integrated: the phase space must have dimension 1..12, got 13"
    )


def test_a_field_that_is_not_polynomial_is_named():
    with pytest.raises(Rejected) as refused:
        node_ball.polynomial_field([sympy.sin(h1)])
    assert str(refused.value).startswith(
        "a ball witness needs layers ('layer_field') or a polynomial field with rational coefficients: "
    )


# -- a tanh layer field, n = 2, m = 3 ------------------------------------------------------------------


@pytest.fixture(scope="module")
def tanh_certificate():
    return json.loads(json.dumps(classify_node(NeuralODE(2, layer_field(TANH3))).certificate))


def test_the_accept_text_gives_the_box_and_the_determinant_ball(tanh_certificate):
    result = check_certificate(tanh_certificate)
    assert result.accepted, result.reason
    interval = r"\[-?\d+/\d+, -?\d+/\d+\]"
    assert re.search(
        rf"exactly one zero of the reduced gradient in {interval} x {interval} \(Krawczyk\), "
        r"det\(U\^T H U\) in \[-?\d\.\d{4}\d* \+/- \d\.\d+e-\d+\] != 0, index \d",
        result.reason,
    ), result.reason
    digits = re.search(r"det\(U\^T H U\) in \[-?(\d\.\d+) ", result.reason).group(1)
    assert len(digits.replace(".", "").lstrip("0")) == 5  # five significant digits
