"""Static flag rules: one attribution, its stored text and the document's links."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import ROOT

from claimtrack.assess import assess
from claimtrack.flags import FLAGS, W3C_SIGNALS, make_flag, static_flags
from claimtrack.models import Attribution, Extraction, Link, Mention, Span

pytestmark = pytest.mark.model_free


def span(text: str, part: str) -> Span:
    i = text.index(part)
    return Span.of(text, i, i + len(part))


def flags_of(
    text: str,
    source: str | None,
    cue: str | None,
    content: str,
    links: list[Link] | None = None,
    entity: str | None = None,
) -> dict[str, str]:
    att = Attribution(
        source=span(text, source) if source else None,
        cue=span(text, cue) if cue else None,
        content=span(text, content),
        source_entity=entity,
    )
    return {f.code: f.explanation for f in static_flags(att, text, links or [])}


def link(text: str, anchor: str, target: str = "#") -> Link:
    i = text.index(anchor)
    return Link(
        start=i, end=i + len(anchor), text=anchor, target=target, missing=target in ("", "#")
    )


def test_explanations_are_one_line_and_make_flag_appends_the_detail() -> None:
    assert all("\n" not in text for text, _ in FLAGS.values())
    flag = make_flag("vague_source", "'recent reports'")
    assert flag.explanation.endswith("('recent reports')") and flag.severity == "high"


def test_no_source_when_the_author_states_it() -> None:
    text = "The economy grew by two percent last year."
    assert set(flags_of(text, None, None, text)) == {"no_source"}


def test_a_cue_without_source_is_not_no_source() -> None:
    text = "Smith spoke and added that the economy grew."
    assert flags_of(text, None, "added", "the economy grew") == {}


@pytest.mark.parametrize(
    ("text", "source"),
    [
        (
            "An unnamed US intelligence official confirmed the move.",
            "An unnamed US intelligence official",
        ),
        ("Officials said the bridge would close.", "Officials"),
        ("Sources said the bridge would close.", "Sources"),
        ("A source familiar with the talks said they failed.", "A source familiar with the talks"),
        ("A senior official said the bridge would close.", "A senior official"),
        ("Western diplomats said the bridge would close.", "Western diplomats"),
        ("White House officials said the bridge would close.", "White House officials"),
        ("People familiar with the matter said it would close.", "People familiar with the matter"),
        ("A spokesman for the ministry said it would close.", "A spokesman for the ministry"),
    ],
)
def test_anonymous_source(text: str, source: str) -> None:
    cue = "confirmed" if "confirmed" in text else "said"
    got = flags_of(text, source, cue, text[text.index(cue) + len(cue) :].strip(" ."))
    assert set(got) == {"anonymous_source"}
    assert f"'{source}'" in got["anonymous_source"]


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Kremlin spokesman Dmitry Peskov said it would close.", "Kremlin spokesman Dmitry Peskov"),
        ("The spokesman, Ann Lee, said it would close.", "The spokesman, Ann Lee"),
        (
            "Ahmed Al-Mismari, the spokesperson of the army, said it would close.",
            "Ahmed Al-Mismari, the spokesperson of the army",
        ),
        ("Senator Ann Lee said it would close.", "Senator Ann Lee"),
        ("He said it would close.", "He"),
    ],
)
def test_named_or_pronoun_source_is_not_unnamed(text: str, source: str) -> None:
    assert flags_of(text, source, "said", "it would close") == {}


def test_a_title_resolved_to_a_name_is_not_unnamed() -> None:
    text = "The spokesman said it would close."
    assert set(flags_of(text, "The spokesman", "said", "it would close")) == {"anonymous_source"}
    assert flags_of(text, "The spokesman", "said", "it would close", entity="Ann Lee") == {}


def test_relative_pronoun_source_is_judged_by_its_antecedent() -> None:
    text = "The news came from an unnamed official who confirmed the move."
    got = flags_of(text, "who", "confirmed", "the move")
    assert got.keys() == {"anonymous_source"}
    assert "'an unnamed official'" in got["anonymous_source"]
    named = "The news came from Ann Lee, who confirmed the move."
    assert flags_of(named, "who", "confirmed", "the move") == {}


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("According to recent reports, the camp is empty.", "recent reports"),
        ("Reports say the camp is empty.", "Reports"),
        ("Many believe the camp is empty.", "Many"),
        ("Some say the camp is empty.", "Some"),
        ("Experts say the camp is empty.", "Experts"),
        ("Critics say the camp is empty.", "Critics"),
        ("Some people say the camp is empty.", "Some people"),
    ],
)
def test_vague_source(text: str, source: str) -> None:
    cue = "According to" if text.startswith("According") else text.split()[len(source.split())]
    got = flags_of(text, source, cue, "the camp is empty")
    assert set(got) == {"vague_source"}
    assert f"'{source}'" in got["vague_source"]


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("According to Reuters reports, the camp is empty.", "Reuters reports"),
        ("Experts at Harvard say the camp is empty.", "Experts at Harvard"),
        ("The Guardian says the camp is empty.", "The Guardian"),
    ],
)
def test_identified_groups_are_not_vague(text: str, source: str) -> None:
    cue = "According to" if text.startswith("According") else "say"
    assert flags_of(text, source, cue, "the camp is empty") == {}


def test_agentless_passive_is_vague() -> None:
    text = "It is widely believed that the camp is empty."
    got = flags_of(text, "It", "believed", "the camp is empty")
    assert set(got) == {"vague_source"} and "'It is widely believed'" in got["vague_source"]
    got = flags_of(text, None, "believed", "the camp is empty")
    assert set(got) == {"vague_source"} and "is widely believed" in got["vague_source"]


def test_missing_link_on_the_source_is_unresolved() -> None:
    text = "According to recent reports, the camp is empty."
    got = flags_of(text, "recent reports", "According to", "the camp", [link(text, "reports")])
    assert set(got) == {"vague_source", "unresolved_reference"}
    assert "'reports'" in got["unresolved_reference"]


def test_a_followable_link_or_a_link_elsewhere_is_not_unresolved() -> None:
    text = "According to the Guardian, the camp is empty, reports say."
    good = [link(text, "the Guardian", "https://example.org/story"), link(text, "camp")]
    assert flags_of(text, "the Guardian", "According to", "the camp is empty", good) == {}


def test_unidentified_study_is_unresolved() -> None:
    text = "A 2007 study found that most fighters came from Derna."
    got = flags_of(text, "A 2007 study", "found", "most fighters")
    assert set(got) == {"unresolved_reference"}
    assert "'A 2007 study'" in got["unresolved_reference"]


@pytest.mark.parametrize(
    "text",
    [
        "A 2007 study entitled Foreign Fighters found that most fighters came from Derna.",
        "A 2007 study by West Point found that most fighters came from Derna.",
        "A Pentagon study found that most fighters came from Derna.",
        "The study found that most fighters came from Derna.",
    ],
)
def test_identified_or_definite_study_is_not_unresolved(text: str) -> None:
    source = text[: text.index(" found")]
    if " entitled" in source or " by " in source:
        source = source[: source.index(" entitled" if " entitled" in source else " by ")]
    assert flags_of(text, source, "found", "most fighters") == {}


def test_partitive_is_judged_by_its_group() -> None:
    text = "Some of the officials said the camp is empty."
    assert set(flags_of(text, "Some of the officials", "said", "the camp")) == {"anonymous_source"}
    text = "Several of his findings showed the camp is empty."
    assert flags_of(text, "Several of his findings", "showed", "the camp") == {}


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("The aides were pressed about the camp.", "pressed about"),
        ("It is not known whether the camp is empty.", "not known"),
    ],
)
def test_passive_without_hearsay_is_not_vague(text: str, cue: str) -> None:
    assert flags_of(text, None, cue, "the camp") == {}


def test_authors_of_a_study_with_a_dead_link_are_unresolved() -> None:
    text = "In a major 2007 study entitled Sinjar Records, the authors noted that Derna led."
    dead = [link(text, "study")]
    got = flags_of(text, "the authors", "noted", "Derna led", dead)
    assert set(got) == {"unresolved_reference"} and "'study'" in got["unresolved_reference"]
    followable = [link(text, "study", "https://ctc.usma.edu/sinjar")]
    assert flags_of(text, "the authors", "noted", "Derna led", followable) == {}
    earlier = "A study came out. In 2007, the authors noted that Derna led."
    # the dead link is in another sentence: no telling it is the authors' work
    assert flags_of(earlier, "the authors", "noted", "Derna led", [link(earlier, "study")]) == {}


# ---- flags v2: rules that read the typed source (assess -> flags.source_flags) -----


def v2_of(
    text: str,
    source: str | None,
    cue: str | None,
    content: str,
    links: list[Link] | None = None,
    entity: str | None = None,
    lemma: str | None = None,
    published: date | None = None,
    mentions: list[Mention] | None = None,
) -> dict[str, str]:
    """All static flags of one attribution, as assess() gives them."""
    att = Attribution(
        source=span(text, source) if source else None,
        cue=span(text, cue) if cue else None,
        content=span(text, content),
        source_entity=entity,
        cue_lemma=lemma,
    )
    extraction = Extraction(extractor="test", attributions=[att], mentions=mentions or [])
    (flags,) = assess(extraction, text, links or [], published)
    assert att.source_info is not None
    return {f.code: f.explanation for f in flags}


def test_every_code_has_a_w3c_mapping_row_and_a_docs_row() -> None:
    from pathlib import Path

    assert set(W3C_SIGNALS) == set(FLAGS)
    doc = (Path(__file__).resolve().parents[1] / "docs" / "flags.md").read_text()
    for code, signal in W3C_SIGNALS.items():
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{code}` |"))
        assert (signal or "—") in row and FLAGS[code][1] in row
    assert "unnamed_source" not in FLAGS


def test_anonymous_without_reason() -> None:
    text = "An unnamed official said the bridge would close."
    got = v2_of(text, "An unnamed official", "said", "the bridge would close")
    assert {"anonymous_source", "no_anonymity_reason"} <= got.keys()
    assert "'An unnamed official'" in got["no_anonymity_reason"]


@pytest.mark.parametrize(
    "tail",
    [
        "who spoke on condition of anonymity because the talks are secret",
        "who was not authorized to speak publicly",
        "who asked not to be named",
    ],
)
def test_a_stated_reason_for_anonymity_clears_it(tail: str) -> None:
    text = f"An official, {tail}, said the bridge would close."
    got = v2_of(text, "An official", "said", "the bridge would close")
    assert "anonymous_source" in got and "no_anonymity_reason" not in got


def test_a_faceless_crowd_needs_no_reason_for_anonymity() -> None:
    text = "Lawmakers said the bridge would close."
    got = v2_of(text, "Lawmakers", "said", "the bridge would close")
    assert "anonymous_source" in got and "no_anonymity_reason" not in got


def test_named_source_has_no_anonymity_flags() -> None:
    text = "Mayor Ann Lee said the bridge would close."
    got = v2_of(text, "Mayor Ann Lee", "said", "the bridge would close", entity="Ann Lee")
    assert not {"anonymous_source", "no_anonymity_reason"} & got.keys()


def test_plural_for_single_counts_links() -> None:
    text = "According to recent reports, the camp is empty."
    dead = [link(text, "reports")]
    got = v2_of(text, "recent reports", "According to", "the camp is empty", dead)
    want = "'recent reports': plural, backed by 1 link whose target is missing"
    assert got["plural_for_single"] == want
    elsewhere = "According to recent reports, the camp is empty, the mayor said."
    got = v2_of(elsewhere, "recent reports", "According to", "the camp is empty",
                [link(elsewhere, "mayor", "https://city.example")])
    assert "backed by no link" in got["plural_for_single"]


def test_plural_for_single_needs_a_document_that_carries_links() -> None:
    # plain text shows no links at all: "no link" would say nothing about the reports
    text = "According to recent reports, the camp is empty."
    assert "plural_for_single" not in v2_of(text, "recent reports", "According to", "the camp")


def test_plural_backed_by_two_links_or_a_singular_source_is_fine() -> None:
    text = "According to recent reports, the camp is empty."
    two = [link(text, "recent", "https://a.example/1"), link(text, "reports", "https://b.example/2")]
    assert "plural_for_single" not in v2_of(text, "recent reports", "According to", "the camp", two)
    one = "According to a report, the camp is empty."
    assert "plural_for_single" not in v2_of(one, "a report", "According to", "the camp")
    people = "Officials said the camp is empty."
    assert "plural_for_single" not in v2_of(people, "Officials", "said", "the camp is empty")


def test_self_citation() -> None:
    text = "As we reported yesterday, the army took the port."
    got = v2_of(text, "we", "reported", "the army took the port", lemma="report")
    assert "'we reported'" in got["self_citation"]
    writer = "This writer has argued since 2011 that the war was a mistake."
    got = v2_of(writer, "This writer", "argued", "that the war was a mistake", lemma="argue")
    assert "self_citation" in got


def test_first_person_opinion_or_a_quoted_we_is_no_self_citation() -> None:
    text = "I doubt the army took the port."
    assert "self_citation" not in v2_of(text, "I", "doubt", "the army took the port", lemma="doubt")
    quoted = "Lee said: “We reported the theft to police.”"
    outer = Attribution(source=span(quoted, "Lee"), cue=span(quoted, "said"),
                        content=span(quoted, "“We reported the theft to police.”"))
    inner = Attribution(source=span(quoted, "We"), cue=span(quoted, "reported"),
                        content=span(quoted, "the theft to police"), cue_lemma="report")
    flags = assess(Extraction(extractor="t", attributions=[outer, inner]), quoted, [], None)
    assert "self_citation" not in {f.code for f in flags[1]}
    assert inner.source_info is not None and inner.source_info.type != "self"


@pytest.mark.parametrize(
    ("content", "word"),
    [
        ("the allegedly corrupt mayor resigned", "allegedly"),
        ("the so-called moderate rebels won", "so-called"),
        ("the mayor reportedly resigned", "reportedly"),
    ],
)
def test_hedged(content: str, word: str) -> None:
    text = f"Lee said {content}."
    got = v2_of(text, "Lee", "said", content, entity="Lee")
    assert f"'{word}'" in got["hedged"]


def test_plain_content_is_not_hedged() -> None:
    text = "Lee said the mayor resigned."
    assert "hedged" not in v2_of(text, "Lee", "said", "the mayor resigned", entity="Lee")


@pytest.mark.parametrize(
    ("cue", "lemma", "code"),
    [
        ("claimed", "claim", "distancing_cue"),
        ("alleged", "allege", "distancing_cue"),
        ("confirmed", "confirm", "endorsing_cue"),
        ("revealed", "reveal", "endorsing_cue"),
        ("admitted", "admit", "endorsing_cue"),
        ("said", "say", None),
        ("showed", "show", None),
        ("did not confirm", "confirm", None),
    ],
)
def test_stance_of_the_cue(cue: str, lemma: str, code: str | None) -> None:
    text = f"Lee {cue} that the mayor resigned."
    got = v2_of(text, "Lee", cue, "that the mayor resigned", entity="Lee", lemma=lemma)
    stance = {"distancing_cue", "endorsing_cue"} & got.keys()
    assert stance == ({code} if code else set())
    if code:
        assert f"'{cue}'" in got[code]


def test_interested_party_in_the_source_phrase() -> None:
    text = "Ann Lee, a lawyer for the accused, said the police lied."
    got = v2_of(text, "Ann Lee, a lawyer for the accused", "said", "the police lied",
                entity="Ann Lee")
    assert "'lawyer for the accused'" in got["interested_party"]
    plain = "Ann Lee, a historian, said the police lied."
    assert "interested_party" not in v2_of(plain, "Ann Lee, a historian", "said",
                                           "the police lied", entity="Ann Lee")


def test_interested_party_holds_for_every_claim_of_that_person() -> None:
    text = "Ann Lee, spokeswoman for the army, spoke. Lee said the port fell. Bo Ma said no."
    atts = [
        Attribution(source=span(text, "Lee said"), cue=span(text, "said the"),
                    content=span(text, "the port fell"), source_entity="Ann Lee"),
        Attribution(source=span(text, "Bo Ma"), cue=span(text, "said no"),
                    content=span(text, "no."), source_entity="Bo Ma"),
    ]
    atts[0].source = Span.of(text, atts[0].source.start, atts[0].source.start + 3)
    flags = assess(Extraction(extractor="t", attributions=atts), text, [], None)
    assert "interested_party" in {f.code for f in flags[0]}
    assert "spokeswoman for the army" in atts[0].source_info.interested_party
    assert "interested_party" not in {f.code for f in flags[1]}


def test_stale_source() -> None:
    text = "A 2007 study by West Point found that most fighters came from Derna."
    src = "A 2007 study by West Point"
    got = v2_of(text, src, "found", "most fighters", published=date(2015, 3, 10))
    assert "2007" in got["stale_source"] and "8 years" in got["stale_source"]
    recent = v2_of(text, src, "found", "most fighters", published=date(2009, 1, 1))
    assert "stale_source" not in recent
    undated = v2_of(text, src, "found", "most fighters")
    assert "stale_source" not in undated


def test_a_year_about_events_does_not_date_the_source() -> None:
    text = "Since 2007, Lee said, the fighters came from Derna."
    got = v2_of(text, "Lee", "said", "the fighters came from Derna", entity="Lee",
                published=date(2015, 3, 10))
    assert "stale_source" not in got


def test_inherited_source() -> None:
    text = "Lee said the port fell. Also claimed that the army fled."
    att = Attribution(cue=span(text, "claimed"), content=span(text, "that the army fled"),
                      source_entity="Ann Lee", cue_lemma="claim")
    flags = assess(Extraction(extractor="t", attributions=[att]), text, [], None)
    got = {f.code: f.explanation for f in flags[0]}
    assert "Ann Lee" in got["inherited_source"] and att.source_info.inherited
    own = Attribution(source=span(text, "Lee"), cue=span(text, "said"),
                      content=span(text, "the port fell"), source_entity="Ann Lee")
    assess(Extraction(extractor="t", attributions=[own]), text, [], None)
    assert own.source_info is not None and not own.source_info.inherited


def test_flags_come_in_vocabulary_order_once_each() -> None:
    text = "According to recent reports, the allegedly corrupt camp is empty."
    got = v2_of(text, "recent reports", "According to", "the allegedly corrupt camp is empty",
                [link(text, "reports")])
    order = list(FLAGS)
    assert list(got) == sorted(got, key=order.index)


def test_the_anonymous_and_distancing_flag_sets_have_one_home():
    # credibility.py and sourcelisting.py read a claim's anonymity and distance off its
    # flags: with flags.py's sets, not copies that could drift from the vocabulary
    from claimtrack import credibility, sourcelisting
    from claimtrack.flags import ANONYMOUS_FLAGS, DISTANCING_FLAGS

    assert ANONYMOUS_FLAGS - {"unnamed_source"} <= FLAGS.keys()  # v1's code, renamed
    assert FLAGS.keys() >= DISTANCING_FLAGS
    assert credibility.ANONYMOUS_FLAGS is sourcelisting.ANONYMOUS_FLAGS is ANONYMOUS_FLAGS
    assert credibility.DISTANCING_FLAGS is DISTANCING_FLAGS
    for path in (ROOT / "claimtrack").rglob("*.py"):
        if path.name != "flags.py":
            text = path.read_text(encoding="utf-8")
            assert '"anonymous_source", "unnamed_source"' not in text, path
            assert '"distancing_cue", "hedged"' not in text, path


def test_insiders_are_role_nouns_less_the_crowds():
    from claimtrack.flags import INSIDER_NOUNS
    from claimtrack.text.sourcephrase import ROLE_NOUNS

    assert INSIDER_NOUNS < ROLE_NOUNS
    assert {"official", "aide", "spokesman"} <= INSIDER_NOUNS
    assert not {"lawmakers", "residents", "witnesses"} & INSIDER_NOUNS
