"""Time limits: long computations answer ``undecided`` instead of hanging.

Limits count CPU seconds of the process doing the work, not wall-clock time,
so that a verdict does not depend on how loaded the machine is.  A
:class:`Deadline` is polled by the loops of long algorithms (witness search,
branch-and-bound, elimination); when the process has used its CPU seconds,
:meth:`~Deadline.check` raises :class:`TimeLimitReached`, which callers turn
into an ``undecided`` verdict with the reason.  Polling, rather than signals,
keeps it safe in threads and worker processes, at the cost of waiting for one
step of work inside a C library to finish.

Where a single library call can run for minutes or exhaust memory (a FLINT
resultant, a certificate crafted to be huge), :func:`run_limited` runs the work
in a forked process with an address-space limit and a CPU-time limit
(``RLIMIT_CPU``), and kills it when either is reached; a wall-clock guard of
several times the limit catches work that waits without computing.
"""

from __future__ import annotations

import math
import multiprocessing
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from .errors import SymmorseError

__all__ = ["Deadline", "TimeLimitReached", "Outcome", "run_limited", "MEMORY_LIMIT"]

#: Default address-space limit (bytes) of a worker process started by :func:`run_limited`.
MEMORY_LIMIT = 4 * 2**30


class TimeLimitReached(Exception):
    """The time limit passed; the computation did not decide."""


class Deadline:
    """A budget of CPU seconds of this process after which work should stop.

    Parameters
    ----------
    seconds : float or None
        CPU time allowed from now (``time.process_time``); ``None`` means no limit.

    Examples
    --------
    >>> Deadline(None).expired()
    False
    >>> d = Deadline(0)
    >>> d.expired()
    True
    >>> d.check("witness search")
    Traceback (most recent call last):
      ...
    symmorse.exact.limits.TimeLimitReached: witness search: time limit of 0 s (CPU) reached
    """

    def __init__(self, seconds: float | None) -> None:
        if seconds is not None and seconds < 0:
            raise ValueError("a time limit must be >= 0 seconds")
        self.seconds = seconds
        self._end = None if seconds is None else time.process_time() + seconds

    def remaining(self) -> float | None:
        """CPU seconds left (never negative), or None without a limit."""
        return None if self._end is None else max(0.0, self._end - time.process_time())

    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return self._end is not None and time.process_time() >= self._end

    def check(self, what: str = "computation") -> None:
        """Raise :class:`TimeLimitReached` if the deadline has passed."""
        if self.expired():
            raise TimeLimitReached(f"{what}: time limit of {self.seconds:g} s (CPU) reached")


@dataclass(frozen=True)
class Outcome:
    """What a limited run gave: ``kind`` is ``ok`` (``value`` is the result), ``timeout``,
    ``memory`` or ``died`` (the limits stopped it; ``value`` says how)."""

    kind: str
    value: object

    @property
    def ok(self) -> bool:
        """Whether the work finished."""
        return self.kind == "ok"


#: The wall-clock guard of :func:`run_limited`: this many times the CPU limit, plus a second.
WALL_FACTOR = 4


def _limit(resource, which: int, value: int) -> None:
    hard = resource.getrlimit(which)[1]
    resource.setrlimit(which, (value if hard == resource.RLIM_INFINITY else min(value, hard), hard))


def _limited_worker(fn: Callable, args: tuple, memory: int, seconds: float, channel) -> None:
    import resource  # POSIX only, like the fork start method used here

    _limit(resource, resource.RLIMIT_AS, memory)
    _limit(resource, resource.RLIMIT_CPU, math.ceil(time.process_time() + seconds) + 1)
    try:
        channel.send(("ok", fn(*args)))
    except SymmorseError as exc:
        channel.send(("error", exc))
    except (MemoryError, RecursionError):
        channel.send(("memory", None))
    except Exception:  # a bug: hand the traceback to the parent
        channel.send(("bug", traceback.format_exc()))


def run_limited(fn: Callable, args: tuple, seconds: float, memory: int = MEMORY_LIMIT) -> Outcome:
    """Run ``fn(*args)`` in a forked process limited to ``seconds`` of CPU time and ``memory`` bytes.

    A :class:`~symmorse.exact.errors.SymmorseError` raised by ``fn`` is raised here
    again; any other exception is a bug and raises :class:`RuntimeError` with
    the worker's traceback.  The result must be picklable.

    Examples
    --------
    >>> run_limited(sum, ([1, 2, 3],), seconds=10)
    Outcome(kind='ok', value=6)
    >>> run_limited(time.sleep, (5,), seconds=0.1).kind
    'timeout'
    """
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_limited_worker, args=(fn, args, memory, seconds, send), daemon=True)
    worker.start()
    send.close()
    try:
        guard = WALL_FACTOR * max(0.0, seconds) + 1
        kind, payload = receive.recv() if receive.poll(guard) else ("timeout", None)
    except EOFError:
        kind, payload = "died", None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receive.close()
    if kind == "died" and worker.exitcode == -signal.SIGXCPU:  # RLIMIT_CPU: the CPU seconds are used up
        kind = "timeout"
    if kind == "error":
        raise payload
    if kind == "bug":
        raise RuntimeError(f"worker process failed:\n{payload}")
    limit = f"{memory / 2**30:g} GiB"
    reason = {
        "timeout": f"time limit of {seconds:g} s (CPU) reached",
        "memory": f"ran out of memory (limit {limit})",
        "died": f"the worker stopped (exit code {worker.exitcode}), likely out of memory (limit {limit})",
    }
    return Outcome(kind, payload if kind == "ok" else reason[kind])
