"""store.entitystore: the stored entity nodes and components as documents come and go."""

from __future__ import annotations

import json
from pathlib import Path

from claimtrack import api, entities
from claimtrack.entities import reads
from claimtrack.entities.facts import node_of
from claimtrack.store.db import open_db


def test_entity_nodes_are_the_facts_a_node_a_row(karimi_db):
    """entity_nodes holds each stored node of entity_facts under its name key, and the
    edges row its folds, identifications and first named node; dropping the facts
    (a trigger, or rm) takes the node rows along."""
    from claimtrack.store.migrations import split_entity_facts

    db = open_db(karimi_db)
    facts = db.conn.execute("SELECT doc_id, facts, edges FROM entity_facts").fetchall()
    assert facts
    for doc_id, text, edges in facts:
        rows, want_edges = split_entity_facts(text)
        got = db.conn.execute("SELECT seq, key, node FROM entity_nodes WHERE doc_id = ? "
                              "ORDER BY seq", (doc_id,)).fetchall()
        assert got == rows and edges == want_edges
        stored = entities.DocFacts.from_json(doc_id, text)
        assert [k for _, k, _ in got] == [entities.key_text(n.key) for n in stored.nodes]
    doc = facts[0][0]
    with db.conn:
        db.conn.execute("DELETE FROM mentions WHERE doc_id = ?", (doc,))
    assert db.conn.execute("SELECT count(*) FROM entity_nodes WHERE doc_id = ?",
                           (doc,)).fetchone()[0] == 0


def _partitions(db):
    """(the stored components, the whole graph's entities) as sets of node ids."""
    stored: dict[int, set] = {}
    for doc_id, comp, node in db.conn.execute("SELECT doc_id, comp, node FROM entity_nodes"):
        n = node_of(doc_id, json.loads(node))
        stored.setdefault(comp, set()).add(n.id)
    whole = reads._build(db, ())
    return ({frozenset(g) for g in stored.values()},
            {frozenset(n.id for n in g) for g in whole.groups}, whole)


def _check_components(karimi_db):
    from claimtrack.store import readback

    db = open_db(karimi_db)
    stored, graph, whole = _partitions(db)
    assert stored == graph
    claims = api.claims(karimi_db, author=True)
    names = readback.component_names(db, claims)
    assert names is not None
    for c in claims:
        i = whole.entity_of_claim(c.id)
        assert names.get(c.id, (None, None))[1] == (None if i is None else whole.records[i].name)


