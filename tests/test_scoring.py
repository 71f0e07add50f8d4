"""claimtrack.scoring: hand-made gold/prediction pairs, self-scoring and
(when ../shared/eval is present) agreement with its score.py on random data."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrack.errors import ClaimtrackError
from claimtrack.scoring import GoldText, jaccard, parse_only, prf, role_right, score

pytestmark = pytest.mark.model_free

SCORE_PY = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "score.py"

TEXT = (
    'Budget Row Deepens\n\n'
    'The mayor said the budget was broken. "We cannot pay," a clerk told us. '
    'Critics believe the plan will fail, according to a local paper.'
)


def sp(text: str, piece: str, nth: int = 0) -> dict:
    """A span for the nth occurrence of `piece` in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return {"text": piece, "start": start, "end": start + len(piece)}


def att(content: str, source: str | None = None, cue: str | None = None, text: str = TEXT,
        **labels: str) -> dict:
    return {
        "content": sp(text, content),
        "source": sp(text, source) if source else None,
        "cue": sp(text, cue) if cue else None,
        **labels,
    }


GOLD_ATTS = [
    att("the budget was broken", "The mayor", "said", kind="indirect", cue_class="speech"),
    att('"We cannot pay,"', "a clerk", "told", kind="direct", cue_class="speech"),
    att("the plan will fail", "Critics", "believe", kind="indirect", cue_class="other"),
]


def gold(atts: list[dict] | None = None, text: str = TEXT) -> dict:
    return {"d": {"id": "d", "text": text, "attributions": GOLD_ATTS if atts is None else atts}}


def pred(atts: list[dict], **extra) -> dict:
    return {"d": {"id": "d", "attributions": atts, **extra}}


def test_gold_against_itself_is_perfect():
    m = score(gold(), pred(GOLD_ATTS))
    for r in (m.content_exact, m.content_overlap, m.content_and_source):
        assert (r.precision, r.recall, r.f1, r.tp) == (1.0, 1.0, 1.0, 3)
    assert m.source_lenient_acc == m.source_exact_acc == m.cue_exact_acc == 1.0
    assert m.recall_by["kind=direct"].gold == 1
    assert m.recall_by["source=span"].source_acc_given_match == 1.0
    assert m.counts.model_dump() == dict.fromkeys(m.counts.model_dump(), 0)


def test_punctuation_and_a_longer_span_decide_exact_not_overlap():
    # quotation marks never count; one extra word breaks exact but not overlap
    p = [
        att("We cannot pay", "a clerk", "told"),
        att("said the budget was broken", "The mayor", "said"),
    ]
    m = score(gold(), pred(p))
    assert (m.content_exact.tp, m.content_overlap.tp) == (1, 2)
    assert m.content_overlap.precision == 1.0
    assert m.content_overlap.recall == pytest.approx(2 / 3)
    assert m.recall_by["cue_class=other"].recall == 0.0


def test_fragments_compare_only_their_pieces():
    text = '"We will win," he said, "and soon."'
    frag = {"text": '"We will win," he said, "and soon."', "start": 0, "end": len(text),
            "fragments": [sp(text, '"We will win,"'), sp(text, '"and soon."')]}
    g = {"d": {"id": "d", "text": text, "attributions": [
        {"content": frag, "source": sp(text, "he"), "cue": sp(text, "said")}]}}
    hull = {"content": sp(text, text), "source": sp(text, "he"), "cue": sp(text, "said")}
    pieces = {"content": frag, "source": sp(text, "he"), "cue": sp(text, "said")}
    hull_m = score(g, pred([hull]))
    # the hull adds "he said": 5 gold words of 7 -> overlap, not exact
    assert (hull_m.content_exact.tp, hull_m.content_overlap.tp) == (0, 1)
    assert score(g, pred([pieces])).content_exact.tp == 1


def test_null_sources_right_only_when_both_null():
    g = [att("the plan will fail", None, "believe")]
    both_null = score(gold(g), pred([att("the plan will fail", None, "believe")]))
    assert both_null.source_lenient_acc == both_null.source_exact_acc == 1.0
    assert both_null.recall_by["source=null"].source_acc_given_match == 1.0
    invented = score(gold(g), pred([att("the plan will fail", "Critics", "believe")]))
    assert invented.source_lenient_acc == 0.0
    assert invented.content_and_source.tp == 0 and invented.content_overlap.tp == 1
    lost = score(gold(), pred([att("the budget was broken", None, "said")]))
    assert lost.source_lenient_acc == 0.0


def test_lenient_source_accepts_nesting_exact_does_not():
    p = [att("the budget was broken", "mayor", "said")]
    m = score(gold(), pred(p))
    assert (m.source_lenient_acc, m.source_exact_acc) == (1.0, 0.0)


