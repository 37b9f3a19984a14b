"""The proof catalog: certify many architectures into certificate files, re-check such files.

:func:`sweep` certifies every architecture of a list -- layered MLPs by their
widths, graphs by their command-line spelling such as ``"2,3,1 --skip 0:out"``
or ``"resnet:2,2,1"`` (:func:`catalog_graphs` lists the bundled families) --
for given activations, in parallel worker processes, and writes one
certificate per (architecture, activation); :func:`build_catalog` does so for
every architecture within bounds and adds a generated ``README.md`` table.
:func:`verify` re-checks every certificate of a directory with the
independent checker, :func:`check_file` one file.  The bundled catalog
(``proofs/`` in the source tree, ``symmorse.proofs`` once installed) is what
``symmorse verify`` checks by default.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import json
import os
import pathlib
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from ..exact.errors import CertificateError, InputError
from ..exact.limits import run_limited
from ..exact.words import plural
from ..kernel import CheckResult, check_path, import_kernels
from .progress import progress

__all__ = [
    "CatalogEntry",
    "catalog_architectures",
    "sweep",
    "write_table",
    "build_catalog",
    "Catalog",
    "verify",
    "check_file",
    "Verified",
    "CatalogCheck",
    "summary_table",
    "bundled_catalog",
    "certificate_filename",
    "catalog_graphs",
    "default_jobs",
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


def _certify_one(job: tuple[Sequence[int] | str, str, int]) -> tuple[CatalogEntry, str]:
    """Certify one (architecture, activation, seed): the catalog row and the certificate's text."""
    architecture, activation, seed = job
    from ..model.architecture import parse_architecture  # imported here: `symmorse check` needs none
    from ..search.certify import certify

    graph = parse_architecture(architecture) if isinstance(architecture, str) else architecture
    data = certify(graph, activation, seed=seed).to_json()
    name = certificate_filename(architecture, activation)
    return CatalogEntry.from_certificate(name, data), json.dumps(data, indent=1) + "\n"


def _certify_batch(jobs: Sequence[tuple[Sequence[int] | str, str, int]]) -> list[tuple[CatalogEntry, str]]:
    """Certify some jobs: the job function of :func:`sweep` on every executor (this process, the
    local pool, a Dask cluster).  The caller writes the files, so workers need no access to the
    output folder."""
    return [_certify_one(job) for job in jobs]


#: The most jobs (sweep) or files (verify) handed to a worker at once.
_BATCH = 64

T = TypeVar("T")


class Pool(Protocol):
    """Where the jobs of :func:`sweep` and :func:`verify` run: a :class:`LocalPool`, or a Dask
    cluster's :class:`symmorse.present.cluster.DaskPool`."""

    @property
    def workers(self) -> int:
        """How many jobs run at once."""
        ...

    def map_unordered(self, function: Callable, jobs: Iterable[tuple]) -> Iterator[Any]:
        """``function(*job)`` for every job, as each finishes (wrap it in :func:`.progress.progress`)."""
        ...

    def check_shared_folder(self, path: str) -> None:
        """Raise InputError if a worker cannot see the folder ``path``."""
        ...


class LocalPool:
    """The jobs on this machine: one after another in this process, or on ``workers`` processes.

    With ``threads``, the workers are threads of this process, for jobs that start
    their own limited process (the batches of :func:`verify`).

    Examples
    --------
    >>> sorted(LocalPool(2).map_unordered(pow, [(2, 3), (3, 2)]))
    [8, 9]
    """

    def __init__(self, workers: int, threads: bool = False) -> None:
        self.workers = workers
        self.threads = threads

    def map_unordered(self, function: Callable, jobs: Iterable[tuple]) -> Iterator[Any]:
        """``function(*job)`` for every job, as each finishes; an exception of a job is raised here."""
        if self.workers == 1:
            for job in jobs:
                yield function(*job)
            return
        executor = ThreadPoolExecutor if self.threads else ProcessPoolExecutor
        with executor(max_workers=self.workers) as pool:
            futures = [pool.submit(function, *job) for job in jobs]
            try:
                for future in as_completed(futures):
                    yield future.result()
            finally:
                for future in futures:
                    future.cancel()

    def check_shared_folder(self, path: str) -> None:
        """Nothing to check: the workers share this machine's files."""


