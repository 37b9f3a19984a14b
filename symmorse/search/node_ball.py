"""Ball witnesses of neural ODEs: a non-degenerate critical point at rational weights, by validated flows.

Without a closed-form flow the exact witness of :mod:`symmorse.search.node_classify`
(``W~^T = Dphi_T(y)^{-T} u``, an irrational number in general) cannot be written
down.  A *ball witness* states a concrete rational network instead: W (m x n),
the bias b = y and a rational output row W~, near the computed
``Dphi_T(y)^{-T} u``.  With U the pivot columns of W (a basis of its image, r
columns; U = W when rank W = n) the reduced map ``g(s) = W~ phi_T(y + U s)`` has
gradient ``F(s) = U^T Dphi_T(y + U s)^T W~^T`` and Hessian
``U^T H(s) U``, ``H = sum_i W~_i D^2phi_{T,i}``.  The claim, for a rational box S
with centre c and a rational matrix Y (the preconditioner):

* the Krawczyk image ``K = c - Y F(c) + (I - Y F'(S)) (S - c)`` lies in the
  interior of S, so F has exactly one zero s* in S [Krawczyk 1969; Neumaier 1990,
  thm 5.1.7]: a critical point of g (of Phi, with x* = s*, when rank W = n);
* ``det(U^T H U)`` over all of S excludes 0, so s* is non-degenerate, and every
  matrix of that enclosure has the same inertia, so the Morse index of s* is known.

``F(c)`` comes from the validated flow (:mod:`symmorse.exact.validated_flow`, C^2
Lohner) at the rational point ``y + U c``, ``F'(S)`` from the flow over the
interval hull of ``y + U S`` (exact rational endpoints).  Every number of the
claim is a ball; the rounding of W~ and Y, the box size and the precision are
choices, never part of the argument.  The kernel (:mod:`symmorse.kernel.node`)
recomputes both enclosures with the same exact-layer integrator and its own
Krawczyk test.

Examples
--------
>>> layers = {"A": [[1, -1], ["1/2", 1]], "V": [[1, "3/2"], [-1, "1/2"]], "c": ["1/4", 0]}
>>> w = ball_witness(flow_field(layers), fmpq(1), [[fmpq(1)], [fmpq(2)]], [fmpq(1, 4), fmpq(-1, 2)], [2, -1])
>>> w.index, w.det.contains(0), len(w.box)
(0, False, 1)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from flint import arb, arb_mat, ctx, fmpq, fmpq_mat

from ..exact.linalg import inertia
from ..exact.numbers import rational_string
from ..exact.taylor_fields import FlowField, flow_field
from ..exact.validated_flow import FlowEnclosure, FlowEnclosureError, validated_flow
from .krawczyk import krawczyk
from .node_certificate import NotShown

__all__ = ["PRECISION", "BallWitness", "ball_witness", "krawczyk_box", "reduced_hull"]

#: Working precision (bits) of ball witnesses.
PRECISION = 128
_W_OUT_DENOMINATOR = 10**8  # W~ is rounded to a fraction with a denominator up to this
_Y_DENOMINATOR = 10**6  # and the preconditioner Y to one up to this
_BOX_TRIES = 3  # box sizes tried (each 100 times the last)


@dataclass(frozen=True)
class BallWitness:
    """A rational output row W~ and a box S of reduced inputs holding one non-degenerate critical point.

    Attributes
    ----------
    w_out : list of fmpq
        The output row W~ (m entries).
    box : list of (fmpq, fmpq)
        The box S (r = rank W intervals) around the centre c = 0.
    Y : list of list of fmpq
        The preconditioner of the Krawczyk test (r x r).
    prec : int
        Working precision (bits) of the validated flows.
    det : arb
        An enclosure of ``det(U^T H U)`` over S (excludes 0).
    index : int
        The Morse index (negative eigenvalues of the reduced Hessian) of the critical point.
    radius : float
        How far from the centre of the box s* may be (the Krawczyk image's largest distance).

    Examples
    --------
    >>> w = BallWitness([fmpq(1, 2)], [(fmpq(-1, 10), fmpq(1, 10))], [[fmpq(2)]], 128, arb(3), 0, 1e-20)
    >>> w.to_json()
    {'box': [['-1/10', '1/10']], 'Y': [['2']], 'prec': 128, 'index': 0}
    """

    w_out: list
    box: list
    Y: list
    prec: int
    det: arb
    index: int
    radius: float

    def to_json(self) -> dict:
        """The certificate's ``witness.ball`` object (exact rational strings).

        Examples
        --------
        >>> BallWitness([], [(fmpq(0), fmpq(1))], [[fmpq(1, 3)]], 64, arb(1), 1, 0.0).to_json()["Y"]
        [['1/3']]
        """
        return {
            "box": [[rational_string(lo), rational_string(hi)] for lo, hi in self.box],
            "Y": [[rational_string(v) for v in row] for row in self.Y],
            "prec": self.prec,
            "index": self.index,
        }


def reduced_hull(
    y: Sequence[fmpq], U: Sequence[Sequence[fmpq]], box: Sequence[tuple[fmpq, fmpq]]
) -> list[tuple[fmpq, fmpq]]:
    """The interval hull of ``{y + U s : s in box}``, with exact rational endpoints.

    Examples
    --------
    >>> reduced_hull([fmpq(1), fmpq(0)], [[fmpq(1)], [fmpq(-2)]], [(fmpq(-1), fmpq(1, 2))])
    [(0, 3/2), (-1, 2)]
    """
    hull = []
    for yi, row in zip(y, U):
        lo = hi = yi
        for a, (s_lo, s_hi) in zip(row, box):
            ends = (a * s_lo, a * s_hi)
            lo, hi = lo + min(ends), hi + max(ends)
        hull.append((lo, hi))
    return hull


def ball_witness(
    field: FlowField | object,
    T: fmpq,
    U: Sequence[Sequence[fmpq]],
    y: Sequence[fmpq],
    u: Sequence[object],
    prec: int = PRECISION,
) -> BallWitness:
    """A ball witness near the point ``(y, u)`` of the critical bundle (``U^T u = 0``), or NotShown.

    Parameters
    ----------
    field : FlowField or field description
        The vector field (:func:`~symmorse.exact.taylor_fields.flow_field`).
    T : fmpq
        The final time.
    U : m x r rational matrix (rows)
        A basis of the image of W (its pivot columns).
    y : m rationals
        The bias b = y: the reduced map is ``s -> W~ phi_T(y + U s)``.
    u : m exact numbers
        A non-zero vector with ``U^T u = 0``; W~ is rounded from ``Dphi_T(y)^{-T} u``.
    prec : int
        Working precision in bits.

    Raises
    ------
    NotShown
        If the flow is not enclosed, the reduced Hessian at y is not shown non-singular, or no
        box passes the Krawczyk test (the message says which).

    Examples
    --------
    A tanh layer field, m = 2, n = 1, W = (1, 2)^T, u = (2, -1):

    >>> layers = {"A": [[1, -1], ["1/2", 1]], "V": [[1, "3/2"], [-1, "1/2"]], "c": ["1/4", 0]}
    >>> U, y = [[fmpq(1)], [fmpq(2)]], [fmpq(1, 4), fmpq(-1, 2)]
    >>> w = ball_witness(layers, fmpq(1), U, y, [2, -1])
    >>> [str(v) for v in w.w_out], w.box[0][1], w.radius < 1e-14
    (['56193987/50881895', '-104837365/80780553'], 1/100000000000000, True)
    """
    F = flow_field(field)
    m = len(y)
    try:
        at_y = validated_flow(F, T, list(y), prec=prec)
    except FlowEnclosureError as exc:
        raise NotShown(f"the flow from y is not enclosed: {exc}") from None
    with ctx.workprec(prec):
        try:
            exact_out = at_y.jacobian.transpose().solve(arb_mat(m, 1, [arb(fmpq(v)) for v in u]))
        except ZeroDivisionError:
            raise NotShown("Dphi_T(y) is not shown invertible at this precision") from None
        w_out = [_simple(v, _W_OUT_DENOMINATOR) for v in exact_out.entries()]
    return krawczyk_box(F, T, U, y, w_out, [fmpq(0)] * len(U[0]), prec, at_centre=at_y)


def krawczyk_box(
    field: FlowField | object,
    T: fmpq,
    U: Sequence[Sequence[fmpq]],
    y: Sequence[fmpq],
    w_out: Sequence[fmpq],
    centre: Sequence[fmpq],
    prec: int = PRECISION,
    at_centre: FlowEnclosure | None = None,
) -> BallWitness:
    """A box around ``centre`` holding exactly one non-degenerate zero of ``s -> U^T Dphi_T(y + U s)^T W~^T``.

    The box is ``centre +- rho`` with rho a power of 10 about 1000 Newton steps wide (tried
    three times, each 100 times wider); ``at_centre`` may pass the validated flow at
    ``y + U centre`` if it is already known.

    Raises
    ------
    NotShown
        If the flow is not enclosed, the Hessian at the centre is not shown non-singular, or no
        box passes the Krawczyk test.

    Examples
    --------
    ``h' = (0, h1^2)``, W = (1, 0)^T, b = 0, W~ = (-2, 1): ``Phi(x) = x^2 - 2 x``, minimum at 1:

    >>> one, zero = fmpq(1), fmpq(0)
    >>> w = krawczyk_box("0, h1**2", one, [[one], [zero]], [zero, zero], [-2 * one, one], [fmpq(99, 100)])
    >>> w.index, w.box[0][0] < 1 < w.box[0][1]
    (0, True)
    """
    F = flow_field(field)
    m, r = len(y), len(centre)
    Um = fmpq_mat(m, r, [v for row in U for v in row])
    point = [yi + sum((a * c for a, c in zip(row, centre)), fmpq(0)) for yi, row in zip(y, U)]
    if at_centre is None:
        try:
            at_centre = validated_flow(F, T, point, prec=prec)
        except FlowEnclosureError as exc:
            raise NotShown(f"the flow from y + U c is not enclosed: {exc}") from None
    with ctx.workprec(prec):
        Ub = arb_mat(Um)
        w_balls = [arb(v) for v in w_out]
        gradient = Ub.transpose() * at_centre.jacobian.transpose() * arb_mat(m, 1, w_balls)
        hessian = Ub.transpose() * at_centre.curvature(w_balls) * Ub
        if hessian.det().contains(0):
            raise NotShown(
                f"det(U^T H U) at y is not shown non-zero (the field may be too flat): {hessian.det()}"
            )
        step = max(float(v.abs_upper()) for v in hessian.solve(gradient).entries())
    digits = min(30, max(3, math.floor(-math.log10(max(1000 * step, 1e-30)))))
    rho = fmpq(1, 10**digits)
    last = "no box tried"
    for _ in range(_BOX_TRIES):
        box = [(c - rho, c + rho) for c in centre]
        try:
            over = validated_flow(F, T, reduced_hull(y, U, box), prec=prec)
        except FlowEnclosureError as exc:
            raise NotShown(f"the flow over the box is not enclosed: {exc}") from None
        with ctx.workprec(prec):
            J = Ub.transpose() * over.curvature(w_balls) * Ub
            try:
                Y = [[_simple(v, _Y_DENOMINATOR) for v in J.mid().inv().table()[i]] for i in range(r)]
            except ZeroDivisionError:
                raise NotShown("the reduced Hessian over the box has a singular midpoint") from None
            balls = [arb(lo).union(arb(hi)) for lo, hi in box]
            Yb = arb_mat(fmpq_mat(Y))
            K = krawczyk([arb(c) for c in centre], balls, gradient.entries(), J.table(), Y=Yb)
            det = J.det()
            signs = inertia(J)
            shown = signs is not None and not signs.zero and not det.contains(0)
            if K is not None and K.inside(box) and shown:
                radius = max(float((k - arb(c)).abs_upper()) for k, c in zip(K.image, centre))
                return BallWitness(list(w_out), box, Y, prec, det, signs.negative, radius)
            last = f"box of radius {rho}: Krawczyk image {K.image if K else None}, det {det}"
        rho *= 100
    raise NotShown(f"no box passed the Krawczyk test with det(U^T H U) != 0 ({last})")


def _simple(v: arb, denominator: int) -> fmpq:
    """A rational with a denominator up to ``denominator`` next to the midpoint of v."""
    mantissa, exponent = v.mid().man_exp()
    exact = Fraction(int(mantissa)) * Fraction(2) ** int(exponent)
    close = exact.limit_denominator(denominator)
    return fmpq(close.numerator, close.denominator)
