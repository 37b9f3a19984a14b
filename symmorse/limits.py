"""Time limits: long computations answer ``undecided`` instead of hanging.

A :class:`Deadline` is polled by the loops of long algorithms (witness
search, branch-and-bound, elimination); when it has passed, :meth:`check`
raises :class:`TimeLimitReached`, which callers turn into an ``undecided``
verdict with the reason.  Polling, rather than signals, keeps it safe in
threads and worker processes, at the cost of waiting for one step of work
inside a C library to finish.
"""

from __future__ import annotations

import time

__all__ = ["Deadline", "TimeLimitReached"]


class TimeLimitReached(Exception):
    """The time limit passed; the computation did not decide."""


class Deadline:
    """A point in time after which work should stop.

    Parameters
    ----------
    seconds : float or None
        Time allowed from now; ``None`` means no limit.

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
    symmorse.limits.TimeLimitReached: witness search: time limit of 0 s reached
    """

    def __init__(self, seconds: float | None) -> None:
        if seconds is not None and seconds < 0:
            raise ValueError("a time limit must be >= 0 seconds")
        self.seconds = seconds
        self._end = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        """Seconds left (never negative), or None without a limit."""
        return None if self._end is None else max(0.0, self._end - time.monotonic())

    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return self._end is not None and time.monotonic() >= self._end

    def check(self, what: str = "computation") -> None:
        """Raise :class:`TimeLimitReached` if the deadline has passed."""
        if self.expired():
            raise TimeLimitReached(f"{what}: time limit of {self.seconds:g} s reached")
