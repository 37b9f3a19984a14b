"""Exact numbers: the domain in which every ``proved`` verdict is computed.

User numbers arrive as integers, rational strings (``"-3/5"``), decimal strings
(``"0.25"``, read as the decimal it spells) or floats (read as the binary
fraction the float *is*, so a trained weight is analysed exactly, not a
rounding of it).  Everything is converted to :class:`sympy.Rational` here, in
one place, and written back as rational strings.  Exact constants that are not
rational (``exp(-2)``, ``sqrt(3)``) are enclosed rigorously in python-flint
balls by :func:`enclose`, so their sign can be proved, and
:func:`real_analytic` recognises expressions defined and analytic on all of R^k
(flows that exist for all time, targets defined everywhere).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from fractions import Fraction
from numbers import Integral

import flint
import sympy

from .errors import WeightsError

__all__ = [
    "to_rational",
    "rational_string",
    "to_fmpq",
    "to_sympy",
    "rational_ball",
    "enclose",
    "real_analytic",
    "globally_lipschitz",
]

_RATIONAL_TEXT = re.compile(r"^\s*[+-]?\d+(/\d+)?\s*$", re.ASCII)
_DECIMAL_TEXT = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$", re.ASCII)


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
    >>> to_rational(flint.fmpq(1, 3)), rational_string(flint.fmpq(-2, 7))
    (1/3, '-2/7')
    """
    if isinstance(value, bool):
        raise WeightsError(f"{where}: expected a number, got a boolean {value!r}")
    if isinstance(value, sympy.Rational):
        return value
    if isinstance(value, Integral):
        return sympy.Integer(int(value))
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, flint.fmpq):  # exactly, not through float
        return sympy.Rational(int(value.p), int(value.q))
    if isinstance(value, flint.fmpz):
        return sympy.Integer(int(value))
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 10_000:
            raise WeightsError(f"{where}: number text is too long ({len(text)} characters)")
        if _RATIONAL_TEXT.match(text):
            num, _, den = text.partition("/")
            if den and _integer(den) == 0:
                raise WeightsError(f"{where}: zero denominator in {value!r}")
            return sympy.Rational(_integer(num), _integer(den) if den else 1)
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


def _integer(text: str) -> int:
    """``int(text)`` for a signed decimal, also beyond Python's 4300-digit limit (FLINT parses long ones)."""
    text = text.strip()
    if len(text) < 4000:
        return int(text)
    digits = text.lstrip("+-")
    magnitude = int(flint.fmpz(digits))
    return -magnitude if text.startswith("-") else magnitude


def to_fmpq(value: object) -> flint.fmpq:
    """An exact python-flint rational from an int, fmpq, SymPy rational, Fraction or ``"p/q"`` text.

    Examples
    --------
    >>> to_fmpq(sympy.Rational(-3, 5)), to_fmpq("7/2"), to_fmpq(4)
    (-3/5, 7/2, 4)
    """
    if isinstance(value, flint.fmpq):
        return value
    if isinstance(value, (int, flint.fmpz)) and not isinstance(value, bool):
        return flint.fmpq(value)
    q = value if isinstance(value, sympy.Rational) else to_rational(value)
    return flint.fmpq(int(q.p), int(q.q))


def to_sympy(value: flint.fmpq | flint.fmpz | int) -> sympy.Rational:
    """The SymPy rational of an exact python-flint number.

    Examples
    --------
    >>> to_sympy(flint.fmpq(-3, 5))
    -3/5
    """
    if isinstance(value, flint.fmpq):
        return sympy.Rational(int(value.p), int(value.q))
    return sympy.Integer(int(value))


def rational_ball(value: object) -> flint.arb:
    """A ball containing the exact rational ``value`` (exact when it is dyadic and fits).

    Examples
    --------
    >>> rational_ball(sympy.Rational(1, 4)), rational_ball("1/3").contains(flint.fmpq(1, 3))
    (0.250000000000000, True)
    """
    return flint.arb(to_fmpq(value))


def rational_string(value: object) -> str:
    """Write an exact rational as ``"p/q"`` (or ``"p"`` for integers).

    Examples
    --------
    >>> rational_string(sympy.Rational(-3, 5)), rational_string(4)
    ('-3/5', '4')
    """
    q = to_rational(value)
    return str(q.p) if q.q == 1 else f"{q.p}/{q.q}"


_ARB_FUNCTIONS = {
    sympy.exp: flint.arb.exp,
    sympy.log: flint.arb.log,
    sympy.sin: flint.arb.sin,
    sympy.cos: flint.arb.cos,
    sympy.tan: flint.arb.tan,
    sympy.sinh: flint.arb.sinh,
    sympy.cosh: flint.arb.cosh,
    sympy.tanh: flint.arb.tanh,
    sympy.atan: flint.arb.atan,
    sympy.asinh: flint.arb.asinh,
    sympy.atanh: flint.arb.atanh,
    sympy.erf: flint.arb.erf,
    sympy.Abs: abs,
}


