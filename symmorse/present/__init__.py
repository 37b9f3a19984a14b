"""Presentation: text reports, LaTeX (formulas, documents), plots, the proof catalog.

Given results of the search and verdicts of the kernels, these modules format them;
they compute no mathematics of their own.  :mod:`~symmorse.present.report` (text),
:mod:`~symmorse.present.latex` (formulas and notebook output),
:mod:`~symmorse.present.documents` (complete LaTeX documents, pdflatex),
:mod:`~symmorse.present.plot` (matplotlib), :mod:`~symmorse.present.catalog` (sweeps and
verification of a catalog), :mod:`~symmorse.present.progress` (progress bars).
"""
