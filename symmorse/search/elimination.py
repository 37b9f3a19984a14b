"""Degeneracy polynomials: an explicit P(theta) != 0 vanishing at every degenerate weight.

For a polynomial activation, Phi is a polynomial in the input x and the weights theta, and a
degenerate critical point is a common real zero of ``E = (grad Phi, det Hess Phi)`` (for one
input, ``E = (Phi', Phi'')``).  Eliminating x with resultants (in Bezout form) gives ``P(theta)``
in the ideal of E together with cofactors, ``P = sum_k A_k E_k``, an identity anyone can check by
expanding; where every resultant vanishes identically, a common factor of E that changes sign (or
two x-linear ones) proves instead that degeneracy is *forced* on an open set of weights (DESIGN
section 5b).

The equations come from the structured route (:meth:`~symmorse.model.network.Network.gradient`,
:meth:`~symmorse.model.network.Network.hessian_det`); the algebra runs in FLINT's multivariate
polynomials over Q.  The result is a ``symmorse-elimination/1`` certificate, re-checked by the
independent kernel :mod:`symmorse.kernel.elimination`.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, combinations

import flint
import networkx as nx
import sympy

from ..exact.errors import ActivationError, ArchitectureError, InputError
from ..exact.limits import MEMORY_LIMIT, run_limited
from ..exact.numbers import to_fmpq, to_sympy
from ..exact.words import plural
from ..model.activations import Activation, Z, get_activation
from ..model.architecture import bias_parameter, edge_parameter, input_nodes, input_variable, layers
from ..model.network import Network, structured_derivatives

__all__ = [
    "Elimination",
    "eliminate",
    "bezout_cofactors",
    "MAX_INPUTS",
    "MAX_DEGREE",
    "MAX_PARAMETERS",
    "MAX_COFACTOR_TERMS",
    "MEMORY_LIMIT",
]

FORMAT = "symmorse-elimination/1"
#: Input widths handled: one input (a resultant) or two (a chain of resultants).
MAX_INPUTS = 2
#: Largest degree of Phi in x, per input width.
MAX_DEGREE = {1: 9, 2: 4}
#: Largest number of weights (theta has this many coordinates at most).
MAX_PARAMETERS = 40
#: Cofactors are tracked while every polynomial involved has at most this many terms; beyond it
#: the certificate falls back to the weaker "resultant" membership (recomputed by the checker).
MAX_COFACTOR_TERMS = 50_000


class _TooLarge(Exception):
    """Cofactors grew beyond the term limit."""


@dataclass(frozen=True)
class Elimination:
    """The outcome of :func:`eliminate`.

    Attributes
    ----------
    verdict : {"measure-zero", "forced", "undecided"}
        ``measure-zero``: every weight with a degenerate critical point is a zero of the
        certificate's polynomial P, and P != 0.  ``forced``: degenerate critical points exist for
        an open set of weights, so no such P exists.  ``undecided``: neither was shown.
    reason : str
        Why (for ``undecided``: what was tried and what stopped it).
    architecture : str
        The widths, e.g. ``"1,2,1"``.
    activation : str
        The activation's name, e.g. ``"poly:z**3+z"``.
    certificate : dict or None
        The ``symmorse-elimination/1`` certificate (None when undecided).
    seconds : float
        Wall-clock time of the elimination.

    Examples
    --------
    >>> e = eliminate("1,2,1", "poly:z**2+z")
    >>> print(e.summary().splitlines()[4])
    P = W1_1_1**2*w1 + W1_2_1**2*w2
    """

    verdict: str
    reason: str
    architecture: str
    activation: str
    certificate: dict | None
    seconds: float

    def to_json(self) -> dict:
        """The certificate, or for ``undecided`` a small record that is not a certificate."""
        if self.certificate is not None:
            return self.certificate
        return {
            "architecture": {"widths": [int(n) for n in self.architecture.split(",")]},
            "activation": self.activation,
            "verdict": self.verdict,
            "reason": self.reason,
        }

    def summary(self) -> str:
        """A few lines of text for people: verdict, P and its factors, what is certified."""
        head = f"elimination for {self.architecture} with {self.activation}: {self.verdict}"
        lines = [head, f"reason: {self.reason}"]
        cert = self.certificate
        if cert is not None:
            names = cert["variables"]
            lines.append(
                "equations: " + ", ".join(f"E{k + 1} = {e}" for k, e in enumerate(cert["equations"]))
            )
        if cert is not None and self.verdict == "measure-zero":
            P = cert["polynomial"]["terms"]
            lines.append(f"P: {plural(len(P), 'term')}, total degree {max(sum(e) for _, e in P)}")
            if len(P) <= 40:
                lines.append(f"P = {_text(cert['polynomial'], names)}")
            lines.append(f"P = {cert['factorization']['content']} * product of irreducible factors:")
            for f in cert["factorization"]["factors"]:
                poly, shown = f["polynomial"], plural(len(f["polynomial"]["terms"]), "term")
                if len(poly["terms"]) <= 12:
                    shown = _text(poly, names)
                lines.append(f"  degree {f['degree']}, multiplicity {f['multiplicity']}: {shown}")
            point = ", ".join(f"{k}={v}" for k, v in cert["point"].items())
            lines.append(f"P != 0: P = {cert['value']} at {point}")
            lines.append(f"certified: {cert['membership']['claim']}")
        elif cert is not None:
            point = ", ".join(f"{k}={v}" for k, v in cert["point"].items())
            gens = "; ".join(_text(g, names) for g in cert["generators"])
            lines.append(f"common zero set: G = ({gens}); witness {point}")
            lines.append(f"certified: {cert['claim']}")
        lines.append(f"time: {self.seconds:.3f} s")
        return "\n".join(lines)


def _text(poly: dict, names: list[str]) -> str:
    """A stored polynomial as SymPy text."""
    symbols = sympy.symbols(names)
    return str(
        sympy.Add(
            *[
                sympy.Rational(c) * sympy.Mul(*[s**e for s, e in zip(symbols, exps)])
                for c, exps in poly["terms"]
            ]
        )
    )


# -- polynomials ------------------------------------------------------------------------------------


class _Ring:
    """Q[theta, x] as a FLINT context, and the certificate form of its polynomials."""

    def __init__(self, net: Network) -> None:
        self.params = [s.name for s in net.parameters]
        self.xs = [s.name for s in net.inputs]
        self.ctx = flint.fmpq_mpoly_ctx.get(self.params + self.xs, "lex")
        self.zero = self.ctx.constant(0)
        self.one = self.ctx.constant(1)

    def x_degree(self, p: flint.fmpq_mpoly) -> int:
        """Total degree in x (-1 for the zero polynomial)."""
        k = len(self.params)
        return max((sum(e[k:]) for e, _ in p.terms()), default=-1)

    def degree_in(self, p: flint.fmpq_mpoly, var: str) -> int:
        return p.degrees()[self.ctx.variable_to_index(var)]

    @staticmethod
    def json(p: flint.fmpq_mpoly) -> dict:
        return {"terms": [[str(c), [int(k) for k in e]] for e, c in p.terms()]}

    def text(self, p: flint.fmpq_mpoly) -> str:
        return _text(self.json(p), self.params + self.xs)


def _coefficients(p: flint.fmpq_mpoly, var: str) -> list[flint.fmpq_mpoly]:
    """Coefficients of ``p`` as a polynomial in ``var``, highest power first."""
    ctx = p.context()
    i = ctx.variable_to_index(var)
    parts: list[dict] = [{} for _ in range(max(p.degrees()[i], 0) + 1)]
    for e, c in p.terms():
        parts[e[i]][e[:i] + (0,) + e[i + 1 :]] = c
    return [ctx.from_dict(d) for d in reversed(parts)]


def bezout_cofactors(
    f: flint.fmpq_mpoly, g: flint.fmpq_mpoly, var: str, max_terms: int | None = None
) -> tuple[flint.fmpq_mpoly, flint.fmpq_mpoly, flint.fmpq_mpoly]:
    """``(R, A, B)`` with ``R = A*f + B*g`` free of ``var``: the Bezout form of the resultant.

    Parameters
    ----------
    f, g : flint.fmpq_mpoly
        Polynomials of degrees m, n >= 0 in ``var``, not both of degree 0.
    var : str
        The variable to eliminate.
    max_terms : int, optional
        Give up (raise an internal ``_TooLarge``) when a minor would exceed this many terms.

    Returns
    -------
    R, A, B : flint.fmpq_mpoly
        ``R = det(Bezout matrix) = +-lc^|m-n| Res_var(f, g)`` (lc: the leading coefficient of the
        polynomial of higher degree), so R = 0 exactly when the resultant is 0.

    Raises
    ------
    ValueError
        If both polynomials are free of ``var`` (their resultant, 1, is in no proper ideal).

    Examples
    --------
    >>> ctx = flint.fmpq_mpoly_ctx.get(("a", "b", "c", "x"), "lex")
    >>> a, b, c, x = ctx.gens()
    >>> f = a * x**2 + b * x + c
    >>> R, A, B = bezout_cofactors(f, f.derivative("x"), "x")
    >>> R, A, B
    (-4*a^3*c + a^2*b^2, -4*a^3, 2*a^3*x + a^2*b)
    >>> R == A * f + B * f.derivative("x") == -a * f.resultant(f.derivative("x"), "x")
    True

    Notes
    -----
    ``(f(x)g(y) - f(y)g(x))/(x - y) = sum_j B_j(x) y^j`` with ``B_j = g F_j - f G_j``, where
    ``F_j = sum_{k>j} f_k x^(k-1-j)`` and likewise ``G_j``.  Adding ``x^i`` times column i of the
    Bezout matrix to its column 0 turns row j into ``B_j(x)`` without changing the determinant, and
    expanding along that column writes R as ``A f + B g``.  The minors come from one memoised,
    division-free Laplace expansion over row subsets: ``2^max(m, n)`` of them, against
    ``2^(m+n)`` for the Sylvester matrix.
    """
    ctx = f.context()
    zero = ctx.constant(0)
    m = max(f.degrees()[ctx.variable_to_index(var)], g.degrees()[ctx.variable_to_index(var)])
    if m < 1:
        raise ValueError(f"both polynomials are free of {var}: their resultant is not in their ideal")
    fc, gc = (_coefficients(p, var)[::-1] for p in (f, g))  # lowest power first
    fc, gc = fc + [zero] * (m + 1 - len(fc)), gc + [zero] * (m + 1 - len(gc))
    c = [[fc[i] * gc[j] - fc[j] * gc[i] for j in range(m + 1)] for i in range(m + 1)]
    M = [
        [sum((c[i + 1 + k][j - k] for k in range(min(j, m - 1 - i) + 1)), zero) for i in range(m)]
        for j in range(m)
    ]
    memo = {0: ctx.constant(1)}

    def minor(rows: int) -> flint.fmpq_mpoly:
        """det of the rows in the bit set ``rows`` and the last popcount(rows) columns."""
        if rows not in memo:
            members = [r for r in range(m) if rows >> r & 1]
            col, total = m - len(members), zero
            for pos, r in enumerate(members):
                if not M[r][col].is_zero():
                    sub = minor(rows & ~(1 << r))
                    if max_terms and len(M[r][col]) * len(sub) > 100 * max_terms:
                        raise _TooLarge(f"a Bezout minor would exceed {max_terms} terms")
                    total = total + M[r][col] * sub if pos % 2 == 0 else total - M[r][col] * sub
            if max_terms and len(total) > max_terms:
                raise _TooLarge(f"a Bezout minor has more than {max_terms} terms")
            memo[rows] = total
        return memo[rows]

    x = ctx.gens()[ctx.variable_to_index(var)]
    R = A = B = zero
    for j in range(m):
        cofactor = minor(((1 << m) - 1) & ~(1 << j)) * (-1) ** j
        R += cofactor * M[j][0]
        A -= cofactor * sum((gc[k] * x ** (k - 1 - j) for k in range(j + 1, m + 1)), zero)
        B += cofactor * sum((fc[k] * x ** (k - 1 - j) for k in range(j + 1, m + 1)), zero)
    return R, A, B


def _chain_value(node: list, E: list, memo: dict) -> flint.fmpq_mpoly:
    """Value of a resultant chain ``["eq", k]`` / ``["res", var, a, b]`` (memoised in ``memo``)."""
    key = repr(node)
    if key not in memo:
        if node[0] == "eq":
            memo[key] = E[node[1]]
        else:
            memo[key] = _chain_value(node[2], E, memo).resultant(_chain_value(node[3], E, memo), node[1])
    return memo[key]


def _chain_cofactors(node: list, E: list, max_terms: int) -> tuple[flint.fmpq_mpoly, list[flint.fmpq_mpoly]]:
    """``(R, c)`` with ``R = sum_k c_k E_k`` x-free: the chain with each resultant in Bezout form."""
    ctx = E[0].context()
    if node[0] == "eq":
        return E[node[1]], [ctx.constant(int(k == node[1])) for k in range(len(E))]
    (f, a), (g, b) = _chain_cofactors(node[2], E, max_terms), _chain_cofactors(node[3], E, max_terms)
    R, A, B = bezout_cofactors(f, g, node[1], max_terms)
    result = [A * ak + B * bk for ak, bk in zip(a, b)]
    if max(len(c) for c in result) > max_terms:
        raise _TooLarge(f"a cofactor has more than {max_terms} terms")
    return R, result


def _chains(E: list, ring: _Ring):
    """Candidate eliminations of x, cheapest first: single equations, then resultant chains."""
    for k in range(len(E)):
        yield ["eq", k]
    if len(ring.xs) == 1:
        yield ["res", "x1", ["eq", 0], ["eq", 1]]
        return
    pairs = list(combinations(range(3), 2))
    for inner, outer in (("x2", "x1"), ("x1", "x2")):
        for p, q in combinations(pairs, 2):
            first, second = (
                ["res", inner, ["eq", p[0]], ["eq", p[1]]],
                ["res", inner, ["eq", q[0]], ["eq", q[1]]],
            )
            yield first
            yield second
            yield ["res", outer, first, second]


def _admissible(node: list, E: list, memo: dict, ring: _Ring) -> bool:
    """Whether no resultant in the chain is taken of two polynomials free of its variable.

    Such a resultant is 1 by convention and lies in no proper ideal, so it must never be used.
    """
    if node[0] == "eq":
        return True
    if not (_admissible(node[2], E, memo, ring) and _admissible(node[3], E, memo, ring)):
        return False
    f, g = _chain_value(node[2], E, memo), _chain_value(node[3], E, memo)
    return max(ring.degree_in(f, node[1]), ring.degree_in(g, node[1])) >= 1


def _chain_text(node: list) -> str:
    if node[0] == "eq":
        return f"E{node[1] + 1}"
    return f"Res_{node[1]}({_chain_text(node[2])}, {_chain_text(node[3])})"


def _primitive(p: flint.fmpq_mpoly) -> tuple[flint.fmpq, flint.fmpq_mpoly]:
    """``(c, q)`` with ``p = c*q``, q with coprime integer coefficients and positive leading one."""
    coefficients = [c for _, c in p.terms()]
    num, den = 0, 1
    for c in coefficients:
        num, den = math.gcd(num, int(c.p)), math.lcm(den, int(c.q))
    c = flint.fmpq(num if coefficients[0] > 0 else -num, den)
    return c, p * (1 / c)


# -- the elimination --------------------------------------------------------------------------------


def _equations(net: Network, ring: _Ring) -> list[flint.fmpq_mpoly]:
    """``E = (grad Phi, det Hess Phi)``: the structured route of DESIGN section 1, run over Q[theta, x].

    A forward pass gives ``sigma'(z_v)`` and ``sigma''(z_v)`` as FLINT polynomials, and
    :func:`~symmorse.model.network.structured_derivatives` (ring-generic) the gradient and Hessian;
    this equals :meth:`Network.gradient` / :meth:`Network.hessian_det` expanded, without SymPy's
    expansion cost.
    """
    G, gen = net.graph, dict(zip(ring.params + ring.xs, ring.ctx.gens()))
    p = sympy.Poly(net.activation.sigma, Z)
    sigma = [q.all_coeffs() for q in (p, p.diff(Z), p.diff(Z).diff(Z))]

    def horner(coefficients: list, z: flint.fmpq_mpoly) -> flint.fmpq_mpoly:
        value = ring.zero
        for c in coefficients:
            value = value * z + to_fmpq(c)
        return value

    def weight(u, v) -> flint.fmpq_mpoly:
        return gen[edge_parameter(G, u, v)]

    value = {v: gen[input_variable(G, v)] for v in input_nodes(G)}
    d1, d2 = {}, {}
    for v in [v for group in layers(G)[1:-1] for v in group]:
        z = sum((weight(u, v) * value[u] for u in G.predecessors(v)), gen[bias_parameter(G, v)])
        value[v], d1[v], d2[v] = (horner(q, z) for q in sigma)
    sd = structured_derivatives(G, weight, d1, d2, ring.zero, ring.one)
    H = sd.hessian
    return [*sd.gradient, H[0][0] if len(H) == 1 else H[0][0] * H[1][1] - H[0][1] * H[1][0]]


def _equation_names(n0: int) -> list[str]:
    if n0 == 1:
        return ["dPhi/dx1", "d2Phi/dx1^2"]
    return [f"dPhi/dx{i}" for i in range(1, n0 + 1)] + ["det Hess Phi"]


def _random_point(names: Sequence[str], rng: random.Random, bound: int = 3) -> dict[str, flint.fmpq]:
    return {n: flint.fmpq(rng.randint(-bound * 4, bound * 4), rng.randint(1, 4)) for n in names}


def _measure_zero(
    E: list, ring: _Ring, first: list, chains: Iterator, memo: dict, max_terms: int, rng: random.Random
) -> tuple[dict, str]:
    """Certificate body for P from the first chain (``first``, then ``chains``) that gives cofactors.

    A chain is skipped when its Bezout form vanishes although its resultant does not (the extra
    leading coefficients may share a factor in x); when a cofactor grows beyond ``max_terms``,
    the first chain is used with the weaker ``resultant`` membership instead.
    """
    problem, proof = "the Bezout form of every chain vanishes", None
    for node in chain([first], chains):
        try:
            value, cofactors = _chain_cofactors(node, E, max_terms)
        except _TooLarge as exc:
            problem = str(exc)
            break
        if not value.is_zero() and ring.x_degree(value) == 0:
            proof = node, value, cofactors
            break
    if proof is None:
        _, P = _primitive(_chain_value(first, E, memo))
        membership = {
            "method": "resultant",
            "chain": first,
            "claim": f"weaker: no cofactors ({problem}); P is a constant multiple of {_chain_text(first)}, "
            "recomputed by the checker with FLINT, and a resultant lies in the ideal of its arguments "
            "(Sylvester); P != 0 at a rational point",
        }
        how = _chain_text(first)
    else:
        node, value, cofactors = proof
        common = value
        for c in cofactors:
            common = common.gcd(c)
        scale, P = _primitive(value / common)
        cofactors = [c / (common * scale) for c in cofactors]
        membership = {
            "method": "cofactors",
            "chain": node,
            "cofactors": [ring.json(c) for c in cofactors],
            "claim": "every weight with a degenerate critical point is a zero of P, since "
            "P = " + " + ".join(f"A{k + 1}*E{k + 1}" for k in range(len(E))) + " (identity in Q[theta, x], "
            f"cofactors of {'/'.join(str(len(c)) for c in cofactors)} terms); P != 0 at a rational point",
        }
        how = _chain_text(node)
        if node[0] == "res":
            how = f"{how} in Bezout form, divided by its gcd with the cofactors"
    for _ in range(200):
        point = _random_point(ring.params, rng)
        v = P(*point.values(), *[0] * len(ring.xs))
        if v != 0:
            break
    else:  # pragma: no cover -- a non-zero P vanishes at 200 random points with negligible probability
        raise RuntimeError("no point with P != 0 found")
    content, factors = P.factor()
    body = {
        "verdict": "measure-zero",
        "method": how,
        "polynomial": ring.json(P),
        "membership": membership,
        "point": {k: str(q) for k, q in point.items()},
        "value": str(v),
        "factorization": {
            "content": str(content),
            "factors": [
                {"polynomial": ring.json(f), "multiplicity": int(m), "degree": int(f.total_degree())}
                for f, m in factors
            ],
        },
    }
    reason = (
        f"P ({how}, up to a constant) is a non-zero polynomial ({plural(len(P), 'term')}, "
        f"{plural(len(factors), 'distinct irreducible factor')}) that vanishes at every weight with a "
        "degenerate critical point"
    )
    return body, reason


def _sign_change(F: flint.fmpq_mpoly, ring: _Ring, rng: random.Random) -> tuple[dict, list[dict]] | None:
    """Weights theta0 and two inputs on an x-axis parallel where ``F(., theta0)`` changes sign.

    Real roots of F restricted to the line are isolated by :meth:`sympy.Poly.intervals`; an
    interval whose ends give opposite signs (widened a little if an end is itself a root) is kept.
    """
    var = next(x for x in ring.xs if ring.degree_in(F, x) > 0)
    i = ring.ctx.variable_to_index(var)
    t = sympy.Dummy("t")
    for _ in range(10):
        theta = _random_point(ring.params, rng)
        base = {x: flint.fmpq(rng.randint(-3, 3)) for x in ring.xs}
        line = F.subs({**theta, **{x: v for x, v in base.items() if x != var}})
        terms = {(int(e[i]),): to_sympy(c) for e, c in line.terms()}
        if len(terms) < 2:
            continue
        for (lo, hi), _ in sympy.Poly.from_dict(terms, t).intervals():
            for j in range(0, 40, 4):
                ends = [
                    {**base, var: to_fmpq(q) + s * flint.fmpq(1, 2**j) * (j > 0)}
                    for q, s in ((lo, -1), (hi, 1))
                ]
                a, b = (F(*theta.values(), *[e[x] for x in ring.xs]) for e in ends)
                if a * b < 0:
                    return theta, ends
    return None


def _common_factor(E: list, ring: _Ring, rng: random.Random) -> tuple[dict, str] | None:
    """Forced degeneracy: a factor F of every E_k that changes sign (hence vanishes) near some weights."""
    common = ring.zero
    for e in E:
        common = common.gcd(e)
    for F, _ in common.factor()[1]:
        if ring.x_degree(F) < 1:
            continue
        found = _sign_change(F, ring, rng)
        if found is not None:
            rows = [[ring.json(e / F)] for e in E]
            body = _forced_body([F], [ring.one] * len(E), rows, found[0], ring)
            body["sign_change"] = [{x: str(q) for x, q in end.items()} for end in found[1]]
            return body, (
                f"the equations share the factor {ring.text(F)}, which changes sign on a segment for all "
                "weights near the witness point; its zeros are degenerate critical points; no P != 0 exists"
            )
    return None


def _linear_pair(E: list, ring: _Ring, rng: random.Random) -> tuple[dict, str] | None:
    """Forced degeneracy for two inputs: E vanishes wherever two independent x-linear factors do."""
    linear = []
    for e in E:
        if not e.is_zero():
            linear += [F for F, _ in e.factor()[1] if ring.x_degree(F) == 1 and F not in linear]
    params = ring.ctx.gens()[: len(ring.params)]
    x1, x2 = ring.xs
    for F1, F2 in list(combinations(linear, 2))[:40]:
        J = [[F.derivative(x) for x in ring.xs] for F in (F1, F2)]
        det = J[0][0] * J[1][1] - J[0][1] * J[1][0]
        if det.is_zero():
            continue
        c = [F.subs({x1: 0, x2: 0}) for F in (F1, F2)]
        y = ring.ctx.gens()[len(ring.params) :]  # y_j lives in the slot of x_j
        X = [
            J[1][1] * (y[0] - c[0]) - J[0][1] * (y[1] - c[1]),
            J[0][0] * (y[1] - c[1]) - J[1][0] * (y[0] - c[0]),
        ]
        multipliers, rows, k = [], [], len(ring.params)
        for e in E:
            d = max(ring.x_degree(e), 0)
            parts: dict[int, dict] = {}
            for exps, coeff in e.terms():
                parts.setdefault(sum(exps[k:]), {})[exps] = coeff
            image = ring.zero
            for t, terms in parts.items():
                image += det ** (d - t) * ring.ctx.from_dict(terms).compose(*params, *X)
            if not image.subs({x1: 0, x2: 0}).is_zero():
                break
            first = ring.ctx.from_dict({ex: co for ex, co in image.terms() if ex[k] > 0}) / y[0]
            second = (image - first * y[0]) / y[1]
            rows.append([ring.json(m.compose(*params, F1, F2)) for m in (first, second)])
            multipliers.append(det**d)
        else:
            for _ in range(20):
                theta = _random_point(ring.params, rng)
                values = [*theta.values(), 0, 0]
                if any(D(*values) == 0 for D in multipliers):
                    continue
                A = flint.fmpq_mat([[entry(*values) for entry in row] for row in J])
                x0 = A.solve(flint.fmpq_mat(2, 1, [-c[0](*values), -c[1](*values)]))
                body = _forced_body([F1, F2], multipliers, rows, theta, ring)
                body["zero"] = {x1: str(x0[0, 0]), x2: str(x0[1, 0])}
                return (
                    body,
                    f"every equation vanishes where {ring.text(F1)} = {ring.text(F2)} = 0, a simple real "
                    "point for every weight near the witness; so degeneracy is forced and no P != 0 exists",
                )
    return None


def _forced_body(generators: list, multipliers: list, rows: list, point: dict, ring: _Ring) -> dict:
    return {
        "verdict": "forced",
        "claim": "D_k E_k = sum_j M_kj G_j (identity in Q[theta, x], D_k free of x and non-zero at the "
        "witness) and G has a real zero near the witness for every weight near it (a sign change on a "
        "segment, or a zero where dG/dx has full rank): degenerate critical points on an open set of weights",
        "generators": [ring.json(g) for g in generators],
        "multipliers": [ring.json(m) for m in multipliers],
        "cofactors": rows,
        "point": {k: str(q) for k, q in point.items()},
    }


def _run(net: Network, seed: int, max_terms: int) -> Elimination:
    """The elimination itself (in this process)."""
    start = time.perf_counter()
    ring = _Ring(net)
    rng = random.Random(seed)
    E = _equations(net, ring)
    memo: dict = {}
    chains = (
        node
        for node in _chains(E, ring)
        if _admissible(node, E, memo, ring)
        and not (value := _chain_value(node, E, memo)).is_zero()
        and ring.x_degree(value) == 0
    )  # lazily: each candidate costs resultants
    first = next(chains, None)
    outcome = None if first is None else _measure_zero(E, ring, first, chains, memo, max_terms, rng)
    if outcome is None:
        outcome = _common_factor(E, ring, rng)
    if outcome is None and len(ring.xs) == 2:
        outcome = _linear_pair(E, ring, rng)
    name, activation = net.describe(), net.activation
    if outcome is None:
        reason = (
            "every resultant chain tried vanishes identically, and neither a common factor of the equations "
            "that changes sign nor (two inputs) two x-linear factors whose common zero kills every equation "
            "was found: neither P != 0 nor forced degeneracy is shown"
        )
        return Elimination("undecided", reason, name, activation.name, None, time.perf_counter() - start)
    body, reason = outcome
    sigma = sympy.Poly(activation.sigma, Z).all_coeffs()[::-1]
    certificate = {
        "format": FORMAT,
        "architecture": {"widths": net.widths},
        "activation": {"name": activation.name, "coefficients": [str(c) for c in sigma]},
        "variables": ring.params + ring.xs,
        "equations": _equation_names(len(ring.xs)),
        **body,
        "reason": reason,
        "seed": seed,
    }
    return Elimination(
        body["verdict"], reason, name, activation.name, certificate, time.perf_counter() - start
    )


def _validate(architecture: str | Sequence[int] | nx.DiGraph, activation: str | Activation) -> Network:
    """The network to eliminate, after checking the activation and the size limits."""
    act = get_activation(activation)
    if not act.is_polynomial:
        raise ActivationError(f"elimination needs a polynomial activation poly:EXPR; {act.name!r} is not one")
    net = Network(architecture, act)
    ws = net.widths
    if ws is None or any(net.graph.nodes[v].get("activation") for v in net.graph):
        raise ArchitectureError("elimination needs a layered MLP given by widths, e.g. 1,2,1")
    n0, degree = ws[0], sympy.degree(act.sigma, Z) ** max(len(ws) - 2, 0)
    p = len(net.parameters)
    name = net.describe()
    if n0 > MAX_INPUTS:
        raise ArchitectureError(
            f"elimination handles input width 1 or {MAX_INPUTS}; {name} has input width {n0}"
        )
    if degree > MAX_DEGREE[n0]:
        raise ArchitectureError(
            f"{name} with {act.name}: Phi has degree {degree} in x; elimination supports at most "
            f"{MAX_DEGREE[n0]} for input width {n0}"
        )
    if p > MAX_PARAMETERS:
        raise ArchitectureError(f"{name} has {p} weights; elimination supports at most {MAX_PARAMETERS}")
    return net


def eliminate(
    architecture: str | Sequence[int] | nx.DiGraph,
    activation: str | Activation,
    *,
    seed: int = 0,
    time_limit: float | None = None,
    max_cofactor_terms: int = MAX_COFACTOR_TERMS,
) -> Elimination:
    """Eliminate x: a polynomial P(theta) != 0 vanishing wherever Phi has a degenerate critical point.

    Parameters
    ----------
    architecture : str, sequence of int or networkx.DiGraph
        A layered MLP with input width 1 or 2 (see :data:`MAX_DEGREE`, :data:`MAX_PARAMETERS`).
    activation : str or Activation
        A polynomial activation, ``"poly:EXPR"``.
    seed : int
        Seed of the generator of witness points (same seed, same certificate).
    time_limit : float, optional
        Seconds; the elimination then runs in a worker process (memory limit :data:`MEMORY_LIMIT`)
        that is stopped at the limit, and the answer is ``undecided``.
    max_cofactor_terms : int
        Above this size, cofactors are dropped for the weaker ``resultant`` membership claim.

    Returns
    -------
    Elimination

    Raises
    ------
    ArchitectureError, ActivationError
        For unsupported architectures and sizes (the message names the limit) and for
        activations that are not polynomials.

    Examples
    --------
    >>> e = eliminate("1,2,1", "poly:z**2+z")
    >>> e.verdict, e.certificate["membership"]["method"]
    ('measure-zero', 'cofactors')
    >>> eliminate("1,1,1", "poly:z**3").verdict
    'forced'

    Notes
    -----
    Resultant chains (``Res_x1(E1, E2)``; for two inputs ``Res_x1`` of two ``Res_x2``) are
    tried until one is a non-zero polynomial in theta; Bezout cofactors
    (:func:`bezout_cofactors`) composed through the chain, divided by their common gcd with P,
    certify ``P = sum_k A_k E_k``.  If all chains vanish, a common factor of E that changes sign
    (or, for two inputs, two independent x-linear factors whose common zero kills E) proves forced
    degeneracy.
    """
    net = _validate(architecture, activation)
    if time_limit is None:
        return _run(net, seed, max_cofactor_terms)
    if time_limit < 0:
        raise InputError(f"the time limit must be >= 0 seconds, got {time_limit}")
    return _in_worker(net, seed, max_cofactor_terms, time_limit)


def _in_worker(net: Network, seed: int, max_terms: int, seconds: float) -> Elimination:
    """Run :func:`_run` in a forked, memory-limited process that is killed at the deadline."""
    start = time.perf_counter()
    outcome = run_limited(_run, (net, seed, max_terms), seconds, MEMORY_LIMIT)
    if outcome.ok:
        return outcome.value
    reason = f"the elimination stopped: {outcome.value}"
    return Elimination(
        "undecided", reason, net.describe(), net.activation.name, None, time.perf_counter() - start
    )
