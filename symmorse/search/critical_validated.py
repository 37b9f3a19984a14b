"""The validated route: every critical point of a network in a box, certified in ball arithmetic.

Branch-and-bound over the box in python-flint ``arb`` arithmetic, for any
activation with ball arithmetic (tanh, sigmoid, softplus, arctan, ...).  The
enclosures of grad Phi and Hess Phi over a box come from
:class:`~symmorse.model.balls.BallNetwork`.  A box is discarded when the
enclosure of grad Phi (the intersection of the naive and the mean-value form)
excludes 0; a critical point is certified when the Krawczyk operator
(:mod:`symmorse.search.krawczyk`) maps a box into its interior (then the box
holds exactly one critical point and every Hessian in it is invertible); its
Morse index is the inertia of the Hessian enclosure on a contracted box
(:func:`symmorse.exact.linalg.inertia`: Descartes' rule of signs on ball
enclosures of the characteristic polynomial's coefficients, exact for symmetric
matrices), which fixes the inertia of the true Hessian at the point.  Boxes that
reach the minimum width undecided (degenerate points, curves of critical points)
and boxes left when the time limit runs out are returned as *unresolved*, never
dropped and never counted as points; the enumeration is complete exactly when
no box is unresolved.

Points found near a box that was already bisected (a point on a bisection
line) are caught by a Newton step from the box centre
(:func:`symmorse.search.newton.newton` with exact dyadic iterates) and
Krawczyk's test on a small box around the Newton point ("epsilon-inflation").

References
----------
.. [1] R. Krawczyk. Newton-Algorithmen zur Bestimmung von Nullstellen mit
   Fehlerschranken. Computing 4 (1969).
.. [2] A. Neumaier. Interval Methods for Systems of Equations. CUP, 1990.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flint import arb, arb_mat, ctx, fmpq

from ..exact.errors import InputError
from ..exact.limits import Deadline, TimeLimitReached
from ..exact.linalg import inertia
from ..exact.numbers import to_fmpq, to_rational
from ..model.balls import BallNetwork, ball_bounds, interval_ball
from ..model.network import Network
from .critical_boxes import (
    Box,
    centre,
    disjoint,
    inside,
    meet,
    parse_box,
    require_weights,
    sympy_box,
    touching_groups,
    width,
)
from .critical_results import CriticalPoint, CriticalPointsResult, UnresolvedBox, decimal_string
from .krawczyk import Krawczyk, krawczyk
from .newton import BALL_MIDPOINTS, newton

__all__ = ["validated_critical_points", "COARSE_MIN_WIDTH", "FINE_MIN_WIDTH", "REFINE_LIMIT"]

#: Minimum box widths of the first pass and of the refinement, relative to the widest side of the box.
COARSE_MIN_WIDTH, FINE_MIN_WIDTH = fmpq(1, 2**10), fmpq(1, 2**24)
#: A group of touching unresolved boxes of the first pass is refined only if it has at most this
#: many boxes (an isolated, nearly degenerate point), not when it traces a curve of critical points.
REFINE_LIMIT = 256


def _excludes_zero(a: arb) -> bool:
    return a > 0 or a < 0


@dataclass
class _Found:
    """A certified critical point: alone in ``region``, enclosed by ``tight``."""

    region: Box
    tight: Box
    index: int


class _Search:
    """Branch-and-bound state of :func:`validated_critical_points`."""

    def __init__(self, net: Network, n: int, deadline: Deadline) -> None:
        self.bn = BallNetwork(net)
        self.n = n
        self.min_width = fmpq(0)
        self.deadline = deadline
        self.found: list[_Found] = []
        self.regions: list[Box] = []  # each holds exactly one known critical point
        self.unresolved: list[tuple[Box, str]] = []
        self.examined = 0

    def enclose(self, box: Box):
        """Centre c, enclosures at c and over the box, and the box's balls."""
        c = [arb(ci) for ci in centre(box)]
        x = [interval_ball(lo, hi) for lo, hi in box]
        at_c = self.bn.enclose(c, hessian=False)
        return c, x, at_c, self.bn.enclose(x, c, at_c)

    def operator(self, box: Box, enclosures: tuple | None = None) -> Krawczyk | None:
        """The Krawczyk operator of grad Phi on the box (see :mod:`symmorse.search.krawczyk`)."""
        c, x, at_c, over = enclosures or self.enclose(box)
        return krawczyk(c, x, at_c.gradient, over.hessian)

    def unique(self, box: Box) -> Box | None:
        """Bounds of K(box) if K(box) lies in the interior of ``box`` (exactly one critical point)."""
        result = self.operator(box)
        if result is None or not result.inside(box):
            return None
        return tuple(ball_bounds(k) for k in result.image)

    def contract(self, box: Box) -> Box:
        """Shrink a Krawczyk-certified box around its only critical point.

        A small box around a Newton point that Krawczyk's test certifies and
        that lies inside ``box`` holds the same point; iterating K then
        converges quadratically.  Without one, K is iterated on ``box`` itself.
        """
        x = self.newton_point(box)
        if x is not None:
            for r in (fmpq(1, 2**40), fmpq(1, 2**20)):
                small = tuple((xi - r * (1 + abs(xi)), xi + r * (1 + abs(xi))) for xi in x)
                if inside(small, box) and self.unique(small) is not None:
                    box = small
                    break
        for _ in range(30):
            smaller = self.unique(box)
            if smaller is None or width(smaller) >= width(box):
                break
            box = smaller
        return box

    def newton_point(self, box: Box) -> list[fmpq] | None:
        """A Newton approximation to a critical point near ``box``, an exact rational point (a guess only)."""
        reach = [(lo - (hi - lo), hi + (hi - lo)) for lo, hi in box]

        def evaluate(x: list[fmpq]) -> tuple[list[arb], list[list[arb]]]:
            e = self.bn.enclose([arb(xi) for xi in x])
            return e.gradient, e.hessian

        def within_reach(x: list[fmpq]) -> bool:
            return all(lo <= xi <= hi for xi, (lo, hi) in zip(x, reach))

        return newton(evaluate, centre(box), fmpq(1, 2**40), 12, within_reach, BALL_MIDPOINTS)

    def certify(self, region: Box) -> None:
        """Record the critical point that Krawczyk's test proved alone in ``region``.

        Only when that point is listed does ``region`` join the regions whose
        boxes need no further search; otherwise ``region`` is unresolved and
        stays searchable (a refinement pass may decide it).
        """
        tight = self.contract(region)
        for old in self.found:
            if inside(tight, old.region) or inside(old.tight, region):
                self.regions.append(region)  # the same point again
                return
            if not disjoint(tight, old.tight):
                self.unresolved.append((region, "certified box not separated from another critical point"))
                return
        c, x, at_c, over = self.enclose(tight)
        index = inertia(arb_mat(over.hessian))
        if index is None:
            self.unresolved.append((region, "one critical point, but its Morse index was not decided"))
            return
        self.found.append(_Found(region, tight, index.negative))
        self.regions.append(region)

    def inflate(self, box: Box) -> None:
        """Try to certify a critical point near ``box`` from a Newton point (epsilon-inflation)."""
        x = self.newton_point(box)
        if x is None or any(all(lo <= xi <= hi for xi, (lo, hi) in zip(x, R)) for R in self.regions):
            return
        w = width(box)
        for r in (w / 2, w / 64, fmpq(1, 2**30) * (1 + max(abs(xi) for xi in x))):
            candidate = tuple((xi - r, xi + r) for xi in x)
            if self.unique(candidate) is not None:
                self.certify(candidate)
                return

    def step(self, box: Box) -> list[Box]:
        """Decide one box: discard it, certify a point in it, shrink it or split it."""
        self.examined += 1
        if any(inside(box, R) for R in self.regions):
            return []
        enclosures = c, x, at_c, over = self.enclose(box)
        n = self.n
        for i in range(n):
            mean_value = at_c.gradient[i] + sum(
                (over.hessian[i][j] * (x[j] - c[j]) for j in range(n)), arb(0)
            )
            if _excludes_zero(over.gradient[i]) or _excludes_zero(mean_value):
                return []
        K = self.operator(box, enclosures)
        if K is not None:
            if K.inside(box):
                self.certify(box)
                return []
            shrunk = meet(
                box, [ball_bounds(k) if k.is_finite() else bounds for k, bounds in zip(K.image, box)]
            )
            if shrunk is None:
                return []  # no critical point in the box
            if K.injective:
                self.inflate(box)
                if any(inside(box, R) for R in self.regions):
                    return []
            if width(shrunk) <= width(box) * 3 / 4:
                return [shrunk]
        widths = [hi - lo for lo, hi in box]
        k = max(range(n), key=lambda i: widths[i])
        if widths[k] < self.min_width:
            self.unresolved.append(
                (box, "minimum width reached: a degenerate critical point or a curve of them?")
            )
            return []
        mid = centre(box)[k]
        left, right = list(box), list(box)
        left[k], right[k] = (box[k][0], mid), (mid, box[k][1])
        return [tuple(right), tuple(left)]

    def run(self, boxes: list[Box], min_width: fmpq, max_unresolved: int) -> None:
        """Depth-first search; on timeout or too many unresolved boxes the rest is unresolved."""
        self.min_width = min_width
        stack = list(boxes)
        while stack:
            try:
                self.deadline.check("critical-point search")
            except TimeLimitReached as exc:
                self.unresolved += [(b, f"not examined: {exc}") for b in stack]
                return
            if len(self.unresolved) >= max_unresolved:
                reason = f"not examined: the search stopped at {max_unresolved} unresolved boxes"
                self.unresolved += [(b, reason) for b in stack]
                return
            stack += self.step(stack.pop())


