"""The unit index's posting lists: stored packed, one row a token and document, and
probed in memory with numpy.

matchstore.unit_candidates asks, for each unit of a new document, which stored
units share enough weight with it (corpus/index.py). Each posting says that a
unit (claim, unit number) holds a token, with the unit's size, the token's
weight, the unit's mass and rest, and whether the token is one of its heads.

**Stored packed** (migration 21, `unit_postings`): one row per (token, head or
not, document), whose blob holds that document's postings of the token as
little-endian int32 (seq, unit, size, weight, mass, rest). Until then each
posting was a row of its own, keyed by its claim's text id (`unit_terms`):
reading a list cost about 1.4 microseconds a posting (a Python tuple, a claim id
string and its lookup per row), 55 ms of each document's 246 ms of matching at
1,000 stored documents, growing with the database; a packed row is read as one
bytes object and joined with numpy, about 0.09 microseconds a posting. The
table is also a third smaller (the claim id is no longer repeated in every row
and two indexes). What the probes bound is the same, so the candidates are.

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
  says it only adds: add_document, which inserts and never deletes them);
- when it would know more than MAX_DOCS documents.
Rows this connection writes under a cached token are appended as they are
written (put_units), so the cache never lags its own writes. Lists are evicted
least recently used first past MAX_POSTINGS: memory stays bounded whatever the
database's size.

In memory a posting's unit is one int64 key: the process's number for its
document, its claim's seq and its unit number (KEY_SEQ_BITS, KEY_UNIT_BITS).
One cache per process, for the last connection that probed: a process stores
through one connection at a time.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import numpy as np

MAX_POSTINGS = 2_000_000  # 28 bytes each in memory: ~56 MB, the lists of ~2,000 documents
MAX_DOCS = 200_000  # documents known (their ids); past it the cache starts again

KEY_UNIT_BITS = 16
KEY_SEQ_BITS = 20
# A unit numbered past this, or a claim past this seq, is not indexed: it cannot be
# found as a candidate (nothing else changes). Content is split into clauses and
# sentences (text/units.py); no document comes near either bound.
MAX_UNIT = (1 << KEY_UNIT_BITS) - 1
MAX_SEQ = (1 << KEY_SEQ_BITS) - 1

# columns of a stored posting (int32, little-endian), and of a cached list's attributes
FIELDS = 6  # seq, unit, size, weight, mass, rest
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


def pack(postings: Sequence[Posting]) -> dict[tuple[str, bool, str], bytes]:
    """(token, head, doc id) -> the stored blob of those postings, in (seq, unit) order."""
    import numpy as np

    groups: dict[tuple[str, bool, str], list[tuple[int, ...]]] = defaultdict(list)
    for p in postings:
        if indexable(p):
            groups[p.token, bool(p.head), p.doc_id].append(
                (p.seq, p.unit, p.size, p.weight, p.mass, p.rest))
    return {k: np.array(sorted(v), dtype="<i4").tobytes() for k, v in sorted(groups.items())}


def unpack(blob: bytes) -> list[tuple[int, ...]]:
    """A stored blob's postings: (seq, unit, size, weight, mass, rest) each."""
    import numpy as np

    return [tuple(int(x) for x in r) for r in np.frombuffer(blob, dtype="<i4").reshape(-1, FIELDS)]


