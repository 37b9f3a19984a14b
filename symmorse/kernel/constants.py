"""Exact decisions about real constants and identities, for the neural-ODE kernel: zero, non-zero, or refuse.

An expression is *formally zero* (:func:`formally_zero`) when, after ``sympy.expand``
and the exponential forms of sinh, cosh, tanh, sin, cos and tan written out below
(:data:`EXP_FORMS`), it is the zero rational function of its atoms (symbols, pi,
I, function values, non-integer powers; exp(c r) for rational c written as a
power of one exp(u r)), computed with FLINT polynomials: wherever it is defined
it is 0.  A real constant is decided by :func:`decide`:

* zero when it is formally zero;
* non-zero when a rigorous FLINT ball (:func:`~symmorse.exact.numbers.enclose`) of it,
  at 53 up to 848 bits, excludes 0;
* for an algebraic constant (rationals, + * and rational powers), zero or non-zero
  by an annihilating polynomial R != 0 with R(e) = 0, eliminated with FLINT
  resultants from ``z - e`` and the relations ``y^q = b^p`` of its radicals:
  R(0) != 0 shows e != 0; a ball of e that contains 0 and exactly one root of R
  (:func:`~symmorse.kernel.base.real_roots_inside`, Sturm) shows e = 0;
* otherwise it is not decided (``None``): the caller rejects, naming what is not shown.

:func:`identity` decides whether an expression in real symbols vanishes
identically: formally zero, or refuted by a ball excluding 0 at one of a few
rational points, or not decided.  SymPy is trusted here for ``expand`` and for
substituting the forms of :data:`EXP_FORMS` (and for the expressions it builds);
every sign and every algebraic decision is FLINT's.
"""

from __future__ import annotations

import functools

import flint
import sympy

from ..exact.numbers import enclose, to_fmpq
from .base import real_roots_inside

__all__ = ["EXP_FORMS", "formally_zero", "decide", "nonzero", "identity"]

#: The identities by which hyperbolic and trigonometric functions are written with exp.
EXP_FORMS = {
    sympy.sinh: lambda a: (sympy.exp(a) - sympy.exp(-a)) / 2,
    sympy.cosh: lambda a: (sympy.exp(a) + sympy.exp(-a)) / 2,
    sympy.tanh: lambda a: (sympy.exp(2 * a) - 1) / (sympy.exp(2 * a) + 1),
    sympy.sin: lambda a: (sympy.exp(sympy.I * a) - sympy.exp(-sympy.I * a)) / (2 * sympy.I),
    sympy.cos: lambda a: (sympy.exp(sympy.I * a) + sympy.exp(-sympy.I * a)) / 2,
    sympy.tan: lambda a: (sympy.exp(2 * sympy.I * a) - 1) / (sympy.I * (sympy.exp(2 * sympy.I * a) + 1)),
}
_PRECISIONS = (53, 212, 848)
_MAX_DEGREE = 64  # largest degree bound of an algebraic constant decided by its annihilator
_MAX_RADICALS = 12
_SAMPLES = tuple(flint.fmpq(p, q) for p, q in ((1, 3), (-2, 7), (5, 4), (-3, 5), (7, 9), (2, 11)))
_UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


def _ball(e: sympy.Expr, bits: int, values: dict | None = None) -> flint.arb | None:
    """A rigorous finite ball of the real number e at ``bits`` of precision, or None."""
    try:
        with flint.ctx.workprec(bits):
            ball = enclose(e, values)
    except (ValueError, ArithmeticError):
        return None
    return ball if ball.is_finite() else None


def _exp_powers(e: sympy.Expr) -> sympy.Expr:
    """``e`` with each exp(c r) (c rational) written as W_r^(c/u_r), for one symbol W_r = exp(u_r r) per
    r (u_r the gcd of its c's), so that exp(4) and exp(8) become W^4 and W^8."""
    groups: dict = {}
    for node in [*e.atoms(sympy.exp), *([sympy.E] if e.has(sympy.E) else [])]:
        c, r = (sympy.Integer(1), sympy.Integer(1)) if node is sympy.E else node.args[0].as_coeff_Mul()
        groups.setdefault(r, []).append((node, c))
    swap = {}
    for members in groups.values():
        unit = functools.reduce(sympy.gcd, [c for _, c in members])
        w = sympy.Dummy("W")
        swap.update({node: w ** int(c / unit) for node, c in members})
    return e.xreplace(swap)


