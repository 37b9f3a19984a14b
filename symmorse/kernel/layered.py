"""Kernel for ``symmorse-certificate/1``: layered MLP certificates, re-derived from the widths.

``symmorse check FILE`` reads a certificate and re-derives every claim in it
with exact arithmetic.  Like a proof assistant's kernel, this module trusts
nothing the search side computed: it imports only :mod:`symmorse.kernel.base`
(the chart table, exact numbers, the DAG derivatives, which prove sigma' > 0
by their own route) and :mod:`symmorse.exact`.

The kernel recomputes the class, the widening steps, branch kinds and
dimension counts from the widths, re-derives backward vectors, Jacobians and
the structured Hessian at every witness (one small routine over a DAG, with
FLINT rationals), and re-derives the verdicts.  A claim of ``undecided`` is
always acceptable; any stronger claim must follow.  It returns
``accepted=False`` with the first false claim and raises
:class:`~symmorse.exact.errors.CertificateError` only when the input is not a
certificate at all (missing top-level keys, malformed widths).

SymPy is trusted here only through :mod:`symmorse.kernel.base`: to parse a
polynomial activation and the witness biases, and to show each bias equal to
c^{-1}(u) minus its incoming sum (``expand`` to 0, when it is not equal term by
term).  Everything else is FLINT: sigma' > 0 (Sturm sequences), the chart values
sigma'(u), sigma''(u), the adjoints, Jacobians, Hessians, ranks and determinants.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import NamedTuple

import flint

from ..exact.errors import CertificateError
from ..exact.modular import is_modulus, modular_matrix, residues
from .base import (
    CheckResult,
    Rejected,
    Term,
    chart,
    chart_at,
    check_biases,
    claims_follow,
    number,
    positive_derivative,
    require,
)
from .reader import MAX_DIGITS, plain_integers

__all__ = ["FORMAT", "check_mlp_certificate"]

FORMAT = "symmorse-certificate/1"


def _matrix(data: object, shape: tuple[int, int], where: str) -> flint.fmpz_mat | flint.fmpq_mat:
    """A matrix from rows of exact numbers: an integer matrix read at once when every entry is a
    JSON integer or a plain integer text (:func:`~symmorse.kernel.reader.plain_integers`: the
    values :func:`~symmorse.kernel.base.number` gives them), else rationals read entry by entry."""
    rows, cols = shape
    require(
        isinstance(data, list)
        and len(data) == rows
        and all(isinstance(r, list) and len(r) == cols for r in data),
        f"{where} is not a {rows} x {cols} matrix",
    )
    entries = list(itertools.chain.from_iterable(data))
    if set(map(type, entries)) == {int}:
        return flint.fmpz_mat(rows, cols, entries)
    if plain_integers(entries):
        return flint.fmpz_mat(rows, cols, list(map(int, entries)))
    return flint.fmpq_mat(
        rows, cols, [number(a, f"{where}[{i // cols}][{i % cols}]") for i, a in enumerate(entries)]
    )


def _vector(data: object, n: int, where: str) -> list[flint.fmpq]:
    return flint.fmpq_mat(_matrix([data], (1, n), where)).entries()


# -- layered MLP certificates ----------------------------------------------------------------------


def _widths(data: dict) -> list[int]:
    arch = data["architecture"]
    ws = arch.get("widths") if isinstance(arch, dict) else None
    if not (
        isinstance(ws, list)
        and len(ws) >= 2
        and all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 10_000 for n in ws)
        and ws[-1] == 1
    ):
        raise CertificateError("architecture widths must be a list of positive integers ending in 1")
    return ws


def _branches(ws: list[int]) -> list[dict]:
    """Widening steps, kinds and dimension counts, recomputed (DESIGN section 2)."""
    p, n0 = sum(b * (a + 1) for a, b in zip(ws, ws[1:])), ws[0]
    found, m = [], n0  # m = min(ws[:k]), kept as a running minimum: linear in len(ws)
    for k in range(1, len(ws) - 1):
        m = min(m, ws[k - 1])
        if ws[k] > ws[k - 1]:
            kind = "null" if ws[k - 1] > m else "morse" if m == n0 else "degenerate"
            found.append(
                {
                    "step": k,
                    "from": ws[k - 1],
                    "to": ws[k],
                    "narrowest": m,
                    "kind": kind,
                    "dimension": p + n0 - ws[k - 1],
                    "critical_weights_dimension": p - (ws[k - 1] - m),
                }
            )
    return found


def _layered_witness(ws: list[int], charts: dict, branch: dict, witness: object) -> None:
    """Reject unless the witness lies on branch k and its claims hold."""
    k, top, where = branch["step"], len(ws) - 2, f"branch k={branch['step']}"
    require(isinstance(witness, dict), f"{where}: witness missing")
    W = witness.get("W", {})
    require(
        isinstance(W, dict) and set(W) == {str(l) for l in range(1, top + 1)},
        f"{where}: witness W must have layers 1..{top}",
    )
    Ws = {l: _matrix(W[str(l)], (ws[l], ws[l - 1]), f"{where}: W{l}") for l in range(1, top + 1)}
    us = witness.get("u", {})
    require(isinstance(us, dict), f"{where}: witness u missing")
    u = {l: _vector(us.get(str(l)), ws[l], f"{where}: u{l}") for l in range(1, top + 1)}
    Ws[top + 1] = _matrix([witness.get("w")], (1, ws[top]), f"{where}: w")
    x = _vector(witness.get("x"), ws[0], f"{where}: x")
    for l in range(1, top + 1):
        lo, hi = charts[l].interval
        require(
            all((lo is None or a > lo) and (hi is None or a < hi) for a in u[l]),
            f"{where}: a chart value u{l} lies outside the chart interval",
        )
    d1 = {l: [chart_at(charts[l].d1, a) for a in u[l]] for l in range(1, top + 1)}
    d2 = {l: [chart_at(charts[l].d2, a) for a in u[l]] for l in range(1, top + 1)}
    # Backward vectors v_l = dPhi/dh_l, exactly over Q: v_top = w, v_{l-1} = W_l^T D_l v_l.
    v = {top: Ws[top + 1].transpose()}
    for l in range(top, 0, -1):
        Dv = flint.fmpq_mat(ws[l], 1, [a * b for a, b in zip(d1[l], v[l].entries())])
        if l == k:
            require(any(a != 0 for a in Dv.entries()), f"{where}: D_k v_k = 0, off the branch")
        v[l - 1] = Ws[l].transpose() * Dv
    require(all(a == 0 for a in v[k - 1].entries()), f"{where}: W_k^T D_k v_k != 0, off the branch")
    claims = branch.get("claims")
    require(isinstance(claims, dict), f"{where}: claims missing")
    curvature = {l: [a * b for a, b in zip(d2[l], v[l].entries())] for l in range(1, top + 1)}
    routes = []
    if "modulus" in claims:
        routes.append(_modular(claims, where))
    if {"det_hessian", "det_hessian_g"} & set(claims):
        routes.append(_RATIONALS)
    require(bool(routes), f"{where}: the claims prove no determinant (neither modulus nor det_hessian)")
    for ring in routes:
        _claims_hold(ws, branch["kind"], k, ring, Ws, d1, curvature, claims, where)
    biases = witness.get("biases")
    require(
        isinstance(biases, dict) and set(biases) == {str(l) for l in range(1, top + 2)},
        f"{where}: biases must have layers 1..{top + 1}",
    )
    if not _biases_match(ws, charts, Ws, u, x, biases):  # not term by term: the SymPy route decides
        nodes = {l: [(l, i) for i in range(ws[l])] for l in range(len(ws))}
        rows = {l: Ws[l].table() for l in range(1, top + 2)}
        preds = {
            (l, i): [((l - 1, j), rows[l][i][j]) for j in range(ws[l - 1])]
            for l in range(1, top + 2)
            for i in range(ws[l])
        }
        hidden = [v for l in range(1, top + 1) for v in nodes[l]]
        claimed = {(l, i): b for l in range(1, top + 2) for i, b in enumerate(_bias_list(biases, l, where))}
        charted = {v: charts[v[0]] for v in hidden}
        check_biases(
            nodes[0],
            hidden,
            (top + 1, 0),
            preds,
            charted,
            {v: u[v[0]][v[1]] for v in hidden},
            x,
            claimed,
            where,
        )


class _Ring(NamedTuple):
    """Where the Jacobians and Hessians are computed: Q, or GF(p) with the claimed prime p."""

    name: str
    scalars: Callable[[list[flint.fmpq]], list]
    matrix: Callable[[flint.fmpq_mat], object]
    zeros: Callable[[int, int], object]
    modulus: int | None = None


_RATIONALS = _Ring("Q", lambda values: values, flint.fmpq_mat, flint.fmpq_mat)


def _modular(claims: dict, where: str) -> _Ring:
    p = claims["modulus"]
    require(
        is_modulus(p),
        f"{where}: modulus {p!r} is not a prime between 2^59 and 2^63 (FLINT's primality proof)",
    )
    return _Ring(
        f"GF({p})",
        lambda values: residues(values, p),
        lambda M: modular_matrix(M, p),
        lambda rows, cols: flint.nmod_mat(rows, cols, p),
        p,
    )


def _diagonal_times(ring: _Ring, factors: list, M: object) -> object:
    """``diag(factors) * M`` in the ring."""
    D = ring.zeros(len(factors), len(factors))
    for i, f in enumerate(factors):
        D[i, i] = f
    return D * M


def _jacobians_and_hessian(ring: _Ring, Ws: dict, d1: dict, curvature: dict, first: int, top: int):
    """``J_l = dz_l/dh_{first-1}`` for ``first <= l <= top`` and
    ``Hess = sum_l J_l^T diag(sigma''_l v_l) J_l``, in the ring."""
    J = {first: ring.matrix(Ws[first])}
    for l in range(first + 1, top + 1):
        J[l] = ring.matrix(Ws[l]) * _diagonal_times(ring, ring.scalars(d1[l - 1]), J[l - 1])
    hessian = ring.zeros(Ws[first].ncols(), Ws[first].ncols())
    for l in range(first, top + 1):
        hessian += J[l].transpose() * _diagonal_times(ring, ring.scalars(curvature[l]), J[l])
    return J, hessian


def _claims_hold(ws, kind, k, ring, Ws, d1, curvature, claims, where) -> None:
    """The determinant and rank claims of a witness, in Q (exact values) or GF(p) (residues)."""
    top = len(ws) - 2
    try:
        J, hessian = _jacobians_and_hessian(ring, Ws, d1, curvature, 1, top)
        if kind != "morse":
            _, hessian_g = _jacobians_and_hessian(ring, Ws, d1, curvature, k, top)
    except ZeroDivisionError:
        raise Rejected(f"{where}: the modulus {ring.modulus} divides a denominator of the witness") from None
    modular = ring.modulus is not None

    def agrees(key: str, label: str, value) -> None:
        key = f"{key}_residue" if modular else key
        claimed = claims.get(key)
        held = type(claimed) is int and claimed == int(value) if modular else number(claimed, key) == value
        require(held, f"{where}: {label} is {value} in {ring.name}, claimed {key} = {claimed!r}")

    if kind == "morse":
        det = hessian.det()
        require(det != 0, f"{where}: det Hess Phi = 0 at the witness (in {ring.name})")
        agrees("det_hessian", "det Hess Phi", det)
        return
    det_g = hessian_g.det()
    require(det_g != 0, f"{where}: det Hess g = 0 at the witness (in {ring.name})")
    agrees("det_hessian_g", "det Hess g", det_g)
    rank_j, rank_h = J[k - 1].rank(), hessian.rank()
    # Over GF(p) a rank is a lower bound; the upper bounds are structural: J_{k-1} has n_{k-1} rows,
    # and at v_{k-1} = 0, Hess Phi = (D_{k-1} J_{k-1})^T Hess g (D_{k-1} J_{k-1}) has rank <= n_{k-1} < n_0.
    require(
        rank_j == ws[k - 1] == claims.get("rank_jacobian"),
        f"{where}: rank J_{k - 1} is {rank_j} in {ring.name}, claimed {claims.get('rank_jacobian')}",
    )
    require(
        rank_h == claims.get("rank_hessian") and rank_h < ws[0] and (not modular or rank_h == ws[k - 1]),
        f"{where}: rank Hess Phi is {rank_h} in {ring.name}, claimed {claims.get('rank_hessian')}",
    )


#: A bias text of one or two terms: a rational, or a function of a rational, as SymPy prints them.
_NUMBER = r"\d+(?:/\d+)?"
_BIAS = re.compile(
    rf"(-?)(?:([a-z]+)\(({_NUMBER})\)|({_NUMBER}))(?: ([+-]) (?:([a-z]+)\(({_NUMBER})\)|({_NUMBER})))?",
    re.ASCII,
)
#: How a function's values at q and at -q or 1/q relate: f(-q) = -f(q) (odd) or f(1/q) = -f(q).
_ODD, _LOGARITHM = {"atanh", "atan"}, {"log"}


def _read_bias(text: object) -> tuple[flint.fmpq, list[tuple[int, str, flint.fmpq]]] | None:
    """A bias text as its rational part and its function terms ``(sign, name, argument)``, or None
    when it is not one or two terms of that simple shape."""
    match = _BIAS.fullmatch(text) if isinstance(text, str) and len(text) <= 2 * MAX_DIGITS else None
    if match is None:
        return None
    first, name, argument, q, op, name2, argument2, q2 = match.groups()
    c, terms = flint.fmpq(0), []
    for sign, f, a, r in (
        (-1 if first else 1, name, argument, q),
        (-1 if op == "-" else 1, name2, argument2, q2),
    ):
        try:
            if f is not None:
                terms.append((sign, f, number(a, "bias")))
            elif r is not None:
                c += sign * number(r, "bias")
        except Rejected:
            return None
    return c, terms


def _same_term(read: tuple[int, str, flint.fmpq], term: Term, u: flint.fmpq) -> bool:
    """Whether ``sign * name(a)`` (as read) is the value of ``term`` at u, by the function's symmetry."""
    sign, name, a = read
    b = term.argument(u)
    if name != term.function:
        return False
    if name in _ODD:
        return sign * a == term.sign * b
    return name in _LOGARITHM and a > 0 and b > 0 and (a == b if sign == term.sign else a * b == 1)


