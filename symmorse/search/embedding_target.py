"""The critical points of a target f: exact for rational polynomials, certified numerics otherwise.

They decide which architecture classes can represent f (:mod:`symmorse.search.embedding`).
For a polynomial f with rational coefficients a lex Groebner basis of grad f
decides them exactly: ``{1}`` proves there are none, a zero-dimensional ideal is
solved exactly and each real point's Hessian decided exactly (its index by
Descartes' rule on the exactly decided signs of its characteristic polynomial,
:func:`symmorse.exact.linalg.descartes_inertia`), positive-dimensional parts are
solved parametrically.  Otherwise Newton's method (:func:`symmorse.search.newton.newton`)
from seeded starts finds points, each certified by Krawczyk's test in ball
arithmetic (:mod:`symmorse.search.krawczyk`: existence, uniqueness,
non-degeneracy, and the index from :func:`symmorse.exact.linalg.inertia`),
labelled ``certified`` and not claimed complete.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

import flint
import mpmath
import sympy

from ..exact.errors import InputError
from ..exact.expressions import FUNCTIONS, parse_expression
from ..exact.linalg import descartes_inertia, inertia
from ..exact.numbers import enclose, rational_ball, to_fmpq
from ..model.balls import interval_ball
from ..model.flows import vanishes
from .krawczyk import krawczyk
from .newton import newton

__all__ = ["TargetCriticalPoint", "TargetAnalysis", "parse_target", "target_critical_points"]


@dataclass(frozen=True)
class TargetCriticalPoint:
    """A critical point of the target, or a family of them.

    Attributes
    ----------
    point : list of sympy.Expr
        Coordinates; exact, or rationals close to a certified point, or (for
        a family) expressions in the free variables.
    dimension : int
        0 for a point, d for a d-dimensional family (every point degenerate).
    degenerate : bool or None
        None if not decided.
    index : int or None
        Number of negative Hessian eigenvalues (None if degenerate/undecided).
    status : {"proved", "certified", "numerical"}
    """

    point: list
    dimension: int
    degenerate: bool | None
    index: int | None
    status: str

    @property
    def isolated(self) -> bool:
        """Whether this is a single point (dimension 0)."""
        return self.dimension == 0

    @property
    def kind(self) -> str:
        """What the point is, in words: a degenerate family, degenerate, undecided, or its index.

        Examples
        --------
        >>> TargetCriticalPoint([0, 0], 0, False, 1, "proved").kind
        'non-degenerate, index 1'
        """
        if self.dimension:
            return f"{self.dimension}-dimensional family, degenerate"
        if self.degenerate:
            return "degenerate"
        return "type undecided" if self.degenerate is None else f"non-degenerate, index {self.index}"

    def to_json(self, digits: int = 20) -> dict:
        """JSON-ready form."""
        exact = self.status == "proved"
        return {
            "point": [str(c) if exact else str(sympy.N(c, digits)) for c in self.point],
            "dimension": self.dimension,
            "isolated": self.isolated,
            "degenerate": self.degenerate,
            "index": self.index,
            "status": self.status,
        }


@dataclass(frozen=True)
class TargetAnalysis:
    """The critical points of a target and whether the list is complete (proved)."""

    target: sympy.Expr
    variables: list[sympy.Symbol]
    points: list[TargetCriticalPoint]
    complete: bool
    method: str


def parse_target(text: str, variables: str | Sequence[str]) -> tuple[sympy.Expr, list[sympy.Symbol]]:
    """Parse a target ``f`` in the given variables (whitelisted; unknown names are errors).

    Examples
    --------
    >>> parse_target("x**2 - y**2", "x,y")
    (x**2 - y**2, [x, y])
    """
    names = [v.strip() for v in variables.split(",")] if isinstance(variables, str) else list(variables)
    if not names or any(not isinstance(v, str) or not v.isidentifier() for v in names):
        raise InputError(f"variables must be names such as x,y; got {variables!r}")
    if len(set(names)) != len(names):
        raise InputError(f"variables {names} repeat a name")
    clash = [v for v in names if v in FUNCTIONS or v in ("E", "pi")]
    if clash:
        raise InputError(f"variable name {clash[0]!r} is reserved (a function or constant)")
    clash = [v for v in names if v == "t" or re.fullmatch(r"h[0-9]+", v)]
    if clash:
        raise InputError(
            f"variable name {clash[0]!r} is reserved (the neural ODE's time t and coordinates h1, h2, ...)"
        )
    xs = [sympy.Symbol(v, real=True) for v in names]
    return parse_expression(text, xs, what="target"), xs


def _rational_polynomial(f, xs) -> bool:
    if not f.is_polynomial(*xs):
        return False
    return all(c.is_Rational for c in sympy.Poly(f, *xs).coeffs())


def _is_zero_algebraic(value: sympy.Expr) -> bool:
    """Exact zero test for an algebraic number (its minimal polynomial is x)."""
    value = sympy.nsimplify(value) if value.is_Float else value
    if value.is_Rational:
        return value == 0
    z = sympy.Dummy("z")
    return sympy.minimal_polynomial(value, z) == z


def _sign(value: sympy.Expr) -> int:
    """Sign of a non-zero real algebraic number: exact, ball arithmetic, or root isolation."""
    if value.is_Rational:
        return 1 if value > 0 else -1
    try:
        ball = enclose(value)
        if ball > 0 or ball < 0:
            return 1 if ball > 0 else -1
    except ValueError:
        pass
    return 1 if value.is_positive else -1 if value.is_negative else _sign_by_minimal_polynomial(value)


def _sign_by_minimal_polynomial(value):
    z = sympy.Dummy("z")
    p = sympy.Poly(sympy.minimal_polynomial(value, z), z)
    approx = sympy.N(value, 50)
    for (lo, hi), _ in p.intervals():
        if lo <= approx <= hi and (lo > 0 or hi < 0):
            return 1 if lo > 0 else -1
    raise InputError(f"could not decide the sign of {value}")


def _exact_sign(value: sympy.Expr) -> int:
    """Sign (-1, 0 or 1) of a real algebraic number, decided exactly."""
    return 0 if _is_zero_algebraic(value) else _sign(value)


def _classify_point(f, xs, point, status) -> TargetCriticalPoint:
    H = sympy.hessian(f, xs).xreplace(dict(zip(xs, point)))
    det = sympy.simplify(H.det(method="berkowitz"))
    if _is_zero_algebraic(det):
        return TargetCriticalPoint(list(point), 0, True, None, status)
    # the characteristic polynomial of a symmetric matrix is real-rooted: Descartes' rule is exact
    signs = [_exact_sign(c) for c in reversed(H.charpoly().all_coeffs())]
    return TargetCriticalPoint(list(point), 0, False, descartes_inertia(signs).negative, status)


def _polynomial_critical_points(f, xs) -> TargetAnalysis:
    grad = [sympy.expand(sympy.diff(f, x)) for x in xs]
    if all(g == 0 for g in grad):
        point = TargetCriticalPoint(list(xs), len(xs), True, None, "proved")
        return TargetAnalysis(f, xs, [point], True, "f is constant: every point is critical")
    nonzero = [g for g in grad if g != 0]
    basis = sympy.groebner(nonzero, *xs, order="lex")
    if list(basis.exprs) == [1]:
        return TargetAnalysis(
            f, xs, [], True, "lex Groebner basis of grad f is {1}: no complex critical point"
        )
    if basis.is_zero_dimensional:
        points = [_classify_point(f, xs, sol, "proved") for sol in _real_solutions(nonzero, xs)]
        return TargetAnalysis(
            f,
            xs,
            points,
            True,
            "grad f = 0 has finitely many complex solutions (zero-dimensional lex Groebner "
            "basis); every real one has coordinates among the real roots of the eliminants, "
            "and each candidate is checked exactly",
        )
    used = [x for x in xs if any(e.has(x) for e in basis.exprs)]
    if sympy.groebner(basis.exprs, *used, order="lex").is_zero_dimensional:
        # V(grad f) = (finitely many points in the used variables) x R^(unused): complete
        free = [x for x in xs if x not in used]
        points = []
        for sol in _real_solutions(list(basis.exprs), used):
            at = dict(zip(used, sol))
            points.append(TargetCriticalPoint([at.get(x, x) for x in xs], len(free), True, None, "proved"))
        return TargetAnalysis(
            f,
            xs,
            points,
            True,
            f"grad f = 0 involves only {', '.join(map(str, used))}, where it has finitely many "
            f"solutions (solved exactly); {', '.join(map(str, free))} are free",
        )
    points = []
    for sol in sympy.solve(nonzero, xs, dict=True):
        values = [sympy.simplify(sol.get(x, x)) for x in xs]
        free = sorted(set().union(*(v.free_symbols for v in values)) & set(xs), key=str)
        if not all(vanishes(g.xreplace(dict(zip(xs, values)))) for g in grad):
            raise InputError(f"a solution {sol} of grad f = 0 did not check out")
        if free:
            real = _real_family(values, free)
            points.append(
                TargetCriticalPoint(
                    values, len(free), True if real else None, None, "proved" if real else "numerical"
                )
            )
        elif all(v.is_real for v in values):
            points.append(_classify_point(f, xs, values, "proved"))
    return TargetAnalysis(
        f,
        xs,
        points,
        False,
        "grad f = 0 has a positive-dimensional solution set; the families found by sympy.solve "
        "are verified, but completeness is not proved",
    )


_MAX_CANDIDATES = 400


def _real_solutions(polys, xs) -> list[tuple]:
    """All real solutions of a zero-dimensional polynomial system, exactly.

    For each variable the lex Groebner basis with that variable last ends in
    its eliminant; every real solution is a tuple of real roots of the
    eliminants, and each candidate is kept iff every polynomial vanishes at it
    (exact zero test by minimal polynomials).
    """
    roots = []
    for v in xs:
        order = [w for w in xs if w != v] + [v]
        eliminant = sympy.Poly(sympy.groebner(polys, *order, order="lex").exprs[-1], v)
        roots.append(list(dict.fromkeys(eliminant.real_roots())))
    if sympy.prod(len(r) for r in roots) > _MAX_CANDIDATES:
        raise InputError(
            f"too many candidate critical points ({' x '.join(str(len(r)) for r in roots)}) "
            "for the exact route"
        )
    return [
        c
        for c in itertools.product(*roots)
        if all(_is_zero_algebraic(p.xreplace(dict(zip(xs, c)))) for p in polys)
    ]


def _real_family(values, free) -> bool:
    """Whether a parametrised solution family has real points of full dimension.

    True if at some small rational parameter every value is real and every
    fractional power's base is strictly positive (so the family stays real
    nearby); False means "not shown".
    """
    samples = [sympy.Integer(0), sympy.Rational(1, 2), sympy.Rational(-1, 2), sympy.Rational(1, 3)]
    for sample in itertools.product(samples, repeat=len(free)):
        at = dict(zip(free, sample))
        bases = [p.base.xreplace(at) for v in values for p in v.atoms(sympy.Pow) if not p.exp.is_Integer]
        try:
            if all(not _is_zero_algebraic(b) and _sign(b) > 0 for b in bases) and all(
                v.xreplace(at).is_real for v in values
            ):
                return True
        except (InputError, NotImplementedError):
            continue
    return False


def _numerical_critical_points(f, xs, digits, box, seed, count) -> TargetAnalysis:
    grad = [sympy.diff(f, x) for x in xs]
    if any(g.is_positive or g.is_negative for g in grad):
        return TargetAnalysis(
            f, xs, [], True, "a partial derivative of f has a constant sign: no critical point"
        )
    H = sympy.hessian(f, xs)
    if H.has(sympy.Abs, sympy.sign, sympy.DiracDelta, sympy.Heaviside, sympy.Piecewise):
        raise InputError(
            f"the target {f} is not twice differentiable everywhere (its Hessian involves "
            "abs/sign/Dirac terms); critical points and Morse types need a C^2 target"
        )
    numeric = sympy.lambdify([xs], [grad, H.tolist()], "mpmath")
    rng = random.Random(seed)
    found: list[TargetCriticalPoint] = []
    centres: list = []
    with mpmath.workdps(digits + 10):
        tol = mpmath.mpf(10) ** (-digits)
        for _ in range(count):
            x = newton(numeric, [mpmath.mpf(rng.uniform(-box, box)) for _ in xs], tol)
            if x is None or any(mpmath.norm(mpmath.matrix(x) - c) < mpmath.sqrt(tol) for c in centres):
                continue
            centres.append(mpmath.matrix(x))
            found.append(_certify(xs, grad, H, x, digits))
    return TargetAnalysis(
        f,
        xs,
        found,
        False,
        f"Newton's method from {count} seeded points in [-{box}, {box}]^{len(xs)} at {digits} "
        "digits, each point certified by the Krawczyk test in ball arithmetic where possible; "
        "other critical points may exist",
    )


def _certify(xs, grad, H, x, digits) -> TargetCriticalPoint:
    """Certify a Newton point: the only zero of grad f in a small box (Krawczyk), and its index."""
    centre = [sympy.Rational(mpmath.nstr(v, digits + 5, strip_zeros=False)) for v in x]
    radius = sympy.Rational(1, 10 ** (digits // 2))
    bounds = [(to_fmpq(c - radius), to_fmpq(c + radius)) for c in centre]
    with flint.ctx.workprec(int(digits * 3.33) + 64):
        point = {s: rational_ball(c) for s, c in zip(xs, centre)}
        box = {s: interval_ball(lo, hi) for s, (lo, hi) in zip(xs, bounds)}
        J = [[enclose(e, box) for e in row] for row in H.tolist()]
        K = krawczyk(list(point.values()), list(box.values()), [enclose(e, point) for e in grad], J)
        if K is None or not K.inside(bounds):
            return TargetCriticalPoint(centre, 0, None, None, "numerical")
        det = flint.arb_mat(J).det()
        if not (det > 0 or det < 0):
            return TargetCriticalPoint(centre, 0, None, None, "certified")
        # det Hess has one sign on the box, so the index there is the index at the centre
        at_centre = inertia(flint.arb_mat([[enclose(e, point) for e in row] for row in H.tolist()]))
        index = None if at_centre is None else at_centre.negative
        return TargetCriticalPoint(centre, 0, False, index, "certified")


def target_critical_points(
    f: sympy.Expr,
    variables: Sequence[sympy.Symbol],
    exact: bool = False,
    digits: int = 30,
    box: float = 3.0,
    seed: int = 0,
    count: int = 20,
) -> TargetAnalysis:
    """The critical points of f: exact for rational polynomials, certified numerics otherwise.

    Parameters
    ----------
    exact : bool
        Require the exact route; a non-polynomial f is then an error.

    Raises
    ------
    InputError
        With ``exact=True`` and f not a polynomial with rational coefficients.

    Examples
    --------
    >>> f, xs = parse_target("x**3 + y**2", "x,y")
    >>> [(p.point, p.degenerate) for p in target_critical_points(f, xs).points]
    [([0, 0], True)]
    >>> target_critical_points(*parse_target("x**2 - y**2", "x,y")).points[0].index
    1
    """
    xs = list(variables)
    if _rational_polynomial(f, xs):
        return _polynomial_critical_points(sympy.expand(f), xs)
    if exact:
        raise InputError(
            f"the target {f} is not a polynomial with rational coefficients in "
            f"{', '.join(map(str, xs))}; exact critical points need one (drop --exact)"
        )
    return _numerical_critical_points(f, xs, digits, box, seed, count)
