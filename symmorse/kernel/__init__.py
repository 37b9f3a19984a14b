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
* :mod:`~symmorse.kernel.node` -- ``symmorse-node/1`` (neural ODEs, embeddings);
* :mod:`~symmorse.kernel.elimination` -- ``symmorse-elimination/1`` (degeneracy polynomials);
* :mod:`~symmorse.kernel.critical` -- ``symmorse-critical/1`` (every critical point of a concrete network).

:func:`check_certificate` dispatches on the ``format`` field.
"""

from __future__ import annotations

from collections.abc import Callable

from ..exact.errors import CertificateError
from . import critical, elimination, graph, layered, node
from .base import CheckResult

__all__ = ["CheckResult", "FORMATS", "check_certificate"]

#: Checkers by certificate format.
FORMATS: dict[str, Callable[[dict], CheckResult]] = {
    layered.FORMAT: layered.check_mlp_certificate,
    graph.FORMAT: graph.check_strata_certificate,
    node.FORMAT: node.check,
    elimination.FORMAT: elimination.check,
    critical.FORMAT: critical.check,
}


def check_certificate(data: object) -> CheckResult:
    """Check a certificate (parsed JSON) of any registered format.

    Raises
    ------
    CertificateError
        If ``data`` is not a certificate of a known format.

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
    return FORMATS[fmt](data)
