"""The stored cross-document index: claim terms, matches, clusters, near-duplicate bodies.

SQL only; the decisions are corpus/. Every function takes the raw connection
and runs inside the caller's transaction, so a document and everything derived
from it are written together or not at all.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypeVar

from claimtrack.models import CORROBORATING_ORIGINS
from claimtrack.store import postings
from claimtrack.store.inlist import chunks, rows_in


@dataclass(frozen=True)
class ClaimRow:
    """What matching and origin tracing read of a stored claim."""

    id: str
    doc_id: str
    compared: str
    cue_negated: bool
    denial: bool
    content_negated: bool
    modality: tuple[str, ...]
    rule: str | None
    source_text: str | None
    source_entity: str | None
    source_info: str | None  # JSON of SourceInfo
    relayed_by: str | None
    terms: str | None = None  # the stored core tokens, space-separated (None: not indexed)
    cue_lemma: str | None = None


_CLAIM_COLS = ("c.id, c.doc_id, c.compared, c.cue_negated, c.denial, c.content_negated, "
               "c.modality, c.rule, c.source_text, c.source_entity, c.source_info, c.relayed_by, "
               "c.terms, c.cue_lemma")


def _claim(row: tuple) -> ClaimRow:
    return ClaimRow(row[0], row[1], row[2] or "", bool(row[3]), bool(row[4]), bool(row[5]),
                    tuple(m for m in (row[6] or "").split(",") if m), *row[7:])


def claims_of(conn: sqlite3.Connection, doc_id: str) -> list[ClaimRow]:
    rows = conn.execute(f"SELECT {_CLAIM_COLS} FROM claims c WHERE c.doc_id = ? ORDER BY c.seq",
                        (doc_id,))
    return [_claim(r) for r in rows]


def claims_by_id(conn: sqlite3.Connection, ids: Sequence[str]) -> list[ClaimRow]:
    rows = rows_in(conn, f"SELECT {_CLAIM_COLS} FROM claims c WHERE c.id IN ({{keys}})", ids)
    return sorted((_claim(r) for r in rows), key=lambda c: c.id)


# --- matching units (migration 5) ----------------------------------------------------


class UnitRow(NamedTuple):
    """One matching unit of a claim (text/units.py): offsets into the stored text. A
    tuple, not a frozen dataclass: matching a document reads thousands of candidate
    units (5,800 a document at 1,000 stored), each made in a quarter of the time."""

    claim_id: str
    unit: int  # 0 = the whole content
    start: int
    end: int
    terms: str  # core tokens, space-separated


@dataclass(frozen=True)
class ClaimSpans:
    """Where a stored claim's parts lie in its document's text (None: no such part)."""

    rule: str | None
    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    content: tuple[int, int]
    source_entity: str | None


def _pair(start: int | None, end: int | None) -> tuple[int, int] | None:
    return None if start is None or end is None else (start, end)


def claim_spans(conn: sqlite3.Connection, doc_id: str) -> dict[str, ClaimSpans]:
    """claim id -> the rule, spans and source entity of each of a document's claims."""
    return {r[0]: ClaimSpans(r[1], _pair(r[2], r[3]), _pair(r[4], r[5]), (r[6], r[7]), r[8])
            for r in conn.execute(
                "SELECT id, rule, source_start, source_end, cue_start, cue_end, content_start, "
                "content_end, source_entity FROM claims WHERE doc_id = ?", (doc_id,))}


IndexRow = postings.Posting  # a unit under one of its tokens (corpus/index.py)


def put_units(conn: sqlite3.Connection, units: Iterable[UnitRow],
              index: Sequence[IndexRow]) -> None:
    """Units, and their rows of the unit index (packed by token and document)."""
    conn.executemany("INSERT OR REPLACE INTO claim_units (claim_id, unit, start, \"end\", terms)"
                     " VALUES (?, ?, ?, ?, ?)",
                     [(u.claim_id, u.unit, u.start, u.end, u.terms) for u in units])
    postings.write(conn, index)


def units_of(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, list[UnitRow]]:
    """claim id -> its stored units, in unit order."""
    out: dict[str, list[UnitRow]] = {}
    rows = rows_in(conn, "SELECT claim_id, unit, start, \"end\", terms FROM claim_units "
                    "WHERE claim_id IN ({keys})", ids)
    for r in sorted(rows):
        out.setdefault(r[0], []).append(UnitRow(*r))
    return out


def units_at(conn: sqlite3.Connection,
             keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], UnitRow]:
    """(claim id, unit) -> that stored unit, for the keys stored (a candidate's unit,
    not every unit of its claim)."""
    out: dict[tuple[str, int], UnitRow] = {}
    for part in chunks(sorted(set(keys))):
        values = ",".join("(?, ?)" for _ in part)
        for r in conn.execute(
                f"WITH k (c, u) AS (VALUES {values}) SELECT claim_id, unit, start, \"end\", "
                "terms FROM k JOIN claim_units ON claim_id = k.c AND unit = k.u",
                [x for key in part for x in key]):
            out[r[0], r[1]] = UnitRow._make(r)
    return out


