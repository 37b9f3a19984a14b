"""The proof catalog: certify many architectures, write them, re-check them all.

:func:`sweep` certifies every architecture of a list -- layered MLPs by their
widths, graphs by their command-line spelling such as ``"2,3,1 --skip 0:out"``
or ``"resnet:2,2,1"`` (:func:`catalog_graphs` lists the bundled families) --
for given activations, in parallel worker processes, and writes one
certificate per (architecture, activation) plus a generated ``README.md`` table.
:func:`verify` re-checks every certificate of a directory with the
independent checker.  The bundled catalog (``proofs/`` in the source tree,
``symmorse.proofs`` once installed) is what ``symmorse verify`` checks by
default.
"""

from __future__ import annotations

import itertools
import json
import os
import pathlib
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from ..exact.errors import CertificateError, InputError
from ..exact.limits import run_limited
from ..kernel import CheckResult, check_certificate
from ..model.architecture import parse_architecture
from ..model.io import read_json, write_atomic
from ..search.certify import certify
from .progress import progress

__all__ = [
    "CatalogEntry",
    "catalog_architectures",
    "sweep",
    "write_table",
    "verify",
    "Verified",
    "summary_table",
    "bundled_catalog",
    "certificate_filename",
    "catalog_graphs",
]


@dataclass(frozen=True)
class CatalogEntry:
    """One row of the catalog table."""

    file: str
    architecture: str
    activation: str
    kind: str
    branches: str
    critical_points: str
    morse: str
    status: str

    @classmethod
    def from_certificate(cls, file: str, data: dict) -> CatalogEntry:
        """The row describing a certificate's JSON data (layered branches, or death strata)."""
        arch = data["architecture"]
        if "strata" in data:
            listed = [e for e in data["strata"] if e["complete"] and e["kind"] in ("morse", "degenerate")]
            families = sum(not e["complete"] for e in data["strata"])
            branches = "; ".join(
                f"{e['kind']} c={e['c']}" + (" (witness)" if e["status"] == "witness" else "") for e in listed
            )
            branches = f"strata: {branches or 'all null/empty'}; {families} closed families"
        else:
            branches = "; ".join(
                f"k={b['step']} {b['kind']}" + (" (witness)" if b.get("status") == "witness" else "")
                for b in data["branches"]
            )
        return cls(
            file,
            ",".join(map(str, arch["widths"])) if "widths" in arch else arch.get("name", "graph"),
            data["activation"],
            data["class"],
            branches or "none",
            data["critical_points"],
            data["morse"],
            data["status"],
        )


def catalog_architectures(
    max_input: int = 3, max_hidden_width: int = 4, max_hidden_layers: int = 3
) -> list[list[int]]:
    """All widths ``n_0, ..., n_L = 1`` within the bounds (0 hidden layers included).

    Examples
    --------
    >>> len(catalog_architectures(3, 4, 3))
    255
    >>> catalog_architectures(1, 2, 1)
    [[1, 1], [1, 1, 1], [1, 2, 1]]
    """
    for name, value in (("max_input", max_input), ("max_hidden_width", max_hidden_width)):
        if value < 1:
            raise InputError(f"{name} must be at least 1, got {value}")
    if max_hidden_layers < 0:
        raise InputError(f"max_hidden_layers must be at least 0, got {max_hidden_layers}")
    result = []
    for n0 in range(1, max_input + 1):
        for depth in range(max_hidden_layers + 1):
            for hidden in itertools.product(range(1, max_hidden_width + 1), repeat=depth):
                result.append([n0, *hidden, 1])
    return result


