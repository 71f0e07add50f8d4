"""Typed sources and flags v2 on the seeds, end to end through the CLI
(issue 5 acceptance): each flag on the claim the issue names, with its words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BELHADJ, HAFTAR, claims_json, run_cli


def _doc(seeded_db: Path, path: Path) -> list[dict]:
    return claims_json(seeded_db, "--doc", path.name)


@pytest.fixture(scope="module")
def belhadj(seeded_db):
    return _doc(seeded_db, BELHADJ)


@pytest.fixture(scope="module")
def haftar(seeded_db):
    return _doc(seeded_db, HAFTAR)


def one(claims, source=None, cue=None, content=None):
    found = [
        c for c in claims
        if (source is None or (c["source"] and source in c["source"]["text"]))
        and (cue is None or (c["cue"] and c["cue"]["text"].lower() == cue.lower()))
        and (content is None or content in c["content"]["text"])
    ]
    assert len(found) == 1, [(c["source"], c["cue"], c["content"]["text"][:50]) for c in found]
    return found[0]


def flags(claim) -> dict[str, str]:
    return {f["code"]: f["explanation"] for f in claim["flags"]}


def test_recent_reports_behind_the_leadership_claim(belhadj):
    c = one(belhadj, source="recent reports", cue="According to", content="firmly ensconced")
    got = flags(c)
    assert {"vague_source", "unresolved_reference", "plural_for_single"} <= got.keys()
    assert got["plural_for_single"] == (
        "'recent reports': plural, backed by 1 link whose target is missing"
    )
    assert c["source_info"]["type"] == "vague_reference"


def test_the_unnamed_official(belhadj):
    c = one(belhadj, source="an unnamed US intelligence official", cue="confirmed")
    got = flags(c)
    assert {"anonymous_source", "no_anonymity_reason", "endorsing_cue"} <= got.keys()
    assert "'confirmed'" in got["endorsing_cue"]
    info = c["source_info"]
    assert info["type"] == "anonymous"
    assert info["descriptor"] == "unnamed US intelligence official"
    assert info["anonymity_reason"] is None


def test_west_point_study_is_stale(belhadj):
    c = one(belhadj, source="the authors", cue="noted")
    assert c["source_info"]["dated"] == 2007 and c["source_info"]["type"] == "document"
    assert c["source_info"]["descriptor"] == "authors of a major 2007 study"
    got = flags(c)
    assert "stale_source" in got
    assert "2007" in got["stale_source"] and "2015-03-10" in got["stale_source"]


def test_no_other_belhadj_claim_is_stale(belhadj):
    stale = [c["id"] for c in belhadj if "stale_source" in flags(c)]
    assert len(stale) == 1


def test_as_we_reported_is_self_citation(haftar):
    c = one(haftar, source="we", cue="reported")
    assert c["source_info"]["type"] == "self"
    assert "'we reported'" in flags(c)["self_citation"]
    # the author's "I doubt" is opinion, not a citation of earlier work
    assert not [c for c in haftar if "self_citation" in flags(c) and c["cue"]["text"] != "reported"]


def test_mismari_claimed_twice_at_a_distance(haftar):
    claimed = [c for c in haftar if c["source_entity"] == "Ahmed Al-Mismari"
               and c["cue"] and c["cue"]["text"] == "claimed"]
    assert len(claimed) == 2
    assert all("distancing_cue" in flags(c) for c in claimed)
    said = [c for c in haftar if c["source_entity"] == "Ahmed Al-Mismari"
            and c["cue"]["text"] != "claimed"]
    assert said and not any("distancing_cue" in flags(c) for c in said)


def test_mismari_is_an_interested_party_in_all_his_claims(haftar):
    his = [c for c in haftar if c["source_entity"] == "Ahmed Al-Mismari"]
    assert len(his) >= 5
    for c in his:
        assert c["source_info"]["type"] == "person"
        assert "spokesperson of Haftar’s forces" in flags(c)["interested_party"]
    observer = one(haftar, source="Libya Observer")
    assert observer["source_info"]["type"] == "outlet"
    assert "interested_party" not in flags(observer)


def test_flags_filter_finds_the_new_codes(seeded_db):
    result = run_cli("flags", "--flag", "stale_source", "--json", db=seeded_db)
    assert result.exit_code == 0, result.stderr
    assert [c["source"]["text"] for c in json.loads(result.stdout)] == ["the authors"]


def test_inherited_source_end_to_end(tmp_path):
    story = tmp_path / "minister.txt"
    story.write_text(
        "Talks in the capital collapsed on Monday after a week of fighting.\n\n"
        "The minister, John Lee, said on Monday that the talks had failed. Also claimed "
        "that the rebels had broken the truce twice.\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    assert run_cli("add", str(story), db=db).exit_code == 0
    c = one(claims_json(db), cue="claimed")
    assert c["source"] is None and c["source_entity"] == "John Lee"
    assert c["source_info"]["inherited"] is True
    got = flags(c)
    assert "John Lee" in got["inherited_source"] and "distancing_cue" in got
    said = one(claims_json(db), cue="said")
    assert "inherited_source" not in flags(said)
