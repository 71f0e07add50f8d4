"""extract/workers.py and extract_texts' per-text failures (issue 9, defect
5): a dead worker fails only the batch it held, a text the parser or a rule
fails on fails alone, and every text gets a result, in order."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest

import claimtrack.extract as ex
from claimtrack.errors import ExtractError
from claimtrack.extract import workers
from claimtrack.models import Extraction

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")

TEXTS = [f"Mayor number {i} said that taxes will rise." for i in range(12)]
MARK = "Mayor number 5 "


def _children() -> set[int]:
    """Live (not zombie) child processes of this process, from /proc."""
    me, out = os.getpid(), set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == me and fields[0] != "Z":
                out.add(int(d.name))
    return out


def _texts_of(results) -> list[str | None]:
    return [r.attributions[0].source.text if isinstance(r, Extraction) else None
            for r in results]


def test_a_worker_killed_mid_batch_fails_that_batch_only(monkeypatch) -> None:
    real = ex.extract_doc

    def dies_on_mark(doc, *a, **k):  # runs in the forked worker
        if MARK in doc.text:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(doc, *a, **k)

    monkeypatch.setattr(ex, "extract_doc", dies_on_mark)
    before = _children()
    out = list(ex.extract_texts(TEXTS, jobs=2, batch_size=2))
    assert len(out) == 12
    failed = [i for i, r in enumerate(out) if isinstance(r, ExtractError)]
    assert failed == [4, 5]  # the batch the dead worker held
    assert "parser worker died (killed by signal 9, SIGKILL)" in str(out[5])
    assert "\n" not in str(out[5])
    assert _texts_of(out)[:4] == [f"Mayor number {i}" for i in range(4)]
    assert _texts_of(out)[6:] == [f"Mayor number {i}" for i in range(6, 12)]
    assert _children() <= before  # no worker left behind


def test_a_worker_killed_from_outside_the_run_finishes(monkeypatch, tmp_path) -> None:
    """SIGKILL from another process, as the OOM killer or a user would."""
    real, flag = ex.extract_doc, tmp_path / "pid"

    def stalls_on_mark(doc, *a, **k):  # the worker holding the mark waits to be killed
        if MARK in doc.text:
            flag.write_text(str(os.getpid()))
            time.sleep(60)
        return real(doc, *a, **k)

    monkeypatch.setattr(ex, "extract_doc", stalls_on_mark)
    before = _children()
    results = ex.extract_texts(TEXTS, jobs=2, batch_size=2)
    out = [next(results)]
    for _ in range(300):
        if flag.exists() and flag.read_text():
            break
        time.sleep(0.05)
    victim = int(flag.read_text())
    assert victim in _children() - before
    os.kill(victim, signal.SIGKILL)
    out += list(results)
    assert len(out) == 12
    assert [i for i, r in enumerate(out) if isinstance(r, ExtractError)] == [4, 5]
    assert "killed by signal 9" in str(out[4])
    assert _texts_of(out)[6:] == [f"Mayor number {i}" for i in range(6, 12)]
    assert _children() <= before


def test_closing_the_results_ends_the_workers(monkeypatch) -> None:
    """What Ctrl-C does to the caller's loop: the workers go at once."""
    before = _children()
    results = ex.extract_texts(TEXTS * 4, jobs=2, batch_size=2)
    next(results)
    assert len(_children() - before) == 2
    results.close()
    assert _children() <= before


def test_a_text_the_rules_fail_on_fails_alone(monkeypatch) -> None:
    real = ex.find_attributions

    def breaks(doc, *a, **k):
        if MARK in doc.text:
            raise ValueError("rule broke\non two lines")
        return real(doc, *a, **k)

    monkeypatch.setattr(ex, "find_attributions", breaks)
    for jobs in (1, 2):
        out = list(ex.extract_texts(TEXTS, jobs=jobs, batch_size=4))
        assert [i for i, r in enumerate(out) if isinstance(r, ExtractError)] == [5]
        assert str(out[5]) == "the parser failed on this document (ValueError: rule broke)"


def test_a_text_the_parser_fails_on_fails_alone(monkeypatch) -> None:
    """The shared pipe stops at the bad text; its batch-mates are retried one by one."""
    real = ex.prepare

    def breaks(nlp, text):
        if MARK in text:
            raise RuntimeError("parser broke")
        return real(nlp, text)

    monkeypatch.setattr(ex, "prepare", breaks)
    out = list(ex.extract_texts(TEXTS, batch_size=8))
    assert [i for i, r in enumerate(out) if isinstance(r, ExtractError)] == [5]
    assert _texts_of(out)[6] == "Mayor number 6"


def test_in_flight_batches_stay_bounded() -> None:
    """A 50k-document run must not pull every batch in at once."""
    pulled = []

    def source():
        for i in range(1000):
            pulled.append(i)
            yield [str(i)]

    results = workers.run(lambda batch: batch, source(), jobs=2, window=4)
    assert next(results) == ["0"]
    time.sleep(0.2)
    assert len(pulled) <= 5
    assert [r[0] for r in results] == [str(i) for i in range(1, 1000)]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][:1] not in ("Z", "X")  # a zombie is gone
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
@pytest.mark.timeout(120)
def test_workers_of_a_killed_parent_exit() -> None:
    """SIGKILL the parent of a --jobs 2 run: its workers must not live on as orphans
    (they held the parent's end of their own pipe and waited forever)."""
    import subprocess
    import sys

    script = ("import sys, time; from claimtrack.extract import extract_texts\n"
              "texts = ['The mayor said taxes will rise. ' * 40] * 400\n"
              "for _ in extract_texts(texts, jobs=2, batch_size=2): pass\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        kids: list[int] = []
        while time.monotonic() < deadline and len(kids) < 2 and proc.poll() is None:
            with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as f:
                kids = [int(p) for p in f.read().split()]
            time.sleep(0.05)
        assert len(kids) == 2, "the run never started its two workers"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(k) for k in kids):
            time.sleep(0.1)
        assert not [k for k in kids if _alive(k)], "workers outlived their killed parent"
        # a worker that finished its batch after the parent died says nothing
        assert proc.stderr is not None and "Traceback" not in proc.stderr.read().decode()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def test_a_worker_whose_parent_is_gone_returns_quietly() -> None:
    """The parent sent a batch and died (its end of the pipe closed) while the worker
    parsed it: the answer cannot be sent, and the worker ends without a traceback
    (it wrote one per worker on the terminal of a killed `add --jobs 2`)."""
    ctx = workers._context()
    parent, child = ctx.Pipe()
    other, _ = ctx.Pipe()
    parent.send((0, ["a text"]))
    parent.close()
    before = signal.getsignal(signal.SIGINT)
    try:
        workers._serve(child, other, lambda batch: [len(t) for t in batch])
    finally:
        signal.signal(signal.SIGINT, before)
