"""Dev tuning loop: parse once (cached DocBin), re-run the rules, score, list errors.

    python scripts/dev_loop.py [--reparse] [--errors misses|alarms|sources|cues]
        [--only-class speech|other] [--lemma CUE]

Dev only: this never reads the held-out split.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / ".." / "shared" / "eval"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(EVAL))
sys.path.insert(0, str(ROOT / "scripts"))

import score as scorer  # noqa: E402
from derived_class import cue_table, derive  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402

from claimtrack.evalsplit import iter_split  # noqa: E402
from claimtrack.extract import extract_doc, parse_texts  # noqa: E402
from claimtrack.extract.nlp import get_nlp  # noqa: E402
from claimtrack.jsonl import attribution_record  # noqa: E402

CACHE = ROOT / "runs" / "dev.spacy"


def load(reparse: bool, jobs: int):
    gold = list(iter_split(EVAL / "polnear.jsonl", "dev"))
    nlp = get_nlp()
    if reparse or not CACHE.exists():
        db = DocBin(store_user_data=False)
        for d in parse_texts((g["text"] for g in gold), n_process=jobs):
            db.add(d)
        CACHE.parent.mkdir(exist_ok=True)
        CACHE.write_bytes(db.to_bytes())
    docs = list(DocBin().from_bytes(CACHE.read_bytes()).get_docs(nlp.vocab))
    return gold, docs


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reparse", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--errors", default="")
    ap.add_argument("--only-class", default="")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--lemma", default="")
    args = ap.parse_args()
    gold, docs = load(args.reparse, args.jobs)
    preds = {}
    for g, d in zip(gold, docs, strict=True):
        ex = extract_doc(d)
        preds[g["id"]] = {"id": g["id"], "attributions": [
            attribution_record(a) | {"rule": a.rule, "cue_lemma": a.cue_lemma}
            for a in ex.attributions if a.rule != "no_source"]}
    golds = {g["id"]: g for g in gold}
    for only in ((), (("cue_class", "speech"),)):
        m = scorer.score(golds, preds, 0.5, only)
        co = m["content_overlap"]
        label = "speech(kept)" if only else "all"
        print(f"{label:13s} P {co['precision']:.3f} R {co['recall']:.3f} "
              f"F1 {co['f1']:.4f}  src {m['source_lenient_acc']:.3f}/{m['source_exact_acc']:.3f} "
              f"cue {m['cue_lenient_acc']:.3f}/{m['cue_exact_acc']:.3f}")
    stripped = {k: {"id": k, "attributions": [{x: y for x, y in a.items() if x != "cue_class"}
                                               for a in v["attributions"]]}
                for k, v in preds.items()}
    m = scorer.score(golds, stripped, 0.5, (("cue_class", "speech"),))
    co = m["content_overlap"]
    print(f"{'speech(nocls)':13s} P {co['precision']:.3f} R {co['recall']:.3f} F1 {co['f1']:.4f}"
          f"  src {m['source_lenient_acc']:.3f}/{m['source_exact_acc']:.3f}")
    table = cue_table(gold)
    derived = {k: derive(v, table) for k, v in preds.items()}
    m = scorer.score(golds, derived, 0.5, (("cue_class", "speech"),))
    co = m["content_overlap"]
    print(f"{'speech(deriv)':13s} P {co['precision']:.3f} R {co['recall']:.3f} F1 {co['f1']:.4f}"
          "  (classes derived from the cue: scripts/derived_class.py)")
    other = scorer.score(golds, preds, 0.5, (("cue_class", "other"),))
    print(f"other recall {other['content_overlap']['recall']:.3f}")
    if args.errors:
        errors(golds, preds, args)
    return 0


def errors(golds, preds, args):
    out = []
    miss_lemma, alarm_rule = Counter(), Counter()
    for k, g in golds.items():
        d = scorer.Doc(g["text"])
        ga = [a for a in g["attributions"] if a.get("content")]
        pa = preds[k]["attributions"]
        c = Counter()
        gs = [{r: d.token_set(d.ranges(a.get(r), c)) for r in ("content", "source", "cue")}
              for a in ga]
        ps = [{r: d.token_set(d.ranges(a.get(r), c)) for r in ("content", "source", "cue")}
              for a in pa]
        match = scorer.greedy_match([s["content"] for s in gs], [s["content"] for s in ps],
                                    lambda j: j >= 0.5)
        pm = set(match.values())
        if args.errors == "misses":
            for i, a in enumerate(ga):
                if i in match or (args.only_class and a["cue_class"] != args.only_class):
                    continue
                lem = (a["cue"] or {}).get("text", "<none>").lower()
                miss_lemma[lem] += 1
                if not args.lemma or args.lemma == lem:
                    out.append(_show(g, a, None))
        elif args.errors == "alarms":
            for j, a in enumerate(pa):
                if j in pm:
                    continue
                alarm_rule[(a["rule"], a["cue_lemma"])] += 1
                if not args.lemma or args.lemma == a["cue_lemma"]:
                    out.append(_show(g, None, a))
        elif args.errors in ("sources", "cues"):
            role = args.errors[:-1]
            for i, j in match.items():
                if args.only_class and ga[i]["cue_class"] != args.only_class:
                    continue
                if gs[i][role] != ps[j][role]:
                    alarm_rule[(pa[j]["rule"], pa[j]["cue_lemma"])] += 1
                    if not args.lemma or args.lemma == pa[j]["cue_lemma"]:
                        out.append(_show(g, ga[i], pa[j]))
    for cnt in (miss_lemma, alarm_rule):
        if cnt:
            print(sum(cnt.values()), cnt.most_common(60))
    random.Random(0).shuffle(out)
    for s in out[: args.n]:
        print(s)


def _t(s):
    if not s:
        return None
    return s["text"] if not s.get("fragments") else " | ".join(f["text"] for f in s["fragments"])


def _show(g, ga, pa):
    lines = ["-" * 60]
    a = ga or pa
    s = a["content"]["start"]
    ctx = g["text"][max(0, s - 150) : a["content"]["end"] + 80]
    lines.append("CTX: " + ctx.replace("\n", " / "))
    if ga:
        lines.append(f"GOLD[{ga['cue_class']},{ga['kind']}] src={_t(ga['source'])!r} "
                     f"cue={_t(ga['cue'])!r} content={_t(ga['content'])!r}")
    if pa:
        lines.append(f"PRED[{pa['rule']},{pa['cue_class']}] src={_t(pa['source'])!r} "
                     f"cue={_t(pa['cue'])!r} content={_t(pa['content'])!r}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
