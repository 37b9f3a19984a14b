"""Exact real critical points of polynomial networks, as real algebraic numbers.

For a polynomial activation with rational coefficients and rational weights,
grad Phi = 0 is a system of n polynomial equations over Q.  After a linear
shear ``y = x_n + sum_{i<n} c_i x_i`` (small integers c_i tried in turn), a
lex Groebner basis (SymPy) in *shape position*
``{x_1 - r_1(y), ..., x_{n-1} - r_{n-1}(y), q(y)}`` parametrises every complex
critical point by a root of q; the real ones are the real roots of the
irreducible factors f of q (python-flint), each isolated in an interval with
rational endpoints whose sign change is checked exactly.  A critical point is
then ``x_i = r_i(alpha)`` with alpha the root of f in the interval.

Every further question is the sign of a polynomial h at alpha, decided
exactly: h(alpha) = 0 iff the irreducible f divides h; otherwise the interval
is bisected until an ``arb`` enclosure of h over it excludes 0.  The Morse
index is the number of negative eigenvalues of Hess Phi at the point, read
from the signs of the characteristic polynomial's coefficients (Descartes'
rule of signs is exact for polynomials with only real roots), which also gives
the nullity of a degenerate point.

References
----------
.. [1] F. Rouillier. Solving zero-dimensional systems through the rational
   univariate representation. AAECC 9 (1999).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy
from flint import arb_poly, ctx, fmpq, fmpq_poly, fmpz_poly

from ..exact.limits import Deadline, TimeLimitReached, run_limited
from ..exact.linalg import descartes_inertia
from ..exact.numbers import rational_string, to_fmpq, to_sympy
from ..model.balls import ball_bounds, interval_ball
from ..model.network import Network

__all__ = [
    "RealRoot",
    "real_roots",
    "AlgebraicPoint",
    "AlgebraicCriticalSet",
    "algebraic_critical_points",
]

Box = tuple[tuple[fmpq, fmpq], ...]

#: Shears ``y = x_n + sum c_i x_i`` tried in turn (first entry: no shear).
_SHEARS = [0, 1, -1, 2, 3, -2, 5]
#: Relative width to which point enclosures are refined.
_ENCLOSURE_BITS = 64


class RealRoot:
    """The only root alpha of an irreducible polynomial ``f`` in ``[lo, hi]``.

    Rational roots (f of degree 1) have ``lo == hi == alpha``.

    Examples
    --------
    >>> r = real_roots(fmpz_poly([-2, 0, 1]))[1]  # sqrt(2)
    >>> r.lo < r.hi, r.lo ** 2 < 2 < r.hi ** 2
    (True, True)
    >>> r.sign(fmpq_poly([-3, 2])), r.sign(fmpq_poly([-2, 0, 1]))  # 2*alpha - 3 < 0, alpha^2 - 2 = 0
    (-1, 0)
    """

    def __init__(self, f: fmpq_poly, lo: fmpq, hi: fmpq) -> None:
        self.f, self.lo, self.hi = f, lo, hi

    def refine(self) -> None:
        """Halve the isolating interval (exact sign of f at the midpoint)."""
        if self.lo == self.hi:
            return
        mid = (self.lo + self.hi) / 2
        if (self.f(mid) > 0) == (self.f(self.lo) > 0):
            self.lo = mid
        else:
            self.hi = mid

    def sign(self, h: fmpq_poly) -> int:
        """The exact sign of h(alpha) (-1, 0 or 1)."""
        h = h % self.f
        if h == 0:
            return 0
        if self.lo == self.hi:
            value = h(self.lo)
            return (value > 0) - (value < 0)
        step = 0
        while True:
            lo, hi = self.enclose(h, precision=64 + 16 * step)
            if lo > 0 or hi < 0:
                return 1 if lo > 0 else -1
            self.refine()
            step += 1

    def enclose(self, h: fmpq_poly, precision: int = 64) -> tuple[fmpq, fmpq]:
        """Rational bounds on h(alpha) from ball arithmetic over the interval."""
        if self.lo == self.hi:
            value = h(self.lo)
            return value, value
        with ctx.workprec(precision):
            x = interval_ball(self.lo, self.hi)
            return ball_bounds(arb_poly([interval_ball(c, c) for c in h.coeffs()])(x))

    def narrow(self, h: fmpq_poly, bits: int = _ENCLOSURE_BITS) -> tuple[fmpq, fmpq]:
        """Bounds on h(alpha) of relative width about 2^-bits (absolute 2^-2*bits near 0)."""
        for step in range(4 * bits):
            lo, hi = self.enclose(h, precision=2 * bits + 8 * step)
            scale = max(abs(lo), abs(hi), fmpq(1, 2**bits))
            if hi - lo <= scale / 2**bits:
                break
            self.refine()
        return lo, hi


def real_roots(f: fmpz_poly) -> list[RealRoot]:
    """The real roots of an irreducible ``f``, each isolated in a rational interval, ascending.

    Isolation by python-flint's certified root finder; each interval's sign
    change is re-checked in exact rational arithmetic.

    Examples
    --------
    >>> [(r.lo, r.hi) for r in real_roots(fmpz_poly([3, 2]))]
    [(-3/2, -3/2)]
    """
    f = fmpq_poly(f)
    if f.degree() == 1:
        root = -f.coeffs()[0] / f.coeffs()[1]
        return [RealRoot(f, root, root)]
    roots = []
    for c, _ in fmpz_poly(f.numer()).complex_roots():
        if c.imag == 0:
            lo, hi = ball_bounds(c.real)
            if f(lo) * f(hi) >= 0:
                raise ArithmeticError(f"root isolation of {f} failed at [{lo}, {hi}]")
            roots.append(RealRoot(f, lo, hi))
    roots.sort(key=lambda r: r.lo)
    if any(a.hi >= b.lo for a, b in zip(roots, roots[1:])):
        raise ArithmeticError(f"root isolation of {f} gave overlapping intervals")
    return roots


@dataclass(frozen=True)
class AlgebraicPoint:
    """A real critical point, exactly: see :class:`~symmorse.search.critical.CriticalPoint`."""

    box: Box
    index: int
    nullity: int
    description: dict


@dataclass(frozen=True)
class AlgebraicCriticalSet:
    """The real critical points, or the reason (``unresolved``) why they cannot be listed."""

    points: list[AlgebraicPoint]
    unresolved: str = ""
    note: str = ""


def _poly(expr: sympy.Expr, gens: Sequence[sympy.Symbol]) -> sympy.Poly:
    return sympy.Poly(sympy.expand(expr), *gens, domain="QQ")


def _fmpq_poly(p: sympy.Poly) -> fmpq_poly:
    """A univariate SymPy polynomial as a python-flint one."""
    return fmpq_poly([to_fmpq(c) for c in reversed(p.all_coeffs())])


def _lex_basis(system: list[sympy.Expr], gens: list[sympy.Symbol]) -> tuple[list[sympy.Expr], bool]:
    G = sympy.groebner(system, *gens, order="lex", domain="QQ")
    return list(G.exprs), G.is_zero_dimensional


def _groebner(
    system: list[sympy.Expr], gens: list[sympy.Symbol], deadline: Deadline
) -> tuple[list[sympy.Expr], bool]:
    """The reduced lex Groebner basis and whether it is zero-dimensional, within the deadline.

    SymPy's Buchberger loop cannot poll the deadline, so with a time limit it
    runs in a worker process killed when the limit passes.
    """
    remaining = deadline.remaining()
    if remaining is None:
        return _lex_basis(system, gens)
    outcome = run_limited(_lex_basis, (system, gens), remaining)
    if not outcome.ok:
        raise TimeLimitReached(f"Groebner basis: {outcome.value}")
    return outcome.value


def _shape(polys: list[sympy.Poly], gens: list[sympy.Symbol], deadline: Deadline):
    """``(r_1..r_{n-1}, c, q)`` with x_i = r_i(y), y = x_n + sum c_i x_i, q(y) = 0; or a reason."""
    n = len(gens)
    y = sympy.Symbol("y")
    if n == 1:
        return [], [], polys[0].as_expr().subs(gens[0], y)
    for shear in _SHEARS:
        deadline.check("Groebner basis")
        c = [shear ** (i + 1) for i in range(n - 1)]
        x_n = y - sum(ci * xi for ci, xi in zip(c, gens))
        system = [p.as_expr().subs(gens[-1], x_n) for p in polys]
        exprs, zero_dimensional = _groebner(system, [*gens[:-1], y], deadline)
        if exprs == [1]:
            return [], c, sympy.Integer(1)
        if not zero_dimensional:
            return "the critical set has a positive-dimensional (complex) component"
        rest = [x - e for x, e in zip(gens[:-1], exprs)]
        if len(exprs) == n and all(r.free_symbols <= {y} for r in rest + exprs[-1:]):
            return rest, c, exprs[-1]
    return "the critical points are not in shape position (degenerate points of high multiplicity?)"


def _compose(p: sympy.Poly, coords: list[fmpq_poly], f: fmpq_poly) -> fmpq_poly:
    """``p(coords(y)) mod f`` for a multivariate ``p``."""
    total = fmpq_poly([])
    for exponents, coeff in p.terms():
        term = fmpq_poly([to_fmpq(coeff)])
        for c, e in zip(coords, exponents):
            term = term * c**e % f
        total += term
    return total % f


def _charpoly(A: list[list[fmpq_poly]], f: fmpq_poly) -> list[fmpq_poly]:
    """Coefficients c_0..c_n of det(lambda I - A) over Q[y]/f (Faddeev-LeVerrier)."""
    n = len(A)
    coeffs = [fmpq_poly([0])] * n + [fmpq_poly([1])]
    M = [[fmpq_poly([0])] * n for _ in range(n)]
    for k in range(1, n + 1):
        M = [
            [
                sum((A[i][m] * M[m][j] for m in range(n)), fmpq_poly([0])) % f
                + (coeffs[n - k + 1] if i == j else 0)
                for j in range(n)
            ]
            for i in range(n)
        ]
        trace = sum((A[i][m] * M[m][i] for i in range(n) for m in range(n)), fmpq_poly([0])) % f
        coeffs[n - k] = -trace / k
    return coeffs


def _strings(p: fmpq_poly) -> list[str]:
    return [rational_string(to_sympy(c)) for c in p.coeffs()] or ["0"]


def algebraic_critical_points(net: Network, box: Box | None, deadline: Deadline) -> AlgebraicCriticalSet:
    """Every real critical point of a polynomial network (in ``box``, if given), exactly.

    Examples
    --------
    ``Phi(x) = x^3/3 - x`` has a maximum at -1 and a minimum at 1:

    >>> net = Network("1,1,1", "poly:z**3/3-z", [{"W": [[1]], "b": [0]}, {"W": [[1]], "b": [0]}])
    >>> [(p.box, p.index) for p in algebraic_critical_points(net, None, Deadline(None)).points]
    [(((-1, -1),), 1), (((1, 1),), 0)]
    """
    gens = list(net.inputs)
    n = len(gens)
    gradient = [_poly(g, gens) for g in net.gradient("x")]
    hessian = [[_poly(h, gens) for h in row] for row in net.hessian("x").tolist()]
    if all(g.is_zero for g in gradient):
        return AlgebraicCriticalSet([], "grad Phi vanishes identically: every point is critical")
    shape = _shape(gradient, gens, deadline)
    if isinstance(shape, str):
        return AlgebraicCriticalSet([], shape)
    rest, shear, q = shape
    y = sympy.Symbol("y")
    q_poly = _fmpq_poly(sympy.Poly(q, y, domain="QQ"))
    rs = [_fmpq_poly(sympy.Poly(r, y, domain="QQ")) for r in rest]
    Y = fmpq_poly([0, 1])
    coords = rs + [Y - sum((ci * ri for ci, ri in zip(shear, rs)), fmpq_poly([0]))]
    points = []
    if q_poly.degree() < 1:
        return AlgebraicCriticalSet([])
    _, factors = fmpz_poly(q_poly.numer()).factor()
    for factor, _multiplicity in factors:
        f = fmpq_poly(factor)
        xs = [c % f for c in coords]
        H = [[_compose(h, xs, f) for h in row] for row in hessian]
        charpoly = _charpoly(H, f)
        for root in real_roots(factor):
            deadline.check("exact critical points")
            if box is not None and not all(
                root.sign(x - lo) >= 0 and root.sign(hi - x) >= 0 for x, (lo, hi) in zip(xs, box)
            ):
                continue
            inertia = descartes_inertia([root.sign(c) for c in charpoly])
            bounds = [root.narrow(x) for x in xs]
            description = {
                "polynomial": _strings(f),
                "interval": [rational_string(to_sympy(v)) for v in (root.lo, root.hi)],
                "coordinates": [_strings(x) for x in xs],
            }
            points.append(AlgebraicPoint(tuple(bounds), inertia.negative, inertia.zero, description))
    points.sort(key=lambda p: [lo for lo, _ in p.box])
    note = "" if n == 1 else f"shear y = x{n}" + "".join(f" + {c}*x{i}" for i, c in enumerate(shear, 1) if c)
    return AlgebraicCriticalSet(points, note=note)
