"""Critical points of a neural ODE with given weights, by Newton's method: numerical, never proved.

For ``Phi(x) = W~ phi_T(W x + b) + b~`` with exact weights,
:func:`node_critical_points` runs the one Newton iteration of the search side
(:func:`symmorse.search.newton.newton`) on ``grad Phi`` from seeded starting
points, at a chosen number of digits, with the gradient and Hessian that
:meth:`~symmorse.model.node.NeuralODE.evaluate` computes through the flow (closed
form, or the variational equations).  Each point found carries its Hessian
spectrum and Morse index.  A point not found is not proved absent: the answer is
labelled ``numerical``.

Examples
--------
>>> from symmorse.model.node import NeuralODE
>>> node = NeuralODE(1, "0, h1**2")
>>> [p.index for p in node_critical_points(node, node.weights(W="1; 0"), 20, starts=[[1]])]
[0]
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
import sympy

from ..exact.errors import WeightsError
from ..model.node import NeuralODE, NodeWeights, exact_value, mp_value
from .newton import newton

__all__ = ["NumericalCriticalPoint", "node_critical_points"]

#: Newton steps from one start; a degenerate critical point converges only linearly.
_STEPS = 80


@dataclass(frozen=True)
class NumericalCriticalPoint:
    """A critical point found by Newton's method, with its Hessian spectrum.

    ``degenerate`` is True when the smallest |eigenvalue| is below
    ``10**(-digits/2)``; ``index`` counts negative eigenvalues (None if degenerate).

    Examples
    --------
    >>> p = NumericalCriticalPoint([mpmath.mpf(1)], mpmath.mpf(-2), [mpmath.mpf(6)], 0, False, 10)
    >>> p.to_json()["status"], p.to_json()["point"]
    ('numerical (10 digits)', ['1.0'])
    """

    point: list
    value: mpmath.mpf
    eigenvalues: list
    index: int | None
    degenerate: bool
    digits: int

    def to_json(self) -> dict:
        """JSON-ready form (decimal strings with ``digits`` digits).

        Examples
        --------
        >>> from symmorse.model.node import NeuralODE
        >>> node = NeuralODE(1, "0, h1**2 - 2*h1")
        >>> node_critical_points(node, node.weights(W="1; 0"), 12, starts=[[3]])[0].to_json()["point"]
        ['1.0']
        """
        d = self.digits
        return {
            "point": [mpmath.nstr(v, d) for v in self.point],
            "value": mpmath.nstr(self.value, d),
            "eigenvalues": [mpmath.nstr(v, d) for v in self.eigenvalues],
            "index": self.index,
            "degenerate": self.degenerate,
            "status": f"numerical ({d} digits)",
        }


def node_critical_points(
    node: NeuralODE,
    weights: NodeWeights,
    digits: int = 30,
    starts: Sequence[Sequence[object]] | None = None,
    seed: int = 0,
    count: int = 12,
    box: object = 3,
    integrate: bool = False,
) -> list[NumericalCriticalPoint]:
    """Critical points of Phi by Newton's method at ``digits`` digits, with Morse index.

    Parameters
    ----------
    node : NeuralODE
    weights : NodeWeights
        Exact weights (:meth:`~symmorse.model.node.NeuralODE.weights`).
    digits : int
        Working precision (10 guard digits more); steps below ``10**-digits`` stop.
    starts : sequence of points, optional
        Starting points (n exact numbers each); by default ``count`` seeded random
        points of ``[-box, box]^n``.
    seed, count, box
        The random starting points.
    integrate : bool
        Use the variational equations even when the flow has a closed form.

    Returns
    -------
    list of NumericalCriticalPoint
        Converged points, merged when they agree to half the digits.  A point is
        kept when ``|grad Phi| < 10**(-digits/3)`` there.

    Raises
    ------
    WeightsError
        If a starting point does not have n entries, or ``box`` is not a number.

    See also
    --------
    symmorse.search.newton.newton : the iteration.
    symmorse.search.node_classify.classify_node : what holds for generic weights (proved).

    Examples
    --------
    >>> from symmorse.model.node import NeuralODE
    >>> node = NeuralODE(1, "0, h1**3 - 3*h1")
    >>> pts = node_critical_points(node, node.weights(W="1; 0"), 20, starts=[[2], [-2]])
    >>> sorted((mpmath.nstr(p.point[0], 8), p.index) for p in pts)
    [('-1.0', 1), ('1.0', 0)]

    Notes
    -----
    Numerical: a point not found is not proved absent.  Newton converges only
    linearly to a degenerate critical point, so a start that has not converged
    after 80 steps still counts when the gradient at its last iterate is below
    ``10**(-digits/3)``.
    """
    rng = random.Random(seed)
    bound = exact_value(box, "box")
    if starts is None:
        starts = [
            [sympy.Rational(rng.randint(-1000, 1000), 1000) * bound for _ in range(node.n)]
            for _ in range(count)
        ]
    found: list[NumericalCriticalPoint] = []
    with mpmath.workdps(digits + 10):
        tol = mpmath.mpf(10) ** (-digits)
        for start in starts:
            if not isinstance(start, Sequence) or len(start) != node.n:
                raise WeightsError(f"a start point must have {node.n} entries, got {start!r}")
            point = _critical_point(node, weights, [mp_value(v) for v in start], digits, tol, integrate)
            if point is None or any(
                mpmath.norm(mpmath.matrix(point) - mpmath.matrix(p.point)) < mpmath.sqrt(tol) for p in found
            ):
                continue
            e = node.evaluate(point, weights, digits, integrate)
            eig = sorted(mpmath.eigsy(e.hessian, eigvals_only=True))
            degenerate = min(abs(v) for v in eig) < mpmath.sqrt(tol)
            index = None if degenerate else sum(1 for v in eig if v < 0)
            found.append(NumericalCriticalPoint(point, e.value, eig, index, degenerate, digits))
    return found


def _critical_point(node, weights, x, digits, tol, integrate):
    """Newton from x; the converged point (or the last iterate) if grad Phi is small there, else None."""

    def gradient_and_hessian(point):
        e = node.evaluate(point, weights, digits, integrate)
        return e.gradient, e.hessian

    iterates = []  # every iterate Newton takes (all finite): the last one, if it does not converge

    def record(point):
        iterates.append(point)
        return True

    point = newton(gradient_and_hessian, x, tol, steps=_STEPS, inside=record)
    if point is None and len(iterates) == _STEPS:  # no singular Hessian, no overflow: slow convergence
        point = iterates[-1]
    if point is None:
        return None
    e = node.evaluate(point, weights, digits, integrate)
    return point if mpmath.norm(mpmath.matrix(e.gradient)) < tol ** (mpmath.mpf(1) / 3) else None
