"""Normal form of a concrete network with rank-deficient weight matrices.

If a weight matrix ``W_l`` (``n_l x n_{l-1}``) has rank ``r < min(n_l, n_{l-1})``,
it factors exactly as ``W_l = U V`` (``U`` is ``n_l x r``, ``V`` is
``r x n_{l-1}``), and an identity-activation layer of width r with weights V
and zero bias can be inserted before layer l, which then gets weights U
(DESIGN section 2).  The map Phi is unchanged -- proved here by ``U V = W_l``
exactly and by the two expressions for Phi expanding to the same thing -- and
the new architecture is classified: a rank drop below ``n_0`` creates a
bottleneck.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..exact.errors import WeightsError
from ..exact.linalg import QQMatrix, matrix_strings, qq, rank_factorization
from ..model.architecture import layers, mlp
from ..model.network import Network
from .classify import Classification, classify

__all__ = ["NormalForm", "normal_form"]


@dataclass(frozen=True)
class NormalForm:
    """The result of :func:`normal_form`.

    Attributes
    ----------
    original, network : the given network and its normal form.
    ranks : rank of every weight matrix ``W_1, ..., W_L`` (the last is the output row).
    inserted : ``(l, r)`` for each identity layer of width r inserted before layer l.
    unchanged : whether Phi is proved unchanged (``U V = W`` and equal expressions).
    classification : of the normal form's architecture.
    """

    original: Network
    network: Network
    ranks: list[int]
    inserted: list[tuple[int, int]]
    unchanged: bool
    classification: Classification

    def to_json(self) -> dict:
        """JSON form."""
        return {
            "widths": self.original.widths,
            "ranks": self.ranks,
            "inserted": [{"before_layer": l, "width": r} for l, r in self.inserted],
            "normal_form_widths": self.network.widths,
            "layer_activations": [
                self.network.graph.nodes[group[0]].get("activation") or self.network.activation.name
                for group in layers(self.network.graph)[1:-1]
            ],
            "phi_unchanged": self.unchanged,
            "classification": self.classification.to_json(),
        }

    def summary(self) -> str:
        """A few lines for people: ranks, inserted layers, the normal form, Phi unchanged, its class.

        Examples
        --------
        >>> layers = [{"W": [[1, 2], [2, 4], [3, 6]], "b": [0, 1, 2]}, {"W": [[1, 1, 1]], "b": [0]}]
        >>> print(normal_form(Network("2,3,1", "tanh", layers)).summary())  # doctest: +ELLIPSIS
        ranks of W_1..W_L: [1, 1]
          W_1 has rank 1: W_1 = U V exactly; identity layer of width 1 inserted
        normal form: widths [2, 1, 3, 1], hidden activations ['identity', 'tanh']
        Phi unchanged: proved (U V = W exactly; the expressions expand equal)
        class: bottleneck; widening step 2 starts at width n_1 = 1 < n_0 = 2
          branch k=2: degenerate; n_1 = 1 < n_0 = 2 is the narrowest layer so far: ...
        """
        data = self.to_json()
        lines = [f"ranks of W_1..W_L: {self.ranks}"]
        if not self.inserted:
            lines.append("every weight matrix has full rank: the network is its own normal form")
        lines += [
            f"  W_{l} has rank {r}: W_{l} = U V exactly; identity layer of width {r} inserted"
            for l, r in self.inserted
        ]
        widths, activations = data["normal_form_widths"], data["layer_activations"]
        lines.append(f"normal form: widths {widths}, hidden activations {activations}")
        proof = "proved (U V = W exactly; the expressions expand equal)" if self.unchanged else "NOT proved"
        lines.append(f"Phi unchanged: {proof}")
        c = self.classification
        lines.append(f"class: {c.kind}; {c.reason}")
        lines += [f"  branch k={b.step}: {b.kind}; {b.reason}" for b in c.branches]
        return "\n".join(lines)


def _layer_matrices(net: Network) -> list[tuple[QQMatrix, list]]:
    """``(W_l, b_l)`` of every layer after the input, as exact matrices."""
    groups = layers(net.graph)
    result = []
    for l in range(1, len(groups)):
        W = QQMatrix([[qq(net.weight(a, v)) for a in groups[l - 1]] for v in groups[l]])
        result.append((W, [net.bias(v) for v in groups[l]]))
    return result


def normal_form(net: Network) -> NormalForm:
    """Insert identity layers where weight matrices lose rank; prove Phi unchanged.

    Parameters
    ----------
    net : Network
        A layered network whose weights are all given.

    Raises
    ------
    WeightsError
        If weights are missing, the network is not layered, or some weight
        matrix is zero (Phi is then constant and every point is critical).

    Examples
    --------
    >>> layers = [{"W": [[1, 2], [2, 4], [3, 6]], "b": [0, 1, 2]}, {"W": [[1, 1, 1]], "b": [0]}]
    >>> nf = normal_form(Network("2,3,1", "tanh", layers))
    >>> nf.ranks, nf.network.widths, nf.unchanged, nf.classification.kind
    ([1, 1], [2, 1, 3, 1], True, 'bottleneck')
    """
    if net.widths is None:
        raise WeightsError("the normal form needs a layered network")
    if net.free_parameters:
        names = ", ".join(s.name for s in net.free_parameters[:5])
        raise WeightsError(f"the normal form needs all weights; missing {names}")
    ws = net.widths
    widths, activations, new_layers, ranks, inserted = [ws[0]], [], [], [], []
    factored = True
    for l, (W, b) in enumerate(_layer_matrices(net), start=1):
        r = W.rank()
        ranks.append(r)
        if r == 0:
            raise WeightsError(f"W_{l} is zero: Phi is constant, every point is a degenerate critical point")
        if r < min(W.nrows(), W.ncols()):
            U, V = rank_factorization(W)
            factored = factored and U * V == W
            inserted.append((l, r))
            widths.append(r)
            activations.append("identity")
            new_layers.append({"W": matrix_strings(V), "b": ["0"] * r})
            W = U
        widths.append(ws[l])
        if l < len(ws) - 1:
            activations.append(None)
        new_layers.append({"W": matrix_strings(W), "b": [str(a) for a in b]})
    G = mlp(widths, activations)
    normal = Network(G, net.activation, new_layers)
    unchanged = factored and sympy.expand(normal.output - net.output) == 0
    return NormalForm(net, normal, ranks, inserted, unchanged, classify(G, net.activation))
