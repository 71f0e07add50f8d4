"""claimtrack/unionfind.py: the root that survives a union is the caller's choice."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrack.unionfind import UnionFind

pytestmark = pytest.mark.model_free


def test_first_keeps_the_first_arguments_root():
    u: UnionFind[str] = UnionFind(keep="first")
    u.union("b", "a")
    assert u.find("a") == "b"


def test_min_keeps_the_smaller_root():
    u: UnionFind[str] = UnionFind(keep="min")
    u.union("b", "a")
    u.union("c", "b")
    assert {u.find(x) for x in "abc"} == {"a"}


def test_an_unknown_policy_is_refused():
    with pytest.raises(ValueError):
        UnionFind(keep="last")


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), max_size=40))
def test_groups_are_the_connected_components(edges):
    u: UnionFind[int] = UnionFind(keep="min")
    for a, b in edges:
        u.union(a, b)
    # the same components as a plain closure of the edges
    comp = {i: {i} for i in range(21)}
    for a, b in edges:
        merged = comp[a] | comp[b]
        for x in merged:
            comp[x] = merged
    for a in range(21):
        for b in range(21):
            assert (u.find(a) == u.find(b)) == (b in comp[a])
    for a in range(21):  # under "min", the root is the component's smallest member
        assert u.find(a) == min(comp[a])
