"""Attribution rules over a spaCy parse.

Each rule turns a cue (a reporting verb, "according to", a colon before a
quote; layout.py has the title and transcript rules) into a candidate with source and cue tokens and
content character ranges. A final pass settles what the parse cannot:
quotations are taken whole, author brackets are cut out, tokens that play a
role in another attribution (its source or cue) leave this one's content,
and cues quoted inside someone else's quotation are dropped.
Every rule looks only at a token's neighbourhood, so the cost is O(tokens).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from typing import Literal

from spacy.attrs import IDX, IS_PUNCT, IS_SPACE
from spacy.tokens import Doc, Token

from claimtrack.extract.chains import PERSONAL_PRONOUNS
from claimtrack.extract.cues import Lexicon, load_lexicon
from claimtrack.extract.layout import (
    continue_quotes,
    headline_rule,
    headline_says_rule,
    no_source_rule,
    quote_after_report,
    signature_rule,
    speaker_colon_rule,
)
from claimtrack.extract.nouns import in_source_rule, noun_rule
from claimtrack.extract.quotes import brackets_in
from claimtrack.extract.spans import (
    WORD,
    Cand,
    Ctx,
    Range,
    merge,
    next_quote,
    subtract,
    subtree_span,
    tok_ranges,
    trim,
)
from claimtrack.models import Attribution, Span
from claimtrack.text.intervals import Intervals, Points

_SUBJ = ("nsubj", "csubj")
_OBJECT_TAIL = frozenset({"prep", "oprd", "dative", "advcl", "acomp", "attr", "dobj"})
_REFLEXIVE = frozenset({"itself", "himself", "herself", "themselves", "myself", "ourselves",
                        "yourself"})
# "denied the charges through his lawyer", "repeated it at a town hall": when
# and where it was said, not what
_CIRCUMSTANCE = frozenset({"at", "during", "through", "after", "before", "since",
                           "following", "amid", "via"})
_ANSWERS = frozenset({"yes", "no", "so"})
_FUNCTION_POS = frozenset({"ADP", "DET", "PART", "SCONJ", "CCONJ", "PUNCT", "SPACE", "AUX"})


# ---------------------------------------------------------------- verbs


_ISSUED = frozenset({"statement", "report", "comment", "message", "letter", "release", "memo",
                     "post", "tweet", "email", "note", "ad", "video", "op", "essay", "column",
                     "remark", "speech", "order", "filing", "brief", "complaint"})


def _subject(tok: Token, depth: int = 0) -> list[Token] | None:
    """Source tokens of a cue verb: its subject, or one it shares with its head."""
    for c in tok.children:
        if c.dep_ in _SUBJ:
            if c.lower_ in ("who", "which", "that") and tok.dep_ == "relcl":
                # "Smith, who said" / "the official who said": the pronoun, as
                # PolNeAR marks it; resolve.py names its antecedent beside it
                head = tok.head
                if head.pos_ == "PROPN" or not any(
                        d.lower_ in ("a", "an") and d.dep_ == "det" for d in head.children):
                    return [c]
                # "an unnamed official who said": the phrase, which no resolver can name
                return [t for t in head.subtree if t.i < tok.left_edge.i or t.i == head.i]
            if c.i > tok.i:  # inverted: "..., says X" — the subject is the right-hand one
                return list(c.subtree)
            right = [d for d in tok.rights if d.dep_ in _SUBJ]
            if right:
                return list(right[0].subtree)
            # two subjects on the left is a misparse of a quotation before its speaker
            # ("“... Sen. John McCain,” Trump said"): the speaker is the one nearest the cue
            left = [d for d in tok.lefts if d.dep_ in _SUBJ]
            return list(left[-1].subtree)
    for c in tok.children:
        if c.dep_ == "agent":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            return list(objs[0].subtree) if objs else None
    if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN"):
        head = tok.head
        if (head.lemma_ in _ISSUED and head.dep_ == "dobj" and head.head.pos_ == "VERB"
                and depth < 3):
            # "X issued a statement saying": the issuer, not the paper, is the source
            issuer = _subject(head.head, depth + 1)
            if issuer:
                return issuer
        return [t for t in head.subtree if t.i < tok.left_edge.i]
    head = tok.head
    if tok.dep_ == "pcomp" and head.dep_ == "prep":  # "by saying", "after writing"
        head = head.head
    elif tok.dep_ not in ("conj", "xcomp", "advcl", "pcomp"):
        return None
    if head.pos_ in ("ADJ", "ADV") and head.dep_ in ("acomp", "advmod") and head.head.i != head.i:
        head = head.head  # "were quick to point out", "stopped short of calling"
    if depth < 3 and head.i != tok.i and head.pos_ in ("VERB", "AUX"):
        return _subject(head, depth + 1)
    return None


_DATELINE = re.compile(r".*(?:\)|[A-Z]{3,}|\d)\s*[—–-]{1,2}\s+(?=\S)", re.S)


_FOCUS = frozenset({"even", "only", "just", "also"})


def _trim_subject(subj: list[Token]) -> list[Token]:
    """The speaker's phrase less a leading focus adverb ("even Mr. Smith said")."""
    if len(subj) > 1 and subj[0].lower_ in _FOCUS and subj[0].dep_ == "advmod":
        return subj[1:]
    return subj


