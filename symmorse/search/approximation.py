"""Lower bounds on how well classes without critical points can approximate a target f.

If ``c`` lies inside a box ``B`` and ``f(c) < min f`` over the boundary ``dB``,
then every continuous ``g`` with ``sup_B |f - g| < delta = (min_dB f - f(c)) / 2``
takes its minimum over ``B`` inside ``B`` (``g(c) < f(c) + delta = min_dB f - delta
< g`` on ``dB``), so a differentiable ``g`` has a critical point there.  Classes
whose maps have no critical point for a dense set of weights -- non-augmented
MLPs (full-rank weights), non-augmented neural ODEs (rank W = m), any graph
architecture whose strata are all null or empty -- therefore satisfy
``sup_B |f - g| >= delta`` for *every* weight, because ``sup_B |f - g|`` is
continuous in the weights; so do maps constant along a line (rank-deficient
input weights, ``node-degenerate``), directly, since the line through ``c``
meets ``dB``.  Symmetrically for ``f(c) > max_dB f``.  ``docs/approximation.md``
has the argument in full.

:func:`approximation_bound` tries the box ``[lo, hi]^n`` and cubes inside it
around the extrema of f, with ``c`` at rational points, and certifies
``min_dB f`` from below (``max_dB f`` from above) by exact rational interval
arithmetic with branch and bound on every face: the bound it reports is exact
and proved, possibly below the best one by the remaining gap of the search.
Every box tried lies inside ``[lo, hi]^n``, so the bound holds for the sup over
``[lo, hi]^n``.  Only polynomial targets with rational coefficients get a bound.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import flint
import sympy

from ..exact.errors import InputError
from ..exact.numbers import rational_string, to_fmpq
from .embedding_target import TargetAnalysis

__all__ = ["APPROXIMATION_CLASSES", "ApproximationBound", "approximation_bound"]

#: The classes of :data:`~symmorse.search.embedding_classes.CLASSES` the bound applies to.
APPROXIMATION_CLASSES = ("mlp-non-augmented", "node-non-augmented", "node-degenerate")

_Box = tuple[tuple[flint.fmpq, flint.fmpq], ...]


@dataclass(frozen=True)
class ApproximationBound:
    """``sup_D |f - g| >= bound`` for every g of the classes, ``D = [lo, hi]^n``, proved on ``box``.

    ``kind`` is ``minimum`` (``f(point) < f`` on the boundary of ``box``) or
    ``maximum``; ``boundary`` is the certified lower bound of ``min f`` (upper
    bound of ``max f``) over the boundary of ``box``, and ``value`` is ``f(point)``
    or, rounded to 9 decimals, an upper bound of it (a lower bound for a maximum);
    ``bound = (boundary - value) / 2`` (``(value - boundary) / 2``).
    """

    bound: flint.fmpq
    domain: tuple[flint.fmpq, flint.fmpq]
    box: _Box
    point: tuple[flint.fmpq, ...]
    kind: str
    value: flint.fmpq
    boundary: flint.fmpq

    def to_json(self) -> dict:
        """JSON form: exact rationals as strings, and the classes the bound applies to.

        Examples
        --------
        >>> from symmorse.search.embedding_target import parse_target, target_critical_points
        >>> f, xs = parse_target("x**2", "x")
        >>> data = approximation_bound(f, xs, target_critical_points(f, xs)).to_json()
        >>> data["bound"], data["box"], data["point"], data["kind"]
        ('1/2', [['-1', '1']], ['0'], 'minimum')
        """
        return {
            "bound": rational_string(self.bound),
            "bound_decimal": _decimal(self.bound),
            "domain": [rational_string(self.domain[0]), rational_string(self.domain[1])],
            "box": [[rational_string(a), rational_string(b)] for a, b in self.box],
            "point": [rational_string(x) for x in self.point],
            "kind": self.kind,
            "value": rational_string(self.value),
            "boundary": rational_string(self.boundary),
            "classes": list(APPROXIMATION_CLASSES),
            "statement": self.statement(),
        }

    def statement(self, names: Sequence[str] | None = None) -> str:
        """The bound in words, with its reason.

        Examples
        --------
        >>> from symmorse.search.embedding_target import parse_target, target_critical_points
        >>> f, xs = parse_target("x**2", "x")
        >>> print(approximation_bound(f, xs, target_critical_points(f, xs)).statement())
        sup over [-1, 1]^1 of |f - g| >= 1/2 (0.5) for every g without critical points (and their limits): \
