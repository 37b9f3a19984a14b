"""Checker kernel for neural-ODE certificates (format ``symmorse-node/1``).

A certificate states a neural ODE ``Phi(x) = W~ phi_T(W x + b) + b~`` (input
width n, phase space m, field in ``h1..hm``, final time T, optionally the
closed-form flow in ``h1..hm, t``) and either a classification or an exact
embedding ``Phi = f``; a classification ranges over the weights it leaves
free (``claims.free_weights``).  This kernel re-derives every claim with exact
arithmetic: the flow is checked against the ODE symbolically (and must be
real-analytic on all of R^(m+1) wherever it is used, so it is global), ranks
are computed with python-flint, Dphi_T and D^2phi_T are differentiated from
the flow, and every zero test goes through :mod:`symmorse.kernel.constants`:
an identity holds when it expands to 0 and is refuted by a ball at a rational
point; a constant is zero by expansion or by its annihilating polynomial
(algebraic constants), non-zero by a ball that excludes 0; anything else is
not shown, and the certificate is rejected, saying so.  A *ball witness*
(no closed-form flow: rational weights and a Krawczyk box) is re-derived by
:mod:`symmorse.kernel.node_ball` with the exact-layer validated integrator.  See
``docs/neural-odes.md`` for the format and the theorems each class rests on.

What SymPy is trusted for, and nothing else: the whitelisted parser
(:func:`~symmorse.exact.expressions.parse_expression`, with SymPy's automatic
evaluation of what it builds); exact differentiation (``diff``, ``jacobian``,
``hessian``) and substitution (``xreplace``); sums and products of matrices of
expressions and their division-free (Berkowitz) determinant; ``expand``, whose
result 0 proves an identity; and SymPy's assumptions (``is_positive``) inside
:func:`~symmorse.exact.numbers.real_analytic`, which shows a field, flow or
target analytic on all of R^k.  Ranks, kernels and rational matrix products
are FLINT's; signs are FLINT balls.
"""

from __future__ import annotations

import sympy
from flint import fmpq_mat

from ..exact.errors import CertificateError, ExpressionError, WeightsError
from ..exact.expressions import FUNCTIONS, parse_expression
from ..exact.numbers import enclose, globally_lipschitz, real_analytic, to_fmpq, to_rational
from ..exact.words import plural
from . import node_ball
from .base import CheckResult, Rejected
from .constants import decide, identity

__all__ = ["FORMAT", "check"]

FORMAT = "symmorse-node/1"
_TIME = sympy.Symbol("t", real=True)
_VERDICTS = {
    "constant": ("everywhere", "fails"),
    "non-augmented": ("none", "generic"),
    "affine": ("null-set", "fails"),
    "augmented": ("generic", "generic"),
}
#: Verdicts of the affine class when W and W_out are both fixed: Phi is affine with a known slope.
_AFFINE_FIXED = (("none", "generic"), ("everywhere", "fails"))
#: Classes whose existence statement is about generic W_out, so a certificate must leave W_out free.
_GENERIC_IN_W_OUT = ("degenerate", "augmented")


def check(data: dict) -> CheckResult:
    """Check a ``symmorse-node/1`` certificate.

    Raises
    ------
    CertificateError
        If ``data`` is not a readable certificate of this format.

    Examples
    --------
    >>> cert = {"format": FORMAT, "kind": "classification", "n": 2, "m": 2, "T": "1",
    ...         "field": ["h2", "-h1"], "flow": None, "W": None, "W_out": None,
    ...         "claims": {"rank_W": 2, "rank_W_out": 1, "free_weights": ["W", "b", "W_out", "b_out"]},
    ...         "verdict": {"class": "non-augmented", "critical_points": "none", "morse": "generic"}}
    >>> check(cert).accepted
    True
    >>> check({**cert, "m": 3}).reason
    'field: expected 3 components, got 2'
    """
    try:
        return CheckResult(True, _check(data))
    except Rejected as exc:
        return CheckResult(False, str(exc))
    except (ArithmeticError, TypeError, ValueError, NotImplementedError, RecursionError) as exc:
        # sympy or flint could not evaluate something the certificate asks for: not shown
        return CheckResult(False, f"a claim could not be checked ({type(exc).__name__}: {exc})")


