"""The certificate checker: the small, independent kernel that ``proved`` rests on.

``symmorse check FILE`` reads a certificate and re-derives every claim in it
with exact arithmetic.  Like a proof assistant's kernel, the checker trusts
nothing the search side computed: it imports nothing from the modules that
find witnesses or classify architectures (a test enforces this), only the
exact-number and whitelisted-parsing helpers, the error types, SymPy,
python-flint and networkx.  It even restates the chart table of DESIGN
section 1 and proves sigma' > 0 by its own route (exact real roots), so that
a bug in :mod:`symmorse.activations` cannot make it accept.

Each certificate format has one ``check(data) -> CheckResult`` function,
registered in :data:`FORMATS` by its ``format`` string.  A check returns
``accepted=False`` with the first false claim; it raises
:class:`~symmorse.errors.CertificateError` only when the input is not a
certificate at all (not an object, unknown format, missing top-level keys).

For ``symmorse-certificate/1`` the kernel recomputes the class, the widening
steps, branch kinds and dimension counts from the widths, re-derives backward
vectors, Jacobians and the structured Hessian at every witness (one small
routine over a DAG, with FLINT rationals), and re-derives the verdicts.  A
claim of ``undecided`` is always acceptable; any stronger claim must follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import flint
import networkx as nx
import sympy

from .check_elimination import check as check_elimination
from .check_node import FORMAT as NODE_FORMAT
from .check_node import check as check_node
from .errors import CertificateError, InputError
from .exact import to_rational
from .expressions import parse_expression

__all__ = ["CheckResult", "FORMATS", "check_certificate", "check_mlp_certificate"]


@dataclass(frozen=True)
class CheckResult:
    """The checker's answer: accepted or not, and why."""

    accepted: bool
    reason: str


class _Rejected(Exception):
    """A claim in the certificate is false."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise _Rejected(message)


# -- the chart table of DESIGN section 1, restated: interval, sigma', sigma'', c^{-1}, sigma(c^{-1}) ----

_u = sympy.Symbol("u")
_CHARTS = {
    "tanh": ((-1, 1), 1 - _u**2, -2 * _u * (1 - _u**2), sympy.atanh(_u), _u),
    "sigmoid": ((0, 1), _u * (1 - _u), _u * (1 - _u) * (1 - 2 * _u), sympy.log(_u / (1 - _u)), _u),
    "softplus": ((0, 1), _u, _u * (1 - _u), sympy.log(_u / (1 - _u)), -sympy.log(1 - _u)),
    "arctan": ((None, None), 1 / (1 + _u**2), -2 * _u / (1 + _u**2) ** 2, _u, sympy.atan(_u)),
    "identity": ((None, None), sympy.Integer(1), sympy.Integer(0), _u, _u),
}


def _chart(name: object) -> tuple | None:
    """The chart table entry of an activation, or None if the checker knows no chart for it."""
    _require(isinstance(name, str), f"activation {name!r} is not a name")
    if name.startswith("poly:"):
        try:
            z = sympy.Symbol("z")
            p = parse_expression(name[5:], [z], functions=(), what="activation").xreplace({z: _u})
        except InputError as exc:
            raise _Rejected(str(exc)) from None
        _require(
            p.is_polynomial(_u)
            and sympy.degree(p, _u) <= 100
            and all(c.is_Rational for c in sympy.Poly(p, _u).all_coeffs()),
            f"activation {name!r} is not a polynomial of degree <= 100 with rational coefficients",
        )
        return (None, None), sympy.diff(p, _u), sympy.diff(p, _u, 2), _u, p
    return _CHARTS.get(name)


def _positive_derivative(chart: tuple | None) -> bool:
    """sigma' > 0 on the chart interval: no real root of numerator or denominator inside it."""
    if chart is None:
        return False
    (lo, hi), d1, *_ = chart
    for part in sympy.fraction(sympy.together(d1)):
        poly = sympy.Poly(part, _u)
        if poly.is_zero or any(
            (lo is None or r > lo) and (hi is None or r < hi) for r in sympy.real_roots(poly)
        ):
            return False
    inside = sympy.Rational(lo + hi, 2) if lo is not None else sympy.Integer(0)
    return bool(d1.subs(_u, inside) > 0)


def _number(text: object, where: str) -> flint.fmpq:
    try:
        q = to_rational(text, where)
    except InputError as exc:
        raise _Rejected(str(exc)) from None
    return flint.fmpq(int(q.p), int(q.q))


