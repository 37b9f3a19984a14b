"""Critical points of concrete networks: closed forms, exact vs validated, independent numerics.

Oracles independent of the branch-and-bound: networks built by symmetry whose
critical points are known (sums of ``sigma(x_i - a_i + c) - sigma(x_i - a_i - c)``),
SymPy's real roots of the naively differentiated Phi, mpmath ``findroot`` and
floating-point multi-start Newton on the symbolic gradient (lambdified), and
the exact algebraic route where both routes apply.
"""

import random
import time

import mpmath
import networkx as nx
import numpy as np
import pytest
import sympy
from flint import arb, arb_mat, ctx, fmpq
from hypothesis import assume, given
from hypothesis import strategies as st

from symmorse.exact.errors import ActivationError, InputError, WeightsError
from symmorse.exact.linalg import inertia
from symmorse.exact.numbers import rational_ball
from symmorse.model.activations import activation_names, get_activation
from symmorse.model.architecture import from_graph
from symmorse.model.balls import BallNetwork, ball_activation
from symmorse.model.network import Network
from symmorse.search import algebraic, critical_validated
from symmorse.search.critical import (
    CriticalPointsResult,
    critical_points,
    exact_critical_points,
    parse_box,
    validated_critical_points,
)

R = sympy.Rational
HALF = R(1, 2)
rationals = st.builds(R, st.integers(-16, 16), st.integers(1, 8))


def bumps(a, signs, c=HALF, activation="tanh"):
    """``Phi = sum_i s_i (sigma(x_i - a_i + c) - sigma(x_i - a_i - c))``.

    For tanh, sigmoid and arctan (sigma' even, decreasing in |z|) each term has
    exactly one critical point, x_i = a_i, a maximum if s_i = 1 and a minimum
    if s_i = -1; so Phi has exactly one, at a, of index #{s_i = 1}.
    """
    n = len(a)
    W, b, w = [], [], []
    for i in range(n):
        for side in (1, -1):
            W.append([int(j == i) for j in range(n)])
            b.append(-a[i] + side * c)
            w.append(signs[i] * side)
    return Network([n, 2 * n, 1], activation, [{"W": W, "b": b}, {"W": [w], "b": [0]}])


def valleys(a, c=HALF):
    """``Phi = sum_i softplus(x_i - a_i + c) + softplus(-(x_i - a_i) + c)``: one minimum, at a."""
    n = len(a)
    W, b = [], []
    for i in range(n):
        for side in (1, -1):
            W.append([side * int(j == i) for j in range(n)])
            b.append(-side * a[i] + c)
    return Network([n, 2 * n, 1], "softplus", [{"W": W, "b": b}, {"W": [[1] * (2 * n)], "b": [0]}])


def double_bumps(n, a=2, c=HALF):
    """``Phi = sum_i h(x_i)`` with ``h(t) = f(t - a) + f(t + a)``, f a tanh bump: 3^n critical points."""
    W, b, w = [], [], []
    for i in range(n):
        for shift in (a, -a):
            for side in (1, -1):
                W.append([int(j == i) for j in range(n)])
                b.append(-shift + side * c)
                w.append(side)
    return Network([n, 4 * n, 1], "tanh", [{"W": W, "b": b}, {"W": [w], "b": [0]}])


def random_network(arch, activation, seed, scale=1.5, den=64):
    """Seeded random rational weights, roughly N(0, scale^2 / fan-in)."""
    rng = random.Random(seed)
    ws = [int(w) for w in arch.split(",")]
    layers = []
    for fan_in, fan_out in zip(ws, ws[1:]):
        s = scale / fan_in**0.5
        layers.append(
            {
                "W": [[R(round(rng.gauss(0, s) * den), den) for _ in range(fan_in)] for _ in range(fan_out)],
                "b": [R(round(rng.gauss(0, 0.5) * den), den) for _ in range(fan_out)],
            }
        )
    return Network(arch, activation, layers)


def contains(box, point, slack=0):
    return all(lo - slack <= x <= hi + slack for (lo, hi), x in zip(box, point))


