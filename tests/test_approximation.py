"""Approximation lower bounds of `symmorse embed`: the numbers, and the theorem checked numerically."""

import json
import random

import flint
import mpmath
import pytest
import sympy

from symmorse.cli import main
from symmorse.search.approximation import approximation_bound
from symmorse.search.embedding import embed, parse_target, target_critical_points


def bound(text, variables, domain=(-1, 1)):
    f, xs = parse_target(text, variables)
    return approximation_bound(f, xs, target_critical_points(f, xs), domain)


def test_embed_reports_one_half_for_x_squared(capsys):
    assert main(["embed", "x**2", "--vars", "x", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "sup over [-1, 1]^1 of |f - g| >= 1/2 (0.5)" in out
    assert main(["embed", "x**2", "--vars", "x", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["approximation"]
    assert (data["bound"], data["kind"], data["point"], data["box"]) == (
        "1/2",
        "minimum",
        ["0"],
        [["-1", "1"]],
    )
    assert data["classes"] == ["mlp-non-augmented", "node-non-augmented", "node-degenerate"]
    assert main(["embed", "x**2", "--vars", "x", "--box=-2,2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["approximation"]["bound"] == "2"  # (4 - 0)/2


@pytest.mark.parametrize("argv", [["--box=1,-1"], ["--box=a,b"], ["--box=1"], ["--box=0,0"]])
def test_bad_box_exit_2(capsys, argv):
    assert main(["embed", "x**2", "--vars", "x", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symmorse: error:") and "Traceback" not in err


def test_bounds_match_the_mathematics():
    assert bound("x**2 + y**2", "x,y").bound == flint.fmpq(1, 2)  # min 0 inside, >= 1 on the boundary
    assert bound("-(x**2) - y**2", "x,y").kind == "maximum"
    b = bound("-x**2 - y**2 + x*y", "x,y")  # max 0 at 0, max on the boundary -3/4 at (1, 1/2)
    assert flint.fmpq(3, 8) - flint.fmpq(1, 10**5) <= b.bound <= flint.fmpq(3, 8)
    b = bound("x**4 - x**2", "x", (-2, 2))  # min -1/4 at +-1/sqrt(2), boundary value 12
    assert flint.fmpq(49, 8) - flint.fmpq(1, 10**6) <= b.bound <= flint.fmpq(49, 8)
    assert all(-2 <= a < z <= 2 for a, z in b.box)  # the box lies in the domain
    for no_bound in [("x + y", "x,y"), ("x**2 - y**2", "x,y"), ("x**3", "x"), ("sin(x)", "x")]:
        assert bound(*no_bound) is None
    assert embed("sin(x)", "x").to_json()["approximation"]["statement"].startswith("not computed")


def _mlp(widths, rng, activation):
    """A random non-augmented MLP x -> R with its output layer left to fit: the hidden features."""
    layers = [
        [
            [mpmath.mpf(rng.uniform(-3, 3)) for _ in range(a)] + [mpmath.mpf(rng.uniform(-2, 2))]
            for _ in range(b)
        ]
        for a, b in zip(widths, widths[1:-1])
    ]

    def features(x):
        h = list(x)
        for layer in layers:
            h = [activation(sum(w * v for w, v in zip(row, h)) + row[-1]) for row in layer]
        return h

    return features


@pytest.mark.parametrize(
    "target, widths", [("x**2", [1, 1, 1]), ("x**2", [1, 1, 1, 1]), ("x**4 - x**2", [1, 1, 1])]
)
def test_random_non_augmented_mlps_stay_at_least_the_bound_away(target, widths):
    """The theorem, numerically: every g on a grid of [-1, 1] (with -1, 0, the extrema and 1) is at
    least the bound away from f somewhere, even with its output weight and bias fitted."""
    mpmath.mp.dps = 30
    b = bound(target, "x")
    f = sympy.lambdify(sympy.Symbol("x"), sympy.sympify(target), "mpmath")
    grid = sorted(
        {mpmath.mpf(k) / 200 for k in range(-200, 201)} | {mpmath.mpf(int(c.p)) / int(c.q) for c in b.point}
    )
    bound_value = mpmath.mpf(int(b.bound.p)) / int(b.bound.q)
    rng = random.Random(0)
    errors = []
    for trial in range(40):
        activation = mpmath.tanh if trial % 2 else (lambda z: 1 / (1 + mpmath.exp(-z)))
        features = _mlp(widths, rng, activation)
        h = [features([x])[0] for x in grid]
        fx = [f(x) for x in grid]
        # least-squares output weight, then the bias that minimises the largest error
        hm, fm = sum(h) / len(h), sum(fx) / len(fx)
        var = sum((a - hm) ** 2 for a in h)
        w = sum((a - hm) * (y - fm) for a, y in zip(h, fx)) / var if var else 0
        residual = [y - w * a for a, y in zip(h, fx)]
        shift = (max(residual) + min(residual)) / 2
        error = max(abs(r - shift) for r in residual)
        assert error >= bound_value - mpmath.mpf(10) ** -20, (trial, error, bound_value)
        errors.append(error)
    assert min(errors) < bound_value + mpmath.mpf("0.01")  # and some fit comes close: the bound is sharp here
    assert bound_value == mpmath.mpf(1) / 2 or target != "x**2"