def unit_candidates(conn: sqlite3.Connection, heads: Sequence[str], tokens: Sequence[str],
                    lo: int, hi: int, other_than: str, mass: float, bound: float,
                    close: float, floor: float, scale: int, slack: float, least: int,
                    jaccard: float) -> list[tuple[str, int]]:
    """(claim id, unit) of the units of other documents than `other_than`, of lo..hi
    tokens, that can relate to a unit of these `heads` and `tokens` (corpus/index.py):
    - as the lighter, its heads against every token of units at least as heavy,
      whose shared heads weigh at least its `bound`;
    - as the heavier, its tokens against the heads of units at most as heavy,
      whose shared heads weigh at least their own bound, max(`close` * their mass,
      `floor`) less their rest;
    in both, only units that can share `least` tokens with it at a Jaccard of at
    least `jaccard`, as far as their stored signatures tell.
    Stored weights are in 1/`scale`; `slack` (in weight) absorbs their rounding.
    The lists are read packed and probed with numpy (store/postings.py): the many
    units that share two light words cost an array element each, never a row."""
    s = slack * scale
    return postings.candidates(conn, heads, tokens, lo, hi, other_than, mass * scale, s,
                               bound * scale - s, close, floor * scale, least, jaccard)


@dataclass(frozen=True)
class UnitMatchRow:
    """A unit pair of two claims (a < b) that aligns or contradicts."""

    a: str
    b: str
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    relation: str
    similarity: float
    wider: str | None
    differences: tuple[str, ...]
    shared: float = 0.0  # IDF weight of the tokens both units share


def put_unit_matches(conn: sqlite3.Connection, rows: Iterable[UnitMatchRow]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO match_units (a, b, a_start, a_end, b_start, b_end, relation, "
        "similarity, wider, differences, shared) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(m.a, m.b, *m.a_span, *m.b_span, m.relation, round(m.similarity, 6), m.wider,
          json.dumps(list(m.differences)), round(m.shared, 6)) for m in rows])


def unit_matches_between(conn: sqlite3.Connection, doc_a: str,
                         doc_b: str) -> list[UnitMatchRow]:
    rows = conn.execute(
        "SELECT m.a, m.b, m.a_start, m.a_end, m.b_start, m.b_end, m.relation, m.similarity, "
        "m.wider, m.differences, m.shared FROM match_units m "
        "JOIN claims ca ON ca.id = m.a JOIN claims cb ON cb.id = m.b "
        "WHERE (ca.doc_id = ? AND cb.doc_id = ?) OR (ca.doc_id = ? AND cb.doc_id = ?) "
        "ORDER BY m.a, m.b, m.a_start, m.a_end, m.b_start, m.b_end",
        (doc_a, doc_b, doc_b, doc_a))
    stored = [UnitMatchRow(r[0], r[1], (r[2], r[3]), (r[4], r[5]), r[6], r[7], r[8],
                           tuple(json.loads(r[9])), r[10]) for r in rows]
    return _with_twins(stored, [u for _, us in twin_rows_between(conn, doc_a, doc_b)
                                for u in us],
                       key=lambda m: (m.a, m.b, *m.a_span, *m.b_span))


# --- matches ------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchRow:
    a: str  # a < b
    b: str
    relation: str
    similarity: float
    wider: str | None  # "a" or "b" for more_specific
    differences: tuple[str, ...]


def put_matches(conn: sqlite3.Connection, matches: Iterable[MatchRow]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO matches (a, b, relation, similarity, wider, differences) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(m.a, m.b, m.relation, round(m.similarity, 6), m.wider, json.dumps(list(m.differences)))
         for m in matches])


def _match(row: tuple) -> MatchRow:
    return MatchRow(row[0], row[1], row[2], row[3], row[4], tuple(json.loads(row[5])))


def matches_of(conn: sqlite3.Connection, ids: Sequence[str]) -> list[MatchRow]:
    """Every match touching any of `ids`, ordered: those stored and those of their
    twin classes (twin_rows_of)."""
    found = {(r[0], r[1]): r for r in rows_in(
        conn, "SELECT a, b, relation, similarity, wider, differences FROM matches "
        "WHERE a IN ({keys}) UNION SELECT a, b, relation, similarity, wider, differences "
        "FROM matches WHERE b IN ({keys})", ids)}
    return _with_twins([_match(found[k]) for k in sorted(found)],
                       [m for m, _ in twin_rows_of(conn, ids)], key=lambda m: (m.a, m.b))


def edges_of(conn: sqlite3.Connection, ids: Sequence[str]) -> list[tuple[str, str, str]]:
    """(a, b, relation) of the matches touching any of `ids` that shape clusters or
    their stats: `related` pairs do neither, and on a large corpus they are most rows."""
    return sorted(set(rows_in(
        conn, "SELECT a, b, relation FROM matches INDEXED BY matches_edges_a "
        "WHERE a IN ({keys}) AND relation != 'related' "
        "UNION SELECT a, b, relation FROM matches INDEXED BY matches_edges_b "
        "WHERE b IN ({keys}) AND relation != 'related'", ids)))


