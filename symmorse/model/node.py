"""Neural ODEs ``Phi(x) = W~ phi_T(W x + b) + b~``: the model, its weights and its derivatives.

A :class:`NeuralODE` has input width n, phase space R^m, a vector field
``h' = f(h)`` (whitelisted expressions in ``h1..hm``, or layers
``h' = V sigma(A h + c)``) and a final time T > 0.  This module's one job is that
map: the field, the weights (:class:`NodeWeights`), and Phi with its gradient
``grad Phi = W^T Dphi_T(y)^T W~^T`` and Hessian
``Hess Phi = W^T (sum_i W~_i D^2phi_{T,i}(y)) W`` at ``y = W x + b``.  These are
exact when the flow ``phi_t`` has a closed form (found or checked by
:mod:`symmorse.model.flows`); otherwise they come from the variational equations
in mpmath (:mod:`symmorse.model.variational`) and are numerical.  Classifying the
critical points and finding them is the search's job
(:mod:`symmorse.search.node_classify`, :mod:`symmorse.search.node_critical`).

References
----------
.. [1] Kuehn, Kuntz. Analysis of the Geometric Structure of Neural Networks and
   Neural ODEs via Morse Functions. arXiv:2405.09351, section on neural ODEs.

Examples
--------
>>> node = NeuralODE(1, "0, h1**2", time=1)
>>> node.output(node.weights(W="1; 0", W_out="0, 1"))
x1**2
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import mpmath
import sympy
from sympy.printing.str import StrPrinter

from ..exact.errors import ExpressionError, InputError, WeightsError
from ..exact.expressions import parse_expression, split_components
from ..exact.numbers import rational_string, to_rational
from ..exact.taylor_fields import MAX_PHASE_DIM, FlowField, LayerFlowField, PolynomialFlowField
from .activations import get_activation
from .flows import TIME, Flow, affine_parts, closed_form_flow, user_flow
from .flows import vanishes as vanishes  # re-exported: symmorse.search.embedding imports it from here
from .variational import FlowVariations, flow_with_variations

__all__ = [
    "phase_symbols",
    "input_symbols",
    "parse_matrix",
    "LayerField",
    "layer_field",
    "expression_text",
    "NodeWeights",
    "NodeEvaluation",
    "NeuralODE",
    "exact_value",
    "mp_value",
]

def phase_symbols(m: int) -> list[sympy.Symbol]:
    """The phase-space coordinates ``h1, ..., hm`` (real symbols).

    Examples
    --------
    >>> phase_symbols(3)
    [h1, h2, h3]
    """
    return [sympy.Symbol(f"h{i}", real=True) for i in range(1, m + 1)]


def input_symbols(n: int) -> list[sympy.Symbol]:
    """The inputs ``x1, ..., xn`` (real symbols).

    Examples
    --------
    >>> input_symbols(2)
    [x1, x2]
    """
    return [sympy.Symbol(f"x{i}", real=True) for i in range(1, n + 1)]


def parse_matrix(value: object, rows: int | None, cols: int | None, what: str) -> sympy.Matrix:
    """An exact rational matrix from ``"1,0;0,1"`` (rows split by ``;``) or nested lists.

    ``rows``/``cols`` of None accept any size.  A flat list or a text without
    ``;`` is read as one row.

    Raises
    ------
    WeightsError
        On non-numbers or a shape other than rows x cols.

    Examples
    --------
    >>> parse_matrix("1, -1/2; 0, 0.25", 2, 2, "W")
    Matrix([
    [1, -1/2],
    [0,  1/4]])
    """
    if isinstance(value, str):
        data: list = [r.split(",") for r in value.split(";")]
    elif (
        isinstance(value, Sequence)
        and value
        and all(isinstance(r, Sequence) and not isinstance(r, str) for r in value)
    ):
        data = [list(r) for r in value]
    elif isinstance(value, Sequence) and not isinstance(value, str):
        data = [list(value)]
    else:
        raise WeightsError(f"{what}: expected a matrix such as '1,0;0,1' or [[1, 0], [0, 1]]")
    entries = [
        [to_rational(v, f"{what}[{i + 1}][{j + 1}]") for j, v in enumerate(r)] for i, r in enumerate(data)
    ]
    if not entries or any(len(r) != len(entries[0]) for r in entries) or not entries[0]:
        raise WeightsError(f"{what}: rows of different lengths (or empty)")
    shape = (len(entries), len(entries[0]))
    if (rows is not None and shape[0] != rows) or (cols is not None and shape[1] != cols):
        want = f"{rows if rows is not None else 'any'} x {cols if cols is not None else 'any'}"
        raise WeightsError(f"{what} must be {want}, got {shape[0]} x {shape[1]}")
    return sympy.Matrix(entries)


# -- vector fields given by layers ------------------------------------------------------


@dataclass(frozen=True)
class LayerField:
    """The vector field ``f(h) = V sigma(A h + c)`` with exact weights.

    Attributes
    ----------
    A : k x m matrix;  V : m x k matrix;  c : k-vector;  activation : name.

    Examples
    --------
    >>> f = layer_field({"A": [[1, 0]], "V": [[1], [-2]], "c": ["1/2"]})
    >>> f.m, f.expressions(phase_symbols(2))
    (2, [tanh(h1 + 1/2), -2*tanh(h1 + 1/2)])
    """

    A: sympy.Matrix
    V: sympy.Matrix
    c: sympy.Matrix
    activation: str

    @property
    def m(self) -> int:
        """Phase-space dimension.

        Examples
        --------
        >>> layer_field({"A": [[1, 0, 2]], "V": [[1], [0], [1]]}).m
        3
        """
        return self.A.cols

    def expressions(self, h: Sequence[sympy.Symbol]) -> list[sympy.Expr]:
        """``f(h)`` componentwise.

        Examples
        --------
        >>> layer_field({"A": [[2]], "V": [[-1]], "c": [0]}).expressions(phase_symbols(1))
        [-tanh(2*h1)]
        """
        sigma = get_activation(self.activation)
        z = self.A * sympy.Matrix(h) + self.c
        s = sympy.Matrix([sigma(zi) for zi in z])
        return list(self.V * s)

    def flow_field(self) -> LayerFlowField:
        """The field in ball arithmetic, for the validated integrator (:mod:`symmorse.exact.validated_flow`).

        Raises
        ------
        ActivationError
            For an activation without Taylor recurrences (silu, gelu, ``poly:``...).

        Examples
        --------
        >>> layer_field({"A": [[2]], "V": [[-1]], "activation": "atan"}).flow_field()
        LayerFlowField(m=1, k=1, activation='arctan')
        """
        return LayerFlowField(self.A, self.V, list(self.c), self.activation)

    def to_json(self) -> dict:
        """JSON-ready form with rational strings.

        Examples
        --------
        >>> layer_field({"A": [[2]], "V": [["-1/2"]]}).to_json()
        {'A': [['2']], 'V': [['-1/2']], 'c': ['0'], 'activation': 'tanh'}
        """

        def rows(M):
            return [[rational_string(v) for v in M.row(i)] for i in range(M.rows)]

        return {
            "A": rows(self.A),
            "V": rows(self.V),
            "c": [rational_string(v) for v in self.c],
            "activation": self.activation,
        }


def layer_field(data: Mapping) -> LayerField:
    """Read ``{"A": [[...]], "V": [[...]], "c": [...], "activation": "tanh"}`` (activation optional).

    Raises
    ------
    InputError
        On missing keys or shapes that do not fit (A is k x m, V is m x k, c has k entries).

    Examples
    --------
    >>> layer_field({"A": [[1, 0]], "V": [[1], [2]], "c": [0]}).m
    2
    """
    if not isinstance(data, Mapping) or not {"A", "V"} <= set(data):
        raise InputError('a layered vector field needs {"A": [[...]], "V": [[...]], "c": [...]}')
    unknown = set(data) - {"A", "V", "c", "activation"}
    if unknown:
        raise InputError(f"layered vector field: unknown keys {sorted(unknown)}")
    A = parse_matrix(data["A"], None, None, "field A")
    k, m = A.shape
    V = parse_matrix(data["V"], m, k, "field V")
    c = parse_matrix(data.get("c", [0] * k), 1, k, "field c").T
    activation = data.get("activation", "tanh")
    get_activation(activation)  # validates the name
    return LayerField(A, V, c, activation)


class _TextPrinter(StrPrinter):
    """SymPy's str, with ``abs`` spelled as the whitelisted parser reads it."""

    def _print_Abs(self, expr):
        return f"abs({self._print(expr.args[0])})"


