"""A Title Case headline's names: the recogniser runs a name into the capitalised words
around it ("Obama Says", "Ben Carson Defends", "Kill Trayvon Martin"), and the entity
graph (entities/facts.py), the resolver (extract/resolve.py) and `diff`'s entities in both
take each such person as the name the body knows. Pure: the document's mentions and text
in, the cut mentions out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from claimtrack.text.names import key_word_spans, name_key, title_case_heading

GENERATIONS = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


class BodyPeople(NamedTuple):
    """The people a document's body names after its headline."""

    words: set[str]  # every word of their keys
    keys: list[tuple[str, ...]]  # their name keys, possessives dropped
    text: str  # the body's text


def headline_cut(mentions: Sequence[tuple[int, int, str, str]], text: str
                 ) -> list[tuple[int, int, str, str]]:
    """(start, end, text, label) `mentions` of the document `text`, each person in its
    Title Case headline (text.names.title_case_heading) cut to the name the body knows
    (run_on_span): "Obama Says" -> "Obama", "Ben Carson Defends" -> "Ben Carson",
    "Kill Trayvon Martin" -> "Trayvon Martin" (47 names in the 234 Title Case
    headlines of PolNeAR's 560 dev articles). Left whole, such a "full name" was the
    fold target of every mention of that person in the document: there an entity "Obama
    Says" held 16 of Obama's claims (the headline's source, "Obama", resolved to the
    name NER gave, until rules 1.28.0 cut it too: extract/resolve.py), and `diff`
    listed "George Zimmerman Auctioning Off" among the entities in both. A Title Case
    line further down (a caption) is not read: "Marco Rubio Responds To Question"
    stays."""
    heading = title_case_heading(text)
    return cut_mentions(mentions, heading, body_people(mentions, heading, text))


def cut_mentions(mentions: Sequence[tuple[int, int, str, str]], heading: int,
                 body: BodyPeople) -> list[tuple[int, int, str, str]]:
    """headline_cut, the headline's end and the body's people given."""
    out = []
    for start, end, name, label in mentions:
        if label == "PERSON" and start < heading and (span := run_on_span(name, body)):
            name, start, end = name[span[0]:span[1]], start + span[0], start + span[1]
        out.append((start, end, name, label))
    return out


def body_people(mentions: Sequence[tuple[int, int, str, str]], heading: int, text: str
                ) -> BodyPeople:
    """The people the body names after a Title Case headline that ends at `heading`
    (0: none): what run_on_span cuts a headline's names by."""
    keys = [_bare(name_key(t)) for s, _, t, label in mentions
            if heading and s >= heading and label == "PERSON"]
    return BodyPeople({w for key in keys for w in key}, keys, text[heading:] if heading else "")


def _bare(key: tuple[str, ...]) -> tuple[str, ...]:
    """A key's words without a possessive: a name_key keeps one inside a name
    ("donald", "trump's", "speech")."""
    return tuple(w.removesuffix("'s") for w in key)


def run_on_span(text: str, body: BodyPeople) -> tuple[int, int] | None:
    """Where a headline's person name lies within `text` (None: all of it): up to the
    end of the first stretch of words the body names people by, opening within its
    first two words ("Marco Rubio Responds" beside the body's "Rubio"), where no body
    name holds words on both sides of the cut ("Hillary Rodham Clinton" beside the
    body's "Hillary Clinton") and more than a generation follows ("Donald Trump
    Jr."); from the stretch's start where the stretch is a full name the body uses
    ("Kill Trayvon Martin"; but "Marco Rubio" beside "Rubio"). A cut never parts two
    words the body's text prints together: "Michaela Angela Davis" stays whole where
    NER found only "Angela Davis" in the body's "Michaela Angela Davis"."""
    words, told = body.words, body.text
    key = _bare(name_key(text))
    i = next((i for i, w in enumerate(key[:2]) if w in words), None)
    spans = key_word_spans(text)
    if i is None or not spans:
        return None
    e = i
    while e < len(key) and key[e] in words:
        e += 1
    before, after = set(key[:e]), set(key[e:])
    if after <= GENERATIONS or any(before & set(k) and after & set(k) for k in body.keys) \
            or text[spans[e - 1][0]:spans[e][1]] in told:
        e = len(key)
    if not (i and e - i >= 2 and key[i:e] in body.keys) \
            or text[spans[i - 1][0]:spans[i][1]] in told:
        i = 0
    if (i, e) == (0, len(key)):
        return None
    return spans[i][0] if i else 0, spans[e - 1][1]
