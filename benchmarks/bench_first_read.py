"""The first read after a write: what migrations 14 to 20 keep across writes.

    python benchmarks/bench_first_read.py --db DB --texts FOLDER [--adds 5] [--repeat 2]

`sources`, `entities` and `show --entity` store what they compute for the next read,
and a write drops it. Before migrations 14 and 15 any write dropped all of it, so the
first read after one `add` computed the whole listing again; now `sources` keeps each
document's share and `entities` each entity component's records, dropped only with
what they are computed from, and both read a page of what is kept in SQL (migrations
18 and 19) instead of summing or sorting all of it. This times that first read, the
whole command a user types, on a copy of DB (a database built by `bench_scale.py` or
`bench_reads.py`; never the repository's):

1. every listing read once, so its shares and records are kept (that run is the
   first read with nothing kept: "cold");
2. --adds documents of FOLDER stored through the store layer, the cross-document
   update included (as `add` does them, parsing aside: a database decided by an older
   DECISIONS would otherwise be rebuilt by `add` first);
3. each command again ("kept"), and the same on a copy of that database whose shares
   and records are dropped ("none kept", what every first read after a write cost
   before). The two alternate --repeat times from fresh copies; each side's best
   counts; the two must print the same (checked, or the benchmark stops).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_reads as B  # noqa: E402 - the benchmarks' shared helpers


def _copy(src: Path, dst: Path) -> Path:
    """A copy of a database, its write-ahead log with it (the source is not written)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
        if Path(str(src) + suffix).exists():
            shutil.copy(str(src) + suffix, str(dst) + suffix)
    return dst


def _frequent_person(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT source_entity, count(*) FROM claims WHERE source_entity "
                           "IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1").fetchone()
    return str(row[0])


def _store(db: Path, folder: Path, n: int) -> int:
    """Store the first `n` texts of `folder` as `add` does (parsing aside)."""
    from claimtrack.corpus.update import document_added
    from claimtrack.entities import stored_facts
    from claimtrack.store import db as dbmod
    from claimtrack.store import documents as store

    sample = B.extract_sample(folder)[:n]
    handle = dbmod.open_db(db)
    try:
        for parsed, extraction, flags, aliases in sample:
            store.add_document(handle, parsed, extraction, flags, aliases,
                               derive=document_added, facts=stored_facts)
    finally:
        handle.close()
    return len(sample)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, required=True, help="a built database (copied)")
    ap.add_argument("--texts", type=Path, required=True, help="a folder of texts to add")
    ap.add_argument("--adds", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=600.0)
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="claimtrack-first-read-"))
    try:
        base = _copy(args.db, work / "base.db")
        person = _frequent_person(base)
        commands = [("sources", ["sources", "--limit", "50"]),
                    ("entities", ["entities", "--limit", "50"]),
                    (f"show --entity {person}", ["show", "--entity", person, "--limit", "50"])]
        cold = {}
        for name, argv_ in commands:
            got = B.timed_run([*argv_, "--db", str(base)], args.timeout)
            cold[name] = got[0] if got else float("nan")
        t0 = time.perf_counter()
        added = _store(base, args.texts, args.adds)
        store_s = time.perf_counter() - t0
        with sqlite3.connect(base) as conn:
            docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            shares = conn.execute("SELECT count(*) FROM source_parts").fetchone()[0]
            records = conn.execute("SELECT count(*) FROM entity_rows").fetchone()[0]
        none_kept = _copy(base, work / "none.db")
        with sqlite3.connect(none_kept) as conn:
            conn.execute("DELETE FROM source_parts")
            conn.execute("DELETE FROM entity_rows")
            conn.execute("DELETE FROM component_names")  # migration 17's names too
        best: dict[tuple[str, str], float] = {}
        for _ in range(args.repeat):
            for side, src in (("kept", base), ("none kept", none_kept)):
                for name, argv_ in commands:
                    run = _copy(src, work / "run.db")
                    got = B.timed_run([*argv_, "--db", str(run)], args.timeout)
                    took = got[0] if got else float("inf")
                    best[side, name] = min(best.get((side, name), float("inf")), took)
        for name, argv_ in commands:  # the same answer either way
            outs = {B.claimtrack(*argv_, "--db", str(_copy(src, work / "out.db")))
                    for src in (base, none_kept)}
            if len(outs) != 1:
                raise SystemExit(f"{name}: kept and none kept print different outputs")
        print(f"database: {docs:,} documents after {added} stored ({store_s:.1f} s); "
              f"{shares:,} document shares and {records:,} entity records still kept")
        print(f"{'command':40} {'cold':>8} {'kept':>8} {'none kept':>10} {'ratio':>6}")
        for name, _ in commands:
            k, n = best["kept", name], best["none kept", name]
            print(f"{name:40} {cold[name]:8.2f} {k:8.2f} {n:10.2f} {n / k:6.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