def _source_span(subj: list[Token], ctx: Ctx) -> Range | None:
    """The speaker's whole noun phrase, as PolNeAR marks it (appositions,
    ", who ..." clauses and ages included), less a leading dateline
    ("MACAU (Reuters) –") or markup left in the text."""
    rng = subtree_span(_trim_subject(subj))
    if rng is None:
        return None
    text = ctx.text[rng[0] : rng[1]]
    m = _DATELINE.match(text) if "(" in text or text[:1].isupper() else None
    if m and m.end() < len(text) and (
            ")" in text[: m.end()] or text[: m.end()].split(",")[0].isupper()):
        rng = (rng[0] + m.end(), rng[1])
    if ">" in ctx.text[rng[0] : rng[1]]:
        rng = trim(ctx.text, (ctx.text.rindex(">", *rng) + 1, rng[1]))
    return rng


def _is_cue_verb(tok: Token, lex: Lexicon) -> bool:
    return tok.pos_ == "VERB" and lex.cue_class(lex.lemma(tok)) is not None


def _colon_content(tok: Token, ctx: Ctx) -> list[Range] | None:
    """ "X reported:" + what follows the colon (rest of the paragraph's quote,
    sentence, or the whole next paragraph)."""
    doc, text = ctx.doc, ctx.text
    end = min(len(doc), tok.i + ctx.lex.colon_max_gap + 2)
    for j in range(tok.i + 1, end):
        t = doc[j]
        if t.text == ":":
            break
        if t.pos_ in ("VERB", "AUX") or t.text in ".!?;" or ctx.quote_at(t.idx):
            return None
    else:
        return None
    colon = doc[j].idx
    p = ctx.para_of(colon)
    after = text[colon + 1 : ctx.paras[p][1]] if p >= 0 else ""
    if after.strip():
        start = colon + 1 + (len(after) - len(after.lstrip()))
        q = ctx.quote_at(start)
        if q and q[0] == start:
            return [q]
        sent_end = doc[j].sent.end_char if j + 1 < len(doc) else len(text)
        if sent_end <= start:  # the parser split at the colon: take the next sentence
            nxt = doc[j + 1 :]
            sent_end = next((t.sent.end_char for t in nxt if not t.is_space), ctx.paras[p][1])
        return [(start, min(max(sent_end, start), ctx.paras[p][1]))]
    if p + 1 < len(ctx.paras):
        ps, pe = ctx.paras[p + 1]
        q = ctx.quote_at(ps)
        if q and q[0] == ps:
            return [(ps, max(pe, q[1]))]
        return [(ps, pe)]
    return None


def _adjacent_quote(tok: Token, ctx: Ctx, after: bool) -> Range | None:
    """A quotation right after the cue (He said, “...”) or right before its clause."""
    doc = ctx.doc
    if after:
        j = tok.i + 1
        while j < len(doc) and (doc[j].text in ",:" or doc[j].is_space):
            j += 1
        if j < len(doc):
            q = ctx.quote_at(doc[j].idx)
            if q and q[0] == doc[j].idx:
                return q
        return None
    i = tok.left_edge.i
    # '“..., there's no data to suggest that,” said one strategist': the parser gave the
    # cue the quotation's last word and closing mark; no clause of a cue after a
    # quotation starts inside it
    inside = ctx.quote_at(doc[i].idx)
    if inside and inside[1] <= tok.idx:
        while i < tok.i and doc[i].idx < inside[1]:
            i += 1
    q = ctx.quote_ending_before(i)
    # a quotation closing the previous paragraph is someone else's
    return q if q and ctx.para_of(q[1] - 1) == ctx.para_of(tok.idx) else None


def _clause(head: Token, lex: Lexicon) -> list[Token]:
    """A reported clause less a trailing ", referring to ..." / ", adding ...":
    that participle is a report of its own."""
    drop: set[int] = set()
    for t in head.subtree:
        if (t.dep_ == "advcl" and t.tag_ == "VBG" and t.i > head.i and _is_cue_verb(t, lex)
                and t.i and t.nbor(-1).text == ",") or _trailing_aside(t, head):
            drop.update(x.i for x in t.subtree)
    return [t for t in head.subtree if t.i not in drop]


_ASIDE_MARKS = frozenset({"as", "while", "though", "although", "whereas"})
_ASIDE_REL = frozenset({"where", "who", "which", "whose"})


def _trailing_aside(t: Token, head: Token) -> bool:
    """", even as ...", ", where ...", ", drawing ..." closing a reported clause:
    the writer's aside, which PolNeAR leaves out of the content."""
    if t.i <= head.i or t.right_edge.i != head.right_edge.i and not (
            t.right_edge.i + 1 == head.right_edge.i and head.right_edge.is_punct):
        return False
    left = t.left_edge
    if left.i == 0 or left.nbor(-1).text not in (",", "—", "--", "–"):
        return False
    if t.dep_ == "advcl" and (left.lower_ in _ASIDE_MARKS | {"even"}
                              or (left.i == t.i and left.tag_ == "VBG")):  # ", citing ..."
        return True
    return t.dep_ == "relcl" and left.lower_ in _ASIDE_REL


def _added(tok: Token, clause: Token) -> bool:
    """Whether a form of "add" stands between the cue and a clause the parser hung on
    it ("said before adding: ...", "said, adding ...", "said and added that ..."): the
    clause is what was added, a report of its own (the rules take it for "add")."""
    start = clause.left_edge.i
    return start > tok.i and any(t.lemma_ == "add" and t.pos_ == "VERB"
                                 for t in tok.doc[tok.i + 1 : start])


def _said_quote(q: Range, ctx: Ctx) -> bool:
    """A quotation someone said, not a scare quote: more than a few words, or
    a few that open their sentence (“Absolutely,” he said)."""
    if ctx.long_quote(q):
        return True
    ps = ctx.paras[ctx.para_of(q[0])][0]
    before = ctx.text[ps : q[0]].rstrip()
    return not before or before[-1] in ".!?:”\"'"


