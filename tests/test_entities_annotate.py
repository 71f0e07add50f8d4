"""entities.annotate: the author's identifications and the headline-vs-body note."""

from __future__ import annotations

import pytest
from test_entities_graph import claim, mentions

from claimtrack import entities
from claimtrack.entities import EntityGraph
from claimtrack.models import Alias, Span

pytestmark = pytest.mark.model_free


def test_author_notes_name_the_author_not_the_quoted_source():
    text = 'The Times reported: "fighters from Darnah [Derna] and Darnah [Derna] came."'
    c = claim("d1", 0, text, "The Times", "New York Times",
              "fighters from Darnah [Derna] and Darnah [Derna] came.")
    found = [Alias(start=i, end=i + 7, name="Derna", alias="Darnah")
             for i in (text.index("[Derna]"), text.rindex("[Derna]"))]
    assert entities.author_notes(c, found) == [
        "author identifies Darnah as Derna (an insertion: not the words of New York Times)"]
    outside = Alias(start=2, end=5, name="X", alias="Y")
    assert entities.author_notes(c, [outside]) == []


def _claims_at(doc: str, text: str, specs: list[tuple[str, int, str | None, str, int]]):
    """Claims from (source, nth occurrence, entity, content, nth occurrence)."""

    def at(phrase: str, nth: int) -> Span:
        i = -1
        for _ in range(nth + 1):
            i = text.index(phrase, i + 1)
        return Span.of(text, i, i + len(phrase))

    out = []
    for seq, (src, sn, ent, content, cn) in enumerate(specs):
        base = claim(doc, seq, text, None)
        out.append(base.model_copy(update={"source": at(src, sn), "source_entity": ent,
                                           "content": at(content, cn)}))
    return out


HEAD = (
    "Smith Says Rates Will Rise\n\n"
    "Jane Doe, a spokeswoman for Smith, said rates will rise soon. Doe said it twice. "
    "Doe said it again. John Smith said hello.\n"
)


def _headline(specs, text=HEAD):
    cs = _claims_at("d", text, specs)
    g = EntityGraph(cs, {"d": mentions(text, ("Jane Doe", "PERSON"), ("John Smith", "PERSON"))},
                    {})
    return entities.headline_mismatch(g, cs, text)


_DOE = [("Jane Doe, a spokeswoman for Smith", 0, "Jane Doe", "rates will rise soon", 0),
        ("Doe", 1, "Jane Doe", "it twice", 0), ("Doe", 2, "Jane Doe", "it again", 0)]


def test_headline_vs_body_names_both():
    found = _headline([("Smith", 0, "John Smith", "Rates Will Rise", 0), *_DOE,
                       ("John Smith", 0, "John Smith", "hello", 0)])
    assert found is not None
    assert found.headline_entity == "John Smith"
    assert found.body_speakers == ["Jane Doe, spokeswoman for Smith"]
    assert found.note == ("headline attributes this to Smith (John Smith); the body quotes "
                          "Jane Doe, spokeswoman for Smith")


def test_no_headline_note_when_the_lede_quotes_the_headlines_source():
    text = HEAD.replace("John Smith said hello.", "").replace(
        "Jane Doe, a", "John Smith said hello. Jane Doe, a")
    found = _headline([("Smith", 0, "John Smith", "Rates Will Rise", 0),
                       ("John Smith", 0, "John Smith", "hello", 0), *_DOE], text)
    assert found is None


def test_no_headline_note_for_a_pronoun_or_one_voice_quoted_once():
    assert _headline([("Smith", 0, None, "Rates Will Rise", 0), *_DOE[:1]]) is None
    text = HEAD.replace("Smith Says", "He Says")
    assert _headline([("He", 0, None, "Rates Will Rise", 0), *_DOE], text) is None
