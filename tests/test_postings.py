"""The posting-list cache (store/postings.py) answers every probe as the SQL does.

The cache only makes a bulk `add` faster: each test stores real documents (the
five-article story and the seeds, extracted by the real pipeline) and checks,
probe by probe, that the cached answer equals matchstore.sql_unit_candidates on
the same connection at the same moment, and that the cache was used at all (a
test no cached answer reached could not fail).
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT
from test_kill import claimtrack_exe

from claimtrack import api
from claimtrack.store import db as dbmod
from claimtrack.store import matchstore as ms
from claimtrack.store import postings

STORY = ROOT / "tests" / "fixtures" / "story"
SEEDS = ROOT / "seeds"


@pytest.fixture
def checked(monkeypatch):
    """Every probe compared with the SQL; returns the counts of cached answers and probes."""
    seen = {"cached": 0, "probes": 0}
    cached, probe = postings.candidates, ms.unit_candidates

    def spy(*args):
        got = cached(*args)
        seen["cached"] += got is not None
        return got

    def compared(conn, *args, **kw):
        got = probe(conn, *args, **kw)
        seen["probes"] += 1
        assert got == ms.sql_unit_candidates(conn, *args, **kw), (args, kw)
        return got

    monkeypatch.setattr(postings, "candidates", spy)
    monkeypatch.setattr(ms, "unit_candidates", compared)
    monkeypatch.setattr(postings, "LOAD_FROM", 1)  # from the first document: more answers checked
    return seen


def derived(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall())
                for t in ("matches", "match_units", "clusters", "cluster_stats")}




FILES = sorted(STORY.glob("*.txt")) + sorted(SEEDS.glob("*.md"))


def test_a_bulk_add_answers_from_the_cache_as_the_sql_does(tmp_path, checked):
    api.add(tmp_path / "bulk.db", [str(f) for f in FILES])
    assert checked["cached"] > 0.5 * checked["probes"]
    with pytest.MonkeyPatch.context() as m:  # the same files, SQL alone
        m.setattr(postings, "candidates", lambda *args: None)
        api.add(tmp_path / "sql.db", [str(f) for f in FILES])
    assert derived(tmp_path / "sql.db") == derived(tmp_path / "bulk.db")


def test_lists_evicted_past_the_limit_still_answer_the_same(tmp_path, checked, monkeypatch):
    monkeypatch.setattr(postings, "MAX_POSTINGS", 40)
    api.add(tmp_path / "small.db", [str(f) for f in FILES])
    assert checked["cached"] > 0


def probes_of(db: Path, file: Path, monkeypatch) -> list[tuple]:
    """The arguments of every probe that adding `file` makes."""
    calls = []
    real = ms.unit_candidates

    def spy(conn, *args, **kw):
        calls.append((args, kw))
        return real(conn, *args, **kw)

    with monkeypatch.context() as m:
        m.setattr(ms, "unit_candidates", spy)
        api.add(db, [str(file)])
    return calls


@contextmanager
def cached(db: Path, stored: int, monkeypatch) -> Iterator[tuple[sqlite3.Connection, list]]:
    """A connection to `db` (the first `stored` FILES in it) whose cache holds the lists
    that adding the next file probes, and those probes."""
    monkeypatch.setattr(postings, "LOAD_FROM", 1)
    api.add(db, [str(f) for f in FILES[:stored]])
    probes = probes_of(db, FILES[stored], monkeypatch)
    handle = dbmod.open_db(db)
    try:
        for args, kw in probes:  # fill the cache on this connection
            ms.unit_candidates(handle.conn, *args, **kw)
        assert postings.current(handle.conn).lists
        yield handle.conn, probes
    finally:
        handle.close()


def test_another_connection_committing_empties_the_cache(tmp_path, monkeypatch):
    db = tmp_path / "two.db"
    with cached(db, 2, monkeypatch) as (conn, probes):
        # another process commits (in this one, another connection would take the cache)
        subprocess.run([claimtrack_exe(), "add", *map(str, FILES[3:5]), "--db", str(db)],
                       check=True, capture_output=True)
        cached_then = 0
        for args, kw in probes:
            got = ms.unit_candidates(conn, *args, **kw)
            assert got == ms.sql_unit_candidates(conn, *args, **kw)
            cached_then += postings.current(conn).lists != {}
        assert cached_then
        # the later documents are among the answers: a cache kept from before would miss them
        later = {i for (i,) in conn.execute("SELECT id FROM documents ORDER BY added DESC LIMIT 2")}
        assert any(cid.split(":")[0] in later
                   for args, kw in probes for cid, _ in ms.unit_candidates(conn, *args, **kw))


def test_a_write_that_rolls_back_or_deletes_drops_the_cache(tmp_path, monkeypatch):
    with cached(tmp_path / "drop.db", 3, monkeypatch) as (conn, probes):
        with pytest.raises(RuntimeError), dbmod.atomic(conn, "test", only_adds=True):
            conn.execute("INSERT INTO corpus_state (key, value) VALUES ('x', '1')")
            raise RuntimeError("a document fails after writing")
        assert postings.current(conn).lists == {}  # rolled back after a write: dropped
        for args, kw in probes:
            ms.unit_candidates(conn, *args, **kw)
        with dbmod.atomic(conn, "test"):  # may delete: dropped on entry
            pass
        assert postings.current(conn).lists == {}
