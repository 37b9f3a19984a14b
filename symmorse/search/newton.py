"""Newton's method for critical points, in mpmath: the one Newton iteration of the search side.

A guess, never a proof: the critical points it finds are starting points for
certified methods (Krawczyk boxes, exact witnesses) or are labelled
``numerical``.  ``evaluate(x)`` returns the gradient and the Hessian at x.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import mpmath

__all__ = ["newton"]


def newton(
    evaluate: Callable[[list], tuple[Sequence, Sequence[Sequence]]],
    x: Sequence,
    tol: mpmath.mpf,
    steps: int = 60,
    inside: Callable[[list], bool] | None = None,
) -> list | None:
    """Newton steps ``x <- x - Hess(x)^{-1} grad(x)`` until a step is below ``tol`` (relative).

    Returns the point, or None if the Hessian is singular, a value is not
    finite, the iterate leaves ``inside`` or ``steps`` steps do not converge.

    Examples
    --------
    >>> mpmath.mp.dps = 30
    >>> f = lambda x: ([4 * x[0] ** 3 - 4 * x[0]], [[12 * x[0] ** 2 - 4]])  # d/dx (x^4 - 2 x^2)
    >>> mpmath.nstr(newton(f, [mpmath.mpf("0.8")], mpmath.mpf(10) ** -25)[0], 10)
    '1.0'
    >>> mpmath.mp.dps = 15
    """
    x = [mpmath.mpf(v) if not isinstance(v, mpmath.mpf) else v for v in x]
    for _ in range(steps):
        gradient, hessian = evaluate(list(x))
        try:
            step = mpmath.lu_solve(mpmath.matrix(hessian), mpmath.matrix(gradient))
        except ZeroDivisionError:
            return None
        x = [xi - si for xi, si in zip(x, step)]
        if not all(mpmath.isfinite(v) for v in x) or (inside is not None and not inside(x)):
            return None
        if mpmath.norm(step) < tol * (1 + mpmath.norm(mpmath.matrix(x))):
            return x
    return None
