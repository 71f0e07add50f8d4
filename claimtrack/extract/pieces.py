"""Long documents, parsed in paragraph-aligned pieces.

spaCy refuses texts over nlp.max_length (1,000,000 characters, E088), and
below that its parser and NER need memory in proportion to the document
(a 990k-character article peaked at 3.3 GB). A text over PIECE_CHARS is
therefore cut at paragraph breaks into pieces of at most PIECE_CHARS; each
piece is parsed and extracted on its own and the results are shifted back
to the whole text's offsets. Resolution and relay chains stay within a
piece, and only the first piece is read as the document's start (headline
and opening rules).

PIECE_CHARS is above any ordinary article (PolNeAR's longest is 18k
characters), so those are parsed whole, exactly as before.
"""

from __future__ import annotations

import re

from claimtrack.models import Attribution, Extraction, Mention, Span

PIECE_CHARS = 100_000

# a paragraph break the rules read as one (quotes.paragraphs: any line
# break), preferring a blank line; failing those, any whitespace
_BLANK = re.compile(r"\n[ \t]*\n\s*")
_LINE = re.compile(r"\n\s*")
_SPACE = re.compile(r"\s+")


def _cut(text: str, start: int, limit: int) -> int:
    """Where the piece beginning at `start` ends: after the last paragraph
    break in its second half, so the next piece begins a paragraph."""
    lo, hi = start + limit // 2, start + limit
    for pattern in (_BLANK, _LINE, _SPACE):
        end = None
        for m in pattern.finditer(text, lo, hi):
            if m.end() < hi:
                end = m.end()
        if end is not None:
            return end
    return hi  # no whitespace at all: the tokenizer guard copes with a cut run


def split(text: str, limit: int | None = None) -> list[tuple[int, str]]:
    """(offset, piece) pairs that concatenate to `text`; one when it fits
    (the limit defaults to PIECE_CHARS)."""
    limit = limit or PIECE_CHARS
    out: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        end = _cut(text, start, limit)
        out.append((start, text[start:end]))
        start = end
    out.append((start, text[start:]))
    return out


def _span(s: Span | None, by: int) -> Span | None:
    if s is None:
        return None
    frags = [_span(f, by) for f in s.fragments] if s.fragments is not None else None
    return s.model_copy(update={"start": s.start + by, "end": s.end + by, "fragments": frags})


def _attribution(a: Attribution, by: int, index_by: int) -> Attribution:
    return a.model_copy(update={
        "source": _span(a.source, by),
        "cue": _span(a.cue, by),
        "content": _span(a.content, by),
        "relayed_by": None if a.relayed_by is None else a.relayed_by + index_by,
    })


def join(parts: list[tuple[int, Extraction]]) -> Extraction:
    """One Extraction of the whole text from its pieces' (offset, extraction)."""
    if len(parts) == 1 and parts[0][0] == 0:
        return parts[0][1]
    attributions: list[Attribution] = []
    mentions: list[Mention] = []
    for offset, ex in parts:
        n = len(attributions)
        attributions.extend(_attribution(a, offset, n) for a in ex.attributions)
        mentions.extend(m.model_copy(update={"start": m.start + offset, "end": m.end + offset})
                        for m in ex.mentions)
    return Extraction(extractor=parts[0][1].extractor, attributions=attributions,
                      mentions=mentions)
