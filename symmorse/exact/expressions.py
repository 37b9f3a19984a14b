"""Parse user expressions with a whitelist, never with ``eval``.

User text (``"z**3 + z"``, a vector field, a target function) is parsed by
Python's :mod:`ast` and rebuilt node by node into SymPy: only numbers, the
variables the caller names, a few constants and whitelisted functions are
accepted.  Decimal literals are read as the decimals they spell (``0.1`` is
1/10); ``^`` is accepted as a power.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

import sympy

from .errors import ExpressionError, WeightsError
from .numbers import to_rational

__all__ = ["parse_expression", "split_components", "FUNCTIONS"]

#: Functions a user expression may call, by the names it may use.
FUNCTIONS: Mapping[str, sympy.FunctionClass] = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "exp": sympy.exp,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "tanh": sympy.tanh,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "atan": sympy.atan,
    "arctan": sympy.atan,
    "asinh": sympy.asinh,
    "atanh": sympy.atanh,
    "erf": sympy.erf,
    "abs": sympy.Abs,
}

_CONSTANTS = {"pi": sympy.pi, "E": sympy.E}
_MAX_LENGTH = 10_000
_MAX_EXPONENT = 1_000
_MAX_BITS = 100_000

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


def parse_expression(
    text: str,
    variables: Iterable[str | sympy.Symbol],
    *,
    functions: Iterable[str] | None = None,
    what: str = "expression",
    max_length: int = _MAX_LENGTH,
) -> sympy.Expr:
    """Parse ``text`` into a SymPy expression in the given variables only.

    Parameters
    ----------
    text : str
        The user's expression, e.g. ``"z**3 + z"`` or ``"x^2 - y^2"``.
    variables : iterable of str or Symbol
        The names the expression may use; Symbols are returned as given
        (so their assumptions are kept), strings become plain Symbols.
    functions : iterable of str, optional
        The function names allowed (a subset of :data:`FUNCTIONS`); all of
        them by default, none with ``functions=()`` (polynomials).
    what : str
        Names the expression in error messages.
    max_length : int
        The longest text read (default 10,000 characters).

    Raises
    ------
    ExpressionError
        On a syntax error, an unknown name, a disallowed construct or an
        exponent too large to evaluate.

    Examples
    --------
    >>> parse_expression("z^3 + z/2", ["z"])
    z**3 + z/2
    >>> parse_expression("0.1*x + tanh(y)", ["x", "y"])
    x/10 + tanh(y)
    >>> parse_expression("__import__('os')", ["x"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.ExpressionError: expression "__import__('os')": function '__import__' is not ...
    """
    if not isinstance(text, str):
        raise ExpressionError(f"{what}: expected text, got {type(text).__name__}")
    if len(text) > max_length:
        raise ExpressionError(f"{what} is too long ({len(text)} > {max_length} characters)")
    symbols = {}
    for v in variables:
        sym = v if isinstance(v, sympy.Symbol) else sympy.Symbol(v)
        symbols[sym.name] = sym
    allowed = dict(FUNCTIONS) if functions is None else {f: FUNCTIONS[f] for f in functions}
    try:
        tree = ast.parse(_source(text), mode="eval")
        return _Builder(text, what, symbols, allowed).build(tree.body)
    except SyntaxError as exc:
        raise ExpressionError(f"{what} {_shown(text)}: syntax error ({exc.msg})") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(f"{what} is nested too deeply to read") from None


def _shown(text: str, limit: int = 80) -> str:
    """The user's text for an error message, shortened if long."""
    return repr(text) if len(text) <= limit else repr(text[: limit - 20] + " ... " + text[-15:])


def _source(text):
    """The text as Python parses it: ``^`` is a power, as users write it."""
    return text.strip().replace("^", "**")


class _Builder:
    def __init__(self, text, what, symbols, functions):
        self.text, self.what = text, what
        self.symbols, self.functions = symbols, functions

    def fail(self, message):
        raise ExpressionError(f"{self.what} {_shown(self.text)}: {message}")

    def build(self, node):
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            operand = self.build(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = self.build(node.left), self.build(node.right)
            if isinstance(node.op, ast.Pow):
                self.check_power(left, right)
            if isinstance(node.op, ast.Div) and right == 0:
                self.fail("division by zero")
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, ast.Call):
            return self.call(node)
        self.fail(f"{_shown(ast.unparse(node))} is not allowed (only numbers, names, + - * / ** and calls)")

    def number(self, node):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            self.fail(f"{node.value!r} is not a number")
        if isinstance(node.value, int):
            return sympy.Integer(node.value)
        literal = ast.get_source_segment(_source(self.text), node) or repr(node.value)
        try:
            return to_rational(literal, where="a number")  # the decimal it spells; exponents bounded
        except WeightsError as exc:
            self.fail(str(exc))

    def name(self, name):
        if name in self.symbols:
            return self.symbols[name]
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        allowed = ", ".join([*self.symbols, *_CONSTANTS])
        self.fail(f"unknown name '{name}' (allowed names: {allowed})")

    def call(self, node):
        if not isinstance(node.func, ast.Name) or node.func.id not in self.functions:
            name = ast.unparse(node.func)
            allowed = ", ".join(self.functions) or "none"
            self.fail(f"function '{name}' is not allowed (allowed: {allowed})")
        if node.keywords or len(node.args) != 1:
            self.fail(f"'{node.func.id}' takes exactly one argument")
        return self.functions[node.func.id](self.build(node.args[0]))

    def check_power(self, base, exponent):
        """Refuse powers too large to write down: |exponent| <= 1000 and results of <= 10^5 bits."""
        if exponent.is_number and (not exponent.is_real or abs(exponent) > _MAX_EXPONENT):
            self.fail(f"exponent {exponent} is out of range (|exponent| <= {_MAX_EXPONENT})")
        if base.is_Rational and exponent.is_Integer:
            bits = abs(int(exponent)) * max(int(base.p).bit_length(), int(base.q).bit_length())
            if bits > _MAX_BITS:
                self.fail(f"a power with exponent {exponent} is too large (more than {_MAX_BITS} bits)")
        elif (
            isinstance(base, sympy.Pow)
            and exponent.is_number
            and base.exp.is_number
            and abs(base.exp * exponent) > _MAX_EXPONENT
        ):
            self.fail(f"exponent {base.exp * exponent} is out of range (|exponent| <= {_MAX_EXPONENT})")


def split_components(text: str, what: str = "vector field") -> list[str]:
    """Split ``"f1, f2, ..."`` at its top-level commas (commas inside calls stay).

    Examples
    --------
    >>> split_components("h2, -h1*tanh(h2)")
    ['h2', '-h1*tanh(h2)']
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(f"{what}: expected comma-separated expressions such as 'h2, -h1'")
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    if any(not p for p in parts):
        raise ExpressionError(f"{what} {text!r}: empty component")
    return parts
