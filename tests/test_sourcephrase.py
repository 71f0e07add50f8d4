"""text/sourcephrase.py: the source-phrase analyser the flag rules and the source
types share (plain words, no spaCy)."""

import pytest

from claimtrack.text.sourcephrase import WORD, analyse, antecedent, head_word, is_hearsay

pytestmark = pytest.mark.model_free


def _words(phrase: str) -> list[str]:
    return [m.group() for m in WORD.finditer(phrase)]


@pytest.mark.parametrize(
    ("phrase", "initial", "expected"),
    [
        ("US officials", False, ("anonymous_source", None)),
        ("a senior official familiar with the talks", False, ("anonymous_source", None)),
        ("spokesman John Kirby", False, (None, None)),
        ("critics", True, ("vague_source", None)),
        ("some of the experts", True, ("vague_source", None)),
        ("many people", True, ("vague_source", None)),
        ("a study", True, (None, "study")),
        ("Khalifa Haftar", True, (None, None)),
    ],
)
def test_analyse(phrase, initial, expected):
    assert analyse(_words(phrase), initial) == expected


def test_a_named_crowd_is_not_vague():
    # "Reuters analysts": a capitalised word that is no common word names them
    assert analyse(_words("Reuters analysts"), initial=False) == (None, None)


def test_head_word_stops_at_a_complement():
    assert head_word(["officials", "familiar", "with", "the", "talks"]) == "officials"
    assert head_word(["the", "authors", "of", "the", "study"]) == "authors"


def test_antecedent_of_a_relative_pronoun():
    text = "The plan was leaked by an aide who asked not to be named."
    words, start = antecedent(text, text.index("who"))
    assert words == "an aide"
    assert text[start : start + len(words)] == words


def test_hearsay_participle_not_negated():
    assert is_hearsay("is believed")
    assert not is_hearsay("was not reported")
    assert not is_hearsay("said to")
