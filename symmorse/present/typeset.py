"""Typesetting for documents: exact numbers, matrices, equations, tables and the document builder.

Every number is exact; integers longer than :data:`DIGITS` digits are shortened to
their first and last digits (:class:`Numbers`), and the :class:`Document` that
holds the paragraphs adds one footnote naming the file with the full values.
Line breaking is by a rough printed width (:func:`display_width`): sums are broken
between terms (:func:`equation_lines`), short formulas are packed side by side
(:func:`packed`), and expressions too long to be useful are not written out
(:func:`written_out`).  The output is article-class LaTeX needing only amsmath and
amssymb; texts from files go through :func:`~symmorse.present.latex.escape_text`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import sympy

from .. import __version__
from .latex import escape_text, to_latex

__all__ = [
    "DIGITS",
    "Numbers",
    "Document",
    "texttt",
    "fits",
    "display_width",
    "equation_lines",
    "packed",
    "align",
    "table",
    "written_out",
]

#: Integers with more digits than this are shortened in documents (with a footnote).
DIGITS = 20
_LINE = 72  # rough width of one displayed line, in units of about 5 pt (see display_width)
_MATRIX = 8  # largest matrix dimension shown entry by entry
_MAX_TERMS = 24  # expanded entries with more terms are not written out
_MAX_LINES = 36  # nor are blocks of equations longer than this


def texttt(text: object) -> str:
    """Typewriter text, escaped; long paths may break after a slash.

    Examples
    --------
    >>> print(texttt("proofs/mlp_2.json"))
    \\texttt{proofs/\\allowbreak{}mlp\\char`\\_2.json}
    """
    return "\\texttt{" + escape_text(text).replace("/", "/\\allowbreak{}") + "}"


class Numbers:
    """Exact numbers as LaTeX, shortening long integers; remembers whether it did.

    ``where`` names the place with the full values (for the footnote).

    Examples
    --------
    >>> nums = Numbers("the file")
    >>> nums.q("-3/5"), nums.shortened
    ('-\\\\frac{3}{5}', False)
    >>> nums.integer("1" * 25), nums.shortened
    ('1111111\\\\ldots1111111{\\\\scriptstyle\\\\,(25\\\\text{ digits})}', True)
    """

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

    def vector(self, entries: Sequence[object], transposed: bool = True, width: float = _LINE - 24) -> str:
        """A column vector, written as a transposed row; a long one is elided in the middle.

        At most :data:`_MATRIX` entries are shown, fewer if the row would be wider than
        ``width`` (in :func:`display_width` units): the first ones, ``\\ldots`` and the last.

        Examples
        --------
        >>> Numbers("f").vector(["1/2", 3])
        '\\\\left(\\\\frac{1}{2},\\\\ 3\\\\right)^{T}'
        >>> Numbers("f").vector(range(20), width=20)
        '\\\\left(0,\\\\ 1,\\\\ 2,\\\\ 3,\\\\ \\\\ldots,\\\\ 19\\\\right)^{T}'
        """
        entries = list(entries)
        limit = min(DIGITS, max(6, 64 // max(1, len(entries))))
        row = self._row([self.q(a, limit) for a in entries], width)
        return row + ("^{T}" if transposed else "")

    def matrix(self, rows: Sequence[Sequence[object]]) -> str:
        """A matrix of integers, with a common denominator pulled out in front."""
        front, cells = self._integer_cells(rows, DIGITS)
        body = " \\\\ ".join(" & ".join(row) for row in cells)
        return f"{front}\\begin{{pmatrix}} {body} \\end{{pmatrix}}"

    def matrix_lines(self, name: str, rows: Sequence[Sequence[object]]) -> list[str]:
        """``align*`` lines for ``name = matrix``; a matrix too wide for the page is given row by row.

        Rows that are still too wide are elided in the middle (``\\ldots``); the document's
        footnote names the file with every entry.

        Examples
        --------
        >>> Numbers("f").matrix_lines("H", [[1, 2], [3, 4]])
        ['H &= \\\\begin{pmatrix} 1 & 2 \\\\\\\\ 3 & 4 \\\\end{pmatrix}']
        """
        front, cells = self._integer_cells(rows, DIGITS)
        width = sum(max(display_width(c) for c in column) + 2 for column in zip(*cells))
        if width + display_width(name) + 8 <= _LINE:
            return [f"{name} &= {self.matrix(rows)}"]
        front, cells = self._integer_cells(rows, min(DIGITS, max(6, 44 // len(rows[0]))))
        lines = [f"{name} &= {front} H', \\quad \\text{{the rows of $H'$ being}}"]
        return lines + ["&" + self._row(row, _LINE - 8) for row in cells]

    @staticmethod
    def _row(cells: Sequence[str], width: float) -> str:
        """``\\left(c_1, ..., c_n\\right)``: at most :data:`_MATRIX` cells, fewer if wider than ``width``."""
        keep = min(len(cells), _MATRIX)
        while True:
            shown = list(cells) if keep == len(cells) else [*cells[: max(1, keep - 2)], "\\ldots", cells[-1]]
            text = "\\left(" + ",\\ ".join(shown) + "\\right)"
            if keep <= 3 or display_width(text) <= width:
                return text
            keep -= 1

    def _integer_cells(self, rows: Sequence[Sequence[object]], limit: int) -> tuple[str, list[list[str]]]:
        values = [[sympy.Rational(str(a)) for a in row] for row in rows]
        d = sympy.ilcm(*[a.q for row in values for a in row], 1)
        front = f"\\frac{{1}}{{{self._denominator(int(d), DIGITS)}}}" if d != 1 else ""
        return front, [[self.q(a * d, limit) for a in row] for row in values]


def fits(rows: Sequence[Sequence[object]]) -> bool:
    """Whether a matrix (its rows) is small enough to be shown entry by entry.

    Examples
    --------
    >>> fits([[1, 2], [3, 4]]), fits([[0] * 9])
    (True, False)
    """
    return len(rows) <= _MATRIX and all(len(r) <= _MATRIX for r in rows)


def display_width(tex: str) -> float:
    """Rough printed width of a math formula, in characters (scripts count less).

    Examples
    --------
    >>> display_width("x_{1} + y")
    5.6
    """
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


def equation_lines(lhs: str, expr: sympy.Expr, names: Mapping | None = None) -> list[str] | None:
    """``align*`` lines ``lhs &= t1 + t2 \\\\ &\\quad + t3 ...``, or None if one term is too wide.

    ``names`` overrides the LaTeX of some symbols (see :func:`~symmorse.present.latex.to_latex`).

    Examples
    --------
    >>> a, b = sympy.symbols("a b")
    >>> equation_lines("y", a + 2 * b)
    ['y &= a + 2 b']
    """
    terms = _terms(expr, names or {})
    budget = _LINE - display_width(lhs)
    if any(display_width(t) > budget for t in terms):
        return None
    lines, current = [], []
    for t in terms:
        if current and display_width(" ".join([*current, t])) > budget:
            lines.append(" ".join(current))
            current = []
        current.append(t)
    lines.append(" ".join(current))
    return [f"{lhs} &= {lines[0]}"] + [f"&\\quad {line}" for line in lines[1:]]


def packed(items: Sequence[str]) -> str:
    """Short formulas side by side, as many to a line as fit (``gather*``).

    Examples
    --------
    >>> print(packed(["a = 1", "b = 2"]))
    \\begin{gather*}
    a = 1,\\qquad b = 2
    \\end{gather*}
    """
    lines, current = [], []
    for item in items:
        if current and display_width(",\\qquad ".join([*current, item])) + 3 * len(current) > _LINE + 8:
            lines.append(current)
            current = []
        current.append(item)
    lines.append(current)
    return (
        "\\begin{gather*}\n" + " \\\\\n".join(",\\qquad ".join(line) for line in lines) + "\n\\end{gather*}"
    )


def align(lines: Sequence[str]) -> str:
    """An ``align*`` block; a short one is kept on one page (``\\\\*``), a long one may break.

    Examples
    --------
    >>> print(align(["a &= 1", "b &= 2"]))
    \\begin{align*}
    a &= 1 \\\\*
    b &= 2
    \\end{align*}
    """
    newline = " \\\\*\n" if len(lines) <= 8 else " \\\\\n"
    return "\\begin{align*}\n" + newline.join(lines) + "\n\\end{align*}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], blocks: int = 1) -> str:
    """A centred ``tabular``; with ``blocks`` > 1 the rows are spread over side-by-side column groups.

    Examples
    --------
    >>> print(table(["a", "b"], [["1", "2"], ["3", "4"]], blocks=2))
    \\begin{center}\\begin{tabular}{ll|ll}
    a & b & a & b \\\\ \\hline
    1 & 2 & 3 & 4
    \\end{tabular}\\end{center}
    """
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


def written_out(entries: Sequence[tuple[str, sympy.Expr]], names: Mapping | None = None) -> str | None:
    """An ``align*`` block of the expanded entries ``(lhs, expr)``, or None if an entry or it is too long.

    Examples
    --------
    >>> a, b = sympy.symbols("a b")
    >>> print(written_out([("y", a * (a + b))]))
    \\begin{align*}
    y &= a^{2} + a b
    \\end{align*}
    >>> written_out([("y", (a + b) ** 30)]) is None
    True
    """
    lines: list[str] = []
    for lhs, expr in entries:
        if _term_bound(expr) > _MAX_TERMS:
            return None
        expanded = sympy.expand(expr)
        if len(sympy.Add.make_args(expanded)) > _MAX_TERMS:
            return None
        rows = equation_lines(lhs, expanded, names)
        if rows is None:
            return None
        lines += rows
    return align(lines) if len(lines) <= _MAX_LINES else None


_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{tikz}
\setlength{\textwidth}{15.5cm}
\setlength{\oddsidemargin}{0.2cm}
\setlength{\evensidemargin}{0.2cm}
\setlength{\textheight}{23cm}
\setlength{\topmargin}{-1.2cm}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
\allowdisplaybreaks
\emergencystretch=3em
\newcommand{\Hess}{\operatorname{Hess}}
\newcommand{\diag}{\operatorname{diag}}
\newcommand{\rank}{\operatorname{rank}}
\renewcommand{\labelitemi}{$\bullet$}
"""


class Document:
    """Paragraphs and displays of one document, with the number formatter and its footnote.

    ``numbers_in`` names where the full values of shortened numbers are.

    Examples
    --------
    >>> doc = Document("A title", "the file")
    >>> doc.section("First")
    >>> doc.add("Some text.")
    >>> tex = doc.render()
    >>> tex.startswith("\\\\documentclass") and "\\\\section{First}\\n\\nSome text." in tex
    True
    """

    def __init__(self, title: str, numbers_in: str) -> None:
        self.title = title
        self.numbers = Numbers(numbers_in)
        self.parts: list[str] = []
        self._noted = False

    def section(self, title: str) -> None:
        """Start a numbered section."""
        self.parts.append(f"\\section{{{title}}}")

    def subsection(self, title: str) -> None:
        """Start an unnumbered subsection."""
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
        """The complete LaTeX source."""
        head = (
            _PREAMBLE
            + f"\\title{{{self.title}}}\n\\author{{generated by symmorse {__version__}}}\n\\date{{}}\n"
        )
        return head + "\\begin{document}\n\\maketitle\n\n" + "\n\n".join(self.parts) + "\n\n\\end{document}\n"
