"""The ``symmorse-critical/1`` kernel on small exact certificates, written against the surviving mutants of
``tools/mutation.py`` (``docs/mutation-testing.md``): with the identity activation Phi is affine and every
ball is exact, so a Krawczyk image can be made to touch a leaf exactly, and each refusal names its field.
"""

import copy
import functools
import json
from fractions import Fraction

import mpmath
import pytest
from flint import arb, ctx, fmpq

from symmorse.exact.errors import CertificateError
from symmorse.exact.linalg import Inertia
from symmorse.kernel import critical as kc
from symmorse.kernel.constants import _dyadic
from symmorse.model.network import Network
from symmorse.search.critical_validated import validated_critical_points


def affine(w2: str = "1", leaves: list | None = None, domain: list | None = None) -> dict:
    """Phi(x) = w2 * x on a domain (identity activation, widths 1,1,1): grad Phi = w2 exactly, H = 0."""
    return {
        "format": kc.FORMAT,
        "architecture": {"widths": [1, 1, 1]},
        "activation": "identity",
        "layers": [{"W": [["1"]], "b": ["0"]}, {"W": [[w2]], "b": ["0"]}],
        "domain": domain or [["0", "4"]],
        "points": [],
        "complete": True,
        "leaves": leaves or [{"box": [["0", "4"]], "kind": "excluded", "coordinate": 0}],
    }


def krawczyk_leaf(box: list, P: list, Y: str) -> dict:
    return {"box": [box], "kind": "excluded", "coordinate": 0, "krawczyk": {"box": [P], "Y": [[Y]]}}


def answer(cert: dict) -> str:
    result = kc.check(cert)
    return f"{ {True: 'accepted', False: 'rejected'}[result.accepted] }: {result.reason}"


COMPLETE = "accepted: 0 critical points in the domain (0 boundary), complete; {}"


def test_a_zero_gradient_is_not_excluded():
    """Phi = 0 * x: every point is critical; the exact gradient ball [0 +- 0] must not count as a sign."""
    assert answer(affine("1")) == COMPLETE.format("1 leaf")
    assert (
        answer(affine("0")) == "rejected: leaf 0: the gradient enclosure does not exclude 0 in coordinate 0"
    )


def test_krawczyk_images_that_miss_the_leaf_with_different_matrices_for_one_box():
    """K(P) = P - Y * grad Phi for affine Phi (H = 0): Y = -2 moves [0, 4] to [2, 6], missing [0, 1];
    Y = 4 moves it to [-4, 0], missing [1, 4].  The two leaves share P but not Y."""
    leaves = [krawczyk_leaf(["0", "1"], ["0", "4"], "-2"), krawczyk_leaf(["1", "4"], ["0", "4"], "4")]
    assert answer(affine(leaves=leaves)) == COMPLETE.format("2 leaves")


@pytest.mark.parametrize(
    "leaf, touching",
    [
        (krawczyk_leaf(["1", "2"], ["0", "2"], "1"), "K = [-1, 1] ends where the leaf starts"),
        (krawczyk_leaf(["0", "1"], ["0", "2"], "-1"), "K = [1, 3] starts where the leaf ends"),
    ],
)
def test_a_krawczyk_image_touching_the_closed_leaf_does_not_exclude_it(leaf, touching):
    leaf = copy.deepcopy(leaf)  # edited below: the parameter is shared by every run of the test
    other = {
        "box": [["0", "1"] if leaf["box"][0][0] == "1" else ["1", "2"]],
        "kind": "excluded",
        "coordinate": 0,
    }
    cert = affine(leaves=[leaf, other], domain=[["0", "2"]])
    assert answer(cert) == ("rejected: leaf 0: the Krawczyk image does not miss the leaf in coordinate 0"), (
        touching
    )
    leaf["krawczyk"]["Y"] = [["2"]] if leaf["box"][0][0] == "1" else [["-2"]]  # moved one further: misses
    assert answer(cert) == COMPLETE.format("2 leaves")


