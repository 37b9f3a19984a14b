"""Exact rationals reduced modulo a prime: the modular non-zero and rank tests of DESIGN section 2.

Let p be a prime.  The rationals whose denominator p does not divide form a ring
``Z_(p)``, and reduction modulo p is a ring homomorphism ``Z_(p) -> GF(p)``.  A
value computed from such rationals by sums and products (a determinant of a
matrix built from them, for instance) lies in ``Z_(p)``, and its residue is the
same computation done in ``GF(p)``.  Hence

* a computed value whose residue is non-zero is non-zero;
* the rank of a matrix over ``GF(p)`` is at most its rank over Q (a non-zero
  minor modulo p is a non-zero minor).

Both directions the certificates need follow from these two facts; upper bounds
on ranks come from the structure of the matrices instead (DESIGN section 2).
The residues live in python-flint ``nmod`` and ``nmod_mat`` (word-size primes), and,
for primes below 2^20, in :class:`ResidueMatrix`: float64 arrays whose products are
numpy's (BLAS) matrix products.  This is the method of FFLAS-FFPACK (Dumas, Giorgi and
Pernet, *Dense linear algebra over word-size prime fields*, ACM TOMS 35, 2008): residues
below p < 2^20 are integers below 2^20, a product of two is below 2^40, and a sum of at
most 2^12 such products is below 2^52 < 2^53, so every partial sum is an integer that
IEEE-754 double precision represents exactly, whatever order (or fused multiply-add) the
BLAS uses; products with a longer inner dimension are split into blocks of 2^12 and
reduced after each.  A probe on first use compares a float product at that bound with
numpy's ``int64`` product and falls back to the integer product if they differ.

Examples
--------
>>> p = PRIMES[0]
>>> M = flint.fmpq_mat(2, 2, [flint.fmpq(1, 2), 1, 1, 2])
>>> modular_matrix(M, p).det() == residue(M.det(), p)
True
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import NamedTuple

import flint
import numpy as np

from .arrays import rational_matrix

__all__ = [
    "PRIMES",
    "MIN_MODULUS",
    "MAX_MODULUS",
    "FLOAT_MODULUS",
    "is_modulus",
    "residue",
    "residues",
    "modular_matrix",
    "ResidueMatrix",
    "MatrixField",
    "matrix_field",
]

#: The moduli a certificate may name: primes with 2^19 < p < 2^63 (FLINT's word-size ``nmod``).
MIN_MODULUS, MAX_MODULUS = 2**19, 2**63

#: Primes below this bound have :class:`ResidueMatrix` products (float64, exact).
FLOAT_MODULUS = 2**20

#: The primes the search uses, in order: the three largest primes below 2^20.
PRIMES = (1048573, 1048571, 1048559)

#: Inner dimension of one float64 block product: 2^12 products below 2^40 sum to less than 2^52.
_BLOCK = 2**12


def is_modulus(p: object) -> bool:
    """Whether ``p`` is an integer (not a bool) in ``(2^19, 2^63)`` that FLINT proves prime.

    ``fmpz.is_prime`` is FLINT's ``fmpz_is_prime``, a primality proof (not a
    probable-prime test).

    Examples
    --------
    >>> is_modulus(PRIMES[0]), is_modulus(PRIMES[0] + 2), is_modulus(7), is_modulus(True)
    (True, False, False, False)
    """
    return type(p) is int and MIN_MODULUS < p < MAX_MODULUS and bool(flint.fmpz(p).is_prime())


def residue(q: flint.fmpq | flint.fmpz | int, p: int) -> flint.nmod:
    """The residue of a rational modulo p.

    Raises
    ------
    ZeroDivisionError
        If p divides the denominator of ``q`` (``q`` is not in ``Z_(p)``).

    Examples
    --------
    >>> residue(flint.fmpq(1, 2), 7), residue(-3, 7)
    (4, 4)
    """
    q = flint.fmpq(q)
    if q.q % p == 0:
        raise ZeroDivisionError(f"{p} divides the denominator of {q}")
    return flint.nmod(q.p, p) / flint.nmod(q.q, p)


def residues(values: Sequence[flint.fmpq], p: int) -> list[flint.nmod]:
    """:func:`residue` of each value.

    Examples
    --------
    >>> residues([flint.fmpq(1, 3), 2], 5)
    [2, 2]
    """
    return [residue(q, p) for q in values]


def modular_matrix(M: flint.fmpq_mat | flint.fmpz_mat, p: int) -> flint.nmod_mat:
    """The residue of a rational (or integer) matrix modulo p, entry by entry.

    Raises
    ------
    ZeroDivisionError
        If p divides the denominator of an entry.

    Examples
    --------
    >>> modular_matrix(flint.fmpq_mat(1, 2, [flint.fmpq(1, 2), -1]), 5)
    [3, 4]
    """
    if isinstance(M, flint.fmpz_mat):
        return flint.nmod_mat(M, p)
    numerators, denominator = M.numer_denom()  # M = numerators / denominator, one common denominator
    if denominator % p == 0:
        raise ZeroDivisionError(f"{p} divides the denominator of an entry")
    scale = flint.nmod(1, p) / flint.nmod(denominator, p)
    return flint.nmod_mat(numerators, p) * scale


@functools.lru_cache(maxsize=1)
def _float_products_exact() -> bool:
    """Whether numpy's float64 product is exact at the bound (residues p - 1, inner dimension 2^12)."""
    p = FLOAT_MODULUS - 3
    rng = np.random.default_rng(0)
    A = rng.integers(0, p, (3, _BLOCK))
    A[0] = p - 1
    B = rng.integers(0, p, (_BLOCK, 3))
    B[:, 0] = p - 1
    return bool(np.array_equal((A @ B) % p, np.fmod(A.astype(np.float64) @ B.astype(np.float64), p)))


