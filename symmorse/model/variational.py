"""High-precision flows of vector fields with their first and second variations: one job, numerics.

This is the numerical route of :mod:`symmorse.model.node` for fields without a
closed-form flow (:mod:`symmorse.model.flows`).  For a field ``f`` on R^m,
:func:`flow_with_variations` integrates the flow ``phi_t(y)`` together with its
variational equations ``P' = Df(phi) P`` (``P = Dphi_t``, ``P(0) = I``) and
``Q' = Df(phi) Q + D^2f(phi)[P, P]`` (``Q = D^2phi_t``, ``Q(0) = 0``) in mpmath at a
chosen number of digits.  The
integrator is Gragg-Bulirsch-Stoer (modified midpoint rule with Richardson
extrapolation, step halving until the extrapolation tableau converges); the
right-hand side is generated once from exact SymPy derivatives with
:func:`sympy.lambdify`.  Results are numerical, never proofs.

``mpmath.odefun`` solves the same systems but is much slower here (it takes
Taylor coefficients by numerical differentiation); see
``benchmarks/bench_node.py`` for medians side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import sympy

from ..exact.errors import InputError

__all__ = ["FlowVariations", "flow_with_variations", "gbs_integrate"]

_MAX_HALVINGS = 40


@dataclass(frozen=True)
class FlowVariations:
    """``phi_T(y)``, ``Dphi_T(y)`` and ``D^2phi_T(y)`` as mpmath numbers.

    Attributes
    ----------
    value : list
        ``phi_T(y)`` (m entries).
    jacobian : mpmath.matrix
        ``Dphi_T(y)`` (m x m).
    hessians : list of mpmath.matrix
        ``D^2 phi_{T,i}(y)`` for each component i (m x m, symmetric).
    digits : int
        The decimal digits the integration aimed at.

    Examples
    --------
    >>> h = sympy.symbols("h1", real=True)
    >>> r = flow_with_variations([-h], [h], [1], 1, digits=15)  # phi_t(y) = y exp(-t)
    >>> mpmath.nstr(r.value[0], 10), mpmath.nstr(r.jacobian[0, 0], 10), r.hessians[0][0, 0]
    ('0.3678794412', '0.3678794412', mpf('0.0'))
    """

    value: list
    jacobian: mpmath.matrix
    hessians: list
    digits: int


def _variational_rhs(field: Sequence[sympy.Expr], h: Sequence[sympy.Symbol]) -> tuple[Callable, int]:
    """The right-hand side of flow + first + second variational equations, lambdified."""
    m = len(h)
    pairs = [(j, k) for j in range(m) for k in range(j, m)]
    P = [[sympy.Symbol(f"_P{i}_{j}") for j in range(m)] for i in range(m)]
    Q = [[sympy.Symbol(f"_Q{i}_{j}_{k}") for j, k in pairs] for i in range(m)]
    Df = [[sympy.diff(fi, hj) for hj in h] for fi in field]
    D2f = [[[sympy.diff(Df[i][a], h[b]) for b in range(m)] for a in range(m)] for i in range(m)]
    rhs = list(field)
    rhs += [sympy.Add(*[Df[i][a] * P[a][j] for a in range(m)]) for i in range(m) for j in range(m)]
    for i in range(m):
        for col, (j, k) in enumerate(pairs):
            first = [Df[i][a] * Q[a][col] for a in range(m)]
            second = [
                D2f[i][a][b] * P[a][j] * P[b][k] for a in range(m) for b in range(m) if D2f[i][a][b] != 0
            ]
            rhs.append(sympy.Add(*first, *second))
    state = [*h, *[p for row in P for p in row], *[q for row in Q for q in row]]
    return sympy.lambdify([state], rhs, modules="mpmath", cse=True), len(state)


def flow_with_variations(
    field: Sequence[sympy.Expr], h: Sequence[sympy.Symbol], y: Sequence[object], T: object, digits: int = 30
) -> FlowVariations:
    """Integrate ``phi_T(y)`` with ``Dphi_T(y)`` and ``D^2phi_T(y)`` to about ``digits`` digits.

    Parameters
    ----------
    field : sequence of sympy.Expr
        ``f_1, ..., f_m`` in the symbols ``h``.
    h : sequence of sympy.Symbol
        The phase-space coordinates.
    y : sequence
        The initial point (exact numbers or mpmath numbers).
    T : number
        The final time (> 0).
    digits : int
        Decimal digits aimed at; the integration runs with 10 guard digits.

    Examples
    --------
    The rotation field ``(h2, -h1)`` turns ``(1, 0)`` by the angle T:

    >>> h = sympy.symbols("h1 h2", real=True)
    >>> r = flow_with_variations([h[1], -h[0]], h, [1, 0], 1, digits=20)
    >>> mpmath.nstr(r.value[0], 15), mpmath.nstr(r.jacobian[0, 1], 15)
    ('0.54030230586814', '0.841470984807897')
    """
    m = len(h)
    rhs, size = _variational_rhs(field, h)
    pairs = [(j, k) for j in range(m) for k in range(j, m)]
    with mpmath.workdps(digits + 10):
        start = [
            mpmath.mpf(sympy.Rational(v).p) / sympy.Rational(v).q if not isinstance(v, mpmath.mpf) else v
            for v in y
        ]
        start += [mpmath.mpf(1 if i == j else 0) for i in range(m) for j in range(m)]
        start += [mpmath.mpf(0)] * (size - len(start))
        T_value = mpmath.mpf(sympy.Rational(T).p) / sympy.Rational(T).q
        end = gbs_integrate(lambda s: rhs(s), start, T_value, mpmath.mpf(10) ** (-digits - 3))
        value = end[:m]
        jacobian = mpmath.matrix([[end[m + i * m + j] for j in range(m)] for i in range(m)])
        offset = m + m * m
        hessians = []
        for i in range(m):
            H = mpmath.matrix(m, m)
            for col, (j, k) in enumerate(pairs):
                H[j, k] = H[k, j] = end[offset + i * len(pairs) + col]
            hessians.append(H)
    return FlowVariations(value, jacobian, hessians, digits)


def gbs_integrate(rhs: Callable[[list], list], y0: list, T: mpmath.mpf, tol: mpmath.mpf) -> list:
    """Integrate the autonomous system ``y' = rhs(y)`` from time 0 to T (Gragg-Bulirsch-Stoer).

    Each macro step extrapolates the modified midpoint rule with 2, 4, 6, ...
    substeps until two successive diagonal entries of the tableau agree to
    ``tol`` (relative to the size of the state; ``tol`` must be above the
    working precision); a step that does not converge is halved.

    Raises
    ------
    InputError
        If the step size collapses (e.g. the solution blows up before time T).

    Examples
    --------
    >>> with mpmath.workdps(30):
    ...     y = gbs_integrate(lambda y: [y[0]], [mpmath.mpf(1)], mpmath.mpf(1), mpmath.mpf(10) ** -25)
    >>> mpmath.nstr(y[0], 20)
    '2.7182818284590452354'
    """
    t, y, H = mpmath.mpf(0), list(y0), T
    halvings = 0
    while t < T:
        step = min(H, T - t)
        result, columns = _gbs_step(rhs, y, step, tol)
        if result is None:
            H, halvings = step / 2, halvings + 1
            if halvings > _MAX_HALVINGS:
                raise InputError(
                    f"the flow could not be integrated up to time {mpmath.nstr(T, 8)} "
                    f"(step size collapsed at t = {mpmath.nstr(t, 8)}; does it blow up?)"
                )
            continue
        t, y, halvings = t + step, result, 0
        H = step * 2 if columns <= 6 else step
    return y


def _gbs_step(rhs, y, H, tol, max_columns=16):
    """One extrapolated macro step: ``(y(H), columns used)`` or ``(None, 0)``."""
    table: list[list[list]] = []
    counts = []
    scale = 1 + max(abs(v) for v in y)
    for k in range(max_columns):
        n = 2 * (k + 1)
        counts.append(n)
        table.append([_midpoint(rhs, y, H, n)])
        for j in range(1, k + 1):
            ratio = (mpmath.mpf(counts[k]) / counts[k - j]) ** 2 - 1
            prev, low = table[k][j - 1], table[k - 1][j - 1]
            table[k].append([a + (a - b) / ratio for a, b in zip(prev, low)])
        if k >= 2:
            err = max(abs(a - b) for a, b in zip(table[k][k], table[k - 1][k - 1]))
            if not mpmath.isfinite(err):
                return None, 0
            if err <= tol * scale:
                return table[k][k], k + 1
    return None, 0


def _midpoint(rhs, y, H, n):
    h = H / n
    previous = y
    current = [a + h * b for a, b in zip(y, rhs(y))]
    for _ in range(n - 1):
        previous, current = current, [a + 2 * h * b for a, b in zip(previous, rhs(current))]
    return [(a + b + h * c) / 2 for a, b, c in zip(current, previous, rhs(current))]
