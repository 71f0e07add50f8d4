"""entities.reads: the graphs a read builds (per database state, only the names asked)."""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import copy_database, run_cli

from claimtrack import api, entities
from claimtrack.entities import reads
from claimtrack.evalsplit import iter_split
from claimtrack.store import readback
from claimtrack.store.db import open_db
from claimtrack.text.names import canonical_name


def test_entities_from_a_database(karimi_db):
    ents = {e.name: e for e in api.entities(karimi_db)}
    karimi = ents["Hassan Karimi"]
    # "Karimi said", "He said" fold into him; the same full name merges across documents
    assert karimi.documents == 2 and karimi.claims_by >= 2
    # never one entity across documents
    anon = [e for e in api.entities(karimi_db) if "senior official" in e.name.casefold()]
    assert [(e.documents, e.anonymous) for e in anon] == [(1, True), (1, True)]
    only_b = api.entities(karimi_db, doc="b")
    assert all(e.documents == 1 for e in only_b)
    assert {e.name for e in only_b} >= {"Hassan Karimi"}


def test_the_graph_is_built_once_per_database_state(karimi_db):
    """One read asks for the graph more than once; a write (here a merge, on this
    connection or another) gives a new one."""
    db = open_db(karimi_db)
    first = entities.build(db)
    assert entities.build(db) is first
    entities.decide(db, "merge", "Hassan Karimi", "senior official")
    after = entities.build(db)
    assert after is not first
    assert entities.build(db) is after
    other = open_db(karimi_db)
    entities.decide(other, "split", "Hassan Karimi", "senior official")
    assert entities.build(db) is not after


@pytest.mark.parametrize("decisions", [(), (("merge", "Libya", "Tripoli"),
                                              ("split", "Belhadj", "Abu Abdullah Sadik"))])
def test_reads_build_only_the_entities_they_show_and_get_them_right(
        seeded_db, tmp_path, decisions):
    """build_for_name / build_for_claims read only the stored facts of the documents
    the asked entities reach, and give the same records as the whole graph, for every
    name the graph has, with merges and splits replayed."""
    karimi_db = tmp_path / "copy.db"
    copy_database(seeded_db, karimi_db)
    db = open_db(karimi_db)
    assert db.conn.execute("SELECT count(*) FROM entity_facts").fetchone()[0] == len(
        api.documents(karimi_db))
    for action, a, b in decisions:
        entities.decide(db, action, a, b)
    whole = reads._build(db, ())
    for node in list(whole.nodes.values()):
        reads._GRAPHS.clear()
        part = entities.build_for_name(db, node.surface)
        got, want = part.find(node.surface), whole.find(node.surface)
        assert [part.records[i] for i in got] == [whole.records[i] for i in want]
        assert [part.author_identifications(i) for i in got] == [
            whole.author_identifications(i) for i in want]
    claims = [c for c in api.claims(karimi_db)]
    one = [c for c in claims if c.doc_id == claims[0].doc_id]
    reads._GRAPHS.clear()
    part = entities.build_for_claims(db, one)
    for c in one:
        i, j = part.entity_of_claim(c.id), whole.entity_of_claim(c.id)
        assert (i is None) == (j is None)
        assert i is None or part.records[i] == whole.records[j]


def test_an_edit_outside_the_store_drops_the_documents_facts(karimi_db):
    """A claim changed behind the store's back: its document's facts go (a trigger) and
    reads compute that part from the rows again, so they never read stale facts."""
    db = open_db(karimi_db)
    doc = api.documents(karimi_db)[0].id
    with db.conn:
        db.conn.execute("UPDATE claims SET source_entity = 'Zed Quux' WHERE doc_id = ? "
                        "AND seq = (SELECT min(seq) FROM claims WHERE doc_id = ? "
                        "AND source_text IS NOT NULL)", (doc, doc))
    assert db.conn.execute("SELECT count(*) FROM entity_facts WHERE doc_id = ?",
                           (doc,)).fetchone()[0] == 0
    assert [e.name for e in api.entities(karimi_db) if e.name == "Zed Quux"] == ["Zed Quux"]
    assert entities.build_for_name(open_db(karimi_db), "Zed Quux").find("Zed Quux")


def test_one_shared_closure_gives_each_entity_as_the_whole_graph(seeded_db, tmp_path):
    """A read extends one closure (a name, then its page's sources, then a report's):
    every entity in the grown graph is still that of the whole build."""
    karimi_db = tmp_path / "copy.db"
    copy_database(seeded_db, karimi_db)
    db = open_db(karimi_db)
    whole = reads._build(db, ())
    reads._GRAPHS.clear()
    for node in list(whole.nodes.values()):  # never cleared: the closure only grows
        part = entities.build_for_name(db, node.surface)
        got, want = part.find(node.surface), whole.find(node.surface)
        assert [part.records[i] for i in got] == [whole.records[i] for i in want]
        assert [part.name_of(i) for i in got] == [whole.records[i].name for i in want]
    claims = api.claims(karimi_db)
    part = entities.build_for_claims(db, claims[:5])
    for c in claims[:5]:
        i, j = part.entity_of_claim(c.id), whole.entity_of_claim(c.id)
        assert (i is None) == (j is None)
        assert i is None or part.records[i] == whole.records[j]


