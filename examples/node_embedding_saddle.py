"""A saddle, and which architectures can represent it: the universal embedding.

The target f(x, y) = x^2 - y^2 has one critical point, the origin, a non-degenerate saddle
(Morse index 1). A non-augmented MLP or neural ODE (phase space no wider than the input)
with full-rank maps has no critical points at all, and rank-deficient maps only give
degenerate ones: such architectures can never represent f exactly. Augmented ones can.

symmorse proves the critical point exact (a Groebner basis of grad f), tables the classes,
and builds the augmented neural ODE with phase space R^3 and the shear field
h3' = f(h1, h2) / T: its time-T flow adds f to the third coordinate, so
Phi(x) = e_3 . phi_T(x, y, 0) = f(x, y) exactly, verified symbolically and by the
independent checker kernel.
"""

import json

from _common import pyplot, save, start, write

from symmorse.kernel import check_certificate
from symmorse.present.latex import to_latex
from symmorse.search.embedding import embed, embedding_text

out = start("node_embedding_saddle", __doc__).out

e = embed("x**2 - y**2", "x,y", exact=True)
print(embedding_text(e), "\n")
certificate = e.construction.certificate
print("checker:", check_certificate(certificate).reason, "\n")
write(out, "saddle_embedding.json", json.dumps(e.to_json(), indent=1) + "\n")
write(out, "saddle_node_certificate.json", json.dumps(certificate, indent=1) + "\n")

rows = [f"{name} & {v.status} \\\\" for name, v in e.classes.items()]
write(
    out,
    "saddle_embedding.tex",
    "\\begin{tabular}{ll}\nclass & can represent $f = "
    + to_latex(e.analysis.target)
    + "$ \\\\ \\hline\n"
    + "\n".join(rows)
    + "\n\\end{tabular}\n",
)

plt = pyplot()
if plt is not None:
    import numpy as np

    grid = np.linspace(-2, 2, 201)
    X, Y = np.meshgrid(grid, grid)
    fig, ax = plt.subplots(figsize=(5, 4.5))
    levels = ax.contour(X, Y, X**2 - Y**2, levels=15, cmap="coolwarm")
    ax.clabel(levels, fontsize=7)
    ax.plot([0], [0], "k^", markersize=9, label="saddle (index 1), proved")
    ax.set_title("f = x^2 - y^2 = Phi of an augmented neural ODE (m = 3)")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper right")
    save(plt, fig, out, "saddle_embedding.png")
