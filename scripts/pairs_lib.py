"""Shared by pairs_check.py, score_pairs.py and tests/test_pairs.py: the pair set, PolNeAR
texts, word tokens and span matching. Standard library only; never writes article text."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from claimtrack.evalsplit import is_held_out  # noqa: E402

PAIRS_FILE = ROOT / "evalsets" / "polnear_pairs.json"
RELATIONS = ("same", "more_specific", "contradicts")
KINDS = ("same_story", "different_event")
SPLITS = ("calibrate", "report")
MATCH_JACCARD = 0.5

_WORD = re.compile(r"\w+")


def polnear_path(override: str | Path | None = None) -> Path:
    """--source, else $POLNEAR, else ../shared/eval/polnear.jsonl beside the checkout."""
    if override:
        return Path(override)
    env = os.environ.get("POLNEAR")
    if env:
        return Path(env)
    return ROOT.parent / "shared" / "eval" / "polnear.jsonl"


def load_texts(path: Path, ids: Iterable[str]) -> dict[str, str]:
    """The texts of `ids` only. A held-out id raises before its line is parsed."""
    want = set(ids)
    held = sorted(i for i in want if is_held_out(i))
    if held:
        raise ValueError(f"held-out documents in the pair set: {held}")
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            # Read the id key (quotes inside texts are escaped, so this cannot hit a
            # text) before parsing, so that no other document is ever decoded.
            m = re.search(r'"id":\s*"([^"]+)"', line)
            if not m or m.group(1) not in want:
                continue
            doc = json.loads(line)
            out[doc["id"]] = doc["text"]
    return out


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_pairs(path: Path = PAIRS_FILE) -> dict:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def tokens(text: str) -> set[str]:
    """Lowercase word tokens, as ../shared/eval/score.py compares spans."""
    return {t.lower() for t in _WORD.findall(text)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def span_jaccard(text: str, pred: tuple[int, int], gold: tuple[int, int]) -> float:
    """Token Jaccard of two spans of one text; 0 when they do not overlap at all."""
    if pred[1] <= gold[0] or gold[1] <= pred[0]:
        return 0.0
    return jaccard(tokens(text[pred[0] : pred[1]]), tokens(text[gold[0] : gold[1]]))


def pair_matches(
    text_a: str,
    text_b: str,
    pred: tuple[tuple[int, int], tuple[int, int]],
    gold: tuple[tuple[int, int], tuple[int, int]],
    threshold: float = MATCH_JACCARD,
) -> bool:
    """A predicted aligned pair matches a gold item when each side overlaps the gold
    span of its document at token Jaccard >= threshold."""
    return (
        span_jaccard(text_a, pred[0], gold[0]) >= threshold
        and span_jaccard(text_b, pred[1], gold[1]) >= threshold
    )


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def span_problems(text: str, start: int, end: int) -> list[str]:
    """Why a gold span is unusable: out of range, empty, or cutting a word in two."""
    if not (0 <= start < end <= len(text)):
        return [f"{start}-{end} outside 0-{len(text)} or empty"]
    out = []
    piece = text[start:end]
    if not _WORD.search(piece):
        out.append(f"{start}-{end} has no word")
    if piece != piece.strip():
        out.append(f"{start}-{end} starts or ends with whitespace")
    if start > 0 and _word_char(text[start - 1]) and _word_char(text[start]):
        out.append(f"{start}-{end} starts inside a word")
    if end < len(text) and _word_char(text[end - 1]) and _word_char(text[end]):
        out.append(f"{start}-{end} ends inside a word")
    return out