class Postings:
    """The posting lists one connection has read: by (token, whole), an int64 array of
    unit keys and an (n, 5) int32 array of SIZE, WEIGHT, MASS, REST, HEAD."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.version = data_version(conn)
        self.doc_numbers: dict[str, int] = {}
        self.docs: list[str] = []
        # whole lists, or the head rows alone; in use order, least recent first
        self.lists: dict[tuple[str, bool], tuple[np.ndarray, np.ndarray]] = {}
        self.pending: dict[tuple[str, bool], list[tuple[int, ...]]] = {}  # appended since
        self.held = 0

    def number(self, doc_id: str) -> int:
        n = self.doc_numbers.get(doc_id)
        if n is None:
            n = self.doc_numbers[doc_id] = len(self.docs)
            self.docs.append(doc_id)
        return n

    def key(self, doc_id: str, seq: int, unit: int) -> int:
        return (self.number(doc_id) << (KEY_SEQ_BITS + KEY_UNIT_BITS)) | (seq << KEY_UNIT_BITS) \
            | unit

    def name(self, key: int) -> tuple[str, int]:
        doc = self.docs[key >> (KEY_SEQ_BITS + KEY_UNIT_BITS)]
        return f"{doc}:{(key >> KEY_UNIT_BITS) & MAX_SEQ}", key & MAX_UNIT

    def load(self, token: str, whole: bool) -> None:
        import numpy as np

        rows = self.conn.execute(
            "SELECT head, doc_id, rows FROM unit_postings WHERE token = ?"
            + ("" if whole else " AND head = 1"), (token,)).fetchall()
        if rows:
            heads, docs, blobs = zip(*rows, strict=True)
            data = np.frombuffer(b"".join(blobs), dtype="<i4").reshape(-1, FIELDS)
            counts = np.array([len(b) for b in blobs], dtype=np.int64) // (4 * FIELDS)
            numbers = np.array([self.number(d) for d in docs], dtype=np.int64)
            keys = (np.repeat(numbers, counts) << (KEY_SEQ_BITS + KEY_UNIT_BITS)) \
                | (data[:, 0].astype(np.int64) << KEY_UNIT_BITS) | data[:, 1]
            cols = np.empty((len(data), 5), dtype=np.int32)
            cols[:, :HEAD] = data[:, 2:]
            cols[:, HEAD] = np.repeat(np.array(heads, dtype=np.int32), counts)
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

    def append(self, written: Sequence[Posting]) -> None:
        for p in written:
            if not indexable(p):
                continue
            for whole in (True, False) if p.head else (True,):
                if (p.token, whole) in self.lists:
                    self.pending.setdefault((p.token, whole), []).append(
                        (self.key(p.doc_id, p.seq, p.unit), p.size, p.weight, p.mass, p.rest,
                         int(p.head)))
                    self.held += 1


_cache: Postings | None = None


def data_version(conn: sqlite3.Connection) -> int:
    """SQLite's count of commits by other connections (PRAGMA data_version): what moves
    when another process writes, for every cache of what was read."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def current(conn: sqlite3.Connection) -> Postings:
    """The cache for `conn`, started again if another connection has committed since."""
    global _cache
    if _cache is None or _cache.conn is not conn or len(_cache.docs) > MAX_DOCS \
            or _cache.version != data_version(conn):
        _cache = Postings(conn)
    return _cache


def forget(conn: sqlite3.Connection) -> None:
    """Drop the cache if it is `conn`'s."""
    global _cache
    if _cache is not None and _cache.conn is conn:
        _cache = None


def write(conn: sqlite3.Connection, written: Sequence[Posting]) -> None:
    """Store `written` (new rows: a document's units are indexed once) and keep the
    cached lists whole."""
    packed = pack(written)
    cur = conn.executemany(
        "INSERT OR IGNORE INTO unit_postings (token, head, doc_id, rows) VALUES (?, ?, ?, ?)",
        [(t, int(h), d, blob) for (t, h, d), blob in packed.items()])
    if _cache is None or _cache.conn is not conn:
        return
    if cur.rowcount == len(packed):
        _cache.append(written)
    else:  # a row was there already: the cached lists cannot tell what it held
        forget(conn)


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
    own = cache.doc_numbers.get(mine, -1)
    found: set[int] = set()
    if heads:  # as the lighter: its heads against every token of units at least as heavy
        keys = np.concatenate([lists[t][0] for t in heads])
        a = np.concatenate([lists[t][1] for t in heads])
        ok = (a[:, MASS] >= m - s) & (a[:, SIZE] >= lo) & (a[:, SIZE] <= hi)
        ok &= (keys >> (KEY_SEQ_BITS + KEY_UNIT_BITS)) != own
        keys, a = keys[ok], a[ok]
        if len(keys):
            uniq, inv = np.unique(keys, return_inverse=True)
            sums = np.bincount(inv, weights=a[:, WEIGHT])
            found.update(uniq[sums >= bound].tolist())
    if tokens:  # as the heavier: its tokens against the heads of units at most as heavy
        keys = np.concatenate([lists[t][0] for t in tokens])
        a = np.concatenate([lists[t][1] for t in tokens])
        ok = (a[:, HEAD] == 1) & (a[:, MASS] <= m + s) & (a[:, SIZE] >= lo) & (a[:, SIZE] <= hi)
        ok &= (keys >> (KEY_SEQ_BITS + KEY_UNIT_BITS)) != own
        keys, a = keys[ok], a[ok]
        if len(keys):
            uniq, first, inv = np.unique(keys, return_index=True, return_inverse=True)
            sums = np.bincount(inv, weights=a[:, WEIGHT])
            need = np.maximum(close * a[first, MASS], floor) - a[first, REST] - s
            found.update(uniq[sums >= need].tolist())
    return sorted(map(cache.name, found))
