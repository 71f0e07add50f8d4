"""Writing and reading documents, links, mentions and claims.

Writes go through the raw connection inside one explicit transaction, so a
document is stored whole or not at all (sqlite-utils' helpers commit on their
own, which would break that).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import PurePath
from typing import Any, Protocol

import sqlite_utils

from claimtrack.errors import AlreadyStoredError, DatabaseError, DocumentError, NotFoundError
from claimtrack.models import (
    Alias,
    Attribution,
    Claim,
    Document,
    Extraction,
    Flag,
    Link,
    Mention,
    ParsedInput,
    SourceInfo,
    Span,
    Stance,
)
from claimtrack.store import postings
from claimtrack.store.db import atomic, problem
from claimtrack.store.entitystore import (
    _join_components,
    node_columns,
    remove_entity_nodes,
)
from claimtrack.store.migrations import split_entity_facts
from claimtrack.store.rows import convert, dict_rows
from claimtrack.store.shown import shown
from claimtrack.text.compare import compared_text

# Work derived from a document's stored rows, run inside the transaction that writes them.
Derive = Callable[[sqlite3.Connection, str], None]


class EntityFacts(Protocol):
    """A document's part of the entity graph as the store writes it (entities.DocFacts)."""

    def to_json(self) -> str: ...

    def name_keys(self) -> list[tuple[str, int | None, int | None]]:
        """(key, phase, seq of its first named node) per name key: entity_keys' rows."""
        ...


# A document's entity facts, computed from its rows just written (entities.stored_facts):
# handed down by the caller, since what they are is decided above the store.
FactsOf = Callable[[sqlite_utils.Database, str], EntityFacts]

MIN_PREFIX = 4  # shortest id prefix accepted by get_document

_DOC_COLUMNS = (
    "d.id, d.title, d.origin, d.format, d.sha256, d.published, d.added, d.extractor, "
    "d.publisher, length(d.text) AS chars, "
    # the author's statements in the body are no claims a listing shows
    f"(SELECT count(*) FROM claims c WHERE c.doc_id = d.id AND {shown()}) "
    "AS claims"
)


# --- writing -------------------------------------------------------------------------


def _fragments(span: Span | None) -> str | None:
    if span is None or not span.fragments:
        return None
    return json.dumps([f.model_dump() for f in span.fragments])


def _span_cols(prefix: str, span: Span | None) -> dict[str, Any]:
    return {
        f"{prefix}_start": span.start if span else None,
        f"{prefix}_end": span.end if span else None,
        f"{prefix}_text": span.text if span else None,
        f"{prefix}_fragments": _fragments(span),
    }


def _claim_row(
    doc_id: str, seq: int, att: Attribution, flags: list[Flag], extractor: str
) -> dict[str, Any]:
    return {
        "id": f"{doc_id}:{seq}",
        "doc_id": doc_id,
        "seq": seq,
        **_span_cols("source", att.source),
        "source_entity": att.source_entity,
        **_span_cols("cue", att.cue),
        "cue_lemma": att.cue_lemma,
        **_span_cols("content", att.content),
        "kind": att.kind,
        "cue_class": att.cue_class,
        "relayed_by": None if att.relayed_by is None else f"{doc_id}:{att.relayed_by}",
        "relation": att.relation,
        "rule": att.rule,
        "extractor": extractor,
        "flags": json.dumps([f.model_dump() for f in flags]),
        "source_info": att.source_info.model_dump_json() if att.source_info else None,
        "cue_negated": int(att.stance.cue_negated),
        "denial": int(att.stance.denial),
        "content_negated": int(att.stance.content_negated),
        "modality": ",".join(att.stance.modality),
        "compared": att.compared if att.compared is not None else compared_text(att.content.text),
    }


def _insert(db: sqlite_utils.Database, table: str, rows: Iterable[dict[str, Any]]) -> None:
    """Plain INSERTs of `rows`, through sqlite-utils' insert_all (inside the caller's
    transaction: sqlite-utils nests it as a savepoint). Measured against hand-written
    INSERTs: about 1.6x the time of the inserts themselves (0.5 ms for 60 rows), under 1%
    of a document's store-and-match."""
    db.table(table).insert_all(rows)


