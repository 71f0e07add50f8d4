"""open_db: creates, migrates, refuses files it must not touch."""

from __future__ import annotations

import os
import sqlite3

import pytest

from claimtrack.errors import DatabaseError
from claimtrack.store.db import open_db
from claimtrack.store.migrations import LATEST, current_version

pytestmark = pytest.mark.model_free


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
    monkeypatch.setattr("claimtrack.store.db.BUSY_TIMEOUT", 0.1)
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


def test_wal_mode_and_normal_sync(tmp_path):
    db = open_db(tmp_path / "w.db")
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_an_older_rollback_journal_database_becomes_wal(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 0")
    conn.close()
    open_db(path).conn.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_busy_timeout_from_environment(monkeypatch):
    from claimtrack.store.db import busy_timeout

    monkeypatch.delenv("CLAIMTRACK_BUSY_TIMEOUT", raising=False)
    assert busy_timeout() == 60.0
    monkeypatch.setenv("CLAIMTRACK_BUSY_TIMEOUT", "2.5")
    assert busy_timeout() == 2.5
    monkeypatch.setenv("CLAIMTRACK_BUSY_TIMEOUT", "soon")
    with pytest.raises(DatabaseError, match="not a number of seconds"):
        busy_timeout()


def test_lock_holder_is_named_only_when_the_os_knows(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from claimtrack.store.db import lock_holder

    if not Path("/proc/locks").exists():
        pytest.skip("no /proc/locks here")
    path = tmp_path / "held.db"
    open_db(path).conn.close()
    assert lock_holder(path) is None
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(path)!r}); c.execute('BEGIN IMMEDIATE')\n"
         "print('held', flush=True); sys.stdin.readline()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert lock_holder(path) == holder.pid
        from claimtrack.store.db import _holder_text
        said = _holder_text(path)
        assert said.startswith(f"process {holder.pid} (") and "\n" not in said
    finally:
        holder.communicate("\n", timeout=10)
    assert lock_holder(path) is None


# -- read-only: tests run as root, where permission bits stop nothing, so the
# read-only path is also forced directly.


def _stored_db(path):
    db = open_db(path)
    db.conn.execute(
        "INSERT INTO documents (id, sha256, origin, format, added, extractor, text) "
        "VALUES ('a', 'a', 'o', 'text', '2026-01-01T00:00:00', 'e', 't')"
    )
    db.conn.commit()
    db.conn.close()


def test_readonly_open_reads_and_never_writes(tmp_path):
    path = tmp_path / "ro.db"
    _stored_db(path)
    db = open_db(path, readonly=True)
    assert db.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    with pytest.raises(sqlite3.OperationalError, match="readonly|read-only|query_only"):
        db.conn.execute("DELETE FROM documents")


def test_unwritable_database_is_opened_read_only_for_reading(tmp_path, monkeypatch):
    path = tmp_path / "ro.db"
    _stored_db(path)
    monkeypatch.setattr("claimtrack.store.db._writable", lambda p: False)
    db = open_db(path, create=False)
    assert db.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert db.conn.execute("PRAGMA query_only").fetchone()[0] == 1
    with pytest.raises(DatabaseError, match="is read-only .*reading commands still work"):
        open_db(path)  # adding needs to write: one line, before any work


def test_readonly_older_schema_is_not_migrated(tmp_path):
    path = tmp_path / "old.db"
    _stored_db(path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST - 1}")
    with pytest.raises(DatabaseError, match="read-only and has an older schema"):
        open_db(path, readonly=True)
    with sqlite3.connect(path) as conn:
        assert current_version(conn) == LATEST - 1


def test_wal_database_in_a_folder_without_shm_opens_immutable(tmp_path):
    from claimtrack.store.db import _connect_ro

    path = tmp_path / "ro.db"
    _stored_db(path)
    conn = _connect_ro(path, immutable=True)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes whatever the mode bits say")
