"""The unit index's posting lists: stored packed in blocks of documents, and probed
in memory with numpy.

matchstore.unit_candidates asks, for each unit of a new document, which stored
units share enough weight with it (corpus/index.py). Each posting says that a
unit (claim, unit number) holds a token, with the unit's size, the token's
weight, the unit's mass and rest, and whether the token is one of its heads.

**Stored in blocks** (migration 22, `unit_blocks`): each document whose units
are indexed has a number (`unit_docs`, AUTOINCREMENT: never given twice), and
each posting is seven little-endian int32 (doc number, seq, unit, size, weight,
mass, rest). A row holds a token's postings, head or not, of the documents whose
numbers share a block (BLOCK_BITS), in key order; a new document appends its
postings to the last block's rows. Until then (migration 21) a row held one
document's postings: the rows a probe read grew with the database, each a row, a
string key and a dict lookup, and at 5,133 documents reading them took 223 of
the 496 ms a document took to store and match (profiled). In blocks a frequent
token is a row per 64 documents.

A document's claims going (re-extraction, `rm`) takes its number (a trigger
notes it in `unit_gone`); a number no document holds is dropped from a probe's
answer, and purge() takes its postings out of their blocks (`rm` and the next
write do). Re-indexed, a document gets a new number.

**Probed in memory.** A probe reads the lists of its tokens and answers with
numpy: for a head, its whole list (the first probe reads every row of its
heads); for another token, its head rows alone (the second probe reads nothing
else), which the common words, never anybody's head ("trump": 11,549 postings
at 1,000 documents, 0 heads), do not have. A process keeps the lists it has read,
so a bulk `add` reads each list once; what the cache holds is what the
transaction would read, or it is dropped:
- when another connection has committed (PRAGMA data_version moves);
- when a write transaction of this connection rolls back after writing, or is
  one that may delete index rows (store/db.atomic drops it unless the writer
  says it only adds: add_document, which inserts and never deletes them).
Rows this connection writes under a cached token are appended as they are
written (put_units), so the cache never lags its own writes. Lists are evicted
least recently used first past MAX_POSTINGS: memory stays bounded whatever the
database's size.

In memory a posting's unit is one int64 key: its document's number, its claim's
seq and its unit number (KEY_SEQ_BITS, KEY_UNIT_BITS), and a list is in key
order. One cache per process, for the last connection that probed: a process
stores through one connection at a time.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from claimtrack.store.inlist import rows_in

if TYPE_CHECKING:
    import numpy as np

MAX_POSTINGS = 2_000_000  # 28 bytes each in memory: ~56 MB, the lists of ~2,000 documents

KEY_UNIT_BITS = 16
KEY_SEQ_BITS = 20
KEY_DOC_SHIFT = KEY_SEQ_BITS + KEY_UNIT_BITS
# A unit numbered past this, or a claim past this seq, is not indexed: it cannot be
# found as a candidate (nothing else changes). Content is split into clauses and
# sentences (text/units.py); no document comes near either bound.
MAX_UNIT = (1 << KEY_UNIT_BITS) - 1
MAX_SEQ = (1 << KEY_SEQ_BITS) - 1

# Documents numbered n share a block (a row of each of their tokens) with those numbered
# alike but for the last BLOCK_BITS bits. More in a block: fewer rows to read a list,
# a longer blob rewritten as each document appends to it.
BLOCK_BITS = 6

# columns of a stored posting (int32, little-endian), and of a cached list's attributes
FIELDS = 7  # doc number, seq, unit, size, weight, mass, rest
SIZE, WEIGHT, MASS, REST, HEAD = range(5)


class Posting(NamedTuple):
    """A unit indexed under one of its tokens, as put_units writes it (corpus/index.py).
    Weights in hundredths."""

    token: str
    doc_id: str
    seq: int  # the claim's number in its document (claim id "<doc_id>:<seq>")
    unit: int
    size: int  # tokens in the unit's token set
    weight: int  # the token's IDF weight
    mass: int  # the unit's whole weight
    rest: int  # the weight of its tokens that are not heads
    head: bool  # one of the unit's heads


def indexable(p: Posting) -> bool:
    return 0 <= p.seq <= MAX_SEQ and 0 <= p.unit <= MAX_UNIT


def pack(postings: Sequence[Posting], number: int) -> dict[tuple[str, bool], bytes]:
    """(token, head) -> the blob one document's postings of it append to their block,
    the document numbered `number`, in (seq, unit) order."""
    import numpy as np

    groups: dict[tuple[str, bool], list[tuple[int, ...]]] = defaultdict(list)
    for p in postings:
        if indexable(p):
            groups[p.token, bool(p.head)].append(
                (number, p.seq, p.unit, p.size, p.weight, p.mass, p.rest))
    return {k: np.array(sorted(v), dtype="<i4").tobytes() for k, v in sorted(groups.items())}


def unpack(blob: bytes) -> list[tuple[int, ...]]:
    """A stored blob's postings: (doc number, seq, unit, size, weight, mass, rest) each."""
    import numpy as np

    return [tuple(int(x) for x in r) for r in np.frombuffer(blob, dtype="<i4").reshape(-1, FIELDS)]