def _reduce(x: np.ndarray, p: int) -> np.ndarray:
    """``x mod p`` for a float64 array of non-negative integers below 2^52 (every sum this module
    reduces: a block product, or a sum or product of two residues).

    ``q = floor(x / p)`` through one multiplication by ``1/p``: two roundings, a relative error
    below 2^-52, so an absolute error below ``x / p * 2^-52 < 1`` and q off by at most one;
    ``q p <= x + p < 2^53`` is exact, so ``x - q p`` is an exact integer in ``[-p, 2p)``, and one
    correction brings it into ``[0, p)``.
    """
    r = x - np.floor(x * (1.0 / p)) * p
    r[r < 0] += p
    r[r >= p] -= p
    return r


class ResidueMatrix:
    """A matrix over GF(p) for a prime p < 2^20: its residues in ``[0, p)`` as a float64 array.

    ``A * B`` is the matrix product, ``A + B`` the sum, both reduced modulo p;
    :meth:`det` and :meth:`rank` are FLINT's (``nmod_mat``).

    Examples
    --------
    >>> p = PRIMES[0]
    >>> A = ResidueMatrix.of(np.array([[1, 2], [3, -4]]), p)
    >>> (A * A.transpose()).entries(), A.det() == (1 * -4 - 2 * 3) % p, A.rank()
    ([5, 1048568, 1048568, 25], True, 2)
    >>> A.scale_rows(residues([flint.fmpq(1, 2), 1], p)).entries()[:2] == [residue(flint.fmpq(1, 2), p), 1]
    True
    """

    __slots__ = ("residues", "modulus")

    def __init__(self, residues: np.ndarray, modulus: int) -> None:
        if not 2 < modulus < FLOAT_MODULUS:
            raise ValueError(f"ResidueMatrix needs a prime below 2^20, got {modulus}")
        self.residues, self.modulus = residues, modulus

    @classmethod
    def of(cls, M: np.ndarray | flint.fmpq_mat | flint.fmpz_mat, p: int) -> ResidueMatrix:
        """The residues of an integer or rational matrix (a numpy array of exact numbers, or FLINT's).

        Raises
        ------
        ZeroDivisionError
            If p divides the denominator of an entry.
        """
        if isinstance(M, (flint.fmpq_mat, flint.fmpz_mat)):
            rows, cols = M.nrows(), M.ncols()
            entries = modular_matrix(M, p).entries()
            return cls(np.array([int(a) for a in entries], dtype=np.float64).reshape(rows, cols), p)
        if M.dtype == np.int64:
            return cls(np.mod(M, p).astype(np.float64), p)
        values = [int(residue(a, p)) for a in M.ravel().tolist()]
        return cls(np.array(values, dtype=np.float64).reshape(M.shape), p)

    @classmethod
    def zeros(cls, rows: int, cols: int, p: int) -> ResidueMatrix:
        """The zero matrix."""
        return cls(np.zeros((rows, cols)), p)

    def nrows(self) -> int:
        """The number of rows."""
        return self.residues.shape[0]

    def ncols(self) -> int:
        """The number of columns."""
        return self.residues.shape[1]

    def transpose(self) -> ResidueMatrix:
        """The transposed matrix."""
        return ResidueMatrix(self.residues.T, self.modulus)

    def entries(self) -> list[int]:
        """The residues as Python integers, row by row."""
        return [int(a) for a in self.residues.ravel().tolist()]

    def _same_field(self, other: ResidueMatrix) -> int:
        if self.modulus != other.modulus:
            raise ValueError(f"residues modulo {self.modulus} and {other.modulus}")
        return self.modulus

    def __add__(self, other: ResidueMatrix) -> ResidueMatrix:
        p = self._same_field(other)
        return ResidueMatrix(_reduce(self.residues + other.residues, p), p)

    def __mul__(self, other: ResidueMatrix) -> ResidueMatrix:
        p = self._same_field(other)
        A, B = self.residues, other.residues
        if not _float_products_exact():
            return ResidueMatrix(((A.astype(np.int64) @ B.astype(np.int64)) % p).astype(np.float64), p)
        product = np.zeros((A.shape[0], B.shape[1]))
        for start in range(0, A.shape[1], _BLOCK):
            block = A[:, start : start + _BLOCK] @ B[start : start + _BLOCK]
            product = _reduce(product + _reduce(block, p), p)
        return ResidueMatrix(product, p)

    def scale_rows(self, factors: Sequence[flint.nmod]) -> ResidueMatrix:
        """``diag(factors) * self``: row i times ``factors[i]`` (residues modulo the same p)."""
        column = np.array([int(f) for f in factors], dtype=np.float64)[:, None]
        return ResidueMatrix(_reduce(column * self.residues, self.modulus), self.modulus)

    def _nmod_mat(self) -> flint.nmod_mat:
        return flint.nmod_mat(self.nrows(), self.ncols(), self.entries(), self.modulus)

    def det(self) -> flint.nmod:
        """The determinant in GF(p) (a square matrix)."""
        return self._nmod_mat().det()

    def rank(self) -> int:
        """The rank over GF(p)."""
        return self._nmod_mat().rank()


