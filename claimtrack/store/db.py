"""Opening a claimtrack database: create or open, check it is ours, migrate.

Databases are in WAL mode, so readers never block a writer (nor it them), and
writers take the write lock with BEGIN IMMEDIATE, retried with backoff for up
to busy_timeout() seconds before one document fails.
"""

from __future__ import annotations

import os
import sqlite3
import time
import urllib.parse
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from claimtrack.errors import DatabaseError
from claimtrack.store import postings
from claimtrack.store.migrations import LATEST, MIGRATIONS, current_version, migrate

# Seconds a write waits for another process holding the write lock before the
# document fails; CLAIMTRACK_BUSY_TIMEOUT overrides it. A minute covers a
# reader's long report or another `add` storing a large document.
BUSY_TIMEOUT = 60.0
BUSY_ENV = "CLAIMTRACK_BUSY_TIMEOUT"

# SQLite's lock bytes (os_unix.c, wal.c): who holds the write lock shows in
# /proc/locks as a POSIX write lock on these bytes.
_WAL_WRITE_LOCK = 120  # in the -shm file
_RESERVED_BYTE = 0x40000001  # in the database file (rollback journal)


def state(db: sqlite_utils.Database) -> tuple[int, int]:
    """What moves whenever the database's contents may have: data_version when another
    connection commits, total_changes when this one writes (a cache of what was read
    is good while it stays the same)."""
    conn = db.conn
    return postings.data_version(conn), conn.total_changes


# What reads keep per open database while its state (above) stays the same: one read
# asks for the same graphs and names more than once. Each caller has its own registry.
StateCache = weakref.WeakKeyDictionary[sqlite_utils.Database, tuple[tuple[int, int], dict]]


def per_state(db: sqlite_utils.Database, registry: StateCache) -> dict:
    """The dict `registry` keeps for this database's current state: an empty one once
    the state has moved."""
    stamp = state(db)
    hit = registry.get(db)
    if hit is None or hit[0] != stamp:
        hit = registry[db] = (stamp, {})
    return hit[1]


def busy_timeout() -> float:
    raw = os.environ.get(BUSY_ENV)
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            raise DatabaseError(
                f"{BUSY_ENV}={raw!r} is not a number of seconds: set it to e.g. 60"
            ) from None
    return BUSY_TIMEOUT


def _is_busy(e: sqlite3.Error) -> bool:
    msg = str(e)
    return "locked" in msg or "busy" in msg


def _is_full(e: sqlite3.Error) -> bool:
    return "disk is full" in str(e) or getattr(e, "sqlite_errorcode", None) == 13


def _writable(path: Path) -> bool:
    """Can this process write the database and its -wal/-shm files? (os.access,
    so a read-only filesystem counts; root passes any permission bits.)"""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK)


def lock_holder(path: str | Path) -> int | None:
    """The pid holding `path`'s write lock, when the OS says so (Linux
    /proc/locks); None when unknown, so callers never guess."""
    path = Path(path)
    try:
        locks = Path("/proc/locks").read_text()
    except OSError:
        return None
    targets = []
    for file, byte in ((Path(f"{path}-shm"), _WAL_WRITE_LOCK), (path, _RESERVED_BYTE)):
        try:
            targets.append((file.stat().st_ino, byte))
        except OSError:
            continue
    for line in locks.splitlines():
        parts = line.split()
        # "1: POSIX  ADVISORY  WRITE 4242 08:01:1234 120 120"
        if len(parts) < 8 or parts[1] != "POSIX" or parts[3] != "WRITE":
            continue
        try:
            pid, inode = int(parts[4]), int(parts[5].rsplit(":", 1)[1])
            start = int(parts[6])
            end = int(parts[7]) if parts[7] != "EOF" else 1 << 62
        except (ValueError, IndexError):
            continue
        if pid != os.getpid() and any(
            inode == ino and start <= byte <= end for ino, byte in targets
        ):
            return pid
    return None


