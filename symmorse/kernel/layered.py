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

import flint

from ..exact.errors import CertificateError
from .base import (
    CheckResult,
    Rejected,
    chart,
    chart_at,
    check_biases,
    claims_follow,
    dag_derivatives,
    number,
    positive_derivative,
    require,
)

__all__ = ["FORMAT", "check_mlp_certificate"]

FORMAT = "symmorse-certificate/1"


def _rows(data: object, shape: tuple[int, int], where: str) -> list[list[flint.fmpq]]:
    require(
        isinstance(data, list)
        and len(data) == shape[0]
        and all(isinstance(r, list) and len(r) == shape[1] for r in data),
        f"{where} is not a {shape[0]} x {shape[1]} matrix",
    )
    return [[number(a, f"{where}[{i}][{j}]") for j, a in enumerate(r)] for i, r in enumerate(data)]


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
    Ws = {l: _rows(W[str(l)], (ws[l], ws[l - 1]), f"{where}: W{l}") for l in range(1, top + 1)}
    us = witness.get("u", {})
    require(isinstance(us, dict), f"{where}: witness u missing")
    u = {l: _vector(us.get(str(l)), ws[l], f"{where}: u{l}") for l in range(1, top + 1)}
    w = _vector(witness.get("w"), ws[top], f"{where}: w")
    x = _vector(witness.get("x"), ws[0], f"{where}: x")
    for l in range(1, top + 1):
        lo, hi = charts[l].interval
        require(
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
    d1 = {(l, i): chart_at(charts[l].d1, u[l][i]) for l, i in hidden}
    d2 = {(l, i): chart_at(charts[l].d2, u[l][i]) for l, i in hidden}
    adjoint, jac, hessian = dag_derivatives(nodes[0], hidden, (top + 1, 0), preds, d1, d2)
    require(any(d1[v] * adjoint[v] != 0 for v in nodes[k]), f"{where}: D_k v_k = 0, off the branch")
    require(all(adjoint[v] == 0 for v in nodes[k - 1]), f"{where}: W_k^T D_k v_k != 0, off the branch")
    claims = branch.get("claims")
    require(isinstance(claims, dict), f"{where}: claims missing")
    if branch["kind"] == "morse":
        det = hessian.det()
        require(det != 0, f"{where}: det Hess Phi = 0 at the witness")
        require(number(claims.get("det_hessian"), "det_hessian") == det, f"{where}: det Hess Phi is {det}")
    else:
        sub_hidden = [v for l in range(k, top + 1) for v in nodes[l]]
        sub = {v: d1[v] for v in sub_hidden}  # g is a function of h_{k-1}, not of z_{k-1}
        _, _, hessian_g = dag_derivatives(nodes[k - 1], sub_hidden, (top + 1, 0), preds, sub, d2)
        det_g = hessian_g.det()
        rank_j = flint.fmpq_mat([jac[v].entries() for v in nodes[k - 1]]).rank()
        rank_h = hessian.rank()
        require(det_g != 0, f"{where}: det Hess g = 0 at the witness")
        require(
            number(claims.get("det_hessian_g"), "det_hessian_g") == det_g, f"{where}: det Hess g is {det_g}"
        )
        require(
            rank_j == ws[k - 1] == claims.get("rank_jacobian"),
            f"{where}: rank J_{k - 1} is {rank_j}, claimed {claims.get('rank_jacobian')}",
        )
        require(
            rank_h < ws[0] and rank_h == claims.get("rank_hessian"),
            f"{where}: rank Hess Phi is {rank_h}, claimed {claims.get('rank_hessian')}",
        )
    check_biases(
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
    require(
        isinstance(biases, dict) and isinstance(biases.get(str(layer)), list),
        f"{where}: biases of layer {layer} missing",
    )
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
