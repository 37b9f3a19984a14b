"""Critical points of a neural ODE with given weights, by Newton's method: numerical, never proved.

For ``Phi(x) = W~ phi_T(W x + b) + b~`` with exact weights,
:func:`node_critical_points` runs the one Newton iteration of the search side
(:func:`symmorse.search.newton.newton`) on ``grad Phi`` from seeded starting
points, at a chosen number of digits, with the gradient and Hessian that
:meth:`~symmorse.model.node.NeuralODE.evaluate` computes through the flow (closed
form, or the variational equations).  Each point found carries its Hessian
spectrum and Morse index.  A point not found is not proved absent: the answer is
labelled ``numerical``.

Examples
--------
>>> from symmorse.model.node import NeuralODE
>>> node = NeuralODE(1, "0, h1**2")
>>> [p.index for p in node_critical_points(node, node.weights(W="1; 0"), 20, starts=[[1]])]
[0]
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy
from flint import arb, arb_mat, ctx, fmpq, fmpq_mat

from ..exact.errors import ActivationError, InputError, WeightsError
from ..exact.numbers import rational_string, to_fmpq
from ..exact.validated_flow import FlowEnclosureError, validated_flow
from ..model.node import NeuralODE, NodeWeights, exact_value, expression_text, mp_value
from .newton import newton
from .node_ball import PRECISION, krawczyk_box
from .node_certificate import FORMAT, NotShown

__all__ = [
    "NumericalCriticalPoint",
    "node_critical_points",
    "CertifiedPoint",
    "certify_critical_points",
    "critical_points_certificate",
]

#: Newton steps from one start; a degenerate critical point converges only linearly.
_STEPS = 80
#: Iterates beyond this (in any coordinate) are abandoned on the validated-flow route.
_FAR = 10**4


@dataclass(frozen=True)
class NumericalCriticalPoint:
    """A critical point found by Newton's method, with its Hessian spectrum.

    ``degenerate`` is True when the smallest |eigenvalue| is below
    ``10**(-digits/2)``; ``index`` counts negative eigenvalues (None if degenerate).

    Examples
    --------
    >>> p = NumericalCriticalPoint([mpmath.mpf(1)], mpmath.mpf(-2), [mpmath.mpf(6)], 0, False, 10)
    >>> p.to_json()["status"], p.to_json()["point"]
    ('numerical (10 digits)', ['1.0'])
    """

    point: list
    value: mpmath.mpf
    eigenvalues: list
    index: int | None
    degenerate: bool
    digits: int

    def to_json(self) -> dict:
        """JSON-ready form (decimal strings with ``digits`` digits).

        Examples
        --------
        >>> from symmorse.model.node import NeuralODE
        >>> node = NeuralODE(1, "0, h1**2 - 2*h1")
        >>> node_critical_points(node, node.weights(W="1; 0"), 12, starts=[[3]])[0].to_json()["point"]
        ['1.0']
        """
        d = self.digits
        return {
            "point": [mpmath.nstr(v, d) for v in self.point],
            "value": mpmath.nstr(self.value, d),
            "eigenvalues": [mpmath.nstr(v, d) for v in self.eigenvalues],
            "index": self.index,
            "degenerate": self.degenerate,
            "status": f"numerical ({d} digits)",
        }


def node_critical_points(
    node: NeuralODE,
    weights: NodeWeights,
    digits: int = 30,
    starts: Sequence[Sequence[object]] | None = None,
    seed: int = 0,
    count: int = 12,
    box: object = 3,
    integrate: bool = False,
) -> list[NumericalCriticalPoint]:
    """Critical points of Phi by Newton's method at ``digits`` digits, with Morse index.

    Parameters
    ----------
    node : NeuralODE
    weights : NodeWeights
        Exact weights (:meth:`~symmorse.model.node.NeuralODE.weights`).
    digits : int
        Working precision (10 guard digits more); steps below ``10**-digits`` stop.
    starts : sequence of points, optional
        Starting points (n exact numbers each); by default ``count`` seeded random
        points of ``[-box, box]^n``.
    seed, count, box
        The random starting points.
    integrate : bool
        Use the variational equations even when the flow has a closed form.

    Returns
    -------
    list of NumericalCriticalPoint
        Converged points, merged when they agree to half the digits.  A point is
        kept when ``|grad Phi| < 10**(-digits/3)`` there.

    Raises
    ------
    WeightsError
        If a starting point does not have n entries, or ``box`` is not a number.

    See also
    --------
    symmorse.search.newton.newton : the iteration.
    symmorse.search.node_classify.classify_node : what holds for generic weights (proved).

    Examples
    --------
    >>> from symmorse.model.node import NeuralODE
    >>> node = NeuralODE(1, "0, h1**3 - 3*h1")
    >>> pts = node_critical_points(node, node.weights(W="1; 0"), 20, starts=[[2], [-2]])
    >>> sorted((mpmath.nstr(p.point[0], 8), p.index) for p in pts)
    [('-1.0', 1), ('1.0', 0)]

    Notes
    -----
    Numerical: a point not found is not proved absent.  Newton converges only
    linearly to a degenerate critical point, so a start that has not converged
    after 80 steps still counts when the gradient at its last iterate is below
    ``10**(-digits/3)``.
    """
    rng = random.Random(seed)
    bound = exact_value(box, "box")
    if starts is None:
        starts = [
            [sympy.Rational(rng.randint(-1000, 1000), 1000) * bound for _ in range(node.n)]
            for _ in range(count)
        ]
    found: list[NumericalCriticalPoint] = []
    with mpmath.workdps(digits + 10):
        tol = mpmath.mpf(10) ** (-digits)
        for start in starts:
            if not isinstance(start, Sequence) or len(start) != node.n:
                raise WeightsError(f"a start point must have {node.n} entries, got {start!r}")
            point = _critical_point(node, weights, [mp_value(v) for v in start], digits, tol, integrate)
            if point is None or any(
                mpmath.norm(mpmath.matrix(point) - mpmath.matrix(p.point)) < mpmath.sqrt(tol) for p in found
            ):
                continue
            e = node.evaluate(point, weights, digits, integrate)
            eig = sorted(mpmath.eigsy(e.hessian, eigvals_only=True))
            degenerate = min(abs(v) for v in eig) < mpmath.sqrt(tol)
            index = None if degenerate else sum(1 for v in eig if v < 0)
            found.append(NumericalCriticalPoint(point, e.value, eig, index, degenerate, digits))
    return found


def _critical_point(node, weights, x, digits, tol, integrate):
    """Newton from x; the converged point (or the last iterate) if grad Phi is small there, else None."""
    validated = _validated_evaluator(node, weights, digits) if node.flow is None or integrate else None

    def gradient_and_hessian(point):
        if validated is not None:
            return validated(point)
        e = node.evaluate(point, weights, digits, integrate)
        return e.gradient, e.hessian

    iterates = []  # every iterate Newton takes (all finite): the last one, if it does not converge

    def record(point):
        iterates.append(point)
        return validated is None or all(abs(v) < _FAR for v in point)  # a validated flow needs finite starts

    try:
        point = newton(gradient_and_hessian, x, tol, steps=_STEPS, inside=record)
        if point is None and len(iterates) == _STEPS:  # no singular Hessian, no overflow: slow convergence
            point = iterates[-1]
        if point is None:
            return None
        gradient, _ = gradient_and_hessian(point)
    except ArithmeticError:  # the validated flow from an iterate far away could not be enclosed
        return None
    return point if mpmath.norm(mpmath.matrix(gradient)) < tol ** (mpmath.mpf(1) / 3) else None


def _validated_evaluator(node, weights, digits):
    """grad Phi and Hess Phi at a point from the validated flow at a point box (faster than the
    variational equations in mpmath, and as accurate), or None if the field has no ball form."""
    try:
        field = node.flow_field()
    except (InputError, ActivationError):
        return None
    prec = max(64, math.ceil(digits * math.log2(10)) + 24)
    W, b, w_out = (_fmpq_rows(M) for M in (weights.W, weights.b, weights.W_out.T))
    T = to_fmpq(node.T)

    def evaluate(point):
        x = [_exact(v) for v in point]
        y = [bi[0] + sum((a * xj for a, xj in zip(row, x)), fmpq(0)) for bi, row in zip(b, W)]
        try:
            e = validated_flow(field, T, y, prec=prec)
        except FlowEnclosureError as exc:
            raise ArithmeticError(str(exc)) from None
        with ctx.workprec(prec):
            Wb = arb_mat(fmpq_mat(W))
            wb = [arb(v[0]) for v in w_out]
            gradient = (Wb.transpose() * e.jacobian.transpose() * arb_mat(len(wb), 1, wb)).entries()
            hessian = Wb.transpose() * e.curvature(wb) * Wb
            n = len(x)
            return [_mp(g) for g in gradient], mpmath.matrix(
                [[_mp(hessian[i, j]) for j in range(n)] for i in range(n)]
            )

    return evaluate


def _fmpq_rows(M):
    return [[to_fmpq(v) for v in M.row(i)] for i in range(M.rows)]


def _exact(v) -> fmpq:
    """An mpmath number (binary) as the exact rational it is (with its sign)."""
    p, q = mpmath.libmp.to_rational(mpmath.mpf(v)._mpf_)
    return fmpq(int(p), int(q))


def _mp(ball: arb) -> mpmath.mpf:
    mantissa, exponent = ball.mid().man_exp()
    return mpmath.ldexp(mpmath.mpf(int(mantissa)), int(exponent))


@dataclass(frozen=True)
class CertifiedPoint:
    """A Newton point proved by validated flows: exactly one critical point, non-degenerate, in a box.

    Examples
    --------
    >>> from symmorse.model.node import NeuralODE
    >>> node = NeuralODE(1, "0, h1**2 - 2*h1")
    >>> p = certify_critical_points(node, node.weights(W="1; 0"), [[mpmath.mpf(1)]])[0]
    >>> p.index, p.to_json()["status"]
    (0, 'certified (Krawczyk box, validated flows at 128 bits)')
    """

    box: list
    Y: list
    index: int
    prec: int
    det: arb

    def to_json(self) -> dict:
        """The certificate's point object, with a status and the determinant enclosure for people.

        Examples
        --------
        >>> CertifiedPoint([(fmpq(0), fmpq(1))], [[fmpq(2)]], 1, 64, arb(-3)).to_json()["box"]
        [['0', '1']]
        """
        return {
            "box": [[rational_string(lo), rational_string(hi)] for lo, hi in self.box],
            "Y": [[rational_string(v) for v in row] for row in self.Y],
            "index": self.index,
            "det_hessian": str(self.det),
            "status": f"certified (Krawczyk box, validated flows at {self.prec} bits)",
        }


def certify_critical_points(
    node: NeuralODE,
    weights: NodeWeights,
    points: Sequence[Sequence[object]],
    prec: int = PRECISION,
    refine: int = 2,
) -> list[CertifiedPoint | None]:
    """For each (numerical) critical point, a box proved to hold exactly one critical point of Phi.

    With rank W = n the gradient ``W^T Dphi_T(W x + b)^T W~^T`` is the reduced gradient of
    :func:`~symmorse.search.node_ball.krawczyk_box` with U = W and y = b, so the same Krawczyk
    test on validated flows certifies the point, its non-degeneracy and its Morse index.  None
    for a point that is not certified (degenerate, rank W < n, a field without a ball form, or
    the test failing).  The points may be rough (found by another program, say): ``refine``
    Newton steps on the validated flow (at 20 digits) come first.

    Examples
    --------
    >>> from symmorse.model.node import NeuralODE
    >>> node = NeuralODE(1, "0, h1**3 - 3*h1")
    >>> w = node.weights(W="1; 0")
    >>> pts = certify_critical_points(node, w, [[mpmath.mpf(-1)], [mpmath.mpf("0.5")]], refine=0)
    >>> pts[0].index, pts[1]
    (1, None)
    >>> certify_critical_points(node, w, [[mpmath.mpf("0.9")]])[0].index  # refined towards 1 first
    0
    """
    try:
        field = node.flow_field()
    except (InputError, ActivationError):
        return [None] * len(points)
    W = _fmpq_rows(weights.W)
    if fmpq_mat(W).rank() != node.n:
        return [None] * len(points)
    b = [row[0] for row in _fmpq_rows(weights.b)]
    w_out = [row[0] for row in _fmpq_rows(weights.W_out.T)]
    evaluate = _validated_evaluator(node, weights, 20) if refine else None
    out: list[CertifiedPoint | None] = []
    for point in points:
        if evaluate is not None:  # a few Newton steps on the validated flow: a rough start is enough
            with mpmath.workdps(30):
                point = _refined(evaluate, [mpmath.mpf(v) for v in point], refine)
        if point is None:
            out.append(None)
            continue
        centre = [_rounded(v) for v in point]
        try:
            box = krawczyk_box(field, to_fmpq(node.T), W, b, w_out, centre, prec)
        except NotShown:
            out.append(None)
            continue
        out.append(CertifiedPoint(box.box, box.Y, box.index, prec, box.det))
    return out


def _refined(evaluate, x, steps):
    """``steps`` Newton steps from x (None if the Hessian is singular or the flow is not enclosed)."""
    try:
        for _ in range(steps):
            gradient, hessian = evaluate(x)
            x = list(mpmath.matrix(x) - mpmath.lu_solve(hessian, mpmath.matrix(gradient)))
    except (ArithmeticError, ZeroDivisionError):
        return None
    return x


def _rounded(v) -> fmpq:
    """A short rational next to v (denominator up to 10^15), the centre of its Krawczyk box."""
    exact = _exact(v)
    close = Fraction(int(exact.p), int(exact.q)).limit_denominator(10**15)
    return fmpq(close.numerator, close.denominator)


def critical_points_certificate(
    node: NeuralODE,
    weights: NodeWeights,
    points: Sequence[CertifiedPoint],
    domain: Sequence[tuple[object, object]] | None = None,
    prec: int = PRECISION,
) -> dict:
    """The ``symmorse-node/1`` certificate (kind ``critical-points``) of certified critical points.

    Only the points whose box lies in ``domain`` (if given) are listed; ``complete`` is false:
    the certificate proves that each listed point exists, is non-degenerate, has its index and
    differs from the others, not that there are no more.

    Examples
    --------
    >>> from symmorse.model.node import NeuralODE
    >>> node = NeuralODE(1, "0, h1**2 - 2*h1")
    >>> w = node.weights(W="1; 0")
    >>> cert = critical_points_certificate(node, w, certify_critical_points(node, w, [[mpmath.mpf(1)]]))
    >>> cert["kind"], len(cert["points"]), cert["complete"]
    ('critical-points', 1, False)
    """
    box = None if domain is None else [(to_fmpq(lo), to_fmpq(hi)) for lo, hi in domain]

    def inside(p):
        return box is None or all(a <= lo and hi <= b for (lo, hi), (a, b) in zip(p.box, box))

    cert = {
        "format": FORMAT,
        "kind": "critical-points",
        "n": node.n,
        "m": node.m,
        "T": rational_string(node.T),
        "field": [expression_text(f) for f in node.field],
        "flow": None,
        "weights": weights.to_json(),
        "prec": prec,
        "points": [
            {k: v for k, v in p.to_json().items() if k in ("box", "Y", "index")} for p in points if inside(p)
        ],
        "complete": False,
    }
    if box is not None:
        cert["domain"] = [[rational_string(lo), rational_string(hi)] for lo, hi in box]
    if node.layers is not None:
        cert["layer_field"] = {**node.layers.to_json(), "activation": node.flow_field().activation}
    return cert
