"""Universal embedding: which architecture classes can represent a target f exactly.

The critical points of ``f`` decide it (DESIGN section 5).  They are found
exactly for polynomial f with rational coefficients (a lex Groebner basis:
``{1}`` proves there are none; a zero-dimensional ideal is solved exactly and
each real point's Hessian is decided exactly; positive-dimensional parts are
solved parametrically), and otherwise by Newton's method with each point
certified by the Krawczyk test in ball arithmetic (existence, uniqueness,
non-degeneracy and index), labelled ``certified`` and not claimed complete.
Every class (MLP non-augmented / augmented / bottleneck, neural ODE
non-augmented / augmented / degenerate) is then ``excluded``, ``null-set-only``
or ``possible`` for each kind of critical point, with the reason.  Finally
the augmented neural ODE with the shear field ``h_{n+1}' = f(h_1..h_n)/T``
that represents f exactly is built and ``Phi = f`` is verified symbolically;
its certificate is for the kernel (:mod:`symmorse.kernel.node`) to re-check.
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
from ..exact.numbers import enclose, rational_ball, rational_string, real_analytic, to_fmpq, to_rational
from ..model.balls import interval_ball
from ..model.node import (
    NeuralODE,
    NodeWeights,
    expression_text,
    flow_residual,
    input_symbols,
    phase_symbols,
    vanishes,
)
from .krawczyk import krawczyk
from .newton import newton

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
    "Embedding",
    "embed",
    "embedding_text",
]

#: The architecture classes of the representability table, in output order.
CLASSES = (
    "mlp-non-augmented",
    "mlp-augmented",
    "mlp-bottleneck",
    "node-non-augmented",
    "node-augmented",
    "node-degenerate",
)


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


# -- critical points of the target ----------------------------------------------------------


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


# -- which classes can represent f ------------------------------------------------------------

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


# -- the shear construction -------------------------------------------------------------------

#: The format of the embedding certificate (re-checked by :mod:`symmorse.kernel.node`).
FORMAT = "symmorse-node/1"


@dataclass(frozen=True)
class Construction:
    """The augmented neural ODE (m = n + 1) that represents f exactly, and its verification."""

    node: NeuralODE
    weights: NodeWeights
    verified: bool
    reason: str
    certificate: dict | None

    @property
    def phase_dim(self) -> int:
        """The phase-space dimension m = n + 1."""
        return self.node.m


def shear_embedding(f: sympy.Expr, variables: Sequence[sympy.Symbol], time: object = 1) -> Construction:
    """Build ``h_i' = 0`` (i <= n), ``h_{n+1}' = f(h_1..h_n)/T``, W = [I; 0], W~ = e_{n+1}; verify Phi = f.

    The flow is ``phi_t(h) = (h_1, ..., h_n, h_{n+1} + t f(h_1..h_n)/T)``, so
    ``Phi(x) = phi_T(x, 0)_{n+1} = f(x)``.  ``verified`` is the search's own
    symbolic check of every condition the kernel applies to an embedding
    certificate (the flow solves the ODE, the field and the flow are real-analytic
    everywhere, Phi - f vanishes identically); the certificate, written only when
    verified, is for :func:`symmorse.kernel.check_certificate` to re-check.

    Raises
    ------
    InputError
        For T <= 0, or a target not shown to be real-analytic on all of R^n
        (``log(x)``, ``1/x``, ``sqrt(x)``, ``abs(x)``: the field would be undefined
        or not smooth somewhere, and Phi = f would be false there).

    Examples
    --------
    >>> c = shear_embedding(*parse_target("x**3 + y**2", "x,y"))
    >>> c.phase_dim, c.verified, c.node.field
    (3, True, (0, 0, h1**3 + h2**2))
    """
    xs = list(variables)
    n = len(xs)
    h = phase_symbols(n + 1)
    T = to_rational(time, "T") if not isinstance(time, sympy.Rational) else time
    if T <= 0:
        raise InputError(f"the final time T must be positive, got T = {T}")
    if not real_analytic(f):
        raise InputError(
            f"the target {f} is not shown to be real-analytic on all of R^{n} (symmorse embeds functions "
            "defined on the whole space: polynomials, exp, sin, cos, sinh, cosh, tanh, atan, asinh, erf, "
            "powers and logs of provably positive expressions)"
        )
    node = NeuralODE(n, [sympy.Integer(0)] * n + [f.xreplace(dict(zip(xs, h))) / T], time=T)
    weights = node.weights()  # W = [I; 0], b = 0, W~ = e_{n+1}, b~ = 0
    if node.flow is None:
        return Construction(node, weights, False, "the shear flow was not found in closed form", None)
    cert = {
        "format": FORMAT,
        "kind": "embedding",
        "n": n,
        "m": n + 1,
        "T": rational_string(node.T),
        "field": [expression_text(e) for e in node.field],
        "flow": [expression_text(p) for p in node.flow.expressions],
        "target": expression_text(f),
        "variables": [x.name for x in xs],
        "weights": weights.to_json(),
        "claims": {"phi_equals_target": True},
    }
    problem = _not_shown(node, weights, f, xs)
    if problem is not None:
        return Construction(node, weights, False, problem, None)
    reason = f"Phi(x) = W_out phi_T(W x + b) + b_out equals {f} identically on R^{n}"
    return Construction(node, weights, True, reason, cert)


def _not_shown(node: NeuralODE, weights: NodeWeights, f: sympy.Expr, xs: list[sympy.Symbol]) -> str | None:
    """Why Phi = f is not shown (None if it is), by the checks the kernel applies to the certificate.

    The flow solves the ODE (``phi_0 = id``, ``d/dt phi = field(phi)``); the field
    and the flow are real-analytic on all of R^m and R^(m+1), so the flow exists up
    to time T from every start point; and ``W_out phi_T(W x + b) + b_out - f``
    vanishes identically.  (T > 0 and a real-analytic target are required on entry.)
    """
    problem = flow_residual(node.field, node.flow.expressions, node.h)
    if problem is not None:
        return f"the flow does not solve the ODE: {problem}"
    if not all(real_analytic(e) for e in (*node.field, *node.flow.expressions)):
        return (
            "the field and the flow are not shown to be real-analytic on all of R^m and R^(m+1), so the "
            "flow is not shown to exist up to time T from every start point"
        )
    phi = node.output(weights).xreplace(dict(zip(input_symbols(len(xs)), xs)))
    if not vanishes(phi - f):
        return f"Phi(x) = {phi} is not shown to equal the target {f}"
    return None


# -- everything together ------------------------------------------------------------------------


@dataclass(frozen=True)
class Embedding:
    """Critical points of f, the class table and the shear construction."""

    analysis: TargetAnalysis
    classes: dict[str, ClassVerdict]
    construction: Construction
    digits: int

    def to_json(self) -> dict:
        """JSON-ready form (see ``docs/neural-odes.md``)."""
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
        }


def embed(
    text: str,
    variables: str | Sequence[str],
    time: object = 1,
    exact: bool = False,
    digits: int = 30,
    seed: int = 0,
) -> Embedding:
    """Analyse a target f: critical points, the class table, and the exact shear embedding.

    Raises
    ------
    InputError
        For unknown symbols, bad variable names, T <= 0, or (``exact=True``) a
        non-polynomial target.

    Examples
    --------
    >>> e = embed("x + y", "x,y")
    >>> e.analysis.points, set(v.status for v in e.classes.values()), e.construction.verified
    ([], {'possible'}, True)
    """
    f, xs = parse_target(text, variables)
    construction = shear_embedding(f, xs, time)  # first: it validates T
    analysis = target_critical_points(f, xs, exact=exact, digits=digits, seed=seed)
    return Embedding(analysis, representability(analysis), construction, digits)


def embedding_text(e: Embedding) -> str:
    """Human-readable report of :func:`embed`."""
    lines = [
        f"target f = {e.analysis.target} in ({', '.join(x.name for x in e.analysis.variables)})",
        f"critical points ({'complete' if e.analysis.complete else 'not proved complete'}; "
        f"{e.analysis.method}):",
    ]
    if not e.analysis.points:
        lines.append("  none")
    for p in e.analysis.points:
        j = p.to_json(e.digits)
        kind = (
            f"{p.dimension}-dimensional family, degenerate"
            if p.dimension
            else "degenerate"
            if p.degenerate
            else "type undecided"
            if p.degenerate is None
            else f"non-degenerate, index {p.index}"
        )
        lines.append(f"  ({', '.join(j['point'])}): {kind} [{p.status}]")
    lines.append("classes (by the critical-point argument):")
    for cls, v in e.classes.items():
        lines.append(f"  {cls:20} {v.status:14} {v.reason}")
    c = e.construction
    lines.append(
        f"construction: augmented neural ODE, m = {c.phase_dim}, h' = ({', '.join(map(str, c.node.field))}), "
        f"T = {c.node.T}, W = [I; 0], W_out = e_{c.phase_dim}"
    )
    lines.append(f"  Phi = f verified: {c.verified} ({c.reason})")
    return "\n".join(lines)
