"""A bottleneck's critical manifolds (widths 2,1,2,1, tanh).

The first hidden layer has one unit, fewer than the two inputs: Phi(x) = g(z(x)) depends on x only
through the single number z(x) = W1 x + b1, and the next layer widens again (1 -> 2). So at a
critical point grad Phi = W1^T g'(z) = 0 means g'(z) = 0, which holds on whole lines
{x : W1 x + b1 = t} with g'(t) = 0 -- critical manifolds of dimension n_0 - n_1 = 1, on which
Hess Phi = g''(t) W1^T W1 has rank 1 < 2: every critical point is degenerate.

symmorse proves that this happens for an open set of weights (a degenerate witness: g is
non-degenerate at its critical point and rank J = n_1) and this example draws it: the contour
plot of Phi at the witness with its critical lines, and an exact check that points along the
witness line are critical.
"""

import json

import mpmath
import sympy
from _common import pyplot, save, start, write

from symmorse import Network
from symmorse.kernel import check_certificate
from symmorse.present.documents import certificate_document
from symmorse.search.certify import certify, witness_weights

out = start("bottleneck_manifolds", __doc__).out

cert = certify("2,1,2,1", "tanh")
data = cert.to_json()
print(cert.summary())
print("checker:", check_certificate(data).reason, "\n")
path = write(out, "bottleneck_2_1_2_1.json", json.dumps(data, indent=1) + "\n")
write(out, "bottleneck_2_1_2_1.tex", certificate_document(data, path))

net = Network("2,1,2,1", "tanh")
weights = witness_weights(data, 2)
theta = {net.symbol(name): value for name, value in weights.items()}
x_star = [sympy.Rational(t) for t in data["branches"][0]["witness"]["x"]]
a, b = weights["W1_1_1"], weights["W1_1_2"]
t_star = a * x_star[0] + b * x_star[1] + weights["b1_1"]
linear = a * net.inputs[0] + b * net.inputs[1]
print(f"z(x) = {linear} + b1 with b1 = {weights['b1_1']}; at the witness z(x*) = {sympy.simplify(t_star)}.")

# Every point x* + s*(-b, a) has the same z, so it is critical too: checked exactly by SymPy.
direction = (-b, a)
for s in (sympy.Integer(0), sympy.Integer(3), sympy.Rational(-5, 7)):
    x = [x_star[0] + s * direction[0], x_star[1] + s * direction[1]]
    at = {**theta, **dict(zip(net.inputs, x))}
    g = list(net.gradient().xreplace(at))
    H = net.hessian().xreplace(at)
    print(f"  x = {tuple(x)}: grad Phi = {g}, rank Hess Phi = {H.rank()}")
print("so the whole line through x* in direction (-b, a) is critical, and degenerate.\n")

# g(t): the rest of the network as a function of z; its critical values t give all critical lines.
t = sympy.Symbol("t")
g = weights["b3"] + sum(
    weights[f"w{i}"] * sympy.tanh(weights[f"W2_{i}_1"] * sympy.tanh(t) + weights[f"b2_{i}"]) for i in (1, 2)
)
assert sympy.diff(g, t).subs(t, t_star) == 0  # the witness's z is a critical point of g, exactly
dg = sympy.lambdify(t, sympy.diff(g, t), "mpmath")
t0 = float(t_star)
grid = [t0 - 4.0031 + 8 * k / 800 for k in range(801)]  # t0 itself is not a grid point
roots = sorted(
    {
        round(float(mpmath.findroot(dg, (p, q), solver="bisect")), 12)
        for p, q in zip(grid, grid[1:])
        if dg(p) * dg(q) < 0
    }
)
print(
    f"g'(t) = 0 (numerically, for the picture) at t = {[round(r, 6) for r in roots]} near z(x*) = {t0:.6f}:"
)
for r in roots:
    print(f"  critical line  {linear} + b1 = {r:.6f}")

plt = pyplot()
if plt is not None:
    import numpy as np

    x1, x2 = net.inputs
    phi = sympy.lambdify((x1, x2), net.output.xreplace(theta), "numpy")
    c1, c2 = (float(v) for v in x_star)
    X, Y = np.meshgrid(np.linspace(c1 - 2, c1 + 2, 201), np.linspace(c2 - 2, c2 + 2, 201))
    fig, ax = plt.subplots(figsize=(6, 5))
    filled = ax.contourf(X, Y, phi(X, Y), 30, cmap="viridis")
    fig.colorbar(filled, ax=ax, label="$\\Phi$")
    xs = np.linspace(c1 - 2, c1 + 2, 2)
    bias = float(weights["b1_1"])
    for r in roots:
        through = abs(r - t0) < 1e-9
        label = "critical line through x*" if through else "another critical line"
        ax.plot(xs, (r - bias - float(a) * xs) / float(b), "r-" if through else "r--", lw=2, label=label)
    ax.plot([c1], [c2], "w*", markersize=14, label="witness x*")
    ax.set_xlim(c1 - 2, c1 + 2)
    ax.set_ylim(c2 - 2, c2 + 2)
    ax.legend(loc="lower right")
    ax.set_title("2,1,2,1 tanh: critical manifolds are lines (rank Hess = 1)")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    save(plt, fig, out, "bottleneck_manifolds.png")
