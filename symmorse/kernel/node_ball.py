"""Kernel check of a neural-ODE *ball witness* (``symmorse-node/1``, ``witness.ball``).

A ball witness states a rational network: W, the bias b = y and the output row
W~, with U the pivot columns of W (r columns), a rational box S of reduced inputs
with centre c, a rational preconditioner Y (r x r), a precision and a Morse index.
The claim: the reduced map ``g(s) = W~ phi_T(y + U s)`` has exactly one critical
point s* in S, it is non-degenerate, and its index is the one stated.  This module
re-derives it:

1. ``F(c) = U^T Dphi_T(y + U c)^T W~^T`` from the validated flow at the rational
   point ``y + U c``, and ``J = U^T (sum_i W~_i D^2phi_{T,i}) U`` from the validated
   flow over the interval hull of ``y + U S`` (exact rational endpoints); both by
   :func:`symmorse.exact.validated_flow.validated_flow` (C^2 Lohner; the same exact-layer
   routine the search uses), at the stated precision.  J contains the Jacobian of F
   at every s in S.
2. Y is invertible (exact FLINT determinant), and the Krawczyk image
   ``K = c - Y F(c) + (I - Y J)(S - c)`` (:func:`symmorse.exact.balls.krawczyk_image`, the one
   formula the critical-points kernel and the searches use too) lies in the interior of S: then
   ``s -> s - Y F(s)`` maps S into K (mean value theorem, row by row), so it has a
   fixed point (Brouwer), a zero of F, and it is the only one [Krawczyk 1969;
   Neumaier 1990, thm 5.1.7].
3. ``det J`` excludes 0, and :func:`symmorse.exact.linalg.inertia` gives one inertia
   for every matrix of J, with no zero eigenvalue; its number of negative
   eigenvalues must be the stated index.

The field, when given as layers ``V sigma(A h + c)``, must be the certificate's
field: :func:`layer_field` rebuilds the expressions (tanh, arctan, sigmoid as
``1/(1 + exp(-z))``) and shows the difference vanishes by expansion.

What is trusted: python-flint's ball arithmetic (Arb) and exact rationals, the
exact-layer integrator (:mod:`symmorse.exact.validated_flow`,
:mod:`symmorse.exact.taylor_fields`: Taylor coefficients in ball arithmetic, the
a-priori enclosure by a Picard test, Lagrange remainders, Lohner's QR
propagation; ``docs/validated-flows.md``) and :func:`~symmorse.exact.linalg.inertia`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy
from flint import arb, arb_mat, ctx, fmpq, fmpq_mat

from ..exact.balls import krawczyk_image
from ..exact.errors import ActivationError, InputError
from ..exact.linalg import inertia
from ..exact.taylor_fields import FlowField, LayerFlowField, PolynomialFlowField
from ..exact.validated_flow import FlowEnclosureError, validated_flow
from .base import Rejected
from .constants import identity

__all__ = ["ACTIVATIONS", "MAX_UNITS", "layer_field", "polynomial_field", "check_ball"]

#: The activations of a layer field a ball witness may use, as the kernel writes them.
ACTIVATIONS: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "tanh": sympy.tanh,
    "arctan": sympy.atan,
    "sigmoid": lambda z: 1 / (1 + sympy.exp(-z)),
}
#: Most units k of a layer field.
MAX_UNITS = 1_000


def layer_field(
    A: sympy.Matrix, V: sympy.Matrix, c: sympy.Matrix, activation: str, field: Sequence[sympy.Expr], h
) -> FlowField:
    """The layers ``V sigma(A h + c)`` as a flow field, once they are shown to be the certificate's field.

    Raises
    ------
    Rejected
        For another activation, too many units, or a field component that differs.

    Examples
    --------
    >>> h = [sympy.Symbol("h1", real=True)]
    >>> A, V, c = sympy.Matrix([[2]]), sympy.Matrix([[-1]]), sympy.Matrix([0])
    >>> layer_field(A, V, c, "tanh", [-sympy.tanh(2 * h[0])], h)
    LayerFlowField(m=1, k=1, activation='tanh')
    >>> layer_field(A, V, c, "tanh", [sympy.tanh(2 * h[0])], h)
    Traceback (most recent call last):
      ...
    symmorse.kernel.base.Rejected: field component 1 is not V sigma(A h + c) of the layers
    """
    if activation not in ACTIVATIONS:
        raise Rejected(
            f"ball witnesses take layers with the activations {', '.join(ACTIVATIONS)}, not {activation!r}"
        )
    if A.rows > MAX_UNITS:
        raise Rejected(f"the layers have {A.rows} units; the kernel checks at most {MAX_UNITS}")
    sigma = ACTIVATIONS[activation]
    z = A * sympy.Matrix(h) + c
    expected = V * sympy.Matrix([sigma(zi) for zi in z])
    for i, (f, g) in enumerate(zip(field, expected), 1):
        if identity(f - g) is not True:
            raise Rejected(f"field component {i} is not V sigma(A h + c) of the layers")
    try:
        return LayerFlowField(A, V, list(c), activation)
    except InputError as exc:
        raise Rejected(f"the layers are not integrated: {exc}") from None


def polynomial_field(field: Sequence[sympy.Expr]) -> FlowField:
    """The field as a polynomial flow field, or Rejected if it is not polynomial with rational coefficients.

    Examples
    --------
    >>> h1 = sympy.Symbol("h1", real=True)
    >>> polynomial_field([h1**2])
    PolynomialFlowField('h1**2')
    """
    try:
        return PolynomialFlowField(list(field))
    except (InputError, ActivationError) as exc:
        raise Rejected(
            "a ball witness needs layers ('layer_field') or a polynomial field with rational coefficients: "
            f"{exc}"
        ) from None


def check_ball(
    F: FlowField,
    T: fmpq,
    U: Sequence[Sequence[fmpq]],
    y: Sequence[fmpq],
    w_out: Sequence[fmpq],
    box: Sequence[tuple[fmpq, fmpq]],
    Y: Sequence[Sequence[fmpq]],
    prec: int,
    index: int,
) -> str:
    """Re-derive a ball witness: one non-degenerate critical point of ``s -> W~ phi_T(y + U s)`` in the box.

    The shapes are as the node kernel reads them: U is m x r, y and w_out have m entries, the box r
    intervals with lo < hi, Y is r x r.  Returns the claim in words (with the determinant enclosure);
    raises Rejected with the first claim that does not follow.

    Examples
    --------
    ``h' = (0, h1^2)``, W = (1, 0)^T, b = (0, 0), W~ = (-2, 1): ``g(s) = -2 s + s^2`` has its
    minimum at s = 1 (the field is polynomial, so the validated flow is exact up to rounding):

    >>> F = polynomial_field([sympy.Integer(0), sympy.Symbol("h1", real=True) ** 2])
    >>> one, zero = fmpq(1), fmpq(0)
    >>> U, y, w_out, Y = [[one], [zero]], [zero, zero], [fmpq(-2), one], [[one / 2]]
    >>> box = [(fmpq(9, 10), fmpq(11, 10))]
    >>> print(check_ball(F, one, U, y, w_out, box, Y, 64, 0))
    exactly one zero of the reduced gradient in [9/10, 11/10] (Krawczyk), det(U^T H U) in 2.0000 != 0, index 0
    >>> check_ball(F, one, U, y, w_out, box, Y, 64, 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    symmorse.kernel.base.Rejected: the witness claims Morse index 1, but the Hessian enclosure has 0 ...
    >>> check_ball(F, one, U, y, w_out, [(fmpq(1, 2), fmpq(9, 10))], Y, 64, 0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    symmorse.kernel.base.Rejected: the Krawczyk image ... is not inside the box's interval 1 ...
    """
    m, r = len(y), len(box)
    Yq = fmpq_mat(r, r, [v for row in Y for v in row])
    if Yq.det() == 0:
        raise Rejected("the preconditioner Y is singular")
    centre = [(lo + hi) / 2 for lo, hi in box]
    at_centre = [yi + sum(a * ci for a, ci in zip(row, centre)) for yi, row in zip(y, U)]
    hull = []
    for yi, row in zip(y, U):
        lo = hi = yi
        for a, (s_lo, s_hi) in zip(row, box):
            lo, hi = lo + min(a * s_lo, a * s_hi), hi + max(a * s_lo, a * s_hi)
        hull.append((lo, hi))
    try:
        point = validated_flow(F, T, at_centre, prec=prec)
        over = validated_flow(F, T, hull, prec=prec)
    except FlowEnclosureError as exc:
        raise Rejected(f"not shown: the validated flow does not reach T ({exc})") from None
    except InputError as exc:
        raise Rejected(f"not shown: the validated flow refuses the input ({exc})") from None
    with ctx.workprec(prec):
        Ub = arb_mat(fmpq_mat(m, r, [v for row in U for v in row]))
        w = [arb(v) for v in w_out]
        gradient = Ub.transpose() * point.jacobian.transpose() * arb_mat(m, 1, w)
        J = Ub.transpose() * over.curvature(w) * Ub
        c = arb_mat(r, 1, [arb(v) for v in centre])
        shift = arb_mat(r, 1, [arb(lo).union(arb(hi)) - arb(ci) for (lo, hi), ci in zip(box, centre)])
        K, _ = krawczyk_image(c, gradient, J, shift, arb_mat(Yq))
        for i, (k, (lo, hi)) in enumerate(zip(K, box), 1):
            if not (k > lo and k < hi):
                raise Rejected(
                    f"the Krawczyk image {k} is not inside the box's interval {i} [{lo}, {hi}]: existence "
                    "of a critical point in the box is not shown"
                )
        det = J.det()
        if det.contains(0):
            raise Rejected(f"det(U^T H U) over the box is {det}, which contains 0: non-degeneracy not shown")
        signs = inertia(J)
        if signs is None or signs.zero:
            raise Rejected("the inertia of the Hessian enclosure over the box is not decided")
        if signs.negative != index:
            raise Rejected(
                f"the witness claims Morse index {index}, but the Hessian enclosure has {signs.negative} "
                "negative eigenvalues"
            )
        det_text = det.str(5, radius=True)
    box_text = " x ".join(f"[{lo}, {hi}]" for lo, hi in box)
    return (
        f"exactly one zero of the reduced gradient in {box_text} (Krawczyk), det(U^T H U) in {det_text} "
        f"!= 0, index {index}"
    )