def _at(expr: sympy.Expr, u: flint.fmpq) -> flint.fmpq:
    value = sympy.Rational(expr.subs(_u, sympy.Rational(int(u.p), int(u.q))))
    return flint.fmpq(int(value.p), int(value.q))


# -- one routine: backward vectors, Jacobians, structured Hessian over a DAG --------------------------


def _derivatives(inputs: list, hidden: list, output, preds: dict, d1: dict, d2: dict):
    """Adjoints dPhi/dh_v, Jacobians dz_v/dx (rows) and Hess Phi at one point."""
    n = len(inputs)
    jac = {x: flint.fmpq_mat(1, n, [int(i == j) for j in range(n)]) for i, x in enumerate(inputs)}
    for v in hidden:
        row = flint.fmpq_mat(1, n)
        for a, weight in preds[v]:
            row += jac[a] * (weight * d1[a] if a in d1 else weight)
        jac[v] = row
    succ: dict = {v: [] for v in [*inputs, *hidden]}
    for v in [*hidden, output]:
        for a, weight in preds[v]:
            succ[a].append((v, weight))
    dz, adjoint = {output: flint.fmpq(1)}, {}
    for v in [*reversed(hidden), *inputs]:
        adjoint[v] = sum((weight * dz[s] for s, weight in succ[v]), flint.fmpq(0))
        if v in d1:
            dz[v] = d1[v] * adjoint[v]
    hessian = flint.fmpq_mat(n, n)
    for v in hidden:
        hessian += jac[v].transpose() * jac[v] * (d2[v] * adjoint[v])
    return adjoint, jac, hessian


def _rows(data: object, shape: tuple[int, int], where: str) -> list[list[flint.fmpq]]:
    _require(
        isinstance(data, list)
        and len(data) == shape[0]
        and all(isinstance(r, list) and len(r) == shape[1] for r in data),
        f"{where} is not a {shape[0]} x {shape[1]} matrix",
    )
    return [[_number(a, f"{where}[{i}][{j}]") for j, a in enumerate(r)] for i, r in enumerate(data)]


def _vector(data: object, n: int, where: str) -> list[flint.fmpq]:
    return _rows([data], (1, n), where)[0]


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
    found = []
    for k in range(1, len(ws) - 1):
        if ws[k] > ws[k - 1]:
            m = min(ws[:k])
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
    _require(isinstance(witness, dict), f"{where}: witness missing")
    W = witness.get("W", {})
    _require(
        isinstance(W, dict) and set(W) == {str(l) for l in range(1, top + 1)},
        f"{where}: witness W must have layers 1..{top}",
    )
    Ws = {l: _rows(W[str(l)], (ws[l], ws[l - 1]), f"{where}: W{l}") for l in range(1, top + 1)}
    us = witness.get("u", {})
    _require(isinstance(us, dict), f"{where}: witness u missing")
    u = {l: _vector(us.get(str(l)), ws[l], f"{where}: u{l}") for l in range(1, top + 1)}
    w = _vector(witness.get("w"), ws[top], f"{where}: w")
    x = _vector(witness.get("x"), ws[0], f"{where}: x")
    for l in range(1, top + 1):
        (lo, hi), *_ = charts[l]
        _require(
            all((lo is None or a > lo) and (hi is None or a < hi) for a in u[l]),
            f"{where}: a chart value u{l} lies outside the chart interval",
        )
    nodes = {l: [(l, i) for i in range(ws[l])] for l in range(len(ws))}
    preds = {
        (l, i): [((l - 1, j), Ws[l][i][j]) for j in range(ws[l - 1])]
        for l in range(1, top + 1)
        for i in range(ws[l])
    }
    preds[(top + 1, 0)] = [((top, j), w[j]) for j in range(ws[top])]
    hidden = [v for l in range(1, top + 1) for v in nodes[l]]
    d1 = {(l, i): _at(charts[l][1], u[l][i]) for l, i in hidden}
    d2 = {(l, i): _at(charts[l][2], u[l][i]) for l, i in hidden}
    adjoint, jac, hessian = _derivatives(nodes[0], hidden, (top + 1, 0), preds, d1, d2)
    _require(any(d1[v] * adjoint[v] != 0 for v in nodes[k]), f"{where}: D_k v_k = 0, off the branch")
    _require(all(adjoint[v] == 0 for v in nodes[k - 1]), f"{where}: W_k^T D_k v_k != 0, off the branch")
    claims = branch.get("claims")
    _require(isinstance(claims, dict), f"{where}: claims missing")
    if branch["kind"] == "morse":
        det = hessian.det()
        _require(det != 0, f"{where}: det Hess Phi = 0 at the witness")
        _require(_number(claims.get("det_hessian"), "det_hessian") == det, f"{where}: det Hess Phi is {det}")
    else:
        sub_hidden = [v for l in range(k, top + 1) for v in nodes[l]]
        sub = {v: d1[v] for v in sub_hidden}  # g is a function of h_{k-1}, not of z_{k-1}
        _, _, hessian_g = _derivatives(nodes[k - 1], sub_hidden, (top + 1, 0), preds, sub, d2)
        det_g = hessian_g.det()
        rank_j = flint.fmpq_mat([jac[v].entries() for v in nodes[k - 1]]).rank()
        rank_h = hessian.rank()
        _require(det_g != 0, f"{where}: det Hess g = 0 at the witness")
        _require(
            _number(claims.get("det_hessian_g"), "det_hessian_g") == det_g, f"{where}: det Hess g is {det_g}"
        )
        _require(
            rank_j == ws[k - 1] == claims.get("rank_jacobian"),
            f"{where}: rank J_{k - 1} is {rank_j}, claimed {claims.get('rank_jacobian')}",
        )
        _require(
            rank_h < ws[0] and rank_h == claims.get("rank_hessian"),
            f"{where}: rank Hess Phi is {rank_h}, claimed {claims.get('rank_hessian')}",
        )
    _check_biases(
        nodes[0],
        hidden,
        (top + 1, 0),
        preds,
        {v: charts[v[0]] for v in hidden},
        {(l, i): u[l][i] for l, i in hidden},
        x,
        {(l, i): b for l in range(1, top + 2) for i, b in enumerate(_bias_list(witness, l, where))},
        where,
    )


