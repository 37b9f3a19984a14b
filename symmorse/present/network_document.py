"""The document for a network with given weights: its derivatives, ranks, normal form and critical points.

:func:`weights_document` shows the weights exactly, the sections every document has
(:mod:`~symmorse.present.sections`) with the numbers in, the ranks of the weight
matrices and the normal form (:func:`~symmorse.search.normal_form.normal_form`) if
one is rank-deficient, what the structure proves about these very weights, and a
certified enumeration of the critical points when one is given
(:func:`critical_points_latex`).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..exact.errors import WeightsError
from ..exact.words import plural
from ..model.architecture import bias_parameter, layers
from ..model.network import Network
from ..search.classify import Classification, classify
from ..search.normal_form import NormalForm, normal_form
from .latex import escape_text, to_latex
from .sections import (
    classification_section,
    derivative_sections,
    forward_section,
    network_section,
    reason_math,
    title,
)
from .typeset import Document, align, fits, packed, texttt

__all__ = ["weights_document", "critical_points_latex"]


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
    where = f"the weights file {texttt(source)}" if source else "the weights"
    doc = Document(title(net, "Derivatives of"), where)
    doc.add(
        f"This document derives $\\Phi$, its gradient and its Hessian for the concrete weights of {where}, "
        "and says what the structure of the network implies for its critical points."
    )
    network_section(doc, net, c)
    doc.subsection("The weights")
    doc.add(*_weights_section(doc, net))
    forward_section(doc, net)
    derivative_sections(doc, net)
    classification_section(doc, net, c)
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
        else f"The enumeration is not complete: {plural(unresolved, 'box')} stayed unresolved (degenerate "
        "points or critical curves); they are reported, never counted as points."
    )
    return table + "\n\n" + tail


def _weights_section(doc: Document, net: Network) -> list[str]:
    """The given weights as matrices and vectors, layer by layer."""
    nums = doc.numbers
    groups = layers(net.graph)
    if net.widths is None:
        return [
            "The weights are those of the edge table above; the biases are:",
            packed(
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
            if len(W[0]) <= 4:
                lines.append(f"w^{{T}} &= {nums.matrix(W)}, \\qquad b^{{({l})}} = {nums.q(b[0])}")
            else:  # a long row: as a (transposed) vector, elided to the page width if need be
                lines += [f"w &= {nums.vector(W[0])}", f"b^{{({l})}} &= {nums.q(b[0])}"]
        elif fits(W):
            matrix, vector = nums.matrix(W), nums.vector(b)
            if len(b) <= 4 and len(W[0]) <= 4:  # both small: side by side
                lines.append(f"W^{{({l})}} &= {matrix}, \\qquad b^{{({l})}} = {vector}")
            else:
                lines += [f"W^{{({l})}} &= {matrix}", f"b^{{({l})}} &= {vector}"]
        else:
            lines.append(f"W^{{({l})}} &\\in \\mathbb{{Q}}^{{{len(W)} \\times {len(W[0])}}}")
    return [
        "Every number is exact: a decimal or float in the file is read as the binary fraction it is "
        "(so 0.1 becomes $3602879701896397/2^{55}$).",
        align(lines),
    ]


def _normal_form_section(doc: Document, nf: NormalForm) -> None:
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
        + f" The normal form is \\textbf{{{nf.classification.kind}}}: {reason_math(nf.classification)}.",
    )


def _weights_conclusion(net: Network, c: Classification, nf: NormalForm | None) -> str:
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
