"""Newton's method for critical points: the one Newton iteration of the search side.

A guess, never a proof: the critical points it finds are starting points for
certified methods (Krawczyk boxes, exact witnesses) or are labelled
``numerical``.  ``evaluate(x)`` returns the gradient and the Hessian at x.

The iteration is written once; an :class:`Arithmetic` says how its numbers are
computed.  :data:`MPMATH` (the default) iterates in mpmath at the working
precision; :data:`BALL_MIDPOINTS` takes the gradient and Hessian as python-flint
balls, solves for the step with their midpoints and keeps every iterate an
exact dyadic rational, so a Newton point can be the exact centre of a box to be
certified (the validated critical-point search).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import mpmath
from flint import arb_mat, fmpq

from ..exact.numbers import to_fmpq
from ..model.balls import dyadic

__all__ = ["Arithmetic", "MPMATH", "BALL_MIDPOINTS", "newton"]


class Arithmetic(NamedTuple):
    """How Newton's method computes: its numbers, the step, and when a step is negligible.

    Attributes
    ----------
    number : callable
        A coordinate of the starting point as a number of this arithmetic.
    solve : callable
        ``solve(hessian, gradient)``: the step ``Hess^{-1} grad`` as a list, or
        None if there is none (a singular Hessian, values that are not finite).
    negligible : callable
        ``negligible(step, x, tol)``: whether the step just taken to ``x`` ends the iteration.
    """

    number: Callable[[object], object]
    solve: Callable[[Sequence[Sequence], Sequence], list | None]
    negligible: Callable[[list, list, object], bool]


def _mpf(value: object) -> mpmath.mpf:
    return value if isinstance(value, mpmath.mpf) else mpmath.mpf(value)


def _lu_step(hessian: Sequence[Sequence], gradient: Sequence) -> list | None:
    try:
        step = mpmath.lu_solve(mpmath.matrix(hessian), mpmath.matrix(gradient))
    except ZeroDivisionError:
        return None
    if not all(mpmath.isfinite(s) for s in step):
        return None
    return [+s for s in step]  # lu_solve works with guard digits: round to the working precision


def _small_in_norm(step: list, x: list, tol: mpmath.mpf) -> bool:
    return mpmath.norm(mpmath.matrix(step)) < tol * (1 + mpmath.norm(mpmath.matrix(x)))


def _midpoint_step(hessian: Sequence[Sequence], gradient: Sequence) -> list | None:
    try:
        step = (
            arb_mat([list(row) for row in hessian])
            .mid()
            .solve(arb_mat(len(gradient), 1, list(gradient)).mid())
        )
    except ZeroDivisionError:
        return None
    return [dyadic(s) for s in step.entries()]


def _small_in_every_coordinate(step: list, x: list, tol: fmpq) -> bool:
    return all(abs(s) <= tol * (1 + abs(xi)) for s, xi in zip(step, x))


#: mpmath numbers at the working precision (the step too, as in mpmath matrix arithmetic);
#: stop when ``|step|_2 < tol (1 + |x|_2)``.
MPMATH = Arithmetic(_mpf, _lu_step, _small_in_norm)
#: Ball gradient and Hessian, steps from their midpoints, exact dyadic iterates;
#: stop when ``|step_i| <= tol (1 + |x_i|)`` in every coordinate.
BALL_MIDPOINTS = Arithmetic(to_fmpq, _midpoint_step, _small_in_every_coordinate)


def newton(
    evaluate: Callable[[list], tuple[Sequence, Sequence[Sequence]]],
    x: Sequence,
    tol: object,
    steps: int = 60,
    inside: Callable[[list], bool] | None = None,
    arithmetic: Arithmetic = MPMATH,
) -> list | None:
    """Newton steps ``x <- x - Hess(x)^{-1} grad(x)`` until a step is negligible (relative to ``tol``).

    Parameters
    ----------
    evaluate : callable
        ``evaluate(x) -> (gradient, hessian)`` at the point x (a list).
    x : sequence
        The starting point (finite).
    tol : number
        Relative step size at which the iteration stops (see ``arithmetic``).
    steps : int
        Most steps taken.
    inside : callable, optional
        ``inside(x)``: whether an iterate is still in the region searched.
    arithmetic : Arithmetic
        :data:`MPMATH` (default) or :data:`BALL_MIDPOINTS`.

    Returns
    -------
    list or None
        The point, or None if the Hessian is singular, a value is not finite,
        the iterate leaves ``inside`` or ``steps`` steps do not converge.

    Examples
    --------
    >>> mpmath.mp.dps = 30
    >>> f = lambda x: ([4 * x[0] ** 3 - 4 * x[0]], [[12 * x[0] ** 2 - 4]])  # d/dx (x^4 - 2 x^2)
    >>> mpmath.nstr(newton(f, [mpmath.mpf("0.8")], mpmath.mpf(10) ** -25)[0], 10)
    '1.0'
    >>> mpmath.mp.dps = 15

    In ball arithmetic with exact dyadic iterates (python-flint balls in, rationals out):

    >>> from flint import arb
    >>> g = lambda x: ([arb(x[0]) ** 2 - 2], [[2 * arb(x[0])]])  # d/dx (x^3/3 - 2x)
    >>> root = newton(g, [1], fmpq(1, 2**40), arithmetic=BALL_MIDPOINTS)[0]
    >>> type(root).__name__, abs(root**2 - 2) < fmpq(1, 10**12)
    ('fmpq', True)
    """
    x = [arithmetic.number(v) for v in x]
    for _ in range(steps):
        gradient, hessian = evaluate(list(x))
        step = arithmetic.solve(hessian, gradient)
        if step is None:
            return None
        x = [xi - si for xi, si in zip(x, step)]
        if inside is not None and not inside(x):
            return None
        if arithmetic.negligible(step, x, tol):
            return x
    return None
