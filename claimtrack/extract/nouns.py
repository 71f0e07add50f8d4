"""Nominal cues: "Trump's claim that X", "calls for X", "his plan to X".

A cue noun (cues.json "noun_cues") with a clause or a prepositional object
that says what is claimed, believed or planned. The source is its possessor
("Trump's", "his"), an agent ("by X"), or the subject of the verb that takes
the noun as object ("Sanders renewed calls for ..."); with none of these, no attribution
(annotators name someone from the context, which a noun alone cannot).
"""

from __future__ import annotations

from spacy.tokens import Token

from claimtrack.extract.spans import Cand, Ctx, Range, subtree_span, tok_ranges

_CLAUSE = ("acl", "ccomp", "relcl")
_WHO = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def _content(tok: Token, preps: frozenset[str]) -> tuple[list[Token], Token | None] | None:
    """What the noun introduces, and the preposition that joins it to the cue."""
    for c in tok.children:
        if c.dep_ in _CLAUSE and c.i > tok.i:
            # "the claim that X", "a plan to X" — but not "the claim he made"
            first = c.left_edge
            if first.lower_ == "that" and first.dep_ == "mark" or (
                    first.lower_ == "to" and first.tag_ == "TO"):
                return list(c.subtree), None
        if c.dep_ == "prep" and c.lower_ in preps and c.i == tok.i + 1:
            objs = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
            if objs:
                return list(objs[0].subtree), c
    return None


def _source(tok: Token) -> list[Token] | None:
    for c in tok.children:
        if c.dep_ == "poss":
            return [t for t in c.subtree if t.dep_ != "case"]
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "by":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            return list(objs[0].subtree) if objs else None
    # "renewed calls for", "voiced fears", "said in a statement that": the
    # subject of the verb that takes the noun, when it names someone
    head = tok.head
    if tok.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    elif tok.dep_ != "dobj":
        return None
    if head.pos_ != "VERB":
        return None
    for c in head.children:
        if c.dep_ == "nsubj" and (c.pos_ in ("PROPN", "PRON") or c.ent_type_ in _WHO) and (
                c.lower_ not in ("it", "that", "which", "this")):
            return list(c.subtree)
    return None


def noun_rule(tok: Token, ctx: Ctx) -> Cand | None:
    lex = ctx.lex
    lemma = lex.lemma(tok)
    cls = lex.noun_cues.get(lemma)
    if cls is None or tok.dep_ == "compound":
        return None
    found = _content(tok, lex.noun_preps.get(lemma, frozenset()))
    if not found:
        return None
    content, prep = found
    ranges = tok_ranges(content)
    if not ranges or sum(1 for t in content if not (t.is_punct or t.is_space)) < 2:
        return None  # "calls for it": nothing a reader could check
    subj = _source(tok)
    if not subj:
        return None  # "the allegation that X" with no one behind it: dev sources go wrong
    source: Range | None = subtree_span(subj)
    cue = tok_ranges([tok, prep] if prep is not None else [tok])
    lemma_text = f"{lemma} {prep.lower_}" if prep is not None else lemma
    return Cand("noun", cls, lemma_text, cue, source, ranges)


def in_source_rule(tok: Token, ctx: Ctx) -> Cand | None:
    """ "In the new Post-ABC poll, Trump leads by 8": the poll (survey, study)
    says it. The preposition is the cue; the clause it hangs on is the content."""
    if (tok.dep_ != "prep" or tok.lower_ != "in" or tok.head.pos_ not in ("VERB", "AUX")
            or tok.i != tok.sent.start or tok.head.i < tok.i):
        return None  # fronted only: "Trump leads in the poll" is about the poll
    objs = [c for c in tok.children if c.dep_ == "pobj"]
    if not objs or objs[0].lemma_.lower() not in ctx.lex.in_sources:
        return None
    head, own = tok.head, {t.i for t in tok.subtree}
    if ctx.lex.cue_class(ctx.lex.lemma(head)) is not None:
        return None  # "In a statement, X said": the verb's attribution
    content = [t for t in head.subtree if t.i not in own]
    ranges = tok_ranges(content)
    if not ranges:
        return None
    source = subtree_span(list(objs[0].subtree))
    return Cand("in_source", "other", "in", [(tok.idx, tok.idx + 2)], source, ranges)
