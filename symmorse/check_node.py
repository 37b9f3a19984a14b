"""Checker kernel for neural-ODE certificates (format ``symmorse-node/1``).

A certificate states a neural ODE ``Phi(x) = W~ phi_T(W x + b) + b~`` (input
width n, phase space m, field in ``h1..hm``, final time T, optionally the
closed-form flow in ``h1..hm, t``) and either a classification or an exact
embedding ``Phi = f``.  This kernel re-derives every claim with exact
arithmetic: the flow is checked against the ODE symbolically, ranks are
computed with python-flint, Dphi_T and D^2phi_T are differentiated from the
flow, equalities are shown by expansion/simplification and inequalities by
rigorous ball arithmetic.  It imports only the exact-number and whitelisted
parsing helpers (a test enforces this); see ``docs/neural-odes.md`` for the
format and the theorems each class rests on.
"""

from __future__ import annotations

import sympy
from flint import fmpq, fmpq_mat

from .errors import CertificateError, ExpressionError, WeightsError
from .exact import to_arb, to_rational
from .expressions import parse_expression

__all__ = ["FORMAT", "check"]

FORMAT = "symmorse-node/1"
_TIME = sympy.Symbol("t", real=True)
_ENTIRE = (
    sympy.exp,
    sympy.sin,
    sympy.cos,
    sympy.sinh,
    sympy.cosh,
    sympy.tanh,
    sympy.atan,
    sympy.asinh,
    sympy.erf,
)
_VERDICTS = {
    "constant": ("everywhere", "fails"),
    "non-augmented": ("none", "generic"),
    "affine": ("null-set", "fails"),
    "augmented": ("generic", "generic"),
}


class _Rejected(Exception):
    """A claim of the certificate is false or not shown."""


def check(data: dict):
    """Check a ``symmorse-node/1`` certificate; returns a :class:`~symmorse.checker.CheckResult`.

    Raises
    ------
    CertificateError
        If ``data`` is not a readable certificate of this format.

    Examples
    --------
    >>> cert = {"format": FORMAT, "kind": "classification", "n": 2, "m": 2, "T": "1",
    ...         "field": ["h2", "-h1"], "flow": None, "W": None,
    ...         "claims": {"rank_W": 2, "rank_W_out": 1},
    ...         "verdict": {"class": "non-augmented", "critical_points": "none", "morse": "generic"}}
    >>> check(cert).accepted
    True
    >>> check({**cert, "m": 3}).reason
    'field: expected 3 components, got 2'
    """
    from .checker import CheckResult  # here, so that checker.py can import this module

    try:
        return CheckResult(True, _check(data))
    except _Rejected as exc:
        return CheckResult(False, str(exc))


def _check(data) -> str:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CertificateError(f"not a {FORMAT} certificate")
    n, m = _count(data, "n"), _count(data, "m")
    T = _rational(_get(data, "T"), "T")
    if T <= 0:
        raise _Rejected(f"T = {T} is not positive")
    h = [sympy.Symbol(f"h{i}", real=True) for i in range(1, m + 1)]
    field = _expressions(_get(data, "field"), m, h, "field")
    flow = None
    if data.get("flow") is not None:
        flow = _expressions(data["flow"], m, [*h, _TIME], "flow")
        _check_flow(field, flow, h)
    kind = _get(data, "kind")
    if kind == "embedding":
        return _check_embedding(data, n, m, T, h, flow)
    if kind != "classification":
        raise CertificateError(f"unknown certificate kind {kind!r}")
    return _check_classification(data, n, m, T, h, field, flow)


# -- classification ---------------------------------------------------------------------


