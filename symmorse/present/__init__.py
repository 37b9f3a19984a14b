"""Presentation: text reports, LaTeX (formulas, documents), plots, the proof catalog.

Given results of the search and verdicts of the kernels, these modules format them;
they compute no mathematics of their own (what a document shows about a witness or
a network, :mod:`symmorse.search.explain` computes).  :mod:`~symmorse.present.report`
(a derivation as text and data), :mod:`~symmorse.present.latex` (symbols, formulas,
notebook output), :mod:`~symmorse.present.notebook` (IPython formatters),
:mod:`~symmorse.present.html` (HTML tables for notebooks),
:mod:`~symmorse.present.documents` (which document an input gets; the document
writers by name), :mod:`~symmorse.present.proof_document` (an architecture or a
certificate explained), :mod:`~symmorse.present.network_document` (concrete weights),
:mod:`~symmorse.present.sections` (the sections every document has),
:mod:`~symmorse.present.typeset` (numbers, matrices, tables, the document builder),
:mod:`~symmorse.present.pdf` (pdflatex), :mod:`~symmorse.present.plot` (matplotlib),
:mod:`~symmorse.present.catalog` (sweeps and re-checks of certificate files),
:mod:`~symmorse.present.progress` (progress bars).
"""
