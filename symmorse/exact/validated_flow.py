"""Validated flows: rigorous enclosures of ``phi_T``, ``D phi_T`` and ``D^2 phi_T`` over a box.

For a neural-ODE field ``h' = f(h)`` on R^m (layers ``V sigma(A h + c)`` or a
polynomial field, see :mod:`symmorse.exact.taylor_fields`), an exact time
T > 0 and a box Y of initial values (python-flint balls),
:func:`validated_flow` returns balls that contain ``phi_T(y)``,
``D phi_T(y)`` and ``D^2 phi_{T,i}(y)`` for *every* y in Y.

Method: the C^2 Lohner algorithm (Lohner 1987 [1]_; C^1 and C^r versions by
Zgliczynski [2]_ and Wilczak-Zgliczynski [3]_, as in the CAPD library [4]_):
a Taylor method of order p with an a-priori enclosure and a Lohner (QR)
coordinate change.  This module and :mod:`symmorse.exact.taylor_fields` are
in the exact domain layer so that the search and the trusted kernel
(:mod:`symmorse.kernel.node`, ball witnesses) run the same integrator.
One step of size h from the set ``[x]`` of current states:

1. *A-priori enclosure.*  A box Z with ``[x] + [0, h] f(Z) ⊆ Z`` is sought
   (candidate ``[x] + [0, h] f([x])``, widened up to ten times, then h is
   halved).  The Picard iterates from any x in [x] then stay in Z, and f is
   Lipschitz on Z, so the solution exists on [0, h] and stays in Z (and in
   ``[x] + [0, h] f(Z)``).  The first variation X (``X' = Df X``, ``X(0) = I``)
   over [0, h] lies in ``W = I ± (e^{mu h} - 1)`` with ``mu >= ||Df(Z)||_inf``
   (Gronwall), refined to ``I + [0, h] Df(Z) W``; the second variation G
   (``G' = Df G + D^2f[X, X]``, ``G(0) = 0``) in ``± nu h e^{mu h}`` with
   ``nu >= |D^2f(Z)[W, W]|``, refined the same way.
2. *Taylor coefficients* of the solution and of both variations by recursive
   Taylor arithmetic in ball arithmetic (:func:`~symmorse.exact.taylor_fields.jets`),
   at the centre ``x^`` (values, orders 0..p) and over the whole box [x]
   (``D a_j``, ``D^2 a_j``, orders 0..p).
3. *Remainder.*  Lagrange's form, componentwise: the order-(p+1) coefficient
   of the autonomous system (x, X, G) evaluated over ``(Z, W, G)`` times
   ``h^(p+1)``.  So ``phi_h(x^) ∈ sum_j a_j(x^) h^j + a_{p+1}(Z) h^(p+1)`` and
   ``D phi_h([x]) ⊆ J``, ``D^2 phi_h([x]) ⊆ K`` likewise.
4. *Propagation with a QR coordinate change.*  The states are kept as a
   doubleton ``x^ + C r0 + B r`` (r0 = Y - mid Y fixed; C, B point matrices,
   r a ball vector), and the variations as ``Vc + B Rv`` and ``Hc + B Rh``.
   By the mean value theorem ``phi_h(x) - phi_h(x^) ∈ J (x - x^)``, and by the
   chain rule ``D phi_{t+h} = D phi_h D phi_t`` and
   ``D^2 phi_{t+h,i} = sum_a (D phi_h)_{ia} D^2 phi_{t,a} + D phi_t^T D^2 phi_{h,i} D phi_t``.
   With ``B' = Q`` of the QR factorisation of ``mid(J B)`` (Lohner's choice),
   ``x^' = mid(phi_h(x^))``, ``C' = mid(J C)``:
   ``r' = B'^-1 (phi_h(x^) - x^') + (B'^-1 (J C - C')) r0 + (B'^-1 J B) r``
   (B'^-1 enclosed by ball inversion), and the same for the matrix parts.
   The products ``B'^-1 J B`` keep the wrapping effect to the scale of the
   rounding errors and remainders instead of multiplying boxes by boxes.

Every quantity is a ball computed by python-flint (Arb), whose operations
obey the inclusion principle, so each enclosure holds for all y in Y at once;
step sizes, the order, QR factors and midpoints are heuristics that affect
tightness and speed, never validity.  If no a-priori enclosure is found (e.g.
the solution blows up before T), :class:`FlowEnclosureError` is raised and no
enclosure is returned.

References
----------
.. [1] R. J. Lohner. Enclosing the solutions of ordinary initial and boundary
   value problems. In Computer Arithmetic: Scientific Computation and
   Programming Languages, Teubner, 1987, 255-286.
.. [2] P. Zgliczynski. C^1 Lohner algorithm. Found. Comput. Math. 2 (2002) 429-465.
.. [3] D. Wilczak, P. Zgliczynski. C^r-Lohner algorithm. Schedae Informaticae 20 (2011) 9-46.
.. [4] T. Kapela, M. Mrozek, D. Wilczak, P. Zgliczynski. CAPD::DynSys: a flexible C++
   toolbox for rigorous numerical analysis of dynamical systems. Commun. Nonlinear
   Sci. Numer. Simul. 101 (2021) 105578.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from flint import arb, arb_mat, ctx, fmpq

from .errors import InputError, SymmorseError, WeightsError
from .numbers import to_fmpq
from .taylor_fields import FlowField, flow_field, jets, pairs

__all__ = ["FlowEnclosure", "FlowEnclosureError", "default_order", "validated_flow"]

_PICARD_TRIES = 10  # widenings of an a-priori enclosure before the step is halved
_MAX_HALVINGS = 40  # step halvings in one step before giving up
_MIN_STEP_BITS = 50  # a step below T * 2^-50 means the flow cannot be followed
_REMAINDER_SLACK_BITS = 4  # remainders may exceed the tolerance by 2^4 before the step shrinks
_WIDTH_BITS = 16  # the tolerance also allows 2^-16 of the width of the propagated set


class FlowEnclosureError(SymmorseError):
    """The flow could not be enclosed up to time T (for instance it blows up before T).

    Raised instead of returning an enclosure; nothing is claimed about the flow.
    """


def default_order(prec: int) -> int:
    """The Taylor order used by default at ``prec`` bits: about ``0.28 prec``, between 12 and 80.

    A step costs ~p^2 matrix products and the number of steps falls like
    ``2^(prec/p)``; the optimum is near ``p = prec ln 2 / 2`` (Jorba-Zou), lowered
    here because high-order coefficients over the a-priori enclosure are
    overestimated.  Measured on tanh layer fields (m = 3, T = 1) the fastest
    orders were 16-24 at 64 bits, 32-40 at 128 bits and ~64 at 256 bits
    (``benchmarks/bench_validated_flow.py --orders``).

    Examples
    --------
    >>> default_order(64), default_order(128), default_order(256)
    (18, 36, 72)
    """
    return max(12, min(80, round(0.28 * prec)))


@dataclass(frozen=True)
class FlowEnclosure:
    """Enclosures of the flow ``phi_T`` and its first two derivatives over a box of initial values.

    Attributes
    ----------
    value : list of arb
        Contains ``phi_T(y)`` for every y in the box (m balls).
    jacobian : arb_mat
        Contains ``D phi_T(y)`` (m x m; entry (i, j) is ``d phi_i / d y_j``).
    hessians : list of arb_mat
        ``hessians[i]`` contains ``D^2 phi_{T,i}(y)`` (m x m, symmetric).
    steps : int
        Number of integration steps.
    step_sizes : tuple of fmpq
        The exact step sizes (they add up to T).
    order : int
        Taylor order p.
    prec : int
        Working precision in bits.

    Examples
    --------
    ``h' = -h`` for T = 1 from [1, 2]: ``phi = y e^-1``, ``D phi = e^-1``, ``D^2 phi = 0``:

    >>> e = validated_flow("-h1", 1, [("1", "2")])
    >>> e.value[0].contains(arb(-1).exp()) and e.value[0].contains(2 * arb(-1).exp())
    True
    >>> e.jacobian[0, 0].overlaps(arb(-1).exp()), e.hessians[0][0, 0], e.steps > 0
    (True, 0, True)
    """

    value: list
    jacobian: arb_mat
    hessians: list
    steps: int
    step_sizes: tuple
    order: int
    prec: int

    def radii(self) -> dict[str, float]:
        """The largest radius of the value, Jacobian and Hessian balls (upper bounds, as floats).

        Examples
        --------
        >>> e = validated_flow("0", 1, [arb(2)])
        >>> e.radii()
        {'value': 0.0, 'jacobian': 0.0, 'hessians': 0.0}
        """

        def largest(balls):
            return max(float(b.rad()) for b in balls)

        return {
            "value": largest(self.value),
            "jacobian": largest(self.jacobian.entries()),
            "hessians": largest([b for H in self.hessians for b in H.entries()]),
        }

    def curvature(self, weights: Sequence[object]) -> arb_mat:
        """``sum_i w_i D^2 phi_{T,i}``: the Hessian of ``w . phi_T`` (for w = W~ of a neural ODE).

        With ``y = W x + b``, ``Hess Phi(x) = W^T curvature(W~) W``.

        Examples
        --------
        >>> e = validated_flow("0, h1**2", 1, [arb(1), arb(0)])
        >>> e.curvature([0, 1])
        [2.00000000000000, 0]
        [               0, 0]
        """
        if len(weights) != len(self.hessians):
            raise WeightsError(f"expected {len(self.hessians)} weights, got {len(weights)}")
        m = len(self.hessians)
        total = arb_mat(m, m)
        for w, H in zip(weights, self.hessians):
            total += H * (w if isinstance(w, arb) else arb(to_fmpq(w)))
        return total


def validated_flow(
    field: object,
    T: object,
    box: Sequence[object],
    *,
    order: int | None = None,
    prec: int = 128,
    tolerance: object = None,
    max_steps: int = 5000,
) -> FlowEnclosure:
    """Enclose ``phi_T(y)``, ``D phi_T(y)`` and ``D^2 phi_T(y)`` for every y in a box (C^2 Lohner).

    Parameters
    ----------
    field : field description
        Layers (a mapping ``{"A", "V", "c", "activation"}`` of exact numbers
        or a :class:`~symmorse.exact.taylor_fields.LayerFlowField`), polynomial
        components (``"h2, -h1**3"``, a list of texts or SymPy expressions), or
        a model object with a ``flow_field()`` method (a
        :class:`~symmorse.model.node.LayerField` or
        :class:`~symmorse.model.node.NeuralODE`); see
        :func:`~symmorse.exact.taylor_fields.flow_field`.
    T : exact number
        The final time, T > 0 (``"1/3"``, ``1``, ``0.5``: read exactly).
    box : sequence
        The initial values: python-flint balls, exact numbers (points) or
        pairs ``(lo, hi)`` of exact numbers (intervals); m entries.
    order : int, optional
        The Taylor order p (default :func:`default_order` of ``prec``).
    prec : int
        Working precision in bits (``flint.ctx.prec`` during the integration;
        restored afterwards).  The balls returned carry this precision.
    tolerance : number, optional
        The local error aimed at per step (absolute; default
        ``2^-prec max(1, |x|) + 2^-16 (width of the propagated set)``).  Only
        the step sizes depend on it.
    max_steps : int
        Steps allowed before giving up.

    Returns
    -------
    FlowEnclosure

    Raises
    ------
    FlowEnclosureError
        If the flow cannot be enclosed up to T: no a-priori enclosure down to
        steps of ``T 2^-50``, more than ``max_steps`` steps, or non-finite balls
        (typically the solution blows up before T).
    InputError
        For an unsupported field, T <= 0 or a box of the wrong length.

    Examples
    --------
    The rotation ``h' = (h2, -h1)`` for time 1 from (1, 0):

    >>> e = validated_flow("h2, -h1", 1, [1, 0])
    >>> e.value[0].overlaps(arb(1).cos()), e.value[1].overlaps(-arb(1).sin())
    (True, True)
    >>> e.radii()["value"] < 1e-30
    True

    A tanh layer ``h' = -tanh(2 h)`` on the box [0.4, 0.6]:

    >>> e = validated_flow({"A": [[2]], "V": [[-1]], "c": [0]}, "1/2", [("0.4", "0.6")])
    >>> 0 < e.jacobian[0, 0].lower() and e.jacobian[0, 0].upper() < 1
    True

    Blow-up is reported, not enclosed: ``h' = h^2`` from 1 explodes at t = 1.

    >>> validated_flow("h1**2", 2, [1], max_steps=100)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    symmorse.exact.validated_flow.FlowEnclosureError: the flow could not be enclosed up to T = 2: ...
    """
    f = flow_field(field)
    m = f.m
    T_exact = _time(T)
    if isinstance(box, (str, bytes)) or not isinstance(box, Sequence) or len(box) != m:
        raise InputError(f"the box needs {m} entries (balls, numbers or (lo, hi) pairs), got {box!r}")
    p = default_order(prec) if order is None else order
    if isinstance(p, bool) or not isinstance(p, int) or not 1 <= p <= 200:
        raise InputError(f"the Taylor order must be an integer in 1..200, got {order!r}")
    if isinstance(prec, bool) or not isinstance(prec, int) or not 32 <= prec <= 100_000:
        raise InputError(f"the precision must be an integer number of bits in 32..100000, got {prec!r}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise InputError(f"max_steps must be a positive integer, got {max_steps!r}")
    with ctx.workprec(prec):
        y = [_box_entry(v, i) for i, v in enumerate(box, 1)]
        log2_tol = None
        if tolerance is not None:
            tol = to_fmpq(tolerance)
            if tol <= 0:
                raise InputError(f"the tolerance must be positive, got {tolerance!r}")
            log2_tol = _log2(arb(tol))
        return _Integrator(f, p, prec, log2_tol, max_steps).run(y, T_exact)


def _time(T: object) -> fmpq:
    try:
        value = to_fmpq(T)
    except (WeightsError, TypeError, ValueError):
        raise InputError(f"the final time T must be an exact number, got {T!r}") from None
    if value <= 0:
        raise InputError(f"the final time T must be positive, got T = {value}")
    return value


def _box_entry(value: object, i: int) -> arb:
    if isinstance(value, arb):
        if not value.is_finite():
            raise InputError(f"box entry {i} is not a finite ball: {value}")
        return value
    if isinstance(value, tuple) and len(value) == 2:
        lo, hi = (to_fmpq(v) for v in value)
        if lo > hi:
            raise InputError(f"box entry {i}: the interval ({lo}, {hi}) is empty")
        return arb(lo).union(arb(hi))
    try:
        return arb(to_fmpq(value))
    except (WeightsError, TypeError, ValueError):
        raise InputError(
            f"box entry {i}: expected a ball, an exact number or a pair, got {value!r}"
        ) from None


# -- small ball helpers ----------------------------------------------------------------------------


def _column(entries: Sequence) -> arb_mat:
    return arb_mat(len(entries), 1, list(entries))


def _identity(m: int) -> arb_mat:
    return arb_mat(m, m, [int(i == j) for i in range(m) for j in range(m)])


def _symmetric_ball(bound: arb) -> arb:
    """The ball ``[-bound, bound]``."""
    b = bound.upper()
    return arb(0).union(b).union(-b)


def _log2(x: arb) -> float:
    """log2 of |mid(x)| as a float (-inf for 0), without overflow for any exponent."""
    mantissa, exponent = x.mid().man_exp()
    mantissa = abs(int(mantissa))
    if mantissa == 0:
        return -math.inf
    return math.log2(mantissa) + int(exponent)


def _log2_norm(balls: Sequence[arb]) -> float:
    return max((_log2(b) for b in balls), default=-math.inf)


def _largest_radius(balls: Sequence[arb]) -> float:
    return max((_log2(b.rad()) for b in balls), default=-math.inf)


def _abs_max(balls: Sequence[arb]) -> arb:
    best = arb(0)
    for b in balls:
        best = best.max(b.abs_upper())
    return best


def _horner(coefficients: Sequence[arb_mat], h: arb) -> arb_mat:
    total = coefficients[-1]
    for c in reversed(coefficients[:-1]):
        total = total * h + c
    return total


def _power(x: arb, n: int) -> arb:
    result, base = arb(1), x
    while n:
        if n & 1:
            result *= base
        base *= base
        n >>= 1
    return result


def _inf_norm(M: arb_mat) -> arb:
    """An upper bound of ``max_i sum_j |M_ij|`` over all matrices in the ball M."""
    m, n = M.nrows(), M.ncols()
    best = arb(0)
    for i in range(m):
        row = arb(0)
        for j in range(n):
            row += M[i, j].abs_upper()
        best = best.max(row.upper())
    return best


def _intersect(A: arb_mat, B: arb_mat) -> arb_mat:
    return arb_mat(A.nrows(), A.ncols(), [a.intersection(b) for a, b in zip(A.entries(), B.entries())])


def _orthogonal(M: arb_mat) -> arb_mat:
    """The (point) factor Q of a Householder QR factorisation of the point matrix M."""
    m = M.nrows()
    A = [[M[i, j] for j in range(m)] for i in range(m)]
    Q = [[arb(int(i == j)) for j in range(m)] for i in range(m)]
    for k in range(m - 1):
        v = [A[i][k] for i in range(k, m)]
        norm2 = sum((x * x for x in v), arb(0))
        if not norm2 > 0:
            continue
        alpha = norm2.sqrt()
        if v[0].mid() > 0:
            alpha = -alpha
        v[0] -= alpha
        vv = sum((x * x for x in v), arb(0))
        if not vv > 0:
            continue
        v = [x.mid() for x in v]
        scale = 2 / vv
        for j in range(k, m):
            d = scale * sum((v[i] * A[k + i][j] for i in range(len(v))), arb(0))
            for i in range(len(v)):
                A[k + i][j] = (A[k + i][j] - d * v[i]).mid()
        for row in Q:
            d = scale * sum((row[k + i] * v[i] for i in range(len(v))), arb(0))
            for i in range(len(v)):
                row[k + i] = (row[k + i] - d * v[i]).mid()
    return arb_mat(Q).mid()


def _symmetric_blocks(K: arb_mat, m: int) -> list[arb_mat]:
    """The m symmetric matrices stored in the rows of an m x len(pairs(m)) matrix."""
    index = {pair: idx for idx, pair in enumerate(pairs(m))}
    return [
        arb_mat(m, m, [K[i, index[(min(l, n), max(l, n))]] for l in range(m) for n in range(m)])
        for i in range(m)
    ]


def _finite(M: arb_mat) -> bool:
    return all(v.is_finite() for v in M.entries())


# -- the integrator --------------------------------------------------------------------------------


@dataclass
class _Step:
    h: fmpq
    value: arb_mat  # encloses phi_h(x^)
    J: arb_mat  # encloses D phi_h over the box
    K: arb_mat  # encloses D^2 phi_h over the box (pairs)


class _Integrator:
    def __init__(self, field: FlowField, order: int, prec: int, log2_tol: float | None, max_steps: int):
        self.field = field
        self.m = field.m
        self.order = order
        self.prec = prec
        self.log2_tol = log2_tol
        self.max_steps = max_steps
        self.bias = 0.0  # log2 of the step factor that recent rejections ask for
        self.pairs = pairs(self.m)

    def run(self, y: list[arb], T: fmpq) -> FlowEnclosure:
        m, n_pairs = self.m, len(self.pairs)
        identity = _identity(m)
        xc = _column([v.mid() for v in y])
        r0 = _column([v - v.mid() for v in y])
        C, B = identity, identity
        r = arb_mat(m, 1)
        Vc, Rv = identity, arb_mat(m, m)
        Hc, Rh = arb_mat(m, n_pairs), arb_mat(m, n_pairs)
        self.T, self.h_min = T, T / fmpq(2) ** _MIN_STEP_BITS
        t, sizes = fmpq(0), []
        while t < T:
            if len(sizes) >= self.max_steps:
                self._fail(t, f"{self.max_steps} steps were not enough (max_steps)")
            hull = self._hull(xc, C, r0, B, r)
            step = self._step(hull, xc, T - t, t)
            J, K = step.J, step.K
            # Lohner's QR coordinate change, shared by the state and both variations
            JB = J * B
            B_new = _orthogonal(JB.mid())
            try:
                B_inv = B_new.inv()
            except ZeroDivisionError:
                B_new, B_inv = identity, identity
            P = B_inv * JB
            x_new = step.value.mid()
            JC = J * C
            C_new = JC.mid()
            r = B_inv * (step.value - x_new) + (B_inv * (JC - C_new)) * r0 + P * r
            V = Vc + B * Rv
            S = self._second_term(K, V)
            JV = J * Vc
            Vc_new = JV.mid()
            Rv = B_inv * (JV - Vc_new) + P * Rv
            JH = J * Hc + S
            Hc_new = JH.mid()
            Rh = B_inv * (JH - Hc_new) + P * Rh
            xc, C, B, Vc, Hc = x_new, C_new, B_new, Vc_new, Hc_new
            if not all(_finite(M) for M in (r, Rv, Rh)):
                self._fail(t, "the enclosures stopped being finite")
            t += step.h
            sizes.append(step.h)
        value = self._hull(xc, C, r0, B, r)
        jacobian = Vc + B * Rv
        hessians = _symmetric_blocks(Hc + B * Rh, m)
        return FlowEnclosure(value, jacobian, hessians, len(sizes), tuple(sizes), self.order, self.prec)

    def _fail(self, t: fmpq, why: str) -> None:
        raise FlowEnclosureError(
            f"the flow could not be enclosed up to T = {self.T}: {why} at t = {float(t):.17g}; "
            "the solution may blow up (or grow too fast) before T"
        )

    @staticmethod
    def _hull(xc, C, r0, B, r) -> list[arb]:
        """A box containing the doubleton ``xc + C r0 + B r`` and its centre."""
        box = xc + C * r0 + B * r
        return [a.union(c) for a, c in zip(box.entries(), xc.entries())]

    def _second_term(self, K: arb_mat, V: arb_mat) -> arb_mat:
        """``[V^T K_i V]_(l, n)`` for each component i: the chain-rule term of D^2 phi."""
        m = self.m
        VT = V.transpose()
        rows = []
        for Ki in _symmetric_blocks(K, m):
            S = VT * Ki * V
            rows.extend(S[l, n] for l, n in self.pairs)
        return arb_mat(m, len(self.pairs), rows)

    def _log2_tolerance(self, xc: arb_mat, hull: list[arb]) -> float:
        if self.log2_tol is not None:
            return self.log2_tol
        scale = max(0.0, _log2_norm(xc.entries()))
        width = _largest_radius(hull)
        return max(scale - self.prec, width - _WIDTH_BITS)

    def _predict(self, coefficients: list[arb_mat], log2_tol: float, remaining: fmpq) -> fmpq:
        """A step from the last two Taylor coefficients at the centre, splitting the rest evenly."""
        p = self.order
        estimates = []
        for j in range(max(1, p - 1), p + 1):
            size = _log2_norm(coefficients[j].entries())
            if size > -math.inf:
                estimates.append((log2_tol - size) / j)
        if not estimates:
            return remaining
        log2_h = min(estimates) - 0.5 + self.bias  # safety factor ~0.7, and what rejections taught
        left = float(remaining)
        if left <= 0:
            return remaining
        ratio = math.log2(left) - log2_h  # log2 of the number of steps left
        if ratio <= 0:
            return remaining
        if ratio > 40:
            return fmpq(1, 2 ** (-math.floor(log2_h))) if log2_h < 0 else fmpq(2 ** math.floor(log2_h))
        pieces = math.ceil(2.0**ratio)
        h = left / pieces
        return fmpq(*h.as_integer_ratio()) if 0 < h < left else remaining

    def _step(self, hull: list[arb], xc: arb_mat, remaining: fmpq, t: fmpq) -> _Step:
        f, m, p = self.field, self.m, self.order
        log2_tol = self._log2_tolerance(xc, hull)
        scale = max(0.0, _log2_norm(xc.entries()))
        # a wide box: D phi_h over it also in the centred form D phi_h(x^) + D^2 phi_h [x - x^]
        centred = _largest_radius(hull) > max(0.0, _log2_norm(xc.entries())) - self.prec / 2
        if centred:
            centre, X_centre, _ = jets(f, xc, _identity(m), None, p)
        else:
            centre = f.series(xc, p, derivatives=False).x
        if not all(_finite(a) for a in centre):
            self._fail(t, "the Taylor coefficients at the centre are not finite")
        h = first = self._predict(centre, log2_tol, remaining)
        hull_column = _column(hull)
        _, X_box, G_box = jets(f, hull_column, _identity(m), arb_mat(m, len(self.pairs)), p)
        shrinks = 0
        for _ in range(_MAX_HALVINGS):
            if h < self.h_min:
                break
            rough = self._rough_enclosure(hull, h)
            if rough is None:
                h /= 2
                continue
            Z, W, G = rough
            xz, Xz, Gz = jets(f, _column(Z), W, G, p + 1)
            hb = arb(h)
            hp = _power(hb, p + 1)
            remainders = (xz[p + 1] * hp, Xz[p + 1] * hp, Gz[p + 1] * hp)
            if not all(_finite(R) for R in remainders):
                h /= 2
                continue
            sums = (_horner(centre, hb), _horner(X_box, hb), _horner(G_box, hb))
            # each remainder against the tolerance, relative to the size of what it is added to
            excess = max(
                _log2(_abs_max(R.entries()).upper())
                - log2_tol
                - max(0.0, _log2_norm(S.entries()) - (scale if k else 0.0))
                for k, (R, S) in enumerate(zip(remainders[:2], sums[:2]))
            )
            excess -= _REMAINDER_SLACK_BITS
            if excess > 0 and shrinks < 3:
                shrinks += 1
                factor = max(1 / 8, min(1 / 2, 2.0 ** (-excess / (p + 1))))
                h = h * fmpq(*factor.as_integer_ratio())
                continue
            value, J, K = (S + R for S, R in zip(sums, remainders))
            if centred:
                offset = _column([a - c for a, c in zip(hull, xc.entries())])
                shift = [(Ki * offset).entries() for Ki in _symmetric_blocks(K, m)]
                J_centre = (
                    _horner(X_centre, hb) + remainders[1] + arb_mat(m, m, [v for row in shift for v in row])
                )
                J = _intersect(J, J_centre)
            if not (_finite(value) and _finite(J) and _finite(K)):
                h /= 2
                continue
            if h < first:  # the remainder or the enclosure asked for a smaller step: start there next time
                self.bias = max(-20.0, self.bias + math.log2(float(h / first)))
            else:
                self.bias = min(0.0, self.bias + 0.5)
            return _Step(h, value, J, K)
        self._fail(t, f"no a-priori enclosure was found for steps down to T 2^-{_MIN_STEP_BITS}")
        raise AssertionError  # unreachable

    def _rough_enclosure(self, hull: list[arb], h: fmpq):
        """Boxes Z, W, G containing x(t), D phi_t, D^2 phi_t for t in [0, h] and x(0) in the hull, or None."""
        f, m = self.field, self.m
        hb = arb(h)
        tau = arb(0).union(hb)
        fx = f.evaluate(hull)
        Z = [x + tau * v for x, v in zip(hull, fx)]
        slack = arb(2) ** (8 - self.prec)
        for attempt in range(_PICARD_TRIES):
            grow = arb(2) ** (attempt - 3)
            Z = [_widen(z, grow, slack) for z in Z]
            fz = f.evaluate(Z)
            N = [x + tau * v for x, v in zip(hull, fz)]
            if not all(v.is_finite() for v in N):
                return None
            if all(z.contains(n) for z, n in zip(Z, N)):
                break
            Z = [z.union(n) for z, n in zip(Z, N)]
        else:
            return None
        # refine: the solution lies in N, hence in hull + [0, h] f(N) too
        refined = [x + tau * v for x, v in zip(hull, f.evaluate(N))]
        Z = [a.intersection(b) for a, b in zip(N, refined)]
        series = f.series(_column(Z), 1, derivatives=True)
        M = series.M[0]
        mu = _inf_norm(M)
        growth = (mu * hb).exp()
        identity = _identity(m)
        beta = _symmetric_ball(growth - 1)
        W0 = identity + arb_mat(m, m, [beta] * (m * m))
        W = _intersect(identity + (M * W0) * tau, W0)
        F0 = f.forcing(series, [W], 1)[0]
        gamma = _symmetric_ball(_abs_max(F0.entries()) * hb * growth)
        n_pairs = len(self.pairs)
        G0 = arb_mat(m, n_pairs, [gamma] * (m * n_pairs))
        G = _intersect((M * G0 + F0) * tau, G0)
        if not (_finite(W) and _finite(G)):
            return None
        return Z, W, G


def _widen(z: arb, grow: arb, slack: arb) -> arb:
    """The ball z with its radius enlarged by the factor ``1 + grow`` and an absolute slack."""
    radius = z.rad() * (1 + grow) + slack * (1 + z.mid().abs_upper())
    return z.mid() + _symmetric_ball(radius)
