"""The conditions of a ``symmorse-node/1`` certificate, decided by the search before it claims.

The search claims ``proved`` only for what its own exact computation establishes;
the kernel (:mod:`symmorse.kernel.node`) re-derives every claim independently
later, and this module imports nothing from it.  So that every certificate the
search writes is one the kernel accepts, the search applies the kernel's
conditions with its own code and answers ``undecided`` (with the reason) where one
is not shown: every expression is written as text the whitelisted parser reads
back (:func:`written`, :func:`written_constants`; the claims are decided on what
is read back, as the kernel will read it), a flow solves its field
(:func:`flow_problem`), the field and the flow are real-analytic
(:func:`~symmorse.exact.numbers.real_analytic`), and identities, exact zeros and
signs are decided as the kernel decides them: :func:`is_identity` (expansion, ball
arithmetic at rational points to refute, then simplification),
:func:`is_zero_constant` (expansion, balls, minimal polynomials of algebraic
numbers up to degree 64, the exponential normal form; never simplification) and
:func:`is_nonzero` (rigorous balls).  False always means "not shown".

Examples
--------
>>> t = sympy.Symbol("t", real=True)
>>> is_identity(sympy.sin(t) ** 2 + sympy.cos(t) ** 2 - 1), is_nonzero(sympy.exp(-40))
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy
from flint import fmpq_mat

from ..exact.errors import ExpressionError
from ..exact.expressions import parse_expression
from ..exact.numbers import enclose, to_fmpq
from ..model.flows import TIME
from ..model.node import expression_text

__all__ = [
    "FORMAT",
    "MAX_DEGREE",
    "UNDECIDABLE",
    "NotShown",
    "written",
    "written_constants",
    "is_identity",
    "is_zero_constant",
    "is_nonzero",
    "flow_problem",
    "column_basis",
    "witness_determinant",
]

#: The certificate format (the kernel defines the same string; a test compares them).
FORMAT = "symmorse-node/1"
#: Largest degree bound of an algebraic constant decided by its minimal polynomial.
MAX_DEGREE = 64
#: Errors of SymPy or python-flint that mean "could not be decided" (the kernel rejects on them).
UNDECIDABLE = (ArithmeticError, TypeError, ValueError, NotImplementedError, RecursionError)
_Z = sympy.Dummy("z")
_SAMPLES = tuple(sympy.Rational(p, q) for p, q in ((1, 3), (-2, 7), (5, 4), (-3, 5), (7, 9), (2, 11)))


class NotShown(Exception):
    """A condition of the certificate that the search does not establish; the message says which.

    Examples
    --------
    >>> try:
    ...     written_constants(["x"], "witness W_out")
    ... except NotShown as exc:
    ...     print(exc)  # doctest: +ELLIPSIS
    witness W_out[1] 'x': unknown name 'x' ...
    """


def written(exprs: Sequence[sympy.Expr], variables: Sequence[sympy.Symbol], what: str) -> list[sympy.Expr]:
    """The expressions as the certificate states them: printed, then read back by the whitelisted parser.

    Raises
    ------
    NotShown
        If a text does not parse (a function outside the whitelist, say).

    Examples
    --------
    >>> h1 = sympy.Symbol("h1", real=True)
    >>> written([sympy.Abs(h1) / 2], [h1], "field")
    [Abs(h1)/2]
    >>> written([sympy.sign(h1)], [h1], "field")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    symmorse.search.node_certificate.NotShown: field component 1 'sign(h1)': function 'sign' is not ...
    """
    try:
        return [
            parse_expression(expression_text(e), variables, what=f"{what} component {i}")
            for i, e in enumerate(exprs, 1)
        ]
    except ExpressionError as exc:
        raise NotShown(str(exc)) from None


def written_constants(texts: Sequence[str], what: str) -> list[sympy.Expr]:
    """Real constants read back from their texts (``what[i]`` names them), as the certificate gives them.

    Raises
    ------
    NotShown
        If a text does not parse as a constant, or is not shown to be real.

    Examples
    --------
    >>> written_constants(["-15*sinh(1)/2", "3"], "witness W_out")
    [-15*sinh(1)/2, 3]
    >>> written_constants(["log(-1)"], "witness W_out")
    Traceback (most recent call last):
      ...
    symmorse.search.node_certificate.NotShown: witness W_out[1] is not a real number
    """
    values = []
    for i, text in enumerate(texts, 1):
        try:
            value = parse_expression(text, [], what=f"{what}[{i}]")
        except ExpressionError as exc:
            raise NotShown(str(exc)) from None
        if not value.is_real:
            raise NotShown(f"{what}[{i}] is not a real number")
        values.append(value)
    return values


def is_identity(e: sympy.Expr) -> bool:
    """Whether ``e`` is identically zero: expanded; a constant exactly; else refuted by balls or simplified.

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> is_identity(sympy.exp(2 * x) - sympy.exp(x) ** 2), is_identity(sympy.sin(x) ** 2 - x)
    (True, False)
    """
    e = sympy.expand(e)
    if e == 0:
        return True
    if not e.free_symbols:
        return is_zero_constant(e)
    if _refuted(e):
        return False
    return sympy.simplify(e) == 0


def _refuted(e: sympy.Expr) -> bool:
    """Whether ball arithmetic shows ``e`` non-zero at one of three rational points."""
    symbols = sorted(e.free_symbols, key=str)
    for shift in range(3):
        point = {s: _SAMPLES[(i + shift) % len(_SAMPLES)] for i, s in enumerate(symbols)}
        try:
            if is_nonzero(e.xreplace(point)):
                return True
        except (ArithmeticError, TypeError, ValueError):
            continue
    return False


def is_zero_constant(e: sympy.Expr) -> bool:
    """Whether the constant ``e`` is exactly 0, without simplification.

    Expansion; a ball away from 0 refutes; an algebraic number (rationals, + * and
    rational powers) of degree <= 64 is 0 iff its minimal polynomial is z; otherwise
    the expansion of ``e.rewrite(exp)`` must vanish.

    Examples
    --------
    >>> is_zero_constant(sympy.sqrt(3 + 2 * sympy.sqrt(2)) - 1 - sympy.sqrt(2))
    True
    >>> is_zero_constant(2 * sympy.sinh(1) - sympy.E + sympy.exp(-1)), is_zero_constant(sympy.exp(-40))
    (True, False)
    """
    e = sympy.expand(e)
    if e == 0:
        return True
    if e.is_Rational or is_nonzero(e):
        return False
    if _algebraic(e):  # the radicals generate a field of degree <= the product of their indices
        degree = sympy.prod(p.exp.q for p in e.atoms(sympy.Pow) if not p.exp.is_Integer)
        return degree <= MAX_DEGREE and sympy.minimal_polynomial(e, _Z) == _Z
    return sympy.expand(e.rewrite(sympy.exp)) == 0


def _algebraic(e: sympy.Expr) -> bool:
    """Built from rationals by + * and rational powers."""
    if e.is_Rational:
        return True
    if e.is_Add or e.is_Mul:
        return all(_algebraic(a) for a in e.args)
    return bool(e.is_Pow and e.exp.is_Rational and _algebraic(e.base))


def is_nonzero(e: sympy.Expr) -> bool:
    """Whether the constant ``e`` is shown non-zero: exactly for a rational, else by a ball away from 0.

    Examples
    --------
    >>> is_nonzero(sympy.Rational(0)), is_nonzero(sympy.pi - sympy.Rational(22, 7))
    (False, True)
    """
    if e.is_Rational:
        return e != 0
    try:
        ball = enclose(e)
    except ValueError:
        return False
    return ball > 0 or ball < 0


def flow_problem(
    field: Sequence[sympy.Expr], flow: Sequence[sympy.Expr], h: Sequence[sympy.Symbol]
) -> str | None:
    """Why ``flow`` is not shown (by :func:`is_identity`) to solve ``h' = f(h)``, or None.

    Examples
    --------
    >>> h = sympy.symbols("h1 h2", real=True)
    >>> flow_problem([sympy.Integer(0), h[0] ** 3], [h[0], h[1] + TIME * h[0] ** 3], h) is None
    True
    >>> flow_problem([sympy.Integer(0), h[0] ** 3], [h[0], h[1] + TIME * h[0] ** 2], h)
    'flow component 2 does not satisfy d/dt phi = f(phi)'
    """
    at = dict(zip(h, flow))
    for i, (f, p, hi) in enumerate(zip(field, flow, h), 1):
        if not is_identity(p.xreplace({TIME: 0}) - hi):
            return f"flow component {i} at t = 0 is not h{i}"
        if not is_identity(sympy.diff(p, TIME) - f.xreplace(at)):
            return f"flow component {i} does not satisfy d/dt phi = f(phi)"
    return None


def column_basis(W: sympy.Matrix) -> sympy.Matrix:
    """The pivot columns of a rational matrix (python-flint's reduced row echelon form): a basis of its image.

    Examples
    --------
    >>> column_basis(sympy.Matrix([[1, 2, 0], [2, 4, 1]]))
    Matrix([
    [1, 0],
    [2, 1]])
    """
    R, rank = fmpq_mat(W.rows, W.cols, [to_fmpq(v) for v in W]).rref()
    pivots = [next(j for j in range(W.cols) if R[i, j] != 0) for i in range(rank)]
    return W[:, pivots]


def witness_determinant(
    flow: Sequence[sympy.Expr],
    h: Sequence[sympy.Symbol],
    T: sympy.Rational,
    W: sympy.Matrix,
    y: Sequence[sympy.Rational],
    u: sympy.Matrix,
    w_out: Sequence[sympy.Expr],
) -> sympy.Expr:
    """``det(U^T H U)`` at a witness of the critical bundle, once the witness is shown to lie on it.

    With ``D = Dphi_T(y)`` and ``H = sum_i W~_i D^2phi_{T,i}(y)`` from the flow, and U a
    basis of the image of W: ``u != 0``, ``W^T u = 0`` and ``D^T W~^T = u`` exactly
    (:func:`is_zero_constant`), and the determinant is shown non-zero (:func:`is_nonzero`).

    Raises
    ------
    NotShown
        If one of these is not shown.

    Examples
    --------
    >>> h = sympy.symbols("h1 h2", real=True)
    >>> flow = [h[0], h[1] + TIME * h[0] ** 3]  # h' = (0, h1^3)
    >>> W, u = sympy.Matrix([[1], [0]]), sympy.Matrix([0, 1])
    >>> witness_determinant(flow, h, sympy.Integer(1), W, [1, 0], u, [-3, 1])
    6
    >>> witness_determinant(flow, h, sympy.Integer(1), W, [1, 0], u, [-2, 1])
    Traceback (most recent call last):
      ...
    symmorse.search.node_certificate.NotShown: Dphi_T(y)^T W_out^T != u in component 1
    """
    m = len(h)
    if u == sympy.zeros(m, 1):
        raise NotShown("the witness has u = 0")
    if W.T * u != sympy.zeros(W.cols, 1):
        raise NotShown("W^T u != 0: the witness is not on the critical bundle")
    at = {**dict(zip(h, y)), TIME: T}
    phi = sympy.Matrix(flow)
    D = phi.jacobian(h).xreplace(at)
    for i, r in enumerate(D.T * sympy.Matrix(w_out) - u, 1):
        if not is_zero_constant(r):
            raise NotShown(f"Dphi_T(y)^T W_out^T != u in component {i}")
    H = sympy.zeros(m, m)
    for wi, p in zip(w_out, phi):
        H += wi * sympy.hessian(p, h).xreplace(at)
    U = column_basis(W)
    det = (U.T * H * U).det(method="berkowitz")
    if not is_nonzero(det):
        raise NotShown(f"det(U^T Hess U) = {det} is not shown to be non-zero")
    return det
