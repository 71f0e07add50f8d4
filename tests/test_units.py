"""Matching units: the clause-sized parts of a content (text/units.py), on sentences we wrote."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrack.text.units import (
    MAX_UNITS,
    MIN_WORDS,
    proposition_span,
    proposition_units,
    sentence_units,
    units,
    without_frame,
)

pytestmark = pytest.mark.model_free


def parts(text: str) -> list[str]:
    return [text[s:e] for s, e in units(text)]


def test_whole_first_then_sentences_and_clauses():
    text = ("“I like Paul, but these are horrible times for our country,” Trump told the Post. "
            "“We need very strong leadership.”")
    got = parts(text)
    assert got[0] == text.strip("“”.")  # the whole, edge punctuation trimmed
    assert "We need very strong leadership" in got
    assert "I like Paul, but these are horrible times for our country" in got
    assert "but these are horrible times for our country" in got  # the clause after ","


def test_a_quotation_split_by_its_cue_gives_the_quoted_part_alone():
    got = parts("The unfairness of the tax laws is unbelievable,” Trump said Monday.")
    assert "The unfairness of the tax laws is unbelievable" in got


def test_a_leading_phrase_is_cut_off_a_clause():
    got = parts("Wednesday morning, Sanders had breakfast in New York with Al Sharpton, "
                "a civil rights activist")
    assert "Sanders had breakfast in New York with Al Sharpton" in got


def test_a_verb_coordinated_without_a_comma_is_a_clause_of_its_own():
    got = parts("a foundation in his name is focusing on ending gun violence and "
                "“has no comment on the actions of that man”")
    assert "a foundation in his name is focusing on ending gun violence" in got
    assert "has no comment on the actions of that man" in got
    # a plain list of nouns is not split
    assert len(parts("she bought apples and pears at the market")) == 1


def test_a_subordinating_word_before_a_pronoun_opens_a_clause_without_a_comma():
    got = parts("the Vermont senator must prepare to face more diverse electorates as he "
                "turns to contests in Nevada on Feb. 20 and South Carolina on Feb. 27")
    assert "as he turns to contests in Nevada on Feb. 20 and South Carolina on Feb. 27" in got
    assert "the Vermont senator must prepare to face more diverse electorates" in got
    # before a noun it may be a preposition: no split
    assert len(parts("the senator spoke to reporters after the debate in Miami")) == 1


def test_a_bare_name_is_no_unit_but_a_title_case_headline_is():
    assert units("House Speaker Paul Ryan’s") == []
    assert units("Sen. Elizabeth Warren of Massachusetts") != []  # "of": not all capitalised
    headline = "Donald Trump Finally Endorses House Speaker Paul Ryan"
    assert parts(headline) == [headline]


def _at(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def test_an_object_or_infinitive_content_is_stated_with_its_source_and_cue():
    text = ("While Republican presidential nominee Donald Trump has yet to endorse House "
            "Speaker Paul Ryan’s re-election bid, Pence has.")
    source, cue = _at(text, "Republican presidential nominee Donald Trump"), _at(text, "endorse")
    content = _at(text, "House Speaker Paul Ryan’s")
    got = proposition_span("verb_object", source, cue, content, text)
    assert text[slice(*got)] == ("Republican presidential nominee Donald Trump has yet to "
                                 "endorse House Speaker Paul Ryan’s")
    # from the source's name on: the descriptor is one outlet's, not the proposition's
    got = proposition_span("verb_object", source, cue, content, text, "Donald Trump")
    assert text[slice(*got)] == "Donald Trump has yet to endorse House Speaker Paul Ryan’s"
    # an infinitive content says nothing without its cue ("refused to")
    text = "On Monday, Trump refused to endorse Ryan, in a tit-for-tat play on words."
    got = proposition_span("verb_clause", _at(text, "Trump"), _at(text, "refused"),
                           _at(text, "to endorse Ryan, in a tit-for-tat play on words"), text)
    assert text[slice(*got)] == "Trump refused to endorse Ryan, in a tit-for-tat play on words"


def test_a_clausal_content_or_a_distant_cue_keeps_the_content_alone():
    text = "Trump said that he would endorse Ryan."
    content = _at(text, "that he would endorse Ryan")
    assert proposition_span("verb_clause", _at(text, "Trump"), _at(text, "said"), content,
                            text) == content
    # the source after its content, or a line away: the content alone
    text = "Ryan's re-election bid, Trump endorsed on Friday."
    content = _at(text, "Ryan's re-election bid")
    assert proposition_span("verb_object", _at(text, "Trump"), _at(text, "endorsed"), content,
                            text) == content
    text = "Trump\n\nendorsed Ryan's re-election bid."
    content = _at(text, "Ryan's re-election bid")
    assert proposition_span("verb_object", _at(text, "Trump"), _at(text, "endorsed"), content,
                            text) == content
    assert proposition_span("verb_object", None, None, content, text) == content
    # a quoted sentence that opens on "To" is no infinitive
    text = "Trump said “To those who doubt us: we will win.”"
    content = _at(text, "“To those who doubt us: we will win.”")
    assert proposition_span("verb_clause", _at(text, "Trump"), _at(text, "said"), content,
                            text) == content


def test_an_abbreviation_ends_no_sentence():
    text = ("He turns to contests in Nevada on Feb. 20 and South Carolina on Feb. 27. Sen. "
            "John McCain and George W. Bush met in the U.S. Senate on Monday. It rained.")
    assert [text[s:e] for s, e in sentence_units(text)] == [
        "He turns to contests in Nevada on Feb. 20 and South Carolina on Feb. 27",
        "Sen. John McCain and George W. Bush met in the U.S. Senate on Monday"]


def test_short_contents_have_no_unit():
    assert units("Clinton said so") == []
    assert units("") == []


@given(st.text(alphabet=st.sampled_from(list("ab ,.;“”—X\n")), max_size=200))
def test_units_are_ranges_of_the_text(text):
    got = units(text)
    assert len(got) == len(set(got)) <= MAX_UNITS
    for s, e in got:
        assert 0 <= s < e <= len(text)
        assert len(text[s:e].split()) >= 1
        assert text[s:e] == text[s:e].strip()
    if got:
        # the first unit is the whole content, every other one lies inside it
        s0, e0 = got[0]
        assert all(s0 <= s and e <= e0 for s, e in got)
    assert all(len(__import__("re").findall(r"\w+", text[s:e])) >= MIN_WORDS for s, e in got)


def test_sentence_units_are_the_sentences_or_the_one_sentence_whole():
    text = "“The hospital has lost money for years. We cannot keep the doors open,” he said."
    assert [text[s:e] for s, e in sentence_units(text)] == [
        "The hospital has lost money for years", "We cannot keep the doors open,” he said"]
    one = "The bridge was built in 1921 and carries about 4,000 cars a day."
    assert [one[s:e] for s, e in sentence_units(one)] == [one.rstrip(".")]
    assert sentence_units("Too short.") == []
    assert set(sentence_units(text)) <= set(units(text))


def test_proposition_units_leave_out_mid_sentence_runs_of_segments():
    text = ("The city of Greenfield will close its only hospital in June, leaving about 40,000 "
            "residents without an emergency room, not far from the Dayton line.")
    got = [text[s:e] for s, e in proposition_units(text)]
    assert "The city of Greenfield will close its only hospital in June" in got
    assert "not far from the Dayton line" not in got
    assert "leaving about 40,000 residents without an emergency room" not in got
    assert set(proposition_units(text)) <= set(units(text))
    cut = "The fight over a nominee to the Supreme Court is, as ever, about the Senate."
    assert "The fight over a nominee to the Supreme Court is" not in [
        cut[s:e] for s, e in proposition_units(cut)]


def test_a_clause_cut_before_a_dashed_aside_states_nothing_whole():
    """'I don't think the conventional wisdom -- that X is Y -- is right' does not
    state 'I don't think the conventional wisdom'; a dash that ends the sentence's
    main part ('... hospital -- the only one in the county') leaves it whole."""
    t = ("I don't think the conventional wisdom -- that Bloomberg is perceived as a New "
         "York nanny-state liberal -- is right")
    found = [t[a:b] for a, b in proposition_units(t)]
    assert "I don't think the conventional wisdom" not in found
    assert "I don't think the conventional wisdom" in [t[a:b] for a, b in units(t)]
    quoted = ("\"I don't think the conventional wisdom\" -- that Bloomberg is perceived as "
              "a nanny-state liberal -- \"is going to last,\"")
    assert "I don't think the conventional wisdom" not in [
        quoted[a:b] for a, b in proposition_units(quoted)]
    t2 = "The city will close its hospital -- the only one in the county."
    assert "The city will close its hospital" in [t2[a:b] for a, b in proposition_units(t2)]


def test_a_unit_keeps_what_was_said_without_who_said_it():
    text = ('"The numbers put us on pace to beat the goal," Jeff Weaver, the campaign '
            'manager, said in a statement.')
    frame = [_at(text, "Jeff Weaver, the campaign manager"), _at(text, "said")]

    def cut(part: str) -> str | None:
        u = without_frame(text, _at(text, part), frame)
        return None if u is None else text[u[0]:u[1]]

    # the quotation before its frame
    assert cut(text) == "The numbers put us on pace to beat the goal"
    # the frame alone is who said it: no unit
    assert cut("Jeff Weaver, the campaign manager, said in a statement") is None
    assert cut("the campaign manager, said in a statement") is None
    # a unit without the frame is left as it is
    assert cut("The numbers put us on pace") == "The numbers put us on pace"
    # a frame that opens the unit, set off by a comma: what follows it
    text = "The experts say, the world could suffer profound consequences"
    frame = [_at(text, "The experts"), _at(text, "say")]
    assert cut(text) == "the world could suffer profound consequences"
    # a cue that is the clause's own verb, not set off: nothing to keep
    text = "Billionaire Sheldon Adelson is expected to spend heavily this fall"
    frame = [_at(text, "expected")]
    assert cut(text) is None
