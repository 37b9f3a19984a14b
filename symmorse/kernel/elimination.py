"""Checker kernel for ``symmorse-elimination/1`` certificates (degeneracy polynomials).

Such a certificate names a layered MLP and a polynomial activation and claims either that every
weight vector with a degenerate critical point is a zero of one polynomial P(theta) != 0, or that
degeneracy is forced on an open set of weights.  The kernel rebuilds Phi by a plain forward pass in
FLINT's exact multivariate polynomials, differentiates it, and checks each claim by expanding
polynomial identities and evaluating at rational points; it imports nothing from the search side.

The equations are ``E = (dPhi/dx_1, ..., dPhi/dx_n, det Hess Phi)``; a degenerate critical point
is a common real zero of E.  Hence ``P = sum_k A_k E_k`` (cofactors A_k) vanishes there; so does
a resultant chain in the x's (Sylvester: a resultant lies in the ideal of its two arguments, unless
both are free of the variable, which the kernel refuses).  ``forced``: ``D_k E_k = sum_j M_kj G_j``
with x-free ``D_k(theta0) != 0``, and either one G changing sign between two inputs at theta0 or
``G(x0, theta0) = 0`` with ``rank dG/dx = len(G)``; by continuity (or the implicit function theorem)
every theta near theta0 has a real zero of G, i.e. a degenerate critical point.

SymPy is trusted here only to parse the activation's name (the whitelisted parser, through
:func:`~symmorse.kernel.base.polynomial_activation`), which must denote the polynomial of the
given coefficients; the equations, identities, resultants, factorizations and values are FLINT's
(``fmpq_mpoly``).
"""

from __future__ import annotations

import re

import flint

from ..exact.errors import CertificateError
from .base import CheckResult, Rejected, polynomial_activation, require

__all__ = ["FORMAT", "check", "parameter_names"]

FORMAT = "symmorse-elimination/1"
_NUMBER = re.compile(r"^-?\d{1,4000}(/\d{1,4000})?$", re.ASCII)
_MAX_EXPONENT = 10_000
#: Largest resultant a chain may ask for: product of the term counts, sum of the degrees in the variable.
MAX_RESULTANT_TERMS, MAX_RESULTANT_DEGREE = 4_000, 16


def _get(data: dict, key: str, kind: type | tuple[type, ...]):
    if not isinstance(data, dict) or key not in data or not isinstance(data[key], kind):
        raise CertificateError(f"elimination certificate: missing or malformed {key!r}")
    return data[key]


def _rational(text: object, where: str) -> flint.fmpq:
    if not isinstance(text, str) or not _NUMBER.match(text):
        raise CertificateError(f"elimination certificate: {where} is not an exact rational string")
    num, _, den = text.partition("/")
    if den and int(den) == 0:
        raise CertificateError(f"elimination certificate: {where} has a zero denominator")
    return flint.fmpq(int(num), int(den or 1))


def parameter_names(widths: list[int]) -> list[str]:
    """Parameter names of the MLP with these widths, in symmorse's canonical order.

    Examples
    --------
    >>> parameter_names([1, 2, 1])
    ['W1_1_1', 'W1_2_1', 'b1_1', 'b1_2', 'w1', 'w2', 'b2']
    """
    L, names = len(widths) - 1, []
    for l in range(1, L):
        names += [f"W{l}_{i}_{j}" for i in range(1, widths[l] + 1) for j in range(1, widths[l - 1] + 1)]
        names += [f"b{l}_{i}" for i in range(1, widths[l] + 1)]
    return names + [f"w{j}" for j in range(1, widths[L - 1] + 1)] + [f"b{L}"]


def _det(m: list[list]) -> object:
    if len(m) == 1:
        return m[0][0]
    return sum((-1) ** j * m[0][j] * _det([r[:j] + r[j + 1 :] for r in m[1:]]) for j in range(len(m)))


def _equations(ctx, widths: list[int], sigma: list[flint.fmpq]) -> list:
    """``(grad Phi, det Hess Phi)`` of the network, by a forward pass and differentiation."""
    v = dict(zip(ctx.names(), ctx.gens()))
    h = [v[f"x{i}"] for i in range(1, widths[0] + 1)]
    L = len(widths) - 1
    for l in range(1, L):
        z = [
            sum(v[f"W{l}_{i}_{j}"] * hj for j, hj in enumerate(h, 1)) + v[f"b{l}_{i}"]
            for i in range(1, widths[l] + 1)
        ]
        h = []
        for zi in z:
            value = ctx.constant(sigma[-1])
            for c in reversed(sigma[:-1]):
                value = value * zi + c
            h.append(value)
    phi = sum(v[f"w{j}"] * hj for j, hj in enumerate(h, 1)) + v[f"b{L}"]
    xs = [f"x{i}" for i in range(1, widths[0] + 1)]
    gradient = [phi.derivative(x) for x in xs]
    return [*gradient, _det([[g.derivative(x) for x in xs] for g in gradient])]


