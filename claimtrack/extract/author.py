"""Author statements: what the body asserts in the author's own voice (issue 10, item 1).

Across documents, one outlet's attributed claim ("X said the army shelled the
town") is most often matched against another outlet stating the same thing as
fact ("The army shelled the town."). The attribution rules find only the
first; this module finds the second: every body sentence that asserts
something in the author's voice and that no attribution already covers, as an
Attribution with rule "author", no source, no cue, kind "indirect",
cue_class "speech" and the sentence as its content (edge punctuation and
spaces trimmed, offsets exact; the same trimming as the `no_source` records).

The headline and the lede are not looked at when they keep their `no_source`
records (layout.no_source_rule), which this module neither adds nor changes.
The lede is the sentence no_source_rule takes for it (layout's
`_first_claim_sentence`, imported so there is one definition); when no
no_source record took it (an attribution overlapped it, which the filter may
have dropped since), it is read as any body sentence. Anything before it
(bylines, datelines) is skipped.

What counts (each test is cheap, all are local to the sentence or its paragraph):
- declarative: at least MIN_WORDS words, a finite verb (an imperative "Pay no
  attention" has none), ending in a full stop; a question, an exclamation, a
  line that introduces something (ends with ":") or has no final stop (a
  heading, a caption, a list item) is not an assertion;
- not a quotation: a sentence that starts inside a quotation, or whose
  characters are more than MAX_QUOTED inside quotations longer than a scare
  quote, is a speaker's (attributed, or a continuation the rules did not reach);
- not covered: a sentence whose non-space characters are more than
  MAX_COVERED inside attributions' contents, cues or sources is not taken whole.
  "X said Y" covers nearly all of its sentence, while "Trump won, which critics
  called a fluke" is the author's claim with an aside. Two parts of such a
  sentence are still the author's (rules 1.22.0):
  - its main clause, where every report in it hangs from that clause as a
    participle, a relative clause or a second verb ("Trump, who is battling
    Carson in the polls, has picked up on the criticism, telling ABC that ...").
    The reports' clauses and contents are cut out, and what is left must be one
    run of words holding the root, a finite verb that reports nothing, ending
    where a comma or a dash began (not "responded to the tweet by", nor "the third
    time" before "that ..."). A parenthetical cue ("Nor does she have any plans, advisers say,
    to ...") makes the whole sentence theirs;
  - what a relative clause set off by a comma says of a speaker ("David Axelrod,
    who was senior adviser to Obama in the White House, tweeted ..."), unless the
    clause itself reports ("Beck, who said ...").
  Neither overlaps an attribution's content: every statement overlaps every
  content by at most MAX_COVERED of its characters (a property test holds us to
  it). On the 560 dev articles as one database (rules 1.24.0) statements went
  6,455 -> 6,910 and cross-document pairs 12 more, 11 right by eye (five
  descriptions of David Axelrod that three outlets give, "A district judge agreed
  with the Democrats" / "In May, a U.S. District Court judge sided with the
  Democrats"), none lost. On 40 unseen dev articles the new statements read whole
  and right but for a few cut short ("Perry, who hugged Clinton while wearing a
  purple cape bearing the words");
- not page furniture: transcript turns ("TAPPER: ...", "Q: ..."), bylines,
  photo captions and credits, "Read more" / "Follow us" / "Subscribe" /
  "contributed to this report" lines, one-sentence Title Case headings.

Pure over the parsed Doc and the attribution list; deterministic (document order).
Call it right after rules.find_attributions, before the candidate filter: what
is covered is then the same for both extractors ("rules" and "filtered"), and a
sentence whose cue the filter drops stays out (an attribution the filter doubts
is still no author's plain statement). The filter must never drop "author"
records (filter.keep exempts "no_source" today; "author" needs the same).

Measured on dev documents of PolNeAR (scripts/author_dev.py, never the held-out
fifth), two samples of 100 documents (--seed 10, used while tuning; --seed 11, not):
- statements per document: mean 10.2 / 11.0, median 8 / 9, max 38 / 41; 6 / 3
  documents with none (the rules find 16.7 attributions a document there);
- gold proxy: 13% of the statements lie mostly inside a PolNeAR attribution's
  content, 4% inside a speech-cue one; most of the rest of the 13% are the
  author describing a wish or plan ("Trump wants ...", "officials hope ..."),
  which PolNeAR counts as an attribution of an internal state;
- by eye, 30 random statements of the untuned sample: 30 in the author's own
  voice, none a speaker's words; 26 factual assertions, 3 the author's opinion
  or advice ("He should use this political capital ..."), 1 a verbless
  fragment. The tuning sample's 30: 29 the author's, 1 a belief the rules miss
  ("most allies consider X a help"). What still slips through is mostly the
  rules' lexicon gaps ("X elaborated that ...", "hypothesized"), best mended there.
- cost: 5 ms a document (half of find_attributions' time; parsing is ~30x more).

Scoring and display: these records are no attributions. `extract` / `eval`
output must drop rule "author" as it drops "no_source" (jsonl.py); the store
keeps them (cross-document matching needs them) but `claims`, `flags` and
`show` list them only with `--author`, and flags.static_flags must not give
them `no_source` (only the headline and lede carry it).
"""

