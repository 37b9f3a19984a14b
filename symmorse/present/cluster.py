"""The jobs of ``symmorse sweep`` and ``symmorse verify`` on a Dask distributed cluster.

:func:`connect` opens a :class:`DaskPool` on a running cluster (a scheduler address
such as ``tcp://host:8786``) or on one it starts in this process (``local:N``: a
``LocalCluster`` of ``N`` worker processes with one thread each).  The pool runs the
same job functions as the local process pool of :mod:`symmorse.present.catalog`
and hands back their results as they complete (``distributed.as_completed``),
feeding the same progress bar; only the executor differs, so the results and the
files are the same.

Dask is optional (``pip install 'symmorse[dask]'``) and imported here only, when a
scheduler is given: without it, or when the scheduler cannot be reached, or a
worker does not run the same symmorse version, :func:`connect` raises
:class:`~symmorse.exact.errors.InputError` (the command line's exit code 2).
``docs/cluster.md`` says how to start a cluster.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..exact.errors import InputError

__all__ = ["DaskPool", "connect", "local_workers", "LOCAL", "CONNECT_TIMEOUT"]

#: The prefix of the special scheduler address ``local:N`` (a LocalCluster of N worker processes).
LOCAL = "local:"
#: Seconds to wait for a scheduler to answer, and for a cluster without workers to get one.
CONNECT_TIMEOUT = 10.0


def local_workers(address: str) -> int | None:
    """The ``N`` of ``local:N``, or None for the address of a running scheduler.

    Raises
    ------
    InputError
        For an empty address, or ``local:`` followed by anything but a positive integer.

    Examples
    --------
    >>> local_workers("local:2"), local_workers("tcp://10.0.0.5:8786")
    (2, None)
    >>> local_workers("local:0")
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.InputError: --scheduler local:N needs a number of workers N >= 1, got 'local:0'
    """
    if not address.strip():
        raise InputError("--scheduler needs an address such as tcp://host:8786, or local:N")
    if not address.startswith(LOCAL):
        return None
    count = address.removeprefix(LOCAL)
    if not count.isdigit() or int(count) < 1:
        raise InputError(f"--scheduler local:N needs a number of workers N >= 1, got {address!r}")
    return int(count)


def _call(function: Callable, *args: Any) -> Any:
    """Run one job on a Dask worker.

    A worker process started by a Dask nanny is daemonic, and a daemonic process
    may not start child processes; the checks of ``verify`` run in forked,
    limited children (:func:`~symmorse.exact.limits.run_limited`), which are
    themselves daemonic, always joined, and killed at their limits.  So the
    worker is allowed to have them.
    """
    current = multiprocessing.current_process()
    if current.daemon:
        current.daemon = False
    return function(*args)


def _version() -> str:
    """The symmorse version of the process it runs in (asked of every worker by :func:`connect`)."""
    from .. import __version__

    return __version__


class DaskPool:
    """An open client of a Dask cluster that runs jobs and yields their results as they complete.

    Examples
    --------
    >>> with connect("local:1") as pool:  # doctest: +SKIP
    ...     pool.workers, sorted(pool.map_unordered(pow, [(2, 3), (3, 2)]))
    (1, [8, 9])
    """

    def __init__(self, client: Any) -> None:
        self.client = client

    @property
    def workers(self) -> int:
        """How many jobs the cluster runs at once (the threads of all its workers)."""
        return sum(self.client.nthreads().values()) or 1

    def map_unordered(self, function: Callable, jobs: Iterable[tuple]) -> Iterator[Any]:
        """``function(*job)`` for every job on the cluster, as its future completes
        (``distributed.as_completed``; wrap it in :func:`.progress.progress` for a bar).

        The jobs are submitted in the order given (Dask runs earlier submissions
        first); an exception of a job is raised here.  Jobs still pending when the
        caller stops are cancelled.
        """
        from distributed import as_completed

        futures = [self.client.submit(_call, function, *job, pure=False) for job in jobs]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            self.client.cancel(futures)

    def check_shared_folder(self, path: str) -> None:
        """Make sure that every worker sees the folder ``path`` (where ``verify`` reads the certificates).

        Raises
        ------
        InputError
            Naming the workers on which ``path`` is not a folder.
        """
        seen = self.client.run(os.path.isdir, path, on_error="return")
        missing = sorted(worker for worker, ok in seen.items() if ok is not True)
        if missing:
            raise InputError(
                f"{path!r} is not a folder on the Dask worker(s) {', '.join(missing)}: the workers read the "
                "certificates at the same path (a shared file system)"
            )


def _check_workers(client: Any, address: str) -> None:
    """Wait for a worker, and make sure every worker runs the symmorse version of this process."""
    from .. import __version__

    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except (TimeoutError, asyncio.TimeoutError):  # the same on Python >= 3.11; distributed raises the second
        raise InputError(
            f"the Dask scheduler at {address!r} has no workers (waited {CONNECT_TIMEOUT:g} s): "
            "start some with `dask worker ADDRESS`"
        ) from None
    versions = client.run(_version, on_error="return")
    wrong = {worker: v for worker, v in sorted(versions.items()) if v != __version__}
    if wrong:
        worker, answer = next(iter(wrong.items()))
        found = f"symmorse {answer}" if isinstance(answer, str) else f"{type(answer).__name__}: {answer}"
        raise InputError(
            f"{len(wrong)} Dask worker(s) of {address!r} do not run symmorse {__version__} "
            f"({worker}: {found}): install the same symmorse on every worker"
        )


@contextlib.contextmanager
def connect(address: str) -> Iterator[DaskPool]:
    """A :class:`DaskPool` on the scheduler at ``address``, or on a new ``LocalCluster`` for ``local:N``.

    ``local:N`` starts ``N`` worker processes with one thread each from this
    process (the dashboard, if bokeh is installed, on a free port) and stops
    them on leaving; any other address is handed to ``distributed.Client``
    (``tcp://host:8786``, ``tls://...``).

    Raises
    ------
    InputError
        If dask is not installed, the address is malformed, the scheduler does not
        answer within :data:`CONNECT_TIMEOUT` seconds or has no workers, or a worker
        does not run this symmorse version.

    Examples
    --------
    >>> with connect("local:2") as pool:  # doctest: +SKIP
    ...     pool.workers
    2
    >>> with connect("local:x"):
    ...     pass
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.InputError: --scheduler local:N needs a number of workers N >= 1, got 'local:x'
    """
    count = local_workers(address)
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise InputError(
            f"--scheduler needs Dask distributed ({exc.msg}): pip install 'symmorse[dask]'"
        ) from None
    with contextlib.ExitStack() as stack:
        if count is not None:
            cluster = LocalCluster(
                n_workers=count, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
            stack.enter_context(cluster)
            target: Any = cluster
        else:
            target = address
        try:
            client = Client(target, timeout=CONNECT_TIMEOUT)
        except (OSError, ValueError, TimeoutError, asyncio.TimeoutError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {address!r}: {exc}") from None
        stack.enter_context(client)
        _check_workers(client, address)
        yield DaskPool(client)
