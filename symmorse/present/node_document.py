"""The LaTeX document of a neural-ODE certificate (``symmorse-node/1``), after the kernel accepts it.

The document states the model Phi(x) = W~ phi_T(W x + b) + b~, the vector field and its
closed-form flow (when the certificate gives one), the class and the verdicts, the witness
with the formulas it satisfies, and the kernel's verdict.  Everything shown is read from
the certificate (expressions through the whitelisted parser); the mathematics was
re-derived by :mod:`symmorse.kernel.node` before anything is written.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from ..exact.errors import CertificateRejected
from ..exact.expressions import parse_expression
from ..kernel import check_certificate
from .latex import escape_text
from .proof_document import _prose
from .typeset import Document, Numbers, align, texttt

__all__ = ["node_certificate_document"]

_CLASS_TEXT = {
    "non-augmented": "non-augmented (the phase space is no wider than the input and $W$ has rank $m$)",
    "augmented": "augmented (the phase space is wider than the input and $W$ has rank $n$)",
    "degenerate": "degenerate ($W$ has rank $< n$)",
    "constant": "constant ($W = 0$ or $\\widetilde W = 0$)",
    "affine": "affine (an affine vector field)",
}


def _expressions(texts: list[str], names: list[str], what: str) -> list[sympy.Expr]:
    symbols = [sympy.Symbol(name, real=True) for name in names]
    return [parse_expression(text, symbols, what=what) for text in texts]


def _names(m: int) -> dict[sympy.Symbol, str]:
    names = {sympy.Symbol(f"h{i}", real=True): f"h_{{{i}}}" for i in range(1, m + 1)}
    names[sympy.Symbol("t", real=True)] = "t"
    return names


def node_certificate_document(data: object, source: str | None = None) -> str:
    """A complete LaTeX document explaining a neural-ODE certificate, after the kernel accepts it.

    Raises
    ------
    CertificateRejected
        If the kernel rejects the certificate (nothing is written about a false claim).

    Examples
    --------
    >>> from symmorse.model.node import NeuralODE
    >>> from symmorse.search.node_classify import classify_node
    >>> c = classify_node(NeuralODE(1, "0, h1**3"), W="1; 0")
    >>> tex = node_certificate_document(c.certificate, "node.json")
    >>> "\\\\dot h_{2} &= h_{1}^{3}" in tex and tex.endswith("\\\\end{document}\\n")
    True
    """
    result = check_certificate(data)
    if not result.accepted:
        raise CertificateRejected(result.reason)
    n, m, T = data["n"], data["m"], data["T"]
    h = [f"h{i}" for i in range(1, m + 1)]
    names = _names(m)
    field = _expressions(data["field"], h, "field")
    where = f"the certificate file {texttt(source)}" if source else "the certificate"
    doc = Document(f"Critical points of a neural ODE ($n = {n}$, $m = {m}$)", where)
    nums = Numbers(where)
    doc.add(
        f"This document explains what symmorse proves about the critical points of a neural ODE, and "
        f"reports that the independent kernel re-checked every claim of {where}. The map is "
        f"\\[\\Phi(x) = \\widetilde W \\varphi_T(W x + b) + \\tilde b, \\qquad x \\in \\mathbb{{R}}^{{{n}}},"
        f"\\ W \\in \\mathbb{{R}}^{{{m} \\times {n}}},\\ T = {nums.q(T)},\\]"
        "where $\\varphi_T$ is the time-$T$ flow of the vector field below. A critical point is an "
        "$x$ with $\\nabla \\Phi(x) = W^{\\top} D\\varphi_T(y)^{\\top} \\widetilde W^{\\top} = 0$, "
        "$y = W x + b$."
    )
    doc.section("The vector field and its flow")
    lines = [f"\\dot h_{{{i}}} &= {sympy.latex(f, symbol_names=names)}" for i, f in enumerate(field, 1)]
    doc.add(align(lines))
    if data.get("flow"):
        flow = _expressions(data["flow"], [*h, "t"], "flow")
        doc.add(
            "The flow in closed form (the kernel checked that it solves the equation and starts at the "
            "identity):",
            align(
                [
                    f"\\varphi_{{t}}(h)_{{{i}}} &= {sympy.latex(p, symbol_names=names)}"
                    for i, p in enumerate(flow, 1)
                ]
            ),
        )
    verdict = data.get("verdict", {})
    if data.get("kind") == "classification":
        doc.section("Classification and verdicts")
        cls = verdict.get("class", "")
        doc.add(
            f"The architecture is {_CLASS_TEXT.get(cls, escape_text(cls))}; "
            f"critical points: \\emph{{{escape_text(verdict.get('critical_points'))}}}, "
            f"Morse: \\emph{{{escape_text(verdict.get('morse'))}}}. "
            f"The verdict ranges over the free weights "
            f"{', '.join(texttt(w) for w in data.get('claims', {}).get('free_weights', []))}."
        )
        if data.get("W") is not None:
            doc.add(f"\\[W = {nums.matrix(data['W'])}\\]")
        witness = data.get("witness")
        if witness and "ball" in witness:
            doc.section("The witness")
            ball = witness["ball"]
            box = " \\times ".join(f"[{nums.q(lo)}, {nums.q(hi)}]" for lo, hi in ball["box"])
            doc.add(
                "A concrete network with rational weights, $b = y$ and "
                f"\\[y = {nums.vector(witness['y'])},\\qquad "
                f"\\widetilde W = {nums.vector(witness['W_out'], transposed=False)}\\]"
                + (f"and \\[W = {nums.matrix(witness['W'])}.\\]" if witness.get("W") else ".")
                + " With $U$ the pivot columns of $W$, the reduced gradient "
                "$s \\mapsto U^{\\top} D\\varphi_T(y + U s)^{\\top} \\widetilde W^{\\top}$ has exactly one "
                f"zero in the box \\[S = {box}\\] (Krawczyk test with the certificate's preconditioner), "
                "and $\\det(U^{\\top} H U)$ is enclosed away from $0$ over all of $S$: a non-degenerate "
                f"critical point of Morse index {ball['index']}. The kernel recomputed the enclosures of "
                "$D\\varphi_T$ and $D^2\\varphi_T$ with validated flows (the $C^2$ Lohner algorithm in ball "
                f"arithmetic, {ball['prec']} bits)."
            )
        elif witness:
            doc.section("The witness")
            doc.add(
                "A point of the critical bundle: at $x = 0$ with $b = y$, "
                f"\\[y = {nums.vector(witness['y'])},\\qquad u = D\\varphi_T(y)^{{\\top}} "
                f"\\widetilde W^{{\\top}} = {nums.vector(witness['u'])},\\qquad "
                f"\\widetilde W = {nums.vector(witness['W_out'], transposed=False)},\\]"
                "so that $\\nabla\\Phi(0) = W^{\\top} u = 0$; the kernel recomputes $u$ from the flow and "
                "shows that the (reduced) Hessian is non-singular there."
            )
    if data.get("kind") == "critical-points":
        doc.section("Certified critical points")
        weights = data["weights"]
        doc.add(
            f"For the weights \\[W = {nums.matrix(weights['W'])},\\qquad b = {nums.vector(weights['b'])},"
            f"\\qquad \\widetilde W = {nums.vector(weights['W_out'], transposed=False)},\\]"
            "each box below holds exactly one critical point of $\\Phi$, non-degenerate, of the Morse "
            "index shown: the kernel recomputed $D\\varphi_T$ at the centre and $D^2\\varphi_T$ over the "
            f"box with validated flows ({data['prec']} bits) and checked the Krawczyk test. The list is not "
            "claimed complete."
        )
        rows = []
        for point in data["points"]:
            centre = ", ".join(
                f"{float((Fraction(lo) + Fraction(hi)) / 2):.10g}" for lo, hi in point["box"]
            )
            width = max(float(Fraction(hi) - Fraction(lo)) for lo, hi in point["box"])
            rows.append(f"$({centre})$ & ${width:.1e}$ & {point['index']} \\\\")
        doc.add(
            "\\begin{center}\\begin{tabular}{lll}\ncentre of the box & width & index \\\\ \\hline\n"
            + "\n".join(rows)
            + "\n\\end{tabular}\\end{center}"
        )
    doc.section("Conclusion")
    doc.add(f"The kernel (\\texttt{{symmorse check}}) accepts {where}: \\emph{{{_prose(result.reason)}}}.")
    return doc.render()
