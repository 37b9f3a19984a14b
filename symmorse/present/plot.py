"""Pictures of critical points: Phi with its certified critical points and unresolved boxes.

For one input Phi is drawn as a curve, for two as filled contours; critical
points are marked by Morse index (minima, saddles, maxima, degenerate points)
and unresolved boxes are shaded, so what was not decided is visible.  This is
presentation only: Phi is evaluated in floating point (NumPy) for drawing, and
matplotlib (the ``plot`` extra) is imported lazily with the Agg backend.
"""

from __future__ import annotations

import os
import tempfile

import sympy

from ..exact.errors import InputError
from ..model.activations import Z
from ..model.architecture import input_nodes, layers, output_node
from ..model.network import Network
from ..search.critical import CriticalPointsResult

__all__ = ["check_plot_target", "picture_suffix", "plot_critical_points", "FORMATS"]

#: File types the pictures can be written as.
FORMATS = (".png", ".pdf", ".svg")


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise InputError("--plot needs matplotlib: pip install 'symmorse[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def check_plot_target(path: str, n_inputs: int) -> None:
    """Fail early (before any computation) if ``path`` cannot receive a picture.

    Raises
    ------
    InputError
        For more than two inputs, an unknown file type, a missing directory or
        a missing matplotlib.

    Examples
    --------
    >>> check_plot_target("phi.gif", 2)
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.InputError: picture 'phi.gif': the file name must end in .png, .pdf or .svg
    """
    if n_inputs not in (1, 2):
        raise InputError(f"pictures need a network with 1 or 2 inputs, this one has {n_inputs}")
    picture_suffix(path, FORMATS)
    _pyplot()


def picture_suffix(path: str, formats: tuple[str, ...]) -> str:
    """The file type of ``path`` (lower case) if it is one of ``formats`` and its directory exists.

    Raises
    ------
    InputError
        For another file type or a missing directory.

    Examples
    --------
    >>> picture_suffix("phi.PNG", FORMATS)
    '.png'
    """
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in formats:
        names = f"{', '.join(formats[:-1])} or {formats[-1]}"
        raise InputError(f"picture {path!r}: the file name must end in {names}")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise InputError(f"picture {path!r}: directory {directory!r} does not exist")
    return suffix


def _phi(net: Network, points: list) -> object:
    """Phi at the rows of ``points`` (an (m, n) NumPy array), in floating point."""
    import numpy as np

    G = net.graph
    sigma = {v: sympy.lambdify(Z, a.sigma, "numpy") for v, a in net.activations.items()}
    value = {v: points[:, i] for i, v in enumerate(input_nodes(G))}
    for group in layers(G)[1:]:
        for v in group:
            z = float(net.bias(v)) + sum(float(net.weight(u, v)) * value[u] for u in G.predecessors(v))
            value[v] = z if v == output_node(G) else sigma[v](z) * np.ones_like(z)
    return value[output_node(G)]


def _window(result: CriticalPointsResult, n: int) -> list[tuple[float, float]]:
    """The search box, or for the exact route on all of R^n a window around the points."""
    if result.box is not None:
        return [(float(lo), float(hi)) for lo, hi in result.box]
    window = []
    for i in range(n):
        xs = [float(c) for p in result.points for c in [p.center[i]]] or [0.0]
        pad = max(1.0, (max(xs) - min(xs)) / 2)
        window.append((min(xs) - pad, max(xs) + pad))
    return window


def _style(index: int, status: str, n: int) -> tuple[str, str, str]:
    """(marker, colour, label) of a critical point."""
    if status == "degenerate":
        return "*", "black", "degenerate"
    if index == 0:
        return "o", "tab:blue", "minimum (index 0)"
    if index == n:
        return "^", "tab:red", f"maximum (index {n})"
    return "X", "tab:green", f"saddle (index {index})"


def plot_critical_points(
    result: CriticalPointsResult, net: Network, path: str, resolution: int = 300
) -> None:
    """Draw Phi, the critical points by index and the unresolved boxes; write ``path`` atomically.

    Examples
    --------
    >>> import importlib.util, os, tempfile
    >>> from symmorse.search.critical import critical_points
    >>> net = Network("1,2,1", "tanh", [{"W": [[1], [1]], "b": [0, -1]}, {"W": [[1, -1]], "b": [0]}])
    >>> path = os.path.join(tempfile.mkdtemp(), "phi.png")
    >>> if importlib.util.find_spec("matplotlib"):  # the plot extra
    ...     plot_critical_points(critical_points(net, ["-3,3"]), net, path)
    ...     assert os.path.getsize(path) > 1000
    """
    import numpy as np

    plt = _pyplot()
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    n = len(net.inputs)
    check_plot_target(path, n)
    window = _window(result, n)
    fig, ax = plt.subplots(figsize=(6.4, 5.2) if n == 2 else (6.4, 4.2))
    if n == 1:
        xs = np.linspace(*window[0], resolution)
        ax.plot(xs, _phi(net, xs[:, None]), color="0.2", lw=1.5, label="Phi")
        for u in result.unresolved:
            lo, hi = (float(t) for t in u.box[0]) if u.box is not None else window[0]
            ax.axvspan(lo, hi, color="tab:orange", alpha=0.35, lw=0)
        ax.set_xlabel("x1")
        ax.set_ylabel("Phi(x1)")
    else:
        gx, gy = np.meshgrid(np.linspace(*window[0], resolution), np.linspace(*window[1], resolution))
        values = _phi(net, np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
        filled = ax.contourf(gx, gy, values, levels=30, cmap="viridis")
        ax.contour(gx, gy, values, levels=30, colors="k", linewidths=0.3, alpha=0.4)
        fig.colorbar(filled, ax=ax, label="Phi")
        boxes = [u.box if u.box is not None else tuple(window) for u in result.unresolved]
        rectangles = [
            Rectangle((float(b[0][0]), float(b[1][0])), float(b[0][1] - b[0][0]), float(b[1][1] - b[1][0]))
            for b in boxes
        ]
        ax.add_collection(
            PatchCollection(rectangles, facecolor="tab:orange", edgecolor="tab:orange", alpha=0.6)
        )
        ax.set_xlim(*window[0])
        ax.set_ylim(*window[1])
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
    seen = set()
    for p in result.points:
        marker, colour, label = _style(p.index, p.status, n)
        coords = [float(c) for c in p.center]
        y = coords[1] if n == 2 else float(_phi(net, np.array([coords]))[0])
        ax.scatter(
            [coords[0]],
            [y],
            marker=marker,
            s=70,
            color=colour,
            edgecolors="white",
            zorder=5,
            label=None if label in seen else label,
        )
        seen.add(label)
    if result.unresolved:
        ax.scatter([], [], marker="s", color="tab:orange", alpha=0.6, label="unresolved")
    verdict = "complete" if result.complete else f"NOT complete ({len(result.unresolved)} unresolved boxes)"
    ax.set_title(
        f"{result.architecture} {result.activation}: {len(result.points)} critical points, {verdict}",
        fontsize=10,
    )
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best", fontsize=8, framealpha=0.8)
    fig.tight_layout()
    _save(fig, path)
    plt.close(fig)


def _save(fig: object, path: str) -> None:
    """Save a figure so that ``path`` is either complete or untouched."""
    suffix = os.path.splitext(path)[1].lower()
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".symmorse-", suffix=suffix)
    os.close(fd)
    try:
        fig.savefig(tmp, format=suffix[1:], dpi=120)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
