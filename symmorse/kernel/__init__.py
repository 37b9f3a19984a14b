"""The trusted kernels: small, independent re-checkers of every certificate format.

``proved`` rests on these modules alone.  Like a proof assistant's kernel they
trust nothing the search computed and import nothing from :mod:`symmorse.search`,
:mod:`symmorse.model` or :mod:`symmorse.present`: only :mod:`symmorse.exact`, the
standard library, SymPy (parsing, expansion, exact differentiation: each module
says exactly what for), python-flint (all arithmetic, signs and roots) and
networkx (reading graphs).  import-linter enforces this (``pyproject.toml``).
No SymPy heuristic (``simplify``, ``nsimplify``, ``solve``, ``real_roots``,
``minimal_polynomial``) is part of the trusted base.

* :mod:`~symmorse.kernel.base` -- what they share: :class:`CheckResult`, the chart
  table of DESIGN section 1 with its own proof of sigma' > 0 (Sturm sequences),
  exact numbers, the derivatives of a DAG at a point, the bias check;
* :mod:`~symmorse.kernel.constants` -- zero tests of constants and identities
  (expansion, annihilating polynomials, balls), or a refusal;
* :mod:`~symmorse.kernel.layered` -- ``symmorse-certificate/1`` (layered MLPs);
* :mod:`~symmorse.kernel.graph` -- ``symmorse-strata/1`` (death strata of any graph);
* :mod:`~symmorse.kernel.node` -- ``symmorse-node/1`` (neural ODEs, embeddings), with
  :mod:`~symmorse.kernel.node_ball` for ball witnesses (validated flows, Krawczyk);
* :mod:`~symmorse.kernel.elimination` -- ``symmorse-elimination/1`` (degeneracy polynomials);
* :mod:`~symmorse.kernel.critical` -- ``symmorse-critical/1`` (every critical point of a concrete network).

:func:`check_certificate` dispatches on the ``format`` field, after
:mod:`~symmorse.kernel.schemas` has checked the format's shape (every key known,
every value of its exact JSON type); :func:`check_text` and :func:`check_path`
first read JSON text or a file with the strict reader of
:mod:`~symmorse.kernel.reader` (no repeated keys, bounded sizes).  The contract
(``docs/certificate-formats.md``): a file that is not a strict reading of a
certificate of a known format raises
:class:`~symmorse.exact.errors.CertificateError` naming the field (``symmorse
check``: exit code 2); a well-formed certificate is answered with a
:class:`CheckResult`, ``accepted=False`` naming the first claim that does not
follow (exit code 1).  A kernel that fails on an input it did not foresee
(a Python exception from SymPy or FLINT) answers ``accepted=False``, ``not
checked``: an error never becomes an acceptance.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping

from ..exact.errors import CertificateError
from .base import CheckResult
from .reader import loads, read_certificate, unlimited_digits
from .schemas import check_shape

__all__ = ["CheckResult", "FORMATS", "check_certificate", "check_text", "check_path", "import_kernels"]


class _Checkers(Mapping):
    """Checkers by certificate format, each kernel module imported when its format is first checked
    (so that checking a layered certificate does not import the SymPy-heavy kernels).

    Examples
    --------
    >>> from symmorse.kernel import layered
    >>> FORMATS["symmorse-certificate/1"] is layered.check_mlp_certificate, len(FORMATS)
    (True, 5)
    """

    _WHERE = {
        "symmorse-certificate/1": ("layered", "check_mlp_certificate"),
        "symmorse-strata/1": ("graph", "check_strata_certificate"),
        "symmorse-node/1": ("node", "check"),
        "symmorse-elimination/1": ("elimination", "check"),
        "symmorse-critical/1": ("critical", "check"),
    }

    def __getitem__(self, fmt: str) -> Callable[[dict], CheckResult]:
        module, name = self._WHERE[fmt]
        return getattr(importlib.import_module(f"{__name__}.{module}"), name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._WHERE)

    def __len__(self) -> int:
        return len(self._WHERE)


#: Checkers by certificate format.
FORMATS: Mapping[str, Callable[[dict], CheckResult]] = _Checkers()


def import_kernels() -> None:
    """Import every format's kernel now: before forking many workers (``symmorse verify``), so
    that they share the imports instead of each importing SymPy again.

    Examples
    --------
    >>> import sys
    >>> import_kernels()
    >>> "symmorse.kernel.graph" in sys.modules
    True
    """
    for fmt in FORMATS:
        FORMATS[fmt]


def check_certificate(data: object) -> CheckResult:
    """Check a certificate (parsed JSON) of any registered format.

    Raises
    ------
    CertificateError
        If ``data`` is not a certificate of a known format, or not of its format's shape
        (the message names the field).

    Examples
    --------
    >>> from symmorse.search.certify import certify
    >>> check_certificate(certify("2,3,1").to_json()).accepted
    True
    """
    if not isinstance(data, dict):
        raise CertificateError("a certificate must be a JSON object")
    fmt = data.get("format")
    if not isinstance(fmt, str) or fmt not in FORMATS:
        known = ", ".join(sorted(FORMATS)) or "none"
        raise CertificateError(f"unknown certificate format {fmt!r} (known: {known})")
    check_shape(data, fmt)
    with unlimited_digits():
        try:
            return FORMATS[fmt](data)
        except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError, RecursionError) as exc:
            return CheckResult(
                False, f"not checked: the kernel failed on this input ({type(exc).__name__}: {exc})"
            )


def check_text(text: str | bytes) -> CheckResult:
    """Check a certificate given as JSON text, read strictly (:func:`~symmorse.kernel.reader.loads`).

    Examples
    --------
    >>> check_text('{"format": "symmorse-certificate/1", "format": "x"}')
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.CertificateError: the key 'format' appears twice in one object (two readings)
    """
    return check_certificate(loads(text))


def check_path(path: str) -> tuple[dict, CheckResult]:
    """Read a certificate file strictly (refusing one above 64 MiB unread) and check it; returns the
    parsed certificate and the answer.

    Examples
    --------
    >>> import os
    >>> from symmorse.present.catalog import bundled_catalog
    >>> check_path(os.path.join(bundled_catalog(), "mlp-2-3-1-tanh.json"))[1].accepted
    True
    """
    data = read_certificate(path)
    return data, check_certificate(data)