def _polynomials(e: sympy.Expr) -> tuple:
    """``e`` as FLINT ``(numerator, denominator)`` over Q in its atoms (all but + * and integer powers),
    after :func:`_exp_powers`."""
    e, atoms = _exp_powers(e), []
    for node in sympy.preorder_traversal(e):
        polynomial = node.is_Rational or node.is_Add or node.is_Mul or (node.is_Pow and node.exp.is_Integer)
        if not polynomial and node not in atoms:
            atoms.append(node)
    ctx = flint.fmpq_mpoly_ctx.get([f"a{i}" for i in range(len(atoms))] or ["a"], "lex")
    table = dict(zip(atoms, ctx.gens()))

    def walk(node):
        if node in table:
            return table[node], ctx.constant(1)
        if node.is_Rational:
            return ctx.constant(to_fmpq(node)), ctx.constant(1)
        if node.is_Pow:  # an integer power
            num, den = walk(node.base)
            k = int(node.exp)
            return (num**k, den**k) if k >= 0 else (den ** (-k), num ** (-k))
        parts = [walk(a) for a in node.args]
        num, den = parts[0]
        for n, d in parts[1:]:
            num, den = (num * d + n * den, den * d) if node.is_Add else (num * n, den * d)
        return num, den

    return walk(e)


def formally_zero(e: sympy.Expr) -> bool:
    """Whether ``e`` is 0 as a rational function of its atoms, after expansion and :data:`EXP_FORMS`.

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> formally_zero(sympy.sinh(x) - (sympy.exp(x) - sympy.exp(-x)) / 2), formally_zero(x / (x + 1) - 1)
    (True, False)
    >>> formally_zero(sympy.sin(x) ** 2 + sympy.cos(x) ** 2 - 1)
    True
    """
    for form in (e, e.replace(lambda a: type(a) in EXP_FORMS, lambda a: EXP_FORMS[type(a)](*a.args))):
        expanded = sympy.expand(form)
        if expanded == 0:
            return True
        if expanded.has(*_UNDEFINED):
            return False
        num, den = _polynomials(expanded)
        if num.is_zero() and not den.is_zero():
            return True
    return False


def nonzero(e: sympy.Expr) -> bool:
    """Whether ball arithmetic shows the real constant ``e`` to be non-zero.

    Examples
    --------
    >>> nonzero(sympy.exp(-40)), nonzero(sympy.sqrt(2) ** 2 - 2), nonzero(sympy.log(-1))
    (True, False, False)
    """
    for bits in _PRECISIONS:
        ball = _ball(e, bits)
        if ball is None:
            return False
        if ball > 0 or ball < 0:
            return True
    return False


def decide(e: sympy.Expr) -> bool | None:
    """Whether the real constant ``e`` is zero: True, False (shown non-zero) or None (not decided).

    Nothing is claimed about an ``e`` that no finite real ball encloses (not shown to be a real
    number, e.g. a division by a hidden zero).

    Examples
    --------
    >>> decide(sympy.sqrt(3 + 2 * sympy.sqrt(2)) - 1 - sympy.sqrt(2))
    True
    >>> decide(sympy.exp(-2) - sympy.Rational(1, 7)), decide(sympy.exp(sympy.Rational(1, 10**1000)) - 1)
    (False, None)
    """
    e = sympy.expand(e)
    if e.is_Rational:
        return e == 0
    if formally_zero(e):
        return True
    R = ()  # the annihilator, computed when a ball does not decide
    for bits in _PRECISIONS:
        ball = _ball(e, bits)
        if ball is None:
            return None
        if ball > 0 or ball < 0:
            return False
        R = _annihilator(e) if R == () else R
        if R is None:
            continue
        if R(0) != 0:
            return False
        mid, rad = _dyadic(ball.mid()), _dyadic(ball.rad())
        lo, hi = mid - rad, mid + rad
        if lo == hi or real_roots_inside(R, lo, hi) + (R(lo) == 0) + (R(hi) == 0) == 1:
            return True  # 0 is a root of R in the ball, and the only one: it is e
    return None


