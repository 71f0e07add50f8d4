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


def chain_of(claim: Claim, by_id: Mapping[str, Claim]) -> Chain:
    """document -> outermost relaying source -> ... -> this claim's source -> origins.

    Outward: follow `relayed_by`. Inward: attributions relayed *by* this claim
    (e.g. the unnamed official behind "recent reports") are its origins.
    """
    outer: list[Claim] = []
    seen = {claim.id}
    cur = claim
    while cur.relayed_by and cur.relayed_by in by_id and cur.relayed_by not in seen:
        cur = by_id[cur.relayed_by]
        seen.add(cur.id)
        outer.append(cur)
    hops = [_hop(c) for c in reversed(outer)] + [_hop(claim)]
    frontier = [claim.id]
    while frontier:
        nxt = []
        for c in sorted(by_id.values(), key=lambda c: c.seq):
            if c.relayed_by in frontier and c.id not in seen:
                seen.add(c.id)
                hops.append(_hop(c))
                nxt.append(c.id)
        frontier = nxt
    return Chain(doc_id=claim.doc_id, hops=hops)
