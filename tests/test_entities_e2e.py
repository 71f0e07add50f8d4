"""Entities end to end through the CLI: list, merge (dry run), split, show, report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import BELHADJ, HAFTAR, SEEDS, copy_database, run_cli

from claimtrack.store.db import open_db


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("entities") / "seeds.db"
    result = run_cli("add", str(SEEDS), db=db)
    assert result.exit_code == 0, result.stderr
    return db


@pytest.fixture
def db(template, tmp_path) -> Path:
    """A private copy of the seeded database: these tests write decisions."""
    path = tmp_path / "claimtrack.db"
    shutil.copy(template, path)
    return path


def entities_json(db: Path, *args: str) -> list[dict]:
    result = run_cli("entities", "--json", *args, db=db)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def decisions(db: Path) -> int:
    return open_db(db).conn.execute("SELECT count(*) FROM entity_decisions").fetchone()[0]


def named(ents: list[dict], name: str) -> dict:
    (e,) = [e for e in ents if e["name"] == name]
    return e


def test_entities_lists_the_seeds(seeded_db):
    ents = entities_json(seeded_db)
    keys = [(-e["claims_by"], -e["mentions"], e["name"].casefold()) for e in ents]
    assert keys == sorted(keys)  # most claims first, then name
    belhadj = named(ents, "Abdelhakim Belhadj")
    assert belhadj["type"] == "person"
    assert {"Belhadj", "Abu Abdullah Sadik"} <= set(belhadj["aliases"])
    assert belhadj["identified_by_author"] == ["Abu Abdullah Sadik"]
    mismari = named(ents, "Ahmed Al-Mismari")
    assert "Al-Mismari" in mismari["aliases"] and mismari["claims_by"] >= 4
    assert named(ents, "Khalifa Haftar")["claims_by"] >= 1
    # the anonymous official is an entity of its document only
    (official,) = [e for e in ents if "unnamed US intelligence official" in e["name"]]
    assert official["anonymous"] and official["documents"] == 1
    haftar_doc = entities_json(seeded_db, "--doc", HAFTAR.stem)
    assert "Abdelhakim Belhadj" not in {e["name"] for e in haftar_doc}
    table = run_cli("entities", db=seeded_db)
    assert table.exit_code == 0 and "Ahmed" in table.stdout
    csv = run_cli("entities", "--csv", db=seeded_db)
    assert csv.stdout.splitlines()[0] == "name,type,aliases,documents,claims by,mentions,anonymous"


def test_merge_dry_run_writes_nothing(db):
    before = entities_json(db)
    result = run_cli("entities", "merge", "Khalifa Haftar", "Al-Mismari", "--dry-run", "--json",
                     db=db)
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["dry_run"] and not out["written"] and out["changed"]
    assert [e["name"] for e in out["after"]] == ["Khalifa Haftar"]
    assert "Ahmed Al-Mismari" in out["after"][0]["aliases"]
    assert "dry run: nothing written" in result.stderr
    assert decisions(db) == 0 and entities_json(db) == before


def test_merge_then_show_then_split(db):
    result = run_cli("entities", "merge", "Khalifa Haftar", "Ahmed Al-Mismari",
                     "--why", "his spokesman speaks for him", db=db)
    assert result.exit_code == 0, result.stderr
    assert decisions(db) == 1
    merged = named(entities_json(db), "Khalifa Haftar")
    assert "Ahmed Al-Mismari" in merged["aliases"] and merged["claims_by"] >= 5
    show = run_cli("show", "--entity", "Haftar", "--json", db=db)
    assert show.exit_code == 0, show.stderr
    view = json.loads(show.stdout)
    by = {e["claim"]["source_entity"] for d in view["documents"] for e in d["by"]}
    assert "Ahmed Al-Mismari" in by  # his spokesman's words now count as his
    assert view["entity"]["name"] == "Khalifa Haftar"

    result = run_cli("entities", "split", "Khalifa Haftar", "Ahmed Al-Mismari", db=db)
    assert result.exit_code == 0, result.stderr
    ents = entities_json(db)
    assert "Ahmed Al-Mismari" not in named(ents, "Khalifa Haftar")["aliases"]
    assert named(ents, "Ahmed Al-Mismari")
    view = json.loads(run_cli("show", "--entity", "Haftar", "--json", db=db).stdout)
    by = {e["claim"]["source_entity"] for d in view["documents"] for e in d["by"]}
    assert "Ahmed Al-Mismari" not in by


def test_show_follows_the_authors_identification(seeded_db):
    view = json.loads(run_cli("show", "--entity", "Abu Abdullah Sadik", "--json",
                              db=seeded_db).stdout)
    assert view["entity"]["name"] == "Abdelhakim Belhadj"
    items = [e for d in view["documents"] for e in d["by"] + d["about"]]
    assert any(e["claim"]["source_entity"] == "Abdelhakim Belhadj" for e in items)  # "he himself"
    assert all("author identifies Abu Abdullah Sadik as Abdelhakim Belhadj" in e["via"]
               for e in items)
    # asked by his own name, only the New York Times passage rests on the author's word
    view = json.loads(run_cli("show", "--entity", "Belhadj", "--json", db=seeded_db).stdout)
    items = [e for d in view["documents"] for e in d["by"] + d["about"]]
    vias = [e for e in items if e["via"]]
    assert vias and all(e["claim"]["source_entity"] == "New York Times" for e in vias)
    table = run_cli("show", "--entity", "Belhadj", db=seeded_db)
    assert "(via an" in table.stdout  # "(via an author identification: ...)", wrapped


def test_split_an_authors_identification(db):
    result = run_cli("entities", "split", "Abdelhakim Belhadj", "Abu Abdullah Sadik", db=db)
    assert result.exit_code == 0, result.stderr
    ents = entities_json(db)
    assert "Abu Abdullah Sadik" not in named(ents, "Abdelhakim Belhadj")["aliases"]
    assert named(ents, "Abu Abdullah Sadik")["claims_by"] == 0


def test_unknown_names_fail_with_a_hint(db):
    result = run_cli("entities", "merge", "Khalifa Haftar", "Nobody Atall", db=db)
    assert result.exit_code == 1
    assert "Nobody Atall" in result.stderr and "claimtrack entities" in result.stderr
    assert decisions(db) == 0


def test_anonymous_sources_never_merge_across_outlets(tmp_path):
    a = tmp_path / "outlet-a.txt"
    b = tmp_path / "outlet-b.txt"
    a.write_text("An unnamed official said the ceasefire had collapsed on Tuesday.\n")
    b.write_text("An unnamed official said the talks in Geneva would resume next week.\n")
    db = tmp_path / "t.db"
    assert run_cli("add", str(a), str(b), db=db).exit_code == 0
    anon = [e for e in entities_json(db) if "unnamed official" in e["name"].casefold()]
    assert [(e["documents"], e["anonymous"]) for e in anon] == [(1, True), (1, True)]


def test_report_shows_headline_vs_body(seeded_db):
    md = run_cli("report", "--doc", HAFTAR.stem, db=seeded_db)
    assert md.exit_code == 0, md.stderr
    assert "Headline vs body:" in md.stdout
    line = next(x for x in md.stdout.splitlines() if "Headline vs body" in x)
    assert "Pro-Russian Commander (Khalifa Haftar)" in line
    assert "Ahmed Al-Mismari" in line and "via Libya Observer" in line
    data = json.loads(run_cli("report", "--doc", HAFTAR.stem, "--format", "json",
                              db=seeded_db).stdout)
    (doc,) = data["documents"]
    note = doc["headline_vs_body"]
    assert note["headline_entity"] == "Khalifa Haftar"
    assert note["body_speakers"][0].startswith("Ahmed Al-Mismari")
    assert note["via"] == ["Libya Observer"]
    html = run_cli("report", "--doc", HAFTAR.stem, "--format", "html", db=seeded_db).stdout
    assert 'class="headline-vs-body"' in html and "Pro-Russian Commander" in html


def test_report_states_the_identification_as_the_authors(seeded_db):
    data = json.loads(run_cli("report", "--doc", BELHADJ.stem, "--format", "json",
                              db=seeded_db).stdout)
    (doc,) = data["documents"]
    assert doc["headline_vs_body"] is None  # the headline credits no one
    notes = [n for rc in doc["claims"] for n in rc["notes"]]
    assert any(n.startswith("author identifies Abu Abdullah Sadik as Abdelhakim Belhadj")
               and "not the words of New York Times" in n for n in notes)
    md = run_cli("report", "--doc", BELHADJ.stem, db=seeded_db).stdout
    assert "Note: author identifies Abu Abdullah Sadik as Abdelhakim Belhadj" in md
    assert "New York Times identifies" not in md


def test_decisions_survive_re_adding_a_document(db):
    assert run_cli("entities", "merge", "Khalifa Haftar", "Ahmed Al-Mismari", db=db).exit_code == 0
    conn = open_db(db).conn
    (doc_id,) = conn.execute("SELECT id FROM documents WHERE origin LIKE '%haftar%'").fetchone()
    with conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
    conn.close()
    assert not any(e["name"] == "Ahmed Al-Mismari" for e in entities_json(db))
    assert run_cli("add", str(HAFTAR), db=db).exit_code == 0
    merged = named(entities_json(db), "Khalifa Haftar")
    assert "Ahmed Al-Mismari" in merged["aliases"]


def test_a_document_with_an_honorific_alone_reads_like_any_other(tmp_path):
    # "MR." alone (a real article's "MR. O'NEILL" in capitals) broke every read (issue 9)
    doc = tmp_path / "mr.txt"
    doc.write_text("MR. O'NEILL said the plan \"is dead.\"\n\nCrisis. \u201cMR.\n")
    db = tmp_path / "claimtrack.db"
    assert run_cli("add", str(doc), db=db).exit_code == 0
    found = json.loads(run_cli("claims", "--json", db=db).stdout)
    assert [c["source"]["text"] for c in found] == ["MR. O'NEILL"]
    for command in (["claims"], ["flags"], ["sources"], ["entities"], ["report"],
                    ["show", "--entity", "O'Neill"]):
        result = run_cli(*command, db=db)
        assert result.exit_code == 0, (command, result.stderr)
        assert "O'NEILL" in result.stdout, command


@pytest.mark.parametrize("name", ["%", "_", "Nobody Atall"])
def test_claims_and_show_agree_on_a_name_nothing_answers_to(db, name):
    # `claims --entity '%'` listed nothing with exit 0 where `show` failed (issue 9)
    for command in ("claims", "show", "report"):
        result = run_cli(command, "--entity", name, db=db)
        assert result.exit_code == 1, command
        assert result.stderr == (f"error: no claim by or about '{name}' — "
                                 "run `claimtrack claims` to see who is quoted\n"), command
        assert result.stdout == ""
    kept = run_cli("claims", "--entity", "Belhadj", "--kind", "direct", "--json", db=db)
    assert kept.exit_code == 0  # filters past a name that answers may leave nothing


def _reference_roles(db, name):
    """The roles as reads decided them before they read only candidates: every claim
    of the database through both matchers."""
    from claimtrack import entityselect, queries
    from claimtrack.entities import EntityMatcher

    every = queries.read(db)
    m, g = entityselect._Matcher(db, name, every), EntityMatcher(db, name)
    out = []
    for c in every:
        if m.by(c) or g.by(c):
            out.append((c.id, c.doc_id, "by"))
        elif m.about(c) or g.about(c):
            out.append((c.id, c.doc_id, "about"))
    return out


def test_entity_selection_reads_candidates_and_finds_what_a_full_scan_finds(seeded_db,
                                                                            tmp_path):
    """The claims by or about a name, found from the SQL candidates, are those the
    matchers find over every claim, for every name and surname the seeds hold, with a
    merge and a split replayed."""
    from claimtrack import entities, entityselect
    from claimtrack.entities import reads
    from claimtrack.store.db import open_db

    db_path = tmp_path / "copy.db"
    copy_database(seeded_db, db_path)
    db = open_db(db_path)
    names = {n.surface for n in reads._build(db, ()).nodes.values()}
    names |= {n.split()[-1] for n in names} | {"al qaeda", "AL-QAEDA", "Belhadj's"}
    for decisions in ((), (("merge", "Libya", "Tripoli"),
                           ("split", "Belhadj", "Abu Abdullah Sadik"))):
        for action, a, b in decisions:
            entities.decide(db, action, a, b)
        for name in sorted(names):
            if not name.strip():
                continue
            reads._GRAPHS.clear()
            want = _reference_roles(db, name)
            reads._GRAPHS.clear()
            assert entityselect.entity_selection(db, name)[1] == want, name


def test_show_pages_its_claims_and_says_how_many_there_are(seeded_db):
    whole = json.loads(run_cli("show", "--entity", "Belhadj", "--json", db=seeded_db).stdout)
    rows = [(d["id"], role, e["claim"]["id"]) for d in whole["documents"]
            for role in ("by", "about") for e in d[role]]
    assert whole["total_claims"] == len(rows) >= 4 and whole["offset"] == 0
    paged = []
    for offset in range(0, len(rows), 3):
        view = json.loads(run_cli("show", "--entity", "Belhadj", "--json", "--limit", "3",
                                  "--offset", str(offset), db=seeded_db).stdout)
        assert view["total_claims"] == len(rows) and view["offset"] == offset
        paged += [(d["id"], role, e["claim"]["id"]) for d in view["documents"]
                  for role in ("by", "about") for e in d[role]]
    assert paged == rows
    table = run_cli("show", "--entity", "Belhadj", "--limit", "2", db=seeded_db)
    assert table.exit_code == 0
    assert f"showing 1-2 of {len(rows)} claims" in table.stderr and "--offset 2" in table.stderr
    assert f"{len(rows)} claims in" in table.stdout
    assert "showing" not in run_cli("show", "--entity", "Belhadj", db=seeded_db).stderr


def test_report_pages_the_claims_of_an_entity(seeded_db):
    whole = run_cli("report", "--entity", "Belhadj", "--format", "json", db=seeded_db)
    claims = [c["claim"]["id"] for d in json.loads(whole.stdout)["documents"]
              for c in d["claims"]]
    page = run_cli("report", "--entity", "Belhadj", "--format", "json", "--limit", "2",
                   "--offset", "1", db=seeded_db)
    assert page.exit_code == 0, page.stderr
    assert [c["claim"]["id"] for d in json.loads(page.stdout)["documents"]
            for c in d["claims"]] == claims[1:3]
    assert f"claims 2-3 of {len(claims)}" in page.stderr
    assert run_cli("report", "--limit", "2", db=seeded_db).exit_code == 2
