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
``accepted=False`` with the first false claim; the shape of the file (keys,
JSON types, sizes) is the schema's (:mod:`symmorse.kernel.schemas`), checked
before the kernel runs.

SymPy is trusted here only through :mod:`symmorse.kernel.base`: to parse a
polynomial activation and the witness biases, and to show each bias equal to
c^{-1}(u) minus its incoming sum (``expand`` to 0, when it is not equal term by
term).  FLINT proves sigma' > 0 (Sturm sequences) and computes the chart values sigma'(u),
sigma''(u), the ranks and determinants.  Weights are :mod:`symmorse.exact.arrays` weight
arrays (numpy ``int64``, exact objects beyond 62 bits): the backward vectors (adjoints) are
their exact products with rational vectors (``int64`` limbs), and the Jacobians and Hessians
modulo a prime p < 2^20 are :class:`~symmorse.exact.modular.ResidueMatrix` products (exact
float64 BLAS, DESIGN section 2); larger p and Q take FLINT matrices.
"""

from __future__ import annotations

import functools
import itertools
import re

import flint

from ..exact.arrays import WeightArray, product, rational_entries, weight_array
from ..exact.errors import CertificateError
from ..exact.modular import MatrixField, is_modulus, matrix_field
from ..exact.words import plural
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
from .reader import plain_integers

__all__ = ["FORMAT", "check_mlp_certificate"]

FORMAT = "symmorse-certificate/1"


def _matrix(data: object, shape: tuple[int, int], where: str) -> WeightArray:
    """A weight array (:func:`~symmorse.exact.arrays.weight_array`) from rows of exact numbers:
    integers read at once when every entry is a JSON integer or a plain integer text
    (:func:`~symmorse.kernel.reader.plain_integers`: the values :func:`~symmorse.kernel.base.number`
    gives them), else rationals read entry by entry."""
    rows, cols = shape
    require(
        isinstance(data, list)
        and len(data) == rows
        and all(isinstance(r, list) and len(r) == cols for r in data),
        f"{where} is not a {rows} x {cols} matrix",
    )
    entries = list(itertools.chain.from_iterable(data))
    if plain_integers(entries):  # False at once on a JSON integer
        entries = list(map(int, entries))
    try:
        return weight_array(entries, rows, cols)  # JSON integers (a text or a bool is a TypeError)
    except TypeError:
        pass
    values, read = [], {}  # a text read once: a witness's chart values repeat
    for i, a in enumerate(entries):
        known = read.get(a) if type(a) in (int, str) else None
        if known is None:
            known = number(a, f"{where}[{i // cols}][{i % cols}]")
            if type(a) in (int, str):
                read[a] = known
        values.append(known)
    return weight_array(values, rows, cols)


def _vector(data: object, n: int, where: str) -> list[flint.fmpq]:
    return rational_entries(_matrix([data], (1, n), where))


# -- layered MLP certificates ----------------------------------------------------------------------


def _widths(data: dict) -> list[int]:
    """The widths (2 to 1,000 integers in 1..10,000 by the format's schema), ending in 1."""
    ws = data["architecture"]["widths"]
    if ws[-1] != 1:
        raise CertificateError("architecture widths must end in 1 (one output)")
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
    require(witness is not None, f"{where}: witness missing")
    W, us = witness["W"], witness["u"]
    layers = {str(l) for l in range(1, top + 1)}
    require(set(W) == layers, f"{where}: witness W must have layers 1..{top}")
    require(set(us) == layers, f"{where}: witness u must have layers 1..{top}")
    Ws = {l: _matrix(W[str(l)], (ws[l], ws[l - 1]), f"{where}: W{l}") for l in range(1, top + 1)}
    u = {l: _vector(us[str(l)], ws[l], f"{where}: u{l}") for l in range(1, top + 1)}
    Ws[top + 1] = _matrix([witness["w"]], (1, ws[top]), f"{where}: w")
    x = _vector(witness["x"], ws[0], f"{where}: x")
    for l in range(1, top + 1):
        lo, hi = charts[l].interval
        require(
            all((lo is None or a > lo) and (hi is None or a < hi) for a in u[l]),
            f"{where}: a chart value u{l} lies outside the chart interval",
        )
    d1 = {l: [chart_at(charts[l].d1, a) for a in u[l]] for l in range(1, top + 1)}
    d2 = {l: [chart_at(charts[l].d2, a) for a in u[l]] for l in range(1, top + 1)}
    # Backward vectors v_l = dPhi/dh_l, exactly over Q: v_top = w, v_{l-1} = W_l^T D_l v_l.
    v = {top: rational_entries(Ws[top + 1])}
    for l in range(top, 0, -1):
        Dv = [a * b for a, b in zip(d1[l], v[l])]
        if l == k:
            require(any(a != 0 for a in Dv), f"{where}: D_k v_k = 0, off the branch")
        v[l - 1] = product(Ws[l].T, Dv)
    require(all(a == 0 for a in v[k - 1]), f"{where}: W_k^T D_k v_k != 0, off the branch")
    claims = branch.get("claims")
    require(claims is not None, f"{where}: claims missing")
    curvature = {l: [a * b for a, b in zip(d2[l], v[l])] for l in range(1, top + 1)}
    routes = []
    if "modulus" in claims:
        routes.append(_modular(claims, where))
    if {"det_hessian", "det_hessian_g"} & set(claims):
        routes.append(matrix_field(None))
    require(bool(routes), f"{where}: the claims prove no determinant (neither modulus nor det_hessian)")
    for ring in routes:
        _claims_hold(ws, branch["kind"], k, ring, Ws, d1, curvature, claims, where)
    biases = witness["biases"]
    require(
        set(biases) == {str(l) for l in range(1, top + 2)}, f"{where}: biases must have layers 1..{top + 1}"
    )
    for l in range(1, top + 2):
        n = len(biases[str(l)])
        require(n == ws[l], f"{where}: layer {l} has {ws[l]} biases, the witness gives {n}")
    if not _biases_match(ws, charts, Ws, u, x, biases):  # not term by term: the SymPy route decides
        nodes = {l: [(l, i) for i in range(ws[l])] for l in range(len(ws))}
        rows = {l: [rational_entries(row) for row in Ws[l]] for l in range(1, top + 2)}
        preds = {
            (l, i): [((l - 1, j), rows[l][i][j]) for j in range(ws[l - 1])]
            for l in range(1, top + 2)
            for i in range(ws[l])
        }
        hidden = [v for l in range(1, top + 1) for v in nodes[l]]
        claimed = {(l, i): b for l in range(1, top + 2) for i, b in enumerate(biases[str(l)])}
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


def _modular(claims: dict, where: str) -> MatrixField:
    p = claims["modulus"]
    require(
        is_modulus(p),
        f"{where}: modulus {p!r} is not a prime between 2^19 and 2^63 (FLINT's primality proof)",
    )
    return matrix_field(p)


def _jacobians(ring: MatrixField, Ws: dict, d1: dict, first: int, last: int) -> dict:
    """``J_l = dz_l/dh_{first-1}`` for ``first <= l <= last``, in the ring."""
    J = {first: ring.matrix(Ws[first])}
    for l in range(first + 1, last + 1):
        J[l] = ring.matrix(Ws[l]) * ring.scale(ring.scalars(d1[l - 1]), J[l - 1])
    return J


def _hessian(ring: MatrixField, J: dict, curvature: dict) -> object:
    """``sum_l J_l^T diag(sigma''_l v_l) J_l`` over the layers of J, in the ring."""
    n = next(iter(J.values())).ncols()
    hessian = ring.zeros(n, n)
    for l, J_l in J.items():
        hessian = hessian + J_l.transpose() * ring.scale(ring.scalars(curvature[l]), J_l)
    return hessian


def _claims_hold(ws, kind, k, ring, Ws, d1, curvature, claims, where) -> None:
    """The determinant and rank claims of a witness, in Q (exact values) or GF(p) (residues).

    A Morse branch needs ``det Hess Phi != 0``.  A degenerate branch needs ``det Hess g != 0`` (g the
    network from h_{k-1} on) and ``rank J_{k-1} = n_{k-1}``; the rank of Hess Phi then follows without
    computing it: at ``v_{k-1} = 0``, ``Hess Phi = M^T Hess g M`` with ``M = D_{k-1} J_{k-1}`` of full row
    rank n_{k-1} (sigma' > 0) and Hess g invertible, so ``rank Hess Phi = n_{k-1} < n_0`` (DESIGN section 2).
    Over GF(p) a non-zero residue proves a non-zero determinant and a rank is a lower bound; the upper
    bound ``rank J_{k-1} <= n_{k-1}`` is its number of rows.
    """
    top = len(ws) - 2
    modular = ring.modulus is not None

    def agrees(key: str, label: str, value) -> None:
        key = f"{key}_residue" if modular else key
        claimed = claims.get(key)
        held = (
            type(claimed) is int and claimed == int(value)
            if modular
            else number(claimed, f"{where}: {key}") == value
        )
        require(held, f"{where}: {label} is {value} in {ring.name}, claimed {key} = {claimed!r}")

    try:
        if kind == "morse":
            det = _hessian(ring, _jacobians(ring, Ws, d1, 1, top), curvature).det()
            require(det != 0, f"{where}: det Hess Phi = 0 at the witness (in {ring.name})")
            agrees("det_hessian", "det Hess Phi", det)
            return
        det_g = _hessian(ring, _jacobians(ring, Ws, d1, k, top), curvature).det()
        rank_j = _jacobians(ring, Ws, d1, 1, k - 1)[k - 1].rank()
    except ZeroDivisionError:
        raise Rejected(f"{where}: the modulus {ring.modulus} divides a denominator of the witness") from None
    require(det_g != 0, f"{where}: det Hess g = 0 at the witness (in {ring.name})")
    agrees("det_hessian_g", "det Hess g", det_g)
    require(
        rank_j == ws[k - 1] == claims.get("rank_jacobian"),
        f"{where}: rank J_{k - 1} is {rank_j} in {ring.name}, claimed {claims.get('rank_jacobian')}",
    )
    require(
        claims.get("rank_hessian") == ws[k - 1],
        f"{where}: rank Hess Phi is n_{k - 1} = {ws[k - 1]} (rank J_{k - 1} and det Hess g), "
        f"claimed {claims.get('rank_hessian')}",
    )


#: A bias text of one or two terms: a rational, or a function of a rational, as SymPy prints them.
_NUMBER = r"\d+(?:/\d+)?"
_BIAS = re.compile(
    rf"(-?)(?:([a-z]+)\(({_NUMBER})\)|({_NUMBER}))(?: ([+-]) (?:([a-z]+)\(({_NUMBER})\)|({_NUMBER})))?",
    re.ASCII,
)
#: How a function's values at q and at -q or 1/q relate: f(-q) = -f(q) (odd) or f(1/q) = -f(q).
_ODD, _LOGARITHM = {"atanh", "atan"}, {"log"}


@functools.lru_cache(maxsize=4096)
def _argument(text: str) -> flint.fmpq:
    """A function term's argument: a chart value's, so the same few texts recur (a rejection is
    raised each time, not cached)."""
    return number(text, "bias")


def _read_bias(text: str) -> tuple[flint.fmpq, list[tuple[int, str, flint.fmpq]]] | None:
    """A bias text as its rational part and its function terms ``(sign, name, argument)``, or None
    when it is not one or two terms of that simple shape (or a number in it is refused: more than
    :data:`~symmorse.kernel.reader.MAX_DIGITS` digits, a zero denominator)."""
    match = _BIAS.fullmatch(text)  # linear in the text (at most MAX_EXPRESSION characters, the schema's)
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
                terms.append((sign, f, _argument(a)))
            elif r is not None:
                c += sign * number(r, "bias")
        except Rejected:
            return None
    return c, terms


def _same_term(read: tuple[int, str, flint.fmpq], term: Term, u: flint.fmpq) -> bool:
    """Whether ``sign * name(a)`` (as read) is the value of ``term`` at u, by the function's symmetry.

    The argument b of a logarithm is positive for every u inside the chart interval (checked before),
    so ``a == b`` or ``a * b == 1`` makes a positive too.
    """
    sign, name, a = read
    b = term.argument(u)
    if name != term.function:
        return False
    if name in _ODD:
        return sign * a == term.sign * b
    return name in _LOGARITHM and (a == b if sign == term.sign else a * b == 1)


def _biases_match(ws: list[int], charts: dict, Ws: dict, u: dict, x: list, biases: dict) -> bool:
    """Whether every bias text is, term by term, ``c^{-1}(u) - W_l h_{l-1}`` (the output bias 0).

    A sufficient test without SymPy, for layers whose h = sigma(c^{-1}(u)) is rational (tanh,
    sigmoid, polynomials, identity): False sends the witness to the SymPy route, which decides.
    """
    top, h = len(ws) - 2, x
    for l in range(1, top + 1):
        texts = biases[str(l)]  # n_l texts (checked before)
        incoming = product(Ws[l], h)
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
    return _read_bias(biases[str(top + 1)][0]) == (flint.fmpq(0), [])  # the output bias is 0


def _verdicts(kind: str, monotone: bool, witnessed: list[str], undecided: bool) -> tuple[str, str]:
    """critical_points and morse as the verified evidence proves them (DESIGN section 2): the kinds of
    the branches with a verified witness, and whether a branch that is not null is left undecided."""
    if not monotone:
        return "undecided", "undecided"
    if kind == "non-augmented":
        return "none", "generic"
    critical = "generic" if witnessed else "undecided"
    if "degenerate" in witnessed:
        return critical, "fails"
    return critical, "undecided" if undecided else "generic"


def check_mlp_certificate(data: dict) -> CheckResult:
    """Check a ``symmorse-certificate/1`` (a layered MLP given by its widths).

    ``data`` must have the format's shape (:func:`~symmorse.kernel.schemas.check_shape`: the keys,
    JSON types and sizes), as :func:`~symmorse.kernel.check_certificate` makes sure before it calls this
    function; the kernel reads only what the schema allows.  A false claim gives ``accepted=False``
    and its reason; widths that do not end in 1 raise
    :class:`~symmorse.exact.errors.CertificateError` (not a layered MLP at all).

    Examples
    --------
    >>> from symmorse.search.certify import certify
    >>> check_mlp_certificate(certify("2,3,1").to_json()).accepted
    True
    """
    try:
        return _check_layered(data)
    except Rejected as exc:
        return CheckResult(False, str(exc))


def _check_layered(data: dict) -> CheckResult:
    ws = _widths(data)
    layer_acts = data.get("layer_activations", {})
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
    require(len(claimed) == len(expected), f"the architecture has {len(expected)} branches")
    witnessed, undecided = [], False
    for want, got in zip(expected, claimed):
        require(
            all(got[key] == value for key, value in want.items()), f"branch k={want['step']}: expected {want}"
        )
        status = got["status"]
        if want["kind"] == "null":
            require(status == "null", f"branch k={want['step']} is null")
        elif status == "witness":
            require(monotone, "a witness proves nothing while sigma' > 0 is not proved")
            _layered_witness(ws, charts, got, got.get("witness"))
            witnessed.append(want["kind"])
        else:
            require(status == "undecided", f"branch k={want['step']}: unknown status {status!r}")
            undecided = True
    claims_follow(data, *_verdicts(kind, monotone, witnessed, undecided))
    verified = plural(len(witnessed), "witness")
    return CheckResult(True, f"accepted: {plural(len(expected), 'branch')}, {verified} verified")