def _check_classification(data, n, m, T, h, field, flow) -> str:
    verdict, claims = _get(data, "verdict"), _get(data, "claims")
    if not isinstance(verdict, dict) or not isinstance(claims, dict):
        raise CertificateError("'verdict' and 'claims' must be objects")
    cls = _get(verdict, "class")
    W = None if data.get("W") is None else _matrix(data["W"], m, n, "W")
    rank_W = _rank(W) if W is not None else min(m, n)
    if claims.get("rank_W") != rank_W:
        raise _Rejected(f"claimed rank W = {claims.get('rank_W')}, but rank W = {rank_W}")
    rank_out = 1
    if data.get("W_out") is not None:
        rank_out = _rank(_matrix([data["W_out"]], 1, m, "W_out"))
    if claims.get("rank_W_out") != rank_out:
        raise _Rejected(f"claimed rank W_out = {claims.get('rank_W_out')}, but it is {rank_out}")
    if not all(_analytic(f) for f in field):
        raise _Rejected("the field is not built from real-analytic functions (needed for a C^1 flow)")
    expected = _VERDICTS.get(cls)
    if cls == "degenerate":
        expected = ("generic" if data.get("witness") is not None else "undecided", "fails")
    if expected is None:
        raise CertificateError(f"unknown class {cls!r}")
    got = (verdict.get("critical_points"), verdict.get("morse"))
    if got != expected:
        raise _Rejected(f"class {cls} implies critical_points/morse = {expected}, the certificate says {got}")

    if cls == "constant":
        if rank_out != 0 and rank_W != 0:
            raise _Rejected("class constant needs W_out = 0 or W = 0")
        return "W_out = 0 or W = 0, so Phi is constant: every point is a degenerate critical point"
    if rank_out != 1:
        raise _Rejected(f"class {cls} needs W_out != 0")
    if cls == "non-augmented":
        if rank_W != m:
            raise _Rejected(f"class non-augmented needs rank W = m = {m}, but rank W = {rank_W}")
        return (
            f"rank W = m = {m}: W^T is injective, Dphi_T is invertible and W_out != 0, "
            "so grad Phi = W^T Dphi_T^T W_out^T never vanishes"
        )
    if cls == "affine":
        if rank_W == m or rank_W == 0:
            raise _Rejected(f"class affine needs 0 < rank W < m (rank W = {rank_W}, m = {m})")
        for i, f in enumerate(field, 1):
            for a in h:
                for b in h:
                    if not _vanishes(sympy.diff(f, a, b)):
                        raise _Rejected(f"field component {i} is not affine (d^2 f_{i}/d{a}d{b} != 0)")
        return (
            "the field is affine, so phi_T and Phi are affine: Hess Phi = 0 and grad Phi is constant, "
            "zero only on the null set {W^T Dphi_T^T W_out^T = 0}; every critical point is degenerate"
        )
    if cls == "degenerate":
        if W is None or not rank_W < n or rank_W == m:
            raise _Rejected(f"class degenerate needs a given W with rank W < n = {n} and rank W < m = {m}")
        reason = (
            f"rank W = {rank_W} < n = {n}: Phi(x) = G(W x + b) is constant along ker W and "
            f"Hess Phi = W^T H W has rank <= {rank_W}, so every critical point is degenerate and lies in "
            f"an affine family of critical points of dimension >= {n - rank_W}"
        )
        if data.get("witness") is None:
            return reason
        return reason + "; " + _check_witness(data["witness"], W, m, T, h, flow, reduced=True)
    # augmented
    if not m > n:
        raise _Rejected(f"class augmented needs m > n, got m = {m}, n = {n}")
    if W is not None and rank_W != n:
        raise _Rejected(f"class augmented needs rank W = n = {n}, but rank W = {rank_W}")
    witness = _get(data, "witness")
    if W is None:
        W = _matrix(_get(witness, "W"), m, n, "witness W")
        if _rank(W) != n:
            raise _Rejected(f"the witness W does not have rank n = {n}")
    return _check_witness(witness, W, m, T, h, flow)


def _check_witness(witness, W, m, T, h, flow, reduced=False) -> str:
    """A point of the critical bundle with a non-degenerate (reduced) Hessian."""
    if flow is None:
        raise _Rejected("a witness needs the closed-form flow")
    if not all(_analytic(p) for p in flow):
        raise _Rejected("the flow is not real-analytic on all of R^(m+1), so it is not shown to be global")
    if not isinstance(witness, dict):
        raise CertificateError("'witness' must be an object")
    y = _matrix([_get(witness, "y")], 1, m, "witness y").T
    u = _matrix([_get(witness, "u")], 1, m, "witness u").T
    w_out = [_constant(v, f"witness W_out[{i}]") for i, v in enumerate(_vector(witness, "W_out", m), 1)]
    if u == sympy.zeros(m, 1):
        raise _Rejected("the witness has u = 0")
    if W.T * u != sympy.zeros(W.cols, 1):
        raise _Rejected("W^T u != 0: the witness is not on the critical bundle")
    at = {**dict(zip(h, y)), _TIME: T}
    phi = sympy.Matrix(flow)
    D = phi.jacobian(h).xreplace(at)
    for i, r in enumerate(D.T * sympy.Matrix(w_out) - u, 1):
        if not _vanishes(r):
            raise _Rejected(f"Dphi_T(y)^T W_out^T != u in component {i}")
    H = sympy.zeros(m, m)
    for wi, p in zip(w_out, phi):
        H += wi * sympy.hessian(p, h).xreplace(at)
    U = _column_basis(W)
    det = (U.T * H * U).det(method="berkowitz")
    if not _nonzero(det):
        raise _Rejected(f"det(U^T Hess U) = {det} is not shown to be non-zero")
    shown = det if det.is_Rational else sympy.N(det, 15)
    if reduced:
        return (
            f"witness: with U a basis of the image of W, the reduced map s -> G(U s + b) has at s = 0, "
            f"b = y a critical point (U^T u = 0) with det(U^T H U) = {shown} != 0, which persists for an "
            "open set of (b, W_out): there Phi has degenerate critical points"
        )
    return (
        f"witness: at x = 0, b = y, grad Phi = W^T u = 0 and det Hess Phi = {shown} != 0. det Hess is "
        "analytic on the connected critical bundle {W^T u = 0}, so it vanishes only on a null set: critical "
        "points exist for an open set of weights and are non-degenerate for almost every weight"
    )


