"""Credibility 1-6 from the rule table; independent origins; MISP tags."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrack.credibility import CREDIBILITY, RULES, START, credibility, misp_tags
from claimtrack.grades import GRADES, grade_key
from claimtrack.models import Claim, Flag, SourceInfo, Span
from claimtrack.queries import independent_origins, with_corpus_flags

CONTENT = "the council held secret meetings with leaders of the militia in Tripoli"


def claim(
    doc: str = "d1", seq: int = 0, source: str | None = "Ahmed Al-Mismari", content: str = CONTENT,
    entity: str | None = None, flags: tuple[str, ...] = (), cue: str | None = "said",
    lemma: str | None = "say", **kw,
) -> Claim:
    at = 100 * seq
    return Claim(
        id=f"{doc}:{seq}", doc_id=doc, seq=seq,
        source=Span(start=at, end=at + len(source), text=source) if source else None,
        cue=Span(start=at + 40, end=at + 44, text=cue) if cue else None,
        content=Span(start=at + 50, end=at + 50 + len(content), text=content),
        kind="indirect", cue_class="speech", cue_lemma=lemma, source_entity=entity,
        relayed_by=kw.pop("relayed_by", None), relation=None, rule="t", extractor="t",
        flags=[Flag(code=c, explanation=f"{c} because of this") for c in flags], **kw,
    )


def grades(**by_name: str) -> dict[str, str]:
    return {grade_key(n.replace("_", " ")): g for n, g in by_name.items()}


# --- the table ---------------------------------------------------------------------


def test_an_ungraded_single_source_cannot_be_judged():
    g = credibility(claim(), 1, {})
    assert (g.reliability, g.credibility) == ("F", 6)
    assert g.reasons[0] == "source 'Ahmed Al-Mismari' is ungraded: reliability F (cannot be judged)"
    assert g.reasons[-1] == "credibility 6: truth cannot be judged"
    assert g.tags == [
        'admiralty-scale:source-reliability="f"', 'admiralty-scale:information-credibility="6"'
    ]


@pytest.mark.parametrize(("grade", "origins", "expected"), [
    ("A", 1, 2), ("B", 1, 2), ("C", 1, 3), ("D", 1, 4), ("E", 1, 5), ("F", 1, 6),
    ("A", 2, 1), ("C", 2, 2), ("E", 2, 3), ("F", 2, 3), ("F", 3, 2), ("D", 3, 2), ("B", 3, 1),
])
def test_reliability_and_corroboration(grade, origins, expected):
    g = credibility(claim(), origins, grades(Ahmed_Al_Mismari=grade))
    assert (g.reliability, g.credibility) == (grade, expected)


def test_a_graded_surname_grades_the_full_name_and_the_reason_says_who_graded():
    from datetime import UTC, datetime

    from claimtrack.grades import GradeEntry

    entry = GradeEntry(id=1, source="Al-Mismari", grade="B", why="long record", who="ana",
                       at=datetime(2026, 1, 2, tzinfo=UTC), origin="cli")
    g = credibility(claim(), 1, {grade_key("Al-Mismari"): entry})
    assert g.reliability == "B"
    assert g.reasons[0] == (
        "source 'Ahmed Al-Mismari' is graded B (usually reliable) by ana on 2026-01-02: long record"
    )


def test_anonymous_sources_are_f_and_at_best_3_however_corroborated():
    anon = claim(source="an unnamed US intelligence official",
                 source_info=SourceInfo(type="anonymous"))
    g = credibility(anon, 5, grades(unnamed_US_intelligence_official="A"))
    assert (g.reliability, g.credibility) == ("F", 3)
    assert any("anonymous source 'an unnamed US intelligence official'" in r for r in g.reasons)
    # without a source type, the v1/v2 flag says the same
    assert credibility(claim(flags=("unnamed_source",)), 5, {}).credibility == 3


def test_vague_or_unfollowable_sources_are_at_best_4():
    vague = claim(source="recent reports", source_info=SourceInfo(type="vague_reference"))
    assert credibility(vague, 3, {}).credibility == 4
    unresolved = claim(source="the study", flags=("unresolved_reference",))
    g = credibility(unresolved, 2, {})
    assert g.credibility == 4
    assert any("unresolved_reference because of this" in r for r in g.reasons)


def test_a_stake_and_a_distancing_cue_each_cost_one_grade():
    base = grades(Ahmed_Al_Mismari="B")
    stake = SourceInfo(type="person", interested_party="spokesperson of Haftar's forces")
    assert credibility(claim(source_info=stake), 1, base).credibility == 3
    both = claim(source_info=stake, flags=("distancing_cue",), cue="claimed", lemma="claim")
    g = credibility(both, 1, base)
    assert g.credibility == 4
    assert "interested party 'spokesperson of Haftar's forces': one grade worse" in g.reasons
    assert "distancing_cue because of this: one grade worse" in g.reasons
    assert credibility(claim(flags=("hedged",)), 1, base).credibility == 3


def test_a_reliable_other_origin_and_a_doubtful_relay_each_move_one_grade():
    g = credibility(claim(), 2, grades(Reuters="B"), ["Ahmed Al-Mismari", "the Reuters"])
    assert g.credibility == 2  # F: 6, corroborated 3, a reliable other origin 2
    assert "another origin is graded reliable: 'the Reuters' (B, usually reliable)" in g.reasons
    # the claim's own grade is no corroboration of itself
    own = credibility(claim(), 2, grades(Ahmed_Al_Mismari="A"), ["Ahmed Al-Mismari", "Tass"])
    assert own.credibility == 1 and not any("another origin" in r for r in own.reasons)
    relayed = credibility(claim(), 1, grades(Ahmed_Al_Mismari="B", Libya_Observer="E"),
                          relays=["Libya Observer"])
    assert relayed.credibility == 3
    assert "relayed by 'Libya Observer' (E, unreliable): one grade worse" in relayed.reasons
    assert credibility(claim(), 1, grades(Libya_Observer="C"), relays=["Libya Observer"]) \
        .credibility == 6


def test_no_source_is_f6_and_corroboration_still_counts():
    author = claim(source=None, cue=None, lemma=None, flags=("no_source",))
    g = credibility(author, 1, {})
    assert (g.reliability, g.credibility) == ("F", 6)
    assert g.reasons[0].startswith("no source is given")
    assert credibility(author, 2, {}).credibility == 3


def test_every_rule_is_documented_and_every_start_grade_is_a_scale_grade():
    assert [r.name for r in RULES][0] == "reliability"
    assert all(r.when and r.does for r in RULES)
    assert set(START) == set(GRADES) and set(START.values()) <= set(CREDIBILITY)


def test_misp_tags():
    assert misp_tags("B", 2) == [
        'admiralty-scale:source-reliability="b"', 'admiralty-scale:information-credibility="2"'
    ]


# --- invariants ----------------------------------------------------------------------

evidence = st.fixed_dictionaries({
    "grade": st.sampled_from(GRADES),
    "origins": st.integers(0, 6),
    "type": st.sampled_from([None, "person", "anonymous", "vague_collective", "outlet", "self"]),
    "stake": st.booleans(),
    "flags": st.lists(st.sampled_from(["distancing_cue", "hedged", "vague_source",
                                       "unresolved_reference", "anonymous_source",
                                       "endorsing_cue", "single_source"]), max_size=3),
    "sourced": st.booleans(),
    "other": st.sampled_from(GRADES),  # grade of another origin, when there is one
    "relay": st.sampled_from(GRADES),  # grade of the relay
    "relayed": st.booleans(),
})


def _grade(e: dict, origins: int | None = None, grade: str | None = None):
    info = None
    if e["type"] is not None:
        info = SourceInfo(type=e["type"], interested_party="party" if e["stake"] else None)
    c = claim(source="Ahmed Al-Mismari" if e["sourced"] else None, flags=tuple(e["flags"]),
              source_info=info)
    n = e["origins"] if origins is None else origins
    names = ["Ahmed Al-Mismari", "Reuters", "Tass", "AP", "AFP", "BBC", "CNN", "DPA"][:max(n, 1)]
    return credibility(
        c, n, grades(Ahmed_Al_Mismari=grade or e["grade"], Reuters=e["other"], Tass=e["other"],
                     Libya_Observer=e["relay"]),
        names, relays=["Libya Observer"] if e["relayed"] else [],
    )


@given(evidence)
def test_never_1_without_two_independent_origins(e):
    g = _grade(e)
    assert 1 <= g.credibility <= 6
    if e["origins"] < 2:
        assert g.credibility >= 2
    if g.credibility == 1:  # confirmed: by a reliable source, or by a reliable other origin
        assert e["origins"] >= 2 and (g.reliability in "ABC" or e["other"] in "AB")


@given(evidence, st.integers(0, 5))
def test_more_origins_never_lower_credibility(e, more):
    assert _grade(e, e["origins"] + more).credibility <= _grade(e).credibility


@given(evidence, st.sampled_from(GRADES), st.sampled_from(GRADES))
def test_a_better_source_grade_never_lowers_credibility(e, a, b):
    better, worse = sorted([a, b])
    assert _grade(e, grade=better).credibility <= _grade(e, grade=worse).credibility


@given(evidence)
def test_reasons_name_the_evidence_one_line_each_and_tags_match(e):
    g = _grade(e)
    assert g.reasons and all(r and "\n" not in r for r in g.reasons)
    assert g.reasons[-1] == f"credibility {g.credibility}: {CREDIBILITY[g.credibility]}"
    assert re.fullmatch(r'admiralty-scale:source-reliability="[a-f]"', g.tags[0])
    assert g.tags[1] == f'admiralty-scale:information-credibility="{g.credibility}"'


# --- independent origins -------------------------------------------------------------


def test_origins_count_distinct_named_voices_across_documents():
    cs = [
        claim("d1", 0, "Ahmed Al-Mismari"),
        claim("d2", 0, "Al-Mismari", entity="Ahmed Al-Mismari"),  # the same voice again
        claim("d3", 0, "Reuters"),
        claim("d4", 0, "officials", source_info=SourceInfo(type="vague_collective")),
        claim("d5", 0, "Tass", content="the weather in Moscow was cold and wet all week long"),
    ]
    origins = independent_origins(cs)
    assert origins["d1:0"] == ["Ahmed Al-Mismari", "Reuters"]
    assert len(origins["d4:0"]) == 3  # its own voice, Al-Mismari and Reuters
    assert origins["d5:0"] == ["Tass"]
    # consistent with single_source: a claim with a second origin is not single-sourced
    flagged = {c.id: [f.code for f in c.flags] for c in with_corpus_flags(cs)}
    assert "single_source" not in flagged["d1:0"] and "single_source" in flagged["d5:0"]


def test_a_relay_is_no_origin_of_its_own():
    relayed = claim("d2", 1, "Ahmed Al-Mismari", relayed_by="d2:2")
    cs = [
        claim("d1", 0, "Khalifa Haftar"),
        relayed,
        claim("d2", 2, "Libya Observer", content=CONTENT + " said Al-Mismari"),
    ]
    origins = independent_origins(cs)
    assert origins["d1:0"] == ["Khalifa Haftar", "Ahmed Al-Mismari"]  # not Libya Observer
