"""What every certificate kernel shares: the result type, the chart table, exact numbers and derivatives.

This module belongs to the trusted side (the kernels :mod:`symmorse.kernel.layered`,
:mod:`symmorse.kernel.graph`, :mod:`symmorse.kernel.node`,
:mod:`symmorse.kernel.elimination`).  Like them it imports nothing from the
search side, only the exact-number and whitelisted-parsing helpers, the error
types, SymPy and python-flint.  It restates the chart table of DESIGN
section 1 with sigma' and sigma'' as quotients of FLINT polynomials
(``fmpq_poly``) and proves sigma' > 0 by its own route (Sturm sequences), so
that a bug in :mod:`symmorse.model.activations` cannot make a kernel accept.

What SymPy is trusted for here, and nothing else: the whitelisted parser
(:func:`~symmorse.exact.expressions.parse_expression`, with SymPy's automatic
evaluation of the expression it builds) reads a polynomial activation and the
bias strings; c^{-1}(u) and sigma(c^{-1}(u)) (e.g. ``atanh(3/8)``) are built as
SymPy expressions; and a claimed bias is accepted when
``sympy.expand(bias - expected) == 0``, a formal identity over those atoms.
A polynomial activation is read into an ``fmpq_poly`` by this module's own walk
of the parsed expression (which refuses anything but + * and integer powers);
roots, values, derivatives, Jacobians, Hessians, ranks and determinants are
FLINT arithmetic.  SymPy is imported only when one of these uses comes up, so a
kernel route that needs none of them (the layered route on tanh or sigmoid
certificates, whose biases are read term by term) runs without it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import flint

from ..exact.errors import CertificateError, InputError
from .reader import MAX_DIGITS, rational

if TYPE_CHECKING:
    import sympy

__all__ = [
    "CheckResult",
    "Rejected",
    "require",
    "Chart",
    "Term",
    "chart",
    "symbolic",
    "polynomial",
    "polynomial_activation",
    "real_roots_inside",
    "positive_derivative",
    "number",
    "chart_at",
    "dag_derivatives",
    "check_biases",
    "claims_follow",
]


@dataclass(frozen=True)
class CheckResult:
    """A kernel's answer: accepted or not, and why."""

    accepted: bool
    reason: str


class Rejected(Exception):
    """A claim in the certificate is false (or not shown)."""


def require(condition: bool, message: str) -> None:
    """Reject with ``message`` unless ``condition`` holds.

    Examples
    --------
    >>> require(1 + 1 == 2, "arithmetic")
    >>> require(False, "det Hess Phi = 0")
    Traceback (most recent call last):
      ...
    symmorse.kernel.base.Rejected: det Hess Phi = 0
    """
    if not condition:
        raise Rejected(message)


# -- the chart table of DESIGN section 1, restated ------------------------------------------------


class Term(NamedTuple):
    """``sign * function(argument(u))`` (``sign * argument(u)`` when ``function`` is None), a
    function of the chart value u: how c^{-1}(u) and sigma(c^{-1}(u)) are written."""

    sign: int
    function: str | None  # "atanh", "log" or "atan"
    argument: Callable[[flint.fmpq], flint.fmpq]


class Chart(NamedTuple):
    """A chart u = c(z): its open interval (``(None, None)`` for all of R), sigma' and sigma''
    as ``(numerator, denominator)`` polynomials in u, and c^{-1}(u), sigma(c^{-1}(u)) as terms."""

    interval: tuple
    d1: tuple[flint.fmpq_poly, flint.fmpq_poly]
    d2: tuple[flint.fmpq_poly, flint.fmpq_poly]
    inverse: Term
    value: Term


_U, _ONE = flint.fmpq_poly([0, 1]), flint.fmpq_poly([1])
_SAME = Term(1, None, lambda u: u)
_LOGIT = Term(1, "log", lambda u: u / (1 - u))

