"""Reading stored records back for the read commands, one record at a time.

No single stored row may break a whole read: a row the read path cannot use
(unreadable JSON, a NULL or a wrong type where a value is expected, offsets
outside its document's text or not slicing it) is left out, and the read says
so with a `SkippedRecord` warning that names the record and what is wrong with
it. Library callers see Python warnings (turn them into errors with
`warnings.simplefilter("error", SkippedRecord)`); the CLI prints each as one
`warning:` line on stderr.

The row -> record conversions stay in store.py; this module runs them under
guard and adds the checks a reader needs (offsets against the stored text).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import operator
import re
import sqlite3
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import sqlite_utils

from claimtrack.models import Alias, Claim, Mention, Span
from claimtrack.store import documents as store
from claimtrack.store.db import StateCache, per_state
from claimtrack.store.entitystore import best_name
from claimtrack.store.inlist import rows_in
from claimtrack.store.postings import data_version as data_version_of
from claimtrack.store.rows import SkippedRecord, convert, dict_rows, skip  # noqa: F401 - re-exported
from claimtrack.store.rows import problem as row_problem
from claimtrack.store.shown import shown

T = TypeVar("T")
R = TypeVar("R")  # a stored row: a dict or a tuple

_JSON_COLUMNS = ("flags", "source_info", "source_fragments", "cue_fragments",
                 "content_fragments")
_SPANS = ("source", "cue", "content")


def _claim_problem(row: dict[str, Any]) -> str | None:
    """What makes a claim row unusable before conversion: unreadable JSON, a span's
    offsets outside its document or not slicing its text (_Texts.check)."""
    for col in _JSON_COLUMNS:
        value = row.get(col)
        if value is None:
            continue
        try:
            json.loads(value)
        except (TypeError, ValueError):
            return f"unreadable {col} JSON"
    chars = row["_doc_chars"]
    for what in _SPANS:
        start, end = row[f"{what}_start"], row[f"{what}_end"]
        if start is None and what != "content":
            continue
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(chars, int)):
            return f"{what} offsets [{start}:{end}] are not numbers"
        if not 0 <= start <= end <= chars:
            return (f"{what} offsets [{start}:{end}] lie outside the stored text of document "
                    f"{row['doc_id']} ({chars} characters)")
        if not row[f"_{what}_ok"]:
            return f"{what} text does not match the stored text at [{start}:{end}]"
    return None


def _fragments_inside(claim: Claim, chars: int) -> str | None:
    for what in _SPANS:
        span: Span | None = getattr(claim, what)
        for f in (span.fragments or []) if span else []:
            if not 0 <= f.start <= f.end <= chars:
                return f"{what} fragment [{f.start}:{f.end}] lies outside the stored text"
    return None


class _Texts:
    """Each claim's document text, read once for its run of claims (rows come a
    document at a time), to check the claim's spans against it in Python. SQLite's
    length() and substr() count characters from the text's start, so checking them
    in SQL cost a scan of the text for each span: quadratic in a document's length
    (3 of the 43 s a 590 KB document took to add; a 7.8 MB one never finished)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.doc: object = None
        self.text: str | bytes | None = None

    def check(self, row: dict[str, Any]) -> None:
        """Put `_doc_chars` and each span's `_{what}_ok` (its stored text is the
        document's at its offsets) in the row, as _claim_problem reads them."""
        if row["doc_id"] != self.doc:
            self.doc = row["doc_id"]
            got = self.conn.execute("SELECT text FROM documents WHERE id = ?",
                                    (self.doc,)).fetchone()
            text = got[0] if got else None
            # SQLite's length() and substr() read a number as its text
            self.text = text if text is None or isinstance(text, (str, bytes)) else str(text)
        text = self.text
        row["_doc_chars"] = None if text is None else len(text)
        for what in _SPANS:
            start, end = row.get(f"{what}_start"), row.get(f"{what}_end")
            row[f"_{what}_ok"] = (
                text is not None and isinstance(start, int) and isinstance(end, int)
                and text[start:end] == row.get(f"{what}_text"))


def load_claims(db: sqlite_utils.Database, doc_id: str | None = None,
                author: bool = False, ids: Sequence[str] | None = None,
                seqs: tuple[int, int] | None = None) -> list[Claim]:
    """store.load_claims, less the claims that cannot be read back (each warned of);
    with `ids`, those claims alone; with `seqs`, those of `doc_id` in that range."""
    claims, problems = read_claims(db, doc_id, author, ids=ids, seqs=seqs)
    for what, why in problems:
        skip(what, why)
    return claims


# claims of one document read at a time by read_in_parts: a listing's first page of a
# document of 30,000 claims read them all (2.6 s for `claims --limit 50`)
PART = 1000


def read_in_parts(db: sqlite_utils.Database, doc_id: str,
                  author: bool = False) -> Iterator[Claim]:
    """load_claims of one document, PART claims (by seq) at a time, as far as the
    caller pulls."""
    (last,) = db.conn.execute("SELECT max(seq) FROM claims WHERE doc_id = ?",
                              (doc_id,)).fetchone()
    for lo in range(0, -1 if last is None else int(last) + 1, PART):
        yield from load_claims(db, doc_id, author, seqs=(lo, lo + PART))


