"""open_db: creates, migrates, refuses files it must not touch."""

from __future__ import annotations

import sqlite3

import pytest

from claimtrack.db import open_db
from claimtrack.errors import DatabaseError
from claimtrack.migrations import LATEST, current_version


def test_creates_and_migrates(tmp_path):
    db = open_db(tmp_path / "new.db")
    assert current_version(db.conn) == LATEST
    assert {"documents", "links", "mentions", "claims"} <= set(db.table_names())
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_creates_missing_parent_folder(tmp_path):
    db = open_db(tmp_path / "a" / "b" / "c.db")
    assert current_version(db.conn) == LATEST


def test_reopen_is_idempotent(tmp_path):
    path = tmp_path / "x.db"
    db = open_db(path)
    db.conn.execute(
        "INSERT INTO documents (id, sha256, origin, format, added, extractor, text) "
        "VALUES ('a', 'a', 'o', 'text', '2026-01-01T00:00:00', 'e', 't')"
    )
    db.conn.commit()
    db.conn.close()
    again = open_db(path)
    assert current_version(again.conn) == LATEST
    assert again.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_foreign_keys_enforced(tmp_path):
    db = open_db(tmp_path / "x.db")
    with pytest.raises(sqlite3.IntegrityError):
        db.conn.execute(
            'INSERT INTO links (doc_id, seq, start, "end", text, target, missing) '
            "VALUES ('nope', 0, 0, 1, 'x', 'y', 0)"
        )


def test_not_sqlite(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some notes, definitely not a database\n" * 20)
    with pytest.raises(DatabaseError, match="is not a claimtrack database \\(not SQLite\\)"):
        open_db(path)
    assert path.read_text().startswith("just some notes")  # untouched


def test_other_programs_sqlite_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="another program"):
        open_db(path)


def test_newer_version_is_refused(tmp_path):
    path = tmp_path / "future.db"
    open_db(path).conn.close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 3}")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match=f"schema version {LATEST + 3} > known {LATEST}"):
        open_db(path)
    with pytest.raises(DatabaseError, match="upgrade claimtrack"):
        open_db(path)


def test_directory_is_refused(tmp_path):
    with pytest.raises(DatabaseError, match="is a directory"):
        open_db(tmp_path)


def test_locked_database(tmp_path, monkeypatch):
    monkeypatch.setattr("claimtrack.db.BUSY_TIMEOUT", 0.1)
    path = tmp_path / "busy.db"
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError, match="locked"):
            open_db(path)
    finally:
        holder.rollback()
        holder.close()


def test_empty_file_becomes_a_database(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    assert current_version(open_db(path).conn) == LATEST


def test_tiny_non_sqlite_file(tmp_path):
    path = tmp_path / "tiny.db"
    path.write_bytes(b"hi\n")
    with pytest.raises(DatabaseError, match="not SQLite"):
        open_db(path)
    assert path.read_bytes() == b"hi\n"