def catalog_graphs(max_input: int = 3, max_width: int = 3, max_depth: int = 2) -> list[str]:
    """The bundled graph families, spelled as on the command line.

    MLPs with input-to-output skips (``n0,h1,...,1 --skip 0:out``, input width
    <= ``max_input``, hidden widths <= ``max_width``, 1..``max_depth`` hidden
    layers) and residual networks ``resnet:n,m,h1,...`` (n <= ``max_input``,
    state and block widths <= ``max_width``, 1..``max_depth`` blocks).

    Examples
    --------
    >>> families = catalog_graphs(3, 3, 2)
    >>> len(families), families[0], families[-1]
    (144, '1,1,1 --skip 0:out', 'resnet:3,3,3,3')
    """
    for name, value in (("max_input", max_input), ("max_width", max_width), ("max_depth", max_depth)):
        if value < 1:
            raise InputError(f"{name} must be at least 1, got {value}")
    hidden = [
        h
        for depth in range(1, max_depth + 1)
        for h in itertools.product(range(1, max_width + 1), repeat=depth)
    ]
    skips = [
        ",".join(map(str, (n0, *h, 1))) + " --skip 0:out" for n0 in range(1, max_input + 1) for h in hidden
    ]
    resnets = [
        "resnet:" + ",".join(map(str, (n, m, *h)))
        for n in range(1, max_input + 1)
        for m in range(1, max_width + 1)
        for h in hidden
    ]
    return skips + resnets


def certificate_filename(architecture: Sequence[int] | str, activation: str) -> str:
    """``mlp-2-3-1-tanh.json``, ``skip-2-3-1-tanh.json``, ``resnet-2-2-1-tanh.json`` (activations made safe).

    Examples
    --------
    >>> certificate_filename([2, 3, 1], "poly:z**3+z")
    'mlp-2-3-1-poly_z3_z.json'
    >>> certificate_filename("2,3,1 --skip 0:out", "tanh"), certificate_filename("resnet:2,2,1", "tanh")
    ('skip-2-3-1-tanh.json', 'resnet-2-2-1-tanh.json')
    """
    safe = "".join(ch if ch.isalnum() else "_" for ch in activation.replace("**", ""))
    if isinstance(architecture, str):
        family = "resnet" if architecture.startswith("resnet:") else "graph"
        spec = architecture.removeprefix("resnet:")
        if spec.endswith(" --skip 0:out") and family == "graph":
            family, spec = "skip", spec.removesuffix(" --skip 0:out")
        if not all(ch.isdigit() or ch == "," for ch in spec):
            raise InputError(f"no catalog file name for {architecture!r}")
        return f"{family}-{spec.replace(',', '-')}-{safe}.json"
    return f"mlp-{'-'.join(map(str, architecture))}-{safe}.json"


def _certify_one(job: tuple[Sequence[int] | str, str, str, int]) -> CatalogEntry:
    architecture, activation, directory, seed = job
    graph = parse_architecture(architecture) if isinstance(architecture, str) else architecture
    data = certify(graph, activation, seed=seed).to_json()
    name = certificate_filename(architecture, activation)
    write_atomic(os.path.join(directory, name), json.dumps(data, indent=1) + "\n")
    return CatalogEntry.from_certificate(name, data)


def sweep(
    architectures: Iterable[Sequence[int] | str],
    activations: Sequence[str],
    directory: str,
    workers: int = 1,
    seed: int = 0,
    show_progress: bool = True,
) -> list[CatalogEntry]:
    """Certify every (architecture, activation) pair and write the certificates.

    Returns the table rows, sorted by file name; :func:`write_table` writes them.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     rows = sweep([[2, 3, 1], [2, 1]], ["tanh"], d, show_progress=False)
    >>> [(r.architecture, r.kind, r.status) for r in rows]
    [('2,1', 'non-augmented', 'proved'), ('2,3,1', 'augmented', 'proved')]
    """
    if not os.path.isdir(directory):
        raise InputError(f"output directory {directory!r} does not exist")
    if workers < 1:
        raise InputError(f"--workers must be at least 1, got {workers}")
    jobs = [
        (a if isinstance(a, str) else list(a), act, directory, seed)
        for act in activations
        for a in architectures
    ]
    if workers == 1:
        rows = [_certify_one(job) for job in progress(jobs, len(jobs), "certifying", show_progress)]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(_certify_one, jobs, chunksize=8)
            rows = list(progress(results, len(jobs), "certifying", show_progress))
    return sorted(rows, key=lambda r: r.file)


def write_table(directory: str, rows: Sequence[CatalogEntry], bounds: str) -> str:
    """Write ``README.md`` with the catalog table into ``directory``; returns its path."""
    lines = [
        "# The symmorse proof catalog",
        "",
        f"Generated by `symmorse sweep` ({bounds}). Every file is a certificate that",
        "`symmorse check FILE` re-verifies with exact arithmetic; `symmorse verify` checks them all.",
        "",
        "| architecture | activation | class | branches | critical points | Morse | status | file |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.architecture} | {r.activation} | {r.kind} | {r.branches} | {r.critical_points} "
        f"| {r.morse} | {r.status} | [{r.file}]({r.file}) |"
        for r in rows
    ]
    path = os.path.join(directory, "README.md")
    write_atomic(path, "\n".join(lines) + "\n")
    return path