@contextlib.contextmanager
def open_pool(scheduler: str | None, workers: int, threads: bool = False) -> Iterator[Pool]:
    """A :class:`LocalPool` of ``workers``, or a Dask cluster's pool for a ``scheduler`` address.

    The Dask one (:func:`symmorse.present.cluster.connect`; ``local:N`` starts a
    LocalCluster of N processes) is imported only then, so dask stays optional.

    Examples
    --------
    >>> with open_pool(None, 1) as pool:
    ...     list(pool.map_unordered(abs, [(-1,), (2,)]))
    [1, 2]
    """
    if scheduler is None:
        yield LocalPool(workers, threads)
        return
    from .cluster import connect

    with connect(scheduler) as pool:
        yield pool


def _sweep_jobs(
    architectures: Iterable[Sequence[int] | str], activations: Sequence[str], seed: int
) -> list[tuple]:
    """One job per (architecture, activation), activation by activation."""
    return [(a if isinstance(a, str) else list(a), act, seed) for act in activations for a in architectures]


def _run_sweep(pool: Pool, jobs: list[tuple], directory: str, show_progress: bool) -> list[CatalogEntry]:
    """Certify the jobs on ``pool``, writing each certificate into ``directory`` as it comes back.

    One worker: one job at a time.  Several: balanced batches of up to
    :data:`_BATCH` jobs (:func:`_balance` by the number of weights, at least 16
    batches per worker, as the weights only estimate the time), so that the
    cost of handing a job to a worker -- a few milliseconds on a Dask cluster --
    is shared by many small certificates.
    """
    if pool.workers == 1:
        batches = [[job] for job in jobs]
    else:
        batches = _balance(jobs, [_cost(job) for job in jobs], pool.workers, per_worker=16)
    from ..model.io import write_atomic

    rows = []
    results = pool.map_unordered(_certify_batch, [(batch,) for batch in batches])
    for batch in progress(results, len(jobs), "certifying", show_progress, size=len):
        for entry, text in batch:
            write_atomic(os.path.join(directory, entry.file), text)
            rows.append(entry)
    return sorted(rows, key=lambda r: r.file)


def sweep(
    architectures: Iterable[Sequence[int] | str],
    activations: Sequence[str],
    directory: str,
    workers: int = 1,
    seed: int = 0,
    show_progress: bool = True,
    scheduler: str | None = None,
) -> list[CatalogEntry]:
    """Certify every (architecture, activation) pair and write the certificates.

    Returns the table rows, sorted by file name; :func:`write_table` writes them.
    The jobs run in this process (``workers`` = 1), on ``workers`` local processes,
    or, given a ``scheduler`` address (``tcp://host:8786``, or ``local:N`` for a
    LocalCluster of N processes; ``pip install 'symmorse[dask]'``), on a Dask
    cluster, whose workers then decide how many run at once.  The rows and the
    files are the same on each; this process writes the files.

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
    with open_pool(scheduler, workers) as pool:
        return _run_sweep(pool, _sweep_jobs(architectures, activations, seed), directory, show_progress)


def _cost(job: tuple) -> int:
    """An estimate of the work of certifying a job's architecture: its number of edges (weights)."""
    architecture = job[0]
    if isinstance(architecture, str):
        from ..model.architecture import parse_architecture

        return parse_architecture(architecture).number_of_edges()
    return sum(a * b for a, b in zip(architecture, architecture[1:]))


def write_table(directory: str, rows: Sequence[CatalogEntry], bounds: str) -> str:
    """Write ``README.md`` with the catalog table into ``directory``; returns its path.

    ``bounds`` says in words what the catalog covers.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = write_table(d, sweep([[2, 1]], ["tanh"], d, show_progress=False), "one MLP")
    ...     print(open(path).read().splitlines()[-1])
    | 2,1 | tanh | non-augmented | none | none | generic | proved | [mlp-2-1-tanh.json](mlp-2-1-tanh.json) |
    """
    from ..model.io import write_atomic

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


