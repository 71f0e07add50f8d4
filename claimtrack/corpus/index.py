"""Which stored claims can relate to a claim: exact candidates without all pairs.

Prefix filtering (Chaudhuri et al. 2006; Bayardo et al. 2007): with every token
set sorted in one global order, two sets whose Jaccard is at least J share a
token among the first ``n - ceil(J * n) + 1`` tokens of each. relate() never
relates a pair below JACCARD_FLOOR, so indexing each claim under its prefix
tokens and probing with the same prefix finds every pair it could relate, and
nothing depends on which of the two came first: the pair is a candidate iff the
two prefixes meet. The global order is fixed (data/token_order.json, rarest
first), never taken from the database, so a database built in any order holds
the same candidates; the order only makes the probe cheap, since rare tokens
have short posting lists.

Prefixes are one token longer than that (SHARED = 2): then the two prefixes of
any pair with at least two tokens in common share at least two (the first two
common tokens in the global order lie in both), and relate() never relates a pair
sharing fewer than two (three tokens each at Jaccard >= 0.25 need two in common).
Asking for two shared prefix tokens drops the many candidates that share one
common word ("trump") and nothing else.

A length filter bounds the partner's size: Jaccard >= J needs J*n <= m <= n/J.

A weight screen (relate.CLOSE) drops, in SQL, candidates whose shared prefix tokens
are light: relate() relates only pairs whose shared weight is at least CLOSE times
the lighter unit's weight, and the shared weight is at most the weight of the shared
prefix tokens plus each unit's weight outside its prefix (the `rest`: its commonest,
lightest tokens). Each prefix row stores its token's weight, its unit's weight and
rest, so `sum(weight) + rest_u + rest_v >= CLOSE * min(mass_u, mass_v)` is a test
every related pair passes (tests/test_relate.py checks it) and most pairs sharing
"trump" and "said" fail. On the 1,000-document benchmark corpus it cut the candidates
of 20 documents from 595,113 to 42,127 and missed none of the 14,850 that relate.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from claimtrack.corpus.relate import (
    CLOSE,
    JACCARD_FLOOR,
    MIN_SHARED,
    MIN_TOKENS,
    MIN_TOKENS_DATED,
    mass,
)


@lru_cache(maxsize=1)
def _ranks() -> dict[str, int]:
    """token -> commonness rank (0 = commonest listed)."""
    data = json.loads(resources.files("claimtrack").joinpath("data/token_order.json")
                      .read_text(encoding="utf-8"))
    return {t: i for i, t in enumerate(data["tokens"])}


def ordered(tokens: Iterable[str]) -> list[str]:
    """Rarest first: unlisted tokens before listed ones, listed by falling rank, ties by text."""
    ranks = _ranks()
    unlisted = len(ranks)
    return sorted(tokens, key=lambda t: (-ranks.get(t, unlisted), t))


SHARED = MIN_SHARED  # prefix tokens a candidate must share (see above)


def prefix_length(n: int, floor: float = JACCARD_FLOOR) -> int:
    return min(n, n - math.ceil(floor * n - 1e-9) + SHARED)


def prefix(tokens: Iterable[str], floor: float = JACCARD_FLOOR,
           least: int = MIN_TOKENS) -> list[str]:
    """The tokens a claim is indexed and probed under (none for too-short contents;
    `least`: relate.min_tokens of its text, 2 where it states a number or date)."""
    toks = ordered(tokens)
    if len(toks) < least:
        return []
    return toks[: prefix_length(len(toks), floor)]


def size_bounds(n: int, floor: float = JACCARD_FLOOR) -> tuple[int, int]:
    """Token-set sizes a partner of an n-token claim can have at Jaccard >= floor
    (a partner stating a number or a date may have one token fewer than MIN_TOKENS)."""
    return max(MIN_TOKENS_DATED, math.ceil(floor * n - 1e-9)), math.floor(n / floor + 1e-9)


def screen(prefix_tokens: Iterable[str], tokens: Iterable[str]) -> tuple[float, float]:
    """(mass, rest) of a unit: the weight of its tokens, and of those outside its prefix."""
    toks = frozenset(tokens)
    return mass(toks), mass(toks - frozenset(prefix_tokens))


SCREEN = CLOSE  # the share of the lighter unit's weight a candidate pair must be able to share
