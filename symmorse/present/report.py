"""Presentation of a derivation: forward pass, backward vectors, gradient, structured
Hessian and its determinant, as JSON-ready data and as plain text.

This module only formats what :class:`~symmorse.model.network.Network` computes.
"""

from __future__ import annotations

from collections.abc import Hashable

import sympy

from ..exact.numbers import rational_string
from ..exact.words import plural
from ..model.architecture import layers, output_node, to_json
from ..model.network import Coordinates, Network

__all__ = [
    "derivation",
    "derivation_text",
    "forward_pass",
    "small_expansion",
    "MAX_DET_INPUTS",
]

#: Largest input width for which the determinant is formed symbolically.
MAX_DET_INPUTS = 8
_EXPAND_OPS = 300
_TEXT_CHARS = 3000


def forward_pass(net: Network) -> tuple[dict[Hashable, sympy.Expr], sympy.Expr]:
    """Each pre-activation in terms of the previous activations ``sigma(z)``, and Phi.

    Examples
    --------
    >>> forward_pass(Network("1,1,1", "tanh"))
    ({'h1_1': W1_1_1*x1 + b1_1}, b2 + w1*tanh(z1_1))
    """
    G, z = net.graph, net.preactivation_symbols
    value: dict[Hashable, sympy.Expr] = dict(zip(layers(G)[0], net.inputs))
    value.update({v: net.activations[v](z[v]) for v in z})
    forward = {
        v: sympy.Add(*[net.weight(u, v) * value[u] for u in G.predecessors(v)], net.bias(v))
        for group in layers(G)[1:]
        for v in group
    }
    return forward, forward.pop(output_node(G))


def small_expansion(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` expanded if it is small and expanding does not blow it up, else ``expr``.

    Examples
    --------
    >>> a, b = sympy.symbols("a b")
    >>> small_expansion(a * (a - b) + a * b)
    a**2
    """
    if sympy.count_ops(expr) > _EXPAND_OPS:
        return expr
    expanded = sympy.expand(expr)
    return expanded if sympy.count_ops(expanded) <= sympy.count_ops(expr) * 2 else expr


def derivation(net: Network, coordinates: Coordinates = "z") -> dict:
    """Everything ``symmorse derive`` prints, as JSON-ready strings.

    Parameters
    ----------
    net : Network
    coordinates : {"z", "x", "chart"}
        ``"z"`` (default) writes derivatives in the pre-activations z, with the
        forward pass defining them; ``"x"`` substitutes everything; ``"chart"``
        writes them in chart coordinates u = c(z).

    Examples
    --------
    >>> d = derivation(Network("1,1,1", "tanh"))
    >>> d["forward"], d["output"]
    ({'z1_1': 'W1_1_1*x1 + b1_1'}, 'b2 + w1*tanh(z1_1)')
    >>> d["hessian"]
    [['2*W1_1_1**2*w1*(tanh(z1_1)**2 - 1)*tanh(z1_1)']]
    """
    G = net.graph
    sd = net.derivatives(coordinates)
    forward, output = forward_pass(net)
    z = net.preactivation_symbols
    result: dict = {
        "format": "symmorse-derivation/1",
        "network": net.describe(),
        "architecture": {"widths": net.widths} if net.widths else to_json(G),
        "activation": net.activation.name,
        "coordinates": coordinates,
        "inputs": [str(x) for x in net.inputs],
        "parameters": [str(p) for p in net.parameters],
        "weights": {str(s): rational_string(v) for s, v in net.weights.items()},
        "forward": {str(z[v]): str(e) for v, e in forward.items()},
        "output": str(output),
        "output_in_x": None,
    }
    if sympy.count_ops(net.output) <= _EXPAND_OPS:
        result["output_in_x"] = str(net.output)
    if coordinates == "chart":
        result["chart"] = {str(u): str(net.activations[v].chart(z[v])) for v, u in net.chart_symbols.items()}
    if net.widths:
        result["backward_vectors"] = {
            f"v{layer}": [str(sd.adjoints[v]) for v in group]
            for layer, group in reversed(list(enumerate(layers(G)[:-1])))
        }
    else:
        result["backward_vectors"] = {str(v): str(sd.adjoints[v]) for v in sd.adjoints}
    result["gradient"] = [str(g) for g in sd.gradient]
    result["hessian"] = [[str(h) for h in row] for row in sd.hessian]
    n0 = len(net.inputs)
    if n0 <= MAX_DET_INPUTS:
        result["det_hessian"] = str(small_expansion(net.hessian_det(coordinates)))
    else:
        result["det_hessian"] = None
        result["det_note"] = f"not formed symbolically: n_0 = {n0} > {MAX_DET_INPUTS}"
    return result


def _clip(text: str) -> str:
    if len(text) <= _TEXT_CHARS:
        return text
    return f"{text[:_TEXT_CHARS]} ... ({len(text)} characters; --json prints all)"


def derivation_text(d: dict) -> str:
    """Plain-text rendering of :func:`derivation` (ASCII only).

    Examples
    --------
    >>> print(derivation_text(derivation(Network("1,1,1", "identity"))))  # doctest: +ELLIPSIS
    Network 1,1,1, activation identity, coordinates z: 1 input, 4 parameters (4 symbolic)
    ...
    det Hess Phi = 0
    """
    name = d["network"]
    n_in, n_par = len(d["inputs"]), len(d["parameters"])
    lines = [
        f"Network {name}, activation {d['activation']}, coordinates {d['coordinates']}: "
        f"{plural(n_in, 'input')}, {plural(n_par, 'parameter')} ({n_par - len(d['weights'])} symbolic)",
        "",
        "Forward pass",
    ]
    lines += [f"  {k} = {_clip(v)}" for k, v in d["forward"].items()]
    lines.append(f"  Phi = {_clip(d['output'])}")
    if d["output_in_x"] and d["output_in_x"] != d["output"]:
        lines.append(f"      = {_clip(d['output_in_x'])}")
    if "chart" in d:
        lines += ["", "Chart coordinates"] + [f"  {k} = {v}" for k, v in d["chart"].items()]
    lines += ["", "Backward vectors (v_{l-1} = W_l^T D_l v_l)"]
    lines += [
        f"  {k} = [{_clip(', '.join(v))}]" if isinstance(v, list) else f"  {k}: {_clip(v)}"
        for k, v in d["backward_vectors"].items()
    ]
    lines += ["", "Gradient (grad Phi = v0)"]
    lines += [f"  dPhi/{x} = {_clip(g)}" for x, g in zip(d["inputs"], d["gradient"])]
    lines += ["", "Structured Hessian (sum_l J_l^T diag(sigma''(z_l) * v_l) J_l)"]
    for i, row in enumerate(d["hessian"], start=1):
        lines += [f"  H[{i},{j}] = {_clip(h)}" for j, h in enumerate(row, start=1) if j >= i]
    lines.append("")
    if d["det_hessian"] is None:
        lines.append(f"det Hess Phi: {d['det_note']}")
    else:
        lines.append(f"det Hess Phi = {_clip(d['det_hessian'])}")
    return "\n".join(lines)
