"""Exact integer weight matrices as numpy arrays, and their exact products with rational vectors.

The witnesses of wide layered networks have integer weights of a few bits (the random
letters) or a few dozen (the fibre of ``W_k``).  Held as ``int64`` arrays they are read,
written and multiplied at C speed; a matrix with an entry that is not an integer of at most
62 bits is an array of exact objects (``int`` and ``flint.fmpq``) and takes FLINT's route.

:func:`product` is exact: the rational vector is brought to one denominator and its
integer numerators are split into limbs of b bits, with b chosen so that every sum of
products of an entry and a limb is below ``2^63`` in absolute value; numpy's ``int64``
matrix product (integer arithmetic, no rounding) then gives each limb's image, and Python
integers put the limbs back together.

Examples
--------
>>> M = weight_array([1, -2, 3, 4], 2, 2)
>>> M.dtype.name, product(M, [flint.fmpq(1, 3), flint.fmpq(2**70)])
('int64', [-7083549724304467820543/3, 4722366482869645213697])
>>> weight_array([flint.fmpq(1, 2), 2**80], 1, 2).dtype.name  # not 62-bit integers: objects
'object'
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import flint
import numpy as np

__all__ = ["WeightArray", "weight_array", "product", "rational_matrix", "rational_entries"]

#: The type of weight arrays (``int64`` or exact objects).
WeightArray = np.ndarray

#: Entries of an ``int64`` weight array lie strictly between -2^62 and 2^62.
_BOUND = 2**62


def weight_array(entries: Sequence[object], rows: int, cols: int) -> np.ndarray:
    """A ``rows x cols`` array of exact numbers (ints, ``fmpz`` or ``fmpq``), row by row.

    The array is ``int64`` when every entry is an integer with ``|a| < 2^62``;
    otherwise it holds the exact values as objects (``int`` for integers, ``fmpq``
    otherwise), so that nothing is ever rounded or truncated.

    Examples
    --------
    >>> weight_array([1, flint.fmpq(4, 2), flint.fmpz(3)], 1, 3)
    array([[1, 2, 3]])
    >>> weight_array([flint.fmpq(1, 2)], 1, 1)
    array([[1/2]], dtype=object)
    """
    values = list(entries)
    if len(values) != rows * cols:
        raise ValueError(f"{len(values)} entries for a {rows} x {cols} matrix")
    integers = set(map(type, values)) <= {int}  # one pass in C; bools and fmpz are not ints here
    if not integers:
        values = [_exact(a) for a in values]
        integers = all(type(a) is int for a in values)
    small = _small_integers(values) if integers else None
    if small is not None:
        return small.reshape(rows, cols)
    array = np.empty(rows * cols, dtype=object)
    array[:] = values
    return array.reshape(rows, cols)


def _small_integers(values: list[int]) -> np.ndarray | None:
    """Python ints as an ``int64`` array when all have ``|a| < 2^62``, else None."""
    try:
        array = np.fromiter(values, dtype=np.int64, count=len(values))
    except OverflowError:
        return None
    if array.size and not (int(array.min()) > -_BOUND and int(array.max()) < _BOUND):
        return None
    return array


def _exact(a: object) -> int | flint.fmpq:
    """An integer as ``int``, any other rational as ``fmpq`` (no bools, no floats)."""
    if isinstance(a, (bool, float)) or not isinstance(a, (int, flint.fmpz, flint.fmpq)):
        raise TypeError(f"not an exact rational: {a!r}")
    q = flint.fmpq(a)
    return int(q.p) if q.q == 1 else q


def rational_matrix(M: np.ndarray) -> flint.fmpq_mat:
    """The weight array as a FLINT rational matrix.

    Examples
    --------
    >>> rational_matrix(weight_array([1, 2], 2, 1)).transpose()
    [1, 2]
    """
    rows, cols = M.shape
    if M.dtype == np.int64:
        return flint.fmpq_mat(flint.fmpz_mat(rows, cols, M.ravel().tolist()))
    return flint.fmpq_mat(rows, cols, M.ravel().tolist())


def rational_entries(M: np.ndarray) -> list[flint.fmpq]:
    """The entries of a weight array as ``fmpq``, row by row.

    Examples
    --------
    >>> rational_entries(weight_array([3, -1], 2, 1))
    [3, -1]
    """
    return [flint.fmpq(a) for a in M.ravel().tolist()]


def product(M: np.ndarray, v: Sequence[flint.fmpq]) -> list[flint.fmpq]:
    """``M v`` exactly, for a weight array M and a rational vector v.

    Examples
    --------
    >>> product(weight_array([2, 3], 1, 2), [flint.fmpq(1, 2), flint.fmpq(-1, 3)])
    [0]
    """
    rows, cols = M.shape
    if len(v) != cols:
        raise ValueError(f"a {rows} x {cols} matrix times a vector of {len(v)} entries")
    # Each limb has |digit| < 2^b, each entry |a| <= B: a row's sum is below cols * B * 2^b <= 2^62.
    scale = (cols * max(int(np.abs(M).max()), 1)).bit_length() if M.dtype == np.int64 and M.size else None
    if scale is None or scale > 60:  # exact objects, an empty matrix, or no room for a limb
        return (rational_matrix(M) * flint.fmpq_mat(cols, 1, list(v))).entries()
    denominator = 1
    for a in v:
        q = int(a.q)
        denominator = denominator * q // math.gcd(denominator, q)
    numerators = [int(a.p) * (denominator // int(a.q)) for a in v]
    size = max(abs(t) for t in numerators).bit_length()
    bits = 62 - scale
    count = max(1, -(-size // bits))
    digits = np.empty((cols, count), dtype=np.int64)
    mask = (1 << bits) - 1
    for j, t in enumerate(numerators):
        sign, t = (-1, -t) if t < 0 else (1, t)
        digits[j] = [sign * ((t >> (bits * i)) & mask) for i in range(count)]
    images = (M @ digits).tolist()
    result = []
    for row in images:
        total = 0
        for i in range(count - 1, -1, -1):
            total = (total << bits) + row[i]
        result.append(flint.fmpq(total, denominator))
    return result
