"""`claimtrack reextract`: the current extractor and flags on stored documents."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import BELHADJ, HAFTAR, claims_json, copy_database, run_cli

from claimtrack import api
from claimtrack.entities import stored_facts
from claimtrack.errors import NotFoundError
from claimtrack.store import db as dbmod
from claimtrack.store import documents as store
from claimtrack.store import readback


@pytest.fixture()
def db(seeded_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "claimtrack.db"
    copy_database(seeded_db, copy)
    return copy


def _age(db: Path, doc_id: str | None = None) -> None:
    """Make stored claims look like an older extractor's: v1 flags, no source types."""
    conn = sqlite3.connect(db)
    where, params = ("WHERE doc_id = ?", (doc_id,)) if doc_id else ("", ())
    conn.execute(
        "UPDATE claims SET source_info = NULL, extractor = 'old/0.1', flags = "
        "'[{\"code\": \"old_flag\", \"explanation\": \"x\", \"severity\": \"info\"}]' " + where,
        params,
    )
    conn.execute("UPDATE documents SET extractor = 'old/0.1' " + where.replace("doc_id", "id"),
                 params)
    conn.commit()
    conn.close()


def _user_tables(db: Path) -> tuple[list, list]:
    conn = sqlite3.connect(db)
    try:
        return (conn.execute("SELECT * FROM entity_decisions ORDER BY id").fetchall(),
                conn.execute("SELECT * FROM source_grades ORDER BY id").fetchall())
    finally:
        conn.close()


def _doc_id(db: Path, path: Path) -> str:
    return store.get_document(dbmod.open_db(db), path.name).id


def test_reextract_restores_current_flags_and_keeps_user_decisions(db: Path) -> None:
    fresh = claims_json(db)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO entity_decisions (action, a, b, who, at, why) VALUES "
                 "('merge', 'Haftar', 'Khalifa Haftar', 'me', '2026-01-01', 'same man')")
    conn.execute("INSERT INTO source_grades (source, grade, why, who, at, origin) VALUES "
                 "('Libya Observer', 'C', 'partisan', 'me', '2026-01-01', 'cli')")
    conn.commit()
    conn.close()
    before_user = _user_tables(db)
    aliases = readback.load_aliases(dbmod.open_db(db))
    _age(db)
    assert all(c["source_info"] is None for c in claims_json(db))

    result = run_cli("reextract", db=db)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # stdout is data; this command only talks
    assert "reextracted 2 documents" in result.stderr
    assert "was old/0.1" in result.stderr

    again = claims_json(db)
    assert [c["id"] for c in again] == [c["id"] for c in fresh]
    assert [c["flags"] for c in again] == [c["flags"] for c in fresh]
    assert all(c["source_info"] is not None for c in again)
    assert all(not c["extractor"].startswith("old/") for c in again)
    assert _user_tables(db) == before_user
    assert readback.load_aliases(dbmod.open_db(db)) == aliases  # re-found from the same text
    docs = api.documents(db)
    assert all(d.extractor != "old/0.1" for d in docs)


def test_reextract_one_document_leaves_the_other(db: Path) -> None:
    _age(db)
    haftar = _doc_id(db, HAFTAR)
    belhadj = _doc_id(db, BELHADJ)
    result = run_cli("reextract", "--doc", HAFTAR.name, db=db)
    assert result.exit_code == 0, result.stderr
    assert "reextracted 1 documents" in result.stderr
    by_doc: dict[str, list[dict]] = {}
    for c in claims_json(db):
        by_doc.setdefault(c["doc_id"], []).append(c)
    assert all(c["source_info"] for c in by_doc[haftar])
    assert all(c["flags"][0]["code"] == "old_flag" for c in by_doc[belhadj])


def test_unknown_document_is_one_line_and_changes_nothing(db: Path) -> None:
    before = claims_json(db)
    result = run_cli("reextract", "--doc", "nosuchdoc", db=db)
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "claimtrack docs" in result.stderr
    assert claims_json(db) == before


def test_api_progress_and_counts(db: Path) -> None:
    ticks: list[tuple[int, int]] = []
    done = api.reextract(db, progress=lambda d, t: ticks.append((d, t)))
    assert ticks[0] == (0, 2) and ticks[-1] == (2, 2)
    assert [r.after for r in done] == [r.before for r in done]
    with pytest.raises(NotFoundError):
        api.reextract(db, doc="zzzz-none")


def test_replace_extraction_is_all_or_nothing(db: Path) -> None:
    from claimtrack.extract import extract_text

    handle = dbmod.open_db(db)
    doc_id = _doc_id(db, HAFTAR)
    before = store.load_claims(handle, doc_id)
    mentions = store.get_mentions(handle, doc_id)
    extraction = extract_text(store.get_text(handle, doc_id))
    with pytest.raises(ValueError, match="flag lists"):
        store.replace_extraction(handle, doc_id, extraction, [[]],  # wrong length
                                 facts=stored_facts)
    assert store.load_claims(handle, doc_id) == before
    assert store.get_mentions(handle, doc_id) == mentions


def test_reextract_is_idempotent(db: Path) -> None:
    assert run_cli("reextract", db=db).exit_code == 0
    once = claims_json(db)
    assert run_cli("reextract", db=db).exit_code == 0
    assert claims_json(db) == once


def test_a_document_the_extractor_fails_on_keeps_its_claims(db: Path, monkeypatch) -> None:
    """extract_texts yields an ExtractError for it (issue 9): the other goes on."""
    import claimtrack.extract as ex

    _age(db)
    belhadj, haftar = _doc_id(db, BELHADJ), _doc_id(db, HAFTAR)
    before = [c for c in claims_json(db) if c["doc_id"] == belhadj]
    real = ex.find_attributions
    marker = store.get_text(dbmod.open_db(db), belhadj)[:40]

    def breaks(doc, *a, **k):
        if doc.text.startswith(marker):
            raise RuntimeError("rule broke")
        return real(doc, *a, **k)

    monkeypatch.setattr(ex, "find_attributions", breaks)
    done = {r.document.id: r for r in api.reextract(db)}
    assert done[belhadj].error == "the parser failed on this document (RuntimeError: rule broke)"
    assert done[belhadj].after == done[belhadj].before == len(before)
    assert done[haftar].error is None
    after = claims_json(db)
    assert [c for c in after if c["doc_id"] == belhadj] == before
    assert all(c["source_info"] for c in after if c["doc_id"] == haftar)


def test_json_is_the_reextracted_records(db: Path) -> None:
    _age(db)
    result = run_cli("reextract", "--json", db=db)
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert len(out) == 2 and {r["document"]["origin"] for r in out} == {str(BELHADJ), str(HAFTAR)}
    for r in out:
        assert r["previous_extractor"] == "old/0.1" and r["error"] is None
        assert r["after"] == r["document"]["claims"] > 0
    nl = run_cli("reextract", "--nl", db=db)
    rows = [json.loads(line) for line in nl.stdout.splitlines()]
    assert [r["document"]["id"] for r in rows] == [r["document"]["id"] for r in out]
    assert "reextracted 2 documents" in nl.stderr  # the talk stays on stderr
    table = run_cli("reextract", db=db)
    assert table.exit_code == 0 and table.stdout == ""
