"""Complete LaTeX documents: which document an input gets, and the names to write them.

:func:`document_for` is what ``symmorse latex`` does: it tells a weights file, an
architecture (widths, a graph file) and a certificate file apart and writes the
document each one gets.  The documents themselves are article-class LaTeX needing
only amsmath, amssymb and TikZ (the picture of the architecture), meant to be read top to bottom, written by
:mod:`~symmorse.present.proof_document` (:func:`architecture_document`,
:func:`certificate_document`) and :mod:`~symmorse.present.network_document`
(:func:`weights_document`, :func:`critical_points_latex`) from the pieces of
:mod:`~symmorse.present.sections` and :mod:`~symmorse.present.typeset`;
:func:`compile_pdf` (:mod:`~symmorse.present.pdf`) runs pdflatex.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from ..exact.errors import InputError
from ..kernel.reader import read_certificate
from ..model.architecture import from_json, parse_architecture
from ..model.io import load_network, read_json
from ..search.critical import critical_points
from .network_document import critical_points_latex, weights_document
from .node_document import node_certificate_document
from .pdf import compile_pdf
from .proof_document import (
    architecture_document,
    architecture_fragment,
    certificate_document,
    certificate_fragment,
)
from .typeset import DIGITS

__all__ = [
    "document_for",
    "architecture_document",
    "certificate_document",
    "architecture_fragment",
    "certificate_fragment",
    "weights_document",
    "critical_points_latex",
    "compile_pdf",
    "DIGITS",
]


def document_for(
    source: str | None,
    *,
    options: Sequence[str] = (),
    weights: str | None = None,
    activation: str | None = None,
    seed: int = 0,
    route: str = "auto",
    box: Sequence[str] | None = None,
    time_limit: float | None = 60.0,
    fragment: bool = False,
) -> str:
    """The document for what the command line names: weights, an architecture or a certificate file.

    Parameters
    ----------
    source : str or None
        Widths such as ``"2,3,1"`` (``resnet:...`` too), or a JSON file: an
        architecture graph or a certificate.  With ``weights``, optional (the
        file may name the architecture).
    options : sequence of str
        Graph options for widths, as on the command line (``"--skip 0:out"``).
    weights : str, optional
        A weights file: a document for these concrete weights, with their
        critical points certified in ``box`` within ``time_limit`` seconds.
    activation : str, optional
        The hidden activation (default: the weights file's, else tanh); a
        certificate names its own.
    seed, route
        For an architecture: as for :func:`~symmorse.search.certify.certify`.
    fragment : bool
        For an architecture or a certificate: instead of a document, a short
        block to ``\\input`` (theorem, formulas, a witness, a proof sketch
        citing the certificate file); see
        :func:`~symmorse.present.proof_document.certificate_fragment`.

    Returns
    -------
    str
        The LaTeX source.

    Raises
    ------
    InputError
        Without any source, for a weights file given as the source, and for an
        activation given with a certificate.
    CertificateRejected
        If the kernel rejects a certificate file (nothing is written about it).

    Examples
    --------
    >>> tex = document_for("2,2,1", options=["--skip 0:out"])
    >>> "death strata" in tex and tex.endswith("\\\\end{document}\\n")
    True
    >>> document_for(None)
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.InputError: give an architecture (e.g. 2,3,1), a certificate file, or --weights FILE
    """
    if weights:
        if fragment:
            raise InputError("--fragment is for an architecture or a certificate file, not --weights")
        net = load_network(source, activation, weights)
        found = critical_points(net, box, time_limit=time_limit)
        return weights_document(net, weights, critical=found.to_json())
    if not source:
        raise InputError("give an architecture (e.g. 2,3,1), a certificate file, or --weights FILE")
    if not (source.endswith(".json") or os.path.sep in source):
        architecture = parse_architecture(" ".join([source, *options]))
        if fragment:
            return architecture_fragment(architecture, activation or "tanh", seed, route=route)
        return architecture_document(architecture, activation or "tanh", seed, route=route)
    data = read_json(source, "input file")
    if isinstance(data, dict) and ("layers" in data or isinstance(data.get("parameters"), dict)):
        raise InputError(f"{source} is a weights file: give it as --weights {source}")
    if isinstance(data, dict) and ("nodes" in data or "widths" in data) and "branches" not in data:
        if fragment:
            return architecture_fragment(from_json(data), activation or "tanh", seed)
        return architecture_document(from_json(data), activation or "tanh", seed, source)
    if activation:
        raise InputError("--activation does not apply to a certificate (it names its own activation)")
    data = read_certificate(source)  # the kernels' strict reading
    fmt = data.get("format")
    if fmt == "symmorse-node/1":
        if fragment:
            raise InputError("--fragment is for MLP and graph certificates; give a neural-ODE one without it")
        return node_certificate_document(data, source)
    if fmt not in ("symmorse-certificate/1", "symmorse-strata/1"):
        raise InputError(
            f"{source} is a {fmt} certificate: symmorse latex writes documents for architectures, MLP, graph "
            "and neural-ODE certificates and weights files; re-check this one with symmorse check"
        )
    return certificate_fragment(data, source) if fragment else certificate_document(data, source)
