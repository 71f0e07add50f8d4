"""`show --entity`: per document, the claims by and about a name, paged and graded.

Each row carries its chain, corpus flags and grade; only the page is read whole,
flagged and graded (the selection is entityselect.py's).
"""

from __future__ import annotations

import sqlite_utils

from claimtrack import corpusflags, queries
from claimtrack.entities import EntityNotes
from claimtrack.entityselect import entity_selection, no_entity
from claimtrack.models import EntityClaim, EntityDocument, EntityView
from claimtrack.provenance import chain_of, relay_children
from claimtrack.store import documents as store
from claimtrack.store import readback


def entity_view(db: sqlite_utils.Database, name: str, author: bool = False,
                limit: int | None = None, offset: int = 0) -> EntityView:
    """Per document, the claims made by `name` and the claims about it, with chains
    (the author's own statements in the body only with `author`). Rows are claims in
    the order shown (documents in listing order, each its claims by, then about);
    `limit`/`offset` page them. Only the page is read whole, flagged and graded."""
    matcher, chosen = entity_selection(db, name, author=author)
    if not chosen:
        raise no_entity(name)
    # the entity's record and identifications, stored like the selection: the graph
    # of a frequent name is thousands of nodes, read only when they are not
    g = readback.stored_listing(db, f"entity notes {name}", lambda: [matcher().notes()],
                                EntityNotes.load, EntityNotes.dump, None, 0)[0]
    rows: dict[str, tuple[list[str], list[str]]] = {}
    for cid, doc_id, role in chosen:
        rows.setdefault(doc_id, ([], []))[0 if role == "by" else 1].append(cid)
    ordered = [(doc_id, cid, role) for doc_id, (by, about) in rows.items()
               for role, ids in (("by", by), ("about", about)) for cid in ids]
    page = ordered[offset: None if limit is None else offset + limit]
    by_doc = {doc_id: {c.id: c for c in queries.read(db, doc_id=doc_id, author=author)}
              for doc_id in dict.fromkeys(d for d, _, _ in page)}
    shown = [by_doc[d][cid] for d, cid, _ in page if cid in by_doc[d]]
    graded = {c.id: c for c in corpusflags.grade(db, shown)}
    documents = []
    for doc_id, claims in by_doc.items():
        d = store.get_document(db, doc_id)
        lists: dict[str, list[EntityClaim]] = {"by": [], "about": []}
        children = relay_children(claims)
        for pd, cid, role in page:
            if pd != doc_id or cid not in graded:
                continue
            # chains read the static hops of the document's claims, graded or not
            c = claims[cid]
            lists[role].append(EntityClaim(claim=graded[cid], chain=chain_of(c, claims, children),
                                           via=g.via(c)))
        if lists["by"] or lists["about"]:
            documents.append(EntityDocument(id=d.id, title=d.title, origin=d.origin,
                                            by=lists["by"], about=lists["about"]))
    return EntityView(name=name, documents=documents, entity=g.entity,
                      total_claims=len(ordered), total_documents=len(rows), offset=offset)