@pytest.mark.parametrize(
    "edit, reason",
    [
        (lambda c: c["leaves"][0].update(kind="unique", point=0), "leaf 0: no point 0"),
        (lambda c: c["leaves"][0].update(kind="unique", point=True), "leaf 0: no point True"),
        (lambda c: c["leaves"][0].update(coordinate=1), "leaf 0: no coordinate 1"),
        (lambda c: c["leaves"][0].update(coordinate=-1), "leaf 0: no coordinate -1"),
        (lambda c: c["leaves"][0].update(coordinate=False), "leaf 0: no coordinate False"),
        (lambda c: c["leaves"][0].update(krawczyk=[["0", "4"]]), "leaf 0: malformed krawczyk"),
        (
            lambda c: c["leaves"][0].update(krawczyk={"box": [["1", "4"]], "Y": [["1"]]}),
            "leaf 0 is not inside its Krawczyk box",
        ),
        (
            lambda c: c["leaves"][0].update(krawczyk={"box": [["0", "4"]], "Y": [["1", "2"]]}),
            "leaf 0 Y is not a 1 x 1 matrix",
        ),
        (
            lambda c: c["leaves"][0].update(krawczyk={"box": [["0"]], "Y": [["1"]]}),
            "leaf 0 krawczyk box is not a 1 x 2 matrix",
        ),
        (lambda c: c.update(points=[3]), "point 0 is not an object"),
        (lambda c: c.update(domain=[["0", "4", "5"]]), "domain is not a 1 x 2 matrix"),
        (lambda c: c.update(domain=[["4", "0"]]), "domain: every side needs lo < hi"),
        (lambda c: c["leaves"].append(copy.deepcopy(c["leaves"][0])), "the leaves overlap: near leaf 0"),
        (lambda c: c["leaves"][0].update(box=[["0", "3"]]), "the leaves leave a gap next to leaf 0"),
        (lambda c: c["leaves"][0].update(box=[["0", "5"]]), "leaf 0 is not inside the domain"),
        (lambda c: c.update(leaves=[3]), "leaf 0 is not an object"),
        (lambda c: c["leaves"][0].update(kind="maybe"), "leaf 0: unknown kind 'maybe'"),
    ],
)
def test_refusals_name_the_field(edit, reason):
    cert = affine()
    edit(cert)
    assert answer(cert) == f"rejected: {reason}"


def test_overlap_is_named_at_the_first_leaf_of_the_overlap():
    leaves = [
        {"box": [["0", "2"]], "kind": "excluded", "coordinate": 0},
        {"box": [["2", "4"]], "kind": "excluded", "coordinate": 0},
        {"box": [["1", "3"]], "kind": "excluded", "coordinate": 0},
    ]
    assert answer(affine(leaves=leaves)) == "rejected: the leaves overlap: near leaf 0"


def _s(z):
    return 1 / (1 + mpmath.exp(-z))


def _ds(z):
    return _s(z) * (1 - _s(z))


#: sigma, sigma', sigma'' of each activation in closed form (mpmath).
CLOSED_FORMS = {
    "tanh": (
        mpmath.tanh,
        lambda z: 1 - mpmath.tanh(z) ** 2,
        lambda z: -2 * mpmath.tanh(z) * (1 - mpmath.tanh(z) ** 2),
    ),
    "sigmoid": (_s, _ds, lambda z: _ds(z) * (1 - 2 * _s(z))),
    "softplus": (lambda z: mpmath.log(1 + mpmath.exp(z)), _s, _ds),
    "arctan": (mpmath.atan, lambda z: 1 / (1 + z**2), lambda z: -2 * z / (1 + z**2) ** 2),
    "silu": (
        lambda z: z * _s(z),
        lambda z: _s(z) + z * _ds(z),
        lambda z: 2 * _ds(z) + z * _ds(z) * (1 - 2 * _s(z)),
    ),
    "gelu": (
        lambda z: z * mpmath.ncdf(z),
        lambda z: mpmath.ncdf(z) + z * mpmath.npdf(z),
        lambda z: mpmath.npdf(z) * (2 - z**2),
    ),
    "identity": (lambda z: z, lambda z: mpmath.mpf(1), lambda z: mpmath.mpf(0)),
}


def exact(value: mpmath.mpf) -> fmpq:
    """An mpmath number to 55 significant digits, as an exact rational."""
    q = Fraction(mpmath.nstr(value, 55, min_fixed=-mpmath.inf, max_fixed=mpmath.inf))
    return fmpq(q.numerator, q.denominator)