def to_mpf(box):
    return [(mpmath.mpf(lo.p) / lo.q, mpmath.mpf(hi.p) / hi.q) for lo, hi in box]


def ball_of(value):
    """An mpmath number as a (nearly exact) arb ball."""
    sign, man, exp, _ = value._mpf_ if isinstance(value, mpmath.mpf) else mpmath.mpf(value)._mpf_
    with ctx.workprec(600):
        return arb((-1) ** sign * fmpq(int(man)) * fmpq(2) ** int(exp))


def numeric_derivatives(net):
    """Gradient and Hessian of the symbolic Phi, lambdified (an oracle independent of ball arithmetic)."""
    x = net.inputs
    g = sympy.Matrix(net.gradient("x"))
    H = sympy.Matrix(net.hessian("x"))
    return (
        sympy.lambdify([x], g, "mpmath"),
        sympy.lambdify([x], H, "mpmath"),
        sympy.lambdify([x], g, "numpy"),
        sympy.lambdify([x], H, "numpy"),
    )


def newton_roots(net, box, starts_per_axis=9):
    """Critical points found by float Newton from a grid of starts (may miss some; never certified)."""
    _, _, grad, hess = numeric_derivatives(net)
    axes = [np.linspace(float(lo), float(hi), starts_per_axis) for lo, hi in box]
    roots = []
    with np.errstate(all="ignore"):
        starts = np.array(np.meshgrid(*axes)).reshape(len(box), -1).T
    for start in starts:
        x = start.astype(float)
        for _ in range(40):
            try:
                with np.errstate(all="ignore"):
                    step = np.linalg.solve(
                        np.array(hess(x), dtype=float), np.array(grad(x), dtype=float).ravel()
                    )
            except np.linalg.LinAlgError:
                break
            x = x - step
            if not np.all(np.abs(x) < 1e6) or np.linalg.norm(step) < 1e-13 * (1 + np.linalg.norm(x)):
                break
        with np.errstate(all="ignore"):
            g = np.array(grad(x), dtype=float).ravel()
        inside = all(float(lo) + 1e-9 < xi < float(hi) - 1e-9 for (lo, hi), xi in zip(box, x))
        if inside and np.linalg.norm(g) < 1e-10:
            roots.append(x)
    return roots


def covered(result, x, slack=1e-12):
    """Whether the point x lies in a certified box or an unresolved box."""
    boxes = [p.box for p in result.points] + [u.box for u in result.unresolved]
    return any(contains([(float(lo), float(hi)) for lo, hi in b], x, slack) for b in boxes)


# -- closed forms ---------------------------------------------------------------------


@given(
    a=st.lists(rationals.filter(lambda q: abs(q) <= 2), min_size=1, max_size=2),
    signs=st.lists(st.sampled_from([1, -1]), min_size=2, max_size=2),
    c=st.sampled_from([R(1, 4), R(1, 2), R(3, 2)]),
    activation=st.sampled_from(["tanh", "sigmoid", "arctan"]),
)
def test_single_bump_is_found_exactly_where_symmetry_puts_it(a, signs, c, activation):
    signs = signs[: len(a)]
    result = validated_critical_points(bumps(a, signs, c, activation), ["-3,3"])
    assert result.complete
    assert len(result.points) == 1
    point = result.points[0]
    assert contains(point.box, a)  # exact rational comparison
    assert max(hi - lo for lo, hi in point.box) < R(1, 10**6)
    assert point.index == signs.count(1)
    assert point.status == "unique"


@given(a=st.lists(rationals.filter(lambda q: abs(q) <= 2), min_size=1, max_size=2))
def test_softplus_valley_has_one_minimum(a):
    result = validated_critical_points(valleys(a), ["-3,3"])
    assert result.complete and len(result.points) == 1
    assert contains(result.points[0].box, a) and result.points[0].index == 0


def test_point_on_every_bisection_line_is_found_once():
    # the critical point (0, 0, 0) lies on the first bisection plane of every axis
    result = validated_critical_points(bumps([0, 0, 0], [1, -1, 1]), ["-4,4"])
    assert result.complete and len(result.points) == 1
    assert contains(result.points[0].box, [0, 0, 0]) and result.points[0].index == 2


