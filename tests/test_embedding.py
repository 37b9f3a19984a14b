"""Universal embedding: critical points of targets, the class table, and the shear construction."""

import mpmath
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symmorse.exact.errors import ExpressionError, InputError
from symmorse.kernel import check_certificate
from symmorse.model.node import input_symbols
from symmorse.search.embedding import CLASSES, embed, parse_target, representability, target_critical_points

small = st.integers(-4, 4)


def test_saddle_excludes_non_augmented_classes():
    e = embed("x**2 - y**2", "x,y")
    (p,) = e.analysis.points
    assert (p.point, p.degenerate, p.index, p.status) == ([0, 0], False, 1, "proved") and e.analysis.complete
    assert {k: v.status for k, v in e.classes.items()} == {
        "mlp-non-augmented": "excluded",
        "mlp-augmented": "possible",
        "mlp-bottleneck": "possible",
        "node-non-augmented": "excluded",
        "node-augmented": "possible",
        "node-degenerate": "excluded",
    }


def test_isolated_degenerate_point_is_null_set_only_for_augmented_classes():
    e = embed("x**3 + y**2", "x,y")
    (p,) = e.analysis.points
    assert (p.point, p.degenerate) == ([0, 0], True)
    status = {k: v.status for k, v in e.classes.items()}
    assert status["mlp-augmented"] == status["node-augmented"] == "null-set-only"
    # isolated: the factoring classes (critical points in affine families) cannot produce it at all
    assert (
        status["node-degenerate"] == status["node-non-augmented"] == status["mlp-non-augmented"] == "excluded"
    )
    assert status["mlp-bottleneck"] == "null-set-only"


def test_no_critical_point_excludes_nothing():
    e = embed("x + y", "x,y")
    assert e.analysis.points == [] and e.analysis.complete
    assert {v.status for v in e.classes.values()} == {"possible"}


def test_critical_line_is_possible_only_for_factoring_classes():
    e = embed("x**2", "x,y")
    (p,) = e.analysis.points
    assert p.dimension == 1 and p.degenerate
    status = {k: v.status for k, v in e.classes.items()}
    assert status["node-degenerate"] == status["mlp-bottleneck"] == "possible"
    assert status["node-augmented"] == "null-set-only"


@pytest.mark.parametrize("target", ["x**2 - y**2", "x**3 + y**2", "x + y", "tanh(x)*y + x**3", "7"])
def test_shear_construction_represents_f(target):
    """Independently of the kernel: build Phi from the construction and compare with sympy."""
    e = embed(target, "x,y")
    c = e.construction
    assert c.verified and c.phase_dim == 3 and c.certificate is not None
    f, xs = parse_target(target, "x,y")
    phi = c.node.output(c.weights).xreplace(dict(zip(input_symbols(2), xs)))
    assert sympy.simplify(phi - f) == 0


def test_construction_with_other_time():
    e = embed("x*y", "x,y", time="5/2")
    assert e.construction.verified and sympy.Rational(5, 2) == e.construction.node.T


@given(small, small, small, small, small)
def test_quadratic_targets_against_linear_algebra(a, b, c, d, e):
    """f = a x^2 + b x y + c y^2 + d x + e y: critical point and index from the matrix [[2a, b], [b, 2c]]."""
    f, xs = parse_target(f"{a}*x**2 + {b}*x*y + {c}*y**2 + {d}*x + {e}*y", "x,y")
    analysis = target_critical_points(f, xs)
    H = sympy.Matrix([[2 * a, b], [b, 2 * c]])
    rhs = -sympy.Matrix([d, e])
    if H.det() != 0:
        (p,) = analysis.points
        assert sympy.Matrix(p.point) == H.LUsolve(rhs)
        assert p.index == sum(1 for ev, mult in H.eigenvals().items() if ev < 0 for _ in range(mult))
        assert analysis.complete
    else:
        solvable = H.rank() == H.row_join(rhs).rank()
        if not solvable:
            assert analysis.points == [] and analysis.complete
        elif sympy.zeros(2, 2) == H:
            assert [p.dimension for p in analysis.points] == [2]
        else:
            assert [p.dimension for p in analysis.points] == [1]


def test_algebraic_critical_points_exact():
    f, xs = parse_target("x**5 - x*y**2 - x + y", "x,y")
    points = target_critical_points(f, xs).points
    assert len(points) == 2
    grad = [sympy.diff(f, v) for v in xs]
    for p in points:
        for g in grad:
            assert abs(sympy.N(g.xreplace(dict(zip(xs, p.point))), 50)) < 1e-40
        assert p.degenerate is False and p.index == 1


