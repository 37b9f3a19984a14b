"""Classification of neural ODEs, witnesses, and ``symmorse-node/1`` certificates.

The class of ``Phi(x) = W~ phi_T(W x + b) + b~`` follows from m, n, the exact
ranks of W and W~ (python-flint) and whether the field is affine
(DESIGN section 5): ``W~ = 0`` -> constant; ``rank W = m`` -> no critical
points; affine field -> Phi affine, critical points only on a null set and
all degenerate (``fails``); ``rank W < n`` -> every critical point degenerate;
``rank W = n < m`` -> Morse for almost every weight once a witness is found.
A witness is a point of the critical bundle ``{W^T u = 0, u = Dphi_T(y)^T W~^T}``
(chosen as y, u in ker W^T, then ``W~^T = Dphi_T(y)^{-T} u``) with
``det Hess != 0``.  With a closed-form flow the witness is exact and a
certificate is written; the verdict is ``proved`` when the search's own exact
computation establishes every claim of the certificate, as the kernel will check
it (:mod:`symmorse.search.node_certificate`: expressions that print back, a
real-analytic field and flow, exact residuals, a determinant shown non-zero),
and ``undecided`` with the reason otherwise.  The independent kernel
(:mod:`symmorse.kernel.node`, not imported here) re-derives the certificate later.
Without a closed-form flow, a globally Lipschitz layer field (tanh, sigmoid,
arctan) gets a *ball witness* (:mod:`symmorse.search.node_ball`): rational weights
with one non-degenerate critical point in a Krawczyk box, proved with validated
flows and written to the certificate for the kernel to re-derive; otherwise the
witness is computed from the variational equations and labelled ``numerical``.
A verdict ranges over the weights that are not given (``free_weights``): a
given W~ is used as fixed only where its value decides the answer (W~ = 0,
or an affine field with W given too: then grad Phi is one exact constant);
the generic classes are statements about generic W~ and b.

Examples
--------
>>> c = classify_node(NeuralODE(1, "0, h1**3"))
>>> c.node_class, c.status, c.certificate["format"] == FORMAT
('augmented', 'proved', True)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import mpmath
import sympy
from flint import fmpq_mat

from ..exact.errors import ActivationError, InputError
from ..exact.limits import Deadline, TimeLimitReached
from ..exact.numbers import globally_lipschitz, rational_string, real_analytic, to_fmpq
from ..model.flows import TIME
from ..model.node import NeuralODE, expression_text, parse_matrix
from .node_ball import ball_witness
from .node_certificate import (
    FORMAT,
    UNDECIDABLE,
    NotShown,
    column_basis,
    flow_problem,
    is_identity,
    is_nonzero,
    is_zero_constant,
    witness_determinant,
    written,
    written_constants,
)

__all__ = ["FORMAT", "NodeClassification", "classify_node", "exact_rank", "classification_text"]


@dataclass(frozen=True)
class NodeClassification:
    """What symmorse can say about the critical points of a neural ODE.

    Attributes
    ----------
    node_class : {"constant", "non-augmented", "affine", "degenerate", "augmented"}
    critical_points : {"none", "generic", "null-set", "everywhere", "undecided"}
        ``generic``: critical points exist for an open set of weights;
        ``null-set``: only for a measure-zero set of weights.
    morse : {"generic", "fails", "undecided"}
        ``generic``: Morse for almost every weight (with a witness when
        critical points exist); ``fails``: every critical point of every
        weight in the class is degenerate.
    status : {"proved", "numerical", "undecided"}
        ``proved`` only when the search's exact computation established every claim
        of the certificate (which the kernel then re-checks).
    reason : str
    rank_W, rank_W_out : int
    free_weights : tuple of str
        The weights the verdict ranges over (those not fixed), from ``W, b, W_out, b_out``.
    scope : str
        The same in words, and whether a given W~ was used.
    digits : int or None
        Precision of a numerical verdict.
    certificate : dict or None
    witness : dict or None
        The witness (exact strings, or decimals for a numerical one).

    Examples
    --------
    >>> c = classify_node(NeuralODE(1, "0, h1**3"), W="1; 0")
    >>> c.node_class, c.free_weights, c.witness["y"]
    ('augmented', ('b', 'W_out', 'b_out'), ['1', '5/4'])
    """

    node_class: str
    critical_points: str
    morse: str
    status: str
    reason: str
    rank_W: int
    rank_W_out: int
    free_weights: tuple[str, ...] = ("W", "b", "W_out", "b_out")
    scope: str = ""
    digits: int | None = None
    certificate: dict | None = None
    witness: dict | None = field(default=None)

    def to_json(self) -> dict:
        """JSON-ready summary (the certificate is written separately).

        Examples
        --------
        >>> d = classify_node(NeuralODE(1, "tanh(h2), sin(h1)"), digits=15).to_json()
        >>> d["class"], d["status"]
        ('augmented', 'numerical (15 digits)')
        """
        return {
            "class": self.node_class,
            "critical_points": self.critical_points,
            "morse": self.morse,
            "status": self.status if self.status != "numerical" else f"numerical ({self.digits} digits)",
            "reason": self.reason,
            "rank_W": self.rank_W,
            "rank_W_out": self.rank_W_out,
            "free_weights": list(self.free_weights),
            "scope": self.scope,
            "witness": self.witness,
        }


def exact_rank(M: sympy.Matrix) -> int:
    """The rank of a rational matrix, computed by python-flint.

    Examples
    --------
    >>> exact_rank(sympy.Matrix([[1, 2], [2, 4], [0, 0]]))
    1
    """
    return _flint(M).rank()


def _flint(M):
    return fmpq_mat(M.rows, M.cols, [to_fmpq(v) for v in M])


def classify_node(
    node: NeuralODE,
    W: object = None,
    W_out: object = None,
    seed: int = 0,
    digits: int = 30,
    attempts: int = 6,
    numerical: bool = False,
    time_limit: float | None = None,
) -> NodeClassification:
    """Classify a neural ODE, with a witness and a checked certificate where possible.

    Parameters
    ----------
    node : NeuralODE
    W : matrix, optional
        A fixed input weight (m x n, exact); by default W is generic (full rank).
    W_out : row, optional
        An output weight.  It is used as fixed where its value decides the
        answer: W~ = 0 (Phi constant), or an affine field with W given (grad
        Phi is then one exact constant: critical points ``none`` or
        ``everywhere``).  Otherwise the verdict is about every or generic
        W~ (see ``free_weights`` and ``scope``), and a given W~ is not used.
    seed : int
        Seed of the witness search (same seed, same certificate).
    digits : int
        Precision of numerical witnesses (fields without a closed-form flow).
    attempts : int
        Random points of the critical bundle tried before answering ``undecided``.
    numerical : bool
        Use the variational equations even when a closed-form flow exists.
    time_limit : float, optional
        Seconds for the witness search; afterwards the answer is ``undecided``.

    Examples
    --------
    >>> c = classify_node(NeuralODE(1, "0, h1**3"))
    >>> c.node_class, c.critical_points, c.morse, c.status
    ('augmented', 'generic', 'generic', 'proved')
    >>> classify_node(NeuralODE(2, "h2, -h1")).critical_points
    'none'
    >>> classify_node(NeuralODE(1, "h2, -h1")).morse
    'fails'
    """
    n, m = node.n, node.m
    Wm = None if W is None else (W if isinstance(W, sympy.Matrix) else parse_matrix(W, m, n, "W"))
    Wo = (
        None
        if W_out is None
        else (W_out if isinstance(W_out, sympy.Matrix) else parse_matrix(W_out, 1, m, "W_out"))
    )
    rank_W = exact_rank(Wm) if Wm is not None else min(m, n)
    rank_out = exact_rank(Wo) if Wo is not None else 1
    base = _Base(node, Wm, Wo, rank_W, rank_out)
    if rank_out == 0 or rank_W == 0:
        base.fixed_out = rank_out == 0
        which = "W_out = 0" if rank_out == 0 else "W = 0"
        return base.structural(
            "constant",
            "everywhere",
            "fails",
            f"{which}, so Phi is constant: every x is a degenerate critical point, for all other weights",
        )
    if rank_W == m:
        return base.structural(
            "non-augmented",
            "none",
            "generic",
            f"rank W = m = {m} (m <= n): grad Phi = W^T Dphi_T(y)^T W_out^T with W^T injective, "
            "Dphi_T invertible and W_out != 0 never vanishes, for every b, W_out != 0, b_out",
        )
    if node.is_affine and Wm is not None and Wo is not None:
        return _affine_slope(base)
    if node.is_affine:
        return base.structural(
            "affine",
            "null-set",
            "fails",
            "the field is affine, so phi_T and Phi are affine: Hess Phi = 0 for every weight; "
            "grad Phi is constant and vanishes only on the null set "
            "{W^T Dphi_T^T W_out^T = 0}, where every point is a degenerate critical point. "
            "No weight gives a Morse critical point",
        )
    deadline = Deadline(time_limit)
    try:
        if node.flow is not None and not numerical:
            return _exact_witness(base, seed, attempts, deadline)
        if numerical:
            return _numerical_witness(base, seed, attempts, digits, deadline, "numerical route requested")
        proved, why = _ball_witness(base, seed, attempts, deadline)
        if proved is not None:
            return proved
        return _numerical_witness(base, seed, attempts, digits, deadline, f"no closed-form flow, and {why}")
    except TimeLimitReached as exc:
        return base.result(base.kind(), "undecided", base.morse_claim(), "undecided", f"{exc}")


class _Base:
    """Shared data of one classification and the certificate skeleton."""

    def __init__(self, node, W, W_out, rank_W, rank_out):
        self.node, self.W, self.W_out, self.rank_W, self.rank_out = node, W, W_out, rank_W, rank_out
        self.fixed_out = False  # whether the verdict is about the given W_out (set before the skeleton)
        self._ode = None  # (field, flow) as the certificate states them, or the reason they are not shown

    def free_weights(self):
        fixed = {"W": self.W is not None, "W_out": self.fixed_out}
        return tuple(name for name in ("W", "b", "W_out", "b_out") if not fixed.get(name, False))

    def scope(self, cls):
        free = self.free_weights()
        fixed = [name for name in ("W", "W_out") if name not in free]
        text = f"fixed: {', '.join(fixed) or 'none'}; the verdict ranges over {', '.join(free)}"
        if self.W is None:
            text += f" (W generic, of rank {self.rank_W})"
        if self.W_out is not None and not self.fixed_out:
            if cls in ("constant", "non-augmented"):
                text += "; the given W_out is covered: the verdict holds for every W_out"
            else:
                text += (
                    f"; the given W_out is NOT used: the verdict is about generic ({', '.join(free)}), not "
                    "about this W_out (for it, try --critical-points, numerical)"
                )
        return text

    def kind(self):
        return "degenerate" if self.rank_W < self.node.n else "augmented"

    def morse_claim(self):
        return "fails" if self.kind() == "degenerate" else "undecided"

    def degenerate_reason(self):
        r, n = self.rank_W, self.node.n
        return (
            f"rank W = {r} < n = {n}: Phi(x) = G(W x + b) is constant along ker W, so every critical point "
            f"lies in an {n - r}-dimensional affine family of critical points and is degenerate "
            f"(Hess Phi = W^T H W has rank <= {r})"
        )

    def skeleton(self, cls, critical, morse, witness=None):
        node = self.node
        return {
            "format": FORMAT,
            "kind": "classification",
            "n": node.n,
            "m": node.m,
            "T": rational_string(node.T),
            "field": [expression_text(f) for f in node.field],
            "flow": None if node.flow is None else [expression_text(p) for p in node.flow.expressions],
            "W": None if self.W is None else _rows(self.W),
            "W_out": _rows(self.W_out)[0] if self.fixed_out else None,
            "claims": {
                "rank_W": self.rank_W,
                "rank_W_out": self.rank_out,
                "free_weights": list(self.free_weights()),
            },
            "verdict": {"class": cls, "critical_points": critical, "morse": morse},
            "witness": witness,
        }

    def result(self, cls, critical, morse, status, reason, **extra):
        return NodeClassification(
            cls,
            critical,
            morse,
            status,
            reason,
            self.rank_W,
            self.rank_out,
            self.free_weights(),
            self.scope(cls),
            **extra,
        )

    def structural(self, cls, critical, morse, reason, check=None):
        """The verdict proved by the class's structure, if the certificate's claims are shown; else undecided.

        ``check(field, flow)`` (optional) raises NotShown for a further claim of the class.
        """
        cert = self.skeleton(cls, critical, morse)
        problem = self.claim_problem(cls, check)
        if problem is not None:
            return self.result(cls, critical, morse, "undecided", f"{reason} (not certified: {problem})")
        return self.result(cls, critical, morse, "proved", reason, certificate=cert)

    # -- the conditions of the certificate, shown by the search's own exact code ----------------

    def ode(self):
        """The field and the flow as the certificate writes them (read back), once their claims are shown.

        Raises NotShown if n is too large for the format, an expression does not print
        back (as itself, for the field), the flow is not shown to solve the field, or the
        field is not real-analytic.
        """
        if self._ode is None:
            try:
                self._ode = (self._written_ode(), None)
            except NotShown as exc:
                self._ode = (None, str(exc))
            except UNDECIDABLE as exc:
                self._ode = (None, _undecidable(exc))
        ode, problem = self._ode
        if problem is not None:
            raise NotShown(problem)
        return ode

    def _written_ode(self):
        node = self.node
        if node.n > 100:
            raise NotShown(f"a {FORMAT} certificate takes input widths n <= 100, not n = {node.n}")
        field = written(node.field, node.h, "field")
        for i, (f, g) in enumerate(zip(field, node.field), 1):
            if f != g and not is_identity(f - g):
                raise NotShown(f"field component {i} does not print back as itself")
        flow = None
        if node.flow is not None:
            flow = written(node.flow.expressions, [*node.h, TIME], "flow")
            problem = flow_problem(field, flow, node.h)
            if problem is not None:
                raise NotShown(problem)
        if not all(real_analytic(f) for f in field):
            raise NotShown("the field is not built from real-analytic functions (needed for a C^1 flow)")
        return field, flow

    def claim_problem(self, cls, check=None):
        """Why the certificate of a structural class is not shown, or None."""
        try:
            field, flow = self.ode()
            if cls in ("constant", "non-augmented", "degenerate"):
                _global_phi(cls, field, flow, self.node.h)
            if cls == "affine":
                h = self.node.h
                for i, f in enumerate(field, 1):
                    for a in h:
                        for b in h:
                            if not is_identity(sympy.diff(f, a, b)):
                                raise NotShown(f"field component {i} is not affine (d^2 f_{i}/d{a}d{b} != 0)")
            if check is not None:
                check(field, flow)
        except NotShown as exc:
            return str(exc)
        except UNDECIDABLE as exc:
            return _undecidable(exc)
        return None

    def witness_reason(self, cls, W, y, u, w_out_texts):
        """The proof a witness gives, once every claim about it is shown; raises NotShown otherwise."""
        try:
            _, flow = self.ode()
            if flow is None:
                raise NotShown("a witness needs the closed-form flow")
            _global(flow)
            w_out = written_constants(w_out_texts, "witness W_out")
            det = witness_determinant(flow, self.node.h, self.node.T, W, y, u, w_out)
        except UNDECIDABLE as exc:
            raise NotShown(_undecidable(exc)) from None
        shown = det if det.is_Rational else sympy.N(det, 15)
        over = ", ".join(self.free_weights())
        if cls == "degenerate":
            r, n = self.rank_W, self.node.n
            return (
                f"rank W = {r} < n = {n}: Phi(x) = G(W x + b) is constant along ker W and "
                f"Hess Phi = W^T H W has rank <= {r}, so every critical point is degenerate and lies in "
                f"an affine family of critical points of dimension >= {n - r}; "
                f"witness: with U a basis of the image of W, the reduced map s -> G(U s + b) has at s = 0, "
                f"b = y a critical point (U^T u = 0) with det(U^T H U) = {shown} != 0, which persists for an "
                f"open set of (b, W_out): there Phi has degenerate critical points (statement over {over})"
            )
        return (
            f"witness: at x = 0, b = y, grad Phi = W^T u = 0 and det Hess Phi = {shown} != 0. det Hess is "
            "analytic on the connected critical bundle {W^T u = 0}, so it vanishes only on a null set: "
            f"critical points exist for an open set of ({over}) and are non-degenerate for almost every "
            f"({over})"
        )


def _global(flow):
    """A flow real-analytic on all of R^(m+1) exists for all time from every start point."""
    if not all(real_analytic(p) for p in flow):
        raise NotShown("the flow is not real-analytic on all of R^(m+1), so it is not shown to be global")


def _global_phi(cls, field, flow, h):
    """phi_T exists on all of R^m up to time T: a closed-form flow real-analytic on all of R^(m+1),
    or an affine field; else NotShown (the kernel asks the same of these classes)."""
    if flow is not None and all(real_analytic(p) for p in flow):
        return
    hs = set(h)
    affine = all(not (sympy.diff(f, a).free_symbols & hs) for f in field for a in h)
    if affine or globally_lipschitz(field, h):
        return
    raise NotShown(
        f"class {cls} speaks of phi_T on all of R^m, but the flow is not shown to exist for all start "
        "points up to time T (a closed-form flow real-analytic on all of R^(m+1), an affine field or a "
        "globally Lipschitz layer field is needed): a field such as h^2 blows up in finite time"
    )


def _undecidable(exc):
    return f"a claim could not be checked ({type(exc).__name__}: {exc})"


def _affine_slope(base):
    """Affine field, W and W_out given: grad Phi = W^T Dphi_T^T W_out^T is one exact constant."""
    node = base.node
    base.fixed_out = True
    if node.flow is None:
        return base.result(
            "affine",
            "undecided",
            "undecided",
            "undecided",
            "the field is affine but its flow has no closed form here, so grad Phi = W^T Dphi_T^T W_out^T "
            "(a constant) is not computed exactly",
        )
    _, D, _ = node.derivatives_at([0] * node.m)
    slope = [sympy.simplify(g) for g in base.W.T * D.T * base.W_out.T]
    shown = ", ".join(map(str, slope))
    everywhere = all(g == 0 for g in slope)

    def check(field, flow):
        """The slope from the written flow: exactly 0 (everywhere), or one component shown non-zero (none)."""
        if flow is None:
            raise NotShown("the verdict for fixed W and W_out needs the closed-form flow")
        _global(flow)
        D = sympy.Matrix(flow).jacobian(node.h).xreplace({TIME: node.T})
        if D.free_symbols:
            raise NotShown("Dphi_T of the flow is not constant, although the field is affine")
        exact = base.W.T * D.T * base.W_out.T
        if everywhere:
            for i, g in enumerate(exact, 1):
                if not is_zero_constant(g):
                    raise NotShown(
                        f"grad Phi = W^T Dphi_T^T W_out^T is not shown to vanish (component {i}: {g})"
                    )
        elif not any(is_nonzero(g) for g in exact):
            raise NotShown("grad Phi = W^T Dphi_T^T W_out^T is not shown to be non-zero")

    if everywhere:
        return base.structural(
            "affine",
            "everywhere",
            "fails",
            f"the field is affine and grad Phi = W^T Dphi_T^T W_out^T = ({shown}) = 0: for these W and W_out "
            "Phi is constant for every b, b_out, so every point is a degenerate critical point",
            check,
        )
    return base.structural(
        "affine",
        "none",
        "generic",
        f"the field is affine, so grad Phi = W^T Dphi_T^T W_out^T = ({shown}) is constant; it is not 0, so "
        "for these W and W_out Phi has no critical points, for every b, b_out",
        check,
    )


def _bundle_point(base, rng):
    """A random W (if not fixed), y and u in ker W^T \\ 0, all rational."""
    n, m = base.node.n, base.node.m
    W = base.W
    while W is None:
        candidate = sympy.Matrix(m, n, lambda i, j: rng.randint(-3, 3))
        W = candidate if exact_rank(candidate) == n else None
    kernel = W.T.nullspace()
    u = sympy.zeros(m, 1)
    while u == sympy.zeros(m, 1):
        u = sum((rng.randint(-3, 3) * v for v in kernel), sympy.zeros(m, 1))
        u = u * sympy.lcm([sympy.fraction(e)[1] for e in u])  # clear denominators
    y = [sympy.Rational(rng.randint(-8, 8), 4) for _ in range(m)]
    return W, y, u


def _exact_witness(base, seed, attempts, deadline):
    node, rng = base.node, random.Random(seed)
    cls, critical = base.kind(), "generic"
    morse = "fails" if cls == "degenerate" else "generic"
    last = "no attempt"
    for _ in range(attempts):
        deadline.check("witness search")
        W, y, u = _bundle_point(base, rng)
        _, D, D2 = node.derivatives_at(y)
        w_out = [sympy.simplify(v) for v in D.T.LUsolve(u)]
        H = sum((wi * Hi for wi, Hi in zip(w_out, D2)), sympy.zeros(node.m, node.m))
        U = column_basis(W)
        det = sympy.simplify((U.T * H * U).det(method="berkowitz"))
        if det == 0 or abs(sympy.N(det, 30)) < sympy.Rational(1, 10**25):
            last = f"det Hess = 0 at y = {y}, u = {list(u)}"
            continue
        witness = {
            "y": [rational_string(v) for v in y],
            "u": [rational_string(v) for v in u],
            "W_out": [expression_text(v) for v in w_out],
        }
        if base.W is None:
            witness["W"] = _rows(W)
        cert = base.skeleton(cls, critical, morse, witness)
        try:
            reason = base.witness_reason(cls, W, y, u, witness["W_out"])
        except NotShown as exc:
            last = f"the witness is not certified: {exc}"
            continue
        shown = {**witness, "det_hessian": str(det)}
        return base.result(cls, critical, morse, "proved", reason, certificate=cert, witness=shown)
    reason = (
        f"no witness with det Hess != 0 in {attempts} random points of the critical bundle "
        f"(last: {last}); the field may be too flat"
    )
    if cls == "degenerate":
        return base.structural(
            cls, "undecided", "fails", base.degenerate_reason() + "; existence undecided: " + reason
        )
    return base.result(cls, "undecided", "undecided", "undecided", reason)


def _ball_witness(base, seed, attempts, deadline):
    """A witness proved by validated flows (:mod:`symmorse.search.node_ball`), or (None, why not)."""
    node, rng = base.node, random.Random(seed)
    cls = base.kind()
    morse = "fails" if cls == "degenerate" else "generic"
    try:
        field, _ = base.ode()
        _global_phi(cls, field, None, node.h)
        flow_field = node.flow_field()
    except NotShown as exc:
        return None, f"no ball witness: {exc}"
    except (InputError, ActivationError) as exc:
        return None, f"no ball witness (validated flows take tanh, sigmoid or arctan layers): {exc}"
    last = "no attempt"
    for _ in range(attempts):
        deadline.check("witness search")
        W, y, u = _bundle_point(base, rng)
        U = column_basis(W)
        try:
            ball = ball_witness(
                flow_field,
                to_fmpq(node.T),
                [[to_fmpq(v) for v in U.row(i)] for i in range(U.rows)],
                [to_fmpq(v) for v in y],
                [to_fmpq(v) for v in u],
            )
        except NotShown as exc:
            last = str(exc)
            continue
        witness = {
            "y": [rational_string(v) for v in y],
            "W_out": [rational_string(v) for v in ball.w_out],
            "ball": ball.to_json(),
        }
        if base.W is None:
            witness["W"] = _rows(W)
        cert = base.skeleton(cls, "generic", morse, witness)
        if node.layers is not None:
            cert["layer_field"] = {**node.layers.to_json(), "activation": flow_field.activation}
        over = ", ".join(base.free_weights())
        box = " x ".join(f"[{lo}, {hi}]" for lo, hi in ball.box)
        found = (
            f"ball witness (validated flows, C^2 Lohner at {ball.prec} bits): for W, b = y and the rational "
            f"W_out = {witness['W_out']}, the reduced gradient s -> U^T Dphi_T(y + U s)^T W_out^T has "
            f"exactly one zero s* in the box {box} (Krawczyk test), where det(U^T H U) is in {ball.det} != 0 "
            f"(Morse index {ball.index})"
        )
        if cls == "degenerate":
            reason = (
                f"{base.degenerate_reason()}; {found}: a critical point of the reduced map s -> G(U s + b) "
                f"with det(U^T H U) != 0, which persists for an open set of (b, W_out): there Phi has "
                f"degenerate critical points (statement over {over})"
            )
        else:
            reason = (
                f"{found}, so x* = s* is a non-degenerate critical point of Phi. It persists for an open set "
                f"of ({over}) (implicit function theorem), and det Hess, analytic on the connected critical "
                f"bundle {{W^T u = 0}}, vanishes only on a null set: critical points exist for an open set "
                f"of ({over}) and are non-degenerate for almost every ({over})"
            )
        shown = {**witness, "det_hessian": str(ball.det), "index": ball.index}
        return base.result(cls, "generic", morse, "proved", reason, certificate=cert, witness=shown), ""
    return None, f"no ball witness in {attempts} points of the critical bundle (last: {last})"


def _numerical_witness(base, seed, attempts, digits, deadline, why):
    node, rng = base.node, random.Random(seed)
    cls = base.kind()
    last = "no attempt"
    with mpmath.workdps(digits + 10):
        for _ in range(attempts):
            deadline.check("witness search")
            W, y, u = _bundle_point(base, rng)
            var = node.variations(y, digits, integrate=True)
            w_out = mpmath.lu_solve(var.jacobian.T, mpmath.matrix([mpmath.mpf(int(v)) for v in u]))
            H = mpmath.matrix(node.m, node.m)
            for i in range(node.m):
                H += w_out[i] * var.hessians[i]
            U = column_basis(W)
            Um = mpmath.matrix([[mpmath.mpf(v.p) / v.q for v in U.row(i)] for i in range(U.rows)])
            det = mpmath.det(Um.T * H * Um)
            if abs(det) < mpmath.mpf(10) ** (-(digits // 2)):
                last = f"det Hess = {mpmath.nstr(det, 5)} at y = {y}"
                continue
            witness = {
                "y": [rational_string(v) for v in y],
                "u": [rational_string(v) for v in u],
                "W_out": [mpmath.nstr(v, digits) for v in w_out],
                "det_hessian": mpmath.nstr(det, digits),
            }
            if base.W is None:
                witness["W"] = _rows(W)
            reason = (
                f"{why}: at a point of the critical bundle the variational equations give "
                f"det Hess = {mpmath.nstr(det, 12)} (to about {digits} digits), so critical points "
                "exist for an open set of weights and are non-degenerate for almost every weight, "
                "numerically (not proved)"
            )
            if cls == "degenerate":
                return base.result(
                    cls,
                    "generic",
                    "fails",
                    "numerical",
                    base.degenerate_reason() + "; " + reason,
                    digits=digits,
                    witness=witness,
                )
            return base.result(cls, "generic", "generic", "numerical", reason, digits=digits, witness=witness)
    reason = (
        f"numerically det Hess ~ 0 at {attempts} random points of the critical bundle (last: {last}); "
        "the field may be too flat"
    )
    if cls == "degenerate":
        return base.structural(
            cls, "undecided", "fails", base.degenerate_reason() + "; existence undecided: " + reason
        )
    return base.result(cls, "undecided", "undecided", "undecided", reason, digits=digits)


def _rows(M):
    return [[rational_string(v) for v in M.row(i)] for i in range(M.rows)]


def classification_text(node: NeuralODE, c: NodeClassification) -> str:
    """A short human-readable report of a classification.

    Examples
    --------
    >>> node = NeuralODE(2, "h2, -h1")
    >>> print(classification_text(node, classify_node(node)).splitlines()[1])
    class: non-augmented   critical points: none   Morse: generic   status: proved
    """
    status = c.status if c.status != "numerical" else f"numerical ({c.digits} digits)"
    lines = [
        node.describe(),
        f"class: {c.node_class}   critical points: {c.critical_points}   Morse: {c.morse}   status: {status}",
        f"scope: {c.scope}",
        f"rank W = {c.rank_W}, rank W_out = {c.rank_W_out}"
        + (
            ""
            if node.flow is None
            else f"; flow ({node.flow.method}): " + ", ".join(str(p) for p in node.flow.expressions)
        ),
        f"reason: {c.reason}",
    ]
    if c.witness:
        lines.append(
            "witness (a point of weight space, b = y): "
            + ", ".join(f"{k} = {v}" for k, v in c.witness.items())
        )
    return "\n".join(lines)
