"""The answer of the critical-point search: certified points, unresolved boxes, completeness.

Both routes of :func:`symmorse.search.critical.critical_points` answer with a
:class:`CriticalPointsResult` (format ``symmorse-critical-points/1``): the
:class:`CriticalPoint` list, each in a box of exact rationals with its Morse index
and status, the :class:`UnresolvedBox` list (regions the method could not decide),
and ``complete`` exactly when there are none.  It is written as JSON
(``to_json``/``from_json``) and as a text table (``summary``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import mpmath
import sympy
from flint import fmpq

from ..exact.errors import InputError
from ..exact.numbers import rational_string, to_rational, to_sympy

__all__ = [
    "FORMAT",
    "CriticalPoint",
    "CriticalCurve",
    "UnresolvedBox",
    "CriticalPointsResult",
    "decimal_string",
]

FORMAT = "symmorse-critical-points/1"


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


def decimal_string(q: object, digits: int = 17) -> str:
    """A decimal approximation of an exact rational, ``digits`` significant digits.

    Examples
    --------
    >>> decimal_string(fmpq(1, 3)), decimal_string(sympy.Rational(-5, 4), 8)
    ('0.33333333333333333', '-1.25')
    """
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
        """JSON-ready form: exact rational strings for the box, decimals for the centre.

        Examples
        --------
        >>> p = CriticalPoint(((sympy.Rational(-1, 8), sympy.Rational(1, 8)),), ("0",), 0, "unique")
        >>> p.to_json()
        {'center': ['0'], 'index': 0, 'status': 'unique', 'nullity': 0, 'box': [['-1/8', '1/8']]}
        >>> CriticalPoint.from_json(p.to_json()) == p
        True
        """
        data = {"center": list(self.center), "index": self.index, "status": self.status}
        data.update({"nullity": self.nullity, "box": _box_json(self.box)})
        if self.algebraic is not None:
            data["algebraic"] = self.algebraic
        return data

    @classmethod
    def from_json(cls, data: dict) -> CriticalPoint:
        """Read :meth:`to_json` back; :class:`~symmorse.exact.errors.InputError` if malformed."""
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
class CriticalCurve:
    """A level set ``a . x + beta = t`` of critical points (a line for two inputs), t in ``level``.

    A network whose first hidden layer has one unit is ``Phi(x) = g(a . x + beta)``;
    where ``g'(t) = 0`` the whole level set is critical, with Hessian
    ``g''(t) a a^T``: rank 1, Morse index 1 if ``g''(t) < 0`` and 0 if ``g''(t) > 0``,
    nullity n - 1.

    Examples
    --------
    >>> R = sympy.Rational
    >>> c = CriticalCurve((R(1), R(2)), R(3, 10), (R(1, 4), R(1, 2)), 0, 1, "unique")
    >>> c.equation
    'x1 + 2*x2 + 3/10 = t'
    >>> CriticalCurve.from_json(c.to_json()) == c
    True
    """

    normal: tuple[sympy.Rational, ...]
    offset: sympy.Rational
    level: tuple[sympy.Rational, sympy.Rational]
    index: int
    nullity: int
    status: str

    @property
    def equation(self) -> str:
        """The level set's equation, e.g. ``x1 + 2*x2 + 3/10 = t``."""
        x = sympy.symbols(f"x1:{len(self.normal) + 1}")
        return f"{sympy.sstr(sum(a * xi for a, xi in zip(self.normal, x)) + self.offset)} = t"

    def to_json(self) -> dict:
        """JSON-ready form (exact rational strings)."""
        return {
            "equation": self.equation,
            "normal": [rational_string(a) for a in self.normal],
            "offset": rational_string(self.offset),
            "level": _box_json([self.level])[0],
            "index": self.index,
            "nullity": self.nullity,
            "status": self.status,
        }

    @classmethod
    def from_json(cls, data: dict) -> CriticalCurve:
        """Read :meth:`to_json` back; :class:`~symmorse.exact.errors.InputError` if malformed."""
        try:
            return cls(
                tuple(to_rational(a, "curve") for a in data["normal"]),
                to_rational(data["offset"], "curve"),
                _box_from_json([data["level"]], "curve level")[0],
                int(data["index"]),
                int(data["nullity"]),
                str(data["status"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"malformed critical curve {data!r}: {exc}") from None


@dataclass(frozen=True)
class UnresolvedBox:
    """A box (None: all of R^n) that may contain critical points the method could not decide."""

    box: tuple[tuple[sympy.Rational, sympy.Rational], ...] | None
    reason: str

    def to_json(self) -> dict:
        """JSON-ready form.

        Examples
        --------
        >>> UnresolvedBox(None, "not decided").to_json()
        {'box': None, 'reason': 'not decided'}
        """
        return {"box": None if self.box is None else _box_json(self.box), "reason": self.reason}

    @classmethod
    def from_json(cls, data: dict) -> UnresolvedBox:
        """Read :meth:`to_json` back; :class:`~symmorse.exact.errors.InputError` if malformed."""
        if not isinstance(data, dict) or "box" not in data:
            raise InputError(f"malformed unresolved box {data!r}")
        box = None if data["box"] is None else _box_from_json(data["box"], "unresolved box")
        return cls(box, str(data.get("reason", "")))


@dataclass(frozen=True)
class CriticalPointsResult:
    """All critical points of a network in a box, and whether the list is complete.

    ``complete`` is true exactly when no box is unresolved: then every critical
    point in ``box`` (all of R^n when ``box`` is None) is in ``points``.

    Examples
    --------
    >>> from symmorse.model.network import Network
    >>> from symmorse.search.critical import critical_points
    >>> net = Network("1,2,1", "tanh", [{"W": [[1], [1]], "b": [0, -1]}, {"W": [[1, -1]], "b": [0]}])
    >>> r = critical_points(net, [(-3, 3)])
    >>> r.complete, r.count_by_index(), r.to_json()["format"]
    (True, {1: 1}, 'symmorse-critical-points/1')
    >>> CriticalPointsResult.from_json(r.to_json()) == r
    True
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
    #: The fraction of the box's volume outside the unresolved boxes (validated route; None otherwise).
    resolved: float | None = field(default=None, compare=False)
    #: Level sets of critical points (networks whose first hidden layer has one unit).
    curves: tuple[CriticalCurve, ...] = ()
    #: The ``symmorse-critical/1`` proof (validated route, layered MLPs), for ``symmorse check``.
    certificate: dict | None = field(default=None, compare=False, repr=False)

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
        """JSON-ready form (format ``symmorse-critical-points/1``, see ``docs/critical-points.md``)."""
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
            "resolved": self.resolved,
            "curves": [c.to_json() for c in self.curves],
        }

    @classmethod
    def from_json(cls, data: object) -> CriticalPointsResult:
        """Read :meth:`to_json` back; :class:`~symmorse.exact.errors.InputError` if malformed."""
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
                None if data.get("resolved") is None else float(data["resolved"]),
                tuple(CriticalCurve.from_json(c) for c in data.get("curves", [])),
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
        >>> from symmorse.model.network import Network
        >>> from symmorse.search.critical import critical_points
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
        elif not self.curves:
            lines.append("none")
        for c in self.curves:
            lo, hi = c.level
            lines.append(
                f"curve of critical points {c.equation}, t in [{decimal_string(lo)}, {decimal_string(hi)}] "
                f"(index {c.index}, nullity {c.nullity}, {c.status})"
            )
        for u in self.unresolved[:max_unresolved]:
            box_text = (
                "R^n"
                if u.box is None
                else " x ".join(f"[{decimal_string(lo, 8)}, {decimal_string(hi, 8)}]" for lo, hi in u.box)
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
            where = " (on the curves above)" if self.curves else ""
            lines.append(f"complete: every critical point in the box is listed{where} ({how})")
        else:
            share = "" if self.resolved is None else f" ({100 * self.resolved:.4g}% of the volume resolved)"
            lines.append(
                f"NOT complete: {len(self.unresolved)} unresolved box(es) may hold further critical points"
                + share
            )
        return "\n".join(lines)
