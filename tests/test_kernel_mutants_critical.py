"""The ``symmorse-critical/1`` kernel on small exact certificates, written against the surviving mutants of
``tools/mutation.py`` (``docs/mutation-testing.md``): with the identity activation Phi is affine and every
ball is exact, so a Krawczyk image can be made to touch a leaf exactly, and each refusal names its field.
"""

import copy
from fractions import Fraction

import mpmath
import pytest
from flint import arb, ctx, fmpq

from symmorse.kernel import critical as kc


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


COMPLETE = "accepted: 0 critical points in the domain (0 boundary), complete; {} leaves"


def test_a_zero_gradient_is_not_excluded():
    """Phi = 0 * x: every point is critical; the exact gradient ball [0 +- 0] must not count as a sign."""
    assert answer(affine("1")) == COMPLETE.format(1)
    assert (
        answer(affine("0")) == "rejected: leaf 0: the gradient enclosure does not exclude 0 in coordinate 0"
    )


def test_krawczyk_images_that_miss_the_leaf_with_different_matrices_for_one_box():
    """K(P) = P - Y * grad Phi for affine Phi (H = 0): Y = -2 moves [0, 4] to [2, 6], missing [0, 1];
    Y = 4 moves it to [-4, 0], missing [1, 4].  The two leaves share P but not Y."""
    leaves = [krawczyk_leaf(["0", "1"], ["0", "4"], "-2"), krawczyk_leaf(["1", "4"], ["0", "4"], "4")]
    assert answer(affine(leaves=leaves)) == COMPLETE.format(2)


@pytest.mark.parametrize(
    "leaf, touching",
    [
        (krawczyk_leaf(["1", "2"], ["0", "2"], "1"), "K = [-1, 1] ends where the leaf starts"),
        (krawczyk_leaf(["0", "1"], ["0", "2"], "-1"), "K = [1, 3] starts where the leaf ends"),
    ],
)
def test_a_krawczyk_image_touching_the_closed_leaf_does_not_exclude_it(leaf, touching):
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
    assert answer(cert) == COMPLETE.format(2)


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
