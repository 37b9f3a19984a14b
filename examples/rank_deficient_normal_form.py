"""Normal form of a rank-deficient network (widths 2,3,1, tanh, W1 of rank 1).

The architecture 2,3,1 is augmented, and for almost every weight its critical points are
non-degenerate. But these weights are not "almost every" weight: W1 = [[1, 2], [1, 2], [2, 4]]
has rank 1, so W1 = U V with U a 3x1 column and V = (1, 2) a row. Inserting an identity layer of
width 1 (weights V) in front of the hidden layer (weights U) gives the normal form 2,1,3,1 -- the
same map Phi, proved by expanding both expressions -- and 2,1,3,1 is a bottleneck: Phi depends on
x only through s = V x = x1 + 2 x2. So every critical point is degenerate, and critical points come
in lines V x = s with g'(s) = 0.
"""

import os

import mpmath
import sympy
from _common import pyplot, save, start, write

from symmorse import Network
from symmorse.model.architecture import layers
from symmorse.model.io import load_weights
from symmorse.present.documents import weights_document
from symmorse.search.normal_form import normal_form

out = start("rank_deficient_normal_form", __doc__).out

source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "rank_deficient_2_3_1.json")
wf = load_weights(source)
net = Network(wf.architecture, wf.activation, wf.weights)
nf = normal_form(net)
print(f"ranks of W_1, W_2: {nf.ranks}")
for layer, rank in nf.inserted:
    print(f"W_{layer} has rank {rank}: an identity layer of width {rank} is inserted before layer {layer}")
print(
    f"normal form: widths {nf.network.describe()}; "
    f"Phi unchanged: {'proved' if nf.unchanged else 'NOT proved'}"
)
print(f"the normal form is {nf.classification.kind}: {nf.classification.reason}")
print(f"Phi(x) = {net.output}\n")

write(out, "rank_deficient_2_3_1.tex", weights_document(net, "examples/data/rank_deficient_2_3_1.json"))

print(
    f"det Hess Phi = {sympy.expand(net.hessian_det('x'))} identically (expanded exactly): "
    "rank Hess Phi <= 1\n"
)

# Phi = g(s) with s = V x (V: the inserted layer's weights); g' = 0 gives the critical lines.
x1, x2 = net.inputs
G = nf.network.graph
narrow = layers(G)[1][0]
V = sympy.Matrix([[nf.network.weight(x, narrow) for x in layers(G)[0]]])
s = sympy.Symbol("s")
point = V.T * s / (V * V.T)[0]  # an x with V x = s
g = net.output.xreplace({x1: point[0], x2: point[1]})
dg = sympy.lambdify(s, sympy.diff(g, s), "mpmath")
grid = [-6.0031 + 12 * k / 1200 for k in range(1201)]
roots = [
    float(mpmath.findroot(dg, (p, q), solver="bisect")) for p, q in zip(grid, grid[1:]) if dg(p) * dg(q) < 0
]
print(f"V = {V.tolist()[0]}; g'(s) = 0 (numerically, for the picture) at s = {[round(r, 6) for r in roots]}:")
print(f"the critical lines are {V[0]}*x1 + {V[1]}*x2 = s for these s.")

plt = pyplot()
if plt is not None:
    import numpy as np

    phi = sympy.lambdify((x1, x2), net.output, "numpy")
    X, Y = np.meshgrid(np.linspace(-4, 4, 161), np.linspace(-4, 4, 161))
    fig, ax = plt.subplots(figsize=(6, 5))
    filled = ax.contourf(X, Y, phi(X, Y), 30, cmap="viridis")
    fig.colorbar(filled, ax=ax, label="$\\Phi$")
    xs = np.linspace(-4, 4, 2)
    for k, r in enumerate(roots):
        line = (r - float(V[0]) * xs) / float(V[1])
        ax.plot(xs, line, "r--", lw=2, label="critical lines $Vx = s^*$" if k == 0 else None)
    ax.set_xlim(-4, 4)
    ax.set_ylim(-4, 4)
    ax.legend(loc="lower left")
    ax.set_title("rank W1 = 1: level sets and critical sets are lines")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    save(plt, fig, out, "rank_deficient_normal_form.png")
