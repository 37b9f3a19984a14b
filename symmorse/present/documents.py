"""Complete LaTeX documents, by name: the writers of every document kind, and pdflatex.

The documents are article-class LaTeX needing only amsmath and amssymb, meant to be
read top to bottom, written by :mod:`~symmorse.present.proof_document`
(:func:`architecture_document`, :func:`certificate_document`) and
:mod:`~symmorse.present.network_document` (:func:`weights_document`,
:func:`critical_points_latex`) from the pieces of :mod:`~symmorse.present.sections`
and :mod:`~symmorse.present.typeset`; :func:`compile_pdf`
(:mod:`~symmorse.present.pdf`) runs pdflatex.
"""

from __future__ import annotations

from .network_document import critical_points_latex, weights_document
from .pdf import compile_pdf
from .proof_document import architecture_document, certificate_document
from .typeset import DIGITS

__all__ = [
    "architecture_document",
    "certificate_document",
    "weights_document",
    "critical_points_latex",
    "compile_pdf",
    "DIGITS",
]
