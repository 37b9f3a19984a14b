"""Progress on standard error for long runs: a bar (or spinner) on a terminal, plain lines otherwise.

:func:`progress` wraps the items of a run whose size is known (the batches of
``symmorse verify``, the certificates of ``symmorse sweep``); :func:`share`
shows a fraction that a long call reports (the volume ``critical-points`` has
decided); :func:`working` wraps one long call (``certify``, ...) and shows that
it is still running.  On a terminal both use ``rich`` (a core dependency); when
standard error is redirected (CI logs, pipes) or rich is missing they print
plain lines instead -- the first after :data:`FIRST` seconds, then one every
:data:`EVERY` seconds, so runs shorter than that print nothing.  Progress never
goes to standard output: ``--json`` output stays machine-readable.  The command
line's ``--no-progress`` passes ``enabled=False``.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["progress", "working", "share", "FIRST", "EVERY"]

T = TypeVar("T")

#: Seconds before the first plain progress line (shorter runs print none).
FIRST = 5.0
#: Seconds between plain progress lines.
EVERY = 15.0


def _rich_console(stream: TextIO):
    """A rich console on ``stream`` if it is a terminal and rich is installed, else None."""
    if not stream.isatty():
        return None
    try:
        from rich.console import Console
    except ImportError:
        return None
    return Console(file=stream)


def _redirect() -> dict:
    """How rich's live display treats what the command prints meanwhile.

    Standard output on the same terminal: printed above the bar, which keeps
    its line (rich's redirection).  Redirected standard output (``--json >
    file``, a pipe): left alone -- rich would otherwise capture it and write it
    to the terminal's standard error.
    """
    on_terminal = sys.stdout.isatty()
    return {"redirect_stdout": on_terminal, "redirect_stderr": on_terminal}


def progress(
    items: Iterable[T],
    total: int | None = None,
    description: str = "",
    enabled: bool = True,
    stream: TextIO | None = None,
    size: Callable[[T], int] | None = None,
) -> Iterator[T]:
    """Iterate over ``items``, showing progress on ``stream`` (default: standard error).

    Each item counts one towards ``total``, or ``size(item)`` (a batch of results
    counts its length, so the bar counts what a user asked for, not the batches).

    Examples
    --------
    >>> list(progress(range(3), description="demo"))
    [0, 1, 2]
    >>> import io
    >>> out = io.StringIO()
    >>> with _every(0.0):
    ...     _ = list(progress(range(2), 2, "checking", stream=out))
    >>> print(out.getvalue(), end="")
    symmorse: checking: 1/2 (50%)
    symmorse: checking: 2/2 (100%)
    symmorse: checking: done, 2 in 0 s
    >>> out = io.StringIO()
    >>> with _every(0.0):
    ...     _ = list(progress([[1, 2], [3]], 3, "certifying", stream=out, size=len))
    >>> print(out.getvalue(), end="")
    symmorse: certifying: 2/3 (66%)
    symmorse: certifying: 3/3 (100%)
    symmorse: certifying: done, 3 in 0 s
    """
    stream = stream or sys.stderr
    if not enabled:
        yield from items
        return
    console = _rich_console(stream)
    if console is None:
        yield from _plain(items, total, description, stream, size)
        return
    from rich.progress import Progress

    with Progress(transient=True, console=console, **_redirect()) as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(task, 1 if size is None else size(item))


def _plain(
    items: Iterable[T], total: int | None, description: str, stream: TextIO, size: Callable[[T], int] | None
) -> Iterator[T]:
    start = time.monotonic()
    due, done, printed = start + FIRST, 0, False
    for item in items:
        yield item
        done += 1 if size is None else size(item)
        now = time.monotonic()
        if now >= due:
            share = f"/{total} ({100 * done // total}%)" if total else ""
            print(f"symmorse: {description}: {done}{share}", file=stream, flush=True)
            due, printed = now + EVERY, True
    if printed:
        print(f"symmorse: {description}: done, {done} in {time.monotonic() - start:.0f} s", file=stream)


@contextlib.contextmanager
def share(
    description: str, enabled: bool = True, stream: TextIO | None = None
) -> Iterator[Callable[[float], None]]:
    """A bar for a fraction in [0, 1] that the call reports through the function it is given.

    On a terminal a rich bar; otherwise a plain line after :data:`FIRST`
    seconds and then every :data:`EVERY` seconds.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> with _every(0.0), share("critical-points", stream=out) as update:
    ...     update(0.25)
    >>> out.getvalue()
    'symmorse: critical-points: 25.0% of the volume resolved\\n'
    """
    stream = stream or sys.stderr
    console = _rich_console(stream) if enabled else None
    if console is not None:
        from rich.progress import Progress

        with Progress(transient=True, console=console, **_redirect()) as bar:
            task = bar.add_task(description, total=1.0)
            yield lambda fraction: bar.update(task, completed=fraction)
        return
    due = [time.monotonic() + FIRST]

    def update(fraction: float) -> None:
        now = time.monotonic()
        if enabled and now >= due[0]:
            print(
                f"symmorse: {description}: {100 * fraction:.1f}% of the volume resolved",
                file=stream,
                flush=True,
            )
            due[0] = now + EVERY

    yield update


@contextlib.contextmanager
def working(description: str, enabled: bool = True, stream: TextIO | None = None) -> Iterator[None]:
    """Show that a long call is running: a spinner on a terminal, else a line every :data:`EVERY` seconds.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> with working("certify 2,3,1", stream=out):
    ...     pass
    >>> out.getvalue()  # shorter than FIRST seconds: nothing shown
    ''
    """
    stream = stream or sys.stderr
    if not enabled:
        yield
        return
    console = _rich_console(stream)
    if console is not None:
        from rich.live import Live
        from rich.spinner import Spinner

        spinner = Spinner("dots", description)
        with Live(spinner, console=console, transient=True, **_redirect()):
            yield
        return
    stop = threading.Event()
    start = time.monotonic()

    def beat() -> None:
        wait = FIRST
        while not stop.wait(wait):
            seconds = time.monotonic() - start
            print(f"symmorse: {description}: working ({seconds:.0f} s)", file=stream, flush=True)
            wait = EVERY

    thread = threading.Thread(target=beat, name="symmorse-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextlib.contextmanager
def _every(seconds: float) -> Iterator[None]:
    """Plain progress lines from the start and at every item (for the examples and tests)."""
    global FIRST, EVERY
    old = FIRST, EVERY
    FIRST = EVERY = seconds
    try:
        yield
    finally:
        FIRST, EVERY = old