from __future__ import annotations

import functools
import re

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimtrack.extract.cues import Lexicon, load_lexicon
from claimtrack.extract.layout import FINITE, _first_claim_sentence
from claimtrack.extract.spans import EDGE_JUNK, WORD, Ctx, Range, sentences, trim
from claimtrack.extractor_names import AUTHOR_RULE, NO_SOURCE_RULE, QUOTATION_RULE
from claimtrack.models import Attribution, Span

RULE = AUTHOR_RULE
MIN_WORDS = 6
# share of a sentence's non-space characters that attributions may cover (content,
# cue or source) and still leave it the author's; and the share inside quotations
MAX_COVERED = 0.3
MAX_QUOTED = 0.3

# a speaker label opening a paragraph: "TAPPER:", "Q:", "Sen. Jane Doe:" (a
# transcript turn; speaker_colon_rule attributes most, this catches the rest)
_TURN = re.compile(r"^[\"“]?(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}|[A-Z]{2,}[\w .'’-]*):\s")
_BYLINE = re.compile(r"^(?:by|written by|posted by|story by)\s+[A-Z]", re.I)
_FURNITURE_START = re.compile(
    r"^\W*(?:read (?:more|the full|also)|related\b|see also|more\s*:|follow (?:us|him|her|them|"
    r"@|\w+ on )|subscribe|sign up|click here|like us|join us|share (?:this|on)|advertisement|"
    r"copyright|©|watch\s*:|listen\s*:|editor['’]?s note|update\s*:|correction\s*:|"
    r"(?:additional )?reporting by|writing by|editing by|file\s*[-–—]|"
    # the outlet's note on its own text: "This article has been updated to include ..."
    r"this (?:article|story|post|piece|report|version|item)\s+(?:has|had)?\s*(?:been|was)"
    r"\s+(?:updated|corrected|changed|revised|amended|edited)\b|"
    r"in this [^.]{0,100}\b(?:photo|image|picture|file)\b)", re.I)
_FURNITURE_ANY = re.compile(
    r"contributed to this (?:report|story|article)|all rights reserved|originally "
    r"(?:appeared|published)|\((?:AP|Reuters|AFP|Getty) ?(?:Photo|Images)|getty images|"
    r"\bphoto(?:graph)?s? (?:by|credit|courtesy)|\b(?:photo|image|credit)\s*:|"
    r"follow (?:us|\w+) on (?:twitter|facebook|instagram)|sign up for|"
    # a video player's message scraped with the page
    r"\bthis video (?:is|has been) (?:restricted|unavailable|not available)\b|\becode:", re.I)
# a site's copyright notice, read on its whole paragraph: "This site contains copyrighted
# material the use of which ... under the provisions of "fair use" ... beyond "fair use",
# you must request permission" (a story about copyright law words it otherwise)
_NOTICE = re.compile(r"copyrighted material the use of which|title 17 u\.?s\.?c|"
                     r"provisions of \W?fair use|beyond \W?fair use", re.I)
