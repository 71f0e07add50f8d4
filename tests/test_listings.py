"""Stored listings (migration 8): `sources` and `entities` of the whole corpus are
computed once, kept in their printed order and paged by SQL; any change to what they
are computed from drops them, so a read after a write is what a fresh computation says."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import warnings
from pathlib import Path

import pytest
from conftest import HAFTAR, copy_database, run_cli, unpack_unit_index

from claimtrack import api, corpusflags, output, queries, sourcelisting
from claimtrack.errors import NotFoundError
from claimtrack.store import readback


@pytest.fixture
def db(seeded_db: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded database, with no listing, share or entity record
    stored yet (reads of the shared seeded database by other tests store theirs)."""
    copy = tmp_path / "claimtrack.db"
    copy_database(seeded_db, copy)
    with sqlite3.connect(copy) as conn:
        for table in ("listing_state", "listing_rows", "source_parts", "entity_rows"):
            conn.execute(f"DELETE FROM {table}")
    return copy


def _stored(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT listing FROM listing_state")}


def _fresh(db: Path, command) -> list:
    """The listing computed now, whatever is stored."""
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM listing_state")
    return command(db)


def _dumped(rows) -> list[dict]:
    return [r.model_dump() for r in rows]


@pytest.mark.parametrize("command", [api.sources, api.entities])
def test_a_stored_listing_is_what_a_fresh_computation_says_and_pages_alike(db, command):
    first = command(db)
    # neither keeps its listing whole: sources keeps each document's share one row a
    # source, entities each component's records, each row with its place; each marks
    # that it keeps all of them (migration 20)
    assert _stored(db) == ({readback.SHARES_KEPT} if command is api.sources
                           else {readback.RECORDS_KEPT})
    with sqlite3.connect(db) as conn:
        shares = conn.execute("SELECT count(*) FROM source_share_rows").fetchone()[0]
    assert (command is api.sources) == (shares > 0) == (_entity_rows(db) == {})
    again = command(db)
    assert _dumped(again) == _dumped(first)
    assert len(first) > 3
    assert _dumped(command(db, limit=2, offset=1)) == _dumped(first[1:3])
    assert _dumped(command(db, limit=0)) == []
    assert _dumped(command(db, offset=len(first))) == []
    assert _dumped(_fresh(db, command)) == _dumped(first)


def test_a_stored_listing_is_read_not_computed(db, monkeypatch):
    rows = api.sources(db)

    def fail(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(sourcelisting, "corpus_sources", fail)
    monkeypatch.setattr(sourcelisting, "list_sources", fail)
    assert _dumped(api.sources(db, limit=50)) == _dumped(rows[:50])


@pytest.mark.parametrize("command", [api.sources, api.entities])
def test_progress_is_told_while_a_listing_is_computed_never_when_read_back(db, command):
    ticks: list[tuple[int, int]] = []
    command(db, limit=2, progress=lambda done, total: ticks.append((done, total)))
    assert ticks and ticks[-1][0] == ticks[-1][1] > 0  # all of them, at the end
    assert [d for d, _ in ticks] == sorted(d for d, _ in ticks)
    ticks.clear()
    command(db, limit=2, progress=lambda done, total: ticks.append((done, total)))
    assert ticks == []  # the stored listing, read back


def _whole(db: Path) -> list:
    """The sources listing from every claim read and graded at once (the reference)."""
    from claimtrack.sourceentities import source_entities
    from claimtrack.store import db as dbmod

    handle = dbmod.open_db(db)
    found = queries.claims(handle)
    return sourcelisting.list_sources(handle, found, True, source_entities(handle, found))


@pytest.mark.parametrize("chunk", [1, 7, 100_000])
def test_sources_read_a_chunk_at_a_time_list_what_all_claims_at_once_do(db, monkeypatch, chunk):
    # a claim's corpus flags, grade and entity are looked up by its id, so chunks
    # as small as one document give the rows of the whole corpus at once
    monkeypatch.setattr(queries, "CHUNK", chunk)
    for name, grade in (("Haftar", "C"), ("Tass", "E")):  # Tass: graded, in no text
        assert run_cli("sources", "grade", name, grade, "--why", "x", db=db).exit_code == 0
    seen: list[int] = []
    real = queries.graded_chunks

    def counted(*args, **kwargs):
        for cs, named in real(*args, **kwargs):
            seen.append(len(cs))
            yield cs, named

    monkeypatch.setattr(queries, "graded_chunks", counted)
    rows = _fresh(db, api.sources)
    assert _dumped(rows) == _dumped(_whole(db))
    assert any(r.reliability == "C" for r in rows) and rows[-1].name == "Tass"
    assert (len(seen) > 2) == (chunk < 100) and sum(seen) >= len(rows)


def test_sources_after_a_merge_group_every_claim_at_once(db, monkeypatch):
    # a user's merge is replayed on the entity graph, whose entities one chunk's
    # claims alone would number apart from another's: the whole corpus at once
    monkeypatch.setattr(queries, "CHUNK", 1)
    assert run_cli("entities", "merge", "Khalifa Haftar", "Ahmed Al-Mismari", db=db).exit_code == 0
    assert _dumped(_fresh(db, api.sources)) == _dumped(_whole(db))


def _shares(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT doc_id, part FROM source_parts"))


STORY = Path(__file__).parent / "fixtures" / "story"


def test_sources_keep_each_documents_share_across_writes(db, tmp_path, monkeypatch):
    """The first `sources` after a write sums every document's stored share and
    computes only the shares the write dropped: the document's own, and those of the
    documents whose claims a changed cluster flags otherwise (single_source goes when
    a second origin comes). At every step it lists what all claims at once list."""
    first = api.sources(db)
    assert _dumped(first) == _dumped(_whole(db))
    seeds = _shares(db)
    assert len(seeds) == 2
    computed: list[str] = []
    real = sourcelisting._share
    monkeypatch.setattr(sourcelisting, "_share",
                        lambda db, doc_id: computed.append(doc_id) or real(db, doc_id))
    added: list[str] = []
    for path in sorted(STORY.glob("*.txt")):  # a report, its copy, a rewrite, ...
        shutil.copy(path, tmp_path / path.name)
        assert run_cli("add", str(tmp_path / path.name), db=db).exit_code == 0
        computed.clear()
        assert _dumped(api.sources(db)) == _dumped(_whole(db)), path.name
        new = set(_shares(db)) - set(seeds) - set(added)
        assert len(new) == 1 and new <= set(computed)  # the document added, computed once
        assert not set(seeds) & set(computed)  # the seeds' shares were read, not computed
        added += new
    assert {k: v for k, v in _shares(db).items() if k in seeds} == seeds
    # the story's claims corroborate one another: some earlier share was recomputed
    # along the way, and the listing still agrees with the whole computation
    removed = run_cli("rm", added[0], db=db)
    assert removed.exit_code == 0, removed.stderr
    assert _dumped(api.sources(db)) == _dumped(_whole(db))
    assert added[0] not in _shares(db)
    # a grade: no share is kept (a graded source's row turns on other documents)
    run_cli("sources", "grade", "Khalifa Haftar", "C", "--why", "party to the war", db=db)
    assert _shares(db) == {}
    assert _dumped(api.sources(db)) == _dumped(_whole(db)) and _shares(db) == {}


def _whole_entities(db: Path) -> list:
    """Every entity from the whole graph built at once (the reference)."""
    from claimtrack.entities.reads import build
    from claimtrack.store import db as dbmod

    return build(dbmod.open_db(db)).entities()


def _entity_rows(db: Path) -> dict[tuple[str, int], str]:
    with sqlite3.connect(db) as conn:
        return {(c, j): r for c, j, r in conn.execute("SELECT comp, j, row FROM entity_rows")}


def test_entities_keep_each_components_records_across_writes(db, tmp_path, monkeypatch):
    """The first `entities` after a write sorts the stored records of the components
    no write touched and builds only the others; at every step it lists what the
    whole graph built at once lists."""
    from claimtrack.entities import reads

    assert _dumped(api.entities(db)) == _dumped(_whole_entities(db))
    kept = _entity_rows(db)
    assert kept
    built: list[int] = []
    real = reads._NodeClosure._take
    monkeypatch.setattr(reads._NodeClosure, "_take",
                        lambda self, rows, keys: built.append(len(rows)) or real(self, rows, keys))
    added = []
    for path in sorted(STORY.glob("*.txt")):
        shutil.copy(path, tmp_path / path.name)
        assert run_cli("add", str(tmp_path / path.name), db=db).exit_code == 0
        built.clear()
        assert _dumped(api.entities(db)) == _dumped(_whole_entities(db)), path.name
        with sqlite3.connect(db) as conn:
            nodes = conn.execute("SELECT count(*) FROM entity_nodes").fetchone()[0]
        assert 0 < sum(built) < nodes  # some components built again, not all of them
        added.append(path.name)
    seeds = {k: v for k, v in kept.items() if k in _entity_rows(db)}
    assert seeds  # the seeds' own people kept their records through the story
    removed = run_cli("rm", added[0], db=db)
    assert removed.exit_code == 0, removed.stderr
    assert _dumped(api.entities(db)) == _dumped(_whole_entities(db))
    merged = run_cli("entities", "merge", "Khalifa Haftar", "Ahmed Al-Mismari", db=db)
    assert merged.exit_code == 0, merged.stderr
    assert _entity_rows(db) == {}
    assert _dumped(api.entities(db)) == _dumped(_whole_entities(db))


def test_grades_merges_and_removals_drop_the_stored_listings(db, tmp_path):
    api.sources(db)
    api.entities(db)
    run_cli("sources", "grade", "Khalifa Haftar", "C", "--why", "party to the war", db=db)
    assert _stored(db) == set()
    graded = {r.name: r for r in api.sources(db)}
    assert graded["Khalifa Haftar"].reliability == "C"

    api.entities(db)
    merged = run_cli("entities", "merge", "Khalifa Haftar", "Ahmed Al-Mismari", db=db)
    assert merged.exit_code == 0, merged.stderr
    assert _stored(db) == set()
    names = [e.name for e in api.entities(db)]
    assert "Ahmed Al-Mismari" not in names
    assert _dumped(api.entities(db)) == _dumped(_fresh(db, api.entities))

    before = api.sources(db)
    removed = run_cli("rm", HAFTAR.name, db=db)
    assert removed.exit_code == 0, removed.stderr
    assert _stored(db) == set()
    after = api.sources(db)
    assert sum(r.claims for r in after) < sum(r.claims for r in before)
    assert _dumped(after) == _dumped(_fresh(db, api.sources))

    # and adding it back is a change too
    shutil.copy(HAFTAR, tmp_path / HAFTAR.name)
    assert run_cli("add", str(tmp_path / HAFTAR.name), db=db).exit_code == 0
    assert _stored(db) == set()
    assert _dumped(api.sources(db)) == _dumped(before)


def test_a_listing_that_skipped_a_record_is_not_stored(db):
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE claims SET flags = 'not json' WHERE rowid = "
                     "(SELECT min(rowid) FROM claims)")
    for _ in range(2):  # said on every read, not only the first
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            api.sources(db)
        assert any(issubclass(w.category, readback.SkippedRecord) for w in caught)
    assert "sources" not in _stored(db)


def test_a_read_only_database_is_listed_without_storing(db):
    import sqlite_utils

    expected = [1, 2, 3]
    ro = sqlite_utils.Database(sqlite3.connect(f"file:{db}?mode=ro", uri=True))
    got = readback.stored_listing(ro, "sources", lambda: expected, int, str, None, 0)
    assert got == expected
    assert "sources" not in _stored(db)


def test_an_entity_selection_is_stored_and_dropped_by_a_merge(db):
    """entityselect.entity_selection (show, claims --entity, timeline, report) is stored too."""

    def chosen(name):
        return api.show_entity(db, name).model_dump()

    before = chosen("Khalifa Haftar")
    assert any(k.startswith("entity selection") for k in _stored(db))
    assert chosen("Khalifa Haftar") == before
    assert _fresh(db, lambda p: chosen("Khalifa Haftar")) == before
    assert run_cli("entities", "merge", "Khalifa Haftar", "Ahmed Al-Mismari", db=db).exit_code == 0
    assert _stored(db) == set()
    merged = chosen("Khalifa Haftar")
    assert merged["total_claims"] > before["total_claims"]
    assert _fresh(db, lambda p: chosen("Khalifa Haftar")) == merged
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM listing_rows").fetchone()[0] > 0
    run_cli("sources", "grade", "Khalifa Haftar", "C", "--why", "party to the war", db=db)
    with sqlite3.connect(db) as conn:  # the rows go with the state, not only hidden
        assert conn.execute("SELECT count(*) FROM listing_rows").fetchone()[0] == 0


def test_show_entity_reads_its_notes_stored_the_same_as_built(db):
    """The entity record and the author's identifications (`via`) come back stored."""
    first = api.show_entity(db, "Abu Abdullah Sadik")
    assert "entity notes Abu Abdullah Sadik" in _stored(db)
    vias = [c.via for d in first.documents for c in d.by + d.about if c.via]
    assert vias, "the seeds identify Sadik as Belhadj: some claim rests on it"
    again = api.show_entity(db, "Abu Abdullah Sadik")
    assert again.model_dump() == first.model_dump()


# --- listings written as they are read (no --limit: maybe a whole archive) ---


@pytest.mark.parametrize("command", [["claims"], ["flags"], ["claims", "--flag", "single_source"],
                                     ["claims", "--author", "--offset", "5"]])
def test_every_format_writes_the_listing_as_it_is_read(db, monkeypatch, command):
    monkeypatch.setattr(queries, "CHUNK", 3)  # many chunks, some with no row kept
    # the reference: one page holding every row, read and graded as a list
    listed = run_cli(*command, "--json", "--limit", "100000", db=db)
    assert listed.exit_code == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) > 6

    def paged(real):
        def read(*args, **kwargs):
            if kwargs.get("limit") is None:
                raise AssertionError("the whole listing held in memory")
            return real(*args, **kwargs)  # a table's first rows: a page
        return read

    # without --limit: claims_stream, or (a table) a page and a count
    monkeypatch.setattr(api, "claims", paged(api.claims))
    monkeypatch.setattr(api, "flagged", paged(api.flagged))
    streamed = run_cli(*command, "--json", db=db)
    assert streamed.exit_code == 0, streamed.stderr
    assert streamed.stdout == listed.stdout  # byte for byte json.dumps(rows, indent=2)
    lines = run_cli(*command, "--nl", db=db)
    assert [json.loads(line) for line in lines.stdout.splitlines()] == rows
    table = run_cli(*command, "--csv", db=db)
    assert [r["id"] for r in csv.DictReader(io.StringIO(table.stdout))] == [
        r["id"] for r in rows]
    monkeypatch.setattr(output, "TABLE_ROWS", 4)  # the first rows shown, the rest counted
    shown = run_cli(*command, db=db)
    assert shown.exit_code == 0, shown.stderr
    offset = 5 if "--offset" in command else 0
    assert f"of {offset + len(rows):,} " in " ".join(shown.stderr.split())


def test_a_stream_reads_and_grades_only_as_far_as_it_is_pulled(db, monkeypatch):
    monkeypatch.setattr(queries, "CHUNK", 2)
    calls: list[int] = []
    real = corpusflags.corroboration

    def counted(handle, cs):
        calls.append(len(cs))
        return real(handle, cs)

    monkeypatch.setattr(corpusflags, "corroboration", counted)
    stream = api.claims_stream(db)
    assert calls == []  # nothing read before the first row is asked for
    first = next(stream)
    assert calls == [2] and first.grade is not None
    assert len(list(stream)) == len(api.claims(db)) - 1


def test_a_stream_checks_its_arguments_when_called(db):
    with pytest.raises(NotFoundError):
        api.claims_stream(db, flag="no_such_flag")
    with pytest.raises(NotFoundError):
        api.claims_stream(db, entity="Nobody Of That Name")
    bad = run_cli("claims", "--nl", "--flag", "no_such_flag", db=db)
    assert bad.exit_code == 1 and bad.stdout == "" and "unknown flag" in bad.stderr


def test_a_marked_name_key_leaves_out_the_records_of_every_component_holding_it(db, tmp_path):
    """Migration 16: a node written marks its name key; the kept records of the
    components holding a safe node of that key are not read, the next `entities` builds
    them again, keeps them and clears the marks."""
    from claimtrack.store import db as dbmod

    whole = _dumped(api.entities(db))
    version = readback.listing_version()
    with sqlite3.connect(db) as conn:
        key, comp = conn.execute(
            "SELECT key, comp FROM entity_nodes WHERE key LIKE '%haftar%' AND comp IS NOT NULL "
            "AND safe = 1 LIMIT 1").fetchone()
        holding = {r[0] for r in conn.execute(  # its safe nodes': they join by name
            "SELECT DISTINCT comp FROM entity_nodes WHERE key = ? AND safe = 1", (key,))}
        assert conn.execute("SELECT count(*) FROM entity_stale_keys").fetchone()[0] == 0
        conn.execute("INSERT INTO entity_stale_keys (key) VALUES (?)", (key,))
    handle = dbmod.open_db(db)
    try:
        kept = readback.entity_rows(handle, version)
    finally:
        handle.close()
    assert kept and comp in _entity_comps(db)
    assert not holding & set(kept)  # left out, though their rows are still there
    assert set(_entity_comps(db)) - holding <= set(kept)
    assert _dumped(_fresh(db, api.entities)) == whole  # the stored listing set aside
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM entity_stale_keys").fetchone()[0] == 0
    assert comp in _entity_comps(db)

    story = tmp_path / "story.txt"
    story.write_text("Khalifa Haftar said his forces would hold Tripoli, according to "
                     "a spokesman.\n", encoding="utf-8")
    assert run_cli("add", str(story), db=db).exit_code == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM entity_stale_keys").fetchone()[0] > 0
    assert _dumped(api.entities(db)) == _dumped(_whole_entities(db))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM entity_stale_keys").fetchone()[0] == 0


def _entity_comps(db: Path) -> set[str]:
    return {c for c, _ in _entity_rows(db)}


def test_component_names_are_kept_and_dropped_with_their_nodes(db, tmp_path):
    """Migration 17: the first `sources` keeps every entity component's name; a
    document joining a component drops that component's name alone, and the listing
    after it is what a computation from nothing kept says."""
    api.sources(db)
    with sqlite3.connect(db) as conn:
        kept = dict(conn.execute("SELECT comp, name FROM component_names"))
        comps = {r[0] for r in conn.execute(
            "SELECT DISTINCT comp FROM entity_nodes WHERE comp IS NOT NULL")}
        haftar = conn.execute("SELECT comp FROM component_names WHERE name = ?",
                              ("Khalifa Haftar",)).fetchone()[0]
    assert kept and set(kept) <= comps  # the sources' components named
    story = tmp_path / "story.txt"
    story.write_text("Khalifa Haftar said his forces would hold Tripoli.\n", encoding="utf-8")
    assert run_cli("add", str(story), db=db).exit_code == 0
    with sqlite3.connect(db) as conn:
        left = dict(conn.execute("SELECT comp, name FROM component_names"))
        joined = {r[0] for r in conn.execute(
            "SELECT comp FROM entity_nodes WHERE doc_id = (SELECT id FROM documents "
            "WHERE origin LIKE '%story.txt')")}
    assert haftar in joined and haftar not in left
    assert {c: n for c, n in kept.items() if c not in joined} == left
    listed = _dumped(api.sources(db))
    with sqlite3.connect(db) as conn:
        for table in ("component_names", "source_parts"):
            conn.execute(f"DELETE FROM {table}")
    assert _dumped(_fresh(db, api.sources)) == listed


def handle_of(db: Path):
    import sqlite_utils

    return sqlite_utils.Database(db)


def test_sources_and_entities_tables_print_their_first_rows_and_count_the_rest(
        db, monkeypatch):
    """Without --limit a table reads its first rows as a page and counts the rest from
    what is kept (it computed the whole listing to print 200 rows: `sources` 18 s and
    `entities` 14 s at 3,000 documents, every time); a graded source is counted from
    the listing computed in memory."""
    monkeypatch.setattr(output, "TABLE_ROWS", 4)
    for command, title in (("sources", "sources"), ("entities", "entities")):
        n = len(getattr(api, command)(db))
        assert n > 8
        for args, shown in (((), "4"), (("--offset", "3"), "4-7")):
            result = run_cli(command, *args, db=db)
            assert result.exit_code == 0, result.stderr
            assert f"showing {shown} of {n:,} {title}" in " ".join(result.stderr.split())
    run_cli("sources", "grade", "Khalifa Haftar", "C", "--why", "party to the war", db=db)
    n = len(api.sources(db))
    assert api.count_sources(db) == n
    result = run_cli("sources", db=db)
    assert f"of {n:,} sources" in " ".join(result.stderr.split())


def test_entities_pages_are_slices_of_the_listing_built_in_memory(db, tmp_path):
    """Migration 18: a page of `entities` is an ORDER BY on the kept records' ranks;
    every page is the slice of the listing built and sorted in memory, before and
    after documents come (ties of equal counts and names included)."""
    from claimtrack.entities import reads
    from claimtrack.store import db as dbmod

    def in_memory() -> list[dict]:
        handle = dbmod.open_db(db)
        try:
            return _dumped(reads.corpus_entities(handle))
        finally:
            handle.close()

    tied = []
    for step in range(4):
        whole = in_memory()
        # counted before a read keeps the records (the listing's length), and after
        # (the kept records)
        assert api.count_entities(db) == len(whole)
        assert _dumped(api.entities(db)) == whole == _dumped(_whole_entities(db))
        assert readback.kept_count(handle_of(db), readback.RECORDS_KEPT,
                                   readback.listing_version()) == len(whole)
        assert api.count_entities(db) == len(whole)
        for limit, offset in ((1, 0), (3, 2), (50, 5), (None, 7), (2, len(whole) - 1)):
            assert _dumped(api.entities(db, limit=limit, offset=offset)) == \
                whole[offset:None if limit is None else offset + limit], (step, limit, offset)
        counts = [(e["claims_by"], e["mentions"], e["name"]) for e in whole]
        tied.append(len(set(counts)) < len(counts))
        story = sorted(STORY.glob("*.txt"))[step]
        shutil.copy(story, tmp_path / story.name)
        assert run_cli("add", str(tmp_path / story.name), db=db).exit_code == 0
    assert any(tied)  # equal counts and names: the first node's place breaks the tie


def test_listing_rank_sorts_as_the_listing_does():
    from hypothesis import given
    from hypothesis import strategies as st

    from claimtrack.entities.reads import listing_rank
    from claimtrack.models import Entity

    names = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF), min_size=1,
                    max_size=6)
    orders = st.one_of(
        st.tuples(st.sampled_from([0, 2]), st.text("0123456789abcdef", min_size=12,
                                                     max_size=12), st.integers(0, 10**6)),
        st.tuples(st.just(1), st.sampled_from(["2026-11-27T08:31:16+00:00",
                                               "2026-11-27T08:31:16.562423+00:00",
                                               "2026-11-27T08:31:17+00:00"]),
                  st.text("0123456789abcdef", min_size=12, max_size=12), st.integers(0, 10**6)))
    records = st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), names, orders)

    @given(st.lists(records, min_size=2, max_size=8))
    def check(rows):
        es = [(Entity(name=n, type="person", claims_by=c, mentions=m), o) for c, m, n, o in rows]
        by_key = sorted(es, key=lambda x: (-x[0].claims_by, -x[0].mentions,
                                           x[0].name.casefold(), x[0].name, x[1]))
        by_rank = sorted(es, key=lambda x: listing_rank(*x))
        assert [listing_rank(*x) for x in by_key] == [listing_rank(*x) for x in by_rank]

    check()