def _poly(ctx, data: object, where: str):
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        raise CertificateError(f"elimination certificate: {where} must be an object with a 'terms' list")
    n, result = len(ctx.names()), {}
    for term in data["terms"]:
        ok = isinstance(term, list) and len(term) == 2 and isinstance(term[1], list) and len(term[1]) == n
        if not ok or not all(type(e) is int and 0 <= e <= _MAX_EXPONENT for e in term[1]):
            raise CertificateError(f"elimination certificate: malformed term {str(term)[:80]} in {where}")
        key = tuple(term[1])
        result[key] = result.get(key, 0) + _rational(term[0], f"a coefficient of {where}")
    return ctx.from_dict(result)


def _x_free(ctx, p, names: list[str]) -> bool:
    return p.is_zero() or all(p.degrees()[ctx.variable_to_index(x)] == 0 for x in names)


def _point(data: object, names: list[str], where: str) -> list[flint.fmpq]:
    require(isinstance(data, dict) and sorted(data) == sorted(names), f"{where} must give exactly {names}")
    return [_rational(data[name], f"{where}[{name}]") for name in names]


def _chain(node: object, ctx, equations: list, xs: list[str], depth: int = 0):
    """Value of a resultant chain ``["res", x, a, b]`` / ``["eq", k]``."""
    if (
        isinstance(node, list)
        and len(node) == 2
        and node[0] == "eq"
        and type(node[1]) is int  # not a bool: True would read as equation 1
        and node[1] in range(len(equations))
    ):
        return equations[node[1]]
    if not (isinstance(node, list) and len(node) == 4 and node[0] == "res" and node[1] in xs and depth < 4):
        raise CertificateError(f"elimination certificate: malformed resultant chain {str(node)[:80]}")
    f, g = (_chain(a, ctx, equations, xs, depth + 1) for a in node[2:])
    i = ctx.variable_to_index(node[1])
    require(max(f.degrees()[i], g.degrees()[i]) >= 1, f"a resultant of two polynomials free of {node[1]}")
    require(
        len(f) * len(g) <= MAX_RESULTANT_TERMS and f.degrees()[i] + g.degrees()[i] <= MAX_RESULTANT_DEGREE,
        f"the resultant in {node[1]} of polynomials of {len(f)} and {len(g)} terms and degrees "
        f"{f.degrees()[i]}, {g.degrees()[i]} in {node[1]} is beyond the kernel's limit (terms product <= "
        f"{MAX_RESULTANT_TERMS}, degree sum <= {MAX_RESULTANT_DEGREE}): not checked",
    )
    return f.resultant(g, node[1])


def _check_null(data: dict, ctx, equations: list, params: list[str], xs: list[str]) -> str:
    P = _poly(ctx, _get(data, "polynomial", dict), "polynomial")
    require(not P.is_zero() and _x_free(ctx, P, xs), "P must be a non-zero polynomial in the weights only")
    membership = _get(data, "membership", dict)
    if membership.get("method") == "cofactors":
        cofactors = _get(membership, "cofactors", list)
        require(len(cofactors) == len(equations), f"need {len(equations)} cofactors")
        total = sum(_poly(ctx, a, f"cofactor {k}") * e for k, (a, e) in enumerate(zip(cofactors, equations)))
        require(total == P, "P != sum_k A_k E_k: the cofactor identity fails")
        how = "P = sum_k A_k E_k (expanded)"
    elif membership.get("method") == "resultant":
        value = _chain(membership.get("chain"), ctx, equations, xs)
        require(not value.is_zero(), "the resultant chain is zero")
        require(
            value * P.leading_coefficient() == P * value.leading_coefficient(), "P != the resultant chain"
        )
        how = "P = c * resultant chain (recomputed with FLINT; no cofactors)"
    else:
        raise CertificateError("elimination certificate: membership method must be cofactors or resultant")
    value = P(*_point(data.get("point"), params, "point"), *[0] * len(xs))
    require(value == _rational(data.get("value"), "value"), f"P(point) = {value}, not {data.get('value')}")
    require(value != 0, "P vanishes at the point, so it does not show P != 0")
    factorization = _get(data, "factorization", dict)
    product = ctx.constant(_rational(factorization.get("content"), "factorization content"))
    for k, entry in enumerate(_get(factorization, "factors", list)):
        F = _poly(ctx, entry.get("polynomial") if isinstance(entry, dict) else None, f"factor {k}")
        m = _get(entry, "multiplicity", int)
        require(type(m) is int and 1 <= m <= P.total_degree(), f"factor {k} has an impossible multiplicity")
        require(m >= 1 and _x_free(ctx, F, xs) and F.total_degree() >= 1, f"factor {k} is not admissible")
        require(entry.get("degree") == F.total_degree(), f"factor {k} has degree {F.total_degree()}")
        _, parts = F.factor()
        require(len(parts) == 1 and parts[0][1] == 1, f"factor {k} is not irreducible over Q")
        product *= F**m
    require(product == P, "the factorization does not multiply out to P")
    return f"{how}; P(point) = {value} != 0; P factors as stated; degenerate weights lie in {{P = 0}}"


