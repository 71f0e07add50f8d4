"""`claimtrack sources` and grades end to end on the seeds, through the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SEEDS, claims_json, copy_database, run_cli

TAG = re.compile(r'admiralty-scale:(source-reliability="[a-f]"|information-credibility="[1-6]")')


@pytest.fixture
def db(seeded_db: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded database: these tests write grades."""
    copy = tmp_path / "claimtrack.db"
    copy_database(seeded_db, copy)
    return copy


def _one(claims: list[dict], words: str, source: str) -> dict:
    found = [c for c in claims if words in c["content"]["text"]
             and source in ((c["source"] or {}).get("text") or "")]
    assert found, f"no claim of {source!r} saying {words!r}"
    return found[0]


def belhadj_leads_isis(db: Path) -> dict:
    return _one(claims_json(db), "organizational commander", "reports")


def mismari_collaboration(db: Path) -> dict:
    return _one(claims_json(db), "secret meetings", "Al-Mismari")


def test_the_seed_claims_grade_5_or_6_with_their_reasons(db):
    belhadj = belhadj_leads_isis(db)["grade"]
    assert belhadj["credibility"] in (5, 6) and belhadj["reliability"] == "F"
    assert any("vague" in r and "'recent reports'" in r for r in belhadj["reasons"])
    # "recent reports" cannot be followed: it is no origin (corpus/origins.py)
    assert any("no independent origin: its source cannot be followed" in r
               for r in belhadj["reasons"])

    mismari = mismari_collaboration(db)["grade"]
    assert mismari["credibility"] in (5, 6) and mismari["reliability"] == "F"
    assert any("'Ahmed Al-Mismari' is ungraded" in r for r in mismari["reasons"])
    assert any("claimed" in r for r in mismari["reasons"])  # the distancing cue is named
    assert mismari["tags"] == ['admiralty-scale:source-reliability="f"',
                               f'admiralty-scale:information-credibility="{mismari["credibility"]}"']


def test_grading_a_source_changes_its_reliability_not_its_credibility(db):
    before = mismari_collaboration(db)["grade"]
    r = run_cli("sources", "grade", "Al-Mismari", "b", "--why", "checked record", "--who", "ana",
                db=db)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "" and "graded: Al-Mismari B (by ana" in r.stderr
    after = mismari_collaboration(db)["grade"]
    # the two Admiralty axes: a grade of the source is no evidence for its claim
    assert after["reliability"] == "B" and after["credibility"] == before["credibility"]
    assert any("graded B (usually reliable) by ana" in x and "checked record" in x
               for x in after["reasons"])
    # every claim of that source moves, in every listing that carries grades
    table = run_cli("claims", "--doc", "haftar-spokesman-al-qaeda", "--csv", db=db).stdout
    rows = [line for line in table.splitlines() if "Al-Mismari" in line]
    assert rows and all(",B" in line for line in rows)
    show = json.loads(run_cli("show", "--entity", "Al-Mismari", "--json", db=db).stdout)
    graded = [c["claim"]["grade"] for d in show["documents"] for c in d["by"]]
    assert graded and all(g["reliability"] == "B" for g in graded)


def test_grading_the_relay_leaves_the_claims_it_carries_as_they_were(db):
    # "X said ..., according to Libya Observer" is Libya Observer's own report:
    # its grade is shown beside it, never taken as evidence (credibility.py)
    before = {c["id"]: c["grade"]["credibility"] for c in claims_json(db)}
    run_cli("sources", "grade", "Libya Observer", "E", "--why", "partisan", db=db)
    after = claims_json(db)
    assert {c["id"]: c["grade"]["credibility"] for c in after} == before
    assert not any(r.startswith("relayed by") for c in after for r in c["grade"]["reasons"])


