"""Schema migrations: an append-only, numbered list, applied in order.

Migration N brings a database from schema version N-1 to N. The version lives
in `PRAGMA user_version` (written inside the same transaction as the change,
so a failed migration leaves the database at its previous version). Never
edit or reorder a released migration: append a new one.

`python -m claimtrack.store.migrations [OUT]` writes the schema of a fresh database
to schema/schema.sql; tests/test_migrations.py fails when that file drifts.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from claimtrack.store.entitystore import rebuild_entity_components
from claimtrack.text.compare import compared_text

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "schema.sql"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    # SQL statements run in order, or a function given the connection (for data moves)
    steps: tuple[str, ...] | Callable[[sqlite3.Connection], None]


# Offsets index the stored text (documents.text), end exclusive. Spans that
# come in pieces keep their hull in *_start/*_end and the pieces as JSON in
# *_fragments. "end" is quoted because it is an SQL keyword.
_V1 = (
    """CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    title TEXT,
    origin TEXT NOT NULL,
    format TEXT NOT NULL,
    published TEXT,
    added TEXT NOT NULL,
    extractor TEXT NOT NULL,
    text TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '[]'
)""",
    "CREATE INDEX documents_added ON documents (added, id)",
    """CREATE TABLE links (
    doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    target TEXT NOT NULL,
    missing INTEGER NOT NULL,
    PRIMARY KEY (doc_id, seq)
)""",
    """CREATE TABLE mentions (
    doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (doc_id, seq)
)""",
    """CREATE TABLE claims (
    id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    source_start INTEGER,
    source_end INTEGER,
    source_text TEXT,
    source_fragments TEXT,
    source_entity TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    cue_text TEXT,
    cue_fragments TEXT,
    cue_lemma TEXT,
    content_start INTEGER NOT NULL,
    content_end INTEGER NOT NULL,
    content_text TEXT NOT NULL,
    content_fragments TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('direct', 'indirect', 'mixed')),
    cue_class TEXT NOT NULL CHECK (cue_class IN ('speech', 'other')),
    relayed_by TEXT REFERENCES claims (id) DEFERRABLE INITIALLY DEFERRED,
    relation TEXT,
    rule TEXT,
    extractor TEXT NOT NULL,
    flags TEXT NOT NULL DEFAULT '[]',
    UNIQUE (doc_id, seq)
)""",
    # (doc_id, seq) lookups use the UNIQUE index above; chains walk relayed_by.
    "CREATE INDEX claims_relayed_by ON claims (relayed_by)",
)

_ANONYMOUS = (
    "anonymous_source",
    "the source is not named: an anonymous individual or a faceless group",
)


def _v2(conn: sqlite3.Connection) -> None:
    """Typed sources, aliases, the user's entity decisions and grades log;
    flags v2: `unnamed_source` becomes `anonymous_source`."""
    import json

    for sql in (
        # SourceInfo as JSON (type, descriptor, anonymity reason, interested party, ...)
        "ALTER TABLE claims ADD COLUMN source_info TEXT",
        # Identifications the author inserts ("Sadik [aka Abdelhakim Belhadj]"): the
        # author's assertion, with offsets of the bracket into the stored text.
        """CREATE TABLE aliases (
    doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    asserted_by TEXT NOT NULL,
    PRIMARY KEY (doc_id, start)
)""",
        # The user's merges and splits: an append-only log, replayed in order, so
        # it survives re-adding documents and re-extraction.
        """CREATE TABLE entity_decisions (
    id INTEGER PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('merge', 'split')),
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    who TEXT NOT NULL,
    at TEXT NOT NULL,
    why TEXT
)""",
        # Source reliability grades (Admiralty A-F): append-only; the latest wins.
        """CREATE TABLE source_grades (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    grade TEXT NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D', 'E', 'F')),
    why TEXT,
    who TEXT NOT NULL,
    at TEXT NOT NULL,
    origin TEXT NOT NULL
)""",
        "CREATE INDEX source_grades_source ON source_grades (source, id)",
    ):
        conn.execute(sql)
    rows = conn.execute("SELECT id, flags FROM claims WHERE flags LIKE '%unnamed_source%'")
    for claim_id, flags in rows.fetchall():
        new = []
        for f in json.loads(flags):
            if f.get("code") == "unnamed_source":
                detail = f.get("explanation", "").partition(" (")[2]
                f = {**f, "code": _ANONYMOUS[0],
                     "explanation": _ANONYMOUS[1] + (f" ({detail}" if detail else "")}
            new.append(f)
        conn.execute("UPDATE claims SET flags = ? WHERE id = ?", (json.dumps(new), claim_id))


# Cross-document index (issue 10): comparable claims, document origins, the term
# index, matches, clusters with their independent origins, near-duplicate bodies.
_V4 = (
    "ALTER TABLE claims ADD COLUMN cue_negated INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE claims ADD COLUMN denial INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE claims ADD COLUMN content_negated INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE claims ADD COLUMN modality TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE claims ADD COLUMN compared TEXT",
    # the compared text's core tokens (corpus/relate.py), space-separated: matching
    # reads them instead of tokenising every candidate again
    "ALTER TABLE claims ADD COLUMN terms TEXT",
    "ALTER TABLE documents ADD COLUMN publisher TEXT",
    "ALTER TABLE documents ADD COLUMN zones TEXT",
    "ALTER TABLE documents ADD COLUMN wire TEXT",
    "ALTER TABLE documents ADD COLUMN base_origin TEXT",
    "ALTER TABLE documents ADD COLUMN origin_key TEXT",
    "ALTER TABLE documents ADD COLUMN body_sig BLOB",
    """CREATE TABLE claim_terms (
    token TEXT NOT NULL,
    claim_id TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    size INTEGER NOT NULL,
    PRIMARY KEY (token, claim_id)
) WITHOUT ROWID""",
    "CREATE INDEX claim_terms_claim ON claim_terms (claim_id)",
    """CREATE TABLE matches (
    a TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    b TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    relation TEXT NOT NULL CHECK (relation IN ('same', 'more_specific', 'contradicts', 'related')),
    similarity REAL NOT NULL,
    wider TEXT CHECK (wider IN ('a', 'b')),
    differences TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (a, b),
    CHECK (a < b)
) WITHOUT ROWID""",
    "CREATE INDEX matches_b ON matches (b)",
    # Pairs of one document's claims telling the same claim (same or more_specific),
    # neither the author's, not one relay tree, not overlapping: decided when the
    # document is stored, from its claims alone (corpus/update.py). Whether the two
    # voices are independent depends on origin keys that near-duplicates can change,
    # so reads decide that (queries.py).
    """CREATE TABLE within_matches (
    a TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    b TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    PRIMARY KEY (a, b),
    CHECK (a < b)
) WITHOUT ROWID""",
    "CREATE INDEX within_matches_b ON within_matches (b)",
    """CREATE TABLE clusters (
    claim_id TEXT PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
    cluster TEXT NOT NULL,
    root TEXT,
    relay INTEGER NOT NULL DEFAULT 0,
    copy INTEGER NOT NULL DEFAULT 0,
    circular TEXT
)""",
    "CREATE INDEX clusters_cluster ON clusters (cluster)",
    """CREATE TABLE cluster_stats (
    cluster TEXT PRIMARY KEY,
    claims INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    origins TEXT NOT NULL,
    contradicted_by TEXT NOT NULL DEFAULT '[]'
)""",
    """CREATE TABLE doc_bands (
    band TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (band, doc_id)
) WITHOUT ROWID""",
    "CREATE INDEX doc_bands_doc ON doc_bands (doc_id)",
    """CREATE TABLE doc_duplicates (
    a TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    b TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    similarity REAL NOT NULL,
    PRIMARY KEY (a, b),
    CHECK (a < b)
) WITHOUT ROWID""",
    "CREATE INDEX doc_duplicates_b ON doc_duplicates (b)",
    # Each document's part of the entity graph (entities.DocFacts as JSON), written
    # with its claims: reads build only the entities they show from it. entity_keys
    # finds the documents that hold a name key (phase/seq: its first named node
    # there, NULL when only descriptors have the key).
    """CREATE TABLE entity_facts (
    doc_id TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    facts TEXT NOT NULL
)""",
    """CREATE TABLE entity_keys (
    key TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    phase INTEGER,
    seq INTEGER,
    PRIMARY KEY (key, doc_id)
) WITHOUT ROWID""",
    "CREATE INDEX entity_keys_doc ON entity_keys (doc_id)",
    # A row the graph reads that changes after its facts were written (by anything
    # but store.write_entity_facts's callers, which write them again last) drops
    # them: reads then compute that document's part from its rows, as before.
    # Not claims' flags, terms or compared: the index writes those after the facts.
    *(f"""CREATE TRIGGER entity_facts_{table}_{when.split()[0].lower()} AFTER {when} ON {table}
