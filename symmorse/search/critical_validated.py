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
    parse_box,
    require_weights,
    sympy_box,
    touching_groups,
    width,
)
from .critical_certificate import critical_certificate
from .critical_results import CriticalPoint, CriticalPointsResult, UnresolvedBox, decimal_string
from .krawczyk import Krawczyk, krawczyk
from .newton import BALL_MIDPOINTS, newton

__all__ = ["validated_critical_points", "Region", "COARSE_MIN_WIDTH", "FINE_MIN_WIDTH", "REFINE_LIMIT"]

#: Minimum box widths of the first pass and of the refinement, relative to the widest side of the box.
COARSE_MIN_WIDTH, FINE_MIN_WIDTH = fmpq(1, 2**10), fmpq(1, 2**24)
#: A group of touching unresolved boxes of the first pass is refined only if it has at most this
#: many boxes (an isolated, nearly degenerate point), not when it traces a curve of critical points.
REFINE_LIMIT = 256


def _excludes_zero(a: arb) -> bool:
    return a > 0 or a < 0


@dataclass
class Region:
    """A box that Krawczyk's test proved to hold exactly one critical point, with the proof data.

    ``Y`` (an exact ``arb_mat``) is the Krawczyk matrix of ``box``; ``verified``
    is a smaller box inside it, also proved by Krawczyk's test (with
    ``Y_verified``), and ``tight`` the hull of its Krawczyk image, on which the
    Morse ``index`` was decided.  ``same_as`` is the number of an earlier
    region holding the same point (then ``index`` is None).
    """

    box: Box
    Y: arb_mat
    verified: Box
    Y_verified: arb_mat
    tight: Box
    index: int | None
    same_as: int | None = None


