"""Activation registry: exact sigma, sigma', sigma'' and the activation chart.

Each activation carries a SymPy formula for sigma(z) and, where one exists, a
*chart* (DESIGN section 1): a bijection ``u = c(z)`` from R onto an interval I
in which sigma'(z) and sigma''(z) are polynomials or rational functions of u.
In chart coordinates the critical-point conditions of a network become
polynomial, which is what makes exact certificates possible.

Whether sigma' > 0 on all of R (``strictly_monotone``) is *proved*, not
declared: sigma' is a rational function of u on I, and Sturm sequences
(:meth:`sympy.Poly.count_roots`) show that its numerator and denominator have
no root in I; its sign at one point of I then fixes its sign everywhere.

Polynomial activations are given as text, ``"poly:z**3+z"``, parsed with a
whitelist (no function calls) and required to have rational coefficients.

References
----------
.. [1] Kuehn, Kuntz. Analysis of the Geometric Structure of Neural Networks and
   Neural ODEs via Morse Functions. arXiv:2405.09351.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import flint
import mpmath
import sympy

from ..exact.errors import ActivationError, ExpressionError
from ..exact.expressions import parse_expression
from ..exact.numbers import to_fmpq

__all__ = ["Activation", "Chart", "get_activation", "activation_names", "Z", "U"]

#: The pre-activation variable in which every sigma is written.
Z = sympy.Symbol("z", real=True)
#: The chart coordinate in which sigma' and sigma'' are written.
U = sympy.Symbol("u", real=True)


@dataclass(frozen=True)
class Chart:
    """A chart ``u = c(z)``: R -> I with sigma', sigma'' rational in u.

    Attributes
    ----------
    coordinate : c(z), an expression in :data:`Z`.
    inverse : c^{-1}(u), an expression in :data:`U`.
    interval : the image I of c, a :class:`sympy.Interval` (open).
    d1, d2 : sigma'(z) and sigma''(z) written in :data:`U`.
    """

    coordinate: sympy.Expr
    inverse: sympy.Expr
    interval: sympy.Interval
    d1: sympy.Expr
    d2: sympy.Expr

    def __call__(self, z: sympy.Expr) -> sympy.Expr:
        """The chart value c(z)."""
        return self.coordinate.xreplace({Z: z})

    def inverse_at(self, u: sympy.Expr) -> sympy.Expr:
        """The pre-activation c^{-1}(u) with ``c(c^{-1}(u)) = u``."""
        return self.inverse.xreplace({U: u})

    def d1_at(self, u: sympy.Expr) -> sympy.Expr:
        """sigma'(z) at the point whose chart value is u."""
        return self.d1.xreplace({U: u})

    def d2_at(self, u: sympy.Expr) -> sympy.Expr:
        """sigma''(z) at the point whose chart value is u."""
        return self.d2.xreplace({U: u})

    @cached_property
    def exact(self) -> tuple[Callable[[flint.fmpq], flint.fmpq], Callable[[flint.fmpq], flint.fmpq]]:
        """sigma' and sigma'' as exact functions of a python-flint rational u.

        Examples
        --------
        >>> d1, d2 = get_activation("tanh").chart.exact
        >>> d1(flint.fmpq(1, 2)), d2(flint.fmpq(1, 2))
        (3/4, -3/4)
        """
        return _rational_function(self.d1), _rational_function(self.d2)