def _bias_list(witness: dict, layer: int, where: str) -> list:
    biases = witness.get("biases", {})
    _require(
        isinstance(biases, dict) and isinstance(biases.get(str(layer)), list),
        f"{where}: biases of layer {layer} missing",
    )
    return biases[str(layer)]


def _check_biases(inputs, hidden, output, preds, charts, u, x, claimed, where, fixed=None) -> None:
    """Each claimed bias equals c^{-1}(u_v) - sum theta h (exactly); output and ``fixed`` ones their value."""
    fixed = fixed or {}
    h = {a: sympy.Rational(int(q.p), int(q.q)) for a, q in zip(inputs, x)}
    for v in [*hidden, output]:
        incoming = sympy.Add(*[sympy.Rational(int(t.p), int(t.q)) * h[a] for a, t in preds[v]])
        text = claimed.get(v)
        _require(isinstance(text, str), f"{where}: bias of node {v} missing")
        try:
            bias = parse_expression(text, [], functions=("atanh", "log", "atan"), what="bias")
        except InputError as exc:
            raise _Rejected(f"{where}: {exc}") from None
        if v in fixed or v == output:
            value = sympy.Rational(str(fixed.get(v, 0)))
            _require(bias == value, f"{where}: the bias of node {v} is fixed to {value}")
            h[v] = incoming + bias  # an identity unit (or the output, which feeds nothing)
            continue
        r = sympy.Rational(int(u[v].p), int(u[v].q))
        pre = charts[v][3].subs(_u, r)
        _require(sympy.expand(bias - (pre - incoming)) == 0, f"{where}: bias of node {v} is wrong")
        h[v] = charts[v][4].subs(_u, r)


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


def _claims_follow(data: dict, critical: str, morse: str) -> None:
    for key, proved in (("critical_points", critical), ("morse", morse)):
        claim = data.get(key)
        _require(claim in (proved, "undecided"), f"{key} = {claim!r} does not follow (proved: {proved})")
    decided = "undecided" not in (data.get("critical_points"), data.get("morse"))
    _require(
        data.get("status") == ("proved" if decided else "undecided"),
        f"status {data.get('status')!r} does not match the verdicts",
    )