def validated_critical_points(
    net: Network,
    box: object = None,
    *,
    min_width: object = None,
    time_limit: float | None = None,
    max_unresolved: int = 1000,
) -> CriticalPointsResult:
    """All critical points of ``net`` in a box, certified in ball arithmetic.

    Parameters
    ----------
    net : Network
        A network whose weights are all given.
    box : sequence of (lo, hi), optional
        One pair for every axis or one per input (see :func:`parse_box`);
        default ``[-5, 5]`` on every axis.
    min_width : number, optional
        Boxes narrower than this that are still undecided become unresolved.
        By default a first pass stops at 1/1024 of the widest side of the
        box; then every group of at most 256 touching unresolved boxes (an
        isolated degenerate or nearly degenerate point, not a curve of
        critical points) is refined down to 2^-24 of it.
    time_limit : float, optional
        Seconds; when they run out the remaining boxes are unresolved.
    max_unresolved : int
        Stop (leaving the remaining boxes unresolved) once this many boxes
        are unresolved: a curve of critical points would otherwise be covered
        by ever more minimum-width boxes.

    Returns
    -------
    CriticalPointsResult

    Examples
    --------
    ``Phi(x) = tanh(x) - tanh(x - 1)`` has a single critical point, a maximum at 1/2:

    >>> net = Network("1,2,1", "tanh", [{"W": [[1], [1]], "b": [0, -1]}, {"W": [[1, -1]], "b": [0]}])
    >>> r = validated_critical_points(net, [(-3, 3)])
    >>> [(round(float(p.center[0]), 12), p.index, p.status) for p in r.points], r.complete
    ([(0.5, 1, 'unique')], True)
    >>> (lo, hi), = r.points[0].box  # a certified box around the exact point 1/2
    >>> 2 * lo <= 1 <= 2 * hi, float(hi - lo) < 1e-14
    (True, True)
    """
    start = time.perf_counter()
    require_weights(net)
    n = len(net.inputs)
    search = parse_box(box, n)
    fine = (
        width(search) * FINE_MIN_WIDTH if min_width is None else to_fmpq(to_rational(min_width, "min_width"))
    )
    if fine <= 0:
        raise InputError("min_width must be positive")
    coarse = max(fine, width(search) * COARSE_MIN_WIDTH)
    with ctx.workprec(53):
        run = _Search(net, n, Deadline(time_limit))
        run.run([search], coarse, max_unresolved)
        timed_out = any(reason.startswith("not examined") for _, reason in run.unresolved)
        if fine < coarse and not timed_out:
            groups = touching_groups([b for b, _ in run.unresolved])
            refine = {b for group in groups if len(group) <= REFINE_LIMIT for b in group}
            run.unresolved = [(b, reason) for b, reason in run.unresolved if b not in refine]
            run.run(sorted(refine), fine, max_unresolved)
    points = []
    for f in sorted(run.found, key=lambda f: [lo for lo, _ in f.tight]):
        if disjoint(f.tight, search):
            continue
        status = "unique" if inside(f.tight, search) else "boundary"
        center = tuple(decimal_string((lo + hi) / 2) for lo, hi in f.tight)
        points.append(CriticalPoint(sympy_box(f.tight), center, f.index, status))
    unresolved = [UnresolvedBox(sympy_box(b), reason) for b, reason in sorted(run.unresolved)]
    return CriticalPointsResult(
        net.describe(),
        net.activation.name,
        "validated",
        sympy_box(search),
        tuple(points),
        tuple(unresolved),
        boxes_examined=run.examined,
        seconds=time.perf_counter() - start,
    )