@dataclass(frozen=True)
class Activation:
    """An activation sigma with its exact derivatives and (optional) chart.

    Examples
    --------
    >>> tanh = get_activation("tanh")
    >>> tanh.derivative(Z)
    1 - tanh(z)**2
    >>> tanh.chart.d2
    -2*u*(1 - u**2)
    >>> tanh.strictly_monotone
    True
    """

    name: str
    sigma: sympy.Expr
    chart: Chart | None = None
    description: str = field(default="", compare=False)

    def __call__(self, z: sympy.Expr) -> sympy.Expr:
        """sigma(z)."""
        return self.sigma.xreplace({Z: z})

    @cached_property
    def _d1(self) -> sympy.Expr:
        return sympy.diff(self.sigma, Z)

    @cached_property
    def _d2(self) -> sympy.Expr:
        return sympy.diff(self.sigma, Z, 2)

    def derivative(self, z: sympy.Expr) -> sympy.Expr:
        """sigma'(z), differentiated exactly by SymPy."""
        return self._d1.xreplace({Z: z})

    def second_derivative(self, z: sympy.Expr) -> sympy.Expr:
        """sigma''(z), differentiated exactly by SymPy."""
        return self._d2.xreplace({Z: z})

    @cached_property
    def _mpmath(self):
        return sympy.lambdify(Z, (self.sigma, self._d1, self._d2), modules="mpmath")

    def numeric(self, z: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
        """``(sigma(z), sigma'(z), sigma''(z))`` in mpmath at the working precision.

        Examples
        --------
        >>> [mpmath.nstr(t, 6) for t in get_activation("sigmoid").numeric(mpmath.mpf(0))]
        ['0.5', '0.25', '0.0']
        """
        return self._mpmath(z)

    @property
    def is_polynomial(self) -> bool:
        """Whether sigma is a polynomial in z (with rational coefficients)."""
        return self.sigma.is_polynomial(Z)

    @cached_property
    def monotonicity(self) -> tuple[bool, str]:
        """``(sigma' > 0 on R, the reason)``, proved by exact root counting."""
        if self.chart is None:
            return False, f"{self.name} has no chart, so sigma' > 0 cannot be proved exactly"
        return _positive_on(self.chart.d1, self.chart.interval)

    @property
    def strictly_monotone(self) -> bool:
        """Whether sigma' > 0 on all of R (proved; see :attr:`monotonicity`)."""
        return self.monotonicity[0]


def _rational_function(expr: sympy.Expr) -> Callable[[flint.fmpq], flint.fmpq]:
    """An exact evaluator (Horner, over QQ) for a rational function of U."""
    numerator, denominator = sympy.fraction(sympy.together(expr))
    top, bottom = (
        [to_fmpq(c) for c in sympy.Poly(part, U, domain="QQ").all_coeffs()]
        for part in (numerator, denominator)
    )

    def horner(coefficients: list[flint.fmpq], u: flint.fmpq) -> flint.fmpq:
        value = flint.fmpq(0)
        for c in coefficients:
            value = value * u + c
        return value

    return lambda u: horner(top, u) / horner(bottom, u)


def _positive_on(expr: sympy.Expr, interval: sympy.Interval) -> tuple[bool, str]:
    """Prove or refute ``expr(u) > 0`` for all u in the open ``interval``."""
    numerator, denominator = sympy.fraction(sympy.together(expr))
    a, b = interval.inf, interval.sup
    where = "R" if (a, b) == (-sympy.oo, sympy.oo) else f"({a}, {b})"
    for part, kind in ((numerator, "zero"), (denominator, "pole")):
        count = _roots_inside(sympy.Poly(part, U, domain="QQ"), a, b)
        if count:
            return False, f"sigma'(z) = {expr} has a {kind} at some u = c(z) in {where}"
    sample = 0 if where == "R" else _inner_point(a, b)
    value = expr.xreplace({U: sympy.Rational(sample)})
    if value > 0:
        return True, (
            f"sigma'(z) = {expr} has no zero or pole for u = c(z) in {where} and is positive at u = {sample}"
        )
    return False, f"sigma'(z) = {expr} is negative for every u = c(z) in {where}"


def _roots_inside(poly: sympy.Poly, a, b) -> int:
    """Number of real roots of ``poly`` in the open interval (a, b)."""
    if poly.is_zero:
        return 1
    if poly.degree() <= 0:
        return 0
    lo = None if a == -sympy.oo else a
    hi = None if b == sympy.oo else b
    count = poly.count_roots(lo, hi)
    count -= sum(1 for end in (lo, hi) if end is not None and poly.eval(end) == 0)
    return count


def _inner_point(a, b) -> sympy.Rational:
    if a == -sympy.oo:
        return b - 1
    if b == sympy.oo:
        return a + 1
    return (a + b) / 2


def _logistic(z):
    return 1 / (1 + sympy.exp(-z))


_OPEN_UNIT = sympy.Interval.open(0, 1)
_REALS = sympy.Interval(-sympy.oo, sympy.oo)
_IDENTITY_CHART = Chart(Z, U, _REALS, sympy.Integer(1), sympy.Integer(0))

_REGISTRY: dict[str, Activation] = {
    act.name: act
    for act in (
        Activation(
            "tanh",
            sympy.tanh(Z),
            Chart(sympy.tanh(Z), sympy.atanh(U), sympy.Interval.open(-1, 1), 1 - U**2, -2 * U * (1 - U**2)),
            "hyperbolic tangent",
        ),
        Activation(
            "sigmoid",
            _logistic(Z),
            Chart(_logistic(Z), sympy.log(U / (1 - U)), _OPEN_UNIT, U * (1 - U), U * (1 - U) * (1 - 2 * U)),
            "logistic sigmoid 1/(1+exp(-z))",
        ),
        Activation(
            "softplus",
            sympy.log(1 + sympy.exp(Z)),
            Chart(_logistic(Z), sympy.log(U / (1 - U)), _OPEN_UNIT, U, U * (1 - U)),
            "softplus log(1+exp(z)), charted by its derivative, the sigmoid",
        ),
        Activation(
            "arctan",
            sympy.atan(Z),
            Chart(Z, U, _REALS, 1 / (1 + U**2), -2 * U / (1 + U**2) ** 2),
            "arctangent",
        ),
        Activation("identity", Z, _IDENTITY_CHART, "identity (a linear layer)"),
        Activation("silu", Z * _logistic(Z), None, "SiLU z*sigmoid(z); no chart"),
        Activation("gelu", Z * (1 + sympy.erf(Z / sympy.sqrt(2))) / 2, None, "GELU; no chart"),
    )
}
_ALIASES = {"linear": "identity", "atan": "arctan", "logistic": "sigmoid", "swish": "silu"}


def activation_names() -> list[str]:
    """Names of the registered activations (``poly:EXPR`` is accepted too).

    Examples
    --------
    >>> activation_names()[:3]
    ['tanh', 'sigmoid', 'softplus']
    """
    return list(_REGISTRY)


def get_activation(name: str | Activation) -> Activation:
    """Look up an activation by name, or build a polynomial one from ``poly:EXPR``.

    Parameters
    ----------
    name : str or Activation
        A registered name (see :func:`activation_names`), an alias
        (``linear``, ``atan``, ``logistic``, ``swish``), or ``"poly:EXPR"`` with
        EXPR a polynomial in ``z`` with rational coefficients.

    Raises
    ------
    ActivationError
        For unknown names and for EXPR that is not a non-constant polynomial
        in z with rational coefficients.

    Examples
    --------
    >>> cubic = get_activation("poly:z**3+z")
    >>> cubic.chart.d1, cubic.strictly_monotone
    (3*u**2 + 1, True)
    >>> get_activation("poly:z**3").monotonicity
    (False, "sigma'(z) = 3*u**2 has a zero at some u = c(z) in R")
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise ActivationError(f"activation must be a name, got {type(name).__name__}")
    key = name.strip()
    if key.lower().startswith("poly:"):
        return _polynomial(key[5:])
    key = _ALIASES.get(key.lower(), key.lower())
    if key not in _REGISTRY:
        known = ", ".join([*_REGISTRY, "poly:EXPR"])
        raise ActivationError(f"unknown activation {name!r} (known: {known})")
    return _REGISTRY[key]


#: Largest degree of a polynomial activation.
MAX_POLYNOMIAL_DEGREE = 100


def _degree_bound(expr: sympy.Expr) -> int:
    """An upper bound for the degree in Z of a polynomial expression, without expanding it."""
    if expr.is_Add:
        return max(_degree_bound(a) for a in expr.args)
    if expr.is_Mul:
        return sum(_degree_bound(a) for a in expr.args)
    if expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
        return int(expr.exp) * _degree_bound(expr.base)
    return 1 if expr.has(Z) else 0


def _polynomial(text: str) -> Activation:
    try:
        p = parse_expression(text, [Z], functions=(), what="polynomial activation")
    except ExpressionError as exc:
        raise ActivationError(str(exc)) from None
    if _degree_bound(p) > MAX_POLYNOMIAL_DEGREE:
        raise ActivationError(
            f"polynomial activation {text!r} has degree above {MAX_POLYNOMIAL_DEGREE} (the supported limit)"
        )
    p = sympy.expand(p)
    if not p.is_polynomial(Z):
        raise ActivationError(f"polynomial activation {text!r} is not a polynomial in z")
    poly = sympy.Poly(p, Z)
    if not all(c.is_Rational for c in poly.all_coeffs()):
        raise ActivationError(f"polynomial activation {text!r} needs rational coefficients")
    if poly.degree() < 1:
        raise ActivationError(f"polynomial activation {text!r} is constant")
    d1, d2 = sympy.diff(p, Z), sympy.diff(p, Z, 2)
    chart = Chart(Z, U, _REALS, d1.xreplace({Z: U}), d2.xreplace({Z: U}))
    return Activation(f"poly:{p}".replace(" ", ""), p, chart, f"polynomial {p}")