def test_spans_given_by_text_only_are_relocated():
    p = [{"content": {"text": "the budget was broken"}, "source": {"text": "The mayor"},
          "cue": {"text": "said"}}]
    m = score(gold(), pred(p))
    assert m.content_exact.tp == 1 and m.source_exact_acc == 1.0
    assert m.counts.pred_relocated == 3


def test_wrong_offsets_relocate_to_the_nearest_occurrence():
    text = "He said no. Later he said no again."
    g = {"d": {"id": "d", "text": text, "attributions": [
        {"content": sp(text, "no", 1), "source": sp(text, "he"), "cue": sp(text, "said", 1)}]}}
    near_second = {"text": "no", "start": sp(text, "no", 1)["start"] + 3, "end": 0}
    m = score(g, pred([{"content": near_second, "source": sp(text, "he"),
                        "cue": sp(text, "said", 1)}]))
    assert m.content_exact.tp == 1 and m.counts.pred_relocated == 1


def test_unfindable_span_is_unresolved_and_matches_nothing():
    m = score(gold(), pred([{"content": {"text": "not in the text at all"}}]))
    assert m.counts.pred_unresolved == 1
    assert (m.content_overlap.tp, m.content_overlap.pred) == (0, 1)


def test_prediction_on_another_text_is_looked_up_by_text():
    p = [att("the budget was broken", "The mayor", "said", text="xx " + TEXT)]
    m = score(gold(), pred(p, text="xx " + TEXT))
    assert m.counts.pred_docs_with_other_text == 1
    assert m.content_exact.tp == 1 and m.counts.pred_relocated == 3


def test_matching_is_one_to_one_best_first():
    p = [att("The mayor said the budget was broken"), att("the budget was broken")]
    m = score(gold(), pred(p))
    assert (m.content_overlap.tp, m.content_overlap.pred) == (1, 2)
    assert m.content_exact.tp == 1  # the exact one took the gold, the other is a false alarm


def test_only_ignores_predictions_outside_the_filter():
    p = [
        att("the budget was broken", cue_class="speech"),
        att("the plan will fail", cue_class="speech"),  # matches gold cue_class=other
        att("Budget Row Deepens", cue_class="other"),  # unmatched, own label outside
        att("a local paper"),  # unmatched, no label: kept, a false alarm
    ]
    m = score(gold(), pred(p), only=parse_only(["cue_class=speech"]))
    assert m.only == ["cue_class=speech"]
    assert (m.content_overlap.tp, m.content_overlap.pred, m.content_overlap.gold) == (1, 2, 2)
    assert set(m.recall_by) == {"cue_class=speech", "kind=direct", "kind=indirect",
                                "source=span"}


def test_gold_document_without_prediction_counts_as_missed():
    m = score(gold(), {"other": {"id": "other", "attributions": []}})
    assert m.counts.gold_docs_without_prediction == 1
    assert m.counts.pred_docs_not_in_gold == 1
    assert (m.content_overlap.recall, m.content_overlap.precision, m.content_overlap.f1) == (
        0.0, 0.0, 0.0)


def test_nothing_to_find_and_nothing_found_is_perfect():
    r = prf(0, 0, 0)
    assert (r.precision, r.recall, r.f1) == (1.0, 1.0, 1.0)
    assert prf(0, 3, 0).precision == 0.0


def test_span_without_words_falls_back_to_characters():
    gt = GoldText.of("Yes -- no")
    assert gt.token_set([(4, 6)]) == {(4, 5), (5, 6)}
    assert gt.token_set([(1, 2)]) == {(0, 3)}  # a token touched is taken whole
    assert gt.token_set(None) is None


def test_role_right_and_jaccard():
    a, b = frozenset({(0, 1), (2, 3)}), frozenset({(2, 3), (4, 5)})
    assert jaccard(a, b) == pytest.approx(1 / 3)
    assert role_right(None, None, 0.5) == (True, True)
    assert role_right(a, None, 0.5) == (False, False)
    assert role_right(a, b, 0.3) == (True, False)
    assert role_right(frozenset(), frozenset(), 0.5) == (True, True)


def test_parse_only_wants_field_equals_value():
    assert parse_only(["kind=direct", "x=a=b"]) == [("kind", "direct"), ("x", "a=b")]
    with pytest.raises(ClaimtrackError, match="FIELD=VALUE"):
        parse_only(["kind"])


