"""Near-duplicate bodies: the same story run twice is one origin, not two.

A wire story picked up by two outlets, or one outlet's article lightly edited by
another, shares most of its word 5-grams. MinHash (Broder 1997) estimates the
Jaccard of two documents' shingle sets from fixed-size signatures, and LSH
banding turns "which stored documents could be near-duplicates of this one" into
exact lookups of band keys, so a new document is compared only with the few
that share a band, never with the whole database. Everything is deterministic
(hashes are blake2b of the shingle with a fixed per-function salt), so the
result does not depend on the process or the order documents came in.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy

SHINGLE = 5  # words per shingle
PERMUTATIONS = 64
BANDS = 16  # 16 bands of 4 rows: pairs at Jaccard 0.8 share a band with p > 0.99
NEAR_DUPLICATE = 0.7  # estimated shingle Jaccard at or above which bodies are one story
MIN_SHINGLES = 12  # too short to call a duplicate (a one-line body)

_WORD = re.compile(r"\w+")
_ROWS = PERMUTATIONS // BANDS


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


@cache
def _coefficients() -> tuple[numpy.ndarray, numpy.ndarray]:
    """Fixed multiply-shift hash functions (odd multipliers), from a fixed digest.
    numpy is imported when a signature is first made: reads import this module (with
    corpus.update) and need none (claimtrack/__main__.py)."""
    import numpy

    raw = hashlib.blake2b(b"claimtrack-minhash-1", digest_size=64).digest()
    seeds: list[int] = []
    while len(seeds) < 2 * PERMUTATIONS:
        raw = hashlib.blake2b(raw, digest_size=64).digest()
        seeds.extend(struct.unpack(">8Q", raw))
    a = numpy.array(seeds[:PERMUTATIONS], dtype=numpy.uint64) | numpy.uint64(1)
    b = numpy.array(seeds[PERMUTATIONS:], dtype=numpy.uint64)
    return a, b


def signature(text: str) -> tuple[int, ...] | None:
    """The MinHash signature of a body, None when it is too short to judge."""
    import numpy

    sh = shingles(text)
    if len(sh) < MIN_SHINGLES:
        return None
    a, b = _coefficients()
    base = numpy.fromiter(
        (int.from_bytes(hashlib.blake2b(s, digest_size=8).digest(), "big") for s in sh),
        dtype=numpy.uint64, count=len(sh))
    with numpy.errstate(over="ignore"):  # multiply-shift hashing wraps by design
        hashed = base[:, None] * a[None, :] + b[None, :]
    return tuple(int(v) for v in hashed.min(axis=0))


def bands(sig: Sequence[int]) -> list[str]:
    """LSH band keys: two signatures sharing any key are candidates."""
    return [
        f"{b}:" + hashlib.blake2b(struct.pack(f">{_ROWS}Q", *sig[b * _ROWS : (b + 1) * _ROWS]),
                                  digest_size=8).hexdigest()
        for b in range(BANDS)
    ]


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard of the two shingle sets."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def pack(sig: Sequence[int]) -> bytes:
    return struct.pack(f">{len(sig)}Q", *sig)


def unpack(blob: bytes) -> tuple[int, ...]:
    return struct.unpack(f">{len(blob) // 8}Q", blob)
