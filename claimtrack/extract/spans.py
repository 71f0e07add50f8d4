"""Shared state of one extraction: the parsed doc with its quotations and
paragraphs (Ctx), rule candidates (Cand), and character-range helpers."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from claimtrack.extract.cues import Lexicon
from claimtrack.extract.quotes import find_quotes, paragraphs

Range = tuple[int, int]

WORD = re.compile(r"\w+")
EDGE_JUNK = " \t\r\n,;:.-–—…"


@dataclass
class Cand:
    rule: str
    cue_class: str
    cue_lemma: str | None
    cue: list[Range] | None
    source: Range | None
    content: list[Range] = field(default_factory=list)
    shared_source: bool = False  # the subject belongs to the head verb ("..., adding that")


@dataclass
class Ctx:
    doc: Doc
    text: str
    lex: Lexicon
    quotes: list[Range]
    quote_starts: list[int]
    paras: list[Range]
    para_starts: list[int]

    @classmethod
    def of(cls, doc: Doc, lex: Lexicon) -> Ctx:
        text = doc_text(doc)
        quotes = find_quotes(text, lex)
        paras = paragraphs(text)
        return cls(doc, text, lex, quotes, [q[0] for q in quotes], paras,
                   [p[0] for p in paras])

    def quote_at(self, pos: int) -> Range | None:
        i = bisect.bisect_right(self.quote_starts, pos) - 1
        if i >= 0 and self.quotes[i][0] <= pos < self.quotes[i][1]:
            return self.quotes[i]
        return None

    def para_of(self, pos: int) -> int:
        return bisect.bisect_right(self.para_starts, pos) - 1

    def long_quote(self, q: Range) -> bool:
        """More words than a scare quote ("so-called “deal”") has."""
        return len(WORD.findall(self.text, q[0], q[1])) > self.lex.scare_quote_max_words

    def quote_ending_before(self, i: int) -> Range | None:
        """The quotation that closes right before token i (commas and spaces between)."""
        j = i - 1
        while j >= 0 and (self.doc[j].text == "," or self.doc[j].is_space):
            j -= 1
        if j < 0:
            return None
        t = self.doc[j]
        q = self.quote_at(t.idx)
        return q if q and q[1] == t.idx + len(t.text) else None


def doc_text(doc: Doc) -> str:
    """doc.text, joined once per doc: spaCy joins every token's text on every
    access (a Token object per token), and the rules ask for it several times."""
    text = doc.user_data.get("claimtrack.text")
    if text is None:
        text = doc.user_data["claimtrack.text"] = doc.text
    return text


def sentences(doc: Doc) -> list:
    """doc.sents, listed once per doc: spaCy rebuilds them on every access."""
    sents = doc.user_data.get("claimtrack.sents")
    if sents is None:
        sents = doc.user_data["claimtrack.sents"] = list(doc.sents)
    return sents


def entities(doc: Doc) -> list[Span]:
    """doc.ents, listed once per doc: spaCy builds every entity Span on each access."""
    ents = doc.user_data.get("claimtrack.ents")
    if ents is None:
        ents = doc.user_data["claimtrack.ents"] = list(doc.ents)
    return ents


def ents_within(span: Span) -> list[Span]:
    """span.ents (the entities that fall completely within it) from entities(doc): a
    transcript of 3,000 turns asked spaCy's 3,000 times (21 of its 78 s)."""
    ents = entities(span.doc)
    # as spaCy's Span.ents: from the first entity starting in the span, while they end in it
    out = []
    for e in ents[bisect.bisect_left(ents, span.start, key=lambda e: e.start):]:
        if e.end > span.end:
            break
        out.append(e)
    return out


# ---------------------------------------------------------------- ranges


def tok_ranges(tokens: Iterable[Token]) -> list[Range]:
    """Character ranges of a token set, consecutive tokens merged."""
    out: list[Range] = []
    last = -2
    for t in sorted(tokens, key=lambda t: t.i):
        if t.is_space:
            continue
        if out and t.i == last + 1:
            out[-1] = (out[-1][0], t.idx + len(t.text))
        else:
            out.append((t.idx, t.idx + len(t.text)))
        last = t.i
    return out


def merge(ranges: list[Range], text: str) -> list[Range]:
    """Sorted, overlapping or whitespace/punctuation-adjacent ranges joined."""
    out: list[Range] = []
    for s, e in sorted(ranges):
        gap = text[out[-1][1] : s].strip().strip(EDGE_JUNK + "\"”“") if out else "x"
        if out and (s <= out[-1][1] or not gap):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def subtract(ranges: list[Range], cut: list[Range]) -> list[Range]:
    out = []
    for s, e in ranges:
        pieces = [(s, e)]
        for cs, ce in cut:
            nxt = []
            for ps, pe in pieces:
                if ce <= ps or cs >= pe:
                    nxt.append((ps, pe))
                    continue
                if ps < cs:
                    nxt.append((ps, cs))
                if ce < pe:
                    nxt.append((ce, pe))
            pieces = nxt
        out.extend(pieces)
    return out


def trim(text: str, rng: Range) -> Range | None:
    s, e = rng
    while s < e and text[s] in EDGE_JUNK:
        s += 1
    while e > s and text[e - 1] in EDGE_JUNK:
        e -= 1
    return (s, e) if WORD.search(text, s, e) else None


def subtree_span(tokens: Iterable[Token]) -> Range | None:
    toks = [t for t in tokens if not t.is_space]
    while toks and toks[0].is_punct:
        toks.pop(0)
    end = len(toks)
    while end and toks[end - 1].is_punct:
        end -= 1
    if not end:
        return None
    # a parenthesis the span opens is closed with it: "Sen. Bernie Sanders (I-Vt.)",
    # not "Sen. Bernie Sanders (I-Vt" (62 sources of PolNeAR dev ended open)
    opened = sum(t.text == "(" for t in toks[:end]) - sum(t.text == ")" for t in toks[:end])
    for k in range(end, len(toks)):
        if opened <= 0:
            break
        if toks[k].text == ")":
            opened -= 1
            end = k + 1
    return (toks[0].idx, toks[end - 1].idx + len(toks[end - 1].text))


def next_quote(ctx: Ctx, pos: int, limit: int) -> Range | None:
    """The quotation opening at the first non-space character at or after pos."""
    while pos < limit and ctx.text[pos].isspace():
        pos += 1
    q = ctx.quote_at(pos) if pos < limit else None
    return q if q and q[0] == pos else None
