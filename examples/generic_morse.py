"""Generic Morse: an augmented network (widths 2,3,1, tanh) and its witness.

The hidden layer is wider than the input (n_1 = 3 > n_0 = 2) and no layer is narrower than the
input: the network is augmented. At a critical point the backward vector dies in one step,
W1^T D1 w = 0, which is possible because W1^T maps R^3 to R^2 and has a kernel. In chart
coordinates u = tanh(z) this condition is linear in W1, so symmorse picks random rationals for u
and w, chooses W1 with columns orthogonal to D1 w, and gets an exact critical point: the witness.
One witness with det Hess Phi != 0 proves that critical points exist for an open set of weights
and that Phi is a Morse function for almost every weight.

This example turns the witness back into ordinary weights (the biases are exact numbers like
atanh(5/8) + 2305/4), substitutes them into Phi with SymPy, and sees grad Phi = 0 and
det Hess Phi != 0 exactly, and the Morse index from the exact eigenvalues.
"""

import json

import sympy
from _common import pyplot, save, start, write

from symmorse import Network
from symmorse.kernel import check_certificate
from symmorse.present.documents import certificate_document
from symmorse.search.certify import certify, witness_weights

out = start("generic_morse", __doc__).out

cert = certify("2,3,1", "tanh", seed=0)
data = cert.to_json()
print(cert.summary())
print("checker:", check_certificate(data).reason, "\n")
path = write(out, "generic_morse_2_3_1.json", json.dumps(data, indent=1) + "\n")

net = Network("2,3,1", "tanh")
weights = witness_weights(data, 1)
at = {net.symbol(name): value for name, value in weights.items()}
x_star = [sympy.Rational(t) for t in data["branches"][0]["witness"]["x"]]
at.update(dict(zip(net.inputs, x_star)))
print("The witness as ordinary weights:")
for name, value in weights.items():
    print(f"  {name} = {value}")
print(f"and the input x* = {tuple(x_star)}.\n")

gradient = net.gradient().xreplace(at)
hessian = net.hessian().xreplace(at)
eigenvalues = hessian.eigenvals()
index = sum(m for e, m in eigenvalues.items() if e < 0)
print(f"grad Phi(x*) = {list(gradient)}   (exactly: tanh(atanh(u)) = u does the work)")
print(f"Hess Phi(x*) = {hessian.tolist()}")
print(f"det Hess Phi(x*) = {hessian.det()} != 0: a non-degenerate critical point of Morse index {index}\n")

write(out, "generic_morse_2_3_1.tex", certificate_document(data, path))

plt = pyplot()
if plt is not None:
    import numpy as np

    x1, x2 = net.inputs
    phi = sympy.lambdify((x1, x2), net.output.xreplace({s: v for s, v in at.items() if s not in net.inputs}))
    a, b = (float(t) for t in x_star)
    X, Y = np.meshgrid(np.linspace(a - 0.05, a + 0.05, 161), np.linspace(b - 0.05, b + 0.05, 161))
    fig, ax = plt.subplots(figsize=(6, 5))
    levels = ax.contour(X, Y, np.vectorize(phi)(X, Y), 25, cmap="viridis")
    fig.colorbar(levels, ax=ax, label="$\\Phi$")
    kind = {0: "minimum", 2: "maximum"}.get(index, "saddle")
    ax.plot([a], [b], "r*", markersize=14, label=f"witness x* (index {index}, {kind})")
    ax.legend(loc="upper right")
    ax.set_title("2,3,1 tanh at its witness: an exact, non-degenerate critical point")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    save(plt, fig, out, "generic_morse.png")