def _quote_before_speaker(tok: Token, subj: list[Token] | None, ctx: Ctx) -> Range | None:
    """ “Absolutely,” he said when asked: the parser may hang the quotation on
    the cue itself, so it sits just before the speaker, inside the cue's clause."""
    if not subj or subj[0].i > tok.i:
        return None
    q = ctx.quote_ending_before(subj[0].i)
    return q if q and q[0] >= tok.left_edge.idx else None


# tokens a speaker named between a quotation and its cue may take: '“...,” the
# presumptive GOP presidential nominee, Donald Trump, tweeted' (11)
SPEAKER_MAX_TOKENS = 12


def _quote_then_speaker(tok: Token, ctx: Ctx) -> tuple[Range, list[Token]] | None:
    """ “...,” Ramos, 58, told AFP — when the parse lost the link: a quotation,
    a short verbless stretch (the speaker), then the cue."""
    doc = ctx.doc
    for j in range(tok.i - 1, max(tok.i - SPEAKER_MAX_TOKENS - 1, -1), -1):
        t = doc[j]
        q = ctx.quote_at(t.idx)
        if q and q[1] == t.idx + len(t.text):
            speaker = [x for x in doc[j + 1 : tok.i] if not x.is_punct and not x.is_space]
            if speaker and _said_quote(q, ctx):
                return q, list(doc[j + 1 : tok.i])
            return None
        # '”, Tulsa police Chief Chuck Jordan said': the parser tagged "Tulsa" a verb;
        # a capitalised word inside the sentence is a name
        verb = t.pos_ in ("VERB", "AUX") and not (t.is_title and t.i > t.sent.start)
        if verb or t.is_space or t.text in ".!?;:":
            return None
    return None


_NO_SPEAKER = frozenset({"it", "this", "that", "there", "here", "what", "which"})


def colon_quote_rule(colon: Token, ctx: Ctx) -> Cand | None:
    """ 'Asked which county was his favorite, he demurred: “Whichever one I'm in.”',
    'Rubio fired back: “...”': a quotation a colon opens after a clause whose verb the
    lexicon does not know as a cue. The clause's subject is the speaker, its verb the
    cue: a name, a personal pronoun or a noun ("Obama's first five questioners ranged
    from skeptical to hostile: ..."); a subject that names no one ("it", "there": "Then
    there was the most obvious change of all: ...") or none introduces no one's words."""
    verb = colon.head
    if verb.i > colon.i or verb.pos_ not in ("VERB", "AUX"):
        return None
    para = ctx.para_of(colon.idx)
    if para < 0:
        return None
    q = next_quote(ctx, colon.idx + 1, ctx.paras[para][1])
    if q is None or not ctx.long_quote(q):
        return None
    subj = _subject(verb)
    if not subj:
        return None
    root = next((t for t in subj if t.head.i == verb.i or t.head not in subj), subj[0])
    if root.lower_ in _NO_SPEAKER or not (
            root.pos_ in ("PROPN", "NOUN")
            or (root.pos_ == "PRON" and root.lower_ in PERSONAL_PRONOUNS)
            or root.ent_type_ in ("PERSON", "ORG", "NORP")):
        return None
    cue = [verb, *(c for c in verb.children if c.dep_ == "prt")]
    source = _source_span(subj, ctx)
    lemma = ctx.lex.lemma(verb)
    return Cand("verb_colon", ctx.lex.cue_class(lemma) or "speech",
                " ".join([lemma, *(t.lower_ for t in cue[1:])]), tok_ranges(cue), source, [q])


def _raising(tok: Token, ctx: Ctx) -> Cand | None:
    """ "X seemed to shrink", "it appears that Y": an impression no one is
    named for; the content is the whole clause, the cue inside it."""
    comps = [c for c in tok.children if c.dep_ in ("xcomp", "acomp", "ccomp", "attr")
             or (c.dep_ == "prep" and c.lower_ == "like")]
    if not comps:
        return None
    sent = tok.sent
    # the subject and the complement: not a fronted "In the meantime, however,"
    # nor a trailing ", even as ..." (PolNeAR's content)
    content: list[Token] = []
    for c in tok.children:
        if (c.dep_ in ("nsubj", "nsubjpass") and c.lower_ != "it") or c in comps:
            content.extend(t for t in (_clause(c, ctx.lex) if c in comps else c.subtree)
                           if sent.start <= t.i < sent.end)
    ranges = tok_ranges(content)
    if not ranges:
        return None
    cue = [(tok.idx, tok.idx + len(tok.text))]
    return Cand("verb_raising", "other", ctx.lex.lemma(tok), cue, None, ranges)


def _inverted_speaker(tok: Token, ctx: Ctx, cls: str | None) -> list[Token] | None:
    """'"...," said Skelly' / '"...," added a Democrat': the speaker the parser
    took for an object or adverb right after a cue that follows a quotation."""
    if cls != "speech" or tok.i == 0 or tok.i + 1 >= len(tok.doc):
        return None
    prev = tok.nbor(-1)
    if not (prev.is_punct and (prev.text == "," or ctx.quote_at(prev.idx) is not None)):
        return None
    for c in tok.children:
        if (c.i > tok.i and c.left_edge.i == tok.i + 1 and c.dep_ in ("dobj", "advmod", "npadvmod")
                and (c.pos_ in ("PROPN", "NOUN") or c.tag_ == "NNP")):
            return list(c.subtree)
    return None


