"""Near-duplicate bodies by MinHash: a lightly edited copy is found, another story is not."""

from __future__ import annotations

import pytest
from conftest import BELHADJ, HAFTAR

from claimtrack.corpus import neardup as nd

pytestmark = pytest.mark.model_free


def test_an_edited_copy_is_a_near_duplicate_and_shares_a_band():
    a = BELHADJ.read_text(encoding="utf-8")
    b = a.replace(" the ", " a ", 10) + "\n\nThe Associated Press contributed to this report."
    sa, sb = nd.signature(a), nd.signature(b)
    assert sa is not None and sb is not None
    assert nd.similarity(sa, sb) >= nd.NEAR_DUPLICATE
    assert set(nd.bands(sa)) & set(nd.bands(sb))


def test_two_stories_are_not_near_duplicates():
    sa = nd.signature(BELHADJ.read_text(encoding="utf-8"))
    sb = nd.signature(HAFTAR.read_text(encoding="utf-8"))
    assert sa is not None and sb is not None
    assert nd.similarity(sa, sb) < 0.2


def test_signatures_are_deterministic_and_round_trip():
    text = HAFTAR.read_text(encoding="utf-8")
    sig = nd.signature(text)
    assert sig == nd.signature(text)
    assert nd.unpack(nd.pack(sig)) == sig
    assert len(nd.bands(sig)) == nd.BANDS


def test_short_bodies_have_no_signature():
    assert nd.signature("Crisis in Libya. The mayor said taxes will rise.") is None