# -- embedding ----------------------------------------------------------------------------


def _check_embedding(data, n, m, T, h, flow) -> str:
    if flow is None:
        raise _Rejected("an embedding needs the closed-form flow")
    names = _get(data, "variables")
    if not isinstance(names, list) or len(names) != n or not all(isinstance(v, str) for v in names):
        raise CertificateError(f"'variables' must be a list of {n} names")
    x = [sympy.Symbol(v, real=True) for v in names]
    target = _parse(_get(data, "target"), x, "target")
    weights = _get(data, "weights")
    if not isinstance(weights, dict):
        raise CertificateError("'weights' must be an object")
    W = _matrix(_get(weights, "W"), m, n, "W")
    b = _matrix([_get(weights, "b")], 1, m, "b").T
    w_out = _matrix([_get(weights, "W_out")], 1, m, "W_out")
    b_out = _rational(_get(weights, "b_out"), "b_out")
    at = {**dict(zip(h, W * sympy.Matrix(x) + b)), _TIME: T}
    phi = (w_out * sympy.Matrix([p.xreplace(at) for p in flow]))[0] + b_out
    if _get(data, "claims") != {"phi_equals_target": True}:
        raise CertificateError('an embedding certificate claims {"phi_equals_target": true}')
    if not _vanishes(phi - target):
        raise _Rejected(f"Phi(x) = {phi} is not shown to equal the target {target}")
    return f"Phi(x) = W_out phi_T(W x + b) + b_out equals {target} identically"


# -- exact helpers --------------------------------------------------------------------------


def _check_flow(field, flow, h) -> None:
    at = dict(zip(h, flow))
    for i, (f, p, hi) in enumerate(zip(field, flow, h), 1):
        if not _vanishes(p.xreplace({_TIME: 0}) - hi):
            raise _Rejected(f"flow component {i} at t = 0 is not h{i}")
        if not _vanishes(sympy.diff(p, _TIME) - f.xreplace(at)):
            raise _Rejected(f"flow component {i} does not satisfy d/dt phi = f(phi)")


def _vanishes(e) -> bool:
    return sympy.expand(e) == 0 or sympy.simplify(e) == 0


def _nonzero(e) -> bool:
    if e.is_Rational:
        return e != 0
    try:
        ball = to_arb(e)
    except ValueError:
        return False
    return ball > 0 or ball < 0


def _analytic(e) -> bool:
    """Real-analytic on all of R^k, by construction (symbols are real)."""
    if e.is_Atom:
        return e.is_real is True
    if e.is_Add or e.is_Mul:
        return all(_analytic(a) for a in e.args)
    if e.is_Pow:
        ok_power = (e.exp.is_Integer and e.exp >= 0) or e.base.is_positive is True
        return ok_power and _analytic(e.base) and _analytic(e.exp)
    if isinstance(e, sympy.log):
        return e.args[0].is_positive is True and _analytic(e.args[0])
    return isinstance(e, _ENTIRE) and _analytic(e.args[0])


def _rank(M: sympy.Matrix) -> int:
    return _flint(M).rank()


def _flint(M: sympy.Matrix) -> fmpq_mat:
    return fmpq_mat(M.rows, M.cols, [fmpq(int(v.p), int(v.q)) for v in M])


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
    if not value.is_real:
        raise CertificateError(f"{what} is not a real number")
    return value


def _expressions(value, m, variables, what) -> list[sympy.Expr]:
    if not isinstance(value, list):
        raise CertificateError(f"{what} must be a list of expressions")
    if len(value) != m:
        raise _Rejected(f"{what}: expected {m} components, got {len(value)}")
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
