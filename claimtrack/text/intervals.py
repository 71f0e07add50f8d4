"""Which of many character ranges hold a position or a range, without trying each.

The extractor asks, for every attribution of a piece of text, which other
attributions' contents hold its cue or its source. Asked of every other
attribution in turn, that was the square of their number: a 186 KB list of 7,500
one-line statements took 70 of its 99 s there (about 14 million pairs a piece).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

# ranges are kept by start; a block's largest end lets a query pass over the block
_BLOCK = 64


class Intervals:
    """Ranges [start, end), each with an int id (several may share one)."""

    def __init__(self, ranges: Iterable[tuple[int, int, int]]) -> None:
        items = sorted(ranges)
        self.starts = [s for s, _, _ in items]
        self.ends = [e for _, e, _ in items]
        self.ids = [i for _, _, i in items]
        self.block_end = [max(self.ends[b:b + _BLOCK]) for b in range(0, len(items), _BLOCK)]

    def holding(self, lo: int, hi: int) -> list[int]:
        """The ids, ascending and each once, of the ranges with start <= lo and
        end >= hi: those holding all of [lo, hi) (hi = lo + 1: the position lo)."""
        k = bisect.bisect_right(self.starts, lo)  # ranges [0, k) start at or before lo
        found: set[int] = set()
        for b in range((k - 1) // _BLOCK, -1, -1):
            if self.block_end[b] < hi:
                continue  # no range of the block reaches hi
            for i in range(b * _BLOCK, min(k, (b + 1) * _BLOCK)):
                if self.ends[i] >= hi:
                    found.add(self.ids[i])
        return sorted(found)

    def any_holding(self, lo: int, hi: int, but: int) -> bool:
        """Whether a range whose id is not `but` holds all of [lo, hi)."""
        k = bisect.bisect_right(self.starts, lo)
        for b in range((k - 1) // _BLOCK, -1, -1):
            if self.block_end[b] < hi:
                continue
            for i in range(b * _BLOCK, min(k, (b + 1) * _BLOCK)):
                if self.ends[i] >= hi and self.ids[i] != but:
                    return True
        return False


class Points:
    """Positions, each with an int id: which fall inside given ranges."""

    def __init__(self, points: Iterable[tuple[int, int]]) -> None:
        items = sorted(points)
        self.at = [p for p, _ in items]
        self.ids = [i for _, i in items]

    def inside(self, ranges: Iterable[tuple[int, int]]) -> set[int]:
        """The ids of the positions p with s <= p < e for some (s, e) of `ranges`."""
        found: set[int] = set()
        for s, e in ranges:
            found.update(self.ids[bisect.bisect_left(self.at, s):bisect.bisect_left(self.at, e)])
        return found
