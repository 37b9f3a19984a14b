"""Chart coordinates make critical points polynomial (widths 1,2,1, tanh).

In the input x, the critical-point equation Phi'(x) = 0 of a tanh network is transcendental.
Replace every bias by the chart value u = tanh(z) of its pre-activation -- allowed because the
biases are free -- and x disappears: tanh' = 1 - u^2 and tanh'' = -2u(1 - u^2) are polynomials, so
Phi' and Phi'' become polynomials in (W, u, w), and the condition Phi' = 0 is even linear in the
first-layer weights. Solving it by hand gives an exact critical point; going back to ordinary
weights (b = atanh(u) - W x) and substituting into Phi shows Phi'(x) = 0 exactly. This is how
symmorse finds every witness.
"""

import sympy
from _common import pyplot, save, start, write

from symmorse import Network
from symmorse.present.latex import derivation_latex

out = start("chart_coordinates", __doc__).out
net = Network("1,2,1", "tanh")
print("In x:       Phi'(x) =", net.gradient("x")[0])
print("In charts:  Phi'    =", net.gradient("chart")[0])
print("            Phi''   =", net.hessian("chart")[0, 0], "\n")

# Choose u, w and W1_1_1, then solve the linear condition Phi' = 0 for W1_2_1.
W11, W21, w1, w2 = (net.symbol(n) for n in ("W1_1_1", "W1_2_1", "w1", "w2"))
u1, u2 = net.chart_symbols.values()
choice = {u1: sympy.Rational(1, 2), u2: sympy.Rational(-1, 3), w1: 1, w2: 2, W11: 3}
solution = sympy.solve(net.gradient("chart")[0].xreplace(choice), W21)
choice[W21] = solution[0]
second = net.hessian("chart")[0, 0].xreplace(choice)
print(f"u = (1/2, -1/3), w = (1, 2), W1_1_1 = 3; Phi' = 0 is linear in W1_2_1, so W1_2_1 = {solution[0]}")
print(
    f"Phi'' = {second} != 0 there: a non-degenerate critical point "
    f"(a {'minimum' if second > 0 else 'maximum'})\n"
)

# Back to ordinary weights at the input x = 1: b_i = atanh(u_i) - W_i x.
x = sympy.Integer(1)
weights = {s: v for s, v in choice.items() if s not in (u1, u2)}
weights[net.symbol("b1_1")] = sympy.atanh(choice[u1]) - choice[W11] * x
weights[net.symbol("b1_2")] = sympy.atanh(choice[u2]) - choice[W21] * x
weights[net.symbol("b2")] = 0
phi = net.output.xreplace(weights)
print(f"With these weights Phi(x) = {phi}")
print(
    f"Phi'(1) = {sympy.diff(phi, net.inputs[0]).subs(net.inputs[0], x)}, "
    f"Phi''(1) = {sympy.diff(phi, net.inputs[0], 2).subs(net.inputs[0], x)}  (exact)\n"
)

document = (
    "\\documentclass[11pt]{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
    "\\section*{A 1,2,1 tanh network in chart coordinates}\n"
    "With $u^{(1)}_i = \\tanh z^{(1)}_i$ the derivatives are polynomials:\n"
    + derivation_latex(net, "chart")
    + "\n\nWith $u = (1/2, -1/3)$, $w = (1, 2)$, $W^{(1)}_{1,1} = 3$ the condition $\\Phi' = 0$ gives "
    f"$W^{{(1)}}_{{2,1}} = {sympy.latex(solution[0])}$ and $\\Phi'' = {sympy.latex(second)} \\ne 0$.\n"
    "\\end{document}\n"
)
write(out, "chart_coordinates.tex", document)

plt = pyplot()
if plt is not None:
    import numpy as np

    f = sympy.lambdify(net.inputs[0], phi, "numpy")
    xs = np.linspace(-1, 3, 400)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(xs, f(xs))
    ax.plot([1], [float(phi.subs(net.inputs[0], 1))], "r*", markersize=14, label="exact critical point x = 1")
    ax.legend()
    ax.set_xlabel("$x$")
    ax.set_ylabel("$\\Phi(x)$")
    ax.set_title("1,2,1 tanh with weights solved for in chart coordinates")
    save(plt, fig, out, "chart_coordinates.png")