def check_mlp_certificate(data: dict) -> CheckResult:
    """Check a ``symmorse-certificate/1`` (layered widths or a graph).

    Examples
    --------
    >>> from symmorse.certify import certify
    >>> check_mlp_certificate(certify("2,3,1").to_json()).accepted
    True
    """
    for key in ("architecture", "activation", "class", "critical_points", "morse", "status", "branches"):
        if key not in data:
            raise CertificateError(f"certificate lacks the key {key!r}")
    try:
        if isinstance(data["architecture"], dict) and "nodes" in data["architecture"]:
            return _check_graph(data)
        return _check_layered(data)
    except _Rejected as exc:
        return CheckResult(False, str(exc))


def _check_layered(data: dict) -> CheckResult:
    ws = _widths(data)
    layer_acts = data.get("layer_activations", {})
    _require(isinstance(layer_acts, dict), "layer_activations must be an object")
    names = {l: layer_acts.get(str(l), data["activation"]) for l in range(1, len(ws) - 1)}
    _require(set(layer_acts) <= {str(l) for l in names}, "layer_activations names a layer that is not hidden")
    table = {name: _chart(name) for name in set(names.values())}
    charts = {l: table[name] for l, name in names.items()}
    monotone = all(_positive_derivative(chart) for chart in table.values())
    p = sum(b * (a + 1) for a, b in zip(ws, ws[1:]))
    _require(data.get("parameters") == p, f"the architecture has p = {p} parameters")
    expected = _branches(ws)
    kind = (
        "non-augmented"
        if not expected
        else "bottleneck"
        if any(b["from"] < ws[0] for b in expected)
        else "augmented"
    )
    _require(data["class"] == kind, f"class is {kind!r}, not {data['class']!r}")
    claimed = data["branches"]
    _require(
        isinstance(claimed, list) and len(claimed) == len(expected),
        f"the architecture has {len(expected)} branches",
    )
    results: dict[str, list[str]] = {"witness": [], "open": [], "degenerate": []}
    for want, got in zip(expected, claimed):
        _require(
            isinstance(got, dict) and all(got.get(key) == value for key, value in want.items()),
            f"branch k={want['step']}: expected {want}",
        )
        if want["kind"] == "degenerate":
            results["degenerate"].append(want["step"])
        status = got.get("status")
        if want["kind"] == "null":
            _require(status == "null", f"branch k={want['step']} is null")
        elif status == "witness":
            _require(monotone, "a witness proves nothing while sigma' > 0 is not proved")
            _layered_witness(ws, charts, got, got.get("witness"))
            results["witness"].append(want["kind"])
        else:
            _require(status == "undecided", f"branch k={want['step']}: unknown status {status!r}")
            results["open"].append(want["step"])
    _claims_follow(data, *_verdicts(kind, monotone, results))
    return CheckResult(
        True, f"accepted: {len(expected)} branches, {len(results['witness'])} witnesses verified"
    )


# -- general graph certificates (output branch) ----------------------------------------------------


def _check_graph(data: dict) -> CheckResult:
    arch = data["architecture"]
    try:
        G = nx.DiGraph()
        G.add_nodes_from(
            (n["id"], {"activation": n.get("activation"), "b": n.get("fixed_bias")}) for n in arch["nodes"]
        )
        G.add_edges_from((e["source"], e["target"], {"w": e.get("fixed_weight")}) for e in arch["edges"])
    except (KeyError, TypeError, nx.NetworkXError) as exc:
        raise CertificateError(f"malformed architecture graph ({exc})") from None
    _require((len(G), G.size()) == (len(arch["nodes"]), len(arch["edges"])), "node/edge repeated or unknown")
    _require(G.number_of_nodes() >= 2, "the graph needs inputs and an output")
    _require(
        nx.is_directed_acyclic_graph(G) and nx.is_weakly_connected(G), "the graph is not a connected DAG"
    )
    sinks = [v for v in G if G.out_degree(v) == 0]
    _require(len(sinks) == 1, "the graph must have exactly one output")
    output, inputs = sinks[0], [v for v in G if G.in_degree(v) == 0]
    _require(G.nodes[output]["activation"] is None, "the output node has no activation (Phi is affine in it)")
    hidden = [v for v in nx.topological_sort(G) if v not in inputs and v != output]
    names = {v: G.nodes[v].get("activation") or data["activation"] for v in hidden}
    table = {name: _chart(name) for name in set(names.values())}
    charts = {v: table[name] for v, name in names.items()}
    monotone = all(_positive_derivative(chart) for chart in table.values())
    _require(data["class"] == "graph", "class of a general graph is 'graph'")
    _require(data["branches"] == [], "graph certificates list no layered branches")
    fixed_weights = {(a, b): _number(t, "fixed weight") for a, b, t in G.edges(data="w") if t is not None}
    fixed_biases = {v: _number(t, "fixed bias") for v, t in G.nodes(data="b") if t is not None}
    _require(set(fixed_biases) <= {*hidden, output}, "only hidden and output nodes have biases")
    free = G.number_of_edges() + len(hidden) + 1 - len(fixed_weights) - len(fixed_biases)
    _require(data.get("parameters") == free, "wrong parameter count")
    witness = data.get("output_branch")
    verified = False
    if witness is not None:
        _require(monotone, "a witness proves nothing while sigma' > 0 is not proved")
        _require(all(names.get(v, "identity") == "identity" for v in fixed_biases), "fixed non-identity bias")
        _graph_witness(G, inputs, hidden, output, charts, witness, (fixed_weights, fixed_biases))
        verified = True
    _claims_follow(data, "generic" if verified else "undecided", "undecided")
    return CheckResult(True, "accepted: output-branch witness verified" if verified else "accepted")


