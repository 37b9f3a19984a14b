"""Kernel for ``symmorse-critical/1``: the complete list of critical points of a concrete network.

A certificate (written by ``symmorse critical-points --certificate FILE``) gives a
layered network with exact rational weights, a domain box and a partition of it
into leaf boxes with exact rational endpoints, each with what it proves, and a
list of points (Krawczyk boxes).  This module re-derives every enclosure itself
and accepts only if every claim follows:

* the leaves tile the domain exactly (:func:`_tiles`: a guillotine recursion over
  rational endpoints; a gap, an overlap or a leaf outside the domain is rejected);
* ``excluded`` with a ``coordinate`` i: the enclosure of dPhi/dx_i over the leaf
  (naive, or the mean-value form ``grad Phi(c) + H(X)(X - c)``) excludes 0, so Phi
  is strictly monotone in x_i on the leaf; with a ``hessian_box`` Q (a box holding
  the leaf, e.g. the box the leaf was split from) the mean-value form takes H
  enclosed over Q, which contains every Hessian on the leaf;
* ``excluded`` with ``krawczyk`` (a box P containing the leaf and a rational
  matrix Y, optionally a ``hessian_box`` Q holding P): the i-th component of
  ``K(P) = c - Y grad Phi(c) + (I - Y H(Q))(P - c)`` (Q = P by default) misses the
  leaf's i-th side.  Every zero of grad Phi in P lies in K(P), for any Y
  (mean-value theorem), so the leaf holds none;
* ``unique``: the leaf lies in the box of point j;
* ``single``: the leaf holds the inner box of point j and the Hessian enclosure
  over the leaf is definite (inertia ``(0, 0, n)`` or ``(n, 0, 0)``): then grad Phi
  is injective on the convex leaf (a strictly monotone map), so point j is its only
  critical point;
* each point: ``K(R)`` lies in the interior of its box R and
  ``sum_j |I - Y H(R)|_ij r_j < r_i`` (r the half-widths), so R holds exactly one
  critical point [Krawczyk 1969; Neumaier 1990, thm 5.1.7]; the same for its small
  box V inside R; the Hessian enclosure over ``K(V)`` (which holds the point) fixes
  the Morse index (:func:`symmorse.exact.linalg.inertia`: Descartes' rule on ball
  enclosures of the characteristic polynomial, nullity 0).  A point ``same_as`` j is identified with
  point j by ``V subset R_j`` or ``V_j subset R``; the other points' boxes V are
  pairwise disjoint, so they are distinct critical points;
* ``curves``: the first hidden layer has one unit, ``Phi = g(a . x + beta)``; the
  nested ``bottleneck`` certificate of g (checked by this kernel, complete) lists g's
  critical points in its domain, which holds ``a . leaf + beta``; so the critical
  points in the leaf are the level sets ``a . x + beta = t`` of those points;
* ``complete: true`` only if no leaf is ``unresolved``.

Then every critical point of Phi in the domain is one of the listed points (or
lies in an unresolved leaf).  A malformed certificate (missing keys, bad widths)
raises :class:`~symmorse.exact.errors.CertificateError`; a false claim gives
``accepted=False`` with the first one as the reason.

What is trusted: python-flint's ``arb``/``arb_mat`` ball arithmetic (every result
contains the true value; tanh, exp, log1p, atan, erf), exact ``fmpq`` rationals,
:func:`symmorse.exact.linalg.inertia`, and the ball evaluation of the network in
:mod:`symmorse.exact.balls` (sigma, sigma', sigma'' of each activation, the forward
and backward passes of DESIGN section 1, the mean-value and Krawczyk forms), which
the search uses too: the kernel shares the exact domain layer, never the search
or the model.  The kernel works at 64 bits against the search's 53.  No SymPy, no
floats.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flint import arb, arb_mat, ctx, fmpq

from ..exact.balls import ACTIVATIONS, LayeredBalls, krawczyk_image, mean_value
from ..exact.errors import CertificateError
from ..exact.linalg import inertia
from ..exact.words import plural
from .base import CheckResult, Rejected, require
from .schemas import check_shape

__all__ = ["FORMAT", "ACTIVATIONS", "check"]

FORMAT = "symmorse-critical/1"
#: Working precision (bits) of the kernel's balls: above the search's 53, so its enclosures are no wider.
PRECISION = 64

Box = tuple[tuple[fmpq, fmpq], ...]


_RATIONAL = re.compile(r"-?[0-9]+(/[0-9]+)?")


def _q(text: object, where: str) -> fmpq:
    """An exact rational ``"p/q"`` or ``"p"`` (no floats, no decimals)."""
    require(isinstance(text, str) and _RATIONAL.fullmatch(text) is not None, f"{where}: not a rational p/q")
    p, _, q = text.partition("/")
    require(q == "" or int(q) > 0, f"{where}: zero denominator")
    return fmpq(int(p), int(q or 1))


def _matrix(data: object, rows: int, cols: int, where: str) -> list[list[fmpq]]:
    require(
        isinstance(data, list)
        and len(data) == rows
        and all(isinstance(r, list) and len(r) == cols for r in data),
        f"{where} is not a {rows} x {cols} matrix",
    )
    return [[_q(a, f"{where}[{i}][{j}]") for j, a in enumerate(r)] for i, r in enumerate(data)]


def _box(data: object, n: int, where: str) -> Box:
    rows = _matrix(data, n, 2, where)
    require(all(lo < hi for lo, hi in rows), f"{where}: every side needs lo < hi")
    return tuple((lo, hi) for lo, hi in rows)


def _inside(a: Box, b: Box) -> bool:
    return all(blo <= alo and ahi <= bhi for (alo, ahi), (blo, bhi) in zip(a, b))


class _Network:
    """The layered network in balls (:class:`symmorse.exact.balls.LayeredBalls`), with the kernel's checks."""

    def __init__(self, widths: list[int], sigma: Callable | str, layers: list) -> None:
        self.n = widths[0]
        pairs = []
        for l, (m, k) in enumerate(zip(widths, widths[1:])):
            layer = layers[l]
            require(isinstance(layer, dict), f"layer {l + 1} is not an object")
            W = _matrix(layer.get("W"), k, m, f"layer {l + 1} W")
            pairs.append((W, _matrix([layer.get("b")], 1, k, f"layer {l + 1} b")[0]))
        self.balls = LayeredBalls(pairs, sigma)
        self._hessians: dict[Box, arb_mat] = {}

    @staticmethod
    def balls_of(box: Box) -> tuple[list[arb], list[arb]]:
        """The exact midpoint c and the balls x of a box."""
        return [arb((lo + hi) / 2) for lo, hi in box], [arb(lo).union(arb(hi)) for lo, hi in box]

    def over(self, box: Box | list[arb]):
        """Centre c, the balls of the box, ``grad(c)`` and ``(grad, H)`` over the box (rational or balls)."""
        if isinstance(box, list):
            c, x = [arb(a.mid()) for a in box], box
        else:
            c, x = self.balls_of(box)
        at_c = self.balls.at_point(c)
        over = self.balls.over_box(x, at_c, self.balls.shift(x, c))
        return c, x, at_c.gradient.entries(), over.gradient.entries(), over.hessian

    def hessian(self, box: Box) -> arb_mat:
        """The Hessian enclosure over a box (kept: many leaves name the same box)."""
        if box not in self._hessians:
            self._hessians[box] = self.over(box)[4]
        return self._hessians[box]

    def krawczyk(self, box: Box, Y: list[list[fmpq]], hessian_box: Box | None = None):
        """``K(box)`` (the Hessian enclosed over ``hessian_box``, default the box) and whether
        ``sum_j |I - Y H|_ij r_j < r_i`` for every i."""
        n = self.n
        c, x = self.balls_of(box)
        H = self.over(box)[4] if hessian_box is None else self.hessian(hessian_box)
        grad_c = self.balls.at_point(c).gradient
        image, M = krawczyk_image(arb_mat(n, 1, c), grad_c, H, self.balls.shift(x, c), arb_mat(Y))
        r = [(hi - lo) / 2 for lo, hi in box]
        contracts = all(
            sum((arb(M[i, j].abs_upper()) * r[j] for j in range(n)), arb(0)) < r[i] for i in range(n)
        )
        return image, contracts


