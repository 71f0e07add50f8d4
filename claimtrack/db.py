"""Opening a claimtrack database: create or open, check it is ours, migrate."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from claimtrack.errors import DatabaseError
from claimtrack.migrations import LATEST, current_version, migrate

# Seconds to wait for another claimtrack process holding the write lock.
BUSY_TIMEOUT = 5.0


def _check_path(path: Path) -> None:
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory: give a database file path with --db")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseError(f"{path} cannot be read and written: check its permissions")
    if not path.exists() and not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise DatabaseError(
                f"cannot create folder {path.parent} for the database: {e.strerror}"
            ) from e


def _check_ours(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse SQLite files of other programs and of newer claimtrack releases."""
    version = current_version(conn)
    if version > LATEST:
        raise DatabaseError(
            f"{path} was written by a newer claimtrack (schema version {version} > known "
            f"{LATEST}): upgrade claimtrack"
        )
    if version == 0:
        (tables,) = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchone()
        if tables:
            # Migrating would write our tables into someone else's database.
            raise DatabaseError(
                f"{path} is an SQLite database of another program, not claimtrack's: "
                "choose another --db path"
            )


def open_db(path: str | Path, create: bool = True) -> sqlite_utils.Database:
    """Create or open the database at `path`, migrate it to the latest schema.

    With create=False (commands that only read) a missing file is an error,
    so a mistyped --db does not quietly answer "nothing stored".

    Foreign keys are enforced on the returned connection. Raises DatabaseError
    with a one-line, actionable message when the file cannot be used.
    """
    path = Path(path).expanduser()
    if not create and not path.exists():
        raise DatabaseError(
            f"no database at {path}: add documents first (`claimtrack add PATH --db {path}`) "
            "or point --db / CLAIMTRACK_DB at yours"
        )
    _check_path(path)
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT)
        conn.execute("PRAGMA foreign_keys = ON")
        _check_ours(conn, path)
        migrate(conn)
        return sqlite_utils.Database(conn)
    except DatabaseError:
        if conn is not None:
            conn.close()
        raise
    except sqlite3.DatabaseError as e:
        if conn is not None:
            conn.close()
        raise DatabaseError(_explain(path, e)) from e


def _explain(path: Path, e: sqlite3.DatabaseError) -> str:
    msg = str(e)
    if "not a database" in msg or "malformed" in msg or "encrypted" in msg:
        return f"{path} is not a claimtrack database (not SQLite): choose another --db path"
    if "locked" in msg or "busy" in msg:
        return f"{path} is locked by another process: wait for it to finish and retry"
    if "unable to open" in msg or "readonly" in msg or "disk I/O" in msg:
        return f"{path} cannot be opened for writing ({msg}): check the path and permissions"
    return f"{path}: database error ({msg})"


@contextmanager
def atomic(conn: sqlite3.Connection, failed: str) -> Iterator[None]:
    """One write transaction: all of it or nothing. SQLite errors become a
    DatabaseError starting with `failed` (the original stays as __cause__)."""
    if conn.in_transaction:  # never fold our writes into a caller's pending work
        conn.commit()
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
        conn.execute("COMMIT")
    except BaseException as e:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(e, sqlite3.Error):
            hint = " (another claimtrack is writing: retry)" if "locked" in str(e) else ""
            raise DatabaseError(f"{failed}: {e}{hint}; nothing was written") from e
        raise
