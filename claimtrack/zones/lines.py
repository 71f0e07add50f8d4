"""The non-blank lines of a text, in blank-line blocks, and where a wrapped paragraph ends.

The zone finders read a text line by line: a `Line` is a line's span with
surrounding whitespace trimmed and the number of the block it sits in.
"""

from __future__ import annotations

import re

_LINE = re.compile(r"[^\n]+")
_SENT_END = re.compile(r"[.!?:…][\"'”’)\]]*$")


class Line:
    __slots__ = ("start", "end", "block")

    def __init__(self, start: int, end: int, block: int):
        self.start, self.end, self.block = start, end, block


def text_lines(text: str) -> list[Line]:
    """Non-blank lines, their surrounding whitespace trimmed, numbered by the
    blank-line block they sit in (a hard-wrapped paragraph is one block)."""
    out: list[Line] = []
    block, prev_end = 0, None
    for m in _LINE.finditer(text):
        s, e = m.start(), m.end()
        chunk = text[s:e]
        stripped = chunk.strip()
        if not stripped:
            continue
        lead = len(chunk) - len(chunk.lstrip())
        s2 = s + lead
        e2 = s2 + len(stripped)
        if prev_end is not None and text[prev_end:s].count("\n") > 1:
            block += 1  # a blank (or whitespace-only) line lies between
        out.append(Line(s2, e2, block))
        prev_end = e
    return out


def paragraph_end(text: str, lines: list[Line], i: int) -> int:
    """Index after the paragraph starting at line i: a hard-wrapped paragraph
    runs on while a line stops mid-sentence and the next sits in its block."""
    j = i
    while (
        j + 1 < len(lines)
        and lines[j + 1].block == lines[j].block
        and not _SENT_END.search(text[lines[j].start : lines[j].end])
    ):
        j += 1
    return j + 1


def runs_on(text: str, a: Line, b: Line) -> bool:
    """Line a stops mid-sentence and b, below it, goes on in lower case: wrapped prose."""
    first = text[b.start : b.start + 1]
    return (
        a.block == b.block
        and not _SENT_END.search(text[a.start : a.end])
        and (first.islower() or first in "$€£,;")
    )
