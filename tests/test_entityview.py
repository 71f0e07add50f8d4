"""entityview: show --entity's view, per document by and about, grading only what it shows."""

from __future__ import annotations

import pytest
from test_queries import A_ATTS, B_ATTS, A, B, _count_graded, add, codes

from claimtrack import entityview, queries
from claimtrack.errors import NotFoundError
from claimtrack.store.db import open_db

pytestmark = pytest.mark.model_free


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "q.db")


def test_entity_view(db):
    a = add(db, "a.txt", A, A_ATTS)
    b = add(db, "b.txt", B, B_ATTS)
    view = entityview.entity_view(db, "Al-Mismari")
    (doc,) = view.documents
    assert (doc.id, doc.title) == (a, "A.Txt")
    assert [e.claim.id for e in doc.by] == [f"{a}:0"]
    assert [e.claim.id for e in doc.about] == [f"{a}:1"]  # the relay quotes him
    chain = doc.by[0].chain
    assert [h.source for h in chain.hops] == ["Libya Observer", "Ahmed Al-Mismari"]
    assert chain.render().startswith(f"document {a} -> Libya Observer")
    assert "single_source" not in codes(doc.by[0].claim)

    qaeda = entityview.entity_view(db, "al-qaeda")
    assert [d.id for d in qaeda.documents] == [a, b]
    assert all(not d.by for d in qaeda.documents)


def test_entity_view_not_found(db):
    add(db, "a.txt", A, A_ATTS)
    with pytest.raises(NotFoundError, match="claimtrack claims"):
        entityview.entity_view(db, "Gaddafi")
    with pytest.raises(NotFoundError):
        entityview.entity_view(db, "  ")


def test_show_grades_only_the_entitys_claims(db, monkeypatch):
    add(db, "a.txt", A, A_ATTS)
    add(db, "b.txt", B, B_ATTS)
    every = queries.claims(db)
    seen = _count_graded(monkeypatch)
    view = entityview.entity_view(db, "Belhadj")
    shown = {x.claim.id for d in view.documents for x in [*d.by, *d.about]}
    assert shown and len(shown) < len(every)
    assert set(seen) <= shown
    # what it shows is what the full listing says of those claims
    full = {c.id: c for c in every}
    assert all(x.claim == full[x.claim.id] for d in view.documents for x in [*d.by, *d.about])
