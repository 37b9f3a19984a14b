"""Critical points of a concrete network: exact algebraic ones, or certified boxes.

:func:`critical_points` answers, for a network with given weights, where its
critical points are, their Morse indices, whether they are non-degenerate, and
whether the list is complete.  Two routes (DESIGN section 4):

* **exact** (polynomial activations, input width <= 3): every real critical
  point as an exact real algebraic number with its exact Morse index
  (:mod:`symmorse.search.algebraic`);
* **validated** (any activation with ball arithmetic, e.g. tanh, sigmoid,
  softplus, arctan): branch-and-bound over a box in python-flint ``arb``
  arithmetic.  A box is discarded when the enclosure of grad Phi (the
  intersection of the naive and the mean-value form) excludes 0; a critical
  point is certified when the Krawczyk operator maps a box into its interior
  (then the box holds exactly one critical point and every Hessian in it is
  invertible); its Morse index is read from ball enclosures of the
  coefficients of the Hessian's characteristic polynomial on a contracted box
  (Descartes' rule of signs is exact for symmetric matrices), which fixes the
  inertia of the true Hessian at the point.  Boxes that reach the
  minimum width undecided (degenerate points, curves of critical points) and
  boxes left when the time limit runs out are returned as *unresolved*, never
  dropped and never counted as points; the enumeration is complete exactly when
  no box is unresolved.

Points found near a box that was already bisected (a point on a bisection
line) are caught by a Newton step from the box centre and Krawczyk's test on a
small box around the Newton point ("epsilon-inflation").

References
----------
.. [1] R. Krawczyk. Newton-Algorithmen zur Bestimmung von Nullstellen mit
   Fehlerschranken. Computing 4 (1969).
.. [2] A. Neumaier. Interval Methods for Systems of Equations. CUP, 1990.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import mpmath
import sympy
from flint import arb, arb_mat, ctx, fmpq

from ..exact.errors import ActivationError, InputError, WeightsError
from ..exact.limits import Deadline, TimeLimitReached
from ..exact.linalg import inertia
from ..exact.numbers import rational_string, to_fmpq, to_rational, to_sympy
from ..model.balls import BallNetwork, ball_bounds, dyadic, interval_ball
from ..model.network import Network
from .algebraic import AlgebraicCriticalSet, algebraic_critical_points
from .krawczyk import Krawczyk, krawczyk
from .newton import BALL_MIDPOINTS, newton

__all__ = [
    "CriticalPoint",
    "UnresolvedBox",
    "CriticalPointsResult",
    "critical_points",
    "validated_critical_points",
    "exact_critical_points",
    "parse_box",
    "touching_groups",
    "DEFAULT_BOX",
    "MAX_EXACT_INPUTS",
]

#: Search box per axis when none is given (validated route).
DEFAULT_BOX = (-5, 5)
#: Largest input width of the exact (algebraic) route.
MAX_EXACT_INPUTS = 3
#: Minimum box widths of the first pass and of the refinement, relative to the widest side of the box.
COARSE_MIN_WIDTH, FINE_MIN_WIDTH = fmpq(1, 2**10), fmpq(1, 2**24)
#: A group of touching unresolved boxes of the first pass is refined only if it has at most this
#: many boxes (an isolated, nearly degenerate point), not when it traces a curve of critical points.
REFINE_LIMIT = 256

Box = tuple[tuple[fmpq, fmpq], ...]
FORMAT = "symmorse-critical-points/1"


# -- results --------------------------------------------------------------------------


def _q(value: object) -> sympy.Rational:
    return to_sympy(value) if isinstance(value, fmpq) else to_rational(value)


def _box_json(box: Sequence[tuple[object, object]]) -> list[list[str]]:
    return [[rational_string(_q(lo)), rational_string(_q(hi))] for lo, hi in box]


def _box_from_json(data: object, what: str) -> tuple[tuple[sympy.Rational, sympy.Rational], ...]:
    if not isinstance(data, list) or any(not isinstance(s, list) or len(s) != 2 for s in data):
        raise InputError(f"{what}: a box must be a list of [lo, hi] pairs")
    return tuple((to_rational(lo, what), to_rational(hi, what)) for lo, hi in data)


def _upper_decimal(q: object) -> str:
    """A short decimal >= q >= 0 (two significant digits, rounded up): an honest bound.

    Examples
    --------
    >>> _upper_decimal(sympy.Rational(1, 3)), _upper_decimal(sympy.Rational(3, 2**60)), _upper_decimal(0)
    ('0.34', '2.7e-18', '0')
    """
    q = _q(q)
    if q <= 0:
        return "0"
    exponent = sympy.floor(sympy.log(q, 10)) - 1  # exact: floor of a log of a rational
    mantissa = sympy.ceiling(q / sympy.Integer(10) ** exponent)  # 10 <= mantissa <= 100
    value = Decimal(int(mantissa)).scaleb(int(exponent)).normalize()
    return format(value, "f") if -4 <= exponent <= 4 else format(value, "e")


def _decimal(q: object, digits: int = 17) -> str:
    q = _q(q)
    with mpmath.workdps(digits + 5):
        return mpmath.nstr(mpmath.mpf(q.p) / q.q, digits)


@dataclass(frozen=True)
class CriticalPoint:
    """One critical point: a box that contains it (and no other), its index and status.

    Attributes
    ----------
    box : tuple of (lo, hi) exact rationals
        Validated route: the only critical point in the search that lies in
        this box.  Exact route: an enclosure of the algebraic point.
    center : tuple of str
        Decimal approximation (the box centre; for exact points, the point).
    index : int
        Morse index: the number of negative eigenvalues of Hess Phi.
    status : str
        ``"unique"`` (validated, non-degenerate, inside the search box),
        ``"boundary"`` (validated, but its box meets the search box boundary,
        so it may lie just outside), ``"exact"`` (algebraic, non-degenerate) or
        ``"degenerate"`` (algebraic, det Hess Phi = 0; see ``nullity``).
    nullity : int
        Number of zero eigenvalues of Hess Phi (0 unless degenerate).
    algebraic : dict or None
        Exact route: ``y`` is the only root of ``polynomial`` (coefficients,
        constant first) in ``interval`` and ``x_i = coordinates[i](y)``.
    """

    box: tuple[tuple[sympy.Rational, sympy.Rational], ...]
    center: tuple[str, ...]
    index: int
    status: str
    nullity: int = 0
    algebraic: dict | None = None

    def to_json(self) -> dict:
        data = {"center": list(self.center), "index": self.index, "status": self.status}
        data.update({"nullity": self.nullity, "box": _box_json(self.box)})
        if self.algebraic is not None:
            data["algebraic"] = self.algebraic
        return data

    @classmethod
    def from_json(cls, data: dict) -> CriticalPoint:
        try:
            return cls(
                _box_from_json(data["box"], "critical point"),
                tuple(str(c) for c in data["center"]),
                int(data["index"]),
                str(data["status"]),
                int(data.get("nullity", 0)),
                data.get("algebraic"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"malformed critical point {data!r}: {exc}") from None


@dataclass(frozen=True)
class UnresolvedBox:
    """A box (None: all of R^n) that may contain critical points the method could not decide."""

    box: tuple[tuple[sympy.Rational, sympy.Rational], ...] | None
    reason: str

    def to_json(self) -> dict:
        return {"box": None if self.box is None else _box_json(self.box), "reason": self.reason}

    @classmethod
    def from_json(cls, data: dict) -> UnresolvedBox:
        if not isinstance(data, dict) or "box" not in data:
            raise InputError(f"malformed unresolved box {data!r}")
        box = None if data["box"] is None else _box_from_json(data["box"], "unresolved box")
        return cls(box, str(data.get("reason", "")))


@dataclass(frozen=True)
class CriticalPointsResult:
    """All critical points of a network in a box, and whether the list is complete.

    ``complete`` is true exactly when no box is unresolved: then every critical
    point in ``box`` (all of R^n when ``box`` is None) is in ``points``.
    """

    architecture: str
    activation: str
    method: str
    box: tuple[tuple[sympy.Rational, sympy.Rational], ...] | None
    points: tuple[CriticalPoint, ...]
    unresolved: tuple[UnresolvedBox, ...]
    note: str = ""
    boxes_examined: int = 0
    seconds: float = field(default=0.0, compare=False)

    @property
    def complete(self) -> bool:
        """Whether every critical point in the box is listed."""
        return not self.unresolved

    def count_by_index(self) -> dict[int, int]:
        """Number of certified points of each Morse index."""
        counts: dict[int, int] = {}
        for p in self.points:
            counts[p.index] = counts.get(p.index, 0) + 1
        return dict(sorted(counts.items()))

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "architecture": self.architecture,
            "activation": self.activation,
            "method": self.method,
            "box": None if self.box is None else _box_json(self.box),
            "points": [p.to_json() for p in self.points],
            "unresolved": [u.to_json() for u in self.unresolved],
            "complete": self.complete,
            "note": self.note,
            "boxes_examined": self.boxes_examined,
            "seconds": round(self.seconds, 3),
        }

    @classmethod
    def from_json(cls, data: object) -> CriticalPointsResult:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InputError(f"not a {FORMAT} document")
        try:
            result = cls(
                str(data["architecture"]),
                str(data["activation"]),
                str(data["method"]),
                None if data["box"] is None else _box_from_json(data["box"], "search box"),
                tuple(CriticalPoint.from_json(p) for p in data["points"]),
                tuple(UnresolvedBox.from_json(u) for u in data["unresolved"]),
                str(data.get("note", "")),
                int(data.get("boxes_examined", 0)),
                float(data.get("seconds", 0.0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"malformed {FORMAT} document: {exc}") from None
        if result.complete != data["complete"]:
            raise InputError(f"{FORMAT} document: 'complete' contradicts the unresolved boxes")
        return result

    def summary(self, max_unresolved: int = 10) -> str:
        """A plain-text table of the points and a completeness line.

        Examples
        --------
        >>> net = Network("1,1,1", "tanh", [{"W": [[1]], "b": [0]}, {"W": [[1]], "b": [0]}])
        >>> print(critical_points(net, [(-1, 1)]).summary())  # doctest: +ELLIPSIS
        Critical points of 1,1,1 (tanh) in [-1, 1], validated route
        none
        complete: every critical point in the box is listed (... boxes examined)
        """
        box = "R^n" if self.box is None else " x ".join(f"[{lo}, {hi}]" for lo, hi in self.box)
        lines = [f"Critical points of {self.architecture} ({self.activation}) in {box}, {self.method} route"]
        if self.points:
            header = f"{'#':>3}  {'index':>5}  {'status':<10}  centre"
            lines += [header] + [
                f"{k:>3}  {p.index:>5}  {p.status:<10}  ({', '.join(p.center)})"
                + f"\n{'':>24}in a box of widths <= ({', '.join(_upper_decimal(b - a) for a, b in p.box)})"
                for k, p in enumerate(self.points, start=1)
            ]
            counts = ", ".join(f"{n} of index {i}" for i, n in self.count_by_index().items())
            lines.append(f"{len(self.points)} critical point{'s' * (len(self.points) != 1)}: {counts}")
        else:
            lines.append("none")
        for u in self.unresolved[:max_unresolved]:
            box_text = (
                "R^n"
                if u.box is None
                else " x ".join(f"[{_decimal(lo, 8)}, {_decimal(hi, 8)}]" for lo, hi in u.box)
            )
            lines.append(f"unresolved {box_text}: {u.reason}")
        if len(self.unresolved) > max_unresolved:
            lines.append(
                f"... and {len(self.unresolved) - max_unresolved} more unresolved boxes (--json lists all)"
            )
        if self.note:
            lines.append(self.note)
        if self.complete:
            how = "exact" if self.method == "exact" else f"{self.boxes_examined} boxes examined"
            lines.append(f"complete: every critical point in the box is listed ({how})")
        else:
            lines.append(
                f"NOT complete: {len(self.unresolved)} unresolved box(es) may hold further critical points"
            )
        return "\n".join(lines)


# -- boxes --------------------------------------------------------------------------


def parse_box(spec: object, n: int) -> Box:
    """A search box from ``[(lo, hi)]`` (every axis) or one pair per axis.

    Pairs may be numbers or text ``"lo,hi"``; numbers are read exactly.

    Raises
    ------
    InputError
        For malformed pairs, empty or inverted intervals, or a wrong number of axes.

    Examples
    --------
    >>> parse_box(["-5,5"], 2)
    ((-5, 5), (-5, 5))
    >>> parse_box([(0, "1/2"), ("-1", 1)], 2)
    ((0, 1/2), (-1, 1))
    >>> parse_box(["3,1"], 1)
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.InputError: box for x1 is empty or inverted: [3, 1] (lo must be < hi)
    """
    if spec is None:
        spec = [DEFAULT_BOX]
    pairs = []
    for item in spec:
        if isinstance(item, str):
            parts = item.split(",")
            if len(parts) != 2:
                raise InputError(f"box {item!r}: expected LO,HI such as -5,5")
            item = parts
        if not isinstance(item, Sequence) or len(item) != 2:
            raise InputError(f"box {item!r}: expected a pair (lo, hi)")
        lo, hi = (to_fmpq(to_rational(t, "box bound")) for t in item)
        pairs.append((lo, hi))
    if len(pairs) == 1:
        pairs *= n
    if len(pairs) != n:
        raise InputError(
            f"the network has {n} input{'s' * (n != 1)} but the box gives {len(pairs)} intervals"
        )
    for i, (lo, hi) in enumerate(pairs, start=1):
        if not lo < hi:
            raise InputError(f"box for x{i} is empty or inverted: [{lo}, {hi}] (lo must be < hi)")
    return tuple(pairs)


def _sympy_box(box: Box) -> tuple[tuple[sympy.Rational, sympy.Rational], ...]:
    return tuple((_q(lo), _q(hi)) for lo, hi in box)


def _inside(a: Box, b: Box) -> bool:
    return all(blo <= alo and ahi <= bhi for (alo, ahi), (blo, bhi) in zip(a, b))


def _disjoint(a: Box, b: Box) -> bool:
    return any(ahi < blo or bhi < alo for (alo, ahi), (blo, bhi) in zip(a, b))


def _width(box: Box) -> fmpq:
    return max(hi - lo for lo, hi in box)


def _centre(box: Box) -> list[fmpq]:
    """A point strictly inside the box near its middle: dyadic (exact in arb) when possible.

    The mean-value and Krawczyk forms need the centre to lie in the box; a
    rounded midpoint that falls outside is replaced by the exact midpoint.
    """
    centre = []
    for lo, hi in box:
        mid = (lo + hi) / 2
        rounded = dyadic(arb(mid))
        centre.append(rounded if lo < rounded < hi else mid)
    return centre


def _meet_box(a: Box, b: Sequence[tuple[fmpq, fmpq]]) -> Box | None:
    """The intersection of two boxes, or None if it is empty."""
    meet = tuple((max(alo, blo), min(ahi, bhi)) for (alo, ahi), (blo, bhi) in zip(a, b))
    return None if any(lo > hi for lo, hi in meet) else meet


def touching_groups(boxes: Sequence[Box]) -> list[list[Box]]:
    """The boxes grouped into connected components of the relation "the closed boxes meet".

    A sweep along the first axis finds the meeting pairs; union-find joins them.

    Examples
    --------
    >>> q = fmpq
    >>> a, b, c = ((q(0), q(1)),), ((q(1), q(2)),), ((q(5), q(6)),)
    >>> touching_groups([c, a, b])
    [[((0, 1),), ((1, 2),)], [((5, 6),)]]
    """
    order = sorted(boxes)
    parent = list(range(len(order)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(order):
        for j in range(i + 1, len(order)):
            b = order[j]
            if b[0][0] > a[0][1]:
                break
            if not _disjoint(a, b):
                parent[root(j)] = root(i)
    groups: dict[int, list[Box]] = {}
    for i, box in enumerate(order):
        groups.setdefault(root(i), []).append(box)
    return list(groups.values())


def _excludes_zero(a: arb) -> bool:
    return a > 0 or a < 0


# -- validated route --------------------------------------------------------------------


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
        c = [arb(ci) for ci in _centre(box)]
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
                if _inside(small, box) and self.unique(small) is not None:
                    box = small
                    break
        for _ in range(30):
            smaller = self.unique(box)
            if smaller is None or _width(smaller) >= _width(box):
                break
            box = smaller
        return box

    def newton_point(self, box: Box) -> list[fmpq] | None:
        """A Newton approximation to a critical point near ``box``, an exact rational point (a guess only)."""
        reach = [(lo - (hi - lo), hi + (hi - lo)) for lo, hi in box]

        def evaluate(x: list[fmpq]) -> tuple[list[arb], list[list[arb]]]:
            e = self.bn.enclose([arb(xi) for xi in x])
            return e.gradient, e.hessian

        def inside(x: list[fmpq]) -> bool:
            return all(lo <= xi <= hi for xi, (lo, hi) in zip(x, reach))

        return newton(evaluate, _centre(box), fmpq(1, 2**40), 12, inside, BALL_MIDPOINTS)

    def certify(self, region: Box) -> None:
        """Record the critical point that Krawczyk's test proved alone in ``region``.

        Only when that point is listed does ``region`` join the regions whose
        boxes need no further search; otherwise ``region`` is unresolved and
        stays searchable (a refinement pass may decide it).
        """
        tight = self.contract(region)
        for old in self.found:
            if _inside(tight, old.region) or _inside(old.tight, region):
                self.regions.append(region)  # the same point again
                return
            if not _disjoint(tight, old.tight):
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
        w = _width(box)
        for r in (w / 2, w / 64, fmpq(1, 2**30) * (1 + max(abs(xi) for xi in x))):
            candidate = tuple((xi - r, xi + r) for xi in x)
            if self.unique(candidate) is not None:
                self.certify(candidate)
                return

    def step(self, box: Box) -> list[Box]:
        """Decide one box: discard it, certify a point in it, shrink it or split it."""
        self.examined += 1
        if any(_inside(box, R) for R in self.regions):
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
            shrunk = _meet_box(
                box, [ball_bounds(k) if k.is_finite() else bounds for k, bounds in zip(K.image, box)]
            )
            if shrunk is None:
                return []  # no critical point in the box
            if K.injective:
                self.inflate(box)
                if any(_inside(box, R) for R in self.regions):
                    return []
            if _width(shrunk) <= _width(box) * 3 / 4:
                return [shrunk]
        widths = [hi - lo for lo, hi in box]
        k = max(range(n), key=lambda i: widths[i])
        if widths[k] < self.min_width:
            self.unresolved.append(
                (box, "minimum width reached: a degenerate critical point or a curve of them?")
            )
            return []
        mid = _centre(box)[k]
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
    >>> lo <= sympy.Rational(1, 2) <= hi, float(hi - lo) < 1e-14
    (True, True)
    """
    start = time.perf_counter()
    _check_weights(net)
    n = len(net.inputs)
    search = parse_box(box, n)
    fine = (
        _width(search) * FINE_MIN_WIDTH if min_width is None else to_fmpq(to_rational(min_width, "min_width"))
    )
    if fine <= 0:
        raise InputError("min_width must be positive")
    coarse = max(fine, _width(search) * COARSE_MIN_WIDTH)
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
        if _disjoint(f.tight, search):
            continue
        status = "unique" if _inside(f.tight, search) else "boundary"
        centre = [_decimal((lo + hi) / 2) for lo, hi in f.tight]
        points.append(CriticalPoint(_sympy_box(f.tight), tuple(centre), f.index, status))
    unresolved = [UnresolvedBox(_sympy_box(b), reason) for b, reason in sorted(run.unresolved)]
    return CriticalPointsResult(
        net.describe(),
        net.activation.name,
        "validated",
        _sympy_box(search),
        tuple(points),
        tuple(unresolved),
        boxes_examined=run.examined,
        seconds=time.perf_counter() - start,
    )