def matches_between(conn: sqlite3.Connection, doc_a: str, doc_b: str) -> list[MatchRow]:
    rows = conn.execute(
        "SELECT m.a, m.b, m.relation, m.similarity, m.wider, m.differences FROM matches m "
        "JOIN claims ca ON ca.id = m.a JOIN claims cb ON cb.id = m.b "
        "WHERE (ca.doc_id = ? AND cb.doc_id = ?) OR (ca.doc_id = ? AND cb.doc_id = ?) "
        "ORDER BY m.a, m.b", (doc_a, doc_b, doc_b, doc_a))
    return _with_twins([_match(r) for r in rows],
                       [m for m, _ in twin_rows_between(conn, doc_a, doc_b)],
                       key=lambda m: (m.a, m.b))


# --- twin classes ---------------------------------------------------------------------
# Claims told identically (corpus/update.twin_of) are one class. Two classes relate as
# their members do (corpus/update.decide_pair, kept by class pair in `twin_pairs`); of
# the pairs of their members only those corpus/twins.required names are stored, and
# these functions give the others, each with the rows deciding it would store.


@dataclass(frozen=True)
class TwinRow:
    """A claim's twin class (corpus/update.twin_of) and where its whole content stands."""

    claim_id: str
    doc_id: str
    key: str
    start: int  # its whole content (unit 0): its units' offsets in twin_pairs are from here
    end: int


_TWIN_COLS = "claim_id, doc_id, key, start, \"end\""


def _twin(row: tuple) -> TwinRow:
    return TwinRow(*row[:5])


def put_twins(conn: sqlite3.Connection, rows: Iterable[TwinRow]) -> None:
    conn.executemany(f"INSERT OR REPLACE INTO twins ({_TWIN_COLS}) VALUES (?, ?, ?, ?, ?)",
                     [(t.claim_id, t.doc_id, t.key, t.start, t.end) for t in rows])


def twin_members(conn: sqlite3.Connection, keys: Sequence[str]) -> dict[str, list[TwinRow]]:
    """key -> the stored members of that twin class, by document and claim id."""
    out: dict[str, list[TwinRow]] = {}
    for r in sorted(rows_in(conn, f"SELECT {_TWIN_COLS} FROM twins WHERE key IN ({{keys}})",
                            keys), key=lambda r: (r[2], r[1], r[0])):
        out.setdefault(r[2], []).append(_twin(r))
    return out


def twin_keys_of(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> list[str]:
    """The twin classes the claims of `doc_ids` are members of."""
    return sorted({r[0] for r in rows_in(conn, "SELECT key FROM twins WHERE doc_id IN ({keys})",
                                          doc_ids)})


def twins_by_id(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, TwinRow]:
    """claim id -> its twin row, for those of `ids` that are twins."""
    return {r[0]: _twin(r) for r in rows_in(
        conn, f"SELECT {_TWIN_COLS} FROM twins WHERE claim_id IN ({{keys}})", ids)}


def twins_in(conn: sqlite3.Connection, doc_id: str) -> list[TwinRow]:
    return [_twin(r) for r in conn.execute(
        f"SELECT {_TWIN_COLS} FROM twins WHERE doc_id = ? ORDER BY claim_id", (doc_id,))]


@dataclass(frozen=True)
class ClassPair:
    """What match_claims stores for a claim of class `a_key` (the lesser claim id) and
    one of class `b_key`: nothing (relation None), or the claim match and its unit
    matches, each unit's offsets from its claim's start (TwinRow.start)."""

    a_key: str
    b_key: str
    relation: str | None
    similarity: float = 0.0
    wider: str | None = None
    differences: tuple[str, ...] = ()
    units: tuple[tuple, ...] = ()  # (a from, a to, b from, b to, relation, similarity,
    #                                 wider, differences, shared), offsets relative


def put_class_pairs(conn: sqlite3.Connection, rows: Iterable[ClassPair]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO twin_pairs (a_key, b_key, relation, similarity, wider, "
        "differences, units) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(p.a_key, p.b_key, p.relation, round(p.similarity, 6), p.wider,
          json.dumps(list(p.differences)),
          json.dumps([[*u[:5], round(u[5], 6), u[6], list(u[7]), round(u[8], 6)]
                      for u in p.units])) for p in rows])


def class_pairs(conn: sqlite3.Connection, keys: Sequence[str]) -> dict[tuple[str, str], ClassPair]:
    """(a key, b key) -> the decided class pair, for every pair decided with any of
    `keys` on either side (relation None included: decided, nothing)."""
    out: dict[tuple[str, str], ClassPair] = {}
    for r in rows_in(conn, "SELECT a_key, b_key, relation, similarity, wider, differences, "
                     "units FROM twin_pairs WHERE a_key IN ({keys}) UNION SELECT a_key, b_key, "
                     "relation, similarity, wider, differences, units FROM twin_pairs "
                     "WHERE b_key IN ({keys})", keys):
        out[r[0], r[1]] = ClassPair(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[5])),
                                    tuple((*u[:7], tuple(u[7]), u[8])
                                          for u in json.loads(r[6])))
    return out


