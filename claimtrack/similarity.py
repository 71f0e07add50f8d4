"""Claim content similarity: is this the same claim, told elsewhere?

`content_similarity` is purely lexical, so it is cheap, deterministic and
explainable, and it catches the common case: one claim repeated or lightly
reworded across accounts. It does not catch paraphrase with other words.

Tokens: lowercase `\\w+` runs, English stopwords and 1-letter tokens dropped
(negations "not", "no", "nor", "n't" kept: a denial is not a repetition),
light suffix stripping ("meetings"/"meeting" -> "meet", "forces"/"force" ->
"forc"). On the two token *sets* A and B:

    jaccard     = |A & B| / |A | B|
    containment = |A & B| / max(min(|A|, |B|), 4)
    similarity  = (jaccard + containment) / 2          (1.0 when A == B),
                  halved when only one side carries a negation.

Jaccard alone punishes a claim retold inside a longer sentence; containment
alone lets a 1-2 word content ("Belhadj") match anything naming him, hence
the floor of 4 in its denominator.
"""

from __future__ import annotations

import re

from claimtrack.models import Claim
from claimtrack.text.names import normalise_name  # its home; importable from here as before

# Threshold at which two contents read as the same claim (corpus/relate.py decides
# relations with its own thresholds over these token sets). Chosen conservatively:
# unrelated claims about the same people share their names (~0.3-0.45), while
# a repeated claim with a few words changed stays above 0.6. Clearing a
# single_source flag wrongly hides weak sourcing, so err towards "different".
SAME_CLAIM: float = 0.5

_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself now of off on once
    only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves s t d ll m re ve"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_FLOOR = 4  # containment denominator floor: short contents must not match everything
NEGATIONS = frozenset({"not", "no", "nor", "never"})
_SUFFIXES = ("ings", "ing", "edly", "ed", "ies", "es", "s")
_WORD = re.compile(r"\w+")
_NOT = re.compile(r"n't\b")


def stem(token: str) -> str:
    """Strip one common suffix, then a final 'e', keeping at least 3 letters."""
    if token.isdigit():
        return token
    for suf in _SUFFIXES:
        if token.endswith(suf) and len(token) - len(suf) >= 3:
            if suf == "s" and token.endswith("ss"):
                break
            token = token[: -len(suf)] + ("y" if suf == "ies" else "")
            break
    if token.endswith("e") and len(token) > 3:
        token = token[:-1]
    return token


def tokens(text: str) -> frozenset[str]:
    """The content-bearing, stemmed token set of a text."""
    # "n't" -> "not": a denial must not read as the claim it denies.
    t = (
        text.casefold()
        .replace("\u2019", "'")
        .replace("won't", "will not")
        .replace("can't", "can not")
    )
    words = _WORD.findall(_NOT.sub(" not", t))
    kept = [stem(w) for w in words if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    return frozenset(kept)


def set_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    inter = len(a & b)
    jaccard = inter / len(a | b)
    containment = inter / max(min(len(a), len(b)), _FLOOR)
    score = (jaccard + containment) / 2
    if bool(a & NEGATIONS) != bool(b & NEGATIONS):
        score /= 2  # one side denies what the other asserts
    return score


def content_similarity(a: str, b: str) -> float:
    """0..1 similarity of two claim contents (see module docstring)."""
    ta, tb = tokens(a), tokens(b)
    if not ta and not tb:  # only stopwords/punctuation: compare the raw words
        return 1.0 if _WORD.findall(a.casefold()) == _WORD.findall(b.casefold()) else 0.0
    return set_similarity(ta, tb)


def source_key(claim: Claim) -> str:
    """Who a claim is on the word of, comparable across claims ('' for the author)."""
    name = claim.source_entity or (claim.source.text if claim.source else "")
    return normalise_name(name)


def cue_key(claim: Claim) -> str:
    if claim.cue_lemma:
        return claim.cue_lemma.casefold()
    return claim.cue.text.casefold() if claim.cue else ""