on the box [-1, 1], f <= 0 at (0) and f >= 1 on the boundary, so (1 - 0)/2
        """
        lo, hi = (rational_string(v) for v in self.domain)
        box = " x ".join(f"[{rational_string(a)}, {rational_string(b)}]" for a, b in self.box)
        point = ", ".join(rational_string(x) for x in self.point)
        rel, at = (">=", "<=") if self.kind == "minimum" else ("<=", ">=")
        value, edge = rational_string(self.value), rational_string(self.boundary)
        gap = f"({edge} - {value})/2" if self.kind == "minimum" else f"({value} - {edge})/2"
        return (
            f"sup over [{lo}, {hi}]^{len(self.box)} of |f - g| >= {rational_string(self.bound)} "
            f"({_decimal(self.bound)}) for every g without critical points (and their limits): on the box "
            f"{box}, f {at} {value} at ({point}) and f {rel} {edge} on the boundary, so {gap}"
        )


def _decimal(q: flint.fmpq, digits: int = 12) -> str:
    return sympy.Float(sympy.Rational(int(q.p), int(q.q)), digits).__str__().rstrip("0").rstrip(".") or "0"


def _terms(f: sympy.Expr, xs: Sequence[sympy.Symbol]) -> list[tuple[tuple[int, ...], flint.fmpq]]:
    poly = sympy.Poly(f, *xs, domain="QQ")
    return [(m, to_fmpq(c)) for m, c in poly.terms()]


def _power(a: flint.fmpq, b: flint.fmpq, e: int) -> tuple[flint.fmpq, flint.fmpq]:
    """The exact range of ``t**e`` for ``t`` in ``[a, b]``."""
    if e == 0:
        return flint.fmpq(1), flint.fmpq(1)
    pa, pb = a**e, b**e
    if e % 2 or a >= 0:
        return (pa, pb) if pa <= pb else (pb, pa)
    if b <= 0:
        return pb, pa
    return flint.fmpq(0), max(pa, pb)


def _range(terms, box: _Box) -> tuple[flint.fmpq, flint.fmpq]:
    """An exact rational enclosure of the polynomial over ``box`` (monomial by monomial)."""
    lo = hi = flint.fmpq(0)
    for monomial, coefficient in terms:
        mlo, mhi = flint.fmpq(1), flint.fmpq(1)
        for (a, b), e in zip(box, monomial):
            plo, phi = _power(a, b, e)
            products = (mlo * plo, mlo * phi, mhi * plo, mhi * phi)
            mlo, mhi = min(products), max(products)
        tlo, thi = sorted((coefficient * mlo, coefficient * mhi))
        lo, hi = lo + tlo, hi + thi
    return lo, hi


def _derivatives(terms, n: int) -> list[list[tuple[tuple[int, ...], flint.fmpq]]]:
    """The terms of the n partial derivatives."""
    return [
        [(m[:i] + (m[i] - 1,) + m[i + 1 :], c * m[i]) for m, c in terms if m[i] > 0] for i in range(n)
    ]


def _enclosure(poly, box: _Box) -> flint.fmpq:
    """A proved lower bound of the polynomial over ``box``: the better of the monomial-wise range and
    the mean-value form ``f(m) + sum_i df/dx_i(box) (x_i - m_i)`` (tight near a minimum)."""
    terms, derivatives = poly
    naive, _ = _range(terms, box)
    middle = [(a + b) / 2 for a, b in box]
    mean = _value(terms, middle)
    for derivative, (a, b), m in zip(derivatives, box, middle):
        if a == b or not derivative:
            continue
        dlo, dhi = _range(derivative, box)
        mean += min(dlo * (a - m), dlo * (b - m), dhi * (a - m), dhi * (b - m))
    return max(naive, mean)


def _value(terms, point: Sequence[flint.fmpq]) -> flint.fmpq:
    total = flint.fmpq(0)
    for monomial, coefficient in terms:
        term = coefficient
        for x, e in zip(point, monomial):
            term *= x**e
        total += term
    return total


def _boundary_minimum(terms, box: _Box, boxes: int, floor: flint.fmpq) -> flint.fmpq | None:
    """A proved lower bound of ``min f`` over the boundary of ``box``, rounded down to 9 decimals.

    Branch and bound over the 2n faces at once (one queue, so the splits go to
    the face with the lowest values), at most ``boxes`` splits per face, until
    the lowest enclosure is within 10^-6 of a value attained.  None as soon as
    a boundary value <= ``floor`` is found (then no bound above ``floor`` exists).
    """
    poly = (terms, _derivatives(terms, len(box)))
    faces = [box[:k] + ((end, end),) + box[k + 1 :] for k in range(len(box)) for end in box[k]]
    counter = itertools.count()
    queue = [(_enclosure(poly, face), next(counter), face) for face in faces]
    heapq.heapify(queue)
    best = min(_value(terms, [(a + b) / 2 for a, b in face]) for face in faces)
    for _ in range(boxes * len(faces)):
        if best <= floor:
            return None
        lower, _, current = queue[0]
        if best - lower <= (abs(best) + 1) / 10**6:
            break
        k = max(range(len(current)), key=lambda i: current[i][1] - current[i][0])
        a, b = current[k]
        if a == b:  # a point: its value is exact
            break
        heapq.heappop(queue)
        middle = (a + b) / 2
        for half in ((a, middle), (middle, b)):
            part = current[:k] + (half,) + current[k + 1 :]
            best = min(best, _value(terms, [(x + y) / 2 for x, y in part]))
            heapq.heappush(queue, (_enclosure(poly, part), next(counter), part))
    return _round(queue[0][0], down=True)


def _round(q: flint.fmpq, down: bool, places: int = 9) -> flint.fmpq:
    """``q`` itself if its denominator is at most 10^6, else rounded down (up) to ``places`` decimals."""
    if q.q <= 10**6:
        return q
    scaled = q * 10**places
    whole = scaled.floor() if down else scaled.ceil()
    return flint.fmpq(whole, 10**places)


def _rational_points(point: Sequence) -> list[tuple[flint.fmpq, ...]]:
    """Rational points at and near an (exact or numerical) point: itself if a simple rational, else
    approximations with denominators up to 10, 100, ..., 10**8 and the point itself (or 25 digits)."""
    try:
        values = [sympy.sympify(c) for c in point]
        if all(v.is_Rational and v.q <= 10**6 for v in values):
            return [tuple(to_fmpq(v) for v in values)]
        fine = [
            Fraction(int(v.p), int(v.q)) if v.is_Rational else Fraction(str(sympy.N(v, 25))) for v in values
        ]
    except (TypeError, ValueError, InputError, sympy.SympifyError):
        return []
    points = [tuple(flint.fmpq(q.numerator, q.denominator) for q in fine)]
    for k in range(8, 0, -1):
        near = (v.limit_denominator(10**k) for v in fine)
        points.insert(0, tuple(flint.fmpq(q.numerator, q.denominator) for q in near))
    return list(dict.fromkeys(points))


def approximation_bound(
    f: sympy.Expr,
    variables: Sequence[sympy.Symbol],
    analysis: TargetAnalysis | None = None,
    domain: tuple[object, object] = (-1, 1),
    boxes: int = 100,
) -> ApproximationBound | None:
    """The best proved lower bound on ``sup |f - g|`` over ``[lo, hi]^n`` for g without critical points.

    Parameters
    ----------
    f, variables
        The target (a polynomial with rational coefficients; otherwise None is returned).
    analysis : TargetAnalysis, optional
        Its critical points: the extrema (index 0 or n) give the centres of the
        cubes tried besides ``[lo, hi]^n`` itself (radius as large as fits, and
        half and a quarter of it).
    domain : (lo, hi)
        The box ``[lo, hi]^n`` (exact numbers, lo < hi).
    boxes : int
        Branch-and-bound splits per face (more: a bound closer to the best).

    Returns
    -------
    ApproximationBound or None
        None when no box tried has an interior point below (above) its whole
        boundary, e.g. for an f without interior extrema, or a non-polynomial f.

    Examples
    --------
    >>> from symmorse.search.embedding_target import parse_target, target_critical_points
    >>> f, xs = parse_target("x**2 + y**2", "x,y")
    >>> print(approximation_bound(f, xs, target_critical_points(f, xs)).bound)
    1/2
    >>> f, xs = parse_target("x**4 - x**2", "x")
    >>> b = approximation_bound(f, xs, target_critical_points(f, xs), domain=(-2, 2))
    >>> b.kind, b.point, b.value, b.boundary, b.to_json()["bound_decimal"]
    ('minimum', (-70/99,), -249999997/1000000000, 12, '6.1249999985')
    >>> approximation_bound(*parse_target("x + y", "x,y")) is None
    True
    """
    xs = list(variables)
    lo, hi = to_fmpq(domain[0]), to_fmpq(domain[1])
    if not lo < hi:
        raise InputError(f"the box [{domain[0]}, {domain[1]}] is empty: give LO < HI")
    try:
        if not all(c.is_Rational for c in sympy.Poly(f, *xs).coeffs()):
            return None
    except sympy.PolynomialError:
        return None
    terms = _terms(f, xs)
    n = len(xs)
    whole: _Box = ((lo, hi),) * n
    centres: list[tuple[tuple[flint.fmpq, ...], str]] = [(tuple((lo + hi) / 2 for _ in xs), "both")]
    for p in analysis.points if analysis else []:
        if not p.isolated or (p.degenerate is False and p.index not in (0, n)):
            continue  # a saddle is no extremum
        kind = {0: "minimum", n: "maximum"}.get(p.index, "both") if p.degenerate is False else "both"
        near = [q for q in _rational_points(p.point) if all(lo < x < hi for x in q)]
        if near:  # the simplest rational point whose value is within 10^-6 of the best one's
            values = [_round(_value(terms, q), down=kind == "maximum") for q in near]
            top = min(values) if kind != "maximum" else max(values)
            good = [q for q, v in zip(near, values) if abs(v - top) <= (abs(top) + 1) / 10**6]
            centres.append((good[0], kind))
    tried = [whole]
    for point, _ in centres[1:]:
        radius = min(min(x - lo, hi - x) for x in point)
        tried += [tuple((x - r, x + r) for x in point) for r in (radius, radius / 2, radius / 4)]
    negated = [(m, -c) for m, c in terms]
    best: ApproximationBound | None = None
    for box in dict.fromkeys(tried):
        inside = [(c, k) for c, k in centres if all(a < x < b for x, (a, b) in zip(c, box))]
        if not inside:
            continue
        values = {
            which: [(c, k, _round(_value(terms, c), down=which == "maximum")) for c, k in inside]
            for which in ("minimum", "maximum")
        }  # f(c) rounded up for a minimum, down for a maximum: still bounds
        lows = [v for _, k, v in values["minimum"] if k != "maximum"]
        highs = [v for _, k, v in values["maximum"] if k != "minimum"]
        low = _boundary_minimum(terms, box, boxes, min(lows)) if lows else None
        high = _boundary_minimum(negated, box, boxes, -max(highs)) if highs else None
        edges = {"minimum": low, "maximum": None if high is None else -high}
        for which, edge in edges.items():
            if edge is None:
                continue
            for point, kind, value in values[which]:
                gap = edge - value if which == "minimum" else value - edge
                if kind in (which, "both") and gap > 0 and (best is None or gap / 2 > best.bound):
                    best = ApproximationBound(gap / 2, (lo, hi), box, point, which, value, edge)
    return best
