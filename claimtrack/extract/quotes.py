"""Character-level text structure the parser does not give us: quotations,
author brackets inside them, and paragraphs."""

from __future__ import annotations

import bisect
import itertools
import re
from typing import cast

import numpy
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.tokens import Doc
from thinc.types import Ints2d

from claimtrack.extract.cues import Lexicon

# any line break: news text has one paragraph per line (often with a blank line between)
_PARA_BREAK = re.compile(r"[ \t]*\n\s*")
_BRACKET = re.compile(r"\[[^\[\]\n]{0,200}\]")
_OPENING_CONTEXT = " \t\n([{—–-/:"


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank paragraph (line)."""
    out, pos = [], 0
    for m in _PARA_BREAK.finditer(text):
        if text[pos : m.start()].strip():
            out.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        out.append((pos, len(text.rstrip())))
    return out


def find_quotes(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """(start, end) of each quotation, marks included, in text order.

    A straight double quote opens when it follows whitespace or an opening
    bracket, else closes. A quotation left open at the end of a paragraph
    continues when the next paragraph opens with a quotation mark (the
    newspaper convention for quotes running across paragraphs); otherwise it
    ends with its paragraph.
    """
    paras = paragraphs(text)
    para_starts = [s for s, _ in paras]
    quotes: list[tuple[int, int]] = []
    open_at: int | None = None
    open_para = -1
    marks = sorted(lex.quote_open | lex.quote_close | lex.quote_both, key=len, reverse=True)
    for m in re.finditer("|".join(map(re.escape, marks)), text):
        i, ch, width = m.start(), m.group(), m.end() - m.start()
        para = bisect.bisect_right(para_starts, i) - 1
        if open_at is not None and para != open_para:
            if i == paras[para][0] and ch not in lex.quote_close:
                open_para = para  # the quotation continues into this paragraph
                continue
            quotes.append((open_at, paras[open_para][1]))
            open_at = None
        if ch in lex.quote_both:
            # straight quotes alternate; one opens only where a word can start
            opening = open_at is None
            if opening and i > 0 and text[i - 1] not in _OPENING_CONTEXT:
                continue
        else:
            opening = ch in lex.quote_open
            after = text[i + width : i + width + 1]
            if opening and open_at is not None and i and not text[i - 1].isspace() and (
                not after or after.isspace() or after in ",.;:!?"
            ):
                opening = False  # a mistyped closing mark: “like this,“ he said
        if opening:
            if open_at is None:
                open_para = para
            open_at = i  # an unbalanced second opening restarts the quotation
        elif open_at is not None:
            quotes.append((open_at, i + width))
            open_at = None
    if open_at is not None:
        quotes.append((open_at, paras[open_para][1] if paras else len(text)))
    return quotes


def brackets_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Author insertions "[...]" within text[start:end]."""
    return [(m.start(), m.end()) for m in _BRACKET.finditer(text, start, end)]


# The most tokens between two sentence starts set before parsing. A run longer than
# this (a text with no line breaks, nested quotations, a table flattened to one line)
# is cut, after its last sentence-final mark when one comes in the run's second half:
# the rules read a sentence's parse trees, subtree by subtree, so a sentence of n
# tokens costs them about n x n (a 30 KB line of quotations nested 3,000 deep ran
# for over 5 minutes). No line of the dev articles comes near it (491 tokens at most).
MAX_RUN = 1000
_FINAL = frozenset({".", "!", "?"})


def paragraph_sentences(doc: Doc) -> Doc:
    """A blank line always ends a sentence: headlines, bylines and block quotes
    have no final period, and the parser would otherwise run them together. So
    does MAX_RUN tokens without a line break."""
    arr = doc.to_array([IS_SPACE, ORTH])  # a Token object only where one is set
    strings = doc.vocab.strings
    starts = [0]
    for i in numpy.flatnonzero(arr[:-1, 0]).tolist():
        if "\n" in strings[int(arr[i, 1])]:
            starts.append(i + 1)
    cuts = starts[1:]
    starts.append(len(doc))
    for a, b in itertools.pairwise(starts):
        while b - a > MAX_RUN:
            cut = a + MAX_RUN
            for i in range(a + MAX_RUN - 1, a + MAX_RUN // 2, -1):
                if strings[int(arr[i, 1])] in _FINAL:
                    cut = i + 1
                    break
            cuts.append(cut)
            a = cut
    if cuts:
        # set all at once: each `Token.is_sent_start = True` first scans the whole doc
        # for a parse (has_annotation), so a text of 7,500 short lines spent 2.3 s on it
        if doc.has_annotation("DEP"):
            raise ValueError("paragraph_sentences: the doc is parsed already")
        flags = numpy.asarray(doc.to_array([SENT_START]), dtype=numpy.uint64)
        flags[cuts] = 1
        doc.from_array([SENT_START], cast(Ints2d, flags.reshape(len(doc), 1)))
    return doc