def _check(data) -> str:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CertificateError(f"not a {FORMAT} certificate")
    n, m = _count(data, "n"), _count(data, "m")
    T = _rational(_get(data, "T"), "T")
    if T <= 0:
        raise Rejected(f"T = {T} is not positive")
    h = [sympy.Symbol(f"h{i}", real=True) for i in range(1, m + 1)]
    field = _expressions(_get(data, "field"), m, h, "field")
    flow = None
    if data.get("flow") is not None:
        flow = _expressions(data["flow"], m, [*h, _TIME], "flow")
        _check_flow(field, flow, h)
    kind = _get(data, "kind")
    if kind == "embedding":
        return _check_embedding(data, n, m, T, h, field, flow)
    if kind not in ("classification", "critical-points"):
        raise CertificateError(f"unknown certificate kind {kind!r}")
    layers = None if data.get("layer_field") is None else _layers(data["layer_field"], m, h, field)
    if kind == "critical-points":
        return _check_critical_points(data, n, m, T, field, layers)
    return _check_classification(data, n, m, T, h, field, flow, layers)


# -- certified critical points of given weights ---------------------------------------------


def _check_critical_points(data, n, m, T, field, layers) -> str:
    """Each listed box holds exactly one critical point of Phi, non-degenerate, of the stated index
    (node_ball.check_ball with U = W, y = b); the boxes are disjoint, so the points are distinct."""
    weights = _get(data, "weights")
    W = _matrix(_get(weights, "W"), m, n, "weights W")
    if _rank(W) != n:
        raise Rejected(f"certified critical points need rank W = n = {n} (else none is isolated)")
    b = [to_fmpq(v) for v in _matrix([_get(weights, "b")], 1, m, "weights b")]
    w_out = [to_fmpq(v) for v in _matrix([_get(weights, "W_out")], 1, m, "weights W_out")]
    if _get(data, "complete") is not False:
        raise Rejected("this certificate lists certified critical points; completeness is not shown by it")
    F = layers if layers is not None else node_ball.polynomial_field(field)
    U = [[to_fmpq(v) for v in W.row(i)] for i in range(m)]
    domain = None
    if data.get("domain") is not None:
        domain = _box(data["domain"], n, "domain")
    boxes, claims = [], []
    for j, point in enumerate(_get(data, "points"), 1):
        box = _box(_get(point, "box"), n, f"point {j} box")
        if domain is not None and not all(a <= lo and hi <= c for (lo, hi), (a, c) in zip(box, domain)):
            raise Rejected(f"the box of point {j} is not inside the domain")
        for i, other in enumerate(boxes, 1):
            if all(lo < o_hi and o_lo < hi for (lo, hi), (o_lo, o_hi) in zip(box, other)):
                raise Rejected(f"the boxes of points {i} and {j} overlap, so they may be one critical point")
        Y = _matrix(_get(point, "Y"), n, n, f"point {j} Y")
        try:
            claim = node_ball.check_ball(
                F,
                to_fmpq(T),
                U,
                b,
                w_out,
                box,
                [[to_fmpq(v) for v in Y.row(i)] for i in range(n)],
                _get(data, "prec"),
                _get(point, "index"),
            )
        except Rejected as exc:
            raise Rejected(f"point {j}: {exc}") from None
        boxes.append(box)
        claims.append(f"point {j}: {claim}")
    where = "" if domain is None else " in the domain " + " x ".join(f"[{lo}, {hi}]" for lo, hi in domain)
    return (
        f"{plural(len(boxes), 'distinct non-degenerate critical point')} of Phi{where}, each alone in its "
        f"box (validated flows at {_get(data, 'prec')} bits; the list is not claimed complete): "
        + "; ".join(claims)
    )


