"""Reading a claim's chain of sources back from the `relayed_by` links."""

from __future__ import annotations

from collections.abc import Mapping

from claimtrack.models import Chain, ChainHop, Claim


def relay_roots(parent: Mapping[str, str | None]) -> dict[str, str]:
    """claim id -> the root of its relay tree, given each claim's `relayed_by`
    (claims relayed by one outer report share a root; a cycle stops where it closes)."""

    def root(cid: str) -> str:
        seen = {cid}
        while (p := parent.get(cid)) and p in parent and p not in seen:
            seen.add(p)
            cid = p
        return cid

    return {cid: root(cid) for cid in parent}


def _hop(c: Claim) -> ChainHop:
    return ChainHop(
        claim_id=c.id,
        source=c.source.text if c.source else None,
        entity=c.source_entity,
        cue=c.cue.text if c.cue else None,
        relation=c.relation,
    )


Children = Mapping[str, list[tuple[int, Claim]]]


def relay_children(by_id: Mapping[str, Claim]) -> Children:
    """claim id -> the claims it relays (relayed_by it), each with its rank in seq
    order: what chain_of follows inward, built once for all of a document's chains
    (each chain scanned every claim once per hop: a report on a document of 7,500
    claims sorted them 7,500 times, 15 of its 16 s)."""
    out: dict[str, list[tuple[int, Claim]]] = {}
    for rank, c in enumerate(sorted(by_id.values(), key=lambda c: c.seq)):
        if c.relayed_by:
            out.setdefault(c.relayed_by, []).append((rank, c))
    return out


def outward(claim: Claim, by_id: Mapping[str, Claim]) -> tuple[list[ChainHop], set[str]]:
    """The chain's hops from the outermost relaying source to this claim's own, and
    the claims they are (relayed_by followed outward; a cycle stops where it closes)."""
    outer: list[Claim] = []
    seen = {claim.id}
    cur = claim
    while cur.relayed_by and cur.relayed_by in by_id and cur.relayed_by not in seen:
        cur = by_id[cur.relayed_by]
        seen.add(cur.id)
        outer.append(cur)
    return [_hop(c) for c in reversed(outer)] + [_hop(claim)], seen


def chain_of(claim: Claim, by_id: Mapping[str, Claim], children: Children | None = None) -> Chain:
    """document -> outermost relaying source -> ... -> this claim's source -> origins.

    Outward: follow `relayed_by`. Inward: attributions relayed *by* this claim
    (e.g. the unnamed official behind "recent reports") are its origins, a hop
    at a time, each hop's in seq order. `children`: relay_children(by_id), when
    the caller asks for many chains of one mapping.
    """
    if children is None:
        children = relay_children(by_id)
    hops, seen = outward(claim, by_id)
    frontier = [claim.id]
    while frontier:
        # a claim relays from one claim only, so no claim is met twice in a hop
        level = sorted((rc for f in frontier for rc in children.get(f, ())
                        if rc[1].id not in seen), key=lambda rc: rc[0])
        for _, c in level:
            seen.add(c.id)
            hops.append(_hop(c))
        frontier = [c.id for _, c in level]
    return Chain(doc_id=claim.doc_id, hops=hops)