def _graph_witness(G, inputs, hidden, output, charts, witness, fixed) -> None:
    where = "output branch"
    fixed_weights, fixed_biases = fixed
    _require(isinstance(witness, dict), f"{where}: witness is not an object")
    try:
        theta = {(a, b): _number(t, f"{where}: weight {a}->{b}") for a, b, t in witness["edges"]}
        u = {v: _number(t, f"{where}: u of {v}") for v, t in witness["u"]}
        biases = {v: t for v, t in witness["biases"]}
    except (KeyError, TypeError, ValueError) as exc:
        raise _Rejected(f"{where}: malformed witness ({exc})") from None
    free_units = [v for v in hidden if v not in fixed_biases]
    _require(set(theta) == set(G.edges) and set(u) == set(free_units), f"{where}: witness does not fit")
    for e, value in fixed_weights.items():
        _require(theta[e] == value, f"{where}: the weight {e[0]}->{e[1]} is fixed to {value}")
    u.update({v: flint.fmpq(0) for v in hidden if v in fixed_biases})  # identity units: any u will do
    for v in free_units:
        (lo, hi), *_ = charts[v]
        _require((lo is None or u[v] > lo) and (hi is None or u[v] < hi), f"{where}: u of {v} outside I")
    preds = {v: [(a, theta[(a, v)]) for a in G.predecessors(v)] for v in [*hidden, output]}
    d1 = {v: _at(charts[v][1], u[v]) for v in hidden}
    d2 = {v: _at(charts[v][2], u[v]) for v in hidden}
    adjoint, _, hessian = _derivatives(inputs, hidden, output, preds, d1, d2)
    _require(all(adjoint[x] == 0 for x in inputs), f"{where}: grad Phi != 0 at the witness")
    det = hessian.det()
    _require(det != 0, f"{where}: det Hess Phi = 0")
    _require(
        _number(witness.get("claims", {}).get("det_hessian"), "det_hessian") == det,
        f"{where}: det Hess Phi is {det}",
    )
    x = [_number(t, f"{where}: x") for t in witness.get("x", [])]
    _require(len(x) == len(inputs), f"{where}: x has the wrong length")
    _check_biases(inputs, hidden, output, preds, charts, u, x, biases, where, fixed_biases)


#: Checkers by certificate format.
FORMATS: dict[str, Callable[[dict], CheckResult]] = {
    "symmorse-certificate/1": check_mlp_certificate,
    "symmorse-elimination/1": check_elimination,
    NODE_FORMAT: check_node,
}


def check_certificate(data: object) -> CheckResult:
    """Check a certificate (parsed JSON) of any registered format.

    Raises
    ------
    CertificateError
        If ``data`` is not a certificate of a known format.
    """
    if not isinstance(data, dict):
        raise CertificateError("a certificate must be a JSON object")
    fmt = data.get("format")
    if not isinstance(fmt, str) or fmt not in FORMATS:
        known = ", ".join(sorted(FORMATS)) or "none"
        raise CertificateError(f"unknown certificate format {fmt!r} (known: {known})")
    return FORMATS[fmt](data)
