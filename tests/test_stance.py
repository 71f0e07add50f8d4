"""Stance: negated cue, denial, negated content, modality and the compared text,
read from the parse of short sentences we wrote."""

from __future__ import annotations

import pytest

from claimtrack.extract import extract_doc, parse
from claimtrack.extract.nlp import get_nlp
from claimtrack.extract.stance import stance
from claimtrack.models import Stance
from claimtrack.text.compare import as_said_by, compared_text


def _only(sentence: str) -> Stance:
    doc = parse(get_nlp(), sentence)
    atts = extract_doc(doc, "rules").attributions
    assert len(atts) == 1, [a.content.text for a in atts]
    return stance(doc, atts[0])


@pytest.mark.parametrize(
    ("sentence", "cue_negated", "denial", "content_negated", "polarity"),
    [
        ("Clinton, a Democrat, did not mention Republican front-runner Donald Trump by name.",
         True, False, False, 0),
        ("Clinton, a Democrat, mentioned Republican front-runner Donald Trump by name.",
         False, False, False, 1),
        ("The minister denied that the army had shelled the town.", False, True, False, -1),
        ("The minister did not deny that the army had shelled the town.", True, False, False, 0),
        ("The mayor said the governor did not attend the meeting.", False, False, True, -1),
        ("The senator never said that he supported the bill.", True, False, False, 0),
        ("Police said no one was hurt.", False, False, True, -1),
        ("He said there were no casualties.", False, False, True, -1),
        ("“We will never surrender,” the rebel commander said.", False, False, True, -1),
        ("The minister denied that the army had not paid the soldiers.", False, True, True, 1),
        ("The minister denied the allegations of torture.", False, True, False, -1),
        # refusing a thing is no denial of anything said
        ("The court denied class-action status to the employees.", False, False, False, 1),
    ],
)
def test_polarity(sentence, cue_negated, denial, content_negated, polarity):
    s = _only(sentence)
    assert (s.cue_negated, s.denial, s.content_negated) == (cue_negated, denial, content_negated)
    assert s.polarity == polarity


@pytest.mark.parametrize(
    ("sentence", "modality"),
    [
        ("The official said the plant could close next year.", ("could",)),
        ("According to officials, the plant may close.", ("may",)),
        ("The company said it plans to cut 500 jobs.", ("plan to",)),
        ("He said taxes would rise if the bill passed.", ("if", "would")),
        ("The official said the plant will close next year.", ()),
        ("The official said the plant closed last year.", ()),
    ],
)
def test_modality(sentence, modality):
    assert tuple(_only(sentence).modality) == modality


def test_compared_text_drops_complementiser_quotes_and_closing_punctuation():
    assert compared_text("that the army had shelled the town") == "the army had shelled the town"
    assert compared_text("whether  taxes\nwill rise") == "taxes will rise"
    assert compared_text("“We will never surrender,”") == "We will never surrender"
    assert compared_text("that") == "that"  # nothing to drop it from


@pytest.mark.parametrize(
    ("text", "plural", "expected"),
    [
        ("I am a threat to my critics", False, "Ben Carson am a threat to Ben Carson critics"),
        ("I'm glad, and I’ve said so myself", False,
         "Ben Carson'm glad, and Ben Carson’ve said so Ben Carson"),
        ("they called me a liar", False, "they called Ben Carson a liar"),
        # a numeral, initials and "US" are no first person
        ("since World War I the US has led", True, "since World War I the US has led"),
        ("I.M. Pei built it", False, "I.M. Pei built it"),
        # a person's "we" is a campaign or a party: only a speaker that is no person's
        ("We have never expressed interest in it", False, "We have never expressed interest in it"),
        ("We have never expressed interest in our own", True,
         "Ben Carson have never expressed interest in Ben Carson own"),
    ])
def test_the_first_person_of_a_content_is_its_speaker(text, plural, expected):
    assert as_said_by(text, "Ben Carson", plural) == expected
    assert as_said_by(text, None, plural) == text  # nobody to name


def test_a_speaker_is_put_in_as_written():
    """A name is text, never a replacement pattern (hostile input: a backslash)."""
    name = r"Foo\1 \g<0>"
    assert as_said_by("we and I said so", name, True) == f"{name} and {name} said so"