def _listing_db(seeded_db, tmp_path, polnear: Path | None = None) -> Path:
    copy = tmp_path / "copy.db"
    copy_database(seeded_db, copy)
    if polnear is not None:  # articles that share their people: entities across documents
        folder = tmp_path / "texts"
        folder.mkdir()
        for i, doc in enumerate(itertools.islice(iter_split(polnear, "dev"), 12)):
            (folder / f"dev{i}.txt").write_text(doc["text"], encoding="utf-8")
        assert run_cli("add", str(folder), db=copy).exit_code == 0
    # what reads of the shared database, and a batch add, kept: built here
    with sqlite3.connect(copy) as conn:
        for table in ("entity_rows", "listing_state", "listing_rows"):
            conn.execute(f"DELETE FROM {table}")
    return copy


@pytest.mark.parametrize("batch", [1, 40, 1_000_000])
def test_the_entities_listing_built_a_batch_of_components_at_a_time_is_the_whole_graphs(
        seeded_db, tmp_path, monkeypatch, batch, request):
    polnear = request.getfixturevalue("polnear_path") if batch == 40 else None
    db = open_db(_listing_db(seeded_db, tmp_path, polnear))
    whole = reads._build(db, ()).entities()
    monkeypatch.setattr(reads, "BATCH_NODES", batch)
    asked: list[int] = []
    real = readback.component_nodes

    def counted(*args, **kwargs):
        rows = real(*args, **kwargs)
        asked.append(len(rows))
        return rows

    monkeypatch.setattr(readback, "component_nodes", counted)
    reads._GRAPHS.clear()
    assert reads.corpus_entities(db) == whole
    assert (len(asked) > 1) == (batch < 1_000_000) and sum(asked) == len(reads._build(db, ()).nodes)
    if polnear is not None:  # the same person across documents, as one entity
        assert any(e.documents > 2 for e in whole)


def test_the_entities_listing_after_a_merge_is_the_whole_graphs(seeded_db, tmp_path):
    db = open_db(_listing_db(seeded_db, tmp_path))
    entities.decide(db, "merge", "Libya", "Tripoli")
    reads._GRAPHS.clear()
    assert reads.corpus_entities(db) == reads._build(db, ()).entities()


def test_a_name_no_entity_has_is_told_from_the_kept_records(seeded_db, tmp_path, monkeypatch):
    """A name no node has sent `show` to build the whole graph to look at every entity's
    aliases (11 s at 3,000 documents to say there is none); with every component's
    records kept, their names and aliases answer. Where a component has none kept, its
    records are kept first (a batch at a time), still no whole graph."""
    path = _listing_db(seeded_db, tmp_path)
    api.entities(path)  # keeps every component's records
    db = open_db(path)
    whole = reads.build
    asked: list[str] = []
    monkeypatch.setattr(reads, "build", lambda db, extra=(): asked.append("whole")
                        or whole(db, extra))
    reads._GRAPHS.clear()
    assert reads.build_for_name(db, "Nobody Atall").find("Nobody Atall") == []
    assert asked == []
    with pytest.raises(Exception, match="no claim by or about 'Nobody Atall'"):
        api.show_entity(path, "Nobody Atall")
    assert asked == []
    # a name an entity carries is found as before
    assert api.show_entity(path, "Belhadj", limit=1).total_claims > 0
    with sqlite3.connect(path) as conn:  # one component with no record kept
        (comp,) = conn.execute("SELECT min(comp) FROM entity_rows").fetchone()
        conn.execute("DELETE FROM entity_rows WHERE comp = ?", (comp,))
    reads._GRAPHS.clear()
    assert reads.build_for_name(open_db(path), "Nobody Atall").find("Nobody Atall") == []
    assert asked == []
    with sqlite3.connect(path) as conn:  # kept again
        assert conn.execute("SELECT count(*) FROM entity_rows WHERE comp = ?",
                            (comp,)).fetchone()[0] > 0


@pytest.mark.parametrize("merged", [False, True], ids=["stored components", "after a merge"])
def test_a_documents_entities_are_built_from_their_components_alone(
        seeded_db, tmp_path, monkeypatch, merged):
    """`entities --doc` builds the entities with a node in the document, whole, not the
    whole graph (7 s and 530 MB at 3,000 documents): each document's list equals the
    whole graph's, also where a user's merge leaves the components unusable (the
    closure walks from the document's nodes instead)."""
    story = Path(__file__).parent / "fixtures" / "story"
    db = open_db(_listing_db(seeded_db, tmp_path))
    assert run_cli("add", str(story), db=Path(db.conn.execute(
        "PRAGMA database_list").fetchone()[2])).exit_code == 0
    if merged:
        entities.decide(db, "merge", "Khalifa Haftar", "Libya")
    docs = [r[0] for r in db.conn.execute("SELECT id FROM documents ORDER BY added, id")]
    whole = reads._build(db, ())
    wanted = {d: whole.entities(d) for d in docs}

    def no_whole_graph(*args, **kwargs):
        raise AssertionError("built the whole graph")

    monkeypatch.setattr(reads, "_build", no_whole_graph)
    for d in docs:
        reads._GRAPHS.clear()
        assert reads.list_entities(db, d) == wanted[d], d
    assert any(len(v) > 1 for v in wanted.values())