def _validate(parsed: ParsedInput, extraction: Extraction, flags: list[list[Flag]]) -> None:
    """Catch extractor/caller bugs before writing anything."""
    n = len(extraction.attributions)
    if len(flags) != n:
        raise ValueError(f"{len(flags)} flag lists for {n} attributions")
    for i, att in enumerate(extraction.attributions):
        if att.relayed_by is not None and not (0 <= att.relayed_by < n and att.relayed_by != i):
            raise ValueError(f"attribution {i}: relayed_by {att.relayed_by} out of range")
        for span in (att.source, att.cue, att.content):
            if span is not None and not (0 <= span.start <= span.end <= len(parsed.text)):
                raise ValueError(f"attribution {i}: span {span.start}-{span.end} outside text")


def _insert_extraction(
    db: sqlite_utils.Database,
    doc_id: str,
    extraction: Extraction,
    flags: list[list[Flag]],
    aliases: Sequence[Alias],
) -> None:
    _insert(db, "mentions", ({"doc_id": doc_id, "seq": seq, **m.model_dump()}
                               for seq, m in enumerate(extraction.mentions)))
    _insert(db, "claims", (_claim_row(doc_id, seq, att, flags[seq], extraction.extractor)
                             for seq, att in enumerate(extraction.attributions)))
    _insert(db, "aliases", ({"doc_id": doc_id, **alias.model_dump()} for alias in aliases))


def add_document(
    db: sqlite_utils.Database,
    parsed: ParsedInput,
    extraction: Extraction,
    flags: list[list[Flag]],
    aliases: Sequence[Alias] = (),
    derive: Derive | None = None,
    *,
    facts: FactsOf,
) -> Document:
    """Store a document with its links, mentions and claims in one transaction.

    `facts(db, doc_id)` computes the document's entity facts from its rows just
    written; they are stored with them. `derive(conn, doc_id)` runs last inside
    that transaction: what is computed from the stored rows (the cross-document
    index) is written with them or not at all.

    `flags[i]` are attribution i's static flags; `aliases` the identifications
    the text inserts (claimtrack.aliases.find_aliases). Raises AlreadyStoredError
    when the same text (sha256) is stored, also when another process stored it
    since the caller looked; DocumentError (naming parsed.origin) when the
    database refuses the write (locked past the busy timeout, disk full).
    Nothing is written on any error. Costs the same however many documents
    are stored: every query here is by an indexed key.
    """
    _validate(parsed, extraction, flags)
    doc_id = parsed.sha256[:12]
    added = datetime.now(UTC)
    conn = db.conn
    try:
        with atomic(conn, f"could not store {parsed.origin}", only_adds=True):
            # Checked under the write lock: another `add` may have stored it meanwhile.
            existing = find_by_sha(db, parsed.sha256)
            if existing is not None:
                raise _already(parsed, existing)
            _insert(
                db,
                "documents",
                [{
                    "id": doc_id,
                    "sha256": parsed.sha256,
                    "title": parsed.title,
                    "origin": parsed.origin,
                    "format": parsed.format,
                    "published": parsed.published.isoformat() if parsed.published else None,
                    "added": added.isoformat(timespec="microseconds"),
                    "extractor": extraction.extractor,
                    "text": parsed.text,
                    "notes": json.dumps(parsed.notes),
                    "publisher": parsed.publisher,
                    "zones": parsed.zones.model_dump_json() if parsed.zones else None,
                    "wire": _wire(parsed),
                }],
            )
            _insert(db, "links", ({"doc_id": doc_id, "seq": seq, **link.model_dump()}
                                    for seq, link in enumerate(parsed.links)))
            _insert_extraction(db, doc_id, extraction, flags, aliases)
            write_entity_facts(conn, doc_id, facts)
            if derive is not None:
                derive(conn, doc_id)
    except AlreadyStoredError:
        raise
    except DatabaseError as e:
        cause = e.__cause__
        if isinstance(cause, sqlite3.IntegrityError):
            existing = find_by_sha(db, parsed.sha256)
            if existing is not None:
                raise _already(parsed, existing) from e
        if isinstance(cause, sqlite3.Error):
            raise DocumentError(parsed.origin, problem(cause)) from cause
        raise
    return _by_id(db, doc_id)


def _wire(parsed: ParsedInput) -> str | None:
    agencies = parsed.zones.wire_agencies() if parsed.zones else []
    return agencies[0] if agencies else None