class MatrixField(NamedTuple):
    """Where the Jacobians and Hessians of a witness are computed: Q, or GF(p) for a prime p.

    ``matrix`` takes an exact weight array (:mod:`symmorse.exact.arrays`) or a FLINT
    matrix into the field (``fmpq_mat`` over Q, :class:`ResidueMatrix` for p < 2^20,
    ``nmod_mat`` for larger p), ``scalars`` a list of rationals, ``zeros`` gives a
    zero matrix and :meth:`scale` multiplies by a diagonal matrix.  Over GF(p) the
    maps raise ``ZeroDivisionError`` if p divides a denominator.

    Examples
    --------
    >>> F = matrix_field(PRIMES[0])
    >>> M = F.matrix(np.array([[1, 2], [3, 4]]))
    >>> F.scale(F.scalars([flint.fmpq(1, 2), 1]), M).entries() == [F.scalars([flint.fmpq(1, 2)])[0], 1, 3, 4]
    True
    >>> matrix_field(None).scale([2, 3], flint.fmpq_mat([[1], [1]])).entries(), matrix_field(None).name
    ([2, 3], 'Q')
    """

    name: str
    modulus: int | None
    matrix: Callable[[object], object]
    scalars: Callable[[Sequence[flint.fmpq]], list]
    zeros: Callable[[int, int], object]

    def scale(self, factors: Sequence, M: object) -> object:
        """``diag(factors) * M`` (row i of M times ``factors[i]``)."""
        if isinstance(M, ResidueMatrix):
            return M.scale_rows(factors)
        n = M.nrows()
        if M.ncols() == 1:
            return type(M)(n, 1, [f * a for f, a in zip(factors, M.entries())], *self._modulus())
        D = self.zeros(n, n)
        for i, f in enumerate(factors):
            D[i, i] = f
        return D * M

    def _modulus(self) -> tuple[int, ...]:
        return () if self.modulus is None else (self.modulus,)


def _rationals(M: object) -> flint.fmpq_mat:
    """A weight array or a FLINT integer or rational matrix as ``fmpq_mat``."""
    if isinstance(M, (flint.fmpq_mat, flint.fmpz_mat)):
        return flint.fmpq_mat(M)
    return rational_matrix(M)


def matrix_field(p: int | None) -> MatrixField:
    """Q (``p=None``) or GF(p) for a prime p with ``2 < p < 2^63``, as a :class:`MatrixField`.

    Examples
    --------
    >>> [type(matrix_field(p).zeros(1, 1)).__name__ for p in (None, 7, 2**61 - 1)], matrix_field(7).name
    (['fmpq_mat', 'ResidueMatrix', 'nmod_mat'], 'GF(7)')
    """
    if p is None:
        return MatrixField("Q", None, _rationals, list, flint.fmpq_mat)
    if p < FLOAT_MODULUS:
        return MatrixField(
            f"GF({p})",
            p,
            lambda M: ResidueMatrix.of(M, p),
            lambda values: residues(values, p),
            lambda rows, cols: ResidueMatrix.zeros(rows, cols, p),
        )
    return MatrixField(
        f"GF({p})",
        p,
        lambda M: modular_matrix(_rationals(M), p),
        lambda values: residues(values, p),
        lambda rows, cols: flint.nmod_mat(rows, cols, p),
    )