@pytest.mark.parametrize("name", sorted(kc.ACTIVATIONS))
@pytest.mark.parametrize("point", [fmpq(-7, 4), fmpq(0), fmpq(1, 3), fmpq(5, 2)])
def test_activation_enclosures_at_a_point_are_tight_and_true(name, point):
    """At a rational point the balls of sigma, sigma', sigma'' are finite, of radius < 2^-40, and hold
    the values of the closed forms (mpmath at 60 digits)."""
    assert sorted(CLOSED_FORMS) == sorted(kc.ACTIVATIONS)
    with ctx.workprec(kc.PRECISION):
        balls = kc.ACTIVATIONS[name](arb(point))
    with mpmath.workdps(60):
        z = mpmath.mpf(int(point.p)) / int(point.q)
        values = [exact(g(z)) for g in CLOSED_FORMS[name]]
    with ctx.workprec(300):
        for ball, value in zip(balls, values):
            assert ball.is_finite() and ball.rad() < arb(2) ** -40, (name, ball)
            assert ball.contains(arb(value)), (name, ball, value)


# -- a certificate with a point: Phi = tanh(x + 1) - tanh(x - 1), one maximum at 0 (index 1) ---------


@functools.cache
def _bump(domain: tuple = ("-3", "3")) -> dict:
    net = Network("1,2,1", "tanh", [{"W": [[1], [1]], "b": [1, -1]}, {"W": [[1, -1]], "b": [0]}])
    return validated_critical_points(net, [domain]).certificate


def bump(domain: tuple = ("-3", "3")) -> dict:
    return copy.deepcopy(_bump(domain))


def test_the_bump_certificate():
    assert answer(bump()) == "accepted: 1 critical point in the domain (0 boundary), complete; 10 leaves"


def test_a_point_identified_through_the_other_inclusion():
    """Point 0 is given by its small box only (R = V); point 1 is the same point with R as both boxes:
    V_1 = R is not inside R_0 = V, but V_0 = V is inside R_1 = R, so it is identified."""
    cert = bump()
    p = cert["points"][0]
    small = {**p, "box": p["inner"], "Y": p["Y_inner"]}
    large = {**p, "inner": p["box"], "Y_inner": p["Y"], "same_as": 0}
    cert["points"] = [small, large]
    for leaf in cert["leaves"]:
        if leaf["kind"] == "unique":
            leaf["point"] = 1
    assert answer(cert) == "accepted: 1 critical point in the domain (0 boundary), complete; 10 leaves"
    cert["points"][1]["same_as"] = None
    assert answer(cert) == "rejected: points 0 and 1 are not shown to be distinct"


@pytest.mark.parametrize(
    "edit, reason",
    [
        (lambda p: p.update(index="1"), "point 0: the index must be an integer"),
        (lambda p: p.update(index=0), "point 0: the Morse index is 1, not 0"),
        (lambda p: p.update(box=[["0"]]), "point 0 box is not a 1 x 2 matrix"),
        (lambda p: p.update(inner=[["0", "1", "2"]]), "point 0 inner is not a 1 x 2 matrix"),
        (lambda p: p.update(Y=[["1"], ["2"]]), "point 0 Y is not a 1 x 1 matrix"),
        (
            lambda p: p.update(inner=[["1/2", "1"]]),
            "point 0: K(X) is not inside the interior of its inner box",
        ),
        (lambda p: p.update(same_as=0), "point 0: same_as must name an earlier point"),
    ],
)
def test_tampered_points(edit, reason):
    cert = bump()
    edit(cert["points"][0])
    assert answer(cert) == f"rejected: {reason}"


@pytest.mark.parametrize("found", [None, Inertia(negative=0, zero=1, positive=0)])
def test_an_undecided_inertia_does_not_fix_the_index(monkeypatch, found):
    monkeypatch.setattr(kc, "inertia", lambda matrix: found)
    assert answer(bump()) == "rejected: point 0: the Hessian enclosure does not fix the index"