def test_sources_pages_are_slices_of_the_listing_computed_in_memory(db, tmp_path):
    """Migration 19: a page of `sources` sums the kept shares' rows in SQL and merges
    only the sources it can hold; every page is the slice of the listing computed in
    memory from nothing kept, before and after documents come (ties included)."""
    from claimtrack.store import db as dbmod

    def in_memory() -> list[dict]:
        handle = dbmod.open_db(db)
        try:
            handle.conn.execute("DELETE FROM source_parts")
            handle.conn.commit()
            return _dumped(sourcelisting.corpus_sources(handle))
        finally:
            handle.conn.rollback()
            handle.close()

    tied = []
    for step in range(4):
        fresh = api.count_sources(db)  # after a write: the listing's length
        whole = _dumped(api.sources(db))
        assert fresh == len(whole) == api.count_sources(db)
        assert readback.kept_count(handle_of(db), readback.SHARES_KEPT,
                                   readback.listing_version()) == len(whole)
        for limit, offset in ((1, 0), (3, 2), (50, 5), (None, 7), (2, len(whole) - 1), (0, 3)):
            assert _dumped(api.sources(db, limit=limit, offset=offset)) == \
                whole[offset:None if limit is None else offset + limit], (step, limit, offset)
        with sqlite3.connect(db) as conn:  # the totals the triggers keep are the rows' sums
            kept = set(conn.execute("SELECT version, key, claims FROM source_totals"))
            summed = set(conn.execute("SELECT version, key, sum(claims) FROM "
                                      "source_share_rows GROUP BY version, key"))
        assert kept == summed and kept
        assert in_memory() == whole
        counts = [r["claims"] for r in whole]
        tied.append(len(set(counts)) < len(counts))
        story = sorted(STORY.glob("*.txt"))[step]
        shutil.copy(story, tmp_path / story.name)
        assert run_cli("add", str(tmp_path / story.name), db=db).exit_code == 0
    assert all(tied)  # a page ending inside a run of equal counts


