"""Exact rational linear algebra behind one small interface (python-flint ``fmpq_mat``).

Certification code calls these functions and reads like the mathematics of
DESIGN section 2 (ranks, kernels, rank factorisations, determinants); the
representation is FLINT's dense rational matrices, the domain is QQ.
Conversions to and from exact rational strings (``"-3/5"``) live here too.
"""

from __future__ import annotations

from collections.abc import Sequence

import flint

__all__ = [
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
    """An exact rational from an int, fmpq, sympy Rational or ``"p/q"`` text.

    Examples
    --------
    >>> qq("-3/5") + qq(1)
    2/5
    """
    if isinstance(value, flint.fmpq):
        return value
    if isinstance(value, int):
        return flint.fmpq(value)
    if hasattr(value, "p") and hasattr(value, "q"):  # sympy Rational
        return flint.fmpq(int(value.p), int(value.q))
    return flint.fmpq(str(value).strip())


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
