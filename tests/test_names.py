"""text.names: the pure name helpers read paths and the resolver share."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrack.text.names import key_word_spans, name_key, title_case_heading

pytestmark = pytest.mark.model_free


@pytest.mark.parametrize(("text", "heading"), [
    ("Obama Says Museum Will Tell of Suffering\n\nThe body.", 40),
    ("Obama says the museum will tell of suffering\n\nThe body.", 0),  # a sentence
    ("Obama Says Museum Will Tell of Suffering", 0),  # nothing follows: no headline
    ("Big News\n\nThe body.", 0),  # too few longer words to tell
])
def test_title_case_heading(text, heading):
    assert title_case_heading(text) == heading


@pytest.mark.parametrize(("name", "words"), [
    ("Obama Says", ["Obama", "Says"]),
    ("Sen. Marco Rubio’s Says", ["Marco", "Rubio’s", "Says"]),
    ("The Donald Trump-led", ["Donald", "Trump", "led"]),
    ("Donald J. Trump", ["Donald", "J", "Trump"]),
    ("“Obama’s", ["Obama"]),
])
def test_key_word_spans(name, words):
    assert [name[a:b] for a, b in key_word_spans(name)] == words


@given(st.lists(st.sampled_from(["Obama", "Says", "Mr.", "the", "J.", "Trump’s", "Al-Qaeda",
                                 "“Hillary", "Jr.", "-", "O'Neill,"]), min_size=1, max_size=6))
def test_a_name_cut_to_its_key_words_keeps_those_words(words):
    """Cut to key_word_spans, a name's key is that run of its key's words (possessive
    aside; not opening on a determiner): what the entity graph stores of a headline's
    run-on name."""
    name = " ".join(words)
    spans = key_word_spans(name)
    if spans is None:
        return
    key = tuple(w.removesuffix("'s") for w in name_key(name))
    for i in range(len(spans)):
        if key[i] in {"the", "a", "an", "this", "that", "these", "those"}:
            continue  # a name opening on a determiner is read without it
        for e in range(i + 1, len(spans) + 1):
            cut = name[spans[i][0]:spans[e - 1][1]]
            assert tuple(w.removesuffix("'s") for w in name_key(cut)) == key[i:e]


@pytest.mark.parametrize(("name", "text", "found"), [
    ("Paul Ryan", "House Speaker Paul D. Ryan (R-Wis.) said", True),
    ("Paul Ryan", "Paul D Ryan", True),
    ("George Bush", "George H. W. Bush", True),
    ("Paul Ryan", "Paul and Ryan", False),  # a word between: not an initial
    ("Paul Ryan", "paul d ryan", False),  # an initial is a capital
    ("George W. Bush", "George Bush", False),  # the asked initial is asked for
    ("Hillary Clinton", "Hillary Rodham Clinton", True),  # a first name, middle names
    ("George Bush", "George Herbert Walker Bush", True),
    ("Hillary Clinton", "Hillary and Bill Clinton", False),
    ("Hillary Clinton", "Hillary, Bill Clinton", False),
    ("Donald J. Trump", "Donald John J. Trump", False),  # three words: initials only
    ("Al Qaeda", "Al-Qaeda", True),
    ("Belhadj", "Belhadjes", False),
])
def test_name_pattern_lets_a_text_add_middle_initials(name, text, found):
    from claimtrack.text.names import name_pattern

    assert bool(name_pattern(name).search(text)) is found


def test_a_name_is_shown_untitled_first():
    """"Barack Obama" names the node however often "President Barack Obama" is printed;
    among untitled forms the most printed, then the longest."""
    from claimtrack.text.names import surface_order

    forms = {"President Barack Obama": 5, "Barack Obama": 2, "Obama": 9}
    assert min(forms, key=lambda s: surface_order(s, forms[s])) == "Obama"
    forms = {"President Barack Obama": 5, "Barack Obama": 2}
    assert min(forms, key=lambda s: surface_order(s, forms[s])) == "Barack Obama"
    assert min(["Sen. Warren"], key=lambda s: surface_order(s, 1)) == "Sen. Warren"
