"""No critical points: a non-augmented network (widths 2,2,1, tanh).

The widths never grow (n_0 = 2 >= n_1 = 2), so the network is non-augmented. Its gradient is the
backward vector v_0 = W1^T D1 w, with D1 = diag tanh'(z) invertible (tanh' > 0, proved), W1^T
injective when W1 has full rank, and w != 0. A product of injective maps applied to a non-zero
vector is never zero: Phi has no critical point at all, for every full-rank choice of weights.

symmorse proves this for the architecture (a certificate that the independent checker accepts)
and this example looks at one concrete network: det W1 != 0 exactly, and the picture shows a
gradient field without a single zero.
"""

import sympy
from _common import pyplot, save, start, write

from symmorse import Network
from symmorse.kernel import check_certificate
from symmorse.present.documents import architecture_document, weights_document
from symmorse.search.certify import certify

out = start("no_critical_points", __doc__).out

cert = certify("2,2,1", "tanh")
print(cert.summary())
print("checker:", check_certificate(cert.to_json()).reason, "\n")

layers = [{"W": [[2, -1], [1, 1]], "b": ["1/2", 0]}, {"W": [[1, -2]], "b": [0]}]
net = Network("2,2,1", "tanh", layers)
W1 = sympy.Matrix(layers[0]["W"])
print(f"det W1 = {W1.det()} != 0 and w = {layers[1]['W'][0]} != 0, so for every x")
for x, g in zip(net.inputs, net.gradient("z")):
    print(f"  dPhi/d{x} = {g}")
print("is a non-zero vector: W1^T applied to (w_i tanh'(z_i)), whose entries never vanish.")
print("(The arrows in the picture show its direction; it only gets small where tanh saturates.)\n")

write(out, "no_critical_points_2_2_1.tex", architecture_document("2,2,1"))
write(out, "no_critical_points_weights.tex", weights_document(net, "examples/no_critical_points.py"))

plt = pyplot()
if plt is not None:
    import numpy as np

    x1, x2 = net.inputs
    phi = sympy.lambdify((x1, x2), net.output, "numpy")
    grad = sympy.lambdify((x1, x2), list(net.gradient("x")), "numpy")
    X, Y = np.meshgrid(np.linspace(-3, 3, 121), np.linspace(-3, 3, 121))
    G = np.hypot(*[np.broadcast_to(g, X.shape) for g in grad(X, Y)])
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.contourf(X, Y, phi(X, Y), 30, cmap="viridis")
    Xs, Ys = X[::8, ::8], Y[::8, ::8]
    U, V = grad(Xs, Ys)
    ax.quiver(Xs, Ys, U / np.hypot(U, V), V / np.hypot(U, V), color="white", alpha=0.8)
    ax.set_title(f"2,2,1 tanh: grad Phi never vanishes (smallest |grad Phi| on the grid {G.min():.1e})")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    save(plt, fig, out, "no_critical_points.png")