def _tiles(domain: Box, leaves: list[Box]) -> None:
    """Reject unless the leaves tile the domain (interiors disjoint, union the domain).

    Recursively: a box holding exactly one leaf must equal it; otherwise some
    coordinate k and value m must put every leaf wholly on one side of
    ``x_k = m``, with leaves on both sides; recurse on both halves.
    """
    for k, leaf in enumerate(leaves):
        require(_inside(leaf, domain), f"leaf {k} is not inside the domain")
    stack = [(domain, list(range(len(leaves))))]
    while stack:
        box, ids = stack.pop()
        if len(ids) == 1:
            require(leaves[ids[0]] == box, f"the leaves leave a gap next to leaf {ids[0]}")
            continue
        cut = _cut(box, ids, leaves)
        require(cut is not None, f"the leaves overlap: near leaf {ids[0]}")
        k, m, low, high = cut
        left, right = list(box), list(box)
        left[k], right[k] = (box[k][0], m), (m, box[k][1])
        stack += [(tuple(left), low), (tuple(right), high)]


def _cut(box: Box, ids: list[int], leaves: list[Box]):
    """A coordinate k and value m with every leaf on one side, both sides used (the most even such cut)."""
    best = None
    for k in range(len(box)):
        order = sorted(ids, key=lambda i: leaves[i][k][0])
        reach = box[k][0]
        for pos, i in enumerate(order):
            lo = leaves[i][k][0]
            if pos and reach <= lo and (best is None or abs(2 * pos - len(ids)) < best[0]):
                best = abs(2 * pos - len(ids)), (k, lo, order[:pos], order[pos:])
            reach = max(reach, leaves[i][k][1])
    return None if best is None else best[1]