BEGIN DELETE FROM entity_facts WHERE doc_id = {row}.doc_id; END"""
      for table in ("claims", "mentions", "aliases")
      for when, row in (("INSERT", "NEW"), ("DELETE", "OLD"), (
          "UPDATE OF id, doc_id, seq, source_start, source_end, source_text, source_entity, "
          "content_start, content_end, content_text, rule, source_info"
          if table == "claims" else "UPDATE", "OLD"))),
    *(f"""CREATE TRIGGER entity_facts_{table}_update_new AFTER UPDATE OF doc_id ON {table}
BEGIN DELETE FROM entity_facts WHERE doc_id = NEW.doc_id; END"""
      for table in ("claims", "mentions", "aliases")),
    """CREATE TRIGGER entity_facts_documents_update AFTER UPDATE OF id, text, added ON documents
BEGIN DELETE FROM entity_facts WHERE doc_id = OLD.id; END""",
    # Databases from before this migration hold claims nobody has matched:
    # `claimtrack rematch` (run by the next `add` too) builds their index.
    "CREATE TABLE corpus_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT INTO corpus_state (key, value) SELECT 'needs_rematch', '1' "
    "WHERE EXISTS (SELECT 1 FROM documents)",
)


def _v4(conn: sqlite3.Connection) -> None:
    for sql in _V4:
        conn.execute(sql)
    # The compared text needs no parse: fill it for claims stored before this
    # migration (their stance stays unknown, i.e. plain, until `reextract`).
    from_content = conn.execute("SELECT id, content_text FROM claims").fetchall()
    conn.executemany("UPDATE claims SET compared = ? WHERE id = ?",
                     [(compared_text(text), cid) for cid, text in from_content])


def split_entity_facts(facts: str) -> tuple[list[tuple[int, str, str]], str]:
    """A document's entity facts (entities.DocFacts JSON) as the rows a read of one
    name needs: (seq, name key, node JSON) per node, and the document's own edges
    (folds, author identifications, aliases) with its first named node's (phase,
    seq). The node JSON is the node's entry in the facts, unchanged."""
    data = json.loads(facts)
    nodes = data["nodes"]
    rows = [(n[1], " ".join(n[4]), json.dumps(n, ensure_ascii=False, separators=(",", ":")))
            for n in nodes]
    named = [(n[0], n[1]) for n in nodes if not n[3]]
    edges = {"folds": data["folds"], "author": data["author"], "aliases": data["aliases"],
             "first": list(min(named)) if named else None}
    return rows, json.dumps(edges, ensure_ascii=False, separators=(",", ":"))


# Entity facts one node a row (issue 10, reads read): a read of a frequent name
# decodes the nodes of that name, not every node of every document that has it.
_V5 = (
    """CREATE TABLE entity_nodes (
    doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    key TEXT NOT NULL,
    node TEXT NOT NULL,
    PRIMARY KEY (doc_id, seq)
) WITHOUT ROWID""",
    "CREATE INDEX entity_nodes_key ON entity_nodes (key)",
    "ALTER TABLE entity_facts ADD COLUMN edges TEXT",
    # facts dropped (a source row changed: the v4 triggers) take their nodes along
    """CREATE TRIGGER entity_nodes_facts_delete AFTER DELETE ON entity_facts
BEGIN DELETE FROM entity_nodes WHERE doc_id = OLD.doc_id; END""",
)


def _v5(conn: sqlite3.Connection) -> None:
    for sql in _V5:
        conn.execute(sql)
    for doc_id, facts in conn.execute("SELECT doc_id, facts FROM entity_facts").fetchall():
        rows, edges = split_entity_facts(facts)
        conn.executemany("INSERT INTO entity_nodes (doc_id, seq, key, node) VALUES (?, ?, ?, ?)",
                         [(doc_id, *r) for r in rows])
        conn.execute("UPDATE entity_facts SET edges = ? WHERE doc_id = ?", (edges, doc_id))


