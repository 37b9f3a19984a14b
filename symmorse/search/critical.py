"""Critical points of a concrete network: exact algebraic ones, or certified boxes.

:func:`critical_points` answers, for a network with given weights, where its
critical points are, their Morse indices, whether they are non-degenerate, and
whether the list is complete.  Two routes (DESIGN section 4):

* **exact** (polynomial activations, input width <= 3; here): every real
  critical point as an exact real algebraic number with its exact Morse index
  (:mod:`symmorse.search.algebraic`);
* **validated** (any activation with ball arithmetic, e.g. tanh, sigmoid,
  softplus, arctan): branch-and-bound over a box in ball arithmetic, each point
  certified by Krawczyk's test (:mod:`symmorse.search.critical_validated`).

Both answer with a :class:`~symmorse.search.critical_results.CriticalPointsResult`
(:mod:`symmorse.search.critical_results`) and take their box from
:func:`~symmorse.search.critical_boxes.parse_box` (:mod:`symmorse.search.critical_boxes`);
the names of those modules are importable from here too.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..exact.errors import ActivationError, InputError
from ..exact.limits import Deadline, TimeLimitReached
from ..model.network import Network
from .algebraic import AlgebraicCriticalSet, algebraic_critical_points
from .critical_boxes import DEFAULT_BOX, parse_box, require_weights, sympy_box, touching_groups
from .critical_results import CriticalPoint, CriticalPointsResult, UnresolvedBox, decimal_string
from .critical_validated import validated_critical_points

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

#: Largest input width of the exact (algebraic) route.
MAX_EXACT_INPUTS = 3


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
    require_weights(net)
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
        unresolved = (UnresolvedBox(None if search is None else sympy_box(search), found.unresolved),)
    points = tuple(
        CriticalPoint(
            sympy_box(p.box),
            tuple(decimal_string((lo + hi) / 2) for lo, hi in p.box),
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
        None if search is None else sympy_box(search),
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
    progress: Callable[[float], None] | None = None,
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
    min_width, time_limit, progress
        See :func:`validated_critical_points` (``progress``: validated route only).

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
    return validated_critical_points(net, box, min_width=min_width, time_limit=time_limit, progress=progress)
