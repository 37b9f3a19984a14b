"""Which architecture classes can represent a target f, by its critical points (DESIGN section 5).

Every class (MLP non-augmented / augmented / bottleneck, neural ODE
non-augmented / augmented / degenerate) is ``excluded``, ``null-set-only`` or
``possible`` for each kind of critical point f has (none, Morse, isolated
degenerate, a manifold, everywhere), with the reason; :func:`representability`
combines them over the critical points of
:func:`~symmorse.search.embedding_target.target_critical_points`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .embedding_target import TargetAnalysis, TargetCriticalPoint

__all__ = ["CLASSES", "ClassVerdict", "representability"]

#: The architecture classes of the representability table, in output order.
CLASSES = (
    "mlp-non-augmented",
    "mlp-augmented",
    "mlp-bottleneck",
    "node-non-augmented",
    "node-augmented",
    "node-degenerate",
)


_ORDER = {"excluded": 0, "null-set-only": 1, "possible": 2}

# status and reason of each class for each kind of critical point (n >= 2)
_TABLE = {
    "none": {
        c: ("possible", "f has no critical point, and weights without critical points exist in this class")
        for c in CLASSES
    },
    "morse": {
        "mlp-non-augmented": (
            "excluded",
            "a non-augmented MLP has no critical point for full-rank weights, and "
            "rank-deficient weights factor Phi through fewer than n values, so every critical "
            "point is degenerate: a Morse critical point never occurs",
        ),
        "node-non-augmented": (
            "excluded",
            "m <= n: rank W = m gives no critical point, rank W < m makes Phi "
            "constant along ker W: a Morse critical point never occurs",
        ),
        "mlp-augmented": ("possible", "augmented MLPs have Morse critical points for an open set of weights"),
        "node-augmented": (
            "possible",
            "m > n: Morse critical points for an open set of weights (and the shear "
            "construction represents f exactly)",
        ),
        "mlp-bottleneck": (
            "possible",
            "a bottleneck architecture with a widening step from width n (e.g. "
            "n, n+1, n-1, n, 1) has a Morse branch",
        ),
        "node-degenerate": (
            "excluded",
            "rank W < n makes Phi constant along ker W, so every critical point is degenerate",
        ),
    },
    "isolated-degenerate": {
        "mlp-non-augmented": (
            "excluded",
            "its critical points exist only for rank-deficient weights and then "
            "fill fibres of dimension >= 1: none is isolated",
        ),
        "node-non-augmented": (
            "excluded",
            "its critical points exist only for rank W < m and then fill affine "
            "subspaces x + ker W: none is isolated",
        ),
        "mlp-augmented": (
            "null-set-only",
            "Phi is Morse for almost every weight, so an isolated degenerate "
            "critical point needs weights in a null set",
        ),
        "node-augmented": (
            "null-set-only",
            "with rank W = n < m, d(grad Phi)/dW~ = W^T Dphi_T^T maps onto R^n, so by parametric "
            "transversality Phi is Morse for almost every W~, whatever the field: a degenerate critical "
            "point needs a null set of weights (the shear construction uses W = [I; 0], W~ = e_(n+1))",
        ),
        "mlp-bottleneck": (
            "null-set-only",
            "critical points on degenerate branches come in manifolds of "
            "dimension >= 1; isolated ones lie on Morse branches, degenerate only on a null set",
        ),
        "node-degenerate": (
            "excluded",
            "critical points fill affine subspaces x + ker W of dimension >= 1: none is isolated",
        ),
    },
    "manifold": {
        "mlp-non-augmented": ("null-set-only", "critical manifolds occur only for rank-deficient weights"),
        "node-non-augmented": ("null-set-only", "critical manifolds occur only for rank W < m, a null set"),
        "mlp-augmented": (
            "null-set-only",
            "non-isolated critical points are degenerate; without a bottleneck Phi is Morse for almost "
            "every weight",
        ),
        "node-augmented": (
            "null-set-only",
            "non-isolated critical points are degenerate, and Phi is Morse for almost every W~ "
            "(transversality: d(grad Phi)/dW~ = W^T Dphi_T^T is onto)",
        ),
        "mlp-bottleneck": (
            "possible",
            "degenerate branches give critical manifolds for an open set of weights",
        ),
        "node-degenerate": (
            "possible",
            "critical points fill affine subspaces x + ker W for an open set of the class's weights",
        ),
    },
    "everywhere": {
        c: ("null-set-only", "a constant Phi needs special weights (e.g. zero output weights)")
        for c in CLASSES
    },
}


def _feature(p: TargetCriticalPoint, n: int) -> str | None:
    if p.dimension == n:
        return "everywhere"
    if p.dimension > 0:
        return "manifold"
    if p.degenerate is None:
        return None
    return "isolated-degenerate" if p.degenerate else "morse"


def _entry(cls: str, feature: str, n: int) -> tuple[str, str]:
    if n == 1 and cls == "mlp-bottleneck":
        return "excluded", "with one input no bottleneck exists (every width is >= 1 = n)"
    if n == 1 and cls == "node-degenerate":
        if feature == "everywhere":
            return "possible", "with one input, rank W < 1 means W = 0 and Phi is constant"
        return "excluded", "with one input, rank W < 1 means W = 0: Phi is constant, f is not"
    return _TABLE[feature][cls]


@dataclass(frozen=True)
class ClassVerdict:
    """``excluded``, ``null-set-only``, ``possible`` or ``undecided``, with the reason."""

    status: str
    reason: str


def representability(analysis: TargetAnalysis) -> dict[str, ClassVerdict]:
    """Which architecture classes the critical points of f exclude, and why.

    ``possible`` means: not excluded by the critical-point argument for a
    non-null set of the class's weights (it does not claim f is representable).
    Classes assume sigma' > 0 (MLPs) and full-rank generic weights, measured in
    each class's own weight space.  If the critical points are not proved
    complete, a status an unseen critical point could lower is ``undecided``.

    Examples
    --------
    >>> from symmorse.search.embedding_target import parse_target, target_critical_points
    >>> v = representability(target_critical_points(*parse_target("x**2 - y**2", "x,y")))
    >>> v["mlp-non-augmented"].status, v["node-augmented"].status
    ('excluded', 'possible')
    """
    n = len(analysis.variables)
    features = {_feature(p, n) for p in analysis.points} or ({"none"} if analysis.complete else set())
    undecided_points = None in features
    features.discard(None)
    verdicts = {}
    for cls in CLASSES:
        entries = [(_entry(cls, feat, n), feat) for feat in sorted(features)]
        if entries:
            status = min((e[0][0] for e in entries), key=_ORDER.__getitem__)
            reason = "; ".join(f"{feat}: {why}" for (st, why), feat in entries if st == status)
        else:
            status, reason = "possible", "no critical point found"
        worst = min(
            (_entry(cls, feat, n)[0] for feat in ("morse", "isolated-degenerate", "manifold")),
            key=_ORDER.__getitem__,
        )
        if (not analysis.complete or undecided_points) and status != worst and status != "excluded":
            why = (
                "the critical points are not proved complete"
                if not analysis.complete
                else "some critical point's type is undecided"
            )
            status, reason = "undecided", f"{why}; from the points found: {reason}"
        verdicts[cls] = ClassVerdict(status, reason)
    return verdicts