def drop_class_pairs(conn: sqlite3.Connection, keys: Sequence[str]) -> None:
    """Forget the class pairs of classes no claim is a member of any more."""
    for part in chunks(sorted(set(keys))):
        marks = ",".join("?" * len(part))
        conn.execute(f"DELETE FROM twin_pairs WHERE a_key IN ({marks}) OR b_key IN ({marks})",
                     [*part, *part])


def relations(pairs: Mapping[tuple[str, str], ClassPair]) -> dict[str, set[str]]:
    """class -> the classes it relates to (itself included where its members do), in
    either orientation."""
    out: dict[str, set[str]] = {}
    for (a, b), p in pairs.items():
        if p.relation is not None:
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
    return out


def pair_rows(x: TwinRow, y: TwinRow, pairs: Mapping[tuple[str, str], ClassPair]
              ) -> tuple[MatchRow | None, list[UnitMatchRow]]:
    """The rows deciding two twins (of two documents) stores: their classes' pair,
    oriented by claim id, each side's offsets moved to where it stands."""
    a, b = (x, y) if x.claim_id < y.claim_id else (y, x)
    p = pairs.get((a.key, b.key))
    if p is None or p.relation is None:
        return None, []
    return (MatchRow(a.claim_id, b.claim_id, p.relation, p.similarity, p.wider,
                     p.differences),
            [UnitMatchRow(a.claim_id, b.claim_id, (a.start + u[0], a.start + u[1]),
                          (b.start + u[2], b.start + u[3]), u[4], u[5], u[6], u[7], u[8])
             for u in p.units])


def _twin_pairs(conn: sqlite3.Connection, xs: Sequence[TwinRow], ys: Sequence[TwinRow],
                pairs: Mapping[tuple[str, str], ClassPair] | None = None
                ) -> list[tuple[MatchRow, list[UnitMatchRow]]]:
    """The rows of every pair of a twin of `xs` and a twin of `ys` in another document
    whose classes relate (`pairs`: the class pairs of `xs`' classes, where read
    already): two copies of a page telling one sentence 1,000 times are a million
    pairs of 2,000 rows read."""
    if pairs is None:
        pairs = class_pairs(conn, sorted({t.key for t in xs}))
    out = []
    by_key: dict[str, list[TwinRow]] = {}
    for y in ys:
        by_key.setdefault(y.key, []).append(y)
    relates = relations(pairs)
    for x in xs:
        for k in relates.get(x.key, ()):
            for y in by_key.get(k, ()):
                if y.doc_id != x.doc_id:
                    m, us = pair_rows(x, y, pairs)
                    if m is not None:
                        out.append((m, us))
    return out


def twin_rows_between(conn: sqlite3.Connection, doc_a: str,
                      doc_b: str) -> list[tuple[MatchRow, list[UnitMatchRow]]]:
    """The pairs of twins, one in each document (none of a document with itself:
    matches are across documents)."""
    if doc_a == doc_b:
        return []
    return _twin_pairs(conn, twins_in(conn, doc_a), twins_in(conn, doc_b))


def twin_rows_of(conn: sqlite3.Connection,
                 ids: Sequence[str]) -> list[tuple[MatchRow, list[UnitMatchRow]]]:
    """Each of `ids` that is a twin, with every twin of another document its class
    relates to."""
    mine = list(twins_by_id(conn, ids).values())
    pairs = class_pairs(conn, sorted({t.key for t in mine}))
    relates = relations(pairs)
    keys = sorted({k for t in mine for k in relates.get(t.key, ())})
    return _twin_pairs(conn, mine, [t for ms_ in twin_members(conn, keys).values()
                                    for t in ms_], pairs)


def drop_pairs_between(conn: sqlite3.Connection, xs: Sequence[str], ys: Sequence[str]) -> None:
    """Delete the matches (and unit matches) of any of `xs` with any of `ys`: the pairs
    of two twin classes, before they are drawn again around other hubs."""
    left, right = set(xs), set(ys)
    for table in ("matches", "match_units"):
        doomed = {(a, b) for a, b in rows_in(
            conn, f"SELECT a, b FROM {table} WHERE a IN ({{keys}})", sorted(left | right))
            if (a in left and b in right) or (a in right and b in left)}
        conn.executemany(f"DELETE FROM {table} WHERE a = ? AND b = ?", sorted(doomed))


M = TypeVar("M", MatchRow, UnitMatchRow)


def _with_twins(stored: list[M], twins: list[M], key: Callable[[M], tuple]) -> list[M]:
    """Stored rows and the twin classes' rows not stored (the star holds some), in
    `key` order."""
    out = {key(m): m for m in twins}  # a pair of `ids` comes from each side
    out.update((key(m), m) for m in stored)
    return [out[k] for k in sorted(out)]