@pytest.mark.parametrize("n", [1, 2])
def test_double_bumps_have_three_to_the_n_points_with_binomial_indices(n):
    result = validated_critical_points(double_bumps(n), ["-4,4"])
    assert result.complete
    assert len(result.points) == 3**n
    assert result.count_by_index() == {k: sympy.binomial(n, k) * 2**k for k in range(n + 1)}
    # h'(t) = 0 at 0 and at +-t*, with t* found by mpmath in one dimension
    f = lambda t: sum(s * mpmath.tanh(t - shift + s / 2) for shift in (2, -2) for s in (1, -1))  # noqa: E731
    with mpmath.workdps(30):
        t_star = mpmath.findroot(lambda t: mpmath.diff(f, t), 2)
    for p in result.points:
        # every coordinate is 0 (a minimum of h) or +-t* (a maximum); the index counts the maxima
        coords = [
            min((0, -t_star, t_star), key=lambda e, lo=lo: abs(e - mpmath.mpf(lo.p) / lo.q))
            for lo, _ in p.box
        ]
        assert contains(to_mpf(p.box), coords, slack=mpmath.mpf(10) ** -25)
        assert p.index == sum(1 for t in coords if t != 0)


def test_saddle_with_zero_diagonal_hessian():
    # Phi = f(x1 + x2) - f(x1 - x2), f an even bump: Hess Phi(0) = f''(0) [[0, 2], [2, 0]], a saddle
    W = [[1, 1], [1, 1], [1, -1], [1, -1]]
    net = Network(
        "2,4,1", "tanh", [{"W": W, "b": [HALF, -HALF, HALF, -HALF]}, {"W": [[1, -1, -1, 1]], "b": [0]}]
    )
    result = validated_critical_points(net, ["-2,2"])
    assert result.complete and [p.index for p in result.points] == [1]
    assert contains(result.points[0].box, [0, 0])


def test_a_point_whose_index_is_undecided_stays_unresolved(monkeypatch):
    # if the inertia cannot be decided, the point's box is reported, also after refinement
    monkeypatch.setattr(critical_validated, "inertia", lambda hessian: None)
    result = validated_critical_points(bumps([HALF, 0], [1, -1]), ["-2,2"])
    assert not result.points and not result.complete
    assert covered(result, [0.5, 0.0], slack=0)
    assert any("Morse index was not decided" in u.reason for u in result.unresolved)


def test_one_dimensional_closed_form_maximum_at_one_half():
    net = Network("1,2,1", "tanh", [{"W": [[1], [1]], "b": [0, -1]}, {"W": [[1, -1]], "b": [0]}])
    result = critical_points(net, [(-10, 10)])
    assert result.method == "validated" and result.complete
    assert [p.index for p in result.points] == [1]
    assert contains(result.points[0].box, [R(1, 2)])


# -- random networks against independent numerics ---------------------------------------


@pytest.mark.parametrize(
    "arch,activation,seed",
    [
        ("2,4,1", "tanh", 1),
        ("2,3,3,1", "tanh", 2),
        ("2,5,1", "sigmoid", 3),
        ("2,4,1", "softplus", 4),
        ("1,6,1", "arctan", 5),
        ("2,4,1", "gelu", 6),
    ],
)
def test_random_networks_agree_with_findroot_and_multistart_newton(arch, activation, seed):
    net = random_network(arch, activation, seed, scale=2.5)
    box = parse_box(["-3,3"], len(net.inputs))
    result = validated_critical_points(net, box)
    grad_mp, hess_mp, _, _ = numeric_derivatives(net)
    with mpmath.workdps(30):
        for p in result.points:
            start = [mpmath.mpf(x.p) / x.q for x in ((lo + hi) / 2 for lo, hi in p.box)]
            if len(start) == 1:
                root = [mpmath.findroot(lambda t: grad_mp([t])[0], start[0])]
            else:
                root = list(
                    mpmath.findroot(lambda *x: list(grad_mp(list(x))), start, J=lambda *x: hess_mp(list(x)))
                )
            assert contains(to_mpf(p.box), root, slack=mpmath.mpf(10) ** -20)
            eigenvalues = mpmath.eigsy(hess_mp(root))[0]
            assert p.index == sum(1 for e in eigenvalues if e < 0)
    # multi-start Newton finds nothing outside the certified and unresolved boxes
    assert all(covered(result, x) for x in newton_roots(net, box))


