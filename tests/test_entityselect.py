"""entityselect: the claims by or about a name (the source's head, a surname), none an error."""

from __future__ import annotations

import pytest
from test_queries import A_ATTS, A, add

from claimtrack import entityselect, entityview, queries
from claimtrack.errors import NotFoundError
from claimtrack.store.db import open_db
from claimtrack.text.names import name_pattern

pytestmark = pytest.mark.model_free


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "q.db")


@pytest.mark.parametrize("name", ["%", "_", "Al%", "Gaddafi"])
def test_a_name_nothing_answers_to_is_the_same_error_in_claims_and_show(db, name):
    # names are matched as literal words: '%' and '_' are no wildcards (issue 9)
    a = add(db, "a.txt", A, A_ATTS)
    with pytest.raises(NotFoundError) as listing:
        queries.claims(db, entity=name)
    with pytest.raises(NotFoundError) as view:
        entityview.entity_view(db, name)
    assert str(listing.value) == str(view.value) == str(entityselect.no_entity(name))
    with pytest.raises(NotFoundError, match=f"in document {a}"):
        queries.claims(db, entity=name, doc="a")
    # a name that answers, with filters that leave nothing, is an empty result
    assert queries.claims(db, entity="Al-Mismari", kind="mixed") == []


def test_surname_stands_for_a_person_named_in_full(db):
    text_a = (
        "Abdelhakim Belhadj met them. Officials said Belhadj leads the camps. The Times said so."
    )
    a = add(db, "a.txt", text_a, [
        ("Officials", "said", "Belhadj leads the camps", None),
        ("The Times", ("said", 1), "so", None),
    ])  # fmt: skip
    db.conn.execute(
        "INSERT INTO mentions VALUES (?, 0, 0, 18, 'Abdelhakim Belhadj', 'PERSON'), "
        "(?, 1, 74, 83, 'The Times', 'ORG')",
        (a, a),
    )
    db.conn.commit()
    # another document says "Belhadj" but never names Abdelhakim Belhadj: another Belhadj, maybe
    b = add(
        db, "b.txt", "Aides said Belhadj resigned.", [("Aides", "said", "Belhadj resigned", None)]
    )
    view = entityview.entity_view(db, "Abdelhakim Belhadj")
    assert [d.id for d in view.documents] == [a]
    assert [e.claim.seq for e in view.documents[0].about] == [0]
    assert [c.id for c in queries.claims(db, entity="Abdelhakim Belhadj")] == [f"{a}:0"]
    assert {c.doc_id for c in queries.claims(db, entity="Belhadj")} == {a, b}
    # not for organisations: "New York Times" does not make "Times" match
    with pytest.raises(NotFoundError):
        entityview.entity_view(db, "New York Times")


@pytest.mark.parametrize(
    ("source", "is_by"),
    [
        ("the pro-Russian commander Khalifa Haftar", True),
        ("Haftar, the commander of the Libyan National Army", True),
        ("Reuters and Haftar", True),
        ("Khalifa Haftar.", True),
        ("a spokesman for Haftar", False),
        ("Haftar’s forces", False),
        ("the Haftar episode in Libya", False),
        ("Ahmed Al-Mismari, the spokesperson of Haftar’s forces", False),
    ],
)
def test_source_heads(source, is_by):
    assert entityselect._heads_with(name_pattern("Haftar"), source) is is_by


def test_source_naming_entity_without_being_it_is_about(db):
    text = "A spokesman for Haftar said the port is closed."
    d = add(db, "x.txt", text, [("A spokesman for Haftar", "said", "the port is closed", None)])
    (doc,) = entityview.entity_view(db, "Haftar").documents
    assert (doc.by, [e.claim.id for e in doc.about]) == ([], [f"{d}:0"])

