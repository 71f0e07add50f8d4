"""text/intervals.py: the lookups the extractor asks instead of trying every pair,
against the scans they replace."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.text.intervals import Intervals, Points

# many ranges (more than a block of 64), short and long, some sharing an id
_ranges = st.lists(st.tuples(st.integers(0, 400), st.integers(0, 120), st.integers(0, 40))
                   .map(lambda t: (t[0], t[0] + t[1], t[2])), max_size=200)


@settings(max_examples=200, deadline=None)
@given(_ranges, st.integers(0, 520), st.integers(0, 30), st.integers(0, 40))
def test_holding_is_every_range_holding_the_query(ranges, lo, width, but):
    hi = lo + width
    index = Intervals(ranges)
    expected = sorted({i for s, e, i in ranges if s <= lo and hi <= e})
    assert index.holding(lo, hi) == expected
    assert index.any_holding(lo, hi, but) == any(i != but for i in expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 60)), max_size=200),
       st.lists(st.tuples(st.integers(0, 500), st.integers(0, 80))
                .map(lambda t: (t[0], t[0] + t[1])), max_size=4))
def test_inside_is_every_point_in_a_range(points, ranges):
    expected = {i for p, i in points if any(s <= p < e for s, e in ranges)}
    assert Points(points).inside(ranges) == expected


def test_a_position_is_held_by_a_range_that_ends_after_it():
    index = Intervals([(0, 10, 1), (10, 20, 2)])
    assert index.holding(9, 10) == [1]  # [s, e) holds 9, not 10
    assert index.holding(10, 11) == [2]
    assert index.holding(5, 15) == []  # neither holds the whole range
