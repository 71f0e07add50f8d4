"""Source resolution on real spaCy parses, with attributions built by hand."""

from __future__ import annotations

import pytest
from conftest import HAFTAR
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.extract.nlp import get_nlp
from claimtrack.extract.resolve import canonical_name, resolve_sources
from claimtrack.models import Attribution, Span


def att(text: str, source: str, cue: str, content: str, after: str = "") -> Attribution:
    """An attribution whose parts are the first matches at/after `after`."""
    base = text.index(after) if after else 0

    def span(part: str) -> Span:
        i = text.index(part, base)
        return Span.of(text, i, i + len(part))

    return Attribution(source=span(source), cue=span(cue), content=span(content))


def resolved(text: str, atts: list[Attribution]) -> list[str | None]:
    atts.sort(key=lambda a: a.content.start)
    resolve_sources(get_nlp()(text), atts)
    return [a.source_entity for a in atts]


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("the Pentagon\u2019s", "Pentagon"),
        ("Khalifa\u00a0Haftar", "Khalifa Haftar"),
        ("  The   White House ", "White House"),
        ("officials'", "officials"),
        ("\u201cReuters\u201d,", "Reuters"),
        ("Ahmed Al-Mismari", "Ahmed Al-Mismari"),
    ],
)
def test_canonical_name(raw: str, name: str) -> None:
    assert canonical_name(raw) == name


def test_seed_pronouns_follow_the_previous_speaker_not_the_last_name() -> None:
    text = HAFTAR.read_text(encoding="utf-8")
    atts = [
        att(text, "Ahmed Al-Mismari", "claimed", "some members"),
        att(text, "Libya Observer", "according to", "Libya Observer"),
        att(text, "Al-Mismari", "said", "the meetings", after="In an extraordinary"),
        att(text, "He", "said", "This is a coalition", after="He said"),
        att(text, "He", "noted", "their aim", after="He also noted"),
    ]
    assert resolved(text, atts) == [
        "Ahmed Al-Mismari",
        "Libya Observer",
        "Ahmed Al-Mismari",
        "Ahmed Al-Mismari",  # not Abdul-Rahman Al-Swaihli, named just before
        "Ahmed Al-Mismari",
    ]
    assert atts[3].source is not None and atts[3].source.text == "He"  # span untouched


def test_surname_resolves_to_the_full_name_introduced_earlier() -> None:
    text = "Maria Gonzalez runs the port. On Monday Gonzalez said the cranes were idle."
    atts = [att(text, "Gonzalez", "said", "the cranes", after="On Monday")]
    assert resolved(text, atts) == ["Maria Gonzalez"]


def test_place_is_not_expanded_into_a_longer_name() -> None:
    text = "Libya Observer covered the talks. Libya said the talks had stalled."
    atts = [att(text, "Libya", "said", "the talks had", after="Libya said")]
    assert resolved(text, atts) == ["Libya"]


def test_pronoun_without_previous_speaker_takes_the_nearest_person() -> None:
    text = "John Baker arrived in Paris on Monday. He said the talks had failed."
    atts = [att(text, "He", "said", "the talks")]
    assert resolved(text, atts) == ["John Baker"]


def test_with_no_previous_speaker_the_last_sentences_subject_comes_before_its_object() -> None:
    # "George Zimmerman is selling the gun he used to kill Trayvon Martin. “I'm a free
    # American,” he told Fox 35": he is the subject named before, not the object named last
    text = ("Tom Hale is selling the car he used to hit John Baker. "
            "\u201cI am a free man,\u201d he told a local station.")
    atts = [att(text, "he", "told", "I am a free man", after="\u201cI am")]
    assert resolved(text, atts) == ["Tom Hale"]
    # ...and in the pronoun's own sentence the nearest name still comes first
    text = "John Baker met Tom Hale in Paris, and he said the talks had failed."
    atts = [att(text, "he", "said", "the talks had failed", after="and he")]
    assert resolved(text, atts) == ["Tom Hale"]


def test_a_new_subject_takes_over_from_the_previous_speaker() -> None:
    text = (
        "Maria Lopez said the vote was rigged. Later, Peter Grant met the minister in Rome. "
        "He said the meeting went well."
    )
    atts = [
        att(text, "Maria Lopez", "said", "the vote"),
        att(text, "He", "said", "the meeting went well"),
    ]
    assert resolved(text, atts) == ["Maria Lopez", "Peter Grant"]


def test_pronoun_after_an_unnamed_speaker_stays_unnamed() -> None:
    text = (
        "Barack Obama visited Berlin on Tuesday. A senior official said the deal was off. "
        "He added that talks would resume."
    )
    atts = [
        att(text, "A senior official", "said", "the deal"),
        att(text, "He", "added", "talks would resume"),
    ]
    assert resolved(text, atts) == [None, None]


def test_title_resolves_through_an_earlier_appositive() -> None:
    text = (
        "The talks were led by Khalid Omar, the spokesman of the council. "
        "The spokesman said the deal was near."
    )
    atts = [att(text, "The spokesman", "said", "the deal", after="The spokesman")]
    assert resolved(text, atts) == ["Khalid Omar"]


def test_title_with_no_holder_in_the_text_stays_unresolved() -> None:
    text = "Khalid Omar chaired the meeting. The commander said the deal was near."
    atts = [att(text, "The commander", "said", "the deal")]
    assert resolved(text, atts) == [None]


def test_indefinite_role_is_a_new_person() -> None:
    text = "Khalid Omar, the spokesman of the council, left early. A spokesman said it was over."
    atts = [att(text, "A spokesman", "said", "it was over")]
    assert resolved(text, atts) == [None]