def _holder_text(path: Path) -> str:
    pid = lock_holder(path)
    if pid is None:
        return "another process is writing"
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        raw = ""
    # one line, whatever the command line holds (newlines, escapes)
    cmd = " ".join("".join(c if c.isprintable() else " " for c in raw).split())
    return f"process {pid} ({cmd[:60]}) is writing" if cmd else f"process {pid} is writing"


def _check_path(path: Path, create: bool) -> None:
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory: give a database file path with --db")
    if path.exists() and not os.access(path, os.R_OK):
        raise DatabaseError(f"{path} cannot be read: check its permissions")
    if create and path.exists() and not _writable(path):
        raise DatabaseError(
            f"{path} is read-only (or its folder is): adding needs write access; "
            "reading commands still work"
        )
    if create and not path.exists() and not path.parent.exists():
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


def _database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """sqlite-utils' wrapper without its plugins: loading them scans every installed
    distribution's entry points (~30 ms on each command), and a plugin would add its
    SQL functions to our connection; claimtrack uses none."""
    return sqlite_utils.Database(conn, execute_plugins=False)


def _use_wal(conn: sqlite3.Connection, path: Path) -> None:
    """Switch to WAL once (it persists in the file). NORMAL sync is safe with
    WAL: a crash or SIGKILL loses no committed transaction, only power loss
    may drop the last ones, and never half of one."""
    (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
    if str(mode).lower() != "wal":
        (mode,) = conn.execute("PRAGMA journal_mode = WAL").fetchone()
    conn.execute("PRAGMA synchronous = NORMAL")


def _connect_ro(path: Path, immutable: bool = False) -> sqlite3.Connection:
    """A read-only connection: `mode=ro` never writes the file; `immutable=1`
    is for a WAL database in a folder we cannot write (no -shm can be made),
    where no writer can be at work either."""
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    if immutable:
        uri += "&immutable=1"
    conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout())
    try:
        conn.execute("PRAGMA query_only = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _open_readonly(path: Path) -> sqlite_utils.Database:
    try:
        try:
            conn = _connect_ro(path)
        except sqlite3.OperationalError:
            conn = _connect_ro(path, immutable=True)
    except sqlite3.DatabaseError as e:
        raise DatabaseError(_explain(path, e)) from e
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        _check_ours(conn, path)
        version = current_version(conn)
        if version < LATEST:
            # Migrating writes, and this file may not be written: say so, change nothing.
            raise DatabaseError(
                f"{path} is read-only and has an older schema (version {version} < {LATEST}): "
                "make it writable once so claimtrack can upgrade it, or copy it somewhere "
                "writable"
            )
    except BaseException:
        conn.close()
        raise
    return _database(conn)


def pending_migrations(path: str | Path) -> list[tuple[int, str]]:
    """(version, name) of the migrations that opening `path` for writing would apply,
    without applying them: none where there is no such file, where it is not writable
    or cannot be read (open_db then says why), or where it is not a claimtrack
    database yet (version 0)."""
    p = Path(path).expanduser()
    if not p.is_file() or not _writable(p):
        return []
    try:
        conn = _connect_ro(p)
        try:
            version = current_version(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return []
    if not 0 < version < LATEST:
        return []
    return [(m.version, m.name) for m in MIGRATIONS if m.version > version]


def open_db(path: str | Path, create: bool = True, readonly: bool = False) -> sqlite_utils.Database:
    """Create or open the database at `path`, migrate it to the latest schema.

    With create=False (commands that only read) a missing file is an error,
    so a mistyped --db does not quietly answer "nothing stored", and a file
    this process cannot write is opened read-only (never migrated).
    readonly=True always opens read-only.

    Foreign keys are enforced on the returned connection. Raises DatabaseError
    with a one-line, actionable message when the file cannot be used.
    """
    path = Path(path).expanduser()
    if (readonly or not create) and not path.exists():
        raise DatabaseError(
            f"no database at {path}: add documents first (`claimtrack add PATH --db {path}`) "
            "or point --db / CLAIMTRACK_DB at yours"
        )
    _check_path(path, create and not readonly)
    if readonly or (not create and not _writable(path)):
        return _open_readonly(path)
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(str(path), timeout=busy_timeout())
        conn.execute("PRAGMA foreign_keys = ON")
        _check_ours(conn, path)
        _use_wal(conn, path)
        migrate(conn, begin=lambda c: begin_immediate(c, path))
        return _database(conn)
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
    if _is_busy(e):
        return (f"{path} is locked ({_holder_text(path)}): wait for it to finish and retry, "
                f"or raise {BUSY_ENV} (seconds)")
    if _is_full(e):
        return f"{path}: disk full ({msg}): free space and retry"
    if "unable to open" in msg or "readonly" in msg or "disk I/O" in msg:
        return f"{path} cannot be opened for writing ({msg}): check the path and permissions"
    return f"{path}: database error ({msg})"


class BusyError(sqlite3.OperationalError):
    """The write lock stayed taken for the whole busy timeout."""


def begin_immediate(conn: sqlite3.Connection, path: str | Path | None = None) -> None:
    """BEGIN IMMEDIATE, retried with backoff until busy_timeout() has passed.

    SQLite's own busy handler waits within each try; the loop also covers the
    busy cases it does not handle (e.g. WAL recovery by another connection).
    """
    budget = busy_timeout()
    deadline = time.monotonic() + budget
    delay = 0.02
    try:
        while True:
            remaining = deadline - time.monotonic()
            conn.execute(f"PRAGMA busy_timeout = {max(0, int(remaining * 1000))}")
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as e:
                if not _is_busy(e):
                    raise
                if time.monotonic() >= deadline:
                    who = _holder_text(Path(path)) if path else "another process is writing"
                    raise BusyError(
                        f"the database stayed locked for {budget:g} s ({who})"
                    ) from e
                time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
                delay = min(delay * 2, 0.5)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(budget * 1000)}")


def _db_path(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("PRAGMA database_list").fetchone()
    return row[2] if row and row[2] else None


# A bulk `add` commits its documents in batches (see Batch): at most this many
# documents (CLAIMTRACK_BATCH overrides it; 1 commits each document alone), or this
# many seconds after the batch's first one was stored.
BATCH_DOCS = 64
BATCH_SECONDS = 2.0
BATCH_ENV = "CLAIMTRACK_BATCH"


def batch_docs() -> int:
    raw = os.environ.get(BATCH_ENV)
    if not raw:
        return BATCH_DOCS
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if n < 1:
        raise DatabaseError(f"{BATCH_ENV}={raw!r} is not a number of documents: set it to "
                            "e.g. 64 (1 commits each document alone)")
    return n


class Batch:
    """Documents stored in one write transaction, each whole or not at all.

    A commit writes every page a document touched, and most of a document's pages
    (the unit index's posting rows, one per word it holds, the matches, the
    clusters) are pages the next documents touch too: at 1,000 stored documents
    a commit wrote about 500 pages a document. While a batch is open on a
    connection, `atomic` runs each document in a SAVEPOINT of the batch's
    transaction (a failure rolls back that document alone, and the batch goes
    on); the owner commits when `due`, and at the end, also on Ctrl-C, so what
    was stored stays stored. Until then the documents are not durable: a crash
    loses the open batch (at most BATCH_DOCS documents or BATCH_SECONDS of
    work), which a rerun stores again, as it stores any document not stored. The
    write lock is held for the batch, so another writer waits about
    BATCH_SECONDS at most (busy_timeout is a minute). `lost` says why documents
    stored in the open batch were rolled back with it (SQLite rolls the whole
    transaction back on some errors: a full disk, an I/O error); they are then
    not stored."""

    def __init__(self, conn: sqlite3.Connection, max_docs: int | None = None,
                 max_seconds: float | None = None) -> None:
        self.conn = conn
        self.max_docs = batch_docs() if max_docs is None else max_docs
        self.max_seconds = BATCH_SECONDS if max_seconds is None else max_seconds
        self.path = _db_path(conn)
        self.docs = 0  # documents stored in the open transaction
        self.started = 0.0
        self.lost: str | None = None

    def due(self) -> bool:
        return self.docs >= self.max_docs or (
            self.docs > 0 and time.monotonic() - self.started >= self.max_seconds)

    def commit(self) -> None:
        """Commit the open batch (nothing to do when none is open); a failure rolls it
        back and raises DatabaseError."""
        self.docs = 0
        if not self.conn.in_transaction:
            return
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as e:
            postings.forget(self.conn)
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise DatabaseError(f"could not commit the batch: {problem(e)}") from e


_batches: dict[int, Batch] = {}  # id(connection) -> its open batch


@contextmanager
def batch(conn: sqlite3.Connection, max_docs: int | None = None,
          max_seconds: float | None = None) -> Iterator[Batch]:
    """A Batch open on `conn` for the block; what it stored is committed on the way
    out, however the block ends. A failure to commit then is not raised (the block's
    own error, if any, is the one to report): `lost` says it."""
    if conn.in_transaction:  # never fold a caller's pending work into the batch
        conn.commit()
    b = _batches[id(conn)] = Batch(conn, max_docs, max_seconds)
    try:
        yield b
    finally:
        del _batches[id(conn)]
        try:
            b.commit()
        except DatabaseError as e:
            b.lost = str(e)


@contextmanager
def atomic(conn: sqlite3.Connection, failed: str, *,
           only_adds: bool = False) -> Iterator[None]:
    """One write transaction: all of it or nothing. SQLite errors become a
    DatabaseError starting with `failed` (the original stays as __cause__).
    `only_adds`: the transaction deletes no index rows, so the process's cached
    posting lists (store/postings.py) stay good; they are dropped otherwise, and
    whenever it rolls back. Inside a `batch` on `conn` it is a savepoint of the
    batch's transaction, which it begins when none is open."""
    b = _batches.get(id(conn))
    if b is not None:
        with _in_batch(b, failed, only_adds):
            yield
        return
    if conn.in_transaction:  # never fold our writes into a caller's pending work
        conn.commit()
    if not only_adds:
        postings.forget(conn)
    written = conn.total_changes
    try:
        begin_immediate(conn, _db_path(conn))
        yield
        conn.execute("COMMIT")
    except BaseException as e:
        if conn.total_changes != written:  # what the cache took from this transaction goes
            postings.forget(conn)
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(e, sqlite3.Error):
            raise DatabaseError(f"{failed}: {problem(e)}") from e
        raise


@contextmanager
def _in_batch(b: Batch, failed: str, only_adds: bool) -> Iterator[None]:
    """atomic() inside batch `b`: a savepoint, the batch's transaction begun first."""
    conn = b.conn
    if not only_adds:
        postings.forget(conn)
    written = conn.total_changes
    try:
        if not conn.in_transaction:
            begin_immediate(conn, b.path)
            b.docs, b.started = 0, time.monotonic()
        conn.execute("SAVEPOINT claimtrack_document")
        try:
            yield
        except BaseException:
            if conn.total_changes != written:
                postings.forget(conn)
            if conn.in_transaction:
                conn.execute("ROLLBACK TO claimtrack_document")
                conn.execute("RELEASE claimtrack_document")
            elif b.docs:  # SQLite rolled the whole transaction back: the cached
                postings.forget(conn)  # lists hold the batch's rows
                b.lost, b.docs = "rolled back with the batch it was stored in", 0
            raise
        conn.execute("RELEASE claimtrack_document")
        b.docs += 1
    except sqlite3.Error as e:
        raise DatabaseError(f"{failed}: {problem(e)}") from e


def problem(e: sqlite3.Error) -> str:
    """What a failed write means to the user, and what to do: one line."""
    if isinstance(e, BusyError):
        return f"{e}; nothing was written: rerun, or raise {BUSY_ENV} (seconds)"
    if _is_full(e):
        return f"disk full while storing ({e}); free space and rerun (stored documents are kept)"
    return f"{e}; nothing was written"
