"""MISP admiralty-scale tags (misp.py): the machine tags, and one row per graded claim."""

from __future__ import annotations

import pytest

from claimtrack.misp import claim_tags, misp_tags
from claimtrack.models import Claim, ClaimGrade, Span

pytestmark = pytest.mark.model_free


def test_misp_tags():
    assert misp_tags("B", 2) == [
        'admiralty-scale:source-reliability="b"', 'admiralty-scale:information-credibility="2"'
    ]


def _claim(seq: int, grade: ClaimGrade | None) -> Claim:
    text = "Haftar, the commander"
    return Claim(
        id=f"d:{seq}", doc_id="d", seq=seq, source=Span(start=0, end=len(text), text=text),
        cue=Span(start=0, end=4, text="said"), content=Span(start=0, end=5, text="it is"),
        kind="indirect", cue_class="speech", cue_lemma="say", source_entity=None,
        relayed_by=None, relation=None,
        rule="t", extractor="t", grade=grade,
    )


def test_claim_tags_skip_ungraded_claims_and_tag_those_without_stored_tags():
    tagged = ClaimGrade(reliability="C", credibility=3, tags=["x:y"])
    untagged = ClaimGrade(reliability="D", credibility=5)
    rows = claim_tags([_claim(0, tagged), _claim(1, None), _claim(2, untagged)])
    assert [(r.claim_id, r.source, r.tags) for r in rows] == [
        ("d:0", "Haftar", ["x:y"]),
        ("d:2", "Haftar", misp_tags("D", 5)),
    ]
