"""The packed unit index and its cache (store/postings.py) answer every probe as the
bounds of corpus/index.py say.

Each test stores real documents (the five-article story and the seeds, extracted
by the real pipeline) and checks, probe by probe, that the answer equals a plain
Python reading of the stored rows (`reference`: every posting decoded, summed in
dicts, no numpy) on the same connection at the same moment, and that cached lists
were used at all (a test no cached answer reached could not fail).
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import (
    ROOT,
    copy_database,
    pack_unit_index_by_document,
    unpack_unit_index,
    unsign_unit_index,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from test_kill import claimtrack_exe

from claimtrack import api
from claimtrack.corpus.relate import JACCARD_FLOOR, MIN_SHARED, could_relate
from claimtrack.store import db as dbmod
from claimtrack.store import matchstore as ms
from claimtrack.store import postings

STORY = ROOT / "tests" / "fixtures" / "story"
SEEDS = ROOT / "seeds"
FILES = sorted(STORY.glob("*.txt")) + sorted(SEEDS.glob("*.md"))


def reference(conn: sqlite3.Connection, heads, tokens, lo, hi, other_than, mass, bound, close,
              floor, scale, slack, least, jaccard) -> list[tuple[str, int]]:
    """matchstore.unit_candidates read from the stored rows one posting at a time."""
    m, s = mass * scale, slack * scale
    rows = defaultdict(list)  # token -> (claim id, unit, size, weight, mass, rest, head)
    sigs = {}  # (claim id, unit) -> signature
    for token, head, doc, seq, unit, size, weight, mss, rest, sig in postings.stored(conn):
        if doc != other_than:
            rows[token].append((f"{doc}:{seq}", unit, size, weight, mss, rest, head))
            sigs[f"{doc}:{seq}", unit] = (sig, size)
    found = set()
    shared: dict[tuple[str, int], float] = defaultdict(float)
    for t in heads:  # as the lighter
        for cid, unit, size, weight, mss, _, _ in rows[t]:
            if mss >= m - s and lo <= size <= hi:
                shared[cid, unit] += weight
    found |= {k for k, w in shared.items() if w >= bound * scale - s}
    shared.clear()
    theirs = {}
    for t in tokens:  # as the heavier
        for cid, unit, size, weight, mss, rest, head in rows[t]:
            if head and mss <= m + s and lo <= size <= hi:
                shared[cid, unit] += weight
                theirs[cid, unit] = (mss, rest)
    found |= {k for k, w in shared.items()
              if w >= max(close * theirs[k][0], floor * scale) - theirs[k][1] - s}

    def room(k: tuple[str, int]) -> bool:  # the tokens the signature could share, bit by bit
        sig, size = sigs[k]
        most = sum(1 for t in tokens if sig >> postings.token_bit(t) & 1)
        return most >= least and most >= jaccard * (len(tokens) + size - most)

    return sorted(k for k in found if room(k))


@pytest.fixture
def checked(monkeypatch):
    """Every probe compared with the reference; returns the count of probes that found
    their lists cached, and of all probes."""
    seen = {"cached": 0, "probes": 0}
    probe = ms.unit_candidates

    def compared(conn, *args, **kw):
        cache = postings._cache
        held = cache is not None and cache.conn is conn and bool(cache.lists)
        got = probe(conn, *args, **kw)
        seen["probes"] += 1
        seen["cached"] += held
        assert got == reference(conn, *args, **kw), (args, kw)
        return got

    monkeypatch.setattr(ms, "unit_candidates", compared)
    return seen


def derived(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        out = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall())
               for t in ("matches", "match_units", "clusters", "cluster_stats")}
        out["postings"] = postings.stored(conn)
        assert out["postings"]
        return out


def test_a_bulk_add_answers_as_the_stored_rows_say(tmp_path, checked):
    assert len(api.add(tmp_path / "bulk.db", [str(f) for f in FILES]).added) == len(FILES)
    assert checked["cached"] > 0.5 * checked["probes"]
    with pytest.MonkeyPatch.context() as m:  # the same files, every list read afresh
        real = postings.current

        def fresh(conn):
            postings.forget(conn)
            return real(conn)

        m.setattr(postings, "current", fresh)
        api.add(tmp_path / "fresh.db", [str(f) for f in FILES])
    assert derived(tmp_path / "fresh.db") == derived(tmp_path / "bulk.db")


def test_lists_evicted_past_the_limit_still_answer_the_same(tmp_path, checked, monkeypatch):
    api.add(tmp_path / "all.db", [str(f) for f in FILES])
    monkeypatch.setattr(postings, "MAX_POSTINGS", 40)
    evicted = 0
    drop = postings.Postings._drop

    def counted(self, key):
        nonlocal evicted
        evicted += 1
        drop(self, key)

    monkeypatch.setattr(postings.Postings, "_drop", counted)
    result = api.add(tmp_path / "small.db", [str(f) for f in FILES])
    assert not result.failures and len(result.added) == len(FILES)
    assert checked["cached"] > 0 and evicted > 0
    assert derived(tmp_path / "small.db") == derived(tmp_path / "all.db")


def test_the_packed_rows_round_trip():
    big = postings.EVERY_BIT  # both halves negative as int32
    written = [postings.Posting("gun", "d1", 3, 0, 5, 420, 900, 100, True, 5),
               postings.Posting("gun", "d1", 1, 2, 4, 420, 800, 0, True, big),
               postings.Posting("gun", "d1", 1, 1, 4, 420, 800, 0, False, 1 << 63),
               postings.Posting("gun", "d1", 1, postings.MAX_UNIT + 1, 4, 420, 800, 0, True, 0)]
    packed = postings.pack(written, 7)
    assert list(packed) == [("gun", False), ("gun", True)]  # past MAX_UNIT: left out
    assert postings.unpack(packed["gun", True]) == [(7, 1, 2, 4, 420, 800, 0, big),
                                                    (7, 3, 0, 5, 420, 900, 100, 5)]
    assert postings.unpack(packed["gun", False]) == [(7, 1, 1, 4, 420, 800, 0, 1 << 63)]


_WORDS = st.sampled_from([f"w{i}" for i in range(300)] + ["trump", "clinton", "said", "é"])


@settings(max_examples=400, deadline=None)
@given(st.frozensets(_WORDS, min_size=1, max_size=25), st.frozensets(_WORDS, max_size=25))
def test_a_signature_never_counts_fewer_shared_tokens_than_there_are(a, b):
    """The probe's bound on the tokens two units share never undercounts, so a unit it
    drops is one relate() would reject on its tokens alone (could_relate)."""
    import numpy as np

    most = int(postings.shared_at_most(postings.token_bits(sorted(a)),
                                       np.array([postings.signature(b)], dtype=np.uint64))[0])
    assert most >= len(a & b)
    if most < MIN_SHARED or most < JACCARD_FLOOR * (len(a) + len(b) - most):
        assert not could_relate(a, b)


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
        for args, kw in probes:
            assert ms.unit_candidates(conn, *args, **kw) == reference(conn, *args, **kw)
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


def live_docs(conn: sqlite3.Connection) -> set[str]:
    return {p[2] for p in postings.stored(conn)}


def dead_postings(conn: sqlite3.Connection) -> int:
    """Postings in the blocks whose number no document holds."""
    live = {n for (n,) in conn.execute("SELECT num FROM unit_docs")}
    return sum(n not in live for (blob,) in conn.execute("SELECT rows FROM unit_blocks")
               for n, *_ in postings.unpack(blob))


def test_a_documents_rows_go_with_its_claims(tmp_path):
    db = tmp_path / "rm.db"
    api.add(db, [str(f) for f in FILES[:3]])
    with sqlite3.connect(db) as conn:
        docs = sorted(live_docs(conn))
        assert len(docs) == 3 and dead_postings(conn) == 0
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM claims WHERE doc_id = ?", (docs[0],))  # as re-extraction does
        conn.execute("DELETE FROM documents WHERE id = ?", (docs[1],))  # as `rm` does
        assert live_docs(conn) == {docs[2]}
        # their postings stay in the blocks, noted, until a writer purges them
        assert dead_postings(conn) > 0
        assert conn.execute("SELECT count(*) FROM unit_gone").fetchone() == (2,)
        postings.purge(conn)
        assert dead_postings(conn) == 0 and live_docs(conn) == {docs[2]}
        assert not conn.execute("SELECT 1 FROM unit_gone").fetchone()


def test_rm_and_reextract_leave_no_dead_postings_and_number_documents_anew(tmp_path):
    """`rm` purges the blocks; a document indexed again gets a new number (a number is
    never given twice), and the index answers as on a database built without them."""
    db, clean = tmp_path / "rm.db", tmp_path / "clean.db"
    api.add(db, [str(f) for f in FILES])
    with sqlite3.connect(db) as conn:
        before = dict(conn.execute("SELECT doc_id, num FROM unit_docs"))
    gone = sorted(before)[:2]
    api.remove(db, gone[:1])
    api.reextract(db, gone[1])
    with sqlite3.connect(db) as conn:
        after = dict(conn.execute("SELECT doc_id, num FROM unit_docs"))
        assert dead_postings(conn) == 0
        assert not conn.execute("SELECT 1 FROM unit_gone").fetchone()
    assert gone[0] not in after and after[gone[1]] > max(before.values())
    assert {d: n for d, n in after.items() if d != gone[1]} == \
        {d: n for d, n in before.items() if d not in gone}
    api.add(clean, [str(f) for f in FILES])
    api.remove(clean, gone[:1])
    with sqlite3.connect(db) as a, sqlite3.connect(clean) as b:
        assert postings.stored(a) == postings.stored(b)


def test_migration_21_packs_the_rows_of_the_old_index(tmp_path):
    """A database whose unit index is one row a posting (migration 9's unit_terms) is
    packed as the same documents stored today are, and matches the next document alike."""
    new, old = tmp_path / "new.db", tmp_path / "old.db"
    api.add(new, [str(f) for f in FILES[:4]])
    copy_database(new, old)
    with sqlite3.connect(old) as conn:  # back to version 20: a row a posting
        assert unpack_unit_index(conn) > 100
        conn.execute("PRAGMA user_version = 20")
    for db in (new, old):
        api.add(db, [str(FILES[4])])
    assert derived(old) == derived(new)
    with sqlite3.connect(old) as conn:
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'unit_terms'").fetchone()


def _downgraded(tmp_path, undo, version: int):
    """A database built today (`new`) and a copy (`old`) taken back to `version` by
    `undo`, then opened (migrated) again; the postings `new` holds."""
    new, old = tmp_path / "new.db", tmp_path / "old.db"
    api.add(new, [str(f) for f in FILES[:5]])
    copy_database(new, old)
    with sqlite3.connect(old) as conn:
        before = postings.stored(conn)
        assert undo(conn) > 100
        conn.execute(f"PRAGMA user_version = {version}")
    dbmod.open_db(old).close()
    return new, old, before


def _then_alike(new, old) -> None:
    """The next document, a removal and a re-extraction come out alike on both."""
    first = sorted(postings.stored(sqlite3.connect(new)))[0][2]
    for db in (new, old):
        api.add(db, [str(FILES[5])])
        api.remove(db, [first])
        api.reextract(db, [d for d in live_docs(sqlite3.connect(db)) if d != first][0])
    assert derived(old) == derived(new)


def test_migration_22_puts_the_documents_rows_in_numbered_blocks(tmp_path, monkeypatch):
    """A database whose unit index is a row a token and document (migration 21) gets
    its documents numbered and its rows in blocks: the same postings, and the next
    document, a removal and a re-extraction come out as on a database built today.
    Small blocks (two documents) so the stored rows span several."""
    monkeypatch.setattr(postings, "BLOCK_BITS", 1)
    new, old, before = _downgraded(tmp_path, pack_unit_index_by_document, 21)
    with sqlite3.connect(old) as conn:
        assert postings.stored(conn) == before
        assert conn.execute("SELECT count(DISTINCT block) FROM unit_blocks").fetchone()[0] == 3
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'unit_postings'"
                                ).fetchone()
    _then_alike(new, old)
    with sqlite3.connect(old) as conn:
        assert dead_postings(conn) == 0


def test_migration_23_signs_every_posting_as_a_database_built_today(tmp_path, monkeypatch):
    """A database whose postings carry no signature (migration 22) gets each its unit's
    signature from the stored tokens: the same postings as a database built today, and
    the next document, a removal and a re-extraction come out alike."""
    monkeypatch.setattr(postings, "BLOCK_BITS", 1)
    new, old, before = _downgraded(tmp_path, unsign_unit_index, 22)
    with sqlite3.connect(old) as conn:
        assert postings.stored(conn) == before
        assert {p[-1] for p in before} - {postings.EVERY_BIT}  # real signatures, not all bits
    _then_alike(new, old)