def _box(value, n, what):
    """n rational intervals [lo, hi] with lo < hi (the schema has read a list of pairs of rationals)."""
    if len(value) != n:
        raise Rejected(f"{what} needs {n} intervals")
    M = _matrix(value, n, 2, what)
    box = [(to_fmpq(M[i, 0]), to_fmpq(M[i, 1])) for i in range(n)]
    if any(not lo < hi for lo, hi in box):
        raise Rejected(f"{what}: every interval needs lo < hi")
    return box


# -- classification ---------------------------------------------------------------------


def _check_classification(data, n, m, T, h, field, flow, layers) -> str:
    verdict, claims = _get(data, "verdict"), _get(data, "claims")
    if not isinstance(verdict, dict) or not isinstance(claims, dict):
        raise CertificateError("'verdict' and 'claims' must be objects")
    cls = _get(verdict, "class")
    if not isinstance(cls, str) or cls not in (*_VERDICTS, "degenerate"):
        raise CertificateError(f"unknown class {cls!r}")
    W = None if data.get("W") is None else _matrix(data["W"], m, n, "W")
    rank_W = _rank(W) if W is not None else min(m, n)
    if _claimed_count(claims, "rank_W") != rank_W:
        raise Rejected(f"claimed rank W = {claims.get('rank_W')!r}, but rank W = {rank_W}")
    W_out = None if data.get("W_out") is None else _matrix([data["W_out"]], 1, m, "W_out")
    rank_out = _rank(W_out) if W_out is not None else 1  # a free W_out ranges over W_out != 0
    if _claimed_count(claims, "rank_W_out") != rank_out:
        raise Rejected(f"claimed rank W_out = {claims.get('rank_W_out')!r}, but it is {rank_out}")
    if cls in _GENERIC_IN_W_OUT and W_out is not None:
        raise Rejected(
            f"class {cls} states what holds for generic W_out, so W_out must be free, not fixed to "
            f"{list(W_out)}"
        )
    free = [
        name for name, value in (("W", W), ("b", None), ("W_out", W_out), ("b_out", None)) if value is None
    ]
    if claims.get("free_weights") != free:
        raise Rejected(
            f"the verdict ranges over the weights the certificate does not fix, {free}; "
            f"the certificate claims free_weights = {claims.get('free_weights')!r}"
        )
    over = ", ".join(free)
    if not all(real_analytic(f) for f in field):
        raise Rejected("the field is not built from real-analytic functions (needed for a C^1 flow)")
    got = (verdict.get("critical_points"), verdict.get("morse"))
    expected = _VERDICTS.get(cls)
    if cls == "degenerate":
        expected = ("generic" if data.get("witness") is not None else "undecided", "fails")
    if cls == "affine" and W is not None and W_out is not None:
        expected = got if got in _AFFINE_FIXED else _AFFINE_FIXED
    if got != expected:
        raise Rejected(f"class {cls} implies critical_points/morse = {expected}, the certificate says {got}")

    if cls == "constant":
        if rank_out != 0 and rank_W != 0:
            raise Rejected("class constant needs W_out = 0 or W = 0")
        flow_exists = _global_flow(cls, field, flow, h)
        return (
            f"{flow_exists}; W_out = 0 or W = 0, so Phi is constant for every {over}: every point is a "
            "degenerate critical point"
        )
    if rank_out != 1:
        raise Rejected(f"class {cls} needs W_out != 0")
    if cls == "non-augmented":
        if rank_W != m:
            raise Rejected(f"class non-augmented needs rank W = m = {m}, but rank W = {rank_W}")
        flow_exists = _global_flow(cls, field, flow, h)
        weights = (
            f"generic W (every W of rank m, an open dense set), every {', '.join(free[1:])}"
            if W is None
            else f"this W and every {over}"
        )
        return (
            f"{flow_exists}; rank W = m = {m}: W^T is injective, Dphi_T is invertible and W_out != 0, "
            f"so grad Phi = W^T Dphi_T^T W_out^T never vanishes, for {weights} (W_out != 0)"
        )
    if cls == "affine":
        if rank_W == m or rank_W == 0:
            raise Rejected(f"class affine needs 0 < rank W < m (rank W = {rank_W}, m = {m})")
        for i, f in enumerate(field, 1):
            for a in h:
                for b in h:
                    _vanishes(sympy.diff(f, a, b), f"field component {i} is affine: d^2 f_{i}/d{a}d{b} = 0")
        if W is not None and W_out is not None:
            return _check_affine_slope(W, W_out, flow, h, T, got)
        return (
            "the field is affine, so phi_T and Phi are affine: Hess Phi = 0 and grad Phi is constant, "
            f"zero only for a null set of ({over}) (where W^T Dphi_T^T W_out^T = 0); every critical point "
            "is degenerate"
        )
    if cls == "degenerate":
        if W is None or not rank_W < n or rank_W == m:
            raise Rejected(f"class degenerate needs a given W with rank W < n = {n} and rank W < m = {m}")
        reason = (
            f"rank W = {rank_W} < n = {n}: Phi(x) = G(W x + b) is constant along ker W and "
            f"Hess Phi = W^T H W has rank <= {rank_W}, so every critical point is degenerate and lies in "
            f"an affine family of critical points of dimension >= {n - rank_W}"
        )
        if data.get("witness") is None:
            return f"{_global_flow(cls, field, flow, h)}; {reason}"
        if _is_ball(data["witness"]):
            ball = _check_ball_witness(data["witness"], W, cls, T, h, field, flow, layers)
            return (
                f"{reason}; {ball}: a critical point of the reduced map s -> G(U s + b) with "
                f"det(U^T H U) != 0, which persists for an open set of (b, W_out): there Phi has degenerate "
                f"critical points (statement over {over})"
            )
        return reason + "; " + _check_witness(data["witness"], W, m, T, h, flow, over, reduced=True)
    # augmented
    if not m > n:
        raise Rejected(f"class augmented needs m > n, got m = {m}, n = {n}")
    if W is not None and rank_W != n:
        raise Rejected(f"class augmented needs rank W = n = {n}, but rank W = {rank_W}")
    witness = _get(data, "witness")
    if W is None:
        W = _matrix(_get(witness, "W"), m, n, "witness W")
        if _rank(W) != n:
            raise Rejected(f"the witness W does not have rank n = {n}")
    if _is_ball(witness):
        ball = _check_ball_witness(witness, W, cls, T, h, field, flow, layers)
        return (
            f"{ball}: x* = s* is a non-degenerate critical point of Phi for these rational weights. It "
            f"persists for an open set of ({over}) (implicit function theorem), and det Hess, analytic on "
            "the connected critical bundle {W^T u = 0}, vanishes only on a null set: critical points exist "
            f"for an open set of ({over}) and are non-degenerate for almost every ({over})"
        )
    return _check_witness(witness, W, m, T, h, flow, over)


