"""Credibility 1-6 from the evidence for a claim (rule table); reliability its own axis;
MISP tags; end to end from the stored index (issue 10 item 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from hypothesis import given
from hypothesis import strategies as st

from claimtrack import api
from claimtrack.credibility import (
    BY_ORIGINS,
    CREDIBILITY,
    RULES,
    Against,
    Corroboration,
    credibility,
)
from claimtrack.grades import GRADES, grade_key
from claimtrack.models import Claim, Flag, SourceInfo, Span, Stance

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


def co(n: int, own: str = "source:ahmed al-mismari", *others: str,
       against: tuple[Against, ...] = ()) -> Corroboration:
    """n independent origins, the claim's own first, then `others`, then made-up ones."""
    keys = [own, *others, *(f"source:voice {i}" for i in range(n))][: max(n, 0)]
    return Corroboration(origins=tuple(sorted(keys)), own=own if n else None,
                         documents=max(n, 1), contradicted_by=against)


# --- the table ---------------------------------------------------------------------


def test_an_ungraded_single_source_cannot_be_judged():
    g = credibility(claim(), co(1), {})
    assert (g.reliability, g.credibility) == ("F", 6)
    assert g.reasons[0] == "source 'Ahmed Al-Mismari' is ungraded: reliability F (cannot be judged)"
    assert g.reasons[1] == ("carried by 1 document, 1 independent origin "
                            "(source:ahmed al-mismari): no other voice to weigh it against")
    assert g.reasons[-1] == "credibility 6: truth cannot be judged"
    assert g.tags == [
        'admiralty-scale:source-reliability="f"', 'admiralty-scale:information-credibility="6"'
    ]


@pytest.mark.parametrize(("origins", "expected"), [(0, 6), (1, 6), (2, 2), (3, 1), (5, 1)])
@pytest.mark.parametrize("grade", GRADES)
def test_credibility_follows_the_origins_and_never_the_sources_own_grade(grade, origins,
                                                                         expected):
    g = credibility(claim(), co(origins), grades(Ahmed_Al_Mismari=grade))
    assert (g.reliability, g.credibility) == (grade, expected)


def test_a_graded_surname_grades_the_full_name_and_the_reason_says_who_graded():
    from datetime import UTC, datetime

    from claimtrack.models import GradeEntry

    entry = GradeEntry(id=1, source="Al-Mismari", grade="B", why="long record", who="ana",
                       at=datetime(2026, 1, 2, tzinfo=UTC), origin="cli")
    g = credibility(claim(), co(1), {grade_key("Al-Mismari"): entry})
    assert g.reliability == "B" and g.credibility == 6
    assert g.reasons[0] == (
        "source 'Ahmed Al-Mismari' is graded B (usually reliable) by ana on 2026-01-02: long record"
    )


def test_anonymous_sources_are_f_and_at_best_3_however_corroborated():
    anon = claim(source="an unnamed US intelligence official",
                 source_info=SourceInfo(type="anonymous"))
    g = credibility(anon, co(5), grades(unnamed_US_intelligence_official="A"))
    assert (g.reliability, g.credibility) == ("F", 3)
    assert any("anonymous source 'an unnamed US intelligence official'" in r for r in g.reasons)
    # without a source type, the v1/v2 flag says the same
    assert credibility(claim(flags=("unnamed_source",)), co(5), {}).credibility == 3


def test_vague_or_unfollowable_sources_are_at_best_4():
    vague = claim(source="recent reports", source_info=SourceInfo(type="vague_reference"))
    assert credibility(vague, co(3), {}).credibility == 4
    unresolved = claim(source="the study", flags=("unresolved_reference",))
    g = credibility(unresolved, co(2), {})
    assert g.credibility == 4
    assert any("unresolved_reference because of this" in r for r in g.reasons)


def test_a_stake_a_distancing_cue_and_a_hedge_each_cost_one_grade():
    stake = SourceInfo(type="person", interested_party="spokesperson of Haftar's forces")
    assert credibility(claim(source_info=stake), co(2), {}).credibility == 3
    both = claim(source_info=stake, flags=("distancing_cue",), cue="claimed", lemma="claim")
    g = credibility(both, co(2), {})
    assert g.credibility == 4
    assert "interested party 'spokesperson of Haftar's forces': one grade worse" in g.reasons
    assert "distancing_cue because of this: one grade worse" in g.reasons
    assert credibility(claim(flags=("hedged",)), co(2), {}).credibility == 3
    may = credibility(claim(stance=Stance(modality=["may"])), co(2), {})
    assert may.credibility == 3 and "the source hedges (may): one grade worse" in may.reasons
    # reported "will" and intentions are no hedge
    assert credibility(claim(stance=Stance(modality=["plan to", "would"])), co(2), {}) \
        .credibility == 2


