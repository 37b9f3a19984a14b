"""Kernel for ``symmorse-critical/1``: the complete list of critical points of a concrete network.

A certificate (written by ``symmorse critical-points --certificate FILE``) gives a
layered network with exact rational weights, a domain box and a partition of it
into leaf boxes with exact rational endpoints, each with what it proves, and a
list of points (Krawczyk boxes).  This module re-derives every enclosure itself
and accepts only if every claim follows:

* the leaves tile the domain exactly (:func:`_tiles`: a guillotine recursion over
  rational endpoints; a gap, an overlap or a leaf outside the domain is rejected);
* ``excluded`` with a ``coordinate`` i: the enclosure of dPhi/dx_i over the leaf
  (naive, or the mean-value form ``grad Phi(c) + H(X)(X - c)``) excludes 0;
* ``excluded`` with ``krawczyk`` (a box P containing the leaf and a rational
  matrix Y): the i-th component of ``K(P) = c - Y grad Phi(c) + (I - Y H(P))(P - c)``
  misses the leaf's i-th side.  Every zero of grad Phi in P lies in K(P), for any Y
  (mean-value theorem), so the leaf holds none;
* ``unique``: the leaf lies in the box of point j;
* each point: ``K(R)`` lies in the interior of its box R and
  ``sum_j |I - Y H(R)|_ij r_j < r_i`` (r the half-widths), so R holds exactly one
  critical point [Krawczyk 1969; Neumaier 1990, thm 5.1.7]; the same for its small
  box V inside R; the Hessian enclosure over ``K(V)`` (which holds the point) fixes
  the Morse index (:func:`symmorse.exact.linalg.inertia`: Descartes' rule on ball
  enclosures of the characteristic polynomial, nullity 0).  A point ``same_as`` j is identified with
  point j by ``V subset R_j`` or ``V_j subset R``; the other points' boxes V are
  pairwise disjoint, so they are distinct critical points;
* ``complete: true`` only if no leaf is ``unresolved``.

Then every critical point of Phi in the domain is one of the listed points (or
lies in an unresolved leaf).  A malformed certificate (missing keys, bad widths)
raises :class:`~symmorse.exact.errors.CertificateError`; a false claim gives
``accepted=False`` with the first one as the reason.

What is trusted: python-flint's ``arb``/``arb_mat`` ball arithmetic (every result
contains the true value; tanh, exp, log1p, atan, erf), exact ``fmpq`` rationals,
:func:`symmorse.exact.linalg.inertia`, and the formulas below for sigma', sigma''
of each activation.  Nothing from the search or the model is imported; the
forward and backward passes (DESIGN section 1: backward vectors and
``Hess Phi = sum_l J_l^T diag(sigma''(z_l) v_l) J_l``) are written out here.
No SymPy, no floats.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flint import arb, arb_mat, ctx, fmpq

from ..exact.errors import CertificateError
from ..exact.linalg import inertia
from .base import CheckResult, Rejected, require

__all__ = ["FORMAT", "check"]

FORMAT = "symmorse-critical/1"
#: Working precision (bits) of the kernel's balls: above the search's 53, so its enclosures are no wider.
PRECISION = 64

Box = tuple[tuple[fmpq, fmpq], ...]


def _square(t: arb) -> arb:
    """``{t^2 : t in the ball}`` (not the ball product, which would go below 0)."""
    lo, hi = t.abs_lower(), t.abs_upper()
    return (lo * lo).union(hi * hi)


def _increasing(f: Callable[[arb], arb], z: arb) -> arb:
    """``f`` over the ball z, for an increasing f: the union of its values at the two ends."""
    return f(z.lower()).union(f(z.upper()))


def _logistic(z: arb) -> arb:
    return 1 / (1 + (-z).exp())


def _tanh(z: arb) -> tuple[arb, arb, arb]:
    t = _increasing(arb.tanh, z)
    d1 = 1 - _square(t)
    return t, d1, -2 * t * d1


def _sigmoid(z: arb) -> tuple[arb, arb, arb]:
    s = _increasing(_logistic, z)
    d1 = arb(1) / 4 - _square(s - arb(1) / 2)  # s (1 - s)
    return s, d1, d1 * (1 - 2 * s)


def _softplus(z: arb) -> tuple[arb, arb, arb]:
    s = _increasing(_logistic, z)
    return _increasing(lambda t: t.exp().log1p(), z), s, arb(1) / 4 - _square(s - arb(1) / 2)


def _arctan(z: arb) -> tuple[arb, arb, arb]:
    d1 = 1 / (1 + _square(z))
    return _increasing(arb.atan, z), d1, -2 * z * _square(d1)


def _silu(z: arb) -> tuple[arb, arb, arb]:
    s = _logistic(z)
    ds = s * (1 - s)
    return z * s, s + z * ds, ds * (2 + z * (1 - 2 * s))


def _gelu(z: arb) -> tuple[arb, arb, arb]:
    cdf = (1 + (z / arb(2).sqrt()).erf()) / 2
    pdf = (-_square(z) / 2).exp() / (2 * arb.pi()).sqrt()
    return z * cdf, cdf + z * pdf, pdf * (2 - _square(z))


#: sigma, sigma', sigma'' as ball functions.
ACTIVATIONS: dict[str, Callable[[arb], tuple[arb, arb, arb]]] = {
    "tanh": _tanh,
    "sigmoid": _sigmoid,
    "softplus": _softplus,
    "arctan": _arctan,
    "silu": _silu,
    "gelu": _gelu,
    "identity": lambda z: (z, arb(1), arb(0)),
}

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
    """The layered network in balls: weights W_l, biases b_l, one activation."""

    def __init__(self, widths: list[int], sigma: Callable, layers: list) -> None:
        self.n, self.sigma = widths[0], sigma
        self.W, self.b = [], []
        for l, (m, k) in enumerate(zip(widths, widths[1:])):
            layer = layers[l]
            require(isinstance(layer, dict), f"layer {l + 1} is not an object")
            self.W.append(arb_mat(_matrix(layer.get("W"), k, m, f"layer {l + 1} W")))
            self.b.append(arb_mat([[v] for v in _matrix([layer.get("b")], 1, k, f"layer {l + 1} b")[0]]))

    def enclose(self, x: list[arb], at_centre: tuple | None = None, shift: arb_mat | None = None):
        """``(grad, H, zs)`` over the balls x; H only given ``at_centre = (grad(c), zs(c))`` and ``x - c``.

        With ``at_centre``, each pre-activation is also enclosed in the centred
        form ``z_l(c) + J_l (x - c)`` and the intersection is used.
        """
        second = at_centre is not None
        h, J, zs, d1s, d2s, Js = arb_mat(self.n, 1, x), None, [], [], [], []
        for l in range(len(self.W) - 1):
            W = self.W[l]
            z = (W * h + self.b[l]).entries()
            if second:
                J = W if J is None else W * J
                centred = (at_centre[1][l] + J * shift).entries()
                z = [a.intersection(c) for a, c in zip(z, centred)]
                Js.append(J)
            values = [self.sigma(zi) for zi in z]
            zs.append(arb_mat(len(z), 1, z))
            h = arb_mat(len(z), 1, [t[0] for t in values])
            d1s.append([t[1] for t in values])
            d2s.append([t[2] for t in values])
            if second:
                J = _diagonal(d1s[-1]) * J
        v, vs = self.W[-1].transpose(), []
        for l in reversed(range(len(d1s))):
            vs.insert(0, v.entries())
            v = self.W[l].transpose() * arb_mat(len(d1s[l]), 1, [a * b for a, b in zip(d1s[l], vs[0])])
        if not second:
            return v.entries(), None, zs
        H = arb_mat(self.n, self.n)
        for J, d2, vl in zip(Js, d2s, vs):
            H += J.transpose() * _diagonal([a * b for a, b in zip(d2, vl)]) * J
        return v.entries(), H, zs

    def over(self, box: Box | list[arb]):
        """Centre c, the balls of the box, ``grad(c)`` and ``(grad, H)`` over the box (rational or balls)."""
        if isinstance(box, list):
            c, x = [arb(a.mid()) for a in box], box
        else:
            c, x = [arb((lo + hi) / 2) for lo, hi in box], [arb(lo).union(arb(hi)) for lo, hi in box]
        grad_c, _, zs_c = self.enclose(c)
        grad, H, _ = self.enclose(x, (grad_c, zs_c), arb_mat(self.n, 1, [a - b for a, b in zip(x, c)]))
        return c, x, grad_c, grad, H

    def krawczyk(self, box: Box, Y: list[list[fmpq]]) -> tuple[list[arb], bool]:
        """``K(box)`` and whether ``sum_j |I - Y H|_ij r_j < r_i`` for every i."""
        n = self.n
        c, x, grad_c, _, H = self.over(box)
        Ym = arb_mat(Y)
        M = arb_mat([[int(i == j) for j in range(n)] for i in range(n)]) - Ym * H
        shift = arb_mat(n, 1, [a - b for a, b in zip(x, c)])
        image = (arb_mat(n, 1, c) - Ym * arb_mat(n, 1, grad_c) + M * shift).entries()
        r = [(hi - lo) / 2 for lo, hi in box]
        contracts = all(
            sum((arb(M[i, j].abs_upper()) * r[j] for j in range(n)), arb(0)) < r[i] for i in range(n)
        )
        return image, contracts


def _diagonal(d: list[arb]) -> arb_mat:
    D = arb_mat(len(d), len(d))
    for i, a in enumerate(d):
        D[i, i] = a
    return D


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


def _leaf(net: _Network, k: int, leaf: dict, box: Box, points: list, cache: dict) -> bool:
    """Check one leaf's claim; True if it is unresolved."""
    kind, n = leaf.get("kind"), net.n
    if kind == "unresolved":
        return True
    if kind == "unique":
        j = leaf.get("point")
        require(type(j) is int and 0 <= j < len(points), f"leaf {k}: no point {j!r}")
        require(_inside(box, points[j][0]), f"leaf {k} is not inside the box of point {j}")
        return False
    require(kind == "excluded", f"leaf {k}: unknown kind {kind!r}")
    i = leaf.get("coordinate")
    require(type(i) is int and 0 <= i < n, f"leaf {k}: no coordinate {i!r}")
    proof = leaf.get("krawczyk")
    if proof is None:
        c, x, grad_c, grad, H = net.over(box)
        mean_value = grad_c[i] + sum((H[i, j] * (x[j] - c[j]) for j in range(n)), arb(0))
        require(
            any(g > 0 or g < 0 for g in (grad[i], mean_value)),
            f"leaf {k}: the gradient enclosure does not exclude 0 in coordinate {i}",
        )
        return False
    require(isinstance(proof, dict), f"leaf {k}: malformed krawczyk")
    P = _box(proof.get("box"), n, f"leaf {k} krawczyk box")
    require(_inside(box, P), f"leaf {k} is not inside its Krawczyk box")
    key = (P, str(proof.get("Y")))
    if key not in cache:
        cache[key] = net.krawczyk(P, _matrix(proof.get("Y"), n, n, f"leaf {k} Y"))[0]
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
    CheckResult(accepted=True, reason='0 critical points in the domain (0 boundary), complete; 1 leaves')
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
            cache: dict = {}
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
    status = "complete" if not unresolved else f"NOT complete ({len(unresolved)} unresolved leaves)"
    return CheckResult(
        True,
        f"{len(meets)} critical points in the domain ({boundary} boundary), {status}; {len(leaves)} leaves",
    )
