"""symmorse: exact proofs about the critical points of neural-network maps.

Networks are built from networkx graphs as SymPy expressions; gradients and
Hessians are derived structurally and exactly.  See ``docs/DESIGN.md`` for the
mathematics, ``docs/ARCHITECTURE.md`` for the layers and ``README.md`` for the
command line.  The package is layered (each imports only those below it)::

    cli, present   text, LaTeX, plots, the catalog, the command line
    kernel         the trusted re-checkers (import only exact)
    search         classification, witnesses, certificates (untrusted)
    model          activations, architectures, networks, flows
    exact          numbers, exact linear algebra, parsing, limits, errors

The names below are imported on first use, so ``import symmorse`` is cheap.
``symmorse.certify`` and ``symmorse.checker``, the module paths of symmorse 0.1,
still import (as :mod:`symmorse.search.certify` and :mod:`symmorse.kernel`).

Examples
--------
>>> from symmorse import Network
>>> Network("2,3,1", "tanh").hessian("chart").shape
(2, 2)
>>> from symmorse import certify, check_certificate
>>> check_certificate(certify("2,3,1").to_json()).accepted
True
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys

__version__ = "0.1.0"

_EXPORTS = {
    "Activation": "symmorse.model.activations",
    "activation_names": "symmorse.model.activations",
    "get_activation": "symmorse.model.activations",
    "from_graph": "symmorse.model.architecture",
    "mlp": "symmorse.model.architecture",
    "resnet_graph": "symmorse.model.architecture",
    "Network": "symmorse.model.network",
    "SymmorseError": "symmorse.exact.errors",
    "classify": "symmorse.search.classify",
    "certify": "symmorse.search.certify",
    "critical_points": "symmorse.search.critical",
    "check_certificate": "symmorse.kernel",
}
#: Module paths of symmorse 0.1 that keep working.
_MODULE_ALIASES = {"symmorse.certify": "symmorse.search.certify", "symmorse.checker": "symmorse.kernel"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'symmorse' has no attribute {name!r}")


class _ModuleAlias:
    """Imports an old flat module path as the module it now names.

    A meta path finder and loader by protocol (``find_spec``, ``create_module``,
    ``exec_module``); not derived from :mod:`importlib.abc`, whose import costs
    the command line's start-up a pathlib and importlib.resources.
    """

    def __init__(self) -> None:
        self._specs: dict = {}

    def find_spec(self, fullname, path, target=None):
        if fullname in _MODULE_ALIASES:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec):
        module = importlib.import_module(_MODULE_ALIASES[spec.name])
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module) -> None:
        """Already executed under its own name; give back its own spec (importlib set the alias's)."""
        module.__spec__ = self._specs[module.__spec__.name]


sys.meta_path.append(_ModuleAlias())


def _notebook_display() -> None:
    """In IPython (notebooks), show networks, classifications and certificates as LaTeX."""
    ipython = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if ipython is not None:
        from .present.notebook import register

        register(ipython)


_notebook_display()