def expression_text(expr: sympy.Expr) -> str:
    """An expression as text that :func:`~symmorse.exact.expressions.parse_expression` reads back.

    Examples
    --------
    >>> expression_text(sympy.Abs(phase_symbols(1)[0]) / 2)
    'abs(h1)/2'
    """
    return _TextPrinter().doprint(expr)


# -- weights ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeWeights:
    """Exact weights of a neural ODE: W (m x n), b (m), W~ (1 x m), b~ (see :meth:`NeuralODE.weights`).

    Examples
    --------
    >>> w = NeuralODE(1, "0, h1").weights(W="2; 0", b="1/2, 0")
    >>> w.W.T, w.b.T, w.W_out, w.b_out
    (Matrix([[2, 0]]), Matrix([[1/2, 0]]), Matrix([[0, 1]]), 0)
    """

    W: sympy.Matrix
    b: sympy.Matrix
    W_out: sympy.Matrix
    b_out: sympy.Rational

    def to_json(self) -> dict:
        """JSON-ready form with rational strings.

        Examples
        --------
        >>> NeuralODE(1, "0, h1").weights(b="1/2, 0").to_json()
        {'W': [['1'], ['0']], 'b': ['1/2', '0'], 'W_out': ['0', '1'], 'b_out': '0'}
        """
        return {
            "W": [[rational_string(v) for v in self.W.row(i)] for i in range(self.W.rows)],
            "b": [rational_string(v) for v in self.b],
            "W_out": [rational_string(v) for v in self.W_out],
            "b_out": rational_string(self.b_out),
        }