def stored(conn: sqlite3.Connection) -> list[tuple[str, bool, str, int, int, int, int, int, int]]:
    """Every live posting as (token, head, doc id, seq, unit, size, weight, mass, rest),
    sorted: what the index says, however it is laid out in blocks (tests, checks)."""
    docs = dict(conn.execute("SELECT num, doc_id FROM unit_docs"))
    return sorted((token, bool(head), docs[n], *rest)
                  for token, head, blob in conn.execute(
                      "SELECT token, head, rows FROM unit_blocks")
                  for n, *rest in unpack(blob) if n in docs)


class Postings:
    """The posting lists one connection has read: by (token, whole), an int64 array of
    unit keys in key order and an (n, 5) int32 array of SIZE, WEIGHT, MASS, REST, HEAD;
    and the documents of the numbers it has met (a number is never given again, so
    that holds while the cache does)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.version = data_version(conn)
        self.doc_of: dict[int, str | None] = {}  # None: a number no document holds now
        self.number_of: dict[str, int] = {}
        # whole lists, or the head rows alone; in use order, least recent first
        self.lists: dict[tuple[str, bool], tuple[np.ndarray, np.ndarray]] = {}
        self.pending: dict[tuple[str, bool], list[tuple[int, ...]]] = {}  # appended since
        self.held = 0

    def own(self, doc_id: str) -> int:
        """`doc_id`'s number (-1: none, its units are not indexed)."""
        n = self.number_of.get(doc_id)
        if n is None:
            r = self.conn.execute("SELECT num FROM unit_docs WHERE doc_id = ?",
                                  (doc_id,)).fetchone()
            if r is None:
                return -1
            n = self.number_of[doc_id] = int(r[0])
            self.doc_of[n] = doc_id
        return n

    def names(self, keys: Sequence[int]) -> list[tuple[str, int]]:
        """(claim id, unit) of each key whose document is stored; the documents of
        numbers not met before are read in one query."""
        new = {k >> KEY_DOC_SHIFT for k in keys} - self.doc_of.keys()
        self.doc_of.update(dict.fromkeys(new))
        for n, d in rows_in(self.conn, "SELECT num, doc_id FROM unit_docs WHERE num IN ({keys})",
                            new):
            self.doc_of[n], self.number_of[d] = d, n
        out = []
        for k in keys:
            doc = self.doc_of[k >> KEY_DOC_SHIFT]
            if doc is not None:  # else a document gone since its rows were written
                out.append((f"{doc}:{(k >> KEY_UNIT_BITS) & MAX_SEQ}", k & MAX_UNIT))
        return out

    def load(self, token: str, whole: bool) -> None:
        import numpy as np

        rows = self.conn.execute(
            "SELECT head, rows FROM unit_blocks WHERE token = ?"
            + ("" if whole else " AND head = 1"), (token,)).fetchall()
        if rows:
            heads, blobs = zip(*rows, strict=True)
            data = np.frombuffer(b"".join(blobs), dtype="<i4").reshape(-1, FIELDS)
            counts = np.array([len(b) for b in blobs], dtype=np.int64) // (4 * FIELDS)
            keys = (data[:, 0].astype(np.int64) << KEY_DOC_SHIFT) \
                | (data[:, 1].astype(np.int64) << KEY_UNIT_BITS) | data[:, 2]
            cols = np.empty((len(data), 5), dtype=np.int32)
            cols[:, :HEAD] = data[:, 3:]
            cols[:, HEAD] = np.repeat(np.array(heads, dtype=np.int32), counts)
            if whole:  # two runs in key order, the rows of no head and those of heads
                order = np.argsort(keys, kind="stable")
                keys, cols = keys[order], cols[order]
        else:
            keys, cols = np.empty(0, dtype=np.int64), np.empty((0, 5), dtype=np.int32)
        self.lists[token, whole] = (keys, cols)
        self.held += len(keys)
        self._evict()

    def heads_from_whole(self, token: str) -> None:
        """A token's head rows, kept apart, from its whole list (the same rows its own
        load would read; appended rows go to both)."""
        keys, cols = self.postings((token, True))
        heads = cols[:, HEAD] == 1
        self.lists[token, False] = (keys[heads], cols[heads])
        self.held += int(heads.sum())
        self._evict()

    def _evict(self) -> None:
        """Least recently used lists out, past MAX_POSTINGS (the newest stays)."""
        while self.held > MAX_POSTINGS and len(self.lists) > 1:
            self._drop(next(iter(self.lists)))

    def _drop(self, key: tuple[str, bool]) -> None:
        self.held -= len(self.lists.pop(key)[0]) + len(self.pending.pop(key, ()))

    def postings(self, key: tuple[str, bool]) -> tuple[np.ndarray, np.ndarray]:
        """A cached list, its appended rows joined; marked most recently used."""
        import numpy as np

        keys, cols = self.lists.pop(key)
        extra = self.pending.pop(key, None)
        if extra:
            more = np.array(extra, dtype=np.int64)
            keys = np.concatenate([keys, more[:, 0]])
            cols = np.concatenate([cols, more[:, 1:].astype(np.int32)])
        self.lists[key] = (keys, cols)
        return keys, cols

    def append(self, written: Sequence[Posting], number: int) -> None:
        """Rows written for the document numbered `number` (the newest: they extend
        each list in key order)."""
        for p in sorted(written, key=lambda p: (p.seq, p.unit)):
            if not indexable(p):
                continue
            key = (number << KEY_DOC_SHIFT) | (p.seq << KEY_UNIT_BITS) | p.unit
            for whole in (True, False) if p.head else (True,):
                if (p.token, whole) in self.lists:
                    self.pending.setdefault((p.token, whole), []).append(
                        (key, p.size, p.weight, p.mass, p.rest, int(p.head)))
                    self.held += 1