# --- clusters -----------------------------------------------------------------------


class Voice(NamedTuple):
    """What a claim's independence reads of it (corpus/update.appearance): ClaimRow's
    fields of the same names. A cluster of a story run by 150 papers is 150 claims
    each time one more runs it; read whole, their rows took three times as long."""

    id: str
    doc_id: str
    rule: str | None
    source_text: str | None
    source_entity: str | None
    source_info: str | None


@dataclass(frozen=True)
class Appearing:
    """A claim with the document facts independence depends on."""

    claim: ClaimRow | Voice
    doc_origin: str
    publisher: str | None
    published: date | None


def existing(conn: sqlite3.Connection, ids: Sequence[str]) -> set[str]:
    """Those of `ids` that are stored claims."""
    return {r[0] for r in rows_in(conn, "SELECT id FROM claims WHERE id IN ({keys})", ids)}


def appearances(conn: sqlite3.Connection, ids: Sequence[str]) -> list[Appearing]:
    """The stored claims of `ids`, in id order, with their documents' facts."""
    rows = {v.id: v for v in sorted(Voice._make(r) for r in rows_in(
        conn, "SELECT id, doc_id, rule, source_text, source_entity, source_info FROM claims "
        "WHERE id IN ({keys})", ids))}
    docs: dict[str, tuple[str, str | None, date | None]] = {}
    for doc_id in sorted({c.doc_id for c in rows.values()}):
        r = conn.execute("SELECT origin_key, publisher, published FROM documents WHERE id = ?",
                         (doc_id,)).fetchone()
        docs[doc_id] = (r[0] or f"doc:{doc_id}", r[1], date.fromisoformat(r[2]) if r[2] else None)
    return [Appearing(c, *docs[c.doc_id]) for c in rows.values()]


def cluster_ids(conn: sqlite3.Connection, ids: Sequence[str]) -> set[str]:
    return {r[0] for r in rows_in(
        conn, "SELECT cluster FROM clusters WHERE claim_id IN ({keys})", ids)}


def members(conn: sqlite3.Connection, clusters: Sequence[str]) -> list[str]:
    return sorted(r[0] for r in rows_in(
        conn, "SELECT claim_id FROM clusters WHERE cluster IN ({keys})", clusters))


def members_by_cluster(conn: sqlite3.Connection, clusters: Sequence[str]) -> dict[str, list[str]]:
    """cluster -> its claim ids, for many clusters in one pass."""
    out: dict[str, list[str]] = {}
    for cid, cluster in rows_in(
            conn, "SELECT claim_id, cluster FROM clusters WHERE cluster IN ({keys})", clusters):
        out.setdefault(cluster, []).append(cid)
    return out


@dataclass(frozen=True)
class ClusterRow:
    cluster: str
    claims: int
    documents: int
    origins: tuple[str, ...]
    contradicted_by: tuple[str, ...]  # claim ids outside the cluster that contradict it


@dataclass(frozen=True)
class MemberRow:
    claim_id: str
    cluster: str
    root: str | None
    relay: bool
    copy: bool
    circular: str | None