_CHARTS = {
    "tanh": Chart(
        (-1, 1), (1 - _U**2, _ONE), (-2 * _U * (1 - _U**2), _ONE), Term(1, "atanh", _SAME.argument), _SAME
    ),
    "sigmoid": Chart((0, 1), (_U * (1 - _U), _ONE), (_U * (1 - _U) * (1 - 2 * _U), _ONE), _LOGIT, _SAME),
    "softplus": Chart((0, 1), (_U, _ONE), (_U * (1 - _U), _ONE), _LOGIT, Term(-1, "log", lambda u: 1 - u)),
    "arctan": Chart(
        (None, None), (_ONE, 1 + _U**2), (-2 * _U, (1 + _U**2) ** 2), _SAME, Term(1, "atan", _SAME.argument)
    ),
    "identity": Chart((None, None), (_ONE, _ONE), (0 * _ONE, _ONE), _SAME, _SAME),
}


def symbolic(term: Term, u: flint.fmpq) -> sympy.Expr:
    """A term at u as a SymPy expression (SymPy evaluates it: ``atanh(-1/2)`` is ``-atanh(1/2)``).

    Examples
    --------
    >>> half, quarter = flint.fmpq(-1, 2), flint.fmpq(1, 4)
    >>> symbolic(chart("tanh").inverse, half), symbolic(chart("softplus").value, quarter)
    (-atanh(1/2), -log(3/4))
    """
    import sympy

    from ..exact.numbers import to_sympy

    a = to_sympy(term.argument(u))
    return term.sign * (getattr(sympy, term.function)(a) if term.function else a)


_MAX_DEGREE = 100


def polynomial(expr: sympy.Expr, variable: sympy.Symbol) -> flint.fmpq_poly | None:
    """The ``fmpq_poly`` that a parsed expression denotes, or None unless it is built from rationals
    and ``variable`` by + * and integer powers >= 0, of degree <= 100 at every step.

    Examples
    --------
    >>> import sympy
    >>> z = sympy.Symbol("z")
    >>> polynomial((z + 1) ** 2 / 2, z), polynomial(sympy.pi * z, z), polynomial(1 / z, z)
    (1/2*x^2 + x + 1/2, None, None)
    """
    from ..exact.numbers import to_fmpq

    if expr == variable:
        return _U
    if expr.is_Rational:
        return to_fmpq(expr) * _ONE
    if expr.is_Add or expr.is_Mul:
        total = None
        for a in expr.args:
            p = polynomial(a, variable)
            if p is None or (expr.is_Mul and total is not None and total.degree() + p.degree() > _MAX_DEGREE):
                return None
            total = p if total is None else total + p if expr.is_Add else total * p
        return total
    if expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        base = polynomial(expr.base, variable)
        if base is not None and base.degree() * int(expr.exp) <= _MAX_DEGREE:
            return base ** int(expr.exp)
    return None


def polynomial_activation(name: str) -> flint.fmpq_poly:
    """The polynomial of a ``poly:`` activation name, read with the whitelisted parser.

    Raises
    ------
    Rejected
        Unless the text is a polynomial of degree <= 100 with rational coefficients.

    Examples
    --------
    >>> polynomial_activation("poly:z**3/3 + z")
    1/3*x^3 + x
    """
    import sympy

    from ..exact.expressions import parse_expression

    z = sympy.Symbol("z")
    try:
        p = polynomial(parse_expression(name.removeprefix("poly:"), [z], functions=(), what="activation"), z)
    except InputError as exc:
        raise Rejected(str(exc)) from None
    require(
        p is not None, f"activation {name!r} is not a polynomial of degree <= 100 with rational coefficients"
    )
    return p