def _points(net: _Network, data: list, n: int) -> list[tuple[Box, Box, int | None]]:
    """Check every point; return ``(R, V, index)`` (index None for a point ``same_as`` another)."""
    checked: list[tuple[Box, Box, int | None]] = []
    for j, p in enumerate(data):
        require(isinstance(p, dict), f"point {j} is not an object")
        R, V = _box(p.get("box"), n, f"point {j} box"), _box(p.get("inner"), n, f"point {j} inner")
        for name, X, Y in (("box", R, p.get("Y")), ("inner box", V, p.get("Y_inner"))):
            K, contracts = net.krawczyk(X, _matrix(Y, n, n, f"point {j} Y"))
            require(
                all(k > lo and k < hi for k, (lo, hi) in zip(K, X)),
                f"point {j}: K(X) is not inside the interior of its {name}",
            )
            require(contracts, f"point {j}: |I - Y H(X)| is not < 1 on its {name}")
        require(_inside(V, R), f"point {j}: its inner box is not inside its box")
        same = p.get("same_as")
        if same is not None:
            require(
                type(same) is int and 0 <= same < j and checked[same][2] is not None,
                f"point {j}: same_as must name an earlier point",
            )
            R0, V0, _ = checked[same]
            require(_inside(V, R0) or _inside(V0, R), f"point {j} is not shown to be point {same}")
            checked.append((R, V, None))
            continue
        index = p.get("index")
        require(type(index) is int, f"point {j}: the index must be an integer")
        found = inertia(net.over(K)[4])  # over K(V), which holds the point
        require(
            found is not None and found.zero == 0, f"point {j}: the Hessian enclosure does not fix the index"
        )
        require(index == found.negative, f"point {j}: the Morse index is {found.negative}, not {index}")
        for i, (_, V0, k) in enumerate(checked):
            disjoint = any(hi < lo0 or hi0 < lo for (lo, hi), (lo0, hi0) in zip(V, V0))
            require(k is None or disjoint, f"points {i} and {j} are not shown to be distinct")
        checked.append((R, V, index))
    return checked


def _hessian_box(net: _Network, k: int, data: object, inner: Box) -> Box | None:
    """The optional ``hessian_box`` Q of a claim: a box holding ``inner`` over which H is enclosed."""
    if data is None:
        return None
    Q = _box(data, net.n, f"leaf {k} hessian_box")
    require(_inside(inner, Q), f"leaf {k} is not inside its hessian_box")
    return Q


def _excludes(a: arb) -> bool:
    return a > 0 or a < 0


