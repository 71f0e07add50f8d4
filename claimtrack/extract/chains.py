"""Relay chains: which attribution carries another one to the reader.

Three general rules, applied in this order; a link is only added when it
creates no cycle and the attribution is not linked yet (nothing when unsure):

1. nesting: B's cue and source lie inside A's content ("X reported that
   officials said Y", a quote that quotes someone) -> B is relayed by the
   smallest such A; not when B is A's own voice ("he said he thinks"), a
   relative-clause aside ("Smith, who claimed X"), or no one who can speak;
2. a sentence-initial or sentence-final "according to S" scopes over the
   whole sentence ("X claimed that Y, according to S") -> every other top-level
   attribution of that sentence is relayed by S's;
3. a sentence whose subject is an anaphoric noun ("The information comes from
   an unnamed official who confirmed ...") hands the previous sentence's claim
   to the attribution whose source is the object -> that attribution is relayed
   by the previous sentence's outermost attribution.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Doc, Token

from claimtrack.extract.spans import sentences
from claimtrack.models import Attribution, Span
from claimtrack.text.intervals import Intervals
from claimtrack.text.sourcephrase import DOCUMENT_NOUNS, ROLE_NOUNS, VAGUE_HEADS

# cue words (lowercase, as written) of attributions that scope over a whole sentence
SENTENCE_RELAYS: tuple[str, ...] = ("according to", "as reported by", "as cited by")
# verb lemma -> prepositions that introduce where the previous claim came from
HANDOVER_VERBS: dict[str, frozenset[str]] = {
    "come": frozenset({"from"}),
    "stem": frozenset({"from"}),
    "originate": frozenset({"from", "with"}),
    "base": frozenset({"on", "upon"}),
    "provide": frozenset({"by"}),
    "supply": frozenset({"by"}),
    "leak": frozenset({"by"}),
    "source": frozenset({"from", "to"}),
    "attribute": frozenset({"to"}),
    "trace": frozenset({"to"}),
    "rely": frozenset({"on", "upon"}),
}
# subjects that point back at the previous sentence's claim
HANDOVER_NOUNS = frozenset(
    {"information", "report", "claim", "news", "allegation", "account", "story", "revelation"}
    | {"intelligence", "assessment", "finding", "statement", "detail", "figure", "data"}
    | {"tip", "evidence", "accusation", "charge", "rumour", "rumor", "assertion", "leak"}
)
HANDOVER_PRONOUNS = frozenset({"this", "it", "that"})
PERSONAL_PRONOUNS = frozenset({"i", "we", "he", "she", "it", "they", "you"})
# heads of sources that can speak besides names, pronouns and flags.py's role,
# crowd and document nouns: bodies of people
SPEAKING_BODIES = frozenset(
    {"camp", "campaign", "government", "administration", "committee", "agency", "department"}
    | {"ministry", "police", "army", "military", "court", "jury", "panel", "group", "party"}
    | {"union", "company", "newspaper", "network", "council", "commission", "office"}
    | {"voters", "journalists", "reporters", "authorities", "leaders", "scientists"}
    | {"president", "secretary", "chairman", "chairwoman", "chief", "candidate", "judge"}
    | {"expert", "experts", "nominee", "aide", "staff", "prosecutor", "prosecutors"}
)
# agent nouns (senator, lawyer, economist, historian) are people too
_AGENT_SUFFIX = re.compile(r"(?:[^t]er|or|ist|ian)s?$")
NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom", "whose"})
ANAPHORIC_DETERMINERS = frozenset({"the", "this", "that", "these", "those", "such"})
# what may precede a sentence-initial relay or follow a sentence-final one
_EDGE_POS = frozenset({"PUNCT", "SPACE", "CCONJ", "SYM"})


def _reaches(atts: list[Attribution], start: int, target: int) -> bool:
    """Whether walking relayed_by from `start` arrives at `target`."""
    seen: set[int] = set()
    cur: int | None = start
    while cur is not None and cur not in seen:
        if cur == target:
            return True
        seen.add(cur)
        cur = atts[cur].relayed_by
    return False


def _link(atts: list[Attribution], inner: int, outer: int, relation: str | None) -> bool:
    if inner == outer or atts[inner].relayed_by is not None or _reaches(atts, outer, inner):
        return False
    atts[inner].relayed_by = outer
    atts[inner].relation = relation
    return True


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


class _Sentences:
    """Sentence index of a character offset."""

    def __init__(self, doc: Doc):
        self.sents = [s for s in sentences(doc) if s.text.strip()]
        self.starts = [s.start_char for s in self.sents]

    def of(self, pos: int) -> int:
        return max(bisect_right(self.starts, pos) - 1, 0)


def _anchor(att: Attribution) -> int:
    if att.cue is not None:
        return att.cue.start
    return att.source.start if att.source is not None else att.content.start


def _is_sentence_relay(doc: Doc, sents: _Sentences, att: Attribution) -> bool:
    """An "according to S" phrase at the very start or end of its sentence."""
    if att.cue is None or not _words(att.cue.text).startswith(SENTENCE_RELAYS):
        return False
    sent = sents.sents[sents.of(att.cue.start)]
    end = max(att.cue.end, att.source.end if att.source is not None else 0)
    before = [t for t in sent if t.idx < att.cue.start]
    after = [t for t in sent if t.idx >= end]
    return all(t.pos_ in _EDGE_POS or t.dep_ == "advmod" for t in before) or all(
        t.pos_ in _EDGE_POS for t in after
    )


def _who(att: Attribution) -> str | None:
    if att.source_entity:
        return att.source_entity.lower()
    return _words(att.source.text) if att.source is not None else None


def _nestable(att: Attribution) -> bool:
    """Inner attributions worth a hop: a stated source that is not a relative
    pronoun ("Smith, who claimed X": the author's aside, not a relayed claim)."""
    return (
        att.cue is not None
        and att.source is not None
        and _words(att.source.text) not in RELATIVE_PRONOUNS
    )


def _self_report(outer: Attribution, inner: Attribution) -> bool:
    """ "He said he thinks", "42% say they don't know": one speaker, no hop."""
    if _who(outer) == _who(inner):
        return True
    assert inner.source is not None
    pronoun = _words(inner.source.text) in PERSONAL_PRONOUNS
    return pronoun and inner.source_entity in (None, outer.source_entity)


def _relation(outer: Attribution) -> str | None:
    """The outer cue's words; none for a bare colon or quote mark."""
    cue = outer.cue
    return _words(cue.text) if cue is not None and re.search(r"[^\W\d_]", cue.text) else None


def _can_speak(doc: Doc, att: Attribution) -> bool:
    """Whether the source is someone: a resolved or tagged name, a person
    pronoun, or a noun for people or their documents ("the decision" is not)."""
    assert att.source is not None
    if att.source_entity:
        return True
    span = doc.char_span(att.source.start, att.source.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    root = span.root
    word = root.lower_
    if root.pos_ == "PRON":
        return word in PERSONAL_PRONOUNS - {"it"}
    return (
        root.ent_type_ in NAMED_LABELS
        or root.pos_ == "PROPN"
        or word in ROLE_NOUNS | VAGUE_HEADS | DOCUMENT_NOUNS | SPEAKING_BODIES
        or root.lemma_.lower() in ROLE_NOUNS | DOCUMENT_NOUNS | SPEAKING_BODIES
        or (root.pos_ == "NOUN" and _AGENT_SUFFIX.search(word) is not None)
    )


def _nest(doc: Doc, atts: list[Attribution], relays: set[int]) -> None:
    # nobody stated carries nothing; linking changes no content or source
    contents = Intervals((o.content.start, o.content.end, a) for a, o in enumerate(atts)
                         if o.source is not None)
    for b, att in enumerate(atts):
        if b in relays or not _nestable(att) or not _can_speak(doc, att):
            continue
        parts = [p for p in (att.cue, att.source) if p is not None]  # both: _nestable
        # the contents holding every part: the hull, not the fragments (the extractor
        # cuts a nested attribution's source and cue out of the outer content: "that
        # [officials said] the talks ...")
        holders = [a for a in contents.holding(min(p.start for p in parts),
                                               max(p.end for p in parts)) if a != b]
        if holders:
            a = min(holders, key=lambda i: atts[i].content.end - atts[i].content.start)
            if _self_report(atts[a], att):
                continue
            _link(atts, b, a, _relation(atts[a]))


def _clause_heads(doc: Doc, cue: Span) -> set[int]:
    """Tokens whose clause an "according to" phrase qualifies: the word it
    attaches to and that word's heads, stopping at a conjunct ("A praised X
    and won Y, according to polls" scopes over "won" only)."""
    span = doc.char_span(cue.start, cue.end, alignment_mode="expand")
    if span is None:
        return set()
    heads: set[int] = set()
    tok = span[0].head
    while True:
        heads.add(tok.i)
        if tok.dep_ == "conj" or tok.head.i == tok.i:
            return heads
        tok = tok.head


def _scope(doc: Doc, atts: list[Attribution], relays: set[int], sents: _Sentences) -> None:
    for a in sorted(relays):
        cue = atts[a].cue
        assert cue is not None
        sent = sents.of(cue.start)
        heads = _clause_heads(doc, cue)
        for b, att in enumerate(atts):
            if b in relays or att.cue is None or sents.of(att.cue.start) != sent:
                continue
            inner = doc.char_span(att.cue.start, att.cue.end, alignment_mode="expand")
            if inner is not None and any(t.i in heads for t in inner):
                _link(atts, b, a, _words(cue.text))


def _handover_object(verb: Token) -> tuple[Token, str] | None:
    """The object of "<anaphoric subject> comes from <object>", with the words
    that state the hop."""
    preps = HANDOVER_VERBS.get(verb.lemma_.lower())
    if not preps:
        return None
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if len(subjects) != 1:
        return None
    subj = subjects[0]
    anaphoric = subj.lower_ in HANDOVER_PRONOUNS or (
        subj.lemma_.lower() in HANDOVER_NOUNS
        and any(c.dep_ == "det" and c.lower_ in ANAPHORIC_DETERMINERS for c in subj.children)
    )
    if not anaphoric:
        return None
    for prep in verb.children:
        if prep.dep_ in ("prep", "agent") and prep.lower_ in preps:
            objs = [c for c in prep.children if c.dep_ == "pobj"]
            if objs:
                aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
                first = aux[0] if aux else verb
                words = verb.doc[first.i : verb.i + 1].text + " " + prep.text
                return objs[0], _words(words)
    return None


def _names_object(doc: Doc, att: Attribution, obj: Token) -> bool:
    """Whether the attribution's source is (or heads) the handover object."""
    if att.source is None:
        return False
    src = att.source
    if src.start <= obj.idx < src.end:
        return True
    span = doc.char_span(src.start, src.end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root  # "an official who confirmed": the source may be the relative pronoun
    return root.head.dep_ == "relcl" and root.head.head.i == obj.i


def _handover(doc: Doc, atts: list[Attribution], sents: _Sentences) -> None:
    by_sent: dict[int, list[int]] = {}
    for i, att in enumerate(atts):
        by_sent.setdefault(sents.of(_anchor(att)), []).append(i)
    for k, sent in enumerate(sents.sents):
        if k == 0 or not by_sent.get(k - 1):
            continue
        for verb in sent:
            found = _handover_object(verb)
            if found is None:
                continue
            obj, relation = found
            previous = by_sent[k - 1]
            outer = [i for i in previous if atts[i].relayed_by is None] or previous
            carrier = max(outer, key=lambda i: _anchor(atts[i]))
            for b in by_sent.get(k, []):
                if _names_object(doc, atts[b], obj):
                    _link(atts, b, carrier, relation)


def link_chains(doc: Doc, attributions: list[Attribution]) -> None:
    """Set `relayed_by` and `relation` where the text states who carries whom."""
    sents = _Sentences(doc)
    relays = {i for i, a in enumerate(attributions) if _is_sentence_relay(doc, sents, a)}
    _nest(doc, attributions, relays)
    _scope(doc, attributions, relays, sents)
    _handover(doc, attributions, sents)
