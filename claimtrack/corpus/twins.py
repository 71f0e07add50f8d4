"""Twin classes: claims told identically, and which of their pairs are stored.

A claim that is `same` as itself has a twin class (update.twin_of): its compared units,
their offsets from its start, its stance and words. Two members of one class, or two
members of two classes, relate as the classes do: match_claims would store for them
the rows of the class pair (decided once: update.decide_pair, kept in `twin_pairs`),
with each side's offsets moved by its own start. So of the pairs of two classes only
some are stored, enough that clusters are the same components and each claim is
paired with some member of every cluster it relates to (`required`), and reads give
the others (store/matchstore). A sentence every story of an archive ends with, or a
wire story run by hundreds of papers, was N x N rows; it is about N.

Pure: the store reads and writes, update.py decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from claimtrack.store.matchstore import TwinRow

Pair = tuple[TwinRow, TwinRow]


def hubs(members: Sequence[TwinRow]) -> tuple[TwinRow, TwinRow] | None:
    """A class's least member, and its least member in another document than the
    first's (None: the class is told in one document)."""
    first = min(members, key=lambda t: t.claim_id)
    elsewhere = [t for t in members if t.doc_id != first.doc_id]
    if not elsewhere:
        return None
    return first, min(elsewhere, key=lambda t: t.claim_id)


def star(members: Sequence[TwinRow]) -> list[Pair]:
    """The pairs of one class that are stored: its least member with every member of
    the other documents, and the other members of its document with the least member
    of another. N - 1 pairs, each across two documents, joining every member, the
    same whatever order the documents came in. (Around a whole document's members,
    two copies of a page telling one sentence 1,000 times stored 1,000,000 pairs.)"""
    h = hubs(members)
    if h is None:
        return []
    first, second = h
    return [(first, y) for y in members if y.doc_id != first.doc_id] + \
        [(x, second) for x in members if x.doc_id == first.doc_id and x != first]


def hub_for(members: Sequence[TwinRow], doc_id: str,
            h: tuple[TwinRow, TwinRow] | None) -> TwinRow | None:
    """The member of a class told in several documents that a claim of `doc_id` of
    another class is paired with (`h`: the class's hubs); None where every member is
    (a class told in one document has no star to join its members)."""
    if h is None:
        return None
    first, second = h
    return first if first.doc_id != doc_id else second


def across(m1: Sequence[TwinRow], m2: Sequence[TwinRow]) -> list[Pair]:
    """The pairs of two classes that are stored: each member of one with the other's
    hub for it, where that class is told in several documents (its star joins the
    rest), else with each of its members; only across documents. About |m1| + |m2|
    pairs where both classes are told in several documents. Every member of one is
    paired with a member of the other's cluster, so the clusters' contradictions and
    components read from the stored pairs are those of every pair."""
    h1, h2 = hubs(m1), hubs(m2)
    out: dict[tuple[str, str], Pair] = {}

    def add(x: TwinRow, y: TwinRow) -> None:
        if x.doc_id != y.doc_id:
            out.setdefault((x.claim_id, y.claim_id), (x, y))

    for x, (h, other) in ((x, (h2, m2)) for x in m1):
        hub = hub_for(other, x.doc_id, h)
        for y in ([hub] if hub is not None else other):
            add(x, y)
    for y in m2:
        hub = hub_for(m1, y.doc_id, h1)
        for x in ([hub] if hub is not None else m1):
            add(x, y)
    return list(out.values())


def required(m1: Sequence[TwinRow], m2: Sequence[TwinRow], same_class: bool) -> list[Pair]:
    """The stored pairs of two classes' members (one class: its star)."""
    return star(m1) if same_class else across(m1, m2)


def touching(pairs: Iterable[Pair], doc_id: str) -> list[Pair]:
    return [(x, y) for x, y in pairs if doc_id in (x.doc_id, y.doc_id)]
