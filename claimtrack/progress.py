"""Progress bars on stderr (stdout is data), shown only to a person at a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

Tick = Callable[[int, int | None], None]


class RateColumn(ProgressColumn):
    """Documents per second over rich's recent window (blank until it knows)."""

    def __init__(self, unit: str = "documents") -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.1f} {self.unit}/s", style="cyan")


def rate(done: int, seconds: float) -> str:
    """'12.3 documents/s' for a summary line ('' when nothing was timed)."""
    return f"{done / seconds:,.1f} documents/s" if seconds > 0 and done else ""


def duration(seconds: float) -> str:
    """'37 s', '12 min', '5 h 2 min': how long something took, for a summary line."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def _silent(done: int, total: int | None = None) -> None:
    """The tick when no bar is shown."""


@contextmanager
def progress_bar(label: str, force: bool | None = None, unit: str = "documents",
                 ) -> Iterator[Tick]:
    """Yield tick(done, total); total None keeps the last known total. The bar
    shows done/total, `unit`s per second, time elapsed and the time left (ETA)."""
    show = sys.stderr.isatty() if force is None else force
    if not show:
        yield _silent
        return
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(unit),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        speed_estimate_period=60,
    )
    task = bar.add_task(label, total=None)

    def tick(done: int, total: int | None = None) -> None:
        if total is not None:
            bar.update(task, total=total)
        bar.update(task, completed=done)

    with bar:
        yield tick


@contextmanager
def progress_when_asked(label: str, force: bool | None = None, unit: str = "documents",
                        ) -> Iterator[Tick]:
    """progress_bar, shown only from the first tick: a read that answers from what is
    stored never ticks and shows nothing; one that computes over the corpus (the
    first read of a listing after a write) shows its bar. The bar goes once done
    reaches the total, not at the end of the block: `add` rebuilding an index first
    shows its bar while it rebuilds, then only the adding one."""
    with ExitStack() as stack:
        shown: list[Tick] = []
        totals: list[int | None] = [None]

        def tick(done: int, total: int | None = None) -> None:
            if total is not None:
                totals[0] = total
            if not shown:
                shown.append(stack.enter_context(progress_bar(label, force, unit)))
            shown[0](done, total)
            if totals[0] is not None and done >= totals[0]:
                stack.close()  # the bar goes; a later tick shows a new one
                shown.clear()

        yield tick
