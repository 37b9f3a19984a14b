"""Helpers shared by the tests."""

import random

import mpmath
import sympy


def random_rational(rng: random.Random, bound: int = 3, den: int = 7) -> sympy.Rational:
    """A random rational p/q with |p/q| <= bound."""
    q = rng.randint(1, den)
    return sympy.Rational(rng.randint(-bound * q, bound * q), q)


def agree(a: sympy.Expr, b: sympy.Expr, values: dict, digits: int = 50) -> bool:
    """Whether a and b agree to ``digits`` significant digits at ``values``."""
    with mpmath.workdps(digits + 20):
        va = sympy.N(a.xreplace(values), digits + 15)
        vb = sympy.N(b.xreplace(values), digits + 15)
        scale = max(1, abs(va), abs(vb))
        return abs(va - vb) <= scale * sympy.Rational(1, 10**digits)