def test_sources_lists_names_types_documents_claims_grades_and_flags(db):
    run_cli("sources", "grade", "New York Times", "A", "--why", "paper of record", db=db)
    first = run_cli("sources", "--json", db=db)
    assert first.exit_code == 0, first.stderr
    rows = json.loads(first.stdout)
    by = {r["name"]: r for r in rows}
    mismari = by["Ahmed Al-Mismari"]
    typed = any(c["source_info"] for c in claims_json(db))  # the extractor types sources
    assert mismari["claims"] >= 3 and mismari["type"] == ("person" if typed else "unknown")
    assert mismari["reliability"] == "F" and mismari["flags"].get("single_source")
    assert by["New York Times"]["reliability"] == "A"
    assert [r["claims"] for r in rows] == sorted((r["claims"] for r in rows), reverse=True)
    assert run_cli("sources", "--json", db=db).stdout == first.stdout  # stable order
    one = json.loads(run_cli("sources", "--doc", "belhadj-isis-libya-2015", "--json", db=db).stdout)
    assert "Ahmed Al-Mismari" not in {r["name"] for r in one}
    assert {d for r in one for d in r["documents"]} == {belhadj_leads_isis(db)["doc_id"]}
    csv_out = run_cli("sources", "--csv", db=db).stdout.splitlines()
    assert csv_out[0] == "source,type,docs,claims,grade,flags"


def test_tags_export_every_claim_as_misp_admiralty_tags(db):
    out = run_cli("sources", "tags", "--json", db=db)
    assert out.exit_code == 0, out.stderr
    tags = json.loads(out.stdout)
    assert len(tags) == len(claims_json(db))
    assert all(len(t["tags"]) == 2 and all(TAG.fullmatch(x) for x in t["tags"]) for t in tags)
    haftar = {c["id"] for c in claims_json(db, "--doc", "haftar-spokesman-al-qaeda")}
    nl = run_cli("sources", "tags", "--nl", "--doc", "haftar-spokesman-al-qaeda", db=db)
    assert {json.loads(line)["claim_id"] for line in nl.stdout.splitlines()} == haftar


def test_claims_table_and_report_show_the_grade(db):
    out = run_cli("claims", "--doc", "haftar-spokesman-al-qaeda", db=db)
    assert "grade" in out.stdout and "F6" in out.stdout
    md = run_cli("report", "--doc", "haftar-spokesman-al-qaeda", db=db).stdout
    assert "Grade: F6 (Admiralty)" in md and "- credibility 6: truth cannot be judged" in md
    html = run_cli("report", "--doc", "haftar-spokesman-al-qaeda", "--format", "html", db=db)
    assert '<p class="grade">Grade F6 (Admiralty)</p>' in html.stdout


def test_import_csv_and_yaml_then_the_log(db, tmp_path):
    csv_file = tmp_path / "sources.csv"
    csv_file.write_text("name,grade,why\nLibya Observer,C,\"partisan, but rarely wrong\"\n",
                        encoding="utf-8")
    yaml_file = tmp_path / "sources.yaml"
    yaml_file.write_text("Ahmed Al-Mismari: {grade: E, why: a party to the war}\n",
                         encoding="utf-8")
    for f in (csv_file, yaml_file):
        r = run_cli("sources", "import", str(f), db=db)
        assert r.exit_code == 0, r.stderr
        assert r.stderr.strip() == f"imported 1 grades from {f}"
    log = json.loads(run_cli("sources", "log", "--json", db=db).stdout)
    assert [(e["source"], e["grade"], e["why"]) for e in log] == [
        ("Libya Observer", "C", "partisan, but rarely wrong"),
        ("Ahmed Al-Mismari", "E", "a party to the war"),
    ]
    assert log[0]["origin"] == f"{csv_file}:2"
    one = json.loads(run_cli("sources", "log", "al-mismari", "--json", db=db).stdout)
    assert [e["grade"] for e in one] == ["E"]
    assert mismari_collaboration(db)["grade"]["reliability"] == "E"