# Entity components, kept as documents come and go (issue 10, reads read): each
# node's connected component without the user's decisions (comp), with what naming
# an entity takes (key words, weight, safe, rank: entitystore.node_columns), so a read
# names the entity of a claim's source from its component's rows, not from a graph
# of every document the entity reaches. A node dropped behind the store's back (the
# v4 triggers) marks the components stale: reads build the graph until `rematch`.
_V6 = (
    # a component is named by its first node, "DOC:SEQ" (seq in six digits): the same
    # whatever order the documents came in
    "ALTER TABLE entity_nodes ADD COLUMN comp TEXT",
    "ALTER TABLE entity_nodes ADD COLUMN words INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE entity_nodes ADD COLUMN weight INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE entity_nodes ADD COLUMN safe INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE entity_nodes ADD COLUMN rank TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX entity_nodes_comp ON entity_nodes (comp)",
    """CREATE TRIGGER entity_comps_stale BEFORE DELETE ON entity_facts
WHEN EXISTS (SELECT 1 FROM entity_nodes WHERE doc_id = OLD.doc_id)
BEGIN INSERT OR REPLACE INTO corpus_state (key, value) VALUES ('entity_components_stale', '1');
END""",
)


def _v6(conn: sqlite3.Connection) -> None:
    for sql in _V6:
        conn.execute(sql)
    rebuild_entity_components(conn)


_V7 = (
    # Matching units (text/units.py): the clause-sized parts of a claim's content that
    # are compared across documents, with their offsets into the stored text and
    # their core tokens; the prefix-filter index is kept per unit.
    "CREATE TABLE claim_units (claim_id TEXT NOT NULL REFERENCES claims (id) "
    "ON DELETE CASCADE, unit INTEGER NOT NULL, start INTEGER NOT NULL, \"end\" INTEGER "
    "NOT NULL, terms TEXT NOT NULL, PRIMARY KEY (claim_id, unit)) WITHOUT ROWID",
    "CREATE TABLE unit_terms (token TEXT NOT NULL, claim_id TEXT NOT NULL REFERENCES "
    "claims (id) ON DELETE CASCADE, unit INTEGER NOT NULL, size INTEGER NOT NULL, "
    "PRIMARY KEY (token, claim_id, unit)) WITHOUT ROWID",
    "CREATE INDEX unit_terms_claim ON unit_terms (claim_id)",
    # Every unit pair of two claims that aligns or contradicts (diff shows these);
    # `matches` keeps one row per claim pair (the best unit pair) for clusters.
    "CREATE TABLE match_units (a TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE, "
    "b TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE, a_start INTEGER NOT NULL, "
    "a_end INTEGER NOT NULL, b_start INTEGER NOT NULL, b_end INTEGER NOT NULL, "
    "relation TEXT NOT NULL CHECK (relation IN ('same', 'more_specific', 'contradicts')), "
    "similarity REAL NOT NULL, wider TEXT CHECK (wider IN ('a', 'b')), "
    "differences TEXT NOT NULL DEFAULT '[]', shared REAL NOT NULL DEFAULT 0, "
    "PRIMARY KEY (a, b, a_start, a_end, b_start, b_end), CHECK (a < b)) WITHOUT ROWID",
    "CREATE INDEX match_units_b ON match_units (b)",
    # the matches stored so far were decided on whole contents: rebuild them
    "INSERT OR REPLACE INTO corpus_state (key, value) SELECT 'needs_rematch', '1' "
    "WHERE EXISTS (SELECT 1 FROM documents)",
)


_V9 = (
    # The unit index of corpus/index.py: every token of a unit that can relate, its
    # heads marked, with the weights the probes bound in SQL (integers, hundredths),
    # so a probe drops the units that share only light words before they reach
    # Python. It replaces the prefix-filter rows of migration 7.
    "DROP TABLE unit_terms",
    "CREATE TABLE unit_terms (token TEXT NOT NULL, claim_id TEXT NOT NULL REFERENCES "
    "claims (id) ON DELETE CASCADE, unit INTEGER NOT NULL, size INTEGER NOT NULL, "
    "weight INTEGER NOT NULL, mass INTEGER NOT NULL, rest INTEGER NOT NULL, "
    "head INTEGER NOT NULL, PRIMARY KEY (token, claim_id, unit)) WITHOUT ROWID",
    "CREATE INDEX unit_terms_claim ON unit_terms (claim_id)",
    # covering: a probe of heads reads the index alone
    "CREATE INDEX unit_terms_heads ON unit_terms (token, claim_id, unit, size, weight, mass, "
    "rest) WHERE head = 1",
    # the claim-level term index, unused since the units (migration 7) replaced it
    "DROP TABLE claim_terms",
    # A number or a date now counts toward a unit's size (corpus/relate.min_tokens), and
    # two units must share SHARED_WEIGHT: the stored index and matches are rebuilt by
    # the next `add` (or `rematch`).
    "INSERT OR REPLACE INTO corpus_state (key, value) SELECT 'needs_rematch', '1' "
    "WHERE EXISTS (SELECT 1 FROM documents)",
)


