"""Reading weights and architectures, writing results without half-written files.

Weights files (JSON) come in two shapes, both with an optional ``activation``:

* layered: ``{"widths": [2, 3, 1], "layers": [{"W": [[...], ...], "b": [...]}, ...]}``
  with one entry per layer after the input, the output layer included;
* by name: ``{"widths": [...]}`` or ``{"graph": {node-link}}`` together with
  ``{"parameters": {"W1_1_1": "-3/5", ...}}``.

Numbers may be integers, rational strings (``"-3/5"``), decimal strings or
floats; floats are read exactly (see :func:`symmorse.exact.to_rational`).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from .architecture import from_json, mlp
from .errors import InputError, WeightsError

__all__ = ["WeightsFile", "read_json", "load_weights", "write_atomic"]


def read_json(path: str, what: str = "file", error: type[InputError] = InputError) -> object:
    """Parse a JSON file, turning every failure into one clear ``error``."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise error(f"{what} {path!r} does not exist") from None
    except IsADirectoryError:
        raise error(f"{what} {path!r} is a directory") from None
    except OSError as exc:
        raise error(f"cannot read {what} {path!r}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise error(f"{what} {path!r} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise error(f"{what} {path!r} is not valid JSON: {exc.msg} (line {exc.lineno})") from None


@dataclass(frozen=True)
class WeightsFile:
    """What a weights file says: architecture and activation (if given), and the weights."""

    architecture: nx.DiGraph | None
    activation: str | None
    weights: Mapping[str, object] | list


def load_weights(path: str) -> WeightsFile:
    """Read a weights file (see the module docstring for the formats).

    Raises
    ------
    WeightsError
        If the file is unreadable or not in one of the formats.
    """
    data = read_json(path, "weights file", WeightsError)
    if not isinstance(data, dict):
        raise WeightsError(f"weights file {path!r}: expected a JSON object")
    unknown = set(data) - {"widths", "graph", "activation", "layers", "parameters", "format"}
    if unknown:
        raise WeightsError(f"weights file {path!r}: unknown keys {sorted(unknown)}")
    architecture = None
    if "widths" in data and "graph" in data:
        raise WeightsError(f"weights file {path!r}: give 'widths' or 'graph', not both")
    if "widths" in data:
        architecture = mlp(data["widths"])
    elif "graph" in data:
        architecture = from_json(data["graph"])
    activation = data.get("activation")
    if activation is not None and not isinstance(activation, str):
        raise WeightsError(f"weights file {path!r}: 'activation' must be a name")
    if ("layers" in data) == ("parameters" in data):
        raise WeightsError(f"weights file {path!r}: give exactly one of 'layers' or 'parameters'")
    weights = data.get("layers", data.get("parameters"))
    if "layers" in data and not isinstance(weights, list):
        raise WeightsError(f"weights file {path!r}: 'layers' must be a list")
    if "parameters" in data and not isinstance(weights, dict):
        raise WeightsError(f"weights file {path!r}: 'parameters' must be an object")
    return WeightsFile(architecture, activation, weights)


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` so that the file is either complete or untouched."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".symmorse-", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write {path!r}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
