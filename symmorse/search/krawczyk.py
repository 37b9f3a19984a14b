"""The Krawczyk operator: existence and uniqueness of a zero of f in a box, in ball arithmetic.

For ``f: R^n -> R^n`` (here ``grad Phi``, with ``J = Hess Phi``), a box X with
a point c in it, an enclosure of ``f(c)`` and an enclosure ``J(X)`` of the
Jacobian over X, and any matrix Y (here the inverse of the midpoint of ``J(X)``),

    K(X) = c - Y f(c) + (I - Y J(X)) (X - c)

contains every zero of f in X (mean-value theorem).  So ``K(X) ∩ X = ∅`` proves
there is none, and ``K(X)`` in the interior of X proves there is exactly one,
with every matrix in ``J(X)`` invertible [1]_.  If ``|I - Y J(X)|_inf < 1``, f is
injective on X (at most one zero), even when K is not inside X.  Both the
critical-point search of concrete networks and the certification of a
target's Newton points (universal embedding) call :func:`krawczyk`; each
supplies its own enclosures.  The operator itself is
:func:`symmorse.exact.balls.krawczyk_image`, the one formula the certificate
kernel also evaluates (with the Y written in the certificate).

References
----------
.. [1] R. Krawczyk. Newton-Algorithmen zur Bestimmung von Nullstellen mit
   Fehlerschranken. Computing 4 (1969).
.. [2] A. Neumaier. Interval Methods for Systems of Equations. CUP, 1990.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from flint import arb, arb_mat, fmpq

from ..exact.balls import krawczyk_image

__all__ = ["Krawczyk", "krawczyk"]


class Krawczyk(NamedTuple):
    """The Krawczyk image ``K(X)`` of a box, whether f is injective on the box, and the matrix Y used."""

    image: list[arb]
    injective: bool
    Y: arb_mat | None = None

    def inside(self, bounds: Sequence[tuple[fmpq, fmpq]]) -> bool:
        """Whether ``K(X)`` lies in the interior of the box ``bounds``: then it holds exactly one zero.

        Examples
        --------
        >>> Krawczyk([arb(1, 0.25)], True).inside([(fmpq(0), fmpq(2))])
        True
        """
        return all(k > lo and k < hi for k, (lo, hi) in zip(self.image, bounds))


def krawczyk(
    centre: Sequence[arb],
    box: Sequence[arb],
    value: Sequence[arb],
    jacobian: Sequence[Sequence[arb]],
    Y: arb_mat | None = None,
) -> Krawczyk | None:
    """The Krawczyk operator of f on a box, from enclosures of ``f(c)`` and of the Jacobian over the box.

    Parameters
    ----------
    centre : sequence of arb
        The point c in the box (balls, usually exact).
    box : sequence of arb
        The box X, one ball per coordinate.
    value : sequence of arb, or an n x 1 arb_mat
        An enclosure of ``f(c)``.
    jacobian : sequence of sequences of arb, or an arb_mat
        An enclosure ``J(X)`` of the Jacobian of f over X (rows).
    Y : arb_mat, optional
        The preconditioner (any matrix works; a ball matrix stands for every matrix in it).  By
        default the inverse of the midpoint of ``J(X)``; a certificate passes the rational
        matrix it records.

    Returns
    -------
    Krawczyk or None
        None if no Y is given and the midpoint of ``J(X)`` is singular.

    Examples
    --------
    ``f(x) = x^2 - 2`` on ``X = [1.4, 1.5]``, ``c = 1.45``, ``J(X) = 2X``: K lies inside X,
    so X holds exactly one root (sqrt 2):

    >>> X = arb(fmpq(14, 10)).union(arb(fmpq(15, 10)))
    >>> c = arb(fmpq(145, 100))
    >>> K = krawczyk([c], [X], [c**2 - 2], [[2 * X]])
    >>> K.inside([(fmpq(14, 10), fmpq(15, 10))]), K.injective, K.image[0].contains(arb(2).sqrt())
    (True, True, True)
    >>> K = krawczyk([c], [X], [c**2 - 2], [[2 * X]], Y=arb_mat([[fmpq(1, 3)]]))
    >>> K.inside([(fmpq(14, 10), fmpq(15, 10))])
    True
    """
    n = len(centre)
    J = jacobian if isinstance(jacobian, arb_mat) else arb_mat([list(row) for row in jacobian])
    if Y is None:
        try:
            Y = J.mid().inv().mid()
        except ZeroDivisionError:
            return None
    f = value if isinstance(value, arb_mat) else arb_mat(n, 1, list(value))
    shift = arb_mat(n, 1, [xi - ci for xi, ci in zip(box, centre)])
    image, M = krawczyk_image(arb_mat(n, 1, list(centre)), f, J, shift, Y)
    rows = M.entries()
    injective = all(sum((abs(e) for e in rows[i * n : (i + 1) * n]), arb(0)) < 1 for i in range(n))
    return Krawczyk(image, injective, Y)