def replace_clusters(conn: sqlite3.Connection, old: Iterable[str],
                     clusters: Sequence[ClusterRow], members_: Sequence[MemberRow]) -> None:
    """Replace the listed clusters by `clusters` and `members_`, writing only the rows
    that differ: a document joining a cluster of thousands of claims changes a few of
    its rows, and rewriting every one cost each such document a delete and an insert
    per member (with the listings' triggers on each). Drop the stored shares of the
    sources listing (source_parts) of the documents whose claims they now flag
    otherwise (_told)."""
    old = sorted(set(old) | {c.cluster for c in clusters})
    had, had_stats = _stored_clusters(conn, old)
    now = {m.claim_id: (m.cluster, m.root, int(m.relay), int(m.copy), m.circular)
           for m in members_}
    now_stats = {c.cluster: (c.claims, c.documents, json.dumps(list(c.origins)),
                             json.dumps(list(c.contradicted_by))) for c in clusters}

    def flagging(rows: Mapping[str, tuple], told: Mapping[str, frozenset[str] | str]
                 ) -> dict[str, tuple]:
        return {cid: (told.get(r[0], frozenset()), r[4]) for cid, r in rows.items()}
    before = flagging(had, {c: _told(json.loads(st[2])) for c, st in had_stats.items()})
    after = flagging(now, {c.cluster: _told(c.origins) for c in clusters})
    changed = {cid for cid in before.keys() | after.keys() if before.get(cid) != after.get(cid)}
    docs = sorted({cid.rsplit(":", 1)[0] for cid in changed})
    for part in chunks(docs):
        conn.execute(f"DELETE FROM source_parts WHERE doc_id IN ({','.join('?' * len(part))})",
                     list(part))
    for part in chunks(sorted(c for c in had_stats if c not in now_stats)):
        conn.execute(f"DELETE FROM cluster_stats WHERE cluster IN ({','.join('?' * len(part))})",
                     list(part))
    for part in chunks(sorted(cid for cid in had if cid not in now)):
        conn.execute(f"DELETE FROM clusters WHERE claim_id IN ({','.join('?' * len(part))})",
                     list(part))
    conn.executemany(
        "INSERT OR REPLACE INTO clusters (claim_id, cluster, root, relay, copy, circular) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(cid, *row) for cid, row in now.items() if had.get(cid) != row])
    conn.executemany(
        "INSERT OR REPLACE INTO cluster_stats (cluster, claims, documents, origins, "
        "contradicted_by) VALUES (?, ?, ?, ?, ?)",
        [(c, *row) for c, row in now_stats.items() if had_stats.get(c) != row])


def _stored_clusters(conn: sqlite3.Connection, clusters: Sequence[str]
                     ) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """The stored rows of `clusters`: claim id -> (cluster, root, relay, copy, circular)
    of their members, and cluster -> (claims, documents, origins, contradicted_by) of
    their stats, as replace_clusters writes them."""
    members_ = {r[0]: tuple(r[1:]) for r in rows_in(
        conn, "SELECT claim_id, cluster, root, relay, copy, circular FROM clusters "
        "WHERE cluster IN ({keys})", clusters)}
    stats = {r[0]: tuple(r[1:]) for r in rows_in(
        conn, "SELECT cluster, claims, documents, origins, contradicted_by FROM cluster_stats "
        "WHERE cluster IN ({keys})", clusters)}
    return members_, stats


def _told(origins: Iterable[str]) -> frozenset[str] | str:
    """What of a cluster's origins its members' corpus flags turn on
    (corpusflags.with_corpus_flags): `single_source` on fewer than two independent
    origins (models.CORROBORATING_ORIGINS), a claim's cluster's and those of the claims
    of its document telling it (which are that document's too), so the origins
    themselves only while they are fewer. A member's flags turn on (_told, its
    `circular`)."""
    found = frozenset(origins)
    return found if len(found) < CORROBORATING_ORIGINS else "enough"


# --- within one document: the same claim from two voices ------------------------------


@dataclass(frozen=True)
class WithinRow:
    """What the within-document matcher reads of a stored claim (corpus/update.py)."""

    id: str
    start: int  # content offsets
    end: int
    content: str  # content text
    authorial: bool  # no source and no cue: the author states it
    rule: str | None
    relayed_by: str | None
    cue_negated: bool
    denial: bool
    content_negated: bool
    modality: tuple[str, ...]
    source_text: str | None = None  # who says it (corpus/update.py keys its voice)
    source_entity: str | None = None
    source_info: str | None = None  # JSON of SourceInfo


def within_inputs(conn: sqlite3.Connection, doc_id: str) -> list[WithinRow]:
    """The document's claims in seq order, as the within-document matcher reads them."""
    rows = conn.execute(
        "SELECT id, content_start, content_end, content_text, "
        "source_start IS NULL AND cue_start IS NULL, rule, relayed_by, cue_negated, denial, "
        "content_negated, modality, source_text, source_entity, source_info "
        "FROM claims WHERE doc_id = ? ORDER BY seq", (doc_id,))
    return [WithinRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6], bool(r[7]), bool(r[8]),
                      bool(r[9]), tuple(m for m in (r[10] or "").split(",") if m),
                      r[11], r[12], r[13]) for r in rows]


def put_within(conn: sqlite3.Connection, doc_id: str, pairs: Iterable[tuple[str, str]]) -> None:
    """Replace the document's within-document pairs (a < b, both its claims)."""
    conn.execute("DELETE FROM within_matches WHERE a IN (SELECT id FROM claims WHERE doc_id = ?)",
                 (doc_id,))
    conn.executemany("INSERT OR IGNORE INTO within_matches (a, b) VALUES (?, ?)",
                     sorted({(min(a, b), max(a, b)) for a, b in pairs}))


def within_of(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, set[str]]:
    """claim id -> the claims of its own document stored as telling the same claim
    (before the read-time independence test: queries.py), for `ids`."""
    out: dict[str, set[str]] = {}
    for a, b in rows_in(conn, "SELECT a, b FROM within_matches WHERE a IN ({keys}) "
                         "UNION SELECT a, b FROM within_matches WHERE b IN ({keys})", ids):
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


# --- documents: publisher, origin, near-duplicate bodies ------------------------------


@dataclass(frozen=True)
class DocumentRow:
    id: str
    text: str
    publisher: str | None
    wire: str | None


def document(conn: sqlite3.Connection, doc_id: str) -> DocumentRow:
    r = conn.execute("SELECT id, text, publisher, wire FROM documents WHERE id = ?",
                     (doc_id,)).fetchone()
    return DocumentRow(*r)


def all_document_ids(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]


