"""The labelled pair set (evalsets/polnear_pairs.json) and its scorer (scripts/score_pairs.py).

The file is validated against PolNeAR when ../shared/eval/polnear.jsonl (or $POLNEAR) is
there, skipped otherwise; the matching, the diff --json adapter and the offset mapping are
tested on synthetic text (no PolNeAR text here).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.model_free

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import pairs_check  # noqa: E402
import pairs_lib as L  # noqa: E402
import score_pairs as S  # noqa: E402


def test_file_structure_without_polnear():
    data = L.load_pairs()
    assert data["version"] == 1 and data["split_rule"]
    pairs = data["pairs"]
    assert sum(p["kind"] == "same_story" for p in pairs) >= 12
    assert sum(p["kind"] == "different_event" for p in pairs) >= 3
    counts = pairs_check.split_counts(data)
    assert counts["calibrate"] >= 8 and counts["report"] >= 4
    for p in pairs:
        assert not L.is_held_out(p["a"]) and not L.is_held_out(p["b"])
        assert p["a"] in data["documents"] and p["b"] in data["documents"]
        for c in p["claims"]:
            assert c["relation"] in L.RELATIONS and c["label"]
            for side in "ab":
                assert 0 <= c[side]["start"] < c[side]["end"]
        if p["kind"] == "different_event":
            assert not p["claims"]


@pytest.mark.polnear
def test_file_against_polnear():
    source = L.polnear_path()
    if not source.exists():
        pytest.skip("../shared/eval/polnear.jsonl is absent (set $POLNEAR)")
    data = L.load_pairs()
    texts = L.load_texts(source, data["documents"])
    assert pairs_check.validate(data, texts) == []


def test_tokens_and_jaccard():
    assert L.tokens("The Tweet's been DELETED.") == {"the", "tweet", "s", "been", "deleted"}
    assert L.jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert L.jaccard(set(), set()) == 0.0


def test_span_jaccard_needs_overlap():
    text = "alpha beta gamma. alpha beta gamma."
    assert L.span_jaccard(text, (0, 16), (18, 34)) == 0.0  # same words, no overlap
    assert L.span_jaccard(text, (0, 16), (0, 10)) == pytest.approx(2 / 3)


def test_pair_matches_needs_both_sides():
    ta = "Officials said the bridge will reopen on Monday after repairs."
    tb = "The bridge will reopen Monday, the city said. Traffic was light."
    ga, gb = (15, 61), (0, 29)
    assert L.pair_matches(ta, tb, ((15, 61), (0, 29)), (ga, gb))
    assert not L.pair_matches(ta, tb, ((15, 61), (45, 64)), (ga, gb))
    assert not L.pair_matches(ta, tb, ((0, 14), (0, 29)), (ga, gb))


def test_span_problems():
    text = "Hello world, again."
    assert L.span_problems(text, 0, 5) == []
    assert L.span_problems(text, 1, 5)  # starts inside a word
    assert L.span_problems(text, 0, 3)  # ends inside a word
    assert L.span_problems(text, 5, 5)  # empty
    assert L.span_problems(text, 5, 6)  # no word
    assert L.span_problems(text, 0, 99)


def _claim(doc: str, start: int, end: int) -> dict:
    return {"id": f"{doc}:0", "doc_id": doc, "content": {"start": start, "end": end, "text": ""}}


def test_adapter_today_shape():
    diff = {
        "a": {"id": "A"},
        "b": {"id": "B"},
        "shared": [{"a": _claim("A", 1, 5), "b": _claim("B", 7, 9), "similarity": 0.9}],
        "only_in_a": [_claim("A", 20, 30)],
        "only_in_b": [],
    }
    assert S.aligned_pairs(diff, "A", "B") == [{"a": (1, 5), "b": (7, 9), "relation": "same"}]


def test_adapter_new_contract_any_key_and_side_by_doc_id():
    diff = {
        "aligned": [
            {"left": _claim("B", 7, 9), "right": _claim("A", 1, 5), "relation": "more_specific"}
        ],
        "contradictions": [
            {"claim_a": _claim("A", 2, 3), "claim_b": _claim("B", 4, 6), "relation": "contradicts"}
        ],
        "only_in_a": [_claim("A", 20, 30)],
    }
    got = S.aligned_pairs(diff, "A", "B")
    assert {"a": (1, 5), "b": (7, 9), "relation": "more_specific"} in got
    assert {"a": (2, 3), "b": (4, 6), "relation": "contradicts"} in got
    assert len(got) == 2


def test_offset_map_for_stripped_and_changed_text():
    src = "\n  Headline.\n\nBody text here.\n"
    stored = src.strip()
    m = S.OffsetMap(src, stored)
    assert m.exact and m(0) == 3
    assert src[m(stored.index("Body")) :].startswith("Body")
    changed = "Headline.\n\nBody  text here."
    m2 = S.OffsetMap(src, changed)
    assert not m2.exact
    assert src[m2(changed.index("here")) :].startswith("here")


def test_sentences_cover_words():
    text = 'Headline here.\n\n"It is done," she said. Then he left! A third one?\n'
    spans = S.sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Headline here.",
        '"It is done," she said.',
        "Then he left!",
        "A third one?",
    ]


def test_bm25_aligns_the_shared_sentence():
    a = "Storm hits coast. The mayor said the bridge will reopen Monday. Schools stay shut."
    b = "Rain all week. The bridge will reopen on Monday, the mayor said. Cats are fine."
    got = S.bm25_pairs(a, b, threshold=0.3, top=5)
    assert got and a[slice(*got[0]["a"])].startswith("The mayor")
    assert b[slice(*got[0]["b"])].startswith("The bridge")


def _pair(kind: str) -> dict:
    return {
        "a": "A",
        "b": "B",
        "kind": kind,
        "split": "calibrate",
        "claims": [
            {"a": {"start": 0, "end": 18}, "b": {"start": 0, "end": 18},
             "relation": "same", "label": "x"},
            {"a": {"start": 19, "end": 36}, "b": {"start": 19, "end": 36},
             "relation": "contradicts", "label": "y"},
        ]
        if kind == "same_story"
        else [],
        "near_misses": [{"a": {"start": 37, "end": 55}, "b": {"start": 37, "end": 55},
                         "label": "z"}],
    }


def test_score_pair_counts():
    text = "alpha beta gamma d. epsilon zeta eta. theta iota kappa x."
    preds = [
        {"a": (0, 18), "b": (0, 18), "relation": "same"},  # gold same
        {"a": (19, 36), "b": (19, 36), "relation": "same"},  # contradiction, wrong relation
        {"a": (37, 55), "b": (37, 55), "relation": "same"},  # near miss
        {"a": (0, 18), "b": (37, 55), "relation": "same"},  # false alarm
    ]
    r = S.score_pair(_pair("same_story"), text, text, preds)["counts"]
    assert (r["found_same"], r["gold_same"]) == (1, 1)
    assert (r["true"], r["predicted"]) == (2, 4)
    assert r["found_contradicts"] == 0 and r["aligned_contradicts"] == 1
    assert r["near_miss_aligned"] == 1
    preds[1]["relation"] = "contradicts"
    r = S.score_pair(_pair("same_story"), text, text, preds)["counts"]
    assert r["found_contradicts"] == 1


def test_different_event_pairs_count_every_alignment_against():
    text = "alpha beta gamma d. epsilon zeta eta. theta iota kappa x."
    preds = [{"a": (0, 18), "b": (0, 18), "relation": "same"}]
    r = S.score_pair(_pair("different_event"), text, text, preds)["counts"]
    assert r["different_event_aligned"] == 1 and r["true"] == 0
    s = S.summarise([(_pair("different_event"), {"counts": r})])
    assert s["precision"] == 0.0


def test_sentence_gold_widens_each_span_to_its_sentences():
    a = "The mayor spoke. She said taxes will rise next year, and schools will close in May. Ok."
    b = "Taxes will rise next year, the mayor said. Nothing else."
    clause_a = (a.index("taxes"), a.index(", and"))
    clause_b = (0, b.index(", the mayor"))
    pair = {"claims": [{"a": {"start": clause_a[0], "end": clause_a[1]},
                        "b": {"start": clause_b[0], "end": clause_b[1]}}]}
    wide = S.sentence_gold(pair, a, b)
    item = wide["claims"][0]
    assert a[item["a"]["start"]:item["a"]["end"]] == \
        "She said taxes will rise next year, and schools will close in May."
    assert b[item["b"]["start"]:item["b"]["end"]] == "Taxes will rise next year, the mayor said."
    assert pair["claims"][0]["a"]["start"] == clause_a[0]  # the labels themselves unchanged
    # a clause-sized prediction no longer matches the sentence-sized label on side a
    assert not L.pair_matches(a, b, (clause_a, clause_b), S._gold(item))
