"""Ball enclosures of a layered network's gradient and Hessian over a box: one routine, two users.

The validated critical-point search (:mod:`symmorse.search.critical_validated`,
through :mod:`symmorse.model.balls`) and the kernel that re-checks its
certificates (:mod:`symmorse.kernel.critical`) both evaluate
``Phi(x) = W_L sigma(... sigma(W_1 x + b_1) ...) + b_L`` in python-flint ball
arithmetic with this module's :class:`LayeredBalls`.  It knows nothing of
networks beyond plain data -- lists of exact rational weight matrices and
biases, and an activation name -- and returns balls: every value the true
gradient or Hessian takes on the box lies in them.

Per layer, on whole vectors and matrices (DESIGN section 1): the forward pass
``z_l = W_l h_{l-1} + b_l``, the Jacobians ``J_l = W_l D_{l-1} J_{l-1}`` (an
``arb_mat`` product per layer, the row scaling ``D J`` a product with a
diagonal matrix), the backward vectors ``v_{l-1} = W_l^T (sigma'(z_l) v_l)``
and ``Hess Phi = sum_l J_l^T diag(sigma''(z_l) v_l) J_l``.  Over a box each
pre-activation is the intersection of its naive enclosure with the centred
(mean-value) form ``z_l(c) + J_l(X) (X - c)``, which shrinks quadratically with
the box.  The only per-unit work is sigma, sigma', sigma'' of one ball
(:data:`ACTIVATIONS`: hand-written; python-flint has no elementwise functions
on ``arb_mat``).

:func:`mean_value` and :func:`krawczyk_image` are the two forms built on these
enclosures: ``f(c) + J(X)(X - c)`` contains ``f(X)``, and the Krawczyk image
``c - Y f(c) + (I - Y J(X))(X - c)`` contains every zero of f in X for any
matrix Y.

What is trusted: python-flint's ``arb``/``arb_mat`` (every result contains the
true value; ``tanh``, ``exp``, ``log1p``, ``atan``, ``erf``), exact ``fmpq``
weights, and the formulas of :data:`ACTIVATIONS` for sigma' and sigma''
(tested against mpmath in ``tests/test_kernel_critical.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from flint import arb, arb_mat, fmpq

__all__ = ["ACTIVATIONS", "LayeredBalls", "PointValues", "BoxValues", "mean_value", "krawczyk_image"]

Sigma = Callable[[arb], tuple[arb, arb, arb]]
Number = fmpq | int | arb


def _square(t: arb) -> arb:
    """``{s^2 : s in t}`` (the ball product ``t * t`` would reach below 0)."""
    lo, hi = t.abs_lower(), t.abs_upper()
    return (lo * lo).union(hi * hi)


#: Balls narrower than this radius go to arb's own functions (cheaper); wider ones are evaluated at
#: their two ends, which is tighter for a monotone function.
NARROW = 0.5


def _increasing(f: Callable[[arb], arb], z: arb) -> arb:
    """An increasing f over the ball z: arb's own bound when z is narrow, else the union of its ends."""
    return f(z) if z.rad() < NARROW else f(z.lower()).union(f(z.upper()))


def _logistic(z: arb) -> arb:
    return 1 / (1 + (-z).exp())


def _tanh(z: arb) -> tuple[arb, arb, arb]:
    if z.rad() < NARROW:  # arb's own tanh is tight here, and cheaper than two ends
        t = z.tanh()
        d1 = 1 - t * t
    else:
        t = z.lower().tanh().union(z.upper().tanh())
        d1 = 1 - _square(t)
    return t, d1, -2 * t * d1


def _sigmoid(z: arb) -> tuple[arb, arb, arb]:
    s = _increasing(_logistic, z)
    d1 = arb(1) / 4 - _square(s - arb(1) / 2)  # s (1 - s)
    return s, d1, d1 * (1 - 2 * s)


def _softplus(z: arb) -> tuple[arb, arb, arb]:
    s = _increasing(_logistic, z)
    return _increasing(lambda t: t.exp().log1p(), z), s, arb(1) / 4 - _square(s - arb(1) / 2)


def _arctan(z: arb) -> tuple[arb, arb, arb]:
    d1 = 1 / (1 + _square(z))
    return _increasing(arb.atan, z), d1, -2 * z * _square(d1)