def _bottleneck(data: dict, widths: list, activation: str, layers: list) -> tuple[list, fmpq, int, Box]:
    """Check the ``bottleneck`` of a network whose first hidden layer has one unit: ``(a, beta, m, T)``.

    Then ``Phi(x) = g(a . x + beta)`` with g the network whose first layer is the
    identity (``W = [[1]]``, ``b = [0]``) followed by the layers of Phi after the
    first, and ``grad Phi(x) = g'(a . x + beta) a``.  With ``a != 0``, x is critical
    exactly when ``t = a . x + beta`` is a critical point of g.  The nested
    certificate (checked by :func:`check`, and required complete) proves that
    the critical points of g in its domain T are exactly its m listed points.
    """
    nested = data["bottleneck"]
    require(len(widths) > 2 and widths[1] == 1, "bottleneck: the first hidden layer must have one unit")
    require(isinstance(nested, dict), "bottleneck: not an object")
    check_shape(nested, FORMAT)
    require(nested["architecture"]["widths"] == [1, *widths[1:]], "bottleneck: widths must be 1, then Phi's")
    require(nested["activation"] == activation, "bottleneck: another activation")
    inner = nested["layers"]
    require(
        _matrix(inner[0].get("W"), 1, 1, "bottleneck W") == [[1]]
        and _matrix([inner[0].get("b")], 1, 1, "bottleneck b") == [[0]],
        "bottleneck: its first layer must be the identity",
    )
    for l in range(1, len(layers)):
        m, k = widths[l], widths[l + 1]
        same = _matrix(inner[l].get("W"), k, m, "bottleneck W") == _matrix(layers[l].get("W"), k, m, "W")
        same = same and _matrix([inner[l].get("b")], 1, k, "bottleneck b") == _matrix(
            [layers[l].get("b")], 1, k, "b"
        )
        require(same, f"bottleneck: its layer {l + 1} is not layer {l + 1} of Phi")
    verdict = check(nested)
    require(verdict.accepted, f"bottleneck: {verdict.reason}")
    require(nested["complete"] is True, "bottleneck: the certificate of g is not complete")
    a = _matrix(layers[0].get("W"), 1, widths[0], "layer 1 W")[0]
    beta = _matrix([layers[0].get("b")], 1, 1, "layer 1 b")[0][0]
    require(any(ai != 0 for ai in a), "bottleneck: the first layer is zero")
    found = sum(1 for p in nested["points"] if p.get("same_as") is None)
    return a, beta, found, _box(nested["domain"], 1, "bottleneck domain")


def _leaf(net: _Network, k: int, leaf: dict, box: Box, points: list, cache: dict) -> bool:
    """Check one leaf's claim; True if it is unresolved."""
    kind, n = leaf.get("kind"), net.n
    if kind == "unresolved":
        return True
    if kind == "curves":
        require(cache["curves"] is not None, f"leaf {k}: curves need a bottleneck certificate")
        a, beta, _, ((tlo, thi),) = cache["curves"]
        lo = beta + sum(min(ai * l, ai * h) for ai, (l, h) in zip(a, box))
        hi = beta + sum(max(ai * l, ai * h) for ai, (l, h) in zip(a, box))
        require(tlo <= lo and hi <= thi, f"leaf {k}: a . x + beta leaves the domain of the bottleneck")
        return False
    if kind in ("unique", "single"):
        j = leaf.get("point")
        require(type(j) is int and 0 <= j < len(points), f"leaf {k}: no point {j!r}")
        if kind == "unique":
            require(_inside(box, points[j][0]), f"leaf {k} is not inside the box of point {j}")
            return False
        # a definite Hessian on the (convex) leaf: grad Phi is injective there, one critical point at most
        require(_inside(points[j][1], box), f"leaf {k} does not hold the inner box of point {j}")
        found = inertia(net.hessian(box))
        require(
            found is not None and found.zero == 0 and found.negative in (0, n),
            f"leaf {k}: the Hessian enclosure is not definite",
        )
        return False
    require(kind == "excluded", f"leaf {k}: unknown kind {kind!r}")
    i = leaf.get("coordinate")
    require(type(i) is int and 0 <= i < n, f"leaf {k}: no coordinate {i!r}")
    proof = leaf.get("krawczyk")
    if proof is None:
        Q = _hessian_box(net, k, leaf.get("hessian_box"), box)
        c, x = net.balls_of(box)
        if Q is None:
            if _excludes(net.balls.over_box(x).gradient[i, 0]):  # the naive enclosure
                return False
            _, _, grad_c, grad, H = net.over(box)
            if _excludes(grad[i]):  # the naive enclosure with centred pre-activations
                return False
            grad_c = arb_mat(n, 1, grad_c)
        else:
            grad_c, H = net.balls.at_point(c).gradient, net.hessian(Q)
        require(
            _excludes(mean_value(grad_c, H, net.balls.shift(x, c))[i]),
            f"leaf {k}: the gradient enclosure does not exclude 0 in coordinate {i}",
        )
        return False
    require(isinstance(proof, dict), f"leaf {k}: malformed krawczyk")
    P = _box(proof.get("box"), n, f"leaf {k} krawczyk box")
    require(_inside(box, P), f"leaf {k} is not inside its Krawczyk box")
    Q = _hessian_box(net, k, proof.get("hessian_box"), P)
    key = (P, str(proof.get("Y")), Q)
    if key not in cache:
        cache[key] = net.krawczyk(P, _matrix(proof.get("Y"), n, n, f"leaf {k} Y"), Q)[0]
    Ki, (lo, hi) = cache[key][i], box[i]
    require(Ki < lo or Ki > hi, f"leaf {k}: the Krawczyk image does not miss the leaf in coordinate {i}")
    return False


