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

import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

from flint import arb, arb_mat, ctx, fmpq

from ..exact.balls import krawczyk_image, mean_value
from ..exact.errors import InputError
from ..exact.limits import Deadline, TimeLimitReached
from ..exact.linalg import inertia
from ..exact.numbers import to_fmpq, to_rational, to_sympy
from ..model.architecture import layers
from ..model.balls import BallNetwork, ball_bounds, dyadic, interval_ball
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
from .critical_results import (
    CriticalCurve,
    CriticalPoint,
    CriticalPointsResult,
    UnresolvedBox,
    decimal_string,
)
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


#: A box to examine with what its parent proved: ``(P, H(P), Y)`` -- the parent box, the Hessian
#: enclosure over it (which contains every Hessian on the box) and its Krawczyk matrix -- or None.
Parent = tuple[Box, arb_mat, arb_mat | None] | None


def _volume(box: Box) -> float:
    v = 1.0
    for lo, hi in box:
        v *= float(hi - lo)
    return v


class _Search:
    """Branch-and-bound state of :func:`validated_critical_points`.

    Every box the search finishes with is a *leaf*; ``leaves`` maps it to what
    it proves (the claims of a ``symmorse-critical/1`` certificate):
    ``("excluded", i, None, Q)`` (the gradient enclosure excludes 0 in
    coordinate i: naive, or the mean-value form with the Hessian enclosed over
    the box, or over a box Q holding it), ``("excluded", i, (P, Y, Q))`` (the
    i-th component of the Krawczyk image of a box P containing the leaf, with
    the Hessian over Q or P, misses it), ``("unique", r)`` (the leaf lies in
    region r), ``("single", r)`` (the leaf holds region r's point and its
    Hessian enclosure is definite) or ``("unresolved", reason)``.  The leaves
    tile the search box.
    """

    def __init__(self, net: Network, n: int, deadline: Deadline, volume: float) -> None:
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
        self.volume, self.resolved = volume, 0.0  # of the search box, and of its decided leaves

    @property
    def unresolved(self) -> list[tuple[Box, str]]:
        """The unresolved leaves with their reasons."""
        return [(box, claim[1]) for box, claim in self.leaves.items() if claim[0] == "unresolved"]

    def record(self, box: Box, claim: tuple) -> None:
        """Make ``box`` a leaf with its claim."""
        self.leaves[box] = claim
        if claim[0] != "unresolved":
            self.resolved += _volume(box)

    def forget(self, box: Box) -> tuple:
        """Remove a leaf (to refine or restore it); its claim."""
        claim = self.leaves.pop(box)
        if claim[0] != "unresolved":
            self.resolved -= _volume(box)
        return claim

    def enclose(self, box: Box):
        """Centre c, the box's balls, ``x - c``, the values at c and the enclosures over the box."""
        c = [arb(ci) for ci in centre(box)]
        x = [interval_ball(lo, hi) for lo, hi in box]
        shift = arb_mat(self.n, 1, [xi - ci for xi, ci in zip(x, c)])
        at_c = self.bn.point(c)
        return c, x, shift, at_c, self.bn.over(x, at_c, shift)

    def unique(self, box: Box) -> Krawczyk | None:
        """The Krawczyk operator on ``box`` if K(box) lies in its interior (exactly one critical point)."""
        c, x, _, at_c, over = self.enclose(box)
        result = krawczyk(c, x, at_c.gradient, over.hessian)
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

    def newton_point(self, box: Box, start: list[fmpq] | None = None) -> list[fmpq] | None:
        """A Newton approximation to a critical point near ``box``, an exact rational point (a guess only)."""
        reach = [(lo - (hi - lo), hi + (hi - lo)) for lo, hi in box]

        def evaluate(x: list[fmpq]) -> tuple[list[arb], list[list[arb]]]:
            e = self.bn.enclose([arb(xi) for xi in x])
            return e.gradient, e.hessian

        def within_reach(x: list[fmpq]) -> bool:
            return all(lo <= xi <= hi for xi, (lo, hi) in zip(x, reach))

        return newton(evaluate, start or centre(box), fmpq(1, 2**40), 12, within_reach, BALL_MIDPOINTS)

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
        index = inertia(self.enclose(tight)[4].hessian)
        if index is None or index.zero:
            return "one critical point, but its Morse index was not decided"
        self.regions.append(Region(region, K.Y, verified, Kv.Y, tight, index.negative))
        return None

    def covering(self, box: Box) -> int | None:
        """The number of a region containing ``box``, if any."""
        return next((r for r, R in enumerate(self.regions) if inside(box, R.box)), None)

    def inflate(self, box: Box, start: list[fmpq] | None = None) -> None:
        """Try to certify a critical point near ``box`` from a Newton point (epsilon-inflation)."""
        x = self.newton_point(box, start)
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

    def step(self, box: Box, parent: Parent) -> list[tuple[Box, Parent, float]]:
        """Decide one box: discard it, certify a point in it, shrink it or split it.

        Returns the boxes to examine next, each with what this box proved (for
        its tests) and a priority (smaller first).
        """
        self.examined += 1
        r = self.covering(box)
        if r is not None:
            self.record(box, ("unique", r))
            return []
        n = self.n
        c = [arb(ci) for ci in centre(box)]
        x = [interval_ball(lo, hi) for lo, hi in box]
        shift = arb_mat(n, 1, [xi - ci for xi, ci in zip(x, c)])
        at_c = self.bn.point(c)
        if parent is not None:  # the parent's Hessian encloses this box's: only grad(c) is new
            P, HP, YP = parent
            for i, g in enumerate(mean_value(at_c.gradient, HP, shift)):
                if _excludes_zero(g):
                    self.record(box, ("excluded", i, None, P))
                    return []
            if YP is not None:
                image, _ = krawczyk_image(arb_mat(n, 1, c), at_c.gradient, HP, shift, YP)
                for i, (k, (lo, hi)) in enumerate(zip(image, box)):
                    if k < lo or k > hi:
                        self.record(box, ("excluded", i, (box, YP, P), None))
                        return []
        over = self.bn.over(x, at_c, shift)
        H = over.hessian
        for i, (g, m) in enumerate(zip(over.gradient.entries(), mean_value(at_c.gradient, H, shift))):
            if _excludes_zero(g) or _excludes_zero(m):
                self.record(box, ("excluded", i, None, None))
                return []
        K = krawczyk(c, x, at_c.gradient, H)
        if K is not None:
            if K.inside(box):
                why = self.certify(box, K)
                self.record(box, ("unique", len(self.regions) - 1) if why is None else ("unresolved", why))
                return []
            for i, (k, (lo, hi)) in enumerate(zip(K.image, box)):
                if k < lo or k > hi:
                    self.record(box, ("excluded", i, (box, K.Y, None), None))  # no critical point in the box
                    return []
            definite = False
            if not K.injective and (all(H[i, i] > 0 for i in range(n)) or all(H[i, i] < 0 for i in range(n))):
                index = inertia(H)  # a definite matrix has a diagonal of one sign: test that first
                definite = index is not None and index.zero == 0 and index.negative in (0, n)
            if K.injective or definite:
                # at most one critical point: look for it from the Newton step c - Y grad(c)
                step = (K.Y * at_c.gradient).entries()
                start = [ci - dyadic(si) for ci, si in zip(centre(box), step)]
                if definite and not all(lo <= xi <= hi for xi, (lo, hi) in zip(start, box)):
                    start = None  # the Newton step leaves the box: not worth Newton's iterations
                if K.injective or start is not None:
                    self.inflate(box, start)
                r = self.covering(box)
                if r is not None:
                    self.record(box, ("unique", r))
                    return []
                if definite:
                    r = next((r for r, R in enumerate(self.regions) if inside(R.verified, box)), None)
                    if r is not None:
                        self.record(box, ("single", r))
                        return []
            shrunk = self.shrink(box, K)
            if width(shrunk) <= width(box) * 3 / 4:
                return [(shrunk, (box, H, K.Y), 0.0)]
        widths = [hi - lo for lo, hi in box]
        # split where the gradient enclosure spreads most: w_j max_i |H_ij| (the "smear")
        smear = [float(widths[j]) * max(H[i, j].abs_upper() for i in range(n)) for j in range(n)]
        k = max(range(n), key=lambda j: (smear[j], widths[j]))
        if widths[k] < self.min_width:
            k = max(range(n), key=lambda j: widths[j])
        if widths[k] < self.min_width:
            # a nearby point whose index was not decided explains the box better than its width
            why = [reason for region, reason in self.failed if not disjoint(region, box)]
            reason = (
                why[0] if why else "minimum width reached: a degenerate critical point or a curve of them?"
            )
            self.record(box, ("unresolved", reason))
            return []
        mid = centre(box)[k]
        left, right = list(box), list(box)
        left[k], right[k] = (box[k][0], mid), (mid, box[k][1])
        # children whose parent's gradient came nearer to excluding 0 are examined first
        grad = over.gradient.entries()
        priority = min(float(g.rad()) / (1e-300 + float(abs(g.mid()))) for g in grad)
        inherited = (box, H, K.Y if K is not None else None)
        return [(tuple(left), inherited, priority), (tuple(right), inherited, priority)]

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
                        slab = tuple(rest[:i] + [piece] + rest[i + 1 :])
                        self.record(slab, ("excluded", i, (box, K.Y, None), None))
                rest[i] = (slo, shi)
        return shrunk

    def run(
        self,
        boxes: list[Box],
        min_width: fmpq,
        max_unresolved: int,
        progress: Callable[[float], None] | None = None,
    ) -> int:
        """Best-first search; on timeout or after ``max_unresolved`` new unresolved boxes the rest is
        unresolved.  Returns the number of unresolved leaves it made.

        Boxes whose parent's gradient enclosure came nearest to excluding 0
        go first, so that a time limit leaves the hardest regions undecided.
        """
        self.min_width = min_width
        order = itertools.count()
        heap = [(0.0, next(order), b, None) for b in boxes]
        made, due = 0, time.monotonic() + 0.25
        while heap:
            try:
                self.deadline.check("critical-point search")
            except TimeLimitReached as exc:
                for _, _, b, _ in heap:
                    self.record(b, ("unresolved", f"not examined: {exc}"))
                return made + len(heap)
            if made >= max_unresolved:
                reason = f"not examined: the search stopped at {max_unresolved} unresolved boxes"
                for _, _, b, _ in heap:
                    self.record(b, ("unresolved", reason))
                return made + len(heap)
            _, _, box, parent = heapq.heappop(heap)
            before = len(self.leaves)
            for child, inherited, priority in self.step(box, parent):
                heapq.heappush(heap, (priority, next(order), child, inherited))
            if len(self.leaves) > before and next(reversed(self.leaves.values()))[0] == "unresolved":
                made += 1
            if progress is not None and time.monotonic() >= due:
                progress(self.resolved / self.volume)
                due = time.monotonic() + 0.25
        return made

    def refine(self, group: list[Box], min_width: fmpq, allowed: int) -> bool:
        """Search the unresolved boxes of ``group`` again down to ``min_width``; keep the result only if
        it leaves at most ``allowed`` unresolved boxes and did not time out (else restore the group)."""
        saved = {b: self.forget(b) for b in group}
        mark = len(self.leaves)
        made = self.run(group, min_width, allowed + 1)
        new = list(self.leaves)[mark:]
        stopped = any(
            self.leaves[b][0] == "unresolved" and self.leaves[b][1].startswith("not examined") for b in new
        )
        if made <= allowed and not stopped:
            return True
        for b in new:
            self.forget(b)
        for b, claim in saved.items():
            self.record(b, claim)
        return False


