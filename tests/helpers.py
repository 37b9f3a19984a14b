"""Helpers shared by the tests."""

import random

import mpmath
import sympy


def random_rational(rng: random.Random, bound: int = 3, den: int = 7) -> sympy.Rational:
    """A random rational p/q with |p/q| <= bound."""
    q = rng.randint(1, den)
    return sympy.Rational(rng.randint(-bound * q, bound * q), q)


def agree(a: sympy.Expr, b: sympy.Expr, values: dict, digits: int = 50) -> bool:
    """Whether a and b agree to ``digits`` significant digits at ``values``."""
    with mpmath.workdps(digits + 20):
        va = sympy.N(a.xreplace(values), digits + 15)
        vb = sympy.N(b.xreplace(values), digits + 15)
        scale = max(1, abs(va), abs(vb))
        return abs(va - vb) <= scale * sympy.Rational(1, 10**digits)


def witness_claims_hold(data: dict) -> bool:
    """Every witness claim of a layered certificate, re-derived by SymPy's route.

    The witness is substituted as ordinary weights (its bias strings) into the
    symbolic network.  At a true witness every pre-activation becomes exactly
    c^{-1}(u) (e.g. atanh(3/8)), so SymPy's automatic evaluation alone turns
    gradient and Hessian into rationals: grad Phi must be exactly 0, and the
    determinant and rank claims must hold.  Independent of the checker and of
    the matrix path used by ``certify``.
    """
    from symmorse.exact.expressions import parse_expression
    from symmorse.model.architecture import layers, mlp
    from symmorse.model.network import Network, weights_from_layers
    from symmorse.search.certify import witness_weights

    ws = data["architecture"]["widths"]
    acts = [data.get("layer_activations", {}).get(str(l)) for l in range(1, len(ws) - 1)]
    net = Network(mlp(ws, acts), data["activation"])
    groups = layers(net.graph)
    for branch in data["branches"]:
        if branch.get("status") != "witness":
            continue
        k, claims = branch["step"], branch["claims"]
        at = {net.symbol(name): value for name, value in witness_weights(data, k).items()}
        at.update({s: sympy.Rational(t) for s, t in zip(net.inputs, branch["witness"]["x"])})
        if any(g.xreplace(at) != 0 for g in net.gradient()):
            return False
        hessian = net.hessian().xreplace(at)
        if not all(e.is_Rational for e in hessian):
            return False
        if branch["kind"] == "morse":
            if not determinant_claim_holds(hessian.det(), claims, "det_hessian"):
                return False
            continue
        jac = net.derivatives("x").jacobians
        J = sympy.Matrix([[e.xreplace(at) for e in jac[v]] for v in groups[k - 1]])
        g_net = Network(mlp(ws[k - 1 :], acts[k - 1 :] if k > 1 else None), data["activation"])
        wit = branch["witness"]
        g_layers = [{"W": wit["W"][str(l)], "b": wit["biases"][str(l)]} for l in range(k, len(ws) - 1)]
        g_layers.append({"W": [wit["w"]], "b": ["0"]})
        g_at = {
            g_net.symbol(name): parse_expression(str(text), [], what="weight")  # integers are JSON ints
            for name, text in weights_from_layers(g_net.graph, g_layers).items()
        }
        h = [net.activations[v](net.preactivations[v]).xreplace(at) for v in groups[k - 1]]
        g_at.update(dict(zip(g_net.inputs, h)))
        g_hessian = g_net.hessian().xreplace(g_at)
        if not all(e.is_Rational for e in [*g_hessian, *J]) or (
            not determinant_claim_holds(g_hessian.det(), claims, "det_hessian_g")
            or J.rank() != claims["rank_jacobian"]
            or hessian.rank() != claims["rank_hessian"]
            or hessian.rank() >= ws[0]
        ):
            return False
    return True


def determinant_claim_holds(det: sympy.Rational, claims: dict, key: str) -> bool:
    """``det != 0`` and the claims about it hold: its exact value (``key``), its residue modulo the
    claimed prime (``key_residue``), or both; at least one of them is claimed."""
    exact, modular = key in claims, "modulus" in claims
    if det == 0 or not (exact or modular):
        return False
    if exact and det != sympy.Rational(claims[key]):
        return False
    p = claims.get("modulus")
    return not modular or det.p * pow(det.q, -1, p) % p == claims[f"{key}_residue"]


def strata_witnesses_hold(data: dict) -> bool:
    """Every witness of a strata certificate, re-derived by SymPy's route on the ordinary weights.

    The witness weights and biases are substituted into the symbolic network; at a true witness
    every pre-activation becomes exactly c^{-1}(u), so SymPy's evaluation alone makes gradient
    and Hessian rational.  grad Phi must be 0 exactly, the adjoints of the dead nodes 0 and of
    the live ones not; a morse claim needs det Hess Phi = the claimed non-zero value, a
    degenerate one a singular Hessian (its critical points are not isolated).  Independent of
    the kernel and of the search's arithmetic.
    """
    from symmorse.model.architecture import from_json
    from symmorse.model.network import Network
    from symmorse.search.certify import witness_weights

    net = Network(from_json(data["architecture"]), data["activation"])
    for index, entry in enumerate(data["strata"]):
        if entry.get("status") != "witness":
            continue
        at = {net.symbol(name): value for name, value in witness_weights(data, index).items()}
        at.update({s: sympy.Rational(t) for s, t in zip(net.inputs, entry["witness"]["x"])})
        d = net.derivatives("x")
        adjoints = {v: a.xreplace(at) for v, a in d.adjoints.items()}
        if not all(a.is_Rational for a in adjoints.values()):
            return False
        if any((adjoints[v] == 0) != (v in entry["dead"]) for v in adjoints):
            return False
        hessian = sympy.Matrix(d.hessian).xreplace(at)
        if not all(e.is_Rational for e in hessian):
            return False
        if entry["kind"] == "morse":
            if hessian.det() == 0 or hessian.det() != sympy.Rational(entry["claims"]["det_hessian"]):
                return False
        elif hessian.rank() >= len(net.inputs):
            return False
    return True