def _dyadic(a: flint.arb) -> flint.fmpq:
    """The exact value of a ball of radius 0 (a dyadic rational)."""
    m, x = a.man_exp()
    return flint.fmpq(int(m)) * flint.fmpq(2) ** int(x)


def _radicals(e: sympy.Expr) -> list[sympy.Pow] | None:
    """The powers in e, innermost first; None unless e is built from rationals by + * and rational
    powers."""
    found: list[sympy.Pow] = []
    for node in sympy.postorder_traversal(e):
        if not (node.is_Rational or node.is_Add or node.is_Mul or (node.is_Pow and node.exp.is_Rational)):
            return None
        if node.is_Pow and node not in found:
            found.append(node)
    return found


def _annihilator(e: sympy.Expr) -> flint.fmpq_poly | None:
    """A polynomial R != 0 over Q with R(e) = 0, for e built from rationals by + * and rational
    powers with a degree bound (the product of the root indices) <= 64; None otherwise.

    Each power b^(p/q) is a variable y with the relation y^q = b^p (y^q b^-p = 1 if p < 0); the
    resultants eliminate the y's, outermost first, from z - e."""
    radicals = _radicals(e)
    if radicals is None or len(radicals) > _MAX_RADICALS:
        return None
    if sympy.prod(p.exp.q for p in radicals) > _MAX_DEGREE:
        return None
    names = [f"y{i}" for i in range(len(radicals))]
    ctx = flint.fmpq_mpoly_ctx.get(["z", *names], "lex")
    z, *ys = ctx.gens()
    table = dict(zip(radicals, ys))

    def poly(node):
        if node in table:
            return table[node]
        if node.is_Rational:
            return ctx.constant(to_fmpq(node))
        parts = [poly(a) for a in node.args]
        total = parts[0]
        for p in parts[1:]:
            total = total + p if node.is_Add else total * p
        return total

    relations = []
    for (radical, y), name in zip(table.items(), names):
        p, q = int(radical.exp.p), int(radical.exp.q)
        base = poly(radical.base)  # y = base^(p/q), so y^q = base^p (or y^q base^-p = 1)
        relations.append((name, y**q - base**p if p > 0 else y**q * base ** (-p) - 1))
    F = z - poly(e)
    for name, G in reversed(relations):
        F = F.resultant(G, name)  # in the ideal of F and G (G has degree q >= 1 in it): 0 where they are
    if F.is_zero():
        return None
    coefficients = [flint.fmpq(0)] * (F.degrees()[0] + 1)
    for exponents, c in F.to_dict().items():
        coefficients[exponents[0]] = c
    return flint.fmpq_poly(coefficients)


def identity(e: sympy.Expr) -> bool | None:
    """Whether ``e`` (in real symbols) is identically zero: True (formally zero), False (refuted: a
    ball excludes 0 at a rational point) or None (not decided).

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> identity((x + 1) ** 2 - x**2 - 2 * x - 1), identity(sympy.sin(x) - x)
    (True, False)
    >>> identity(sympy.exp(x / 10**1000) - 1) is None  # non-zero, but below every ball at the samples
    True
    """
    if not e.free_symbols:
        return decide(e)
    if formally_zero(e):
        return True
    symbols = sorted(e.free_symbols, key=str)
    for shift in range(3):
        point = {s: flint.arb(_SAMPLES[(i + shift) % len(_SAMPLES)]) for i, s in enumerate(symbols)}
        for bits in _PRECISIONS:
            ball = _ball(e, bits, point)
            if ball is None:
                break
            if ball > 0 or ball < 0:
                return False
    return None
