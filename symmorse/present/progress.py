"""Progress bars for long runs: rich when installed and stderr is a terminal.

Without rich, or when output is redirected (CI logs, pipes), progress is
silent, so machine-readable output on stdout is never disturbed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["progress"]

T = TypeVar("T")


def progress(
    items: Iterable[T], total: int | None = None, description: str = "", enabled: bool = True
) -> Iterator[T]:
    """Iterate over ``items``, showing a progress bar on a terminal's stderr.

    Examples
    --------
    >>> list(progress(range(3), description="demo"))
    [0, 1, 2]
    """
    if not enabled or not sys.stderr.isatty():
        yield from items
        return
    try:
        from rich.console import Console
        from rich.progress import Progress
    except ImportError:
        yield from items
        return
    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(task)