#: The families of architectures a catalog may hold.
FAMILIES = ("mlp", "skip", "resnet")


@dataclass(frozen=True)
class Catalog:
    """What :func:`build_catalog` wrote: the directory, its rows and the table's path."""

    directory: str
    rows: list[CatalogEntry]
    table: str

    def summary(self) -> str:
        """One line: how many certificates, how many proved, where the table is."""
        proved = sum(r.status == "proved" for r in self.rows)
        return (
            f"{plural(len(self.rows), 'certificate')} in {self.directory} ({proved} proved, "
            f"{len(self.rows) - proved} undecided); table: {self.table}"
        )

    def to_json(self) -> dict:
        """JSON form (``symmorse sweep --json``): the folder, the table, the counts and every row.

        Examples
        --------
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as d:
        ...     data = build_catalog(d, ["tanh"], ["mlp"], 1, 1, 0, show_progress=False).to_json()
        >>> data["certificates"], data["proved"], data["rows"][0]["file"], data["rows"][0]["class"]
        (1, 1, 'mlp-1-1-tanh.json', 'non-augmented')
        """
        proved = sum(r.status == "proved" for r in self.rows)
        return {
            "directory": self.directory,
            "table": self.table,
            "certificates": len(self.rows),
            "proved": proved,
            "undecided": len(self.rows) - proved,
            "rows": [
                {
                    "file": r.file,
                    "architecture": r.architecture,
                    "activation": r.activation,
                    "class": r.kind,
                    "branches": r.branches,
                    "critical_points": r.critical_points,
                    "morse": r.morse,
                    "status": r.status,
                }
                for r in self.rows
            ],
        }


def build_catalog(
    directory: str,
    activations: Sequence[str] = ("tanh", "sigmoid"),
    families: Collection[str] = FAMILIES,
    max_input: int = 3,
    max_hidden_width: int = 4,
    max_hidden_layers: int = 3,
    max_graph_width: int = 3,
    max_graph_depth: int = 2,
    workers: int = 1,
    seed: int = 0,
    show_progress: bool = True,
    force: bool = False,
    scheduler: str | None = None,
) -> Catalog:
    """Certify every architecture of the families within the bounds, write the certificates and the table.

    Parameters
    ----------
    directory : str
        Where to write (created if missing).
    activations : sequence of str
        Activation names; blank ones are skipped.
    families : collection of str
        Some of ``mlp`` (:func:`catalog_architectures`), ``skip`` and ``resnet``
        (:func:`catalog_graphs`); blank ones are skipped.
    max_input, max_hidden_width, max_hidden_layers
        The bounds of the layered MLPs.
    max_graph_width, max_graph_depth
        The bounds of the skip MLPs and residual networks.
    workers, seed, show_progress, scheduler
        As for :func:`sweep`.  The scheduler is reached before anything is written.
    force : bool
        Write into ``directory`` even if it is not empty (files of the same
        name are replaced, others are left alone).  Without it a non-empty
        directory is refused, so a sweep never rewrites a catalog by accident.

    Raises
    ------
    InputError
        For no activation, an unknown family, a directory that cannot be made,
        or a non-empty directory without ``force`` (nothing is written then).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     print(build_catalog(d, ["tanh"], ["mlp"], 1, 1, 1, show_progress=False).summary())
    ... # doctest: +ELLIPSIS
    2 certificates in ... (2 proved, 0 undecided); table: .../README.md
    >>> build_catalog(bundled_catalog(), ["tanh"], ["mlp"], 1, 1, 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.InputError: '...proofs' is not empty: give a new folder, or --force to write ...
    """
    from ..model.activations import get_activation

    names = [get_activation(a).name for a in activations if a.strip()]
    if not names:
        raise InputError("--activations needs at least one activation")
    chosen = {f.strip() for f in families if f.strip()}
    if not chosen or chosen - set(FAMILIES):
        raise InputError(f"--families takes mlp, skip and resnet, got {','.join(families)!r}")
    archs: list = []
    if "mlp" in chosen:
        archs += catalog_architectures(max_input, max_hidden_width, max_hidden_layers)
    graphs = catalog_graphs(max_input, max_graph_width, max_graph_depth)
    archs += [g for g in graphs if ("resnet" if g.startswith("resnet:") else "skip") in chosen]
    if not force and os.path.isdir(directory) and os.listdir(directory):
        raise InputError(
            f"{directory!r} is not empty: give a new folder, or --force to write into it "
            "(files of the same name are replaced)"
        )
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise InputError(f"{directory!r} exists and is not a folder")
    if workers < 1:
        raise InputError(f"--workers must be at least 1, got {workers}")
    with open_pool(scheduler, workers) as pool:  # a scheduler that cannot be reached: nothing written
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create {directory!r}: {exc.strerror}") from None
        rows = _run_sweep(pool, _sweep_jobs(archs, names, seed), directory, show_progress)
    bounds = (
        f"families {', '.join(sorted(chosen))}; input width <= {max_input}; "
        f"MLPs: hidden widths <= {max_hidden_width}, <= {max_hidden_layers} hidden layers; "
        f"skip MLPs and ResNets: widths <= {max_graph_width}, <= {max_graph_depth} hidden layers "
        "or blocks; activations "
        f"{', '.join(names)}; seed {seed}"
    )
    return Catalog(directory, rows, write_table(directory, rows, bounds))


