"""Exact numbers and the whitelisted expression parser."""

import math
from fractions import Fraction

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symmorse.exact.errors import ExpressionError, WeightsError
from symmorse.exact.expressions import parse_expression
from symmorse.exact.numbers import rational_string, to_rational


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_are_converted_to_the_binary_fraction_they_are(f):
    q = to_rational(f)
    assert Fraction(q.p, q.q) == Fraction(f)
    assert float(q) == f


@given(st.fractions())
def test_rational_strings_round_trip(fr):
    q = sympy.Rational(fr.numerator, fr.denominator)
    assert to_rational(rational_string(q)) == q


def test_decimal_text_is_the_decimal_it_spells():
    assert to_rational("0.1") == sympy.Rational(1, 10)
    assert to_rational("-2.5e-3") == sympy.Rational(-1, 400)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "abc", "1/0", None, [1], True, "1e999999"])
def test_non_numbers_are_rejected_with_their_place(bad):
    with pytest.raises(WeightsError, match="W1"):
        to_rational(bad, where="W1")


def test_parser_builds_exact_sympy():
    z = sympy.Symbol("z")
    assert parse_expression("z^3 + 0.5*z - 1/3", [z]) == z**3 + z / 2 - sympy.Rational(1, 3)
    assert parse_expression("-(x)**2 + exp(y)", ["x", "y"]) == -(sympy.Symbol("x") ** 2) + sympy.exp(
        sympy.Symbol("y")
    )


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",
        "x.real",
        "open('f')",
        "[x]",
        "lambda: x",
        "x if x else 1",
        "y + 1",
        "sin(x, 2)",
        "2**10**10",
        "x +",
        "'text'",
        "1/0",
        "f(x)",
        "x == 1",
    ],
)
def test_parser_rejects_everything_outside_the_whitelist(text):
    with pytest.raises(ExpressionError):
        parse_expression(text, ["x"])


def test_parser_without_functions_is_for_polynomials():
    with pytest.raises(ExpressionError, match="not allowed"):
        parse_expression("sin(z)", ["z"], functions=())


@given(st.text(max_size=30))
def test_parser_never_fails_otherwise(text):
    try:
        result = parse_expression(text, ["x", "y"])
    except ExpressionError:
        return
    assert result.free_symbols <= {sympy.Symbol("x"), sympy.Symbol("y")}


@pytest.mark.parametrize(
    "text, message",
    [
        ("1e999999999*x", "exponent too large"),
        ("((2**1000)**1000)**1000", "too large"),
        ("((x+1)**1000)**1000", "out of range"),
        ("-" * 9000 + "1", "nested too deeply"),
    ],
)
def test_parser_refuses_numbers_too_large_to_build(text, message):
    """Each of these used to hang or exhaust memory; now one clear error, at once."""
    with pytest.raises(ExpressionError, match=message) as exc:
        parse_expression(text, ["x"])
    assert len(str(exc.value)) < 300  # the text is shortened in the message


def test_reading_hostile_json_gives_one_clear_error(tmp_path):
    from symmorse.exact.errors import InputError
    from symmorse.model.io import read_json

    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    big = tmp_path / "big.json"
    big.write_text('{"n": ' + "9" * 5000 + "}")
    for path, message in ((deep, "nested too deeply"), (big, "cannot be read")):
        with pytest.raises(InputError, match=message):
            read_json(str(path))
