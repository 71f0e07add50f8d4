"""entities: folding names into entity records, safe cross-document merges, decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrack import api, entities
from claimtrack.entities import EntityGraph, reads
from claimtrack.entities.facts import node_of
from claimtrack.errors import NotFoundError
from claimtrack.models import Alias, Claim, Decision, SourceInfo, Span
from claimtrack.store.db import open_db
from claimtrack.text.names import name_key


def claim(doc: str, seq: int, text: str, source: str | None, entity: str | None = None,
          content: str | None = None, info: str | None = None, relayed_by: str | None = None
          ) -> Claim:
    s = text.index(source) if source else 0
    body = content or text[-10:]
    c = text.index(body)
    return Claim(
        id=f"{doc}:{seq}", doc_id=doc, seq=seq,
        source=Span.of(text, s, s + len(source)) if source else None,
        cue=None, content=Span.of(text, c, c + len(body)), kind="indirect", cue_class="speech",
        cue_lemma=None, source_entity=entity, relayed_by=relayed_by, relation=None, rule=None,
        extractor="t/1", source_info=SourceInfo(type=info) if info else None,
    )


def mentions(text: str, *names: tuple[str, str]) -> list[tuple[int, int, str, str]]:
    out = []
    for name, label in names:
        i = text.index(name)
        out.append((i, i + len(name), name, label))
    return out


def decision(i: int, action: str, a: str, b: str) -> Decision:
    return Decision(id=i, action=action, a=a, b=b, who="t", at="2026-01-01T00:00:00")


def by_name(graph: EntityGraph) -> dict[str, object]:
    return {e.name: e for e in graph.entities()}


T1 = "Belhadj said he was proud. Abdelhakim Belhadj leads them. An unnamed official said so."
T2 = "Abdelhakim Belhadj denied it, an unnamed official said. Clinton spoke. NATO acted."
T3 = "Clinton said no. NATO said yes."


def graph(decisions=(), aliases=None) -> EntityGraph:
    claims = [
        claim("d1", 0, T1, "Belhadj", "Abdelhakim Belhadj", "he was proud"),
        claim("d1", 1, T1, "An unnamed official", None, "so", info="anonymous"),
        claim("d2", 0, T2, "an unnamed official", None, "Abdelhakim Belhadj denied it"),
        claim("d3", 0, T3, "Clinton", "Clinton", "no"),
        claim("d3", 1, T3, "NATO", "NATO", "yes"),
    ]
    ms = {
        "d1": mentions(T1, ("Abdelhakim Belhadj", "PERSON"), ("Belhadj", "PERSON")),
        "d2": mentions(T2, ("Abdelhakim Belhadj", "PERSON"), ("Clinton", "PERSON"),
                       ("NATO", "ORG")),
        "d3": mentions(T3, ("Clinton", "PERSON"), ("NATO", "ORG")),
    }
    return EntityGraph(claims, ms, aliases or {}, list(decisions), ["d1", "d2", "d3"])


def test_surname_folds_and_full_names_merge_across_documents():
    ents = by_name(graph())
    belhadj = ents["Abdelhakim Belhadj"]
    assert (belhadj.type, belhadj.documents, belhadj.claims_by) == ("person", 2, 1)
    assert belhadj.aliases == ["Belhadj"]
    # the claim's source span is the "Belhadj" mention: one reference, not two
    assert belhadj.mentions == 3


def test_anonymous_descriptors_never_merge_across_documents():
    anon = [e for e in graph().entities() if e.anonymous]
    assert [(e.name.casefold(), e.documents) for e in anon] == [
        ("unnamed official", 1), ("unnamed official", 1)]
    assert anon[0].type == "anonymous" or anon[1].type == "anonymous"


def test_one_word_person_names_stay_apart_but_organisations_merge():
    ents = graph().entities()
    clintons = [e for e in ents if e.name == "Clinton"]
    assert len(clintons) == 2  # which Clinton? not safe to say
    (nato,) = [e for e in ents if e.name == "NATO"]
    assert (nato.documents, nato.type) == (2, "organization")


def test_stable_order_most_claims_first_then_name():
    ents = graph().entities()
    keys = [(-e.claims_by, -e.mentions, e.name.casefold()) for e in ents]
    assert keys == sorted(keys)


def test_user_merge_names_the_entity_and_split_undoes_it():
    merged = graph([decision(1, "merge", "Clinton", "NATO")]).entities()
    (both,) = [e for e in merged if "NATO" in e.aliases]
    assert both.name == "Clinton" and both.documents == 2
    assert both.claims_by == 2  # both Clintons and NATO: the user merged all named so
    undone = graph([decision(1, "merge", "Clinton", "NATO"),
                    decision(2, "split", "NATO", "Clinton")]).entities()
    assert not any("NATO" in e.aliases for e in undone)
    again = graph([decision(1, "split", "NATO", "Clinton"),
                   decision(2, "merge", "NATO", "Clinton")]).entities()
    assert any(e.name == "NATO" and "Clinton" in e.aliases for e in again)  # last one wins


def test_split_refuses_an_automatic_fold():
    ents = by_name(graph([decision(1, "split", "Abdelhakim Belhadj", "Belhadj")]))
    assert ents["Abdelhakim Belhadj"].aliases == []
    assert ents["Belhadj"].documents == 1


def test_author_alias_links_names_as_the_authors_assertion():
    text = T1 + " Abu Abdullah Sadik [aka Abdelhakim Belhadj] fought."
    start = text.index("[aka")
    al = Alias(start=start, end=text.index("]") + 1, name="Abdelhakim Belhadj",
               alias="Abu Abdullah Sadik")
    g = EntityGraph(
        [claim("d1", 0, text, "Belhadj", "Abdelhakim Belhadj", "he was proud")],
        {"d1": mentions(text, ("Abdelhakim Belhadj", "PERSON"), ("Abu Abdullah Sadik", "PERSON"))},
        {"d1": [al]},
    )
    (e,) = [e for e in g.entities() if e.name == "Abdelhakim Belhadj"]
    assert "Abu Abdullah Sadik" in e.aliases
    assert e.identified_by_author == ["Abu Abdullah Sadik"]
    assert g.find("Abu Abdullah Sadik") == g.find("Abdelhakim Belhadj")
    split = EntityGraph(g_claims := [claim("d1", 0, text, "Belhadj", "Abdelhakim Belhadj",
                                           "he was proud")],
                        {"d1": mentions(text, ("Abdelhakim Belhadj", "PERSON"),
                                        ("Abu Abdullah Sadik", "PERSON"))},
                        {"d1": [al]},
                        [decision(1, "split", "Abdelhakim Belhadj", "Abu Abdullah Sadik")])
    assert g_claims and split.find("Abu Abdullah Sadik") != split.find("Abdelhakim Belhadj")


def test_name_key():
    assert name_key("the Pentagon’s") == ("pentagon",)
    assert name_key("Al-Qaeda") == name_key("Al Qaeda") == ("al", "qaeda")
    assert name_key("Sen. John McCain") == ("john", "mccain")


def test_an_honorific_alone_is_no_one():
    # "MR." in capitals: NER tags it, and nothing is left once the honorific goes (issue 9)
    text = "MR. O'NEILL said the plan is dead. Crisis. \u201cMR."
    g = EntityGraph([claim("d1", 0, text, "MR. O'NEILL", None, "the plan is dead")],
                    {"d1": [(0, 3, "MR.", "PERSON"), (4, 11, "O'NEILL", "PERSON"),
                            (len(text) - 3, len(text), "MR.", "GPE")]}, {})
    assert [e.name for e in g.entities()] == ["MR. O'NEILL"]


_NAMES = st.sampled_from(["Clinton", "NATO", "Abdelhakim Belhadj", "Belhadj",
                          "an unnamed official", "Nobody Else"])


@given(st.lists(st.tuples(st.sampled_from(["merge", "split"]), _NAMES, _NAMES), max_size=6))
def test_decisions_never_lose_or_duplicate_claims(raw):
    decisions = [decision(i, a, x, y) for i, (a, x, y) in enumerate(raw, 1)]
    g = graph(decisions)
    ents = g.entities()
    assert sum(e.claims_by for e in ents) == 5  # every source-bearing claim, exactly once
    assert sum(e.anonymous for e in ents) <= 2
    assert len({id(x) for grp in g.groups for x in grp}) == len(g.nodes)
    # the last decision about a pair of distinct names holds
    last: dict[frozenset, str] = {}
    for d in decisions:
        if name_key(d.a) != name_key(d.b) and g.find(d.a) and g.find(d.b):
            last[frozenset((name_key(d.a), name_key(d.b)))] = d.action
    for d in decisions:
        pair = frozenset((name_key(d.a), name_key(d.b)))
        if last.get(pair) == "split":
            assert not set(g.find(d.a)) & set(g.find(d.b))


# --- with a real database and spaCy ----------------------------------------------------


@pytest.fixture
def db_path(tmp_path):
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


def test_entities_from_a_database(db_path):
    ents = {e.name: e for e in api.entities(db_path)}
    karimi = ents["Hassan Karimi"]
    # "Karimi said", "He said" fold into him; the same full name merges across documents
    assert karimi.documents == 2 and karimi.claims_by >= 2
    # never one entity across documents
    anon = [e for e in api.entities(db_path) if "senior official" in e.name.casefold()]
    assert [(e.documents, e.anonymous) for e in anon] == [(1, True), (1, True)]
    only_b = api.entities(db_path, doc="b")
    assert all(e.documents == 1 for e in only_b)
    assert {e.name for e in only_b} >= {"Hassan Karimi"}


def test_decide_dry_run_writes_nothing_and_unknown_names_fail(db_path):
    db = open_db(db_path)
    result = entities.decide(db, "merge", "Hassan Karimi", "senior official", dry_run=True)
    assert result.dry_run and not result.written and result.changed
    assert db.conn.execute("SELECT count(*) FROM entity_decisions").fetchone()[0] == 0
    with pytest.raises(NotFoundError, match="claimtrack entities"):
        entities.decide(db, "merge", "Hassan Karimi", "Nobody Atall")
    with pytest.raises(NotFoundError):
        entities.decide(db, "split", "Karimi", "KARIMI")  # one name, twice


def test_the_graph_is_built_once_per_database_state(db_path):
    """One read asks for the graph more than once; a write (here a merge, on this
    connection or another) gives a new one."""
    db = open_db(db_path)
    first = entities.build(db)
    assert entities.build(db) is first
    entities.decide(db, "merge", "Hassan Karimi", "senior official")
    after = entities.build(db)
    assert after is not first
    assert entities.build(db) is after
    other = open_db(db_path)
    entities.decide(other, "split", "Hassan Karimi", "senior official")
    assert entities.build(db) is not after


def test_author_notes_name_the_author_not_the_quoted_source():
    text = 'The Times reported: "fighters from Darnah [Derna] and Darnah [Derna] came."'
    c = claim("d1", 0, text, "The Times", "New York Times",
              "fighters from Darnah [Derna] and Darnah [Derna] came.")
    found = [Alias(start=i, end=i + 7, name="Derna", alias="Darnah")
             for i in (text.index("[Derna]"), text.rindex("[Derna]"))]
    assert entities.author_notes(c, found) == [
        "author identifies Darnah as Derna (an insertion: not the words of New York Times)"]
    outside = Alias(start=2, end=5, name="X", alias="Y")
    assert entities.author_notes(c, [outside]) == []


def _claims_at(doc: str, text: str, specs: list[tuple[str, int, str | None, str, int]]):
    """Claims from (source, nth occurrence, entity, content, nth occurrence)."""

    def at(phrase: str, nth: int) -> Span:
        i = -1
        for _ in range(nth + 1):
            i = text.index(phrase, i + 1)
        return Span.of(text, i, i + len(phrase))

    out = []
    for seq, (src, sn, ent, content, cn) in enumerate(specs):
        base = claim(doc, seq, text, None)
        out.append(base.model_copy(update={"source": at(src, sn), "source_entity": ent,
                                           "content": at(content, cn)}))
    return out


HEAD = (
    "Smith Says Rates Will Rise\n\n"
    "Jane Doe, a spokeswoman for Smith, said rates will rise soon. Doe said it twice. "
    "Doe said it again. John Smith said hello.\n"
)


def _headline(specs, text=HEAD):
    cs = _claims_at("d", text, specs)
    g = EntityGraph(cs, {"d": mentions(text, ("Jane Doe", "PERSON"), ("John Smith", "PERSON"))},
                    {})
    return entities.headline_mismatch(g, cs, text)


_DOE = [("Jane Doe, a spokeswoman for Smith", 0, "Jane Doe", "rates will rise soon", 0),
        ("Doe", 1, "Jane Doe", "it twice", 0), ("Doe", 2, "Jane Doe", "it again", 0)]


def test_headline_vs_body_names_both():
    found = _headline([("Smith", 0, "John Smith", "Rates Will Rise", 0), *_DOE,
                       ("John Smith", 0, "John Smith", "hello", 0)])
    assert found is not None
    assert found.headline_entity == "John Smith"
    assert found.body_speakers == ["Jane Doe, spokeswoman for Smith"]
    assert found.note == ("headline attributes this to Smith (John Smith); the body quotes "
                          "Jane Doe, spokeswoman for Smith")


def test_no_headline_note_when_the_lede_quotes_the_headlines_source():
    text = HEAD.replace("John Smith said hello.", "").replace(
        "Jane Doe, a", "John Smith said hello. Jane Doe, a")
    found = _headline([("Smith", 0, "John Smith", "Rates Will Rise", 0),
                       ("John Smith", 0, "John Smith", "hello", 0), *_DOE], text)
    assert found is None


def test_no_headline_note_for_a_pronoun_or_one_voice_quoted_once():
    assert _headline([("Smith", 0, None, "Rates Will Rise", 0), *_DOE[:1]]) is None
    text = HEAD.replace("Smith Says", "He Says")
    assert _headline([("He", 0, None, "Rates Will Rise", 0), *_DOE], text) is None


@pytest.mark.parametrize("decisions", [(), (("merge", "Libya", "Tripoli"),
                                              ("split", "Belhadj", "Abu Abdullah Sadik"))])
def test_reads_build_only_the_entities_they_show_and_get_them_right(
        seeded_db, tmp_path, decisions):
    """build_for_name / build_for_claims read only the stored facts of the documents
    the asked entities reach, and give the same records as the whole graph, for every
    name the graph has, with merges and splits replayed."""
    db_path = tmp_path / "copy.db"
    db_path.write_bytes(seeded_db.read_bytes())
    db = open_db(db_path)
    assert db.conn.execute("SELECT count(*) FROM entity_facts").fetchone()[0] == len(
        api.documents(db_path))
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
    claims = [c for c in api.claims(db_path)]
    one = [c for c in claims if c.doc_id == claims[0].doc_id]
    reads._GRAPHS.clear()
    part = entities.build_for_claims(db, one)
    for c in one:
        i, j = part.entity_of_claim(c.id), whole.entity_of_claim(c.id)
        assert (i is None) == (j is None)
        assert i is None or part.records[i] == whole.records[j]


def test_an_edit_outside_the_store_drops_the_documents_facts(db_path):
    """A claim changed behind the store's back: its document's facts go (a trigger) and
    reads compute that part from the rows again, so they never read stale facts."""
    db = open_db(db_path)
    doc = api.documents(db_path)[0].id
    with db.conn:
        db.conn.execute("UPDATE claims SET source_entity = 'Zed Quux' WHERE doc_id = ? "
                        "AND seq = (SELECT min(seq) FROM claims WHERE doc_id = ? "
                        "AND source_text IS NOT NULL)", (doc, doc))
    assert db.conn.execute("SELECT count(*) FROM entity_facts WHERE doc_id = ?",
                           (doc,)).fetchone()[0] == 0
    assert [e.name for e in api.entities(db_path) if e.name == "Zed Quux"] == ["Zed Quux"]
    assert entities.build_for_name(open_db(db_path), "Zed Quux").find("Zed Quux")


def test_one_shared_closure_gives_each_entity_as_the_whole_graph(seeded_db, tmp_path):
    """A read extends one closure (a name, then its page's sources, then a report's):
    every entity in the grown graph is still that of the whole build."""
    db_path = tmp_path / "copy.db"
    db_path.write_bytes(seeded_db.read_bytes())
    db = open_db(db_path)
    whole = reads._build(db, ())
    reads._GRAPHS.clear()
    for node in list(whole.nodes.values()):  # never cleared: the closure only grows
        part = entities.build_for_name(db, node.surface)
        got, want = part.find(node.surface), whole.find(node.surface)
        assert [part.records[i] for i in got] == [whole.records[i] for i in want]
        assert [part.name_of(i) for i in got] == [whole.records[i].name for i in want]
    claims = api.claims(db_path)
    part = entities.build_for_claims(db, claims[:5])
    for c in claims[:5]:
        i, j = part.entity_of_claim(c.id), whole.entity_of_claim(c.id)
        assert (i is None) == (j is None)
        assert i is None or part.records[i] == whole.records[j]


def test_entity_nodes_are_the_facts_a_node_a_row(db_path):
    """entity_nodes holds each stored node of entity_facts under its name key, and the
    edges row its folds, identifications and first named node; dropping the facts
    (a trigger, or rm) takes the node rows along."""
    from claimtrack.store.migrations import split_entity_facts

    db = open_db(db_path)
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


def _check_components(db_path):
    from claimtrack.store import readback

    db = open_db(db_path)
    stored, graph, whole = _partitions(db)
    assert stored == graph
    claims = api.claims(db_path, author=True)
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
        db_path = folder / "c.db"
        for f in order:
            shutil.copy(f, folder / f.name)
            api.add(db_path, [str(folder / f.name)])
            _check_components(db_path)
        docs = api.documents(db_path)
        api.remove(db_path, [docs[len(docs) // 2].id])
        _check_components(db_path)
        api.reextract(db_path, doc=docs[0].id)
        _check_components(db_path)


def test_an_edit_behind_the_store_marks_the_components_stale_until_rematch(db_path):
    from claimtrack.store import readback

    db = open_db(db_path)
    claims = api.claims(db_path)
    assert readback.component_names(db, claims) is not None
    doc = api.documents(db_path)[0].id
    with db.conn:
        db.conn.execute("DELETE FROM mentions WHERE doc_id = ? AND seq = 0", (doc,))
    assert readback.component_names(db, claims) is None  # reads build the graph
    api.reextract(db_path, doc=doc)
    api.rematch(db_path)
    db = open_db(db_path)
    assert readback.component_names(db, api.claims(db_path)) is not None
    _check_components(db_path)
    entities.decide(db, "merge", "Hassan Karimi", "Karimi")
    assert readback.component_names(db, api.claims(db_path)) is None  # decisions: the graph