def chart(name: object) -> Chart | None:
    """The chart table entry of an activation, or None if the kernel knows no chart for it.

    Examples
    --------
    >>> chart("tanh").interval, chart("poly:z**3+z").d1, chart("silu")
    ((-1, 1), (3*x^2 + 1, 1), None)
    """
    require(isinstance(name, str), f"activation {name!r} is not a name")
    if not name.startswith("poly:"):
        return _CHARTS.get(name)
    p = polynomial_activation(name)
    d1 = p.derivative()
    return Chart((None, None), (d1, _ONE), (d1.derivative(), _ONE), _SAME, Term(1, None, p))


def _sign(q: flint.fmpq) -> int:
    return (q > 0) - (q < 0)


def real_roots_inside(p: flint.fmpq_poly, lo: object = None, hi: object = None) -> int:
    """The number of distinct real roots of ``p != 0`` in the open interval (lo, hi), lo < hi
    rationals (both None: all of R).

    Sturm's theorem, on the square-free part of ``p`` with the roots at the ends
    divided out (so that neither end is a root): the sign changes of the Sturm
    chain at lo minus those at hi.  Each member of the chain is kept as its
    primitive integer multiple by a positive factor (which changes no sign), so
    that the coefficients stay small.

    Examples
    --------
    >>> x = flint.fmpq_poly([0, 1])
    >>> real_roots_inside(x * (1 - x) * (4 * x**2 - 1), 0, 1), real_roots_inside(x**2 - 2)
    (1, 2)
    """
    if p == 0:
        raise ValueError("the zero polynomial has a root everywhere")
    for end in (lo, hi):
        while end is not None and p(end) == 0:
            p = p // flint.fmpq_poly([-end, 1])
    p = p // p.gcd(p.derivative())
    chain = [_primitive(p), _primitive(p.derivative())]
    while chain[-1] != 0:
        chain.append(_primitive(-(chain[-2] % chain[-1])))
    chain.pop()

    def changes(end: object, direction: int) -> int:
        if end is None:  # the signs at -infinity (direction -1) or +infinity (direction 1)
            signs = [_sign(q.leading_coefficient()) * direction ** q.degree() for q in chain]
        else:
            signs = [s for s in (_sign(q(end)) for q in chain) if s]
        return sum(a != b for a, b in zip(signs, signs[1:]))

    return changes(lo, -1) - changes(hi, 1)


def _primitive(p: flint.fmpq_poly) -> flint.fmpq_poly:
    """``c * p`` for the positive rational c that makes its coefficients coprime integers."""
    z = p.numer()  # p = numer / denom with denom > 0
    c = z.content()  # FLINT's content is >= 0, and 0 only for the zero polynomial
    return flint.fmpq_poly(z) / c if c > 1 else flint.fmpq_poly(z)


#: Largest degree^2 x coefficient bits of sigma' (as a primitive integer polynomial) whose
#: positivity the kernel proves (Sturm); see docs/certificate-formats.md for the times.
MAX_STURM_SIZE = 2_000_000


def positive_derivative(entry: Chart | None) -> bool:
    """sigma' > 0 on the chart interval: its numerator and denominator have no real root inside
    (Sturm), and it is positive at one point inside.

    Examples
    --------
    >>> positive_derivative(chart("tanh")), positive_derivative(chart("poly:z**3"))
    (True, False)
    """
    if entry is None:
        return False
    (lo, hi), (num, den) = entry.interval, entry.d1
    for q in (num, den):
        size = q.degree() ** 2 * max((abs(c).bit_length() for c in q.numer().coeffs()), default=0)
        require(
            size <= MAX_STURM_SIZE,
            f"sigma' > 0 is not checked: sigma' is beyond the kernel's limit "
            f"(degree^2 x coefficient bits = {size} > {MAX_STURM_SIZE})",
        )
    if num == 0 or real_roots_inside(num, lo, hi) or real_roots_inside(den, lo, hi):
        return False
    return chart_at(entry.d1, flint.fmpq(lo + hi, 2) if lo is not None else flint.fmpq(0)) > 0


