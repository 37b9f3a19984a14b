"""Ball arithmetic for concrete networks: enclosures of grad Phi and Hess Phi over a box.

A :class:`BallNetwork` turns a network with exact weights into python-flint
``arb`` balls once (a ball contains its rational weight, so nothing is rounded
away) and encloses the gradient and the structured Hessian (DESIGN section 1)
over a box of inputs: every value the true gradient or Hessian takes on the box
lies in the returned balls.  The named activations are the hand-written ball
functions of :data:`symmorse.exact.balls.ACTIVATIONS`; others (polynomials) are
compiled from their exact SymPy formulas into ``arb`` code (constants become
balls, never floats).

Layered MLPs are evaluated by :class:`symmorse.exact.balls.LayeredBalls`, the
one ball routine that the certificate kernel uses too: whole-layer ``arb_mat``
products (forward pass, Jacobians, backward vectors ``v_{l-1} = W_l^T D_l v_l``
and ``Hess Phi = sum_l J_l^T diag(sigma''(z_l) v_l) J_l``), each pre-activation
over a box intersected with its centred form ``z_l(c) + J_l(X) (X - c)``.
Other graphs go through
:func:`~symmorse.model.network.structured_derivatives` over ``arb``; tests check
that the two agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import sympy
from flint import arb, arb_mat, fmpq
from sympy.printing.pycode import PythonCodePrinter

from ..exact.balls import ACTIVATIONS, BoxValues, LayeredBalls, PointValues
from ..exact.errors import ActivationError
from ..exact.numbers import rational_ball, to_fmpq
from .activations import Activation, Z
from .architecture import input_nodes, layers, output_node
from .network import Network, structured_derivatives

__all__ = ["BallNetwork", "Enclosure", "ball_activation", "interval_ball", "ball_bounds", "dyadic"]


def interval_ball(lo: fmpq, hi: fmpq) -> arb:
    """A ball containing the closed interval ``[lo, hi]`` of exact rationals.

    Examples
    --------
    >>> b = interval_ball(fmpq(1), fmpq(2))
    >>> b.contains(1), b.contains(2), b.mid()
    (True, True, 1.50000000000000)
    """
    return arb(lo).union(arb(hi))


def dyadic(a: arb) -> fmpq:
    """The midpoint of a ball as an exact rational (a dyadic fraction).

    Examples
    --------
    >>> dyadic(arb("0.75"))
    3/4
    """
    mantissa, exponent = a.mid().man_exp()
    return fmpq(mantissa) * fmpq(2) ** int(exponent)


def ball_bounds(a: arb) -> tuple[fmpq, fmpq]:
    """Exact rational endpoints ``(mid - rad, mid + rad)`` of a ball.

    Examples
    --------
    >>> ball_bounds(arb(1, 0.5))
    (536870911/1073741824, 1610612737/1073741824)
    """
    mid, rad = dyadic(a), dyadic(a.rad())
    return mid - rad, mid + rad


class _ArbPrinter(PythonCodePrinter):
    """Python code over arb balls: rationals become balls, never floats."""

    def _print_Rational(self, expr: sympy.Rational) -> str:
        return f"_q({expr.p}, {expr.q})"

    _print_Half = _print_Rational

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        base, exponent = expr.args
        if exponent.is_Integer:
            k = abs(int(exponent))
            if base.is_Symbol and k <= 4:
                power = "(" + "*".join([self._print(base)] * k) + ")"
            else:
                power = f"_pow({self._print(base)}, {k})"
            return power if exponent > 0 else f"1/{power}"
        return super()._print_Pow(expr, rational)


def _pow(x: arb, n: int) -> arb:
    """``x**n`` by repeated multiplication (flint's ``arb ** int`` is NaN on balls containing 0)."""
    if n == 1:
        return x
    half = _pow(x, n // 2)
    return half * half * x if n & 1 else half * half


class _ArbMath:
    """The ``math`` namespace of compiled activations, with arb functions."""

    tanh = staticmethod(arb.tanh)
    exp = staticmethod(arb.exp)
    log = staticmethod(arb.log)
    atan = staticmethod(arb.atan)
    erf = staticmethod(arb.erf)

    @staticmethod
    def sqrt(x: object) -> arb:
        return arb(x).sqrt()

    @property
    def pi(self) -> arb:
        return arb.pi()

    def __getattr__(self, name: str):
        raise ActivationError(f"no ball arithmetic for the function {name!r} in an activation")


@cache
def ball_activation(activation: Activation) -> Callable[[arb], tuple[arb, arb, arb]]:
    """``z -> (sigma(z), sigma'(z), sigma''(z))`` enclosed in balls, compiled once.

    The named activations (tanh, sigmoid, softplus, arctan, SiLU, GELU,
    identity) are the hand-written ball functions of
    :data:`symmorse.exact.balls.ACTIVATIONS` (sigma from the ends of the ball,
    sigma' from exact ranges of squares), shared with the kernel; the others
    (polynomials, ...) are compiled from their SymPy formulas.

    Examples
    --------
    >>> from symmorse.model.activations import get_activation
    >>> s, d1, d2 = ball_activation(get_activation("sigmoid"))(arb(0))
    >>> s, d1, d2
    (0.500000000000000, 0.250000000000000, 0)
    """
    if activation.name in ACTIVATIONS:
        return ACTIVATIONS[activation.name]
    exprs = (activation.sigma, activation.derivative(Z), activation.second_derivative(Z))
    compiled = sympy.lambdify(
        Z,
        exprs,
        modules=[{"math": _ArbMath(), "_q": lambda p, q: arb(fmpq(p, q)), "_pow": _pow}],
        printer=_ArbPrinter,
        cse=True,
    )

    if not any(e.is_number for e in exprs):
        return compiled

    def evaluate(z: arb) -> tuple[arb, arb, arb]:
        return tuple(arb(t) for t in compiled(z))

    return evaluate


@dataclass(frozen=True)
class Enclosure:
    """Balls containing grad Phi and Hess Phi at a point or over a box.

    Attributes
    ----------
    gradient : list of arb
    hessian : list of lists of arb, or None if not asked for
    preactivations : list of arb_mat
        ``z_l`` of each hidden layer (layered networks only; used for centring).
    """

    gradient: list[arb]
    hessian: list[list[arb]] | None
    preactivations: list[arb_mat] | None = None


class BallNetwork:
    """A concrete network evaluated in ball arithmetic.

    Parameters
    ----------
    net : Network
        Every parameter must have a value.
    layered : bool, optional
        Use the ``arb_mat`` path (default: whenever the network is a layered
        MLP with one activation) or, with False, the generic graph path.

    Examples
    --------
    ``Phi(x) = tanh(x1) + tanh(x2)`` has gradient (1, 1) and Hessian 0 at the origin:

    >>> net = Network("2,2,1", "tanh", [{"W": [[1, 0], [0, 1]], "b": [0, 0]}, {"W": [[1, 1]], "b": [0]}])
    >>> e = BallNetwork(net).enclose([arb(0), arb(0)])
    >>> e.gradient, e.hessian
    ([1.00000000000000, 1.00000000000000], [[0, 0], [0, 0]])
    """

    def __init__(self, net: Network, layered: bool | None = None) -> None:
        G = net.graph
        self.net = net
        self.n = len(input_nodes(G))
        self.functions = {v: ball_activation(a) for v, a in net.activations.items()}
        groups = layers(G)
        uniform = len(set(net.activations.values())) <= 1
        self.layered = net.widths is not None and uniform if layered is None else layered
        if self.layered and not (net.widths is not None and uniform):
            raise ValueError("the layered path needs a layered MLP with one activation")
        if self.layered:
            activation = next(iter(net.activations.values()))
            self.balls = LayeredBalls(
                [
                    (
                        [[to_fmpq(net.weight(u, v)) for u in prev] for v in cur],
                        [to_fmpq(net.bias(v)) for v in cur],
                    )
                    for prev, cur in zip(groups, groups[1:])
                ],
                next(iter(self.functions.values())),
            )
            self.activation_name = activation.name
        else:
            self.weights = {(u, v): rational_ball(net.weight(u, v)) for u, v in G.edges}
            self.biases = {v: rational_ball(net.bias(v)) for v in G if G.in_degree(v)}
            self.order = [v for group in groups[1:] for v in group]
            self.inputs = input_nodes(G)
            self.output = output_node(G)

    def enclose(
        self,
        x: Sequence[arb],
        center: Sequence[arb] | None = None,
        at_center: Enclosure | None = None,
        hessian: bool = True,
    ) -> Enclosure:
        """Enclosures of grad Phi and Hess Phi for all inputs in the balls ``x``.

        Parameters
        ----------
        x : sequence of arb
            One ball per input (a box); exact points give narrow enclosures.
        center, at_center : optional
            A point ``c`` in the box and ``enclose(c)``; when given, the
            pre-activations of a layered network are also enclosed in the centred
            form ``z_l(c) + J_l(x) (x - c)`` (the tighter the smaller the box).
        hessian : bool
            With False (layered networks), only the gradient and pre-activations
            are computed and ``hessian`` is None.
        """
        if not self.layered:
            return self._generic(x)
        return self._layered(x, center, at_center, hessian or at_center is not None)

    def point(self, x: Sequence[arb]) -> PointValues:
        """The gradient (an n x 1 ``arb_mat``) and pre-activations at the balls ``x``, no Hessian.

        Examples
        --------
        >>> net = Network("1,1,1", "tanh", [{"W": [[2]], "b": [0]}, {"W": [[1]], "b": [0]}])
        >>> BallNetwork(net).point([arb(0)]).gradient
        [2.00000000000000]
        """
        if self.layered:
            return self.balls.at_point(x)
        return PointValues(arb_mat(self.n, 1, self._generic(x).gradient), [])

    def over(self, x: Sequence[arb], at_centre: PointValues, shift: arb_mat) -> BoxValues:
        """Gradient (n x 1) and Hessian (n x n) ``arb_mat`` enclosures over the box ``x``.

        ``at_centre = point(c)`` and ``shift = x - c`` for a point c of the box
        (layered networks centre their pre-activations there).

        Examples
        --------
        >>> net = Network("1,1,1", "tanh", [{"W": [[1]], "b": [0]}, {"W": [[1]], "b": [0]}])
        >>> bn, x, c = BallNetwork(net), [arb(0, 1)], [arb(0)]
        >>> bn.over(x, bn.point(c), arb_mat([[x[0] - c[0]]])).hessian[0, 0].contains(arb(-0.7698))
        True
        """
        if self.layered:
            return self.balls.over_box(x, at_centre, shift)
        e = self._generic(x)
        return BoxValues(arb_mat(self.n, 1, e.gradient), arb_mat(e.hessian))

    def _generic(self, x: Sequence[arb]) -> Enclosure:
        """Forward pass node by node, then :func:`structured_derivatives` over arb."""
        value = dict(zip(self.inputs, x))
        d1, d2 = {}, {}
        for v in self.order[:-1]:
            z = self.biases[v] + sum(
                (self.weights[u, v] * value[u] for u in self.net.graph.predecessors(v)), arb(0)
            )
            value[v], d1[v], d2[v] = self.functions[v](z)
        sd = structured_derivatives(self.net.graph, lambda u, v: self.weights[u, v], d1, d2, arb(0), arb(1))
        return Enclosure(sd.gradient, sd.hessian)

    def _layered(
        self, x: Sequence[arb], center: Sequence[arb] | None, at_center: Enclosure | None, jacobians: bool
    ) -> Enclosure:
        """:class:`symmorse.exact.balls.LayeredBalls`: whole-layer ``arb_mat`` products (DESIGN section 1)."""
        n = self.n
        if not jacobians:
            point = self.balls.at_point(x)
            return Enclosure(point.gradient.entries(), None, point.preactivations)
        if at_center is None:
            over = self.balls.over_box(x, hessian=True)
        else:
            centre = PointValues(arb_mat(n, 1, at_center.gradient), at_center.preactivations)
            over = self.balls.over_box(x, centre, self.balls.shift(x, center))
        H = over.hessian.entries()
        return Enclosure(over.gradient.entries(), [H[i * n : (i + 1) * n] for i in range(n)], None)
