"""Migrations: fresh databases, idempotent reopen, the generated schema file."""

from __future__ import annotations

import sqlite3

import pytest

from claimtrack.store import migrations
from claimtrack.store.migrations import LATEST, MIGRATIONS, Migration, current_version, migrate

pytestmark = pytest.mark.model_free


def test_versions_are_numbered_in_order():
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert len(MIGRATIONS) == LATEST


def test_fresh_database_gets_every_table(tmp_path):
    conn = sqlite3.connect(tmp_path / "a.db")
    assert migrate(conn) == list(range(1, LATEST + 1))
    assert current_version(conn) == LATEST
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "links", "mentions", "claims"} <= tables


def test_migrate_twice_applies_nothing(tmp_path):
    conn = sqlite3.connect(tmp_path / "a.db")
    migrate(conn)
    before = migrations.dump_schema(conn)
    assert migrate(conn) == []
    assert migrations.dump_schema(conn) == before


def test_failed_migration_leaves_previous_version(tmp_path, monkeypatch):
    bad = Migration(LATEST + 1, "broken", ("CREATE TABLE extra (x)", "NOT SQL AT ALL"))
    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, bad])
    conn = sqlite3.connect(tmp_path / "a.db")
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn)
    assert current_version(conn) == LATEST
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "extra" not in names  # the half-applied step was rolled back


def test_callable_migration_runs_in_order(tmp_path, monkeypatch):
    def add_column(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE documents ADD COLUMN lang TEXT")

    extra = Migration(LATEST + 1, "lang", add_column)
    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, extra])
    conn = sqlite3.connect(tmp_path / "a.db")
    migrate(conn)
    assert current_version(conn) == LATEST + 1
    cols = {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    assert "lang" in cols


def test_schema_file_matches_fresh_database():
    """Fails when migrations change without `python -m claimtrack.store.migrations`."""
    assert migrations.SCHEMA_FILE.exists(), "run `python -m claimtrack.store.migrations`"
    assert migrations.SCHEMA_FILE.read_text(encoding="utf-8") == migrations.fresh_schema()


def test_schema_dump_is_deterministic_and_loadable(tmp_path):
    text = migrations.fresh_schema()
    assert text == migrations.fresh_schema()
    conn = sqlite3.connect(tmp_path / "from_dump.db")
    conn.executescript(text)
    assert migrations.dump_schema(conn) == text


def test_main_writes_schema(tmp_path):
    out = tmp_path / "schema.sql"
    assert migrations.main([str(out)]) == 0
    assert out.read_text(encoding="utf-8") == migrations.fresh_schema()