def read_claims(
    db: sqlite_utils.Database, doc_id: str | None = None, author: bool = False,
    ids: Sequence[str] | None = None, seqs: tuple[int, int] | None = None,
) -> tuple[list[Claim], list[tuple[str, str]]]:
    """The claims that can be read back, and (record, problem) for each that cannot:
    for a caller that caches the claims and must warn again on every read. The
    author's statements in the body (rule "author") only with `author`; with `ids`,
    those claims alone (in listing order); with `seqs` (lo, hi), those of `doc_id`
    whose seq is in [lo, hi)."""
    sql = ("SELECT c.*, d.added AS _added "
           "FROM claims c JOIN documents d ON d.id = c.doc_id WHERE 1")
    params: tuple = ()
    if not author:
        sql += f" AND {shown()}"
    if doc_id is not None:
        sql += " AND c.doc_id = ?"
        params += (doc_id,)
        if seqs is not None:
            sql += " AND c.seq >= ? AND c.seq < ?"
            params += seqs
    if ids is None:
        cur = db.conn.execute(sql + " ORDER BY d.added, d.id, c.seq", params)
        names = [d[0] for d in cur.description]
        rows: Iterable[tuple] = cur
    else:
        cur = db.conn.execute(sql + " AND 0", params)
        names = [d[0] for d in cur.description]
        added, doc, seq = (names.index(n) for n in ("_added", "doc_id", "seq"))
        # the listing order (documents by added time and id, then seq), across chunks
        rows = sorted(rows_in(db.conn, sql + " AND c.id IN ({keys})", ids, params),
                      key=lambda r: (r[added], r[doc], r[seq]))
    out, problems = [], []
    texts = _Texts(db.conn)
    for values in rows:
        row = dict(zip(names, values, strict=True))
        what = "claim " + str(row.get("id") or f"{row.get('doc_id')}:{row.get('seq')}")
        texts.check(row)
        problem = _claim_problem(row)
        if problem is None:
            try:
                claim = store._claim({k: v for k, v in row.items() if not k.startswith("_")})
                problem = _fragments_inside(claim, row["_doc_chars"])
            except Exception as e:  # noqa: BLE001 - one damaged row costs only that row
                problem = row_problem(e)
        if problem is not None:
            problems.append((what, problem + _REEXTRACT.format(doc=row.get("doc_id"))))
            continue
        out.append(claim)
    return out, problems


# the way out for a document whose claims are damaged: rebuild them from its text
_REEXTRACT = " (`claimtrack reextract --doc {doc}` rebuilds it)"


def load_aliases(db: sqlite_utils.Database, doc_id: str | None = None) -> dict[str, list[Alias]]:
    """Stored identifications (claimtrack.aliases) by document id, in text order; a row
    that cannot be read back is left out, with a warning."""
    sql = 'SELECT doc_id, start, "end", name, alias, asserted_by FROM aliases'
    params: tuple = ()
    if doc_id is not None:
        sql += " WHERE doc_id = ?"
        params = (doc_id,)
    rows = dict_rows(db, sql + " ORDER BY doc_id, start", params)
    out: dict[str, list[Alias]] = {}
    for r in rows:
        found = convert([r], lambda r: Alias(**{k: v for k, v in r.items() if k != "doc_id"}),
                        lambda r: f"alias {r['doc_id']}@{r['start']}")
        if found:
            out.setdefault(r["doc_id"], []).append(found[0])
    return out


def load_mentions(db: sqlite_utils.Database, doc_id: str | None = None) -> dict[str, list[Mention]]:
    """Named-entity mentions by document, in text order; unusable rows warned of."""
    sql = 'SELECT doc_id, seq, start, "end", text, label FROM mentions'
    params: tuple = ()
    if doc_id is not None:
        sql += " WHERE doc_id = ?"
        params = (doc_id,)
    out: dict[str, list[Mention]] = {}
    for r in dict_rows(db, sql + " ORDER BY doc_id, seq", params):
        found = convert(
            [r], lambda r: Mention.model_validate(
                {k: r[k] for k in ("start", "end", "text", "label")}, strict=True),
            lambda r: f"mention {r['doc_id']}#{r['seq']}")
        if found:
            out.setdefault(r["doc_id"], []).append(found[0])
    return out


# --- entity facts (claimtrack.entities): each document's part of the entity graph, stored at add


def _no_table(e: sqlite3.OperationalError) -> bool:
    return "no such table" in str(e)


def entity_facts(
    db: sqlite_utils.Database, doc_ids: Sequence[str] | None
) -> list[tuple[str, str, str]] | None:
    """(doc id, added, facts JSON) of the documents (all with None), or None where the
    database has no entity_facts table (a read-only file from before it)."""
    sql = ("SELECT f.doc_id, d.added, f.facts FROM entity_facts f "
           "JOIN documents d ON d.id = f.doc_id")
    try:
        if doc_ids is None:
            return list(db.conn.execute(sql))
        out: list[tuple[str, str, str]] = []
        ids = list(doc_ids)
        for i in range(0, len(ids), 500):  # under SQLite's limit on parameters
            part = ids[i : i + 500]
            where = f" WHERE f.doc_id IN ({', '.join('?' * len(part))})"
            out.extend(db.conn.execute(sql + where, part))
        if not ids:
            db.conn.execute(sql + " LIMIT 0").fetchall()
        return out
    except sqlite3.OperationalError as e:
        if _no_table(e):
            return None
        raise


