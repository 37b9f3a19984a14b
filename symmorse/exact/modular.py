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
The residues live in python-flint ``nmod`` and ``nmod_mat`` (word-size primes).

Examples
--------
>>> p = PRIMES[0]
>>> M = flint.fmpq_mat(2, 2, [flint.fmpq(1, 2), 1, 1, 2])
>>> modular_matrix(M, p).det() == residue(M.det(), p)
True
"""

from __future__ import annotations

from collections.abc import Sequence

import flint

__all__ = ["PRIMES", "MIN_MODULUS", "MAX_MODULUS", "is_modulus", "residue", "residues", "modular_matrix"]

#: The moduli a certificate may name: primes with 2^59 < p < 2^63 (FLINT's word-size ``nmod``).
MIN_MODULUS, MAX_MODULUS = 2**59, 2**63

#: The primes the search uses, in order: the three largest primes below 2^60.
PRIMES = (2**60 - 93, 2**60 - 107, 2**60 - 173)


def is_modulus(p: object) -> bool:
    """Whether ``p`` is an integer (not a bool) in ``(2^59, 2^63)`` that FLINT proves prime.

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