_V10 = (
    # The claims by or about a name (`show`, `claims`, `timeline`, `report --entity`)
    # are found through the words of their source, resolved source and content: a
    # LIKE over every claim was a scan of the whole corpus on each name's first read.
    # FTS5 (built into SQLite) keeps the words; its rows are numbered in
    # claim_words_map, not by claims' rowid, which VACUUM may renumber (claims' key is
    # text). Triggers keep both in step with claims, whatever path writes.
    "CREATE VIRTUAL TABLE claim_words USING fts5(source_entity, source_text, content_text)",
    "CREATE TABLE claim_words_map (claim_id TEXT PRIMARY KEY, word_row INTEGER NOT NULL "
    "UNIQUE) WITHOUT ROWID",
    "CREATE TRIGGER claim_words_insert AFTER INSERT ON claims BEGIN "
    "INSERT INTO claim_words_map (claim_id, word_row) VALUES (new.id, "
    "(SELECT coalesce(max(word_row), 0) + 1 FROM claim_words_map)); "
    "INSERT INTO claim_words (rowid, source_entity, source_text, content_text) "
    "SELECT word_row, new.source_entity, new.source_text, new.content_text "
    "FROM claim_words_map WHERE claim_id = new.id; END",
    "CREATE TRIGGER claim_words_delete BEFORE DELETE ON claims BEGIN "
    "DELETE FROM claim_words WHERE rowid = "
    "(SELECT word_row FROM claim_words_map WHERE claim_id = old.id); "
    "DELETE FROM claim_words_map WHERE claim_id = old.id; END",
    "CREATE TRIGGER claim_words_update AFTER UPDATE OF source_entity, source_text, "
    "content_text ON claims BEGIN "
    "UPDATE claim_words SET source_entity = new.source_entity, source_text = new.source_text, "
    "content_text = new.content_text WHERE rowid = "
    "(SELECT word_row FROM claim_words_map WHERE claim_id = old.id); END",
    # the same for the person mentions a name's read looks through (readback
    # .person_mentions_like): only PERSON mentions are indexed
    "CREATE VIRTUAL TABLE person_words USING fts5(text)",
    "CREATE TABLE person_words_map (doc_id TEXT NOT NULL, seq INTEGER NOT NULL, "
    "word_row INTEGER NOT NULL UNIQUE, PRIMARY KEY (doc_id, seq)) WITHOUT ROWID",
    "CREATE TRIGGER person_words_insert AFTER INSERT ON mentions WHEN new.label = 'PERSON' "
    "BEGIN INSERT INTO person_words_map (doc_id, seq, word_row) VALUES (new.doc_id, new.seq, "
    "(SELECT coalesce(max(word_row), 0) + 1 FROM person_words_map)); "
    "INSERT INTO person_words (rowid, text) SELECT word_row, new.text FROM person_words_map "
    "WHERE doc_id = new.doc_id AND seq = new.seq; END",
    "CREATE TRIGGER person_words_delete BEFORE DELETE ON mentions WHEN old.label = 'PERSON' "
    "BEGIN DELETE FROM person_words WHERE rowid = (SELECT word_row FROM person_words_map "
    "WHERE doc_id = old.doc_id AND seq = old.seq); "
    "DELETE FROM person_words_map WHERE doc_id = old.doc_id AND seq = old.seq; END",
    # mentions are written and deleted, never updated (store/documents.py); one that is
    # is dropped from the index and put back as it now is
    "CREATE TRIGGER person_words_update AFTER UPDATE ON mentions BEGIN "
    "DELETE FROM person_words WHERE rowid = (SELECT word_row FROM person_words_map "
    "WHERE doc_id = old.doc_id AND seq = old.seq); "
    "DELETE FROM person_words_map WHERE doc_id = old.doc_id AND seq = old.seq; "
    "INSERT INTO person_words_map (doc_id, seq, word_row) SELECT new.doc_id, new.seq, "
    "(SELECT coalesce(max(word_row), 0) + 1 FROM person_words_map) WHERE new.label = 'PERSON'; "
    "INSERT INTO person_words (rowid, text) SELECT word_row, new.text FROM person_words_map "
    "WHERE doc_id = new.doc_id AND seq = new.seq; END",
    # the claims and person mentions stored before
    "INSERT INTO person_words_map (doc_id, seq, word_row) "
    "SELECT doc_id, seq, row_number() OVER (ORDER BY doc_id, seq) FROM mentions "
    "WHERE label = 'PERSON'",
    "INSERT INTO person_words (rowid, text) SELECT m.word_row, x.text FROM mentions x "
    "JOIN person_words_map m ON m.doc_id = x.doc_id AND m.seq = x.seq",
    "INSERT INTO claim_words_map (claim_id, word_row) "
    "SELECT id, row_number() OVER (ORDER BY id) FROM claims",
    "INSERT INTO claim_words (rowid, source_entity, source_text, content_text) "
    "SELECT m.word_row, c.source_entity, c.source_text, c.content_text "
    "FROM claims c JOIN claim_words_map m ON m.claim_id = c.id",
)


# What the stored listings (readback.stored_listing) are computed from: a change to
# any of these rows drops every stored listing, whatever wrote it (add, rm,
# reextract, rematch, a merge or split, a grade), so no write path can forget to.
# Not the term and unit tables (written with their claims), nor the entity facts,
# nodes and components or corpus_state (derived from the rows below, and rewritten
# by reads that rebuild them).
_LISTED_FROM = ("documents", "claims", "mentions", "aliases", "links", "entity_decisions",
                "source_grades", "matches", "match_units", "within_matches", "clusters",
                "cluster_stats", "doc_duplicates")

_V8 = (
    # A listing of the whole corpus (`sources`, `entities`, the claims by or about a
    # name), computed once and kept row by row in its printed order, so a page is
    # `rank >= offset LIMIT n` (readback.stored_listing).
    "CREATE TABLE listing_state (listing TEXT PRIMARY KEY, version TEXT NOT NULL, "
    "total INTEGER NOT NULL)",
    "CREATE TABLE listing_rows (listing TEXT NOT NULL, rank INTEGER NOT NULL, "
    "row TEXT NOT NULL, PRIMARY KEY (listing, rank)) WITHOUT ROWID",
    *(f"""CREATE TRIGGER listings_stale_{table}_{when.lower()} AFTER {when} ON {table}
BEGIN DELETE FROM listing_state; DELETE FROM listing_rows; END"""
      for table in _LISTED_FROM for when in ("INSERT", "UPDATE", "DELETE")),
)


_V11 = (
    # The decision step changed (corpus/relate.py, corpus/update.stated): a question
    # relates to no statement but as `related`, another number or date contradicts only
    # a statement of about the same extent (a number only for one thing counted), a
    # negation only of what both say, never over shared names alone, and only units
    # that state a proposition whole contradict. The matches stored so far were
    # decided without it: the next `add` (or `rematch`) decides them again.
    "INSERT OR REPLACE INTO corpus_state (key, value) SELECT 'needs_rematch', '1' "
    "WHERE EXISTS (SELECT 1 FROM documents)",
)


_V12 = (
    # The decision step changed again (corpus/relate.py): "No. 1", a tag question
    # ("didn't he?"), "if not" and a negation that punctuation closes negate nothing
    # shared; a condition or an infinitive alone asserts nothing; another number or
    # date, or an opposite verb, contradicts only where the rest agrees (the words one
    # side alone has, counted on both sides) and numbers only for the same things
    # counted. The stored matches were decided without it: decided again.
    "INSERT OR REPLACE INTO corpus_state (key, value) SELECT 'needs_rematch', '1' "
    "WHERE EXISTS (SELECT 1 FROM documents)",
)


_V13 = (
    # Clusters are components over the matches that are not `related` (edges_of), and
    # on a large corpus `related` is most rows: at 3,000 recombined documents the
    # members of the largest cluster had 174,239 `related` rows and 31,942 others, and
    # every document touching it read them all back. Partial indexes hold the others.
    "CREATE INDEX matches_edges_a ON matches (a, b, relation) WHERE relation != 'related'",
    "CREATE INDEX matches_edges_b ON matches (b, a, relation) WHERE relation != 'related'",
)


_V24 = (
    # A claim told identically in many documents (a closing line every story of an
    # outlet prints, a quotation every outlet carries) was matched with every other
    # telling: N x (N - 1) / 2 rows (400 documents with one boilerplate sentence:
    # 79,800 of 82,453 matches). Such tellings are one twin class (corpus/update.py:
    # one sentence, the same compared units and stance, each `same` as itself): the
    # class is stored once a member, with what a pair of them is; only a star of its
    # pairs is stored (N - 1, whatever the order documents came in: corpus/twins.star),
    # and reads join the rest by key (matchstore). The next `add` (DECISIONS) matches
    # again.
    "CREATE TABLE twins (claim_id TEXT PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE, "
    "doc_id TEXT NOT NULL, key TEXT NOT NULL, start INTEGER NOT NULL, \"end\" INTEGER NOT NULL, "
    "similarity REAL NOT NULL, wider TEXT, differences TEXT NOT NULL DEFAULT '[]', "
    "shared REAL NOT NULL DEFAULT 0) WITHOUT ROWID",
    "CREATE INDEX twins_key ON twins (key, doc_id)",
    "CREATE INDEX twins_doc ON twins (doc_id, key)",
)


