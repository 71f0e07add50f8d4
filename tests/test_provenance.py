"""provenance.py: a claim's chain read back from the relayed_by links."""

from __future__ import annotations

from collections.abc import Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.models import Chain, Claim, Span
from claimtrack.provenance import _hop, chain_of, outward, relay_children

TEXT = "x" * 100


def _claim(seq: int, parent: int | None) -> Claim:
    return Claim(id=f"d:{seq}", doc_id="d", seq=seq, source=None, cue=None,
                 content=Span.of(TEXT, seq, seq + 1), kind="indirect", cue_class="speech",
                 cue_lemma=None, source_entity=None,
                 relayed_by=f"d:{parent}" if parent is not None else None, relation=None,
                 rule="test", extractor="test-0")


def scanned_chain(claim: Claim, by_id: Mapping[str, Claim]) -> Chain:
    """chain_of as it was: every claim scanned once per hop inward."""
    hops, seen = outward(claim, by_id)
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


# each claim relays from none, or from any claim (cycles and missing ones included),
# the mapping in any order
@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 25)), min_size=1, max_size=25),
       st.randoms(use_true_random=False))
def test_chains_follow_the_links_as_the_scan_did(parents, rnd):
    claims = [_claim(i, p) for i, p in enumerate(parents)]
    rnd.shuffle(claims)
    by_id = {c.id: c for c in claims}
    children = relay_children(by_id)
    for c in claims:
        assert chain_of(c, by_id) == chain_of(c, by_id, children) == scanned_chain(c, by_id)