def _already(parsed: ParsedInput, existing: Document) -> AlreadyStoredError:
    return AlreadyStoredError(
        f"{parsed.origin} is already stored as document {existing.id}", existing
    )


def replace_extraction(
    db: sqlite_utils.Database,
    doc_id: str,
    extraction: Extraction,
    flags: list[list[Flag]],
    aliases: Sequence[Alias] | None = None,
    before: Derive | None = None,
    derive: Derive | None = None,
    *,
    facts: FactsOf,
) -> Document:
    """Swap a stored document's claims and mentions (and aliases, when given) for a
    new extraction, in one transaction (`claimtrack reextract`); `before` and
    `derive` run inside it, before the old claims go and after the new ones are in;
    `facts` computes the entity facts stored with the new ones (add_document).

    The user's entity decisions and source grades are keyed by names, not by
    claims, and are never touched. Nothing changes on any error.
    """
    text = get_text(db, doc_id)
    parsed = ParsedInput(origin=doc_id, format="text", title=None, text=text, sha256=doc_id)
    _validate(parsed, extraction, flags)
    conn = db.conn
    with atomic(conn, f"could not re-extract {doc_id}"):
        if before is not None:
            before(conn, doc_id)
        remove_entity_nodes(conn, [doc_id])  # before the claims go: their facts go too
        conn.execute("DELETE FROM claims WHERE doc_id = ?", (doc_id,))
        conn.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))
        if aliases is not None:
            conn.execute("DELETE FROM aliases WHERE doc_id = ?", (doc_id,))
        _insert_extraction(db, doc_id, extraction, flags, aliases or ())
        write_entity_facts(conn, doc_id, facts)
        conn.execute(
            "UPDATE documents SET extractor = ? WHERE id = ?", (extraction.extractor, doc_id)
        )
        if derive is not None:
            derive(conn, doc_id)
    return _by_id(db, doc_id)


def remove_documents(db: sqlite_utils.Database, doc_ids: Sequence[str],
                     before: Callable[[sqlite3.Connection, list[str]], Any] | None = None,
                     after: Callable[[sqlite3.Connection, Any], None] | None = None) -> None:
    """Delete documents and everything stored of them (claims, links, mentions,
    aliases, index rows: ON DELETE CASCADE) in one transaction. `before` runs
    first and its result is handed to `after`, which runs once they are gone."""
    conn = db.conn
    for doc_id in doc_ids:
        _require_doc(db, doc_id)
    with atomic(conn, "could not remove " + ", ".join(doc_ids)):
        state = before(conn, list(doc_ids)) if before is not None else None
        remove_entity_nodes(conn, list(doc_ids))
        conn.executemany("DELETE FROM documents WHERE id = ?", [(d,) for d in doc_ids])
        postings.purge(conn)  # their postings out of the unit index's blocks
        if after is not None:
            after(conn, state)


# --- reading -------------------------------------------------------------------------


def _document(row: dict[str, Any]) -> Document:
    return Document(
        id=row["id"],
        title=row["title"],
        origin=row["origin"],
        format=row["format"],
        sha256=row["sha256"],
        published=date.fromisoformat(row["published"]) if row["published"] else None,
        added=datetime.fromisoformat(row["added"]),
        extractor=row["extractor"],
        chars=row["chars"],
        claims=row["claims"],
        publisher=row.get("publisher"),
    )


def _by_id(db: sqlite_utils.Database, doc_id: str) -> Document:
    rows = dict_rows(db, f"SELECT {_DOC_COLUMNS} FROM documents d WHERE d.id = ?", (doc_id,))
    if not rows:
        raise NotFoundError(f"no document '{doc_id}' — run `claimtrack docs` to list them")
    return _document(rows[0])


def find_by_sha(db: sqlite_utils.Database, sha256: str) -> Document | None:
    rows = dict_rows(db, f"SELECT {_DOC_COLUMNS} FROM documents d WHERE d.sha256 = ?", (sha256,))
    return _document(rows[0]) if rows else None


def list_documents(db: sqlite_utils.Database) -> list[Document]:
    """All documents, oldest first (ties by id), with their claim counts; a row that
    cannot be read back is left out with a warning (claimtrack.readback)."""
    rows = dict_rows(db, f"SELECT {_DOC_COLUMNS} FROM documents d ORDER BY d.added, d.id")
    return convert(rows, _document, lambda r: f"document {r['id']}")


