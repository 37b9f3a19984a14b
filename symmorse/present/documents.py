"""Complete LaTeX documents about an architecture, a certificate or concrete weights.

The documents (:func:`architecture_document`, :func:`certificate_document`,
:func:`weights_document`) are article-class LaTeX needing only amsmath and
amssymb, meant to be read top to bottom: the network and its graph, forward
pass, backward vectors, gradient and structured Hessian (componentwise,
computed by :func:`~symmorse.model.network.structured_derivatives` over SymPy with
abstract sigma' and sigma'', while the terms fit on a line; in matrix form
otherwise), the classification and the theorem it triggers, the branch table,
every witness with its exact check, and the conclusion.  Every number is
exact (long ones are shortened with a footnote naming the file that holds
them), every text taken from a file is escaped, and a certificate is
re-checked by :mod:`symmorse.kernel.layered` before a word of it is written.
Formulas and symbols come from :mod:`symmorse.present.latex`; :func:`compile_pdf`
runs pdflatex.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence

import flint
import networkx as nx
import sympy

from .. import __version__
from ..exact.errors import CertificateRejected, SymmorseError, WeightsError
from ..exact.expressions import parse_expression
from ..exact.numbers import to_fmpq
from ..kernel import check_certificate
from ..model.activations import Activation, get_activation
from ..model.architecture import bias_parameter, fixed_parameters, from_json, input_nodes, layers, mlp
from ..model.network import Network, StructuredDerivatives, structured_derivatives
from ..search.certify import ChartPoint, certify, chart_derivatives
from ..search.classify import Classification, classify
from ..search.normal_form import normal_form
from .latex import escape_text, symbol_latex, to_latex
from .report import forward_pass

__all__ = [
    "architecture_document",
    "certificate_document",
    "weights_document",
    "critical_points_latex",
    "compile_pdf",
    "DIGITS",
]

_Z, _U = sympy.Symbol("z", real=True), sympy.Symbol("u", real=True)
#: Integers with more digits than this are shortened in documents (with a footnote).
DIGITS = 20
_LINE = 72  # rough width of one displayed line, in units of about 5 pt (see _width)
_MATRIX = 8  # largest matrix dimension shown entry by entry


def _tt(text: object) -> str:
    """Typewriter text; long paths may break after a slash."""
    return "\\texttt{" + escape_text(text).replace("/", "/\\allowbreak{}") + "}"


class _Numbers:
    """Exact numbers as LaTeX, shortening long integers; remembers whether it did."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.shortened = False

    def integer(self, digits: str, limit: int = DIGITS) -> str:
        """An integer's digits, or its first and last digits if it has more than ``limit``."""
        sign, digits = ("-", digits[1:]) if digits.startswith("-") else ("", digits)
        if len(digits) <= limit:
            return sign + digits
        self.shortened = True
        keep = max(2, (limit - 6) // 2)
        count = f"{{\\scriptstyle\\,({len(digits)}\\text{{ digits}})}}"
        return f"{sign}{digits[:keep]}\\ldots{digits[-keep:]}{count}"

    def shorten_runs(self, tex: str) -> str:
        """Every run of more than :data:`DIGITS` digits in ``tex`` (e.g. from SymPy), shortened."""
        return re.sub(rf"\d{{{DIGITS + 1},}}", lambda m: self.integer(m.group(0)), tex)

    def q(self, value: object, limit: int = DIGITS) -> str:
        """A rational: ``-\\frac{p}{q}`` or an integer."""
        r = sympy.Rational(str(value))
        sign = "-" if r < 0 else ""
        p, q = abs(r.p), r.q
        if q == 1:
            return sign + self.integer(str(p), limit)
        return f"{sign}\\frac{{{self.integer(str(p), limit)}}}{{{self._denominator(q, limit)}}}"

    def _denominator(self, q: int, limit: int) -> str:
        """Large powers of two (floats are binary fractions) as ``2^{k}``."""
        if q > 1024 and q & (q - 1) == 0:
            return f"2^{{{q.bit_length() - 1}}}"
        return self.integer(str(q), limit)

    def vector(self, entries: Sequence[object], transposed: bool = True) -> str:
        """A column vector, written as a transposed row (long ones elided in the middle)."""
        limit = min(DIGITS, max(6, 64 // max(1, len(entries))))
        if len(entries) > _MATRIX:
            shown = [self.q(a, limit) for a in entries[: _MATRIX - 2]] + [
                "\\ldots",
                self.q(entries[-1], limit),
            ]
        else:
            shown = [self.q(a, limit) for a in entries]
        return "\\left(" + ",\\ ".join(shown) + "\\right)" + ("^{T}" if transposed else "")

    def matrix(self, rows: Sequence[Sequence[object]]) -> str:
        """A matrix of integers, with a common denominator pulled out in front."""
        front, cells = self._integer_cells(rows, DIGITS)
        body = " \\\\ ".join(" & ".join(row) for row in cells)
        return f"{front}\\begin{{pmatrix}} {body} \\end{{pmatrix}}"

    def matrix_lines(self, name: str, rows: Sequence[Sequence[object]]) -> list[str]:
        """``align*`` lines for ``name = matrix``; a matrix too wide for the page is given row by row."""
        front, cells = self._integer_cells(rows, DIGITS)
        width = sum(max(_width(c) for c in column) + 2 for column in zip(*cells))
        if width + _width(name) + 8 <= _LINE:
            return [f"{name} &= {self.matrix(rows)}"]
        front, cells = self._integer_cells(rows, min(DIGITS, max(6, 44 // len(rows[0]))))
        lines = [f"{name} &= {front} H', \\quad \\text{{the rows of $H'$ being}}"]
        return lines + ["&\\left(" + ",\\ ".join(row) + "\\right)" for row in cells]

    def _integer_cells(self, rows: Sequence[Sequence[object]], limit: int) -> tuple[str, list[list[str]]]:
        values = [[sympy.Rational(str(a)) for a in row] for row in rows]
        d = sympy.ilcm(*[a.q for row in values for a in row], 1)
        front = f"\\frac{{1}}{{{self._denominator(int(d), DIGITS)}}}" if d != 1 else ""
        return front, [[self.q(a * d, limit) for a in row] for row in values]


def _rows(M: flint.fmpq_mat) -> list[list[flint.fmpq]]:
    return [[M[i, j] for j in range(M.ncols())] for i in range(M.nrows())]


def _fits(M: flint.fmpq_mat | Sequence) -> bool:
    if isinstance(M, flint.fmpq_mat):
        return M.nrows() <= _MATRIX and M.ncols() <= _MATRIX
    return len(M) <= _MATRIX and all(len(r) <= _MATRIX for r in M)


def _width(tex: str) -> float:
    """Rough printed width of a math formula, in characters (scripts count less)."""
    tex = re.sub(r"\\(?:left|right|bigl|bigr|operatorname)", "", tex)
    tex = re.sub(r"\\(tanh|log|exp|sinh|cosh|atan|det|diag|erf)", lambda m: m.group(1), tex)
    tex = re.sub(r"\\[A-Za-z]+", "m", tex)
    tex = re.sub(r"[+=-]", "+++", tex)  # binary operators and their spaces
    width, depth, script_depth = 0.0, 0, []
    for i, c in enumerate(tex):
        if c == "{":
            if i and tex[i - 1] in "^_":
                script_depth.append(depth)
            depth += 1
        elif c == "}":
            depth -= 1
            if script_depth and script_depth[-1] == depth:
                script_depth.pop()
        elif c not in "^_ ":
            width += 0.6 if script_depth or (i and tex[i - 1] in "^_") else 1.0
    return width


def _terms(expr: sympy.Expr, names: Mapping) -> list[str]:
    """The top-level terms of a sum as LaTeX, each with its sign in front."""
    terms = expr.as_ordered_terms() if isinstance(expr, sympy.Add) else [expr]
    out = []
    for k, t in enumerate(terms):
        tex = to_latex(t, names)
        if k and not tex.startswith("-"):
            tex = "+ " + tex
        out.append(tex)
    return out


def _equation(lhs: str, expr: sympy.Expr, names: Mapping | None = None) -> list[str] | None:
    """``align*`` lines ``lhs &= t1 + t2 \\\\ &\\quad + t3 ...``, or None if one term is too wide."""
    terms = _terms(expr, names or {})
    budget = _LINE - _width(lhs)
    if any(_width(t) > budget for t in terms):
        return None
    lines, current = [], []
    for t in terms:
        if current and _width(" ".join([*current, t])) > budget:
            lines.append(" ".join(current))
            current = []
        current.append(t)
    lines.append(" ".join(current))
    return [f"{lhs} &= {lines[0]}"] + [f"&\\quad {line}" for line in lines[1:]]


def _packed(items: Sequence[str]) -> str:
    """Short formulas side by side, as many to a line as fit (``gather*``)."""
    lines, current = [], []
    for item in items:
        if current and _width(",\\qquad ".join([*current, item])) + 3 * len(current) > _LINE + 8:
            lines.append(current)
            current = []
        current.append(item)
    lines.append(current)
    return (
        "\\begin{gather*}\n" + " \\\\\n".join(",\\qquad ".join(line) for line in lines) + "\n\\end{gather*}"
    )


def _align(lines: Sequence[str]) -> str:
    """An ``align*`` block; a short one is kept on one page (``\\\\*``), a long one may break."""
    newline = " \\\\*\n" if len(lines) <= 8 else " \\\\\n"
    return "\\begin{align*}\n" + newline.join(lines) + "\n\\end{align*}"


def _abstract_derivatives(net: Network) -> tuple[StructuredDerivatives, dict[sympy.Symbol, str]]:
    """Structured derivatives with symbols sigma'(z_v), sigma''(z_v) (constants stay constants).

    Units whose activation is not the network's default get their own formula in z.
    """
    names: dict[sympy.Symbol, str] = {}
    d1, d2 = {}, {}
    for v, act in net.activations.items():
        z = net.preactivation_symbols[v]
        zl = symbol_latex(z.name)
        for order, store in ((1, d1), (2, d2)):
            exact = act.derivative(z) if order == 1 else act.second_derivative(z)
            if exact.is_number or act != net.activation:
                store[v] = exact
                continue
            s = sympy.Symbol(z.name + "'" * order)
            names[s] = f"\\sigma{chr(39) * order}({zl})"
            store[v] = s
    sd = structured_derivatives(net.graph, net.weight, d1, d2, sympy.S.Zero, sympy.S.One)
    return sd, names


# -- documents -----------------------------------------------------------------------------------

_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage{amsmath}
\usepackage{amssymb}
\setlength{\textwidth}{15.5cm}
\setlength{\oddsidemargin}{0.2cm}
\setlength{\evensidemargin}{0.2cm}
\setlength{\textheight}{23cm}
\setlength{\topmargin}{-1.2cm}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
\allowdisplaybreaks
\newcommand{\Hess}{\operatorname{Hess}}
\newcommand{\diag}{\operatorname{diag}}
\newcommand{\rank}{\operatorname{rank}}
\renewcommand{\labelitemi}{$\bullet$}
"""


class _Document:
    """Paragraphs and displays of one document, with the number formatter and its footnote."""

    def __init__(self, title: str, numbers_in: str) -> None:
        self.title = title
        self.numbers = _Numbers(numbers_in)
        self.parts: list[str] = []
        self._noted = False

    def section(self, title: str) -> None:
        self.parts.append(f"\\section{{{title}}}")

    def subsection(self, title: str) -> None:
        self.parts.append(f"\\subsection*{{{title}}}")

    def add(self, *texts: str) -> None:
        """Add paragraphs and displays; long digit runs are shortened, the first time with the footnote."""
        texts = tuple(self.numbers.shorten_runs(t) for t in texts)
        if self.numbers.shortened and not self._noted:
            self._noted = True
            self.parts.append(
                "Long integers are shown by their first and last digits and their number of digits"
                f"\\footnote{{The full values are in {self.numbers.where}.}}."
            )
        self.parts.extend(texts)

    def render(self) -> str:
        head = (
            _PREAMBLE
            + f"\\title{{{self.title}}}\n\\author{{generated by symmorse {__version__}}}\n\\date{{}}\n"
        )
        return head + "\\begin{document}\n\\maketitle\n\n" + "\n\n".join(self.parts) + "\n\n\\end{document}\n"


def _activation_math(act: Activation) -> str:
    """sigma, sigma', sigma'' of an activation as a display (one line if it fits), in z."""
    z = sympy.Symbol("z")
    parts = [act.sigma, act.derivative(_Z), act.second_derivative(_Z)]
    sigma, d1, d2 = (sympy.latex(e.xreplace({_Z: z})) for e in parts)
    items = [f"\\sigma(z) = {sigma}", f"\\sigma'(z) = {d1}", f"\\sigma''(z) = {d2}"]
    return _packed(items)


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


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], blocks: int = 1) -> str:
    """A centred ``tabular``; with ``blocks`` > 1 the rows are spread over side-by-side column groups."""
    per = -(-len(rows) // blocks)
    chunks = [rows[i * per : (i + 1) * per] for i in range(blocks)]
    width = len(header)
    lines = []
    for r in range(per):
        cells = []
        for chunk in chunks:
            cells += list(chunk[r]) if r < len(chunk) else [""] * width
        lines.append(" & ".join(cells))
    spec = "|".join(["l" * width] * blocks)
    head = " & ".join(list(header) * blocks)
    return (
        f"\\begin{{center}}\\begin{{tabular}}{{{spec}}}\n{head} \\\\ \\hline\n"
        + " \\\\\n".join(lines)
        + "\n\\end{tabular}\\end{center}"
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
            _tt(v),
            _node_symbol(G, v),
            str(G.nodes[v]["layer"]),
            _tt(net.activations[v].name) if v in net.activations else "",
        )
        for group in layers(G)
        for v in group
    ]
    table = _table(["node", "symbol", "depth", "activation"], nodes)
    if G.number_of_edges() > 60:
        return table + f"\n\nThe graph has {G.number_of_edges()} edges (listed in the architecture file)."
    edges = [(f"{_tt(u)} $\\to$ {_tt(v)}", f"${to_latex(net.weight(u, v))}$") for u, v in G.edges]
    return (
        table
        + "\n\nIts edges and their weights:\n"
        + _table(["edge", "weight"], edges, 2 if len(edges) > 8 else 1)
    )


def _network_section(doc: _Document, net: Network, c: Classification) -> None:
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
            f"The network is a general acyclic graph with {len(input_nodes(net.graph))} inputs, "
            f"{len(net.activations)} hidden units and one output ($p = {c.parameters}$ parameters). "
            "Its nodes, by depth (the longest path from an input):",
            _graph_picture(net),
        )
        fixed = fixed_parameters(net.graph)
        if fixed:
            doc.add(
                f"The architecture itself fixes {len(fixed)} parameters (for a residual network: the skip "
                "weights are 1 and the biases of the states are 0): "
                + ", ".join(f"${to_latex(net.symbol(name))} = {sympy.latex(v)}$" for name, v in fixed.items())
                + ". They are not free; every statement below is about the free parameters only, and a "
                "unit with a fixed bias is an identity unit, whose chart value is not a coordinate."
            )
    others = sorted({a.name for a in net.activations.values()} - {act.name})
    doc.add(
        f"The hidden units use the activation {_tt(act.name)}:",
        _activation_math(act),
    )
    if others:
        doc.add("Some units use other activations: " + ", ".join(_tt(n) for n in others) + ".")


def _forward_section(doc: _Document, net: Network) -> None:
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
        lines += _equation(to_latex(z[v]), e) or [f"{to_latex(z[v])} &= \\ldots"]
    out = _equation("\\Phi(x)", output)
    if len(forward) <= 12 and out and all(not line.endswith("\\ldots") for line in lines):
        doc.add("Componentwise:", _align(lines + out))
    else:
        doc.add("(The componentwise form is too long to be useful here.)")


_MAX_TERMS = 24  # expanded entries with more terms are not written out
_MAX_LINES = 36  # nor are blocks of equations longer than this


def _term_bound(expr: sympy.Expr) -> int:
    """An upper bound on the number of terms of ``expand(expr)``, without expanding."""
    if isinstance(expr, sympy.Add):
        return sum(_term_bound(a) for a in expr.args)
    if isinstance(expr, sympy.Mul):
        bound = 1
        for a in expr.args:
            bound *= _term_bound(a)
        return bound
    if isinstance(expr, sympy.Pow) and expr.exp.is_Integer and expr.exp > 0:
        return _term_bound(expr.base) ** int(expr.exp)
    return 1


def _written_out(entries: Sequence[tuple[str, sympy.Expr]], names: Mapping) -> str | None:
    """An ``align*`` block of expanded entries, or None if some entry or the block is too long."""
    lines: list[str] = []
    for lhs, expr in entries:
        if _term_bound(expr) > _MAX_TERMS:
            return None
        expanded = sympy.expand(expr)
        if len(sympy.Add.make_args(expanded)) > _MAX_TERMS:
            return None
        rows = _equation(lhs, expanded, names)
        if rows is None:
            return None
        lines += rows
    return _align(lines) if len(lines) <= _MAX_LINES else None


_LAYERED_HESSIAN = (
    "\\begin{gather*}\\Hess \\Phi(x) = \\sum_{l=1}^{L-1} J^{(l)T} "
    "\\diag\\bigl(\\sigma''(z^{(l)}) \\odot v^{(l)}\\bigr) J^{(l)}, \\\\ \\text{that is} \\quad "
    "H_{ab} = \\sum_{l=1}^{L-1} \\sum_{i=1}^{n_l} \\sigma''(z^{(l)}_i)\\, v^{(l)}_i\\, "
    "J^{(l)}_{i,a} J^{(l)}_{i,b}.\\end{gather*}"
)
_GRAPH_HESSIAN = (
    "\\[\\Hess \\Phi(x) = \\sum_{v\\ \\text{hidden}} \\sigma''(z_v)\\, \\lambda_v\\, J_v^{T} J_v.\\]"
)


def _derivative_sections(doc: _Document, net: Network) -> None:
    sd, names = _abstract_derivatives(net)
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
            block = _written_out(
                [(f"v^{{({l})}}_{{{i}}}", sd.adjoints[v]) for i, v in enumerate(groups[l], start=1)], names
            )
            if block is None:
                break
            doc.add(f"Layer {l}:" if l < len(groups) - 2 else f"Layer {l} ($v^{{({l})}} = w$):", block)
    gradient = _written_out(
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
    hessian = _written_out(entries, names)
    if hessian is not None:
        doc.add("Componentwise ($H_{ij} = H_{ji}$):", hessian)
        return
    if layered:
        for l in range(2, len(groups) - 1):
            block = _written_out(
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


def _chart_section(doc: _Document, net: Network) -> None:
    act = net.activation
    doc.section("Chart coordinates")
    if act.chart is None:
        doc.add(
            f"The activation {_tt(act.name)} has no chart in which $\\sigma'$ and $\\sigma''$ are rational, "
            "so symmorse cannot prove anything about it exactly."
        )
        return
    chart, u = act.chart, sympy.Symbol("u")
    interval = chart.interval
    doc.add(
        f"Replace every bias by the chart value of its pre-activation, $u = c(z)$. For {_tt(act.name)}:",
        f"\\[u = c(z) = {sympy.latex(chart.coordinate.subs(sympy.Symbol('z', real=True), sympy.Symbol('z')))}"
        f" \\in {sympy.latex(interval)}, \\qquad \\sigma'(z) = {sympy.latex(chart.d1.subs(_U, u))}, \\qquad "
        f"\\sigma''(z) = {sympy.latex(chart.d2.subs(_U, u))}.\\]",
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
        return f"The activation {_tt(act.name)} has no chart, so $\\sigma' > 0$ cannot be proved exactly."
    d1 = sympy.latex(act.chart.d1.subs(_U, sympy.Symbol("u")))
    interval = sympy.latex(act.chart.interval)
    if ok:
        return (
            f"For {_tt(act.name)}, $\\sigma'(z) = {d1}$ has no zero and no pole for "
            f"$u = c(z) \\in {interval}$ "
            "(exact real-root counting with Sturm sequences) and is positive at one point, so "
            "$\\sigma' > 0$ on $\\mathbb{R}$: this is proved, not assumed."
        )
    return (
        f"For {_tt(act.name)}, $\\sigma'(z) = {d1}$ is not positive on all of $u \\in {interval}$, so the "
        "hypothesis $\\sigma' > 0$ fails and none of the theorems applies: every verdict is undecided."
    )


def _classification_section(doc: _Document, net: Network, c: Classification) -> None:
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
            + _reason_math(c)
            + "."
        )
    else:
        g = c.graph
        doc.add(
            "This architecture is not a layered MLP, so its critical set is decomposed into death strata "
            "(below). "
            f"A minimum vertex cut between the inputs and the output has {g.min_cut} nodes "
            f"({', '.join(_tt(v) for v in g.cut_nodes)}); the generic ranks of $\\partial z / \\partial x$ "
            f"by depth are ${', '.join(map(str, g.depth_ranks))}$, and the output has fan-in "
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


def _reason_math(c: Classification) -> str:
    ws = c.widths
    if c.kind == "non-augmented":
        return "$n_0 \\ge n_1 \\ge \\dots \\ge n_{L-1}$"
    if c.kind == "bottleneck":
        k = next(b.step for b in c.branches if b.source_width < ws[0])
        return f"the widening step $k = {k}$ starts at $n_{{{k - 1}}} = {ws[k - 1]} < n_0 = {ws[0]}$"
    return f"no widening step starts below $n_0 = {ws[0]}$"


_KIND_MEANING = {
    "morse": "isolated critical points; one point with $\\det \\Hess \\Phi \\ne 0$ proves Morse almost "
    "everywhere on the branch",
    "degenerate": "$\\Phi$ factors through layer $k-1$; critical manifolds of dimension $n_0 - n_{k-1}$",
    "null": "critical points only for a null set of weights",
}


def _branch_section(doc: _Document, c: Classification, statuses: Mapping[int, str]) -> None:
    doc.section("Critical branches")
    if not c.branches:
        doc.add(
            "There is no widening step, so there is no critical branch."
            if c.widths is not None
            else "The branches inside a general graph are not enumerated; the output branch is treated below."
        )
        return
    rows = []
    for b in c.branches:
        rows.append(
            f"{b.step} & ${b.source_width} \\to {b.target_width}$ & {b.narrowest} & {b.kind} & "
            f"{b.dimension} & {b.critical_weights_dimension} & {statuses.get(b.step, '--')}"
        )
    p, n0 = c.parameters, c.widths[0]
    doc.add(
        "At a critical point the backward vector dies at a last layer $k$ (a widening step): the branch "
        "$B_k = \\{v^{(k)} \\ne 0,\\ W^{(k)T} D^{(k)} v^{(k)} = 0\\}$. In chart coordinates it is a linear "
        f"bundle of dimension $\\dim B_k = p + n_0 - n_{{k-1}}$ inside the $(x, \\theta)$-space of dimension "
        f"$p + n_0 = {p + n0}$. With $m_{{k-1}} = \\min(n_0, \\ldots, n_{{k-1}})$ the narrowest "
        "layer so far, the weights having a critical point on $B_k$ form a set of dimension at most "
        "$p - (n_{k-1} - m_{k-1})$, and the kind of the branch follows:",
        "\\begin{center}\\begin{tabular}{c|cccccc}\n"
        "$k$ & $n_{k-1} \\to n_k$ & $m_{k-1}$ & kind & $\\dim B_k$ & weights & status \\\\ \\hline\n"
        + " \\\\\n".join(rows)
        + "\n\\end{tabular}\\end{center}",
        "\\begin{itemize}\n"
        + "\n".join(
            f"\\item \\textbf{{{kind}}}: {meaning}."
            for kind, meaning in _KIND_MEANING.items()
            if any(b.kind == kind for b in c.branches)
        )
        + "\n\\end{itemize}",
    )


def _parsed(text: str) -> sympy.Expr:
    return parse_expression(text, [], functions=("atanh", "log", "atan"), what="witness bias")


def _inertia(M: flint.fmpq_mat) -> tuple[int, int]:
    """(negative, positive) eigenvalue counts of a symmetric rational matrix, exactly.

    The characteristic polynomial of a symmetric matrix has only real roots, so
    Descartes' rule of signs counts its positive and negative roots exactly.
    """
    coeffs = M.charpoly().coeffs()

    def changes(cs: list) -> int:
        cs = [c for c in cs if c != 0]
        return sum(1 for a, b in zip(cs, cs[1:]) if (a > 0) != (b > 0))

    return changes([c * (-1) ** k for k, c in enumerate(coeffs)]), changes(coeffs)


def _layered_witness(doc: _Document, data: dict, branch: dict, net: Network) -> None:
    """The witness of one branch: its numbers, the backward vectors down to 0, and the Hessian check."""
    k, kind = branch["step"], branch["kind"]
    ws = data["architecture"]["widths"]
    top, n0, nums = len(ws) - 2, ws[0], doc.numbers
    witness = branch["witness"]
    point = ChartPoint.from_json(witness)
    layer_acts = data.get("layer_activations", {})
    charts = {l: get_activation(layer_acts.get(str(l), data["activation"])).chart for l in range(1, top + 1)}
    d = chart_derivatives(charts, point)
    values = [("x", f"= {nums.vector(point.x)}")]
    for l in range(1, top + 1):
        W = point.W[l]
        shape = f"\\in \\mathbb{{Q}}^{{{W.nrows()} \\times {W.ncols()}}}"
        values.append((f"W^{{({l})}}", f"= {nums.matrix(_rows(W))}" if _fits(W) else shape))
        values.append((f"u^{{({l})}}", f"= {nums.vector(point.u[l])}"))
    values.append(("w", f"= {nums.vector(point.w.entries())}"))
    body = [
        f"\\subsection*{{Branch $k = {k}$ ({kind}): the witness}}\nIn chart coordinates (all numbers exact "
        "rationals):",
        _align([f"{lhs} &{rhs}" for lhs, rhs in values]),
    ]
    biases = [
        f"b^{{({l})}}_{{{i}}} = {to_latex(_parsed(text))}"
        for l in range(1, top + 1)
        for i, text in enumerate(witness["biases"][str(l)], start=1)
    ]
    if len(biases) <= 40:
        body.append(
            "The same point in ordinary weights: the biases "
            "$b^{(l)} = c^{-1}(u^{(l)}) - W^{(l)} h^{(l-1)}(x)$ are"
        )
        body.append(_packed(biases) + "\nand the output bias is $0$.")
    body.append(
        "\\textbf{The check.} In chart coordinates $\\sigma'$ and $\\sigma''$ are rational in $u$, so "
        "everything below is exact rational arithmetic."
    )
    d1 = {l: [charts[l].exact[0](a) for a in point.u[l]] for l in point.u}
    lines = []
    for l in range(top, -1, -1):
        v = d.v[l].entries()
        rhs = "w" if l == top else f"W^{{({l + 1})T}} D^{{({l + 1})}} v^{{({l + 1})}}"
        lines.append(f"v^{{({l})}} &= {rhs} = {nums.vector(v)}")
        if l:
            lines.append(f"D^{{({l})}} &= \\diag {nums.vector(d1[l], transposed=False)}")
    body.append(_align(lines))
    dead = all(a == 0 for a in d.v[k - 1].entries())
    alive = any(a != 0 for a in d.v[k].entries())
    ne, eq = "\\ne", "="
    body.append(
        f"So $v^{{({k})}} {ne if alive else eq} 0$ and $v^{{({k - 1})}} {eq if dead else ne} 0$: the point "
        f"lies on $B_{{{k}}}$, and $\\nabla \\Phi(x) = v^{{(0)}} = 0$ exactly: $x$ is a critical point."
        if dead and alive
        else "The backward vectors do not match the branch (this cannot happen for an accepted certificate)."
    )
    H = d.hessian
    hessian = nums.matrix_lines("\\Hess \\Phi(x)", _rows(H)) if _fits(H) else []
    if kind == "morse":
        det = H.det()
        neg, _ = _inertia(H)
        relation = "\\ne" if det != 0 else "="
        body.append(_align([*hessian, f"\\det \\Hess \\Phi(x) &= {nums.q(det)} {relation} 0"]))
        body.append(
            f"The critical point is non-degenerate; its Morse index (the number of negative eigenvalues, "
            f"counted exactly with Descartes' rule on the characteristic polynomial, whose roots are all "
            f"real) is ${neg}$"
            + (" (a local minimum)." if neg == 0 else " (a local maximum)." if neg == n0 else " (a saddle).")
        )
    else:
        g = chart_derivatives(charts, point, first=k)
        Hg = g.hessian
        rank_j = d.J[k - 1].rank() if k > 1 else n0
        body.append(_align([*hessian, f"\\rank \\Hess \\Phi(x) &= {H.rank()} < n_0 = {n0}"]))
        body.append(
            f"The rest of the network, $g$ as a function of $h^{{({k - 1})}}$, is non-degenerate at its "
            "critical point:"
        )
        hessian_g = nums.matrix_lines("\\Hess g", _rows(Hg)) if _fits(Hg) else []
        body.append(_align([*hessian_g, f"\\det \\Hess g &= {nums.q(Hg.det())} \\ne 0"]))
        body.append(
            f"and $\\rank J^{{({k - 1})}} = {rank_j} = n_{{{k - 1}}}$. So the critical points near $x$ form "
            f"a manifold of dimension $n_0 - n_{{{k - 1}}} = {n0 - ws[k - 1]}$, all degenerate, for an open "
            "set of weights."
        )
    doc.add(*body)


_RULE_TEXT = {
    "cut": "cut",
    "block": "block",
    "dimension": "witness",
    "fixed": "fixed weights",
}


def _strata_section(doc: _Document, data: dict) -> None:
    """The strata and families of a strata certificate as a table, and what each entry proves."""
    doc.section("Death strata")
    n0, p = data["inputs"], data["parameters"]
    rows = []
    for k, e in enumerate(data["strata"], start=1):
        cancelling = ", ".join(_tt(v) for v in e["cancelling"])
        if e["rule"] == "cut" and "paths" in e:
            evidence = f"{len(e['paths'])} disjoint paths"
        elif e["rule"] == "cut":
            evidence = f"$\\kappa = {e['kappa']}$"
        elif e["rule"] == "block":
            evidence = f"$|B| = {len(e['block']['B'])} \\le |A| = {len(e['block']['A'])}$"
        elif e["status"] == "witness":
            evidence = "$\\det \\Hess \\Phi \\ne 0$" if e["kind"] == "morse" else "rank $c$ in $x$"
        else:
            evidence = "--"
        scope = "stratum" if e["complete"] else "family"
        rows.append([str(k), scope, cancelling, str(e["c"]), e["kind"], evidence])
    doc.add(
        "Going down from the output in a fixed order, each node with a live successor is live or "
        "cancelling; a node without one is dead (forced), an input with one cancels. A stratum is fixed by "
        "its cancelling nodes. A family is a partial assignment all of whose completions one rule "
        f"closes, so the strata with more than $n_0 = {n0}$ free cancellations are never listed one by one. "
        f"Here $p = {p}$.",
        _table(["", "scope", "cancelling nodes", "$c$", "kind", "evidence"], rows),
    )


def _strata_witnesses(doc: _Document, data: dict, net: Network) -> None:
    """The verified witnesses of a strata certificate: weights, chart values and the claim."""
    nums = doc.numbers
    for k, e in enumerate(data["strata"], start=1):
        if e.get("status") != "witness":
            continue
        wit = e["witness"]
        edges = [
            (f"{_tt(a)} $\\to$ {_tt(b)}", f"${to_latex(net.weight(a, b))} = {nums.q(to_fmpq(t))}$")
            for a, b, t in wit["weights"]
        ]
        units = [(_tt(v), f"${to_latex(net.chart_symbols[v])} = {nums.q(to_fmpq(t))}$") for v, t in wit["u"]]
        claim = (
            f"\\det \\Hess \\Phi(x) = {nums.q(to_fmpq(e['claims']['det_hessian']))} \\ne 0"
            if e["kind"] == "morse"
            else "\\operatorname{rank} \\partial E / \\partial x = "
            f"{e['claims']['rank_cancellation_jacobian']} = c"
        )
        doc.add(
            f"\\subsection*{{Witness on stratum {k} "
            f"(cancelling {', '.join(_tt(v) for v in e['cancelling'])})}}",
            "Random rationals for the chart values and the weights, then for each cancelling node one free "
            "out-weight solved from its cancellation, which puts the point on the stratum. Weights:",
            _table(["edge", "weight"], edges, 2 if len(edges) > 8 else 1),
            "and chart values of the non-linear units:",
            _table(["unit", "chart value"], units, 2 if len(units) > 8 else 1),
            f"At $x = {nums.vector([to_fmpq(t) for t in wit['x']])}$ the adjoints vanish exactly on the dead "
            f"set, so $x$ is a critical point on the stratum, and $${claim}.$$",
        )


_VERDICT_TEXT = {
    ("critical_points", "none"): "$\\Phi$ has no critical point, for every choice of full-rank weights.",
    ("critical_points", "generic"): "$\\Phi$ has critical points for an open (so positive-measure) set of "
    "weights.",
    ("critical_points", "undecided"): "Whether $\\Phi$ has critical points for an open set of weights is "
    "undecided.",
    ("morse", "generic"): "$\\Phi$ is a Morse function for almost every weight.",
    ("morse", "fails"): "$\\Phi$ is not Morse for an open set of weights: it has degenerate critical "
    "manifolds.",
    ("morse", "undecided"): "Whether $\\Phi$ is Morse for almost every weight is undecided.",
}


def _conclusion(doc: _Document, data: dict, accepted: str, where: str) -> None:
    doc.section("Conclusion")
    items = [
        _VERDICT_TEXT[("critical_points", data["critical_points"])],
        _VERDICT_TEXT[("morse", data["morse"])],
    ]
    if "strata" in data and data["critical_points"] == "none":
        items[0] = (
            "Only a null set of weights gives $\\Phi$ a critical point: every stratum is null or empty."
        )
    doc.add(
        "\\begin{itemize}\n" + "\n".join(f"\\item {t}" for t in items) + "\n\\end{itemize}",
        f"Status: \\textbf{{{data['status']}}}. "
        + (
            "Both verdicts rest on exact rational arithmetic only."
            if data["status"] == "proved"
            else "What the method cannot decide is left undecided rather than guessed."
        ),
        f"{where[0].upper() + where[1:]} was re-checked by symmorse's independent checker (a short kernel "
        "that re-derives the classification, the branches, the backward vectors and the structured "
        "Hessian at "
        f"every witness, importing nothing from the search) before this document was written: "
        f"\\emph{{{escape_text(accepted)}}}.",
    )


def _certificate_network(data: dict) -> Network:
    arch = data["architecture"]
    if "nodes" in arch:
        return Network(from_json(arch), data["activation"])
    ws = arch["widths"]
    acts = data.get("layer_activations", {})
    return Network(mlp(ws, [acts.get(str(l)) for l in range(1, len(ws) - 1)]), data["activation"])


def certificate_document(data: object, source: str | None = None) -> str:
    """A complete LaTeX document explaining a certificate, after the checker accepts it.

    Parameters
    ----------
    data : dict
        A parsed certificate (format ``symmorse-certificate/1``).
    source : str, optional
        Where the certificate came from (a file name), named in the document.

    Raises
    ------
    CertificateError
        If ``data`` is not a certificate at all.
    CertificateRejected
        If the checker rejects it (nothing is written about a false claim).

    Examples
    --------
    >>> tex = certificate_document(certify("2,3,1").to_json(), "cert.json")
    >>> tex.startswith("\\\\documentclass") and "264266145 \\\\ne 0" in tex
    True
    """
    return _certificate_document(data, source, f"the certificate file {_tt(source)}" if source else None)


def _certificate_document(data: object, source: str | None, where: str | None) -> str:
    result = check_certificate(data)
    if not result.accepted:
        raise CertificateRejected(result.reason)
    net = _certificate_network(data)
    c = classify(net.graph, net.activation, route="graph" if "strata" in data else "auto")
    doc = _Document(_title(net), where or "the certificate")
    doc.add(
        "This document explains, step by step, what symmorse proves about the critical points of the "
        "network below, and checks every claim of "
        + (f"{where}" if source else "its certificate")
        + " with exact numbers. A critical point is an input $x$ with $\\nabla \\Phi(x) = 0$; it is "
        "non-degenerate (Morse) when $\\det \\Hess \\Phi(x) \\ne 0$."
    )
    _network_section(doc, net, c)
    _forward_section(doc, net)
    _derivative_sections(doc, net)
    _chart_section(doc, net)
    _classification_section(doc, net, c)
    if "strata" in data:
        _strata_section(doc, data)
        if any(e.get("status") == "witness" for e in data["strata"]):
            doc.section("Witnesses")
            _strata_witnesses(doc, data, net)
    else:
        statuses = {b["step"]: b.get("status", "--") for b in data["branches"]}
        _branch_section(doc, c, statuses)
        witnesses = [b for b in data["branches"] if b.get("status") == "witness"]
        if witnesses:
            doc.section("Witnesses")
            doc.add(
                "A witness is one exact point on a branch, in chart coordinates: random rationals for $u$, "
                "$w$ and the other weights, then $W^{(k)}$ chosen with columns orthogonal to "
                "$D^{(k)} v^{(k)}$, which makes the point critical."
            )
            for b in witnesses:
                _layered_witness(doc, data, b, net)
    _conclusion(doc, data, result.reason, where or "the certificate")
    return doc.render()


def _title(net: Network, prefix: str = "Critical points of") -> str:
    ws = net.widths
    G = net.graph
    unnamed = f"a graph network ({G.number_of_nodes()} nodes, {G.number_of_edges()} edges)"
    what = f"the {net.describe()} network" if ws or G.graph.get("name") else unnamed
    return f"{prefix} {what} with {_tt(net.activation.name)}"


def architecture_document(
    architecture: str | Sequence[int] | nx.DiGraph,
    activation: str | Activation = "tanh",
    seed: int = 0,
    name: str | None = None,
    route: str = "auto",
) -> str:
    """A complete LaTeX document for an architecture: certified with ``seed``, checked, explained.

    ``name`` is how the architecture is spelt on the command line (a graph's file
    name), for the footnote that says how to get the full certificate; ``route``
    as for :func:`~symmorse.search.certify.certify` (``"graph"``: by its death strata).

    Examples
    --------
    >>> tex = architecture_document("3,2,1")
    >>> "no critical point" in tex and tex.endswith("\\\\end{document}\\n")
    True
    """
    cert = certify(architecture, activation, seed, route=route)
    spelt = name or cert.classification.architecture
    command = f"symmorse certify {spelt} --activation {cert.activation.name} --seed {seed}"
    command += " --graph" if route == "graph" else ""
    return _certificate_document(cert.to_json(), None, f"the certificate that {_tt(command)} writes")


# -- concrete weights -----------------------------------------------------------------------------


def critical_points_latex(result: Mapping) -> str:
    """The certified critical points of concrete weights as a LaTeX table.

    Takes the JSON form of a critical-points result: ``{"points": [{"center":
    [...], "index": k, "status": "unique"}, ...], "unresolved": [boxes],
    "complete": bool}`` (centres as decimal strings).

    Examples
    --------
    >>> print(critical_points_latex({"points": [{"center": ["0.5", "-1"], "index": 1, "status": "unique"}],
    ...                              "unresolved": [], "complete": True}))  # doctest: +ELLIPSIS
    \\begin{center}\\begin{tabular}{rlcl}...
    1 & $(0.5,\\ -1)$ & 1 & unique...
    """
    rows = []
    for i, p in enumerate(result.get("points", []), start=1):
        centre = ",\\ ".join(escape_text(c) for c in p["center"])
        rows.append(f"{i} & $({centre})$ & {int(p['index'])} & {escape_text(p['status'])}")
    table = (
        "\\begin{center}\\begin{tabular}{rlcl}\n & centre & Morse index & status \\\\ \\hline\n"
        + (" \\\\\n".join(rows) if rows else "\\multicolumn{4}{c}{no critical point}")
        + "\n\\end{tabular}\\end{center}"
    )
    unresolved = len(result.get("unresolved", []))
    tail = (
        "The enumeration is complete: these are all critical points in the box."
        if result.get("complete")
        else f"The enumeration is not complete: {unresolved} box(es) stayed unresolved (degenerate points "
        "or critical curves); they are reported, never counted as points."
    )
    return table + "\n\n" + tail


def _weights_section(doc: _Document, net: Network) -> list[str]:
    """The given weights as matrices and vectors, layer by layer."""
    nums = doc.numbers
    groups = layers(net.graph)
    if net.widths is None:
        return [
            "The weights are those of the edge table above; the biases are:",
            _packed(
                [
                    f"{to_latex(net.symbol(bias_parameter(net.graph, v)))} = {nums.q(net.bias(v))}"
                    for group in groups[1:]
                    for v in group
                ]
            ),
        ]
    lines = []
    for l in range(1, len(groups)):
        W = [[net.weight(a, v) for a in groups[l - 1]] for v in groups[l]]
        b = [net.bias(v) for v in groups[l]]
        if l == len(groups) - 1:
            lines.append(f"w^{{T}} &= {nums.matrix(W)}, \\qquad b^{{({l})}} = {nums.q(b[0])}")
        elif _fits(W):
            lines.append(f"W^{{({l})}} &= {nums.matrix(W)}, \\qquad b^{{({l})}} = {nums.vector(b)}")
        else:
            lines.append(f"W^{{({l})}} &\\in \\mathbb{{Q}}^{{{len(W)} \\times {len(W[0])}}}")
    return [
        "Every number is exact: a decimal or float in the file is read as the binary fraction it is "
        "(so 0.1 becomes $3602879701896397/2^{55}$).",
        _align(lines),
    ]


def weights_document(net: Network, source: str | None = None, critical: Mapping | None = None) -> str:
    """A complete LaTeX document for a network with given weights.

    Phi, gradient and Hessian with the numbers, the ranks of the weight
    matrices and the normal form if one is rank-deficient, the classification,
    and -- when ``critical`` gives a critical-points result (its JSON form, see
    :func:`critical_points_latex`) -- the certified critical points.

    Examples
    --------
    >>> layers = [{"W": [[1, 2], [2, 4], [3, 6]], "b": [0, 1, 2]}, {"W": [[1, 1, 1]], "b": [0]}]
    >>> tex = weights_document(Network("2,3,1", "tanh", layers))
    >>> "normal form" in tex and "rank deficient" in tex
    True
    """
    if net.free_parameters:
        names = ", ".join(s.name for s in net.free_parameters[:5])
        raise WeightsError(f"a document for concrete weights needs all of them; missing {names}")
    c = classify(net.graph, net.activation)
    where = f"the weights file {_tt(source)}" if source else "the weights"
    doc = _Document(_title(net, "Derivatives of"), where)
    doc.add(
        f"This document derives $\\Phi$, its gradient and its Hessian for the concrete weights of {where}, "
        "and says what the structure of the network implies for its critical points."
    )
    _network_section(doc, net, c)
    doc.subsection("The weights")
    doc.add(*_weights_section(doc, net))
    _forward_section(doc, net)
    _derivative_sections(doc, net)
    _classification_section(doc, net, c)
    nf = normal_form(net) if net.widths is not None else None
    if nf is not None:
        _normal_form_section(doc, nf)
    doc.section("Critical points of these weights")
    doc.add(_weights_conclusion(net, c, nf))
    if critical is not None:
        doc.add(
            "The certified enumeration of the critical points in the box:", critical_points_latex(critical)
        )
    return doc.render()


def _normal_form_section(doc: _Document, nf) -> None:
    doc.section("Ranks and normal form")
    ranks = ", ".join(f"$\\rank W^{{({l})}} = {r}$" for l, r in enumerate(nf.ranks, start=1))
    if not nf.inserted:
        doc.add(f"Every weight matrix has full rank ({ranks}): the network is its own normal form.")
        return
    inserted = ", ".join(f"$W^{{({l})}}$ has rank {r}" for l, r in nf.inserted)
    doc.add(
        f"Ranks: {ranks}. Some weight matrices are rank deficient ({inserted}). Each factors exactly as "
        "$W^{(l)} = U V$ with $U$ of size $n_l \\times r$ and $V$ of size $r \\times n_{l-1}$, both of "
        "full rank $r$, and an identity layer of width $r$ (weights $V$, bias 0) is inserted before layer "
        "$l$ (weights $U$). This is the normal form of the network:",
        f"\\[\\text{{widths }} {escape_text(nf.original.describe())} \\quad\\longrightarrow\\quad "
        f"\\text{{widths }} {escape_text(nf.network.describe())}.\\]",
        "$\\Phi$ is unchanged: "
        + (
            "proved ($UV = W$ exactly, and the two expressions for $\\Phi$ expand to the same thing)."
            if nf.unchanged
            else "NOT proved."
        )
        + f" The normal form is \\textbf{{{nf.classification.kind}}}: {_reason_math(nf.classification)}.",
    )


def _weights_conclusion(net: Network, c: Classification, nf) -> str:
    """What the structure proves about the critical points of these very weights."""
    if not c.monotone:
        return "The hypothesis $\\sigma' > 0$ fails, so the structure proves nothing here."
    if nf is None:
        return (
            "For a general graph the structure alone does not decide the critical points of given weights; "
            "see the classification above for what holds for almost every weight."
        )
    kind, n0 = nf.classification.kind, net.widths[0]
    if kind == "non-augmented":
        return (
            "Every weight matrix of the normal form has full rank and its widths never grow, so the theorem "
            "of the non-augmented class applies to these very weights: $\\Phi$ has no critical point at all "
            "(proved)."
        )
    if kind == "bottleneck":
        first = nf.inserted[0] if nf.inserted else None
        if first is not None and first[0] == 1:
            r = first[1]
            return (
                f"$W^{{(1)}}$ has rank $r = {r} < n_0 = {n0}$, so $\\Phi(x) = g(Vx)$ depends on $x$ only "
                f"through $r$ linear combinations, and $\\Hess \\Phi = V^{{T}} (\\Hess g)\\, V$ has rank at "
                f"most {r} everywhere: every critical point of $\\Phi$ is degenerate. As $V^{{T}}$ is "
                f"injective, "
                f"$\\nabla \\Phi(x) = 0$ exactly when $\\nabla g(Vx) = 0$: the critical points form affine "
                f"subspaces of dimension $n_0 - r = {n0 - r}$ (proved)."
            )
        return (
            "The normal form has a layer narrower than the input, so $\\Phi = g \\circ y$ with $y(x)$ of "
            "fewer than $n_0$ components. At a critical point where the Jacobian of $y$ has full rank, "
            "$\\nabla g = 0$ and $\\Hess \\Phi = J_y^{T} (\\Hess g) J_y$ has rank below $n_0$: such critical "
            "points are degenerate and come in manifolds."
        )
    return (
        f"The normal form is {kind}: for almost every weight, critical points (where they exist) are "
        "non-degenerate, and they exist for an open set of weights. Whether these particular weights have "
        "critical points, where, and of which Morse index, the structure alone does not say; it needs a "
        "certified enumeration."
    )


# -- compiling ---------------------------------------------------------------------------------------


def compile_pdf(tex_path: str, pdflatex: str = "pdflatex") -> str:
    """Compile a ``.tex`` file with pdflatex in a temporary directory; the PDF goes next to it.

    Returns the PDF's path.

    Raises
    ------
    SymmorseError
        If pdflatex is not installed.
    RuntimeError
        If pdflatex fails (a bug in the generated document): with pdflatex's first error.
    """
    program = shutil.which(pdflatex)
    if program is None:
        raise SymmorseError(
            f"pdflatex is not installed, so no PDF was made ({tex_path} is written); install it, e.g. "
            "apt-get install texlive-latex-base texlive-latex-recommended"
        )
    base = os.path.splitext(os.path.basename(tex_path))[0]
    target = os.path.splitext(os.path.abspath(tex_path))[0] + ".pdf"
    with tempfile.TemporaryDirectory(prefix="symmorse-latex-") as tmp:
        shutil.copyfile(tex_path, os.path.join(tmp, base + ".tex"))
        run = subprocess.run(
            [program, "-interaction=nonstopmode", "-halt-on-error", base + ".tex"],
            cwd=tmp,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=300,
        )
        pdf = os.path.join(tmp, base + ".pdf")
        if run.returncode != 0 or not os.path.exists(pdf):
            errors = [line for line in run.stdout.splitlines() if line.startswith("!")]
            raise RuntimeError(f"pdflatex failed on {tex_path}: {errors[0] if errors else run.returncode}")
        fd, partial = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".symmorse-", suffix=".pdf")
        os.close(fd)
        try:
            shutil.copyfile(pdf, partial)
            os.replace(partial, target)
        except BaseException:
            if os.path.exists(partial):
                os.unlink(partial)
            raise
    return target
