"""Static flag rules: one attribution, its stored text and the document's links."""

from __future__ import annotations

import pytest

from claimtrack.flags import FLAGS, make_flag, static_flags
from claimtrack.models import Attribution, Link, Span


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
def test_unnamed_source(text: str, source: str) -> None:
    cue = "confirmed" if "confirmed" in text else "said"
    got = flags_of(text, source, cue, text[text.index(cue) + len(cue) :].strip(" ."))
    assert set(got) == {"unnamed_source"}
    assert f"'{source}'" in got["unnamed_source"]


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
    assert set(flags_of(text, "The spokesman", "said", "it would close")) == {"unnamed_source"}
    assert flags_of(text, "The spokesman", "said", "it would close", entity="Ann Lee") == {}


def test_relative_pronoun_source_is_judged_by_its_antecedent() -> None:
    text = "The news came from an unnamed official who confirmed the move."
    got = flags_of(text, "who", "confirmed", "the move")
    assert got.keys() == {"unnamed_source"}
    assert "'an unnamed official'" in got["unnamed_source"]
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
    assert set(flags_of(text, "Some of the officials", "said", "the camp")) == {"unnamed_source"}
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
