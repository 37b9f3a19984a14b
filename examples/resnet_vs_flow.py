"""Finite depth is not a flow: a residual network with critical points where a neural ODE has none.

A neural ODE x -> W~ phi_T(W x + b) + b~ whose phase space is no wider than its input
(here everything is one-dimensional) has no critical point for any weights: the time-T flow
is a diffeomorphism, so its derivative never vanishes. A residual block h + v tanh(w h + c)
is one Euler step of such a flow, but a finite step can fold: its derivative
1 + v w (1 - u^2), u = tanh(w h + c), vanishes where u^2 = 1 + 1/(v w), which lies in
(-1, 1) when v w < -1.

symmorse certifies this for the residual architecture resnet:1,1,1 (lift h = a x + b, one
block of width 1, skip weight fixed to 1) by its death strata: the one stratum that is not
null is where the lifted state's adjoint dies, and an exact witness with grad Phi = 0 and
det Hess Phi != 0 there, re-derived by the independent checker, proves critical points for
an open set of the residual network's weights and Morse for almost every weight. The neural
ODE of the same widths is proved to have none. A table sets the proved verdicts of a few
residual architectures beside those of the neural ODEs of the same widths. The certificate,
its LaTeX document and a picture of Phi at the witness weights are written (the fold comes
as a pair: a maximum beside the certified minimum).
"""

import json

import sympy
from _common import pyplot, save, start, write

from symmorse.kernel import check_certificate
from symmorse.model.architecture import from_json, parse_architecture
from symmorse.model.network import Network
from symmorse.model.node import NeuralODE, layer_field
from symmorse.present.documents import certificate_document
from symmorse.search.certify import certify, witness_weights
from symmorse.search.node_classify import classify_node

out = start("resnet_vs_flow", __doc__).out

cert = certify(parse_architecture("resnet:1,1,1")).to_json()
print(
    f"resnet:1,1,1: critical points {cert['critical_points']}, Morse {cert['morse']} ({cert['status']}); "
    f"checker: {check_certificate(cert).reason}"
)
node = classify_node(NeuralODE(1, layer_field({"A": [[3]], "V": [[-1]], "c": ["1/2"]})))
print(f"neural ODE, n = m = 1: critical points {node.critical_points} ({node.status})\n")

# Finite depth beside infinite depth, for the same widths n (input), m (state), one tanh layer of width h.
print(f"{'widths n, m, h':<16}{'ResNet (strata, proved)':<34}neural ODE h' = V tanh(A h + c)")
for n, m, h in ((1, 1, 1), (2, 2, 1), (2, 2, 2), (1, 2, 1), (2, 3, 2)):
    resnet = certify(parse_architecture(f"resnet:{n},{m},{h}")).to_json()
    assert check_certificate(resnet).accepted
    field = layer_field(
        {
            "A": [[(i + j) % 3 - 1 for j in range(m)] for i in range(h)],
            "V": [[(2 * i + j) % 3 - 1 or 1 for j in range(h)] for i in range(m)],
            "c": [1] * h,
        }
    )
    flow = classify_node(NeuralODE(n, field), seed=0)
    left = f"{resnet['critical_points']} / {resnet['morse']}"
    print(f"{n}, {m}, {h:<10}{left:<34}{flow.critical_points} / {flow.morse} ({flow.status})")
print(
    "\nWhere they differ (m = n): a residual block's Jacobian I + V D A can be singular, a flow's never is.\n"
)
write(out, "resnet_1_1_1.json", json.dumps(cert, indent=1) + "\n")
write(out, "resnet_1_1_1.tex", certificate_document(cert, "resnet_1_1_1.json"))

# The witness as ordinary weights: Phi is an explicit function of x, critical at the witness x.
net = Network(from_json(cert["architecture"]), cert["activation"])
weights = {net.symbol(name): value for name, value in witness_weights(cert).items()}
x = net.inputs[0]
phi = net.output.xreplace(weights)
x0 = sympy.Rational(next(e for e in cert["strata"] if "witness" in e)["witness"]["x"][0])
slope, curvature = sympy.diff(phi, x).subs(x, x0), sympy.diff(phi, x, 2).subs(x, x0)
print(f"Phi(x) = {phi}")
print(f"Phi'({x0}) = {sympy.nsimplify(sympy.simplify(slope))}, Phi''({x0}) = {sympy.nsimplify(curvature)}\n")

plt = pyplot()
if plt is not None:
    import numpy as np

    f = sympy.lambdify(x, phi, "numpy")
    grid = np.linspace(float(x0) - 3, float(x0) + 3, 601)
    fig, ax = plt.subplots(figsize=(6, 3.8))
    ax.plot(grid, f(grid), label="Phi, residual network at the witness weights")
    kind = "minimum" if curvature > 0 else "maximum"
    ax.plot([float(x0)], [float(phi.subs(x, x0))], "ko", label=f"certified critical point ({kind})")
    ax.set_xlabel("x")
    ax.set_title("resnet:1,1,1 folds; a 1-D flow never does")
    ax.legend(loc="best", fontsize=8)
    save(plt, fig, out, "resnet_vs_flow.png")
