"""The trained filter: how likely a rule candidate is an attribution a human
annotator would mark, from named features of the candidate and its parse.

A logistic regression over sparse string features (rule, cue lemma, class,
kind, source shape, cue tag/dependency, negation, modality, content length,
first word ...). Its weights are data, claimtrack/data/filter.json, written by
scripts/train_filter.py from PolNeAR's dev split; every weight is a readable
feature name, so `claimtrack eval --extractor rules` and the weights file
together say why a candidate was dropped. Candidates under their class's
threshold are dropped; "no_source" records are never filtered.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc

from claimtrack.models import Attribution

_PRONOUNS = frozenset({"he", "she", "they", "it", "i", "we", "you", "who", "that", "which",
                       "his", "her", "their"})
_MODALS = frozenset({"will", "would", "could", "can", "may", "might", "should", "must", "'ll",
                     "wo"})
_OPENERS = frozenset({"that", "to", "whether", "if", "what", "how", "why", "who", "for", "on",
                      "about"})
_WORD = re.compile(r"\w+")


def _bucket(n: int) -> int:
    return next((b for b in (1, 2, 3, 5, 8, 12, 20, 30, 50) if n <= b), 99)


def _source_shape(a: Attribution, doc: Doc) -> list[str]:
    if a.source is None:
        return ["src=none"]
    words = a.source.text.lower().split()
    span = doc.char_span(a.source.start, a.source.end, alignment_mode="expand")
    if len(words) == 1 and words[0] in _PRONOUNS:
        shape = "pron"
    elif span is not None and any(t.pos_ == "PROPN" for t in span):
        shape = "propn"
    else:
        shape = "noun"
    return [f"src={shape}", f"srclen={_bucket(len(words))}"]


def _cue_features(a: Attribution, doc: Doc, lemma: str, at_start: bool) -> list[str]:
    if a.cue is None:
        return ["nocue"]
    span = doc.char_span(a.cue.start, a.cue.end, alignment_mode="expand")
    if span is None or not len(span):
        return ["nocue"]
    cue = max(span, key=lambda t: t.pos_ in ("VERB", "NOUN"))
    kids = {c.dep_ for c in cue.children}
    out = [f"tag={cue.tag_}", f"dep={cue.dep_}", f"ltag={lemma}|{cue.tag_}",
           f"ldep={lemma}|{cue.dep_}", f"hpos={cue.head.pos_}",
           "cue_before" if a.cue.start < a.content.start else "cue_after"]
    if "neg" in kids:
        out.append("neg")
    if any(c.lower_ in _MODALS for c in cue.children if c.dep_ == "aux"):
        out.append("modal")
    if cue.i and doc[cue.i - 1].lower_ == "to":
        out.append("to_inf")
    if cue.i and doc[cue.i - 1].text == ",":
        out.append("after_comma")
    if "?" in cue.sent.text[-3:]:
        out.append("question")
    if cue.sent.start == 0 and at_start:  # a later piece's first sentence is not the article's
        out.append("first_sent")
    return out


def features(a: Attribution, doc: Doc, at_start: bool = True) -> list[str]:
    """The candidate's feature names (sorted, unique)."""
    lemma, rule = a.cue_lemma or "-", a.rule or "-"
    out = [f"rule={rule}", f"lem={lemma}", f"cls={a.cue_class}", f"kind={a.kind}",
           f"rl={rule}|{lemma}", f"rk={rule}|{a.kind}", "bias"]
    src = _source_shape(a, doc)
    out += src + [f"lsrc={lemma}|{src[0][4:]}"]
    out += _cue_features(a, doc, lemma, at_start)
    pieces = a.content.pieces()
    n = sum(len(_WORD.findall(p.text)) for p in pieces)
    out += [f"clen={_bucket(n)}", f"lclen={lemma}|{_bucket(n)}"]
    if len(pieces) > 1:
        out.append(f"frags={min(3, len(pieces))}")
    first = a.content.text.split()[0].lower() if a.content.text.split() else ""
    if first in _OPENERS:
        out.append(f"first={first}")
    return sorted(set(out))


@dataclass(frozen=True)
class Filter:
    version: str
    weights: dict[str, float]
    thresholds: dict[str, float]  # cue_class -> the least probability kept

    def probability(self, a: Attribution, doc: Doc, at_start: bool = True) -> float:
        z = sum(self.weights.get(f, 0.0) for f in features(a, doc, at_start))
        return 1.0 / (1.0 + math.exp(-z))

    def keep(self, a: Attribution, doc: Doc, at_start: bool = True) -> bool:
        """`at_start` False: `doc` is a later piece of a long text (pieces.py)."""
        if a.rule == "no_source":
            return True
        return self.probability(a, doc, at_start) >= self.thresholds.get(a.cue_class, 0.0)


@lru_cache(maxsize=1)
def load_filter() -> Filter:
    raw = json.loads(
        resources.files("claimtrack").joinpath("data/filter.json").read_text(encoding="utf-8"))
    return Filter(str(raw["version"]), {k: float(v) for k, v in raw["weights"].items()},
                  {k: float(v) for k, v in raw["thresholds"].items()})
