"""text.headlines: a Title Case headline's run-on names cut to the body's."""

from __future__ import annotations

import pytest

from claimtrack.entities.facts import document_facts
from claimtrack.text.headlines import headline_cut
from claimtrack.text.names import name_key

pytestmark = pytest.mark.model_free


def test_nothing_is_cut_without_a_title_case_headline():
    ms = [(0, 10, "Obama Says", "PERSON"), (40, 45, "Obama", "PERSON")]
    assert headline_cut(ms, "Obama Says the museum will open\n\nPresident Obama said so.") == ms
    assert headline_cut(ms, "") == ms


@pytest.mark.parametrize(("headline", "body", "kept"), [
    ("Trump Warns Clinton", ["Donald Trump", "Hillary Clinton"], "Trump"),
    ("Hillary Clinton Slams Donald Trump", ["Hillary Clinton", "Donald Trump"],
     "Hillary Clinton"),
    ("Marco Rubio Responds To Question", ["Rubio"], "Marco Rubio"),
    ("Donald Trump’s Speech Wins", ["Donald Trump"], "Donald Trump’s"),
    # the same person named across the cut, a generation, a name the body never uses
    ("Hillary Rodham Clinton Wins", ["Hillary Clinton"], "Hillary Rodham Clinton Wins"),
    ("Donald Trump Jr.", ["Donald Trump"], "Donald Trump Jr."),
    ("Stevie Wonder Sings", ["Barack Obama"], "Stevie Wonder Sings"),
    # a full name the body uses, after the headline's verb
    ("Kill Trayvon Martin", ["Trayvon Martin"], "Trayvon Martin"),
    ("Condemn Donald Trump’s Muslim Ban", ["Donald Trump"], "Donald Trump’s"),
    ("Denounces Clinton", ["Clinton"], "Denounces Clinton"),  # a surname alone: no telling
])
def test_which_headline_names_are_cut(headline, body, kept):
    _headline_kept(headline, " and ".join(body) + " spoke.", body, kept)


def test_a_headline_name_is_not_cut_between_two_words_the_body_prints_together():
    """NER found "Angela Davis" in the body's "Michaela Angela Davis": the headline's
    full name stays whole; "Hillary Rodham Clinton" the body prints so, though NER
    split it."""
    _headline_kept("Michaela Angela Davis", "Michaela Angela Davis praised her.",
                   ["Angela Davis"], "Michaela Angela Davis")
    _headline_kept("Hillary Rodham Clinton Wins", "Hillary Rodham Clinton won.",
                   ["Hillary", "Clinton"], "Hillary Rodham Clinton Wins")


def _headline_kept(headline, told, body, kept):
    """The headline's person, its body's people named in `told`, cut as `kept`; the
    facts drawn from them hold it as a node of that name."""
    text = headline + " Today\n\n" + told
    heading = len(headline) + 6
    ms = [(0, len(headline), headline, "PERSON")] + [
        (i, i + len(b), b, "PERSON") for b in body if (i := text.index(b, heading))]
    at = headline.index(kept)
    assert headline_cut(ms, text)[0] == (at, at + len(kept), kept, "PERSON")
    facts = document_facts("d", ms, [], [], text)
    (node,) = [n for n in facts.nodes if (at, at + len(kept)) in n.spans]
    assert node.key == name_key(kept)
