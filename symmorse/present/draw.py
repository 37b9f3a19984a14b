"""Pictures of architectures: the network graph with what the analysis found, in matplotlib or TikZ.

:func:`architecture_drawing` lays out any architecture graph by layers (the
``layer`` attribute every builder sets: longest-path depth from the inputs) and
marks what :func:`~symmorse.search.classify.classify` found: the widening steps
of a layered MLP (layer k wider than layer k - 1, where critical branches
start), a minimum vertex cut between the inputs and the output (fewer nodes
than inputs: a bottleneck), and for the graph route the dead and cancelling
nodes of one death stratum (by default the first stratum that carries critical
points).  Edges that skip layers are drawn as arcs, fixed weights dashed with
their value.  :func:`draw` writes the picture: ``.png``, ``.pdf``, ``.svg``
through matplotlib (the ``plot`` extra), ``.tex`` as a ``tikzpicture`` to
``\\input`` (it needs ``\\usepackage{tikz}``).  Nothing here computes
mathematics: the highlights are the classification's.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field

import networkx as nx

from ..exact.errors import InputError
from ..model.architecture import layers, parse_architecture
from ..model.io import write_atomic
from ..search.classify import Classification, classify, minimum_cut
from .latex import escape_text
from .plot import _pyplot, _save, picture_suffix

__all__ = ["Drawing", "architecture_drawing", "check_drawing_target", "draw", "tikz", "FORMATS"]

#: File types :func:`draw` writes.
FORMATS = (".png", ".pdf", ".svg", ".tex")

_NODE = re.compile(r"^([A-Za-z]+)(\d+)(?:_(\d+))?$")


@dataclass(frozen=True)
class Drawing:
    """What a picture of an architecture shows, as plain data.

    Attributes
    ----------
    title : the architecture's spelling and the activation.
    positions : node -> (x, y); x is the layer.
    labels : node -> LaTeX label (``x_{1}``, ``h^{(1)}_{2}``).
    roles : node -> ``input``, ``hidden``, ``identity`` (an identity unit) or ``output``.
    edges : (u, v, fixed weight as text or None, whether the edge skips layers).
    widening : layer k -> a note, for the widening steps of a layered MLP.
    cut : a minimum vertex cut between the inputs and the output.
    dead, cancelling : the shown stratum's dead nodes (Z) and cancelling ones.
    notes : one line each, what the highlights mean (the legend).
    """

    title: str
    positions: dict[Hashable, tuple[float, float]]
    labels: dict[Hashable, str]
    roles: dict[Hashable, str]
    edges: list[tuple[Hashable, Hashable, str | None, bool]]
    widening: dict[int, str] = field(default_factory=dict)
    cut: tuple = ()
    dead: tuple = ()
    cancelling: tuple = ()
    notes: list[str] = field(default_factory=list)


def _label(v: Hashable) -> str:
    m = _NODE.match(str(v))
    if not m:
        return f"\\mathrm{{{escape_text(v)}}}"
    letter, first, second = m.groups()
    return f"{letter}_{{{first}}}" if second is None else f"{letter}^{{({first})}}_{{{second}}}"


def _shown_stratum(c: Classification, number: int | None):
    if number is not None:
        if not c.strata:
            raise InputError("--stratum needs the graph route (a graph, or --graph), which lists the strata")
        if not 1 <= number <= len(c.strata):
            raise InputError(f"--stratum must be between 1 and {len(c.strata)}, got {number}")
        return number, c.strata[number - 1]
    for kinds in (("morse", "degenerate"), ("null",)):
        for k, s in enumerate(c.strata or [], start=1):
            if s.complete and s.kind in kinds and s.dead:
                return k, s
    return None, None


def architecture_drawing(
    architecture: str | nx.DiGraph,
    activation: str = "tanh",
    route: str = "auto",
    stratum: int | None = None,
    classification: Classification | None = None,
) -> Drawing:
    """Lay out an architecture and mark its widening steps, a minimum cut and one death stratum.

    Parameters
    ----------
    architecture : widths, a spelled graph (``"2,2,1 --skip 0:out"``, ``"resnet:2,2,1"``) or a graph.
    activation : of hidden units without their own.
    route : as for :func:`~symmorse.search.classify.classify` (``"graph"`` lists strata of MLPs too).
    stratum : the row of the strata table to show (1-based); by default the first complete
        stratum of kind morse or degenerate, else the first null one with dead nodes.
    classification : the architecture's classification, if the caller has it (by ``route``);
        otherwise it is computed.

    Examples
    --------
    >>> d = architecture_drawing("3,5,2,4,1")
    >>> d.widening, sorted(d.cut), d.labels["h1_2"]
    ({1: 'widening step k=1: 3 -> 5', 3: 'widening step k=3: 2 -> 4'}, ['h2_1', 'h2_2'], 'h^{(1)}_{2}')
    >>> d = architecture_drawing("resnet:2,2,1")
    >>> [(u, v, w) for u, v, w, _ in d.edges if w], d.dead
    ([('s0_1', 's1_1', '1'), ('s0_2', 's1_2', '1')], ('x1', 'x2'))
    """
    G = parse_architecture(architecture) if isinstance(architecture, str) else architecture
    c = classification or classify(G, activation, route=route)
    groups = layers(G)
    depth = {v: k for k, group in enumerate(groups) for v in group}
    positions = {
        v: (float(k), (len(group) - 1) / 2 - i) for k, group in enumerate(groups) for i, v in enumerate(group)
    }
    roles = {}
    for v, data in G.nodes(data=True):
        role = data.get("role", "hidden")
        roles[v] = "identity" if role == "hidden" and data.get("activation") == "identity" else role
    edges = [
        (u, v, None if "fixed_weight" not in data else str(data["fixed_weight"]), depth[v] - depth[u] > 1)
        for u, v, data in G.edges(data=True)
    ]
    notes = []
    widening = {}
    if c.widths is not None and not c.strata:
        for b in c.branches:
            widening[b.step] = f"widening step k={b.step}: {b.source_width} -> {b.target_width}"
        notes.append(f"{c.kind}; shaded layers: widening steps, where critical branches start")
    cut = tuple(sorted(minimum_cut(G), key=lambda v: (depth[v], str(v))))
    n0 = len(groups[0])
    notes.append(
        f"thick outline: a minimum vertex cut ({len(cut)} node{'s' if len(cut) != 1 else ''}"
        + (f", fewer than n0 = {n0}: a bottleneck)" if len(cut) < n0 else f", n0 = {n0})")
    )
    dead: tuple = ()
    cancelling: tuple = ()
    number, shown = _shown_stratum(c, stratum)
    if shown is not None:
        dead, cancelling = tuple(shown.dead), tuple(shown.cancelling)
        notes.append(
            f"red: dead set Z of stratum {number} ({shown.kind}, rule {shown.rule}); ringed: cancelling nodes"
        )
    if any(w is not None for _, _, w, _ in edges):
        notes.append("dashed: fixed weights (their values)")
    title = f"{G.graph.get('name') or c.architecture} ({c.activation})"
    labels = {v: _label(v) for v in G.nodes}
    return Drawing(title, positions, labels, roles, edges, widening, cut, dead, cancelling, notes)


def _bend(d: Drawing, u: Hashable, v: Hashable) -> int:
    """+1 to bend a skip edge upwards (it runs in the upper half), -1 downwards, 0 for a straight edge."""
    if not any(a == u and b == v and skip for a, b, _, skip in d.edges):
        return 0
    return 1 if d.positions[u][1] + d.positions[v][1] >= 0 else -1


# -- matplotlib ------------------------------------------------------------------------------------

_FILL = {"input": "#ffffff", "hidden": "#dbe9f6", "identity": "#eeeeee", "output": "#fde9c9"}


def _figure(d: Drawing):
    plt = _pyplot()
    from matplotlib.patches import FancyArrowPatch

    xs = [x for x, _ in d.positions.values()]
    ys = [y for _, y in d.positions.values()]
    width = max(4.0, 1.4 * (max(xs) - min(xs) + 1), 0.075 * max(map(len, d.notes), default=0))
    height = max(3.0, 0.7 * (max(ys) - min(ys) + 1)) + 0.35 * len(d.notes)
    fig, ax = plt.subplots(figsize=(width, height))
    for k, text in d.widening.items():
        ax.axvspan(k - 0.35, k + 0.35, color="#e3f4e1", zorder=0)
        ax.text(k, max(ys) + 0.75, text.replace("widening step ", ""), ha="center", fontsize=8)
    for u, v, weight, skip in d.edges:
        (x0, y0), (x1, y1) = d.positions[u], d.positions[v]
        rad = _bend(d, u, v) * 0.25
        arrow = FancyArrowPatch(
            (x0, y0),
            (x1, y1),
            arrowstyle="-|>",
            mutation_scale=8,
            shrinkA=11,
            shrinkB=11,
            connectionstyle=f"arc3,rad={-rad}",
            color="#7b3294" if skip else "#777777",
            linestyle="--" if weight is not None else "-",
            linewidth=0.8,
            zorder=1,
        )
        ax.add_patch(arrow)
        if weight is not None:  # at the middle of the arc (arc3: the midpoint moved by rad (dy, -dx) / 2)
            mx, my = (x0 + x1) / 2 - rad * (y1 - y0) / 2, (y0 + y1) / 2 + rad * (x1 - x0) / 2
            ax.text(mx, my + 0.08, weight, fontsize=7, ha="center", color="#444444")
    for v, (x, y) in d.positions.items():
        colour = "#f4a6a6" if v in d.dead else _FILL[d.roles[v]]
        edge = "#c0392b" if v in d.cancelling else "#222222"
        marker = "s" if d.roles[v] == "identity" else "o"
        ax.scatter([x], [y], s=520, marker=marker, c=colour, edgecolors=edge, zorder=2,
                   linewidths=3.0 if v in d.cut else (2.2 if v in d.cancelling else 1.0))
        ax.text(x, y, f"${d.labels[v]}$", ha="center", va="center", fontsize=9, zorder=3)
    for i, note in enumerate(d.notes):
        ax.text(min(xs) - 0.4, min(ys) - 0.8 - 0.35 * i, note, fontsize=8, ha="left")
    ax.set_title(d.title, fontsize=10)
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.set_ylim(min(ys) - 0.9 - 0.35 * len(d.notes), max(ys) + 1.0)
    ax.set_axis_off()
    return fig, plt


# -- TikZ ------------------------------------------------------------------------------------------


def _tikz_name(v: Hashable) -> str:
    return "n" + re.sub(r"[^A-Za-z0-9]", "x", str(v))


def tikz(d: Drawing, width: float | None = None, legend: bool = True) -> str:
    """The drawing as a ``tikzpicture`` (needs ``\\usepackage{tikz}``), its legend below it.

    With ``width`` (cm) the layers are spread over that width (at most 3 cm apart);
    otherwise they are 1.8 cm apart.  ``legend=False`` leaves out the notes (a document
    says them in its text).

    Examples
    --------
    >>> text = tikz(architecture_drawing("2,2,1 --skip 0:out"))
    >>> text.splitlines()[1]
    '\\\\begin{tikzpicture}[x=1.80cm, y=1.0cm, >=stealth]'
    >>> "bend left" in text and "(nx1) edge" in text
    True
    """
    depth = max(x for x, _ in d.positions.values()) or 1
    step = 1.8 if width is None else min(3.0, width / depth)
    lines = [
        "% symmorse draw: needs \\usepackage{tikz}",
        f"\\begin{{tikzpicture}}[x={step:.2f}cm, y=1.0cm, >=stealth]",
        "\\tikzset{unit/.style={circle, draw, minimum size=7mm, inner sep=0pt, font=\\small},"
        " identity/.style={unit, rectangle}, dead/.style={fill=red!30}, cancelling/.style={draw=red!70!black,"
        " line width=1.2pt}, cut/.style={line width=1.8pt}, widening/.style={fill=green!10, draw=none}}",
    ]
    ys = [y for _, y in d.positions.values()]
    for k, text in d.widening.items():
        note = escape_text(text.replace("widening step ", ""))
        lines.append(
            f"\\fill[green!10] ({k - 0.35},{min(ys) - 0.5}) rectangle ({k + 0.35},{max(ys) + 0.5});"
            f" \\node[font=\\scriptsize] at ({k},{max(ys) + 0.8}) {{{note}}};"
        )
    for v, (x, y) in d.positions.items():
        styles = ["identity" if d.roles[v] == "identity" else "unit"]
        styles += ["dead"] * (v in d.dead) + ["cancelling"] * (v in d.cancelling) + ["cut"] * (v in d.cut)
        if d.roles[v] == "output" and v not in d.dead:
            styles.append("fill=orange!15")
        lines.append(f"\\node[{', '.join(styles)}] ({_tikz_name(v)}) at ({x:g},{y:g}) {{${d.labels[v]}$}};")
    for u, v, weight, _ in d.edges:
        bend = {1: ["violet", "bend left=25"], -1: ["violet", "bend right=25"], 0: []}[_bend(d, u, v)]
        style = ["->", "gray"] + bend + (["dashed"] if weight else [])
        label = f" node[midway, above, font=\\tiny] {{${weight}$}}" if weight is not None else ""
        lines.append(f"\\path ({_tikz_name(u)}) edge[{', '.join(style)}]{label} ({_tikz_name(v)});")
    x0 = min(x for x, _ in d.positions.values()) - 0.3
    for i, note in enumerate(d.notes if legend else []):
        at = f"({x0:g},{min(ys) - 0.9 - 0.4 * i:g})"
        lines.append(f"\\node[anchor=west, font=\\scriptsize] at {at} {{{escape_text(note)}}};")
    lines.append("\\end{tikzpicture}")
    return "\n".join(lines) + "\n"


def check_drawing_target(path: str) -> str:
    """The file type of ``path`` if :func:`draw` can write there (checked before any work).

    Raises
    ------
    InputError
        For another file type, a missing directory, or matplotlib missing for a picture.

    Examples
    --------
    >>> check_drawing_target("net.tex")
    '.tex'
    >>> check_drawing_target("net.gif")
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.InputError: picture 'net.gif': the file name must end in .png, .pdf, .svg or .tex
    """
    suffix = picture_suffix(path, FORMATS)
    if suffix != ".tex":
        _pyplot()
    return suffix


def draw(d: Drawing, path: str) -> None:
    """Write the drawing to ``path``: ``.png``/``.pdf``/``.svg`` (matplotlib) or ``.tex`` (TikZ).

    Raises
    ------
    InputError
        For another file type, a missing directory, or matplotlib missing for a picture.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "net.tex")
    >>> draw(architecture_drawing("2,3,1"), path)
    >>> open(path).read().count("\\\\node[unit")
    6
    """
    suffix = check_drawing_target(path)
    if suffix == ".tex":
        write_atomic(path, tikz(d))
        return
    fig, plt = _figure(d)
    try:
        _save(fig, path)
    finally:
        plt.close(fig)
