"""Latency of the read commands as a user types them, as the database grows.

    python benchmarks/bench_reads.py [--sizes 250,500,1000] [--repeat 7] [--jobs 2]

Builds one database in a temporary folder (never in the repo) from PolNeAR dev texts
recombined: each document joins runs of paragraphs of three articles, each sentence used
at most 3 times in the corpus (issue 12), so the same people, quotations and claims
recur across documents and clusters form, but a claim recurs in a few documents, not in
a share of all of them. The database grows stage by stage (`claimtrack add` of the new
files each time, a snapshot kept at each size), then every read command below runs as a
subprocess on a copy of each size's database, the whole command a user types
(interpreter start-up included), --repeat times after one warm-up run: p50 and p95 of
those runs. The runs go in rounds, each round every command at every size, so the sizes
are timed side by side, not minutes apart: on a shared machine the load drifts, and a
drift between the sizes read as growth (the bar is a ratio between sizes). `claimtrack
--version` is the start-up baseline, timed right before each run of each command;
"above" is a run less its baseline run (p50 and p95 of those differences). `lines`
counts what the command printed on stdout, so a growth can be read against the rows
printed. Commands that accept --limit get `--limit 50`; a command the branch lacks is
skipped. A command whose warm-up takes longer than --slow seconds is run fewer times
(shown in the `runs` column), so a slow branch still finishes. The warm-up is the first
read after the database was written: `first ms` shows it (what a read stores for the
next ones, migration 8's listings, is computed there). Commands run with compiled
bytecode, as an installed claimtrack does (_env).

Also the store-and-match part of `add` (parsing excluded): store.add_document with
derive=corpus.update.document_added on --match-docs documents extracted once in
this process, timed on a copy of the database at each of --match-sizes stored
documents, the sizes alternating for --match-rounds rounds (per document: the mean
of the round with the lowest).

Targets (issue 10): with --limit 50, `show --entity` (most frequent person),
`claims --flag` and `diff` p95 < 300 ms above start-up at the largest size; no
command's time above start-up grows more than 1.5x from the smallest size to the
largest (judged on each command's fastest run less the fastest start-up at that size:
a run less its own baseline carries two runs' jitter, ~100 ms here, more than a small
command's own time; the p50 ratio is printed beside it); store-and-match per document
within 1.3x from 100 to 1,000.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimtrack.evalsplit import iter_split  # noqa: E402

CORPUS = ROOT / ".." / "shared" / "eval" / "polnear.jsonl"
LIMIT = 50
PIECES = 3  # articles per recombined document
PARAGRAPHS = (6, 10)  # paragraphs taken from each, inclusive range
MAX_USES = 3  # times one sentence may appear in the whole corpus (issue 12)


# --- the corpus ------------------------------------------------------------------------


@dataclass
class Recombined:
    name: str
    text: str
    articles: tuple[int, ...]


def paragraphs_of(path: Path) -> list[list[str]]:
    """Dev PolNeAR articles as lists of paragraphs (the held-out fifth is never read)."""
    out = []
    for doc in iter_split(path, "dev"):
        paras = [p.strip() for p in doc["text"].split("\n\n") if len(p.strip()) >= 40]
        if len(paras) >= PARAGRAPHS[0]:
            out.append(paras)
    return out


# where a sentence ends inside a paragraph (closing quotes and brackets stay with it)
_SENTENCE = re.compile(r'(?<=[.!?])["\u201d\u2019)]*\s+')


def sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE.split(paragraph) if s.strip()]


def recombine(articles: list[list[str]], n: int, seed: int,
              uses: int = MAX_USES) -> list[Recombined]:
    """`n` documents, each runs of paragraphs of PIECES articles (the first gives the
    headline), every sentence used at most MAX_USES times over the whole corpus (issue
    12's rule): a claim recurs in a few documents, as a story does in real news, not in
    a share of all of them, so clusters and match candidates keep one size as the
    corpus grows. Names are kept: the people who recur across articles (the most
    frequent one is in most documents) recur as often as in the source articles.
    `uses`: another cap (bench_match.py's filler, which no sample document reads)."""
    rng = random.Random(seed)
    split = [[sentences(p) for p in paras] for paras in articles]
    used: Counter[str] = Counter()
    docs: list[Recombined] = []
    seen: set[str] = set()
    tries = 0
    while len(docs) < n:
        tries += 1
        if tries > 1000 * n:
            raise RuntimeError(f"only {len(docs)} documents fit the rule of {uses} "
                               "uses per sentence: ask for fewer")
        picks = tuple(rng.sample(range(len(articles)), PIECES))
        parts: list[str] = []
        for k, a in enumerate(picks):
            free = [p for p, ss in zip(articles[a], split[a], strict=True)
                    if all(used[x] < uses for x in ss)]
            if len(free) < PARAGRAPHS[0]:
                break
            run = rng.randint(*PARAGRAPHS)
            start = 0 if k == 0 else rng.randrange(0, max(1, len(free) - run))
            parts.extend(free[start : start + run])
        else:
            text = "\n\n".join(parts) + "\n"
            if text in seen:
                continue
            seen.add(text)
            for p in parts:
                used.update(sentences(p))
            docs.append(Recombined(f"doc{len(docs):05d}.txt", text, picks))
    return docs


# --- running commands ------------------------------------------------------------------


# the console script of this interpreter's environment, as a user runs it (PYTHONPATH
# points it at this checkout); else the same entry point through -c
_SCRIPT = Path(sys.executable).parent / "claimtrack"
CLAIMTRACK = ([str(_SCRIPT)] if _SCRIPT.exists() else
              [sys.executable, "-c", "import sys; from claimtrack.cli import cli; sys.exit(cli())"])


PYCACHE = Path(tempfile.gettempdir()) / "claimtrack-bench-pycache"


def _env() -> dict[str, str]:
    """As an installed claimtrack runs: with compiled bytecode (kept outside the
    repository, PYTHONPYCACHEPREFIX), even where the shell sets PYTHONDONTWRITEBYTECODE;
    without it every run compiled again each module its command imports lazily, and
    that was counted as the command's time above start-up."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="120", NO_COLOR="1",
               PYTHONPYCACHEPREFIX=str(PYCACHE))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def claimtrack(*args: str, check: bool = True, timeout: float | None = None) -> str:
    out = subprocess.run([*CLAIMTRACK, *args], capture_output=True, text=True, env=_env(),
                         timeout=timeout, cwd=ROOT)
    if check and out.returncode != 0:
        raise RuntimeError(f"claimtrack {' '.join(args)}: {out.stderr.strip()[-500:]}")
    return out.stdout


def timed_run(args: list[str], timeout: float) -> tuple[float, int] | None:
    """(seconds, lines printed on stdout) of one whole command, None past `timeout`."""
    t0 = time.perf_counter()
    try:
        out = subprocess.run([*CLAIMTRACK, *args], capture_output=True, env=_env(),
                             timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return None
    took = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"claimtrack {' '.join(args)}: {out.stderr.decode()[-500:]}")
    return took, out.stdout.count(b"\n")


def percentile(xs: list[float], q: float) -> float:
    """Nearest-rank percentile (p95 of 7 runs is the slowest)."""
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q * len(s) + 0.5) - 1))]


@dataclass
class Timing:
    command: str
    size: int
    runs: list[float] = field(default_factory=list)
    # each run less the start-up run just before it (`--version`, same stage): the
    # machine is shared, and a baseline timed minutes apart drifts with its load
    above: list[float] = field(default_factory=list)
    lines: int = 0  # lines printed on stdout (a table's rows and rules)
    # the warm-up run: the first read after the database was written, which computes
    # and stores what later reads page (the stored listings, migration 8)
    first: float = float("nan")
    timed_out: bool = False
    limited: bool = False
    # the fastest run less the fastest start-up run at the same size: the least noisy
    # figure of a command's own work on a shared machine (the growth is judged on it)
    best_above: float = float("nan")

    @property
    def p50(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    @property
    def p95(self) -> float:
        return percentile(self.runs, 0.95) if self.runs else float("nan")

    @property
    def above50(self) -> float:
        return statistics.median(self.above) if self.above else float("nan")

    @property
    def above95(self) -> float:
        return percentile(self.above, 0.95) if self.above else float("nan")


BASELINE = ["--version"]


def _commands() -> set[str]:
    from claimtrack.cli import cli

    return set(cli.commands)


def _takes_limit(command: str) -> bool:
    return "--limit" in claimtrack(command, "--help")


@dataclass
class Subjects:
    person: str
    doc_a: str
    doc_b: str
    claim: str


def choose_subjects(db: Path, docs: list[Recombined]) -> Subjects:
    """The most frequent person (a full name), two documents sharing an article, and a
    claim of the first that recurs elsewhere: chosen once, at the first size."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT text, COUNT(*) FROM mentions WHERE label = 'PERSON' AND text LIKE '% %' "
            "GROUP BY text ORDER BY 2 DESC, 1 LIMIT 1").fetchall()
        person = rows[0][0] if rows else "Trump"
        ids = {Path(origin).name: i for i, origin in conn.execute(
            "SELECT id, origin FROM documents")}
        first = docs[0]
        other = next((d for d in docs[1:] if set(d.articles) & set(first.articles)
                      and d.name in ids), docs[1])  # a tiny corpus may share nothing
        a, b = ids[first.name], ids[other.name]
        return Subjects(person, a, b, widest_claim(conn, a))
    finally:
        conn.close()


def widest_claim(conn: sqlite3.Connection, doc_id: str) -> str:
    """A claim of `doc_id` in the cluster that spans most documents (its first claim
    where it has none)."""
    try:
        row = conn.execute(
            "SELECT c.claim_id FROM clusters c JOIN cluster_stats s ON s.cluster = c.cluster "
            "WHERE c.claim_id LIKE ? ORDER BY s.documents DESC, c.claim_id LIMIT 1",
            (f"{doc_id}:%",)).fetchone()
    except sqlite3.Error:
        row = None
    if row is None:
        row = conn.execute("SELECT id FROM claims WHERE doc_id = ? ORDER BY seq LIMIT 1",
                           (doc_id,)).fetchone()
    return str(row[0])


def read_commands(s: Subjects, present: set[str]) -> list[tuple[str, list[str]]]:
    wanted = [
        (f"show --entity '{s.person}'", ["show", "--entity", s.person]),
        ("claims --flag single_source", ["claims", "--flag", "single_source"]),
        ("flags", ["flags"]),
        ("sources", ["sources"]),
        ("entities", ["entities"]),
        ("diff A B", ["diff", s.doc_a, s.doc_b]),
        ("timeline --claim ID", ["timeline", "--claim", s.claim]),
        (f"timeline --entity '{s.person}'", ["timeline", "--entity", s.person]),
        (f"report --entity '{s.person}'", ["report", "--entity", s.person]),
    ]
    return [(label, args) for label, args in wanted if args[0] in present]


# --- store-and-match -------------------------------------------------------------------


def extract_sample(folder: Path):
    """(parsed, extraction, flags, aliases) of every file in `folder`, extracted once."""
    from claimtrack.aliases import find_aliases, quoted_spans
    from claimtrack.assess import assess
    from claimtrack.extract import extract_texts
    from claimtrack.ingest import expand_inputs, read_input

    items, _ = expand_inputs([str(folder)])
    parsed = [read_input(i) for i in items]
    out = []
    for p, x in zip(parsed, extract_texts([p.text for p in parsed]), strict=True):
        out.append((p, x, assess(x, p.text, p.links, p.published),
                    find_aliases(p.text, quoted_spans(x.attributions))))
    return out


def remove_database(path: Path) -> None:
    """A database file and its write-ahead log and shared memory, gone if there."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def store_and_match(db: Path, sample, work: Path, copy_name: str = "match-copy.db",
                    alone: bool = False) -> list[float]:
    """Seconds per document to store and match each sample document, on a copy of `db`:
    one after the other through one connection, or `alone`, each on a fresh copy by a
    fresh connection (as `claimtrack add one.txt` stores one, after parsing)."""
    from claimtrack.corpus.update import document_added
    from claimtrack.entities import stored_facts
    from claimtrack.store import db as dbmod
    from claimtrack.store import documents as store

    copy = work / copy_name
    times = []
    for docs in ([[d] for d in sample] if alone else [sample]):
        remove_database(copy)
        shutil.copy(db, copy)
        handle = dbmod.open_db(copy)
        try:
            # committed in batches, as `add` commits them (api._extract_and_store); a
            # commit is timed with the document after which it comes
            with dbmod.batch(handle.conn) as b:
                for parsed, extraction, flags, aliases in docs:
                    t0 = time.perf_counter()
                    store.add_document(handle, parsed, extraction, flags, aliases,
                                       derive=document_added, facts=stored_facts)
                    if b.due():
                        b.commit()
                    times.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
            times[-1] += time.perf_counter() - t0  # the last commit
        finally:
            handle.close()
    return times


def time_matching(snapshots: dict[int, Path], sizes: list[int], sample: list, work: Path,
                  rounds: int) -> dict[int, list[float]]:
    """Store-and-match at each size, the sizes alternating round by round (a shared
    machine's load drifts over minutes: timed one size after the other, the drift
    would read as growth); per size, the round with the lowest mean."""
    best: dict[int, list[float]] = {}
    for r in range(rounds if sample else 0):
        for size in (sizes if r % 2 == 0 else sizes[::-1]):
            times = store_and_match(snapshots[size], sample, work)
            print(f"  store-and-match at {size}, round {r + 1}: "
                  f"{statistics.mean(times) * 1000:.0f} ms/doc", file=sys.stderr)
            if size not in best or statistics.mean(times) < statistics.mean(best[size]):
                best[size] = times
    return best


def time_reads(snapshots: dict[int, Path], sizes: list[int], corpus: list[Recombined],
               present: set[str], work: Path, args: argparse.Namespace) -> list[Timing]:
    """Every read command at every size, on a copy of each size's database (the
    subjects chosen on the first size's): see time_commands."""
    if not sizes:
        return []
    dbs = copies(snapshots, sizes, work)
    subjects = choose_subjects(dbs[sizes[0]], corpus)
    print(f"  subjects: {subjects}", file=sys.stderr)
    return time_commands(dbs, sizes, read_commands(subjects, present), args)


def copies(snapshots: dict[int, Path], sizes: list[int], work: Path) -> dict[int, Path]:
    """A copy of each size's database to read from (a read may store what it pages)."""
    dbs = {}
    for size in sizes:
        dbs[size] = work / f"read-{size}.db"
        remove_database(dbs[size])
        shutil.copy(snapshots[size], dbs[size])
    return dbs


def time_commands(dbs: dict[int, Path], sizes: list[int], commands: list[tuple[str, list[str]]],
                  args: argparse.Namespace) -> list[Timing]:
    """`commands` (label, arguments) on each size's database, with `--limit LIMIT` where
    the command takes it: one warm-up each (the first read after the write), then
    --repeat rounds in which every size and command runs once, each right after its
    start-up baseline, the sizes in turn, so the figures of two sizes are taken
    minutes apart no more than those of two commands."""
    plan: list[tuple[Timing, list[str]]] = [
        (Timing("claimtrack --version", size), ["--version"]) for size in sizes]
    limited: dict[str, bool] = {}
    for label, cmd in commands:
        if cmd[0] not in limited:
            limited[cmd[0]] = _takes_limit(cmd[0])
        # `diff A B` and `report --doc` page nothing (--limit pages their --entity form)
        limit = limited[cmd[0]] and not (cmd[0] in ("diff", "report") and "--entity" not in cmd)
        for size in sizes:
            t = Timing(label, size, limited=limit)
            plan.append((t, [*cmd, *(["--limit", str(LIMIT)] if limit else []),
                             "--db", str(dbs[size])]))
    rounds: dict[int, int] = {}
    for i, (t, full) in enumerate(plan):
        warm = timed_run(full, args.timeout)
        if warm is None:
            t.timed_out = True
            rounds[i] = 0
            continue
        t.lines, t.first = warm[1], warm[0]
        rounds[i] = args.repeat
    for r in range(args.repeat):
        order = sorted(range(len(plan)), key=lambda i: (plan[i][0].size != sizes[r % len(sizes)],
                                                        i))
        for i in order:
            t, full = plan[i]
            if r >= rounds[i] or t.timed_out:
                continue
            base = timed_run(BASELINE, args.timeout) if full != BASELINE else None
            x = timed_run(full, args.timeout)
            if x is None:
                t.timed_out = True
                continue
            t.runs.append(x[0])
            if base is not None:
                t.above.append(x[0] - base[0])
            if r == 0 and x[0] > args.slow:  # the warm-up may have stored what this reads
                rounds[i] = max(2, min(args.repeat, int(4 * args.slow / x[0])))
    best_base = {t.size: min(t.runs) for t, full in plan if full == BASELINE and t.runs}
    for t, full in plan:
        if full != BASELINE and t.runs and t.size in best_base:
            t.best_above = min(t.runs) - best_base[t.size]
    for t, _ in plan:
        print(f"  {t.size:>5} {t.command:<40} p50 {_ms(t.p50)} ms  p95 {_ms(t.p95)} ms, "
              f"above start-up p50 {_ms(t.above50)} ms  p95 {_ms(t.above95)} ms "
              f"({len(t.runs)} runs, {t.lines} lines)", file=sys.stderr)
    return sorted((t for t, _ in plan), key=lambda t: t.size)


# --- the run ---------------------------------------------------------------------------


def _ms(x: float) -> str:
    return "timeout" if x != x else f"{x * 1000:,.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="250,500,1000", help="stored documents to time reads at")
    ap.add_argument("--match-sizes", default="100,1000",
                    help="stored documents to time store-and-match at")
    ap.add_argument("--match-docs", type=int, default=20,
                    help="documents stored and matched at each match size")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--match-rounds", type=int, default=2,
                    help="store-and-match rounds, the sizes alternating (best mean counts)")
    ap.add_argument("--jobs", type=int, default=2, help="parser processes for building")
    ap.add_argument("--slow", type=float, default=5.0,
                    help="a warm-up slower than this many seconds gets fewer runs")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", help="build here and keep the databases (default: a "
                    "temporary folder, removed); a second run with the same --workdir, "
                    "--seed and sizes times the kept databases again without building")
    ap.add_argument("--json", dest="json_out", help="also write the figures to this file")
    ap.add_argument("--build-only", action="store_true",
                    help="with --workdir: build and keep the databases, time nothing")
    args = ap.parse_args(argv)

    if not CORPUS.exists():
        print(f"{CORPUS} is absent: nothing to build the databases from", file=sys.stderr)
        return 1
    sizes = sorted({int(s) for s in args.sizes.split(",") if s})
    match_sizes = sorted({int(s) for s in args.match_sizes.split(",") if s})
    stages = sorted(set(sizes) | set(match_sizes))
    articles = paragraphs_of(CORPUS)
    docs = recombine(articles, stages[-1] + args.match_docs, args.seed)
    corpus, sample_docs = docs[: stages[-1]], docs[stages[-1] :]

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="bench-reads-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.db"
    snapshots = {size: work / f"stored-{size}.db" for size in stages}
    reuse = all(p.exists() for p in snapshots.values())
    if not reuse:
        remove_database(db)
    print(f"{len(articles)} dev PolNeAR articles -> {len(docs)} recombined documents "
          f"in {work}", file=sys.stderr)

    sample_dir = work / "sample"
    sample_dir.mkdir(exist_ok=True)
    for d in sample_docs:
        (sample_dir / d.name).write_text(d.text, encoding="utf-8")
    t0 = time.perf_counter()
    sample = (extract_sample(sample_dir) if match_sizes and args.match_docs
              and not args.build_only else [])
    print(f"extracted {len(sample)} match-sample documents in "
          f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)

    present = _commands()
    timings: list[Timing] = []
    matching: dict[int, list[float]] = {}
    stored = 0
    try:
        for size in stages:  # build: one database, a snapshot at every size
            stage = work / f"stage-{size}"
            stage.mkdir(exist_ok=True)
            for d in corpus[stored:size]:
                (stage / d.name).write_text(d.text, encoding="utf-8")
            stored = size
            if reuse:  # kept from an earlier run: migrated by the first command that opens it
                print(f"reusing {snapshots[size]}", file=sys.stderr)
                continue
            t0 = time.perf_counter()
            claimtrack("add", str(stage), "--jobs", str(args.jobs), "--db", str(db))
            print(f"stored {size} documents (+{len(list(stage.iterdir()))} in "
                  f"{time.perf_counter() - t0:.0f} s)", file=sys.stderr)
            shutil.copy(db, snapshots[size])  # `add` checkpointed the WAL: one file
        if not args.build_only:
            matching = time_matching(snapshots, match_sizes, sample, work, args.match_rounds)
            timings = time_reads(snapshots, sizes, corpus, present, work, args)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    if args.build_only:
        return 0
    print(report(timings, matching, sizes, match_sizes, args))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({
            "reads": [{"command": t.command, "size": t.size, "runs": t.runs,
                       "above": t.above, "lines": t.lines, "first": t.first,
                       "timed_out": t.timed_out, "limit": t.limited,
                       "best_above": t.best_above} for t in timings],
            "store_and_match": {str(k): v for k, v in matching.items()},
        }, indent=2))
    return 0


