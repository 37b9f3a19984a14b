"""LaTeX for networks: readable symbol names and the equations of a derivation.

Symbols are named in :mod:`symmorse.architecture` (``W1_2_3``, ``b1_2``,
``w3``, ``u1_2``, ``z1_2``, ``x1``); here they become ``W^{(1)}_{2,3}``,
``b^{(1)}_{2}``, ``w_{3}``, ``u^{(1)}_{2}``, ``z^{(1)}_{2}``, ``x_{1}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sympy

__all__ = ["symbol_latex", "latex_names", "to_latex"]

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
    """``symbol_names`` for :func:`sympy.latex`, for the given symbols."""
    return {s: symbol_latex(s.name) for s in symbols}


def to_latex(expr: sympy.Basic) -> str:
    """:func:`sympy.latex` with symmorse's symbol names.

    Examples
    --------
    >>> W, x = sympy.symbols("W1_1_2 x2")
    >>> to_latex(sympy.tanh(W * x))
    '\\\\tanh{\\\\left(W^{(1)}_{1,2} x_{2} \\\\right)}'
    """
    return sympy.latex(expr, symbol_names=latex_names(expr.free_symbols))