_CAPS_RUN = re.compile(r"\b[A-Z]{2,}(?:[ \t]+[A-Z]{2,}\b){3}")
_CLAUSES = frozenset({"ccomp", "xcomp", "parataxis"})
_STOPS = (".", ".”", '."', ".’", ".'", ".)")
_NOT_REPORTS = frozenset({RULE, NO_SOURCE_RULE, QUOTATION_RULE})
# how a report may hang from the author's main clause and be cut out of it: a
# participle ("..., telling ABC that"), a relative clause, a second verb. Not a
# parenthetical cue ("Nor does she have any plans, advisers say, to ..."): the
# whole sentence is then what they say
_ASIDE_DEPS = frozenset({"advcl", "relcl", "acl", "conj"})
# what a speaker's name holds before its head word ("the venture capitalist Marc
# Andreessen", "retired Gen. John Allen"), not "for instance," before it
_NAME_DEPS = frozenset({"compound", "amod", "det", "poss", "nmod", "nummod", "quantmod"})
# words a statement cannot end on: a cut through a phrase
_OPEN_ENDS = frozenset({"ADP", "SCONJ", "DET", "PART", "AUX", "PRON", "CCONJ"})


def author_statements(doc: Doc, attributions: list[Attribution],
                      ctx: Ctx | None = None) -> list[Attribution]:
    """The body's unattributed statements in the author's voice, in document order
    (`ctx`: the doc's quotations and paragraphs, where the caller has them)."""
    lex = load_lexicon()
    ctx = ctx or Ctx.of(doc, lex)
    text = ctx.text  # doc.text joins a Token object per token on every access
    if len(ctx.paras) < 2:
        return []  # one line: no_source_rule took it as a title; there is no body
    body = ctx.paras[1][0]
    lede = _first_claim_sentence(ctx)
    if lede is not None:
        # the lede is the no_source record's; one no record takes (an attribution
        # overlapped it, which the filter may since have dropped) is read as any
        # body sentence: else it is nobody's, and another outlet's report of the
        # story's main event finds nothing to match
        taken = any(a.rule == "no_source" and a.content.start == lede[0] for a in attributions)
        body = max(body, _sentence_end(doc, lede[0]) if taken else lede[0])
    covered = _ranges(attributions)
    quoted = [q for q in ctx.quotes if ctx.long_quote(q)]
    reports = _reporting(attributions)
    per_para: dict[int, int] = {}
    sents = [s for s in sentences(doc) if s.start_char >= body and _words(s) > 0]
    for s in sents:
        p = ctx.para_of(s.start_char)
        per_para[p] = per_para.get(p, 0) + 1
    out = []
    for s in sents:
        rng = _trimmed(s)
        if rng is None:
            continue
        p = ctx.para_of(rng[0])
        para = text[ctx.paras[p][0] : ctx.paras[p][1]] if p >= 0 else ""
        if not _declarative(s, text) or _furniture(para, text[rng[0] : rng[1]]):
            continue
        if text[rng[0]].islower():
            continue  # the parser split a sentence: "... continue to do so | if they win"
        if per_para.get(p) == 1 and _title_case(s) or _CAPS_RUN.search(text, *rng):
            continue  # a one-sentence heading, or a capitals heading run into the text
        if ctx.quote_at(rng[0]) or _share(rng, quoted, text) > MAX_QUOTED:
            continue
        if _share(rng, covered, text) > MAX_COVERED or _reports(s, covered, lex):
            part = _main_clause(s, reports, quoted, ctx)
            if part is not None:
                out.append(_statement(text, part))
            continue
        out.append(_statement(text, rng))
    stated = [(a.content.start, a.content.end) for a in out]
    for rng in _source_asides(doc, reports, body, ctx):
        if not any(a < rng[1] and rng[0] < b for a, b in stated):
            out.append(_statement(text, rng))
    return sorted(out, key=lambda a: (a.content.start, a.content.end))


def _statement(text: str, rng: Range) -> Attribution:
    return Attribution(content=Span.of(text, *rng), kind="indirect", cue_class="speech",
                       rule=RULE)


def _reporting(attributions: list[Attribution]) -> list[Attribution]:
    return [a for a in attributions if a.cue is not None and a.rule not in _NOT_REPORTS]


