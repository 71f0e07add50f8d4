"""The grades log: grading, lookups, the name a claim's source is graded under."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import copy_database
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.errors import ClaimtrackError, NotFoundError
from claimtrack.grades import (
    GRADES,
    claims_graded_by,
    grade_key,
    grade_log,
    grade_source,
    lookup,
    reliability,
    source_name,
)
from claimtrack.models import Claim, Span
from claimtrack.store import db as dbmod


@pytest.fixture
def db(tmp_path: Path):
    return dbmod.open_db(tmp_path / "g.db")


def claim(doc: str, seq: int, source: str | None, entity: str | None = None, **kw) -> Claim:
    text = source or ""
    return Claim(
        id=f"{doc}:{seq}", doc_id=doc, seq=seq,
        source=Span(start=0, end=len(text), text=text) if source else None,
        cue=Span(start=0, end=4, text="said"), content=Span(start=0, end=5, text="it is"),
        kind="indirect", cue_class="speech", cue_lemma="say", source_entity=entity,
        relayed_by=None, relation=None, rule="t", extractor="t", **kw,
    )


# --- grading -------------------------------------------------------------------------


def test_grade_is_logged_with_who_when_why_and_the_latest_wins(db, monkeypatch):
    monkeypatch.setenv("USER", "ana")
    first = grade_source(db, "the Pentagon's", "c", "two corrections in 2016")
    assert (first.source, first.grade, first.who, first.origin) == ("Pentagon", "C", "ana", "cli")
    second = grade_source(db, "PENTAGON", "B", "  ", who="bo")
    assert second.id > first.id and second.why is None and second.who == "bo"
    assert reliability(db)[grade_key("Pentagon")].grade == "B"
    assert [e.grade for e in grade_log(db, "pentagon")] == ["C", "B"]  # nothing overwritten


@pytest.mark.parametrize("bad", ["G", "AB", "", "1", "f6"])
def test_a_grade_outside_a_to_f_is_refused_with_the_scale(db, bad):
    with pytest.raises(ClaimtrackError, match="A completely reliable"):
        grade_source(db, "Reuters", bad, "x")
    assert grade_log(db) == []


def test_who_falls_back_to_the_login_then_unknown(db, monkeypatch):
    import getpass

    monkeypatch.delenv("USER", raising=False)
    monkeypatch.setattr(getpass, "getuser", lambda: "login")
    assert grade_source(db, "Reuters", "B", "x").who == "login"

    def no_user() -> str:
        raise OSError("no passwd entry")

    monkeypatch.setattr(getpass, "getuser", no_user)
    assert grade_source(db, "Reuters", "B", "x").who == "unknown"


def test_a_name_of_only_punctuation_is_refused(db):
    with pytest.raises(ClaimtrackError, match="no source name"):
        grade_source(db, " ;, - ", "B", "x")


def test_log_of_an_ungraded_name_says_how_to_grade(db):
    grade_source(db, "Reuters", "B", "x")
    with pytest.raises(NotFoundError, match="sources grade"):
        grade_log(db, "AP")


def test_names_fold_case_hyphens_and_possessives():
    assert grade_key("Al-Mismari's") == grade_key("al Mismari") == grade_key("AL MISMARI")
    assert grade_key("the New York Times") == grade_key("New York Times")


def test_lookup_prefers_the_whole_name_then_the_longest_tail(db):
    grade_source(db, "Al-Mismari", "D", "x")
    grade_source(db, "Clinton", "C", "x")
    grade_source(db, "Hillary Clinton", "B", "x")
    grades = reliability(db)
    assert lookup(grades, "Ahmed Al-Mismari").grade == "D"  # a surname covers its full name
    assert lookup(grades, "Hillary Rodham Clinton").grade == "C"  # "Rodham Clinton" is no tail
    assert lookup(grades, "Hillary Clinton").grade == "B"
    assert lookup(grades, "Bill Clinton").grade == "C"
    assert lookup(grades, "Mismari Ahmed") is None  # only tails, never heads
    assert lookup(grades, None) is None
    assert lookup({}, "Clinton") is None


def test_short_last_words_do_not_stand_for_a_name(db):
    grade_source(db, "US", "A", "x")
    assert lookup(reliability(db), "the Voice of the US") is None


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Reuters", "reuters", "AP", "the AP", "Tass"]),
                          st.sampled_from(GRADES)), min_size=1, max_size=12))
def test_the_latest_grade_of_each_name_wins(tmp_path_factory, entries):
    db = dbmod.open_db(tmp_path_factory.mktemp("h") / "g.db")
    for name, g in entries:
        grade_source(db, name, g, "why")
    expected = {}
    for name, g in entries:
        expected[grade_key(name)] = g
    assert {k: e.grade for k, e in reliability(db).items()} == expected
    assert len(grade_log(db)) == len(entries)


def test_the_log_is_append_only_in_sql(db):
    grade_source(db, "Reuters", "B", "x")
    with pytest.raises(sqlite3.IntegrityError):  # the schema refuses grades outside A-F
        db.conn.execute(
            "INSERT INTO source_grades (source, grade, who, at, origin) "
            "VALUES ('x', 'G', 'me', '2020-01-01', 'cli')"
        )


# --- the name a claim's source is graded under ---------------------------------------


def test_source_name_cuts_appositions_and_prefers_the_resolved_name():
    assert source_name(claim("d", 0, "Haftar, the commander of the LNA")) == "Haftar"
    assert source_name(claim("d", 0, "He", entity="Khalifa Haftar")) == "Khalifa Haftar"
    assert source_name(claim("d", 0, "the New York Times")) == "New York Times"
    assert source_name(claim("d", 0, None)) is None


def test_a_pronoun_nobody_resolved_is_no_source_name_but_the_authors_i_is():
    """ "he" of one document and "he" of another are two people: no listing row sums
    them. The author's own "I" (typed self) is the author."""
    from claimtrack.models import SourceInfo

    assert source_name(claim("d", 0, "he")) is None
    assert source_name(claim("d", 0, "who")) is None
    assert source_name(claim("d", 0, "He", entity="Khalifa Haftar")) == "Khalifa Haftar"
    assert source_name(claim("d", 0, "I", source_info=SourceInfo(type="self"))) \
        == "I (the author of d)"
    # each document's author is their own source, never one "I" summing them all
    assert source_name(claim("e", 0, "I", source_info=SourceInfo(type="self"))) \
        == "I (the author of e)"


