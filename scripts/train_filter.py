"""Train the candidate filter (claimtrack/data/filter.json) on PolNeAR's dev split.

    python scripts/train_filter.py [--jobs 2] [--out claimtrack/data/filter.json]

Data: ../shared/eval/polnear.jsonl, the dev part only (sha256(id) mod 5 != 0;
the held-out fifth is never read). Each rule candidate is labelled 1 when it
matches a human attribution (content token Jaccard >= 0.5, one-to-one: the
scorer's matching, from claimtrack.scoring), else 0. Model: logistic
regression over the named features of claimtrack.extract.filter, L2 = 5, full-batch Adam from zero
weights for 400 steps: no randomness, the same file every run. Thresholds per
cue class are chosen by 4-fold document-wise cross-validation (folds by
sha256(id) mod 5) to maximise the mean of the two F1 scores the extractor is
held to (speech with cue classes removed, and all attributions).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / ".." / "shared" / "eval"
sys.path.insert(0, str(ROOT))

from claimtrack.evalsplit import iter_split  # noqa: E402
from claimtrack.extract import parse_texts  # noqa: E402
from claimtrack.extract.filter import features  # noqa: E402
from claimtrack.extract.rules import find_attributions  # noqa: E402
from claimtrack.scoring import GoldText, match_contents  # noqa: E402

L2, STEPS, RATE, MIN_COUNT = 5.0, 400, 0.1, 2
GRID = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def candidates(jobs: int) -> tuple[list[tuple[int, list[str], str]], Counter]:
    """(fold, features, label) per rule candidate; label is the matched gold
    attribution's cue_class, or "none". Also the gold counts per class."""
    gold = list(iter_split(EVAL / "polnear.jsonl", "dev"))
    docs = parse_texts((g["text"] for g in gold), n_process=jobs)
    rows, totals = [], Counter()
    for g, doc in zip(gold, docs, strict=True):
        atts = [a for a in find_attributions(doc) if a.rule != "no_source"]
        text = GoldText.of(g["text"])
        seen: Counter = Counter()
        ga = [a for a in g["attributions"] if a.get("content")]
        totals.update(a["cue_class"] for a in ga)
        gs = [text.token_set(text.ranges(a["content"], seen)) for a in ga]
        ps = [text.token_set(text.ranges(a.content.model_dump(), seen)) for a in atts]
        match = {j: i for i, j in match_contents(gs, ps, lambda x: x >= 0.5).items()}
        fold = int(hashlib.sha256(g["id"].encode()).hexdigest(), 16) % 5
        for j, a in enumerate(atts):
            rows.append((fold, features(a, doc), ga[match[j]]["cue_class"] if j in match
                         else "none", a.cue_class))
    return rows, totals


def fit(rows) -> dict[str, float]:
    counts = Counter(f for r in rows for f in r[1])
    vocab = sorted(f for f, c in counts.items() if c >= MIN_COUNT)
    index = {f: i for i, f in enumerate(vocab)}
    x = np.zeros((len(rows), len(vocab)))
    for n, r in enumerate(rows):
        for f in r[1]:
            if f in index:
                x[n, index[f]] = 1.0
    y = np.array([r[2] != "none" for r in rows], dtype=float)
    w, m, v = np.zeros(len(vocab)), np.zeros(len(vocab)), np.zeros(len(vocab))
    for t in range(1, STEPS + 1):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        g = (x.T @ (p - y) + L2 * w) / len(y)
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        w -= RATE * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return {f: round(float(w[i]), 4) for i, f in enumerate(vocab)}


def prob(weights: dict[str, float], feats: list[str]) -> float:
    return 1.0 / (1.0 + np.exp(-sum(weights.get(f, 0.0) for f in feats)))


def f1s(rows, probs, totals, ts: float, to: float) -> tuple[float, float]:
    """Speech F1 (every kept unmatched candidate a false alarm) and all F1,
    from the labels: the candidates' matches do not change when others go."""
    keep = [p >= (ts if r[3] == "speech" else to) for r, p in zip(rows, probs, strict=True)]
    tp_s = sum(k and r[2] == "speech" for r, k in zip(rows, keep, strict=True))
    fp = sum(k and r[2] == "none" for r, k in zip(rows, keep, strict=True))
    tp_a = sum(k and r[2] != "none" for r, k in zip(rows, keep, strict=True))

    def f(tp: int, pred: int, gold: int) -> float:
        return 2 * tp / (pred + gold) if pred + gold else 0.0

    return f(tp_s, tp_s + fp, totals["speech"]), f(tp_a, sum(keep), sum(totals.values()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--out", type=Path, default=ROOT / "claimtrack" / "data" / "filter.json")
    args = ap.parse_args(argv)
    if not (EVAL / "polnear.jsonl").exists():
        sys.exit(f"{EVAL / 'polnear.jsonl'} not found: the training data lives in ../shared/eval")
    rows, totals = candidates(args.jobs)
    probs = [0.0] * len(rows)
    for k in (1, 2, 3, 4):
        w = fit([r for r in rows if r[0] != k])
        for n, r in enumerate(rows):
            if r[0] == k:
                probs[n] = prob(w, r[1])
    base = f1s(rows, [1.0] * len(rows), totals, 0.0, 0.0)
    best = max(((ts, to) for ts in GRID for to in GRID),
               key=lambda t: sum(f1s(rows, probs, totals, *t)))
    cv = f1s(rows, probs, totals, *best)
    print(f"{len(rows)} candidates; cross-validated speech/all F1 {base[0]:.4f}/{base[1]:.4f}"
          f" -> {cv[0]:.4f}/{cv[1]:.4f} at thresholds speech {best[0]} other {best[1]}")
    weights = fit(rows)
    out = {
        "version": "1",
        "about": "Logistic regression over claimtrack.extract.filter.features; "
                 "trained by scripts/train_filter.py on PolNeAR v1.0.0 (Newell, Margolin and "
                 "Ruths, LREC 2018) dev split, sha256(id) mod 5 != 0. No licence is stated "
                 "for that data.",
        "candidates": len(rows),
        "cross_validated": {"speech_f1": [round(base[0], 4), round(cv[0], 4)],
                            "all_f1": [round(base[1], 4), round(cv[1], 4)]},
        "thresholds": {"speech": best[0], "other": best[1]},
        "weights": weights,
    }
    args.out.write_text(json.dumps(out, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{len(weights)} weights -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