def test_points_outside_or_on_the_boundary_of_the_domain_are_counted_as_such():
    point = bump()["points"][0]
    lo, hi = point["inner"][0]
    outside = bump(("1/4", "3"))
    outside["points"] = [point]
    assert answer(outside) == "accepted: 0 critical points in the domain (0 boundary), complete; 2 leaves"
    for domain in ((hi, "3"), ("-3", lo)):
        cert = bump(domain)  # the search finds the point on the boundary too: give it as ours
        cert["points"] = [point]
        assert answer(cert).startswith("accepted: 1 critical point in the domain (1 boundary), complete; ")


def test_the_first_unresolved_leaf_is_named():
    leaves = [
        {"box": [["0", "1"]], "kind": "excluded", "coordinate": 0},
        {"box": [["1", "2"]], "kind": "unresolved"},
        {"box": [["2", "4"]], "kind": "unresolved"},
    ]
    cert = affine(leaves=leaves)
    assert answer(cert) == "rejected: complete is claimed but leaf 1 is unresolved"
    cert["complete"] = False
    assert answer(cert) == (
        "accepted: 0 critical points in the domain (0 boundary), NOT complete (2 unresolved leaves); 3 leaves"
    )


SHAPE = f"{kc.FORMAT}: widths must be 2 to 12 integers in 1..256 ending in 1, one layer each"


def identity_net(widths: list) -> dict:
    layers = [{"W": [["1"] * a for _ in range(b)], "b": ["0"] * b} for a, b in zip(widths, widths[1:])]
    cert = affine()
    cert.update(architecture={"widths": widths}, layers=layers, domain=[["0", "1"]])
    cert["leaves"] = [{"box": [["0", "1"]], "kind": "excluded", "coordinate": 0}]
    return cert


@pytest.mark.parametrize("widths", [[1, 1], [1] * 12, [1, 256, 1]])
def test_the_largest_and_smallest_architectures_are_checked(widths):
    assert answer(identity_net(widths)) == COMPLETE.format("1 leaf")


@pytest.mark.parametrize(
    "edit",
    [
        lambda c: c["architecture"].update(widths=[1]),
        lambda c: c["architecture"].update(widths=[1] * 13),
        lambda c: c["architecture"].update(widths=[1, 257, 1]),
        lambda c: c["architecture"].update(widths=[1, 0, 1]),
        lambda c: c["architecture"].update(widths=[1, 2.0, 1]),
        lambda c: c["architecture"].update(widths=[1, 1, 2]),
        lambda c: c["architecture"].update(widths="1,1,1"),
        lambda c: c.update(layers=c["layers"][:1]),
        lambda c: c.update(layers={"0": c["layers"][0]}),
        lambda c: c.update(leaves={"0": c["leaves"][0]}),
        lambda c: c.update(points={}),
        lambda c: c.update(complete=1),
    ],
)
def test_malformed_shapes_are_refused(edit):
    cert = affine()
    edit(cert)
    with pytest.raises(CertificateError) as info:
        kc.check(cert)
    assert str(info.value) == SHAPE


def test_missing_keys_are_refused():
    with pytest.raises(CertificateError) as info:
        kc.check({"format": kc.FORMAT})
    assert str(info.value) == (
        f"{kc.FORMAT}: missing architecture, activation, layers, domain, points, leaves or complete"
    )


def test_a_leaf_box_is_named():
    cert = affine()
    cert["leaves"][0]["box"] = [["0", "4", "5"]]
    assert answer(cert) == "rejected: leaf 0 box is not a 1 x 2 matrix"


@pytest.mark.parametrize(
    "edit, reason",
    [
        (lambda c: c["layers"].__setitem__(1, 3), "layer 2 is not an object"),
        (lambda c: c["layers"][1].update(b=["0", "1"]), "layer 2 b is not a 1 x 1 matrix"),
        (lambda c: c["layers"][0].update(b="0"), "layer 1 b is not a 1 x 1 matrix"),
        (lambda c: c["layers"][0].update(W=[["1"], ["1"]]), "layer 1 W is not a 1 x 1 matrix"),
        (lambda c: c["layers"][0].update(W=[]), "layer 1 W is not a 1 x 1 matrix"),
        (lambda c: c["layers"][0].update(W=["1"]), "layer 1 W is not a 1 x 1 matrix"),
        (lambda c: c["layers"][0].update(W=[["1", "2"]]), "layer 1 W is not a 1 x 1 matrix"),
        (lambda c: c["layers"][0].update(W=[["1/0"]]), "layer 1 W[0][0]: zero denominator"),
        (lambda c: c["layers"][0].update(W=[["0.5"]]), "layer 1 W[0][0]: not a rational p/q"),
    ],
)
def test_refusals_name_the_layer(edit, reason):
    cert = affine()
    edit(cert)
    assert answer(cert) == f"rejected: {reason}"