def clear_index(conn: sqlite3.Connection) -> None:
    """Forget every derived row (rematch rebuilds them). Inside db.atomic, which drops
    the process's cached posting lists for any transaction that may delete."""
    for table in ("claim_units", "unit_blocks", "unit_docs", "unit_gone", "match_units",
                  "matches", "twins", "twin_pairs", "within_matches", "clusters",
                  "cluster_stats", "doc_bands", "doc_duplicates", "source_parts"):
        conn.execute(f"DELETE FROM {table}")
    # the documents are numbered from 1 again (no block holds a number now)
    conn.execute("DELETE FROM sqlite_sequence WHERE name = 'unit_docs'")
    conn.execute("UPDATE documents SET base_origin = NULL, origin_key = NULL, body_sig = NULL")
    conn.execute("DELETE FROM corpus_state WHERE key = 'needs_rematch'")


def needs_rematch(conn: sqlite3.Connection, decisions: str) -> bool:
    """Whether the stored index must be rebuilt: a migration flagged it, or it was
    decided by other rules than `decisions` (corpus/update.DECISIONS), or by rules
    that recorded none (an index built before they were recorded). An empty
    database needs nothing."""
    if conn.execute("SELECT 1 FROM corpus_state WHERE key = 'needs_rematch'").fetchone():
        return True
    if decisions_of(conn) == decisions:
        return False
    return conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None


def set_decisions(conn: sqlite3.Connection, decisions: str) -> None:
    """Record the rules the stored index is decided by (corpus/update.DECISIONS)."""
    conn.execute("INSERT OR REPLACE INTO corpus_state (key, value) VALUES ('decisions', ?)",
                 (decisions,))


def needs_refacts(conn: sqlite3.Connection, rules: str) -> bool:
    """Whether the stored entity facts were drawn by other rules than `rules`
    (corpus/update.ENTITY_FACTS), or by rules that recorded none. An empty database
    needs nothing."""
    row = conn.execute("SELECT value FROM corpus_state WHERE key = 'entity facts'").fetchone()
    if row is not None and row[0] == rules:
        return False
    return conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None


def set_facts_rules(conn: sqlite3.Connection, rules: str) -> None:
    """Record the rules the stored entity facts are drawn by."""
    conn.execute("INSERT OR REPLACE INTO corpus_state (key, value) VALUES ('entity facts', ?)",
                 (rules,))


def only_document(conn: sqlite3.Connection, doc_id: str) -> bool:
    """Whether `doc_id` is the one stored document."""
    return [r[0] for r in conn.execute("SELECT id FROM documents LIMIT 2")] == [doc_id]


