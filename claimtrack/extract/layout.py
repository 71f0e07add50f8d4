"""Rules read from the page's layout rather than the parse: titles
("Claim, Says X", "X: claim"), transcript turns ("TAPPER: ..."), the
author's unsourced opening, and quotations that run on after the cue."""

from __future__ import annotations

import re

from spacy.tokens import Token

from claimtrack.extract.spans import (
    EDGE_JUNK,
    WORD,
    Cand,
    Ctx,
    Range,
    ents_within,
    next_quote,
    subtree_span,
    trim,
)

FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})


# ---------------------------------------------------------------- headlines


# capitals before a colon that label the text, not a speaker's turn (seen as sources on
# PolNeAR dev: "UPDATE:", "CORRECTION:", "CLARIFICATION:", "EXCLUSIVE:", "VIDEO:")
_EDITORIAL_LABELS = frozenset({
    "UPDATE", "UPDATED", "CORRECTION", "CORRECTIONS", "CLARIFICATION", "EXCLUSIVE", "BREAKING",
    "VIDEO", "WATCH", "PHOTO", "PHOTOS", "LISTEN", "READ", "READ MORE", "RELATED", "ALERT",
    "NOTE", "EDITOR'S NOTE", "DISCLAIMER", "SOURCE", "SOURCES", "ANALYSIS", "OPINION",
    "LIVE", "LIVE UPDATES", "FACT CHECK", "SPONSORED"})


def _editorial(label: str) -> bool:
    return label.strip().upper().replace("’", "'") in _EDITORIAL_LABELS


def headline_rule(ctx: Ctx) -> Cand | None:
    """ "Speaker: claim" as the document's first line."""
    if len(ctx.paras) < 2:
        return None
    ps, pe = ctx.paras[0]
    line = ctx.text[ps:pe]
    if "\n" in line.strip() or line.count(":") != 1:
        return None
    colon = ps + line.index(":")
    left = trim(ctx.text, (ps, colon))
    right = trim(ctx.text, (colon + 1, pe))
    if not left or not right:
        return None
    words = WORD.findall(ctx.text[left[0] : left[1]])
    if len(words) > ctx.lex.headline_speech_max_tokens or _editorial(ctx.text[left[0]:left[1]]):
        return None  # "EXCLUSIVE: In memo to Congress, ...": the outlet's label
    span = ctx.doc.char_span(left[0], left[1], alignment_mode="expand")
    said = ctx.doc.char_span(right[0], right[1], alignment_mode="expand")
    # a speaker is a name or a short noun phrase, not a clause; what they say
    # is a clause or a quotation ("Region: Middle East" is a label)
    if not ctx.text[left[0]].isupper() or span is None or any(
        t.pos_ in ("VERB", "AUX") for t in span
    ):
        return None
    if said is None or not (
        any(t.pos_ in ("VERB", "AUX") for t in said) or ctx.quote_at(right[0])
    ):
        return None
    return Cand("headline_colon", "speech", ":", [(colon, colon + 1)], left, [right])


def headline_says_rule(ctx: Ctx) -> tuple[Cand, int] | None:
    """ "Claim, Says Speaker" as the first line (title case defeats the parser)."""
    if len(ctx.paras) < 2 or ctx.quote_at(ctx.paras[0][0]):
        return None
    ps, pe = ctx.paras[0]
    span = ctx.doc.char_span(ps, pe, alignment_mode="expand")
    if span is None:
        return None
    for tok in span[1:]:
        if tok.nbor(-1).text != "," or ctx.lex.cue_class(ctx.lex.lemma(tok)) != "speech":
            continue
        source = trim(ctx.text, (tok.idx + len(tok.text), pe))
        content = trim(ctx.text, (ps, tok.nbor(-1).idx))
        if not source or not content:
            return None
        if len(WORD.findall(ctx.text[source[0] : source[1]])) > ctx.lex.headline_speech_max_tokens:
            return None
        cue = [(tok.idx, tok.idx + len(tok.text))]
        return Cand("headline_says", "speech", ctx.lex.lemma(tok), cue, source, [content]), tok.i
    return None


