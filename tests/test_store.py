"""store: documents written whole or not at all, read back exactly."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from functools import partial

import pytest

from claimtrack.entities import stored_facts
from claimtrack.errors import DatabaseError, NotFoundError
from claimtrack.flags import make_flag
from claimtrack.models import Attribution, Extraction, Link, Mention, ParsedInput, Span
from claimtrack.store import documents as store
from claimtrack.store.db import open_db

pytestmark = pytest.mark.model_free

# as the library calls it: the entity facts computed above the store, handed down
add_document = partial(store.add_document, facts=stored_facts)

TEXT = (
    "Ahmed Al-Mismari claimed that rivals met Al-Qaeda leaders, according to Libya Observer. "
    '"We will not stop," he said. Officials said that the talks, which began in May, failed.'
)


def span(text: str, phrase: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Span.of(text, start, start + len(phrase))


def parsed(text: str = TEXT, origin: str = "seeds/mismari.md", **kw) -> ParsedInput:
    return ParsedInput(
        origin=origin,
        format="markdown",
        title=kw.pop("title", "Mismari"),
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        **kw,
    )


def extraction(text: str = TEXT) -> Extraction:
    talks = span(text, "the talks")
    failed = span(text, "failed")
    return Extraction(
        extractor="rules-test/1",
        attributions=[
            Attribution(
                source=span(text, "Ahmed Al-Mismari"),
                cue=span(text, "claimed"),
                cue_lemma="claim",
                content=span(text, "rivals met Al-Qaeda leaders"),
                relayed_by=1,
                rule="svc",
            ),
            Attribution(
                source=span(text, "Libya Observer"),
                cue=span(text, "according to"),
                cue_lemma="according to",
                content=Span.of(text, 0, text.index(", according")),
                relation="according to",
            ),
            Attribution(
                source=span(text, "he"),
                source_entity="Ahmed Al-Mismari",
                cue=span(text, "said"),
                cue_lemma="say",
                content=span(text, '"We will not stop,"'),
                kind="direct",
            ),
            Attribution(
                source=span(text, "Officials"),
                cue=span(text, "said", 1),
                cue_lemma="say",
                content=Span(
                    start=talks.start,
                    end=failed.end,
                    text=text[talks.start : failed.end],
                    fragments=[talks, failed],
                ),
                cue_class="speech",
            ),
        ],
        mentions=[Mention(**span(text, "Al-Qaeda").model_dump(exclude={"fragments"}), label="ORG")],
    )


FLAGS = [[], [], [], [make_flag("anonymous_source", "Officials")]]


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "t.db")


def test_roundtrip_offsets_fragments_flags(db):
    p = parsed(
        links=[
            Link(
                **span(TEXT, "Libya Observer").model_dump(exclude={"fragments"}),
                target="#",
                missing=True,
            )
        ]
    )
    doc = add_document(db, p, extraction(), FLAGS)
    assert doc.id == p.sha256[:12]
    assert doc.claims == 4 and doc.chars == len(TEXT) and doc.extractor == "rules-test/1"
    assert store.get_text(db, doc.id) == TEXT
    assert store.get_links(db, doc.id) == p.links
    assert store.get_mentions(db, doc.id) == extraction().mentions
    claims = store.load_claims(db, doc.id)
    assert [c.id for c in claims] == [f"{doc.id}:{i}" for i in range(4)]
    for c, att in zip(claims, extraction().attributions, strict=True):
        assert (c.source, c.cue, c.content) == (att.source, att.cue, att.content)
        assert c.content.text == TEXT[c.content.start : c.content.end]
        assert (c.kind, c.cue_lemma, c.source_entity, c.rule) == (
            att.kind,
            att.cue_lemma,
            att.source_entity,
            att.rule,
        )
        assert c.extractor == "rules-test/1"
    assert claims[0].relayed_by == f"{doc.id}:1"
    assert claims[1].relation == "according to"
    assert claims[3].content.fragments is not None
    assert [f.text for f in claims[3].content.pieces()] == ["the talks", "failed"]
    assert [f.code for f in claims[3].flags] == ["anonymous_source"]
    assert claims[3].flags[0].severity == "high"


def test_document_metadata(db):
    p = parsed(published=date(2015, 3, 10), notes=["invalid UTF-8 replaced"])
    doc = add_document(db, p, extraction(), FLAGS)
    assert doc.published == date(2015, 3, 10)
    assert doc.added.tzinfo is not None
    assert store.find_by_sha(db, p.sha256) == doc
    assert store.find_by_sha(db, "0" * 64) is None
    assert store.get_notes(db, doc.id) == ["invalid UTF-8 replaced"]


def test_failure_midway_writes_nothing(db, monkeypatch):
    real = store._claim_row

    def explode(doc_id, seq, *args):
        if seq == 2:
            raise RuntimeError("disk on fire")
        return real(doc_id, seq, *args)

    monkeypatch.setattr(store, "_claim_row", explode)
    with pytest.raises(RuntimeError):
        add_document(
            db,
            parsed(links=[Link(start=0, end=5, text="Ahmed", target="x", missing=False)]),
            extraction(),
            FLAGS,
        )
    for table in ("documents", "links", "mentions", "claims"):
        assert db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    monkeypatch.setattr(store, "_claim_row", real)
    assert add_document(db, parsed(), extraction(), FLAGS).claims == 4  # still usable


def test_bad_input_rejected_before_writing(db):
    bad = extraction()
    bad.attributions[0].relayed_by = 9
    with pytest.raises(ValueError, match="relayed_by"):
        add_document(db, parsed(), bad, FLAGS)
    with pytest.raises(ValueError, match="flag lists"):
        add_document(db, parsed(), extraction(), FLAGS[:2])
    assert store.list_documents(db) == []


def test_duplicate_is_refused(db):
    add_document(db, parsed(), extraction(), FLAGS)
    with pytest.raises(DatabaseError, match="already stored"):
        add_document(db, parsed(origin="copy.md"), extraction(), FLAGS)
    assert len(store.list_documents(db)) == 1


def test_list_order_and_reopen(tmp_path):
    path = tmp_path / "t.db"
    db = open_db(path)
    texts = [f"Doc {i}: the minister said that taxes rise." for i in range(3)]
    ids = []
    for i, t in enumerate(texts):
        ids.append(
            add_document(
                db, parsed(t, origin=f"d{i}.txt"), Extraction(extractor="e", attributions=[]), []
            ).id
        )
    db.conn.close()
    again = open_db(path)
    assert [d.id for d in store.list_documents(again)] == ids
    assert all(d.claims == 0 for d in store.list_documents(again))


def test_load_claims_order_across_documents(db):
    a = add_document(db, parsed(), extraction(), FLAGS)
    t2 = TEXT + " More."
    b = add_document(db, parsed(t2, origin="b.md"), extraction(t2), FLAGS)
    ids = [c.id for c in store.load_claims(db)]
    assert ids == [f"{a.id}:{i}" for i in range(4)] + [f"{b.id}:{i}" for i in range(4)]


def _three_docs(db):
    out = []
    for origin, text in [
        ("/news/belhadj-isis.md", "Belhadj leads ISIS, reports said."),
        ("/news/haftar.html", "Haftar said rivals met Al-Qaeda."),
        ("/other/haftar.md", "Haftar denied it, a spokesman said."),
    ]:
        out.append(
            add_document(
                db, parsed(text, origin=origin), Extraction(extractor="e", attributions=[]), []
            )
        )
    return out


def test_get_document_by_id_prefix_origin_name(db):
    belhadj, haftar_html, haftar_md = _three_docs(db)
    assert store.get_document(db, belhadj.id) == belhadj
    assert store.get_document(db, belhadj.id[:4]) == belhadj
    assert store.get_document(db, "/news/haftar.html") == haftar_html
    assert store.get_document(db, "haftar.html") == haftar_html
    assert store.get_document(db, "Belhadj-ISIS") == belhadj  # stem, case-insensitive
    assert store.get_document(db, "belhadj-isis.md") == belhadj


def test_get_document_ambiguous_and_missing(db):
    _three_docs(db)
    with pytest.raises(NotFoundError, match="matches 2 documents"):
        store.get_document(db, "haftar")
    with pytest.raises(NotFoundError, match="run `claimtrack docs`"):
        store.get_document(db, "nothing-like-it")
    with pytest.raises(NotFoundError):
        store.get_document(db, "ab")  # too short for a prefix


def test_get_document_ambiguous_prefix(db):
    docs = _three_docs(db)
    # Force two ids to share a prefix by rewriting one (prefixes of random hashes rarely collide).
    db.conn.execute(
        "UPDATE documents SET id = ? WHERE id = ?", (docs[0].id[:4] + "ffffffff", docs[1].id)
    )
    db.conn.commit()
    with pytest.raises(NotFoundError, match="matches 2 documents"):
        store.get_document(db, docs[0].id[:4])
    assert store.get_document(db, docs[0].id).id == docs[0].id  # exact id still wins


def test_readers_name_unknown_documents(db):
    for reader in (store.get_text, store.get_links, store.get_mentions, store.load_claims):
        with pytest.raises(NotFoundError):
            reader(db, "feedbeef0000")


def test_locked_database_fails_cleanly(tmp_path, monkeypatch):
    monkeypatch.setattr("claimtrack.store.db.BUSY_TIMEOUT", 0.1)
    path = tmp_path / "t.db"
    db = open_db(path)
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError, match="nothing was written"):
            add_document(db, parsed(), extraction(), FLAGS)
    finally:
        holder.rollback()
        holder.close()
    assert store.list_documents(db) == []
    assert add_document(db, parsed(), extraction(), FLAGS).claims == 4


def test_stored_by_another_connection_meanwhile_is_already_stored(tmp_path):
    from claimtrack.errors import AlreadyStoredError

    path = tmp_path / "t.db"
    mine, theirs = open_db(path), open_db(path)
    stored = add_document(theirs, parsed(origin="theirs.md"), extraction(), FLAGS)
    with pytest.raises(AlreadyStoredError, match="already stored") as info:
        add_document(mine, parsed(), extraction(), FLAGS)
    assert info.value.document == stored


def test_disk_full_fails_in_one_line_and_keeps_what_was_stored(db):
    from claimtrack.errors import DocumentError

    first = add_document(db, parsed(), extraction(), FLAGS)
    (pages,) = db.conn.execute("PRAGMA page_count").fetchone()
    db.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's SQLITE_FULL, as on a full disk
    # larger than the pages a fresh database has free (tables dropped by migrations)
    big = TEXT + " More." * 20000
    with pytest.raises(DocumentError) as info:
        add_document(db, parsed(big, origin="big.md"), extraction(big), FLAGS)
    assert str(info.value) == (
        "big.md: disk full while storing (database or disk is full); "
        "free space and rerun (stored documents are kept)")
    assert store.list_documents(db) == [first]
    assert db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("sql, params", [
    ("SELECT * FROM documents d WHERE d.sha256 = ?", ("x",)),
    ("SELECT * FROM documents d WHERE d.id = ?", ("x",)),
    ("SELECT id FROM documents WHERE origin = ?", ("x",)),
    ("SELECT id FROM documents WHERE id >= ? AND id < ?", ("ab", "ac")),
    ("SELECT count(*) FROM claims c WHERE c.doc_id = ?", ("x",)),
])
def test_store_lookups_use_an_index(db, sql, params):
    """Storing a document must not read the others (issue 12): no full scans."""
    plan = " ".join(r[-1] for r in db.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "SCAN" not in plan.replace("COVERING INDEX", ""), plan
    assert "INDEX" in plan or "PRIMARY KEY" in plan, plan


def test_add_document_reads_no_other_document(db, monkeypatch):
    _three_docs(db)
    monkeypatch.setattr(store, "list_documents", lambda db: pytest.fail("read them all"))
    t = "Another text: the mayor said so."
    doc = add_document(db, parsed(t, origin="x.md"), Extraction(extractor="e",
                                                                          attributions=[]), [])
    assert store.get_document(db, doc.id) == doc
    assert store.get_document(db, "x.md") == doc