def test_certified_boxes_are_disjoint_and_centres_are_critical():
    net = random_network("2,6,1", "tanh", 11, scale=3)
    result = validated_critical_points(net, ["-3,3"])
    boxes = [p.box for p in result.points]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert any(ahi < blo or bhi < alo for (alo, ahi), (blo, bhi) in zip(a, b))
    for p in result.points:
        gradient = net.evaluate([sympy.Rational(c) for c in p.center], prec=30).gradient
        assert max(abs(g) for g in gradient) < 1e-12


# -- exact route --------------------------------------------------------------------------


def test_exact_points_are_the_algebraic_numbers_of_the_closed_form():
    # Phi = sigma(x1) + sigma(x2), sigma(z) = z^3 - z: critical at (+-1/sqrt 3, +-1/sqrt 3)
    net = Network("2,2,1", "poly:z**3-z", [{"W": [[1, 0], [0, 1]], "b": [0, 0]}, {"W": [[1, 1]], "b": [0]}])
    result = exact_critical_points(net)
    assert result.complete and result.box is None
    root = 1 / sympy.sqrt(3)
    expected = {(s1 * root, s2 * root): (s1 < 0) + (s2 < 0) for s1 in (1, -1) for s2 in (1, -1)}
    assert len(result.points) == 4
    for p in result.points:
        key = min(expected, key=lambda e: sum(abs(float(ei) - float(c)) for ei, c in zip(e, p.center)))
        assert contains(p.box, key)
        assert p.index == expected[key] and p.status == "exact"


def test_exact_description_defines_the_point():
    net = Network("1,2,1", "poly:z**3-z", [{"W": [[1], [1]], "b": [0, -1]}, {"W": [[3, 1]], "b": [0]}])
    result = exact_critical_points(net)
    y = sympy.Symbol("y")
    roots = sympy.Poly(12 * y**2 - 6 * y - 1, y).real_roots()  # Phi'(x) = 12x^2 - 6x - 1
    for p, root in zip(result.points, roots):
        d = p.algebraic
        f = sympy.Poly([R(c) for c in reversed(d["polynomial"])], y)
        lo, hi = (R(t) for t in d["interval"])
        assert f.count_roots(lo, hi) == 1 and f.eval(root) == 0
        assert lo <= root <= hi and contains(p.box, [root])
        assert p.index == (1 if sympy.diff(12 * y**2 - 6 * y - 1, y).subs(y, root) < 0 else 0)


@given(
    weights=st.lists(rationals, min_size=10, max_size=10),
    activation=st.sampled_from(["poly:z**3-z", "poly:z**4-z**2", "poly:z**3+z**2"]),
)
def test_exact_route_matches_sympy_real_roots_in_one_dimension(weights, activation):
    W1, b1, w = weights[0:3], weights[3:6], weights[6:9]
    net = Network("1,3,1", activation, [{"W": [[v] for v in W1], "b": b1}, {"W": [w], "b": [weights[9]]}])
    x = net.inputs[0]
    derivative = sympy.Poly(sympy.diff(sympy.expand(net.output), x), x)  # the naive route
    result = exact_critical_points(net)
    if derivative.is_zero:
        assert not result.complete
        return
    real = derivative.real_roots(multiple=False) if derivative.degree() > 0 else []
    assert result.complete and len(result.points) == len(real)
    for p, (root, multiplicity) in zip(result.points, real):
        assert contains(p.box, [root])
        assert (p.status == "degenerate") == (multiplicity > 1)
        if multiplicity == 1:
            second = sympy.diff(derivative.as_expr(), x).subs(x, root)
            assert p.index == (1 if sympy.N(second, 50) < 0 else 0)