def _main_clause(s: SpacySpan, reports: list[Attribution], quoted: list[Range],
                 ctx: Ctx) -> Range | None:
    """The author's main clause of a sentence whose report sits in a clause below it:
    "Trump, who is battling Carson in the polls, has picked up on the criticism,
    telling ABC that ..." (a participle), or a relative clause or a second verb set
    off by a comma. The reports' clauses (their cue's subtree) and contents are cut
    out; what is left must be one run of words holding the sentence's root, a finite
    verb that is no report, and MIN_WORDS words. A source's words stay: the author
    names the speaker."""
    doc, text = s.doc, ctx.text
    root = s.root
    if _reports(s, [], ctx.lex):
        return None  # its main verb reports or believes
    if root.tag_ not in FINITE and not any(c.dep_ == "aux" and c.tag_ in FINITE
                                           for c in root.children):
        return None
    cut = bytearray(len(doc))  # 1: a token of a report (its cue's clause, its content)
    heads: list[Token] = []  # the reports' clauses
    for a in reports:
        assert a.cue is not None
        if not s.start_char <= a.cue.start < s.end_char:
            continue
        cue = doc.char_span(a.cue.start, a.cue.end, alignment_mode="expand")
        if cue is None or not len(cue):
            return None
        head = cue.root
        while head.dep_ not in _ASIDE_DEPS and head.i != root.i and head.head.i != head.i \
                and head.head.i != root.i:
            head = head.head  # up to the clause the cue's verb sits in
        if head.i == root.i or head.dep_ not in _ASIDE_DEPS:
            return None  # the sentence is the report, or the report is an argument
        heads.append(head)
        for t in head.subtree:
            cut[t.i] = 1
        for f in a.content.pieces():
            part = doc.char_span(f.start, f.end, alignment_mode="expand")
            for t in part or ():
                cut[t.i] = 1
    if not heads or cut[root.i]:
        return None
    lo = hi = root.i
    while lo > s.start and not cut[lo - 1]:
        lo -= 1
    while hi + 1 < s.end and not cut[hi + 1]:
        hi += 1
    if any(not cut[t.i] and not (t.is_punct or t.is_space) for t in s
           if t.i < lo or t.i > hi):
        return None  # the author's words in two pieces: no one statement
    last = hi
    while last > lo and doc[last].pos_ == "CCONJ":
        last -= 1  # "..., and | they said"
    if hi + 1 < s.end and not (doc[last].is_punct or doc[hi + 1].is_punct):
        # a cut with no comma or dash before it: "a handful of days | before", "the
        # third time | that ...", "an email | in which ...": a restrictive clause
        # completes its noun more often than not
        return None
    toks = [t for t in doc[lo:hi + 1] if not t.is_space]
    while toks and (toks[-1].is_punct or toks[-1].pos_ == "CCONJ" or len(toks) > 1
                    and toks[-1].pos_ == "ADV" and toks[-2].pos_ == "CCONJ"):
        toks.pop()  # "..., and now | telling": the words before the next verb
    if toks and toks[-1].pos_ in _OPEN_ENDS:
        return None  # a cut through a phrase: "responded to the tweet by"
    while toks and not toks[0].text[0].isalnum():
        toks.pop(0)
    if toks and (_unbalanced(text[toks[0].idx:toks[-1].idx + len(toks[-1])])
                 or any(t.text in (":", ";") for t in toks)):
        return None  # a cut through an aside, or a list introduced and cut
    if sum(t.is_alpha for t in toks) < MIN_WORDS or root not in toks:
        return None
    rng = (toks[0].idx, toks[-1].idx + len(toks[-1].text))
    if _share(rng, quoted, text) > MAX_QUOTED:
        return None
    return rng


def _unbalanced(part: str) -> bool:
    """A bracket opened and not closed (or closed, not opened): a cut through an aside."""
    return part.count("(") != part.count(")") or part.count("[") != part.count("]")