def test_a_bad_sources_file_is_one_line_exit_1_and_logs_nothing(db, tmp_path):
    bad = tmp_path / "sources.csv"
    bad.write_text("name,grade\nReuters,B\nTass,Z\n", encoding="utf-8")
    r = run_cli("sources", "import", str(bad), db=db)
    assert r.exit_code == 1
    assert r.stderr.count("\n") == 1 and r.stderr.startswith(f"error: {bad}:3: ")
    assert json.loads(run_cli("sources", "log", "--json", db=db).stdout) == []
    missing = run_cli("sources", "log", "Reuters", db=db)
    assert missing.exit_code == 1 and "sources grade" in missing.stderr


def test_a_bad_grade_on_the_command_line_is_a_usage_error(db):
    r = run_cli("sources", "grade", "Reuters", "G", "--why", "x", db=db)
    assert r.exit_code == 2
    assert run_cli("sources", "grade", "Reuters", "B", db=db).exit_code == 2  # --why required


def test_the_log_survives_re_adding_documents_and_re_extraction(db, tmp_path):
    from claimtrack.cli import cli

    run_cli("sources", "grade", "Al-Mismari", "B", "--why", "checked", db=db)
    log = run_cli("sources", "log", "--json", db=db).stdout
    again = run_cli("add", str(SEEDS), db=db)
    assert again.exit_code == 0 and "unchanged" in again.stderr
    other = tmp_path / "other.md"
    other.write_text("Ahmed Al-Mismari said the ports were retaken on Tuesday.\n", encoding="utf-8")
    assert run_cli("add", str(other), db=db).exit_code == 0
    if "reextract" in cli.commands:
        r = run_cli("reextract", db=db)
        assert r.exit_code == 0, r.stderr
    assert run_cli("sources", "log", "--json", db=db).stdout == log
    assert mismari_collaboration(db)["grade"]["reliability"] == "B"
    rows = {r["name"]: r for r in json.loads(run_cli("sources", "--json", db=db).stdout)}
    assert rows["Ahmed Al-Mismari"]["reliability"] == "B"
    assert len(rows["Ahmed Al-Mismari"]["documents"]) == 2


def test_sources_follow_the_users_entity_merges_and_grades_follow_the_entity(db):
    rows = {r["name"]: r for r in json.loads(run_cli("sources", "--json", db=db).stdout)}
    haftar, mismari = rows["Khalifa Haftar"]["claims"], rows["Ahmed Al-Mismari"]["claims"]
    merged = run_cli("entities", "merge", "Khalifa Haftar", "Ahmed Al-Mismari", "--why",
                     "his spokesman speaks for him", db=db)
    assert merged.exit_code == 0, merged.stderr
    run_cli("sources", "grade", "Khalifa Haftar", "C", "--why", "party to the war", db=db)
    rows = {r["name"]: r for r in json.loads(run_cli("sources", "--json", db=db).stdout)}
    assert "Ahmed Al-Mismari" not in rows
    assert rows["Khalifa Haftar"]["claims"] == haftar + mismari
    assert rows["Khalifa Haftar"]["reliability"] == "C"
    assert mismari_collaboration(db)["grade"]["reliability"] == "C"  # graded through the entity


def test_a_grade_counts_and_tags_page_without_grading_the_corpus(db, monkeypatch):
    from claimtrack import api, corpusflags
    from claimtrack.grades import claims_graded_by

    want = claims_graded_by(api.claims(db), "Al-Mismari")
    assert want > 0

    def refuse(*args, **kwargs):
        raise AssertionError("graded the whole corpus")

    with monkeypatch.context() as m:
        m.setattr(corpusflags, "graded", refuse)  # which claims a name covers: no grade
        assert api.grade_source(db, "Al-Mismari", "D", "a party").claims == want
    every = api.claims(db)
    tags = api.source_tags(db)
    assert [t.claim_id for t in tags] == [c.id for c in every]
    assert api.source_tags(db, limit=3, offset=2) == tags[2:5]
    assert api.source_tags(db, offset=len(tags) - 1) == tags[-1:]
