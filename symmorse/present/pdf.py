"""Compiling a document: pdflatex on a ``.tex`` file, in a temporary directory, the PDF next to it."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from ..exact.errors import SymmorseError

__all__ = ["compile_pdf"]


def compile_pdf(tex_path: str, pdflatex: str = "pdflatex") -> str:
    """Compile a ``.tex`` file with pdflatex in a temporary directory; the PDF goes next to it.

    Returns the PDF's path.

    Raises
    ------
    SymmorseError
        If pdflatex is not installed.
    RuntimeError
        If pdflatex fails (a bug in the generated document): with pdflatex's first error.

    Examples
    --------
    >>> compile_pdf("doc.tex", pdflatex="no-such-pdflatex")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.SymmorseError: pdflatex is not installed, so no PDF was made ...
    """
    program = shutil.which(pdflatex)
    if program is None:
        raise SymmorseError(
            f"pdflatex is not installed, so no PDF was made ({tex_path} is written); install it, e.g. "
            "apt-get install texlive-latex-base texlive-latex-recommended"
        )
    base = os.path.splitext(os.path.basename(tex_path))[0]
    target = os.path.splitext(os.path.abspath(tex_path))[0] + ".pdf"
    with tempfile.TemporaryDirectory(prefix="symmorse-latex-") as tmp:
        shutil.copyfile(tex_path, os.path.join(tmp, base + ".tex"))
        run = subprocess.run(
            [program, "-interaction=nonstopmode", "-halt-on-error", base + ".tex"],
            cwd=tmp,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=300,
        )
        pdf = os.path.join(tmp, base + ".pdf")
        if run.returncode != 0 or not os.path.exists(pdf):
            errors = [line for line in run.stdout.splitlines() if line.startswith("!")]
            raise RuntimeError(f"pdflatex failed on {tex_path}: {errors[0] if errors else run.returncode}")
        fd, partial = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".symmorse-", suffix=".pdf")
        os.close(fd)
        try:
            shutil.copyfile(pdf, partial)
            os.replace(partial, target)
        except BaseException:
            if os.path.exists(partial):
                os.unlink(partial)
            raise
    return target