def _source_asides(doc: Doc, reports: list[Attribution], body: int,
                   ctx: Ctx) -> list[Range]:
    """What the author says of a speaker in a relative clause set off by a comma:
    "David Axelrod, who was senior adviser to Obama in the White House, tweeted
    ..." states that Axelrod was Obama's senior adviser. From the speaker's name to
    the clause's end; a restrictive clause ("a person who was briefed") only says who
    is meant, and a clause without a finite verb states nothing."""
    out: list[Range] = []
    for a in reports:
        src = a.source
        if src is None or src.start < body:
            continue
        span = doc.char_span(src.start, src.end, alignment_mode="expand")
        if span is None:
            continue
        for t in span:
            if t.dep_ != "relcl" or not span.start <= t.head.i < span.end:
                continue
            first = t.left_edge
            if first.i == 0 or doc[first.i - 1].text != "," \
                    or first.lower_ not in ("who", "which", "whose"):
                continue
            if first.lower_ != "which" and t.head.dep_ == "pobj":
                continue  # "Professor X of M.I.T., who is ...": the parser's guess at whom
            if t.tag_ not in FINITE and not any(c.dep_ in ("aux", "auxpass")
                                                and c.tag_ in FINITE for c in t.children):
                continue
            if ctx.lex.cue_class(ctx.lex.lemma(t)) is not None or any(
                    b.cue is not None
                    and t.left_edge.idx <= b.cue.start < t.right_edge.idx + len(t.right_edge)
                    for b in reports):
                continue  # "Beck, who said there were ...": a report, not a description
            # from the name's first word: "for instance, Sen. Ted Cruz of Texas, who ..."
            start = min([t.head.i] + [c.left_edge.i for c in t.head.lefts
                                      if c.dep_ in _NAME_DEPS])
            toks = [x for x in doc[max(start, span.start):t.right_edge.i + 1]
                    if not x.is_space]
            while toks and (toks[-1].is_punct or toks[-1].pos_ == "CCONJ"):
                toks.pop()
            if toks and toks[-1].pos_ in _OPEN_ENDS:
                continue
            while toks and toks[0].is_punct:
                toks.pop(0)
            if sum(x.is_alpha for x in toks) < MIN_WORDS:
                continue
            rng = (toks[0].idx, toks[-1].idx + len(toks[-1].text))
            if ctx.quote_at(rng[0]) is None and rng not in out:
                out.append(rng)
    return out


def unattributed_quotations(doc: Doc, attributions: list[Attribution],
                            ctx: Ctx | None = None) -> list[Attribution]:
    """Paragraphs that are one quotation and that no attribution reaches: rule
    QUOTATION_RULE, no source, no cue, kind "direct". A listing read out, a
    statement's paragraph after a heading ('He is now selling the handgun used in
    the shooting.' / '"It has recently been returned to me by the Department of
    Justice. ..."'): the words are someone's, the text does not say whose (the
    rules attribute what a convention lets them: a quotation after its speaker's
    report or quotation, layout.continue_quotes / quote_after_report). Another
    outlet printing the same words with their speaker matches them, and their
    cluster's origins count this one as none (no one to follow). Like the author's
    statements they are no attribution: `extract` and `eval` leave them out, the
    listings show them only with `--author`. On the 574 dev articles of PolNeAR: 30
    such paragraphs of 6+ words (840 whole-quotation paragraphs in all)."""
    ctx = ctx or Ctx.of(doc, load_lexicon())
    text = ctx.text
    covered = _ranges(attributions)
    out = []
    for ps, pe in ctx.paras[1:]:
        rng = trim(text, (ps, pe))
        if rng is None:
            continue
        q = ctx.quote_at(rng[0])
        if q is None or q[0] != rng[0] or text[q[1] : rng[1]].strip(EDGE_JUNK):
            continue  # not one quotation from the paragraph's start to its end
        said = text[q[0] : q[1]]
        if len(WORD.findall(said)) < MIN_WORDS or said.upper() == said:
            continue  # a few words, or a heading in capitals
        if any(a < q[1] and b > q[0] for a, b in covered):
            continue
        out.append(Attribution(content=Span.of(text, *q), kind="direct",
                               cue_class="speech", rule=QUOTATION_RULE))
    return out


