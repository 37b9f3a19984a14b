"""The document that explains a proof: an architecture certified, or a certificate file, checked first.

:func:`certificate_document` re-checks a certificate with the kernel
(:mod:`symmorse.kernel`) before a word of it is written, then explains it top to
bottom: the sections every document has (:mod:`~symmorse.present.sections`), the
branch table of a layered MLP or the death strata of a graph, every witness with its
exact check (the numbers from :func:`~symmorse.search.explain.layered_witness`), and
the conclusion.  :func:`architecture_document` certifies an architecture first.
Every text taken from a file is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import networkx as nx

from ..exact.errors import CertificateRejected
from ..exact.numbers import to_fmpq
from ..kernel import check_certificate
from ..model.activations import Activation
from ..model.architecture import from_json, layers, mlp
from ..model.network import Network
from ..search.certify import certify
from ..search.classify import Classification, classify
from ..search.explain import layered_witness
from .draw import architecture_drawing, tikz
from .latex import escape_text, to_latex
from .sections import (
    chart_section,
    classification_section,
    derivative_sections,
    forward_section,
    network_section,
    title,
)
from .typeset import Document, Numbers, align, fits, packed, table, texttt

__all__ = ["architecture_document", "certificate_document"]


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
    return _certificate_document(cert.to_json(), None, f"the certificate that {texttt(command)} writes")


def certificate_document(data: object, source: str | None = None) -> str:
    """A complete LaTeX document explaining a certificate, after the checker accepts it.

    Parameters
    ----------
    data : dict
        A parsed certificate (format ``symmorse-certificate/1`` or ``symmorse-strata/1``).
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
    >>> tex.startswith("\\\\documentclass") and "\\\\frac{53505282796875}{128} \\\\ne 0" in tex
    True
    """
    return _certificate_document(data, source, f"the certificate file {texttt(source)}" if source else None)


def _certificate_document(data: object, source: str | None, where: str | None) -> str:
    result = check_certificate(data)
    if not result.accepted:
        raise CertificateRejected(result.reason)
    net = _certificate_network(data)
    c = classify(net.graph, net.activation, route="graph" if "strata" in data else "auto")
    doc = Document(title(net), where or "the certificate")
    doc.add(
        "This document explains, step by step, what symmorse proves about the critical points of the "
        "network below, and checks every claim of "
        + (f"{where}" if source else "its certificate")
        + " with exact numbers. A critical point is an input $x$ with $\\nabla \\Phi(x) = 0$; it is "
        "non-degenerate (Morse) when $\\det \\Hess \\Phi(x) \\ne 0$."
    )
    network_section(doc, net, c)
    _picture(doc, net, c)
    forward_section(doc, net)
    derivative_sections(doc, net)
    chart_section(doc, net)
    classification_section(doc, net, c)
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
                _layered_witness(doc, data, b["step"])
    _conclusion(doc, data, result.reason, where or "the certificate")
    return doc.render()


def _picture(doc: Document, net: Network, c: Classification) -> None:
    """The architecture drawn (symmorse draw), when it is small enough to read on a page."""
    groups = layers(net.graph)
    if net.graph.number_of_nodes() > 40 or max(map(len, groups)) > 12:
        return
    d = architecture_drawing(net.graph, net.activation, classification=c)
    legend = "; ".join(d.notes)
    doc.add(
        "\\begin{center}\n" + tikz(d, width=13.0, legend=False) + "\\end{center}",
        f"The picture (\\texttt{{symmorse draw}}): {escape_text(legend)}.",
    )


def _certificate_network(data: dict) -> Network:
    arch = data["architecture"]
    if "nodes" in arch:
        return Network(from_json(arch), data["activation"])
    ws = arch["widths"]
    acts = data.get("layer_activations", {})
    return Network(mlp(ws, [acts.get(str(l)) for l in range(1, len(ws) - 1)]), data["activation"])


_KIND_MEANING = {
    "morse": "isolated critical points; one point with $\\det \\Hess \\Phi \\ne 0$ proves Morse almost "
    "everywhere on the branch",
    "degenerate": "$\\Phi$ factors through layer $k-1$; critical manifolds of dimension $n_0 - n_{k-1}$",
    "null": "critical points only for a null set of weights",
}


def _branch_section(doc: Document, c: Classification, statuses: Mapping[int, str]) -> None:
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


def _layered_witness(doc: Document, data: dict, step: int) -> None:
    """The witness of branch ``step``: its numbers, the backward vectors down to 0, and the Hessian check."""
    e = layered_witness(data, step)
    k, kind, nums = e.step, e.kind, doc.numbers
    ws = data["architecture"]["widths"]
    top, n0 = len(ws) - 2, ws[0]
    values = [("x", f"= {nums.vector(e.x)}")]
    for l in range(1, top + 1):
        W = e.W[l]
        shape = f"\\in \\mathbb{{Q}}^{{{len(W)} \\times {len(W[0])}}}"
        values.append((f"W^{{({l})}}", f"= {nums.matrix(W)}" if fits(W) else shape))
        values.append((f"u^{{({l})}}", f"= {nums.vector(e.u[l])}"))
    values.append(("w", f"= {nums.vector(e.w)}"))
    body = [
        f"\\subsection*{{Branch $k = {k}$ ({kind}): the witness}}\nIn chart coordinates (all numbers exact "
        "rationals):",
        align([f"{lhs} &{rhs}" for lhs, rhs in values]),
    ]
    biases = [
        f"b^{{({l})}}_{{{i}}} = {to_latex(b)}"
        for l in range(1, top + 1)
        for i, b in enumerate(e.biases[l], start=1)
    ]
    if len(biases) <= 40:
        body.append(
            "The same point in ordinary weights: the biases "
            "$b^{(l)} = c^{-1}(u^{(l)}) - W^{(l)} h^{(l-1)}(x)$ are"
        )
        body.append(packed(biases) + "\nand the output bias is $0$.")
    body.append(
        "\\textbf{The check.} In chart coordinates $\\sigma'$ and $\\sigma''$ are rational in $u$, so "
        "everything below is exact rational arithmetic."
    )
    lines = []
    for l in range(top, -1, -1):
        rhs = "w" if l == top else f"W^{{({l + 1})T}} D^{{({l + 1})}} v^{{({l + 1})}}"
        lines.append(f"v^{{({l})}} &= {rhs} = {nums.vector(e.backward[l])}")
        if l:
            lines.append(f"D^{{({l})}} &= \\diag {nums.vector(e.slopes[l], transposed=False)}")
    body.append(align(lines))
    body.append(
        f"So $v^{{({k})}} \\ne 0$ and $v^{{({k - 1})}} = 0$: the point lies on $B_{{{k}}}$, and "
        "$\\nabla \\Phi(x) = v^{(0)} = 0$ exactly: $x$ is a critical point."
        if e.on_branch
        else "The backward vectors do not match the branch (this cannot happen for an accepted certificate)."
    )
    hessian = nums.matrix_lines("\\Hess \\Phi(x)", e.hessian) if fits(e.hessian) else []
    if kind == "morse":
        neg = e.morse_index
        relation = "\\ne" if e.det_hessian != 0 else "="
        body.append(align([*hessian, f"\\det \\Hess \\Phi(x) &= {nums.q(e.det_hessian)} {relation} 0"]))
        body.append(
            f"The critical point is non-degenerate; its Morse index (the number of negative eigenvalues, "
            f"counted exactly with Descartes' rule on the characteristic polynomial, whose roots are all "
            f"real) is ${neg}$"
            + (" (a local minimum)." if neg == 0 else " (a local maximum)." if neg == n0 else " (a saddle).")
        )
    else:
        body.append(align([*hessian, f"\\rank \\Hess \\Phi(x) &= {e.rank_hessian} < n_0 = {n0}"]))
        body.append(
            f"The rest of the network, $g$ as a function of $h^{{({k - 1})}}$, is non-degenerate at its "
            "critical point:"
        )
        hessian_g = nums.matrix_lines("\\Hess g", e.hessian_g) if fits(e.hessian_g) else []
        body.append(align([*hessian_g, f"\\det \\Hess g &= {nums.q(e.det_hessian_g)} \\ne 0"]))
        body.append(
            f"and $\\rank J^{{({k - 1})}} = {e.rank_jacobian} = n_{{{k - 1}}}$. So the critical points near "
            f"$x$ form a manifold of dimension $n_0 - n_{{{k - 1}}} = {n0 - ws[k - 1]}$, all degenerate, for "
            "an open set of weights."
        )
    doc.add(*body)


def _strata_section(doc: Document, data: dict) -> None:
    """The strata and families of a strata certificate as a table, and what each entry proves."""
    doc.section("Death strata")
    n0, p = data["inputs"], data["parameters"]
    rows = []
    for k, e in enumerate(data["strata"], start=1):
        cancelling = ", ".join(texttt(v) for v in e["cancelling"])
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
        table(["", "scope", "cancelling nodes", "$c$", "kind", "evidence"], rows),
    )


def _strata_witnesses(doc: Document, data: dict, net: Network) -> None:
    """The verified witnesses of a strata certificate: weights, chart values and the claim."""
    nums = doc.numbers
    for k, e in enumerate(data["strata"], start=1):
        if e.get("status") != "witness":
            continue
        wit = e["witness"]
        edges = [
            (f"{texttt(a)} $\\to$ {texttt(b)}", f"${to_latex(net.weight(a, b))} = {nums.q(to_fmpq(t))}$")
            for a, b, t in wit["weights"]
        ]
        units = [
            (texttt(v), f"${to_latex(net.chart_symbols[v])} = {nums.q(to_fmpq(t))}$") for v, t in wit["u"]
        ]
        claim = (
            f"\\det \\Hess \\Phi(x) = {nums.q(to_fmpq(e['claims']['det_hessian']))} \\ne 0"
            if e["kind"] == "morse"
            else "\\operatorname{rank} \\partial E / \\partial x = "
            f"{e['claims']['rank_cancellation_jacobian']} = c"
        )
        doc.add(
            f"\\subsection*{{Witness on stratum {k} "
            f"(cancelling {', '.join(texttt(v) for v in e['cancelling'])})}}",
            "Random rationals for the chart values and the weights, then for each cancelling node one free "
            "out-weight solved from its cancellation, which puts the point on the stratum. Weights:",
            table(["edge", "weight"], edges, 2 if len(edges) > 8 else 1),
            "and chart values of the non-linear units:",
            table(["unit", "chart value"], units, 2 if len(units) > 8 else 1),
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


def _conclusion(doc: Document, data: dict, accepted: str, where: str) -> None:
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


# -- a short fragment to \input into a paper or lecture notes ------------------------------------------

_FRAGMENT_PREAMBLE = (
    "% Needs amsmath and amssymb; uses the theorem and proof environments (amsthm),\n"
    "% defined here if missing.\n"
    "\\ifdefined\\theorem\\else\\newtheorem{theorem}{Theorem}\\fi\n"
    "\\ifdefined\\proof\\else\\newenvironment{proof}[1][Proof]{\\par\\noindent\\textit{#1.}\\ }"
    "{\\hfill$\\square$\\par}\\fi\n"
)

_CLAIM_TEXT = {
    "det_hessian": "\\det \\operatorname{Hess}\\Phi(x)",
    "det_hessian_g": "\\det \\operatorname{Hess} g(x)",
    "rank_jacobian": "\\operatorname{rank} J(x)",
    "rank_hessian": "\\operatorname{rank} \\operatorname{Hess}\\Phi(x)",
}


def _claim_lines(claims: dict, numbers: Numbers) -> list[str]:
    r"""A witness's claims as displayed formulas: exact determinants, residues modulo the prime, ranks.

    Examples
    --------
    >>> for line in _claim_lines({"modulus": 7, "det_hessian_residue": 3, "rank_hessian": 2}, Numbers("")):
    ...     print(line)
    p = 7 \text{ (a prime)}
    \det \operatorname{Hess}\Phi(x) \equiv 3 \not\equiv 0 \pmod{p}
    \operatorname{rank} \operatorname{Hess}\Phi(x) = 2
    """
    lines = []
    for key, value in claims.items():
        if key.endswith("_residue"):  # the prime on a line of its own: one column is narrow
            text = _CLAIM_TEXT[key.removesuffix("_residue")]
            lines.append(f"{text} \\equiv {value} \\not\\equiv 0 \\pmod{{p}}")
        elif key.startswith("det"):
            lines.append(f"{_CLAIM_TEXT.get(key, escape_text(key))} = {numbers.q(value)} \\ne 0")
        elif key == "modulus":
            lines.append(f"p = {value} \\text{{ (a prime)}}")
        else:
            lines.append(f"{_CLAIM_TEXT.get(key, escape_text(key))} = {escape_text(str(value))}")
    return lines


_PROSE = {
    "\\": "\\textbackslash{}",
    "{": "\\{",
    "}": "\\}",
    "_": "\\_",
    "&": "\\&",
    "%": "\\%",
    "$": "\\$",
    "#": "\\#",
    "~": "\\textasciitilde{}",
    "^": "\\textasciicircum{}",
    "-": "-{}",
}


def _prose(text: object) -> str:
    """Text for the roman font: TeX's special characters escaped, ``--`` kept two hyphens."""
    return "".join(
        _PROSE.get(c, c) if c in _PROSE or " " <= c <= "~" else f"<U+{ord(c):04X}>" for c in str(text)
    )