def report(timings: list[Timing], matching: dict[int, list[float]], sizes: list[int],
           match_sizes: list[int], args) -> str:
    base = "claimtrack --version"
    lines = [f"{'command':<46} {'docs':>5} {'p50 ms':>8} {'p95 ms':>8} {'best above':>10} "
             f"{'p50 above':>10} {'p95 above':>10} {'lines':>6} {'runs':>4} {'first ms':>9}"]
    for t in timings:
        label = t.command + (f" --limit {LIMIT}" if t.limited else "")
        mine = t.command != base
        lines.append(f"{label:<46} {t.size:>5} {_ms(t.p50):>8} {_ms(t.p95):>8} "
                     f"{_ms(t.best_above) if mine else '':>10} "
                     f"{_ms(t.above50) if mine else '':>10} "
                     f"{_ms(t.above95) if mine else '':>10} "
                     f"{t.lines if mine else '':>6} {len(t.runs):>4} {_ms(t.first):>9}")
    first, last = sizes[0], sizes[-1]
    lines.append("")
    lines.append(f"growth of the time above start-up, {first} -> {last} documents: of the "
                 "fastest runs (judged), and of the p50 (lines printed in brackets):")
    by = {(t.command, t.size): t for t in timings}
    growth_ok = True
    for command in dict.fromkeys(t.command for t in timings):
        if command == base:
            continue
        a, b = by.get((command, first)), by.get((command, last))
        if a is None or b is None or not a.above or not b.above:
            lines.append(f"  {command:<40} n/a")
            growth_ok = False
            continue
        ratio = b.best_above / max(a.best_above, 1e-3)
        ratio50 = b.above50 / max(a.above50, 1e-3)
        # the bar compares the same rows printed; where a command prints more rows at the
        # larger size (whole clusters that grew), the time per line printed is compared
        same_rows = a.lines and b.lines and 0.9 <= b.lines / a.lines <= 1.1
        judged = ratio if same_rows or not (a.lines and b.lines) else \
            ratio * a.lines / b.lines
        growth_ok &= judged <= 1.5
        per_line = "" if judged is ratio else f", per line printed x{judged:.2f}"
        lines.append(f"  {command:<40} {a.best_above * 1000:>5,.0f} -> "
                     f"{b.best_above * 1000:>5,.0f} ms x{ratio:.2f}{per_line}"
                     f"{'' if judged <= 1.5 else '  (> 1.5)'}; p50 {a.above50 * 1000:,.0f} -> "
                     f"{b.above50 * 1000:,.0f} ms x{ratio50:.2f}  [{a.lines} -> {b.lines} lines]")
    if matching:
        lines.append("")
        lines.append(f"store-and-match per document (parsing excluded; {args.match_docs} "
                     "documents, mean):")
        means = {k: statistics.mean(v) for k, v in matching.items()}
        for k in sorted(means):
            lines.append(f"  at {k:>5} stored: {means[k] * 1000:,.1f} ms")
        lo, hi = min(means), max(means)
        if lo != hi:
            lines.append(f"  ratio {lo} -> {hi}: x{means[hi] / means[lo]:.2f} (target <= 1.3)")
    lines.append("")
    lines.append(f"targets at {last} documents (p95 above start-up < 300 ms, with --limit "
                 f"{LIMIT}):")
    for t in timings:
        if t.size != last or t.command.split()[0] not in ("show", "claims", "diff"):
            continue
        above = t.above95 if t.above else float("inf")
        ok = t.limited or t.command.startswith("diff")
        lines.append(f"  {t.command:<40} {_ms(above) if t.above else 'timeout':>8} ms  "
                     f"{'met' if above < 0.3 and ok else 'NOT met'}"
                     f"{'' if ok else ' (no --limit on this branch)'}")
    lines.append(f"  growth <= 1.5x for every command: {'met' if growth_ok else 'NOT met'}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