def bundled_catalog() -> str:
    """Path of the catalog shipped with the package (``proofs/`` in a source checkout).

    Installed, the catalog is the package data ``symmorse/proofs``; in a source
    checkout it is the top-level ``proofs/`` folder next to ``symmorse/``.

    Examples
    --------
    >>> os.path.isfile(os.path.join(bundled_catalog(), "mlp-2-3-1-tanh.json"))
    True
    """
    package = pathlib.Path(__file__).resolve().parents[1]  # symmorse/
    for candidate in (package / "proofs", package.parent / "proofs"):
        if candidate.is_dir():
            return str(candidate)
    raise InputError("the bundled proof catalog is missing from this installation")


@dataclass(frozen=True)
class Verified:
    """The checker's answer for one file, and its catalog row when readable.

    Examples
    --------
    >>> v = Verified("c.json", CheckResult(False, "det Hess Phi is 7"), None)
    >>> v.summary(), v.to_json()["accepted"]
    ('rejected: c.json: det Hess Phi is 7', False)
    """

    file: str
    result: CheckResult
    entry: CatalogEntry | None

    def summary(self) -> str:
        """One line: accepted or rejected, the file, the checker's reason."""
        return f"{'accepted' if self.result.accepted else 'rejected'}: {self.file}: {self.result.reason}"

    def to_json(self) -> dict:
        """JSON form: file, accepted, reason."""
        return {"file": self.file, "accepted": self.result.accepted, "reason": self.result.reason}


@dataclass(frozen=True)
class CatalogCheck:
    """The checker's answers for every certificate of a directory (``None``: the bundled catalog)."""

    directory: str | None
    results: list[Verified]

    @property
    def rejected(self) -> list[Verified]:
        """The files the checker did not accept (unreadable ones included)."""
        return [v for v in self.results if not v.result.accepted]

    def summary(self) -> str:
        """The counts by activation, class and verdicts, the totals, and every rejected file."""
        rejected = self.rejected
        lines = [
            summary_table(self.results),
            f"checked {plural(len(self.results), 'certificate')} in "
            f"{self.directory or 'the bundled catalog'}: "
            f"{len(self.results) - len(rejected)} accepted, {len(rejected)} rejected",
        ]
        lines += [f"  rejected {v.file}: {v.result.reason}" for v in rejected]
        return "\n".join(lines)

    def to_json(self) -> dict:
        """JSON form: how many were checked and accepted, and the rejected files with the reasons."""
        rejected = self.rejected
        return {
            "checked": len(self.results),
            "accepted": len(self.results) - len(rejected),
            "rejected": [{"file": v.file, "reason": v.result.reason} for v in rejected],
        }