def _breakable(name: str) -> str:
    """An architecture's name as prose, with line breaks allowed after its commas."""
    return _prose(name).replace(",", ",\\allowbreak{}")


def certificate_fragment(data: object, source: str | None = None) -> str:
    """A short ``\\input``-able LaTeX block for a certificate: theorem, formulas, witness, proof sketch.

    The certificate is re-checked by the kernel first (as for
    :func:`certificate_document`); the proof sketch cites ``source``, the file
    that ``symmorse check`` re-verifies.

    Raises
    ------
    CertificateRejected
        If the checker rejects it.

    Examples
    --------
    >>> tex = certificate_fragment(certify("2,3,1").to_json(), "mlp-2-3-1-tanh.json")
    >>> print(next(line for line in tex.splitlines() if line.startswith("\\\\begin{theorem}")))
    \\begin{theorem}[2,3,1, $\\sigma = \\tanh$]
    >>> "\\\\nabla\\\\Phi(x) = 0$ and" in tex and "\\\\not\\\\equiv 0 \\\\pmod" in tex
    True
    >>> "symmorse check mlp-2-3-1-tanh.json" in tex and tex.count("\\\\begin{proof}") == 1
    True
    """
    result = check_certificate(data)
    if not result.accepted:
        raise CertificateRejected(result.reason)
    arch = data["architecture"]
    name = ",".join(map(str, arch["widths"])) if "widths" in arch else arch.get("name", "graph")
    act = data["activation"]
    sigma = f"\\{act}" if act in ("tanh", "arctan") else f"\\texttt{{{escape_text(act)}}}"
    n0 = arch["widths"][0] if "widths" in arch else data.get("inputs", "n_0")
    if "widths" in arch:
        net = (
            f"the MLP with widths {_breakable(name)}, $h^{{(0)}} = x$, "
            "$h^{(l)} = \\sigma(W^{(l)} h^{(l-1)} + b^{(l)})$, $\\Phi(x) = w^{\\top} h^{(L-1)} + b^{(L)}$"
        )
        formulas = (  # one short formula per line: the block fits a column of a two-column paper
            "\\nabla\\Phi(x) = v^{(0)},\\quad v^{(L-1)} = w,\\\\\n"
            "v^{(l-1)} = W^{(l)\\top} D^{(l)} v^{(l)},\\quad "
            "D^{(l)} = \\operatorname{diag}\\sigma'(z^{(l)}),\\\\\n"
            "\\operatorname{Hess}\\Phi(x) = \\sum_{l} J_l^{\\top} \\operatorname{diag}"
            "\\bigl(\\sigma''(z^{(l)}) \\odot v^{(l)}\\bigr) J_l"
        )
    else:
        net = (
            f"the network on the graph {texttt(name)}, $h_v = \\sigma\\bigl(\\sum_{{u \\to v}} "
            "\\theta_{uv} h_u + b_v\\bigr)$ at every hidden node and $\\Phi(x)$ the (affine) output node"
        )
        formulas = (
            "\\nabla\\Phi(x) = (a_{x_1}, \\dots, a_{x_{n_0}}),\\quad a_{\\mathrm{out}} = 1,\\quad "
            "a_u = \\sum_{u \\to s} \\theta_{us}\\, \\sigma'(z_s)\\, a_s"
        )
    verdicts = [_VERDICT_TEXT[("critical_points", data["critical_points"])]]
    if "strata" in data and data["critical_points"] == "none":
        verdicts[0] = "Only a null set of weights gives $\\Phi$ a critical point."
    verdicts.append(_VERDICT_TEXT[("morse", data["morse"])])
    entries = data.get("strata") or data.get("branches") or []
    kind = "a general graph, decided by its death strata" if "strata" in data else data["class"]
    witness = next((e for e in entries if e.get("status") == "witness"), None)
    lines = [
        f"% symmorse fragment: {name} ({act}); "
        + (f"certificate {source}" if source else "certificate not saved")
        + "; \\input this file.",
        _FRAGMENT_PREAMBLE.rstrip("\n"),
        "",
        f"\\begin{{theorem}}[{_prose(name)}, $\\sigma = {sigma}$]",
        f"Let $\\Phi\\colon \\mathbb{{R}}^{{{n0}}} \\to \\mathbb{{R}}$ be {net}, with real weights. "
        + " ".join(verdicts),
        "\\end{theorem}",
        "",
        "\\begin{proof}[Proof sketch]",
        f"The architecture is \\emph{{{_prose(kind)}}}. Backward vectors and the structured Hessian give",
        f"\\begin{{gather*}}\n{formulas}\n\\end{{gather*}}",
        "and " + "; ".join(_prose(r) for r in data.get("reasons", [])) + ".",
    ]
    if witness is not None:
        numbers = Numbers("the certificate")
        x = numbers.vector(witness["witness"]["x"], transposed=False, width=30)  # exact rationals
        claims = _claim_lines(witness.get("claims", {}), numbers)
        where = f"branch $k = {witness['step']}$" if "step" in witness else "a stratum"
        lines.append(
            f"A witness on {where}: at $x = {x}$ (exact rational weights in the certificate) "
            "$\\nabla\\Phi(x) = 0$"
            + (" and\n\\begin{gather*}\n" + ",\\\\\n".join(claims) + "\n\\end{gather*}" if claims else ".")
            + ("(long integers shown by their first and last digits; the certificate has them all)."
               if numbers.shortened else "")
        )
    cite = f"symmorse check {source}" if source else "symmorse check"
    lines += [
        f"Every number is exact; {texttt(cite)} re-derives each claim with the independent kernel "
        f"(\\emph{{{_prose(result.reason)}}}).",
        "\\end{proof}",
        "",
    ]
    return "\n".join(lines)


def architecture_fragment(
    architecture: str | Sequence[int] | nx.DiGraph,
    activation: str | Activation = "tanh",
    seed: int = 0,
    route: str = "auto",
) -> str:
    """:func:`certificate_fragment` for an architecture, certified with ``seed``.

    Examples
    --------
    >>> "no critical point" in architecture_fragment("3,2,1")
    True
    """
    cert = certify(architecture, activation, seed, route=route)
    return certificate_fragment(cert.to_json())