_V25 = (
    # Two twin classes relate as their members do: what match_claims stores for a
    # member of each is decided once for the class pair (corpus/update.decide_pair, in
    # each orientation) and kept here, each unit's offsets from its claim's start; of
    # the members' pairs only those corpus/twins.across names are stored, and reads give
    # the others. One wire story run by 150 outlets stored 22,500 rows for each pair of
    # its claims that relate (412,135 matches). A twin's key now holds every unit.
    "CREATE TABLE twin_pairs (a_key TEXT NOT NULL, b_key TEXT NOT NULL, relation TEXT, "
    "similarity REAL NOT NULL DEFAULT 0, wider TEXT, differences TEXT NOT NULL DEFAULT '[]', "
    "units TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (a_key, b_key)) WITHOUT ROWID",
    "CREATE INDEX twin_pairs_b ON twin_pairs (b_key)",
)


_V26 = (
    # Since migration 25 a pair of twins is read from its classes' pair: what a twin
    # decided against itself (migration 24's similarity, wider, differences, shared)
    # was kept and never read. The rows are copied without it.
    "CREATE TABLE twins_old AS SELECT claim_id, doc_id, key, start, \"end\" FROM twins",
    "DROP TABLE twins",
    "CREATE TABLE twins (claim_id TEXT PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE, "
    "doc_id TEXT NOT NULL, key TEXT NOT NULL, start INTEGER NOT NULL, \"end\" INTEGER NOT NULL"
    ") WITHOUT ROWID",
    "INSERT INTO twins SELECT claim_id, doc_id, key, start, \"end\" FROM twins_old",
    "DROP TABLE twins_old",
    "CREATE INDEX twins_key ON twins (key, doc_id)",
    "CREATE INDEX twins_doc ON twins (doc_id, key)",
)


_V27 = (
    # The first `entities` after a write found the components left without records by
    # scanning every entity node against the kept records: 0.47 s at 10,000 documents
    # (456,668 nodes), whatever the write touched. Now a component is noted as its
    # records go (entity_rows deleted, whatever deletes them) or as it is made (a node
    # written under it), and a mark (entity_base: a listing version; listing_state's
    # marks go with every write) says that every component not noted has its records
    # kept for that version: a read looks at the noted ones. Both are what reads keep.
    "CREATE TABLE entity_unkept (comp TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TABLE entity_base (version TEXT NOT NULL)",
    """CREATE TRIGGER entity_unkept_rows_delete AFTER DELETE ON entity_rows
BEGIN INSERT OR IGNORE INTO entity_unkept (comp) VALUES (OLD.comp); END""",
    """CREATE TRIGGER entity_unkept_nodes_insert AFTER INSERT ON entity_nodes
WHEN NEW.comp IS NOT NULL BEGIN INSERT OR IGNORE INTO entity_unkept (comp) VALUES (NEW.comp);
END""",
    """CREATE TRIGGER entity_unkept_nodes_update AFTER UPDATE OF comp ON entity_nodes
WHEN NEW.comp IS NOT NULL BEGIN INSERT OR IGNORE INTO entity_unkept (comp) VALUES (NEW.comp);
END""",
)


_V28 = (
    # A removed document dropped every kept entity record (migration 15), so the first
    # `entities` after one `rm` built every component again: 45 s at 10,000 documents.
    # What the removal changes is dropped already: its nodes go with its facts, and
    # each node gone drops its component's records and marks its name key, whose other
    # components the next read builds again too (where the corpus first meets a name
    # orders its same-name edges). A node's place in the graph's order is its
    # document's id and time added, never a rank among the documents, so the others'
    # records stand.
    "DROP TRIGGER IF EXISTS entity_rows_documents_delete",
)


def _drop_part(doc: str) -> str:
    return f"DELETE FROM source_parts WHERE doc_id = {doc};"


# each table a document's part of the sources listing is computed from, and the
# document a changed row belongs to (its claims, its row, its entity nodes and facts,
# its identifications and links, its claims' pairs within it)
_PART_OF = (
    ("claims", ("doc_id",)), ("documents", ("id",)), ("entity_nodes", ("doc_id",)),
    ("entity_facts", ("doc_id",)), ("mentions", ("doc_id",)), ("aliases", ("doc_id",)),
    ("links", ("doc_id",)),
)

_V14 = (
    # `sources` of the whole corpus summed per source what every claim says of it, and
    # any write dropped it whole, so the first read after one `add` graded every claim
    # again (17 s at 3,000 documents). Each document's share is kept apart, dropped
    # only with what it is computed from; the listing sums the shares and computes
    # only the dropped ones (sourcelisting.corpus_sources). A cluster's change drops
    # the shares of the documents whose claims it flags otherwise
    # (matchstore.replace_clusters); a grade or a user's merge or split, every share.
    "CREATE TABLE source_parts (doc_id TEXT PRIMARY KEY REFERENCES documents (id) "
    "ON DELETE CASCADE, version TEXT NOT NULL, part TEXT NOT NULL) WITHOUT ROWID",
    *(f"""CREATE TRIGGER source_parts_{table}_{when.lower()} AFTER {when} ON {table}
BEGIN {' '.join(_drop_part(f'{row}.{col}') for row in rows for col in cols)} END"""
      for table, cols in _PART_OF
      for when, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")),
                         ("DELETE", ("OLD",)))),
    *(f"""CREATE TRIGGER source_parts_within_{when.lower()} AFTER {when} ON within_matches
BEGIN {_drop_part(f"substr({row}.a, 1, instr({row}.a, ':') - 1)")} END"""
      for when, row in (("INSERT", "NEW"), ("DELETE", "OLD"))),
    *(f"""CREATE TRIGGER source_parts_{table}_{when.lower()} AFTER {when} ON {table}
BEGIN DELETE FROM source_parts; END"""
      for table in ("source_grades", "entity_decisions")
      for when in ("INSERT", "UPDATE", "DELETE")),
)