def test_stored_components_are_the_graphs_entities_as_documents_come_and_go(tmp_path):
    """The components kept at add, rm and reextract are the whole graph's entities
    (no user decision), whatever the order documents come in; the names read from
    them are the records' names."""
    import shutil

    from conftest import SEEDS

    files = sorted(SEEDS.glob("*.md"))
    story = sorted((Path(__file__).parent / "fixtures" / "story").glob("*"))
    for order in (files + story, list(reversed(story)) + files):
        folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        karimi_db = folder / "c.db"
        for f in order:
            shutil.copy(f, folder / f.name)
            api.add(karimi_db, [str(folder / f.name)])
            _check_components(karimi_db)
        docs = api.documents(karimi_db)
        api.remove(karimi_db, [docs[len(docs) // 2].id])
        _check_components(karimi_db)
        api.reextract(karimi_db, doc=docs[0].id)
        _check_components(karimi_db)


def test_an_edit_behind_the_store_marks_the_components_stale_until_rematch(karimi_db):
    from claimtrack.store import readback

    db = open_db(karimi_db)
    claims = api.claims(karimi_db)
    assert readback.component_names(db, claims) is not None
    doc = api.documents(karimi_db)[0].id
    with db.conn:
        db.conn.execute("DELETE FROM mentions WHERE doc_id = ? AND seq = 0", (doc,))
    assert readback.component_names(db, claims) is None  # reads build the graph
    api.reextract(karimi_db, doc=doc)
    api.rematch(karimi_db)
    db = open_db(karimi_db)
    assert readback.component_names(db, api.claims(karimi_db)) is not None
    _check_components(karimi_db)
    entities.decide(db, "merge", "Hassan Karimi", "Karimi")
    assert readback.component_names(db, api.claims(karimi_db)) is None  # decisions: the graph


def test_rematch_draws_every_documents_entity_facts_again(karimi_db):
    """Facts drawn by older rules (here: a document's folds dropped behind the store's
    back) are drawn again from the rows by the rematch a new DECISIONS brings."""
    db = open_db(karimi_db)
    before = dict(db.conn.execute("SELECT doc_id, facts FROM entity_facts").fetchall())
    doc = next(d for d, text in before.items() if json.loads(text)["folds"])
    old = json.loads(before[doc])
    old["folds"] = []
    with db.conn:
        db.conn.execute("UPDATE entity_facts SET facts = ? WHERE doc_id = ?",
                        (json.dumps(old), doc))
    api.rematch(karimi_db)
    db = open_db(karimi_db)
    assert dict(db.conn.execute("SELECT doc_id, facts FROM entity_facts").fetchall()) == before


def test_a_one_word_name_folded_into_a_person_joins_no_other_document():
    """A node's stored entry: a one-word organisation is safe (joins its name's other
    safe nodes across documents) unless its document folds it into a person's full
    name (the 13th field, absent from facts drawn before 2026-11-29.7)."""
    from claimtrack.store.entitystore import node_columns

    old = [0, 0, 0, 0, ["trump"], [["Trump", 1]], [["ORG", 1]], [], [[0, 5]], [], 0, 0]
    assert node_columns(old)[2] == 1 and node_of("d", old).safe
    assert node_columns([*old, 0])[2] == 1 and node_of("d", [*old, 0]).safe
    assert node_columns([*old, 1])[2] == 0 and not node_of("d", [*old, 1]).safe
    assert node_of("d", [*old, 1]).label == "ORG"  # typed as NER tagged it


_EVERY_NODE = (  # the scan components_without_records makes without the base mark
    "SELECT comp, count(*) FROM entity_nodes WHERE comp IS NULL OR comp NOT IN "
    "(SELECT comp FROM entity_rows WHERE version = ? AND comp NOT IN "
    "(SELECT n.comp FROM entity_stale_keys s JOIN entity_nodes n ON n.key = s.key "
    "WHERE n.safe = 1 AND n.comp IS NOT NULL)) GROUP BY comp ORDER BY comp")


def _based(db, version: str) -> bool:
    return db.conn.execute("SELECT 1 FROM entity_base WHERE version = ?",
                           (version,)).fetchone() is not None


def test_the_components_a_write_leaves_without_records_are_found_without_a_scan(tmp_path):
    """After a whole listing keeps every component's records (the base mark), the
    components a write leaves without records are the noted ones (entity_unkept,
    migration 27) and those of marked keys: the same as scanning every node, and the
    listing read after the write is the whole graph's, as documents come and go and
    records are dropped behind the store's back."""
    import shutil

    from conftest import SEEDS

    from claimtrack.store import readback

    folder, db_path = tmp_path / "in", tmp_path / "c.db"
    folder.mkdir()
    files = sorted(SEEDS.glob("*.md")) + sorted(
        (Path(__file__).parent / "fixtures" / "story").glob("*"))
    for f in files:
        shutil.copy(f, folder / f.name)

    def check(base: bool) -> None:
        db = open_db(db_path)
        version = readback.listing_version()
        assert _based(db, version) == base
        missing = readback.components_without_records(db, version)
        assert missing == db.conn.execute(_EVERY_NODE, (version,)).fetchall()
        whole = sorted(e.model_dump_json() for e in reads._build(db, ()).entities())
        assert sorted(e.model_dump_json() for e in api.entities(db_path)) == whole
        assert _based(open_db(db_path), version)

    api.add(db_path, [str(folder / files[0].name)])
    check(base=False)  # a first listing scans, and marks
    for f in files[1:]:
        api.add(db_path, [str(folder / f.name)])
        check(base=True)
    docs = api.documents(db_path)
    api.reextract(db_path, doc=docs[1].id)
    check(base=True)
    api.remove(db_path, [docs[2].id])
    check(base=True)  # a document gone drops every record, each noted as it goes
    api.add(db_path, [str(folder / files[2].name)])
    check(base=True)
    with open_db(db_path).conn as conn:  # an edit behind the store's back
        conn.execute("DELETE FROM entity_rows WHERE comp IN (SELECT comp FROM entity_rows "
                     "ORDER BY comp LIMIT 3)")
    check(base=True)
    # a removal drops its own components' records and marks its keys (migration 28):
    # the others stand, first document of a name or not
    for doc in api.documents(db_path)[:-1]:
        api.remove(db_path, [doc.id])
        check(base=True)


def test_a_components_stored_name_is_the_graphs_when_a_surname_is_told_most():
    """The name a read gives a component from its nodes' stored columns (best_name of
    node_columns) is the one EntityGraph gives the entity: a surname told with an
    honorific ("Ms. Clinton", five times) is no full name, so "Hillary Clinton" (once)
    names her, in `sources` as in `entities`."""
    from claimtrack.entities import EntityGraph
    from claimtrack.entities.facts import document_facts
    from claimtrack.store.entitystore import best_name, node_columns

    text = "Hillary Clinton spoke. " + "Ms. Clinton said so. " * 5
    spans = [(0, 15, "Hillary Clinton", "PERSON")]
    spans += [(i, i + 11, "Ms. Clinton", "PERSON")
              for i in range(len(text)) if text.startswith("Ms. Clinton", i)]
    assert len(spans) == 6
    facts = document_facts("d", spans, [], [])
    rows: dict[str, list] = {}
    for n in json.loads(facts.to_json())["nodes"]:
        words, weight, _, rank = node_columns(n)
        key = " ".join(n[4])
        old = rows.get(key, [words, 0, ""])
        rows[key] = [words, old[1] + weight, max(old[2], rank)]
    (entity,) = EntityGraph([], {"d": spans}, {}, [], ["d"]).entities()
    assert best_name([tuple(r) for r in rows.values()]) == entity.name == "Hillary Clinton"
