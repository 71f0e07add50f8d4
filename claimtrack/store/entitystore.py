"""Stored entity nodes and their components: the SQL and the pure rules that let a read
name an entity (the key's words, weight, whether it joins its name's other nodes, its rank)
without building the entity graph. Below the store and the migrations, so that migration 6,
`rematch` (corpus/update.py) and the store share one copy."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from claimtrack.store.inlist import rows_in
from claimtrack.text.names import surface_order
from claimtrack.unionfind import UnionFind

# single-word names of these labels are one entity across documents (EntityGraph._same_names)
SAFE_SINGLE = frozenset({"ORG", "GPE", "LOC"})


def node_columns(stored: list) -> tuple[int, int, int, str]:
    """(words of the key, weight, safe, rank) of a stored node: what the stored
    entity components (store.py) aggregate to name an entity without building it.
    safe: the node joins every other safe node of its key (EntityGraph._same_names);
    rank: EntityGraph._best's order of a node within its key, as text that sorts as
    the tuple does (one letter for the flags, then the surface)."""
    (_, _, _, anon, key, surfaces, labels, _, spans, claims, alias_side, identified,
     *part) = stored  # entities/facts.node_of
    counts = dict(labels)
    if counts.get("PERSON"):
        label: str | None = "PERSON"
    else:  # Counter.most_common(1): the largest count, the first stored on ties
        label = max(labels, key=lambda kv: kv[1])[0] if labels else None
    safe = not anon and (len(key) >= 2 or (label in SAFE_SINGLE and not (part and part[0])))
    count = dict(surfaces)
    surface = min(count, key=lambda x: surface_order(x, count[x]))
    # a full name by its key, as EntityGraph._best ranks it: "Ms Clinton" is a surname
    # (its key leaves the honorific out), so "Hillary Clinton" names the entity
    flags = 8 * (not anon) + 4 * (not alias_side) + 2 * bool(identified) + (len(key) >= 2)
    return len(key), len(spans) + len(claims), int(safe), chr(65 + flags) + surface


def best_name(keys: Iterable[tuple[int, int, str]]) -> str:
    """The name EntityGraph._best gives an entity with no user decision, from its keys'
    (words, summed weight, highest rank) rows (node_columns): flags, weight, fewer
    words, surface."""
    words, weight, rank = max(keys, key=lambda k: (k[2][0], k[1], -k[0], k[2][1:]))
    return rank[1:]



# --- entity components: each node's connected component, kept as documents come and go


def _edges(edges: dict) -> list[tuple[int, int]]:
    return [(a, b) for a, b in edges["folds"] + edges["author"]]


def _label(doc_id: str, seq: int) -> str:
    """A component's name: its first node (documents' ids have one length, so the
    text sorts as (doc id, seq) does)."""
    return f"{doc_id}:{seq:06d}"


def _join_components(conn: sqlite3.Connection, doc_id: str, edges: dict) -> None:
    """Give a document's new nodes their components: a safe node joins the component
    of its name key's safe nodes elsewhere, the document's folds and identifications
    join its own nodes; components joined through it become one, named by its first
    node. What a user's merge or split changes is not kept here: reads with
    decisions build the graph."""
    u: UnionFind[Any] = UnionFind(keep="min")
    rows = conn.execute("SELECT seq, key, safe FROM entity_nodes WHERE doc_id = ?",
                        (doc_id,)).fetchall()
    for seq, key, safe in rows:
        u.find(("n", seq))
        if safe:
            found = conn.execute(
                "SELECT comp FROM entity_nodes WHERE key = ? AND safe = 1 AND doc_id != ? "
                "AND comp IS NOT NULL LIMIT 1", (key, doc_id)).fetchone()
            if found is not None:
                u.union(("c", found[0]), ("n", seq))
    for a, b in _edges(edges):
        u.union(("n", a), ("n", b))
    groups: dict = {}
    for item in list(u.parent):
        groups.setdefault(u.find(item), []).append(item)
    for items in groups.values():
        comps = [x[1] for x in items if x[0] == "c"]
        seqs = [x[1] for x in items if x[0] == "n"]
        target = min([*comps, *(_label(doc_id, s) for s in seqs)])
        conn.executemany("UPDATE entity_nodes SET comp = ? WHERE comp = ?",
                         [(target, c) for c in comps if c != target])
        conn.execute(f"UPDATE entity_nodes SET comp = ? WHERE doc_id = ? AND seq IN "
                     f"({', '.join('?' * len(seqs))})", (target, doc_id, *seqs))


def _assign(conn: sqlite3.Connection, nodes: list[tuple[str, int, str, int]],
            edges: dict[str, dict]) -> None:
    """Components of `nodes` ((doc id, seq, key, safe)) under their documents' edges
    and safe keys, each named by its first node, written back."""
    u: UnionFind[Any] = UnionFind(keep="min")
    first: dict[str, tuple] = {}
    for doc_id, seq, key, safe in nodes:
        u.find((doc_id, seq))
        if safe:
            if key in first:
                u.union(first[key], (doc_id, seq))
            else:
                first[key] = (doc_id, seq)
    present = {(d, s) for d, s, _, _ in nodes}
    for doc_id, e in edges.items():
        for a, b in _edges(e):
            if (doc_id, a) in present and (doc_id, b) in present:
                u.union((doc_id, a), (doc_id, b))
    groups: dict = {}
    for d, s, _, _ in nodes:
        groups.setdefault(u.find((d, s)), []).append((d, s))
    for group in groups.values():
        comp = _label(*min(group))
        conn.executemany("UPDATE entity_nodes SET comp = ? WHERE doc_id = ? AND seq = ?",
                         [(comp, d, s) for d, s in group])


def _doc_edges(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> dict[str, dict]:
    return {doc_id: json.loads(edges) for doc_id, edges in rows_in(
        conn, "SELECT doc_id, edges FROM entity_facts WHERE doc_id IN ({keys}) "
        "AND edges IS NOT NULL", doc_ids)}


def remove_entity_nodes(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> None:
    """Take documents' nodes out of their components (before `rm` or a re-extraction
    drops their facts): the components they were in are worked out again from the
    nodes left, which may fall apart."""
    ids = list(doc_ids)
    marks = ", ".join("?" * len(ids))
    comps = [r[0] for r in conn.execute(
        f"SELECT DISTINCT comp FROM entity_nodes WHERE doc_id IN ({marks}) "
        "AND comp IS NOT NULL", ids)]
    conn.execute(f"DELETE FROM entity_nodes WHERE doc_id IN ({marks})", ids)
    if not comps:
        return
    nodes = [tuple(r) for r in conn.execute(
        f"SELECT doc_id, seq, key, safe FROM entity_nodes WHERE comp IN "
        f"({', '.join('?' * len(comps))})", comps)]
    _assign(conn, nodes, _doc_edges(conn, sorted({n[0] for n in nodes})))


def clear_entity_components(conn: sqlite3.Connection) -> None:
    """Every node out of its component, until rebuild_entity_components: documents'
    facts written again one after the other (a rematch) then keep no component up to
    date on the way (on 560 articles 49 ms a document, the large components worked out
    again for each)."""
    conn.execute("UPDATE entity_nodes SET comp = NULL WHERE comp IS NOT NULL")


def rebuild_entity_components(conn: sqlite3.Connection) -> None:
    """Every node's columns and component from the stored facts (migration 6,
    `rematch`); clears the mark an edit behind the store's back leaves."""
    conn.executemany(
        "UPDATE entity_nodes SET words = ?, weight = ?, safe = ?, rank = ?, comp = NULL "
        "WHERE doc_id = ? AND seq = ?",
        [(*node_columns(json.loads(node)), doc_id, seq)
         for doc_id, seq, node in conn.execute("SELECT doc_id, seq, node FROM entity_nodes")
         .fetchall()])
    nodes = [tuple(r) for r in conn.execute("SELECT doc_id, seq, key, safe FROM entity_nodes")]
    edges = {d: json.loads(e) for d, e in conn.execute(
        "SELECT doc_id, edges FROM entity_facts WHERE edges IS NOT NULL")}
    _assign(conn, nodes, edges)
    conn.execute("DELETE FROM corpus_state WHERE key = 'entity_components_stale'")