def _global_flow(cls, field, flow, h) -> str:
    """How phi_T is shown to exist on all of R^m for all t in [0, T] -- the closed-form flow is
    real-analytic on all of R^(m+1) (it was checked to solve the ODE), or the field is affine (its
    first derivatives are free of h) -- or reject: a claim about Phi needs phi_T defined everywhere."""
    if flow is not None and all(real_analytic(p) for p in flow):
        return "the closed-form flow is real-analytic on all of R^(m+1), so phi_T is defined on all of R^m"
    hs = set(h)
    if all(not (sympy.diff(f, a).free_symbols & hs) for f in field for a in h):
        return "the field is affine, so the flow is global"
    if globally_lipschitz(field, h):
        return (
            "the field is affine plus bounded-slope functions (tanh, atan, sin, cos, 1/(s + a exp)) of "
            "affine forms, so it is globally Lipschitz and the flow is global"
        )
    raise Rejected(
        f"class {cls} speaks of phi_T on all of R^m, but the flow is not shown to exist for all start "
        "points up to time T (give a closed-form flow, real-analytic on all of R^(m+1), an affine "
        "field or a globally Lipschitz layer field): a field such as h^2 blows up in finite time"
    )


def _check_affine_slope(W, W_out, flow, h, T, got) -> str:
    """Fixed W and W_out with an affine field: grad Phi = W^T Dphi_T^T W_out^T is one exact constant."""
    if flow is None:
        raise Rejected("the verdict for fixed W and W_out needs the closed-form flow")
    if not all(real_analytic(p) for p in flow):
        raise Rejected("the flow is not real-analytic on all of R^(m+1), so it is not shown to be global")
    D = sympy.Matrix(flow).jacobian(h).xreplace({_TIME: T})
    if D.free_symbols:
        raise Rejected("Dphi_T of the flow is not shown to be constant (it keeps h after t = T is put in)")
    slope = W.T * D.T * W_out.T
    if got == ("everywhere", "fails"):
        for i, g in enumerate(slope, 1):
            _vanishes(g, f"grad Phi = W^T Dphi_T^T W_out^T = 0 (component {i}: {g})")
        return (
            "the field is affine and W^T Dphi_T^T W_out^T = 0 exactly: for these W and W_out, Phi is "
            "constant for every b, b_out, so every point is a degenerate critical point"
        )
    decided = [decide(g) for g in slope]
    shown = next((i for i, d in enumerate(decided, 1) if d is False), None)
    if shown is None:
        state = "= 0 exactly (Phi is constant)" if all(decided) else "is not shown to be non-zero"
        raise Rejected(f"grad Phi = W^T Dphi_T^T W_out^T {state}")
    return (
        f"the field is affine, so for these W and W_out grad Phi = W^T Dphi_T^T W_out^T is constant, with "
        f"component {shown} = {slope[shown - 1]} != 0: no critical points, for every b, b_out"
    )


