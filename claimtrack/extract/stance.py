"""How a claim is held: negated cue, denial, negated content, modality, and the text compared.

Across documents, "X did not mention Y" and "X mentioned Y" share every word that
matters to a bag-of-words matcher, yet one contradicts the other. The parse tells
them apart, so the extractor records, for each attribution and separately:

- cue_negated:   "X did not say that Y" -- X asserts nothing about Y;
- denial:        "X denied that Y" -- X asserts not-Y (a negated denial is no denial);
- content_negated: "X said Y did not attend" -- X asserts a negative;
- modality:      the hedges on the cue or the content's main verb ("may", "could",
                 "would", "plan to", "if"...), sorted; empty when none;
and `compared_of` the content without its complementiser ("that", "whether") or
its outer quotation marks: the text a matcher compares.

Pure functions over a parsed spaCy Doc; models.Stance.polarity folds the three
polarity facts into the sign of what the source asserts.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from claimtrack.models import Attribution, Stance
from claimtrack.models import Span as AttSpan
from claimtrack.text.compare import compared_text
from claimtrack.text.units import proposition_span

# Cue lemmas whose subject asserts the opposite of the content.
DENIAL_LEMMAS = frozenset({
    "deny", "dispute", "refute", "rebut", "reject", "contest", "disavow", "repudiate",
    "contradict", "dismiss", "debunk", "disprove",
})
# ...but only of a proposition: a clause ("denied that the army shelled the town"), a
# pronoun ("denied it") or a noun that stands for one ("denied the allegations",
# "rejected the idea", "denied any wrongdoing"). "The court denied class-action status
# to the employees" and "Sanders rejected a move that may trigger opposition" refuse a
# thing or an act: they assert no negation of anything said.
CLAIM_NOUNS = frozenset({
    "allegation", "accusation", "claim", "charge", "report", "rumor", "rumour", "story",
    "suggestion", "assertion", "idea", "notion", "premise", "characterization",
    "characterisation", "account", "statement", "wrongdoing", "involvement", "responsibility",
    "knowledge", "existence", "link", "connection", "finding", "conclusion", "assessment",
    "figure", "number", "estimate", "analysis", "theory", "narrative", "speculation",
    "impression", "assumption", "contention", "insinuation", "implication", "interpretation",
    "version", "description", "portrayal", "depiction", "comparison", "fact", "truth",
    "validity", "authenticity", "accuracy", "veracity", "wrong", "guilt", "role", "part",
    "reporting", "coverage", "article", "testimony", "poll", "data", "result", "evidence",
})
# Auxiliaries that hedge ("will" is tense, not a hedge, and stays out).
MODAL_WORDS = frozenset({"may", "might", "could", "can", "would", "should", "must", "ca"})
# "plans to X": a head verb whose infinitive complement is an intention, not a fact.
INTENT_LEMMAS = frozenset({
    "plan", "intend", "hope", "aim", "want", "seek", "propose", "consider", "expect",
    "threaten", "promise", "vow", "pledge", "try", "attempt",
})
CONDITION_MARKS = frozenset({"if", "unless"})
# "no one was hurt", "nothing changed": a negative argument negates its clause.
_NEGATIVE_ARGS = frozenset({"nobody", "nothing", "none", "noone", "neither"})
_ARG_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "expl"})


def _head_token(span: Span) -> Token:
    """The span's syntactic head: the token whose head lies outside the span."""
    inside = {t.i for t in span}
    for t in span:
        if t.head.i not in inside or t.head.i == t.i:
            return t
    return span.root


def _negated(tok: Token) -> bool:
    return any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never")
               for c in tok.children)


def _negative_argument(tok: Token) -> bool:
    return any(c.dep_ in _ARG_DEPS and (c.lower_ in _NEGATIVE_ARGS
                                       or any(d.dep_ == "det" and d.lower_ == "no"
                                              for d in c.children))
               for c in tok.children)


def _content_heads(span: Span) -> list[Token]:
    """The content's main verbs: tokens whose head is outside the span, and the
    verbs coordinated with them ("Y resigned and did not return")."""
    inside = {t.i for t in span}
    heads = [t for t in span if t.head.i not in inside or t.head.i == t.i]
    out: list[Token] = []
    for h in heads:
        if h.dep_ in ("punct",) or h.is_space:
            continue
        out.append(h)
        out.extend(c for c in h.children if c.dep_ == "conj" and c.i in inside)
    return out


def _modality(tokens: list[Token]) -> set[str]:
    found: set[str] = set()
    for tok in tokens:
        for c in tok.children:
            if c.dep_ in ("aux", "auxpass") and c.lower_ in MODAL_WORDS:
                found.add("can" if c.lower_ == "ca" else c.lower_)
            elif c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in CONDITION_MARKS
                                           for m in c.children):
                found.add("if")
            elif c.dep_ == "xcomp" and tok.lemma_ in INTENT_LEMMAS:
                found.add(f"{tok.lemma_} to")
    return found


def _propositional(head: Token) -> bool:
    """Whether a content head stands for a proposition (see CLAIM_NOUNS)."""
    if head.pos_ in ("VERB", "AUX", "PRON"):
        return True
    return head.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() in CLAIM_NOUNS


def compared_of(att: Attribution, text: str | None = None) -> str:
    """The compared text of a claim: its content, but for a cue whose content is its
    object, the clause from the source on (text/units.proposition_span; `text` is
    the document's, None: the content alone)."""
    content = " ".join(p.text for p in att.content.pieces())
    if text is not None:
        span = proposition_span(att.rule, _range(att.source), _range(att.cue),
                                (att.content.start, att.content.end), text, att.source_entity)
        if span[0] < att.content.start:
            content = text[span[0]:att.content.start] + content
    return compared_text(content)


def _range(span: AttSpan | None) -> tuple[int, int] | None:
    return None if span is None else (span.start, span.end)


def stance(doc: Doc, att: Attribution) -> Stance:
    """The stance of one attribution of `doc` (offsets index doc.text)."""
    cue_tok: Token | None = None
    if att.cue is not None:
        cue_span = doc.char_span(att.cue.start, att.cue.end, alignment_mode="expand")
        if cue_span is not None and len(cue_span):
            cue_tok = max(cue_span, key=lambda t: (t.pos_ in ("VERB", "NOUN"), -t.i))
    lemma = (att.cue_lemma or (cue_tok.lemma_ if cue_tok is not None else "")).lower()
    cue_negated = cue_tok is not None and _negated(cue_tok)
    denial = lemma.split(" ")[0] in DENIAL_LEMMAS and not cue_negated

    content_negated = False
    modal: set[str] = set()
    pieces = att.content.pieces()
    all_heads: list[Token] = []
    for piece in pieces:
        span = doc.char_span(piece.start, piece.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        heads = _content_heads(span)
        all_heads.extend(heads)
        if any(_negated(h) or _negative_argument(h) for h in heads):
            content_negated = True
        modal |= _modality(heads)
    if denial and all_heads and not any(_propositional(h) for h in all_heads):
        denial = False
    if cue_tok is not None:
        modal |= {m for m in _modality([cue_tok]) if not m.endswith(" to")}
    return Stance(cue_negated=cue_negated, denial=denial, content_negated=content_negated,
                  modality=sorted(modal))