def _silu(z: arb) -> tuple[arb, arb, arb]:
    s = _logistic(z)
    ds = s * (1 - s)
    return z * s, s + z * ds, ds * (2 + z * (1 - 2 * s))


def _gelu(z: arb) -> tuple[arb, arb, arb]:
    cdf = (1 + (z / arb(2).sqrt()).erf()) / 2
    pdf = (-_square(z) / 2).exp() / (2 * arb.pi()).sqrt()
    return z * cdf, cdf + z * pdf, pdf * (2 - _square(z))


def _identity(z: arb) -> tuple[arb, arb, arb]:
    return z, arb(1), arb(0)


#: ``z -> (sigma(z), sigma'(z), sigma''(z))`` as ball functions, by activation name.
ACTIVATIONS: dict[str, Sigma] = {
    "tanh": _tanh,
    "sigmoid": _sigmoid,
    "softplus": _softplus,
    "arctan": _arctan,
    "silu": _silu,
    "gelu": _gelu,
    "identity": _identity,
}


def _column(entries: Sequence[arb]) -> arb_mat:
    return arb_mat(len(entries), 1, list(entries))


def _diagonal(entries: Sequence[arb]) -> arb_mat:
    D = arb_mat(len(entries), len(entries))
    for i, a in enumerate(entries):
        D[i, i] = a
    return D


class PointValues(NamedTuple):
    """Enclosures at (a ball around) one point: the gradient (n x 1) and each hidden pre-activation."""

    gradient: arb_mat
    preactivations: list[arb_mat]


class BoxValues(NamedTuple):
    """Enclosures over a box: the gradient (n x 1) and, if asked for, the Hessian (n x n)."""

    gradient: arb_mat
    hessian: arb_mat | None


class LayeredBalls:
    """A layered network with exact weights, evaluated in ball arithmetic.

    Parameters
    ----------
    layers : sequence of (W, b)
        One pair per layer after the input, the output layer (one row) last:
        ``W`` rows of exact numbers (``fmpq``, int or ``arb``), ``b`` a list.
        They are turned into balls at the working precision of the caller.
    activation : str or callable
        A name of :data:`ACTIVATIONS`, or a function ``z -> (sigma, sigma', sigma'')`` on balls.

    Examples
    --------
    ``Phi(x) = tanh(x1) - tanh(x2)``: gradient ``(1, -1)`` at the origin, and over
    ``[-1, 1]^2`` the Hessian is diagonal with entries ``-+2 tanh sech^2``:

    >>> q = fmpq
    >>> net = LayeredBalls([([[q(1), q(0)], [q(0), q(1)]], [q(0), q(0)]), ([[q(1), q(-1)]], [q(0)])], "tanh")
    >>> net.at_point([arb(0), arb(0)]).gradient.entries()
    [1.00000000000000, -1.00000000000000]
    >>> c, x = [arb(0), arb(0)], [arb(0, 1), arb(0, 1)]
    >>> over = net.over_box(x, net.at_point(c), net.shift(x, c))
    >>> over.hessian[0, 1], over.hessian[0, 0].contains(arb(-0.7698)), over.gradient[0, 0] > 0
    (0, True, True)
    """

    def __init__(
        self, layers: Sequence[tuple[Sequence[Sequence[Number]], Sequence[Number]]], activation: object
    ) -> None:
        self.sigma: Sigma = ACTIVATIONS[activation] if isinstance(activation, str) else activation
        self.W = [arb_mat([[arb(a) for a in row] for row in W]) for W, _ in layers]
        self.Wt = [W.transpose() for W in self.W]
        self.b = [_column([arb(a) for a in b]) for _, b in layers]
        self.n = self.W[0].ncols()

    def shift(self, x: Sequence[arb], c: Sequence[arb]) -> arb_mat:
        """The column ``x - c``."""
        return _column([xi - ci for xi, ci in zip(x, c)])

    def at_point(self, x: Sequence[arb]) -> PointValues:
        """The gradient and the pre-activations at the balls ``x`` (usually exact points), no Hessian."""
        h, zs, d1s = _column(x), [], []
        for W, b in zip(self.W[:-1], self.b[:-1]):
            z = W * h + b
            values = [self.sigma(zi) for zi in z.entries()]
            h = _column([t[0] for t in values])
            zs.append(z)
            d1s.append([t[1] for t in values])
        return PointValues(self._backward(d1s)[0], zs)

    def _backward(self, d1s: list[list[arb]]) -> tuple[arb_mat, list[list[arb]]]:
        """The gradient ``v_0`` and the backward vectors ``v_l`` of the hidden layers (as lists)."""
        v, vs = self.Wt[-1], [None] * len(d1s)
        for l in reversed(range(len(d1s))):
            vs[l] = v.entries()
            v = self.Wt[l] * _column([a * b for a, b in zip(d1s[l], vs[l])])
        return v, vs

    def over_box(
        self,
        x: Sequence[arb],
        at_centre: PointValues | None = None,
        shift: arb_mat | None = None,
        hessian: bool | None = None,
    ) -> BoxValues:
        """Enclosures over the box ``x`` (one ball per input).

        With ``at_centre = at_point(c)`` and ``shift = x - c`` for a point c of
        the box, the pre-activations are intersected with their centred forms.
        ``hessian`` (default: whether ``at_centre`` is given) asks for the
        Jacobians and the Hessian; without, only the gradient is enclosed (the
        cheapest test).
        """
        centred = at_centre is not None
        second = centred if hessian is None else hessian
        h, J, d1s, d2s, Js = _column(x), None, [], [], []
        for l, (W, b) in enumerate(zip(self.W[:-1], self.b[:-1])):
            if second or centred:
                J = W if J is None else W * J
            z = (W * h + b).entries()
            if centred:
                form = (at_centre.preactivations[l] + J * shift).entries()
                z = [a.intersection(c) for a, c in zip(z, form)]
            values = [self.sigma(zi) for zi in z]
            h = _column([t[0] for t in values])
            d1s.append([t[1] for t in values])
            if second or centred:
                d2s.append([t[2] for t in values])
                Js.append(J)
                J = _diagonal(d1s[-1]) * J  # D_l J_l, the Jacobian of h_l
        gradient, vs = self._backward(d1s)
        if not second:
            return BoxValues(gradient, None)
        H = None
        for J, d2, vl in zip(Js, d2s, vs):
            term = J.transpose() * (_diagonal([a * b for a, b in zip(d2, vl)]) * J)
            H = term if H is None else H + term
        return BoxValues(gradient, H)