def _is_ball(witness) -> bool:
    if not isinstance(witness, dict):
        raise CertificateError("'witness' must be an object")
    if "ball" in witness and "u" in witness:
        raise CertificateError("a witness has 'u' (exact) or 'ball' (ball witness), not both")
    return "ball" in witness


def _layers(value, m, h, field):
    """The layers V sigma(A h + c) of the certificate, shown to be its field, as a flow field."""
    if not value["A"]:  # the schema has read an object with a list of rows A
        raise CertificateError("'layer_field' needs a non-empty matrix A")
    k = len(value["A"])
    A = _matrix(_get(value, "A"), k, m, "layer_field A")
    V = _matrix(_get(value, "V"), m, k, "layer_field V")
    c = _matrix([_get(value, "c")], 1, k, "layer_field c").T
    return node_ball.layer_field(A, V, c, _get(value, "activation"), field, h)


def _check_ball_witness(witness, W, cls, T, h, field, flow, layers) -> str:
    """A ball witness: the flow is global, and node_ball re-derives the critical point in the box."""
    flow_exists = _global_flow(cls, field, flow, h)
    m = len(h)
    F = layers if layers is not None else node_ball.polynomial_field(field)
    y = [to_fmpq(v) for v in _matrix([_get(witness, "y")], 1, m, "witness y")]
    w_out = [to_fmpq(v) for v in _matrix([_vector(witness, "W_out", m)], 1, m, "witness W_out")]
    ball = _get(witness, "ball")
    U = _column_basis(W)
    r = U.cols
    box = _box(_get(ball, "box"), r, "the ball witness's box (r = rank W intervals)")
    Y = _matrix(_get(ball, "Y"), r, r, "witness Y")
    claim = node_ball.check_ball(
        F,
        to_fmpq(T),
        [[to_fmpq(v) for v in U.row(i)] for i in range(m)],
        y,
        w_out,
        box,
        [[to_fmpq(v) for v in Y.row(i)] for i in range(r)],
        _get(ball, "prec"),
        _get(ball, "index"),
    )
    return (
        f"{flow_exists}; ball witness (validated flows at {_get(ball, 'prec')} bits) for W, b = y and "
        f"W_out = ({', '.join(map(str, w_out))}): {claim}"
    )