# -- the model --------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeEvaluation:
    """Phi, grad Phi and Hess Phi at one input, as mpmath numbers (``digits`` digits).

    ``exact_flow`` says whether they come from the closed-form flow (else from the
    variational equations).

    Examples
    --------
    >>> node = NeuralODE(1, "0, h1**2")
    >>> e = node.evaluate([3], node.weights(), 15)
    >>> e.value, e.gradient, e.exact_flow
    (mpf('9.0'), [mpf('6.0')], True)
    """

    value: mpmath.mpf
    gradient: list
    hessian: mpmath.matrix
    digits: int
    exact_flow: bool


class NeuralODE:
    """A neural ODE ``Phi(x) = W~ phi_T(W x + b) + b~`` with input width n and phase space R^m.

    Parameters
    ----------
    inputs : int
        The input width n.
    field : str, sequence of str/Expr, or LayerField
        The vector field: ``"h2, -h1"`` (one expression per phase coordinate,
        in ``h1..hm``; m is their number), a list of such expressions, or
        layers ``V sigma(A h + c)``.
    time : number
        The final time T > 0 (exact: ``"1/2"``, ``0.5`` ...).
    flow : str or sequence, optional
        A closed-form flow ``phi_t(h)`` in ``h1..hm`` and ``t``; it is checked
        symbolically against the ODE and rejected if the check fails.

    Raises
    ------
    InputError
        For n < 1, T <= 0, unparsable or unknown-symbol expressions, a flow
        of the wrong length or one that does not solve the ODE.

    Examples
    --------
    >>> node = NeuralODE(1, "0, h1**2", time=1)
    >>> node.m, node.flow.expressions
    (2, (h1, h1**2*t + h2))
    >>> w = node.weights(W="1; 0", b="0, 0", W_out="0, 1")
    >>> node.output(w)
    x1**2
    """

    def __init__(
        self,
        inputs: int,
        field: str | Sequence[str | sympy.Expr] | LayerField,
        time: object = 1,
        flow: str | Sequence[str | sympy.Expr] | None = None,
    ) -> None:
        if isinstance(inputs, bool) or not isinstance(inputs, int) or inputs < 1:
            raise InputError(f"the input width n must be a positive integer, got {inputs!r}")
        self.n = inputs
        self.layers = field if isinstance(field, LayerField) else None
        if self.layers is not None:
            m = self.layers.m
        else:
            texts = split_components(field) if isinstance(field, str) else list(field)
            m = len(texts)
        if not 1 <= m <= MAX_PHASE_DIM:
            raise InputError(f"the phase space must have dimension 1..{MAX_PHASE_DIM}, got {m}")
        self.m = m
        self.h = phase_symbols(m)
        if self.layers is not None:
            self.field = tuple(self.layers.expressions(self.h))
        else:
            self.field = tuple(
                self._parse(f, self.h, f"vector field component {i}") for i, f in enumerate(texts, 1)
            )
        T = time if isinstance(time, sympy.Rational) else _time(time)
        if T <= 0:
            raise InputError(f"the final time T must be positive, got T = {T}")
        self.T = T
        self._user_flow = flow

    @staticmethod
    def _parse(value, variables, what):
        if isinstance(value, sympy.Expr):
            unknown = value.free_symbols - set(variables)
            if unknown:
                raise ExpressionError(f"{what}: unknown symbols {sorted(map(str, unknown))}")
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return to_rational(value, what)
        return parse_expression(str(value) if not isinstance(value, str) else value, variables, what=what)

    @property
    def augmented(self) -> bool:
        """Whether the phase space is wider than the input (m > n).

        Examples
        --------
        >>> NeuralODE(1, "0, h1").augmented, NeuralODE(2, "0, h1").augmented
        (True, False)
        """
        return self.m > self.n

    @functools.cached_property
    def is_affine(self) -> bool:
        """Whether the field is affine (then the flow and Phi are affine).

        Examples
        --------
        >>> NeuralODE(1, "h2 + 1, -h1").is_affine, NeuralODE(1, "0, h1**2").is_affine
        (True, False)
        """
        return affine_parts(self.field, self.h) is not None

    def flow_field(self) -> FlowField:
        """The field in ball arithmetic, for the validated integrator (:mod:`symmorse.exact.validated_flow`):
        its layers, or its expressions when they are polynomial with rational coefficients.

        Raises
        ------
        InputError
            For a field that is neither (e.g. ``sin(h1)`` not given as layers).

        Examples
        --------
        >>> NeuralODE(1, "h2, -h1**3").flow_field()
        PolynomialFlowField('h2, -h1**3')
        """
        if self.layers is not None:
            return self.layers.flow_field()
        return PolynomialFlowField(list(self.field))

    @functools.cached_property
    def flow(self) -> Flow | None:
        """The closed-form flow (user-given and checked, or derived), or None.

        Raises
        ------
        InputError
            If a user-given flow has the wrong length, does not solve the ODE or is
            not real-analytic everywhere (see :func:`~symmorse.model.flows.user_flow`).

        Examples
        --------
        >>> NeuralODE(1, "h2, -h1").flow.method
        'matrix exponential (affine field)'
        >>> NeuralODE(1, "h2**2, h1**2").flow is None
        True
        """
        if self._user_flow is None:
            return closed_form_flow(self.field, self.h)
        texts = (
            split_components(self._user_flow, "flow") if isinstance(self._user_flow, str) else self._user_flow
        )
        if not isinstance(texts, Sequence) or len(texts) != self.m:
            raise InputError(f"the flow must have {self.m} components, like the field")
        exprs = [self._parse(p, [*self.h, TIME], f"flow component {i}") for i, p in enumerate(texts, 1)]
        return user_flow(self.field, exprs, self.h)

    def describe(self) -> str:
        """One line: widths, field and time.

        Examples
        --------
        >>> NeuralODE(1, "0, h1**3", time="1/2").describe()
        "neural ODE n = 1, m = 2, h' = (0, h1**3), T = 1/2"
        """
        field = ", ".join(map(str, self.field))
        return f"neural ODE n = {self.n}, m = {self.m}, h' = ({field}), T = {self.T}"

    def weights(
        self, W: object = None, b: object = None, W_out: object = None, b_out: object = 0
    ) -> NodeWeights:
        """Exact weights with shapes checked; W defaults to [I; 0] (or [I 0]), b to 0, W~ to (0..0, 1).

        Examples
        --------
        >>> NeuralODE(1, "0, h1").weights(W="2; 0").W_out
        Matrix([[0, 1]])
        """
        n, m = self.n, self.m
        Wm = sympy.eye(m, n) if W is None else parse_matrix(W, m, n, "W")
        bm = sympy.zeros(m, 1) if b is None else parse_matrix(b, 1, m, "b").T
        if W_out is None:
            Wo = sympy.zeros(1, m)
            Wo[m - 1] = 1
        else:
            Wo = parse_matrix(W_out, 1, m, "W_out")
        return NodeWeights(Wm, bm, Wo, to_rational(b_out, "b_out"))

    # -- exact derivatives through the flow ------------------------------------------

    @functools.cached_property
    def _flow_derivatives(self):
        phi = sympy.Matrix(self.flow.expressions).xreplace({TIME: self.T})
        D = phi.jacobian(self.h)
        D2 = [sympy.hessian(p, self.h) for p in phi]
        return phi, D, D2

    def derivatives_at(self, y: Sequence[object]) -> tuple[sympy.Matrix, sympy.Matrix, list[sympy.Matrix]]:
        """Exact ``(phi_T(y), Dphi_T(y), [D^2phi_{T,i}(y)])`` from the closed-form flow.

        Raises
        ------
        InputError
            If there is no closed-form flow.

        Examples
        --------
        >>> phi, D, D2 = NeuralODE(1, "0, h1**2").derivatives_at([2, 0])
        >>> list(phi), D.tolist(), D2[1].tolist()
        ([2, 4], [[1, 0], [4, 1]], [[2, 0], [0, 0]])
        """
        if self.flow is None:
            raise InputError(f"no closed-form flow is known for {self.describe()}")
        at = {hi: exact_value(v, f"y[{i}]") for i, (hi, v) in enumerate(zip(self.h, y), 1)}
        phi, D, D2 = self._flow_derivatives
        return phi.xreplace(at), D.xreplace(at), [H.xreplace(at) for H in D2]

    def output(self, weights: NodeWeights) -> sympy.Expr:
        """``Phi(x)`` as an exact expression in ``x1..xn`` (needs a closed-form flow).

        Raises
        ------
        InputError
            If there is no closed-form flow.

        Examples
        --------
        >>> node = NeuralODE(1, "-h1, h1")
        >>> node.output(node.weights(W_out="1, 0"))
        x1*exp(-1)
        """
        if self.flow is None:
            raise InputError(f"no closed-form flow is known for {self.describe()}")
        y = weights.W * sympy.Matrix(input_symbols(self.n)) + weights.b
        at = dict(zip(self.h, y))
        at[TIME] = self.T
        phi = sympy.Matrix([p.xreplace(at) for p in self.flow.expressions])
        return sympy.expand((weights.W_out * phi)[0] + weights.b_out)

    # -- numerics ----------------------------------------------------------------------

    @functools.cached_property
    def _numeric_flow(self):
        phi, D, D2 = self._flow_derivatives
        return sympy.lambdify([self.h], [list(phi), D.tolist(), [H.tolist() for H in D2]], "mpmath", cse=True)

    def variations(self, y: Sequence[object], digits: int = 30, integrate: bool = False) -> FlowVariations:
        """``phi_T(y)``, ``Dphi_T(y)``, ``D^2phi_T(y)`` in mpmath.

        From the closed-form flow when there is one (``integrate=False``), else
        by integrating the variational equations to about ``digits`` digits.

        Examples
        --------
        >>> node = NeuralODE(1, "-h1, h1**2")
        >>> a = node.variations([1, 0], 20)
        >>> b = node.variations([1, 0], 20, integrate=True)
        >>> mpmath.almosteq(a.hessians[1][0, 0], b.hessians[1][0, 0], 1e-18)
        True
        """
        if integrate or self.flow is None:
            return flow_with_variations(self.field, self.h, y, self.T, digits)
        with mpmath.workdps(digits + 10):
            point = [mp_value(v) for v in y]
            phi, D, D2 = self._numeric_flow(point)
            return FlowVariations(phi, mpmath.matrix(D), [mpmath.matrix(H) for H in D2], digits)

    def evaluate(
        self, x: Sequence[object], weights: NodeWeights, digits: int = 30, integrate: bool = False
    ) -> NodeEvaluation:
        """``Phi(x)``, ``grad Phi = W^T Dphi^T W~^T`` and ``Hess Phi = W^T (sum_i W~_i D^2phi_i) W``.

        Examples
        --------
        >>> node = NeuralODE(1, "0, h1**3")
        >>> e = node.evaluate(["1/2"], node.weights(W="1; 0"), 20)
        >>> [mpmath.nstr(v, 10) for v in (e.value, e.gradient[0], e.hessian[0, 0])]
        ['0.125', '0.75', '3.0']
        """
        if not isinstance(x, Sequence) or len(x) != self.n:
            raise WeightsError(f"expected an input of length {self.n}, got {x!r}")
        with mpmath.workdps(digits + 10):
            W, b = _mp_matrix(weights.W), _mp_matrix(weights.b)
            w_out = _mp_matrix(weights.W_out)
            y = W * mpmath.matrix([mp_value(v) for v in x]) + b
            var = self.variations(list(y), digits, integrate)
            value = (w_out * mpmath.matrix(var.value))[0] + mp_value(weights.b_out)
            gradient = W.T * var.jacobian.T * w_out.T
            curvature = mpmath.matrix(self.m, self.m)
            for i in range(self.m):
                curvature += w_out[i] * var.hessians[i]
            hessian = W.T * curvature * W
            return NodeEvaluation(
                value,
                [gradient[i] for i in range(self.n)],
                hessian,
                digits,
                not integrate and self.flow is not None,
            )

    def __repr__(self) -> str:
        return f"NeuralODE({self.n}, {', '.join(map(str, self.field))!r}, time={self.T})"


