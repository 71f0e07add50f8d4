"""How many author statements the body yields, and how many a speaker owns (dev only).

    python scripts/author_dev.py [--n 100] [--seed 10] [--show 30] [--eval DIR]

Parses N dev documents of ../shared/eval/polnear.jsonl (never the held-out
fifth), runs rules.find_attributions then extract.author.author_statements,
and prints per-document counts and a gold proxy for precision: the share of
author statements that lie mostly (> half their characters) inside a gold
PolNeAR attribution's content, i.e. that an annotator gave to a speaker.
`--show K` prints K random statements with their paragraph for judging by eye
(stdout only: the texts are copyrighted and never committed).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / ".." / "shared" / "eval"
sys.path.insert(0, str(ROOT))

from claimtrack.evalsplit import is_held_out, iter_split  # noqa: E402
from claimtrack.extract import parse_texts  # noqa: E402
from claimtrack.extract.author import author_statements  # noqa: E402
from claimtrack.extract.rules import find_attributions  # noqa: E402
from claimtrack.extract.spans import paragraphs  # noqa: E402


def _inside(start: int, end: int, ranges: list[tuple[int, int]]) -> float:
    hit = set()
    for s, e in ranges:
        hit.update(range(max(s, start), min(e, end)))
    return len(hit) / max(1, end - start)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--owned", action="store_true",
                    help="with --show: sample only statements a gold attribution owns")
    ap.add_argument("--eval", type=Path, default=EVAL, help="the folder of polnear.jsonl")
    args = ap.parse_args()
    dev = list(iter_split(args.eval / "polnear.jsonl", "dev"))
    gold = random.Random(args.seed).sample(dev, args.n)
    assert not any(is_held_out(g["id"]) for g in gold)
    counts, owned, owned_speech, found = [], 0, 0, []
    publishers: Counter[str] = Counter()
    for g, doc in zip(gold, parse_texts(g["text"] for g in gold), strict=True):
        atts = find_attributions(doc)
        mine = author_statements(doc, atts)
        counts.append(len(mine))
        publishers[g["meta"]["publisher"]] += len(mine)
        spans = [(a["content"]["start"], a["content"]["end"]) for a in g["attributions"]
                 if a.get("source")]
        speech = [(a["content"]["start"], a["content"]["end"]) for a in g["attributions"]
                  if a.get("source") and a["cue_class"] == "speech"]
        for a in mine:
            owned += _inside(a.content.start, a.content.end, spans) > 0.5
            owned_speech += _inside(a.content.start, a.content.end, speech) > 0.5
            if not args.owned or _inside(a.content.start, a.content.end, spans) > 0.5:
                found.append((g, a))
    total = sum(counts)
    print(f"documents {len(counts)}; author statements {total}; per document mean "
          f"{statistics.mean(counts):.1f}, median {statistics.median(counts)}, "
          f"max {max(counts)}; documents with none {counts.count(0)}")
    print(f"mostly inside a gold attribution's content: {owned / max(1, total):.2f} "
          f"(speech cues only: {owned_speech / max(1, total):.2f})")
    print("by publisher:", dict(publishers.most_common()))
    rng = random.Random(args.seed + 1)
    for g, a in rng.sample(found, min(args.show, len(found))):
        para = next(t for s, e in paragraphs(g["text"]) if s <= a.content.start < e
                    for t in [g["text"][s:e]])
        print(f"\n--- {g['id']} [{a.content.start}:{a.content.end}]\n>>> {a.content.text}\n"
              f"    para: {para[:400]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