def test_relative_pronoun_takes_its_antecedent() -> None:
    text = "Reporters met Thomas Reed, who said the plan was dead."
    atts = [att(text, "who", "said", "the plan")]
    assert resolved(text, atts) == ["Thomas Reed"]


def test_it_takes_the_previous_organisation() -> None:
    text = "Amnesty International published a report on Monday. It said the camps were full."
    atts = [att(text, "It", "said", "the camps")]
    assert resolved(text, atts) == ["Amnesty International"]


def test_headline_role_resolves_to_the_holder_introduced_below() -> None:
    text = (
        "Pro-Russian Commander Says Talks Failed\n\n"
        "The pro-Russian commander Khalifa Haftar spoke in Benghazi on Monday."
    )
    atts = [att(text, "Pro-Russian Commander", "Says", "Talks Failed")]
    assert resolved(text, atts) == ["Khalifa Haftar"]


def test_coordinated_sources_are_no_single_entity() -> None:
    text = "Qatar and Turkey said the shipments were legal."
    atts = [att(text, "Qatar and Turkey", "said", "the shipments")]
    assert resolved(text, atts) == [None]


def test_it_can_be_a_place_acting_as_an_institution() -> None:
    text = "Washington has armed the rebels. It claims the rebels are moderate."
    atts = [att(text, "It", "claims", "the rebels are moderate")]
    assert resolved(text, atts) == ["Washington"]


def test_expletive_it_is_nobody() -> None:
    text = "Amnesty International visited the camps. It is believed that the camps were full."
    atts = [att(text, "It", "believed", "the camps were full")]
    assert resolved(text, atts) == [None]


def test_honorific_gender_rules_out_the_previous_speaker() -> None:
    text = (
        "Mrs. Ann Price called Mr. Tom Hale on Monday. Mr. Hale said the plan was sound. "
        "She said it was not."
    )
    atts = [
        att(text, "Mr. Hale", "said", "the plan was sound"),
        att(text, "She", "said", "it was not"),
    ]
    assert resolved(text, atts) == ["Tom Hale", "Ann Price"]


def test_pronouns_near_a_lone_name_tell_its_gender() -> None:
    text = (
        "Dena Grayson praised her own campaign. Jared Huffman said his party was worried. "
        "She said the worry was misplaced."
    )
    atts = [
        att(text, "Jared Huffman", "said", "his party was worried"),
        att(text, "She", "said", "the worry was misplaced"),
    ]
    assert resolved(text, atts) == ["Jared Huffman", "Dena Grayson"]


def test_an_ambiguous_surname_takes_the_most_mentioned_full_name() -> None:
    text = (
        "Hillary Clinton spoke in Iowa. Hillary Clinton then flew to Ohio. "
        "Bill Clinton stayed home. Clinton said the race was close."
    )
    atts = [att(text, "Clinton", "said", "the race", after="Clinton said")]
    assert resolved(text, atts) == ["Hillary Clinton"]


@settings(max_examples=200)
@given(st.text(alphabet="Tthe As'’s\u00a0 ,.-\u201cX", max_size=30))
def test_canonical_name_is_idempotent(raw: str) -> None:
    once = canonical_name(raw)
    assert canonical_name(once) == once
    assert "  " not in once and "\u2019" not in once


def test_a_title_case_headline_lends_no_full_name() -> None:
    """In a Title Case headline the recogniser runs a name into the capitalised
    words after it ("George Zimmerman Auctioning Off"): the body's name is the one a
    source resolves to."""
    text = ("George Zimmerman Auctioning Off Gun Used To Kill Trayvon Martin\n\n"
            "George Zimmerman is selling the gun he used in the shooting. "
            "Zimmerman said he had received offers for the gun.")
    a = att(text, "Zimmerman", "said", "he had received offers for the gun",
            after="Zimmerman said")
    assert resolved(text, [a]) == ["George Zimmerman"]


def test_a_name_that_ends_with_the_surname_wins_over_a_run_on() -> None:
    """A caption in Title Case gives the recogniser "Obama Speech"; the text writes
    "speech" in lower case elsewhere, so it is no name for "Mr. Obama"."""
    text = ("The rally drew thousands.\n\n[Video: President Obama Speech at the Foundation]\n\n"
            "The speech was long. Mr. Obama said the stakes were high.")
    a = att(text, "Mr. Obama", "said", "the stakes were high")
    assert resolved(text, [a]) == ["Obama"]


def test_a_surname_first_name_still_resolves() -> None:
    text = ("Finance Minister Lou Jiwei spoke in Beijing on Monday. "
            "Mr. Lou said the reforms would continue.")
    a = att(text, "Mr. Lou", "said", "the reforms would continue")
    assert resolved(text, [a]) == ["Lou Jiwei"]


def test_a_headline_source_resolves_to_the_name_the_body_knows() -> None:
    """In a Title Case headline the recogniser runs "Obama" into "Obama Says": the
    headline's source is Obama, as the body names him (rules 1.28.0)."""
    text = ("Obama Says African-American Museum Will Tell of Suffering and Delight\n\n"
            "President Obama said the museum would tell an American story.")
    nlp = get_nlp()
    doc = nlp(text)
    if not any(e.text == "Obama Says" for e in doc.ents):
        pytest.skip("the recogniser no longer runs the name on here")
    headline = att(text, "Obama", "Says", "African-American Museum Will Tell")
    body = att(text, "President Obama", "said", "the museum would tell", after="President")
    assert resolved(text, [headline, body]) == ["Obama", "Obama"]
