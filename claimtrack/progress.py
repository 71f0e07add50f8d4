"""Progress bars on stderr (stdout is data), shown only to a person at a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Tick = Callable[[int, int | None], None]


def _silent(done: int, total: int | None = None) -> None:
    """The tick when no bar is shown."""


@contextmanager
def progress_bar(label: str, force: bool | None = None) -> Iterator[Tick]:
    """Yield tick(done, total); total None keeps the last known total."""
    show = sys.stderr.isatty() if force is None else force
    if not show:
        yield _silent
        return
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task(label, total=None)

    def tick(done: int, total: int | None = None) -> None:
        if total is not None:
            bar.update(task, total=total)
        bar.update(task, completed=done)

    with bar:
        yield tick
