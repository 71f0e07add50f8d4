"""The word indexes of migration 10 (claim_words, person_words): kept in step with claims
and mentions by triggers, and finding every claim a name's whole-word pattern finds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import SEEDS, run_cli

from claimtrack.store import readback
from claimtrack.store.db import open_db
from claimtrack.text.names import name_pattern

NEEDLES = ["belhadj", "qaeda", "libya", "mismari", "tripoli", "o'brien", "sadik", "haftar"]


@pytest.fixture()
def db(tmp_path) -> Path:
    path = tmp_path / "claimtrack.db"
    assert run_cli("add", str(SEEDS), db=path).exit_code == 0
    return path


def in_step(path: Path) -> None:
    """Every claim and every PERSON mention is indexed once, with its own words."""
    with sqlite3.connect(path) as conn:
        claims = sorted(conn.execute(
            "SELECT id, source_entity, source_text, content_text FROM claims"))
        indexed = sorted(conn.execute(
            "SELECT m.claim_id, w.source_entity, w.source_text, w.content_text "
            "FROM claim_words w JOIN claim_words_map m ON m.word_row = w.rowid"))
        assert indexed == claims
        assert conn.execute("SELECT count(*) FROM claim_words").fetchone()[0] == len(claims)
        people = sorted(conn.execute(
            "SELECT doc_id, seq, text FROM mentions WHERE label = 'PERSON'"))
        found = sorted(conn.execute(
            "SELECT m.doc_id, m.seq, w.text FROM person_words w "
            "JOIN person_words_map m ON m.word_row = w.rowid"))
        assert found == people


def by_pattern(path: Path, needle: str) -> set[str]:
    pat = name_pattern(needle)
    with sqlite3.connect(path) as conn:
        return {cid for cid, *texts in conn.execute(
            "SELECT id, source_entity, source_text, content_text FROM claims "
            "WHERE rule IS NOT 'author'") if any(t and pat.search(t) for t in texts)}


def test_the_index_follows_add_rm_reextract_and_vacuum(db):
    in_step(db)
    doc = sqlite3.connect(db).execute("SELECT id FROM documents LIMIT 1").fetchone()[0]
    assert run_cli("reextract", "--doc", doc, "--extractor", "rules", db=db).exit_code == 0
    in_step(db)
    assert run_cli("rm", doc, db=db).exit_code == 0
    in_step(db)
    with sqlite3.connect(db) as conn:
        conn.execute("VACUUM")  # may renumber claims' rowids: the index does not use them
    in_step(db)
    assert run_cli("add", str(SEEDS), db=db).exit_code == 0
    in_step(db)


@pytest.mark.parametrize("needle", NEEDLES)
def test_candidates_hold_every_whole_word_match(db, needle):
    """What the readers decide with name_pattern (whole words) is among the candidates
    the index returns, as it was among LIKE's."""
    handle = open_db(db)
    try:
        got = {r[0] for r in readback.entity_candidates(handle, [needle])}
    finally:
        handle.close()
    assert by_pattern(db, needle) <= got


def test_person_mentions_by_word(db):
    handle = open_db(db)
    try:
        rows = readback.person_mentions_like(handle, "belhadj")
    finally:
        handle.close()
    with sqlite3.connect(db) as conn:
        want = sorted(conn.execute("SELECT doc_id, text FROM mentions WHERE label = 'PERSON' "
                                   "AND text LIKE '%belhadj%'"))
    assert rows and sorted(rows) == want
