"""Candidate same-story pairs of different publishers in PolNeAR, ranked, for a human to read.

    python scripts/pairs_candidates.py [--days 3] [--top 60] [--min-score 0]

Only documents outside the held-out fifth are read (claimtrack.evalsplit). Two documents are
candidates when their publishers differ and their dates are at most --days apart; the score
adds the IDF weight of each rare capitalised name both use (names in at most 5% of documents)
and a bonus for each quotation of five words or more that both print. The printout gives ids,
dates, publishers, titles, the shared names and the shared quotations; nothing is written.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimtrack.evalsplit import is_held_out  # noqa: E402

# ../shared/eval/polnear.jsonl beside the checkout; $POLNEAR overrides (e.g. from a worktree).
DEFAULT_SOURCE = Path(
    os.environ.get("POLNEAR") or ROOT.parent / "shared" / "eval" / "polnear.jsonl"
)

# A run of capitalised words ("Donald Trump", "Des Moines Register"); sentence-initial
# function words are dropped below.
_NAME = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of\s+|de\s+|al-)?[A-Z][\w'’.-]*)*")
_STOP = {
    "The",
    "A",
    "An",
    "And",
    "But",
    "In",
    "On",
    "At",
    "It",
    "He",
    "She",
    "They",
    "We",
    "I",
    "His",
    "Her",
    "Their",
    "This",
    "That",
    "There",
    "Mr",
    "Mrs",
    "Ms",
    "Mr.",
    "Mrs.",
    "Ms.",
    "If",
    "As",
    "For",
    "So",
    "When",
    "What",
    "While",
    "After",
    "Before",
    "Some",
    "Many",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
}
_QUOTE = re.compile(r"[\"“]([^\"“”]{10,400})[\"”]")
_WORD = re.compile(r"\w+")


def load(path: Path) -> list[dict]:
    docs = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            if is_held_out(d["id"]):
                continue  # never read the held-out fifth
            docs.append(d)
    return docs


def names(text: str) -> set[str]:
    out = set()
    for m in _NAME.finditer(text):
        words = [w.strip(".'’") for w in m.group(0).split()]
        while words and words[0] in _STOP:
            words = words[1:]
        if not words:
            continue
        name = " ".join(words)
        if len(name) > 2:
            out.add(name)
            if len(words) > 1:
                out.add(words[-1])  # surname alone: "Trump" in one, "Donald Trump" in the other
    return out


def quotes(text: str) -> set[str]:
    out = set()
    for m in _QUOTE.finditer(text):
        words = _WORD.findall(m.group(1).lower())
        if len(words) >= 5:
            out.add(" ".join(words))
    return out


def shared_quotes(qa: set[str], qb: set[str]) -> list[str]:
    """Quotations both print: identical, or one inside the other (a shorter excerpt)."""
    out = []
    for x in qa:
        for y in qb:
            if (
                x == y
                or (len(x) < len(y) and f" {x} " in f" {y} ")
                or (len(y) < len(x) and f" {y} " in f" {x} ")
            ):
                out.append(min(x, y, key=len))
    return sorted(set(out))


_TITLE_STOP = {
    *[
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "but",
        "with",
        "at",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "be",
        "his",
        "her",
    ],
    *[
        "their",
        "its",
        "it",
        "he",
        "she",
        "they",
        "after",
        "before",
        "over",
        "into",
        "about",
        "not",
        "no",
        "new",
        "says",
        "say",
        "said",
    ],
}


def title_words(d: dict) -> set[str]:
    words = _WORD.findall(str(d["meta"].get("title") or "").lower())
    return {w for w in words if w not in _TITLE_STOP and len(w) > 2}


def shingles(text: str, n: int = 7) -> set[tuple[str, ...]]:
    """Every run of n words: two texts sharing several print the same passage (quote, wire)."""
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def pub_date(d: dict) -> date | None:
    try:
        return date.fromisoformat(str(d["meta"].get("publication_date"))[:10])
    except ValueError:
        return None


def rank(docs: list[dict], days: int) -> list[tuple]:
    n = len(docs)
    doc_names = [names(d["text"]) for d in docs]
    doc_quotes = [quotes(d["text"]) for d in docs]
    doc_titles = [title_words(d) for d in docs]
    doc_shingles = [shingles(d["text"]) for d in docs]
    df: dict[str, int] = defaultdict(int)
    for ns in doc_names:
        for x in ns:
            df[x] += 1
    rare_max = max(2, int(0.05 * n))
    idf = {x: math.log(n / c) for x, c in df.items() if c <= rare_max}
    dates = [pub_date(d) for d in docs]
    out = []
    for i in range(n):
        for j in range(i + 1, n):
            if docs[i]["meta"].get("publisher") == docs[j]["meta"].get("publisher"):
                continue
            if dates[i] is None or dates[j] is None or abs((dates[i] - dates[j]).days) > days:
                continue
            common = sorted(
                (x for x in doc_names[i] & doc_names[j] if x in idf), key=lambda x: -idf[x]
            )
            qs = shared_quotes(doc_quotes[i], doc_quotes[j])
            passages = len(doc_shingles[i] & doc_shingles[j])
            titles = doc_titles[i] & doc_titles[j]
            score = (
                sum(idf[x] for x in common)
                + 8.0 * len(qs)
                + 2.0 * min(passages, 20)
                + 3.0 * len(titles)
            )
            if score > 0:
                extra = [f"{passages} shared 7-word runs", "title: " + " ".join(sorted(titles))]
                out.append((score, docs[i], docs[j], common, qs, extra))
    out.sort(key=lambda r: (-r[0], r[1]["id"], r[2]["id"]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--top", type=int, default=60)
    ap.add_argument("--min-score", type=float, default=0.0)
    args = ap.parse_args(argv)
    docs = load(args.source)
    ranked = rank(docs, args.days)
    for k, (score, a, b, common, qs, extra) in enumerate(ranked[: args.top], 1):
        if score < args.min_score:
            break
        print(f"#{k} score={score:.1f}")
        for d in (a, b):
            m = d["meta"]
            print(f"  {d['id']}  {m.get('publication_date')}  {m.get('publisher')}")
            print(f"      {m.get('title')}")
        print(f"  names: {', '.join(common[:15])}")
        print(f"  {'; '.join(extra)}")
        for q in qs[:6]:
            print(f"  quote: {q[:120]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