def test_a_name_no_record_has_is_found_from_a_few_kept_records(seeded_db, tmp_path, monkeypatch):
    """show/timeline --entity of a name no entity has: the records are kept first (a
    batch at a time) where they are not, never the whole graph built, and the answer
    reads only the records sharing a word with the name; it is what a scan of every
    record says, for every name and alias (any case) and for names nobody has."""
    path = _listing_db(seeded_db, tmp_path)
    story = Path(__file__).parent / "fixtures" / "story"
    assert run_cli("add", str(story), db=path).exit_code == 0
    db = open_db(path)
    with db.conn:
        db.conn.execute("DELETE FROM entity_rows")
        db.conn.execute("DELETE FROM listing_state")

    def no_whole_graph(*args, **kwargs):
        raise AssertionError("built the whole graph")

    with monkeypatch.context() as m:
        m.setattr(reads, "_build", no_whole_graph)
        reads._GRAPHS.clear()
        assert reads._named_by_no_record(db, "Nobody Atall")
    assert readback.listing_marked(db, readback.RECORDS_KEPT, readback.listing_version())
    every = [json.loads(r) for r in readback.entity_rows_naming(
        db, readback.listing_version(), "\u00e9")]  # not ASCII: every record
    names = {n for e in every for n in [e["name"], *e["aliases"]]}
    assert len(every) > 20 and len(names) > 20

    def scanned(name: str) -> bool:
        folded = canonical_name(name).casefold()
        return not any(folded == n.casefold() for e in every
                       for n in [e["name"], *e["aliases"]])

    asked = [*names, *(n.upper() for n in names), *(n.lower() for n in names),
             "Nobody Atall", "Greenfieldx", "Tripoli Post Office", "\u212aarimi", "Stra\u00dfe"]
    for name in asked:
        assert reads._named_by_no_record(db, name) == scanned(name), name


@pytest.mark.parametrize("author", [False, True])
def test_one_documents_selection_is_the_kept_corpus_selection_restricted(
        seeded_db, tmp_path, monkeypatch, author):
    """claims/report --entity X --doc D: where the whole corpus's selection of X is kept,
    D's is its rows of D, computed from nothing; and it is what computing D's alone
    says (a claim's role reads only its own document and the same entities)."""
    from claimtrack import entityselect

    path = copy_database(seeded_db, tmp_path / "claimtrack.db")
    handle = open_db(path)
    docs = [r[0] for r in handle.conn.execute("SELECT id FROM documents")]
    for name in ("Belhadj", "Haftar", "Libya"):
        computed = {d: entityselect.entity_selection(handle, name, doc_id=d, author=author)[1]
                    for d in docs}
        _, whole = entityselect.entity_selection(handle, name, author=author)
        assert whole and any(computed.values())
        with monkeypatch.context() as m:
            def fail(*args, **kwargs):
                raise AssertionError("computed a selection")
            m.setattr(readback, "entity_candidates", fail)
            for d in docs:
                _, kept = entityselect.entity_selection(handle, name, doc_id=d, author=author)
                assert kept == [row for row in whole if row[1] == d] == computed[d]


def test_a_page_of_an_entitys_claims_reads_only_its_claims(seeded_db, tmp_path, monkeypatch):
    """claims --entity X --limit N --offset K: the selection names the page's claims, so
    only they are read; every page is the slice of the whole listing (with --author and
    --doc too)."""
    from claimtrack import queries

    path = copy_database(seeded_db, tmp_path / "claimtrack.db")
    story = Path(__file__).parent / "fixtures" / "story"
    assert run_cli("add", str(story), db=path).exit_code == 0
    db = open_db(path)
    doc = db.conn.execute("SELECT id FROM documents ORDER BY added LIMIT 1").fetchone()[0]
    for name, author, in_doc in (("Greenfield", False, None), ("Greenfield", True, None),
                                 ("Belhadj", False, None), ("Belhadj", True, doc)):
        whole = queries.claims(db, entity=name, author=author, doc=in_doc)
        assert whole
        for offset in range(len(whole) + 1):
            read: list[str] = []
            real = queries.read

            def counted(db_, doc_id=None, author=False, real=real, read=read):
                got = real(db_, doc_id=doc_id, author=author)
                read.extend(c.id for c in got)
                return got

            with monkeypatch.context() as m:
                m.setattr(queries, "read", counted)
                page = queries.claims(db, entity=name, author=author, doc=in_doc, limit=2,
                                      offset=offset)
            assert page == whole[offset:offset + 2], (name, author, offset)
            # only the page's documents are read
            assert {i.rsplit(":", 1)[0] for i in read} <= {c.doc_id for c in page}
