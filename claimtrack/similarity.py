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
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from claimtrack.models import Claim

# Threshold for "the same claim" (single_source, diff). Chosen conservatively:
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

MIN_CLAIM_TOKENS = 3  # "Clinton" == "Clinton" is a shared name, not a shared claim
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


@lru_cache(maxsize=4096)
def _min_overlap(small: int, large: int, threshold: float) -> int:
    """Fewest shared tokens with which sets of these sizes can reach `threshold`."""
    for i in range(1, small + 1):
        union = small + large - i
        if small == large == i or (i / union + i / max(small, _FLOOR)) / 2 >= threshold:
            return i
    return small + 1  # unreachable


@lru_cache(maxsize=4096)
def _probe_overlap(large: int, threshold: float) -> int:
    return min(_min_overlap(m, large, threshold) for m in range(1, large + 1))


@lru_cache(maxsize=4096)
def _needs(large: int, threshold: float) -> tuple[int, ...]:
    return tuple(_min_overlap(m, large, threshold) for m in range(large + 1))


def similar_pairs(
    sets: Sequence[frozenset[str]], threshold: float = SAME_CLAIM, min_tokens: int = 1
) -> Iterator[tuple[int, int, float]]:
    """Every pair (i, j, similarity), i < j, of token sets at or above `threshold`.

    Sets with fewer than `min_tokens` tokens are left out.

    Prefix filtering keeps this far from all-pairs on a large corpus: with
    tokens sorted rarest first, two sets sharing >= t tokens must share one
    among each set's first len - t + 1 tokens, and t has a floor that
    follows from the sizes and the threshold (_min_overlap). Candidates that
    can no longer reach it are dropped early (PPJoin's positional filter).
    """
    df = Counter(t for s in sets for t in s)
    order = sorted(
        (k for k, s in enumerate(sets) if s and len(s) >= min_tokens),
        key=lambda k: (len(sets[k]), k),
    )
    # token -> (set, position of the token in that set), for sets no larger than the probe
    index: dict[str, list[tuple[int, int]]] = defaultdict(list)
    sizes = [len(s) for s in sets]
    for y in order:
        toks = sorted(sets[y], key=lambda t: (df[t], t))
        size = len(toks)
        need = _needs(size, threshold)  # need[m]: shared tokens a set of size m must have
        shared: dict[int, int] = {}  # candidate -> shared tokens seen so far
        pruned: set[int] = set()
        for py, tok in enumerate(toks[: size - _probe_overlap(size, threshold) + 1]):
            left = size - py - 1
            for x, px in index[tok]:
                if x in pruned:
                    continue
                seen = shared.get(x, 0) + 1
                # Tokens come rarest first in both sets, so every shared token before this
                # one was counted: what is left cannot exceed the shorter remainder.
                if seen + min(left, sizes[x] - px - 1) < need[sizes[x]]:
                    pruned.add(x)
                    shared.pop(x, None)
                else:
                    shared[x] = seen
        for x in sorted(shared):
            s = set_similarity(sets[x], sets[y])
            if s >= threshold:
                yield (min(x, y), max(x, y), s)
        for px, tok in enumerate(toks[: size - _min_overlap(size, size, threshold) + 1]):
            index[tok].append((y, px))


def content_similarity(a: str, b: str) -> float:
    """0..1 similarity of two claim contents (see module docstring)."""
    ta, tb = tokens(a), tokens(b)
    if not ta and not tb:  # only stopwords/punctuation: compare the raw words
        return 1.0 if _WORD.findall(a.casefold()) == _WORD.findall(b.casefold()) else 0.0
    return set_similarity(ta, tb)


def normalise_name(name: str) -> str:
    """Fold spellings of one name together: 'Al-Qaeda' == 'al Qaeda', "Haftar's" == 'Haftar'."""
    s = name.casefold().replace("\u2019", "'").replace(".", "")
    s = re.sub(r"'s$", "", s.strip())
    s = " ".join(_WORD.findall(s.replace("_", " ")))
    return s.removeprefix("the ")


def source_key(claim: Claim) -> str:
    """Who a claim is on the word of, comparable across claims ('' for the author)."""
    name = claim.source_entity or (claim.source.text if claim.source else "")
    return normalise_name(name)


def cue_key(claim: Claim) -> str:
    if claim.cue_lemma:
        return claim.cue_lemma.casefold()
    return claim.cue.text.casefold() if claim.cue else ""


def match_claims(
    a: Iterable[Claim], b: Iterable[Claim], threshold: float = SAME_CLAIM
) -> list[tuple[Claim, Claim, float]]:
    """Pair claims of `a` with claims of `b` telling the same thing, one-to-one, best first.

    Greedy on similarity; ties prefer the same source, then the same cue, then
    the nearest position, so that matching a list against itself pairs each
    claim with itself.
    """
    la, lb = list(a), list(b)
    tb = [tokens(c.content.text) for c in lb]
    scored = []
    for i, ca in enumerate(la):
        ta = tokens(ca.content.text)
        for j, cb in enumerate(lb):
            if ta or tb[j]:
                s = set_similarity(ta, tb[j])
            else:
                s = content_similarity(ca.content.text, cb.content.text)
            if s >= threshold:
                same_src = source_key(ca) == source_key(cb)
                same_cue = cue_key(ca) == cue_key(cb)
                scored.append((-s, not same_src, not same_cue, abs(i - j), i, j, s))
    scored.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for *_, i, j, s in scored:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((la[i], lb[j], s))
    return out