def _balance(
    items: Sequence[T], weights: Sequence[int], jobs: int, per_worker: int = 4, most: int = _BATCH
) -> list[list[T]]:
    """Split ``items`` into batches of at most ``most``, balanced by ``weights`` for ``jobs`` workers.

    About ``per_worker`` batches per worker (more if ``most`` requires), filled
    heaviest item first into the lightest batch with room, returned heaviest
    batch first, so no worker is left with a long batch at the end
    (longest-processing-time-first scheduling; the more batches, the less a
    wrong weight can unbalance the end).

    Examples
    --------
    >>> _balance("abcdef", [5, 1, 1, 1, 1, 1], 1)
    [['a'], ['b', 'e'], ['c', 'f'], ['d']]
    """
    count = min(len(items), max(-(-len(items) // most), per_worker * jobs))
    batches: list[list[T]] = [[] for _ in range(count)]
    loads = [0] * count
    lightest = [(0, k) for k in range(count)]  # (load, batch) of the batches with room
    for i in sorted(range(len(items)), key=lambda i: -weights[i]):
        load, k = heapq.heappop(lightest)
        batches[k].append(items[i])
        loads[k] = load + weights[i]
        if len(batches[k]) < most:
            heapq.heappush(lightest, (loads[k], k))
    order = sorted(range(count), key=lambda k: -loads[k])
    return [batches[k] for k in order if batches[k]]


def _batches(path: str, files: Sequence[str], jobs: int) -> list[list[str]]:
    """Split ``files`` into batches of at most :data:`_BATCH`, balanced for ``jobs`` workers.

    One worker: consecutive batches.  Several: :func:`_balance` by file size,
    which estimates the checking time.

    Examples
    --------
    >>> [len(b) for b in _batches(bundled_catalog(), ["mlp-1-1-tanh.json"] * 130, 1)]
    [64, 64, 2]
    >>> sorted(len(b) for b in _batches(bundled_catalog(), ["mlp-1-1-tanh.json"] * 16, 2))
    [2, 2, 2, 2, 2, 2, 2, 2]
    """
    if jobs <= 1:
        return [list(files[i : i + _BATCH]) for i in range(0, len(files), _BATCH)]
    sizes = []
    for name in files:
        try:
            sizes.append(os.path.getsize(os.path.join(path, name)))
        except OSError:
            sizes.append(0)
    return _balance(files, sizes, jobs)


def _check_batch(path: str, batch: Sequence[str], seconds: float) -> list[Verified]:
    """One batch in a limited process; a batch that runs out of limits is re-checked file by file.

    The job function of :func:`verify` on every executor (this process, local
    threads, a Dask cluster's workers, which read the files at ``path``).  The
    kernels are imported before the fork (a no-op where :func:`verify` did it).
    """
    import_kernels()
    outcome = run_limited(_verify_files, (path, list(batch)), seconds)
    if outcome.ok:
        return outcome.value
    results = []  # something in the batch is too big: each file on its own, with its own limits
    for name in batch:
        one = run_limited(_verify_files, (path, [name]), seconds)
        results += (
            one.value if one.ok else [Verified(name, CheckResult(False, f"not checked: {one.value}"), None)]
        )
    return results


def default_jobs() -> int:
    """The CPUs this process may run on (``symmorse verify --jobs`` default).

    Examples
    --------
    >>> default_jobs() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def verify(
    directory: str | None = None,
    show_progress: bool = True,
    seconds: float = 60.0,
    jobs: int = 1,
    scheduler: str | None = None,
) -> CatalogCheck:
    """Re-check every ``*.json`` certificate in ``directory`` (default: the bundled catalog).

    Checks run in forked, memory-limited worker processes
    (:func:`~symmorse.exact.limits.run_limited`), in batches of up to 64 files with
    ``seconds`` for the batch; a batch that runs out of limits is re-checked
    file by file, ``seconds`` each.  With ``jobs`` > 1, that many batches run
    at once (balanced by :func:`_batches`); the results are the same, in the
    same order (by file name), as with one.  A file that is not a readable
    certificate, or cannot be checked within the limits, counts as rejected,
    with the reason.  Given a ``scheduler`` address (``tcp://host:8786``, or
    ``local:N`` for a LocalCluster of N processes; ``pip install 'symmorse[dask]'``),
    the batches are checked on a Dask cluster instead, as many at once as it has
    worker threads (``jobs`` is not used); its workers read the files at the
    same absolute path (a shared file system), and the results are the same.

    Raises
    ------
    InputError
        If the directory does not exist or holds no certificates, or ``jobs`` < 1; for a
        scheduler that cannot be reached, or workers that do not see the directory.

    Examples
    --------
    >>> check = verify(show_progress=False, jobs=2)
    >>> len(check.results) >= 500, check.rejected
    (True, [])
    """
    if jobs < 1:
        raise InputError(f"--jobs must be at least 1, got {jobs}")
    path = directory or bundled_catalog()
    if not os.path.isdir(path):
        raise InputError(f"{path!r} is not a directory")
    files = sorted(f for f in os.listdir(path) if f.endswith(".json"))
    if not files:
        raise InputError(f"no certificates (*.json) in {path!r}")
    import_kernels()  # once here, not in every forked batch
    checked: dict[str, Verified] = {}
    # local threads only wait: each batch is checked in its own forked process (run_limited)
    with open_pool(scheduler, jobs, threads=True) as pool:
        where = os.path.abspath(path)  # a cluster's workers have a working directory of their own
        pool.check_shared_folder(where)
        batches = [(where, batch, seconds) for batch in _batches(path, files, pool.workers)]
        results = pool.map_unordered(_check_batch, batches)
        for batch in progress(results, len(batches), "checking", show_progress):
            checked.update((v.file, v) for v in batch)
    return CatalogCheck(directory, [checked[name] for name in files])


def _entry(name: str, data: object, result: CheckResult) -> CatalogEntry | None:
    """The catalog row of an accepted MLP or strata certificate, else None."""
    catalogued = isinstance(data, dict) and data.get("format") in (
        "symmorse-certificate/1",
        "symmorse-strata/1",
    )
    return CatalogEntry.from_certificate(name, data) if result.accepted and catalogued else None


def _verify_files(directory: str, names: Sequence[str]) -> list[Verified]:
    """Check some certificate files (in a worker process started by :func:`verify`)."""
    results = []
    for name in names:
        entry = None
        try:
            data, result = check_path(os.path.join(directory, name))
            entry = _entry(name, data, result)
        except (CertificateError, InputError) as exc:
            result = CheckResult(False, f"unreadable: {exc}")
        results.append(Verified(name, result, entry))
    return results


def check_file(path: str, seconds: float = 300.0) -> Verified:
    """Re-check one certificate file of any format, in a memory-limited process with ``seconds``.

    The file is read there too, with the kernels' strict reader (a file above 64 MiB is refused
    unread), so that neither reading nor checking can exceed the limits.

    Raises
    ------
    CertificateError
        If the file is not a readable certificate, or cannot be checked within the limits.

    Examples
    --------
    >>> import os
    >>> path = os.path.join(bundled_catalog(), "mlp-2-3-1-tanh.json")
    >>> print(check_file(path).summary())  # doctest: +ELLIPSIS
    accepted: .../mlp-2-3-1-tanh.json: ...
    """
    outcome = run_limited(_check_one, (path,), seconds)  # the file is read inside the limits too
    if not outcome.ok:
        raise CertificateError(f"{path} could not be checked: {outcome.value}")
    return outcome.value


def _check_one(path: str) -> Verified:
    """Read (strictly) and check one file, in the worker process of :func:`check_file`."""
    data, result = check_path(path)
    return Verified(path, result, _entry(os.path.basename(path), data, result))


def summary_table(results: Sequence[Verified]) -> str:
    """Counts of accepted MLP and graph certificates by activation, class and verdicts, as a text table.

    Examples
    --------
    >>> print(summary_table(verify(show_progress=False).results))  # doctest: +ELLIPSIS
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
