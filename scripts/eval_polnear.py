"""Measure the extractor on PolNeAR: gold subset + predictions under runs/, then score.py.

    python scripts/eval_polnear.py --part dev|heldout [--extractor filtered|rules] [--jobs 2]
        [--limit N] [--out runs/pred.jsonl]

Tune on "dev" only; run "heldout" to report figures, never to tune.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / ".." / "shared" / "eval"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from derived_class import cue_table, derive  # noqa: E402

from claimtrack.evalsplit import iter_split  # noqa: E402
from claimtrack.jsonl import extract_jsonl  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("dev", "heldout"), required=True)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--extractor", choices=("filtered", "rules"), default="filtered")
    ap.add_argument("--limit", type=int, default=0, help="first N documents only (0: all)")
    ap.add_argument("--out", type=Path, default=None,
                    help="predictions (default runs/pred-PART.jsonl)")
    args = ap.parse_args(argv)
    corpus = EVAL / "polnear.jsonl"
    if not corpus.exists():
        sys.exit(f"{corpus} not found: the eval data lives in ../shared/eval")
    out = args.out or ROOT / "runs" / f"pred-{args.part}-{args.extractor}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    gold = out.with_name(out.stem + "-gold.jsonl")
    with gold.open("w", encoding="utf-8") as g:
        for n, doc in enumerate(iter_split(corpus, args.part)):
            if args.limit and n >= args.limit:
                break
            g.write(json.dumps(doc, ensure_ascii=False) + "\n")
    t0 = time.perf_counter()
    with gold.open(encoding="utf-8") as f, out.open("w", encoding="utf-8") as o:
        n = extract_jsonl(f, o, jobs=args.jobs, extractor=args.extractor)
    print(f"{n} documents extracted by {args.extractor!r} in {time.perf_counter() - t0:.1f}s "
          f"-> {out}", flush=True)
    # the reading of the speech figure: predictions without their own
    # cue_class; score.py here has no prepare.py to class them again, so every
    # unmatched prediction counts as a false alarm
    bare = out.with_name(out.stem + "-nocls.jsonl")
    with out.open(encoding="utf-8") as f, bare.open("w", encoding="utf-8") as o:
        for line in f:
            doc = json.loads(line)
            for a in doc["attributions"]:
                a.pop("cue_class", None)
            o.write(json.dumps(doc, ensure_ascii=False) + "\n")
    table = cue_table(iter_split(corpus, "dev"))
    derived = out.with_name(out.stem + "-derived.jsonl")
    with out.open(encoding="utf-8") as f, derived.open("w", encoding="utf-8") as o:
        for line in f:
            o.write(json.dumps(derive(json.loads(line), table), ensure_ascii=False) + "\n")
    runs = (("(all)", out, []), ("--only cue_class=speech (cue_class kept)", out, SPEECH),
            ("--only cue_class=speech, cue_class REMOVED (score.py classes them by cue with "
             "its prepare.py when it is there; without it every unmatched prediction is a "
             "speech false alarm)", bare, SPEECH),
            ("--only cue_class=speech, cue_class REMOVED and derived from the cue as "
             "prepare.py would (scripts/derived_class.py)", derived, SPEECH))
    for label, pred, extra in runs:
        print(f"\n== score.py {label}", flush=True)
        subprocess.run(
            [sys.executable, str(EVAL / "score.py"), str(gold), str(pred), *extra], check=True
        )
    return 0


SPEECH = ["--only", "cue_class=speech"]


if __name__ == "__main__":
    raise SystemExit(main())