@given(
    weights=st.lists(st.builds(R, st.integers(-6, 6), st.just(4)), min_size=13, max_size=13),
    activation=st.sampled_from(["poly:z**3-z", "poly:z**3+z", "poly:z**4-z**2"]),
)
def test_exact_and_validated_routes_agree(weights, activation):
    it = iter(weights)
    layers = [
        {"W": [[next(it), next(it)] for _ in range(3)], "b": [next(it) for _ in range(3)]},
        {"W": [[next(it) for _ in range(3)]], "b": [next(it)]},
    ]
    net = Network("2,3,1", activation, layers)
    exact = exact_critical_points(net, ["-2,2"])
    validated = validated_critical_points(net, ["-2,2"], time_limit=20)
    assume(exact.complete)
    # every certified point is one of the exact points, with the same index
    matched = set()
    for v in validated.points:
        matches = [
            k
            for k, e in enumerate(exact.points)
            if all(ehi >= vlo and elo <= vhi for (elo, ehi), (vlo, vhi) in zip(e.box, v.box))
        ]
        # "boundary": the certified box meets the search box's edge, so the point may lie outside
        assert len(matches) == 1 or (v.status == "boundary" and not matches)
        if matches:
            e = exact.points[matches[0]]
            assert e.index == v.index and e.status == "exact"
            matched.add(matches[0])
    if validated.complete:
        # then no exact point is degenerate and every one is certified
        assert all(e.status == "exact" for e in exact.points)
        assert matched == set(range(len(exact.points)))


def test_exact_route_degenerate_points_and_critical_sets():
    cube = Network("1,1,1", "poly:z**3", [{"W": [[1]], "b": [0]}, {"W": [[1]], "b": [0]}])
    r = exact_critical_points(cube)
    assert r.complete and [(p.status, p.index, p.nullity) for p in r.points] == [("degenerate", 0, 1)]
    flat = Network("1,1,1", "poly:z**3", [{"W": [[0]], "b": [1]}, {"W": [[1]], "b": [0]}])
    assert not exact_critical_points(flat).complete
    # Phi depends on x1 + x2 only: lines of critical points
    ridge = Network("2,1,1", "poly:z**3-z", [{"W": [[1, 1]], "b": [0]}, {"W": [[1]], "b": [0]}])
    r = exact_critical_points(ridge, ["-2,2"])
    assert not r.complete and not r.points and "positive-dimensional" in r.unresolved[0].reason


def test_exact_route_refuses_what_it_cannot_do():
    with pytest.raises(ActivationError, match="not algebraic"):
        exact_critical_points(bumps([0], [1]))
    with pytest.raises(InputError, match="input width"):
        exact_critical_points(
            Network("4,1,1", "poly:z**2", [{"W": [[1] * 4], "b": [0]}, {"W": [[1]], "b": [0]}])
        )


def test_auto_method_picks_the_route():
    poly = Network("2,2,1", "poly:z**3-z", [{"W": [[1, 0], [0, 1]], "b": [0, 0]}, {"W": [[1, 1]], "b": [0]}])
    assert critical_points(poly).method == "exact"
    assert critical_points(poly, method="validated", box=["-1,1"]).method == "validated"
    assert critical_points(bumps([0], [1])).method == "validated"
    with pytest.raises(InputError, match="unknown method"):
        critical_points(poly, method="fast")


# -- what the method cannot decide ---------------------------------------------------------


def test_bottleneck_network_gives_certified_critical_curves():
    # 2,1,2,1: Phi(x) = f(x1 + 2 x2 + 3/10), critical exactly on the lines x1 + 2 x2 + 3/10 = t, f'(t) = 0
    from symmorse.kernel import check_certificate

    layers = [
        {"W": [[1, 2]], "b": ["3/10"]},
        {"W": [[1], [-2]], "b": ["1/10", "1/2"]},
        {"W": [[1, 1]], "b": [0]},
    ]
    net = Network("2,1,2,1", "tanh", layers)
    result = validated_critical_points(net, ["-2,2"])
    assert not result.points and result.complete and result.resolved == 1.0
    f = lambda t: mpmath.tanh(mpmath.tanh(t) + 0.1) + mpmath.tanh(-2 * mpmath.tanh(t) + 0.5)  # noqa: E731
    t_star = mpmath.findroot(lambda t: mpmath.diff(f, t), 0)
    [curve] = result.curves
    assert curve.normal == (1, 2) and curve.offset == R(3, 10) and curve.nullity == 1
    assert curve.level[0] <= t_star <= curve.level[1] and curve.level[1] - curve.level[0] < 1e-12
    assert curve.index == int(mpmath.diff(f, t_star, 2) < 0)
    assert "curve of critical points x1 + 2*x2 + 3/10 = t" in result.summary()
    assert CriticalPointsResult.from_json(result.to_json()) == result
    assert check_certificate(result.certificate).accepted


