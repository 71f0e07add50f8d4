"""Class predictions by their cue the way the scorer would with prepare.py.

score.py, asked for `--only cue_class=speech` on predictions without a
cue_class, derives one with prepare.cue_class(cue) — a module not shipped in
../shared/eval, so here it keeps every unlabelled prediction and counts the
unmatched ones as speech false alarms. In PolNeAR the gold cue_class is a
function of the cue's text (6,510 distinct cue texts, none with two classes),
so a (cue text -> class) table read from the *dev* gold stands in for
prepare.py. A cue text the table lacks stays unlabelled (kept, as now).
"""

from __future__ import annotations

from collections.abc import Iterable


def cue_table(gold_docs: Iterable[dict]) -> dict[str, str]:
    return {a["cue"]["text"].lower().strip(): a["cue_class"]
            for g in gold_docs for a in g["attributions"] if a.get("cue")}


def derive(doc: dict, table: dict[str, str]) -> dict:
    """A prediction document with cue_class replaced by the table's (or removed)."""
    atts = []
    for a in doc["attributions"]:
        a = {k: v for k, v in a.items() if k != "cue_class"}
        cls = table.get(((a.get("cue") or {}).get("text") or "").lower().strip())
        atts.append(a | ({"cue_class": cls} if cls else {}))
    return doc | {"attributions": atts}
