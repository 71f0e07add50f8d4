"""entities.annotate read from the stored components: the same notes as the built graph."""

from __future__ import annotations

import pytest
from conftest import copy_database

from claimtrack import api, entities
from claimtrack.entities import annotate
from claimtrack.store.db import open_db


def _reports(db, names):
    out = [api.report(db).model_dump(exclude={"generated"})]
    out += [api.report(db, entity=n, limit=50).model_dump(exclude={"generated"})
            for n in names]
    return out


@pytest.fixture
def seeds_copy(seeded_db, tmp_path):
    db = tmp_path / "seeds.db"
    copy_database(seeded_db, db)
    return db


def test_notes_from_the_stored_components_equal_the_built_graphs(seeds_copy, monkeypatch):
    """Both notes occur on the seeds (an author's identification inside a quote, and a
    headline crediting "Pro-Russian Commander" where the body quotes Al-Mismari): read
    from the stored components, every report says what the built graph says."""
    names = ["Khalifa Haftar", "Belhadj", "Libya Observer", "Ahmed Al-Mismari"]
    read = annotate._StoredEntities.read
    taken = []

    def spy(db, claims):
        found = read(db, claims)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(annotate._StoredEntities, "read", staticmethod(spy))
    stored = _reports(seeds_copy, names)
    assert taken and all(taken)
    docs = stored[0]["documents"]
    assert any(d["headline_vs_body"] for d in docs)
    assert any(rc["notes"] for d in docs for rc in d["claims"])
    monkeypatch.setattr(annotate._StoredEntities, "read", staticmethod(lambda db, claims: None))
    assert _reports(seeds_copy, names) == stored


def test_a_users_decision_sends_the_notes_back_to_the_graph(seeds_copy):
    """A merge or split is replayed on the graph alone: the stored components no longer
    stand for the entities, and the notes are read from the graph."""
    db = open_db(seeds_copy)
    claims = api.claims(seeds_copy)

    def notes():
        return [(d.headline_vs_body, [rc.notes for rc in d.claims])
                for d in api.report(seeds_copy).documents]

    before = notes()
    assert any(h for h, _ in before) and any(n for _, ns in before for n in ns)
    assert annotate._StoredEntities.read(db, claims) is not None
    # a merge of entities no note names: the notes stay, now read from the graph
    entities.decide(db, "merge", "John McCain", "Washington")
    assert annotate._StoredEntities.read(open_db(seeds_copy), claims) is None
    assert notes() == before
