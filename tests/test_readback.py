"""No single stored record breaks a read: a damaged row is left out, named in one
`warning:` line on stderr, and every read command still answers (issue 9)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import warnings
from pathlib import Path

import pytest
from conftest import copy_database, run_cli

from claimtrack.store import readback
from claimtrack.store.db import open_db
from claimtrack.store.readback import SkippedRecord

# the read commands; each must survive every damaged row below
READS = [
    ["docs"],
    ["claims"],
    ["claims", "--json"],
    ["flags", "--csv"],
    ["sources"],
    ["sources", "tags"],
    ["entities"],
    ["show", "--entity", "Belhadj"],
    ["report"],
    ["report", "--format", "prov-xml"],
    ["diff", "belhadj-isis-libya-2015", "haftar-spokesman-al-qaeda"],
    ["diff", "--entity", "Haftar"],
    ["timeline", "--entity", "Haftar"],
]

# reads of the stored index and two documents' own rows: no alias row is read
READS_NO_ALIASES = {"diff", "timeline"}

# claim row (by position in the Haftar document) -> damage, and the warning it must give
DAMAGE = [
    ("flags = '{not json'", "unreadable flags JSON"),
    ("source_info = 'garbage'", "unreadable source_info JSON"),
    ("content_start = 99999, content_end = 99999", "content offsets [99999:99999] lie outside"),
    ("source_end = NULL", "source offsets"),
    ("content_text = 'words that are not there'", "content text does not match"),
    ("content_fragments = '[{\"start\": \"x\"}]'", "invalid start"),
]


@pytest.fixture(scope="module")
def damaged(seeded_db, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A copy of the seeded database with one row damaged per DAMAGE entry, and
    claim id -> the warning it must give."""
    path = tmp_path_factory.mktemp("damaged") / "claimtrack.db"
    copy_database(seeded_db, path)
    conn = sqlite3.connect(path)
    (doc,) = conn.execute("SELECT id FROM documents WHERE origin LIKE '%haftar%'").fetchone()
    ids = [r[0] for r in conn.execute("SELECT id FROM claims WHERE doc_id = ? ORDER BY seq",
                                      (doc,))]
    expected = {}
    for cid, (sql, why) in zip(ids, DAMAGE, strict=False):
        conn.execute(f"UPDATE claims SET {sql} WHERE id = ?", (cid,))
        expected[cid] = why
    conn.execute("UPDATE aliases SET start = 'x' WHERE rowid = (SELECT min(rowid) FROM aliases)")
    conn.commit()
    conn.close()
    return path, expected


@pytest.mark.parametrize("command", READS, ids=" ".join)
def test_every_read_skips_damaged_rows_with_a_warning(damaged, command):
    db, expected = damaged
    result = run_cli(*command, db=db)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    if command != ["docs"]:  # docs reads no claim
        for cid, why in expected.items():
            said = [x for x in lines if x.startswith(f"warning: skipped claim {cid}: ")]
            assert len(said) == 1, (cid, lines)  # named once, even where read twice
            assert why in said[0] and "reextract" in said[0]
        if command[0] not in READS_NO_ALIASES:
            assert any(x.startswith("warning: skipped alias ") for x in lines)
    assert result.stdout.strip()


def test_skipped_claims_are_absent_and_the_others_kept(damaged, seeded_db):
    db, expected = damaged
    ids = {c["id"] for c in json.loads(run_cli("claims", "--json", db=db).stdout)}
    every = {c["id"] for c in json.loads(run_cli("claims", "--json", db=seeded_db).stdout)}
    assert ids == every - set(expected)


def test_library_callers_get_python_warnings(damaged):
    db, expected = damaged
    handle = open_db(db, create=False)
    with pytest.warns(SkippedRecord) as caught:
        claims = readback.load_claims(handle)
    assert {c.id for c in claims}.isdisjoint(expected)
    assert len({str(w.message) for w in caught}) == len(expected)
    with warnings.catch_warnings():  # a caller who wants damage to stop the read can
        warnings.simplefilter("error", SkippedRecord)
        with pytest.raises(SkippedRecord, match="skipped claim"):
            readback.load_claims(handle)


def test_an_unreadable_document_row_is_skipped(seeded_db, tmp_path):
    db = tmp_path / "claimtrack.db"
    copy_database(seeded_db, db)
    with sqlite3.connect(db) as conn:
        (doc,) = conn.execute("SELECT id FROM documents ORDER BY added LIMIT 1").fetchone()
        conn.execute("UPDATE documents SET added = 'yesterday' WHERE id = ?", (doc,))
    result = run_cli("docs", "--json", db=db)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"warning: skipped document {doc}: ")
    assert doc not in {d["id"] for d in json.loads(result.stdout)}
    report = run_cli("report", db=db)
    assert report.exit_code == 0 and f"warning: skipped document {doc}" in report.stderr


def test_a_damaged_grade_log_row_is_skipped(seeded_db, tmp_path):
    db = tmp_path / "claimtrack.db"
    copy_database(seeded_db, db)
    assert run_cli("sources", "grade", "Belhadj", "B", "--why", "record", db=db).exit_code == 0
    assert run_cli("sources", "grade", "Haftar", "C", "--why", "record", db=db).exit_code == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE source_grades SET at = 'garbage' WHERE source = 'Belhadj'")
    for command in (["sources"], ["claims"], ["sources", "log"]):
        result = run_cli(*command, db=db)
        assert result.exit_code == 0, (command, result.stderr)
        assert "warning: skipped grade log entry 1" in result.stderr
    log = run_cli("sources", "log", "--json", db=db)
    assert [e["source"] for e in json.loads(log.stdout)] == ["Haftar"]


def test_reextract_repairs_what_the_warning_names(damaged, tmp_path):
    db = tmp_path / "claimtrack.db"
    shutil.copy(damaged[0], db)
    doc = next(iter(damaged[1])).split(":")[0]
    assert run_cli("reextract", "--doc", doc, db=db).exit_code == 0
    result = run_cli("claims", db=db)
    assert result.exit_code == 0 and "skipped claim" not in result.stderr