def _check_forced(data: dict, ctx, equations: list, params: list[str], xs: list[str]) -> str:
    generators = [_poly(ctx, g, f"generator {j}") for j, g in enumerate(_get(data, "generators", list))]
    multipliers = [_poly(ctx, d, f"multiplier {k}") for k, d in enumerate(_get(data, "multipliers", list))]
    rows = _get(data, "cofactors", list)
    require(1 <= len(generators) <= len(xs), f"need 1 to {len(xs)} generators")
    require(len(multipliers) == len(rows) == len(equations), f"need {len(equations)} multipliers and rows")
    theta = _point(data.get("point"), params, "point")
    for k, (D, row, E) in enumerate(zip(multipliers, rows, equations)):
        require(
            isinstance(row, list) and len(row) == len(generators), f"cofactor row {k} has the wrong length"
        )
        M = [_poly(ctx, m, f"cofactor [{k}][{j}]") for j, m in enumerate(row)]
        require(_x_free(ctx, D, xs) and D(*theta, *[0] * len(xs)) != 0, f"multiplier {k} is not x-free or 0")
        require(sum(m * g for m, g in zip(M, generators)) == D * E, f"D_{k} E_{k} != sum_j M_{k}j G_j")
    if "sign_change" in data:  # one generator, of opposite signs at two inputs: a zero between them
        ends = _get(data, "sign_change", list)
        require(len(generators) == 1 and len(ends) == 2, "a sign change needs one generator and two inputs")
        a, b = (generators[0](*theta, *_point(x, xs, "sign_change")) for x in ends)
        require(a * b < 0, "the generator does not change sign between the two inputs")
        how = "G changes sign on a segment at the point"
    else:  # a rational zero where dG/dx has full rank
        x0 = _point(data.get("zero"), xs, "zero")
        require(all(g(*theta, *x0) == 0 for g in generators), "a generator does not vanish at the zero")
        jacobian = flint.fmpq_mat([[g.derivative(x)(*theta, *x0) for x in xs] for g in generators])
        require(jacobian.rank() == len(generators), "dG/dx does not have full rank at the zero")
        how = "G = 0 with dG/dx of full rank at the point"
    return (
        f"D_k E_k = sum_j M_kj G_j (expanded), D_k != 0 and {how}: every weight vector near the point "
        "has a degenerate critical point (continuity / implicit function theorem), so no P != 0 exists"
    )


def check(data: dict) -> CheckResult:
    """Check a ``symmorse-elimination/1`` certificate; the reason names the first false claim.

    Examples
    --------
    >>> check({"format": FORMAT, "architecture": {"widths": [1, 1, 1]}}).accepted
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.CertificateError: elimination certificate: missing or malformed 'activation'
    """
    widths = _get(_get(data, "architecture", dict), "widths", list)
    activation = _get(data, "activation", dict)
    sigma = [_rational(c, "an activation coefficient") for c in _get(activation, "coefficients", list)]
    if not all(type(n) is int and 1 <= n <= 64 for n in widths) or len(widths) < 2 or len(widths) > 8:
        raise CertificateError("elimination certificate: widths must be 2 to 8 integers in 1..64")
    # The sizes elimination itself accepts (input width <= 2, <= 40 weights, low degree):
    # larger claims are not checked, so a certificate cannot make the kernel run for ever.
    weights = sum(b * (a + 1) for a, b in zip(widths, widths[1:]))
    if widths[0] > 2 or weights > 40 or len(sigma) > 10:
        raise CertificateError(
            "elimination certificate beyond the checked sizes (input width <= 2, <= 40 weights, "
            "activation degree <= 9)"
        )
    verdict = _get(data, "verdict", str)
    try:
        require(widths[-1] == 1, "the output width must be 1")
        require(len(sigma) >= 2 and sigma[-1] != 0, "the activation must be a non-constant polynomial")
        name = activation.get("name")
        require(
            isinstance(name, str)
            and name.startswith("poly:")
            and polynomial_activation(name) == flint.fmpq_poly(sigma),
            "the activation name contradicts its coefficients",
        )
        params, xs = parameter_names(widths), [f"x{i}" for i in range(1, widths[0] + 1)]
        require(_get(data, "variables", list) == params + xs, f"variables must be {params + xs}")
        ctx = flint.fmpq_mpoly_ctx.get(params + xs, "lex")
        equations = _equations(ctx, widths, sigma)
        if verdict == "measure-zero":
            return CheckResult(True, _check_null(data, ctx, equations, params, xs))
        if verdict == "forced":
            return CheckResult(True, _check_forced(data, ctx, equations, params, xs))
        raise CertificateError(f"elimination certificate: unknown verdict {verdict!r}")
    except Rejected as exc:
        return CheckResult(False, str(exc))
