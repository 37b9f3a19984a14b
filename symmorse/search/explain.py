"""Explanations: the numbers a document shows about a witness or a network (untrusted).

A document (:mod:`symmorse.present.documents`) shows, next to every witness of a
layered certificate, what makes it a witness: sigma' at the chart values, the
backward vectors dying at the branch, the structured Hessian with its determinant
and Morse index, or the ranks of a degenerate branch; and for any network, its
structured derivatives with sigma' and sigma'' left as symbols.  This module
computes them (again) from the certificate's data or the network, so that
presentation only formats.

This is explanation, not proof: nothing here is trusted.  A document about a
certificate is written only after the kernel (:mod:`symmorse.kernel`) has accepted
it, and that check is what the claims rest on; these numbers repeat them for a reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import flint
import sympy

from ..exact.arrays import rational_entries
from ..exact.errors import CertificateError
from ..exact.linalg import inertia
from ..model.activations import get_activation
from ..model.architecture import bias_parameter, layers, mlp
from ..model.network import Network, StructuredDerivatives, structured_derivatives
from .certify import ChartPoint, chart_derivatives, witness_weights

__all__ = ["AbstractDerivatives", "abstract_derivatives", "LayeredWitness", "layered_witness"]


@dataclass(frozen=True)
class AbstractDerivatives:
    """Structured derivatives of a network with sigma'(z_v) and sigma''(z_v) kept as symbols.

    Attributes
    ----------
    derivatives : backward vectors (adjoints), Jacobians, gradient and Hessian.
    symbols : ``{symbol: (z_v, order)}`` for every symbol standing for sigma'(z_v)
        (order 1) or sigma''(z_v) (order 2) of the network's activation.
    """

    derivatives: StructuredDerivatives[sympy.Expr]
    symbols: dict[sympy.Symbol, tuple[sympy.Symbol, int]]


def abstract_derivatives(net: Network) -> AbstractDerivatives:
    """The structured derivatives of ``net`` in z, with sigma' and sigma'' as symbols.

    The units of the network's activation get symbols ``z1_1'``, ``z1_1''``;
    derivatives that are constants (identity units) stay constants, and units
    with another activation keep their own formula in z.

    Parameters
    ----------
    net : Network
        Any network; its weights may be symbols or numbers.

    Returns
    -------
    AbstractDerivatives

    Examples
    --------
    >>> a = abstract_derivatives(Network("1,1,1", "tanh"))
    >>> a.derivatives.gradient, a.derivatives.hessian
    ([W1_1_1*w1*z1_1'], [[W1_1_1**2*w1*z1_1'']])
    >>> a.symbols
    {z1_1': (z1_1, 1), z1_1'': (z1_1, 2)}
    """
    symbols: dict[sympy.Symbol, tuple[sympy.Symbol, int]] = {}
    d1, d2 = {}, {}
    for v, act in net.activations.items():
        z = net.preactivation_symbols[v]
        for order, store in ((1, d1), (2, d2)):
            exact = act.derivative(z) if order == 1 else act.second_derivative(z)
            if exact.is_number or act != net.activation:
                store[v] = exact
                continue
            s = sympy.Symbol(z.name + "'" * order)
            symbols[s] = (z, order)
            store[v] = s
    sd = structured_derivatives(net.graph, net.weight, d1, d2, sympy.S.Zero, sympy.S.One)
    return AbstractDerivatives(sd, symbols)


@dataclass(frozen=True)
class LayeredWitness:
    """What makes a chart point a witness on branch k of a layered MLP (exact rationals).

    Attributes
    ----------
    step, kind : the branch k and its kind (``morse`` or ``degenerate``).
    x, W, u, w : the witness in chart coordinates: the input, ``W[l]`` (rows)
        and ``u[l]`` for the hidden layers l, and the output weights.
    biases : ``{l: [b^{(l)}_i]}``, the same point's ordinary biases of the hidden
        layers (exact expressions such as ``atanh(1/2) - 3/5``); the output bias is 0.
    slopes : ``{l: [sigma'(z^{(l)}_i)]}``, the diagonals of D_l at the chart values.
    backward : ``{l: v_l}``, the backward vectors from ``v_{L-1} = w`` down to
        ``v_0 = grad Phi(x)``.
    on_branch : whether ``v_k != 0`` and ``v_{k-1} = 0``.
    hessian : the rows of ``Hess Phi(x)``.
    det_hessian, morse_index : (morse) ``det Hess Phi(x)`` and the number of
        negative eigenvalues (:func:`symmorse.exact.linalg.inertia`).
    rank_hessian, hessian_g, det_hessian_g, rank_jacobian : (degenerate)
        ``rank Hess Phi(x)``; the rows and the determinant of ``Hess g``, g the
        rest of the network as a function of ``h_{k-1}``; ``rank J_{k-1}``.
    """

    step: int
    kind: str
    x: list[flint.fmpq]
    W: dict[int, list[list[flint.fmpq]]]
    u: dict[int, list[flint.fmpq]]
    w: list[flint.fmpq]
    biases: dict[int, list[sympy.Expr]]
    slopes: dict[int, list[flint.fmpq]]
    backward: dict[int, list[flint.fmpq]]
    on_branch: bool
    hessian: list[list[flint.fmpq]]
    det_hessian: flint.fmpq | None = None
    morse_index: int | None = None
    rank_hessian: int | None = None
    hessian_g: list[list[flint.fmpq]] | None = None
    det_hessian_g: flint.fmpq | None = None
    rank_jacobian: int | None = None


def layered_witness(certificate: Mapping, step: int) -> LayeredWitness:
    """The explanation of the witness on branch ``step`` of a layered certificate.

    Parameters
    ----------
    certificate : dict
        A certificate in the format ``symmorse-certificate/1`` (its JSON data),
        accepted by the kernel.
    step : int
        The widening step k of a branch with status ``witness``.

    Returns
    -------
    LayeredWitness

    Raises
    ------
    CertificateError
        If the certificate has no witness on branch ``step``.

    Examples
    --------
    >>> from symmorse.search.certify import certify
    >>> e = layered_witness(certify("2,3,1").to_json(), 1)
    >>> e.on_branch, e.backward[0], e.det_hessian, e.morse_index
    (True, [0, 0], -53505282796875/128, 1)
    """
    branch = next((b for b in certificate.get("branches", []) if b.get("step") == step), None)
    if branch is None or branch.get("status") != "witness":
        raise CertificateError(f"the certificate has no witness on branch k={step}")
    ws = certificate["architecture"]["widths"]
    top, n0, k = len(ws) - 2, ws[0], step
    point = ChartPoint.from_json(branch["witness"])
    layer_acts = certificate.get("layer_activations", {})
    charts = {
        l: get_activation(layer_acts.get(str(l), certificate["activation"])).chart for l in range(1, top + 1)
    }
    d = chart_derivatives(charts, point)
    weights = witness_weights(certificate, step)
    G = mlp(ws)
    groups = layers(G)
    backward = {l: d.v[l].entries() for l in range(top, -1, -1)}
    common = {
        "step": k,
        "kind": branch["kind"],
        "x": point.x,
        "W": {l: [rational_entries(row) for row in M] for l, M in point.W.items()},
        "u": point.u,
        "w": rational_entries(point.w),
        "biases": {l: [weights[bias_parameter(G, v)] for v in groups[l]] for l in range(1, top + 1)},
        "slopes": {l: [charts[l].exact[0](a) for a in point.u[l]] for l in point.u},
        "backward": backward,
        "on_branch": all(a == 0 for a in backward[k - 1]) and any(a != 0 for a in backward[k]),
        "hessian": d.hessian.table(),
    }
    if branch["kind"] == "morse":
        return LayeredWitness(**common, det_hessian=d.hessian.det(), morse_index=inertia(d.hessian).negative)
    g = chart_derivatives(charts, point, first=k).hessian
    return LayeredWitness(
        **common,
        rank_hessian=d.hessian.rank(),
        hessian_g=g.table(),
        det_hessian_g=g.det(),
        rank_jacobian=d.J[k - 1].rank() if k > 1 else n0,
    )