_V15 = (
    # `entities` of the whole corpus built every entity again on the first read after
    # any write (17 s at 3,000 documents). Each stored component's entity records are
    # kept apart, dropped only where its nodes change, or those of a node sharing a
    # name key with its nodes (the order the graph joins same-name nodes in turns on
    # where the corpus first meets the name); every record on a user's decision or a
    # removed document. The listing sorts the kept records and builds only the others
    # (entities/reads.corpus_entities).
    "CREATE TABLE entity_rows (comp TEXT NOT NULL, j INTEGER NOT NULL, version TEXT NOT NULL, "
    "sort TEXT NOT NULL, row TEXT NOT NULL, PRIMARY KEY (comp, j)) WITHOUT ROWID",
    *(f"""CREATE TRIGGER entity_rows_nodes_{when.lower()} AFTER {when} ON entity_nodes
BEGIN {' '.join(
        f"DELETE FROM entity_rows WHERE comp = {row}.comp OR comp IN "
        f"(SELECT comp FROM entity_nodes WHERE key = {row}.key);" for row in rows)} END"""
      for when, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")),
                         ("DELETE", ("OLD",)))),
    *(f"""CREATE TRIGGER entity_rows_decisions_{when.lower()} AFTER {when} ON entity_decisions
BEGIN DELETE FROM entity_rows; END""" for when in ("INSERT", "UPDATE", "DELETE")),
    """CREATE TRIGGER entity_rows_documents_delete AFTER DELETE ON documents
BEGIN DELETE FROM entity_rows; END""",
    """CREATE TRIGGER entity_rows_documents_update AFTER UPDATE OF id, added ON documents
BEGIN DELETE FROM entity_rows; END""",
)


def _node_triggers(kept: tuple[str, ...]) -> tuple[str, ...]:
    """Migrations 16 and 17: entity_nodes' triggers, made again, that drop what the
    tables `kept` hold of a written node's component and mark its name key."""
    drops = " ".join(f"DELETE FROM {table} WHERE comp = {{row}}.comp;" for table in kept)
    return (
        *(f"DROP TRIGGER entity_rows_nodes_{when}" for when in ("insert", "update", "delete")),
        *(f"""CREATE TRIGGER entity_rows_nodes_{when.lower()} AFTER {when} ON entity_nodes
BEGIN {' '.join(
            drops.format(row=row) + " "
            f"INSERT OR IGNORE INTO entity_stale_keys (key) VALUES ({row}.key);"
            for row in rows)} END"""
          for when, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")),
                             ("DELETE", ("OLD",)))),
    )


_V16 = (
    # Migration 15's node triggers dropped, on every node written, the records of every
    # component holding a node of the same name key: a subquery over all the nodes of
    # that key ("trump": thousands at 1,000 documents), run for each node inserted and
    # for each node renamed when components join. It cost 28 ms of each document
    # stored at 1,000 documents (2 at 100) and grew with the corpus. A node written now
    # drops its own component's records (two primary-key deletes) and marks its name
    # key; the read that uses kept records leaves out the components holding a marked
    # key's nodes (readback.entity_rows), and the read that stores records again drops
    # those components' old records and clears the marks in one guarded transaction
    # (readback.store_entity_rows). A component that stops holding a key loses a node
    # or a node moves out of it, which drops its records directly.
    "CREATE TABLE entity_stale_keys (key TEXT PRIMARY KEY) WITHOUT ROWID",
    *_node_triggers(("entity_rows",)),
)


_V17 = (
    # The first `sources` after a write named every entity component again from all
    # its nodes (readback.component_best_names: 0.6 s of 2.0 s at 3,000 documents). A
    # component's name is a function of its own nodes, so it is kept, dropped with
    # them as migration 16 drops its records.
    "CREATE TABLE component_names (comp TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID",
    *_node_triggers(("entity_rows", "component_names")),
)


_V18 = (
    # `entities` sorted every kept record on the first read after a write (60,000 at
    # 3,000 documents: each decoded, sorted and the whole listing written again). Each
    # record now carries its place in the listing as text that sorts as the listing
    # does (entities/reads.listing_rank), so a page is an indexed ORDER BY ... LIMIT.
    # The records kept so far have no place: dropped, built again by the next read.
    "DELETE FROM entity_rows",
    "ALTER TABLE entity_rows ADD COLUMN rank TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX entity_rows_rank ON entity_rows (version, rank)",
)


_V19 = (
    # The first `sources` after a write summed every document's kept share in Python
    # (30,000 sources' groups at 3,000 documents) to print 50 rows. Each share is also
    # kept one row per source, with its claim count, so totals are a GROUP BY and a
    # page reads only its sources' rows (sourcelisting.sources_page); `seq` is the
    # source's place in its document's share (the listing's order of first sight). The
    # rows go with their document's share (its triggers drop source_parts rows), and
    # the shares kept so far are exploded into rows here.
    "CREATE TABLE source_share_rows (doc_id TEXT NOT NULL, seq INTEGER NOT NULL, "
    "key TEXT NOT NULL, version TEXT NOT NULL, claims INTEGER NOT NULL, data TEXT NOT NULL, "
    "PRIMARY KEY (doc_id, seq)) WITHOUT ROWID",
    "CREATE INDEX source_share_rows_key ON source_share_rows (version, key, claims)",
    """CREATE TRIGGER source_share_rows_parts_delete AFTER DELETE ON source_parts
BEGIN DELETE FROM source_share_rows WHERE doc_id = OLD.doc_id; END""",
    "INSERT INTO source_share_rows (doc_id, seq, key, version, claims, data) "
    "SELECT p.doc_id, j.key, json_extract(j.value, '$[0]'), p.version, "
    "json_extract(j.value, '$[1][2]'), json_extract(j.value, '$[1]') "
    "FROM source_parts p, json_each(p.part) j",
)


