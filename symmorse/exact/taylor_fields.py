"""Vector fields in ball arithmetic with Taylor coefficients of their solutions and variations.

The validated integrator (:mod:`symmorse.exact.validated_flow`) needs, for an
initial value x0 (a ball vector, possibly wide), the Taylor coefficients in
time of the solution ``x(t)`` of ``x' = f(x)`` and of its first and second
variations ``X' = Df(x) X``, ``G' = Df(x) G + D^2f(x)[X, X]``, all in
python-flint ball arithmetic.  Two kinds of fields are supported:

* layer fields ``f(h) = V sigma(A h + c)`` (:class:`LayerFlowField`) with sigma
  tanh, sigmoid, arctan, softplus or identity, and
* polynomial fields with rational coefficients (:class:`PolynomialFlowField`).

Coefficients come from recursive Taylor arithmetic (automatic differentiation):
with ``z = A x + c``, the activation series obey ODE-style recurrences from
``tanh' = 1 - tanh^2``, ``sigmoid' = s (1 - s)``, ``arctan' = 1/(1 + z^2)``
(for example ``s_j = (1/j) sum_{i=1..j} i z_i w_{j-i}`` with ``w = sigma'(z)``),
and ``x_{j+1} = f_j / (j + 1)``.  Polynomial fields go through the series of
their monomials (each monomial is a lower one times a coordinate).  The series
``Df(x(t))`` (matrices ``M_j``) and ``D^2f(x(t))`` follow from the same data,
and the variations are linear: ``X_{j+1} = (1/(j+1)) sum_i M_i X_{j-i}``.
Every operation is a ball operation, so each coefficient encloses the true
coefficient for every initial value in the balls (inclusion principle).

The fields are plain data (exact rational matrices and an activation name, or
polynomial texts), so that the search and the trusted kernel
(:mod:`symmorse.kernel.node`) integrate with the same code; the model's
:class:`~symmorse.model.node.LayerField` and :class:`~symmorse.model.node.NeuralODE`
adapt themselves through their ``flow_field()`` methods.

Second variations are stored for the pairs ``(l, n)``, ``l <= n`` (see
:func:`pairs`): column ``pair`` of an ``m x len(pairs)`` matrix holds
``d^2 x_i / dy_l dy_n`` for i = 1..m.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import sympy
from flint import arb, arb_mat, arb_poly, ctx, fmpq

from .errors import ActivationError, InputError, WeightsError
from .expressions import parse_expression, split_components
from .numbers import to_fmpq

__all__ = [
    "MAX_PHASE_DIM",
    "ACTIVATIONS",
    "pairs",
    "TaylorSeries",
    "FlowField",
    "LayerFlowField",
    "PolynomialFlowField",
    "flow_field",
    "jets",
]

#: Largest phase-space dimension accepted (by the integrator and by :class:`~symmorse.model.node.NeuralODE`).
MAX_PHASE_DIM = 12
#: Activations with Taylor recurrences here (the aliases atan, logistic and linear are accepted too).
ACTIVATIONS = ("tanh", "sigmoid", "arctan", "softplus", "identity")
_ALIASES = {"atan": "arctan", "logistic": "sigmoid", "linear": "identity"}


def pairs(m: int) -> list[tuple[int, int]]:
    """The index pairs ``(l, n)`` with ``l <= n`` under which second derivatives are stored.

    Examples
    --------
    >>> pairs(2)
    [(0, 0), (0, 1), (1, 1)]
    """
    return [(l, n) for l in range(m) for n in range(l, m)]


def _column(entries: Sequence) -> arb_mat:
    return arb_mat(len(entries), 1, list(entries))


def _ball_matrix(rows: Sequence[Sequence[fmpq]]) -> arb_mat:
    """A ball matrix containing an exact rational matrix (at the working precision)."""
    return arb_mat(len(rows), len(rows[0]), [arb(v) for row in rows for v in row])


def _rational_rows(M: object, what: str) -> list[list[fmpq]]:
    """The rows of a non-empty exact rational matrix (nested sequences or a SymPy matrix)."""
    if isinstance(M, sympy.MatrixBase):
        M = M.tolist()
    if (
        isinstance(M, (str, bytes))
        or not isinstance(M, Sequence)
        or not M
        or any(isinstance(r, (str, bytes)) or not isinstance(r, Sequence) for r in M)
        or not M[0]
        or any(len(r) != len(M[0]) for r in M)
    ):
        raise InputError(f"{what} must be a non-empty matrix (rows of equal length)")
    try:
        return [[to_fmpq(v) for v in r] for r in M]
    except (WeightsError, TypeError, ValueError):
        raise InputError(f"{what}: every entry must be an exact number") from None


def _conv(a: list, b: list, j: int, start: int = 0):
    """``sum_{i=start..j} a[i] b[j-i]`` (0 for an empty sum)."""
    total = arb(0)
    for i in range(start, j + 1):
        total += a[i] * b[j - i]
    return total


def _square(a: list, j: int):
    """``sum_{i=0..j} a[i] a[j-i]``, using the symmetry of the sum."""
    total = arb(0)
    for i in range((j + 1) // 2):
        total += a[i] * a[j - i]
    total *= 2
    if j % 2 == 0:
        total += a[j // 2] * a[j // 2]
    return total


def _truncated(p: arb_poly, n: int) -> list:
    """The first n coefficients of a polynomial (zeros appended)."""
    c = p.coeffs()[:n]
    return c + [arb(0)] * (n - len(c))


@dataclass
class TaylorSeries:
    """Taylor coefficients of a solution ``x(t)`` and of ``Df(x(t))`` from one initial value.

    Attributes
    ----------
    x : list of arb_mat
        ``x_0, ..., x_N`` (m x 1 columns).
    M : list of arb_mat
        ``M_0, ..., M_{N-1}``, the coefficients of ``Df(x(t))`` (m x m; empty if not asked for).
    data : dict
        What the field needs for the second variations (activation or monomial series).

    Examples
    --------
    ``h' = h`` from 1: ``x_j = 1/j!``, ``Df = 1``:

    >>> s = flow_field("h1").series(arb_mat([[1]]), 3)
    >>> [X[0, 0].overlaps(arb(1) / j) for X, j in zip(s.x, (1, 1, 2, 6))], [M[0, 0] for M in s.M]
    ([True, True, True, True], [1.00000000000000, 0, 0])
    """

    x: list
    M: list = field(default_factory=list)
    data: dict = field(default_factory=dict)


class FlowField:
    """A vector field ``f`` on R^m that the validated integrator can expand in Taylor series.

    Subclasses implement :meth:`series` and :meth:`forcing`; everything is
    computed at the working precision ``flint.ctx.prec``.

    Examples
    --------
    >>> f = flow_field("h2, -h1")
    >>> isinstance(f, FlowField), f.m, f.evaluate([arb(1), arb(2)])
    (True, 2, [2.00000000000000, -1.00000000000000])
    """

    m: int

    def series(self, x0: arb_mat, N: int, derivatives: bool = True) -> TaylorSeries:
        """Coefficients ``x_0..x_N`` of the solution from ``x0`` (and ``M_0..M_{N-1}`` if asked)."""
        raise NotImplementedError

    def forcing(self, series: TaylorSeries, X: Sequence[arb_mat], N: int) -> list:
        """Coefficients ``F_0..F_{N-1}`` of ``D^2f(x(t))[X(t), X(t)]`` (m x len(pairs(m)) each).

        ``X`` holds the coefficients ``X_0..X_{N-1}`` (at least) of the first variation.
        """
        raise NotImplementedError

    def evaluate(self, x: Sequence[arb]) -> list:
        """An enclosure of ``f(x)`` over the ball vector x.

        Examples
        --------
        >>> flow_field("h1**2 - 1").evaluate([arb(3)])
        [8.00000000000000]
        """
        return self.series(_column(list(x)), 1, derivatives=False).x[1].entries()

    def _precision_cache(self) -> dict:
        cache = self.__dict__.setdefault("_balls", {})
        return cache.setdefault(ctx.prec, {})


# -- layer fields ---------------------------------------------------------------------------


class LayerFlowField(FlowField):
    """The field ``f(h) = V sigma(A h + c)`` with exact rational A (k x m), V (m x k), c (k).

    Parameters
    ----------
    A, V, c : matrices
        Exact numbers (nested lists of ints, rational strings, floats read
        exactly, SymPy matrices); A is k x m, V is m x k, c has k entries (default 0).
    activation : str
        tanh, sigmoid (logistic), arctan (atan), softplus or identity (linear).

    Examples
    --------
    >>> f = LayerFlowField([[1, 0], [0, 2]], [[0, 1], [-1, 0]], [0, "1/2"], "tanh")
    >>> f.m, f.k, f.activation
    (2, 2, 'tanh')
    >>> value = f.evaluate([arb(0), arb(0)])
    >>> value[0].overlaps(arb(fmpq(1, 2)).tanh()), value[1]
    (True, 0)
    """

    def __init__(self, A: object, V: object, c: object = None, activation: str = "tanh") -> None:
        name = activation if isinstance(activation, str) else ""
        name = _ALIASES.get(name.lower(), name.lower())
        if name not in ACTIVATIONS:
            raise ActivationError(
                f"validated flows support the activations {', '.join(ACTIVATIONS)}, not {activation!r}"
            )
        self.activation = name
        self.A = _rational_rows(A, "field A")
        self.k, self.m = len(self.A), len(self.A[0])
        if not 1 <= self.m <= MAX_PHASE_DIM:
            raise InputError(f"the phase space must have dimension 1..{MAX_PHASE_DIM}, got {self.m}")
        self.V = _rational_rows(V, "field V")
        if (len(self.V), len(self.V[0])) != (self.m, self.k):
            raise InputError(f"field V must be {self.m} x {self.k} (A is {self.k} x {self.m})")
        if c is None:
            self.c = [fmpq(0)] * self.k
        else:
            self.c = _rational_rows([list(c)], "field c")[0]
            if len(self.c) != self.k:
                raise InputError(f"field c must have {self.k} entries, got {len(self.c)}")

    def _weights(self):
        cache = self._precision_cache()
        if not cache:
            cache["A"] = _ball_matrix(self.A)
            cache["A_entries"] = [[arb(v) for v in row] for row in self.A]
            cache["V"] = _ball_matrix(self.V)
            cache["c"] = [arb(v) for v in self.c]
        return cache["A"], cache["A_entries"], cache["V"], cache["c"]

    def __repr__(self) -> str:
        return f"LayerFlowField(m={self.m}, k={self.k}, activation={self.activation!r})"

    def series(self, x0: arb_mat, N: int, derivatives: bool = True) -> TaylorSeries:
        """Taylor coefficients of the solution from x0 and of ``Df = V diag(sigma'(z)) A``.

        Examples
        --------
        ``h' = tanh(h)`` from 0 stays at 0; from 1 it starts with slope tanh(1):

        >>> f = LayerFlowField([[1]], [[1]], [0])
        >>> s = f.series(arb_mat([[1]]), 2)
        >>> s.x[1][0, 0].overlaps(arb(1).tanh()), len(s.x), len(s.M)
        (True, 3, 2)
        """
        A, A_entries, V, c = self._weights()
        k, m = self.k, self.m
        act = self.activation
        z = [[] for _ in range(k)]  # z[r][i]
        dz = [[arb(0)] for _ in range(k)]  # dz[r][i] = i z_i
        s = [[] for _ in range(k)]  # sigma(z(t))
        w = [[] for _ in range(k)]  # sigma'(z(t))
        aux = [[] for _ in range(k)]  # arctan: 1 + z^2;  softplus: sigmoid' (z(t))
        xs = [x0]
        for j in range(N):
            zj = (A * xs[j]).entries()
            for r in range(k):
                zr, dzr, sr, wr, ar = z[r], dz[r], s[r], w[r], aux[r]
                zr.append(zj[r] + c[r] if j == 0 else zj[r])
                if j:
                    dzr.append(zr[j] * j)
                _activation_step(act, j, zr, dzr, sr, wr, ar)
            f = V * _column([s[r][j] for r in range(k)])
            xs.append(f / (j + 1))
        series = TaylorSeries(xs)
        if derivatives:
            for j in range(N):
                scaled = arb_mat(k, m, [w[r][j] * a for r in range(k) for a in A_entries[r]])
                series.M.append(V * scaled)
            series.data = {"z": z, "s": s, "w": w, "aux": aux}
        return series

    def _second_activation(self, series: TaylorSeries, N: int) -> list:
        """The series ``q_r = sigma''(z_r(t))`` (first N coefficients) of each unit."""
        z, s, w, aux = (series.data[key] for key in ("z", "s", "w", "aux"))
        act, k = self.activation, self.k
        if act == "identity":
            return [[arb(0)] * N for _ in range(k)]
        if act == "softplus":
            return [aux[r][:N] for r in range(k)]
        out = []
        for r in range(k):
            wr = arb_poly(w[r][:N])
            if act == "tanh":  # sigma'' = -2 s w
                q = _truncated(arb_poly(s[r][:N]) * wr, N)
                out.append([-2 * v for v in q])
            elif act == "sigmoid":  # sigma'' = w (1 - 2 s)
                q = _truncated(arb_poly(s[r][:N]) * wr, N)
                out.append([a - 2 * b for a, b in zip(w[r][:N], q)])
            else:  # arctan: sigma'' = -2 z w^2
                q = _truncated(arb_poly(z[r][:N]) * _poly_trunc(wr * wr, N), N)
                out.append([-2 * v for v in q])
        return out

    def forcing(self, series: TaylorSeries, X: Sequence[arb_mat], N: int) -> list:
        """``F_e = V [sum q_r (A X)_{r l} (A X)_{r n}]_{r, (l, n)}``: D^2f[X, X] of a layer field.

        Examples
        --------
        For ``h' = tanh(h)`` at h = 0, D^2f = tanh''(0) = 0:

        >>> f = LayerFlowField([[1]], [[1]], [0])
        >>> s = f.series(arb_mat([[0]]), 1)
        >>> f.forcing(s, [arb_mat([[1]])], 1)[0][0, 0]
        0
        """
        if N == 0:
            return []
        A, _, V, _ = self._weights()
        k, m = self.k, self.m
        pp = pairs(m)
        q = self._second_activation(series, N)
        P = [(A * X[e]).entries() for e in range(N)]  # P[e][r*m + l] = (A X_e)[r, l]
        columns = [[None] * len(pp) for _ in range(k)]
        for r in range(k):
            qr = arb_poly(q[r])
            rows = [arb_poly([P[e][r * m + l] for e in range(N)]) for l in range(m)]
            weighted = [_poly_trunc(qr * p, N) for p in rows]
            for idx, (l, n) in enumerate(pp):
                columns[r][idx] = _truncated(weighted[l] * rows[n], N)
        return [
            V * arb_mat(k, len(pp), [columns[r][idx][e] for r in range(k) for idx in range(len(pp))])
            for e in range(N)
        ]


def _poly_trunc(p: arb_poly, n: int) -> arb_poly:
    return arb_poly(p.coeffs()[:n])


def _activation_step(act: str, j: int, z: list, dz: list, s: list, w: list, aux: list) -> None:
    """Append the order-j coefficients of ``s = sigma(z(t))``, ``w = sigma'(z(t))`` (and helpers).

    ``z`` holds z_0..z_j and ``dz[i] = i z_i``; ``s``, ``w``, ``aux`` hold orders below j.
    """
    if act == "identity":
        s.append(z[j])
        w.append(arb(1) if j == 0 else arb(0))
        return
    if j == 0:
        z0 = z[0]
        if act == "tanh":
            t = z0.sech()
            s.append(z0.tanh())
            w.append(t * t)
        elif act == "sigmoid":
            t = (z0 / 2).sech()
            s.append(1 / (1 + (-z0).exp()))
            w.append(t * t / 4)
        elif act == "arctan":
            u0 = 1 + z0 * z0
            aux.append(u0)
            s.append(z0.atan())
            w.append(1 / u0)
        else:  # softplus: s = log(1 + e^z), w = sigmoid(z), aux = sigmoid'(z)
            t = (z0 / 2).sech()
            s.append(z0.exp().log1p())
            w.append(1 / (1 + (-z0).exp()))
            aux.append(t * t / 4)
        return
    if act == "tanh":  # s' = w z',  w = 1 - s^2
        s.append(_conv(dz, w, j, 1) / j)
        w.append(-_square(s, j))
    elif act == "sigmoid":  # s' = w z',  w = s - s^2
        s.append(_conv(dz, w, j, 1) / j)
        w.append(s[j] - _square(s, j))
    elif act == "arctan":  # s' = w z',  w (1 + z^2) = 1
        aux.append(_square(z, j))
        w.append(-_conv(aux, w, j, 1) / aux[0])
        s.append(_conv(dz, w, j, 1) / j)
    else:  # softplus: s' = w z', w' = aux z', aux = w - w^2
        s.append(_conv(dz, w, j, 1) / j)
        w.append(_conv(dz, aux, j, 1) / j)
        aux.append(w[j] - _square(w, j))


# -- polynomial fields ------------------------------------------------------------------------


class PolynomialFlowField(FlowField):
    """A polynomial field ``h' = f(h)`` with rational coefficients, in the coordinates h1..hm.

    Parameters
    ----------
    components : str or sequence of str / SymPy expressions
        ``"h2, -h1 + h1**3"`` or ``["h2", "-h1"]``; parsed with the whitelist
        parser, without functions.

    Raises
    ------
    InputError
        For a component that is not a polynomial in h1..hm with rational coefficients.

    Examples
    --------
    >>> f = PolynomialFlowField("h2, -h1 + h1**3")
    >>> f.m, f.degree
    (2, 3)
    >>> f.evaluate([arb(2), arb(5)])
    [5.00000000000000, 6.00000000000000]
    """

    def __init__(self, components: str | Sequence[str | sympy.Expr]) -> None:
        texts = split_components(components) if isinstance(components, str) else list(components)
        m = len(texts)
        if not 1 <= m <= MAX_PHASE_DIM:
            raise InputError(f"the phase space must have dimension 1..{MAX_PHASE_DIM}, got {m}")
        h = [sympy.Symbol(f"h{i}", real=True) for i in range(1, m + 1)]
        exprs = [_polynomial_component(t, h, i) for i, t in enumerate(texts, 1)]
        self.m = m
        self.expressions = tuple(exprs)
        polys = [sympy.Poly(e, *h, domain="QQ") for e in exprs]
        self.degree = max(p.total_degree() for p in polys)
        monomials = {(0,) * m}
        for p in polys:
            for alpha in p.monoms():
                monomials |= _divisors(alpha)
        order = sorted(monomials, key=lambda a: (sum(a), tuple(-v for v in a)))
        self.monomials = order
        index = {a: i for i, a in enumerate(order)}
        plan: list[tuple] = []
        for a in order:
            if sum(a) == 0:
                plan.append(("one",))
            elif sum(a) == 1:
                plan.append(("var", a.index(1)))
            else:
                v = max(i for i, e in enumerate(a) if e)
                prefix = tuple(e - (i == v) for i, e in enumerate(a))
                plan.append(("mul", index[prefix], v))
        self._plan = plan

        def coefficient_rows(polys_):
            rows = []
            for p in polys_:
                row = [fmpq(0)] * len(order)
                for alpha, coeff in p.terms():
                    row[index[alpha]] = to_fmpq(coeff)
                rows.append(row)
            return rows

        self._C = coefficient_rows(polys)
        first = [[p.diff(h[a]) for a in range(m)] for p in polys]
        self._Cd = coefficient_rows([d for row in first for d in row])
        second = []  # (i, a, b, constant value or None) for a <= b with d^2 f_i/dh_a dh_b != 0
        second_polys = []
        for i in range(m):
            for a in range(m):
                for b in range(a, m):
                    d2 = first[i][a].diff(h[b])
                    if d2.is_zero:
                        continue
                    constant = to_fmpq(d2.as_expr()) if d2.total_degree() == 0 else None
                    second.append((i, a, b, constant))
                    second_polys.append(d2)
        self._second = second
        self._Cdd = coefficient_rows(second_polys) if second_polys else []

    def __repr__(self) -> str:
        return f"PolynomialFlowField({', '.join(map(str, self.expressions))!r})"

    def _coefficients(self):
        cache = self._precision_cache()
        if not cache:
            cache["C"] = _ball_matrix(self._C)
            cache["Cd"] = _ball_matrix(self._Cd)
            cache["Cdd"] = _ball_matrix(self._Cdd) if self._Cdd else None
            cache["const"] = [arb(c) if c is not None else None for *_, c in self._second]
        return cache

    def series(self, x0: arb_mat, N: int, derivatives: bool = True) -> TaylorSeries:
        """Taylor coefficients of the solution from x0, through the series of the monomials.

        Examples
        --------
        ``h' = h^2`` from 1/2: ``x(t) = 1/(2 - t) = sum t^j / 2^(j+1)``:

        >>> s = PolynomialFlowField("h1**2").series(arb_mat([[arb("0.5")]]), 3)
        >>> [X[0, 0] for X in s.x]
        [0.500000000000000, 0.250000000000000, 0.125000000000000, 0.0625000000000000]
        """
        cache = self._coefficients()
        C = cache["C"]
        plan = self._plan
        n_mono = len(plan)
        xs = [x0]
        xe: list[list] = []  # entries of x_j
        mono: list[list] = []  # mono[j][monomial]
        for j in range(N):
            xe.append(xs[j].entries())
            row = [None] * n_mono
            for idx, step in enumerate(plan):
                if step[0] == "one":
                    row[idx] = arb(1) if j == 0 else arb(0)
                elif step[0] == "var":
                    row[idx] = xe[j][step[1]]
                else:
                    _, prefix, v = step
                    total = arb(0)
                    for i in range(j + 1):
                        total += mono[i][prefix] * xe[j - i][v] if i < j else row[prefix] * xe[0][v]
                    row[idx] = total
            mono.append(row)
            xs.append((C * _column(row)) / (j + 1))
        series = TaylorSeries(xs)
        if derivatives:
            m = self.m
            Cd, Cdd = cache["Cd"], cache["Cdd"]
            columns = [_column(row) for row in mono]
            series.M = [arb_mat(m, m, (Cd * col).entries()) for col in columns]
            series.data = {"H": [(Cdd * col).entries() for col in columns] if Cdd is not None else []}
        return series

    def forcing(self, series: TaylorSeries, X: Sequence[arb_mat], N: int) -> list:
        """``F[i, (l, n)] = sum_{a, b} d^2f_i/dh_a dh_b (x(t)) X_{a l}(t) X_{b n}(t)``, coefficients 0..N-1.

        Examples
        --------
        For ``h' = h^2``, D^2f = 2, so ``F_0 = 2 X_0^2``:

        >>> f = PolynomialFlowField("h1**2")
        >>> f.forcing(f.series(arb_mat([[1]]), 1), [arb_mat([[3]])], 1)[0][0, 0]
        18.0000000000000
        """
        m = self.m
        pp = pairs(m)
        if N == 0:
            return []
        if not self._second:
            zero = arb_mat(m, len(pp))
            return [zero] * N
        cache = self._coefficients()
        entries = [X[e].entries() for e in range(N)]
        x = [[arb_poly([entries[e][a * m + l] for e in range(N)]) for l in range(m)] for a in range(m)]
        H = series.data["H"]
        total = [[arb_poly([]) for _ in pp] for _ in range(m)]
        products: dict[tuple[int, int, int], arb_poly] = {}
        for slot, (i, a, b, constant) in enumerate(self._second):
            if constant is not None:
                weight = cache["const"][slot]
            else:
                weight = arb_poly([H[e][slot] for e in range(N)])
            for idx, (l, n) in enumerate(pp):
                key = (a, b, idx)
                if key not in products:
                    sym = x[a][l] * x[b][n]
                    if a != b:
                        sym += x[b][l] * x[a][n]
                    products[key] = _poly_trunc(sym, N)
                total[i][idx] += products[key] * weight
        coefficients = [[_truncated(p, N) for p in row] for row in total]
        return [
            arb_mat(m, len(pp), [coefficients[i][idx][e] for i in range(m) for idx in range(len(pp))])
            for e in range(N)
        ]


def _divisors(alpha: tuple[int, ...]) -> set[tuple[int, ...]]:
    out = {()}
    for e in alpha:
        out = {d + (k,) for d in out for k in range(e + 1)}
    return out


def _polynomial_component(value: object, h: list[sympy.Symbol], i: int) -> sympy.Expr:
    what = f"vector field component {i}"
    if isinstance(value, sympy.Expr):
        by_name = {s.name: s for s in h}
        unknown = {s.name for s in value.free_symbols} - set(by_name)
        if unknown:
            raise InputError(f"{what}: unknown symbols {sorted(unknown)} (the coordinates are h1..h{len(h)})")
        expr = value.xreplace({s: by_name[s.name] for s in value.free_symbols})
    elif isinstance(value, (int, fmpq)) and not isinstance(value, bool):
        expr = sympy.Rational(str(value))
    else:
        expr = parse_expression(str(value), h, what=what)
    expr = sympy.expand(expr)
    if not expr.is_polynomial(*h) or not all(c.is_Rational for c in sympy.Poly(expr, *h).coeffs()):
        raise InputError(
            f"{what} = {expr}: validated flows take layer fields V sigma(A h + c) or polynomial fields "
            "with rational coefficients"
        )
    return expr


# -- dispatch and jets ----------------------------------------------------------------------------


def flow_field(field: object) -> FlowField:
    """The :class:`FlowField` of a field description.

    Accepted: a :class:`FlowField`; a mapping ``{"A", "V", "c", "activation"}``
    of exact numbers (c and activation optional, tanh by default); polynomial
    components as text ``"h2, -h1**3"`` or a sequence of texts or SymPy
    expressions; or any object with a ``flow_field()`` method that returns a
    :class:`FlowField` (the model's :class:`~symmorse.model.node.LayerField` and
    :class:`~symmorse.model.node.NeuralODE` have one).

    Raises
    ------
    InputError
        For anything else, e.g. a field with ``sin`` that is not given as layers.

    Examples
    --------
    >>> flow_field({"A": [[1]], "V": [[2]], "c": [0], "activation": "sigmoid"})
    LayerFlowField(m=1, k=1, activation='sigmoid')
    >>> flow_field("0, h1**2")
    PolynomialFlowField('0, h1**2')
    >>> flow_field("sin(h1)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.InputError: vector field component 1 = sin(h1): validated flows take layer ...
    """
    if isinstance(field, FlowField):
        return field
    adapter = getattr(field, "flow_field", None)
    if callable(adapter):
        made = adapter()
        if isinstance(made, FlowField):
            return made
    if isinstance(field, Mapping):
        if not {"A", "V"} <= set(field) or set(field) - {"A", "V", "c", "activation"}:
            raise InputError('a layer field is {"A": [[...]], "V": [[...]], "c": [...], "activation": ...}')
        return LayerFlowField(field["A"], field["V"], field.get("c"), field.get("activation", "tanh"))
    if isinstance(field, str) or (isinstance(field, Sequence) and field):
        return PolynomialFlowField(field)
    raise InputError(
        "a validated flow needs a layer field {'A', 'V', 'c', 'activation'}, polynomial components such "
        f"as 'h2, -h1', or a model object with a flow_field() method; got {type(field).__name__}"
    )


def jets(
    field: FlowField, x0: arb_mat, X0: arb_mat, G0: arb_mat | None, N: int
) -> tuple[list, list, list | None]:
    """Taylor coefficients 0..N of the solution and its variations from ``(x0, X0, G0)``.

    Returns ``(x, X, G)``: ``x_j`` (m x 1), ``X_j`` (m x m) with
    ``X' = Df(x) X``, and ``G_j`` (m x len(pairs(m))) with
    ``G' = Df(x) G + D^2f(x)[X, X]`` (None when G0 is None).  With ``X0 = I``
    and ``G0 = 0`` these are the coefficients of ``D phi_t`` and ``D^2 phi_t``.

    Examples
    --------
    For ``h' = h^2``, ``phi_t(y) = y/(1 - t y)``: ``D phi_t = 1 + 2 y t + ...`` and
    ``D^2 phi_t = 2 t + ...``:

    >>> f = PolynomialFlowField("h1**2")
    >>> x, X, G = jets(f, arb_mat([[1]]), arb_mat([[1]]), arb_mat([[0]]), 2)
    >>> [M[0, 0] for M in X], [M[0, 0] for M in G]
    ([1.00000000000000, 2.00000000000000, 3.00000000000000], [0, 2.00000000000000, 6.00000000000000])
    """
    series = field.series(x0, N, derivatives=True)
    M = series.M
    identity = all(X0[i, j] == int(i == j) for i in range(X0.nrows()) for j in range(X0.ncols()))
    Xs = [X0]
    for j in range(N):
        acc = M[j] if identity else M[j] * X0  # M_j X_0, the last term of the sum
        for i in range(j):
            acc += M[i] * Xs[j - i]
        Xs.append(acc / (j + 1))
    if G0 is None:
        return series.x, Xs, None
    F = field.forcing(series, Xs, N)
    zero = all(v == 0 for v in G0.entries())
    Gs = [G0]
    for j in range(N):
        acc = F[j] if zero else F[j] + M[j] * G0
        for i in range(j):
            acc += M[i] * Gs[j - i]
        Gs.append(acc / (j + 1))
    return series.x, Xs, Gs
