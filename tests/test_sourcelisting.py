"""The sources listing (sourcelisting.py): claims grouped by source, with grades and flags."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_grades import claim

from claimtrack.grades import grade_source
from claimtrack.models import ClaimGrade, Flag, SourceInfo
from claimtrack.sourcelisting import list_sources
from claimtrack.store import db as dbmod

pytestmark = pytest.mark.model_free


@pytest.fixture
def db(tmp_path: Path):
    return dbmod.open_db(tmp_path / "g.db")


def test_sources_group_by_resolved_name_with_counts_grades_and_flags(db):
    cs = [
        claim("d1", 0, "Ahmed Al-Mismari, the spokesperson of Haftar's forces",
              flags=[Flag(code="interested_party", explanation="x")]),
        claim("d1", 1, "He", entity="Ahmed Al-Mismari",
              flags=[Flag(code="single_source", explanation="x", severity="info")]),
        claim("d2", 0, "Al-Mismari", entity="Ahmed Al-Mismari"),
        claim("d2", 1, "an unnamed official", source_info=SourceInfo(type="anonymous")),
        claim("d2", 2, None),  # the author: no source to list
    ]
    grade_source(db, "Al-Mismari", "D", "a party to the war")
    grade_source(db, "unnamed official", "A", "graded by mistake")
    grade_source(db, "Tass", "E", "not in the texts")
    rows = list_sources(db, cs)
    assert [(r.name, r.claims, r.documents, r.reliability) for r in rows] == [
        ("Ahmed Al-Mismari", 3, ["d1", "d2"], "D"),
        ("unnamed official", 1, ["d2"], "F"),  # an anonymous source cannot be graded
        ("Tass", 0, [], "E"),  # graded, not (yet) in the texts
    ]
    assert rows[0].flags == {"interested_party": 1, "single_source": 1}
    assert rows[0].why == "a party to the war"
    assert rows[1].type == "anonymous"
    assert [r.name for r in list_sources(db, cs, with_ungraded=False)][-1] == "unnamed official"


def test_sources_group_by_entity_when_given_and_agree_with_the_claims_grades(db):
    cs = [
        claim("d1", 0, "the commander", grade=ClaimGrade(reliability="C", credibility=3)),
        claim("d1", 1, "Haftar", grade=ClaimGrade(reliability="C", credibility=3)),
        claim("d2", 0, "an official", grade=ClaimGrade()),
        claim("d3", 0, "an official", grade=ClaimGrade()),
    ]
    entities = {"d1:0": ("entity 0", "Khalifa Haftar"), "d1:1": ("entity 0", "Khalifa Haftar"),
                "d2:0": ("entity 1", "official"), "d3:0": ("entity 2", "official")}
    grade_source(db, "Haftar", "C", "party to the war")
    rows = list_sources(db, cs, entities=entities)
    assert [(r.name, r.claims, r.reliability, r.why) for r in rows] == [
        ("Khalifa Haftar", 2, "C", "party to the war"),
        ("official", 1, "F", None),  # two outlets' unnamed officials: two sources
        ("official", 1, "F", None),
    ]