def validated_critical_points(
    net: Network,
    box: object = None,
    *,
    min_width: object = None,
    time_limit: float | None = None,
    max_unresolved: int = 1000,
    progress: Callable[[float], None] | None = None,
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
        box; then, in rounds each 8 times finer down to 2^-24 of it, every
        group of touching unresolved boxes is searched again if it has at
        most 256 boxes (an isolated, nearly degenerate point) or if the finer
        search does not leave more unresolved boxes than the group had (a
        thin valley); otherwise (a curve of critical points) it is kept.
    time_limit : float, optional
        CPU seconds; when they run out the remaining boxes are unresolved
        (``resolved`` of the result says which fraction of the volume was decided).
    max_unresolved : int
        Stop (leaving the remaining boxes unresolved) once this many boxes
        are unresolved: a curve of critical points would otherwise be covered
        by ever more minimum-width boxes.
    progress : callable, optional
        Called now and then with the fraction of the box's volume decided so far.

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
    if n >= 2 and net.widths is not None and len(net.widths) > 2 and net.widths[1] == 1:
        reduced = _through_bottleneck(net, search, min_width, time_limit, max_unresolved, progress, start)
        if reduced is not None:
            return reduced
    fine = (
        width(search) * FINE_MIN_WIDTH if min_width is None else to_fmpq(to_rational(min_width, "min_width"))
    )
    if fine <= 0:
        raise InputError("min_width must be positive")
    coarse = max(fine, width(search) * COARSE_MIN_WIDTH)
    with ctx.workprec(53):
        run = _Search(net, n, Deadline(time_limit), _volume(search))
        run.run([search], coarse, max_unresolved, progress)
        current = coarse
        while fine < current and not run.deadline.expired():
            # rounds of refinement, each 8 times finer: a group of touching unresolved boxes is refined
            # if it stays small (an isolated, nearly degenerate point) or does not grow (a thin valley);
            # a growing large group is a curve of critical points, or a valley too long to resolve
            current = max(fine, current / 8)
            pending = [b for b, reason in run.unresolved if not reason.startswith("not examined")]
            total, changed = len(run.unresolved), False
            for group in touching_groups(pending):
                allowed = max_unresolved - (total - len(group)) if len(group) <= REFINE_LIMIT else len(group)
                if allowed > 0 and run.refine(sorted(group), current, allowed):
                    changed = True
                    total = len(run.unresolved)
                if progress is not None:
                    progress(run.resolved / run.volume)
            if not changed:
                break
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
        resolved=1.0 if not unresolved else min(1.0, max(0.0, run.resolved / run.volume)),
        certificate=critical_certificate(net, search, run.regions, run.leaves),
    )


