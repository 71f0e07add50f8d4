"""Shared fixtures: the repo's seeds, the PolNeAR sample (when present), and
one seeded database per test session (spaCy loads once per process)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

# Property tests check invariants, not speed (speed is benchmarks/'): no per-example
# deadline, which on a loaded two-core machine failed a test now and then
# (test_entities_graph's decisions, once in a full run, never alone).
settings.register_profile("claimtrack", deadline=None)
settings.load_profile("claimtrack")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
BELHADJ = SEEDS / "belhadj-isis-libya-2015.md"
HAFTAR = SEEDS / "haftar-spokesman-al-qaeda.md"
EVAL_DIR = ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def polnear_path() -> Path:
    path = EVAL_DIR / "polnear.jsonl"
    if not path.is_file():
        pytest.skip("../shared/eval/polnear.jsonl is absent")
    return path


# --- model_free: tests that need no spaCy model ------------------------------------------
# `pytest -m model_free` runs them (fast: no model is ever loaded). The marker is checked,
# not trusted: in a test that carries it, loading a model fails the test. With
# CLAIMTRACK_TEST_DENY_MODEL=1 every test is run that way, which finds the modules that
# could carry it (tests/test_markers.py keeps the marker honest).


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "model_free: needs no spaCy model (loading one fails the test)")
    if os.environ.get("CLAIMTRACK_TEST_DENY_MODEL") == "1":  # from the start, fixtures too
        _deny_models(pytest.MonkeyPatch())


def _deny_models(monkeypatch) -> None:
    import spacy

    import claimtrack.extract as extract
    from claimtrack.extract import nlp

    monkeypatch.setattr(spacy, "load", _refuse_model)
    for module, name in ((nlp, "get_nlp"), (nlp, "load_stock"), (extract, "get_nlp")):
        monkeypatch.setattr(module, name, _refuse_model)


def _refuse_model(*_args, **_kwargs):
    raise AssertionError("this test is marked model_free but loaded a spaCy model")


@pytest.fixture(autouse=True)
def _model_free_guard(request, monkeypatch):
    """In a model_free test, loading a model fails it (a session fixture built before
    it, such as seeded_db, is caught by the check in tests/test_markers.py, which runs
    them all with models denied from the start)."""
    if request.node.get_closest_marker("model_free") is not None:
        _deny_models(monkeypatch)
    yield


def copy_database(src: Path, dst: Path) -> Path:
    """A copy of a claimtrack database through SQLite's backup, never a file copy: this
    process may hold `src` open (a read that cached its connection), and closing another
    descriptor of the file would drop every POSIX lock the process holds on it, SQLite's
    included; a later read after another process's write then found it "not a
    database". The backup also takes what the write-ahead log holds."""
    import sqlite3

    source, target = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return dst


