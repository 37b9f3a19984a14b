"""The sections every document has: the network, forward pass, derivatives, chart, classification.

A certificate document (:mod:`~symmorse.present.proof_document`) and a document for
concrete weights (:mod:`~symmorse.present.network_document`) begin alike: the network
and its graph, the forward pass, backward vectors and gradient, the structured
Hessian (componentwise, from :func:`~symmorse.search.explain.abstract_derivatives`
with abstract sigma' and sigma'', while the terms fit on a line; in matrix form
otherwise), chart coordinates, and the classification with the theorem it triggers.
Each function here appends one such section to a :class:`~symmorse.present.typeset.Document`.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import sympy

from ..exact.words import plural
from ..model.activations import Activation, U, Z
from ..model.architecture import fixed_parameters, input_nodes, layers
from ..model.network import Network
from ..search.classify import Classification
from ..search.explain import abstract_derivatives
from .latex import symbol_latex, to_latex
from .report import forward_pass
from .typeset import Document, align, equation_lines, packed, table, texttt, written_out

__all__ = [
    "title",
    "network_section",
    "forward_section",
    "derivative_sections",
    "chart_section",
    "classification_section",
    "reason_math",
]


def title(net: Network, prefix: str = "Critical points of") -> str:
    """The document's title: ``prefix`` the network (widths, a graph's name or its size) with its activation.

    Examples
    --------
    >>> title(Network("2,3,1"))
    'Critical points of the 2,3,1 network with \\\\texttt{tanh}'
    """
    ws = net.widths
    G = net.graph
    unnamed = f"a graph network ({G.number_of_nodes()} nodes, {G.number_of_edges()} edges)"
    what = f"the {net.describe()} network" if ws or G.graph.get("name") else unnamed
    return f"{prefix} {what} with {texttt(net.activation.name)}"


def _activation_math(act: Activation) -> str:
    """sigma, sigma', sigma'' of an activation as a display (one line if it fits), in z."""
    z = sympy.Symbol("z")
    parts = [act.sigma, act.derivative(Z), act.second_derivative(Z)]
    sigma, d1, d2 = (sympy.latex(e.xreplace({Z: z})) for e in parts)
    items = [f"\\sigma(z) = {sigma}", f"\\sigma'(z) = {d1}", f"\\sigma''(z) = {d2}"]
    return packed(items)