def _reports(s: SpacySpan, covered: list[Range], lex: Lexicon) -> bool:
    """Whether the sentence's main verb reports or believes: it is an
    attribution's part, or a cue of the lexicon the rules did not complete
    ("The AP said X because Y" where the content stops at "because": the rest
    is not the author's; "most allies consider it a help" is their belief).
    A sentence whose main clause is the author's ("Trump won, which critics
    called a fluke") keeps its aside."""
    root = s.root
    if any(a <= root.idx < b for a, b in covered):
        return True
    # a cue the rules did not complete is still a report, but a speech verb
    # with a plain object is an event ("Engineers found cracks", "wrote a
    # memoir"): only a clause after it makes it one. A verb the lexicon lacks
    # ("elaborated that") is the rules' gap: guessing from a clausal
    # complement alone dropped as many plain statements ("rules make it
    # difficult") as reports on dev.
    cls = lex.cue_class(lex.lemma(root)) if root.pos_ in ("VERB", "AUX") else None
    if cls is None:
        return False
    return cls == "other" or any(c.dep_ in _CLAUSES for c in root.children)


def _sentence_end(doc: Doc, pos: int) -> int:
    span = doc.char_span(pos, pos + 1, alignment_mode="expand")
    return span[0].sent.end_char if span is not None and len(span) else pos


def _ranges(attributions: list[Attribution]) -> list[Range]:
    out: list[Range] = []
    for a in attributions:
        for part in (a.content, a.cue, a.source):
            if part is not None:
                out.extend((f.start, f.end) for f in part.pieces())
    return out


def _words(s: SpacySpan) -> int:
    return sum(1 for t in s if t.is_alpha)


def _trimmed(s: SpacySpan) -> Range | None:
    """The sentence less its edge spaces and punctuation (as no_source trims)."""
    toks = [t for t in s if not t.is_space]
    while toks and toks[0].is_punct:
        toks.pop(0)
    while toks and toks[-1].is_punct:
        toks.pop()
    return (toks[0].idx, toks[-1].idx + len(toks[-1].text)) if toks else None


def _declarative(s: SpacySpan, text: str) -> bool:
    """Long enough, a finite verb, and a full stop at the end (not ?, !, : or none)."""
    raw = text[s.start_char : s.end_char].rstrip()
    return (
        _words(s) >= MIN_WORDS
        and raw.endswith(_STOPS)
        and not raw.endswith("..")  # an ellipsis trails off
        and any(t.tag_ in FINITE for t in s)
    )


def _furniture(para: str, sent: str) -> bool:
    """Transcript turns, bylines, captions, credits and sign-up lines."""
    head = para.lstrip()
    return bool(
        _TURN.match(head) or _BYLINE.match(head) or _FURNITURE_START.match(head)
        or _FURNITURE_START.match(sent) or _FURNITURE_ANY.search(sent) or _notice(para)
    )


@functools.lru_cache(maxsize=64)  # asked once a sentence, about its paragraph
def _notice(para: str) -> bool:
    return _NOTICE.search(para) is not None


def _title_case(s: SpacySpan) -> bool:
    """Most longer words capitalised: a heading, not a sentence. Words inside named
    entities do not count: a name is capitalised in any sentence, and a one-sentence
    lede naming four people ("Republican presidential nominee Donald Trump on
    Friday endorsed the re-election of House Speaker Paul Ryan (R-Wis.), Sen. John
    McCain ...") is no heading; a heading capitalises its other words too."""
    words = [t.text for t in s if t.is_alpha and len(t.text) > 3 and not t.ent_type]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _share(rng: Range, ranges: list[Range], text: str) -> float:
    """The share of rng's non-space characters inside the union of ranges."""
    s, e = rng
    total = _solid(text, s, e)
    if not total:
        return 0.0
    inside, reached = 0, s  # the union, range by range in start order
    for a, b in sorted((max(a, s), min(b, e)) for a, b in ranges if a < e and b > s):
        lo = max(a, reached)
        if lo < b:
            inside += _solid(text, lo, b)
            reached = b
    return inside / total


def _solid(text: str, start: int, end: int) -> int:
    """Non-space characters of text[start:end]."""
    part = text[start:end]
    return len(part) - sum(map(str.isspace, part))