def _speaker_in_clause(tok: Token, ctx: Ctx) -> tuple[Range, list[Token]] | None:
    """ '"...," said Ben Carson, asked about it': the parser made the speaker
    the subject of a clause hung on the cue; the quotation before is what was said."""
    q = ctx.quote_ending_before(tok.i)
    if q is None or not _said_quote(q, ctx):
        return None
    for c in tok.children:
        if c.dep_ in ("ccomp", "advcl") and c.i > tok.i:
            subj = [n for n in c.children if n.dep_ == "nsubj" and n.left_edge.i == tok.i + 1]
            if subj and subj[0].pos_ in ("PROPN", "NOUN"):
                return q, list(subj[0].subtree)
    return None


def _mistaken_speaker(tok: Token) -> list[Token] | None:
    """ '“...,” Skelly said': a name right before the cue the parser took for
    an adverb or object of it."""
    if tok.i == 0:
        return None
    c = tok.nbor(-1)
    if (c.head.i == tok.i and c.dep_ in ("advmod", "npadvmod", "dobj")
            and (c.tag_ == "NNP" or c.is_title)
            and c.left_edge.i > 0 and c.left_edge.nbor(-1).text in (",", "”", "''", '"', "’")):
        return list(c.subtree)
    return None


def _asked_unnamed(tok: Token, lemma: str, lex: Lexicon) -> bool:
    """ "Asked whether ..., Rubio said" / "he was asked about X": whoever asked
    (told, urged) is not named; the one asked is the addressee, not the source."""
    return (lemma in lex.addressee and tok.tag_ == "VBN"
            and not any(c.dep_ == "nsubj" for c in tok.children))


def _idiom(tok: Token, lex: Lexicon) -> bool:
    """The cue inside a set phrase that reports nothing (cues.json "idioms")."""
    doc = tok.doc
    for words in lex.idioms.get(tok.lower_, ()):
        k = words.index(tok.lower_)
        start = tok.i - k
        if start >= 0 and start + len(words) <= len(doc) and all(
                doc[start + n].lower_ == w for n, w in enumerate(words)):
            return True
    return False


def _as_phrase(tok: Token, lemma: str, lex: Lexicon) -> Token | None:
    """The object of "as X put it" (cues.json "as_phrases": verb -> object)."""
    word = lex.as_phrases.get(lemma)
    if word is None or not any(c.dep_ in ("mark", "advmod") and c.lower_ == "as"
                               for c in tok.children):
        return None
    return next((c for c in tok.children if c.dep_ == "dobj" and c.lower_ == word), None)