def speaker_colon_rule(tok: Token, ctx: Ctx) -> Cand | None:
    """ "TAPPER: ..." / "Jeffrey M. Jones: “...”": a name, a colon, their words.

    The name must open the paragraph (a transcript turn) or the colon must
    open a quotation; it must be a PERSON/ORG name or an all-capitals label,
    so "Region: Middle East" or "Disclaimer: ..." introduce nothing.
    """
    doc, text = ctx.doc, ctx.text
    p = ctx.para_of(tok.idx)
    if p < 0:
        return None
    ps, pe = ctx.paras[p]
    first = _name_before(tok, ctx)
    if first is None:
        return None
    name = doc[first : tok.i]
    if _editorial(name.text):
        return None  # "UPDATE: ...", "CORRECTION: ...": the outlet's label, no speaker
    at_start = not text[ps : name.start_char].strip(" \"“'‘(")
    named = name.text.isupper() and len(name.text) > 2 or any(
        e.label_ in ("PERSON", "ORG") for e in ents_within(name)) or (
        # a transcript turn ("Matthews: Well, ..."): a bare name opening its paragraph
        at_start and all(t.pos_ == "PROPN" for t in name if t.text[:1].isalpha())
        and not any(e.label_ in ("GPE", "LOC", "DATE") for e in ents_within(name)))
    if not named:
        return None
    q = next_quote(ctx, tok.idx + 1, pe)
    if q and ctx.long_quote(q):
        content = [q]
    elif at_start:
        rest = trim(text, (tok.idx + 1, pe))
        if not rest or len(WORD.findall(text[rest[0] : rest[1]])) < 4:
            return None
        content = [rest]
    else:
        return None
    # a title before the name ("Republican pollster Daron Shaw") is part of the source
    k = first - 1
    while k >= 0 and k >= first - 3 and doc[k].pos_ in ("NOUN", "ADJ") and doc[k].dep_ in (
            "compound", "amod"):
        k -= 1
    source = (doc[k + 1].idx, name.end_char)
    return Cand("speaker_colon", "speech", ":", [(tok.idx, tok.idx + 1)], source, content)


def _name_before(colon: Token, ctx: Ctx) -> int | None:
    """Where the name before a colon starts: "Matthews", "Kathleen Parker, The
    Washington Post", "Jeremy Lott, author" (a name, its outlet or role)."""
    doc = ctx.doc
    j = colon.i - 1
    if j > 1 and doc[j].pos_ == "NOUN" and doc[j].is_lower and doc[j - 1].text == ",":
        j -= 2  # ", author"
    while j >= 0 and not doc[j].is_space and (
            doc[j].pos_ == "PROPN" or doc[j].text in (".", "-", "and") or doc[j].is_upper
            or doc[j].ent_type_ in ("PERSON", "ORG")
            or (doc[j].lower_ == "the" and j + 1 < colon.i and doc[j + 1].pos_ == "PROPN")
            or (doc[j].text == "," and j and doc[j - 1].pos_ == "PROPN")):
        j -= 1
    first = j + 1
    while first < colon.i and not doc[first].text[:1].isalpha():
        first += 1
    return first if first < colon.i else None


# ---------------------------------------------------------------- signed quotations

_SIGNATURE = re.compile(
    r"(?P<dash>[―—–]|--)[ \t\xa0]*"
    r"(?P<name>[A-Z][\w.'’-]*(?:[ \xa0]+(?:[A-Z][\w.'’-]*|de|van|von|al|bin)){0,4})"
    r"[ \t\xa0.]*(?=\(@|\n|$)")


def signature_rule(ctx: Ctx) -> list[Cand]:
    """ “...” ― Jane Doe: a quotation signed by a dash and a name at the end of
    its line (reader comments, epigraphs), and an embedded post signed
    "— Jane Doe (@handle) date": the text before the dash is theirs."""
    text, out = ctx.text, []
    for m in _SIGNATURE.finditer(text):
        p = ctx.para_of(m.start())
        if p < 0:
            continue
        ps = ctx.paras[p][0]
        end = m.start()
        while end > ps and text[end - 1] in " \t\xa0":
            end -= 1
        q = ctx.quote_at(end - 1) if end > ps else None
        content: Range | None
        if q and q[1] == end and ctx.long_quote(q):
            content = q
        elif text.startswith("(@", m.end()):
            content = trim(text, (ps, end))
            if content is None:
                continue
        else:
            continue
        dash = (m.start("dash"), m.end("dash"))
        name = (m.start("name"), m.end("name"))
        if text[name[1] - 1] == "." and len(text[name[0] : name[1]].split()[-1]) > 3:
            name = (name[0], name[1] - 1)  # "― Karen Bobadilla." ends a sentence, not an initial
        out.append(Cand("signature", "speech", "—", [dash], name, [content]))
    return out


