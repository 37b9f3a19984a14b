"""The proof behind a validated critical-point list, as a ``symmorse-critical/1`` certificate.

:func:`critical_certificate` writes what the branch-and-bound of
:mod:`symmorse.search.critical_validated` proved, so that the kernel
(:mod:`symmorse.kernel.critical`, ``symmorse check FILE``) can re-check it
without the search: the weights and the domain as exact rationals, the leaf
boxes (which tile the domain) each with its claim, and the Krawczyk boxes of
the points with their preconditioners Y (exact dyadic rationals) and Morse
indices.  The format is described in ``docs/critical-points.md``.  Nothing here
is checked; the kernel decides.
"""

from __future__ import annotations

from flint import arb_mat, fmpq

from ..exact.numbers import rational_string
from ..model.architecture import layers
from ..model.balls import dyadic
from ..model.network import Network
from .critical_boxes import Box

__all__ = ["FORMAT", "critical_certificate"]

FORMAT = "symmorse-critical/1"


def _q(q: fmpq) -> str:
    return str(q.p) if q.q == 1 else f"{q.p}/{q.q}"


def _box(box: Box) -> list[list[str]]:
    return [[_q(lo), _q(hi)] for lo, hi in box]


def _matrix(Y: arb_mat) -> list[list[str]]:
    return [[_q(dyadic(a)) for a in row] for row in Y.tolist()]


def critical_certificate(net: Network, domain: Box, regions: list, leaves: dict) -> dict | None:
    """The ``symmorse-critical/1`` certificate of a finished search (None unless ``net`` is a layered MLP).

    Parameters
    ----------
    net : Network
        The network searched (a layered MLP with one activation).
    domain : Box
        The search box.
    regions : list of :class:`~symmorse.search.critical_validated.Region`
        The Krawczyk boxes of the critical points.
    leaves : dict
        Each leaf box of the search with its claim (see ``_Search`` in
        :mod:`symmorse.search.critical_validated`).

    Examples
    --------
    >>> from symmorse.search.critical_validated import validated_critical_points
    >>> net = Network("1,2,1", "tanh", [{"W": [[1], [1]], "b": [0, -1]}, {"W": [[1, -1]], "b": [0]}])
    >>> cert = validated_critical_points(net, [(-3, 3)]).certificate
    >>> cert["format"], cert["complete"], [p["index"] for p in cert["points"]]
    ('symmorse-critical/1', True, [1])
    """
    if net.widths is None or len(set(net.activations.values())) > 1:
        return None
    groups = layers(net.graph)
    weights = [
        {
            "W": [[rational_string(net.weight(u, v)) for u in prev] for v in cur],
            "b": [rational_string(net.bias(v)) for v in cur],
        }
        for prev, cur in zip(groups, groups[1:])
    ]
    points = [
        {
            "box": _box(R.box),
            "Y": _matrix(R.Y),
            "inner": _box(R.verified),
            "Y_inner": _matrix(R.Y_verified),
            "index": R.index,
            "same_as": R.same_as,
        }
        for R in regions
    ]
    claims = []
    for box, claim in leaves.items():
        entry: dict = {"box": _box(box), "kind": claim[0]}
        if claim[0] == "excluded":
            _, entry["coordinate"], krawczyk, hessian_box = claim
            if hessian_box is not None:
                entry["hessian_box"] = _box(hessian_box)
            if krawczyk is not None:
                P, Y, Q = krawczyk
                entry["krawczyk"] = {"box": _box(P), "Y": _matrix(Y)}
                if Q is not None:
                    entry["krawczyk"]["hessian_box"] = _box(Q)
        elif claim[0] == "curves":
            pass  # the critical set is read from the certificate's "bottleneck"
        elif claim[0] in ("unique", "single"):
            entry["point"] = claim[1]
        else:
            entry["reason"] = claim[1]
        claims.append(entry)
    return {
        "format": FORMAT,
        "architecture": {"widths": net.widths},
        "activation": net.activation.name,
        "layers": weights,
        "domain": _box(domain),
        "points": points,
        "leaves": claims,
        "complete": all(claim[0] != "unresolved" for claim in leaves.values()),
    }
