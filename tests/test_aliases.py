"""aliases: identifications the author inserts ("Sadik [aka Abdelhakim Belhadj]")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrack.aliases import describe, find_aliases, quoted_spans
from claimtrack.models import Attribution, Span

pytestmark = pytest.mark.model_free


def pairs(text: str, quoted=()) -> list[tuple[str, str]]:
    return [(a.alias, a.name) for a in find_aliases(text, quoted)]


def test_aka_inside_a_quote_is_the_authors():
    text = (
        'As the Times reported: "the former members are fighting under the leadership of '
        'Abu Abdullah Sadik [aka Abdelhakim Belhadj]."'
    )
    (a,) = find_aliases(text, quoted=[(23, len(text))])  # brackets count even inside quotes
    assert (a.alias, a.name) == ("Abu Abdullah Sadik", "Abdelhakim Belhadj")
    assert a.asserted_by == "author"
    assert text[a.start : a.end] == "[aka Abdelhakim Belhadj]"
    assert describe(a) == "author identifies Abu Abdullah Sadik as Abdelhakim Belhadj"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fighters from Darnah [Derna], Libya", [("Darnah", "Derna")]),
        ("Osama bin Laden [a.k.a. The Sheikh] spoke", [("Osama bin Laden", "Sheikh")]),
        ("Daesh (also known as Islamic State) grew", [("Islamic State", "Daesh")]),
        ("Daesh (aka Islamic State) grew", [("Islamic State", "Daesh")]),
        ("the Government of National Accord (GNA) said",
         [("GNA", "Government of National Accord")]),
        ("the Libyan Islamic Fighting Group's (LIFG) ties",
         [("LIFG", "Libyan Islamic Fighting Group")]),
        ("not me, not Bill [Clinton], nobody", [("Bill", "Bill Clinton")]),  # completes it
        # not names on both sides, or not an identification
        ("“Between [Donald Trump] and Hillary Clinton", []),
        ("“Everything [Comey] said is", []),
        ("onslaught of GIFs. [HuffPost.]", []),  # a credit line
        ("which owns The Huffington Post.\u00a0[Reuters]", []),
        ("he [Belhadj] said", []),
        ("It was [sic] wrong", []),
        ("the group [ISIS] grew", []),
        ("Gaddafi [...] fell", []),
        ("the Pentagon (DOD) said", []),  # not its initials
        ("Derna [Derna] again", []),
        ("Reports [1] say", []),
    ],
)
def test_find_aliases(text, expected):
    assert pairs(text) == expected


def test_a_sentence_break_is_not_part_of_the_name():
    assert pairs("They fled Qaddafi. The Sheikh [aka Osama] came.") == [("Sheikh", "Osama")]


def test_parentheses_inside_a_quotation_are_the_sources_words():
    text = (
        'He wrote: "the Libyan Islamic Fighting Group (LIFG) joined." '
        "Later the LIFG (also known as Jama) split."
    )
    end = text.index('joined."') + 8
    assert pairs(text, quoted=[(10, end)]) == [("Jama", "LIFG")]
    assert len(pairs(text)) == 2


def test_quoted_spans_are_direct_contents_with_a_source():
    text = 'X said "a b". Y said c.'
    atts = [
        Attribution(source=Span.of(text, 0, 1), content=Span.of(text, 7, 12), kind="direct"),
        Attribution(source=Span.of(text, 14, 15), content=Span.of(text, 21, 22)),
        Attribution(content=Span.of(text, 7, 12), kind="direct"),  # the author's own quote marks
    ]
    assert quoted_spans(atts) == [(7, 12)]


_WORDS = st.sampled_from(
    ["Abu", "Sadik", "[aka", "Belhadj]", "(LIFG)", "Libyan", "Islamic", "Fighting", "Group",
     "[Derna]", "Darnah", "he", "the", "(also known as", "Daesh)", "[sic]", ".", "said", "\n"]
)


@given(st.lists(_WORDS, max_size=30).map(" ".join))
def test_aliases_are_well_formed(text):
    found = find_aliases(text)
    starts = [a.start for a in found]
    assert starts == sorted(set(starts))
    for a in found:
        assert text[a.start] in "[(" and text[a.end - 1] in "])"
        assert a.name and a.alias and a.name.casefold() != a.alias.casefold()
        assert a.asserted_by == "author"