_V20 = (
    # Migrations 18 and 19 made the first read after a write read a page, but every
    # later read then checked all documents and components for what was missing and
    # summed every share row again (sources 117 ms and entities 123 ms at 3,000
    # documents, in process, where the stored listings took 30-54): linear in the
    # corpus. The sources' totals are kept by triggers as share rows come and go, so a
    # page is an indexed ORDER BY; and a marker in listing_state says "every share" or
    # "every record is kept", dropped by whatever drops one of them (or marks a key),
    # as are the pages of `sources` kept as printed (api.sources).
    "CREATE TABLE source_totals (version TEXT NOT NULL, key TEXT NOT NULL, "
    "claims INTEGER NOT NULL, PRIMARY KEY (version, key)) WITHOUT ROWID",
    "CREATE INDEX source_totals_claims ON source_totals (version, claims)",
    "INSERT INTO source_totals (version, key, claims) "
    "SELECT version, key, sum(claims) FROM source_share_rows GROUP BY version, key",
    """CREATE TRIGGER source_totals_rows_insert AFTER INSERT ON source_share_rows
BEGIN INSERT INTO source_totals (version, key, claims) VALUES (NEW.version, NEW.key, NEW.claims)
ON CONFLICT (version, key) DO UPDATE SET claims = claims + excluded.claims; END""",
    """CREATE TRIGGER source_totals_rows_delete AFTER DELETE ON source_share_rows
BEGIN UPDATE source_totals SET claims = claims - OLD.claims
WHERE version = OLD.version AND key = OLD.key;
DELETE FROM source_totals WHERE version = OLD.version AND key = OLD.key AND claims <= 0; END""",
    """CREATE TRIGGER listing_marks_parts_delete AFTER DELETE ON source_parts
BEGIN DELETE FROM listing_state WHERE listing = 'sources shares'
OR listing LIKE 'sources page %'; END""",
    """CREATE TRIGGER listing_marks_records_delete AFTER DELETE ON entity_rows
BEGIN DELETE FROM listing_state WHERE listing = 'entities records'; END""",
    """CREATE TRIGGER listing_marks_keys_insert AFTER INSERT ON entity_stale_keys
BEGIN DELETE FROM listing_state WHERE listing = 'entities records'; END""",
)


_V21 = (
    # The unit index packed (store/postings.py): one row per token, head or not, and
    # document, whose blob holds that document's postings of the token. Read a posting
    # a row, the lists cost 1.4 microseconds a posting, a quarter of matching a document
    # at 1,000 stored documents and growing with them; packed, 0.09. The rows go with
    # their document's claims (all of a document's claims go together: re-extraction,
    # removal) and with the document.
    "CREATE TABLE unit_postings (token TEXT NOT NULL, head INTEGER NOT NULL, "
    "doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE, rows BLOB NOT NULL, "
    "PRIMARY KEY (token, head, doc_id)) WITHOUT ROWID",
    "CREATE INDEX unit_postings_doc ON unit_postings (doc_id)",
    """CREATE TRIGGER unit_postings_claims_delete AFTER DELETE ON claims
BEGIN DELETE FROM unit_postings WHERE doc_id = OLD.doc_id; END""",
)


def _v21(conn: sqlite3.Connection) -> None:
    """The stored rows of unit_terms, packed as they are (no rematch: the same
    candidates come out), a token at a time: one blob of int32 (seq, unit, size,
    weight, mass, rest) a token, head or not, and document, in (seq, unit) order."""
    import numpy as np

    for sql in _V21:
        conn.execute(sql)

    def flush(rows: dict[tuple[str, int, str], list[tuple[int, ...]]]) -> None:
        conn.executemany(
            "INSERT INTO unit_postings (token, head, doc_id, rows) VALUES (?, ?, ?, ?)",
            [(t, h, d, np.array(sorted(v), dtype="<i4").tobytes())
             for (t, h, d), v in sorted(rows.items())])

    token: str | None = None
    rows: dict[tuple[str, int, str], list[tuple[int, ...]]] = {}
    for r in conn.execute("SELECT token, claim_id, unit, size, weight, mass, rest, head "
                          "FROM unit_terms ORDER BY token"):
        if r[0] != token:
            flush(rows)
            token, rows = r[0], {}
        doc, _, seq = r[1].rpartition(":")
        if 0 <= int(seq) < 1 << 20 and 0 <= r[2] < 1 << 16:  # postings.MAX_SEQ, MAX_UNIT
            rows.setdefault((r[0], int(bool(r[7])), doc), []).append(
                (int(seq), r[2], r[3], r[4], r[5], r[6]))
    flush(rows)
    conn.execute("DROP TABLE unit_terms")


_V22 = (
    # The unit index in blocks of documents (store/postings.py): a document's number,
    # never given again (AUTOINCREMENT), in every posting, and one row per token, head
    # or not, and block of 64 numbers. A row a document, the lists a probe reads grew
    # with the database, a row (and a string key) at a time: at 5,000 documents reading
    # them was 223 of the 496 ms a document took to store and match.
    "CREATE TABLE unit_docs (num INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL "
    "UNIQUE REFERENCES documents (id) ON DELETE CASCADE)",
    "CREATE TABLE unit_blocks (token TEXT NOT NULL, head INTEGER NOT NULL, block INTEGER "
    "NOT NULL, rows BLOB NOT NULL, PRIMARY KEY (token, head, block)) WITHOUT ROWID",
    "CREATE INDEX unit_blocks_block ON unit_blocks (block)",
    # numbers whose postings are still in their blocks (postings.purge takes them out)
    "CREATE TABLE unit_gone (num INTEGER PRIMARY KEY)",
    """CREATE TRIGGER unit_docs_delete AFTER DELETE ON unit_docs
BEGIN INSERT OR IGNORE INTO unit_gone (num) VALUES (OLD.num); END""",
    """CREATE TRIGGER unit_docs_claims_delete AFTER DELETE ON claims
BEGIN DELETE FROM unit_docs WHERE doc_id = OLD.doc_id; END""",
)


def _v22(conn: sqlite3.Connection) -> None:
    """unit_postings' rows, numbered by document (in the order documents were added)
    and packed in blocks, a token at a time: the same postings, the same candidates."""
    import numpy as np

    from claimtrack.store.postings import BLOCK_BITS

    for sql in _V22:
        conn.execute(sql)
    conn.execute("INSERT INTO unit_docs (doc_id) SELECT id FROM documents WHERE id IN "
                 "(SELECT doc_id FROM unit_postings) ORDER BY added, id")
    numbers = dict(conn.execute("SELECT doc_id, num FROM unit_docs"))

    def flush(token: str, head: int, parts: list[np.ndarray]) -> None:
        if not parts:
            return
        data = np.concatenate(parts)
        data = data[np.lexsort((data[:, 2], data[:, 1], data[:, 0]))]
        blocks = data[:, 0] >> BLOCK_BITS
        cuts = np.flatnonzero(np.diff(blocks)) + 1
        conn.executemany(
            "INSERT INTO unit_blocks (token, head, block, rows) VALUES (?, ?, ?, ?)",
            [(token, head, int(b[0, 0]) >> BLOCK_BITS, b.astype("<i4").tobytes())
             for b in np.split(data, cuts)])

    key: tuple[str, int] | None = None
    parts: list[np.ndarray] = []
    for token, head, doc, blob in conn.execute(
            "SELECT token, head, doc_id, rows FROM unit_postings ORDER BY token, head"):
        if (token, head) != key:
            if key is not None:
                flush(*key, parts)
            key, parts = (token, head), []
        if doc not in numbers:
            continue  # a row its document's deletion left (foreign keys off): dead
        old = np.frombuffer(blob, dtype="<i4").reshape(-1, 6)
        parts.append(np.column_stack([np.full(len(old), numbers[doc], dtype=np.int32), old]))
    if key is not None:
        flush(*key, parts)
    conn.execute("DROP TRIGGER unit_postings_claims_delete")
    conn.execute("DROP TABLE unit_postings")