def documents_without_entity_facts(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """(doc id, added) of the documents with no stored entity facts."""
    try:
        return list(db.conn.execute(
            "SELECT id, added FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM entity_facts f WHERE f.doc_id = d.id)"))
    except sqlite3.OperationalError as e:
        if _no_table(e):
            return list(db.conn.execute("SELECT id, added FROM documents"))
        raise


def entity_key_docs(
    db: sqlite_utils.Database, key: str
) -> list[tuple[str, str, int | None, int | None]]:
    """(doc id, added, phase, seq of the first named node) of the documents with a node
    of this name key (entity_keys, indexed)."""
    return list(db.conn.execute(
        "SELECT k.doc_id, d.added, k.phase, k.seq FROM entity_keys k "
        "JOIN documents d ON d.id = k.doc_id WHERE k.key = ?", (key,)))


def entity_key_first(
    db: sqlite_utils.Database, key: str
) -> list[tuple[str, str, int | None, int | None]]:
    """entity_key_docs' row of the document whose first named node of this key comes
    first in the whole-corpus build's order (reads._order: the phase, then for claims
    the document's added time, then document id and seq), alone: all a graph asks of
    the rows (where it first meets the name), without sending thousands of them over
    for a frequent name."""
    return list(db.conn.execute(
        "SELECT k.doc_id, d.added, k.phase, k.seq FROM entity_keys k "
        "JOIN documents d ON d.id = k.doc_id WHERE k.key = ? AND k.phase IS NOT NULL "
        "ORDER BY k.phase, CASE WHEN k.phase = 1 THEN d.added ELSE '' END, k.doc_id, k.seq "
        "LIMIT 1", (key,)))


def entity_nodes_named(db: sqlite_utils.Database, key: str) -> list[tuple[str, str, str]] | None:
    """(doc id, added, node JSON) of every stored entity node with this name key
    (entity_nodes, indexed), or None where the database has no such table."""
    try:
        return list(db.conn.execute(
            "SELECT n.doc_id, d.added, n.node FROM entity_nodes n "
            "JOIN documents d ON d.id = n.doc_id WHERE n.key = ?", (key,)))
    except sqlite3.OperationalError as e:
        if _no_table(e):
            return None
        raise


def entity_nodes_in(db: sqlite_utils.Database, doc_id: str,
                    seqs: Sequence[int] | None = None) -> list[str]:
    """The node JSON of a document's entity nodes (those of `seqs`, or all)."""
    if seqs is None:
        return [r[0] for r in db.conn.execute(
            "SELECT node FROM entity_nodes WHERE doc_id = ? ORDER BY seq", (doc_id,))]
    wanted = list(seqs)
    return [r[0] for r in db.conn.execute(
        f"SELECT node FROM entity_nodes WHERE doc_id = ? AND seq IN "
        f"({', '.join('?' * len(wanted))}) ORDER BY seq", (doc_id, *wanted))]


def entity_edges(db: sqlite_utils.Database, doc_ids: Sequence[str]) -> list[tuple[str, str, str]]:
    """(doc id, added, edges JSON) of documents whose facts are stored a node a row
    (migrations.split_entity_facts); a document missing here has none."""
    return list(rows_in(
        db.conn, "SELECT f.doc_id, d.added, f.edges FROM entity_facts f JOIN documents d "
        "ON d.id = f.doc_id WHERE f.edges IS NOT NULL AND f.doc_id IN ({keys})", doc_ids))


_WORDY = re.compile(r"[A-Za-z0-9]")  # a needle FTS5 can look up: it has a word character


def _phrase(needle: str) -> str:
    """An FTS5 phrase query for `needle`: its words, in order, next to each other."""
    return '"' + needle.replace('"', '""') + '"'


def _like(needle: str) -> str:
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def entity_candidates(
    db: sqlite_utils.Database,
    needles: Sequence[str] | None,
    ids: Iterable[str] = (),
    docs: Iterable[str] = (),
    doc_id: str | None = None,
    author: bool = False,
) -> list[tuple]:
    """(id, doc_id, source_entity, source_text, content_text, content_start,
    content_end) of the claims that may be by or about a name, in listing order
    (document added, seq): those whose source, resolved source or content holds one
    of `needles` (ASCII words, case-insensitive; None: every claim), those of `ids`,
    and every claim of `docs`. Of one document with `doc_id`; the author's own
    statements only with `author`. A caller decides the roles from these few
    columns and reads whole claims only for what it shows."""
    base = ("SELECT c.id, c.doc_id, c.source_entity, c.source_text, c.content_text, "
            "c.content_start, c.content_end, d.added, c.seq FROM claims c "
            "JOIN documents d ON d.id = c.doc_id WHERE 1")
    params: list = []
    if not author:
        base += f" AND {shown()}"
    if doc_id is not None:
        base += " AND c.doc_id = ?"
        params.append(doc_id)
    found: dict[str, tuple] = {}
    if needles is None:
        queries = [(base, params)]
    else:
        queries = []
        if needles and all(_WORDY.search(n) for n in needles):
            # the word index (migration 10): each needle as a phrase of its words, so
            # "o'brien" finds "O'Brien"; every text holding the needle as a whole word
            # (what the callers' name_pattern asks) holds the phrase
            match = " OR ".join(_phrase(n) for n in needles)
            queries.append((f"{base} AND c.id IN (SELECT m.claim_id FROM claim_words w "
                            "JOIN claim_words_map m ON m.word_row = w.rowid "
                            "WHERE claim_words MATCH ?)", [*params, match]))
        elif needles:
            cond = " OR ".join(f"{col} LIKE ? ESCAPE '\\'" for _ in needles
                               for col in ("c.source_entity", "c.source_text", "c.content_text"))
            queries.append((f"{base} AND ({cond})",
                            [*params, *(_like(n) for n in needles for _ in range(3))]))
        for column, values in (("c.id", sorted(set(ids))), ("c.doc_id", sorted(set(docs)))):
            for i in range(0, len(values), 500):  # under SQLite's limit on parameters
                part = values[i : i + 500]
                queries.append((f"{base} AND {column} IN ({', '.join('?' * len(part))})",
                                [*params, *part]))
    for sql, args in queries:
        for row in db.conn.execute(sql, args):
            found[row[0]] = row
    return [r[:7] for r in sorted(found.values(), key=lambda r: (r[7], r[1], r[8]))]


def person_mentions_like(db: sqlite_utils.Database, needle: str | None) -> list[tuple[str, str]]:
    """(doc id, text) of PERSON mentions holding `needle` (ASCII, case-insensitive;
    None: all)."""
    sql = "SELECT doc_id, text FROM mentions WHERE label = 'PERSON'"
    if needle is None:
        return list(db.conn.execute(sql))
    if _WORDY.search(needle):  # the word index (migration 10), as entity_candidates
        return list(db.conn.execute(
            "SELECT x.doc_id, x.text FROM person_words w JOIN person_words_map m "
            "ON m.word_row = w.rowid JOIN mentions x ON x.doc_id = m.doc_id AND x.seq = m.seq "
            "WHERE person_words MATCH ? ORDER BY x.doc_id, x.seq",
            (_phrase(needle),)))
    return list(db.conn.execute(sql + " AND text LIKE ? ESCAPE '\\'", (_like(needle),)))


def components_usable(db: sqlite_utils.Database) -> bool:
    """Can the stored entity components stand for the graph's entities? Not in a
    database from before them, with components marked stale, a document whose facts
    are missing, or a user's merge or split (replayed on the graph alone)."""
    conn = db.conn
    try:
        stale = conn.execute("SELECT 1 FROM corpus_state WHERE key = "
                             "'entity_components_stale'").fetchone()
        conn.execute("SELECT comp FROM entity_nodes LIMIT 0").fetchall()
    except sqlite3.OperationalError as e:
        if _no_table(e) or "no such column" in str(e):
            return False
        raise
    return not (stale or conn.execute("SELECT 1 FROM entity_decisions LIMIT 1").fetchone()
                or documents_without_entity_facts(db))


def component_sizes(db: sqlite_utils.Database) -> list[tuple[str | None, int]]:
    """(component, its nodes) of every stored entity component, in component order;
    a node not yet in one (None) would come first."""
    return list(db.conn.execute(
        "SELECT comp, count(*) FROM entity_nodes GROUP BY comp ORDER BY comp"))


def component_nodes(db: sqlite_utils.Database, key: str | None = None,
                    nodes: Sequence[tuple[str, int]] = (),
                    comps: Sequence[str] = ()) -> list[tuple[str, str, str]]:
    """(doc id, added, node JSON) of every node in the components of a name key's
    nodes, of the nodes (doc id, seq) given, or of the components `comps`
    (components_usable first)."""
    sql = ("SELECT n.doc_id, d.added, n.node FROM entity_nodes n JOIN documents d "
           "ON d.id = n.doc_id WHERE n.comp IN ")
    if key is not None:
        return list(db.conn.execute(
            sql + "(SELECT comp FROM entity_nodes WHERE key = ?)", (key,)))
    if comps:
        return list(rows_in(db.conn, sql + "({keys})", comps))
    of_nodes: set[str] = set()
    for doc_id, seq in nodes:
        row = db.conn.execute("SELECT comp FROM entity_nodes WHERE doc_id = ? AND seq = ?",
                              (doc_id, seq)).fetchone()
        if row is not None:
            of_nodes.add(row[0])
    return list(rows_in(db.conn, sql + "({keys})", of_nodes))


def component_names(db: sqlite_utils.Database,
                    claims: Sequence[Claim]) -> dict[str, tuple[str, str]] | None:
    """claim id -> ("entity N", name) of the entity its source is, from the stored
    entity components (store.py), for the claims whose source is one; None where
    they cannot say it: a database from before them, components marked stale, a
    document whose facts are missing, or a user's merge or split (those are replayed
    on the graph alone)."""
    with snapshot(db):  # the components and their names of one database state
        if not components_usable(db):
            return None
        comp_of = claim_components(db, claims)
        if comp_of is None:
            return None
        names = component_best_names(db, set(comp_of.values()))
    return {cid: (f"entity {comp}", names[comp]) for cid, comp in comp_of.items()}


def claim_components(db: sqlite_utils.Database,
                     claims: Sequence[Claim]) -> dict[str, str] | None:
    """claim id -> the stored entity component its source's node is in, for the claims
    whose source is a node; None where a node has no component yet (call
    components_usable first)."""
    wanted = {c.id for c in claims}
    docs = sorted({c.doc_id for c in claims})
    comp_of: dict[str, str] = {}
    for i in range(0, len(docs), 500):
        part = docs[i : i + 500]
        # the claims each node is the source of (its JSON's tenth entry)
        for comp, cid in db.conn.execute(
                "SELECT n.comp, j.value FROM entity_nodes n, json_each(n.node, '$[9]') j "
                f"WHERE n.doc_id IN ({', '.join('?' * len(part))})", part):
            if cid in wanted:
                comp_of[cid] = comp
    if any(comp is None for comp in comp_of.values()):
        return None
    return comp_of


# comp -> its entity's name, per open database and state: a read that names the sources
# of the whole corpus a chunk of claims at a time asks for the same large components
# (the most quoted people) in every chunk
_NAMES: StateCache = weakref.WeakKeyDictionary()


def component_best_names(db: sqlite_utils.Database, comps: set[str]) -> dict[str, str]:
    """comp -> the name EntityGraph gives that entity (entitystore.best_name of its
    keys' aggregated rows)."""
    kept = per_state(db, _NAMES)
    names: dict[str, str] = kept.setdefault("names", {})
    missing = comps - names.keys()
    if missing:  # the names kept across writes (migration 17)
        names.update(_stored_names(db, missing))
        missing = comps - names.keys()
    if not missing:
        return {comp: names[comp] for comp in comps}
    fresh: dict[str, str] = kept.setdefault("fresh", {})  # computed, not yet kept
    if len(missing) > 200 and not kept.get("whole"):
        # most of the corpus: one pass over every node names every component, a
        # component's rows at a time
        rows = db.conn.execute("SELECT comp, words, sum(weight), max(rank) FROM entity_nodes "
                               "WHERE comp IS NOT NULL GROUP BY comp, key ORDER BY comp")
        for comp, group in itertools.groupby(rows, key=operator.itemgetter(0)):
            if comp not in names:
                names[comp] = fresh[comp] = best_name([tuple(row[1:]) for row in group])
        kept["whole"] = True
    else:
        keys: dict[str, list] = {}
        for comp, *row in rows_in(db.conn, "SELECT comp, words, sum(weight), max(rank) "
                                  "FROM entity_nodes WHERE comp IN ({keys}) GROUP BY comp, key",
                                  missing):
            keys.setdefault(comp, []).append(tuple(row))
        for comp, found in keys.items():
            names[comp] = fresh[comp] = best_name(found)
    return {comp: names[comp] for comp in comps}


def store_component_names(db: sqlite_utils.Database, before: int) -> None:
    """Keep the names component_best_names computed in this state of the database, in
    one write at the end of the read (unless another connection wrote since `before`,
    read before the names were)."""
    fresh = per_state(db, _NAMES).pop("fresh", {})
    _store_kept(db, before, "INSERT OR REPLACE INTO component_names (comp, name) VALUES (?, ?)",
                list(fresh.items()))


def _stored_names(db: sqlite_utils.Database, comps: Iterable[str]) -> dict[str, str]:
    """comp -> its kept name, of these components (none where the database has no
    such table): a page's sources ask for their own few."""
    try:
        return dict(rows_in(db.conn, "SELECT comp, name FROM component_names "
                            "WHERE comp IN ({keys})", comps))
    except sqlite3.OperationalError as e:
        if _no_table(e):
            return {}
        raise


def component_profiles(db: sqlite_utils.Database, comps: set[str]
                       ) -> dict[str, list[tuple[str, str, int, int, int, str, str, str]]]:
    """comp -> (doc id, added, phase, seq, anonymous, key, labels JSON, types JSON) of
    each of its nodes: the few fields of the node JSON an entity's type, its
    anonymity and its names' keys are read from, without decoding whole nodes."""
    out: dict[str, list] = {c: [] for c in comps}
    for comp, *row in rows_in(
            db.conn,
            "SELECT n.comp, n.doc_id, d.added, json_extract(n.node, '$[0]'), n.seq, "
            "json_extract(n.node, '$[3]'), n.key, json_extract(n.node, '$[6]'), "
            "json_extract(n.node, '$[7]') FROM entity_nodes n JOIN documents d "
            "ON d.id = n.doc_id WHERE n.comp IN ({keys})", comps):
        out[comp].append(tuple(row))
    return out


def count_documents(db: sqlite_utils.Database) -> int:
    return int(db.conn.execute("SELECT count(*) FROM documents").fetchone()[0])


def count_claims(db: sqlite_utils.Database) -> int:
    """The claims a whole-corpus listing reads (the author's statements aside)."""
    return int(db.conn.execute(f"SELECT count(*) FROM claims c WHERE {shown()}")
               .fetchone()[0])


# --- stored listings (migration 8) ---------------------------------------------------


@functools.lru_cache(maxsize=1)  # a walk of the package: once a process
def listing_version() -> str:
    """What the stored listings were computed by: the package's version and its
    modules' sizes and times, so a changed rule never reads a listing it did not write."""
    import hashlib
    import os

    import claimtrack

    root = os.path.dirname(os.path.abspath(claimtrack.__file__))
    h = hashlib.sha256(claimtrack.__version__.encode())
    for folder, subs, files in os.walk(root):
        subs[:] = sorted(d for d in subs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py") or name.endswith(".json"):
                st = os.stat(os.path.join(folder, name))
                h.update(f"{folder[len(root):]}/{name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


def held_warnings(compute: Callable[[], R]) -> tuple[R, list[warnings.WarningMessage]]:
    """compute() and the warnings it gave, held back: say_warnings says them later, or
    a caller that falls back to another computation drops them (that one says them)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = compute()
    return value, list(caught)


def say_warnings(caught: Iterable[warnings.WarningMessage]) -> None:
    """Say warnings held by held_warnings as if they had never been caught."""
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def computed_clean(compute: Callable[[], R]) -> tuple[R, bool]:
    """compute(), its warnings said again as if never caught, and whether it skipped no
    record (a SkippedRecord warning): what a read keeps for the next ones only when
    clean, so every read says the warning again."""
    value, caught = held_warnings(compute)
    say_warnings(caught)
    return value, not any(issubclass(w.category, SkippedRecord) for w in caught)


def stored_listing(db: sqlite_utils.Database, listing: str, compute: Callable[[], Sequence[R]],
                   load: Callable[[str], R], dump: Callable[[R], str],
                   limit: int | None, offset: int) -> list[R]:
    """Rows `offset` to `offset + limit` of a whole-corpus listing, read from its
    stored rows (listing_rows, in printed order) when they are current; else
    `compute()` it, store it, and page it. Any change to what listings are computed
    from drops them (the migration's triggers). A listing whose computation skipped
    a record (a SkippedRecord warning) is not stored, so every read says so again;
    a database that cannot be written (read-only) is read as before."""
    kept = kept_listing(db, listing, load, limit, offset)
    if kept is not None:
        return kept
    before = data_version_of(db.conn)
    rows, clean = computed_clean(lambda: list(compute()))
    if clean:  # (not where the database cannot be written: _write_unchanged says no)
        _store_listing(db.conn, listing, listing_version(), before, [dump(r) for r in rows])
    return rows[offset : None if limit is None else offset + limit]


def kept_listing(db: sqlite_utils.Database, listing: str, load: Callable[[str], R],
                 limit: int | None = None, offset: int = 0) -> list[R] | None:
    """Rows `offset` to `offset + limit` of a whole-corpus listing stored_listing keeps,
    when they are current; None when they are not kept, or the database has no such
    table (nothing is computed)."""
    conn = db.conn
    try:
        with snapshot(db):  # the state row and the rows it promises, one state
            state = conn.execute("SELECT version FROM listing_state WHERE listing = ?",
                                 (listing,)).fetchone()
            if state is None or state[0] != listing_version():
                return None
            return [load(r[0]) for r in conn.execute(
                "SELECT row FROM listing_rows WHERE listing = ? AND rank >= ? "
                "ORDER BY rank LIMIT ?", (listing, offset, -1 if limit is None else limit))]
    except sqlite3.OperationalError as e:
        if not _no_table(e):
            raise
        return None


def data_version(db: sqlite_utils.Database) -> int:
    """What a read that stores what it computed compares before storing it
    (postings.data_version: commits by other connections)."""
    return data_version_of(db.conn)


def source_parts(db: sqlite_utils.Database, version: str) -> dict[str, str] | None:
    """doc id -> its stored share of the sources listing (JSON), computed by this
    `version`; None where the database has no such table (read-only, from before it)."""
    try:
        return dict(db.conn.execute("SELECT doc_id, part FROM source_parts WHERE version = ?",
                                    (version,)))
    except sqlite3.OperationalError as e:
        if _no_table(e):
            return None
        raise


@contextlib.contextmanager
def snapshot(db: sqlite_utils.Database) -> Iterator[None]:
    """Statements that see one state of the database (a read transaction: in WAL mode
    the first read fixes what the rest see). A page read from what is kept checks its
    mark and reads its rows in one: a writer committing between two statements would
    otherwise drop what the mark promised (another process's `add` renaming an entity
    component the page's rows name)."""
    conn = db.conn
    if conn.in_transaction:  # a caller's transaction sees one state already
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")  # nothing written: ends the read


PAGE_TRIES = 3  # a page read again after writers dropped what its mark promised


def read_marked(db: sqlite_utils.Database, mark: str, keep: Callable[[int], bool],
                read: Callable[[], R]) -> R | None:
    """read() of what `mark` promises kept (for this listing_version), in one state of
    the database with the mark: first, where the mark is missing, keep(before) keeps
    what is missing and marks it (False: it cannot, the caller computes otherwise;
    `before` is the data_version to guard its writes with). A writer dropping the mark
    between keeping and reading sends it round again, PAGE_TRIES times; then None."""
    version = listing_version()
    for _ in range(PAGE_TRIES):
        if not listing_marked(db, mark, version) and not keep(data_version(db)):
            return None
        with snapshot(db):  # the mark and the rows it promises, one state
            if listing_marked(db, mark, version):
                return read()
    return None

SHARES_KEPT = "sources shares"  # listing_state's mark: every document's share is kept
RECORDS_KEPT = "entities records"  # every entity component's records are kept


def listing_marked(db: sqlite_utils.Database, mark: str, version: str) -> bool:
    """Whether listing_state holds `mark` for this `version` (migration 20: dropped by
    whatever drops a share or a record, or marks a name key)."""
    try:
        return db.conn.execute("SELECT 1 FROM listing_state WHERE listing = ? AND version = ?",
                               (mark, version)).fetchone() is not None
    except sqlite3.OperationalError as e:
        if _no_table(e):
            return False
        raise


def kept_count(db: sqlite_utils.Database, mark: str, version: str) -> int | None:
    """How many rows the listing `mark` names has (SHARES_KEPT: sources, from their
    totals; RECORDS_KEPT: entity records) where every one is kept for `version`;
    None where they are not all kept (the caller counts the listing itself)."""
    if not listing_marked(db, mark, version):
        return None
    table = {SHARES_KEPT: "source_totals", RECORDS_KEPT: "entity_rows"}[mark]
    return int(db.conn.execute(f"SELECT count(*) FROM {table} WHERE version = ?",
                               (version,)).fetchone()[0])


def _mark(conn: sqlite3.Connection, mark: str, version: str) -> None:
    conn.execute("INSERT OR REPLACE INTO listing_state (listing, version, total) "
                 "VALUES (?, ?, 0)", (mark, version))


def store_source_parts(db: sqlite_utils.Database, version: str, before: int,
                       parts: Mapping[str, str], complete: bool = False) -> bool:
    """Keep the shares a read computed (JSON lists of [source key, group] pairs), and
    each one row a source (migration 19), unless another connection wrote since
    `before` (data_version: they may be stale) or the database cannot be written now;
    with `complete`, mark every document's share kept. Whether it was written."""
    if not parts and not complete:
        return True

    def write(conn: sqlite3.Connection) -> None:
        conn.executemany("INSERT OR REPLACE INTO source_parts (doc_id, version, part) "
                         "VALUES (?, ?, ?)", [(d, version, p) for d, p in parts.items()])
        rows: list[tuple[str, int, str, str, int, str]] = []
        for d, p in parts.items():
            conn.execute("DELETE FROM source_share_rows WHERE doc_id = ?", (d,))
            rows.extend((d, seq, key, version, group[2], json.dumps(group))
                        for seq, (key, group) in enumerate(json.loads(p)))
        conn.executemany("INSERT INTO source_share_rows (doc_id, seq, key, version, claims, "
                         "data) VALUES (?, ?, ?, ?, ?, ?)", rows)
        if complete:
            _mark(conn, SHARES_KEPT, version)
    return _write_unchanged(db.conn, before, write)


def source_part_ids(db: sqlite_utils.Database, version: str) -> set[str] | None:
    """The documents whose share of the sources listing is kept, computed by this
    `version`; None where the database keeps no shares one row a source."""
    try:
        db.conn.execute("SELECT 1 FROM source_share_rows LIMIT 0").fetchall()
        return {r[0] for r in db.conn.execute(
            "SELECT doc_id FROM source_parts WHERE version = ?", (version,))}
    except sqlite3.OperationalError as e:
        if _no_table(e):
            return None
        raise


def source_keys_for(db: sqlite_utils.Database, version: str, end: int | None) -> list[str]:
    """The source keys a listing's first `end` rows (all where None) can hold: every
    source with at least as many claims as the end-th most (ties are ordered by name,
    so all of them), from the totals kept by triggers (source_totals, migration 20)."""
    edge = 0
    if end is not None:
        row = db.conn.execute("SELECT claims FROM source_totals WHERE version = ? "
                              "ORDER BY claims DESC LIMIT 1 OFFSET ?", (version, end - 1)
                              ).fetchone()
        edge = 0 if row is None else row[0]
    return [r[0] for r in db.conn.execute(
        "SELECT key FROM source_totals WHERE version = ? AND claims >= ?", (version, edge))]


def document_places(db: sqlite_utils.Database, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """doc id -> its (added, id): the listing order of documents (store.document_ids)."""
    return {r[1]: (r[0], r[1]) for r in rows_in(
        db.conn, "SELECT added, id FROM documents WHERE id IN ({keys})", ids)}


def source_share_rows(db: sqlite_utils.Database, version: str,
                      keys: Iterable[str]) -> list[tuple[str, int, str, str]]:
    """(doc id, seq, key, group JSON) of the kept share rows of these source keys."""
    return list(rows_in(db.conn, "SELECT doc_id, seq, key, data FROM source_share_rows "
                               "WHERE version = ? AND key IN ({keys})", keys, (version,)))


def entity_rows(db: sqlite_utils.Database, version: str) -> dict[str, list[tuple[str, str]]] | None:
    """comp -> the (sort key JSON, Entity JSON) of its stored entity records, computed by
    this `version`, in their order; None where the database has no such table. A
    component holding a safe node of a name key marked since (migration 16) has none:
    the order the graph joins same-name nodes in may have changed its records."""
    out: dict[str, list[tuple[str, str]]] = {}
    try:
        for comp, sort, row in db.conn.execute(
                f"SELECT comp, sort, row FROM entity_rows WHERE version = ? "
                f"AND comp NOT IN ({_STALE_COMPONENTS}) ORDER BY comp, j", (version,)):
            out.setdefault(comp, []).append((sort, row))
    except sqlite3.OperationalError as e:
        if _no_table(e):
            return None
        raise
    return out


def node_components(db: sqlite_utils.Database, comps: Sequence[str]) -> dict[tuple[str, int], str]:
    """(doc id, seq) -> comp of every node of the components `comps`."""
    return {(d, s): c for d, s, c in rows_in(
        db.conn, "SELECT doc_id, seq, comp FROM entity_nodes WHERE comp IN ({keys})", comps)}


# The components holding a *safe* node of a name key marked since the records were
# kept. A node written anywhere under key k can move where the graph first meets k,
# so when k's same-name edges are taken, and so which of them join and which find
# their nodes joined already (the reasons a record's `identified_by_author` reads).
# Only safe nodes have same-name edges (EntityGraph._same_names; node_columns' safe),
# and a component's edges are taken in the same order among themselves whatever
# happens to edges outside it: a component whose nodes of k are all unsafe (the bare
# "Clinton" of 1,198 documents at 3,000) keeps its records.
_STALE_COMPONENTS = ("SELECT n.comp FROM entity_stale_keys s JOIN entity_nodes n "
                     "ON n.key = s.key WHERE n.safe = 1 AND n.comp IS NOT NULL")


def components_without_records(db: sqlite_utils.Database,
                               version: str) -> list[tuple[str | None, int]] | None:
    """(component, its nodes) of the stored components with no current record kept
    (entity_rows of this `version`, not left out by a marked key), in component order;
    None where the database has no such table. Where entity_base holds this version,
    only the components noted since (entity_unkept, migration 27) and those holding a
    marked key's node can lack one: they alone are looked at."""
    try:
        if db.conn.execute("SELECT 1 FROM entity_base WHERE version = ?",
                           (version,)).fetchone():
            return _unkept_components(db.conn, version)
        return list(db.conn.execute(
            "SELECT comp, count(*) FROM entity_nodes WHERE comp IS NULL OR comp NOT IN "
            f"(SELECT comp FROM entity_rows WHERE version = ? AND comp NOT IN "
            f"({_STALE_COMPONENTS})) GROUP BY comp ORDER BY comp", (version,)))
    except sqlite3.OperationalError as e:
        if _no_table(e):
            return None
        raise


def _unkept_components(conn: sqlite3.Connection, version: str) -> list[tuple[str | None, int]]:
    """components_without_records where the base mark holds: the noted components and
    those of the marked keys, less those whose records are kept (and no marked key's),
    with their nodes counted through the component index."""
    # the marked keys first, each key's nodes through its index (the planner, with no
    # statistics, would scan every node and look each one's key up among the marked)
    stale = {r[0] for r in conn.execute(
        "SELECT n.comp FROM entity_stale_keys s CROSS JOIN entity_nodes n ON n.key = s.key "
        "WHERE n.safe = 1 AND n.comp IS NOT NULL")}
    noted = stale | {r[0] for r in conn.execute("SELECT comp FROM entity_unkept")}
    kept = {r[0] for r in rows_in(
        conn, "SELECT DISTINCT comp FROM entity_rows WHERE version = ? AND comp IN ({keys})",
        noted, (version,))}
    out: list[tuple[str | None, int]] = sorted(rows_in(
        conn, "SELECT comp, count(*) FROM entity_nodes WHERE comp IN ({keys}) GROUP BY comp",
        [c for c in noted if c in stale or c not in kept]))
    unassigned = conn.execute("SELECT count(*) FROM entity_nodes WHERE comp IS NULL").fetchone()[0]
    return [(None, unassigned), *out] if unassigned else out


# the letters beyond ASCII that str.casefold turns into ASCII ones (every code point
# tried): a record holding one may be called by an ASCII name its JSON does not spell
_CASEFOLDS_TO_ASCII = ("\u00df", "\u017f", "\u1e9e", "\u212a", "\ufb00", "\ufb01", "\ufb02",
                       "\ufb03", "\ufb04", "\ufb05", "\ufb06")
_NAME_WORD = re.compile(r"[a-z0-9]+")


def entity_rows_naming(db: sqlite_utils.Database, version: str, folded: str) -> Iterator[str]:
    """The Entity JSON of the kept records (this `version`) that may be called `folded`
    (a case-folded name or alias): those whose JSON holds its longest word (SQL's
    LIKE, case-insensitive for ASCII) or a letter that case-folds to ASCII; every record
    where the name is not plain ASCII words. Read as a cursor: a misspelt name reads
    the few records sharing a word with it, not 60,000."""
    words = _NAME_WORD.findall(folded) if folded.isascii() else []
    if not words:
        yield from (r[0] for r in db.conn.execute(
            "SELECT row FROM entity_rows WHERE version = ?", (version,)))
        return
    cond = " OR ".join(["row LIKE ? ESCAPE '\\'"] * (1 + len(_CASEFOLDS_TO_ASCII)))
    args = [_like(max(words, key=len)), *(_like(c) for c in _CASEFOLDS_TO_ASCII)]
    yield from (r[0] for r in db.conn.execute(
        f"SELECT row FROM entity_rows WHERE version = ? AND ({cond})", (version, *args)))


def entity_rows_page(db: sqlite_utils.Database, version: str, offset: int,
                     limit: int | None) -> list[str]:
    """The Entity JSON of the kept records, in listing order (their rank), a page."""
    return [r[0] for r in db.conn.execute(
        "SELECT row FROM entity_rows WHERE version = ? ORDER BY rank LIMIT ? OFFSET ?",
        (version, -1 if limit is None else limit, offset))]


def store_entity_rows(db: sqlite_utils.Database, version: str, before: int,
                      rows: Sequence[tuple[str, int, str, str, str]],
                      complete: bool = False) -> bool:
    """Keep the (comp, j, sort, row) records a read built, unless another connection
    wrote since `before` (data_version) or the database cannot be written now. The
    read built every component entity_rows left out, so the marked keys are cleared
    and the left-out components' old records dropped (those the read built replace
    them; one it could not keep is built again by the next read). Rows are (comp, j,
    sort, row, rank); with `complete`, every component's records are kept now (marked).
    Whether they were written."""
    def write(conn: sqlite3.Connection) -> None:
        conn.execute(f"DELETE FROM entity_rows WHERE comp IN ({_STALE_COMPONENTS})")
        conn.execute("DELETE FROM entity_stale_keys")
        conn.executemany("INSERT OR REPLACE INTO entity_rows (comp, j, version, sort, row, rank) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         [(c, j, version, s, r, k) for c, j, s, r, k in rows])
        if complete:
            _mark(conn, RECORDS_KEPT, version)
            conn.execute("DELETE FROM entity_base")  # and none left out since
            conn.execute("INSERT INTO entity_base (version) VALUES (?)", (version,))
            conn.execute("DELETE FROM entity_unkept")
    return _write_unchanged(db.conn, before, write)


def _store_kept(db: sqlite_utils.Database, before: int, sql: str, rows: Sequence[tuple]) -> None:
    if rows:
        _write_unchanged(db.conn, before, lambda conn: conn.executemany(sql, rows))


def _store_listing(conn: sqlite3.Connection, listing: str, version: str, before: int,
                   rows: list[str]) -> None:
    def write(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM listing_rows WHERE listing = ?", (listing,))
        conn.executemany("INSERT INTO listing_rows (listing, rank, row) VALUES (?, ?, ?)",
                         ((listing, i, r) for i, r in enumerate(rows)))
        conn.execute("INSERT OR REPLACE INTO listing_state (listing, version, total) "
                     "VALUES (?, ?, ?)", (listing, version, len(rows)))
    _write_unchanged(conn, before, write)


def _write_unchanged(conn: sqlite3.Connection, before: int,
                     write: Callable[[sqlite3.Connection], object]) -> bool:
    """`write` what a read computed, in a transaction of its own, unless another
    connection committed since the read began (data_version `before`: it may be
    stale) or the database cannot be written now (read-only, another writer).
    Whether it was written."""
    if conn.in_transaction:
        return False
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:  # read-only, or another writer holds it: not now
        return False
    try:
        if data_version_of(conn) != before:
            conn.execute("ROLLBACK")
            return False
        write(conn)
        conn.execute("COMMIT")
    except sqlite3.OperationalError:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        return False
    return True