def _biases_match(ws: list[int], charts: dict, Ws: dict, u: dict, x: list, biases: dict) -> bool:
    """Whether every bias text is, term by term, ``c^{-1}(u) - W_l h_{l-1}`` (the output bias 0).

    A sufficient test without SymPy, for layers whose h = sigma(c^{-1}(u)) is rational (tanh,
    sigmoid, polynomials, identity): False sends the witness to the SymPy route, which decides.
    """
    top, h = len(ws) - 2, x
    for l in range(1, top + 1):
        texts = biases[str(l)]
        if not (isinstance(texts, list) and len(texts) == ws[l]):
            return False
        incoming = (Ws[l] * flint.fmpq_mat(len(h), 1, h)).entries()
        inverse = charts[l].inverse
        for text, q, a in zip(texts, incoming, u[l]):
            read = _read_bias(text)
            if read is None:
                return False
            c, terms = read
            if inverse.function is None:
                if terms or c != inverse.sign * inverse.argument(a) - q:
                    return False
            elif not (c == -q and len(terms) == 1 and _same_term(terms[0], inverse, a)):
                return False
        value = charts[l].value
        if value.function is not None:
            return False
        h = [value.sign * value.argument(a) for a in u[l]]
    output = biases[str(top + 1)]  # the output bias is 0
    return isinstance(output, list) and len(output) == 1 and _read_bias(output[0]) == (flint.fmpq(0), [])


