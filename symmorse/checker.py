"""The certificate checker: the small, independent kernel that ``proved`` rests on.

``symmorse check FILE`` reads a certificate and re-derives every claim in it
with exact arithmetic.  Like a proof assistant's kernel, the checker trusts
nothing the search side computed: it imports nothing from the modules that
find witnesses or classify architectures (a test enforces this), only the
exact-number and whitelisted-parsing helpers and the error types.

Each certificate format has one ``check(data) -> CheckResult`` function,
registered in :data:`FORMATS` by its ``format`` string.  A check returns
``accepted=False`` with the first false claim; it raises
:class:`~symmorse.errors.CertificateError` when the input is not a
certificate it can read at all (missing keys, wrong types).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .check_elimination import check as check_elimination
from .errors import CertificateError

__all__ = ["CheckResult", "FORMATS", "check_certificate"]


@dataclass(frozen=True)
class CheckResult:
    """The checker's answer: accepted or not, and why."""

    accepted: bool
    reason: str


#: Checkers by certificate format.
FORMATS: dict[str, Callable[[dict], CheckResult]] = {"symmorse-elimination/1": check_elimination}


def check_certificate(data: object) -> CheckResult:
    """Check a certificate (parsed JSON) of any registered format.

    Raises
    ------
    CertificateError
        If ``data`` is not a certificate of a known format.
    """
    if not isinstance(data, dict):
        raise CertificateError("a certificate must be a JSON object")
    fmt = data.get("format")
    if fmt not in FORMATS:
        known = ", ".join(sorted(FORMATS)) or "none"
        raise CertificateError(f"unknown certificate format {fmt!r} (known: {known})")
    return FORMATS[fmt](data)
