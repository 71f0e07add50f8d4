"""Relay chains on real spaCy parses, with attributions built by hand."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.extract.chains import link_chains
from claimtrack.extract.nlp import get_nlp
from claimtrack.models import Attribution, Span


def span(text: str, part: str, after: str = "") -> Span:
    i = text.index(part, text.index(after) if after else 0)
    return Span.of(text, i, i + len(part))


def att(text: str, source: str | None, cue: str, content: str, after: str = "") -> Attribution:
    return Attribution(
        source=span(text, source, after) if source else None,
        cue=span(text, cue, after),
        content=span(text, content, after),
    )


def linked(text: str, atts: list[Attribution]) -> list[tuple[int | None, str | None]]:
    atts.sort(key=lambda a: a.content.start)
    link_chains(get_nlp()(text), atts)
    return [(a.relayed_by, a.relation) for a in atts]


def test_trailing_according_to_relays_the_whole_sentence() -> None:
    text = (
        "Ahmed Al-Mismari, the spokesperson of the army, claimed that council members held "
        "secret meetings with militia leaders, according to Libya Observer."
    )
    mismari = att(text, "Ahmed Al-Mismari", "claimed", "council members held secret meetings")
    observer = att(text, "Libya Observer", "according to", "Ahmed Al-Mismari, the spokesperson")
    atts = [mismari, observer]
    linked(text, atts)
    assert mismari.relayed_by == atts.index(observer)
    assert mismari.relation == "according to"
    assert observer.relayed_by is None


def test_trailing_according_to_inside_the_inner_content_still_scopes_outward() -> None:
    # the parser attaches "according to" inside the claimed clause: content may include it
    text = "The mayor claimed that the bridge was unsafe, according to local radio."
    mayor = att(text, "The mayor", "claimed", "the bridge was unsafe, according to local radio")
    radio = att(text, "local radio", "according to", "The mayor claimed that the bridge was unsafe")
    atts = [mayor, radio]
    linked(text, atts)
    assert mayor.relayed_by == atts.index(radio)
    assert radio.relayed_by is None


def test_sentence_initial_according_to_relays_the_speaker() -> None:
    text = "According to Reuters, the minister said the border would reopen."
    reuters = att(text, "Reuters", "According to", "the minister said the border would reopen")
    minister = att(text, "the minister", "said", "the border would reopen")
    atts = [reuters, minister]
    linked(text, atts)
    assert minister.relayed_by == atts.index(reuters)
    assert minister.relation == "according to"


def test_mid_sentence_according_to_is_relayed_by_the_speaker() -> None:
    text = "The minister said that, according to the police, the suspect fled to Spain."
    minister = att(text, "The minister", "said", "according to the police, the suspect fled")
    police = att(text, "the police", "according to", "the suspect fled to Spain")
    atts = [minister, police]
    linked(text, atts)
    assert police.relayed_by == atts.index(minister)
    assert police.relation == "said"
    assert minister.relayed_by is None


def test_reported_that_officials_said() -> None:
    text = "The Guardian reported that officials said the talks had collapsed."
    paper = att(text, "The Guardian", "reported", "officials said the talks had collapsed")
    officials = att(text, "officials", "said", "the talks had collapsed")
    atts = [paper, officials]
    assert linked(text, atts) == [(None, None), (0, "reported")]


def test_information_comes_from_links_across_sentences() -> None:
    text = (
        "According to recent reports, Abdelhakim Belhadj has now become the commander of the "
        "ISIS presence inside Libya. The information comes from an unnamed US intelligence "
        "official who has confirmed that Belhadj is supporting the ISIS training centers."
    )
    reports = att(text, "recent reports", "According to", "Abdelhakim Belhadj has now become")
    official = att(
        text, "an unnamed US intelligence official", "confirmed", "Belhadj is supporting the ISIS"
    )
    atts = [reports, official]
    assert linked(text, atts) == [(None, None), (0, "comes from")]


def test_handover_through_a_relative_pronoun_source_and_passive_verb() -> None:
    text = (
        "The ministry said the dam would fail within a year. The claim was provided by an "
        "engineer who warned that the walls were cracking."
    )
    ministry = att(text, "The ministry", "said", "the dam would fail")
    engineer = att(text, "who", "warned", "the walls were cracking")
    atts = [ministry, engineer]
    assert linked(text, atts) == [(None, None), (0, "was provided by")]


def test_no_handover_without_an_anaphoric_subject() -> None:
    text = (
        "The ministry said the dam would fail within a year. Water comes from an engineer "
        "who warned that the walls were cracking."
    )
    atts = [
        att(text, "The ministry", "said", "the dam would fail"),
        att(text, "who", "warned", "the walls were cracking"),
    ]
    assert linked(text, atts) == [(None, None), (None, None)]


def test_unrelated_attributions_in_one_sentence_stay_apart() -> None:
    text = "Smith said the plan was good, and Jones said it was bad."
    atts = [
        att(text, "Smith", "said", "the plan was good"),
        att(text, "Jones", "said", "it was bad"),
    ]
    assert linked(text, atts) == [(None, None), (None, None)]


TEXT = "Anna said that Ben told reporters that Carl claimed the vote was rigged."


@settings(max_examples=30, deadline=None)
@given(st.permutations([0, 1, 2]), st.booleans())
def test_links_never_form_cycles(order: list[int], overlap: bool) -> None:
    # contents that contain one another both ways must not produce a loop
    whole = TEXT.rstrip(".")
    base = [
        att(TEXT, "Anna", "said", whole if overlap else "Ben told reporters"),
        att(TEXT, "Ben", "told", whole),
        att(TEXT, "Carl", "claimed", "the vote was rigged"),
    ]
    atts = [base[i] for i in order]
    link_chains(get_nlp()(TEXT), atts)
    for start in range(len(atts)):
        seen, cur = set(), start
        while cur is not None:
            assert cur not in seen
            seen.add(cur)
            cur = atts[cur].relayed_by


def test_trailing_according_to_scopes_over_its_own_conjunct_only() -> None:
    text = (
        "Clinton has praised the president's record, and she won most black voters in May, "
        "according to exit polls."
    )
    clinton = att(text, "Clinton", "praised", "the president's record")
    polls = att(text, "exit polls", "according to", "she won most black voters in May")
    atts = [clinton, polls]
    linked(text, atts)
    assert clinton.relayed_by is None


def test_relative_clause_asides_and_self_reports_are_no_hops() -> None:
    text = (
        "Police said that Mark Webb, who claimed he was innocent, had fled. He said he thinks so."
    )
    atts = [
        att(text, "Police", "said", "Mark Webb, who claimed he was innocent, had fled"),
        att(text, "who", "claimed", "he was innocent"),
        att(text, "He", "said", "he thinks so", after="He said"),
        att(text, "he", "thinks", "so", after="he thinks"),
    ]
    assert linked(text, atts) == [(None, None)] * 4


def test_nesting_uses_the_content_hull_when_the_inner_attribution_is_cut_out() -> None:
    # the extractor leaves "officials said" out of the outer content's fragments
    text = "The Guardian reported that officials said the talks had collapsed."
    paper = att(text, "The Guardian", "reported", "that officials said the talks had collapsed")
    paper.content.fragments = [span(text, "that"), span(text, "the talks had collapsed")]
    officials = att(text, "officials", "said", "the talks had collapsed")
    atts = [paper, officials]
    assert linked(text, atts) == [(None, None), (0, "reported")]


def test_no_hop_from_an_unstated_source_or_to_the_speakers_own_pronoun() -> None:
    text = "It was reported that officials said the camp was empty. Smith said they found it."
    atts = [
        att(text, None, "reported", "that officials said the camp was empty"),
        att(text, "officials", "said", "the camp was empty"),
        att(text, "Smith", "said", "they found it", after="Smith"),
        att(text, "they", "found", "it", after="they found"),
    ]
    assert linked(text, atts) == [(None, None)] * 4


def test_a_colon_cue_gives_no_relation_words() -> None:
    text = "WALLACE: The senator said the bill was dead."
    host = att(text, "WALLACE", ":", "The senator said the bill was dead")
    senator = att(text, "The senator", "said", "the bill was dead")
    atts = [host, senator]
    assert linked(text, atts) == [(None, None), (0, None)]


def test_an_inner_source_that_cannot_speak_is_no_hop() -> None:
    text = "Officials said the decision showed that prices rose, and economists said so too."
    atts = [
        att(text, "Officials", "said", "the decision showed that prices rose"),
        att(text, "the decision", "showed", "prices rose"),
    ]
    assert linked(text, atts) == [(None, None), (None, None)]
    text = "Officials said the economist showed that prices rose."
    atts = [
        att(text, "Officials", "said", "the economist showed that prices rose"),
        att(text, "the economist", "showed", "prices rose"),
    ]
    assert linked(text, atts) == [(None, None), (0, "said")]