_cache: Postings | None = None


def _grouped(keys: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct keys, the index of each one's first row, and the sum of its rows'
    weights. The keys are a few lists, each in key order (Postings.load; rows appended
    since come from newer documents): a stable sort merges such runs in about n log(runs),
    where np.unique's quicksort took five times as long on the lists of 5,000 documents."""
    import numpy as np

    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return ordered[starts], order[starts], np.add.reduceat(weights[order], starts)


def data_version(conn: sqlite3.Connection) -> int:
    """SQLite's count of commits by other connections (PRAGMA data_version): what moves
    when another process writes, for every cache of what was read."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def current(conn: sqlite3.Connection) -> Postings:
    """The cache for `conn`, started again if another connection has committed since."""
    global _cache
    if _cache is None or _cache.conn is not conn or _cache.version != data_version(conn):
        _cache = Postings(conn)
    return _cache


def forget(conn: sqlite3.Connection) -> None:
    """Drop the cache if it is `conn`'s."""
    global _cache
    if _cache is not None and _cache.conn is conn:
        _cache = None


def purge(conn: sqlite3.Connection) -> None:
    """Take the postings of numbers no document holds any more (unit_gone: the
    triggers note them as claims or documents go) out of their blocks. Until then
    they are only dead weight: a number is never given again, so a probe drops them."""
    import numpy as np

    gone = [n for (n,) in conn.execute("SELECT num FROM unit_gone ORDER BY num")]
    if not gone:
        return
    for block in sorted({n >> BLOCK_BITS for n in gone}):
        dead = np.array([n for n in gone if n >> BLOCK_BITS == block], dtype=np.int32)
        for token, head, blob in conn.execute(
                "SELECT token, head, rows FROM unit_blocks WHERE block = ?", (block,)).fetchall():
            data = np.frombuffer(blob, dtype="<i4").reshape(-1, FIELDS)
            keep = ~np.isin(data[:, 0], dead)
            if keep.all():
                continue
            if keep.any():
                conn.execute("UPDATE unit_blocks SET rows = ? WHERE token = ? AND head = ? "
                             "AND block = ?", (data[keep].tobytes(), token, head, block))
            else:
                conn.execute("DELETE FROM unit_blocks WHERE token = ? AND head = ? AND block = ?",
                             (token, head, block))
    conn.execute("DELETE FROM unit_gone")


def write(conn: sqlite3.Connection, written: Sequence[Posting]) -> None:
    """Store `written`, one document's new rows, under a new number for it (appended
    to the blocks of its tokens), and keep the cached lists whole."""
    docs = {p.doc_id for p in written}
    if not docs:
        return
    if len(docs) > 1:
        raise ValueError("postings.write takes one document's rows at a time")
    (doc_id,) = docs
    if conn.execute("DELETE FROM unit_docs WHERE doc_id = ?", (doc_id,)).rowcount:
        forget(conn)  # indexed again without its claims going: the cache knew its number
    purge(conn)
    number = conn.execute("INSERT INTO unit_docs (doc_id) VALUES (?) RETURNING num",
                          (doc_id,)).fetchone()[0]
    packed = pack(written, number)
    conn.executemany(
        "INSERT INTO unit_blocks (token, head, block, rows) VALUES (?, ?, ?, ?) "
        # || makes text of two blobs, byte for byte in a UTF-8 database (claimtrack
        # never makes another); the cast keeps the row a blob
        "ON CONFLICT (token, head, block) DO UPDATE SET rows = CAST(rows || excluded.rows "
        "AS BLOB)",
        [(t, int(h), number >> BLOCK_BITS, blob) for (t, h), blob in packed.items()])
    if _cache is not None and _cache.conn is conn:
        _cache.number_of[doc_id], _cache.doc_of[number] = number, doc_id
        _cache.append(written, number)


def candidates(conn: sqlite3.Connection, heads: Sequence[str], tokens: Sequence[str],
               lo: int, hi: int, mine: str, m: float, s: float, bound: float, close: float,
               floor: float) -> list[tuple[str, int]]:
    """matchstore.unit_candidates' answer (weights scaled as stored; `bound` and `floor`
    scaled too, `bound` less the slack `s`): units of other documents than `mine`,
    - as the lighter: the probing unit's heads against every token of units at least
      as heavy, whose shared heads weigh at least `bound`;
    - as the heavier: its tokens against the heads of units at most as heavy, whose
      shared heads weigh at least their own bound, max(`close` * their mass,
      `floor`) less their rest and the slack."""
    import numpy as np

    cache = current(conn)
    # a head's whole list; another token's head rows alone (taken from its whole list
    # where that is held: at 1,000 documents the whole lists held ten times the rows)
    wanted = {t: True for t in heads}
    for t in tokens:
        wanted.setdefault(t, False)
    lists = {}  # held here: a later load may evict a list from the cache
    for k in sorted(wanted.items()):
        if k not in cache.lists:
            if not k[1] and (k[0], True) in cache.lists:
                cache.heads_from_whole(k[0])
            else:
                cache.load(*k)
        lists[k[0]] = cache.postings(k)
    own = cache.own(mine)
    found: set[int] = set()
    if heads:  # as the lighter: its heads against every token of units at least as heavy
        keys = np.concatenate([lists[t][0] for t in heads])
        a = np.concatenate([lists[t][1] for t in heads])
        ok = (a[:, MASS] >= m - s) & (a[:, SIZE] >= lo) & (a[:, SIZE] <= hi)
        ok &= (keys >> KEY_DOC_SHIFT) != own
        keys, a = keys[ok], a[ok]
        if len(keys):
            uniq, first, sums = _grouped(keys, a[:, WEIGHT])
            found.update(uniq[sums >= bound].tolist())
    if tokens:  # as the heavier: its tokens against the heads of units at most as heavy
        keys = np.concatenate([lists[t][0] for t in tokens])
        a = np.concatenate([lists[t][1] for t in tokens])
        ok = (a[:, HEAD] == 1) & (a[:, MASS] <= m + s) & (a[:, SIZE] >= lo) & (a[:, SIZE] <= hi)
        ok &= (keys >> KEY_DOC_SHIFT) != own
        keys, a = keys[ok], a[ok]
        if len(keys):
            uniq, first, sums = _grouped(keys, a[:, WEIGHT])
            need = np.maximum(close * a[first, MASS], floor) - a[first, REST] - s
            found.update(uniq[sums >= need].tolist())
    return sorted(cache.names(sorted(found)))
