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
postings to the last block's rows. Since migration 23 a posting also carries its
unit's signature (two more int32, below). Until then (migration 21) a row held one
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

**Signatures.** Most candidates share one rare word with the probing unit and
nothing else (at 10,000 documents of the scale corpus, 8,354 of the 11,728 a
document's units found), which relate() rejects on its first token test
(MIN_SHARED, then the Jaccard floor) once the candidate's words are read back. Each
posting carries its unit's token set as 64 bits (bit crc32(token) % 64 of each
token: `signature`), so the probe bounds what a candidate shares: a shared token's
bit is set in both, so the probing unit's tokens whose bit the candidate's
signature holds are at least the tokens the two share (`shared_at_most`). A
candidate whose bound fails those tests is dropped before it is named or read:
exact, since the bound never undercounts (a colliding bit only keeps one). There
it dropped 9,427 of the 11,728.

In memory a posting's unit is one int64 key: its document's number, its claim's
seq and its unit number (KEY_SEQ_BITS, KEY_UNIT_BITS), and a list is in key
order. One cache per process, for the last connection that probed: a process
stores through one connection at a time.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from claimtrack.store.inlist import rows_in

if TYPE_CHECKING:
    import numpy as np

MAX_POSTINGS = 1_600_000  # 36 bytes each in memory: ~58 MB, the lists of ~1,600 documents

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

# A list this long is filtered before it is joined with the probe's others (candidates)
LONG_LIST = 4096

# columns of a stored posting (int32, little-endian), and of a cached list's attributes
FIELDS = 9  # doc number, seq, unit, size, weight, mass, rest, signature (low, high half)
SIZE, WEIGHT, MASS, REST, SIG_LO, SIG_HI, HEAD = range(7)
ATTRIBUTES = 7

SIGNATURE_BITS = 64
EVERY_BIT = (1 << SIGNATURE_BITS) - 1  # a unit whose tokens are unknown: never dropped


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
    sig: int  # the unit's signature (`signature` of its tokens)


@lru_cache(maxsize=65536)  # a probe asks for each of its tokens; words recur
def token_bit(token: str) -> int:
    """A token's bit in a signature: stable across processes and versions (crc32, not
    Python's salted hash), since signatures are stored."""
    return zlib.crc32(token.encode("utf-8")) % SIGNATURE_BITS


def signature(tokens: Iterable[str]) -> int:
    """A unit's token set as SIGNATURE_BITS bits: each token's `token_bit` set."""
    sig = 0
    for t in tokens:
        sig |= 1 << token_bit(t)
    return sig


def _halves(sig: int) -> tuple[int, int]:
    """A signature as two int32 (low, high), as stored."""
    lo, hi = sig & 0xFFFFFFFF, sig >> 32
    return lo - (1 << 32) if lo >= 1 << 31 else lo, hi - (1 << 32) if hi >= 1 << 31 else hi