def test_a_batch_add_prepares_the_listings_a_single_add_leaves_them(tmp_path, monkeypatch):
    """`add` of several documents keeps every share and record (the first `sources` and
    `entities` after it compute nothing); a one-document add leaves them to the read,
    and a rerun that stores nothing new still finishes them."""
    from claimtrack.entities import reads

    stories = sorted(STORY.glob("*.txt"))
    db = tmp_path / "batch.db"
    assert run_cli("add", str(stories[0]), db=db).exit_code == 0
    assert _stored(db) == set()  # one document: nothing prepared
    result = run_cli("add", *map(str, stories[1:]), db=db)
    assert result.exit_code == 0, result.stderr
    assert _stored(db) >= {readback.SHARES_KEPT, readback.RECORDS_KEPT}

    def fail(*args, **kwargs):
        raise AssertionError("computed at read time")

    with monkeypatch.context() as m:
        m.setattr(sourcelisting, "_share", fail)
        m.setattr(reads, "_build_components", fail)
        assert run_cli("sources", db=db).exit_code == 0
        assert run_cli("entities", db=db).exit_code == 0
    with sqlite3.connect(db) as conn:  # as a kill between storing and preparing leaves it
        conn.execute("DELETE FROM listing_state")
        conn.execute("DELETE FROM source_parts")
    again = run_cli("add", *map(str, stories), db=db)
    assert again.exit_code == 0 and "0 added, 5 unchanged" in again.stderr
    assert _stored(db) >= {readback.SHARES_KEPT, readback.RECORDS_KEPT}


