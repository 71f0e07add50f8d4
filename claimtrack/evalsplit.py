"""The fixed held-out fifth of the PolNeAR sample.

Documents whose sha256(id) is 0 mod 5 are held out: never read, tuned or
trained on; accuracy is reported on them only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path


def is_held_out(doc_id: str) -> bool:
    return int(hashlib.sha256(doc_id.encode("utf-8")).hexdigest(), 16) % 5 == 0


def iter_split(path: str | Path, part: str) -> Iterator[dict]:
    """Yield documents of `part` ('dev' = the four tunable fifths, 'heldout')."""
    if part not in ("dev", "heldout"):
        raise ValueError("part must be 'dev' or 'heldout'")
    want_held = part == "heldout"
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            doc = json.loads(line)
            if is_held_out(doc["id"]) == want_held:
                yield doc