def number(text: object, where: str) -> flint.fmpq:
    """An exact rational from a certificate's number text, or reject naming ``where``.

    Examples
    --------
    >>> number("-3/5", "x[0]")
    -3/5
    >>> number("one", "x[0]")
    Traceback (most recent call last):
      ...
    symmorse.kernel.base.Rejected: x[0]: expected an exact rational (e.g. 2 or '-3/5'), got "one"
    """
    try:
        return rational(text, where)
    except CertificateError as exc:
        raise Rejected(str(exc)) from None


def chart_at(quotient: tuple[flint.fmpq_poly, flint.fmpq_poly], u: flint.fmpq) -> flint.fmpq:
    """sigma' or sigma'' (a quotient of polynomials in the chart coordinate), evaluated exactly at u.

    Examples
    --------
    >>> chart_at(chart("arctan").d2, flint.fmpq(1, 2))
    -16/25
    """
    num, den = quotient
    return num(u) / den(u)


def dag_derivatives(inputs: list, hidden: list, output, preds: dict, d1: dict, d2: dict):
    """Adjoints dPhi/dh_v, Jacobians dz_v/dx (rows) and Hess Phi at one point of a DAG.

    ``hidden`` is in topological order, ``preds[v]`` lists ``(a, weight)``,
    ``d1``/``d2`` give sigma' and sigma'' of the hidden nodes.
    """
    n = len(inputs)
    jac = {x: flint.fmpq_mat(1, n, [int(i == j) for j in range(n)]) for i, x in enumerate(inputs)}
    for v in [*hidden, output]:
        row = flint.fmpq_mat(1, n)
        for a, weight in preds[v]:
            row += jac[a] * (weight * d1[a] if a in d1 else weight)
        jac[v] = row
    succ: dict = {v: [] for v in [*inputs, *hidden]}
    for v in [*hidden, output]:
        for a, weight in preds[v]:
            succ[a].append((v, weight))
    dz, adjoint = {output: flint.fmpq(1)}, {}
    for v in [*reversed(hidden), *inputs]:
        adjoint[v] = sum((weight * dz[s] for s, weight in succ[v]), flint.fmpq(0))
        if v in d1:
            dz[v] = d1[v] * adjoint[v]
    hessian = flint.fmpq_mat(n, n)
    for v in hidden:
        hessian += jac[v].transpose() * jac[v] * (d2[v] * adjoint[v])
    return adjoint, jac, hessian


def _split(e: sympy.Expr) -> tuple[flint.fmpq, sympy.Expr]:
    """``e`` as its rational term and the rest (``as_coeff_Add``): e = q + rest."""
    from ..exact.numbers import to_fmpq

    q, rest = e.as_coeff_Add()
    return to_fmpq(q), rest


def check_biases(inputs, hidden, output, preds, charts, u, x, claimed, where, fixed=None) -> None:
    """Each claimed bias reproduces the chart point at x, exactly.

    A hidden node with a chart value ``u[v]`` must have ``c^{-1}(u_v) - sum
    theta h``; a node in ``fixed`` (or the output) its fixed value (0); a hidden
    node without chart value (an identity unit of a graph) any rational.  Values
    are kept as a rational (FLINT) plus a SymPy rest; a bias equal term by term
    to the expected one is accepted at once, otherwise ``expand(bias - expected)``
    must be 0.
    """
    import sympy

    from ..exact.numbers import to_sympy

    fixed = fixed or {}
    zero = sympy.Integer(0)
    h = {a: (q, zero) for a, q in zip(inputs, x)}
    for v in [*hidden, output]:
        q = sum((t * h[a][0] for a, t in preds[v]), flint.fmpq(0))
        rest = sympy.Add(*[to_sympy(t) * h[a][1] for a, t in preds[v] if h[a][1] != 0])
        text = claimed.get(v)
        require(isinstance(text, str), f"{where}: bias of node {v} missing")
        try:
            bias = _parse_bias(text)
        except InputError as exc:
            raise Rejected(f"{where}: {exc}") from None
        c, bias_rest = _split(bias)
        if v in fixed or v == output:
            value = fixed.get(v, flint.fmpq(0))
            require(bias_rest == 0 and c == value, f"{where}: the bias of node {v} is fixed to {value}")
            h[v] = (q + c, rest)  # an identity unit (or the output, which feeds nothing)
            continue
        if v not in u:
            require(bias_rest == 0, f"{where}: the bias of identity unit {v} is not a rational number")
            h[v] = (q + c, rest)
            continue
        pre, pre_rest = _split(symbolic(charts[v].inverse, u[v]))
        require(
            (rest == 0 and c == pre - q and bias_rest == pre_rest)
            or sympy.expand(bias - (to_sympy(pre - q) + pre_rest - rest)) == 0,
            f"{where}: bias of node {v} is wrong",
        )
        h[v] = _split(symbolic(charts[v].value, u[v]))