def _joined(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Signatures from their stored halves, as uint64."""
    import numpy as np

    return (hi.astype(np.uint32).astype(np.uint64) << np.uint64(32)) \
        | lo.astype(np.uint32).astype(np.uint64)


def token_bits(tokens: Sequence[str]) -> np.ndarray:
    """Each token's `token_bit`, as shared_at_most takes them."""
    import numpy as np

    return np.array([token_bit(t) for t in tokens], dtype=np.uint64)


def shared_at_most(bits: np.ndarray, sigs: np.ndarray) -> np.ndarray:
    """For each signature, how many of a unit's tokens (their `token_bits`) its bits
    could hold: at least the tokens its unit shares with them (each shared token's
    bit is set in it)."""
    import numpy as np

    return ((sigs[:, None] >> bits[None, :]) & np.uint64(1)).sum(axis=1).astype(np.int64)


def unit_key(number: int, seq: int, unit: int) -> int:
    """A unit's key in memory: its document's number, its claim's seq, its unit."""
    return (number << KEY_DOC_SHIFT) | (seq << KEY_UNIT_BITS) | unit


def unit_keys(data: np.ndarray) -> np.ndarray:
    """`unit_key` of each stored posting (rows whose first three columns are the
    document's number, the claim's seq and the unit), as int64."""
    import numpy as np

    return (data[:, 0].astype(np.int64) << KEY_DOC_SHIFT) \
        | (data[:, 1].astype(np.int64) << KEY_UNIT_BITS) | data[:, 2]


def indexable(p: Posting) -> bool:
    return 0 <= p.seq <= MAX_SEQ and 0 <= p.unit <= MAX_UNIT


def pack(postings: Sequence[Posting], number: int) -> dict[tuple[str, bool], bytes]:
    """(token, head) -> the blob one document's postings of it append to their block,
    the document numbered `number`, in (seq, unit) order."""
    import numpy as np

    groups: dict[tuple[str, bool], list[tuple[int, ...]]] = defaultdict(list)
    halves: dict[int, tuple[int, int]] = {}  # a unit's postings share its signature
    for p in postings:
        if indexable(p):
            if p.sig not in halves:
                halves[p.sig] = _halves(p.sig)
            groups[p.token, bool(p.head)].append(
                (number, p.seq, p.unit, p.size, p.weight, p.mass, p.rest, *halves[p.sig]))
    return {k: np.array(sorted(v), dtype="<i4").tobytes() for k, v in sorted(groups.items())}


def unpack(blob: bytes) -> list[tuple[int, ...]]:
    """A stored blob's postings: (doc number, seq, unit, size, weight, mass, rest,
    signature) each."""
    import numpy as np

    data = np.frombuffer(blob, dtype="<i4").reshape(-1, FIELDS)
    sigs = _joined(data[:, 7], data[:, 8])
    return [(*(int(x) for x in r[:7]), int(sig)) for r, sig in zip(data, sigs, strict=True)]


def stored(conn: sqlite3.Connection) -> list[tuple[str, bool, str, int, int, int, int, int, int,
                                                   int]]:
    """Every live posting as (token, head, doc id, seq, unit, size, weight, mass, rest,
    signature), sorted: what the index says, however it is laid out in blocks (tests,
    checks)."""
    docs = dict(conn.execute("SELECT num, doc_id FROM unit_docs"))
    return sorted((token, bool(head), docs[n], *rest)
                  for token, head, blob in conn.execute(
                      "SELECT token, head, rows FROM unit_blocks")
                  for n, *rest in unpack(blob) if n in docs)


class Postings:
    """The posting lists one connection has read: by (token, whole), an int64 array of
    unit keys in key order and an (n, ATTRIBUTES) int32 array of SIZE, WEIGHT, MASS,
    REST, SIG_LO, SIG_HI, HEAD;
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
        # not `set - doc_of.keys()`: that builds a set of every number met (10,000 and
        # more) at each probe, 25 ms a document at 10,000 documents
        new = {n for n in {k >> KEY_DOC_SHIFT for k in keys} if n not in self.doc_of}
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
            keys = unit_keys(data)
            cols = np.empty((len(data), ATTRIBUTES), dtype=np.int32)
            cols[:, :HEAD] = data[:, 3:]
            cols[:, HEAD] = np.repeat(np.array(heads, dtype=np.int32), counts)
            if whole:  # two runs in key order, the rows of no head and those of heads
                order = np.argsort(keys, kind="stable")
                keys, cols = keys[order], cols[order]
        else:
            keys, cols = np.empty(0, dtype=np.int64), np.empty((0, ATTRIBUTES), dtype=np.int32)
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
            key = unit_key(number, p.seq, p.unit)
            for whole in (True, False) if p.head else (True,):
                if (p.token, whole) in self.lists:
                    self.pending.setdefault((p.token, whole), []).append(
                        (key, p.size, p.weight, p.mass, p.rest, *_halves(p.sig), int(p.head)))
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
               floor: float, least: int, jaccard: float) -> list[tuple[str, int]]:
    """matchstore.unit_candidates' answer (weights scaled as stored; `bound` and `floor`
    scaled too, `bound` less the slack `s`): units of other documents than `mine`,
    - as the lighter: the probing unit's heads against every token of units at least
      as heavy, whose shared heads weigh at least `bound`;
    - as the heavier: its tokens against the heads of units at most as heavy, whose
      shared heads weigh at least their own bound, max(`close` * their mass,
      `floor`) less their rest and the slack;
    in both, only units whose signature leaves room for `least` shared tokens and for
    a Jaccard of the token sets of at least `jaccard` (`tokens` being the probing
    unit's whole set)."""
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
    n = len(tokens)

    bits = token_bits(tokens)

    def room(keys: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The keys whose units can share `least` tokens and the Jaccard floor with the
        probing unit, as far as their signatures tell (relate._measured's first tests,
        on a bound of the shared count that never undercounts)."""
        if not len(keys):
            return keys
        most = shared_at_most(bits, _joined(rows[:, SIG_LO], rows[:, SIG_HI]))
        return keys[(most >= least) & (most >= jaccard * (n + rows[:, SIZE] - most))]

    # the probing document's own keys (none when its units are not indexed: own is -1)
    mine_from, mine_to = own << KEY_DOC_SHIFT, (own + 1) << KEY_DOC_SHIFT

    def kept(ts: Sequence[str], test: Callable[[np.ndarray], np.ndarray]
             ) -> tuple[np.ndarray, np.ndarray]:
        """The rows of these tokens' lists that pass `test`, but the probing document's
        own, joined. A long list is filtered before it is joined: at 10,000 documents
        a document's probes met 6.6 million rows, and joining them first copied every
        one, whether it passed or not. Short lists are joined first: a few numpy calls
        for all of them, not for each."""
        ks, rs, short = [], [], []
        for t in ts:
            if len(lists[t][0]) >= LONG_LIST:
                ks.append(lists[t][0])
                rs.append(lists[t][1])
            else:
                short.append(t)
        if short:
            ks.append(np.concatenate([lists[t][0] for t in short]))
            rs.append(np.concatenate([lists[t][1] for t in short]))
        out_k, out_r = [], []
        for keys, cols in zip(ks, rs, strict=True):
            ok = test(cols) & ((keys < mine_from) | (keys >= mine_to))
            out_k.append(keys[ok])
            out_r.append(cols[ok])
        if len(out_k) == 1:
            return out_k[0], out_r[0]
        return np.concatenate(out_k), np.concatenate(out_r)

    found: set[int] = set()
    picked_k: list[np.ndarray] = []  # the units each probe finds, and a row of each
    picked_r: list[np.ndarray] = []
    if heads:  # as the lighter: its heads against every token of units at least as heavy
        keys, a = kept(heads, lambda c: (c[:, MASS] >= m - s) & (c[:, SIZE] >= lo)
                       & (c[:, SIZE] <= hi))
        if len(keys):
            uniq, first, sums = _grouped(keys, a[:, WEIGHT])
            sel = sums >= bound
            picked_k.append(uniq[sel])
            picked_r.append(a[first[sel]])
    if tokens:  # as the heavier: its tokens against the heads of units at most as heavy
        keys, a = kept(tokens, lambda c: (c[:, HEAD] == 1) & (c[:, MASS] <= m + s)
                       & (c[:, SIZE] >= lo) & (c[:, SIZE] <= hi))
        if len(keys):
            uniq, first, sums = _grouped(keys, a[:, WEIGHT])
            need = np.maximum(close * a[first, MASS], floor) - a[first, REST] - s
            sel = sums >= need
            picked_k.append(uniq[sel])
            picked_r.append(a[first[sel]])
    if picked_k:  # a unit found by both probes is tested twice, alike
        found = set(room(np.concatenate(picked_k), np.concatenate(picked_r)).tolist())
    return sorted(cache.names(sorted(found)))
