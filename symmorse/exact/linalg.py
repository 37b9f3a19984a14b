"""Exact rational and ball linear algebra behind one small interface (python-flint).

Certification code calls these functions and reads like the mathematics of
DESIGN section 2 (ranks, kernels, rank factorisations, determinants, inertia);
the representations are FLINT's dense rational matrices ``fmpq_mat`` (domain QQ)
and ball matrices ``arb_mat`` (rigorous enclosures).  Conversions to and from
exact rational strings (``"-3/5"``) live here too.

Inertia is computed in one way only (:func:`descartes_inertia`): the
characteristic polynomial of a symmetric matrix has real roots, so Descartes'
rule of signs on its coefficients counts the negative eigenvalues exactly.
:func:`inertia` applies it to a rational matrix (exact signs) or to a ball
matrix (every sign the enclosures allow must give the same count).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

import flint

from .numbers import to_fmpq

__all__ = [
    "Inertia",
    "descartes_inertia",
    "inertia",
    "QQMatrix",
    "qq",
    "matrix",
    "column",
    "diagonal",
    "kernel_basis",
    "rank_factorization",
    "matrix_strings",
    "vector_strings",
]

QQMatrix = flint.fmpq_mat


def qq(value: object) -> flint.fmpq:
    """An exact rational from an int, fmpq, sympy Rational or text (``to_fmpq`` of :mod:`.numbers`).

    Examples
    --------
    >>> qq("-3/5") + qq(1)
    2/5
    """
    return to_fmpq(value)


def matrix(rows: Sequence[Sequence[object]], ncols: int | None = None) -> QQMatrix:
    """A rational matrix from rows of numbers (``ncols`` for a matrix with no rows).

    Examples
    --------
    >>> matrix([["1/2", 0], [1, "-2"]]).det()
    -1
    """
    n = len(rows)
    m = len(rows[0]) if n else (ncols or 0)
    return QQMatrix(n, m, [qq(a) for row in rows for a in row])


def column(entries: Sequence[object]) -> QQMatrix:
    """A column vector."""
    return QQMatrix(len(entries), 1, [qq(a) for a in entries])


def diagonal(entries: Sequence[object]) -> QQMatrix:
    """A square diagonal matrix."""
    n = len(entries)
    D = QQMatrix(n, n)
    for i, a in enumerate(entries):
        D[i, i] = qq(a)
    return D


def kernel_basis(M: QQMatrix) -> QQMatrix:
    """Columns spanning the kernel ``{y : M y = 0}`` (integer vectors; 0 columns if trivial).

    Examples
    --------
    >>> K = kernel_basis(matrix([[1, 2, 3]]))
    >>> K.ncols(), (matrix([[1, 2, 3]]) * K).tolist()
    (2, [[0, 0]])
    """
    numerators, _ = M.numer_denom()
    basis, dim = numerators.nullspace()
    return QQMatrix(M.ncols(), dim, [basis[i, j] for i in range(M.ncols()) for j in range(dim)])


def rank_factorization(M: QQMatrix) -> tuple[QQMatrix, QQMatrix]:
    """``M = C R`` with C (n x r) and R (r x m) of full rank r = rank M.

    R is the non-zero part of the reduced row echelon form and C holds the
    pivot columns of M.

    Examples
    --------
    >>> M = matrix([[1, 2, 3], [2, 4, 6]])
    >>> C, R = rank_factorization(M)
    >>> (C * R == M, C.ncols())
    (True, 1)
    """
    reduced, r = M.rref()
    pivots, row = [], 0
    for j in range(M.ncols()):
        if row < r and reduced[row, j] != 0:
            pivots.append(j)
            row += 1
    R = QQMatrix(r, M.ncols(), [reduced[i, j] for i in range(r) for j in range(M.ncols())])
    C = QQMatrix(M.nrows(), r, [M[i, j] for i in range(M.nrows()) for j in pivots])
    return C, R


def matrix_strings(M: QQMatrix) -> list[list[str]]:
    """Rows of exact rational strings (``"-3/5"``)."""
    return [[str(a) for a in row] for row in M.table()]


def vector_strings(M: QQMatrix) -> list[str]:
    """The entries of a column (or row) vector as exact rational strings."""
    return [str(a) for a in M.entries()]


class Inertia(NamedTuple):
    """Numbers of negative, zero and positive eigenvalues of a symmetric matrix (the Morse index first)."""

    negative: int
    zero: int
    positive: int


def descartes_inertia(signs: Sequence[int]) -> Inertia:
    """The inertia of a symmetric matrix from the signs of ``det(lambda I - A)``'s coefficients.

    ``signs`` are the signs (-1, 0, 1) of the coefficients c_0, ..., c_n of the
    characteristic polynomial, constant term first.  Its roots are real, so
    Descartes' rule of signs is exact: the negative eigenvalues are the sign
    changes of ``c_k (-1)^k``, the positive ones those of ``c_k`` (zeros skipped),
    and the nullity is the number of vanishing low-order coefficients.

    Examples
    --------
    >>> descartes_inertia([-1, 0, 1])  # lambda^2 - 1: eigenvalues -1 and 1
    Inertia(negative=1, zero=0, positive=1)
    >>> descartes_inertia([0, 1, 1])  # lambda^2 + lambda: eigenvalues -1 and 0
    Inertia(negative=1, zero=1, positive=0)
    """

    def changes(cs: list[int]) -> int:
        cs = [c for c in cs if c != 0]
        return sum(a != b for a, b in zip(cs, cs[1:]))

    nullity = next(k for k, s in enumerate(signs) if s != 0)
    return Inertia(changes([s * (-1) ** k for k, s in enumerate(signs)]), nullity, changes(list(signs)))


def _sign(c) -> int | None:
    """The sign of an exact rational, or of a ball when it excludes 0 (None otherwise)."""
    if isinstance(c, flint.arb):
        return 1 if c > 0 else -1 if c < 0 else None
    return (c > 0) - (c < 0)


def inertia(M: flint.fmpq_mat | flint.arb_mat) -> Inertia | None:
    """The inertia of a symmetric rational matrix, or the one every matrix in a symmetric ball matrix has.

    For a ball matrix the characteristic polynomial is enclosed
    (``arb_mat.charpoly``); the answer is the inertia shared by every choice of
    signs its undecided coefficients allow, and None when they disagree (for
    example when a matrix in the balls may be singular).

    Examples
    --------
    >>> inertia(matrix([[2, 1], [1, -3]]))
    Inertia(negative=1, zero=0, positive=1)
    >>> inertia(flint.arb_mat([[flint.arb(0, 1e-9), 1], [1, flint.arb(0, 1e-9)]]))  # a saddle
    Inertia(negative=1, zero=0, positive=1)
    >>> inertia(flint.arb_mat([[flint.arb(0, 1)]])) is None
    True
    """
    signs = [_sign(c) for c in M.charpoly().coeffs()]
    options = [[s] if s is not None else [-1, 0, 1] for s in signs]
    found = {descartes_inertia(choice) for choice in itertools.product(*options) if any(choice)}
    return found.pop() if len(found) == 1 else None
