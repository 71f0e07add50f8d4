"""Union-find over hashable items: the one disjoint-set helper (entity graph, stored components)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class UnionFind(Generic[T]):
    """Disjoint sets with path halving. Which root survives a union is part of the
    result (it names the group), so the caller says: `keep="first"` keeps the first
    argument's root (the entity graph: edges in order of strength), `keep="min"` the
    smaller root (stored components: a name that does not depend on edge order)."""

    def __init__(self, keep: str = "first") -> None:
        if keep not in ("first", "min"):
            raise ValueError(f"keep must be 'first' or 'min', not {keep!r}")
        self.parent: dict[T, T] = {}
        self._min = keep == "min"

    def find(self, x: T) -> T:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: T, b: T) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self._min and rb < ra:  # type: ignore[operator]
            ra, rb = rb, ra
        self.parent[rb] = ra