def mean_value(value: arb_mat, jacobian: arb_mat, shift: arb_mat) -> list[arb]:
    """The mean-value form ``f(c) + J(X) (X - c)``: it contains ``f(x)`` for every x in X.

    Examples
    --------
    ``f(x) = x^2`` on ``X = [1, 3]``, ``c = 2``, ``J(X) = 2X = [2, 6]``:

    >>> f = mean_value(arb_mat([[4]]), arb_mat([[arb(4, 2)]]), arb_mat([[arb(0, 1)]]))[0]
    >>> f.contains(1) and f.contains(9), f.lower() >= -6, f.upper() <= 10.01
    (True, True, True)
    """
    return (value + jacobian * shift).entries()


def krawczyk_image(
    centre: arb_mat, value: arb_mat, jacobian: arb_mat, shift: arb_mat, Y: arb_mat
) -> tuple[list[arb], arb_mat]:
    """``K = c - Y f(c) + (I - Y J(X)) (X - c)`` and ``M = I - Y J(X)``.

    Every zero of f in X lies in K, for any matrix Y (mean-value theorem): so
    ``K ∩ X = ∅`` proves that X holds none, and K in the interior of X proves
    exactly one (with every matrix of ``J(X)`` invertible) [Krawczyk 1969;
    Neumaier 1990, thm 5.1.7].  ``|M|_inf < 1`` proves that f is injective on X.

    Examples
    --------
    ``f(x) = x^2 - 2`` on ``[1.4, 1.5]``: K lies inside, so there is exactly one root:

    >>> c = arb(fmpq(29, 20))
    >>> K, M = krawczyk_image(arb_mat([[c]]), arb_mat([[c * c - 2]]),
    ...                       arb_mat([[arb(fmpq(29, 10), fmpq(1, 10))]]), arb_mat([[arb(0, fmpq(1, 20))]]),
    ...                       arb_mat([[arb(fmpq(10, 29))]]))
    >>> K[0] > fmpq(14, 10) and K[0] < fmpq(15, 10), K[0].contains(arb(2).sqrt())
    (True, True)
    """
    n = centre.nrows()
    M = arb_mat([[int(i == j) for j in range(n)] for i in range(n)]) - Y * jacobian
    return (centre - Y * value + M * shift).entries(), M
