"""One exception hierarchy for everything a user can get wrong.

Every error that a user's input can cause is a :class:`SymmorseError`; the
command line maps it to one line on standard error and exit code 2.  The
subclasses say which kind of input was wrong, in the manner of SymPy's
``DMBadInputError``/``DMShapeError``.
"""

__all__ = [
    "SymmorseError",
    "InputError",
    "ArchitectureError",
    "ActivationError",
    "WeightsError",
    "ExpressionError",
    "CertificateError",
    "CertificateRejected",
]


class SymmorseError(Exception):
    """Base class of every error caused by user input."""


class InputError(SymmorseError):
    """Malformed input: text, numbers, files."""


class ArchitectureError(InputError):
    """An architecture (widths or graph) that symmorse cannot accept."""


class ActivationError(InputError):
    """An unknown or unusable activation."""


class WeightsError(InputError):
    """Weights that are missing, non-finite, non-numeric or of the wrong shape."""


class ExpressionError(InputError):
    """A user expression with a syntax error or a name outside the whitelist."""


class CertificateError(InputError):
    """A certificate file that cannot be read (not one that is rejected)."""


class CertificateRejected(CertificateError):
    """A readable certificate that the checker rejects (the CLI exits with 1, as ``check`` does)."""
