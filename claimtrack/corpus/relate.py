"""The decision step of cross-document matching: how two candidate claims relate.

A retrieval index proposes candidates (claims sharing rare words); this module
decides, from the two claims alone, whether they tell the same thing:

- ``same``          the same proposition, told in much the same words;
- ``more_specific`` one tells all of the other and adds detail (``b`` is the
                    more specific one when the relation reads "a <- b"; see `Relation.wider`);
- ``contradicts``   the same predicate with the opposite sign (a denial, a negated
                    content, a negated cue against a plain one), or with another
                    number or date where the rest agrees;
- ``related``       same people and words, not the same proposition: shown, never counted.

Purely lexical and deterministic, so a decision can be explained ("numbers: 5 vs
7") and re-run on the same inputs gives the same answer whatever order
documents came in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from claimtrack.models import polarity
from claimtrack.similarity import NEGATIONS, set_similarity, tokens

RelationName = Literal["same", "more_specific", "contradicts", "related"]

SAME = 0.6  # similarity of the two token sets, negations left out
RELATED = 0.35
# No relation below this Jaccard of the two token sets: a three-word content inside
# a thirty-word quotation is a mention, not the same claim. The floor is also what
# lets the index find every candidate without comparing all pairs (index.py).
JACCARD_FLOOR = 0.25
CONTAINED = 0.85  # share of the smaller side's tokens found in the larger one
MIN_TOKENS = 3  # "Clinton" alone is a shared name, not a shared claim
_EXTRA = 2  # tokens the larger side must add to be "more specific"

_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "dozen": "12",
    "twenty": "20", "hundred": "100", "thousand": "1000", "million": "1000000",
    "billion": "1000000000",
}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Comparable:
    """What the decision reads of one claim."""

    text: str  # the compared text (stance.compared_text of the content)
    cue_negated: bool = False
    denial: bool = False
    content_negated: bool = False
    modality: tuple[str, ...] = ()

    @property
    def sign(self) -> int:
        """+1 the source asserts the content, -1 its negation, 0 nothing."""
        return polarity(self.cue_negated, self.denial, self.content_negated)


@dataclass(frozen=True)
class Relation:
    name: RelationName
    similarity: float
    wider: Literal["a", "b"] | None = None  # the more specific side, for more_specific
    differences: tuple[str, ...] = field(default=())


def numbers(text: str) -> frozenset[str]:
    """The numbers a text states, as digit strings ("five" -> "5", "1,200" -> "1200")."""
    found = {m.group().replace(",", "") for m in _NUMBER.finditer(text)}
    found |= {_NUMBER_WORDS[w] for w in _WORD.findall(text.lower()) if w in _NUMBER_WORDS}
    return frozenset(found)


def dates(text: str) -> frozenset[str]:
    """Month and weekday names a text states ("May" only with a day number beside it)."""
    words = _WORD.findall(text.lower())
    out = {w for w in words if w in _WEEKDAYS}
    for m in re.finditer(r"\b(" + "|".join(_MONTHS) + r")\b(\s+\d{1,2})?", text, re.I):
        month = m.group(1).lower()
        if month != "may" or m.group(2) or m.group(1)[0].isupper():
            out.add(month + (m.group(2) or "").replace(" ", ""))
    return frozenset(out)


def core_tokens(text: str) -> frozenset[str]:
    """The token set that is compared: negations out (the sign carries them),
    numbers and dates out (compared on their own)."""
    drop = NEGATIONS | numbers(text) | {d.rstrip("0123456789") for d in dates(text)}
    return frozenset(t for t in tokens(text) if t not in drop and not t.isdigit()
                     and t.rstrip("s") not in drop)


def _describe(a: Comparable, b: Comparable) -> list[str]:
    out = []
    if a.sign != b.sign:
        out.append(f"polarity: {_sign_word(a)} vs {_sign_word(b)}")
    if a.modality != b.modality:
        out.append(f"modality: {', '.join(a.modality) or 'none'} vs "
                   f"{', '.join(b.modality) or 'none'}")
    na, nb = numbers(a.text), numbers(b.text)
    if na and nb and na != nb:
        out.append(f"numbers: {', '.join(sorted(na))} vs {', '.join(sorted(nb))}")
    da, db = dates(a.text), dates(b.text)
    if da and db and da != db:
        out.append(f"dates: {', '.join(sorted(da))} vs {', '.join(sorted(db))}")
    return out


def _sign_word(c: Comparable) -> str:
    if c.cue_negated:
        return "not said"
    if c.denial:
        return "denied (negated)" if c.content_negated else "denied"
    return "negated" if c.content_negated else "asserted"


def relate(a: Comparable, b: Comparable) -> Relation | None:
    """How `a` and `b` relate, or None when they are not about the same thing."""
    return relate_tokens(a, b, core_tokens(a.text), core_tokens(b.text))


def relate_tokens(a: Comparable, b: Comparable, ta: frozenset[str],
                  tb: frozenset[str]) -> Relation | None:
    """relate() with the core token sets already known (the index keeps them)."""
    if len(ta) < MIN_TOKENS or len(tb) < MIN_TOKENS:
        return None
    if len(ta & tb) < JACCARD_FLOOR * len(ta | tb):
        return None
    sim = set_similarity(ta, tb)
    if sim < RELATED:
        return None
    differences = tuple(_describe(a, b))
    small, large = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    contained = len(small & large) / len(small)
    close = sim >= SAME or contained >= CONTAINED
    if close:
        opposite = a.sign * b.sign == -1 or (a.sign == 0) != (b.sign == 0)
        na, nb = numbers(a.text), numbers(b.text)
        da, db = dates(a.text), dates(b.text)
        if opposite or (na and nb and not na & nb) or (da and db and not da & db):
            return Relation("contradicts", sim, differences=differences)
    if sim >= SAME and len(large) - len(small) < _EXTRA:
        return Relation("same", sim, differences=differences)
    if contained >= CONTAINED and len(large) - len(small) >= _EXTRA:
        wider: Literal["a", "b"] = "a" if large is ta else "b"
        return Relation("more_specific", sim, wider=wider, differences=differences)
    if sim >= SAME:
        return Relation("same", sim, differences=differences)
    return Relation("related", sim, differences=differences)
