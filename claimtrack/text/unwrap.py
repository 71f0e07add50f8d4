"""Hard-wrapped paragraphs joined again, offsets kept.

A plain text or Markdown file is often hard-wrapped: paragraphs apart by a blank
line, each cut into lines of at most 70-80 characters (an email, a wire feed, a
page saved as text, `fmt`). The extractor reads a line break as the end of a
paragraph, so every line was a paragraph of its own and sentences were cut in
two: on 20 dev PolNeAR articles wrapped at 72 columns, 316 claims were found
where the same articles unwrapped gave 490 (author statements 186 -> 39); now 489.

`unwrap` replaces each soft line break with a space, one character for one, so
every offset into the result is the same offset into the file. A break is soft
when the text is wrapped at all and the word after it would not have fitted on
the line before it: that is why a wrapper broke there. A line ended early on
purpose (a byline, an address, a short closing line of a paragraph, a list item)
left room for the next word and keeps its break.

The text is taken for wrapped when its paragraphs are apart by blank lines and the
lines that go on to another line of their paragraph are short (WIDTH_MAX at most,
the 95th percentile) and most of them (NEAR_SHARE) end within NEAR of that width,
as a filled paragraph's lines do. One paragraph a line (PolNeAR's texts, most
HTML pages as converted) has nothing to join. Pure, standard library only.
"""

from __future__ import annotations

import re

WIDTH_MAX = 120  # longer lines: not a hard-wrapped text
WIDTH_MIN = 30  # shorter: verse, a table, a list; not a filled paragraph
NEAR = 25  # a filled line ends this close to the width...
NEAR_SHARE = 0.6  # ...and so do most lines that go on
MIN_LINES = 4  # too few lines that go on to tell a width

_HARD_NEXT = re.compile(r"\s*(?:[-*+•>#|]|\d{1,3}[.)]\s|[A-Z][A-Z .'’-]{1,40}:\s)")
_WORD = re.compile(r"\S+")


def _width(going_on: list[str]) -> int | None:
    """The width the text was wrapped at, from the lines that go on; None when it
    does not look wrapped."""
    if len(going_on) < MIN_LINES:
        return None
    lengths = sorted(len(x) for x in going_on)
    width = lengths[min(len(lengths) - 1, int(0.95 * len(lengths)))]
    if not WIDTH_MIN <= width <= WIDTH_MAX:
        return None
    near = sum(1 for n in lengths if n >= width - NEAR)
    return width if near >= NEAR_SHARE * len(lengths) else None


def unwrap(text: str) -> str:
    """`text` with its soft line breaks as spaces (same length, same offsets)."""
    if "\n\n" not in text.replace("\r", ""):
        return text  # one paragraph a line, or one paragraph
    lines = text.split("\n")
    going_on = [lines[i].rstrip() for i in range(len(lines) - 1)
                if lines[i].strip() and lines[i + 1].strip()]
    width = _width(going_on)
    if width is None:
        return text
    out = list(text)
    pos = 0
    for i in range(len(lines) - 1):
        line, nxt = lines[i], lines[i + 1]
        pos += len(line)  # the "\n" after lines[i]
        if line.strip() and nxt.strip() and not _HARD_NEXT.match(nxt):
            word = _WORD.search(nxt)
            if word is not None and len(line.rstrip()) + 1 + len(word.group()) > width:
                out[pos] = " "
        pos += 1
    return "".join(out)
