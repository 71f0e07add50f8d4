"""A process's cache of the unit index's posting lists, so a bulk `add` probes in memory.

matchstore.unit_candidates asks, for each unit of a new document, which stored
units share enough weight with it (corpus/index.py). In SQL each probe groups
every posting of its tokens in a temporary B-tree, about a microsecond a row: at
1,000 stored documents about 180,000 rows and 200 ms a document, growing with the
database. The same tokens come back document after document ("trump",
"delegat"), so a process that stores many documents keeps the lists it has read
as integer arrays and answers the same question with numpy: the same rows, the
same bounds, the same candidates (tests/test_postings.py checks it against the
SQL, probe by probe, on documents stored one after another).

Lists are loaded from the second document a process stores on: loading a list
costs about two SQL probes of it, so a single `add` of one document asks SQL
alone, as before (loading from the first document on made one document stored
alone 1.6 times slower at 1,000 stored documents). What the cache holds is what the
transaction would read, or it is dropped:
- when another connection has committed (PRAGMA data_version moves);
- when a write transaction of this connection rolls back after writing, or is
  one that may delete index rows (store/db.atomic drops it unless the writer
  says it only adds: add_document, which inserts and never deletes them);
- when it would know more than MAX_CLAIMS claims.
A token's list is held whole only where it is a head of a probing unit (the
first probe reads every row of its heads); elsewhere only its head rows are held
(the second probe reads nothing else), and the common words, never anybody's head
("trump": 11,549 rows at 1,000 documents, 0 heads), cost nothing to hold. Rows
this connection inserts under a cached token are appended as they are written
(put_units), so the cache never lags its own writes. Lists are evicted
least recently used first past MAX_POSTINGS: memory stays bounded whatever the
database's size.

One cache per process, for the last connection that probed: a process stores
through one connection at a time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MAX_POSTINGS = 2_000_000  # 24 bytes each: ~48 MB, the lists of ~2,000 documents
MAX_CLAIMS = 400_000  # claim ids known (~100 bytes each); past it the cache starts again
LOAD_FROM = 2  # lists are loaded from the process's second document on
_UNITS = 128  # a unit's key is its claim's key * _UNITS + its unit number

# columns of a cached posting list (int32)
KEY, SIZE, WEIGHT, MASS, REST, HEAD = range(6)

Row = tuple[str, str, int, int, int, int, int, int]  # a unit_terms row, as put_units writes it


class Postings:
    """The posting lists one connection has read, as (n, 6) int32 arrays by token."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.version = data_version(conn)
        self.claim_keys: dict[str, int] = {}
        self.claims: list[str] = []
        # by (token, whole): whole lists, or the head rows alone; in use order, least
        # recent first
        self.lists: dict[tuple[str, bool], np.ndarray] = {}
        self.pending: dict[tuple[str, bool], list[tuple[int, ...]]] = {}  # appended since
        self.doc: tuple[str, str] | None = None  # the document whose units probe now
        self.docs = 0  # documents that have probed
        self.uncached: set[str] = set()  # tokens with a unit numbered past _UNITS
        self.held = 0

    def key(self, claim_id: str, unit: int) -> int:
        return self._number(claim_id) * _UNITS + unit

    def _number(self, claim_id: str) -> int:
        k = self.claim_keys.get(claim_id)
        if k is None:
            k = self.claim_keys[claim_id] = len(self.claims)
            self.claims.append(claim_id)
        return k

    def name(self, key: int) -> tuple[str, int]:
        return self.claims[key // _UNITS], key % _UNITS

    def load(self, token: str, whole: bool) -> None:
        import numpy as np

        rows = self.conn.execute(
            "SELECT claim_id, unit, size, weight, mass, rest, head FROM unit_terms "
            "WHERE token = ?" + ("" if whole else " AND head = 1"), (token,)).fetchall()
        arr = np.empty((len(rows), 6), dtype=np.int32)
        if rows:
            cids, units, *cols = zip(*rows, strict=True)
            if max(units) >= _UNITS:
                self.uncached.add(token)
                return
            # a claim's key looked up in one pass (most are known from earlier lists),
            # the unknown ones numbered after; a method call per row cost 0.4 s of
            # 7 s storing 20 documents at 1,000 stored
            known = self.claim_keys
            ks = [known.get(c, -1) for c in cids]
            if -1 in ks:
                ks = [k if k >= 0 else self._number(c) for k, c in zip(ks, cids, strict=True)]
            arr[:, KEY] = np.array(ks, dtype=np.int64) * _UNITS + np.array(units, dtype=np.int64)
            arr[:, SIZE:] = np.array(cols, dtype=np.int32).T
        self.lists[token, whole] = arr
        self.held += len(rows)
        while self.held > MAX_POSTINGS and len(self.lists) > 1:
            oldest = next(iter(self.lists))
            self._drop(oldest)

    def _drop(self, key: tuple[str, bool]) -> None:
        self.held -= len(self.lists.pop(key)) + len(self.pending.pop(key, ()))

    def postings(self, key: tuple[str, bool]) -> np.ndarray:
        """A cached list, its appended rows joined; marked most recently used."""
        import numpy as np

        arr = self.lists.pop(key)
        extra = self.pending.pop(key, None)
        if extra:
            arr = np.concatenate([arr, np.array(extra, dtype=np.int32)])
        self.lists[key] = arr
        return arr

    def append(self, rows: Sequence[Row]) -> None:
        for token, cid, unit, size, weight, mass, rest, head in rows:
            for whole in (True, False) if head else (True,):
                if (token, whole) not in self.lists:
                    continue
                if unit >= _UNITS:
                    for w in (True, False):
                        if (token, w) in self.lists:
                            self._drop((token, w))
                    self.uncached.add(token)
                    break
                self.pending.setdefault((token, whole), []).append(
                    (self.key(cid, unit), size, weight, mass, rest, head))
                self.held += 1


_cache: Postings | None = None


def data_version(conn: sqlite3.Connection) -> int:
    """SQLite's count of commits by other connections (PRAGMA data_version): what moves
    when another process writes, for every cache of what was read."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def current(conn: sqlite3.Connection) -> Postings:
    """The cache for `conn`, started again if another connection has committed since."""
    global _cache
    if _cache is None or _cache.conn is not conn or len(_cache.claims) > MAX_CLAIMS \
            or _cache.version != data_version(conn):
        _cache = Postings(conn)
    return _cache


def forget(conn: sqlite3.Connection) -> None:
    """Drop the cache if it is `conn`'s."""
    global _cache
    if _cache is not None and _cache.conn is conn:
        _cache = None


def appended(conn: sqlite3.Connection, rows: Sequence[Row]) -> None:
    """This connection inserted `rows` into unit_terms: keep the cached lists whole."""
    if _cache is not None and _cache.conn is conn:
        _cache.append(rows)


def candidates(conn: sqlite3.Connection, heads: Sequence[str], tokens: Sequence[str],
               lo: int, hi: int, mine: tuple[str, str], m: float, s: float,
               bound: float, close: float, floor: float) -> list[tuple[str, int]] | None:
    """matchstore.unit_candidates' answer from cached lists, its two probes with the
    same filters and bounds (weights scaled as stored; `bound` and `floor` scaled
    too, `bound` less the slack), or None when a list is not cached (the caller asks
    SQL; from the process's second document on, missing lists are loaded first)."""
    cache = current(conn)
    if mine != cache.doc:
        cache.doc, cache.docs = mine, cache.docs + 1
    # a head's whole list; another token's head rows alone, or its whole list if held
    wanted = {t: True for t in heads}
    for t in tokens:
        wanted.setdefault(t, (t, True) in cache.lists)
    needed = sorted(wanted.items())
    missing = [k for k in needed if k not in cache.lists]
    if missing:
        if cache.docs < LOAD_FROM:
            return None
        for t, whole in missing:
            if t not in cache.uncached:
                cache.load(t, whole)
        if any(k not in cache.lists for k in needed):
            return None
    import numpy as np

    lists = {t: cache.postings((t, whole)) for t, whole in needed}
    found: set[int] = set()
    if heads:  # as the lighter: its heads against every token of units at least as heavy
        a = np.concatenate([lists[t] for t in heads])
        a = a[(a[:, MASS] >= m - s) & (a[:, SIZE] >= lo) & (a[:, SIZE] <= hi)]
        if len(a):
            keys, inv = np.unique(a[:, KEY], return_inverse=True)
            sums = np.bincount(inv, weights=a[:, WEIGHT])
            found.update(keys[sums >= bound].tolist())
    if tokens:  # as the heavier: its tokens against the heads of units at most as heavy
        a = np.concatenate([lists[t] for t in tokens])
        a = a[(a[:, HEAD] == 1) & (a[:, MASS] <= m + s) & (a[:, SIZE] >= lo)
              & (a[:, SIZE] <= hi)]
        if len(a):
            keys, first, inv = np.unique(a[:, KEY], return_index=True, return_inverse=True)
            sums = np.bincount(inv, weights=a[:, WEIGHT])
            need = np.maximum(close * a[first, MASS], floor) - a[first, REST] - s
            found.update(keys[sums >= need].tolist())
    lo_id, hi_id = mine
    return sorted(x for x in map(cache.name, found) if not lo_id <= x[0] < hi_id)
