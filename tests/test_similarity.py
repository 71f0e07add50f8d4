"""similarity: the lexical measure the cross-document matcher (corpus/relate.py) builds on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrack.models import Claim, Span
from claimtrack.similarity import (
    SAME_CLAIM,
    content_similarity,
    normalise_name,
    stem,
    tokens,
)

pytestmark = pytest.mark.model_free


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


def test_normalise_name_has_its_home_in_text_names():
    from claimtrack import similarity
    from claimtrack.text import names

    assert similarity.normalise_name is names.normalise_name
    assert names.normalise_name("The Al-Qaeda's") == names.normalise_name("al qaeda")
