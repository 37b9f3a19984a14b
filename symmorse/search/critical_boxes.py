"""Search boxes for critical points: read exactly, and the geometry of boxes with rational corners.

Both routes of :func:`symmorse.search.critical.critical_points` take a box
(:func:`parse_box`: one exact interval per input) and a network with every weight
(:func:`require_weights`).  A :data:`Box` is a tuple of ``(lo, hi)`` pairs of
python-flint rationals; the validated search splits, meets and compares them
exactly (:func:`inside`, :func:`disjoint`, :func:`meet`, :func:`centre`) and
groups the boxes it could not decide (:func:`touching_groups`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy
from flint import arb, fmpq

from ..exact.errors import InputError, WeightsError
from ..exact.numbers import to_fmpq, to_rational, to_sympy
from ..model.balls import dyadic
from ..model.network import Network

__all__ = [
    "Box",
    "DEFAULT_BOX",
    "parse_box",
    "require_weights",
    "sympy_box",
    "inside",
    "disjoint",
    "width",
    "centre",
    "meet",
    "touching_groups",
]

#: A box: one ``(lo, hi)`` pair of exact rationals per input.
Box = tuple[tuple[fmpq, fmpq], ...]
#: Search box per axis when none is given (validated route).
DEFAULT_BOX = (-5, 5)


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


def sympy_box(box: Box) -> tuple[tuple[sympy.Rational, sympy.Rational], ...]:
    """The box with SymPy rational bounds.

    Examples
    --------
    >>> sympy_box(((fmpq(-1, 2), fmpq(3)),))
    ((-1/2, 3),)
    """
    return tuple((to_sympy(lo), to_sympy(hi)) for lo, hi in box)


def inside(a: Box, b: Box) -> bool:
    """Whether the box ``a`` lies in the box ``b`` (closed boxes).

    Examples
    --------
    >>> a, b = ((fmpq(0), fmpq(1)),), ((fmpq(-1), fmpq(1)),)
    >>> inside(a, b), inside(b, a)
    (True, False)
    """
    return all(blo <= alo and ahi <= bhi for (alo, ahi), (blo, bhi) in zip(a, b))


def disjoint(a: Box, b: Box) -> bool:
    """Whether the closed boxes ``a`` and ``b`` do not meet.

    Examples
    --------
    >>> a, b, c = ((fmpq(0), fmpq(1)),), ((fmpq(1), fmpq(2)),), ((fmpq(5), fmpq(6)),)
    >>> disjoint(a, b), disjoint(a, c)
    (False, True)
    """
    return any(ahi < blo or bhi < alo for (alo, ahi), (blo, bhi) in zip(a, b))


def width(box: Box) -> fmpq:
    """The widest side of the box.

    Examples
    --------
    >>> width(((fmpq(0), fmpq(1)), (fmpq(0), fmpq(1, 4))))
    1
    """
    return max(hi - lo for lo, hi in box)


def centre(box: Box) -> list[fmpq]:
    """A point strictly inside the box near its middle: dyadic (exact in arb) when possible.

    The mean-value and Krawczyk forms need the centre to lie in the box; a
    rounded midpoint that falls outside is replaced by the exact midpoint.

    Examples
    --------
    >>> centre(((fmpq(0), fmpq(1)), (fmpq(0), fmpq(1, 3))))
    [1/2, 6004799503160661/36028797018963968]
    """
    point = []
    for lo, hi in box:
        mid = (lo + hi) / 2
        rounded = dyadic(arb(mid))
        point.append(rounded if lo < rounded < hi else mid)
    return point


def meet(a: Box, b: Sequence[tuple[fmpq, fmpq]]) -> Box | None:
    """The intersection of two boxes, or None if it is empty.

    Examples
    --------
    >>> meet(((fmpq(0), fmpq(2)),), ((fmpq(1), fmpq(3)),)), meet(((fmpq(0), fmpq(1)),), ((fmpq(2), fmpq(3)),))
    (((1, 2),), None)
    """
    common = tuple((max(alo, blo), min(ahi, bhi)) for (alo, ahi), (blo, bhi) in zip(a, b))
    return None if any(lo > hi for lo, hi in common) else common


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
            if not disjoint(a, b):
                parent[root(j)] = root(i)
    groups: dict[int, list[Box]] = {}
    for i, box in enumerate(order):
        groups.setdefault(root(i), []).append(box)
    return list(groups.values())


def require_weights(net: Network) -> None:
    """Raise :class:`~symmorse.exact.errors.WeightsError` unless every weight of ``net`` has a value.

    Examples
    --------
    >>> require_weights(Network("1,1,1", "tanh"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.WeightsError: critical points need every weight; no value for ...
    """
    missing = net.free_parameters
    if missing:
        names = ", ".join(s.name for s in missing[:6])
        raise WeightsError(f"critical points need every weight; no value for {names}")
