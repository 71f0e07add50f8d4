"""How many stored claims a listing selects, counted in SQL: what a table without
--limit says after its first rows ("showing 200 of 38,714 flagged claims").

Counting by reading every claim, flagging and grading it, took as long as listing
them all (`flags` 10 s, `claims` 13 s at 3,000 documents) to print 200 rows. The
static filters (document, kind, cue class, a stored flag) are columns. The corpus
flags (corpusflags.py) read the stored index: `circular_reporting` is the claim's
clusters row; `single_source` is its cluster's independent origins, unless the
claim has partners within its own document (whose independence a read decides,
corpusflags.within_document) or no clusters row at all. Those claims are left
*undecided* here and counted by the caller through the read path itself, so the
count never disagrees with the listing on them (tests/test_counts.py checks every
filter against a count of the listing).
"""

from __future__ import annotations

import sqlite3
from typing import Literal

from claimtrack.extractor_names import UNSOURCED_RULES
from claimtrack.models import CORROBORATING_ORIGINS
from claimtrack.store.shown import shown

CorpusTest = Literal["any", "single_source", "circular_reporting"]

_AUTHORIAL = "(c.source_start IS NULL AND c.cue_start IS NULL)"
_MAY_BE_SINGLE = (f"(NOT {_AUTHORIAL} AND coalesce(c.rule, '') NOT IN "
                  f"({', '.join(repr(r) for r in sorted(UNSOURCED_RULES))}))")
_SINGLE = f"({_MAY_BE_SINGLE} AND json_array_length(s.origins) < {CORROBORATING_ORIGINS})"
_CIRCULAR = "(coalesce(m.circular, '') != '')"
_STATIC_ANY = "(json_array_length(c.flags) > 0)"
_HAS_FLAG = ("EXISTS (SELECT 1 FROM json_each(c.flags) f "
             "WHERE json_extract(f.value, '$.code') = ?)")
# what the SQL cannot decide for a corpus flag: no clusters row or stats row, or
# partners within the document
_UNDECIDED = ("(m.claim_id IS NULL OR s.cluster IS NULL "
              "OR EXISTS (SELECT 1 FROM within_matches w WHERE w.a = c.id) "
              "OR EXISTS (SELECT 1 FROM within_matches w WHERE w.b = c.id))")


def count_claims(conn: sqlite3.Connection, *, doc_id: str | None = None,
                 author: bool = False, kind: str | None = None,
                 cue_class: str | None = None, static_flag: str | None = None,
                 corpus: CorpusTest | None = None) -> tuple[int, list[str]]:
    """(the claims the filters select that SQL decides, the ids of those it leaves
    undecided, in listing order). `static_flag`: a flag stored with the claim.
    `corpus`: a claim must also carry any flag ("any": a stored one counts too), or
    the named corpus flag. Author statements only with `author`, as the reads."""
    # each filter given: its condition and its value
    given = [(test, value) for test, value in (
        ("c.doc_id = ?", doc_id),
        ("c.kind = ?", kind), ("c.cue_class = ?", cue_class), (_HAS_FLAG, static_flag))
        if value is not None]
    where = ["1" if author else shown(), *(test for test, _ in given)]
    params: list[object] = [value for _, value in given]
    selected = " AND ".join(where)
    if corpus is None:
        (n,) = conn.execute(f"SELECT count(*) FROM claims c WHERE {selected}", params).fetchone()
        return int(n), []
    test = {"any": f"({_STATIC_ANY} OR {_SINGLE} OR {_CIRCULAR})",
            "single_source": _SINGLE, "circular_reporting": _CIRCULAR}[corpus]
    joined = ("FROM claims c LEFT JOIN clusters m ON m.claim_id = c.id "
              "LEFT JOIN cluster_stats s ON s.cluster = m.cluster")
    (n,) = conn.execute(f"SELECT count(*) {joined} WHERE {selected} AND NOT {_UNDECIDED} "
                        f"AND {test}", params).fetchone()
    if corpus == "any":  # a stored flag decides without the index
        undecided_test = f"AND NOT {_STATIC_ANY}"
        (static,) = conn.execute(f"SELECT count(*) {joined} WHERE {selected} AND {_UNDECIDED} "
                                 f"AND {_STATIC_ANY}", params).fetchone()
        n += static
    else:
        undecided_test = ""
    undecided = [r[0] for r in conn.execute(
        f"SELECT c.id {joined} JOIN documents d ON d.id = c.doc_id WHERE {selected} "
        f"AND {_UNDECIDED} {undecided_test} ORDER BY d.added, d.id, c.seq", params)]
    return int(n), undecided