def _v23(conn: sqlite3.Connection) -> None:
    """Each posting of the unit index given its unit's signature (store/postings.py),
    read from the unit's stored tokens (claim_units.terms), a block at a time: the
    same postings, and the candidates relate() could relate, fewer of the others. A
    posting whose unit is not stored (a dead one, still in its block until the next
    purge) gets every bit: it can never be dropped for its signature."""
    import numpy as np

    from claimtrack.store.postings import (
        BLOCK_BITS,
        EVERY_BIT,
        _halves,
        signature,
        unit_key,
        unit_keys,
    )

    docs = dict(conn.execute("SELECT num, doc_id FROM unit_docs"))
    every = _halves(EVERY_BIT)
    for (block,) in conn.execute("SELECT DISTINCT block FROM unit_blocks ORDER BY block"
                                 ).fetchall():
        sigs: dict[int, tuple[int, int]] = {}
        for num in range(block << BLOCK_BITS, (block + 1) << BLOCK_BITS):
            doc = docs.get(num)
            if doc is None:
                continue
            for claim_id, unit, terms in conn.execute(
                    "SELECT claim_id, unit, terms FROM claim_units WHERE claim_id > ? "
                    "AND claim_id < ?", (doc + ":", doc + ";")):
                seq = int(claim_id.rpartition(":")[2])
                sigs[unit_key(num, seq, unit)] = _halves(signature(terms.split()))
        rows = conn.execute("SELECT token, head, rows FROM unit_blocks WHERE block = ?",
                            (block,)).fetchall()
        updated = []
        for token, head, blob in rows:
            old = np.frombuffer(blob, dtype="<i4").reshape(-1, 7)  # migration 22's postings
            halves = np.array([sigs.get(int(k), every) for k in unit_keys(old)], dtype=np.int32)
            updated.append((np.column_stack([old, halves]).astype("<i4").tobytes(),
                            token, head, block))
        conn.executemany("UPDATE unit_blocks SET rows = ? WHERE token = ? AND head = ? "
                         "AND block = ?", updated)


MIGRATIONS: list[Migration] = [
    Migration(1, "documents, links, mentions, claims", _V1),
    Migration(2, "typed sources, aliases, entity decisions, grades; flags v2", _v2),
    # store.get_document finds a document by its exact origin without reading
    # every row (issue 12: storing cost grew with the database).
    Migration(3, "index documents by origin",
              ("CREATE INDEX documents_origin ON documents (origin)",)),
    Migration(4, "cross-document index: stance, zones, matches, clusters, origins", _v4),
    Migration(5, "entity facts one node a row", _v5),
    Migration(6, "entity components", _v6),
    Migration(7, "matching units: clause-level parts of contents, unit matches", _V7),
    Migration(8, "stored listings of sources and entities, dropped by any change", _V8),
    Migration(9, "weights in the unit index; dated two-word units", _V9),
    Migration(10, "word indexes (FTS5) of claims' sources and contents, and of person names",
              _V10),
    Migration(11, "questions and numbers in the decision step: matches decided again", _V11),
    Migration(12, "negations, conditions and agreeing rest in the decision step: matches "
              "decided again", _V12),
    Migration(13, "partial indexes of the matches that shape clusters", _V13),
    Migration(14, "each document's share of the sources listing, kept across writes", _V14),
    Migration(15, "each entity component's records, kept across writes", _V15),
    Migration(16, "name keys marked, not their components' records dropped, as nodes change",
              _V16),
    Migration(17, "each entity component's name, kept across writes", _V17),
    Migration(18, "each entity record's place in the listing", _V18),
    Migration(19, "each document's share of the sources listing, one row a source", _V19),
    Migration(20, "the sources' totals kept; marks of listings kept whole", _V20),
    Migration(21, "the unit index packed, one row a token and document", _v21),
    Migration(22, "the unit index in blocks of documents, each document numbered", _v22),
    Migration(23, "each posting of the unit index carries its unit's signature", _v23),
    Migration(24, "claims told identically are one twin class, matched as a star", _V24),
    Migration(25, "the pairs of two twin classes decided once, kept by class", _V25),
    Migration(26, "a twin row without what it decided against itself (never read)", _V26),
    Migration(27, "the entity components a write left without records, noted as it goes",
              _V27),
    Migration(28, "a removed document drops the entity records of its own components only",
              _V28),
]

LATEST = MIGRATIONS[-1].version


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection, begin: Callable[[sqlite3.Connection], None] | None = None
) -> list[int]:
    """Apply pending migrations, each in its own transaction; return those applied.

    The caller checks for a newer-than-known version first (db.open_db);
    `begin` takes the write lock (db.begin_immediate retries while busy).
    """
    applied = []
    for m in MIGRATIONS:
        if m.version <= current_version(conn):
            continue
        # Python's sqlite3 would not open a transaction for DDL by itself.
        if begin is None:
            conn.execute("BEGIN IMMEDIATE")
        else:
            begin(conn)
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            if m.version <= current_version(conn):
                conn.execute("ROLLBACK")
                continue
            if callable(m.steps):
                m.steps(conn)
            else:
                for sql in m.steps:
                    conn.execute(sql)
            conn.execute(f"PRAGMA user_version = {int(m.version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(m.version)
    return applied


def dump_schema(conn: sqlite3.Connection) -> str:
    """The schema as deterministic SQL text: version, then tables, then indexes, then
    triggers (which name tables), by name. A virtual table's own tables (FTS5's
    `<name>_data`, `_idx`, ...) are left out: creating the virtual table creates them."""
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
        "AND name NOT LIKE 'sqlite_%' ORDER BY type = 'trigger', type = 'index', name"
    ).fetchall()
    virtual = [name for _, name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")]
    shadow = {f"{v}_{part}" for v in virtual
              for part in ("data", "idx", "content", "docsize", "config")}
    rows = [r for r in rows if r[1] not in shadow]
    out = [
        "-- Generated by `python -m claimtrack.store.migrations`: do not edit.",
        f"PRAGMA user_version = {current_version(conn)};",
        "",
    ]
    out += [f"{sql};\n" for _, _, sql in rows]
    return "\n".join(out)


def fresh_schema() -> str:
    """The schema of a newly created database, built in memory."""
    conn = sqlite3.connect(":memory:")
    try:
        migrate(conn)
        return dump_schema(conn)
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else SCHEMA_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(fresh_schema(), encoding="utf-8")
    print(f"wrote {out} (schema version {LATEST})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
