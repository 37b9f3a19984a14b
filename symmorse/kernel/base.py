"""What every certificate kernel shares: the result type, the chart table, exact numbers and derivatives.

This module belongs to the trusted side (the kernels :mod:`symmorse.kernel.layered`,
:mod:`symmorse.kernel.graph`, :mod:`symmorse.kernel.node`,
:mod:`symmorse.kernel.elimination`).  Like them it imports nothing from the
search side, only the exact-number and whitelisted-parsing helpers, the error
types, SymPy and python-flint.  It restates the chart table of DESIGN
section 1 and proves sigma' > 0 by its own route (exact real roots), so that a
bug in :mod:`symmorse.model.activations` cannot make a kernel accept.
"""

from __future__ import annotations

from dataclasses import dataclass

import flint
import sympy

from ..exact.errors import InputError
from ..exact.expressions import parse_expression
from ..exact.numbers import to_fmpq, to_rational, to_sympy

__all__ = [
    "CheckResult",
    "Rejected",
    "require",
    "chart",
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
    """A claim in the certificate is false."""


def require(condition: bool, message: str) -> None:
    """Reject with ``message`` unless ``condition`` holds."""
    if not condition:
        raise Rejected(message)


# -- the chart table of DESIGN section 1, restated: interval, sigma', sigma'', c^{-1}, sigma(c^{-1}) ----

_u = sympy.Symbol("u")
_CHARTS = {
    "tanh": ((-1, 1), 1 - _u**2, -2 * _u * (1 - _u**2), sympy.atanh(_u), _u),
    "sigmoid": ((0, 1), _u * (1 - _u), _u * (1 - _u) * (1 - 2 * _u), sympy.log(_u / (1 - _u)), _u),
    "softplus": ((0, 1), _u, _u * (1 - _u), sympy.log(_u / (1 - _u)), -sympy.log(1 - _u)),
    "arctan": ((None, None), 1 / (1 + _u**2), -2 * _u / (1 + _u**2) ** 2, _u, sympy.atan(_u)),
    "identity": ((None, None), sympy.Integer(1), sympy.Integer(0), _u, _u),
}


def chart(name: object) -> tuple | None:
    """The chart table entry of an activation, or None if the kernel knows no chart for it.

    Examples
    --------
    >>> chart("tanh")[0], chart("silu")
    ((-1, 1), None)
    """
    require(isinstance(name, str), f"activation {name!r} is not a name")
    if name.startswith("poly:"):
        try:
            z = sympy.Symbol("z")
            p = parse_expression(name[5:], [z], functions=(), what="activation").xreplace({z: _u})
        except InputError as exc:
            raise Rejected(str(exc)) from None
        require(
            p.is_polynomial(_u)
            and sympy.degree(p, _u) <= 100
            and all(c.is_Rational for c in sympy.Poly(p, _u).all_coeffs()),
            f"activation {name!r} is not a polynomial of degree <= 100 with rational coefficients",
        )
        return (None, None), sympy.diff(p, _u), sympy.diff(p, _u, 2), _u, p
    return _CHARTS.get(name)


def positive_derivative(entry: tuple | None) -> bool:
    """sigma' > 0 on the chart interval: no real root of numerator or denominator inside it.

    Examples
    --------
    >>> positive_derivative(chart("tanh")), positive_derivative(chart("poly:z**3"))
    (True, False)
    """
    if entry is None:
        return False
    (lo, hi), d1, *_ = entry
    for part in sympy.fraction(sympy.together(d1)):
        poly = sympy.Poly(part, _u)
        if poly.is_zero or any(
            (lo is None or r > lo) and (hi is None or r < hi) for r in sympy.real_roots(poly)
        ):
            return False
    inside = sympy.Rational(lo + hi, 2) if lo is not None else sympy.Integer(0)
    return bool(d1.subs(_u, inside) > 0)


def number(text: object, where: str) -> flint.fmpq:
    """An exact rational from a certificate's number text, or reject naming ``where``."""
    try:
        q = to_rational(text, where)
    except InputError as exc:
        raise Rejected(str(exc)) from None
    return to_fmpq(q)


def chart_at(expr: sympy.Expr, u: flint.fmpq) -> flint.fmpq:
    """A rational function of the chart coordinate (sigma' or sigma''), evaluated exactly at u."""
    value = sympy.Rational(expr.subs(_u, to_sympy(u)))
    return to_fmpq(value)


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


def check_biases(inputs, hidden, output, preds, charts, u, x, claimed, where, fixed=None) -> None:
    """Each claimed bias reproduces the chart point at x, exactly.

    A hidden node with a chart value ``u[v]`` must have ``c^{-1}(u_v) - sum
    theta h``; a node in ``fixed`` (or the output) its fixed value (0); a hidden
    node without chart value (an identity unit of a graph) any rational.
    """
    fixed = fixed or {}
    h = {a: to_sympy(q) for a, q in zip(inputs, x)}
    for v in [*hidden, output]:
        incoming = sympy.Add(*[to_sympy(t) * h[a] for a, t in preds[v]])
        text = claimed.get(v)
        require(isinstance(text, str), f"{where}: bias of node {v} missing")
        try:
            bias = parse_expression(text, [], functions=("atanh", "log", "atan"), what="bias")
        except InputError as exc:
            raise Rejected(f"{where}: {exc}") from None
        if v in fixed or v == output:
            value = sympy.Rational(str(fixed.get(v, 0)))
            require(bias == value, f"{where}: the bias of node {v} is fixed to {value}")
            h[v] = incoming + bias  # an identity unit (or the output, which feeds nothing)
            continue
        if v not in u:
            require(bias.is_Rational, f"{where}: the bias of identity unit {v} is not a rational number")
            h[v] = incoming + bias
            continue
        r = to_sympy(u[v])
        pre = charts[v][3].subs(_u, r)
        require(sympy.expand(bias - (pre - incoming)) == 0, f"{where}: bias of node {v} is wrong")
        h[v] = charts[v][4].subs(_u, r)


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