def test_a_denominator_of_one_is_read():
    cert = affine()
    cert["layers"][1]["W"] = [["3/1"]]
    assert answer(cert) == COMPLETE.format("1 leaf")


def _krawczyk_image(Y: str) -> arb:
    """The kernel's K([0, 2]) for Phi = x with the matrix Y (one coordinate)."""
    cert = affine(domain=[["0", "2"]])
    with ctx.workprec(kc.PRECISION):
        net = kc._Network([1, 1, 1], kc.ACTIVATIONS["identity"], cert["layers"])
        return net.krawczyk(((fmpq(0), fmpq(2)),), [[fmpq(Y)]])[0][0]


@pytest.mark.parametrize("Y", ["1", "-1"])
def test_a_krawczyk_image_ending_exactly_on_the_leaf_does_not_exclude_it(Y):
    """The leaf starts (Y = 1) or ends (Y = -1) exactly where the image K ends: they share a point."""
    K = _krawczyk_image(Y)
    end = _dyadic(K.mid()) + _dyadic(K.rad()) * (1 if Y == "1" else -1)
    assert 0 < end < 2
    box = [str(end), "2"] if Y == "1" else ["0", str(end)]
    rest = ["0", str(end)] if Y == "1" else [str(end), "2"]
    leaves = [krawczyk_leaf(box, ["0", "2"], Y), {"box": [rest], "kind": "excluded", "coordinate": 0}]
    cert = affine(leaves=leaves, domain=[["0", "2"]])
    assert answer(cert) == "rejected: leaf 0: the Krawczyk image does not miss the leaf in coordinate 0"


def test_a_point_whose_boxes_are_swapped_or_not_nested():
    cert = bump()
    p = cert["points"][0]
    p["box"], p["inner"], p["Y"], p["Y_inner"] = p["inner"], p["box"], p["Y_inner"], p["Y"]
    assert answer(cert) == "rejected: point 0: its inner box is not inside its box"


def test_two_boxes_neither_inside_the_other_are_not_shown_to_be_one_point():
    cert = bump()
    p = cert["points"][0]
    lo, hi = (kc._q(t, "") for t in p["inner"][0])
    a, b = [[str(lo), str(2 * hi - lo)]], [[str(2 * lo - hi), str(hi)]]  # V widened right, V widened left
    cert["points"] = [
        {**p, "box": a, "inner": a, "Y": p["Y_inner"]},
        {**p, "box": b, "inner": b, "Y": p["Y_inner"], "same_as": 0},
    ]
    for leaf in cert["leaves"]:
        if leaf["kind"] == "unique":
            leaf["point"] = 0
    assert answer(cert) == "rejected: point 1 is not shown to be point 0"


def test_thirteen_layers_are_refused():
    with pytest.raises(CertificateError) as info:
        kc.check(identity_net([1] * 13))
    assert str(info.value) == SHAPE


# -- a saddle: Krawczyk exclusions with the Hessian enclosed over a larger box Q --------------------


@functools.cache
def _saddle() -> dict:
    """``Phi = f(x1 + x2) - f(x1 - x2)``, f = tanh(. + 1/2) - tanh(. - 1/2): one saddle at 0 (index 1)."""
    W = [[1, 1], [1, 1], [1, -1], [1, -1]]
    layers = [{"W": W, "b": ["1/2", "-1/2", "1/2", "-1/2"]}, {"W": [[1, -1, -1, 1]], "b": [0]}]
    return validated_critical_points(Network("2,4,1", "tanh", layers), ["-2,2"]).certificate


def saddle_with_krawczyk_hessian_box() -> tuple[dict, int]:
    cert = copy.deepcopy(_saddle())
    k = next(k for k, leaf in enumerate(cert["leaves"]) if "hessian_box" in leaf.get("krawczyk", {}))
    return cert, k


SADDLE = "accepted: 1 critical point in the domain (0 boundary), complete; 520 leaves"


