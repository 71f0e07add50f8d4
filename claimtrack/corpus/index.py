"""Which stored units can relate to a unit: exact candidates without all pairs.

relate() relates two units only when the tokens they share weigh at least
SHARED_WEIGHT and at least CLOSE times the lighter unit's weight (IDF weights
from the fixed table data/token_order.json, never from the database). Both tests
bound what the lighter unit x can leave unshared: at most
``slack(x) = min((1 - CLOSE) * mass(x), mass(x) - SHARED_WEIGHT)``. So x's
*heads*, its heaviest tokens whose weight passes slack(x), must hold a shared
token, and the shared heads weigh at least ``max(CLOSE * mass(x), SHARED_WEIGHT)
- rest(x)``, where rest(x) is the weight of x's other tokens. A unit lighter
than SHARED_WEIGHT relates to nothing and is not indexed.

Every indexed unit is stored under all its tokens, its heads marked (store/
postings.py: packed, one row a token and document). A new unit u is probed twice
(matchstore.unit_candidates), which covers each pair whichever of the two came
first:
- u the lighter: its heads against every stored token of units at least as
  heavy, keeping those whose shared heads pass u's bound;
- u the heavier: all its tokens against the stored heads of units at most as
  heavy, keeping those whose shared heads pass their own bound.
Heads are rare words with short posting lists, and the bounds are checked on
arrays, so the many units sharing "trump" and "said" are never read back. Heads
run a little past the slack (HEAD_EXTRA of the unit's weight): more postings
scanned, a tighter bound, fewer candidates read back. The size filter bounds the
partner's token count (unweighted Jaccard >= JACCARD_FLOOR needs J*n <= m <= n/J).

Exactness is a property test (tests/test_relate.py); on the 1,000-document
benchmark corpus the scheme found every one of the 12,855 pairs that pass relate's
token test for 20 documents, scanning 5.0 million posting rows where the earlier
prefix filter scanned 11.9 million, and returned 71,705 candidates (595,113 before).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from claimtrack.corpus.relate import (
    CLOSE,
    JACCARD_FLOOR,
    MIN_TOKENS,
    MIN_TOKENS_DATED,
    SHARED_WEIGHT,
    mass,
    weight,
)

# Heads run this share of the unit's weight past its slack. Any value >= 0 finds the
# same pairs, so units stored with another value (0.3 until the index was packed) and
# new ones probe each other exactly: each pair is found through the lighter unit's
# heads and bound as that unit was stored. More heads: more postings scanned, fewer
# candidates read back and tested in Python. With packed postings (store/postings.py)
# a scanned posting costs nanoseconds and a candidate microseconds: on the match
# benchmark's 1,000-document database 0.4 stored and matched a document in 147-151 ms
# where 0.3 took 159-169 and 0.5 155-158 (best of 3 each, alternating); at 100
# documents all three were within noise (78-81 ms).
HEAD_EXTRA = 0.4

# Weights are stored as integers in hundredths (compact rows); the bounds are then
# loosened by BOUND_SLACK so a rounding never drops a pair.
SCALE = 100
BOUND_SLACK = 0.2  # a bound sums at most ~30 weights, each off by 0.005 at most


@dataclass(frozen=True)
class Heads:
    """What the index keeps of a unit: its heads, its weight, and the weight of the rest."""

    heads: tuple[str, ...]
    mass: float
    rest: float

    @property
    def bound(self) -> float:
        """The least weight of shared heads any unit relating to this one, as the
        lighter of the two, shares with it."""
        return max(CLOSE * self.mass, SHARED_WEIGHT) - self.rest


def heads(tokens: Iterable[str], least: int = MIN_TOKENS,
          extra: float = HEAD_EXTRA) -> Heads | None:
    """A unit's heads (None for a unit that can relate to nothing: fewer tokens than
    `least`, relate.min_tokens of its text, or lighter than SHARED_WEIGHT)."""
    toks = frozenset(tokens)
    m = mass(toks)
    if len(toks) < least or m < SHARED_WEIGHT:
        return None
    slack = min((1 - CLOSE) * m, m - SHARED_WEIGHT) + extra * m
    out: list[str] = []
    took = 0.0
    for t in sorted(toks, key=lambda t: (-weight(t), t)):  # heaviest first, ties by text
        out.append(t)
        took += weight(t)
        if took > slack + 1e-9:
            break
    return Heads(tuple(out), m, max(m - took, 0.0))


def size_bounds(n: int, floor: float = JACCARD_FLOOR) -> tuple[int, int]:
    """Token-set sizes a partner of an n-token claim can have at Jaccard >= floor
    (a partner stating a number or a date may have one token fewer than MIN_TOKENS)."""
    return max(MIN_TOKENS_DATED, math.ceil(floor * n - 1e-9)), math.floor(n / floor + 1e-9)


def scaled(x: float) -> int:
    """A weight as stored: hundredths, rounded."""
    return round(x * SCALE)