def _through_bottleneck(
    net: Network,
    search: Box,
    min_width: object,
    time_limit: float | None,
    max_unresolved: int,
    progress: Callable[[float], None] | None,
    start: float,
) -> CriticalPointsResult | None:
    """A first hidden layer of one unit: ``Phi(x) = g(a . x + beta)``, so the critical set in the box
    is the union of the level sets ``a . x + beta = t`` over the critical points t of g on the
    interval ``a . box + beta`` (``grad Phi = g'(a . x + beta) a`` with ``a != 0``).

    g (the network with the first layer replaced by the identity) is searched in one dimension;
    None (search the box instead) if ``a = 0``, if the network is not a layered MLP with one
    activation, or if the one-dimensional search is not complete.
    """
    groups = layers(net.graph)
    unit = groups[1][0]
    a = [to_fmpq(net.weight(u, unit)) for u in groups[0]]
    beta = to_fmpq(net.bias(unit))
    if all(ai == 0 for ai in a) or len(set(net.activations.values())) > 1:
        return None
    level = (
        beta + sum(min(ai * lo, ai * hi) for ai, (lo, hi) in zip(a, search)),
        beta + sum(max(ai * lo, ai * hi) for ai, (lo, hi) in zip(a, search)),
    )
    tail = [{"W": [[1]], "b": [0]}] + [
        {"W": [[net.weight(u, v) for u in prev] for v in cur], "b": [net.bias(v) for v in cur]}
        for prev, cur in zip(groups[1:], groups[2:])
    ]
    g = Network([1, *net.widths[1:]], net.activation.name, tail)
    inner = validated_critical_points(
        g,
        [level],
        min_width=min_width,
        time_limit=time_limit,
        max_unresolved=max_unresolved,
        progress=progress,
    )
    if not inner.complete or inner.certificate is None:
        return None
    n = len(a)
    curves = tuple(
        CriticalCurve(tuple(to_sympy(ai) for ai in a), to_sympy(beta), p.box[0], p.index, n - 1, p.status)
        for p in inner.points
    )
    certificate = critical_certificate(net, search, [], {search: ("curves",)})
    certificate["bottleneck"] = inner.certificate
    return CriticalPointsResult(
        net.describe(),
        net.activation.name,
        "validated",
        sympy_box(search),
        (),
        (),
        note="the first hidden layer has one unit: every critical point lies on a level set of it",
        boxes_examined=inner.boxes_examined,
        seconds=time.perf_counter() - start,
        resolved=1.0,
        certificate=certificate,
        curves=curves,
    )
