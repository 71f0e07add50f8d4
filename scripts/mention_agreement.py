"""Stored mentions against the stock NER's, on dev PolNeAR (never the held-out fifth).

    python scripts/mention_agreement.py [--docs N] [--jobs J]

"Stored mentions" are what `claimtrack add` stores for a text: the `mentions`
of extract_texts() (labels PERSON, ORG, GPE, NORP, LOC, FAC, EVENT). The
reference is the stock pipeline as spaCy ships it, run on the whole text as
bare spaCy would (`spacy.load(...)`, `nlp(text).ents`, the same labels). A
mention agrees when its start, end and label are the stock entity's;
precision, recall and F1 over all mentions of the first N dev documents
(all of dev by default), and the same with the label ignored. Issue 12 asks for F1 >= 0.97.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimtrack.errors import ExtractError  # noqa: E402
from claimtrack.evalsplit import iter_split  # noqa: E402
from claimtrack.extract import MENTION_LABELS, extract_texts  # noqa: E402
from claimtrack.extract.nlp import load_stock  # noqa: E402

CORPUS = ROOT / ".." / "shared" / "eval" / "polnear.jsonl"


def prf(ours: set, stock: set) -> tuple[float, float, float]:
    hit = len(ours & stock)
    p = hit / len(ours) if ours else 1.0
    r = hit / len(stock) if stock else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--docs", type=int, default=0, help="first N dev documents (0: all)")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args(argv)
    if not CORPUS.exists():
        raise SystemExit(f"no corpus at {CORPUS}")
    docs = list(iter_split(CORPUS, "dev"))  # never the held-out fifth
    if args.docs:
        docs = docs[: args.docs]
    texts = [d["text"] for d in docs]
    ours: set[tuple[int, int, int, str]] = set()
    for i, ex in enumerate(extract_texts(texts, jobs=args.jobs)):
        if isinstance(ex, ExtractError):
            raise SystemExit(f"document {docs[i]['id']}: {ex}")
        ours.update((i, m.start, m.end, m.label) for m in ex.mentions)
    nlp = load_stock()  # spaCy as shipped, not claimtrack's pipeline
    stock = {(i, e.start_char, e.end_char, e.label_)
             for i, d in enumerate(nlp.pipe(texts, batch_size=8))
             for e in d.ents if e.label_ in MENTION_LABELS}
    p, r, f = prf(ours, stock)
    up, ur, uf = prf({m[:3] for m in ours}, {m[:3] for m in stock})
    print(f"{len(texts)} dev documents: {len(ours)} stored mentions, {len(stock)} stock")
    print(f"span and label: precision {p:.4f} recall {r:.4f} F1 {f:.4f}")
    print(f"span only:      precision {up:.4f} recall {ur:.4f} F1 {uf:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
