"""Throughput of claimtrack extraction against bare spaCy parsing of the same texts.

    python benchmarks/bench_extract.py [--docs N] [--batch-size B] [--repeat R]

Texts: the first N dev PolNeAR documents when ../shared/eval is present, else
the seed articles repeated. Both sides run the full stock pipeline with the
same batch size at jobs 1 and 2, alternating R times; each side's best run
counts (this machine is noisy: single runs of the same code vary by ~10%).
"ratio" is extraction speed / bare speed (1.0 = the rules, the filter and the
records cost nothing). claimtrack runs its default extractor ("filtered").
Peak memory is this process's maximum RSS (workers not included) from
resource.getrusage.
"""

from __future__ import annotations

import argparse
import itertools
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimtrack.evalsplit import iter_split  # noqa: E402
from claimtrack.extract import extract_texts, parse_texts  # noqa: E402
from claimtrack.extract.chains import link_chains  # noqa: E402
from claimtrack.extract.filter import load_filter  # noqa: E402
from claimtrack.extract.resolve import resolve_sources  # noqa: E402
from claimtrack.extract.rules import find_attributions  # noqa: E402
from claimtrack.nlp import get_nlp  # noqa: E402

CORPUS = ROOT / ".." / "shared" / "eval" / "polnear.jsonl"
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def load_texts(n: int) -> tuple[list[str], str]:
    if CORPUS.exists():
        docs = itertools.islice(iter_split(CORPUS, "dev"), n)
        return [d["text"] for d in docs], f"{n} dev PolNeAR documents"
    seeds = [_LINK.sub(r"\1", p.read_text(encoding="utf-8"))
             for p in sorted((ROOT / "seeds").glob("*.md"))]
    return list(itertools.islice(itertools.cycle(seeds), n)), f"{n} seed articles (repeated)"


def timed(run) -> float:
    t0 = time.perf_counter()
    run()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    texts, what = load_texts(args.docs)
    chars = sum(len(t) for t in texts)
    nlp = get_nlp()
    nlp("warm up the pipeline")
    print(f"{what}, {chars:,} characters, batch size {args.batch_size}, "
          f"best of {args.repeat}")
    print(f"{'jobs':>4} {'what':<12} {'docs/s':>8} {'chars/s':>10} {'ratio':>6}")
    for jobs in (1, 2):
        bare = ours = float("inf")
        for _ in range(args.repeat):
            bare = min(bare, timed(lambda j=jobs: sum(1 for _ in nlp.pipe(
                texts, n_process=j, batch_size=args.batch_size))))
            ours = min(ours, timed(lambda j=jobs: sum(1 for _ in extract_texts(
                texts, jobs=j, batch_size=args.batch_size))))
        for label, secs in (("bare spaCy", bare), ("claimtrack", ours)):
            ratio = f"{bare / ours:6.2f}" if label == "claimtrack" else ""
            rate = f"{len(texts) / secs:8.2f} {chars / secs:10,.0f}"
            print(f"{jobs:>4} {label:<12} {rate} {ratio:>6}")
    # where the post-parse time goes (parsed once, outside the timings above)
    docs = list(parse_texts(texts, batch_size=args.batch_size))
    found = []
    rules = timed(lambda: found.extend(find_attributions(d) for d in docs))
    keep = load_filter().keep
    filt = timed(lambda: [[a for a in f if keep(a, d)] for d, f in zip(docs, found, strict=True)])
    later = timed(lambda: [(resolve_sources(d, a), link_chains(d, a)) for d, a in zip(
        docs, found, strict=True)])
    n = len(docs)
    print(f"after parsing, per document: rules {1000 * rules / n:.1f} ms, "
          f"filter {1000 * filt / n:.1f} ms, resolve+chains {1000 * later / n:.1f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (this process): {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