# ---------------------------------------------------------------- no source


def _first_claim_sentence(ctx: Ctx) -> Range | None:
    """The first body sentence that states something (a finite verb, six words)."""
    for ps, pe in ctx.paras[1:8]:
        toks = ctx.doc.char_span(ps, ps + 1, alignment_mode="expand")
        if toks is None:
            continue
        sent = [t for t in toks[0].sent if t.idx < pe]
        words = [t for t in sent if t.is_alpha]
        end = sent[-1].idx + len(sent[-1].text) if sent else ps
        if len(words) >= 6 and any(t.tag_ in FINITE for t in sent) and (
            ctx.text[ps:end].rstrip().endswith((".", "!", "?", ".”", '."'))
        ):
            return subtree_span(sent)
    return None


def no_source_rule(ctx: Ctx, found: list[Cand]) -> list[Cand]:
    """The title and the first body sentence, when the author asserts them unsourced."""
    covered = [r for c in found for r in (*c.content, *(c.cue or []))]

    def free(rng: Range) -> bool:
        return not any(s < rng[1] and e > rng[0] for s, e in covered)

    out = []
    if ctx.paras:
        title = trim(ctx.text, ctx.paras[0])
        words = WORD.findall(ctx.text[title[0] : title[1]]) if title else []
        if title and "\n" not in ctx.text[title[0] : title[1]] and free(title) and len(words) >= 3:
            out.append(title)
    first = _first_claim_sentence(ctx)
    if first and free(first) and first not in out:
        out.append(first)
    return [Cand("no_source", "speech", None, None, None, [r]) for r in out]


# ---------------------------------------------------------------- quotations that go on


def continue_quotes(cands: list[Cand], ctx: Ctx) -> None:
    """ “A,” he said. “B.” — and quoted paragraphs that follow with no cue of
    their own — belong to the same speaker: add them as fragments."""
    cue_paras = {ctx.para_of(c.cue[0][0]) for c in cands
                 if c.cue and (c.rule == "speaker_colon" or not ctx.quote_at(c.cue[0][0]))}
    taken = {r for c in cands for r in c.content}
    # the quoted paragraphs that follow belong to the speaker's last speech in the
    # paragraph. In '“A,” Trump told a rally, saying Clinton would “B.”' followed by a
    # paragraph “C.”, both of Trump's attributions end on a quotation and the sentence
    # runs to the paragraph's end; both claimed C, and the overlap then cost the first
    # one ("A" was lost). Another speaker's attribution, or a belief ("who thinks
    # often about ..."), does not take C from the speaker.
    speeches: dict[tuple[int, Range], list[int]] = {}  # (paragraph, source) -> starts
    for c in cands:
        if c.source is not None and c.cue_class == "speech":
            for s, _ in c.content:
                speeches.setdefault((ctx.para_of(s), c.source), []).append(s)
    for c in cands:
        if not c.cue or c.rule in ("colon_block", "signature") or not c.content:
            continue
        if not any(ctx.quote_at(s) or ctx.quote_at(e - 1) for s, e in c.content):
            continue
        p = ctx.para_of(c.cue[0][0])
        if p < 0:
            continue
        end = max(e for _, e in [*c.content, *c.cue])
        sent = ctx.doc.char_span(c.cue[0][0], c.cue[0][1], alignment_mode="expand")
        if sent is not None:
            said_end = end
            end = max(end, sent[0].sent.end_char)
            # the parser may hang the next quotation's opening mark ('') on
            # this sentence: stop before it
            q = ctx.quote_at(end - 1)
            if q and q[0] >= said_end:
                end = q[0]
        pe = ctx.paras[p][1]
        q = next_quote(ctx, end, pe)
        while q and q[1] <= pe and q not in taken and _stands_alone(q, ctx, pe):
            c.content.append(q)
            end = q[1]
            q = next_quote(ctx, end, pe)
        if ctx.text[end:pe].strip(EDGE_JUNK + "”\""):
            continue
        if c.source is not None:
            last = max(e for _, e in c.content)
            if any(x >= last for x in speeches.get((p, c.source), ())):
                continue  # the speaker says more after this in the paragraph
        for nxt in range(p + 1, min(p + 1 + ctx.lex.continue_paragraphs, len(ctx.paras))):
            ps, pe = ctx.paras[nxt]
            q = next_quote(ctx, ps, pe)
            if q is None or nxt in cue_paras:
                break
            c.content.append((ps, max(pe, q[1])))


