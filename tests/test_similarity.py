"""similarity: the lexical 'same claim' measure and one-to-one claim matching."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.models import Claim, Span
from claimtrack.similarity import (
    SAME_CLAIM,
    content_similarity,
    match_claims,
    normalise_name,
    set_similarity,
    similar_pairs,
    stem,
    tokens,
)


def claim(seq: int, content: str, source: str | None = "Officials", cue: str = "say") -> Claim:
    return Claim(
        id=f"doc:{seq}",
        doc_id="doc",
        seq=seq,
        source=Span(start=0, end=len(source), text=source) if source else None,
        cue=Span(start=0, end=3, text=cue) if source else None,
        content=Span(start=0, end=len(content), text=content),
        kind="indirect",
        cue_class="speech",
        cue_lemma=cue if source else None,
        source_entity=None,
        relayed_by=None,
        relation=None,
        rule=None,
        extractor="test",
    )


def test_tokens_drop_stopwords_and_strip_suffixes():
    assert tokens("The rivals held secret meetings with the leaders") == {
        "rival", "held", "secret", "meet", "leader",
    }  # fmt: skip
    assert stem("forces") == stem("force") == "forc"
    assert stem("parties") == "party"
    assert stem("class") == "class"
    assert stem("2011") == "2011"


def test_identical_and_disjoint():
    assert content_similarity("Belhadj leads ISIS in Libya", "Belhadj leads ISIS in Libya") == 1.0
    assert content_similarity("Belhadj leads ISIS", "taxes will rise next year") == 0.0
    assert content_similarity("", "") == 1.0
    assert content_similarity("it is", "it is") == 1.0
    assert content_similarity("it is", "he was") == 0.0


def test_reworded_claim_is_the_same():
    a = (
        "some members of the UN-backed Presidency Council held secret meetings with leaders "
        "of Al-Qaeda to mastermind the attack on the oil crescent region"
    )
    b = "members of the Presidency Council held secret meetings with Al-Qaeda leaders to plan the attack on the oil crescent"  # noqa: E501
    assert content_similarity(a, b) >= SAME_CLAIM


def test_claims_sharing_only_names_differ():
    a = "Belhadj is leading ISIS in Libya"
    b = "the US supported Belhadj in Libya in 2011"
    assert content_similarity(a, b) < SAME_CLAIM
    # a one-word content does not match every sentence naming him
    assert (
        content_similarity("Belhadj", "Belhadj commands the ISIS presence inside Libya")
        < SAME_CLAIM
    )


def test_denial_is_not_the_claim():
    assert (
        content_similarity("the government will resign", "the government will not resign")
        < SAME_CLAIM
    )
    assert content_similarity("he met them", "he didn't meet them") < SAME_CLAIM
    assert content_similarity("he met them", "he didn’t meet them") < SAME_CLAIM


def test_normalise_name():
    assert normalise_name("Al-Qaeda") == normalise_name("al Qaeda") == "al qaeda"
    assert normalise_name("Haftar’s") == normalise_name("Haftar") == "haftar"
    assert normalise_name("the U.S.") == normalise_name("US") == "us"


texts = st.text(alphabet=st.sampled_from(list("abcde fgh-'.")), max_size=40)


@given(texts, texts)
def test_similarity_is_symmetric_and_bounded(a, b):
    s = content_similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == content_similarity(b, a)
    assert content_similarity(a, a) == 1.0


def test_match_claims_one_to_one_best_first():
    a = [claim(0, "Belhadj leads ISIS in Libya"), claim(1, "taxes will rise next year")]
    b = [
        claim(0, "the weather was fine"),
        claim(1, "taxes will rise sharply next year"),
        claim(2, "Belhadj leads ISIS in Libya"),
        claim(3, "Belhadj now leads ISIS in Libya"),
    ]
    pairs = match_claims(a, b)
    assert [(x.seq, y.seq) for x, y, _ in pairs] == [(0, 2), (1, 1)]
    assert pairs[0][2] == 1.0 and pairs[0][2] >= pairs[1][2] >= SAME_CLAIM


def test_match_prefers_same_source_on_ties():
    a = [claim(0, "the talks failed", source="Reuters")]
    b = [claim(0, "the talks failed", source="AP"), claim(1, "the talks failed", source="Reuters")]
    ((x, y, s),) = match_claims(a, b)
    assert y.seq == 1 and s == 1.0


@given(
    st.lists(
        st.sampled_from(["talks failed", "talks failed", "Belhadj leads ISIS", "x"]), max_size=6
    )
)
def test_matching_a_list_with_itself_pairs_each_claim_with_itself(contents):
    cs = [claim(i, c, source=["AP", "Reuters"][i % 2]) for i, c in enumerate(contents)]
    pairs = match_claims(cs, cs)
    assert sorted((x.seq, y.seq) for x, y, _ in pairs) == [(i, i) for i in range(len(cs))]


token_sets = st.lists(
    st.frozensets(st.sampled_from(["a1", "b2", "c3", "d4", "e5", "f6", "g7", "not"]), max_size=7),
    max_size=12,
)


@settings(max_examples=300)
@given(token_sets, st.sampled_from([0.3, SAME_CLAIM, 0.7]), st.sampled_from([1, 3]))
def test_similar_pairs_equals_brute_force(sets, threshold, min_tokens):
    brute = {
        (i, j)
        for i in range(len(sets))
        for j in range(i + 1, len(sets))
        if min(len(sets[i]), len(sets[j])) >= min_tokens
        and set_similarity(sets[i], sets[j]) >= threshold
    }
    found = list(similar_pairs(sets, threshold, min_tokens))
    assert {(i, j) for i, j, _ in found} == brute
    assert len(found) == len(brute)  # each pair once
