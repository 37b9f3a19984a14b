"""Ball witnesses of neural ODEs: proved by validated flows in the search, re-checked by the kernel."""

import copy
import json

import mpmath
import pytest
import sympy
from flint import arb, ctx, fmpq

from symmorse.cli import main
from symmorse.exact.errors import CertificateError
from symmorse.exact.validated_flow import validated_flow
from symmorse.kernel import check_certificate
from symmorse.model.node import NeuralODE, layer_field
from symmorse.search.node_ball import ball_witness
from symmorse.search.node_classify import classify_node

#: A tanh layer field on R^3 (k = 3 units).
TANH3 = {
    "A": [[1, -1, "1/2"], ["1/2", 1, 0], [0, "1/3", 1]],
    "V": [[1, "3/2", 0], [-1, "1/2", 1], ["1/2", 0, -1]],
    "c": ["1/4", 0, "-1/3"],
    "activation": "tanh",
}


@pytest.fixture(scope="module")
def tanh_n2_m3():
    """The issue's case: a tanh layer field, n = 2, m = 3, W generic."""
    node = NeuralODE(2, layer_field(TANH3))
    return node, classify_node(node)


def test_tanh_layer_field_n2_m3_is_proved_by_a_ball_witness(tanh_n2_m3):
    _, c = tanh_n2_m3
    assert (c.node_class, c.critical_points, c.morse, c.status) == (
        "augmented",
        "generic",
        "generic",
        "proved",
    )
    cert = c.certificate
    assert cert["flow"] is None and cert["layer_field"]["activation"] == "tanh"
    ball = cert["witness"]["ball"]
    assert set(ball) == {"box", "Y", "prec", "index"} and len(ball["box"]) == 2 and "u" not in cert["witness"]
    assert all(sympy.Rational(v).is_Rational for v in cert["witness"]["W_out"])  # a rational W_out
    assert "Krawczyk" in c.reason and "ball witness" in c.reason
    result = check_certificate(json.loads(json.dumps(cert)))
    assert result.accepted, result.reason
    assert f"index {ball['index']}" in result.reason


def test_symmorse_check_accepts_the_ball_certificate(capsys, tmp_path):
    layers = tmp_path / "layers.json"
    layers.write_text(json.dumps(TANH3))
    cert = tmp_path / "c.json"
    assert main(["node", "--inputs", "2", "--layers", str(layers), "--json", "--certificate", str(cert)]) == 0
    out, _ = capsys.readouterr()
    assert json.loads(out)["status"] == "proved"
    assert main(["check", str(cert)]) == 0
    assert capsys.readouterr().out.startswith("accepted")


def test_latex_document_of_a_ball_witness(tanh_n2_m3):
    from symmorse.present.node_document import node_certificate_document

    _, c = tanh_n2_m3
    text = node_certificate_document(c.certificate, "c.json")
    assert "Krawczyk" in text and "Lohner" in text and "\\widetilde W" in text


def _tampered(cert, change):
    data = copy.deepcopy(cert)
    change(data)
    return check_certificate(data)


def _move_box(data):
    box = data["witness"]["ball"]["box"]
    data["witness"]["ball"]["box"] = [
        [str(sympy.Rational(lo) + 1), str(sympy.Rational(hi) + 1)] for lo, hi in box
    ]


def _scale_w_out(data):
    data["witness"]["W_out"][0] = str(2 * sympy.Rational(data["witness"]["W_out"][0]))


def _wrong_index(data):
    data["witness"]["ball"]["index"] = (data["witness"]["ball"]["index"] + 1) % 3


def _other_layers(data):
    data["layer_field"]["c"][0] = "1/5"


def _no_layers_for_tanh(data):
    del data["layer_field"]


def _singular_Y(data):
    data["witness"]["ball"]["Y"] = [["0", "0"], ["0", "0"]]


def _other_bias(data):
    data["witness"]["y"][0] = str(sympy.Rational(data["witness"]["y"][0]) + sympy.Rational(1, 10))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_move_box, "Krawczyk image"),
        (_scale_w_out, "Krawczyk image"),
        (_wrong_index, "claims Morse index"),
        (_other_layers, "is not V sigma(A h + c) of the layers"),
        (_no_layers_for_tanh, "needs layers"),
        (_singular_Y, "Y is singular"),
        (_other_bias, "Krawczyk image"),
    ],
)
def test_tampered_ball_witnesses_are_rejected(tanh_n2_m3, change, reason):
    _, c = tanh_n2_m3
    result = _tampered(c.certificate, change)
    assert not result.accepted and reason in result.reason, result.reason


def test_malformed_ball_witnesses_are_unreadable(tanh_n2_m3):
    _, c = tanh_n2_m3

    def both(data):
        data["witness"]["u"] = ["0", "0", "1"]

    def precision(data):
        data["witness"]["ball"]["prec"] = 100_000

    def extra(data):
        data["witness"]["ball"]["radius"] = "1"

    for change in (both, precision, extra):
        with pytest.raises(CertificateError):
            _tampered(c.certificate, change)


def test_a_ball_witness_needs_a_global_flow(tanh_n2_m3):
    """A hand-made ball witness for h' = (0, 0, h1^2) (no global-flow argument) is rejected."""
    _, c = tanh_n2_m3
    data = copy.deepcopy(c.certificate)
    data["field"] = ["0", "0", "h1**2"]
    del data["layer_field"]
    result = check_certificate(data)
    assert not result.accepted and "not shown to exist for all start points" in result.reason


