"""Notebook display: presentation registers formatters with IPython, so model and search know no printing.

IPython asks its formatter registry (``display_formatter.formatters["text/latex"]``,
``["text/html"]``) how to show an object.  :func:`register` adds symmorse's results
to it by module and class name, so nothing is imported until something is shown;
``import symmorse`` calls it when IPython is running.  :func:`latex` and
:func:`html` give the same output anywhere.  Networks, classifications and
certificates display as LaTeX; the critical points of concrete weights
(:class:`~symmorse.search.critical_results.CriticalPointsResult`) and the analysis
of a target (:class:`~symmorse.search.embedding.Embedding`) as LaTeX and as an
HTML table.

Examples
--------
>>> from symmorse.model.network import Network
>>> latex(Network("1,1,1"))[:25]
'$\\\\displaystyle \\\\Phi(x) = '
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["FORMATTERS", "HTML_FORMATTERS", "latex", "html", "register"]

_CRITICAL = ("symmorse.search.critical_results", "CriticalPointsResult")
_EMBEDDING = ("symmorse.search.embedding", "Embedding")

#: Class (module, name) -> the function of :mod:`symmorse.present.latex` that shows it.
FORMATTERS = {
    ("symmorse.model.network", "Network"): "network_latex",
    ("symmorse.search.classify", "Classification"): "classification_latex",
    ("symmorse.search.certify", "Certificate"): "certificate_latex",
    ("symmorse.search.certify_graph", "GraphCertificate"): "certificate_latex",
    _CRITICAL: "critical_points_result_latex",
    _EMBEDDING: "embedding_latex",
}

#: Class (module, name) -> the function of :mod:`symmorse.present.html` that shows it.
HTML_FORMATTERS = {
    _CRITICAL: "critical_points_html",
    _EMBEDDING: "embedding_html",
}

_MODULES = {
    "text/latex": ("symmorse.present.latex", FORMATTERS),
    "text/html": ("symmorse.present.html", HTML_FORMATTERS),
}


def _formatter(module: str, function: str):
    def show(obj) -> str:
        return getattr(importlib.import_module(module), function)(obj)

    return show


def _show(mime: str, obj: object) -> str | None:
    module, table = _MODULES[mime]
    function = table.get((type(obj).__module__, type(obj).__name__))
    return None if function is None else _formatter(module, function)(obj)


def latex(obj: object) -> str | None:
    """The notebook LaTeX of a symmorse result, or None for other objects.

    Examples
    --------
    >>> from symmorse.search.classify import classify
    >>> print(latex(classify("3,2,1")))
    $$\\begin{array}{l}\\text{3,2,1: non-augmented}\\end{array}$$
    >>> latex(3) is None
    True
    """
    return _show("text/latex", obj)


def html(obj: object) -> str | None:
    """The notebook HTML of a symmorse result that has one (critical points, embeddings), else None.

    Examples
    --------
    >>> from symmorse.search.embedding import embed
    >>> html(embed("x**2", "x")).startswith("<p><b>f = x**2</b>")
    True
    >>> from symmorse.search.classify import classify
    >>> html(classify("3,2,1")) is None
    True
    """
    return _show("text/html", obj)


def register(ipython: Any) -> None:
    """Register the formatters with an IPython shell (``get_ipython()``).

    Examples
    --------
    >>> class Formatter:  # what register uses of IPython's formatters
    ...     def __init__(self, mime):
    ...         self.mime = mime
    ...     def for_type_by_name(self, module, name, function):
    ...         print(self.mime, module, name)
    >>> formatters = {mime: Formatter(mime) for mime in ("text/latex", "text/html")}
    >>> display = type("Display", (), {"formatters": formatters})
    >>> register(type("Shell", (), {"display_formatter": display}))
    text/latex symmorse.model.network Network
    text/latex symmorse.search.classify Classification
    text/latex symmorse.search.certify Certificate
    text/latex symmorse.search.certify_graph GraphCertificate
    text/latex symmorse.search.critical_results CriticalPointsResult
    text/latex symmorse.search.embedding Embedding
    text/html symmorse.search.critical_results CriticalPointsResult
    text/html symmorse.search.embedding Embedding
    """
    for mime, (module, table) in _MODULES.items():
        formatter = ipython.display_formatter.formatters.get(mime)
        if formatter is None:
            continue
        for (owner, name), function in table.items():
            formatter.for_type_by_name(owner, name, _formatter(module, function))