def _bias_list(biases: dict, layer: int, where: str) -> list:
    require(isinstance(biases.get(str(layer)), list), f"{where}: biases of layer {layer} missing")
    return biases[str(layer)]


def _verdicts(kind: str, monotone: bool, results: dict[str, list[str]]) -> tuple[str, str]:
    """critical_points and morse as the verified evidence proves them (DESIGN section 2)."""
    if not monotone:
        return "undecided", "undecided"
    if kind in ("non-augmented",):
        return "none", "generic"
    witnessed = results["witness"]
    critical = "generic" if witnessed else "undecided"
    if "degenerate" in witnessed:
        return critical, "fails"
    if results["open"] or results["degenerate"]:
        return critical, "undecided"
    return critical, "generic"


def check_mlp_certificate(data: dict) -> CheckResult:
    """Check a ``symmorse-certificate/1`` (a layered MLP given by its widths).

    Examples
    --------
    >>> from symmorse.search.certify import certify
    >>> check_mlp_certificate(certify("2,3,1").to_json()).accepted
    True
    """
    for key in ("architecture", "activation", "class", "critical_points", "morse", "status", "branches"):
        if key not in data:
            raise CertificateError(f"certificate lacks the key {key!r}")
    try:
        return _check_layered(data)
    except Rejected as exc:
        return CheckResult(False, str(exc))