def test_time_limit_returns_the_undecided_box():
    result = validated_critical_points(double_bumps(2), ["-4,4"], time_limit=0)
    assert not result.complete and not result.points
    assert [u.box for u in result.unresolved] == [((-4, 4), (-4, 4))]
    assert "time limit" in result.unresolved[0].reason


def test_exact_route_time_limit_answers_incomplete():
    poly = Network("2,2,1", "poly:z**3-z", [{"W": [[1, 0], [0, 1]], "b": [0, 0]}, {"W": [[1, 1]], "b": [0]}])
    result = exact_critical_points(poly, ["-1,1"], time_limit=0)
    assert not result.complete and not result.points and "time limit" in result.unresolved[0].reason


def _groebner_basis_that_takes_a_minute(system, gens):
    time.sleep(60)


def test_exact_route_time_limit_stops_a_long_groebner_basis(monkeypatch):
    # Phi = sigma(x1) + sigma(x2) + sigma(x3), sigma(z) = z^3 - z: critical at (+-1/sqrt 3, ...), 8 points
    identity = [[int(i == j) for j in range(3)] for i in range(3)]
    net = Network("3,3,1", "poly:z**3-z", [{"W": identity, "b": [0, 0, 0]}, {"W": [[1, 1, 1]], "b": [0]}])
    result = exact_critical_points(net)  # no limit: complete
    assert result.complete and len(result.points) == 8
    # SymPy's Buchberger loop cannot poll the deadline: it runs in a worker process killed at the limit
    monkeypatch.setattr(algebraic, "_lex_basis", _groebner_basis_that_takes_a_minute)
    start = time.monotonic()
    result = exact_critical_points(net, time_limit=0.5)
    assert time.monotonic() - start < 30  # stopped by the limit, not by the end of the minute
    assert not result.complete and not result.points
    assert result.unresolved[0].box is None
    assert result.unresolved[0].reason.startswith("not decided: Groebner basis: time limit of")


def test_result_round_trips_through_json():
    result = validated_critical_points(double_bumps(1), ["-4,4"])
    assert CriticalPointsResult.from_json(result.to_json()) == result
    data = result.to_json()
    assert data["complete"] is True and data["points"][0]["status"] == "unique"
    assert all(isinstance(c, str) for p in data["points"] for c in p["center"])
    data["complete"] = False
    with pytest.raises(InputError):
        CriticalPointsResult.from_json(data)


def test_missing_weights_and_bad_boxes_are_input_errors():
    with pytest.raises(WeightsError, match="no value"):
        validated_critical_points(Network("1,1,1", "tanh"))
    for spec, message in [
        (["1,1"], "empty or inverted"),
        (["0,1", "0,1", "0,1"], "gives 3"),
        (["a,b"], "not a number"),
    ]:
        with pytest.raises(InputError, match=message):
            parse_box(spec, 2)


# -- ball arithmetic ------------------------------------------------------------------------


@given(
    name=st.sampled_from(activation_names() + ["poly:z**3-z/2", "poly:z**4"]),
    centre=rationals,
    radius=st.sampled_from([R(0), R(1, 1000), R(1, 4)]),
)
def test_ball_activations_enclose_the_true_values(name, centre, radius):
    activation = get_activation(name)
    enclosure = ball_activation(activation)(rational_ball(centre).union(rational_ball(centre + radius)))
    for t in (0, R(1, 3), 1):
        z = centre + t * radius
        with mpmath.workdps(40):
            exact = activation.numeric(mpmath.mpf(z.p) / z.q)
        for ball, value in zip(enclosure, exact):
            assert ball.contains(ball_of(value))