def test_a_krawczyk_exclusion_uses_the_hessian_over_its_hessian_box():
    """H enclosed over a much larger Q = [-3, 3]^2 widens K(P) until it meets the leaf, while the
    Hessian over P itself (no hessian_box) still excludes it: the kernel must use Q as given."""
    cert, k = saddle_with_krawczyk_hessian_box()
    assert answer(cert) == SADDLE
    own = copy.deepcopy(cert)
    del own["leaves"][k]["krawczyk"]["hessian_box"]
    assert answer(own) == SADDLE
    cert["leaves"][k]["krawczyk"]["hessian_box"] = [["-3", "3"], ["-3", "3"]]
    assert answer(cert) == f"rejected: leaf {k}: the Krawczyk image does not miss the leaf in coordinate 0"


def test_a_krawczyk_hessian_box_is_read_and_must_hold_the_krawczyk_box():
    cert, k = saddle_with_krawczyk_hessian_box()
    proof = cert["leaves"][k]["krawczyk"]
    proof["hessian_box"] = [["1", "0"], ["-3", "3"]]
    assert answer(cert) == f"rejected: leaf {k} hessian_box: every side needs lo < hi"
    (lo, _), side = proof["box"]
    proof["hessian_box"] = [[str(kc._q(lo, "") - 1), lo], side]  # Q ends where P starts
    assert answer(cert) == f"rejected: leaf {k} is not inside its hessian_box"


def test_a_single_leaf_at_a_minimum():
    """Phi = -(tanh(x + 1/2) - tanh(x - 1/2)): one minimum (index 0), Phi'' > 0 on [-1/4, 1/4]:
    a definite Hessian of either sign makes the leaf's point its only critical point."""
    net = Network("1,2,1", "tanh", [{"W": [[1], [1]], "b": ["1/2", "-1/2"]}, {"W": [[-1, 1]], "b": [0]}])
    cert = validated_critical_points(net, ["-1/4,1/4"]).certificate
    assert [p["index"] for p in cert["points"]] == [0]
    cert["leaves"] = [{"box": cert["domain"], "kind": "single", "point": 0}]
    assert answer(cert) == "accepted: 1 critical point in the domain (0 boundary), complete; 1 leaf"


# -- bottlenecks: Phi = g(a . x + beta) with a = (1, 2), beta = 3/10, T = [-57/10, 63/10] ----------


@functools.cache
def _bottleneck(widths: str = "2,1,2,1") -> dict:
    layers = {
        "2,1,2,1": [
            {"W": [[1, 2]], "b": ["3/10"]},
            {"W": [[1], [-2]], "b": ["1/10", "1/2"]},
            {"W": [[1, 1]], "b": [0]},
        ],
        "2,1,1": [{"W": [[1, 1]], "b": [0]}, {"W": [[2]], "b": [0]}],
    }[widths]
    return validated_critical_points(Network(widths, "tanh", layers), ["-2,2"]).certificate


def bottleneck(widths: str = "2,1,2,1") -> dict:
    return json.loads(json.dumps(_bottleneck(widths)))


def curves(found: int) -> str:
    return (
        f"accepted: 0 critical points in the domain (0 boundary), {found} level "
        f"set{'' if found == 1 else 's'} of critical points a . x + beta = t, complete; 1 leaf"
    )


def test_the_bottleneck_certificate():
    cert = bottleneck()
    assert cert["architecture"]["widths"] == [2, 1, 2, 1]
    assert cert["bottleneck"]["domain"] == [["-57/10", "63/10"]]  # a . [-2, 2]^2 + beta, exactly
    assert [leaf["kind"] for leaf in cert["leaves"]] == ["curves"]
    assert answer(cert) == curves(1)


def test_a_bottleneck_of_three_layers_whose_input_is_wider_than_its_second_layer():
    """widths 2, 1, 1: g = 2 tanh(t) has no critical point; g's layer 2 is 1 x 1, not 1 x 2."""
    cert = bottleneck("2,1,1")
    assert cert["bottleneck"]["architecture"]["widths"] == [1, 1, 1]
    assert answer(cert) == curves(0)