def test_a_negated_cue_asserts_nothing_and_a_denial_is_graded_as_what_it_asserts():
    said_not = credibility(claim(stance=Stance(cue_negated=True)), co(3), {})
    assert said_not.credibility == 6
    assert "a negated cue: the source asserts nothing, so 6" in said_not.reasons
    denial = credibility(claim(stance=Stance(denial=True)), co(2), {})
    assert denial.credibility == 2
    assert "a denial: graded as the claim that it is not so" in denial.reasons


def test_only_another_origins_grade_counts():
    # another origin graded B: one better, 2 -> 1
    g = credibility(claim(), co(2, "source:ahmed al-mismari", "outlet:reuters"),
                    grades(Reuters="B"))
    assert g.credibility == 1
    assert "another origin is graded reliable: 'reuters' (B, usually reliable)" in g.reasons
    # the claim's own grade is no corroboration of itself, whatever it is
    own = credibility(claim(), co(2, "source:ahmed al-mismari", "outlet:tass"),
                      grades(Ahmed_Al_Mismari="A"))
    assert own.credibility == 2 and not any("another origin" in r for r in own.reasons)
    # nor is its own source under another spelling in another document
    twice = credibility(claim(), co(2, "source:ahmed al-mismari", "source:al-mismari"),
                        grades(Al_Mismari="A"))
    assert twice.credibility == 2
    # anonymous and document origins have no grade to look up
    anon = credibility(claim(), co(2, "source:ahmed al-mismari", "unnamed:outlet:x:officials"),
                       grades(officials="A"))
    assert anon.credibility == 2


def test_a_contradicted_claim_says_by_whom_and_is_at_best_3():
    ruiz = Against(claim_id="d9:1", doc_id="d9", source="Mark Ruiz", origins=("source:mark ruiz",))
    g = credibility(claim(), co(3, against=(ruiz,)), {})
    assert g.credibility == 3
    assert "contradicted by 'Mark Ruiz' (d9:1, 1 independent origin): at best 3" in g.reasons
    # outweighed: the claims against it have more independent origins than it has
    many = tuple(Against(claim_id=f"d{i}:0", doc_id=f"d{i}", source=f"S{i}",
                         origins=(f"source:s{i}",)) for i in range(3))
    out = credibility(claim(), co(2, against=many), {})
    assert out.credibility == 5
    assert "the claims against it have more independent origins (3 to 2): at best 5" in out.reasons
    assert any(r.startswith("contradicted by 'S0', 'S1', 'S2' (3 claims, 3 independent")
               for r in out.reasons)


def test_no_source_is_f_and_corroboration_still_counts():
    author = claim(source=None, cue=None, lemma=None, flags=("no_source",))
    g = credibility(author, co(1, "outlet:ap"), {})
    assert (g.reliability, g.credibility) == ("F", 6)
    assert g.reasons[0].startswith("no source is given")
    assert credibility(author, co(2, "outlet:ap"), {}).credibility == 2


def test_every_rule_is_documented_and_the_start_is_a_scale_grade():
    assert [r.name for r in RULES][0] == "independent origins"
    assert all(r.when and r.does for r in RULES)
    assert set(BY_ORIGINS.values()) <= set(CREDIBILITY)
    # no rule reads the source's own reliability: the two axes stay apart
    import inspect

    import claimtrack.credibility as cred
    table = inspect.getsource(cred).split("RULES: tuple[Rule, ...] = (")[1].split("\n)\n")[0]
    assert "reliability" not in table.replace("reliable_origin", "")


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
    "against": st.integers(0, 4),  # independent origins of the claims against it
    "stance": st.sampled_from([Stance(), Stance(denial=True), Stance(cue_negated=True),
                               Stance(modality=["could"]), Stance(content_negated=True)]),
})


def _grade(e: dict, origins: int | None = None, grade: str | None = None):
    info = None
    if e["type"] is not None:
        info = SourceInfo(type=e["type"], interested_party="party" if e["stake"] else None)
    c = claim(source="Ahmed Al-Mismari" if e["sourced"] else None, flags=tuple(e["flags"]),
              source_info=info, stance=e["stance"])
    n = e["origins"] if origins is None else origins
    against = tuple(Against(claim_id=f"x:{i}", doc_id="x", source=f"s{i}",
                            origins=(f"source:s{i}",)) for i in range(e["against"]))
    return credibility(
        c, co(n, "source:ahmed al-mismari", "outlet:reuters", "outlet:tass", against=against),
        grades(Ahmed_Al_Mismari=grade or e["grade"], Reuters=e["other"], Tass=e["other"]),
    )


@given(evidence)
def test_never_1_without_two_independent_origins(e):
    g = _grade(e)
    assert 1 <= g.credibility <= 6
    if e["origins"] < 2:
        assert g.credibility == 6  # nothing to weigh one voice against
    if g.credibility == 1:
        assert e["origins"] >= 2 and not e["against"]
    if e["against"]:
        assert g.credibility >= 3