def verb_rule(tok: Token, ctx: Ctx) -> Cand | None:
    lex = ctx.lex
    lemma = lex.lemma(tok)
    cls = lex.cue_class(lemma)
    as_obj = _as_phrase(tok, lemma, lex)
    if as_obj is not None:  # "As Amar put it, ...": a cue only in that frame
        cls = "speech"
    if cls is None or tok.pos_ != "VERB":
        return None
    if tok.dep_ in ("amod", "compound") or (tok.dep_ == "acl" and tok.tag_ == "VBN" and not (
            cls == "speech" and _quote_then_speaker(tok, ctx))):
        # "a program called X", "the so-called": naming, not saying; but in '“...,” the
        # nominee, Donald Trump, tweeted Sunday' the parser hung the cue on the speaker
        return None
    nxt_noun = tok.i + 1 < len(tok.doc) and tok.nbor(1).pos_ == "NOUN"
    if nxt_noun and tok.tag_ in ("VBN", "VBD") and (
        (tok.i and tok.nbor(-1).tag_ == "CD")
        or (tok.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in tok.children))
    ):
        return None  # "271 pledged delegates", "a reported increase": adjectives
    if tok.idx and ctx.text[tok.idx - 1] in "<_/@#":
        return None  # markup (<tweet ...>), handles and tags
    if _idiom(tok, lex):
        return None  # "That said, ...", "as they say", "hard to say whether"
    if lemma in lex.raising:
        # "made him appear to grimace": a bare infinitive is no report
        return _raising(tok, ctx) if tok.tag_ not in ("VB", "VBG") else None
    subj = None if _asked_unnamed(tok, lemma, lex) else (
        _subject(tok) or _inverted_speaker(tok, ctx, cls) or _mistaken_speaker(tok))
    q: Range | None
    if subj is None and cls == "speech":
        found = _speaker_in_clause(tok, ctx)
        if found:  # '"...," said Ben Carson, asked about ...'
            q, speaker = found
            source = _source_span(speaker, ctx)
            return Cand("verb_inverted", cls, lemma, [(tok.idx, tok.idx + len(tok.text))],
                        source, [q])
    # "Clinton supports pay raises, opposes pay freezes": a clause with its own subject
    # before a cue with none, the cue going on with an object of its own, is the first
    # of two predicates the parser hung on the second; it is not what the second
    # reports, and its subject is the second's too. ("The hospital lost money, state
    # records show": the cue ends the sentence, and the clause is what it reports.)
    sibling = None if subj is not None or not any(
        c.dep_ in ("dobj", "prep", "ccomp", "xcomp") and c.i > tok.i for c in tok.children
    ) else next((c for c in tok.children if c.dep_ == "ccomp" and c.i < tok.i
                 and not ctx.quote_at(c.idx) and any(x.dep_ == "nsubj" for x in c.children)),
                None)
    if sibling is not None:
        subj = list(next(x for x in sibling.children if x.dep_ == "nsubj").subtree)
    shared = subj is not None and not any(t.head.i == tok.i for t in subj)
    subj_ids = {t.i for t in subj} if subj else set()
    prt = [c for c in tok.children if c.dep_ == "prt"]
    cue_toks = [tok, *prt] if as_obj is None else [tok, as_obj]
    preps = lex.prep_content.get(lemma, frozenset())
    content: set[Token] = set()
    strong = False
    rule = "verb_clause"
    for c in tok.children:
        d = c.dep_
        if c.i in subj_ids:
            continue
        # "wants to say": the saying is a report of its own, but what one
        # declines, refuses or plans to say is that verb's content
        if d == "ccomp" and _added(tok, c):
            continue  # "“A,” X said before adding: “B.”": B is the adding's, A this cue's
        if sibling is not None and c.i == sibling.i:
            continue
        # "vowed to continue the fight": a verb that reports only with a quotation
        # ("he continued, “...”") is what an infinitive after a cue says, not a cue
        if d == "ccomp" or (d == "xcomp" and (cls == "other" or not _is_cue_verb(c, lex)
                                              or lex.lemma(c) in lex.quote_only)):
            content.update(_clause(c, lex))
            strong = True
        elif d == "prep" and c.lower_ in preps and c.i > tok.i:  # not "On the trail, X called"
            # "called for X", "warned of X": a preposition next to the verb is
            # part of the cue ("accused X of Y" keeps "X of Y" together)
            if c.i == cue_toks[-1].i + 1:
                content.update(t for t in c.subtree if t.i != c.i)
                cue_toks.append(c)
            else:
                content.update(c.subtree)
            strong, rule = True, "verb_object"
        elif d in ("dobj", "oprd") and lemma in lex.object_content and lemma not in lex.addressee:
            if c.lower_ in _REFLEXIVE and lemma != "describe":
                return None  # "calls itself X": naming ("described himself as" says something)
            if c.lower_ in lex.empty_objects and not ctx.quote_at(c.idx):
                return None  # "said nothing", "saying something stupid", "said it"
            content.update(c.subtree)
            rule = "verb_object"
        elif d == "nsubjpass" and c.lower_ != "it" and lemma not in lex.addressee:
            # "it was reported that": no one's; "she was asked": the addressee
            content.update(c.subtree)
            rule = "verb_passive"
    if rule == "verb_passive" and not strong and lemma not in lex.passive_object:
        return None  # "was charged", "was declared the winner": an act, not a report
    if rule == "verb_object" and content:
        # "described the dinner as X", "promised Y, if elected, starting with Z":
        # what follows the object is part of what was said
        last = max(t.i for t in content)
        for c in tok.children:
            if (c.i > last and c.dep_ in _OBJECT_TAIL and not _is_cue_verb(c, lex)
                    and not (c.dep_ == "prep" and (c.lower_ in _CIRCUMSTANCE or any(
                        g.ent_type_ in ("DATE", "TIME") for g in c.children)))):
                content.update(c.subtree)
    colon = _colon_content(tok, ctx) if cls == "speech" else None
    ranges: list[Range] = []
    if colon:  # what the parser hung on the cue is the same text, cut at sentence ends
        ranges, strong, rule = colon, True, "colon_block" if colon[0][0] > tok.idx + 200 or (
            ctx.para_of(colon[0][0]) != ctx.para_of(tok.idx)) else "verb_colon"
        content = set()
    if not content and not ranges and cls == "speech":
        # "As X reported, Y" and "Y, X said" (parataxis): the clause the cue hangs on
        marks = {c.lower_ for c in tok.children if c.dep_ == "mark"}
        prev = tok.nbor(-1) if tok.i > 0 else None
        inverted = (subj and subj[0].i > tok.i and prev is not None
                    and (prev.text == "," or ctx.quote_at(prev.idx) is not None))
        answer = [c for c in tok.children if c.i == tok.i + 1 and c.lower_ in _ANSWERS]
        if answer:  # "75 percent said yes", "half said so", "he said no to the war"
            content.update(answer[0].subtree)
            strong = True
        elif tok.dep_ == "parataxis" or (tok.dep_ == "advcl" and "as" in marks) or (
                tok.dep_ == "conj" and inverted):  # "Y, but Z, said the chief executive"
            head = tok.head
            own = {t.i for t in tok.subtree}
            lead = -1
            if tok.right_edge.i < head.i:  # "As we reported yesterday, Y": Y starts after the comma
                lead = next((t.i for t in tok.doc[tok.right_edge.i + 1 : head.i] if t.text == ","),
                            -1)
            content.update(t for t in head.subtree if t.i not in own and t.i > lead)
            strong, rule = True, "verb_aside"
        elif inverted:
            before = [t for t in tok.subtree if t.i < tok.i and t.i not in subj_ids]
            # '“...,” said one Florida strategist': with the quotation hung elsewhere,
            # only its closing mark is left here; the quotation is found below
            if not all(t.pos_ in _FUNCTION_POS for t in before):
                content.update(before)
                strong, rule = True, "verb_inverted"
    if not content and not ranges and cls == "speech":
        q = (_adjacent_quote(tok, ctx, after=True) or _adjacent_quote(tok, ctx, after=False)
             or _quote_before_speaker(tok, subj, ctx))
        if q and _said_quote(q, ctx):
            ranges, strong, rule = [q], True, "verb_quote"
            if subj and all(q[0] <= t.idx < q[1] for t in subj if not t.is_punct):
                # '"Meh," wrote a Trump supporter': the parser's subject is the quotation's
                subj = _inverted_speaker(tok, ctx, cls)
                shared = False
        else:
            found = _quote_then_speaker(tok, ctx)
            if found:
                q, subj = found
                shared = False
                ranges, strong, rule = [q], True, "verb_quote"
    if not strong and lemma in lex.need_clause:
        return None
    if len(content) == 1 and next(iter(content)).tag_ in ("WDT", "WP", "WRB"):
        return None  # "what he said": the content is elsewhere (or nowhere)
    if content and all(t.pos_ in _FUNCTION_POS for t in content):
        return None  # "the cards they never asked for"
    if content:
        if subj:
            content.difference_update(subj)
        content.difference_update(cue_toks)
        ranges = tok_ranges(content)
    # “A,” he said, “B.” and “A,” said an Iowa Democrat, “B.”: the quotation resumes
    # after the cue clause
    if ranges and ranges[-1][1] <= tok.idx:
        q = _adjacent_quote(tok, ctx, after=True)
        if q is None and subj and subj[0].i > tok.i:
            q = _adjacent_quote(subj[-1], ctx, after=True)
        if q and q not in ranges:
            ranges.append(q)
    # '"Now somebody else who has never shown any regard for workers," Obama said, "they
    # don't suddenly become a populist ..."': the parser gave the cue the quotation after
    # it; the one before the speaker opens the same words
    elif ranges and ranges[0][0] > tok.idx and subj and subj[0].i < tok.i and not shared \
            and tok.tag_ != "VBG" and ctx.quote_at(ranges[0][0]):  # not ", adding, ..."
        q = ctx.quote_ending_before(subj[0].i)
        # the same sentence, cut by a comma ('...," Obama said, "...'): not the last
        # sentence's quotation before '"..." He continued, "..."'
        if q and _said_quote(q, ctx) and q[1] <= subj[0].idx and q[0] >= tok.sent.start_char \
                and "," in ctx.text[q[1] - 2 : subj[0].idx]:
            ranges.insert(0, q)
    if not ranges:
        return None
    if lemma in lex.quote_only and not any(ctx.quote_at(s) for s, _ in ranges):
        return None  # "he continued, “...”" reports; "prices continued to rise" does not
    source = _source_span(subj, ctx) if subj else None
    lemma_text = " ".join([lemma, *(p.lower_ for p in cue_toks[1:])])
    return Cand(rule, cls, lemma_text, tok_ranges(cue_toks), source, ranges, shared)