@pytest.mark.parametrize(
    "domain, verdict",
    [
        # lo = 3/10 - 2 - 4 = -57/10 = inf T; hi = 3/10 - 1/8 + 4 (1 / x1 would reach -8 at x1 = -1/8)
        ([["-2", "-1/8"], ["-2", "2"]], "accepted"),
        # hi = 3/10 + 2 + 4 = 63/10 = sup T (1 / x1 would reach 8 at x1 = 1/8)
        ([["1/8", "2"], ["-2", "2"]], "accepted"),
        # hi = 3/10 + 1/8 + 4 (1 / x1 would reach 8 at x1 = 1/8)
        ([["-2", "1/8"], ["-2", "2"]], "accepted"),
        # hi = 3/10 + 3 + 4 = 73/10 > sup T
        ([["-2", "3"], ["-2", "2"]], "rejected"),
    ],
)
def test_the_range_of_a_dot_x_plus_beta_over_a_curves_leaf(domain, verdict):
    cert = bottleneck()
    cert["domain"] = cert["leaves"][0]["box"] = domain
    expected = {
        "accepted": curves(1),
        "rejected": "rejected: leaf 0: a . x + beta leaves the domain of the bottleneck",
    }[verdict]
    assert answer(cert) == expected


def test_a_point_of_g_given_twice_is_one_level_set():
    cert = bottleneck()
    points = cert["bottleneck"]["points"]
    points.append({**points[0], "index": None, "same_as": 0})
    assert answer(cert) == curves(1)


def test_a_bottleneck_on_a_network_without_a_one_unit_first_hidden_layer():
    nested = bottleneck()["bottleneck"]
    wide = bump()  # widths 1, 2, 1
    wide["bottleneck"] = nested
    assert answer(wide) == "rejected: bottleneck: the first hidden layer must have one unit"
    linear = identity_net([1, 1])  # no hidden layer at all: widths[1] is the output
    linear["bottleneck"] = nested
    assert answer(linear) == "rejected: bottleneck: the first hidden layer must have one unit"


def _nested(edit):
    def apply(cert):
        edit(cert["bottleneck"])

    return apply


def _widths(nested):
    nested["architecture"]["widths"] = [1, 1, 3, 1]


def _identity_b(nested):
    nested["layers"][0]["b"] = ["1"]  # W = [[1]] but b = [1]: t + 1, not the identity


@pytest.mark.parametrize(
    "edit, reason",
    [
        (lambda cert: cert.update(bottleneck=[]), "bottleneck: not an object"),
        (_nested(_widths), "bottleneck: widths must be 1, then Phi's"),
        (_nested(lambda nested: nested.update(activation="sigmoid")), "bottleneck: another activation"),
        (
            _nested(lambda nested: nested["layers"][0].update(W=[["2"]])),
            "bottleneck: its first layer must be the identity",
        ),
        (_nested(_identity_b), "bottleneck: its first layer must be the identity"),
        (
            _nested(lambda nested: nested["layers"][0].update(W=[["1", "0"]])),
            "bottleneck W is not a 1 x 1 matrix",
        ),
        (
            _nested(lambda nested: nested["layers"][0].update(b=["0", "0"])),
            "bottleneck b is not a 1 x 1 matrix",
        ),
        (_nested(lambda nested: nested["layers"][1].update(W=[["1"]])), "bottleneck W is not a 2 x 1 matrix"),
        (
            _nested(lambda nested: nested["layers"][1].update(b=["1/10"])),
            "bottleneck b is not a 1 x 2 matrix",
        ),
    ],
)
def test_tampered_bottlenecks(edit, reason):
    cert = bottleneck()
    edit(cert)
    assert answer(cert) == f"rejected: {reason}"


def test_a_bottleneck_needs_a_nonzero_first_layer():
    """With a = 0, Phi is constant: every point is critical, not only the level sets of g's points."""
    cert = bottleneck()
    cert["layers"][0]["W"] = [["0", "0"]]
    assert answer(cert) == "rejected: bottleneck: the first layer is zero"
    cert["layers"][0]["W"] = [["1", "1"]]  # a = (1, 1) is not zero
    cert["domain"] = cert["leaves"][0]["box"] = [["-2", "2"], ["-1", "1"]]  # 3/10 + [-3, 3] inside T
    assert answer(cert) == curves(1)