def _check_witness(witness, W, m, T, h, flow, over, reduced=False) -> str:
    """A point of the critical bundle with a non-degenerate (reduced) Hessian."""
    if flow is None:
        raise Rejected("a witness needs the closed-form flow")
    if not all(real_analytic(p) for p in flow):
        raise Rejected("the flow is not real-analytic on all of R^(m+1), so it is not shown to be global")
    y = _matrix([_get(witness, "y")], 1, m, "witness y").T
    u = _matrix([_get(witness, "u")], 1, m, "witness u").T
    w_out = [_constant(v, f"witness W_out[{i}]") for i, v in enumerate(_vector(witness, "W_out", m), 1)]
    if not any(u):
        raise Rejected("the witness has u = 0")
    if any((_flint(W).transpose() * _flint(u)).entries()):
        raise Rejected("W^T u != 0: the witness is not on the critical bundle")
    at = {**dict(zip(h, y)), _TIME: T}
    phi = sympy.Matrix(flow)
    D = phi.jacobian(h).xreplace(at)
    for i, r in enumerate(D.T * sympy.Matrix(w_out) - u, 1):
        _vanishes(r, f"Dphi_T(y)^T W_out^T = u in component {i}")
    H = sympy.zeros(m, m)
    for wi, p in zip(w_out, phi):
        H += wi * sympy.hessian(p, h).xreplace(at)
    U = _column_basis(W)
    det = (U.T * H * U).det(method="berkowitz")
    zero = decide(det)
    if zero is not False:
        raise Rejected(
            f"det(U^T Hess U) = {det}" + (" at the witness" if zero else " is not shown to be non-zero")
        )
    shown = det if det.is_Rational else enclose(det)
    if reduced:
        return (
            f"witness: with U a basis of the image of W, the reduced map s -> G(U s + b) has at s = 0, "
            f"b = y a critical point (U^T u = 0) with det(U^T H U) = {shown} != 0, which persists for an "
            f"open set of (b, W_out): there Phi has degenerate critical points (statement over {over})"
        )
    return (
        f"witness: at x = 0, b = y, grad Phi = W^T u = 0 and det Hess Phi = {shown} != 0. det Hess is "
        "analytic on the connected critical bundle {W^T u = 0}, so it vanishes only on a null set: critical "
        f"points exist for an open set of ({over}) and are non-degenerate for almost every ({over})"
    )


# -- embedding ----------------------------------------------------------------------------


def _check_embedding(data, n, m, T, h, field, flow) -> str:
    if flow is None:
        raise Rejected("an embedding needs the closed-form flow")
    x = [sympy.Symbol(v, real=True) for v in _variables(data, n, m)]
    target = _parse(_get(data, "target"), x, "target")
    claims = _get(data, "claims")
    if (
        not isinstance(claims, dict)
        or set(claims) != {"phi_equals_target"}
        or claims["phi_equals_target"] is not True
    ):
        raise CertificateError('an embedding certificate claims {"phi_equals_target": true}')
    if not all(real_analytic(e) for e in (*field, *flow)):
        raise Rejected(
            "the field and the flow are not shown to be real-analytic on all of R^m and R^(m+1), so the "
            "flow is not shown to exist up to time T from every start point"
        )
    if not real_analytic(target):
        raise Rejected(f"the target {target} is not shown to be real-analytic (defined) on all of R^{n}")
    weights = _get(data, "weights")
    if not isinstance(weights, dict):
        raise CertificateError("'weights' must be an object")
    W = _matrix(_get(weights, "W"), m, n, "W")
    b = _matrix([_get(weights, "b")], 1, m, "b").T
    w_out = _matrix([_get(weights, "W_out")], 1, m, "W_out")
    b_out = _rational(_get(weights, "b_out"), "b_out")
    at = {**dict(zip(h, W * sympy.Matrix(x) + b)), _TIME: T}
    phi = (w_out * sympy.Matrix([p.xreplace(at) for p in flow]))[0] + b_out
    _vanishes(phi - target, f"Phi(x) = {phi} equals the target {target}")
    return f"Phi(x) = W_out phi_T(W x + b) + b_out equals {target} identically on R^{n}"