class _Search:
    """Branch-and-bound state of :func:`validated_critical_points`.

    Every box the search finishes with is a *leaf*; ``leaves`` maps it to what
    it proves (the claims of a ``symmorse-critical/1`` certificate):
    ``("excluded", i, None)`` (the gradient enclosure excludes 0 in coordinate
    i), ``("excluded", i, (P, Y))`` (the i-th component of the Krawczyk image of
    a box P containing the leaf misses it), ``("unique", r)`` (the leaf lies in
    region r) or ``("unresolved", reason)``.  The leaves tile the search box.
    """

    def __init__(self, net: Network, n: int, deadline: Deadline) -> None:
        self.bn = BallNetwork(net)
        self.n = n
        self.min_width = fmpq(0)
        self.deadline = deadline
        self.regions: list[Region] = []  # each holds exactly one critical point
        self.leaves: dict[Box, tuple] = {}
        self.failed: list[
            tuple[Box, str]
        ] = []  # certified regions of epsilon-inflation whose point was not listed
        self.examined = 0

    @property
    def unresolved(self) -> list[tuple[Box, str]]:
        """The unresolved leaves with their reasons."""
        return [(box, claim[1]) for box, claim in self.leaves.items() if claim[0] == "unresolved"]

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

    def unique(self, box: Box) -> Krawczyk | None:
        """The Krawczyk operator on ``box`` if K(box) lies in its interior (exactly one critical point)."""
        result = self.operator(box)
        return result if result is not None and result.inside(box) else None

    def contract(self, box: Box, K: Krawczyk) -> tuple[Box, Krawczyk]:
        """Shrink a Krawczyk-certified box around its only critical point: a smaller certified box and its K.

        A small box around a Newton point that Krawczyk's test certifies and
        that lies inside ``box`` holds the same point; iterating K then
        converges quadratically.  Without one, K is iterated on ``box`` itself.
        """
        x = self.newton_point(box)
        if x is not None:
            for r in (fmpq(1, 2**40), fmpq(1, 2**20)):
                small = tuple((xi - r * (1 + abs(xi)), xi + r * (1 + abs(xi))) for xi in x)
                Ks = self.unique(small) if inside(small, box) else None
                if Ks is not None:
                    box, K = small, Ks
                    break
        for _ in range(30):
            image = tuple(ball_bounds(k) for k in K.image)
            smaller = self.unique(image)
            if smaller is None or width(tuple(ball_bounds(k) for k in smaller.image)) >= width(image):
                break
            box, K = image, smaller
        return box, K

    def newton_point(self, box: Box) -> list[fmpq] | None:
        """A Newton approximation to a critical point near ``box``, an exact rational point (a guess only)."""
        reach = [(lo - (hi - lo), hi + (hi - lo)) for lo, hi in box]

        def evaluate(x: list[fmpq]) -> tuple[list[arb], list[list[arb]]]:
            e = self.bn.enclose([arb(xi) for xi in x])
            return e.gradient, e.hessian

        def within_reach(x: list[fmpq]) -> bool:
            return all(lo <= xi <= hi for xi, (lo, hi) in zip(x, reach))

        return newton(evaluate, centre(box), fmpq(1, 2**40), 12, within_reach, BALL_MIDPOINTS)

    def certify(self, region: Box, K: Krawczyk) -> str | None:
        """Record the critical point that Krawczyk's test proved alone in ``region``; None, or why not.

        Only when that point is listed does ``region`` join the regions whose
        boxes need no further search.
        """
        verified, Kv = self.contract(region, K)
        for r, old in enumerate(self.regions):
            if old.same_as is None and (inside(verified, old.box) or inside(old.verified, region)):
                self.regions.append(Region(region, K.Y, verified, Kv.Y, old.tight, None, r))
                return None  # the same point again
            if not disjoint(verified, old.verified):
                return "certified box not separated from another critical point"
        tight = tuple(ball_bounds(k) for k in Kv.image)
        index = inertia(arb_mat(self.enclose(tight)[3].hessian))
        if index is None or index.zero:
            return "one critical point, but its Morse index was not decided"
        self.regions.append(Region(region, K.Y, verified, Kv.Y, tight, index.negative))
        return None

    def covering(self, box: Box) -> int | None:
        """The number of a region containing ``box``, if any."""
        return next((r for r, R in enumerate(self.regions) if inside(box, R.box)), None)

    def inflate(self, box: Box) -> None:
        """Try to certify a critical point near ``box`` from a Newton point (epsilon-inflation)."""
        x = self.newton_point(box)
        if x is None or any(all(lo <= xi <= hi for xi, (lo, hi) in zip(x, R.box)) for R in self.regions):
            return
        w = width(box)
        for r in (w / 2, w / 64, fmpq(1, 2**30) * (1 + max(abs(xi) for xi in x))):
            candidate = tuple((xi - r, xi + r) for xi in x)
            K = self.unique(candidate)
            if K is not None:
                why = self.certify(candidate, K)
                if why is not None:
                    self.failed.append((candidate, why))
                return

    def step(self, box: Box) -> list[Box]:
        """Decide one box: discard it, certify a point in it, shrink it or split it."""
        self.examined += 1
        r = self.covering(box)
        if r is not None:
            self.leaves[box] = ("unique", r)
            return []
        enclosures = c, x, at_c, over = self.enclose(box)
        n = self.n
        for i in range(n):
            mean_value = at_c.gradient[i] + sum(
                (over.hessian[i][j] * (x[j] - c[j]) for j in range(n)), arb(0)
            )
            if _excludes_zero(over.gradient[i]) or _excludes_zero(mean_value):
                self.leaves[box] = ("excluded", i, None)
                return []
        K = self.operator(box, enclosures)
        if K is not None:
            if K.inside(box):
                why = self.certify(box, K)
                self.leaves[box] = ("unique", len(self.regions) - 1) if why is None else ("unresolved", why)
                return []
            for i, (k, (lo, hi)) in enumerate(zip(K.image, box)):
                if k < lo or k > hi:
                    self.leaves[box] = ("excluded", i, (box, K.Y))  # no critical point in the box
                    return []
            if K.injective:
                self.inflate(box)
                r = self.covering(box)
                if r is not None:
                    self.leaves[box] = ("unique", r)
                    return []
            shrunk = self.shrink(box, K)
            if width(shrunk) <= width(box) * 3 / 4:
                return [shrunk]
        widths = [hi - lo for lo, hi in box]
        k = max(range(n), key=lambda i: widths[i])
        if widths[k] < self.min_width:
            # a nearby point whose index was not decided explains the box better than its width
            why = [reason for region, reason in self.failed if not disjoint(region, box)]
            reason = (
                why[0] if why else "minimum width reached: a degenerate critical point or a curve of them?"
            )
            self.leaves[box] = ("unresolved", reason)
            return []
        mid = centre(box)[k]
        left, right = list(box), list(box)
        left[k], right[k] = (box[k][0], mid), (mid, box[k][1])
        return [tuple(right), tuple(left)]

    def shrink(self, box: Box, K: Krawczyk) -> Box:
        """``K ∩ box`` widened by a margin; if it is small enough, the slabs of ``box`` outside it are leaves.

        Every critical point in ``box`` lies in K, so each slab (excluded by the
        coordinate where it misses K, with a margin the checker's own enclosure
        of K will not cross) holds none.
        """
        sides = []
        for k, (lo, hi) in zip(K.image, box):
            if not k.is_finite():
                sides.append((lo, hi))
                continue
            klo, khi = ball_bounds(k)
            margin = (hi - lo) / 2**20
            sides.append((max(lo, klo - margin), min(hi, khi + margin)))
        shrunk = tuple(sides)
        if width(shrunk) <= width(box) * 3 / 4:
            rest = list(box)
            for i, ((lo, hi), (slo, shi)) in enumerate(zip(box, shrunk)):
                for piece in ((lo, slo), (shi, hi)):
                    if piece[0] < piece[1]:
                        self.leaves[tuple(rest[:i] + [piece] + rest[i + 1 :])] = ("excluded", i, (box, K.Y))
                rest[i] = (slo, shi)
        return shrunk

    def run(self, boxes: list[Box], min_width: fmpq, max_unresolved: int) -> None:
        """Depth-first search; on timeout or too many unresolved boxes the rest is unresolved."""
        self.min_width = min_width
        stack = list(boxes)
        unresolved = len(self.unresolved)
        while stack:
            try:
                self.deadline.check("critical-point search")
            except TimeLimitReached as exc:
                self.leaves.update((b, ("unresolved", f"not examined: {exc}")) for b in stack)
                return
            if unresolved >= max_unresolved:
                reason = f"not examined: the search stopped at {max_unresolved} unresolved boxes"
                self.leaves.update((b, ("unresolved", reason)) for b in stack)
                return
            before = len(self.leaves)
            stack += self.step(stack.pop())
            if len(self.leaves) > before and next(reversed(self.leaves.values()))[0] == "unresolved":
                unresolved += 1


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
            refine = sorted(b for group in groups if len(group) <= REFINE_LIMIT for b in group)
            for b in refine:
                del run.leaves[b]
            run.run(refine, fine, max_unresolved)
    points = []
    for R in sorted((R for R in run.regions if R.same_as is None), key=lambda R: [lo for lo, _ in R.tight]):
        if disjoint(R.tight, search):
            continue
        status = "unique" if inside(R.tight, search) else "boundary"
        center = tuple(decimal_string((lo + hi) / 2) for lo, hi in R.tight)
        points.append(CriticalPoint(sympy_box(R.tight), center, R.index, status))
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
        certificate=critical_certificate(net, search, run.regions, run.leaves),
    )