def bundled_catalog() -> str:
    """Path of the catalog shipped with the package (``proofs/`` in a source checkout).

    Installed, the catalog is the package data ``symmorse/proofs``; in a source
    checkout it is the top-level ``proofs/`` folder next to ``symmorse/``.
    """
    package = pathlib.Path(__file__).resolve().parents[1]  # symmorse/
    for candidate in (package / "proofs", package.parent / "proofs"):
        if candidate.is_dir():
            return str(candidate)
    raise InputError("the bundled proof catalog is missing from this installation")


@dataclass(frozen=True)
class Verified:
    """The checker's answer for one file, and its catalog row when readable."""

    file: str
    result: CheckResult
    entry: CatalogEntry | None


_BATCH = 64


def verify(directory: str | None = None, show_progress: bool = True, seconds: float = 60.0) -> list[Verified]:
    """Re-check every ``*.json`` certificate in ``directory`` (default: the bundled catalog).

    Checks run in forked, memory-limited worker processes
    (:func:`~symmorse.exact.limits.run_limited`), in batches of up to 64 files with
    ``seconds`` for the batch; a batch that runs out of limits is re-checked
    file by file, ``seconds`` each.  A file that is not a readable
    certificate, or cannot be checked within the limits, counts as rejected, with
    the reason.

    Raises
    ------
    InputError
        If the directory does not exist or holds no certificates.

    Examples
    --------
    >>> results = verify(show_progress=False)
    >>> len(results) >= 500, all(v.result.accepted for v in results)
    (True, True)
    """
    directory = directory or bundled_catalog()
    if not os.path.isdir(directory):
        raise InputError(f"{directory!r} is not a directory")
    files = sorted(f for f in os.listdir(directory) if f.endswith(".json"))
    if not files:
        raise InputError(f"no certificates (*.json) in {directory!r}")
    batches = [files[i : i + _BATCH] for i in range(0, len(files), _BATCH)]
    results: list[Verified] = []
    for batch in progress(batches, len(batches), "checking", show_progress):
        outcome = run_limited(_verify_files, (directory, batch), seconds)
        if outcome.ok:
            results += outcome.value
        else:  # something in the batch is too big: each file on its own, with its own limits
            for name in batch:
                one = run_limited(_verify_files, (directory, [name]), seconds)
                results += (
                    one.value
                    if one.ok
                    else [Verified(name, CheckResult(False, f"not checked: {one.value}"), None)]
                )
    return results


def _verify_files(directory: str, names: Sequence[str]) -> list[Verified]:
    """Check some certificate files (in a worker process started by :func:`verify`)."""
    results = []
    for name in names:
        entry = None
        try:
            data = read_json(os.path.join(directory, name), "certificate")
            result = check_certificate(data)
            catalogued = data.get("format") in ("symmorse-certificate/1", "symmorse-strata/1")
            entry = CatalogEntry.from_certificate(name, data) if result.accepted and catalogued else None
        except (CertificateError, InputError) as exc:
            result = CheckResult(False, f"unreadable: {exc}")
        results.append(Verified(name, result, entry))
    return results


def summary_table(results: Sequence[Verified]) -> str:
    """Counts of accepted MLP and graph certificates by activation, class and verdicts, as a text table.

    Examples
    --------
    >>> print(summary_table(verify(show_progress=False)))  # doctest: +ELLIPSIS
    activation  class          critical points  Morse      status    count
    sigmoid     augmented      generic          generic    proved       ...
    """
    counts = Counter(
        (v.entry.activation, v.entry.kind, v.entry.critical_points, v.entry.morse, v.entry.status)
        for v in results
        if v.entry is not None
    )
    header = ("activation", "class", "critical points", "Morse", "status", "count")
    rows = [(*key, str(n)) for key, n in sorted(counts.items())]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.rjust(w) if i == len(header) - 1 else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(r, widths))
        )
        for r in [header, *rows]
    )
