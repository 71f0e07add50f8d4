"""Score `claimtrack diff` (or a BM25 sentence baseline) against evalsets/polnear_pairs.json.

    python scripts/score_pairs.py [--split calibrate|report|all] [--json] [--verbose]
    python scripts/score_pairs.py --baseline bm25 [--bm25-threshold T] [--bm25-top K]
    python scripts/score_pairs.py --db /tmp/pairs.db   # reuse (or keep) the database

Every document of the set is written, as its exact PolNeAR text, to a .txt file in a
temporary folder outside the repository and added with claimtrack (one database for all
pairs, so each document is parsed once); then `claimtrack diff A B --json` runs for each
pair as a subprocess (`--in-process` calls claimtrack.api.diff instead). claimtrack strips a
plain text, so offsets are mapped from the stored text back to PolNeAR's before matching.

Matching: a predicted aligned pair matches a gold item when each side overlaps the gold span
at token Jaccard >= 0.5. Per split: recall of `same` + `more_specific` items; precision over
all predicted pairs (one that matches no gold claim is a false alarm; one that matches a
labelled near miss is a false alarm reported as "near miss aligned"; on different_event
pairs every predicted pair is a false alarm); labelled contradictions found (matched by a
pair whose relation is `contradicts`). Today's diff carries no relation: its pairs count as
`same`.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pairs_lib as L  # noqa: E402

Span = tuple[int, int]
Pred = dict  # {"a": (s, e), "b": (s, e), "relation": str}

# BM25 defaults, chosen on the calibrate split only (see evalsets/README.md).
BM25_THRESHOLD = 0.35
BM25_TOP = 8


# --- reading diff --json: today's shape and the issue-10 contract ----------------------------


def _claim_like(x: object) -> bool:
    return (
        isinstance(x, dict)
        and isinstance(x.get("content"), dict)
        and "start" in x["content"]
        and "end" in x["content"]
    )


def _aligned_items(obj: object) -> list[dict]:
    """Every dict anywhere in `obj` that holds two claims (each with content start/end)."""
    found: list[dict] = []
    if isinstance(obj, dict):
        if sum(_claim_like(v) for v in obj.values()) >= 2:
            found.append(obj)
            return found
        for v in obj.values():
            found.extend(_aligned_items(v))
    elif isinstance(obj, list):
        for v in obj:
            found.extend(_aligned_items(v))
    return found


def aligned_pairs(diff_json: object, doc_a: str, doc_b: str) -> list[Pred]:
    """(A span, B span, relation) of every aligned pair in a diff's JSON.

    Today (claimtrack/diff.py): {"shared": [{"a": Claim, "b": Claim, "similarity", ...}]},
    no relation (read as `same`). The issue-10 contract: any list of aligned pairs, each
    carrying two claims with `id`, `doc_id` and `content` {start, end, text} and the pair a
    `relation`. Both are read the same way: every object holding two claims is a pair; the
    side is told by the claim's `doc_id` (by key order when no doc_id says)."""
    out: list[Pred] = []
    for item in _aligned_items(diff_json):
        claims = [v for v in item.values() if _claim_like(v)][:2]
        ids = [c.get("doc_id") for c in claims]
        if ids == [doc_b, doc_a] or (doc_b not in ids and ids[1] == doc_a):
            claims.reverse()
        rel = item.get("relation") or "same"
        spans = [(int(c["content"]["start"]), int(c["content"]["end"])) for c in claims]
        out.append({"a": spans[0], "b": spans[1], "relation": str(rel)})
    return out


# --- offsets: the stored text vs PolNeAR's --------------------------------------------------


class OffsetMap:
    """Maps offsets in the stored text to offsets in the PolNeAR text."""

    def __init__(self, source: str, stored: str):
        self.shift: int | None = None
        self.blocks: list[tuple[int, int, int]] = []
        if stored == source:
            self.shift = 0
        else:
            at = source.find(stored)
            if at >= 0 and source.count(stored) == 1:
                self.shift = at  # claimtrack strips a plain text
            else:
                sm = difflib.SequenceMatcher(None, stored, source, autojunk=False)
                self.blocks = [(b.a, b.b, b.size) for b in sm.get_matching_blocks() if b.size]

    @property
    def exact(self) -> bool:
        return self.shift is not None

    def __call__(self, pos: int) -> int:
        if self.shift is not None:
            return pos + self.shift
        best = 0
        for a, b, size in self.blocks:
            if a <= pos <= a + size:
                return b + (pos - a)
            if a <= pos:
                best = b + size
        return best