def _names(origin: str) -> set[str]:
    """How a user may call a document by its origin: basename and stem, case-folded."""
    p = PurePath(origin.replace("\\", "/"))
    return {p.name.casefold(), p.stem.casefold()} - {""}


def _ids_where(db: sqlite_utils.Database, where: str, params: tuple) -> list[str]:
    sql = f"SELECT id FROM documents WHERE {where} ORDER BY added, id"
    return [r[0] for r in db.conn.execute(sql, params).fetchall()]


def get_document(db: sqlite_utils.Database, ref: str) -> Document:
    """A document by id, exact origin, unique id prefix (>= 4 chars), or origin name/stem.

    The first three are index lookups; only a name/stem reads every origin
    (not the texts), so storing and finding by id never grow with the database.
    """
    ref = ref.strip()
    folded = ref.casefold()

    def by_name() -> list[str]:
        rows = db.conn.execute("SELECT id, origin FROM documents ORDER BY added, id")
        return [i for i, origin in rows.fetchall() if folded in _names(origin)]

    # Most specific first; the first way that matches anything decides.
    ways = (
        lambda: _ids_where(db, "id = ?", (ref,)),
        lambda: _ids_where(db, "origin = ?", (ref,)),
        # a range over the primary key: LIKE would not use the index
        lambda: _ids_where(db, "id >= ? AND id < ?", (folded, folded + "\U0010ffff"))
        if len(ref) >= MIN_PREFIX else [],
        by_name,
    )
    for way in ways:
        candidates = way()
        if len(candidates) == 1:
            return _by_id(db, candidates[0])
        if candidates:
            break
    else:
        raise NotFoundError(f"no document '{ref}' — run `claimtrack docs` to list them")
    listed = ", ".join(
        f"{d.id} ({d.origin})" for d in (_by_id(db, i) for i in candidates[:5])
    )
    raise NotFoundError(
        f"'{ref}' matches {len(candidates)} documents: {listed}; give more of the id"
    )


def _require_doc(db: sqlite_utils.Database, doc_id: str) -> None:
    if not db.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone():
        raise NotFoundError(f"no document '{doc_id}' — run `claimtrack docs` to list them")


def get_text(db: sqlite_utils.Database, doc_id: str) -> str:
    row = db.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no document '{doc_id}' — run `claimtrack docs` to list them")
    return row[0]


def get_notes(db: sqlite_utils.Database, doc_id: str) -> list[str]:
    """Ingest notes (e.g. invalid UTF-8 replaced) kept with the document."""
    row = db.conn.execute("SELECT notes FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no document '{doc_id}' — run `claimtrack docs` to list them")
    return json.loads(row[0])


def get_links(db: sqlite_utils.Database, doc_id: str) -> list[Link]:
    _require_doc(db, doc_id)
    rows = dict_rows(
        db,
        'SELECT start, "end", text, target, missing FROM links WHERE doc_id = ? ORDER BY seq',
        (doc_id,),
    )
    return [Link(**{**r, "missing": bool(r["missing"])}) for r in rows]


def get_mentions(db: sqlite_utils.Database, doc_id: str) -> list[Mention]:
    _require_doc(db, doc_id)
    rows = dict_rows(
        db,
        'SELECT start, "end", text, label FROM mentions WHERE doc_id = ? ORDER BY seq',
        (doc_id,),
    )
    return [Mention(**r) for r in rows]


def _span(row: dict[str, Any], prefix: str) -> Span | None:
    if row[f"{prefix}_start"] is None:
        return None
    frags = row[f"{prefix}_fragments"]
    return Span(
        start=row[f"{prefix}_start"],
        end=row[f"{prefix}_end"],
        text=row[f"{prefix}_text"],
        fragments=[Span(**f) for f in json.loads(frags)] if frags else None,
    )


