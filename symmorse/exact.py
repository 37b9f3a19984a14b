"""Exact numbers: the domain in which every ``proved`` verdict is computed.

User numbers arrive as integers, rational strings (``"-3/5"``), decimal strings
(``"0.25"``, read as the decimal it spells) or floats (read as the binary
fraction the float *is*, so a trained weight is analysed exactly, not a
rounding of it).  Everything is converted to :class:`sympy.Rational` here, in
one place, and written back as rational strings.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from numbers import Integral

import sympy

from .errors import WeightsError

__all__ = ["to_rational", "rational_string"]

_RATIONAL_TEXT = re.compile(r"^\s*[+-]?\d+(/\d+)?\s*$")
_DECIMAL_TEXT = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


def to_rational(value: object, where: str = "value") -> sympy.Rational:
    """Convert a user number to an exact :class:`sympy.Rational`.

    Parameters
    ----------
    value : int, float, str, Fraction or sympy.Rational
        Floats are converted exactly (a float is a binary fraction); strings
        may be rational (``"-3/5"``) or decimal (``"0.1"`` is 1/10).
    where : str
        Names the value in error messages, e.g. ``"W1[2][1]"``.

    Raises
    ------
    WeightsError
        If the value is not a finite real number.

    Examples
    --------
    >>> to_rational("-3/5")
    -3/5
    >>> to_rational(0.5), to_rational("0.1")
    (1/2, 1/10)
    >>> to_rational(0.1)
    3602879701896397/36028797018963968
    """
    if isinstance(value, bool):
        raise WeightsError(f"{where}: expected a number, got a boolean {value!r}")
    if isinstance(value, sympy.Rational):
        return value
    if isinstance(value, Integral):
        return sympy.Integer(int(value))
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 10_000:
            raise WeightsError(f"{where}: number text is too long ({len(text)} characters)")
        if _RATIONAL_TEXT.match(text):
            num, _, den = text.partition("/")
            if den and int(den) == 0:
                raise WeightsError(f"{where}: zero denominator in {value!r}")
            return sympy.Rational(int(num), int(den) if den else 1)
        if _DECIMAL_TEXT.match(text):
            exponent = re.search(r"[eE]([+-]?\d+)", text)
            if exponent and abs(int(exponent.group(1))) > 10_000:
                raise WeightsError(f"{where}: exponent too large in {value!r}")
            return sympy.Rational(text)
        raise WeightsError(f"{where}: {value!r} is not a number (expected e.g. -3/5, 0.25 or 2)")
    try:
        as_float = float(value)  # numpy scalars and the like
    except (TypeError, ValueError):
        raise WeightsError(f"{where}: expected a number, got {type(value).__name__} {value!r}") from None
    if not math.isfinite(as_float):
        raise WeightsError(f"{where}: {as_float} is not a finite number")
    return sympy.Rational(Fraction(as_float).numerator, Fraction(as_float).denominator)


def rational_string(value: object) -> str:
    """Write an exact rational as ``"p/q"`` (or ``"p"`` for integers).

    Examples
    --------
    >>> rational_string(sympy.Rational(-3, 5)), rational_string(4)
    ('-3/5', '4')
    """
    q = to_rational(value)
    return str(q.p) if q.q == 1 else f"{q.p}/{q.q}"