def test_degenerate_class_with_a_ball_witness():
    """rank W = 1 < n = 2: every critical point degenerate, existence by a ball witness (reduced map)."""
    c = classify_node(NeuralODE(2, layer_field(TANH3)), W="1, 1; 2, 2; 0, 0")
    assert (c.node_class, c.critical_points, c.morse, c.status) == (
        "degenerate",
        "generic",
        "fails",
        "proved",
    )
    assert len(c.certificate["witness"]["ball"]["box"]) == 1
    result = check_certificate(c.certificate)
    assert result.accepted and "reduced map" in result.reason, result.reason


def test_sigmoid_layers_and_a_numerical_route_on_request():
    node = NeuralODE(
        1,
        layer_field(
            {
                "A": [[1, -1], ["1/2", 1]],
                "V": [[1, "3/2"], [-1, "1/2"]],
                "c": ["1/4", 0],
                "activation": "logistic",
            }
        ),
    )
    c = classify_node(node)
    assert c.status == "proved" and c.certificate["layer_field"]["activation"] == "sigmoid"
    assert check_certificate(c.certificate).accepted
    assert classify_node(node, numerical=True, digits=15).status == "numerical"


def test_fields_without_a_global_flow_stay_numerical():
    """h' = (h2, -h1^3): polynomial, no closed form here, not shown global: numerical, with the reason."""
    c = classify_node(NeuralODE(1, "h2, -h1**3"), digits=15)
    assert c.status == "numerical" and c.certificate is None and "no ball witness" in c.reason


def test_ball_witness_agrees_with_a_closed_form_flow():
    """h' = (0, h1^3): phi_t = (h1, h2 + t h1^3). With W = (1, 0)^T, y = (1, 0), u = (0, 1) the exact
    witness is W~ = (-3, 1) and x = 0; the ball witness rounds Dphi^-T u and pins the critical point
    near 0."""
    one, zero = fmpq(1), fmpq(0)
    w = ball_witness("0, h1**3", one, [[one], [zero]], [one, zero], [0, 1])
    assert [str(v) for v in w.w_out] == ["-3", "1"]  # exact here: the flow is polynomial
    assert w.radius < 1e-20
    # g(s) = -3 (1 + s) + (1 + s)^3 has g'' = 6 (1 + s) > 0 at s = 0: a minimum, det = 6
    assert w.index == 0 and w.det.overlaps(arb(6))


def test_validated_flow_agrees_with_mpmath_for_the_n2_m3_field(tanh_n2_m3):
    """The enclosures at the witness point contain the 20-digit mpmath (Gragg-Bulirsch-Stoer) values."""
    node, c = tanh_n2_m3
    y = c.certificate["witness"]["y"]
    e = validated_flow(node.flow_field(), 1, y, prec=128)
    assert max(e.radii().values()) < 1e-30
    ref = node.variations([sympy.Rational(v) for v in y], 20, integrate=True)
    tolerance = mpmath.mpf(10) ** -17
    with ctx.workprec(128), mpmath.workdps(30):
        pairs = [(e.value[i], ref.value[i]) for i in range(3)]
        pairs += [(e.jacobian[i, j], ref.jacobian[i, j]) for i in range(3) for j in range(3)]
        pairs += [
            (e.hessians[i][j, k], ref.hessians[i][j, k]) for i in range(3) for j in range(3) for k in range(3)
        ]
        for ball, value in pairs:
            assert abs(mpmath.mpf(ball.mid().str(40, radius=False)) - value) < tolerance + float(ball.rad())


def test_certified_critical_points_of_given_weights_and_their_kernel(tanh_n2_m3):
    """The witness network of the n = 2, m = 3 field: its critical point near 0 certified in [-2, 2]^2."""
    from symmorse.search.node_critical import certify_critical_points, critical_points_certificate

    node, c = tanh_n2_m3
    witness = c.certificate["witness"]
    weights = node.weights(W=witness["W"], b=witness["y"], W_out=witness["W_out"])
    (point,) = certify_critical_points(node, weights, [[mpmath.mpf(0), mpmath.mpf(0)]])
    assert point is not None and point.index == witness["ball"]["index"]
    cert = critical_points_certificate(node, weights, [point], [(-2, 2), (-2, 2)])
    result = check_certificate(json.loads(json.dumps(cert)))
    assert result.accepted and "1 distinct non-degenerate critical point of" in result.reason, result.reason


def _polynomial_points():
    from symmorse.search.node_critical import certify_critical_points, critical_points_certificate

    node = NeuralODE(1, "0, h1**3 - 3*h1")  # Phi = x^3 - 3x: a maximum at -1, a minimum at 1
    weights = node.weights(W="1; 0")
    points = certify_critical_points(node, weights, [[mpmath.mpf("-0.99")], [mpmath.mpf("1.01")]])
    assert [p.index for p in points] == [1, 0]
    return critical_points_certificate(node, weights, points, [(-2, 2)])


def test_certified_critical_points_tampered():
    cert = _polynomial_points()
    assert check_certificate(cert).accepted

    def twice(d):
        d["points"].append(copy.deepcopy(d["points"][0]))

    def complete(d):
        d["complete"] = True

    def index(d):
        d["points"][0]["index"] = 0

    def outside(d):
        d["domain"] = [["0", "2"]]

    def rank(d):
        d["weights"]["W"] = [["0"], ["0"]]

    for change, reason in [
        (twice, "overlap"),
        (complete, "completeness is not shown"),
        (index, "claims Morse index"),
        (outside, "not inside the domain"),
        (rank, "rank W = n"),
    ]:
        result = _tampered(cert, change)
        assert not result.accepted and reason in result.reason, (reason, result.reason)


def test_latex_document_of_certified_critical_points():
    from symmorse.present.node_document import node_certificate_document

    text = node_certificate_document(_polynomial_points(), "points.json")
    assert "Certified critical points" in text and "not claimed complete" in text
