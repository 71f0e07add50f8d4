"""Validate evalsets/polnear_pairs.json against PolNeAR, or print a pair's spans for review.

    python scripts/pairs_check.py                 # validate; exit 1 on any problem
    python scripts/pairs_check.py --show 3        # pair #3 (1-based): every labelled span
    python scripts/pairs_check.py --show all

Checks: ids exist in polnear.jsonl and are not held out; each document's text still has the
recorded sha256; kinds, splits and relations are known; every span is in range, non-empty
and starts and ends on a word boundary; the split counts meet the issue's minimums. Texts
are read from polnear.jsonl at run time and only printed to the terminal, never written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pairs_lib as L  # noqa: E402


def validate(data: dict, texts: dict[str, str]) -> list[str]:
    problems: list[str] = []
    docs = data.get("documents", {})
    for key in ("version", "source", "split_rule", "pairs", "documents"):
        if key not in data:
            problems.append(f"missing top-level key {key!r}")
    for doc_id, meta in docs.items():
        if L.is_held_out(doc_id):
            problems.append(f"{doc_id}: held out")
        elif doc_id not in texts:
            problems.append(f"{doc_id}: not in the source")
        elif L.sha256_text(texts[doc_id]) != meta.get("sha256"):
            problems.append(f"{doc_id}: text changed (sha256 differs): offsets may be stale")
    seen = set()
    for n, p in enumerate(data.get("pairs", []), 1):
        where = f"pair {n} ({p.get('a')} | {p.get('b')})"
        if p.get("kind") not in L.KINDS:
            problems.append(f"{where}: kind {p.get('kind')!r}")
        if p.get("split") not in L.SPLITS:
            problems.append(f"{where}: split {p.get('split')!r}")
        if not p.get("why"):
            problems.append(f"{where}: no 'why'")
        key = frozenset((p.get("a"), p.get("b")))
        if key in seen:
            problems.append(f"{where}: duplicate pair")
        seen.add(key)
        if p.get("a") == p.get("b"):
            problems.append(f"{where}: a document paired with itself")
        for side in ("a", "b"):
            if p.get(side) not in docs:
                problems.append(f"{where}: {side} has no checksum in 'documents'")
        if any(p.get(s) not in texts for s in ("a", "b")):
            continue
        if p["kind"] == "different_event" and p.get("claims"):
            problems.append(f"{where}: a different_event pair carries shared claims")
        items = [("claim", c) for c in p.get("claims", [])]
        items += [("near miss", c) for c in p.get("near_misses", [])]
        for i, (what, c) in enumerate(items, 1):
            if what == "claim" and c.get("relation") not in L.RELATIONS:
                problems.append(f"{where} {what} {i}: relation {c.get('relation')!r}")
            if not c.get("label"):
                problems.append(f"{where} {what} {i}: no label")
            for side in ("a", "b"):
                s = c.get(side) or {}
                for msg in L.span_problems(texts[p[side]], s.get("start", -1), s.get("end", -1)):
                    problems.append(f"{where} {what} {i} side {side}: {msg}")
    counts = split_counts(data)
    if counts["calibrate"] < 8 or counts["report"] < 4:
        problems.append(f"same_story pairs per split {counts}: need >= 8 calibrate, >= 4 report")
    if sum(p.get("kind") == "different_event" for p in data.get("pairs", [])) < 3:
        problems.append("fewer than 3 different_event pairs")
    return problems


def split_counts(data: dict) -> dict[str, int]:
    out = {s: 0 for s in L.SPLITS}
    for p in data.get("pairs", []):
        if p.get("kind") == "same_story" and p.get("split") in out:
            out[p["split"]] += 1
    return out


def show(data: dict, texts: dict[str, str], which: str) -> None:
    pairs = data["pairs"]
    picks = range(1, len(pairs) + 1) if which == "all" else [int(which)]
    for n in picks:
        p = pairs[n - 1]
        ta, tb = texts[p["a"]], texts[p["b"]]
        print(f"=== pair {n} [{p['kind']}, {p['split']}] {p['why']}")
        print(f"    A {p['a']}\n    B {p['b']}")
        for i, c in enumerate(p["claims"], 1):
            print(f"  claim {i} [{c['relation']}] {c['label']}")
            print(f"    A {c['a']['start']}-{c['a']['end']}: {ta[c['a']['start']:c['a']['end']]}")
            print(f"    B {c['b']['start']}-{c['b']['end']}: {tb[c['b']['start']:c['b']['end']]}")
        for i, c in enumerate(p["near_misses"], 1):
            print(f"  near miss {i}: {c['label']}")
            print(f"    A {c['a']['start']}-{c['a']['end']}: {ta[c['a']['start']:c['a']['end']]}")
            print(f"    B {c['b']['start']}-{c['b']['end']}: {tb[c['b']['start']:c['b']['end']]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=Path, default=L.PAIRS_FILE)
    ap.add_argument("--source", help="polnear.jsonl (default: $POLNEAR or ../shared/eval)")
    ap.add_argument("--show", metavar="N|all", help="print pair N's labelled spans")
    args = ap.parse_args(argv)
    source = L.polnear_path(args.source)
    if not source.exists():
        print(f"{source} not found (set $POLNEAR or --source)", file=sys.stderr)
        return 2
    data = L.load_pairs(args.pairs)
    texts = L.load_texts(source, data.get("documents", {}))
    if args.show:
        show(data, texts, args.show)
        return 0
    problems = validate(data, texts)
    for msg in problems:
        print(msg)
    pairs = data.get("pairs", [])
    claims = [c for p in pairs for c in p.get("claims", [])]
    rel = {r: sum(c.get("relation") == r for c in claims) for r in L.RELATIONS}
    print(
        f"{len(pairs)} pairs ({sum(p['kind'] == 'same_story' for p in pairs)} same_story, "
        f"split {split_counts(data)}), {len(claims)} claims {rel}, "
        f"{sum(len(p.get('near_misses', [])) for p in pairs)} near misses: "
        + ("OK" if not problems else f"{len(problems)} problems")
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