def _variables(data, n, m) -> list[str]:
    """Distinct identifiers, none of them h1..hm, t or a function or constant name."""
    names = _get(data, "variables")
    if not isinstance(names, list) or len(names) != n or not all(isinstance(v, str) for v in names):
        raise CertificateError(f"'variables' must be a list of {n} names")
    reserved = {f"h{i}" for i in range(1, m + 1)} | {"t", "E", "pi"} | set(FUNCTIONS)
    for v in names:
        if not v.isidentifier() or v in reserved:
            raise CertificateError(f"variable name {v!r} is not allowed (reserved or not a name)")
    if len(set(names)) != n:
        raise CertificateError(f"the variables {names} repeat a name")
    return names


# -- exact helpers --------------------------------------------------------------------------


def _check_flow(field, flow, h) -> None:
    at = dict(zip(h, flow))
    for i, (f, p, hi) in enumerate(zip(field, flow, h), 1):
        _vanishes(p.xreplace({_TIME: 0}) - hi, f"flow component {i} at t = 0 is h{i}")
        _vanishes(sympy.diff(p, _TIME) - f.xreplace(at), f"flow component {i} satisfies d/dt phi = f(phi)")


def _vanishes(e, claim: str) -> None:
    """Reject unless ``e`` is shown to vanish (identically, or as a constant); the reason says
    whether the claim is refuted or only not shown."""
    shown = identity(e)
    if shown is False:
        how = "non-zero at a rational point, by balls" if e.free_symbols else "a non-zero constant"
        raise Rejected(f"refuted: {claim} ({how})")
    if shown is None:
        raise Rejected(f"not shown: {claim} (neither expansion nor ball arithmetic decides it)")


def _rank(M: sympy.Matrix) -> int:
    return _flint(M).rank()


def _flint(M: sympy.Matrix) -> fmpq_mat:
    return fmpq_mat(M.rows, M.cols, [to_fmpq(v) for v in M])


def _column_basis(W: sympy.Matrix) -> sympy.Matrix:
    R, rank = _flint(W).rref()
    pivots = []
    for i in range(rank):
        pivots.append(next(j for j in range(W.cols) if R[i, j] != 0))
    return W[:, pivots]


# -- reading ------------------------------------------------------------------------------


def _get(data, key):
    if not isinstance(data, dict) or key not in data:
        raise CertificateError(f"the certificate lacks {key!r}")
    return data[key]


def _claimed_count(claims, key):
    """A claimed rank: an int (not a bool); None if absent or of another type."""
    v = claims.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _count(data, key) -> int:
    v = _get(data, key)
    if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 100:
        raise CertificateError(f"{key!r} must be a positive integer")
    return v


def _rational(v, what) -> sympy.Rational:
    try:
        return to_rational(v, what)
    except WeightsError as exc:
        raise CertificateError(str(exc)) from None


def _parse(text, variables, what):
    if not isinstance(text, str):
        raise CertificateError(f"{what} must be an expression string")
    try:
        return parse_expression(text, variables, what=what)
    except ExpressionError as exc:
        raise CertificateError(str(exc)) from None


def _constant(text, what) -> sympy.Expr:
    value = _parse(text if isinstance(text, str) else str(text), [], what)
    if not real_analytic(value):  # a constant: a finite real ball encloses it
        raise CertificateError(f"{what} is not a real number")
    return value


def _expressions(value, m, variables, what) -> list[sympy.Expr]:
    if not isinstance(value, list):
        raise CertificateError(f"{what} must be a list of expressions")
    if len(value) != m:
        raise Rejected(f"{what}: expected {m} components, got {len(value)}")
    return [_parse(v, variables, f"{what} component {i}") for i, v in enumerate(value, 1)]


def _vector(data, key, m) -> list:
    v = _get(data, key)
    if not isinstance(v, list) or len(v) != m:
        raise CertificateError(f"{key!r} must be a list of {m} numbers")
    return v


def _matrix(value, rows, cols, what) -> sympy.Matrix:
    if (
        not isinstance(value, list)
        or len(value) != rows
        or any(not isinstance(r, list) or len(r) != cols for r in value)
    ):
        raise CertificateError(f"{what} must be a {rows} x {cols} matrix")
    return sympy.Matrix([[_rational(v, what) for v in r] for r in value])
