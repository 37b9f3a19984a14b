"""The shear construction: an augmented neural ODE that represents a target f exactly.

With ``m = n + 1``, the field ``h_i' = 0`` (i <= n), ``h_{n+1}' = f(h_1..h_n)/T``,
``W = [I; 0]`` and ``W~ = e_{n+1}`` give ``Phi = f``.  The search verifies this
itself, by the conditions the kernel applies to an embedding certificate
(``symmorse-node/1``, kind ``embedding``), and writes the certificate for
:func:`symmorse.kernel.check_certificate` to re-check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy

from ..exact.errors import InputError
from ..exact.numbers import rational_string, real_analytic, to_rational
from ..model.flows import flow_residual, vanishes
from ..model.node import (
    NeuralODE,
    NodeWeights,
    expression_text,
    input_symbols,
    phase_symbols,
)

__all__ = ["FORMAT", "Construction", "shear_embedding"]

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
    >>> from symmorse.search.embedding_target import parse_target
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
    problem = _not_shown(node, weights, f, xs)
    if problem is not None:
        return Construction(node, weights, False, problem, None)
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