# ---------------------------------------------------------------- according to


def according_rule(tok: Token, ctx: Ctx) -> Cand | None:
    doc = ctx.doc
    for phrase in ctx.lex.according:
        n = len(phrase)
        if tok.i + n > len(doc) or any(doc[tok.i + k].lower_ != w for k, w in enumerate(phrase)):
            continue
        last = doc[tok.i + n - 1]
        objs = [c for c in last.children if c.dep_ == "pobj"]
        if not objs:
            return None
        source = subtree_span(objs[0].subtree)
        sent = tok.sent
        # the whole clause the source vouches for: climb to the sentence root,
        # stopping at a coordinated clause ("A, but according to Z, B" is B)
        anchor = tok.head
        # ("A, but according to Z, B" is B; "A, but B, according to Z" is both)
        while anchor.head.i != anchor.i and not (
                anchor.dep_ == "ROOT" or (anchor.dep_ == "conj" and tok.i < anchor.i)):
            anchor = anchor.head
        own = {t.i for t in tok.subtree} | {tok.i + k for k in range(n)}
        content = [t for t in anchor.subtree if t.i not in own and sent.start <= t.i < sent.end]
        ranges = tok_ranges(content)
        if not ranges:
            return None
        cue = [(tok.idx, last.idx + len(last.text))]
        return Cand("according_to", "speech", " ".join(phrase), cue, source, ranges)
    return None


def impersonal_rule(tok: Token, ctx: Ctx) -> Cand | None:
    """ "It is unclear whether Y", "it is likely that Y": an impression no one
    is named for; the cue is the copula and the adjective, the content its clause."""
    if tok.dep_ != "acomp" or tok.head.pos_ != "AUX" or tok.lower_ not in ctx.lex.impersonal:
        return None
    head = tok.head
    if not any(c.dep_ == "nsubj" and c.lower_ == "it" for c in head.children):
        return None
    clauses = [c for c in (*head.children, *tok.children) if c.dep_ == "ccomp"]
    if not clauses:
        return None
    ranges = tok_ranges(clauses[0].subtree)
    if not ranges:
        return None
    cue = [(head.idx, tok.idx + len(tok.text))]
    return Cand("impersonal", "other", tok.lower_, cue, None, ranges)


def adverb_rule(tok: Token, ctx: Ctx) -> Cand | None:
    """ "X is reportedly doing Y": the sentence, vouched for by no one named."""
    if tok.dep_ != "advmod" or tok.head.pos_ not in ("VERB", "AUX"):
        return None
    sent = tok.sent
    content = [t for t in tok.head.subtree if t.i != tok.i and sent.start <= t.i < sent.end]
    ranges = tok_ranges(content)
    if not ranges:
        return None
    cue = [(tok.idx, tok.idx + len(tok.text))]
    return Cand("adverb", "speech", tok.lower_, cue, None, ranges)


# ---------------------------------------------------------------- assembly