def _time(value: object) -> sympy.Rational:
    try:
        return to_rational(value, "T")
    except WeightsError as exc:
        raise InputError(str(exc).replace("T:", "the final time T:", 1)) from None


def exact_value(value: object, where: str) -> sympy.Expr:
    """A SymPy number as given, or the exact rational of a user number (``where`` names it in errors).

    Examples
    --------
    >>> exact_value("3/4", "x"), exact_value(sympy.pi, "x")
    (3/4, pi)
    """
    if isinstance(value, sympy.Expr) and value.is_number:
        return value
    return to_rational(value, where)


def mp_value(value: object) -> mpmath.mpf:
    """An mpmath number at the working precision from an exact, SymPy or mpmath number.

    Examples
    --------
    >>> mp_value("1/4")
    mpf('0.25')
    """
    if isinstance(value, (mpmath.mpf, mpmath.mpc)):
        return value
    if isinstance(value, sympy.Expr) and not value.is_Rational:
        return mpmath.mpf(sympy.N(value, mpmath.mp.dps))
    q = to_rational(value)
    return mpmath.mpf(q.p) / q.q


def _mp_matrix(M: sympy.Matrix) -> mpmath.matrix:
    return mpmath.matrix([[mp_value(v) for v in M.row(i)] for i in range(M.rows)])
