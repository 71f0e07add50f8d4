"""store/counts.py and queries.count: how many claims a listing selects, counted from
the stored rows, always the length of the listing itself."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from conftest import copy_database, run_cli
from test_corpus import ARTICLES, STORY

from claimtrack import corpusflags, queries
from claimtrack.output import TABLE_ROWS
from claimtrack.store import counts

FILTERS = [
    {}, {"author": True}, {"flagged": True}, {"flagged": True, "author": True},
    {"flag": "single_source"}, {"flag": "circular_reporting"}, {"flag": "no_source"},
    {"flag": "anonymous_source"}, {"flag": "unnamed_source"},  # the old name of the last
    {"flagged": True, "flag": "single_source"}, {"flagged": True, "flag": "no_source"},
    {"kind": "direct"}, {"cue_class": "other"}, {"kind": "indirect", "flag": "single_source"},
    {"entity": "Belhadj"}, {"entity": "Stein"}, {"entity": "Stein", "flagged": True},
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, seeded_db) -> Path:
    """The seeds and the five-article story (clusters of one and of two independent
    origins), then made to hold what the SQL count cannot decide alone: a clusters row
    and a cluster's figures gone (a database waiting for `rematch`), a pair within a
    document, a circular cluster."""
    db = copy_database(seeded_db, tmp_path_factory.mktemp("counts") / "claimtrack.db")
    for name, (publisher, published) in ARTICLES.items():
        result = run_cli("add", str(STORY / name), "--publisher", publisher,
                         "--published", published, db=db)
        assert result.exit_code == 0, result.stderr
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute(
            "SELECT c.id FROM claims c JOIN clusters m ON m.claim_id = c.id "
            "WHERE c.source_start IS NOT NULL ORDER BY c.id")]
        conn.execute("DELETE FROM clusters WHERE claim_id = ?", (ids[0],))
        conn.execute("DELETE FROM cluster_stats WHERE cluster = (SELECT cluster FROM clusters "
                     "WHERE claim_id = ?)", (ids[1],))
        # two named voices of one document, neither relaying nor relayed, told the same:
        # each is the other's second origin (corpusflags.within_document)
        voices = conn.execute(
            "SELECT c.id, c.doc_id, c.source_entity FROM claims c WHERE c.source_entity "
            "IS NOT NULL AND c.relayed_by IS NULL AND c.id != ? AND c.rule != 'headline_says' "
            "AND NOT EXISTS "
            "(SELECT 1 FROM claims r WHERE r.relayed_by = c.id) ORDER BY c.id",
            (ids[0],)).fetchall()
        a, b = next((x[0], y[0]) for x in voices for y in voices
                    if x[1] == y[1] and x[0] < y[0] and x[2] != y[2])
        conn.execute("INSERT OR IGNORE INTO within_matches (a, b) VALUES (?, ?)", (a, b))
        paired = {x for r in conn.execute("SELECT a, b FROM within_matches") for x in r}
        alone = [x for x in ids[1:] if x not in paired]
        conn.execute("UPDATE clusters SET circular = 'cites itself' WHERE claim_id = ?",
                     (alone[-1],))
    return db


def test_the_count_is_the_length_of_the_listing(corpus):
    db = sqlite_utils.Database(corpus)
    for f in FILTERS:
        listed = list(queries.claims_stream(db, **f))
        assert queries.count(db, **f) == len(listed), f
    for doc in {r[0] for r in db.conn.execute("SELECT doc_id FROM claims")}:
        for f in ({}, {"flagged": True}, {"flag": "single_source"}):
            assert queries.count(db, doc=doc, **f) == \
                len(list(queries.claims_stream(db, doc=doc, **f))), (doc, f)


def test_the_corpus_holds_each_case(corpus):
    """The fixture reaches every branch: claims SQL decides single and not single,
    circular ones, and undecided ones (no clusters row; a pair within a document)."""
    conn = sqlite3.connect(corpus)
    single, undecided = counts.count_claims(conn, corpus="single_source")
    flagged, _ = counts.count_claims(conn, corpus="any")
    circular, _ = counts.count_claims(conn, corpus="circular_reporting")
    every, none = counts.count_claims(conn)
    assert none == [] and 0 < single < flagged < every
    assert circular == 1 and len(undecided) >= 3
    # the pair within a document is what makes its claims corroborated
    within = {r[0] for r in conn.execute("SELECT a FROM within_matches UNION "
                                         "SELECT b FROM within_matches")}
    told = {c.id: c for c in queries.claims_stream(sqlite_utils.Database(corpus))}
    assert any("single_source" not in {f.code for f in told[x].flags} for x in within)
    db = sqlite_utils.Database(corpus)
    # claims that two origins carry, decided in SQL as not single
    listed = list(queries.claims_stream(db))
    assert any(corpusflags.may_be_single(c) and "single_source" not in {f.code for f in c.flags}
               for c in listed)


def test_errors_as_the_listing(corpus):
    from claimtrack.errors import NotFoundError

    db = sqlite_utils.Database(corpus)
    for f, said in (({"flag": "dubious"}, "unknown flag"), ({"kind": "sarcastic"}, "unknown kind"),
                    ({"doc": "missing"}, "claimtrack docs"), ({"entity": "Qaed"}, "no claim")):
        with pytest.raises(NotFoundError, match=said):
            queries.count(db, **f)


def test_a_table_prints_its_first_rows_and_counts_the_rest(corpus, monkeypatch):
    """`claims` and `flags` as tables without --limit: the first rows, flagged and
    graded, then how many there are; the listing is never read whole."""
    import claimtrack.output as output

    monkeypatch.setattr(output, "TABLE_ROWS", 3)
    monkeypatch.setattr(queries, "claims_stream", None)  # a table must not stream them all
    db = sqlite_utils.Database(corpus)
    total = queries.count(db)
    flagged = queries.count(db, flagged=True)
    for args, n, title in ((("claims",), total, "claims"),
                           (("flags",), flagged, "flagged claims"),
                           (("claims", "--offset", "2"), total, "claims")):
        result = run_cli(*args, db=corpus)
        assert result.exit_code == 0, result.stderr
        shown = "3" if "--offset" not in args else "3-5"
        assert f"showing {shown} of {n:,} {title}" in result.stderr.replace("\n", " ")
    assert TABLE_ROWS == 200  # the module's own value, seen before the patch
    # a page that holds everything says nothing more
    result = run_cli("claims", "--flag", "circular_reporting", db=corpus)
    assert result.exit_code == 0 and "showing" not in result.stderr