def enclose(expr: sympy.Expr, values: dict | None = None) -> flint.arb:
    """A rigorous ball enclosure of a real SymPy expression, at flint's working precision.

    Parameters
    ----------
    expr : sympy.Expr
        Built from rationals, ``E``, ``pi``, symbols in ``values``, ``+ * **``
        and the functions exp, log, sin, cos, tan, sinh, cosh, tanh, atan,
        asinh, atanh, erf, Abs.
    values : dict, optional
        ``{Symbol: flint.arb}``, balls for the free symbols (e.g. a box).

    Raises
    ------
    ValueError
        For anything else (complex numbers, unknown functions, free symbols).

    Examples
    --------
    >>> b = enclose(sympy.exp(-2) - sympy.Rational(1, 7))
    >>> b < 0, b > 0
    (True, False)
    >>> enclose(sympy.sqrt(2)) > 1
    True

    Comparisons of balls are rigorous: ``b < 0`` is True only if every
    point of the ball is negative.  A ball that is not finite (e.g. the
    square root of a ball reaching below 0 is ``nan``) compares False both ways.
    """
    values = values or {}
    if expr in values:
        return values[expr]
    if expr.is_Rational:
        return rational_ball(expr)
    if expr is sympy.E:
        return flint.arb(1).exp()
    if expr is sympy.pi:
        return flint.arb.pi()
    if expr.is_Add or expr.is_Mul:
        parts = [enclose(a, values) for a in expr.args]
        result = parts[0]
        for p in parts[1:]:
            result = result + p if expr.is_Add else result * p
        return result
    if expr.is_Pow:
        base = enclose(expr.base, values)
        if expr.exp.is_Integer:
            return base ** int(expr.exp)
        return base ** enclose(expr.exp, values)
    function = _ARB_FUNCTIONS.get(type(expr))
    if function is not None and len(expr.args) == 1:
        return function(enclose(expr.args[0], values))
    raise ValueError(f"cannot enclose {expr} in a real ball")


_ENTIRE = (
    sympy.exp,
    sympy.sin,
    sympy.cos,
    sympy.sinh,
    sympy.cosh,
    sympy.tanh,
    sympy.atan,
    sympy.asinh,
    sympy.erf,
)


def real_analytic(e: sympy.Expr) -> bool:
    """Whether ``e`` is real-analytic on all of R^k, by construction (its symbols are real).

    Polynomials, exp, sin, cos, sinh, cosh, tanh, atan, asinh, erf, powers and
    logarithms of provably positive bases, and constants that a finite real ball
    encloses; False means "not shown".

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> real_analytic(sympy.exp(x) / (1 + x**2)), real_analytic(1 / x), real_analytic(sympy.log(x))
    (True, False, False)
    """
    if not e.free_symbols:  # a constant: a finite real ball shows it is a well-defined real number
        try:
            return enclose(e).is_finite()
        except ValueError:
            return False
    if e.is_Atom:
        return e.is_real is True
    if e.is_Add or e.is_Mul:
        return all(real_analytic(a) for a in e.args)
    if e.is_Pow:
        ok_power = (e.exp.is_Integer and e.exp >= 0) or e.base.is_positive is True
        return ok_power and real_analytic(e.base) and real_analytic(e.exp)
    if isinstance(e, sympy.log):
        return e.args[0].is_positive is True and real_analytic(e.args[0])
    return isinstance(e, _ENTIRE) and real_analytic(e.args[0])


_BOUNDED_SLOPE = (sympy.tanh, sympy.atan, sympy.sin, sympy.cos)  # |g'| <= 1 on R


def _affine(e: sympy.Expr, hs: set) -> bool:
    return all(not (sympy.diff(e, a).free_symbols & hs) for a in hs)


def _bounded_slope(e: sympy.Expr, hs: set) -> bool:
    """Whether e is, by construction, a real constant plus a Lipschitz function of the symbols ``hs``."""
    if not (e.free_symbols & hs):
        return real_analytic(e)  # a finite real constant
    if e in hs:
        return True
    if e.is_Add:
        return all(_bounded_slope(a, hs) for a in e.args)
    if e.is_Mul:
        varying = [a for a in e.args if a.free_symbols & hs]
        constant = sympy.Mul(*[a for a in e.args if not (a.free_symbols & hs)])
        return len(varying) == 1 and real_analytic(constant) and _bounded_slope(varying[0], hs)
    if isinstance(e, _BOUNDED_SLOPE):
        return _affine(e.args[0], hs)
    if e.is_Pow and e.exp == -1 and e.base.is_Add:  # 1 / (s + a exp(u)), s, a > 0: slope <= 1 / (4 s)
        varying = [a for a in e.base.args if a.free_symbols & hs]
        s = sympy.Add(*[a for a in e.base.args if not (a.free_symbols & hs)])
        if len(varying) != 1:
            return False
        scale, term = varying[0].as_independent(*hs, as_Add=False)
        return (
            isinstance(term, sympy.exp)
            and _affine(term.args[0], hs)
            and scale.is_positive is True
            and s.is_positive is True
        )
    return False


def globally_lipschitz(field: Sequence[sympy.Expr], h: Sequence[sympy.Symbol]) -> bool:
    """Whether the vector field is, by construction, globally Lipschitz in the real symbols ``h``.

    Each component must be affine in ``h`` plus constant multiples of tanh, atan, sin,
    cos (slopes at most 1) or ``1/(s + a exp(u))`` with s, a > 0 (slope at most 1/(4s)) of
    affine forms u of ``h``: the layer fields ``V sigma(A h + c)`` of tanh, arctan and
    sigmoid.  Then its flow exists for all time from every start point (Picard--Lindelof
    with linear growth).  False means "not shown".

    Examples
    --------
    >>> h1, h2 = sympy.symbols("h1 h2", real=True)
    >>> globally_lipschitz([-2 * sympy.tanh(h1 + h2), 3 / (1 + sympy.exp(-h1)) + h2], [h1, h2])
    True
    >>> globally_lipschitz([h2, h1**2], [h1, h2]), globally_lipschitz([sympy.tanh(h1**2)], [h1])
    (False, False)
    >>> globally_lipschitz([3 / (2 * sympy.exp(-h1 / 2) + 2)], [h1])  # 3/2 sigmoid(h1/2), as SymPy reads it
    True
    """
    hs = set(h)
    return all(_bounded_slope(f, hs) for f in field)
