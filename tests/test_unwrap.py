"""claimtrack.text.unwrap: hard-wrapped paragraphs joined, every offset kept."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrack.text.unwrap import unwrap

pytestmark = pytest.mark.model_free

SENTENCE = ("the council voted on Tuesday to close the harbour pier for repairs in March "
            "while the mayor said residents would be consulted before any final decision "
            "on its future was taken by the regional authority")
WORDS = SENTENCE.split()

paragraph = st.lists(st.sampled_from(WORDS), min_size=12, max_size=60).map(" ".join)


@given(st.lists(paragraph, min_size=2, max_size=6), st.integers(min_value=50, max_value=100))
def test_a_wrapped_text_is_its_paragraphs_again(paras, width):
    wrapped = "\n\n".join(textwrap.fill(p, width, break_on_hyphens=False) for p in paras)
    if sum(w.count("\n") for w in (textwrap.fill(p, width) for p in paras)) < 4:
        return  # too few wrapped lines to tell a width: left alone, as below
    out = unwrap(wrapped)
    assert len(out) == len(wrapped)
    assert out.split("\n\n") == paras


@given(st.text(alphabet=st.sampled_from("ab c.\n-*:"), max_size=400))
def test_the_length_and_every_character_but_line_breaks_are_kept(text):
    out = unwrap(text)
    assert len(out) == len(text)
    assert all(a == b or (a == "\n" and b == " ") for a, b in zip(text, out, strict=True))


def test_one_paragraph_a_line_is_left_alone():
    # PolNeAR's texts and converted HTML: a line is a paragraph, whatever its length
    text = "\n".join(textwrap.fill(" ".join(WORDS), 10_000) for _ in range(8))
    assert unwrap(text) == text
    short = "\n".join(["The pier will close.", "The mayor agreed.", "Residents object."] * 4)
    assert unwrap(short) == short


def test_lines_ended_on_purpose_keep_their_breaks():
    body = textwrap.fill(" ".join(WORDS * 3), 72)
    text = ("Harbour pier to close for repairs\n\nBy Jane Doe\nStaff writer\n\n" + body
            + "\n\nWhat the council decided:\n- close the pier\n- consult residents\n\n"
            + body)
    out = unwrap(text)
    assert "By Jane Doe\nStaff writer\n" in out
    assert "decided:\n- close the pier\n- consult residents" in out
    assert textwrap.fill(" ".join(WORDS * 3), 72).replace("\n", " ") in out