def _layer_picture(ws: Sequence[int]) -> str:
    """The layers side by side in an ``array``: x_i, h^{(l)}_i, Phi, with arrows for the weights."""
    L = len(ws) - 1

    def column(l: int) -> list[str]:
        n = ws[l]
        if l == L:
            return ["\\Phi"]
        name = (lambda i: f"x_{{{i}}}") if l == 0 else (lambda i: f"h^{{({l})}}_{{{i}}}")
        if n <= 5:
            return [name(i) for i in range(1, n + 1)]
        return [name(1), name(2), "\\vdots", name(n)]

    columns = [column(l) for l in range(L + 1)]
    height = max(len(c) for c in columns)
    grid = []
    for r in range(height):
        cells = []
        for l, col in enumerate(columns):
            top = (height - len(col)) // 2
            cells.append(col[r - top] if 0 <= r - top < len(col) else "")
            if l < L:
                label = f"W^{{({l + 1})}}" if l + 1 < L else "w"
                cells.append(f"\\xrightarrow{{\\;{label}\\;}}" if r == (height - 1) // 2 else "")
        grid.append(" & ".join(cells))
    under = " & ".join(f"n_{{{l}}} = {n}" + (" & " if l < L else "") for l, n in enumerate(ws))
    return (
        f"\\[\\begin{{array}}{{{'c' * (2 * L + 1)}}}\n"
        + " \\\\[2pt]\n".join(grid)
        + f" \\\\[6pt] \\hline \\\\[-8pt]\n{under}\n\\end{{array}}\\]"
    )


def _node_symbol(G: nx.DiGraph, v) -> str:
    d = G.nodes[v]
    if d["role"] == "input":
        return f"$x_{{{d['index']}}}$"
    if d["role"] == "output":
        return "$\\Phi$"
    return f"$h^{{({d['layer']})}}_{{{d['index']}}}$"


def _graph_picture(net: Network) -> str:
    """A general graph as tables: every node with its symbol and depth, then the edges and their weights."""
    G = net.graph
    nodes = [
        (
            texttt(v),
            _node_symbol(G, v),
            str(G.nodes[v]["layer"]),
            texttt(net.activations[v].name) if v in net.activations else "",
        )
        for group in layers(G)
        for v in group
    ]
    listing = table(["node", "symbol", "depth", "activation"], nodes)
    if G.number_of_edges() > 60:
        return listing + f"\n\nThe graph has {G.number_of_edges()} edges (listed in the architecture file)."
    edges = [(f"{texttt(u)} $\\to$ {texttt(v)}", f"${to_latex(net.weight(u, v))}$") for u, v in G.edges]
    return (
        listing
        + "\n\nIts edges and their weights:\n"
        + table(["edge", "weight"], edges, 2 if len(edges) > 8 else 1)
    )


def network_section(doc: Document, net: Network, c: Classification) -> None:
    """The section "The network": widths and a picture of the layers, or a graph's nodes and edges.

    Examples
    --------
    >>> from symmorse.search.classify import classify
    >>> doc = Document("t", "here")
    >>> network_section(doc, Network("2,3,1"), classify("2,3,1"))
    >>> doc.parts[1].endswith("It has $p = 13$ parameters (weights and biases).")
    True
    """
    ws = net.widths
    doc.section("The network")
    act = net.activation
    if ws is not None:
        doc.add(
            f"The network has {len(ws) - 1} layers of weights: input width $n_0 = {ws[0]}$, hidden widths "
            + ", ".join(f"$n_{{{l}}} = {n}$" for l, n in enumerate(ws[1:-1], start=1))
            + f", and one output. It has $p = {c.parameters}$ parameters (weights and biases).",
            _layer_picture(ws),
        )
    else:
        doc.add(
            f"The network is a general acyclic graph with {plural(len(input_nodes(net.graph)), 'input')}, "
            f"{plural(len(net.activations), 'hidden unit')} and one output "
            f"($p = {c.parameters}$ parameters). "
            "Its nodes, by depth (the longest path from an input):",
            _graph_picture(net),
        )
        fixed = fixed_parameters(net.graph)
        if fixed:
            doc.add(
                f"The architecture itself fixes {plural(len(fixed), 'parameter')} (for a residual network: "
                "the skip weights are 1 and the biases of the states are 0): "
                + ", ".join(f"${to_latex(net.symbol(name))} = {sympy.latex(v)}$" for name, v in fixed.items())
                + ". They are not free; every statement below is about the free parameters only, and a "
                "unit with a fixed bias is an identity unit, whose chart value is not a coordinate."
            )
    others = sorted({a.name for a in net.activations.values()} - {act.name})
    doc.add(
        f"The hidden units use the activation {texttt(act.name)}:",
        _activation_math(act),
    )
    if others:
        doc.add("Some units use other activations: " + ", ".join(texttt(n) for n in others) + ".")


def forward_section(doc: Document, net: Network) -> None:
    """The section "The forward pass": the layer equations, and each pre-activation if they are short.

    Examples
    --------
    >>> doc = Document("t", "here")
    >>> forward_section(doc, Network("1,1,1"))
    >>> print(doc.parts[-1])
    \\begin{align*}
    z^{(1)}_{1} &= W^{(1)}_{1,1} x_{1} + b^{(1)}_{1} \\\\*
    \\Phi(x) &= b^{(2)} + w_{1} \\tanh{\\left(z^{(1)}_{1} \\right)}
    \\end{align*}
    """
    doc.section("The forward pass")
    if net.widths is not None:
        doc.add(
            "With $h^{(0)} = x$, each hidden layer computes",
            "\\[z^{(l)} = W^{(l)} h^{(l-1)} + b^{(l)}, \\qquad h^{(l)} = \\sigma\\bigl(z^{(l)}\\bigr), "
            "\\qquad \\Phi(x) = w^{T} h^{(L-1)} + b^{(L)}.\\]",
        )
    else:
        doc.add(
            "Each non-input node $v$ computes $z_v = \\sum_{u \\to v} \\theta_{uv} h_u + b_v$ and "
            "$h_v = \\sigma(z_v)$ (inputs: $h = x$); $\\Phi$ is the output node's $z$."
        )
    forward, output = forward_pass(net)
    z = net.preactivation_symbols
    lines = []
    for v, e in forward.items():
        lines += equation_lines(to_latex(z[v]), e) or [f"{to_latex(z[v])} &= \\ldots"]
    out = equation_lines("\\Phi(x)", output)
    if len(forward) <= 12 and out and all(not line.endswith("\\ldots") for line in lines):
        doc.add("Componentwise:", align(lines + out))
    else:
        doc.add("(The componentwise form is too long to be useful here.)")


_LAYERED_HESSIAN = (
    "\\begin{gather*}\\Hess \\Phi(x) = \\sum_{l=1}^{L-1} J^{(l)T} "
    "\\diag\\bigl(\\sigma''(z^{(l)}) \\odot v^{(l)}\\bigr) J^{(l)}, \\\\ \\text{that is} \\quad "
    "H_{ab} = \\sum_{l=1}^{L-1} \\sum_{i=1}^{n_l} \\sigma''(z^{(l)}_i)\\, v^{(l)}_i\\, "
    "J^{(l)}_{i,a} J^{(l)}_{i,b}.\\end{gather*}"
)
_GRAPH_HESSIAN = (
    "\\[\\Hess \\Phi(x) = \\sum_{v\\ \\text{hidden}} \\sigma''(z_v)\\, \\lambda_v\\, J_v^{T} J_v.\\]"
)


def _sigma_names(symbols: dict[sympy.Symbol, tuple[sympy.Symbol, int]]) -> dict[sympy.Symbol, str]:
    """LaTeX ``\\sigma'(z^{(l)}_{i})`` for the symbols of sigma' and sigma'' (abstract_derivatives)."""
    return {s: f"\\sigma{chr(39) * order}({symbol_latex(z.name)})" for s, (z, order) in symbols.items()}


def derivative_sections(doc: Document, net: Network) -> None:
    """Two sections: backward vectors and the gradient, and the structured Hessian.

    Written out componentwise (sigma' and sigma'' abstract) where the entries are
    short enough, by layer for backward vectors and Jacobians, else as formulas.

    Examples
    --------
    >>> doc = Document("t", "here")
    >>> derivative_sections(doc, Network("1,1,1"))
    >>> print(*[p for p in doc.parts if p.startswith(r"\\section")], sep="; ")
    \\section{Backward vectors and the gradient}; \\section{The structured Hessian}
    >>> print(doc.parts[-1])
    \\begin{align*}
    H_{11} &= \\left(W^{(1)}_{1,1}\\right)^{2} w_{1} \\sigma''(z^{(1)}_{1})
    \\end{align*}
    """
    explained = abstract_derivatives(net)
    sd, names = explained.derivatives, _sigma_names(explained.symbols)
    layered = net.widths is not None
    groups = layers(net.graph)
    doc.section("Backward vectors and the gradient")
    if layered:
        doc.add(
            "The backward vectors run from the output to the input: with "
            "$D^{(l)} = \\diag \\sigma'\\bigl(z^{(l)}\\bigr)$,",
            "\\begin{gather*}v^{(L-1)} = w, \\qquad v^{(l-1)} = W^{(l)T} D^{(l)} v^{(l)}, \\qquad "
            "\\nabla \\Phi(x) = v^{(0)}, \\\\ \\text{that is} \\quad "
            "v^{(l-1)}_j = \\sum_{i=1}^{n_l} W^{(l)}_{i,j}\\, \\sigma'(z^{(l)}_i)\\, v^{(l)}_i."
            "\\end{gather*}",
            "By the chain rule $v^{(l)}_i = \\partial \\Phi / \\partial h^{(l)}_i$, so $x$ is a critical "
            "point exactly when the backward vector dies on the way down.",
        )
    else:
        doc.add(
            "The adjoints $\\lambda_v = \\partial \\Phi / \\partial h_v$ run from the output to the inputs: "
            "$\\lambda_v = \\sum_{v \\to s} \\theta_{vs}\\, \\sigma'(z_s) \\lambda_s$ (with "
            "$\\sigma'(z_s) \\lambda_s$ replaced by 1 for the output), and "
            "$\\nabla \\Phi(x) = (\\lambda_{x_1}, \\ldots, \\lambda_{x_{n_0}})$."
        )
    if layered and len(groups) > 3:
        for l in range(len(groups) - 2, 0, -1):
            block = written_out(
                [(f"v^{{({l})}}_{{{i}}}", sd.adjoints[v]) for i, v in enumerate(groups[l], start=1)], names
            )
            if block is None:
                break
            doc.add(f"Layer {l}:" if l < len(groups) - 2 else f"Layer {l} ($v^{{({l})}} = w$):", block)
    gradient = written_out(
        [
            (f"\\frac{{\\partial \\Phi}}{{\\partial {to_latex(x)}}}", g)
            for x, g in zip(net.inputs, sd.gradient)
        ],
        names,
    )
    if gradient is not None:
        doc.add(
            "The gradient, with $\\sigma'$ evaluated at the pre-activations of the forward pass:", gradient
        )
    else:
        doc.add("(The gradient written out has too many terms to be useful here; the recursion defines it.)")

    doc.section("The structured Hessian")
    doc.add(
        "Differentiating once more, $\\sigma$ is the only non-linear operation, so the Hessian collects one "
        "term per hidden layer. With the Jacobians $J^{(l)} = \\partial z^{(l)} / \\partial x$, "
        "$J^{(1)} = W^{(1)}$, $J^{(l)} = W^{(l)} D^{(l-1)} J^{(l-1)}$:"
        if layered
        else "Differentiating once more, $\\sigma$ is the only non-linear operation, so the Hessian collects "
        "one rank-one term per hidden unit, with $J_v = \\partial z_v / \\partial x$:",
        _LAYERED_HESSIAN if layered else _GRAPH_HESSIAN,
    )
    if layered:
        doc.add("This costs matrix products; the expanded expression for $\\Phi$ is never differentiated.")
    n0 = len(net.inputs)
    entries = [(f"H_{{{i + 1}{j + 1}}}", sd.hessian[i][j]) for i in range(n0) for j in range(i, n0)]
    hessian = written_out(entries, names)
    if hessian is not None:
        doc.add("Componentwise ($H_{ij} = H_{ji}$):", hessian)
        return
    if layered:
        for l in range(2, len(groups) - 1):
            block = written_out(
                [
                    (f"J^{{({l})}}_{{{i},{a}}}", sd.jacobians[v][a - 1])
                    for i, v in enumerate(groups[l], start=1)
                    for a in range(1, n0 + 1)
                ],
                names,
            )
            if block is None:
                break
            doc.add(f"The Jacobian of layer {l}:" if l == 2 else f"Layer {l}:", block)
    doc.add("(The entries of $\\Hess \\Phi$ written out are too long to be useful here.)")


def chart_section(doc: Document, net: Network) -> None:
    """The section "Chart coordinates": the chart u = c(z) of the activation and what it does.

    Examples
    --------
    >>> doc = Document("t", "here")
    >>> chart_section(doc, Network("1,1,1", "sigmoid"))
    >>> r"\\sigma'(z) = u \\left(1 - u\\right)" in doc.parts[2]
    True
    """
    act = net.activation
    doc.section("Chart coordinates")
    if act.chart is None:
        doc.add(
            f"The activation {texttt(act.name)} has no chart in which $\\sigma'$ and $\\sigma''$ are "
            "rational, so symmorse cannot prove anything about it exactly."
        )
        return
    chart, u = act.chart, sympy.Symbol("u")
    interval = chart.interval
    doc.add(
        f"Replace every bias by the chart value of its pre-activation, $u = c(z)$. For {texttt(act.name)}:",
        f"\\[u = c(z) = {sympy.latex(chart.coordinate.subs(Z, sympy.Symbol('z')))}"
        f" \\in {sympy.latex(interval)}, \\qquad \\sigma'(z) = {sympy.latex(chart.d1.subs(U, u))}, \\qquad "
        f"\\sigma''(z) = {sympy.latex(chart.d2.subs(U, u))}.\\]",
        "Because the biases are free, $(x, W, b, w) \\mapsto (x, W, u, w)$ is a change of coordinates, "
        "and in the new coordinates $x$ disappears: backward vectors, Jacobians and the Hessian are "
        "rational functions of $(W, u, w)$. A point with given $u$ is turned back into ordinary weights "
        "by $b^{(l)} = c^{-1}(u^{(l)}) - W^{(l)} h^{(l-1)}(x)$.",
    )


_THEOREMS = {
    "non-augmented": (
        "Theorem (no critical points)",
        "If $n_0 \\ge n_1 \\ge \\dots \\ge n_{L-1}$, $\\sigma' > 0$ and every weight matrix has full rank, "
        "then $\\nabla \\Phi(x) \\ne 0$ for every $x$.",
        "$v^{(L-1)} = w \\ne 0$. Each $W^{(l)T}$ is injective (full rank and $n_l \\le n_{l-1}$) and each "
        "$D^{(l)}$ is invertible ($\\sigma' > 0$), so $v^{(l-1)} = W^{(l)T} D^{(l)} v^{(l)} \\ne 0$ for "
        "every $l$, down to $\\nabla \\Phi(x) = v^{(0)} \\ne 0$.",
    ),
    "augmented": (
        "Theorem (Morse for almost every weight)",
        "If some layer is wider than the one before it ($n_k > n_{k-1}$, a widening step) but no widening "
        "step starts below $n_0$, and $\\sigma' > 0$, then critical points exist for an open set of "
        "weights, and $\\Phi$ is a Morse function (every critical point non-degenerate) for almost every "
        "weight.",
        "Going down from $v^{(L-1)} = w \\ne 0$, at a critical point the backward vector dies at a last "
        "layer $k$: $v^{(k)} \\ne 0$, $W^{(k)T} D^{(k)} v^{(k)} = 0$, which needs $n_k > n_{k-1}$. So the "
        "critical set splits into one branch $B_k$ per widening step. In chart coordinates $B_k$ is a "
        "linear bundle (the columns of $W^{(k)}$ orthogonal to $D^{(k)} v^{(k)}$), hence irreducible, and "
        "$\\det \\Hess \\Phi$ is a polynomial on it: one point of $B_k$ where it is non-zero (a witness) "
        "shows that its zero set is a proper subvariety, which projects to a null set of weights; the "
        "same point persists under small changes of the weights (implicit function theorem). Branches "
        "of kind null carry critical points only for a null set of weights (dimension count).",
    ),
    "bottleneck": (
        "Theorem (degenerate critical manifolds)",
        "If a widening step $k$ starts below the input width, $n_{k-1} < n_0$, and $\\sigma' > 0$, then "
        "$\\Phi$ factors through a layer narrower than its input; on a degenerate branch critical points "
        "come in manifolds of dimension $n_0 - n_{k-1}$, for an open set of weights, and $\\Phi$ is not a "
        "Morse function there.",
        "On a degenerate branch $\\Phi = g \\circ z^{(k-1)}$ with $g$ the rest of the network, and at "
        "its critical points $\\Hess \\Phi = J^{(k-1)T} \\Hess g\\, J^{(k-1)}$ has rank at most "
        "$n_{k-1} < n_0$. A witness where $g$ is non-degenerate and $\\rank J^{(k-1)} = n_{k-1}$ shows "
        "that this happens on an open set of weights: the critical point of $g$ persists, and its "
        "preimage under $x \\mapsto z^{(k-1)}$ is a manifold of dimension $n_0 - n_{k-1}$.",
    ),
    "graph": (
        "Theorem (death strata of a graph)",
        "Let $Z$ be the set of nodes whose adjoint $a_v = \\partial \\Phi / \\partial h_v$ vanishes at a "
        "critical point (all inputs, never the output). The critical set is the disjoint union of the strata "
        "$C_Z$; a node of $Z$ with a live successor is cancelling, and with $c$ cancelling nodes, all "
        "cancelling through a free weight, $C_Z$ is a tower of affine bundles of dimension $p + n_0 - c$ in "
        "chart coordinates. A stratum is null (only a null set of weights has a critical point on it) when "
        "the equations see $x$ through fewer than $c$ values (a vertex cut) or when a block of weights "
        "must lose rank; it is empty when fixed weights make the cancellation impossible. A morse stratum "
        "($c = n_0$) with one point where $\\det \\Hess \\Phi \\ne 0$ has critical points for an open set "
        "of weights and is Morse almost everywhere; a degenerate stratum ($c < n_0$) with one point where "
        "the cancellation equations have rank $c$ in $x$ carries manifolds of degenerate critical points "
        "of dimension $n_0 - c$ for an open set of weights.",
        "Each cancellation $\\sum_{s} \\theta_{sv} y_s = 0$ over the live successors $s$ of $v$, with "
        "$y_s = \\sigma'(z_s) a_s \\ne 0$, is affine in $v$'s own out-weights, which enter no other "
        "equation; in chart coordinates $x$ drops out. The dimension counts, the cut and block rules, the "
        "implicit function theorem at a witness with $\\det \\Hess \\Phi \\ne 0$ and the submersion theorem "
        "at a degenerate witness give the statements (DESIGN section 2).",
    ),
}


def _monotonicity_text(act: Activation) -> str:
    """The hypothesis sigma' > 0, in words and formulas, from the activation's own proof."""
    ok, _ = act.monotonicity
    if act.chart is None:
        return f"The activation {texttt(act.name)} has no chart, so $\\sigma' > 0$ cannot be proved exactly."
    d1 = sympy.latex(act.chart.d1.subs(U, sympy.Symbol("u")))
    interval = sympy.latex(act.chart.interval)
    if ok:
        return (
            f"For {texttt(act.name)}, $\\sigma'(z) = {d1}$ has no zero and no pole for "
            f"$u = c(z) \\in {interval}$ "
            "(exact real-root counting with Sturm sequences) and is positive at one point, so "
            "$\\sigma' > 0$ on $\\mathbb{R}$: this is proved, not assumed."
        )
    return (
        f"For {texttt(act.name)}, $\\sigma'(z) = {d1}$ is not positive on all of $u \\in {interval}$, so the "
        "hypothesis $\\sigma' > 0$ fails and none of the theorems applies: every verdict is undecided."
    )


def classification_section(doc: Document, net: Network, c: Classification) -> None:
    """The section "Classification": the class or the graph's cuts, the hypothesis, the theorem and why.

    Examples
    --------
    >>> from symmorse.search.classify import classify
    >>> doc = Document("t", "here")
    >>> classification_section(doc, Network("3,2,1"), classify("3,2,1"))
    >>> print(doc.parts[-2][:38])
    \\textbf{Theorem (no critical points).}
    """
    doc.section("Classification")
    ws = c.widths
    if ws is not None:
        steps = [b.step for b in c.branches]
        doc.add(
            "A widening step is a hidden layer $k$ with $n_k > n_{k-1}$. "
            + (
                f"This network has widening step{'s' * (len(steps) > 1)} "
                + ", ".join(f"$k = {k}$" for k in steps)
                + "."
                if steps
                else "This network has none."
            )
            + f" It is \\textbf{{{c.kind}}}: "
            + reason_math(c)
            + "."
        )
    else:
        g = c.graph
        doc.add(
            "This architecture is not a layered MLP, so its critical set is decomposed into death strata "
            "(below). "
            f"A minimum vertex cut between the inputs and the output has {g.min_cut} nodes "
            f"({', '.join(texttt(v) for v in g.cut_nodes)}); the generic ranks of "
            f"$\\partial z / \\partial x$ by depth are ${', '.join(map(str, g.depth_ranks))}$, and the "
            "output has fan-in "
            f"{g.output_fan_in} with generic rank {g.output_rank}. "
            + ("The cut is narrower than the input: $\\Phi$ factors through it." if g.bottleneck else "")
        )
    acts = {net.activation, *net.activations.values()}
    doc.add(
        "\\textbf{Hypothesis.} " + " ".join(_monotonicity_text(a) for a in sorted(acts, key=lambda a: a.name))
    )
    name, statement, proof = _THEOREMS[c.kind]
    if not c.monotone:
        name += " -- not applicable here, since its hypothesis fails"
    doc.add(f"\\textbf{{{name}.}} \\emph{{{statement}}}", f"\\emph{{Why.}} {proof}")


def reason_math(c: Classification) -> str:
    """Why a layered MLP has its class, as a formula.

    Examples
    --------
    >>> from symmorse.search.classify import classify
    >>> print(reason_math(classify("3,2,5,1")))
    the widening step $k = 2$ starts at $n_{1} = 2 < n_0 = 3$
    """
    ws = c.widths
    if c.kind == "non-augmented":
        return "$n_0 \\ge n_1 \\ge \\dots \\ge n_{L-1}$"
    if c.kind == "bottleneck":
        k = next(b.step for b in c.branches if b.source_width < ws[0])
        return f"the widening step $k = {k}$ starts at $n_{{{k - 1}}} = {ws[k - 1]} < n_0 = {ws[0]}$"
    return f"no widening step starts below $n_0 = {ws[0]}$"