#: Longest bias text, and most terms the expansion of a bias may have (bounded before expanding).
MAX_BIAS_LENGTH, MAX_EXPANDED_TERMS = 200_000, 10_000
_DIGITS = re.compile(r"\d+", re.ASCII)


@functools.lru_cache(maxsize=4096)
def _parse_bias(text: str) -> sympy.Expr:
    if max(map(len, _DIGITS.findall(text)), default=0) > MAX_DIGITS:  # linear: runs of digits
        raise InputError(f"bias {text[:60]!r}...: a number with more than {MAX_DIGITS} digits")
    from ..exact.expressions import parse_expression

    bias = parse_expression(
        text, [], functions=("atanh", "log", "atan"), what="bias", max_length=MAX_BIAS_LENGTH
    )
    terms = expanded_terms(bias)
    if terms > MAX_EXPANDED_TERMS:
        raise InputError(f"bias {text[:60]!r}: its expansion may have {terms} > {MAX_EXPANDED_TERMS} terms")
    return bias


def expanded_terms(e: sympy.Expr, cap: int = 10**9) -> int:
    """An upper bound (capped at ``cap``) on the number of terms of ``sympy.expand(e)``, computed
    without expanding: sums add, products multiply, a power ``b**n`` (integer n > 0) raises the bound
    of b to the n-th power, and a function value counts as its largest argument.

    Examples
    --------
    >>> import sympy
    >>> a, b = sympy.symbols("a b")
    >>> expanded_terms(a + 2 * b), expanded_terms((a + b) ** 3 * (a - 1)), expanded_terms(sympy.atan(a + b))
    (2, 16, 2)
    """
    if e.is_Atom:
        return 1
    if e.is_Add:
        return min(cap, sum(expanded_terms(a, cap) for a in e.args))
    if e.is_Mul:
        total = 1
        for a in e.args:
            total = min(cap, total * expanded_terms(a, cap))
        return total
    if e.is_Pow and e.exp.is_Integer and e.exp > 0:
        base = expanded_terms(e.base, cap)
        return (
            cap
            if base > 1 and int(e.exp) * (base.bit_length() - 1) > cap.bit_length()
            else min(cap, base ** int(e.exp))
        )
    # a function value or a power with another exponent: its arguments are expanded inside it
    return min(cap, max(expanded_terms(a, cap) for a in e.args))


def claims_follow(data: dict, critical: str, morse: str) -> None:
    """The certificate's verdicts are the proved ones or ``undecided``, and its status matches."""
    for key, proved in (("critical_points", critical), ("morse", morse)):
        claim = data.get(key)
        require(claim in (proved, "undecided"), f"{key} = {claim!r} does not follow (proved: {proved})")
    decided = "undecided" not in (data.get("critical_points"), data.get("morse"))
    require(
        data.get("status") == ("proved" if decided else "undecided"),
        f"status {data.get('status')!r} does not match the verdicts",
    )
