"""Progress bars: stderr only, documents/s and the time left."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.progress import Progress

from claimtrack import progress
from claimtrack.progress import (
    RateColumn,
    duration,
    progress_bar,
    progress_when_asked,
    rate,
)

pytestmark = pytest.mark.model_free


def test_the_bar_shows_rate_and_eta_on_stderr(capsys, monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(progress, "Console", lambda stderr: Console(file=err, width=150,
                                                                    force_terminal=True))
    with progress_bar("adding", force=True) as tick:
        for done in range(0, 11):
            tick(done, 10)
    out = capsys.readouterr()
    assert out.out == ""  # stdout is data
    shown = err.getvalue()
    assert "adding" in shown and "10/10" in shown and "eta" in shown


def test_rate_column_reads_the_task_speed():
    now = [0.0]
    bar = Progress(RateColumn(), get_time=lambda: now[0])
    task_id = bar.add_task("x", total=100)
    task = bar._tasks[task_id]  # noqa: SLF001 - the column renders one task
    assert RateColumn().render(task).plain == ""  # nothing timed yet
    for _ in range(4):
        now[0] += 2.0
        bar.advance(task_id, 10)
    assert RateColumn().render(task).plain == "5.0 documents/s"


def test_summary_rate():
    assert rate(30, 10.0) == "3.0 documents/s"
    assert rate(0, 10.0) == rate(5, 0.0) == ""


def test_no_bar_off_a_terminal(capsys):
    with progress_bar("adding") as tick:  # pytest's stderr is no terminal
        tick(1, 2)
    assert capsys.readouterr().err == ""


def test_a_bar_when_asked_shows_only_from_its_first_tick(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(progress, "Console", lambda stderr: Console(file=err, width=150,
                                                                    force_terminal=True))
    with progress_when_asked("sources: grading every claim", force=True, unit="claims"):
        pass  # a listing read back from the database: it never ticks
    assert err.getvalue() == ""
    with progress_when_asked("sources: grading every claim", force=True, unit="claims") as tick:
        for done in range(0, 2001, 500):
            tick(done, 2000)
    assert "grading every claim" in err.getvalue() and "2000/2000" in err.getvalue()


def test_a_bar_when_asked_goes_once_done(monkeypatch):
    """A bar asked for goes when it reaches its total (the index an `add` rebuilds
    first), and a later tick shows a new one."""
    bars = []

    class Recorder:
        def __init__(self, label):
            self.label, self.open = label, True

    from contextlib import contextmanager

    @contextmanager
    def fake_bar(label, force=None, unit="documents"):
        bar = Recorder(label)
        bars.append(bar)
        try:
            yield lambda done, total=None: None
        finally:
            bar.open = False

    monkeypatch.setattr(progress, "progress_bar", fake_bar)
    with progress_when_asked("rebuilding", force=True) as tick:
        tick(1, 3)
        assert [b.open for b in bars] == [True]
        tick(3)  # the total known from before
        assert [b.open for b in bars] == [False]
        tick(1, 2)
        assert [b.open for b in bars] == [False, True]
    assert [b.open for b in bars] == [False, False]


def test_durations_for_a_summary():
    assert [duration(s) for s in (0.4, 37, 59.6, 60, 725, 3600, 18_120)] == [
        "0 s", "37 s", "60 s", "1 min", "12 min", "1 h 0 min", "5 h 2 min"]