def test_a_read_marked_complete_computes_no_share_and_builds_no_record(db, tmp_path, monkeypatch):
    """Migration 20: once every share and every record is kept (marked), a read pages
    them without looking for missing ones; what drops a share or a record, or marks a
    name key, drops the mark."""
    from claimtrack.entities import reads

    sources, entities = _dumped(api.sources(db)), _dumped(api.entities(db))
    assert _stored(db) == {readback.SHARES_KEPT, readback.RECORDS_KEPT}

    def fail(*args, **kwargs):
        raise AssertionError("looked for what is missing")

    with monkeypatch.context() as m:
        m.setattr(sourcelisting, "_share", fail)
        m.setattr(readback, "components_without_records", fail)
        m.setattr(reads, "_build_components", fail)
        assert _dumped(api.sources(db, limit=3, offset=1)) == sources[1:4]
        assert _dumped(api.entities(db, limit=3, offset=1)) == entities[1:4]
    story = sorted(STORY.glob("*.txt"))[0]
    shutil.copy(story, tmp_path / story.name)
    assert run_cli("add", str(tmp_path / story.name), db=db).exit_code == 0
    assert _stored(db) == set()
    api.sources(db)
    api.entities(db)
    assert _stored(db) == {readback.SHARES_KEPT, readback.RECORDS_KEPT}
    api.sources(db, limit=2)  # a page kept as printed
    assert "sources page 0 2" in _stored(db)
    with sqlite3.connect(db) as conn:  # a share dropped alone (a cluster's change does it)
        conn.execute("DELETE FROM source_parts WHERE doc_id = (SELECT min(doc_id) "
                     "FROM source_parts)")
        conn.execute("DELETE FROM entity_rows WHERE comp = (SELECT min(comp) FROM entity_rows)")
    assert _stored(db) == set()