def check(data: dict) -> CheckResult:
    """Check a ``symmorse-critical/1`` certificate; the reason names the first false claim.

    Examples
    --------
    ``Phi(x) = tanh(x)`` on ``[-1, 1]``: ``Phi' = 1 - tanh^2 > 0``, one leaf, no critical point:

    >>> cert = {"format": FORMAT, "architecture": {"widths": [1, 1, 1]}, "activation": "tanh",
    ...         "layers": [{"W": [["1"]], "b": ["0"]}, {"W": [["1"]], "b": ["0"]}],
    ...         "domain": [["-1", "1"]], "points": [], "complete": True,
    ...         "leaves": [{"box": [["-1", "1"]], "kind": "excluded", "coordinate": 0}]}
    >>> check(cert)
    CheckResult(accepted=True, reason='0 critical points in the domain (0 boundary), complete; 1 leaf')
    >>> cert["layers"][1]["W"] = [["0"]]
    >>> check(cert).reason
    'leaf 0: the gradient enclosure does not exclude 0 in coordinate 0'
    """
    try:
        widths = data["architecture"]["widths"]
        activation, layers, leaves = data["activation"], data["layers"], data["leaves"]
        domain_data, point_data, complete = data["domain"], data["points"], data["complete"]
    except (KeyError, TypeError):
        raise CertificateError(
            f"{FORMAT}: missing architecture, activation, layers, domain, points, leaves or complete"
        ) from None
    if not (
        isinstance(widths, list)
        and 2 <= len(widths) <= 12
        and all(type(w) is int and 1 <= w <= 256 for w in widths)
        and widths[-1] == 1
        and isinstance(layers, list)
        and len(layers) == len(widths) - 1
        and isinstance(leaves, list)
        and isinstance(point_data, list)
        and isinstance(complete, bool)
    ):
        raise CertificateError(
            f"{FORMAT}: widths must be 2 to 12 integers in 1..256 ending in 1, one layer each"
        )
    try:
        require(activation in ACTIVATIONS, f"the kernel has no ball arithmetic for activation {activation!r}")
        n = widths[0]
        with ctx.workprec(PRECISION):
            net = _Network(widths, ACTIVATIONS[activation], layers)
            domain = _box(domain_data, n, "domain")
            points = _points(net, point_data, n)
            boxes = []
            for k, leaf in enumerate(leaves):
                require(isinstance(leaf, dict), f"leaf {k} is not an object")
                boxes.append(_box(leaf.get("box"), n, f"leaf {k} box"))
            _tiles(domain, boxes)
            cache: dict = {"curves": None}
            if "bottleneck" in data:
                cache["curves"] = _bottleneck(data, widths, activation, layers)
            unresolved = [
                k
                for k, (leaf, box) in enumerate(zip(leaves, boxes))
                if _leaf(net, k, leaf, box, points, cache)
            ]
        require(
            not (complete is True and unresolved),
            f"complete is claimed but leaf {unresolved[0] if unresolved else 0} is unresolved",
        )
    except Rejected as exc:
        return CheckResult(False, str(exc))
    distinct = [(R, V) for R, V, index in points if index is not None]
    meets = [
        V for _, V in distinct if all(lo <= dhi and dlo <= hi for (lo, hi), (dlo, dhi) in zip(V, domain))
    ]
    boundary = sum(not _inside(V, domain) for V in meets)
    status = "complete" if not unresolved else f"NOT complete ({plural(len(unresolved), 'unresolved leaf')})"
    curves = ""
    if cache["curves"] is not None:
        curves = f", {plural(cache['curves'][2], 'level set')} of critical points a . x + beta = t"
    return CheckResult(
        True,
        f"{plural(len(meets), 'critical point')} in the domain ({boundary} boundary){curves}, {status}; "
        f"{plural(len(leaves), 'leaf')}",
    )