def test_read_only_file_in_read_only_folder_can_be_listed(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "ro.db"
    _stored_db(path)
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        db = open_db(path, create=False)
        assert db.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    finally:
        folder.chmod(0o755)


# --- batches: several documents in one write transaction, each whole or not at all ---

def _batch_db(path):
    from claimtrack.store.db import open_db

    db = open_db(path)
    db.conn.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
    return db


def _stored(path) -> list[int]:
    with sqlite3.connect(path) as other:
        return [x for (x,) in other.execute("SELECT x FROM t ORDER BY x")]


def test_a_batch_commits_its_documents_together(tmp_path):
    from claimtrack.store.db import atomic, batch

    path = tmp_path / "b.db"
    db = _batch_db(path)
    with batch(db.conn, max_docs=3, max_seconds=60) as b:
        for x in range(5):
            with atomic(db.conn, "could not store"):
                db.conn.execute("INSERT INTO t VALUES (?)", (x,))
            assert _stored(path) == ([0, 1, 2] if x >= 3 else [])  # not yet committed
            if b.due():
                b.commit()
        assert b.docs == 2
    assert _stored(path) == [0, 1, 2, 3, 4] and b.lost is None


def test_a_failing_document_rolls_back_alone_and_the_batch_goes_on(tmp_path):
    from claimtrack.store.db import atomic, batch

    path = tmp_path / "b.db"
    db = _batch_db(path)
    with batch(db.conn) as b:
        with atomic(db.conn, "could not store"):
            db.conn.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(DatabaseError, match="could not store 2"), \
                atomic(db.conn, "could not store 2"):
            db.conn.execute("INSERT INTO t VALUES (2)")
            db.conn.execute("INSERT INTO t VALUES (1)")  # a constraint fails: 2 goes too
        with pytest.raises(KeyError), atomic(db.conn, "could not store 3"):
            db.conn.execute("INSERT INTO t VALUES (3)")
            raise KeyError("a bug")
        with atomic(db.conn, "could not store"):
            db.conn.execute("INSERT INTO t VALUES (4)")
        assert b.docs == 2
    assert _stored(path) == [1, 4] and b.lost is None


def test_a_batch_is_committed_when_its_block_raises(tmp_path):
    from claimtrack.store.db import atomic, batch

    path = tmp_path / "b.db"
    db = _batch_db(path)
    with pytest.raises(KeyboardInterrupt), batch(db.conn, max_docs=100):
        with atomic(db.conn, "could not store"):
            db.conn.execute("INSERT INTO t VALUES (1)")
        raise KeyboardInterrupt
    assert _stored(path) == [1]


def test_a_batch_rolled_back_whole_says_so(tmp_path):
    """SQLite rolls the whole transaction back on some errors (a full disk): the
    documents of the open batch are then lost, and the batch says why."""
    from claimtrack.store.db import atomic, batch

    path = tmp_path / "b.db"
    db = _batch_db(path)
    with batch(db.conn, max_docs=100) as b:
        with atomic(db.conn, "could not store"):
            db.conn.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(DatabaseError), atomic(db.conn, "could not store 2"):
            db.conn.execute("ROLLBACK")  # what SQLITE_FULL does to the transaction
            raise sqlite3.OperationalError("database or disk is full")
        assert b.lost and b.docs == 0
        with atomic(db.conn, "could not store"):  # the next document starts a new batch
            db.conn.execute("INSERT INTO t VALUES (3)")
    assert _stored(path) == [3]


def test_another_writer_waits_for_a_batch_and_then_writes(tmp_path, monkeypatch):
    from claimtrack.store.db import atomic, batch, open_db

    monkeypatch.setenv("CLAIMTRACK_BUSY_TIMEOUT", "0.2")
    path = tmp_path / "b.db"
    db = _batch_db(path)
    other = open_db(path)
    with batch(db.conn, max_docs=100):
        with atomic(db.conn, "could not store"):
            db.conn.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(DatabaseError, match="locked"), atomic(other.conn, "other"):
            pass  # the write lock is the batch's until it commits
    with atomic(other.conn, "other"):
        other.conn.execute("INSERT INTO t VALUES (2)")
    assert _stored(path) == [1, 2]


def test_batch_size_from_environment(tmp_path, monkeypatch):
    from claimtrack.store.db import batch

    db = _batch_db(tmp_path / "b.db")
    monkeypatch.setenv("CLAIMTRACK_BATCH", "1")
    with batch(db.conn) as b:
        assert b.max_docs == 1
    for bad in ("0", "many"):
        monkeypatch.setenv("CLAIMTRACK_BATCH", bad)
        with pytest.raises(DatabaseError, match="CLAIMTRACK_BATCH=.* is not a number of documents"):
            batch(db.conn).__enter__()