def _finish(c: Cand, ctx: Ctx, roles: list[Range]) -> Attribution | None:
    text = ctx.text
    ranges = list(c.content)
    if c.cue and c.rule != "colon_block":
        # the parse may run across a paragraph break; a claim does not
        ps, pe = ctx.paras[ctx.para_of(c.cue[0][0])]
        ranges = [r if next_quote(ctx, r[0], r[1]) else (max(r[0], ps), min(r[1], pe))
                  for r in ranges if next_quote(ctx, r[0], r[1]) or (r[0] < pe and r[1] > ps)]
    # take quotations whole (unless the cue itself sits inside them)
    cue_start = c.cue[0][0] if c.cue else -1
    for s, e in list(ranges):
        for pos in (s, e - 1):
            q = ctx.quote_at(pos)
            if q and not (q[0] <= cue_start < q[1]):
                ranges.append(q)
    ranges = merge(ranges, text)
    own = [r for r in (c.source, *(c.cue or [])) if r]
    cut = roles + own
    for s, e in list(ranges):
        if c.rule == "colon_block":  # a block quotation: quoted by its layout
            cut.extend(brackets_in(text, s, e))
        for qs, qe in ctx.quotes:
            if qs < e and qe > s:
                cut.extend(brackets_in(text, qs, qe))
    ranges = [r for r in (trim(text, r) for r in subtract(ranges, cut)) if r]
    if not ranges:
        return None
    ranges = merge(ranges, text)
    pieces = [Span.of(text, s, e) for s, e in ranges]
    content = pieces[0] if len(pieces) == 1 else Span(
        start=ranges[0][0], end=ranges[-1][1], text=text[ranges[0][0] : ranges[-1][1]],
        fragments=pieces)
    cue = None
    if c.cue:
        cs, ce = c.cue[0][0], c.cue[-1][1]
        cue = Span.of(text, cs, ce)
    return Attribution(
        source=Span.of(text, *c.source) if c.source else None,
        cue=cue,
        content=content,
        kind="direct" if c.rule == "colon_block" else _kind(ranges, ctx),
        cue_class=c.cue_class,  # type: ignore[arg-type]
        cue_lemma=c.cue_lemma,
        rule=c.rule,
    )


def _kind(ranges: list[Range], ctx: Ctx) -> Literal["direct", "indirect", "mixed"]:
    inside = outside = 0
    for s, e in ranges:
        for m in WORD.finditer(ctx.text, s, e):
            if ctx.quote_at(m.start()):
                inside += 1
            else:
                outside += 1
    if inside and not outside:
        return "direct"
    return "mixed" if inside else "indirect"


def _quoted_cue(c: Cand, ctx: Ctx, others: list[Cand]) -> bool:
    """A cue inside a quotation that is another attribution's content is part
    of that quotation, not a new attribution."""
    if not c.cue:
        return False
    q = ctx.quote_at(c.cue[0][0])
    # a short quotation counts when it opens its sentence: in '"Thank you, son," Cruz
    # replied' the quoted "Thank" is no cue, and its content ("Cruz replied, ...") took
    # the reply's cue and lost it (a scare-quoted "said" mid-sentence stays a cue)
    if not q or not _said_quote(q, ctx):
        return False
    if c.rule != "speaker_colon":
        return True
    for o in others:
        if o is c or not o.cue or q[0] <= o.cue[0][0] < q[1]:
            continue
        if any(s < q[1] and e > q[0] for s, e in o.content):
            return True
    return False


def _nested_cues(cands: list[Cand]) -> set[int]:
    """One role per token: a report inside another's reported words ("X blasted the
    system, which he said ...") is part of those words: the indexes of the candidates
    whose cue some speech's content holds. Only "according to" hops are kept apart."""
    holders = Intervals((s, e, i) for i, o in enumerate(cands)
                        if o.rule != "according_to" and o.cue_class == "speech"
                        for s, e in o.content)
    return {i for i, c in enumerate(cands)
            if c.cue and c.rule not in ("according_to", "speaker_colon")
            and holders.any_holding(c.cue[0][0], c.cue[0][0] + 1, but=i)}


def _nested_roles(cands: list[Cand]) -> list[list[Range]]:
    """For each candidate, the source and cue of the attributions nested in its content:
    one role per token, so "X claimed Y, according to Z" gives Z the content Y only."""
    # only "according to" is a relaying hop; "X said she believes Y" keeps "she
    # believes" in X's words: a cue counts inside an "according to" content, and an
    # "according to" cue inside any
    cues = Points((o.cue[0][0], i) for i, o in enumerate(cands) if o.cue)
    hops = Points((o.cue[0][0], i) for i, o in enumerate(cands)
                  if o.cue and o.rule == "according_to")
    out: list[list[Range]] = []
    for i, c in enumerate(cands):
        roles: list[Range] = []
        for j in sorted((cues if c.rule == "according_to" else hops).inside(c.content) - {i}):
            o = cands[j]
            roles.extend(o.cue or ())
            if o.source and not o.shared_source:
                roles.append(o.source)
        out.append(roles)
    return out


