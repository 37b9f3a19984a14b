"""Closed-form flows of vector fields, each checked against its ODE: one job, the flow ``phi_t``.

For a field ``h' = f(h)`` on R^m, :func:`closed_form_flow` finds ``phi_t(h)`` where it
can: affine fields ``f(h) = A h + c`` by the matrix exponential of ``[[A, c], [0, 0]]``
(from its Jordan form, real and in closed form), triangular fields
``h_i' = a_i h_i + g_i(h_1..h_{i-1})`` by quadrature in an order of their dependency
graph.  :func:`user_flow` accepts a flow the user writes down.  Either way the flow is
used only after :func:`flow_residual` has shown ``phi_0 = id`` and
``d/dt phi_t = f(phi_t)`` identically; a user flow must also be real-analytic on all
of R^(m+1), so that it exists up to any time from every start point.  Fields without a
closed form are integrated numerically (:mod:`symmorse.model.variational`).

Examples
--------
>>> h = sympy.symbols("h1 h2", real=True)
>>> closed_form_flow([sympy.Integer(0), h[0] ** 2], h).expressions
(h1, h1**2*t + h2)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import sympy
from sympy.matrices.exceptions import MatrixError

from ..exact.errors import InputError
from ..exact.numbers import real_analytic

__all__ = ["TIME", "Flow", "vanishes", "flow_residual", "affine_parts", "closed_form_flow", "user_flow"]

#: The time variable of flows.
TIME = sympy.Symbol("t", real=True)
_S = sympy.Symbol("_s", real=True)


@dataclass(frozen=True)
class Flow:
    """A closed-form flow ``phi_t(h)`` (expressions in h1..hm and t) and how it was found.

    Attributes
    ----------
    expressions : tuple of sympy.Expr
        ``phi_t(h)`` componentwise, in the phase coordinates and :data:`TIME`.
    method : str
        How it was found, e.g. ``"matrix exponential (affine field)"``.

    Examples
    --------
    >>> h = sympy.symbols("h1", real=True)
    >>> closed_form_flow([2 * h], [h])
    Flow(expressions=(h1*exp(2*t),), method='matrix exponential (affine field)')
    """

    expressions: tuple[sympy.Expr, ...]
    method: str


def vanishes(expr: sympy.Expr) -> bool:
    """Whether ``expr`` is identically zero, shown by expansion or simplification.

    False means "not shown", never "non-zero".

    Examples
    --------
    >>> t = TIME
    >>> vanishes(sympy.sin(t)**2 + sympy.cos(t)**2 - 1), vanishes(t)
    (True, False)
    """
    return sympy.expand(expr) == 0 or sympy.simplify(expr) == 0


def flow_residual(
    field: Sequence[sympy.Expr], flow: Sequence[sympy.Expr], h: Sequence[sympy.Symbol]
) -> str | None:
    """Why ``flow`` is not shown to be the flow of ``field`` (None if it is).

    Checks ``phi_0(h) = h`` and ``d/dt phi_t(h) = f(phi_t(h))`` identically.

    Examples
    --------
    >>> h = sympy.symbols("h1 h2", real=True)
    >>> c, s = sympy.cos(TIME), sympy.sin(TIME)
    >>> flow = [h[0] * c + h[1] * s, h[1] * c - h[0] * s]
    >>> flow_residual([h[1], -h[0]], flow, h) is None
    True
    >>> flow_residual([h[1], h[0]], flow, h)
    'component 2: d/dt phi_2 - f_2(phi) = -2*h1*cos(t) - 2*h2*sin(t), not zero'
    """
    at = dict(zip(h, flow))
    for i, (fi, pi, hi) in enumerate(zip(field, flow, h), start=1):
        start = pi.xreplace({TIME: 0}) - hi
        if not vanishes(start):
            return f"component {i}: phi_{i} at t = 0 is {pi.xreplace({TIME: 0})}, not {hi}"
        residual = sympy.diff(pi, TIME) - fi.xreplace(at)
        if not vanishes(residual):
            return f"component {i}: d/dt phi_{i} - f_{i}(phi) = {sympy.simplify(residual)}, not zero"
    return None


def affine_parts(
    field: Sequence[sympy.Expr], h: Sequence[sympy.Symbol]
) -> tuple[sympy.Matrix, sympy.Matrix] | None:
    """``(A, c)`` with ``f(h) = A h + c`` if every component is a polynomial of degree <= 1, else None.

    Examples
    --------
    >>> h = sympy.symbols("h1 h2", real=True)
    >>> affine_parts([h[1] + 1, -h[0]], h)
    (Matrix([
    [ 0, 1],
    [-1, 0]]), Matrix([
    [1],
    [0]]))
    >>> affine_parts([h[1] ** 2, h[0]], h) is None
    True
    """
    A, c = [], []
    for fi in field:
        if not fi.is_polynomial(*h) or sympy.Poly(fi, *h).total_degree() > 1:
            return None
        A.append([sympy.diff(fi, hj) for hj in h])
        c.append(fi.xreplace(dict.fromkeys(h, 0)))
    return sympy.Matrix(A), sympy.Matrix(c)


def _matrix_exponential_flow(A, c, h):
    """``exp(t [[A, c], [0, 0]])`` from the Jordan form ``P J P^-1``, real and in closed form.

    ``exp(J t) = exp(D t) exp(N t)`` (D diagonal, N nilpotent, commuting), with
    ``exp(lambda t) = exp(re(lambda) t) (cos(im(lambda) t) + i sin(im(lambda) t))``; the
    constants of P and P^-1 are put in radical normal form first, so the imaginary
    parts cancel on expansion.
    """
    m = A.rows
    if any(degree > 2 for factor, _ in A.charpoly().factor_list()[1] for degree in [sympy.degree(factor)]):
        return None  # eigenvalues beyond quadratics: leave it to numerics
    M = sympy.zeros(m + 1, m + 1)
    M[:m, :m], M[:m, m] = A, c
    try:
        P, J = M.jordan_form()
    except (MatrixError, NotImplementedError):
        return None
    P = P.applyfunc(_radical_normal_form)
    P_inv = P.inv().applyfunc(_radical_normal_form)
    eigenvalues = [_radical_normal_form(J[i, i]) for i in range(m + 1)]
    exp_D = sympy.diag(
        *[
            sympy.exp(sympy.re(v) * TIME)
            * (sympy.cos(sympy.im(v) * TIME) + sympy.I * sympy.sin(sympy.im(v) * TIME))
            for v in eigenvalues
        ]
    )
    N = J - sympy.diag(*[J[i, i] for i in range(m + 1)])
    exp_N, term = sympy.zeros(m + 1, m + 1), sympy.eye(m + 1)
    for k in range(m + 1):
        exp_N += term / sympy.factorial(k)
        term = term * N * TIME
    E = (P * exp_D * exp_N * P_inv).applyfunc(lambda e: sympy.expand(sympy.expand_complex(sympy.expand(e))))
    if E.has(sympy.I, sympy.re, sympy.im):
        return None
    return list(E[:m, :m] * sympy.Matrix(h) + E[:m, m])


def _radical_normal_form(value):
    return sympy.expand(sympy.radsimp(sympy.expand_complex(value)))


def _quadrature_friendly(expr, s):
    """Whether sympy can integrate ``expr`` in s for sure: polynomials in s and exp(linear in s)."""
    if not expr.has(s):
        return True
    if expr == s or expr.is_Number:
        return True
    if isinstance(expr, sympy.exp):
        return expr.args[0].is_polynomial(s) and sympy.degree(expr.args[0], s) <= 1
    if expr.is_Add or expr.is_Mul:
        return all(_quadrature_friendly(a, s) for a in expr.args)
    if expr.is_Pow:
        return expr.exp.is_Integer and expr.exp >= 0 and _quadrature_friendly(expr.base, s)
    return False


def _triangular_flow(field, h):
    """Solve ``h_i' = a_i h_i + g_i`` (a_i, g_i free of h_i and of later coordinates) by quadrature.

    In an order of the dependency graph, earlier coordinates are known
    functions of t, and ``h_i(t) = e^{A(t)} (h_i + int_0^t e^{-A(s)} g_i(s) ds)``
    with ``A(t) = int_0^t a_i(s) ds``.
    """
    G = nx.DiGraph()
    G.add_nodes_from(range(len(h)))
    for i, (fi, hi) in enumerate(zip(field, h)):
        if sympy.diff(fi, hi).has(hi):
            return None
        G.add_edges_from((j, i) for j, hj in enumerate(h) if j != i and fi.has(hj))
    if not nx.is_directed_acyclic_graph(G):
        return None
    solution: dict[int, sympy.Expr] = {}
    for i in nx.lexicographical_topological_sort(G):
        earlier = {h[j]: solution[j].xreplace({TIME: _S}) for j in G.predecessors(i)}
        rate = sympy.expand(sympy.diff(field[i], h[i]).xreplace(earlier))
        g = (field[i] - sympy.diff(field[i], h[i]) * h[i]).xreplace(earlier)
        if not _quadrature_friendly(rate, _S):
            return None
        A = sympy.integrate(rate, (_S, 0, TIME)) if rate.has(_S) else rate * TIME
        integrand = sympy.expand(sympy.exp(A - A.xreplace({TIME: _S})) * g)
        if not _quadrature_friendly(integrand, _S):
            return None
        integral = integrand * TIME if not integrand.has(_S) else sympy.integrate(integrand, (_S, 0, TIME))
        if integral.has(sympy.Integral, sympy.Piecewise):
            return None
        solution[i] = sympy.exp(A) * h[i] + sympy.simplify(integral)
    return [solution[i] for i in range(len(h))]


def closed_form_flow(field: Sequence[sympy.Expr], h: Sequence[sympy.Symbol]) -> Flow | None:
    """The flow of ``h' = f(h)`` in closed form, checked against the ODE, or None.

    Affine fields use the matrix exponential of ``[[A, c], [0, 0]]``;
    triangular fields (after ordering by the dependency graph) with
    ``h_i' = a_i h_i + g_i`` and constant a_i use quadrature.

    Examples
    --------
    >>> h = sympy.symbols("h1 h2", real=True)
    >>> closed_form_flow([sympy.Integer(0), h[0] ** 2], h)
    Flow(expressions=(h1, h1**2*t + h2), method='quadrature (triangular field)')
    >>> closed_form_flow([h[1], -h[0]], h).method
    'matrix exponential (affine field)'
    >>> closed_form_flow([h[1] ** 2, h[0] ** 2], h) is None
    True
    """
    affine = affine_parts(field, h)
    candidates = []
    if affine is not None:
        candidates.append(("matrix exponential (affine field)", lambda: _matrix_exponential_flow(*affine, h)))
    candidates.append(("quadrature (triangular field)", lambda: _triangular_flow(field, h)))
    for method, solve in candidates:
        flow = solve()
        if flow is not None and flow_residual(field, flow, h) is None:
            return Flow(tuple(flow), method)
    return None


def user_flow(field: Sequence[sympy.Expr], flow: Sequence[sympy.Expr], h: Sequence[sympy.Symbol]) -> Flow:
    """A flow the user gives, accepted once it solves ``h' = f(h)`` and is real-analytic everywhere.

    Parameters
    ----------
    field : sequence of sympy.Expr
        ``f_1, ..., f_m`` in the symbols ``h``.
    flow : sequence of sympy.Expr
        ``phi_t(h)``, m expressions in ``h`` and :data:`TIME`.
    h : sequence of sympy.Symbol
        The phase-space coordinates.

    Raises
    ------
    InputError
        If the flow has the wrong number of components, is not shown to solve the
        ODE (:func:`flow_residual`), or is not shown to be real-analytic on all of
        R^(m+1) (e.g. it has a pole, so it blows up: not a flow up to every time).

    Examples
    --------
    >>> h = sympy.symbols("h1 h2", real=True)
    >>> user_flow([sympy.Integer(1), sympy.Integer(0)], [h[0] + TIME, h[1]], h).method
    'user-given (checked against the ODE)'
    >>> user_flow([h[0] ** 2, sympy.Integer(0)], [h[0] / (1 - TIME * h[0]), h[1]], h)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.InputError: the given flow is not shown to be real-analytic on all of R^(m+1) ...
    """
    if len(flow) != len(field):
        raise InputError(f"the flow must have {len(field)} components, like the field")
    problem = flow_residual(field, flow, h)
    if problem is not None:
        raise InputError(f"the given flow does not solve h' = f(h): {problem}")
    if not all(real_analytic(p) for p in flow):
        raise InputError(
            "the given flow is not shown to be real-analytic on all of R^(m+1) (e.g. it has a pole), "
            "so it is not shown to exist up to time T from every start point"
        )
    return Flow(tuple(flow), "user-given (checked against the ODE)")
