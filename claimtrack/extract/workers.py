"""Batches of texts over forked worker processes, in order, surviving a
worker's death.

multiprocessing.Pool waits forever for a result a killed worker will never
send, and concurrent.futures fails every pending batch when one worker
dies (it cannot say which batch the dead one held). Here each worker gets
one batch at a time on its own pipe, so the parent knows what every worker
holds: when one dies (OOM killer, a kill, a crash in native code) exactly
that batch's texts fail, with the cause, a fresh worker takes its place and
the run goes on. Workers are forked after the model is loaded, so they
share it instead of loading it.

Memory stays bounded for any number of batches: a batch is handed out only
while fewer than `window` batches are in flight or finished but not yet
yielded (results leave in input order, so a slow batch holds back the ones
after it).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from claimtrack.errors import ExtractError

Batch = list[str]
Results = list  # one result per text


def _context() -> Any:  # a multiprocessing context: fork where the system has it
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _serve(conn: Connection, inherited: Connection, fn: Callable[[Batch], Results]) -> None:
    # Ctrl-C reaches the whole process group: the parent alone handles it
    # (and ends its workers), so a worker never dies half-way through a send
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The fork copied the parent's end of this pipe: while the worker holds it,
    # the parent's death (a SIGKILL) never shows as end-of-file here, and an
    # orphaned worker would wait forever, holding the terminal's pipes.
    inherited.close()
    parent = os.getppid()
    while True:
        try:
            while not conn.poll(1.0):
                if os.getppid() != parent:  # re-parented: the parent is gone
                    return
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        seq, batch = job
        answer: tuple[int, Results | None, str | None]
        try:
            answer = (seq, fn(batch), None)
        except Exception as e:  # fn catches per text; this is a last resort
            answer = (seq, None, _line(e))
        try:
            conn.send(answer)
        except OSError:  # the parent died (a kill) while this batch was parsed: nobody
            return       # is there to answer, and a traceback would land on its terminal
        except Exception as e:  # an answer that cannot be sent (pickled)
            with contextlib.suppress(OSError):
                conn.send((seq, None, _line(e)))


def _line(e: Exception) -> str:
    return f"{type(e).__name__}: {e}".splitlines()[0]


def death(exitcode: int | None) -> str:
    """One line for a worker that ended while holding a batch."""
    if exitcode is not None and exitcode < 0:
        try:
            name = f", {signal.Signals(-exitcode).name}"
        except ValueError:
            name = ""
        how = f"killed by signal {-exitcode}{name}"
    else:
        how = f"exit status {exitcode}"
    return f"parser worker died ({how}) while extracting this document; retry it"


class _Worker:
    def __init__(self, ctx: Any, fn: Callable[[Batch], Results]) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, self.conn, fn), daemon=True)
        self.proc.start()
        child.close()
        self.job: tuple[int, int] | None = None  # (seq, texts) of the batch it holds

    def stop(self) -> None:
        self.conn.close()
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


def run(fn: Callable[[Batch], Results], batches: Iterable[Batch], jobs: int,
        window: int | None = None) -> Iterator[Results]:
    """fn(batch) for each batch, in order, over `jobs` worker processes.

    A batch whose worker dies yields one ExtractError per text instead.
    Closing the iterator, or an exception in the caller (KeyboardInterrupt
    included), ends the workers.
    """
    ctx = _context()
    window = max(window or 2 * jobs, jobs)
    source = iter(batches)
    workers = [_Worker(ctx, fn) for _ in range(jobs)]
    done: dict[int, Results] = {}
    sent = yielded = 0
    exhausted = False
    try:
        while True:
            for i, w in enumerate(workers):
                if w.job is None and not exhausted and sent - yielded < window:
                    batch = next(source, None)
                    if batch is None:
                        exhausted = True
                        break
                    if not w.proc.is_alive():  # died idle: nothing of ours was lost
                        w.stop()
                        w = workers[i] = _Worker(ctx, fn)
                    w.job = (sent, len(batch))
                    sent += 1
                    with contextlib.suppress(OSError):  # died just now: read below
                        w.conn.send((w.job[0], batch))
            while yielded in done:
                yield done.pop(yielded)
                yielded += 1
            busy = [w for w in workers if w.job is not None]
            if not busy:
                if exhausted and yielded == sent:
                    return
                continue
            ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy]))
            for i, w in enumerate(workers):
                if w.job is None or not (w.conn in ready or w.proc.sentinel in ready):
                    continue
                seq, n = w.job
                try:
                    _, out, error = w.conn.recv()
                except (EOFError, OSError):  # died before or while sending
                    w.proc.join()
                    done[seq] = [ExtractError(death(w.proc.exitcode)) for _ in range(n)]
                    w.stop()
                    workers[i] = _Worker(ctx, fn)
                    continue
                if error is not None:
                    out = [ExtractError(f"the parser failed on this batch ({error}); retry it")
                           for _ in range(n)]
                done[seq] = out
                w.job = None
    finally:
        for w in workers:
            w.stop()