def test_errors_are_sampled_deterministically_with_context():
    p = [att("Budget Row Deepens"), att("a local paper"), att("We cannot pay")]
    a = score(gold(), pred(p), errors=5, seed=3)
    b = score(gold(), pred(p), errors=5, seed=3)
    assert a.misses == b.misses and a.false_alarms == b.false_alarms
    assert {e.content for e in a.misses} == {"the budget was broken", "the plan will fail"}
    assert {e.content for e in a.false_alarms} == {"Budget Row Deepens", "a local paper"}
    miss = next(e for e in a.misses if e.content == "the budget was broken")
    assert (miss.source, miss.cue, miss.what) == ("The mayor", "said", "miss")
    assert miss.context_before.endswith("The mayor said ")
    assert len(miss.context_before) <= 50 and len(miss.context_after) <= 50
    one = score(gold(), pred(p), errors=1, seed=3)
    assert len(one.misses) == len(one.false_alarms) == 1
    assert score(gold(), pred(p)).misses == []


def test_a_near_miss_names_the_closest_prediction():
    p = [att("said the budget", "mayor", "said")]  # J = 2/5 < 0.5
    m = score(gold(), pred(p), errors=3)
    miss = next(e for e in m.misses if e.content == "the budget was broken")
    assert miss.other_content == "said the budget" and miss.other_source == "mayor"
    assert miss.other_jaccard == pytest.approx(2 / 5)


# --- properties -------------------------------------------------------------

WORDS = st.sampled_from(["said", "the", "mayor", "we", "pay", "—", '"', ",", "plan", "It's"])


@st.composite
def documents(draw) -> tuple[dict, list[dict]]:
    words = draw(st.lists(WORDS, min_size=3, max_size=30))
    text = " ".join(words)
    bounds = [0]
    for w in words:
        bounds.append(bounds[-1] + len(w) + 1)

    def span(optional: bool) -> dict | None:
        if optional and draw(st.booleans()):
            return None
        i = draw(st.integers(0, len(words) - 1))
        j = draw(st.integers(i + 1, min(len(words), i + 6)))
        s, e = bounds[i], bounds[j] - 1
        out = {"text": text[s:e], "start": s, "end": e}
        if draw(st.integers(0, 4)) == 0 and j - i >= 3:  # a discontinuous span
            mid = bounds[i + 1] - 1
            out["fragments"] = [{"text": text[s:mid], "start": s, "end": mid},
                                {"text": text[bounds[j - 1]:e], "start": bounds[j - 1],
                                 "end": e}]
        return out

    atts = []
    for _ in range(draw(st.integers(0, 5))):
        atts.append({"content": span(False), "source": span(True), "cue": span(True),
                     "kind": draw(st.sampled_from(["direct", "indirect"])),
                     "cue_class": draw(st.sampled_from(["speech", "other"]))})
    return {"id": "d", "text": text, "attributions": atts}, atts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_gold_scored_against_itself_is_perfect(doc_atts):
    doc, atts = doc_atts
    m = score({"d": doc}, {"d": {"id": "d", "attributions": atts}})
    assert m.content_overlap.f1 == 1.0 and m.content_exact.f1 == 1.0
    assert m.content_and_source.f1 == 1.0
    assert m.matched_pairs == len(atts)
    if atts:
        assert m.source_lenient_acc == m.source_exact_acc == 1.0
        assert m.cue_exact_acc == 1.0


def _reference():
    if not SCORE_PY.is_file():
        pytest.skip("../shared/eval/score.py is absent")
    spec = importlib.util.spec_from_file_location("polnear_score_ref", SCORE_PY)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), documents(), st.sampled_from([(), (("cue_class", "speech"),),
                                                  (("kind", "direct"),)]),
       st.sampled_from([0.5, 0.3, 1.0]), st.booleans())
def test_same_numbers_as_the_reference_scorer(g, p, only, threshold, say_text):
    """Random gold and predictions: every figure equals score.py's."""
    ref = _reference()
    gdoc, _ = g
    _, patts = p
    # Predictions drawn on another text: with that text given, offsets are not
    # trusted and text lookup takes over; without it, offsets that fit are used.
    pdoc = {"id": "d", "attributions": patts}
    if say_text:
        pdoc["text"] = p[0]["text"]
    theirs = ref.score({"d": gdoc}, {"d": pdoc}, threshold, list(only))
    ours = score({"d": gdoc}, {"d": pdoc}, threshold, only).model_dump()
    for key in ("content_exact", "content_overlap", "content_and_source", "source_lenient_acc",
                "source_exact_acc", "cue_lenient_acc", "cue_exact_acc", "matched_pairs", "only"):
        assert ours[key] == theirs[key], key
    for key, bucket in theirs["recall_by"].items():
        assert {k: v for k, v in ours["recall_by"][key].items() if v is not None} == bucket
    assert set(ours["recall_by"]) == set(theirs["recall_by"])
    assert {k: v for k, v in theirs["counts"].items() if k != "pred_labels_derived"} == (
        ours["counts"])
