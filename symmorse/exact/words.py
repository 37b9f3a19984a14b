"""Counted nouns in messages: ``1 branch``, ``2 branches`` (so no message says ``1 branches``)."""

from __future__ import annotations

__all__ = ["plural"]

_IRREGULAR = {
    "family": "families",
    "branch": "branches",
    "box": "boxes",
    "stratum": "strata",
    "entry": "entries",
    "witness": "witnesses",
    "leaf": "leaves",
}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun``, the noun in the plural unless ``count`` is 1.

    ``many`` gives the plural when it is neither ``noun + "s"`` nor one of the
    irregular forms known here (family, branch, box, stratum, entry, witness, leaf).

    Examples
    --------
    >>> plural(1, "branch"), plural(2, "branch"), plural(0, "critical point")
    ('1 branch', '2 branches', '0 critical points')
    >>> plural(3, "stratum"), plural(1, "matrix", "matrices"), plural(2, "matrix", "matrices")
    ('3 strata', '1 matrix', '2 matrices')
    """
    if count == 1:
        return f"{count} {noun}"
    head, _, last = noun.rpartition(" ")
    word = many or _IRREGULAR.get(last, last + "s")
    return f"{count} {head + ' ' if head and not many else ''}{word}"
