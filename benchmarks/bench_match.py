"""Store-and-match per document against the database's size, the related documents held fixed.

    python benchmarks/bench_match.py [--sizes 100,1000] [--docs 20] [--related 80] [--alone 5]

bench_reads.py times store-and-match on one recombined corpus that grows: the later
a document, the more of its sentences' other uses are already stored (up to three
uses each, issue 12's rule), so what a sample document matches grows with the
database (claim matches per document x5.6 from 100 to 1,000 documents) and its
time with it. That mixes two things: how many related documents a new one meets,
which is the corpus's, and what the database's size costs, which is ours. This
benchmark holds the first fixed to measure the second, as news does: a story is
told by a few outlets whatever the archive's size.

PolNeAR dev articles (never the held-out fifth) are shuffled and split in two
pools. The story pool (--story-articles) is recombined (bench_reads.recombine)
into --related + --docs documents: the last --docs are the sample, the others the
documents they share sentences with. The filler pool, disjoint from it, is
recombined into the rest. The database at size N holds the related documents and
N - related filler documents (`claimtrack add`, stage by stage); the sample is
stored and matched on a copy of it at each size (bench_reads.store_and_match:
store.add_document with the cross-document update, parsing excluded) and the
claim matches the sample made are counted, so the figures can be read per match
too. Filler documents still share what all political news shares (names,
offices, stock phrases): that part of the growth is counted, as it should be.

`alone ms`: the first --alone sample documents stored one at a time, each by a fresh
connection on a fresh copy of the database, as `claimtrack add one.txt` stores one
after parsing (no posting list read before it); the sample's own times are a process
storing 20 documents in a row.

Target (issue 10): store-and-match per document within 1.3x from 100 to 1,000.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_reads as B  # noqa: E402


def matches_of(db: Path, doc_ids: list[str]) -> Counter[str]:
    """Claim matches (each pair once) that the claims of `doc_ids` take part in, by
    relation: those stored and those of twin classes (matchstore.matches_of)."""
    from claimtrack.store import matchstore

    pairs: dict[tuple[str, str], str] = {}
    with sqlite3.connect(db) as conn:
        for d in doc_ids:
            ids = [c for (c,) in conn.execute("SELECT id FROM claims WHERE doc_id = ?", (d,))]
            for m in matchstore.matches_of(conn, ids):
                pairs[m.a, m.b] = m.relation
    return Counter(pairs.values())


def store_alone(db: Path, sample, work: Path, k: int) -> list[float]:
    """Seconds to store and match each of the first `k` sample documents alone: a fresh
    copy of `db` and a fresh connection each (what `claimtrack add one.txt` pays after
    parsing: no posting list read yet)."""
    try:
        return B.store_and_match(db, sample[:k], work, "alone.db", alone=True)
    finally:
        B.remove_database(work / "alone.db")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000", help="stored documents")
    ap.add_argument("--docs", type=int, default=20, help="sample documents stored and matched")
    ap.add_argument("--related", type=int, default=80,
                    help="stored documents the sample shares sentences with (in every size)")
    ap.add_argument("--story-articles", type=int, default=100,
                    help="articles the sample and its related documents are made of")
    ap.add_argument("--repeat", type=int, default=2, help="runs at each size (best mean kept)")
    ap.add_argument("--jobs", type=int, default=2, help="parser processes for building")
    ap.add_argument("--alone", type=int, default=5,
                    help="sample documents also stored alone, each on a fresh copy (0: none)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", help="build here and keep the databases (default: a "
                    "temporary folder, removed)")
    args = ap.parse_args(argv)

    if not B.CORPUS.exists():
        print(f"{B.CORPUS} is absent: nothing to build the databases from", file=sys.stderr)
        return 1
    sizes = sorted({int(s) for s in args.sizes.split(",") if s})
    if sizes[0] < args.related:
        print(f"--related {args.related} exceeds the smallest size {sizes[0]}", file=sys.stderr)
        return 2
    articles = B.paragraphs_of(B.CORPUS)
    random.Random(args.seed).shuffle(articles)
    story_pool, filler_pool = articles[: args.story_articles], articles[args.story_articles :]
    story = B.recombine(story_pool, args.related + args.docs, args.seed)
    related, sample_docs = story[: args.related], story[args.related :]
    # the filler is never the sample's: its sentences may recur more often (the pool
    # left after the story's articles cannot fill 1,000 documents at three uses)
    filler = B.recombine(filler_pool, sizes[-1] - args.related, args.seed + 1,
                         uses=2 * B.MAX_USES)
    for k, d in enumerate(filler):  # names apart from the story documents'
        d.name = f"filler{k:05d}.txt"

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="bench-match-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{len(story_pool)} story articles -> {len(related)} related + {len(sample_docs)} "
          f"sample documents; {len(filler_pool)} filler articles -> {len(filler)} documents; "
          f"in {work}", file=sys.stderr)
    try:
        sample_dir = work / "sample"
        sample_dir.mkdir(exist_ok=True)
        for d in sample_docs:
            (sample_dir / d.name).write_text(d.text, encoding="utf-8")
        sample = B.extract_sample(sample_dir)
        db = work / "bench.db"
        B.remove_database(db)
        corpus = related + filler
        stored = 0
        rows: list[tuple[int, float, float, float]] = []
        alone: list[float] = []
        kinds: list[str] = []
        for size in sizes:
            stage = work / f"stage-{size}"
            stage.mkdir(exist_ok=True)
            for d in corpus[stored:size]:
                (stage / d.name).write_text(d.text, encoding="utf-8")
            t0 = time.perf_counter()
            B.claimtrack("add", str(stage), "--jobs", str(args.jobs), "--db", str(db))
            print(f"stored {size} documents (+{size - stored} in "
                  f"{time.perf_counter() - t0:.0f} s)", file=sys.stderr)
            stored = size
            best: list[float] | None = None
            for _ in range(args.repeat):
                times = B.store_and_match(db, sample, work)
                if best is None or statistics.mean(times) < statistics.mean(best):
                    best = times
            assert best is not None
            copy = work / "match-copy.db"
            with sqlite3.connect(copy) as conn:
                ids = [r[0] for r in conn.execute(
                    "SELECT id FROM documents ORDER BY added DESC LIMIT ?", (len(sample),))]
            found = matches_of(copy, ids)
            per_doc = sum(found.values()) / len(sample)
            rows.append((size, statistics.mean(best), statistics.median(best), per_doc))
            if args.alone:
                alone.append(statistics.mean(store_alone(db, sample, work, args.alone)))
            kinds.append(", ".join(f"{r} {found[r] / len(sample):.1f}"
                                   for r in ("same", "more_specific", "contradicts", "related")))
            print(f"  at {size}: {statistics.mean(best) * 1000:.1f} ms/doc, "
                  f"{per_doc:.1f} claim matches per sample document", file=sys.stderr)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    print("store-and-match per document (parsing excluded), the sample's related documents "
          f"stored at every size ({args.docs} documents, best mean of {args.repeat}):")
    print(f"{'stored':>8} {'mean ms':>9} {'median ms':>10} {'matches/doc':>12} {'ms/match':>9}"
          + (f" {'alone ms':>9}" if alone else ""))
    for i, (size, mean, median, per_doc) in enumerate(rows):
        per_match = f"{mean * 1000 / per_doc:9.2f}" if per_doc else f"{'-':>9}"
        print(f"{size:>8} {mean * 1000:9.1f} {median * 1000:10.1f} {per_doc:12.1f} {per_match}"
              + (f" {alone[i] * 1000:9.1f}" if alone else ""))
    if alone:
        print(f"alone: the first {args.alone} sample documents each stored by a fresh connection "
              "on a fresh copy (as `claimtrack add one.txt`, parsing aside), mean")
    print("claim matches per sample document by relation:")
    for (size, *_), k in zip(rows, kinds, strict=True):
        print(f"{size:>8}  {k}")
    (s0, m0, _, p0), (s1, m1, _, p1) = rows[0], rows[-1]
    ratio = m1 / m0
    print(f"growth {s0} -> {s1}: x{ratio:.2f} per document (target <= 1.3: "
          f"{'met' if ratio <= 1.3 else 'NOT met'}); matches per document x{p1 / p0:.2f}"
          if p0 else f"growth {s0} -> {s1}: x{ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