def _claim(row: dict[str, Any]) -> Claim:
    content = _span(row, "content")
    assert content is not None  # NOT NULL in the schema
    return Claim(
        id=row["id"],
        doc_id=row["doc_id"],
        seq=row["seq"],
        source=_span(row, "source"),
        cue=_span(row, "cue"),
        content=content,
        kind=row["kind"],
        cue_class=row["cue_class"],
        cue_lemma=row["cue_lemma"],
        source_entity=row["source_entity"],
        relayed_by=row["relayed_by"],
        relation=row["relation"],
        rule=row["rule"],
        extractor=row["extractor"],
        flags=[Flag(**f) for f in json.loads(row["flags"])],
        source_info=(
            SourceInfo.model_validate_json(row["source_info"]) if row.get("source_info") else None
        ),
        stance=Stance(
            cue_negated=bool(row.get("cue_negated")), denial=bool(row.get("denial")),
            content_negated=bool(row.get("content_negated")),
            modality=[m for m in (row.get("modality") or "").split(",") if m],
        ),
    )


def load_claims(db: sqlite_utils.Database, doc_id: str | None = None) -> list[Claim]:
    """Claims with their static flags, ordered by document (added, id) then seq."""
    sql = "SELECT c.* FROM claims c JOIN documents d ON d.id = c.doc_id"
    params: tuple = ()
    if doc_id is not None:
        _require_doc(db, doc_id)
        sql += " WHERE c.doc_id = ?"
        params = (doc_id,)
    sql += " ORDER BY d.added, d.id, c.seq"
    return [_claim(r) for r in dict_rows(db, sql, params)]


def document_ids(db: sqlite_utils.Database) -> list[str]:
    """Every document id in listing order (added, id): a read that pages can read
    their claims one document at a time and stop when the page is full."""
    return _ids_where(db, "1", ())


def document_ids_from(db: sqlite_utils.Database, offset: int,
                      author: bool = False) -> tuple[list[str], int]:
    """(the ids of the documents, in listing order, from the one that holds the
    `offset`-th claim of the listing on; that claim's place in it): a deep --offset
    counts the claims of the documents before it in SQL instead of reading them. The
    author's statements (rule "author") count only with `author`, as read_claims reads
    them; a damaged row counts as a claim (the documents before the page are not read,
    so not told about either)."""
    counted = "count(*)" if author else f"count(CASE WHEN {shown()} THEN 1 END)"
    cur = db.conn.execute(
        f"SELECT d.id, (SELECT {counted} FROM claims c WHERE c.doc_id = d.id) "
        "FROM documents d ORDER BY d.added, d.id")
    ids: list[str] = []
    for doc_id, n in cur:
        if ids or offset < n:
            ids.append(doc_id)
        else:
            offset -= n
    return ids, offset


def document_ids_flagged(db: sqlite_utils.Database, code: str) -> Iterator[str]:
    """The ids of the documents with a claim whose stored (static) flags name `code`, in
    listing order, read as far as the caller pulls: a page of a rare flag reads the
    claims of the documents that carry it, not of every document. The test is on the
    flags' JSON text (`"code"` quoted), a superset the caller narrows by the parsed
    flags."""
    cur = db.conn.execute(
        "SELECT d.id FROM documents d WHERE EXISTS (SELECT 1 FROM claims c WHERE "
        "c.doc_id = d.id AND instr(c.flags, ?)) ORDER BY d.added, d.id", (json.dumps(code),))
    for (doc_id,) in cur:
        yield doc_id


# --- entity facts: each document's part of the entity graph (entities.DocFacts) ---


def write_entity_facts(conn: sqlite3.Connection, doc_id: str, facts_of: FactsOf) -> None:
    """Store a document's entity facts, computed by `facts_of` from its rows just
    written (inside the caller's transaction): reads then build only the entities
    they show."""
    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    facts = facts_of(db, doc_id)
    text = facts.to_json()
    nodes, edges = split_entity_facts(text)
    remove_entity_nodes(conn, [doc_id])
    conn.execute("DELETE FROM entity_keys WHERE doc_id = ?", (doc_id,))
    conn.execute("INSERT OR REPLACE INTO entity_facts (doc_id, facts, edges) VALUES (?, ?, ?)",
                 (doc_id, text, edges))
    conn.executemany(
        "INSERT INTO entity_nodes (doc_id, seq, key, node, words, weight, safe, rank) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(doc_id, seq, key, node, *node_columns(json.loads(node)))
         for seq, key, node in nodes])
    _join_components(conn, doc_id, json.loads(edges))
    conn.executemany("INSERT INTO entity_keys (key, doc_id, phase, seq) VALUES (?, ?, ?, ?)",
                     [(k, doc_id, phase, seq) for k, phase, seq in facts.name_keys()])


