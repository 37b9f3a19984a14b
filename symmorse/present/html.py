"""HTML tables of search results, for notebooks (``text/html``; :mod:`~symmorse.present.notebook`).

LaTeX displays (:mod:`~symmorse.present.latex`) suit formulas; a list of
certified critical points or a class table reads better as an HTML table,
which every notebook front end renders.  All text is escaped.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from ..exact.words import plural

if TYPE_CHECKING:
    from ..search.critical_results import CriticalPointsResult
    from ..search.embedding import Embedding

__all__ = ["critical_points_html", "embedding_html"]


def _table(header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def critical_points_html(result: CriticalPointsResult) -> str:
    """The certified critical points as an HTML table, with the count and whether the list is complete.

    Examples
    --------
    >>> from symmorse.model.network import Network
    >>> from symmorse.search.critical import critical_points
    >>> net = Network("1,2,1", "tanh", [{"W": [[1], [1]], "b": [0, -1]}, {"W": [[1, -1]], "b": [0]}])
    >>> print(critical_points_html(critical_points(net, [(-3, 3)])))  # doctest: +ELLIPSIS
    <p><b>Critical points of 1,2,1 (tanh)</b> in [-3, 3] (validated route)</p><table>...<td>unique</td>...
    <p>1 critical point: 1 of index 1. Complete: every critical point in the box is listed.</p>
    """
    box = "R^n" if result.box is None else " × ".join(f"[{lo}, {hi}]" for lo, hi in result.box)
    title = (
        f"<p><b>Critical points of {html.escape(result.architecture)} ({html.escape(result.activation)})</b> "
        f"in {html.escape(box)} ({html.escape(result.method)} route)</p>"
    )
    rows = [[k, f"({', '.join(p.center)})", p.index, p.status] for k, p in enumerate(result.points, start=1)]
    table = _table(["#", "centre", "Morse index", "status"], rows) if rows else "<p>no critical point</p>"
    counts = ", ".join(f"{n} of index {i}" for i, n in result.count_by_index().items())
    tail = plural(len(result.points), "critical point") + (f": {counts}" if counts else "") + ". "
    if result.complete:
        tail += "Complete: every critical point in the box is listed."
    else:
        unresolved = plural(len(result.unresolved), "unresolved box")
        tail += f"NOT complete: {unresolved} may hold further critical points."
    return f"{title}{table}\n<p>{html.escape(tail)}</p>"


def embedding_html(e: Embedding) -> str:
    """A target f: its critical points and the class table, as HTML.

    Examples
    --------
    >>> from symmorse.search.embedding import embed
    >>> print(embedding_html(embed("x**2 - y**2", "x,y")))  # doctest: +ELLIPSIS
    <p><b>f = x**2 - y**2</b> in (x, y)...<td>node-augmented</td><td>possible</td>...
    """
    a = e.analysis
    names = ", ".join(x.name for x in a.variables)
    title = f"<p><b>f = {html.escape(str(a.target))}</b> in ({html.escape(names)})</p>"
    points = [
        [f"({', '.join(p.to_json(e.digits)['point'])})", "" if p.index is None else p.index, p.status]
        for p in a.points
    ]
    done = "complete" if a.complete else "not proved complete"
    parts = [title, f"<p>critical points ({done}):</p>"]
    parts.append(_table(["point", "Morse index", "status"], points) if points else "<p>none</p>")
    classes = [[k, v.status, v.reason] for k, v in e.classes.items()]
    parts.append(_table(["class", "status", "reason"], classes))
    c = e.construction
    parts.append(
        f"<p>augmented neural ODE, m = {c.phase_dim}, "
        f"h' = ({html.escape(', '.join(map(str, c.node.field)))}); "
        f"Phi = f verified: {c.verified}</p>"
    )
    if e.bound is not None:
        parts.append(f"<p>approximation lower bound: {html.escape(e.bound.statement())}</p>")
    return "".join(parts)