@given(evidence, st.integers(0, 5))
def test_more_origins_never_lower_credibility(e, more):
    assert _grade(e, e["origins"] + more).credibility <= _grade(e).credibility


@given(evidence, st.sampled_from(GRADES))
def test_the_sources_own_grade_never_changes_its_credibility(e, other):
    assert _grade(e, grade=other).credibility == _grade(e).credibility


@given(evidence)
def test_reasons_name_the_evidence_one_line_each_and_tags_match(e):
    g = _grade(e)
    assert g.reasons and all(r and "\n" not in r for r in g.reasons)
    assert g.reasons[-1] == f"credibility {g.credibility}: {CREDIBILITY[g.credibility]}"
    assert re.fullmatch(r'admiralty-scale:source-reliability="[a-f]"', g.tags[0])
    assert g.tags[1] == f'admiralty-scale:information-credibility="{g.credibility}"'


# --- end to end: the stored index ------------------------------------------------------

# Two outlets quote two different named people saying the same thing.
PAIR = {
    "a.txt": ("Riverside Courier", "Councillor Maria Lopez said the city will build a new "
              "bridge over the Wabash river next spring.\n"),
    "b.txt": ("Valley Tribune", "Engineer Paul Okafor said the city will build a new bridge "
              "over the Wabash river next spring.\n"),
}


def _pair(tmp_path: Path) -> Path:
    db = tmp_path / "pair.db"
    for name, (publisher, text) in PAIR.items():
        (tmp_path / name).write_text(text)
        r = run_cli("add", str(tmp_path / name), "--publisher", publisher, db=db)
        assert r.exit_code == 0, r.stderr
    return db


def _bridge(db: Path) -> list[Claim]:
    return [c for c in api.claims(db) if "bridge" in c.content.text]


def test_two_independent_named_origins_give_2_or_better_with_reasons(tmp_path):
    cs = _bridge(_pair(tmp_path))
    assert len(cs) == 2
    for c in cs:
        assert c.grade.credibility <= 2, c.grade.reasons
        assert "single_source" not in [f.code for f in c.flags]
        assert any("2 independent origins (source:maria lopez, source:paul okafor)" in r
                   for r in c.grade.reasons)


def test_grading_a_source_c_leaves_its_claims_credibility_unchanged(tmp_path):
    db = _pair(tmp_path)
    before = {c.id: c.grade.credibility for c in api.claims(db)}
    r = run_cli("sources", "grade", "Maria Lopez", "C", "--why", "test", db=db)
    assert r.exit_code == 0, r.stderr
    after = {c.id: c.grade for c in api.claims(db)}
    assert {k: g.credibility for k, g in after.items()} == before
    lopez = next(c for c in _bridge(db) if "Lopez" in c.source_label)
    assert lopez.grade.reliability == "C"  # shown beside it, its own axis
    # a single-source claim of a graded source stays "cannot be judged"
    (tmp_path / "c.txt").write_text("Maria Lopez said the old ferry will stop running in May.\n")
    run_cli("add", str(tmp_path / "c.txt"), db=db)
    ferry = next(c for c in api.claims(db) if "ferry" in c.content.text)
    assert (ferry.grade.reliability, ferry.grade.credibility) == ("C", 6)


def test_the_story_contradiction_is_in_the_reasons(tmp_path):
    from test_corpus import ARTICLES, STORY, build, doc_ids

    db = tmp_path / "story.db"
    build(db, ARTICLES)
    ids = doc_ids(db)
    cs = {c.id: c for c in api.claims(db)}
    stein = next(c for c in cs.values() if c.doc_id == ids["4-confirmation.txt"]
                 and "close its only hospital" in c.content.text)
    assert "single_source" not in [f.code for f in stein.flags]
    assert stein.grade.credibility == 3  # two independent origins, but contradicted
    # (Ruiz's denial, and his paper's headline "hospital will stay open")
    assert any(r.startswith("contradicted by ") and "'Mark Ruiz'" in r
               for r in stein.grade.reasons), stein.grade.reasons
    ruiz = next(c for c in cs.values() if c.doc_id == ids["5-denial.txt"]
                and "close its only hospital" in c.content.text)
    assert "single_source" in [f.code for f in ruiz.flags]
    assert ruiz.grade.credibility == 6
    assert "the claims against it have more independent origins (2 to 1): at best 5" in \
        ruiz.grade.reasons
    # the wire copy is no second origin for the mayor
    harlan = [c for c in cs.values() if "six straight years" in c.content.text
              and c.doc_id != ids["3-rewrite.txt"]]
    assert len(harlan) == 2
    assert all("single_source" in [f.code for f in c.flags] for c in harlan)
    assert STORY.exists() and ROOT.exists()