def test_migrations_19_and_20_fill_the_share_rows_and_totals_from_the_kept_shares(db):
    """A database kept shares before migration 19: the migrations explode them into the
    rows a read writes, and sum the totals the triggers would keep."""
    from claimtrack.store import db as dbmod
    from claimtrack.store.migrations import LATEST

    api.sources(db)

    def rows() -> tuple[list, list]:
        with sqlite3.connect(db) as conn:
            shares = sorted((d, s, k, v, c, json.loads(x)) for d, s, k, v, c, x in conn.execute(
                "SELECT doc_id, seq, key, version, claims, data FROM source_share_rows"))
            totals = sorted(conn.execute("SELECT version, key, claims FROM source_totals"))
        return shares, totals

    written = rows()
    assert written[0] and written[1]
    with sqlite3.connect(db) as conn:  # as it was at migration 18, its shares kept
        for name in ("source_totals_rows_insert", "source_totals_rows_delete",
                     "source_share_rows_parts_delete", "listing_marks_parts_delete",
                     "listing_marks_records_delete", "listing_marks_keys_insert"):
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("DROP TABLE source_totals")
        conn.execute("DROP TABLE source_share_rows")
        unpack_unit_index(conn)  # and migration 21's
        conn.execute("PRAGMA user_version = 18")
    dbmod.open_db(db).conn.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert rows() == written


