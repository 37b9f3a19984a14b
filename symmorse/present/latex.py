"""LaTeX for networks and derivations: symbols, formulas, notebook output.

Symbols are named in :mod:`symmorse.model.architecture` (``W1_2_3``, ``b1_2``,
``w3``, ``u1_2``, ``z1_2``, ``x1``); here they become ``W^{(1)}_{2,3}``,
``b^{(1)}_{2}``, ``w_{3}``, ``u^{(1)}_{2}``, ``z^{(1)}_{2}``, ``x_{1}``.
Networks, classifications and certificates are shown in notebooks by the short
forms here (:mod:`symmorse.present.notebook` registers them with IPython); whole
documents are written by :mod:`symmorse.present.documents`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import sympy

from ..exact.words import plural
from ..model.network import Coordinates, Network
from ..search.classify import Classification
from .report import MAX_DET_INPUTS, forward_pass, small_expansion

if TYPE_CHECKING:
    from ..search.certify import Certificate
    from ..search.certify_graph import GraphCertificate
    from ..search.critical_results import CriticalPointsResult
    from ..search.embedding import Embedding

__all__ = [
    "symbol_latex",
    "latex_names",
    "to_latex",
    "escape_text",
    "derivation_latex",
    "network_latex",
    "classification_latex",
    "certificate_latex",
    "critical_points_result_latex",
    "embedding_latex",
]

_NAME = re.compile(r"^([A-Za-z])(\d+)((?:_\d+)*)$")


def symbol_latex(name: str) -> str:
    """LaTeX for one of symmorse's symbol names.

    Layer numbers become parenthesised superscripts; a weight that skips
    layers (``W3_1_1_2``: into unit 1 of layer 3 from unit 2 of layer 1) shows
    both layers.  Other names are left to SymPy.

    Examples
    --------
    >>> symbol_latex("W1_2_3"), symbol_latex("w3"), symbol_latex("b2")
    ('W^{(1)}_{2,3}', 'w_{3}', 'b^{(2)}')
    >>> symbol_latex("W3_1_1_2"), symbol_latex("w1_2")
    ('W^{(3,1)}_{1,2}', 'w^{(1)}_{2}')
    """
    m = _NAME.match(name)
    if not m:
        return sympy.latex(sympy.Symbol(name))
    letter, first, rest = m.group(1), m.group(2), [p for p in m.group(3).split("_") if p]
    if letter in "xw" and not rest:
        return f"{letter}_{{{first}}}"
    if letter == "w":  # w{k}_{j}: output weight from unit j of layer k
        return f"w^{{({first})}}_{{{rest[0]}}}"
    if letter == "W" and len(rest) == 3:  # W{l}_{i}_{k}_{j}: skip edge
        return f"W^{{({first},{rest[1]})}}_{{{rest[0]},{rest[2]}}}"
    sub = ",".join(rest)
    return f"{letter}^{{({first})}}" + (f"_{{{sub}}}" if sub else "")


def latex_names(symbols: Iterable[sympy.Symbol]) -> dict[sympy.Symbol, str]:
    """``symbol_names`` for :func:`sympy.latex`, for the given symbols.

    Examples
    --------
    >>> latex_names(sympy.symbols("W2_1_3 x1"))
    {W2_1_3: 'W^{(2)}_{1,3}', x1: 'x_{1}'}
    """
    return {s: symbol_latex(s.name) for s in symbols}


def to_latex(expr: sympy.Basic, names: Mapping[sympy.Symbol, str] | None = None) -> str:
    """:func:`sympy.latex` with symmorse's symbol names (``names`` overrides some).

    Examples
    --------
    >>> W, x = sympy.symbols("W1_1_2 x2")
    >>> to_latex(sympy.tanh(W * x))
    '\\\\tanh{\\\\left(W^{(1)}_{1,2} x_{2} \\\\right)}'
    """
    symbol_names = latex_names(expr.free_symbols)
    symbol_names.update({s: t for s, t in (names or {}).items() if s in symbol_names})
    return sympy.latex(expr, symbol_names=symbol_names)


# -- text ----------------------------------------------------------------------------------------

_TT_SPECIAL = {c: f"\\char`\\{c}" for c in "\\{}$&#^_%~"}


def escape_text(text: object) -> str:
    """Any text (node names, file names, activation names) as safe LaTeX for ``\\texttt``.

    TeX's special characters become ``\\char`` codes of the typewriter font and
    characters outside ASCII are written as ``<U+XXXX>``, so no input can
    break or inject into a document.

    Examples
    --------
    >>> escape_text("poly:z**3+z")
    'poly:z**3+z'
    >>> escape_text("a_b{$}")
    'a\\\\char`\\\\_b\\\\char`\\\\{\\\\char`\\\\$\\\\char`\\\\}'
    >>> escape_text("x→y")
    'x<U+2192>y'
    """
    out = []
    for c in str(text):
        if c in _TT_SPECIAL:
            out.append(_TT_SPECIAL[c])
        elif " " <= c <= "~":
            out.append(c)
        else:
            out.append(f"<U+{ord(c):04X}>")
    return "".join(out)


# -- derivations -------------------------------------------------------------------------------


def derivation_latex(net: Network, coordinates: Coordinates = "z") -> str:
    """An ``align*`` block with the derivation's equations, for pasting into a document.

    Examples
    --------
    >>> print(derivation_latex(Network("1,1,1", "tanh")))  # doctest: +ELLIPSIS
    \\begin{align*}
    z^{(1)}_{1} &= W^{(1)}_{1,1} x_{1} + b^{(1)}_{1} \\\\
    ...
    \\end{align*}
    """
    sd = net.derivatives(coordinates)
    forward, output = forward_pass(net)
    z = net.preactivation_symbols
    rows = [f"{to_latex(z[v])} &= {to_latex(e)}" for v, e in forward.items()]
    rows.append(f"\\Phi(x) &= {to_latex(output)}")
    if coordinates == "chart":
        rows += [
            f"{to_latex(u)} &= {to_latex(net.activations[v].chart(z[v]))}"
            for v, u in net.chart_symbols.items()
        ]
    rows += [
        f"\\frac{{\\partial \\Phi}}{{\\partial {to_latex(x)}}} &= {to_latex(g)}"
        for x, g in zip(net.inputs, sd.gradient)
    ]
    n0 = len(net.inputs)
    rows += [f"H_{{{i + 1}{j + 1}}} &= {to_latex(sd.hessian[i][j])}" for i in range(n0) for j in range(i, n0)]
    if n0 <= MAX_DET_INPUTS:
        det = small_expansion(net.hessian_det(coordinates))
        rows.append(f"\\det \\operatorname{{Hess}} \\Phi &= {to_latex(det)}")
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


# -- short forms for notebooks -------------------------------------------------------------------

_REPR_CHARS = 600


def network_latex(net: Network) -> str:
    """Phi as one formula (or the signature, if it is long), for ``_repr_latex_``.

    Examples
    --------
    >>> print(network_latex(Network("1,1,1", "tanh")))
    $\\displaystyle \\Phi(x) = b^{(2)} + w_{1} \\tanh{\\left(W^{(1)}_{1,1} x_{1} + b^{(1)}_{1} \\right)}$
    """
    tex = to_latex(net.output)
    if len(tex) <= _REPR_CHARS:
        return f"$\\displaystyle \\Phi(x) = {tex}$"
    return (
        f"$\\Phi\\colon \\mathbb{{R}}^{{{len(net.inputs)}}} \\to \\mathbb{{R}},\\ "
        f"\\text{{{_plain(net.describe())}, {_plain(net.activation.name)}}}$"
    )


def _plain(text: str) -> str:
    """Text for ``\\text{}`` in notebooks (MathJax has no ``\\char``): keep only safe characters."""
    return re.sub(r"[^A-Za-z0-9 ,.:;()+*/=-]", "?", text)


def _branch_array(branches: Sequence, statuses: Sequence[str] | None = None) -> str:
    head = "k & n_{k-1} \\to n_k & m_{k-1} & \\text{kind} & \\dim B_k & \\dim\\text{(weights)}"
    rows = []
    for i, b in enumerate(branches):
        row = (
            f"{b.step} & {b.source_width} \\to {b.target_width} & {b.narrowest} & \\text{{{b.kind}}} & "
            f"{b.dimension} & {b.critical_weights_dimension}"
        )
        rows.append(row + (f" & \\text{{{statuses[i]}}}" if statuses else ""))
    cols = "c|ccccc" + ("c" if statuses else "")
    head += " & \\text{status}" if statuses else ""
    return f"\\begin{{array}}{{{cols}}} {head} \\\\ \\hline " + " \\\\ ".join(rows) + " \\end{array}"


def _strata_array(results: Sequence) -> str:
    """The listed strata (complete ones) of a strata certificate: cancelling nodes, c, kind, status."""
    rows = [
        f"\\text{{{_plain(', '.join(map(str, r.stratum.cancelling)))}}} & {r.stratum.c} & "
        f"\\text{{{r.stratum.kind}}} & \\text{{{r.status}}}"
        for r in results
        if r.stratum.complete
    ]
    families = sum(not r.stratum.complete for r in results)
    head = "\\text{cancelling} & c & \\text{kind} & \\text{status}"
    table = f"\\begin{{array}}{{l|ccc}} {head} \\\\ \\hline " + " \\\\ ".join(rows) + " \\end{array}"
    return table + f" \\\\ \\text{{and {plural(families, 'family')} of strata closed by a rule}}"


def classification_latex(c: Classification) -> str:
    """The class and the branch table as one display, for ``_repr_latex_``.

    Examples
    --------
    >>> from symmorse.search.classify import classify
    >>> print(classification_latex(classify("2,3,1")))  # doctest: +ELLIPSIS
    $$\\begin{array}{l}\\text{2,3,1: augmented} \\\\ \\begin{array}{c|ccccc} k & ...
    """
    lines = [f"\\text{{{_plain(c.architecture)}: {c.kind}}}"]
    if c.graph is not None:
        lines.append(f"\\text{{minimum vertex cut }} {c.graph.min_cut}, \\quad n_0 = {c.graph.inputs}")
    if c.branches:
        lines.append(_branch_array(c.branches))
    return "$$\\begin{array}{l}" + " \\\\ ".join(lines) + "\\end{array}$$"


def certificate_latex(cert: Certificate | GraphCertificate) -> str:
    """Class, branch (or strata) table with statuses, and verdicts, for notebooks.

    Examples
    --------
    >>> from symmorse.search.certify import certify
    >>> print(certificate_latex(certify("2,3,1")))  # doctest: +ELLIPSIS
    $$...\\text{critical points: generic; Morse: generic; status: proved}...
    """
    c = cert.classification
    lines = [f"\\text{{{_plain(c.architecture)} ({_plain(cert.activation.name)}): {c.kind}}}"]
    if cert.results and hasattr(cert.results[0], "stratum"):
        lines.append(_strata_array(cert.results))
    elif cert.results:
        lines.append(_branch_array([r.branch for r in cert.results], [r.status for r in cert.results]))
    lines.append(
        f"\\text{{critical points: {cert.critical_points}; Morse: {cert.morse}; status: {cert.status}}}"
    )
    return "$$\\begin{array}{l}" + " \\\\ ".join(lines) + "\\end{array}$$"


# -- results of the search about concrete networks and targets, for notebooks ------------------------


def _box_latex(box) -> str:
    """A box as math: ``[-3, 3] \\times [0, 1]``, or ``\\mathbb{R}^n``."""
    if box is None:
        return "\\mathbb{R}^n"
    return " \\times ".join(f"[{sympy.latex(lo)}, {sympy.latex(hi)}]" for lo, hi in box)


def critical_points_result_latex(result: CriticalPointsResult) -> str:
    """The certified critical points of concrete weights as one display, for ``_repr_latex_``.

    A table of the points (centre, Morse index, status), the count by index,
    the unresolved boxes if any, and whether the list is complete.

    Examples
    --------
    >>> from symmorse.model.network import Network
    >>> from symmorse.search.critical import critical_points
    >>> net = Network("1,2,1", "tanh", [{"W": [[1], [1]], "b": [0, -1]}, {"W": [[1, -1]], "b": [0]}])
    >>> print(critical_points_result_latex(critical_points(net, [(-3, 3)])))  # doctest: +ELLIPSIS
    $$\\begin{array}{l}\\text{critical points of 1,2,1 (tanh) in } [-3, 3] \\text{, validated route} \\\\ ...
    \\text{1 critical point: 1 of index 1} \\\\ \\text{complete: every critical point in the box is listed}...
    """
    head = _plain(f"critical points of {result.architecture} ({result.activation}) in ")
    lines = [f"\\text{{{head}}} {_box_latex(result.box)} \\text{{, {_plain(result.method)} route}}"]
    if result.points:
        rows = [
            f"{k} & ({', '.join(_plain(c) for c in p.center)}) & {p.index} & \\text{{{_plain(p.status)}}}"
            for k, p in enumerate(result.points, start=1)
        ]
        head_row = "\\# & \\text{centre} & \\text{Morse index} & \\text{status}"
        table = f"{head_row} \\\\ \\hline " + " \\\\ ".join(rows)
        lines.append(f"\\begin{{array}}{{r|lcl}} {table} \\end{{array}}")
        counts = ", ".join(f"{n} of index {i}" for i, n in result.count_by_index().items())
        lines.append(f"\\text{{{plural(len(result.points), 'critical point')}: {counts}}}")
    else:
        lines.append("\\text{no critical point}")
    if result.complete:
        lines.append("\\text{complete: every critical point in the box is listed}")
    else:
        lines.append(
            f"\\text{{NOT complete: {plural(len(result.unresolved), 'unresolved box')} "
            "may hold further critical points}"
        )
    return "$$\\begin{array}{l}" + " \\\\ ".join(lines) + "\\end{array}$$"


def embedding_latex(e: Embedding) -> str:
    """A target f: its critical points, the class table and the shear construction, for notebooks.

    Examples
    --------
    >>> from symmorse.search.embedding import embed
    >>> print(embedding_latex(embed("x**2 - y**2", "x,y")))  # doctest: +ELLIPSIS
    $$\\begin{array}{l}f = x^{2} - y^{2} \\\\ ...\\text{(0, 0): non-degenerate, index 1 (proved)} ...
    """
    a = e.analysis
    lines = [f"f = {sympy.latex(a.target)}"]
    done = "complete" if a.complete else "not proved complete"
    lines.append(f"\\text{{critical points ({done}):}}")
    for p in a.points:
        j = p.to_json(e.digits)
        lines.append(f"\\quad\\text{{({_plain(', '.join(j['point']))}): {p.kind} ({_plain(p.status)})}}")
    if not a.points:
        lines.append("\\quad\\text{none}")
    rows = " \\\\ ".join(f"\\text{{{cls}}} & \\text{{{v.status}}}" for cls, v in e.classes.items())
    head = "\\text{class} & \\text{by the critical points}"
    lines.append(f"\\begin{{array}}{{l|l}} {head} \\\\ \\hline {rows} \\end{{array}}")
    c = e.construction
    field = ", ".join(sympy.latex(x) for x in c.node.field)
    lines.append(
        f"\\text{{augmented neural ODE, }} m = {c.phase_dim}: \\; h' = ({field}),"
        f"\\; T = {sympy.latex(c.node.T)},\\quad \\Phi = f \\text{{ verified: {c.verified}}}"
    )
    if e.bound is not None:
        b = e.bound
        lo, hi = (sympy.latex(sympy.Rational(v)) for v in e.domain)
        bound = sympy.latex(sympy.Rational(int(b.bound.p), int(b.bound.q)))
        lines.append(
            f"\\sup_{{[{lo}, {hi}]^{{{len(b.box)}}}}} |f - g| \\ge {bound} "
            "\\text{ for every non-augmented MLP or neural ODE } g"
        )
    return "$$\\begin{array}{l}" + " \\\\ ".join(lines) + "\\end{array}$$"