def test_certified_numerical_points_agree_with_findroot():
    f, xs = parse_target("tanh(x) + y**2 - x**2/4", "x,y")
    analysis = target_critical_points(f, xs, digits=30)
    assert not analysis.complete
    (p,) = analysis.points
    assert p.status == "certified" and p.index == 1 and p.degenerate is False
    with mpmath.workdps(40):
        root = mpmath.findroot(lambda t: mpmath.sech(t) ** 2 - t / 2, 0.9)
        assert abs(mpmath.mpf(p.point[0].p) / p.point[0].q - root) < mpmath.mpf(10) ** -25
    status = {k: v.status for k, v in representability(analysis).items()}
    assert status["mlp-non-augmented"] == "excluded"  # a certified Morse point excludes it anyway
    assert status["mlp-augmented"] == "undecided"  # an unseen degenerate point could still lower it


def test_no_critical_point_proved_by_sign():
    analysis = target_critical_points(*parse_target("x + exp(y)", "x,y"))
    assert analysis.points == [] and analysis.complete


def test_one_input_classes():
    e = embed("x**3", "x")
    status = {k: v.status for k, v in e.classes.items()}
    assert status["mlp-bottleneck"] == "excluded" and status["node-degenerate"] == "excluded"
    assert embed("3", "x").classes["node-degenerate"].status == "possible"
    assert set(e.classes) == set(CLASSES)


def test_bad_input():
    with pytest.raises(ExpressionError, match="unknown name 'z'"):
        embed("x + z", "x,y")
    with pytest.raises(InputError, match="not a polynomial"):
        embed("sin(x) + y", "x,y", exact=True)
    with pytest.raises(InputError, match="not a polynomial"):
        embed("x/3 + sqrt(2)*y", "x,y", exact=True)
    with pytest.raises(InputError, match="must be positive"):
        embed("x", "x", time=0)
    with pytest.raises(InputError, match="repeat"):
        embed("x", "x,x")
    with pytest.raises(InputError, match="names"):
        embed("x", "x,1y")
    with pytest.raises(InputError, match="reserved"):
        embed("x", "x,exp")
    for names in ("x,t", "h1,y", "x,h7"):  # the flow's time and phase coordinates
        with pytest.raises(InputError, match="reserved"):
            embed("x", names)


@pytest.mark.parametrize(
    ("target", "x0"),
    [
        ("log(x)", 0),
        ("1/x", 0),
        ("sqrt(x)", -1),
        ("abs(x) + y**2", 0),
        ("tan(x)", sympy.pi / 2),
        ("x**(1/3)", 0),
    ],
)
def test_targets_not_defined_or_not_smooth_everywhere_are_refused(target, x0):
    """Phi of a neural ODE is C^1 on all of R^n; these targets are not (at x = x0, y = 0)."""
    f, (x, y) = parse_target(target, "x,y")
    f = f.subs(y, 0)
    value = f.subs(x, x0)
    if value.is_real and value.is_finite:  # defined at x0, but without a finite derivative there
        q = (f - value) / (x - x0)
        right, left = sympy.limit(q, x, x0, "+"), sympy.limit(q, x, x0, "-")
        assert right != left or not right.is_finite
    with pytest.raises(InputError, match="real-analytic"):
        embed(target, "x,y")


@pytest.mark.parametrize("target", ["log(1 + x**2) + y", "x/(1 + exp(x)) + sqrt(y**2 + 1)", "sin(x)*cosh(y)"])
def test_targets_analytic_everywhere_are_embedded(target):
    assert embed(target, "x,y").construction.verified


#: Every target this file embeds: (f, variables, T).
EMBEDDED = [
    *[(t, "x,y", 1) for t in ["x**2 - y**2", "x**3 + y**2", "x + y", "x**2", "tanh(x)*y + x**3", "7"]],
    ("x*y", "x,y", "5/2"),
    ("x**3", "x", 1),
    ("3", "x", 1),
    *[(t, "x,y", 1) for t in ["log(1 + x**2) + y", "x/(1 + exp(x)) + sqrt(y**2 + 1)", "sin(x)*cosh(y)"]],
]


@pytest.mark.parametrize(("target", "variables", "time"), EMBEDDED)
def test_the_kernel_accepts_every_embedding_certificate(target, variables, time):
    """The search verifies Phi = f on its own; the trusted kernel re-checks the certificate it writes."""
    c = embed(target, variables, time=time).construction
    assert c.verified and c.certificate is not None
    result = check_certificate(c.certificate)
    assert result.accepted and result.reason == c.reason
