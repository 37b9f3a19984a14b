"""Universal embedding: which architecture classes can represent a target f exactly.

:func:`embed` puts three steps together (DESIGN section 5): the critical points
of f (:mod:`symmorse.search.embedding_target`), the classes they exclude
(:mod:`symmorse.search.embedding_classes`), and the augmented neural ODE with the
shear field ``h_{n+1}' = f(h_1..h_n)/T`` that represents f exactly, with ``Phi = f``
verified symbolically and a certificate for the kernel
(:mod:`symmorse.search.embedding_construction`).  The public names of those
modules are importable from here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy

from ..exact.numbers import rational_string
from .approximation import APPROXIMATION_CLASSES, ApproximationBound, approximation_bound
from .embedding_classes import CLASSES, ClassVerdict, representability
from .embedding_construction import Construction, shear_embedding
from .embedding_target import TargetAnalysis, TargetCriticalPoint, parse_target, target_critical_points

__all__ = [
    "CLASSES",
    "TargetCriticalPoint",
    "TargetAnalysis",
    "parse_target",
    "target_critical_points",
    "ClassVerdict",
    "representability",
    "Construction",
    "shear_embedding",
    "ApproximationBound",
    "approximation_bound",
    "Embedding",
    "embed",
    "embedding_text",
]


@dataclass(frozen=True)
class Embedding:
    """Critical points of f, the class table and the shear construction."""

    analysis: TargetAnalysis
    classes: dict[str, ClassVerdict]
    construction: Construction
    digits: int
    bound: ApproximationBound | None = None
    domain: tuple[str, str] = ("-1", "1")

    def to_json(self) -> dict:
        """JSON-ready form (see ``docs/neural-odes.md``).

        Examples
        --------
        >>> data = embed("x**2 - y**2", "x,y").to_json()
        >>> data["critical_points"][0]["index"], data["classes"]["node-augmented"]
        (1, 'possible')
        """
        c = self.construction
        return {
            "target": str(self.analysis.target),
            "variables": [x.name for x in self.analysis.variables],
            "critical_points": [p.to_json(self.digits) for p in self.analysis.points],
            "critical_points_complete": self.analysis.complete,
            "method": self.analysis.method,
            "classes": {k: v.status for k, v in self.classes.items()},
            "reasons": {k: v.reason for k, v in self.classes.items()},
            "construction": {
                "phase_dim": c.phase_dim,
                "verified": c.verified,
                "T": rational_string(c.node.T),
                "field": [str(e) for e in c.node.field],
                "flow": None if c.node.flow is None else [str(p) for p in c.node.flow.expressions],
                "weights": c.weights.to_json(),
                "reason": c.reason,
            },
            "approximation": self.bound.to_json() if self.bound else self._no_bound(),
        }

    def _no_bound(self) -> dict:
        """The JSON of a target without an approximation bound, with the reason."""
        lo, hi = self.domain
        return {
            "bound": None,
            "domain": [lo, hi],
            "classes": list(APPROXIMATION_CLASSES),
            "statement": _no_bound_reason(self.analysis, lo, hi),
        }


def _no_bound_reason(analysis: TargetAnalysis, lo: str, hi: str) -> str:
    """Why :func:`~symmorse.search.approximation.approximation_bound` gave no bound."""
    try:
        poly = sympy.Poly(analysis.target, *analysis.variables)
        polynomial = all(c.is_Rational for c in poly.coeffs())
    except sympy.PolynomialError:
        polynomial = False
    if not polynomial:
        return "not computed: approximation bounds need a polynomial target with rational coefficients"
    return (
        f"none: no box tried in [{lo}, {hi}]^n has an interior point where f is below (above) all its "
        "boundary values"
    )


def embed(
    text: str,
    variables: str | Sequence[str],
    time: object = 1,
    exact: bool = False,
    digits: int = 30,
    seed: int = 0,
    box: tuple[object, object] = (-1, 1),
) -> Embedding:
    """Analyse a target f: critical points, the class table, the exact shear embedding, and a lower bound
    on how well classes without critical points approximate f on ``[lo, hi]^n`` (``box``; see
    :func:`~symmorse.search.approximation.approximation_bound` and ``docs/approximation.md``).

    Raises
    ------
    InputError
        For unknown symbols, bad variable names, T <= 0, an empty ``box``, or
        (``exact=True``) a non-polynomial target.

    Examples
    --------
    >>> e = embed("x + y", "x,y")
    >>> e.analysis.points, set(v.status for v in e.classes.values()), e.construction.verified
    ([], {'possible'}, True)
    >>> print(embed("x**2", "x").bound.bound)  # no non-augmented MLP is within 1/2 of x**2 on [-1, 1]
    1/2
    """
    f, xs = parse_target(text, variables)
    construction = shear_embedding(f, xs, time)  # first: it validates T
    analysis = target_critical_points(f, xs, exact=exact, digits=digits, seed=seed)
    bound = approximation_bound(f, xs, analysis, box)
    domain = (rational_string(box[0]), rational_string(box[1]))
    return Embedding(analysis, representability(analysis), construction, digits, bound, domain)


def embedding_text(e: Embedding) -> str:
    """Human-readable report of :func:`embed`.

    Examples
    --------
    >>> print(embedding_text(embed("x + y", "x,y")))  # doctest: +ELLIPSIS
    target f = x + y in (x, y)
    critical points (complete; lex Groebner basis of grad f is {1}: no complex critical point):
      none
    classes (by the critical-point argument):
    ...
      Phi = f verified: True (Phi(x) = W_out phi_T(W x + b) + b_out equals x + y identically on R^2)
    approximation lower bound (mlp-non-augmented, node-non-augmented, node-degenerate; docs/approximation.md):
      none: no box tried in [-1, 1]^n has an interior point where f is below (above) all its boundary values
    """
    lines = [
        f"target f = {e.analysis.target} in ({', '.join(x.name for x in e.analysis.variables)})",
        f"critical points ({'complete' if e.analysis.complete else 'not proved complete'}; "
        f"{e.analysis.method}):",
    ]
    if not e.analysis.points:
        lines.append("  none")
    for p in e.analysis.points:
        j = p.to_json(e.digits)
        lines.append(f"  ({', '.join(j['point'])}): {p.kind} [{p.status}]")
    lines.append("classes (by the critical-point argument):")
    for cls, v in e.classes.items():
        lines.append(f"  {cls:20} {v.status:14} {v.reason}")
    c = e.construction
    lines.append(
        f"construction: augmented neural ODE, m = {c.phase_dim}, h' = ({', '.join(map(str, c.node.field))}), "
        f"T = {c.node.T}, W = [I; 0], W_out = e_{c.phase_dim}"
    )
    lines.append(f"  Phi = f verified: {c.verified} ({c.reason})")
    lines.append(f"approximation lower bound ({', '.join(APPROXIMATION_CLASSES)}; docs/approximation.md):")
    lines.append("  " + (e.bound.statement() if e.bound else e._no_bound()["statement"]))
    return "\n".join(lines)