def find_attributions(doc: Doc, lex: Lexicon | None = None, at_start: bool = True,
                      ctx: Ctx | None = None) -> list[Attribution]:
    """All attributions in a parsed doc, sorted by content start.

    `at_start` False: the doc is a later piece of a long text, so the rules
    that read a document's first lines (headlines, the opening) stay out."""
    lex = lex or load_lexicon()
    ctx = ctx or Ctx.of(doc, lex)
    cands: list[Cand] = []
    heads = {p[0] for p in lex.according}
    says = headline_says_rule(ctx) if at_start else None
    if says:
        cands.append(says[0])
    for tok in doc:
        c = None
        if says and tok.i == says[1]:
            continue
        if tok.lower_ in heads:
            c = according_rule(tok, ctx)
        elif tok.lower_ in lex.adverbs:
            c = adverb_rule(tok, ctx)
        elif tok.lower_ == "in":
            c = in_source_rule(tok, ctx)
        elif tok.pos_ == "VERB":
            c = verb_rule(tok, ctx)
        elif tok.pos_ == "ADJ":
            c = impersonal_rule(tok, ctx)
        elif tok.pos_ == "NOUN":
            c = noun_rule(tok, ctx)
        if c:
            cands.append(c)
    h = headline_rule(ctx) if at_start else None
    if h:  # "Speaker: claim" titles: the speaker's verbs are inside the claim
        cands = [c for c in cands if not (c.cue and c.cue[0][0] < ctx.paras[0][1])]
        cands.append(h)
    colons = {c.cue[0][0] for c in cands if c.cue and c.cue_lemma == ":"}
    used = {r[0] for c in cands for r in c.content}
    for tok in doc:
        if tok.text == ":" and tok.idx not in colons and tok.idx + 1 not in used:
            c = speaker_colon_rule(tok, ctx) or colon_quote_rule(tok, ctx)
            if c and not any(s <= tok.idx < e for o in cands for s, e in o.content) and not (
                    c.rule == "verb_colon" and any(  # the quotation is no one's yet
                        s < c.content[0][1] and e > c.content[0][0]
                        for o in cands for s, e in o.content)):
                cands.append(c)
    # a signed post with a cue of its own inside is that cue's; a signed
    # quotation is the signer's, whatever it reports
    signed = [c for c in signature_rule(ctx)
              if ctx.quote_at(c.content[0][0]) or not any(
                  o.cue and c.content[0][0] <= o.cue[0][0] < c.content[0][1] for o in cands)]
    cands.extend(signed)
    continue_quotes(cands, ctx)
    cands = [c for c in cands if not _quoted_cue(c, ctx, cands)]
    nested = _nested_cues(cands)
    cands = [c for i, c in enumerate(cands) if i not in nested]
    # after the cues inside quotations are gone: they are neither the last report of a
    # paragraph nor an attribution holding the quotation that follows it
    cands.extend(quote_after_report(cands, ctx))
    out = _drop_near_duplicates(
        [a for a in (_finish(c, ctx, roles)
                     for c, roles in zip(cands, _nested_roles(cands), strict=True)) if a], doc)
    for c in no_source_rule(ctx, cands) if at_start else ():
        a = _finish(c, ctx, [])
        if a:
            out.append(a)
    out.sort(key=lambda a: (a.content.start, a.content.end))
    return out


# how surely a rule finds the right speaker (dev: share of exact sources)
_RULE_TRUST = {"verb_clause": 2, "verb_colon": 2, "verb_aside": 2, "according_to": 2,
               "verb_inverted": 2, "colon_block": 2,
               "verb_quote": 0, "verb_passive": 0, "adverb": 0, "verb_raising": 0}


OUTER = 1


def _drop_near_duplicates(atts: list[Attribution], doc: Doc) -> list[Attribution]:
    """One claim per stretch of text: of two attributions whose contents share
    at least half their words ("refused to answer X" / "answer X", a quote taken
    both by its colon and by its verb), keep the speech one, then the one with a
    source, then the one from the surer rule, then the longer. A hop nested in a
    longer content shares less."""
    # arrays, not a Token object per token of the doc
    arr = doc.to_array([IDX, IS_PUNCT, IS_SPACE]).tolist()
    starts = [r[0] for r in arr]
    words = [not (r[1] or r[2]) for r in arr]

    def word_set(a: Attribution) -> frozenset[int]:
        out: set[int] = set()
        for f in a.content.pieces():
            i = bisect.bisect_left(starts, f.start)
            while i < len(starts) and starts[i] < f.end:
                if words[i]:
                    out.add(i)
                i += 1
        return frozenset(out)

    sets = [word_set(a) for a in atts]
    # where every cue begins, so "holds another's cue" is a search per content piece,
    # not a test of every other attribution (quadratic in a piece of many claims)
    cue_starts = sorted(r.start for b in atts if b.cue is not None for r in b.cue.pieces())

    def holds_a_cue(a: Attribution) -> bool:
        return any(bisect.bisect_left(cue_starts, c.start) < bisect.bisect_left(cue_starts, c.end)
                   for c in a.content.pieces())

    order = sorted(range(len(atts)), reverse=True, key=lambda i: (
        OUTER and holds_a_cue(atts[i]),
        atts[i].cue_class == "speech", atts[i].source is not None,
        _RULE_TRUST.get(atts[i].rule or "", 1), atts[i].content.end - atts[i].content.start))
    kept: list[int] = []
    kept_at: dict[int, list[int]] = defaultdict(list)  # a word -> the kept claims holding it
    for i in order:
        # only a kept claim sharing a word can share half the words
        near = {k for w in sets[i] for k in kept_at.get(w, ())}
        if any(len(sets[i] & sets[k]) * 2 >= len(sets[i] | sets[k]) > 0
               and not _relay(atts[i], atts[k]) for k in near):
            continue
        kept.append(i)
        for w in sets[i]:
            kept_at[w].append(i)
    return [atts[i] for i in sorted(kept)]


def _relay(a: Attribution, b: Attribution) -> bool:
    """"According to X, Y claimed that Z": X relays Y's claim, a chain of two;
    so does "X said Y claimed Z", one cue inside the other's content (but not
    "X refused to answer Z": one speaker, one claim)."""
    if _holds_cue(a, b) or _holds_cue(b, a):
        return not _same_source(a, b)
    return (a.rule == "according_to") != (b.rule == "according_to") and (
        a.source is not None and b.source is not None
        and (a.source.end <= b.source.start or b.source.end <= a.source.start))


def _holds_cue(outer: Attribution, inner: Attribution) -> bool:
    return inner.cue is not None and any(
        c.start <= r.start < c.end for r in inner.cue.pieces() for c in outer.content.pieces())


def _same_source(a: Attribution, b: Attribution) -> bool:
    if a.source is None or b.source is None:
        return a.source is None and b.source is None
    return a.source.start < b.source.end and b.source.start < a.source.end
