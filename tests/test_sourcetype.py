"""Typed sources: classify_source on short sentences (plain text + NER mentions)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrack.models import Attribution, Mention, Span
from claimtrack.sourcetype import (
    classify_source,
    sentence_bounds,
    stake_in,
    stated_roles,
)

pytestmark = pytest.mark.model_free


def span(text: str, part: str) -> Span:
    i = text.index(part)
    return Span.of(text, i, i + len(part))


def mention(text: str, part: str, label: str) -> Mention:
    i = text.index(part)
    return Mention(start=i, end=i + len(part), text=part, label=label)


def info_of(text, source, cue, content, entity=None, mentions=(), lemma=None):
    att = Attribution(
        source=span(text, source) if source else None,
        cue=span(text, cue) if cue else None,
        content=span(text, content),
        source_entity=entity,
        cue_lemma=lemma,
    )
    return classify_source(att, text, list(mentions))


@pytest.mark.parametrize(
    ("text", "source", "entity", "ents", "want"),
    [
        ("Ann Lee said the port fell.", "Ann Lee", "Ann Lee", [("Ann Lee", "PERSON")], "person"),
        ("She said the port fell.", "She", "Ann Lee", [], "person"),
        ("The ministry said the port fell.", "The ministry", None, [], "organization"),
        ("NATO said the port fell.", "NATO", "NATO", [("NATO", "ORG")], "organization"),
        ("The New York Times reported the port fell.", "The New York Times", "New York Times",
         [("The New York Times", "ORG")], "outlet"),
        ("Reuters reported the port fell.", "Reuters", "Reuters", [("Reuters", "ORG")], "outlet"),
        ("A local newspaper reported the port fell.", "A local newspaper", None, [], "outlet"),
        ("A court filing showed the port fell.", "A court filing", None, [], "document"),
        ("A tweet said the port fell.", "A tweet", None, [], "document"),
        ("The emails showed the port fell.", "The emails", None, [], "document"),
        ("A 2007 study found the port fell.", "A 2007 study", None, [], "document"),
        ("An unnamed US intelligence official said the port fell.",
         "An unnamed US intelligence official", None, [], "anonymous"),
        ("A source familiar with the talks said the port fell.",
         "A source familiar with the talks", None, [], "anonymous"),
        ("Officials said the port fell.", "Officials", None, [], "anonymous"),
        ("Experts say the port fell.", "Experts", None, [], "vague_collective"),
        ("Many believe the port fell.", "Many", None, [], "vague_collective"),
        ("Reports say the port fell.", "Reports", None, [], "vague_reference"),
        ("According to recent reports, the port fell.", "recent reports", None, [],
         "vague_reference"),
        ("As we reported, the port fell.", "we", None, [], "self"),
        ("This writer has argued that the port fell.", "This writer", None, [], "self"),
        # a platform the recogniser takes for a person
        ("Twitter said the port fell.", "Twitter", None, [("Twitter", "PERSON")],
         "organization"),
    ],
)
def test_types(text, source, entity, ents, want) -> None:
    cue = next(w for w in ("said", "reported", "showed", "found", "say", "believe", "argued",
                           "According to") if w in text)
    ms = [mention(text, t, lab) for t, lab in ents]
    got = info_of(text, source, cue, "the port fell", entity=entity, mentions=ms)
    assert got.type == want


def test_a_surname_the_tagger_calls_org_is_a_person_when_a_person_has_it() -> None:
    text = "Khalifa Haftar spoke. Haftar, the commander of the Libyan National Army, said no."
    ms = [mention(text, "Khalifa Haftar", "PERSON"), mention(text, "Libyan National Army", "ORG")]
    got = info_of(text, "Haftar, the commander of the Libyan National Army", "said no", "no.",
                  entity="Khalifa Haftar", mentions=ms)
    assert got.type == "person"
    assert got.descriptor == "the commander of the Libyan National Army"


def test_anonymous_descriptor_and_reason() -> None:
    text = ("A senior administration official familiar with the investigation said the port "
            "fell. The official spoke on condition of anonymity because the inquiry is secret.")
    got = info_of(text, "A senior administration official", "said", "the port fell")
    assert got.type == "anonymous"
    assert got.descriptor == "senior administration official familiar with the investigation"
    assert got.anonymity_reason is not None
    assert got.anonymity_reason.startswith("on condition of anonymity because the inquiry")


def test_no_reason_when_none_is_stated() -> None:
    text = "An official said the port fell. The mayor spoke at noon."
    got = info_of(text, "An official", "said", "the port fell")
    assert got.type == "anonymous" and got.anonymity_reason is None


@pytest.mark.parametrize(
    ("words", "want"),
    [
        ("Al-Mismari, the spokesperson of Haftar’s forces", "spokesperson of Haftar’s forces"),
        ("a lawyer for the accused", "lawyer for the accused"),
        ("the campaign manager", "campaign manager"),
        ("the White House press secretary", "White House press secretary"),
        ("Trump attorney Michael Cohen", "Trump attorney"),
        ("a historian at Yale", None),
        ("the mayor", None),
        ("his attorney", "attorney"),
        ("defense attorney John Doe", "defense attorney"),
        # an office or a profession is no side's lawyer
        ("Attorney General Loretta Lynch", None),
        ("City Attorney Brad Holm", None),
        ("a lawyer by training", None),
    ],
)
def test_stake_in(words: str, want: str | None) -> None:
    assert stake_in(words) == want


def test_stated_roles_anywhere_in_the_text() -> None:
    text = "Army spokesman Ahmed Al-Mismari spoke on Monday. Later, Al-Mismari said no."
    assert stated_roles(text, "Ahmed Al-Mismari") == "Army spokesman"
    assert stated_roles("Ann Lee, whose lawyer spoke, said no.", "Ann Lee") is None
    assert stated_roles("U.S. Attorney General Loretta Lynch said no.", "Loretta Lynch") is None
    cohen = "Trump attorney Michael Cohen said no."
    assert stated_roles(cohen, "Michael Cohen") == "Trump attorney"


def test_stated_roles_asks_once_per_name_or_surname_with_the_same_answers() -> None:
    text = ("Ann Lee said yes. Bo Lee, a lawyer for Acme, said no. Cy Lee said maybe. "
            "Dee Park, the spokesman of the city, agreed. Ed Park said nothing.")
    people = ["Ann Lee", "Bo Lee", "Cy Lee", "Dee Park", "Ed Park", "Bo Lee", "Al Li"]
    alone = [stated_roles(text, name) for name in people]
    assert alone == ["lawyer for Acme"] * 3 + ["spokesman of the city"] * 2 + [
        "lawyer for Acme", None]
    known: dict[str, str | None] = {}
    assert [stated_roles(text, name, known) for name in people] == alone
    assert known["Lee"] == "lawyer for Acme" and known["Ann Lee"] is None


@pytest.mark.parametrize(
    ("text", "source", "year"),
    [
        ("A 2007 study found the port fell.", "A 2007 study", 2007),
        ("A study (2009) found the port fell.", "A study (2009)", 2009),
        ("A report published in 2010 found the port fell.", "A report published in 2010", 2010),
        ("In a major 2007 study entitled Sinjar, the authors noted the port fell.",
         "the authors", 2007),
        ("Since 2011, Lee said the port fell.", "Lee", None),
        ("In 2007 the army left, and the authors noted the port fell.", "the authors", None),
    ],
)
def test_dated(text: str, source: str, year: int | None) -> None:
    cue = "found" if "found" in text else "noted" if "noted" in text else "said"
    assert info_of(text, source, cue, "the port fell", entity="Lee").dated == year


def test_sourceless_types() -> None:
    text = "It is believed that the port fell."
    assert info_of(text, None, "believed", "the port fell").type == "vague_reference"
    plain = "The port fell."
    assert info_of(plain, None, None, "The port fell.").type == "unknown"
    carried = "Lee spoke. Also claimed that the port fell."
    got = info_of(carried, None, "claimed", "that the port fell", entity="Ann Lee")
    assert got.inherited and got.type == "person"


@given(st.text(alphabet="ab .!?\n", max_size=60))
def test_sentence_bounds_cover_the_text_in_order(text: str) -> None:
    bounds = sentence_bounds(text)
    assert "".join(text[s:e] for s, e in bounds) == text
    assert all(s < e for s, e in bounds)


def test_authors_are_described_by_their_work() -> None:
    text = "In a 2009 report for the Senate, the authors noted the port fell."
    got = info_of(text, "the authors", "noted", "the port fell")
    assert got.type == "document" and got.descriptor == "authors of a 2009 report"
    plain = "The authors noted the port fell."
    assert info_of(plain, "The authors", "noted", "the port fell").descriptor == "authors"


# --- a document's lookups, built once: what a scan of every mention / the text finds ---

_TEXT_BITS = ["Lee", "Ann Lee", "Lee-Ann", "Al-Lee", "Leeds", "lee", "O'Lee", "Lée", " ", " ",
              ", ", ". ", "-", "Jr.", "\n\n", "the spokesman"]


@given(st.lists(st.sampled_from(_TEXT_BITS), max_size=30).map("".join),
       st.sampled_from(["Lee", "Ann Lee", "Lee-Ann", "O'Lee", "Jr.", "Lée", "-Lee", "lee"]))
def test_occurrences_are_the_whole_word_matches_of_a_scan(text, key):
    import re

    from claimtrack.sourcetype import _occurrences

    scan = re.finditer(rf"(?<![\w-]){re.escape(key)}\b", text)
    assert [m.span() for m in _occurrences(text, key)] == [m.span() for m in scan]


_NAMES = ["Lee", "Ann Lee", "ann lee", "Mr. Lee", "Lee Ann", "Leeds", "Ann"]


@given(st.lists(st.tuples(st.sampled_from(_NAMES), st.integers(0, 60),
                          st.sampled_from(["PERSON", "ORG", "GPE"])), max_size=12),
       st.sampled_from(["ann lee", "mr. lee", "lee", "the mayor ann lee"]),
       st.integers(0, 60), st.integers(0, 30))
def test_mentions_are_found_as_a_scan_of_every_mention_finds_them(found, key, start, width):
    from claimtrack.sourcetype import Mentions

    ms = [Mention(start=s, end=s + len(t), text=t, label=lab) for t, s, lab in found]
    index = Mentions(ms)
    naming = [m for m in ms if m.text.lower() == key
              or (key.endswith(" " + m.text.lower()) and len(m.text) > 3)]
    assert index.naming(key) == naming
    inside = [m for m in ms if start <= m.start and m.end <= start + width]
    assert index.within(start, start + width) == sorted(inside, key=lambda m: m.start)
