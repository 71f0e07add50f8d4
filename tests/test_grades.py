"""The grades log: grading, sources files, lookups, the sources listing."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.errors import ClaimtrackError, InputError, NotFoundError
from claimtrack.grades import (
    GRADES,
    claims_graded_by,
    grade_key,
    grade_log,
    grade_source,
    import_sources,
    list_sources,
    lookup,
    reliability,
    source_name,
)
from claimtrack.models import Claim, Flag, SourceInfo, Span
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


# --- sources files ------------------------------------------------------------------


def test_csv_import_logs_every_row_in_order_with_its_line(db, tmp_path):
    path = tmp_path / "sources.csv"
    path.write_bytes(
        "\ufeffname,grade,why\n"
        'Reuters,B,"long record, few corrections"\n'
        "\n"
        "Libya Observer,d,\n"
        "Ahmed Al-Mismari,E,spokesman of a party to the war\n".encode()
    )
    result = import_sources(db, path)
    assert [(e.source, e.grade, e.why) for e in result.entries] == [
        ("Reuters", "B", "long record, few corrections"),
        ("Libya Observer", "D", None),
        ("Ahmed Al-Mismari", "E", "spokesman of a party to the war"),
    ]
    assert [e.origin for e in result.entries] == [f"{path}:2", f"{path}:4", f"{path}:5"]


def test_csv_with_a_who_column(db, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("grade,name,who\nA,Reuters,desk\n", encoding="utf-8")
    (entry,) = import_sources(db, path).entries
    assert (entry.source, entry.grade, entry.who) == ("Reuters", "A", "desk")


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("name,grade\nReuters,B\nTass,G\n", ":3", "not an Admiralty reliability grade"),
        ("name,grade\nReuters,\n", ":2", "no grade"),
        ("name,grade\n,B\n", ":2", "no source name"),
        ("name,score\nReuters,B\n", ":1", "must name the columns"),
        ("name,grade\nReuters,B,too,many\n", ":2", "quote a value holding a comma"),
        ("", "", "empty file"),
        ("name,grade\n", "", "no sources in the file"),
    ],
)
def test_a_bad_csv_names_file_line_and_fix_and_logs_nothing(db, tmp_path, text, where, what):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        import_sources(db, path)
    assert str(e.value).startswith(f"{path}{where}: ")
    assert what in str(e.value) and "\n" not in str(e.value)
    assert grade_log(db) == []  # all or nothing


def test_yaml_list_and_mapping_forms(db, tmp_path):
    listed = tmp_path / "a.yaml"
    listed.write_text(
        "- name: Reuters\n  grade: B\n  why: long record\n- {name: Tass, grade: e}\n",
        encoding="utf-8",
    )
    mapped = tmp_path / "b.yml"
    mapped.write_text(
        "Libya Observer: D\n'Ahmed Al-Mismari':\n  grade: E\n  why: a party to the war\n",
        encoding="utf-8",
    )
    a = import_sources(db, listed).entries
    b = import_sources(db, mapped).entries
    assert [(e.source, e.grade, e.why) for e in a + b] == [
        ("Reuters", "B", "long record"), ("Tass", "E", None),
        ("Libya Observer", "D", None), ("Ahmed Al-Mismari", "E", "a party to the war"),
    ]
    assert [e.origin for e in b] == [f"{mapped}:1", f"{mapped}:2"]


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("- name: Reuters\n  grade: B\n- name: Tass\n  grade: Z\n", 3, "not an Admiralty"),
        ("Reuters: B\nTass: [E]\n", 2, "plain value"),
        ("- name: Reuters\n  grade: B\n  rating: 3\n", 3, "unknown key 'rating'"),
        ("Reuters: B\n  bad: indent\n", 2, "not valid YAML"),
        ("- Reuters\n", 1, "each item must be a mapping"),
        # PyYAML keeps the last of two equal keys silently (issue 9)
        ("Reuters: B\nTass: E\nReuters: C\n", 3,
         r"source 'Reuters' given twice \(first on line 1\); keep one"),
        ("- {name: Reuters, grade: B, grade: C}\n", 1, r"key 'grade' given twice"),
        ("Tass:\n  grade: E\n  why: a\n  WHY: b\n", 4, r"key 'why' given twice \(first on line 3"),
    ],
)
def test_a_bad_yaml_names_its_line_and_logs_nothing(db, tmp_path, text, line, what):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=what) as e:
        import_sources(db, path)
    assert str(e.value).startswith(f"{path}:{line}: ")
    assert grade_log(db) == []


@pytest.mark.parametrize("name", ["s.txt", "missing.csv"])
def test_unknown_or_missing_files_are_refused(db, tmp_path, name):
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text("name,grade\nA,B\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\.csv"):
        import_sources(db, path)


names = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), min_size=1,
    max_size=30,
).filter(lambda s: grade_key(s) != "")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(names, st.sampled_from(GRADES), names), min_size=1, max_size=6))
def test_any_csv_written_by_a_csv_writer_imports_as_written(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("csv")
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["name", "grade", "why"])
    w.writerows(rows)
    path = folder / "s.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    entries = import_sources(dbmod.open_db(folder / "g.db"), path).entries
    assert [(grade_key(e.source), e.grade) for e in entries] == [
        (grade_key(n), g) for n, g, _ in rows
    ]
    assert [e.why for e in entries] == [why.strip() or None for _, _, why in rows]


# --- the sources listing -------------------------------------------------------------


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


def test_source_name_cuts_appositions_and_prefers_the_resolved_name():
    assert source_name(claim("d", 0, "Haftar, the commander of the LNA")) == "Haftar"
    assert source_name(claim("d", 0, "He", entity="Khalifa Haftar")) == "Khalifa Haftar"
    assert source_name(claim("d", 0, "the New York Times")) == "New York Times"
    assert source_name(claim("d", 0, None)) is None


def test_sources_group_by_entity_when_given_and_agree_with_the_claims_grades(db):
    from claimtrack.models import ClaimGrade

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


# --- grading a name no stored claim carries (issue 9) -------------------------------------


def test_claims_graded_by_matches_as_the_listing_does():
    claims = [claim("d", 1, "Ahmed Al-Mismari, the spokesman"), claim("d", 2, "he", "Haftar"),
              claim("d", 3, None)]
    assert claims_graded_by(claims, "Al-Mismari") == 1  # a surname covers the full name
    assert claims_graded_by(claims, "the Haftar's") == 1
    assert claims_graded_by(claims, "Tass") == 0
    assert claims_graded_by([], "Tass") == 0


def test_cli_grading_an_unknown_name_logs_it_and_warns(seeded_db, tmp_path):
    import shutil

    from conftest import run_cli

    db = tmp_path / "c.db"
    shutil.copy(seeded_db, db)
    r = run_cli("sources", "grade", "Tass", "E", "--why", "ahead of the Moscow story", db=db)
    assert r.exit_code == 0 and r.stderr.splitlines()[1] == (
        "warning: no stored claim has the source 'Tass': the grade is logged and applies to "
        "documents added later; check the spelling with `claimtrack sources`")
    r = run_cli("sources", "grade", "Al-Mismari", "D", "--why", "a party to the war", db=db)
    assert r.exit_code == 0 and "warning" not in r.stderr
    assert [e.source for e in grade_log(dbmod.open_db(db))] == ["Tass", "Al-Mismari"]
