"""show --entity's name look-up (entities/matcher.py) answers as its patterns do."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.entities.matcher import _Names
from claimtrack.text.names import name_pattern

pytestmark = pytest.mark.model_free

# words that overlap, differ in case, carry apostrophes and dots, curly quotes, and the
# letters whose case rules are not ASCII's (the long s, the Kelvin sign, a dotted capital I)
_WORDS = ["Trump", "trump", "Donald", "DONALD", "Al", "Qaeda", "O'Brien", "U.S.", "Jr.",
          "Mc", "Donalds", "Café", "stone", "Kelly", "Istanbul", "ſtone", "\u212aelly",
          "İstanbul", "Belhadj", "x"]
_SEPS = [" ", "-", ", ", "'s ", "’s ", " “", "” ", ". ", "  ", "\n"]


def _text(words: list[str], seps: list[str]) -> str:
    return "".join(w + s for w, s in zip(words, seps, strict=False))


names = st.lists(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3)
                 .map(" ".join), min_size=1, max_size=6, unique=True)
texts = st.builds(_text, st.lists(st.sampled_from(_WORDS), max_size=8),
                  st.lists(st.sampled_from(_SEPS), max_size=8))


@settings(max_examples=400, deadline=None)
@given(names, texts)
def test_the_look_up_agrees_with_every_pattern(found: list[str], text: str):
    assert _Names(found).search(text) == any(name_pattern(s).search(text) for s in found)


def test_a_name_is_found_only_as_whole_words():
    names = _Names(["Donald Trump", "Al-Qaeda", "O'Brien"])
    assert names.search("Then donald  trump said so")
    assert names.search("a meeting with Al Qaeda leaders")
    assert names.search("Mr. O'Brien's office")
    assert not names.search("Donald Trumpet and Al Qaedas")
    assert not names.search("Brien")
    # letters beyond ASCII that re.I folds to an ASCII one: the patterns match them
    for name, text in (("stone", "ſtone said"), ("Kelly", "\u212aelly said"),
                       ("Istanbul", "İstanbul"), ("Istanbul", "ıstanbul")):
        assert _Names([name]).search(text) and name_pattern(name).search(text)