def _check_weights(net: Network) -> None:
    missing = net.free_parameters
    if missing:
        names = ", ".join(s.name for s in missing[:6])
        raise WeightsError(f"critical points need every weight; no value for {names}")


# -- exact route and dispatch -----------------------------------------------------------


def exact_critical_points(
    net: Network, box: object = None, *, time_limit: float | None = None
) -> CriticalPointsResult:
    """All real critical points as exact algebraic numbers (polynomial activations).

    See :func:`symmorse.search.algebraic.algebraic_critical_points` for the method.
    Without a box, every real critical point is listed.

    Examples
    --------
    ``Phi(x) = 3 sigma(x) + sigma(x - 1)`` with ``sigma(z) = z^3 - z`` has
    ``Phi'(x) = 12x^2 - 6x - 1``, with roots ``(3 -+ sqrt(21))/12``:

    >>> net = Network("1,2,1", "poly:z**3-z", [{"W": [[1], [1]], "b": [0, -1]}, {"W": [[3, 1]], "b": [0]}])
    >>> r = exact_critical_points(net)
    >>> [(p.center, p.index, p.status) for p in r.points]
    [(('-0.13188130791298667',), 1, 'exact'), (('0.63188130791298667',), 0, 'exact')]
    >>> r.points[0].algebraic["polynomial"], r.complete
    (['-1', '-6', '12'], True)
    """
    start = time.perf_counter()
    _check_weights(net)
    n = len(net.inputs)
    if not all(a.is_polynomial for a in net.activations.values()):
        raise ActivationError(
            f"the exact route needs a polynomial activation; the critical points of a {net.activation.name} "
            "network are in general not algebraic numbers: use the validated route"
        )
    if n > MAX_EXACT_INPUTS:
        raise InputError(
            f"the exact route handles input width <= {MAX_EXACT_INPUTS}, not {n}: use the validated route"
        )
    search = None if box is None else parse_box(box, n)
    try:
        found = algebraic_critical_points(net, search, Deadline(time_limit))
    except TimeLimitReached as exc:
        found = AlgebraicCriticalSet([], f"not decided: {exc}")
    unresolved = ()
    if found.unresolved:
        unresolved = (UnresolvedBox(None if search is None else _sympy_box(search), found.unresolved),)
    points = tuple(
        CriticalPoint(
            _sympy_box(p.box),
            tuple(_decimal((lo + hi) / 2) for lo, hi in p.box),
            p.index,
            "exact" if p.nullity == 0 else "degenerate",
            p.nullity,
            p.description,
        )
        for p in found.points
    )
    return CriticalPointsResult(
        net.describe(),
        net.activation.name,
        "exact",
        None if search is None else _sympy_box(search),
        points,
        unresolved,
        note=found.note,
        seconds=time.perf_counter() - start,
    )


