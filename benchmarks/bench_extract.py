"""Throughput of claimtrack extraction against bare spaCy parsing of the same texts.

    python benchmarks/bench_extract.py [--docs N] [--batch-size B] [--repeat R] [--no-breakdown]

Texts: the first N dev PolNeAR documents when ../shared/eval is present, else
the seed articles repeated. Every run is a fresh process (`--child`): it loads
the model, parses one warm-up sentence, then is timed over all N texts, so no
cache (claimtrack's ruler and lemma caches, spaCy's lemmatizer cache) carries
from one run to the next. "bare spaCy" is `nlp.pipe(texts, n_process=jobs,
batch_size=B)` with the full stock pipeline as spaCy ships it (`spacy.load`,
its matrix products on blis); "claimtrack" is
`extract_texts(texts, jobs=jobs, batch_size=B)` with the default extractor
("filtered"). The two alternate R times at jobs 1 and at jobs 2; each side's
best run counts.

Two measures of each run: wall-clock seconds, and CPU seconds of the timed
part (the process's own CPU and that of its workers: the parent reads the
run's rusage with os.wait4, less the CPU the run had used before its timer
started). CPU time is the steadier figure on a shared machine; wall time is
what a user waits. "ratio" is bare time / claimtrack time (above 1: claimtrack
extracts faster than spaCy alone parses).

The breakdown (two more fresh processes, jobs 1) is the CPU time of each
stock component and of each of claimtrack's steps over the same texts.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimtrack.evalsplit import iter_split  # noqa: E402

CORPUS = ROOT / ".." / "shared" / "eval" / "polnear.jsonl"
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def load_texts(n: int) -> tuple[list[str], str]:
    if CORPUS.exists():
        docs = itertools.islice(iter_split(CORPUS, "dev"), n)
        return [d["text"] for d in docs], f"{n} dev PolNeAR documents"
    seeds = [_LINK.sub(r"\1", p.read_text(encoding="utf-8"))
             for p in sorted((ROOT / "seeds").glob("*.md"))]
    return list(itertools.islice(itertools.cycle(seeds), n)), f"{n} seed articles (repeated)"


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def child(what: str, jobs: int, texts: list[str], batch_size: int) -> dict:
    """One timed run in this (fresh) process."""
    from claimtrack.extract.nlp import get_nlp, load_stock

    nlp = load_stock() if what == "bare" else get_nlp()  # stock: spaCy as shipped (blis)
    nlp("warm up the pipeline")
    if what == "bare":
        def run() -> int:
            return sum(1 for _ in nlp.pipe(texts, n_process=jobs, batch_size=batch_size))
    else:
        from claimtrack.extract import extract_texts

        def run() -> int:
            return sum(1 for _ in extract_texts(texts, jobs=jobs, batch_size=batch_size))
    cpu0, t0 = _cpu_self(), time.perf_counter()
    n = run()
    wall = time.perf_counter() - t0
    assert n == len(texts)
    return {"cpu_before": cpu0, "wall": wall}


def breakdown(side: str, texts: list[str], batch_size: int) -> dict[str, float]:
    """CPU seconds of each step of one side, jobs 1, in this (fresh) process."""
    from claimtrack.extract import SKIP, apply_ruler, extract_doc, fill_lemmas, prepare
    from claimtrack.extract.nlp import get_nlp, load_stock

    nlp = load_stock() if side == "stock" else get_nlp()
    nlp("warm up the pipeline")
    out: dict[str, float] = {}

    def timed(key: str, f):  # noqa: ANN001, ANN202
        c0 = time.process_time()
        r = f()
        out[key] = out.get(key, 0.0) + time.process_time() - c0
        return r

    if side == "stock":  # the stock pipeline, component by component, as bare spaCy runs it
        docs = timed("stock tokenizer", lambda: [nlp.make_doc(t) for t in texts])
        for name, proc in nlp.pipeline:
            docs = timed(f"stock {name}",
                         lambda p=proc, d=docs: list(p.pipe(d, batch_size=batch_size)))
        return out
    docs = timed("claimtrack prepare (tokenise, paragraphs)",
                 lambda: [prepare(nlp, t) for t in texts])
    for name, proc in nlp.pipeline:
        if name not in SKIP:
            docs = timed(f"claimtrack {name}",
                         lambda p=proc, d=docs: list(p.pipe(d, batch_size=batch_size)))
    docs = timed("claimtrack ruler + lemma caches",
                 lambda: [fill_lemmas(nlp, apply_ruler(nlp, d)) for d in docs])
    timed("claimtrack rules, filter, resolve, chains, author, stance",
          lambda: [extract_doc(d) for d in docs])
    return out


def spawn(args: list[str]) -> tuple[dict, float]:
    """A fresh process's JSON answer and its total CPU (workers included)."""
    p = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode:
        raise SystemExit(f"benchmark run failed: {' '.join(args)} (exit {p.returncode})")
    return json.loads(out), ru.ru_utime + ru.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-breakdown", action="store_true")
    ap.add_argument("--child", choices=["bare", "claimtrack", "stock-steps", "claimtrack-steps"],
                    help=argparse.SUPPRESS)
    ap.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    texts, what = load_texts(args.docs)
    if args.child in ("stock-steps", "claimtrack-steps"):
        print(json.dumps(breakdown(args.child.split("-")[0], texts, args.batch_size)))
        return 0
    if args.child:
        print(json.dumps(child(args.child, args.jobs, texts, args.batch_size)))
        return 0
    chars = sum(len(t) for t in texts)
    common = ["--docs", str(args.docs), "--batch-size", str(args.batch_size)]
    print(f"{what}, {chars:,} characters, batch size {args.batch_size}, "
          f"a fresh process per run, best of {args.repeat}", flush=True)
    print(f"{'jobs':>4} {'what':<12} {'docs/s':>8} {'chars/s':>10} {'wall':>6} {'ratio':>6}"
          f" {'CPU s':>7} {'ratio':>6}")
    for jobs in (1, 2):
        best = {"bare": [float("inf")] * 2, "claimtrack": [float("inf")] * 2}
        for _ in range(args.repeat):
            for side in ("bare", "claimtrack"):
                res, total_cpu = spawn([*common, "--child", side, "--jobs", str(jobs)])
                cpu = total_cpu - res["cpu_before"]
                best[side] = [min(best[side][0], res["wall"]), min(best[side][1], cpu)]
        (bw, bc), (ow, oc) = best["bare"], best["claimtrack"]
        for side, (wall, cpu) in best.items():
            ours = side == "claimtrack"
            print(f"{jobs:>4} {'bare spaCy' if not ours else side:<12} {len(texts) / wall:8.2f}"
                  f" {chars / wall:10,.0f} {wall:6.2f} {f'{bw / ow:6.2f}' if ours else '':>6}"
                  f" {cpu:7.2f} {f'{bc / oc:6.2f}' if ours else '':>6}", flush=True)
    if not args.no_breakdown:
        parts, _ = spawn([*common, "--child", "stock-steps"])
        parts.update(spawn([*common, "--child", "claimtrack-steps"])[0])
        stock = sum(v for k, v in parts.items() if k.startswith("stock "))
        ours = sum(v for k, v in parts.items() if k.startswith("claimtrack "))
        print(f"CPU seconds by step, jobs 1, a fresh process each side "
              f"(stock pipeline {stock:.2f} s, claimtrack {ours:.2f} s):")
        for k, v in parts.items():
            total = stock if k.startswith("stock ") else ours
            print(f"  {k:<58} {v:6.2f} {100 * v / total:5.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
