"""api.add: each document is its own unit; outcomes stream; concurrent readers
and writers wait or pass, never cost a batch; Ctrl-C keeps what was stored."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from claimtrack import api
from claimtrack.errors import DocumentError, ExtractError, InputError, Interrupted
from claimtrack.store import db as dbmod
from claimtrack.store import documents as store


def write_docs(tmp_path, n: int) -> list[str]:
    paths = []
    for i in range(n):
        p = tmp_path / f"doc{i}.txt"
        p.write_text(f"Report {i}.\n\nThe mayor of town {i} said that taxes will rise by {i} "
                     "percent next year.\n", encoding="utf-8")
        paths.append(str(p))
    return paths


def stored(db_path) -> list[str]:
    return sorted(d.origin for d in store.list_documents(dbmod.open_db(db_path, readonly=True)))


def test_a_bug_in_one_document_fails_it_alone(tmp_path, monkeypatch):
    paths = write_docs(tmp_path, 3)
    real = store.add_document

    def buggy(db, parsed, *args, **kw):
        if parsed.origin.endswith("doc1.txt"):
            raise RuntimeError("boom")
        return real(db, parsed, *args, **kw)

    monkeypatch.setattr(store, "add_document", buggy)
    events = []
    result = api.add(tmp_path / "t.db", paths, on_event=events.append)
    assert [d.origin for d in result.added] == [paths[0], paths[2]]
    [failure] = result.failures
    assert isinstance(failure, DocumentError) and failure.path == paths[1]
    assert "internal error while storing (RuntimeError: boom)" in str(failure)
    assert "\n" not in str(failure)
    # streamed in processing order: the first document's line comes before the failure
    assert [e.kind for e in events] == ["added", "failed", "added"]
    assert stored(tmp_path / "t.db") == [paths[0], paths[2]]


def test_an_extraction_failure_fails_that_document(tmp_path, monkeypatch):
    import claimtrack.extract as extract

    paths = write_docs(tmp_path, 3)
    real = extract.extract_texts

    def dying(texts, **kw):
        for i, out in enumerate(real(texts, **kw)):
            yield ExtractError("its parser worker died (signal 9)") if i == 1 else out

    monkeypatch.setattr(extract, "extract_texts", dying)
    result = api.add(tmp_path / "t.db", paths)
    assert len(result.added) == 2
    assert [str(f) for f in result.failures] == [f"{paths[1]}: its parser worker died (signal 9)"]


def test_stored_by_another_process_meanwhile_is_unchanged(tmp_path, monkeypatch):
    paths = write_docs(tmp_path, 3)
    db_path = tmp_path / "t.db"
    real = store.find_by_sha
    raced = []

    def race(db, sha256):
        found = real(db, sha256)
        if found is None and not raced and sha256 == sha_of(paths[1]):
            # another `add` stores doc1 between our check and our write
            raced.append(True)
            assert api.add(db_path, [paths[1]]).added
        return found

    monkeypatch.setattr(store, "find_by_sha", race)
    result = api.add(db_path, paths)
    assert raced and result.failures == []
    assert [d.origin for d in result.added] == [paths[0], paths[2]]
    assert [o for o, _ in result.unchanged] == [paths[1]]
    assert stored(db_path) == sorted(paths)


def sha_of(path: str) -> str:
    import hashlib

    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_nothing_to_add_creates_no_database(tmp_path):
    (tmp_path / "empty").mkdir()
    db_path = tmp_path / "t.db"
    result = api.add(db_path, [str(tmp_path / "missing.txt"), str(tmp_path / "empty")])
    assert len(result.failures) == 2 and all(isinstance(f, InputError) for f in result.failures)
    assert not db_path.exists()


def test_ctrl_c_keeps_what_was_stored(tmp_path, monkeypatch):
    paths = write_docs(tmp_path, 4)
    real = store.add_document
    calls = []

    def interrupted(db, parsed, *args, **kw):
        calls.append(parsed.origin)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(db, parsed, *args, **kw)

    monkeypatch.setattr(store, "add_document", interrupted)
    with pytest.raises(Interrupted) as info:
        api.add(tmp_path / "t.db", paths)
    assert [d.origin for d in info.value.result.added] == [paths[0]]
    assert info.value.not_processed == 3
    assert str(info.value) == "interrupted: 1 stored, 3 not processed"
    assert stored(tmp_path / "t.db") == [paths[0]]


def test_disk_full_fails_the_document_and_keeps_the_rest(tmp_path, monkeypatch):
    db_path = tmp_path / "t.db"
    first = write_docs(tmp_path, 1)
    api.add(db_path, first)
    big = tmp_path / "big.txt"
    # bigger than a page (4 KB): it needs new pages, which max_page_count refuses
    big.write_text("The mayor said that taxes will rise. " * 200, encoding="utf-8")
    real_open = dbmod.open_db

    def full(path, *args, **kw):
        db = real_open(path, *args, **kw)
        (pages,) = db.conn.execute("PRAGMA page_count").fetchone()
        db.conn.execute(f"PRAGMA max_page_count = {pages}")  # as if the disk were full
        return db

    monkeypatch.setattr(dbmod, "open_db", full)
    result = api.add(db_path, [str(big)])
    [failure] = result.failures
    assert str(failure).startswith(f"{big}: disk full while storing (")
    assert "free space and rerun (stored documents are kept)" in str(failure)
    monkeypatch.setattr(dbmod, "open_db", real_open)
    assert stored(db_path) == first
    assert dbmod.open_db(db_path).conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_reader_holding_a_transaction_does_not_block_add(tmp_path):
    db_path = tmp_path / "t.db"
    paths = write_docs(tmp_path, 4)
    api.add(db_path, paths[:1])
    reader = sqlite3.connect(db_path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM documents").fetchone()  # holds a read snapshot
    try:
        result = api.add(db_path, paths)
    finally:
        reader.rollback()
        reader.close()
    assert result.failures == [] and len(result.added) == 3
    assert stored(db_path) == sorted(paths)


def test_a_writer_holding_the_lock_makes_add_wait(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMTRACK_BUSY_TIMEOUT", "20")
    db_path = tmp_path / "t.db"
    paths = write_docs(tmp_path, 3)
    api.add(db_path, paths[:1])
    holder = sqlite3.connect(db_path, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release():
        time.sleep(1.5)
        holder.rollback()
        released.set()

    threading.Thread(target=release, daemon=True).start()
    try:
        result = api.add(db_path, paths)
    finally:
        released.wait(5)
        holder.close()
    assert result.failures == [] and len(result.added) == 2


def test_a_lock_held_past_the_timeout_fails_each_document_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMTRACK_BUSY_TIMEOUT", "0.3")
    db_path = tmp_path / "t.db"
    paths = write_docs(tmp_path, 2)
    dbmod.open_db(db_path).conn.close()
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = api.add(db_path, paths)
    finally:
        holder.rollback()
        holder.close()
    assert [f.path for f in result.failures] == paths
    for f in result.failures:
        assert "stayed locked for 0.3 s" in str(f) and "nothing was written" in str(f)
        assert "CLAIMTRACK_BUSY_TIMEOUT" in str(f) and "\n" not in str(f)
    assert api.add(db_path, paths).failures == []  # the lock gone, a rerun adds them


def test_documents_are_committed_in_batches_and_told_once_committed(tmp_path, monkeypatch):
    monkeypatch.setattr(dbmod, "BATCH_DOCS", 2)
    monkeypatch.setattr(dbmod, "BATCH_SECONDS", 60.0)
    db_path = tmp_path / "t.db"
    paths = write_docs(tmp_path, 5)
    api.add(db_path, paths[:1])
    seen = []

    def told(event):
        if event.kind == "added":  # durable when told: another connection sees it
            with sqlite3.connect(db_path) as other:
                seen.append(sorted(o for (o,) in other.execute("SELECT origin FROM documents")))

    result = api.add(db_path, paths, on_event=told)
    assert [d.origin for d in result.added] == paths[1:] and result.failures == []
    # two documents a commit: both are visible when the first of them is told
    assert seen == [paths[:3], paths[:3], paths[:5], paths[:5]]


def test_a_batch_lost_whole_fails_its_documents_and_a_rerun_stores_them(tmp_path, monkeypatch):
    monkeypatch.setattr(dbmod, "BATCH_DOCS", 10)
    db_path = tmp_path / "t.db"
    paths = write_docs(tmp_path, 4)
    real = store.add_document

    def full_disk(db, parsed, *args, **kw):
        if parsed.origin == paths[2]:  # SQLite rolls the whole transaction back
            with dbmod.atomic(db.conn, f"could not store {parsed.origin}"):
                db.conn.execute("ROLLBACK")
                raise sqlite3.OperationalError("database or disk is full")
        return real(db, parsed, *args, **kw)

    monkeypatch.setattr(store, "add_document", full_disk)
    result = api.add(db_path, paths)
    assert [d.origin for d in result.added] == [paths[3]]
    assert [f.path for f in result.failures] == paths[:3]
    for f in result.failures[:2]:
        assert "rolled back with the batch it was stored in; it is not stored: rerun" in str(f)
    assert stored(db_path) == [paths[3]]
    monkeypatch.setattr(store, "add_document", real)
    assert len(api.add(db_path, paths).added) == 3 and stored(db_path) == sorted(paths)