def critical_points(
    net: Network,
    box: object = None,
    *,
    method: str = "auto",
    min_width: object = None,
    time_limit: float | None = None,
) -> CriticalPointsResult:
    """Every critical point of a concrete network in a box, with Morse index and completeness.

    Parameters
    ----------
    net : Network
        A network whose weights are all given.
    box : sequence of (lo, hi), optional
        See :func:`parse_box`.  The validated route searches ``[-5, 5]^n``
        without one; the exact route lists every real critical point.
    method : {"auto", "exact", "validated"}
        ``auto`` takes the exact route for polynomial activations with input
        width <= 2 and the validated route otherwise.
    min_width, time_limit
        See :func:`validated_critical_points`.

    Examples
    --------
    >>> net = Network("2,2,1", "tanh", [{"W": [[1, 0], [0, 1]], "b": [0, 0]}, {"W": [[1, 1]], "b": [0]}])
    >>> critical_points(net, ["-2,2"]).complete, critical_points(net, ["-2,2"]).points
    (True, ())
    """
    if method not in ("auto", "exact", "validated"):
        raise InputError(f"unknown method {method!r} (auto, exact or validated)")
    polynomial = all(a.is_polynomial for a in net.activations.values())
    if method == "exact" or (method == "auto" and polynomial and len(net.inputs) <= 2):
        return exact_critical_points(net, box, time_limit=time_limit)
    return validated_critical_points(net, box, min_width=min_width, time_limit=time_limit)