@pytest.mark.parametrize("command", [api.sources, api.entities])
def test_a_read_only_database_with_nothing_kept_pages_as_a_writable_one(db, tmp_path,
                                                                         monkeypatch, command):
    """Nothing can be kept: the page paths give up and the listing is computed in
    memory, the same rows as on a database that keeps them."""
    copy = tmp_path / "writable.db"
    shutil.copy(db, copy)
    expected = [_dumped(command(copy, limit=limit, offset=offset))
                for limit, offset in ((2, 0), (3, 1), (None, 0))]
    monkeypatch.setattr("claimtrack.store.db._writable", lambda p: False)
    got = [_dumped(command(db, limit=limit, offset=offset))
           for limit, offset in ((2, 0), (3, 1), (None, 0))]
    assert got == expected and expected[2]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM source_parts").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM entity_rows").fetchone()[0] == 0
    assert _stored(db) == set()


def test_a_first_read_keeps_what_it_computes_a_chunk_at_a_time(db, tmp_path, monkeypatch):
    """The first `sources` and `entities` of a database with nothing kept (a large one
    after an upgrade) hold one chunk of shares or one batch of records at a time,
    each kept before the next is computed, and the mark with the last: memory does
    not grow with the database. The pages equal the listings computed in memory."""
    from claimtrack.entities import reads

    for story in sorted(STORY.glob("*.txt")):
        shutil.copy(story, tmp_path / story.name)
    assert run_cli("add", str(tmp_path), db=db).exit_code == 0
    sources, entities = _dumped(_fresh(db, api.sources)), _dumped(_whole_entities(db))
    with sqlite3.connect(db) as conn:
        for table in ("listing_state", "source_parts", "entity_rows", "component_names"):
            conn.execute(f"DELETE FROM {table}")
        docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    kept: dict[str, list[int]] = {"shares": [], "records": []}
    real_parts, real_rows = readback.store_source_parts, readback.store_entity_rows

    def parts(db_, version, before, computed, complete=False):
        kept["shares"].append(len(computed))
        return real_parts(db_, version, before, computed, complete)

    def rows(db_, version, before, built, complete=False):
        kept["records"].append(len(built))
        return real_rows(db_, version, before, built, complete)

    monkeypatch.setattr(sourcelisting, "SHARES_CHUNK", 2)
    monkeypatch.setattr(reads, "BATCH_NODES", 5)
    monkeypatch.setattr(readback, "store_source_parts", parts)
    monkeypatch.setattr(readback, "store_entity_rows", rows)
    assert _dumped(api.sources(db, limit=4)) == sources[:4]
    assert _dumped(api.entities(db, limit=4)) == entities[:4]
    assert _stored(db) >= {readback.SHARES_KEPT, readback.RECORDS_KEPT}
    assert len(kept["shares"]) == -(-docs // 2) and max(kept["shares"]) <= 2
    assert len(kept["records"]) > 2 and max(kept["records"]) < len(entities)
    assert _dumped(api.sources(db)) == sources
    assert _dumped(api.entities(db)) == entities


def test_a_first_read_cut_short_by_a_writer_keeps_what_it_kept(db, tmp_path, monkeypatch):
    """Another process writing between two chunks of a first read: the read lists in
    memory what it cannot keep, the chunks kept before stay (they are current: the
    writer's own triggers drop what it changes), and the next read finishes them."""
    from claimtrack.entities import reads

    sources, entities = _dumped(_fresh(db, api.sources)), _dumped(_whole_entities(db))
    with sqlite3.connect(db) as conn:
        for table in ("listing_state", "source_parts", "entity_rows", "component_names"):
            conn.execute(f"DELETE FROM {table}")
    calls = {"shares": 0, "records": 0}
    real_parts, real_rows = readback.store_source_parts, readback.store_entity_rows

    def parts(*args, **kwargs):
        calls["shares"] += 1
        return calls["shares"] == 1 and real_parts(*args, **kwargs)

    def rows(*args, **kwargs):
        calls["records"] += 1
        return calls["records"] == 1 and real_rows(*args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(sourcelisting, "SHARES_CHUNK", 1)
        m.setattr(reads, "BATCH_NODES", 3)
        m.setattr(readback, "store_source_parts", parts)
        m.setattr(readback, "store_entity_rows", rows)
        assert _dumped(api.sources(db)) == sources
        assert _dumped(api.entities(db)) == entities
    assert calls["shares"] >= 2 and calls["records"] >= 2
    assert readback.SHARES_KEPT not in _stored(db) and readback.RECORDS_KEPT not in _stored(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM source_parts").fetchone()[0] == 1
    assert _dumped(api.sources(db, limit=3)) == sources[:3]
    assert _dumped(api.entities(db, limit=3)) == entities[:3]
    assert _stored(db) >= {readback.SHARES_KEPT, readback.RECORDS_KEPT}


@pytest.mark.parametrize("author", [False, True])
def test_a_deep_offset_reads_the_documents_of_its_page_only(db, monkeypatch, author):
    """`claims --offset K` counts the claims of the documents before the page in SQL:
    the same rows as slicing the whole listing, every offset, for a page and a stream,
    and only the documents from the page's first on are read."""
    from claimtrack.store import readback as rb

    whole = [c.id for c in api.claims(db, author=author)]
    read: list[str | None] = []
    real = rb.read_claims

    def counted(handle, doc_id=None, author=False, ids=None, seqs=None):
        read.append(doc_id)
        return real(handle, doc_id=doc_id, author=author, ids=ids, seqs=seqs)

    monkeypatch.setattr(rb, "read_claims", counted)
    docs = list(dict.fromkeys(cid.rsplit(":", 1)[0] for cid in whole))
    for offset in range(1, len(whole) + 2):
        read.clear()
        page = [c.id for c in api.claims(db, author=author, limit=3, offset=offset)]
        assert page == whole[offset:offset + 3]
        if offset < len(whole):
            first = docs.index(whole[offset].rsplit(":", 1)[0])
            assert read[0] == docs[first] and set(read) <= set(docs[first:])
        assert [c.id for c in api.claims_stream(db, offset=offset, author=author)] == \
            whole[offset:]