def quote_after_report(cands: list[Cand], ctx: Ctx) -> list[Cand]:
    """ 'Ramos said, referring to the Hispanic community.' then a paragraph that is one
    quotation and nothing else, with no cue of its own; or 'Reyes said the vote had
    been counted twice. “There are no ballots left to recount.”' in one paragraph:
    the speaker of the paragraph's last report goes on in their own words.
    (continue_quotes takes such quotations after a quotation; this is the same
    convention after reported speech.) The report must be speech with a source and
    the last of its paragraph; the quotations must close the paragraph, or the
    report's sentence must and the next paragraph be the quotation: "He did not
    elaborate." or a later speaker in between leaves it unattributed. The quotation is
    a claim of its own (rule "quote_after", the report's source and cue): appended to
    the report's content it would be another content than the one reported."""
    cue_paras = {ctx.para_of(c.cue[0][0]) for c in cands if c.cue}
    taken = [r for c in cands for r in c.content]
    last: dict[int, tuple[Cand, list[Range]]] = {}  # paragraph -> its last report, its cue
    for c in cands:
        if c.cue and c.content:
            p = ctx.para_of(c.cue[0][0])
            if p >= 0 and (p not in last or last[p][1][0][0] < c.cue[0][0]):
                last[p] = (c, c.cue)
    out: list[Cand] = []
    for p, (c, cue) in last.items():
        if (c.source is None or c.cue_class != "speech" or c.rule in ("colon_block", "signature")
                or any(ctx.quote_at(s) or ctx.quote_at(e - 1) for s, e in c.content)):
            continue
        end = max(e for _, e in [*c.content, *cue])
        sent = ctx.doc.char_span(cue[0][0], cue[0][1], alignment_mode="expand")
        if sent is not None:
            end = max(end, sent[0].sent.end_char)
        # 'Lau said in a statement. “There are no paper ballots to recount. ...”': the
        # quotations that follow in the paragraph, each a sentence of its own
        pe = ctx.paras[p][1]
        quotes: list[Range] = []
        q = next_quote(ctx, end, pe)
        while q and q[1] <= pe and _stands_alone(q, ctx, pe) and not any(
                s < q[1] and e > q[0] for s, e in taken):
            quotes.append(q)
            q = next_quote(ctx, q[1], pe)
        if quotes:
            if ctx.text[quotes[-1][1] : pe].strip(EDGE_JUNK + "”\""):
                continue  # the paragraph goes on after them
        elif ctx.text[end:pe].strip(EDGE_JUNK + "”\"") or p + 1 >= len(ctx.paras) \
                or p + 1 in cue_paras:
            continue  # the report's sentence does not close its paragraph, or no next one
        else:
            ps, pe = ctx.paras[p + 1]
            q = next_quote(ctx, ps, pe)
            if q is None or ctx.text[q[1] : pe].strip(EDGE_JUNK) or any(
                    s < pe and e > ps for s, e in taken):
                continue  # no quotation, more than one, or another attribution's
            if ctx.text[q[0] : q[1]].upper() == ctx.text[q[0] : q[1]]:
                continue  # “EVENTUALLY VOTERS MAKE GOOD DECISIONS”: a heading
            quotes = [q]
        out.append(Cand("quote_after", c.cue_class, c.cue_lemma, cue, c.source, quotes,
                        c.shared_source))
    return out


def _stands_alone(q: Range, ctx: Ctx, pe: int) -> bool:
    """A quotation that is a sentence of its own: “B,” she added is another
    attribution, even when the parse gave "added" no content."""
    k = q[1]
    while k < pe and ctx.text[k].isspace():
        k += 1
    return k >= pe or ctx.quote_at(k) is not None