def decisions_of(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM corpus_state WHERE key = 'decisions'").fetchone()
    return None if row is None else str(row[0])


def put_document_origin(conn: sqlite3.Connection, doc_id: str, base_key: str,
                        signature: bytes | None, bands: Sequence[str]) -> None:
    conn.execute("UPDATE documents SET base_origin = ?, origin_key = ?, body_sig = ? "
                 "WHERE id = ?", (base_key, base_key, signature, doc_id))
    conn.executemany("INSERT OR IGNORE INTO doc_bands (band, doc_id) VALUES (?, ?)",
                     [(b, doc_id) for b in bands])


def band_partners(conn: sqlite3.Connection, doc_id: str) -> list[tuple[str, bytes]]:
    """Other documents sharing a band with `doc_id`, with their signatures."""
    rows = conn.execute(
        "SELECT DISTINCT d.id, d.body_sig FROM doc_bands mine "
        "JOIN doc_bands other ON other.band = mine.band AND other.doc_id != mine.doc_id "
        "JOIN documents d ON d.id = other.doc_id WHERE mine.doc_id = ? AND d.body_sig IS NOT NULL "
        "ORDER BY d.id", (doc_id,))
    return [(r[0], r[1]) for r in rows]


def put_duplicates(conn: sqlite3.Connection, pairs: Iterable[tuple[str, str, float]]) -> None:
    conn.executemany("INSERT OR REPLACE INTO doc_duplicates (a, b, similarity) VALUES (?, ?, ?)",
                     [(min(a, b), max(a, b), round(s, 6)) for a, b, s in pairs])


def duplicate_group(conn: sqlite3.Connection, doc_id: str) -> list[str]:
    """Every document linked to `doc_id` through near-duplicate pairs, itself included."""
    seen, todo = {doc_id}, [doc_id]
    while todo:
        d = todo.pop()
        for (other,) in conn.execute(
            "SELECT b FROM doc_duplicates WHERE a = ? "
            "UNION SELECT a FROM doc_duplicates WHERE b = ?", (d, d)):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return sorted(seen)


def base_origins(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> dict[str, str]:
    rows = rows_in(conn, "SELECT id, base_origin FROM documents WHERE id IN ({keys})", doc_ids)
    return {r[0]: r[1] or f"doc:{r[0]}" for r in rows}


def set_origin_keys(conn: sqlite3.Connection, keys: dict[str, str]) -> list[str]:
    """Write documents' origin keys; returns the ids whose key changed."""
    changed = []
    for doc_id, key in sorted(keys.items()):
        cur = conn.execute("SELECT origin_key FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if cur is not None and cur[0] != key:
            conn.execute("UPDATE documents SET origin_key = ? WHERE id = ?", (key, doc_id))
            changed.append(doc_id)
    return changed


def claim_ids_of(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> list[str]:
    return sorted(r[0] for r in rows_in(
        conn, "SELECT id FROM claims WHERE doc_id IN ({keys})", doc_ids))


# --- reads: what a listing needs of the stored judgement -------------------------------


@dataclass(frozen=True)
class ClusterFacts:
    """A claim's clusters row and its cluster's stats, as reads show them."""

    claim_id: str
    cluster: str
    root: str | None  # the origin key this appearance leads back to (None: counts zero)
    relay: bool
    copy: bool
    circular: str | None  # why its reporting goes in circles, if it does
    claims: int
    documents: int
    origins: tuple[str, ...]  # independent origin keys of the cluster, sorted
    contradicted_by: tuple[str, ...]


_FACTS = ("SELECT c.claim_id, c.cluster, c.root, c.relay, c.copy, c.circular, s.claims, "
          "s.documents, s.origins, s.contradicted_by FROM clusters c "
          "JOIN cluster_stats s ON s.cluster = c.cluster")


def _facts(row: tuple) -> ClusterFacts:
    return ClusterFacts(row[0], row[1], row[2], bool(row[3]), bool(row[4]), row[5], row[6],
                        row[7], tuple(json.loads(row[8])), tuple(json.loads(row[9])))


def cluster_facts(conn: sqlite3.Connection,
                  ids: Sequence[str] | None = None) -> dict[str, ClusterFacts]:
    """claim id -> its cluster facts, for `ids` (every stored claim when None: one
    scan rather than thousands of lookups). A claim with no clusters row (a database
    added to without the index, or waiting for `rematch`) is missing."""
    if ids is None:
        return {r[0]: _facts(r) for r in conn.execute(_FACTS)}
    return {r[0]: _facts(r) for r in rows_in(conn, _FACTS + " WHERE c.claim_id IN ({keys})",
                                               ids)}


def document_origins(conn: sqlite3.Connection,
                     doc_ids: Sequence[str]) -> dict[str, tuple[str, str | None]]:
    """document id -> (its origin key, its publisher), as the index keyed it."""
    rows = rows_in(conn, "SELECT id, origin_key, publisher FROM documents WHERE id IN ({keys})",
                    doc_ids)
    return {r[0]: (r[1] or f"doc:{r[0]}", r[2]) for r in rows}


# --- reads: diff and timeline ----------------------------------------------------------


def member_rows(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, MemberRow]:
    """claim id -> its clusters row (cluster, root, relay, copy, circular)."""
    rows = rows_in(conn, "SELECT claim_id, cluster, root, relay, copy, circular FROM clusters "
                    "WHERE claim_id IN ({keys})", ids)
    return {r[0]: MemberRow(r[0], r[1], r[2], bool(r[3]), bool(r[4]), r[5]) for r in rows}


def cluster_rows(conn: sqlite3.Connection, clusters: Sequence[str]) -> dict[str, ClusterRow]:
    """cluster name -> its stored figures (claims, documents, origins, contradicted_by)."""
    rows = rows_in(conn, "SELECT cluster, claims, documents, origins, contradicted_by "
                    "FROM cluster_stats WHERE cluster IN ({keys})", clusters)
    return {r[0]: ClusterRow(r[0], r[1], r[2], tuple(json.loads(r[3])), tuple(json.loads(r[4])))
            for r in rows}


def doc_of_claim(conn: sqlite3.Connection, claim_id: str) -> str | None:
    r = conn.execute("SELECT doc_id FROM claims WHERE id = ?", (claim_id,)).fetchone()
    return r[0] if r else None


def docs_of_claims(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, str]:
    """claim id -> document id."""
    return dict(rows_in(conn, "SELECT id, doc_id FROM claims WHERE id IN ({keys})", ids))


def voice_rows(conn: sqlite3.Connection,
               doc_ids: Sequence[str]) -> list[tuple[ClaimRow, bool]]:
    """Every claim of `doc_ids` (by document, then seq), each with whether the author
    states it (no source and no cue): what the within-document independence test of
    a read needs (queries.py)."""
    rows = rows_in(conn, f"SELECT {_CLAIM_COLS}, c.source_start IS NULL AND c.cue_start IS NULL "
                    f"FROM claims c WHERE c.doc_id IN ({{keys}}) ORDER BY c.doc_id, c.seq",
                    doc_ids)
    return [(_claim(r[:-1]), bool(r[-1])) for r in rows]


def circular_ids(conn: sqlite3.Connection) -> set[str]:
    """The claims whose clusters row says their reporting goes in circles."""
    return {r[0] for r in conn.execute("SELECT claim_id FROM clusters WHERE circular IS NOT NULL")}