def _check_layered(data: dict) -> CheckResult:
    ws = _widths(data)
    layer_acts = data.get("layer_activations", {})
    require(isinstance(layer_acts, dict), "layer_activations must be an object")
    names = {l: layer_acts.get(str(l), data["activation"]) for l in range(1, len(ws) - 1)}
    require(set(layer_acts) <= {str(l) for l in names}, "layer_activations names a layer that is not hidden")
    table = {name: chart(name) for name in set(names.values())}
    charts = {l: table[name] for l, name in names.items()}
    monotone = all(positive_derivative(chart) for chart in table.values())
    p = sum(b * (a + 1) for a, b in zip(ws, ws[1:]))
    require(data.get("parameters") == p, f"the architecture has p = {p} parameters")
    expected = _branches(ws)
    kind = (
        "non-augmented"
        if not expected
        else "bottleneck"
        if any(b["from"] < ws[0] for b in expected)
        else "augmented"
    )
    require(data["class"] == kind, f"class is {kind!r}, not {data['class']!r}")
    claimed = data["branches"]
    require(
        isinstance(claimed, list) and len(claimed) == len(expected),
        f"the architecture has {len(expected)} branches",
    )
    results: dict[str, list[str]] = {"witness": [], "open": [], "degenerate": []}
    for want, got in zip(expected, claimed):
        require(
            isinstance(got, dict) and all(got.get(key) == value for key, value in want.items()),
            f"branch k={want['step']}: expected {want}",
        )
        if want["kind"] == "degenerate":
            results["degenerate"].append(want["step"])
        status = got.get("status")
        if want["kind"] == "null":
            require(status == "null", f"branch k={want['step']} is null")
        elif status == "witness":
            require(monotone, "a witness proves nothing while sigma' > 0 is not proved")
            _layered_witness(ws, charts, got, got.get("witness"))
            results["witness"].append(want["kind"])
        else:
            require(status == "undecided", f"branch k={want['step']}: unknown status {status!r}")
            results["open"].append(want["step"])
    claims_follow(data, *_verdicts(kind, monotone, results))
    return CheckResult(
        True,
        f"accepted: {len(expected)} {'branch' if len(expected) == 1 else 'branches'}, "
        f"{len(results['witness'])} {'witness' if len(results['witness']) == 1 else 'witnesses'} verified",
    )