# --- grading a name no stored claim carries (issue 9) -------------------------------------


def test_claims_graded_by_matches_as_the_listing_does():
    claims = [claim("d", 1, "Ahmed Al-Mismari, the spokesman"), claim("d", 2, "he", "Haftar"),
              claim("d", 3, None)]
    assert claims_graded_by(claims, "Al-Mismari") == 1  # a surname covers the full name
    assert claims_graded_by(claims, "the Haftar's") == 1
    assert claims_graded_by(claims, "Tass") == 0
    assert claims_graded_by([], "Tass") == 0


def test_cli_grading_an_unknown_name_logs_it_and_warns(seeded_db, tmp_path):

    from conftest import run_cli

    db = tmp_path / "c.db"
    copy_database(seeded_db, db)
    r = run_cli("sources", "grade", "Tass", "E", "--why", "ahead of the Moscow story", db=db)
    assert r.exit_code == 0 and r.stderr.splitlines()[1] == (
        "warning: no stored claim has the source 'Tass': the grade is logged and applies to "
        "documents added later; check the spelling with `claimtrack sources`")
    r = run_cli("sources", "grade", "Al-Mismari", "D", "--why", "a party to the war", db=db)
    assert r.exit_code == 0 and "warning" not in r.stderr
    assert [e.source for e in grade_log(dbmod.open_db(db))] == ["Tass", "Al-Mismari"]