def _drop_twins(conn) -> None:
    """Drop what migrations 24 and 25 made (twin classes, their pairs), for a database
    taken back before them: the pairs they stood for are not stored then (a database
    decided before holds every pair), which the test does not read. And what came
    after them: migration 27's noted entity components (its triggers go with it)."""
    conn.execute("DROP TABLE twin_pairs")
    conn.execute("DROP TABLE twins")
    for name in ("entity_unkept_rows_delete", "entity_unkept_nodes_insert",
                 "entity_unkept_nodes_update"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE entity_unkept")
    conn.execute("DROP TABLE entity_base")


def _drop_unit_blocks(conn) -> None:
    """Drop what migration 22 made (the unit index in blocks, its numbers, triggers),
    and what came after it."""
    _drop_twins(conn)
    for sql in ("DROP TRIGGER unit_docs_claims_delete", "DROP TRIGGER unit_docs_delete",
                "DROP TABLE unit_blocks", "DROP TABLE unit_docs", "DROP TABLE unit_gone",
                "DELETE FROM sqlite_sequence WHERE name = 'unit_docs'"):
        conn.execute(sql)


def unsign_unit_index(conn) -> int:
    """Take the unit index back to what it was from migration 22 to 23 (postings of
    seven int32, no signatures), for a test that takes a database back to version 22;
    returns the rows rewritten."""
    import numpy as np

    _drop_twins(conn)

    rows = conn.execute("SELECT token, head, block, rows FROM unit_blocks").fetchall()
    conn.executemany("UPDATE unit_blocks SET rows = ? WHERE token = ? AND head = ? AND block = ?",
                     [(np.frombuffer(blob, dtype="<i4").reshape(-1, 9)[:, :7].tobytes(), t, h, b)
                      for t, h, b, blob in rows])
    return len(rows)


def pack_unit_index_by_document(conn) -> int:
    """Take the unit index back to what it was from migration 21 to 22 (`unit_postings`,
    a row a token, head or not, and document, without document numbers), for a test
    that takes a database back to an older version; returns the rows written."""
    from collections import defaultdict

    import numpy as np

    from claimtrack.store.migrations import _V21
    from claimtrack.store.postings import stored

    rows = defaultdict(list)
    for token, head, doc, *posting, _signature in stored(conn):
        rows[token, int(head), doc].append(posting)
    _drop_unit_blocks(conn)
    for sql in _V21:  # the table, its index and trigger as migration 21 made them
        conn.execute(sql)
    conn.executemany("INSERT INTO unit_postings VALUES (?, ?, ?, ?)",
                     [(t, h, d, np.array(sorted(v), dtype="<i4").tobytes())
                      for (t, h, d), v in sorted(rows.items())])
    return len(rows)


def unpack_unit_index(conn) -> int:
    """Take the unit index back to what it was before migration 21 (`unit_terms`, a
    row a posting), for a test that takes a database back to an older version;
    returns the rows written."""
    from claimtrack.store.postings import stored

    rows = [(token, f"{doc}:{seq}", unit, size, weight, mass, rest, head)
            for token, head, doc, seq, unit, size, weight, mass, rest, _ in stored(conn)]
    _drop_unit_blocks(conn)
    conn.execute("CREATE TABLE unit_terms (token TEXT NOT NULL, claim_id TEXT NOT NULL "
                 "REFERENCES claims (id) ON DELETE CASCADE, unit INTEGER NOT NULL, size "
                 "INTEGER NOT NULL, weight INTEGER NOT NULL, mass INTEGER NOT NULL, rest "
                 "INTEGER NOT NULL, head INTEGER NOT NULL, PRIMARY KEY (token, claim_id, "
                 "unit)) WITHOUT ROWID")
    conn.execute("CREATE INDEX unit_terms_claim ON unit_terms (claim_id)")
    conn.executemany("INSERT INTO unit_terms VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def table_rows(db: Path, tables: Sequence[str]) -> dict[str, list[tuple]]:
    """Each table's rows, sorted: what two builds of one index compare."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}


def documents_by(db: Path, part: Callable[[Path], str] = lambda p: p.name) -> dict[str, str]:
    """Stored document ids by `part` of the path each was added from (its file name)."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        return {part(Path(o)): i for i, o in conn.execute("SELECT id, origin FROM documents")}


def run_cli(*args: str, db: Path | None = None, input: bytes | str | None = None):
    """Invoke the CLI in-process; returns click's Result (stdout/stderr apart)."""
    from claimtrack.cli import cli

    argv = list(args)
    if db is not None:
        argv += ["--db", str(db)]
    return CliRunner().invoke(cli, argv, input=input, catch_exceptions=False)


def add_texts(folder: Path, db: Path, **texts: str) -> None:
    """Write each text as <name>.txt in `folder` and `claimtrack add` them, in order."""
    paths = []
    for name, text in texts.items():
        paths.append(folder / f"{name}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    result = run_cli("add", *map(str, paths), db=db)
    assert result.exit_code == 0, result.stderr


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """Both seeds added through the CLI once per session."""
    db = tmp_path_factory.mktemp("seeded") / "claimtrack.db"
    result = run_cli("add", str(SEEDS), db=db)
    assert result.exit_code == 0, result.stderr
    return db


def claims_json(db: Path, *args: str) -> list[dict]:
    result = run_cli("claims", "--json", *args, db=db)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def karimi_db(tmp_path) -> Path:
    """Two short texts about Hassan Karimi and an anonymous official, added (the entity
    graph's, its decisions' and the stored components' tests)."""
    from claimtrack import api

    a = tmp_path / "a.txt"
    a.write_text(
        "Officials Deny Deal, Says Minister\n\n"
        "Hassan Karimi, the spokesman of the ministry, said the talks failed. "
        "Karimi said the deal was dead. He said talks would resume. "
        "A senior official said on condition of anonymity that talks went well.\n",
        encoding="utf-8",
    )
    b = tmp_path / "b.txt"
    b.write_text(
        "Hassan Karimi said the ministry would not comment. "
        "A senior official said the ministry was divided.\n",
        encoding="utf-8",
    )
    path = tmp_path / "t.db"
    api.add(path, [str(a), str(b)])
    return path