@given(seed=st.integers(0, 10**6), arch=st.sampled_from(["1,3,1", "2,3,2,1", "3,2,2,1"]))
def test_layered_arb_mat_path_agrees_with_structured_derivatives(seed, arch):
    net = random_network(arch, "tanh", seed)
    rng = random.Random(seed)
    x = [R(rng.randint(-40, 40), 16) for _ in net.inputs]
    fast = BallNetwork(net).enclose([rational_ball(v) for v in x])
    generic = BallNetwork(net, layered=False).enclose([rational_ball(v) for v in x])
    truth = net.evaluate(x, prec=40)
    pairs = list(zip(fast.gradient, generic.gradient, truth.gradient))
    pairs += [
        (a, b, t)
        for ra, rb, rt in zip(fast.hessian, generic.hessian, truth.hessian)
        for a, b, t in zip(ra, rb, rt)
    ]
    for a, b, t in pairs:
        assert a.contains(ball_of(t)) and b.contains(ball_of(t))
        assert a.rad() < 1e-12 and b.rad() < 1e-12


def test_graph_with_skip_connections_uses_the_generic_path():
    G = from_graph(nx.DiGraph([("a", "h"), ("b", "h"), ("a", "g"), ("g", "y"), ("h", "y"), ("b", "y")]))
    net = Network(G, "tanh")
    rng = random.Random(3)
    net = net.substitute({p.name: R(rng.randint(-12, 12), 4) for p in net.parameters})
    assert not BallNetwork(net).layered
    box = parse_box(["-3,3"], 2)
    result = validated_critical_points(net, box)
    assert all(covered(result, x) for x in newton_roots(net, box))


@given(entries=st.lists(st.integers(-9, 9), min_size=6, max_size=6))
def test_inertia_of_ball_matrices_counts_eigenvalues(entries):
    """The search's Morse index is exact.linalg.inertia of the Hessian balls, decided iff invertible."""
    a, b, c, d, e, f = entries
    A = sympy.Matrix([[a, b, c], [b, d, e], [c, e, f]])
    for radius in (0, 1e-9):  # exact balls, and balls around them
        found = inertia(arb_mat([[arb(int(v), radius) for v in A.row(i)] for i in range(3)]))
        if A.det() == 0:
            assert found is None
        else:
            eigenvalues = np.linalg.eigvalsh(np.array(A.tolist(), dtype=float))
            assert found == (int(sum(eigenvalues < 0)), 0, int(sum(eigenvalues > 0)))


def test_rational_ball_contains_non_dyadic_rationals():
    assert rational_ball(R(1, 3)).contains(fmpq(1, 3)) and rational_ball(R(-7, 4)) == arb(-1.75)


# -- valleys, partial answers ---------------------------------------------------------------------


def test_a_near_critical_valley_is_resolved_completely():
    # |grad Phi| ~ 0.015 along a thin curved valley where Hess Phi has eigenvalues ~ -0.02 and ~ 500:
    # the first pass leaves ~700 touching boxes; the next, finer round excludes them all
    from symmorse.kernel import check_certificate

    net = random_network("2,3,3,1", "tanh", 2, scale=4)
    start = time.process_time()
    result = validated_critical_points(net, ["-2,2"])
    assert time.process_time() - start < 30
    assert result.complete and not result.points and result.resolved == 1.0
    assert check_certificate(result.certificate).accepted


def test_a_time_limit_answers_with_the_fraction_resolved():
    seen = []
    result = validated_critical_points(double_bumps(2), ["-4,4"], progress=seen.append)
    assert result.complete and result.resolved == 1.0 and all(0 <= f <= 1 for f in seen)
    net = random_network("3,6,6,1", "tanh", 1)
    partial = validated_critical_points(net, ["-3,3"], time_limit=1.0)
    assert not partial.complete and 0 < partial.resolved < 1
    assert "% of the volume resolved" in partial.summary()
    lost = sum(float(np.prod([float(hi - lo) for lo, hi in u.box])) for u in partial.unresolved)
    assert abs(partial.resolved - (1 - lost / 6**3)) < 1e-9