# --- claimtrack ---------------------------------------------------------------------------


_CLI = "import sys; from claimtrack.cli import cli; sys.argv[0] = 'claimtrack'; cli()"


def build_db(db: Path, texts: dict[str, str], workdir: Path) -> dict[str, str]:
    """Add every text as <polnear id>.txt; return polnear id -> claimtrack document id."""
    from claimtrack import api

    paths = {}
    for doc_id, text in texts.items():
        p = workdir / f"{doc_id}.txt"
        p.write_text(text, encoding="utf-8")
        paths[str(p)] = doc_id
    result = api.add(db, list(paths))
    if result.failures:
        raise SystemExit(f"claimtrack add failed: {[str(f) for f in result.failures]}")
    ids = {}
    for doc in result.added:
        ids[paths[doc.origin]] = doc.id
    for origin, doc in result.unchanged:
        ids[paths[origin]] = doc.id
    missing = set(texts) - set(ids)
    if missing:
        raise SystemExit(f"not stored: {sorted(missing)}")
    return ids


def stored_text(db: Path, doc_id: str) -> str:
    from claimtrack.store import db as dbmod
    from claimtrack.store import documents as store

    return store.get_text(dbmod.open_db(db, create=False), doc_id)


def run_diff(db: Path, a: str, b: str, in_process: bool) -> object:
    if in_process:
        from claimtrack import api

        return api.diff(db, a, b).model_dump(mode="json")
    env = dict(os.environ)
    proc = subprocess.run(
        [sys.executable, "-c", _CLI, "diff", a, b, "--json", "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"claimtrack diff {a} {b} failed: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


# --- BM25 baseline ---------------------------------------------------------------------------

_STOP = frozenset(
    re.findall(
        r"\w+",
        "a an the of to in on for and or but with at by from as is are was were be been being "
        "it its he she they them his her their this that these those i we you our your not no "
        "so if than then there here have has had do does did will would can could may might "
        "said says say mr mrs ms who what which when where how also just about into over after",
    )
)
_SENT = re.compile(r"[^\n]+")
_SPLIT = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘'(]?[A-Z0-9])")


def sentences(text: str) -> list[Span]:
    out: list[Span] = []
    for para in _SENT.finditer(text):
        start = para.start()
        for m in _SPLIT.finditer(para.group(0)):
            end = para.start() + m.start()
            piece = text[start:end]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                out.append((start + lead, start + len(piece.rstrip())))
            start = para.start() + m.end()
        piece = text[start : para.end()]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append((start + lead, start + len(piece.rstrip())))
    return out


def _terms(text: str) -> list[str]:
    return [t for t in re.findall(r"\w+", text.lower()) if t not in _STOP and len(t) > 1]


def bm25_pairs(
    text_a: str, text_b: str, threshold: float, top: int, k1: float = 1.2, b: float = 0.75
) -> list[Pred]:
    """Sentence pairs across A and B by BM25 (A's sentences the corpus, each B sentence a
    query), normalised by the query's score against itself so one threshold fits all
    lengths; greedy one-to-one, best first, at most `top`, relation `same`."""
    sa, sb = sentences(text_a), sentences(text_b)
    da = [_terms(text_a[s:e]) for s, e in sa]
    n = len(da) or 1
    avg = sum(map(len, da)) / n or 1.0
    df = Counter(t for d in da for t in set(d))
    idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
    tfs = [Counter(d) for d in da]

    def score(q: list[str], i: int) -> float:
        tf, dl = tfs[i], len(da[i])
        s = 0.0
        for t in set(q):
            f = tf.get(t, 0)
            if f:
                s += idf.get(t, 0.0) * f * (k1 + 1) / (f + k1 * (1 - b + b * dl / avg))
        return s

    cands = []
    for j, (s, e) in enumerate(sb):
        q = _terms(text_b[s:e])
        ceiling = sum(idf.get(t, math.log(1 + n / 0.5)) * (k1 + 1) / (1 + k1) for t in set(q))
        if not ceiling:
            continue
        for i in range(len(sa)):
            v = score(q, i) / ceiling
            if v >= threshold:
                cands.append((v, i, j))
    cands.sort(reverse=True)
    used_a, used_b, out = set(), set(), []
    for _v, i, j in cands:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        out.append({"a": sa[i], "b": sb[j], "relation": "same"})
        if len(out) >= top:
            break
    return out


# --- scoring ---------------------------------------------------------------------------------


def _gold(item: dict) -> tuple[Span, Span]:
    return (item["a"]["start"], item["a"]["end"]), (item["b"]["start"], item["b"]["end"])


def widen_to_sentences(text: str, span: Span) -> Span:
    """The sentences (as `sentences` splits them) a span overlaps, as one span."""
    hit = [s for s in sentences(text) if s[0] < span[1] and span[0] < s[1]]
    return (min(s[0] for s in hit), max(s[1] for s in hit)) if hit else span


def sentence_gold(pair: dict, text_a: str, text_b: str) -> dict:
    """`pair` with every labelled span widened to its sentences: the labels as a reader
    marking whole sentences would give them (ours are clause-sized), to see how much
    a system's figures depend on the size of the spans it is judged against."""
    out = copy.deepcopy(pair)
    for key in ("claims", "near_misses"):
        for item in out.get(key, []):
            for side, text in (("a", text_a), ("b", text_b)):
                start, end = widen_to_sentences(text, (item[side]["start"], item[side]["end"]))
                item[side]["start"], item[side]["end"] = start, end
    return out


def score_pair(pair: dict, text_a: str, text_b: str, preds: list[Pred]) -> dict:
    """One pair's tallies and its misses/false alarms (offsets and labels only)."""
    claims, near = pair.get("claims", []), pair.get("near_misses", [])
    matched_by: list[list[Pred]] = [[] for _ in claims]
    r = Counter()
    alarms, near_hits = [], []
    for p in preds:
        hits = [
            k
            for k, c in enumerate(claims)
            if L.pair_matches(text_a, text_b, (p["a"], p["b"]), _gold(c))
        ]
        for k in hits:
            matched_by[k].append(p)
        r["predicted"] += 1
        if hits and pair["kind"] == "same_story":
            r["true"] += 1
            continue
        nm = [
            c for c in near if L.pair_matches(text_a, text_b, (p["a"], p["b"]), _gold(c))
        ]
        if nm:
            r["near_miss_aligned"] += 1
            near_hits.append({"a": p["a"], "b": p["b"], "label": nm[0]["label"]})
        else:
            alarms.append({"a": p["a"], "b": p["b"], "relation": p["relation"]})
        if pair["kind"] == "different_event":
            r["different_event_aligned"] += 1
    misses = []
    for c, by in zip(claims, matched_by, strict=True):
        rel = c["relation"]
        if rel in ("same", "more_specific"):
            r["gold_same"] += 1
            r["found_same"] += bool(by)
            r["relation_flipped"] += bool(by) and all(p["relation"] == "contradicts" for p in by)
        else:
            r["gold_contradicts"] += 1
            r["aligned_contradicts"] += bool(by)
            r["found_contradicts"] += any(p["relation"] == "contradicts" for p in by)
        if not by or (rel == "contradicts" and not any(
            p["relation"] == "contradicts" for p in by
        )):
            misses.append({"a": _gold(c)[0], "b": _gold(c)[1], "relation": rel,
                           "label": c["label"], "aligned": bool(by)})
    return {"counts": r, "misses": misses, "false_alarms": alarms, "near_misses": near_hits}


def summarise(results: list[tuple[dict, dict]]) -> dict:
    tot = Counter()
    for _pair, res in results:
        tot.update(res["counts"])
    pred = tot["predicted"]
    return {
        "pairs": len(results),
        "same_story_pairs": sum(p["kind"] == "same_story" for p, _ in results),
        "gold_same_more_specific": tot["gold_same"],
        "found_same_more_specific": tot["found_same"],
        "recall": round(tot["found_same"] / tot["gold_same"], 3) if tot["gold_same"] else None,
        "predicted_pairs": pred,
        "true_pairs": tot["true"],
        "precision": round(tot["true"] / pred, 3) if pred else None,
        "contradictions_labelled": tot["gold_contradicts"],
        "contradictions_found": tot["found_contradicts"],
        "contradictions_aligned_any_relation": tot["aligned_contradicts"],
        "near_misses_aligned": tot["near_miss_aligned"],
        "different_event_aligned": tot["different_event_aligned"],
        "same_scored_as_contradicts": tot["relation_flipped"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("calibrate", "report", "all"), default="all")
    ap.add_argument("--baseline", choices=("bm25",), help="score a baseline instead of diff")
    ap.add_argument("--bm25-threshold", type=float, default=BM25_THRESHOLD)
    ap.add_argument("--bm25-top", type=int, default=BM25_TOP)
    ap.add_argument("--db", type=Path, help="claimtrack database to build or reuse")
    ap.add_argument("--in-process", action="store_true", help="claimtrack.api.diff, no CLI")
    ap.add_argument("--pairs", type=Path, default=L.PAIRS_FILE)
    ap.add_argument("--source", help="polnear.jsonl (default: $POLNEAR or ../shared/eval)")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--verbose", action="store_true", help="list misses and false alarms")
    ap.add_argument("--sentence-gold", action="store_true",
                    help="judge against the labelled spans widened to whole sentences")
    args = ap.parse_args(argv)

    source = L.polnear_path(args.source)
    if not source.exists():
        print(f"{source} not found (set $POLNEAR or --source)", file=sys.stderr)
        return 2
    data = L.load_pairs(args.pairs)
    pairs = [p for p in data["pairs"] if args.split in ("all", p["split"])]
    ids = {p["a"] for p in pairs} | {p["b"] for p in pairs}
    texts = L.load_texts(source, ids)
    for i in ids:
        if L.sha256_text(texts[i]) != data["documents"][i]["sha256"]:
            print(f"{i}: PolNeAR text changed since labelling", file=sys.stderr)
            return 2

    preds: dict[tuple[str, str], list[Pred]] = {}
    if args.baseline == "bm25":
        for p in pairs:
            preds[(p["a"], p["b"])] = bm25_pairs(
                texts[p["a"]], texts[p["b"]], args.bm25_threshold, args.bm25_top
            )
    else:
        with tempfile.TemporaryDirectory(prefix="claimtrack-pairs-") as tmp:
            work = Path(tmp)
            db = args.db or work / "pairs.db"
            ct = build_db(db, texts, work)
            maps = {i: OffsetMap(texts[i], stored_text(db, ct[i])) for i in ids}
            for i, m in maps.items():
                if not m.exact:
                    print(f"note: {i}: stored text differs beyond stripping; offsets mapped "
                          "by alignment", file=sys.stderr)
            for p in pairs:
                a, b = ct[p["a"]], ct[p["b"]]
                got = aligned_pairs(run_diff(db, a, b, args.in_process), a, b)
                ma, mb = maps[p["a"]], maps[p["b"]]
                preds[(p["a"], p["b"])] = [
                    {"a": (ma(x["a"][0]), ma(x["a"][1])), "b": (mb(x["b"][0]), mb(x["b"][1])),
                     "relation": x["relation"]}
                    for x in got
                ]

    if args.sentence_gold:
        pairs = [sentence_gold(p, texts[p["a"]], texts[p["b"]]) for p in pairs]
    results = [
        (p, score_pair(p, texts[p["a"]], texts[p["b"]], preds[(p["a"], p["b"])])) for p in pairs
    ]
    splits = ("calibrate", "report") if args.split == "all" else (args.split,)
    system = (f"bm25(threshold={args.bm25_threshold}, top={args.bm25_top})" if args.baseline
              else "claimtrack diff")
    if args.sentence_gold:
        system += ", judged against the labels widened to sentences"
    report = {
        "system": system,
        "splits": {s: summarise([r for r in results if r[0]["split"] == s]) for s in splits},
    }
    if args.split == "all":
        report["splits"]["all"] = summarise(results)
    if args.verbose:
        report["pairs"] = [
            {"a": p["a"], "b": p["b"], "kind": p["kind"], "split": p["split"],
             "misses": r["misses"], "false_alarms": r["false_alarms"],
             "near_misses_aligned": r["near_misses"]}
            for p, r in results
        ]
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(report["system"])
    for s, m in report["splits"].items():
        print(
            f"  {s:9} pairs={m['pairs']} same+more_specific recall="
            f"{m['found_same_more_specific']}/{m['gold_same_more_specific']}"
            f" ({m['recall']}) precision={m['true_pairs']}/{m['predicted_pairs']}"
            f" ({m['precision']}) contradictions={m['contradictions_found']}/"
            f"{m['contradictions_labelled']} near_misses_aligned={m['near_misses_aligned']}"
            f" different_event_aligned={m['different_event_aligned']}"
        )
    for row in report.get("pairs", []):
        print(f"\n{row['a']} | {row['b']} [{row['kind']}, {row['split']}]")
        for x in row["misses"]:
            how = " (aligned, not as contradicts)" if x["aligned"] else ""
            print(f"  miss [{x['relation']}] {x['label']}: A {x['a']} B {x['b']}{how}")
        for x in row["near_misses_aligned"]:
            print(f"  near miss aligned: {x['label']}: A {x['a']} B {x['b']}")
        for x in row["false_alarms"]:
            print(f"  false alarm [{x['relation']}]: A {x['a']} B {x['b']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
