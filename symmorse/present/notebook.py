"""Notebook display: presentation registers LaTeX formatters with IPython, so the model knows no printing.

IPython asks its formatter registry (``display_formatter.formatters["text/latex"]``)
how to show an object.  :func:`register` adds symmorse's results to it by module and
class name, so nothing is imported until something is shown; ``import symmorse``
calls it when IPython is running.  :func:`latex` gives the same LaTeX anywhere.

Examples
--------
>>> from symmorse.model.network import Network
>>> latex(Network("1,1,1"))[:25]
'$\\\\displaystyle \\\\Phi(x) = '
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["FORMATTERS", "latex", "register"]

#: Class (module, name) -> the function of :mod:`symmorse.present.latex` that shows it.
FORMATTERS = {
    ("symmorse.model.network", "Network"): "network_latex",
    ("symmorse.search.classify", "Classification"): "classification_latex",
    ("symmorse.search.certify", "Certificate"): "certificate_latex",
    ("symmorse.search.certify_graph", "GraphCertificate"): "certificate_latex",
}


def _formatter(function: str):
    def show(obj) -> str:
        return getattr(importlib.import_module("symmorse.present.latex"), function)(obj)

    return show


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
    function = FORMATTERS.get((type(obj).__module__, type(obj).__name__))
    return None if function is None else _formatter(function)(obj)


def register(ipython: Any) -> None:
    """Register the formatters with an IPython shell (``get_ipython()``).

    Examples
    --------
    >>> class Formatter:  # what register uses of IPython's text/latex formatter
    ...     def for_type_by_name(self, module, name, function):
    ...         print(module, name)
    >>> display = type("Display", (), {"formatters": {"text/latex": Formatter()}})
    >>> register(type("Shell", (), {"display_formatter": display}))
    symmorse.model.network Network
    symmorse.search.classify Classification
    symmorse.search.certify Certificate
    symmorse.search.certify_graph GraphCertificate
    """
    formatter = ipython.display_formatter.formatters["text/latex"]
    for (module, name), function in FORMATTERS.items():
        formatter.for_type_by_name(module, name, _formatter(function))
