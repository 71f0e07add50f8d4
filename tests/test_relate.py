"""The decision step: relation of two candidate claims, on sentences we wrote."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.corpus.relate import (
    Comparable,
    asks,
    dates,
    negated_words,
    numbers,
    procedural,
    quantities,
    relate,
    unit_comparable,
)

pytestmark = pytest.mark.model_free


def C(text: str, **kw) -> Comparable:  # noqa: N802 - reads like a record literal
    return Comparable(text=text, **kw)


def rel(a: str, b: str) -> str | None:
    """The relation of two asserted contents, as their compared texts read."""
    r = relate(unit_comparable(a, False, False), unit_comparable(b, False, False))
    return r.name if r else None


def test_same_words_same_sign_is_same():
    r = relate(C("the army shelled the town of Derna"), C("The army shelled the town of Derna."))
    assert r is not None and r.name == "same" and r.differences == ()


def test_negated_cue_against_plain_cue_contradicts():
    a = C("Republican front-runner Donald Trump by name", cue_negated=True)
    b = C("Republican front-runner Donald Trump by name")
    r = relate(a, b)
    assert r is not None and r.name == "contradicts"
    assert r.differences == ("polarity: not said vs asserted",)


def test_denial_contradicts_the_assertion():
    r = relate(C("the army had shelled the town", denial=True),
               C("the army shelled the town"))
    assert r is not None and r.name == "contradicts"


def test_a_denied_negative_agrees_with_the_positive():
    r = relate(C("the army had not paid the soldiers", denial=True, content_negated=True),
               C("the army paid the soldiers"))
    assert r is not None and r.name == "same"


def test_another_number_for_the_same_predicate_contradicts():
    r = relate(C("the strike killed 12 civilians in the market"),
               C("the strike killed five civilians in the market"))
    assert r is not None and r.name == "contradicts"
    assert "numbers: 12 vs 5" in r.differences


def test_another_weekday_contradicts():
    r = relate(C("the talks in Geneva collapsed on Monday"),
               C("the talks in Geneva collapsed on Thursday"))
    assert r is not None and r.name == "contradicts"


def test_more_detail_is_more_specific():
    r = relate(C("the defence minister resigned"),
               C("the defence minister resigned after the bombing of the embassy in Kabul"))
    assert r is not None and r.name == "more_specific" and r.wider == "b"


def test_same_people_other_claim_is_at_most_related():
    r = relate(C("Trump said Clinton lied about the emails"),
               C("Trump and Clinton met voters in Iowa on the campaign trail"))
    assert r is None or r.name == "related"


def test_short_contents_never_match():
    assert relate(C("Belhadj"), C("Belhadj")) is None
    assert relate(C("it is true"), C("it is true")) is None


def test_a_date_counts_toward_the_size_of_a_content():
    # two core tokens (bridge, reopen) and a date: a claim, told with or without "on"
    r = relate(C("the bridge will reopen on Monday"), C("The bridge will reopen Monday"))
    assert r is not None and r.name == "same"
    r = relate(C("the bridge will reopen on Monday"), C("the bridge will reopen Tuesday"))
    assert r is not None and r.name == "contradicts"
    assert r.differences == ("dates: monday vs tuesday",)
    # two core tokens and nothing else stay too short
    assert relate(C("the bridge will reopen"), C("The bridge will reopen")) is None


def test_modality_is_a_difference_not_a_contradiction():
    r = relate(C("the plant could close next year", modality=("could",)),
               C("the plant will close next year"))
    assert r is not None and r.name == "same"
    assert r.differences == ("modality: could vs none",)


def test_numbers_and_dates_are_read():
    assert numbers("1,200 troops and five tanks") == {"1200", "5"}
    assert dates("on Monday, March 3") == {"monday", "march3"}
    assert dates("he may go") == frozenset()


_VOCAB = ["army", "town", "shelled", "minister", "said", "resigned", "Derna", "Tripoli", "talks",
          "collapsed", "12", "five", "not", "the", "of", "in", "on", "Monday"]
_words = st.lists(st.sampled_from(_VOCAB), min_size=0, max_size=12).map(" ".join)


@given(_words, _words, st.booleans(), st.booleans())
def test_relation_is_symmetric(x, y, neg_x, deny_y):
    a, b = C(x, content_negated=neg_x), C(y, denial=deny_y)
    r1, r2 = relate(a, b), relate(b, a)
    assert (r1 is None) == (r2 is None)
    if r1 is not None and r2 is not None:
        assert r1.name == r2.name
        assert r1.similarity == r2.similarity
        if r1.wider:
            assert {r1.wider, r2.wider} == {"a", "b"}


@given(_words)
def test_a_claim_is_the_same_as_itself(x):
    r = relate(C(x), C(x))
    assert r is None or r.name == "same"


# --- the index: every pair relate() relates is a candidate -------------------------

_BIG_VOCAB = [*_VOCAB, "said", "trump", "clinton", "police", "bomb", "embassy", "Kabul",
              "defence", "plant", "close", "year", "jobs", "cut", "company", "rise", "taxes",
              "Monday", "12", "five"]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(_BIG_VOCAB), min_size=0, max_size=25).map(" ".join),
       st.lists(st.sampled_from(_BIG_VOCAB), min_size=0, max_size=25).map(" ".join))
def test_the_index_finds_whatever_relate_relates(x, y):
    """corpus/index.py: the lighter unit's heads meet the other's tokens with at least
    its bound in weight, and the sizes are within bounds, for every related pair."""
    from claimtrack.corpus.index import heads, size_bounds
    from claimtrack.corpus.relate import core_tokens, mass, min_tokens, weight

    tx, ty = core_tokens(x), core_tokens(y)
    if relate(C(x), C(y)) is not None:
        hx, hy = heads(tx, least=min_tokens(x)), heads(ty, least=min_tokens(y))
        assert hx is not None and hy is not None
        (light, h), other = ((tx, hx), ty) if mass(tx) <= mass(ty) else ((ty, hy), tx)
        shared = sum(weight(t) for t in set(h.heads) & other)
        assert shared >= h.bound - 1e-6
        lo, hi = size_bounds(len(tx))
        assert lo <= len(ty) <= hi


# --- IDF weights, opposite predicates, units (issue 10 matching) ----------------------


def test_rare_shared_words_weigh_more_than_common_ones():
    from claimtrack.corpus.relate import weight, weighted_similarity

    assert weight("smithsonian") > weight("said") > 0
    # the same shapes (two of four tokens shared): sharing rare names weighs more
    rare = weighted_similarity(frozenset({"smithsonian", "zimmerman", "said", "trump"}),
                               frozenset({"smithsonian", "zimmerman", "clinton", "new"}))
    common = weighted_similarity(frozenset({"said", "trump", "smithsonian", "zimmerman"}),
                                 frozenset({"said", "trump", "auction", "firearm"}))
    assert rare[0] > common[0] and rare[1] > common[1]
    assert weighted_similarity(frozenset({"a1", "b1"}), frozenset({"a1", "b1"})) == (1.0, 1.0)


def test_the_opposite_predicate_contradicts():
    r = relate(C("the city of Greenfield will close its only hospital in June"),
               C("the city of Greenfield will keep its only hospital open in June"))
    assert r is not None and r.name == "contradicts"
    assert "predicate: close vs open" in r.differences


def test_a_unit_carries_its_own_negation():
    from claimtrack.corpus.relate import unit_comparable

    assert unit_comparable("We have got to improve policing", False, False).sign == 1
    assert unit_comparable("this is not who we are", False, False).sign == -1
    assert unit_comparable("we won't leave", False, False).sign == -1
    assert unit_comparable("this is not who we are", False, True).sign == 1  # denied negative
    assert unit_comparable("Trump by name", True, False).sign == 0  # a negated cue


def test_a_negation_elsewhere_in_a_longer_content_is_no_contradiction():
    a = C("The hospital has lost money for six straight years. We can not keep the doors "
          "open past the summer", content_negated=True)
    b = C("The hospital had lost money for six straight years")
    r = relate(a, b)
    # told with another sign, it is not aligned either: only its first sentence is
    # (a unit of its own, text/units.py)
    assert r is not None and r.name == "related"
    assert relate(C("The hospital has lost money for six straight years"), b).name == "same"


def test_yet_to_and_refused_to_negate_what_follows():
    from claimtrack.corpus.relate import unit_comparable

    assert unit_comparable("Trump has yet to endorse Paul Ryan", False, False).sign == -1
    assert unit_comparable("Trump refused to endorse Paul Ryan", False, False).sign == -1
    assert unit_comparable("Trump endorsed Paul Ryan on Friday", False, False).sign == 1


def test_a_negated_clause_of_function_words_is_no_contradiction():
    from claimtrack.corpus.relate import unit_comparable

    # the core tokens are the same ("this is not who we are" is all function words),
    # but the second text is longer by that clause: its "not" negates the clause
    a = unit_comparable("Maybe I can, by speaking directly to white people, say, look",
                        False, False)
    b = unit_comparable("Maybe I can, by speaking directly to white people, say, look, "
                        "this is not who we are", False, False)
    r = relate(a, b)
    assert r is not None and r.name != "contradicts"
    # the same extent with the opposite sign still contradicts
    r = relate(unit_comparable("Trump has yet to endorse House Speaker Paul Ryan", False, False),
               unit_comparable("Trump endorsed House Speaker Paul Ryan", False, False))
    assert r is not None and r.name == "contradicts"


def test_the_same_words_about_other_people_are_never_one_claim():
    # a template's two arrests, two candidates' wins: related, neither same nor denied
    assert rel("Police arrested John Smith on charges of burglary in Springfield",
               "Police arrested Maria Lopez on charges of burglary in Springfield") == "related"
    assert rel("Hillary Clinton won the Nevada caucuses by five points",
               "Bernie Sanders won the Nevada caucuses by five points") == "related"
    assert rel("Senator Elizabeth Warren said the bill would lift millions out of poverty",
               "Senator Bernie Sanders said the bill would lift millions out of poverty") \
        == "related"
    # one person, named in full on one side only, or with a title
    assert rel("Clinton won the Nevada caucuses by five points",
               "Hillary Clinton won the Nevada caucuses on Saturday by five points") \
        in ("same", "more_specific")
    assert rel("Mrs. Clinton won the Nevada caucuses by five points",
               "Hillary Clinton won the Nevada caucuses by five points") == "same"
    # a capitalised word alone is no actor: a sentence's first word, an adjective
    assert rel("Although the Second Amendment people, maybe there is",
               "Though the Second Amendment people, maybe there is") == "same"
    # a headline in title case names nobody apart
    assert rel("Donald Trump Claims The Shackles Have Now Been Taken Off His Campaign",
               "Trump Says The Shackles Are Off His Campaign Now") in ("same", "more_specific")


def test_a_sentence_dense_with_names_is_no_headline():
    """Only a text capitalising every word but function words reads as a headline: a
    sentence of four names and a verb, or a list of names, keeps its names, and two
    lists sharing three states are not one claim (DECISIONS 2026-11-29.2)."""
    assert rel("Michigan, Ohio and Pennsylvania all supported Bush",
               "If Trump were to turn Ohio, Pennsylvania, Michigan and Wisconsin") \
        not in ("same", "more_specific")
    assert rel("along with those in Connecticut, Delaware, Maryland and Rhode Island",
               "Delaware, Maryland, Pennsylvania and Rhode Island") \
        not in ("same", "more_specific")
    # a headline still capitalises its verbs, and those are no names
    assert rel("Donald Trump Claims The Shackles Have Now Been Taken Off His Campaign",
               "Trump Says The Shackles Are Off His Campaign Now") in ("same", "more_specific")


def test_the_same_words_but_for_a_name_each_are_two_things():
    """Told alike but for one capitalised word each: two things, not one claim
    (DECISIONS 2026-11-29.4); a name told otherwise in other words stays one claim."""
    assert rel("But unlike their Republican counterparts, they refused",
               "But unlike their Democratic counterparts, they refused") == "related"
    assert rel("Sanders won the primary in Michigan by a narrow margin",
               "Sanders won the primary in Indiana by a narrow margin") == "related"
    # one side naming more is the same thing
    assert rel("Trump will visit Mexico on Wednesday",
               "Trump will visit Mexico City on Wednesday") == "same"
    # the same person named and described, in other words
    assert rel("He called Ryan a very weak and ineffective leader",
               "Trump accused the nation’s top elected Republican of being a very weak and "
               "ineffective leader") in ("same", "more_specific")


def test_a_name_alone_shared_is_never_one_claim():
    """A name missing from the fixed IDF table weighs as the rarest word: a full name
    alone made most of a short claim's weight, and claims sharing nothing else were
    `same` or `more_specific` (chaining one person's claims into one cluster of 1,212
    documents at 3,000 recombined ones)."""
    for a, b in (("This is Krumann Treiford's election",
                  "I am truly afraid that Krumann Treiford will win"),
                 ("This is Krumann Treiford's election", "Go Krumann Treiford, go!!!"),
                 ("Maybe, we can build a wall around Krumann Treiford",
                  "Why Krumann Treiford is leading in the polls")):
        assert rel(a, b) in (None, "related"), (a, b)
    # what the lighter says beside the name must be mostly in the other
    for a, b in (("that he would support the Treiford campaign",
                  "Donald Treiford ran a brilliant Karick primary campaign"),
                 ("that he would support the Treiford campaign",
                  "Treiford appears to have learned lots of wrong lessons from that winning "
                  "campaign")):
        assert rel(a, b) in (None, "related"), (a, b)
    # a word beside the name, or a number or a date both tell, is a proposition
    assert rel("Krumann Treiford won the Kransk primary",
               "Krumann Treiford won the Kransk primary on Tuesday") in ("same", "more_specific")
    assert rel("The next contests are in Nevada on Feb. 20 and South Carolina on Feb. 27",
               "Then Nevada, Feb. 20, and South Carolina, Feb. 27") in ("same", "more_specific")


def test_a_question_is_no_contradiction_of_a_statement():
    """ "Will Gennifer Flowers be there?" asks what a headline states; it asserts
    nothing, so it neither denies nor repeats it. Two outlets printing one question
    ask the same thing."""
    stated = C("Gennifer Flowers will not be at the debate on Monday")
    asked = C("will Gennifer Flowers be at the debate on Monday", question=True)
    r = relate(stated, asked)
    assert r is not None and r.name == "related"
    r = relate(asked, C("will Gennifer Flowers be at the debate on Monday", question=True))
    assert r is not None and r.name == "same"


def test_asks_reads_the_question_mark_after_or_inside_a_span():
    text = 'He asked, “Will Gennifer Flowers be there?” She said no.'
    unit = text.index("Will"), text.index("?")
    assert asks(text, *unit)  # a unit leaves the "?" out
    assert asks(text, unit[0], text.index("?") + 2)  # a content keeps it, and the quote
    said = text.index("She"), len(text) - 1
    assert not asks(text, *said)


def test_another_number_in_a_longer_claim_is_no_contradiction():
    """The same words and another number contradict only at about the same extent:
    "a $15 minimum wage" is another proposal than raising it "from $7.25 to $12", not
    its denial, nor the same claim."""
    short = C("a $15 minimum wage")
    longer = C("she favors raising the minimum wage from the current $7.25 to $12")
    r = relate(short, longer)
    assert r is None or r.name == "related"
    r = relate(C("the state minimum wage rises to $15"), C("the state minimum wage rises to $12"))
    assert r is not None and r.name == "contradicts"


def test_numbers_contradict_only_for_one_thing_counted():
    """"12 civilians" against "five civilians" is one count told twice; "up three
    percentage points" against "up 4.5 points" counts different things (two polls'
    figures): related, neither a contradiction nor the same claim. (Two polls' margins
    of error relate to nothing at all: test_a_statement_of_procedure_relates_to_nothing.)"""
    polls = relate(C("The new poll shows support for the wall up three percentage points"),
                   C("The Fox poll shows support for the wall up 4.5 points"))
    assert polls is not None and polls.name == "related"
    assert quantities("the strike killed 12 civilians and $15 in 44% of cases") == {
        ("civilian", "12"), ("$", "15"), ("%", "44")}
    assert quantities("tweet 672157973804941312") == frozenset()


def test_a_negation_of_what_only_one_side_says_is_no_contradiction():
    """"a pragmatic figure, not a revolutionary one" negates "revolutionary", which the
    other side never says: the signs differ over words only one side has."""
    short = unit_comparable("part of her appeal is that she is a change agent, yes, but a "
                            "pragmatic figure", False, False)
    longer = unit_comparable("part of her appeal is that she is a change agent, yes, but a "
                             "pragmatic figure, not a revolutionary one", False, False)
    r = relate(short, longer)
    assert r is None or r.name != "contradicts"
    assert negated_words("the army did not shell the town") == {"shell"}
    r = relate(unit_comparable("the army did not shell the town of Derna", False, False),
               unit_comparable("the army shelled the town of Derna", False, False))
    assert r is not None and r.name == "contradicts"


def test_names_alone_shared_are_no_proposition_to_deny():
    """Two contents sharing only names ("Puerto Rico") share no predicate: a denial of
    one is no contradiction of the other."""
    r = relate(C("the Puerto Rico debt deal", denial=True),
               C("Florida, along with Puerto Rico"))
    assert r is None or r.name != "contradicts"
    r = relate(C("Gennifer Flowers will not be at the debate", content_negated=True),
               C("Gennifer Flowers will be at the debate"))
    assert r is not None and r.name == "contradicts"


def test_a_headlines_capitals_are_no_names():
    """A headline capitalises its verb too ("Finally Endorses"): read as names, the two
    shared "Endorses" as a name and nothing for one to deny of the other."""
    headline = unit_comparable("Donald Trump Finally Endorses House Speaker Paul Ryan", False,
                               False)
    not_yet = unit_comparable("Donald Trump has yet to endorse House Speaker Paul Ryan’s",
                              False, False)
    r = relate(headline, not_yet)
    assert r is not None and r.name == "contradicts"
    assert r.differences == ("polarity: asserted vs negated",)
    # in a sentence, the capitals are names: no predicate shared, nothing denied
    r = relate(unit_comparable("Puerto Rico Governor Alejandro Garcia Padilla did not sign "
                               "the debt deal", False, False),
               unit_comparable("Puerto Rico Governor Alejandro Garcia Padilla met the Florida "
                               "delegation", False, False))
    assert r is None or r.name != "contradicts"


def test_a_negation_cut_off_at_the_end_of_a_unit_bears_on_nothing_said():
    assert negated_words("their living costs were going up, their paychecks were not") == {""}
    a = unit_comparable("their living costs were going up, their paychecks were not", False,
                        False)
    b = unit_comparable("their living costs were going up", False, False)
    r = relate(a, b)
    assert r is None or r.name != "contradicts"


def _rel(a: str, b: str):
    return relate(unit_comparable(a, False, False), unit_comparable(b, False, False))


def test_words_that_only_look_like_a_negation_negate_nothing():
    """"No. 1", a tag question, the condition of "if not" (all from the benchmark
    corpus, where each made a stored contradiction)."""
    for text in ("still the No. 1 force in Spain", "Khan made the ultimate sacrifice in his "
                 "family, didn't he?", "If not, they are supposed to be eligible for overtime"):
        assert not unit_comparable(text, False, False).content_negated, text
    r = _rel("Khan made the ultimate sacrifice in his family",
             "Khan made the ultimate sacrifice in his family, didn't he?")
    assert r is not None and r.name != "contradicts"


def test_a_negation_bears_on_nothing_past_punctuation():
    """"“No,” replied Zucker" answers something not said; "isn't just about me --"
    negates nothing about what follows the dash."""
    assert negated_words("“No,” replied Jeff Zucker, President of CNN Worldwide") == {""}
    r = _rel("“No,” replied Jeff Zucker, President of CNN Worldwide",
             "replied Jeff Zucker, President of CNN Worldwide")
    assert r is None or r.name != "contradicts"
    r = _rel("This isn't just about me -- it's about my friends, my family and everyone who "
             "comes from a background similar to mine",
             "it's about my friends, my family and everyone who comes from a background "
             "similar to mine, anywhere in the world")
    assert r is None or r.name != "contradicts"


def test_a_condition_or_an_infinitive_alone_asserts_nothing():
    cut = "If your principles involve giving Hillary control of the Supreme Court"
    assert unit_comparable(cut, False, False).question
    assert unit_comparable("to say the words radical Islam", False, False).question
    assert not unit_comparable(cut + ", they are not principles", False, False).question
    r = _rel(cut, cut + ", they are not principles")
    assert r is None or r.name != "contradicts"


def test_the_rest_must_agree_for_a_contradiction():
    """Each side's own words count, not the difference of lengths: each of these adds
    a clause of its own, and the negation is in the clause the other lacks."""
    r = _rel("Despite months -- even years -- preparing global investors for the smallest "
             "possible increase in borrowing rates",
             "preparing global investors for the smallest possible increase in borrowing "
             "rates, markets are not prepared")
    assert r is None or r.name != "contradicts"
    r = _rel("She did receive some emails with classified markings",
             "she neither sent nor received emails marked classified")
    assert r is not None and r.name == "contradicts"


def test_other_numbers_contradict_only_where_the_rest_agrees():
    """Two polls' margins and sample sizes, a rate at two times: other measures, not
    one told two ways."""
    r = relate(C("Out of 542 registered Republican primary voters, the margin of error is "
                 "plus or minus 4.21 percentage points"),
               C("Among the 578 likely Republican primary voters surveyed, the margin of "
                 "error is plus or minus 4.1 percentage points"))
    assert r is None or r.name == "related"
    r = relate(C("the unemployment rate began the year at 4.9 percent"),
               C("While the official unemployment rate is 4.7 percent"))
    assert r is None or r.name == "related"
    r = relate(C("there had been 3,210 shooting victims"),
               C("one shooting may have more than one victim"))
    assert r is None or r.name != "contradicts"


def test_an_opposite_verb_elsewhere_is_neither_a_contradiction_nor_the_same():
    r = relate(C("they were only leaning toward Cruz, or simply opposed to Trump"),
               C("he is leaning toward supporting Trump"))
    assert r is None or r.name == "related"


def test_a_negation_in_a_clause_the_other_side_does_not_tell_is_no_contradiction():
    """One side is the other and a clause more, and the negation stands in that clause:
    it shares one word with the other side ("prepar", "vote", "shoot"), not the clause."""
    for short, longer in [
        ("Despite months -- even years -- preparing global investors for the smallest "
         "possible increase in money borrowing rates",
         "Despite months -- even years -- preparing global investors for the smallest "
         "possible increase in money borrowing rates, markets are not prepared for the fallout"),
        ("I implore those patriotic Americans that would probably vote for Donald Trump in "
         "November",
         "I implore those patriotic Americans that would probably vote for Donald Trump in "
         "November, I appeal to them not to vote for hatred"),
        ("more information about the fatal shooting of Keith Lamont Scott while chanting, "
         "\"Hands up",
         "more information about the fatal shooting of Keith Lamont Scott while chanting, "
         "\"Hands up, don't shoot.\""),
    ]:
        r = _rel(short, longer)
        assert r is None or r.name != "contradicts", longer
    r = _rel("the governor did not attend the meeting in Tripoli",
             "the governor attended the meeting in Tripoli")
    assert r is not None and r.name == "contradicts"


def test_numbers_in_clauses_the_other_side_does_not_tell_are_no_contradiction():
    """Two cuts of one sentence: the numbers of each stand in a clause the other lacks."""
    r = relate(C("Clinton 51 percent to 24 percent, while male troops backed Trump"),
               C("while male troops backed Trump, 57 percent to 22 percent"))
    assert r is None or r.name == "related"


def test_a_point_or_comma_inside_a_number_closes_no_clause():
    """"4.9 percent" is one number in one clause, not "...to 4" and "9 percent"."""
    r = relate(C("the jobless rate in Ohio fell to 4.9 percent last month"),
               C("the jobless rate in Ohio fell to 5.1 percent last month"))
    assert r is not None and r.name == "contradicts"
    r = relate(C("the strike in Aleppo killed 1,200 civilians"),
               C("the strike in Aleppo killed 900 civilians"))
    assert r is not None and r.name == "contradicts"


# --- a run of words printed in both ------------------------------------------------


def test_one_run_of_words_printed_in_both_is_one_claim():
    """Little shared IDF weight ("action", "comment", "person"), nine words in order:
    the same quotation, trimmed differently by two outlets."""
    a = C("the foundation has no comment on the actions of that person")
    b = C("has no comment on the actions of that person that murdered Trayvon")
    r = relate(a, b)
    assert r is not None and r.name in ("same", "more_specific")


def test_a_short_run_inside_longer_texts_is_no_claim_of_its_own():
    """Four shared words ("on the actions of") in two longer texts: not enough."""
    from claimtrack.corpus.relate import verbatim_run

    assert not verbatim_run("the senator commented on the actions of the board today",
                            "the union protested on the actions of a judge in Ohio")
    assert verbatim_run("has no comment on the actions of that person",
                        "the group has no comment on the actions of that person, it said")


def test_a_run_of_the_same_words_about_other_people_is_not_one_claim():
    a = C("the officer was placed on paid administrative leave pending an investigation "
          "into the shooting of Terence Crutcher")
    b = C("the officer was placed on paid administrative leave pending an investigation "
          "into the shooting of Keith Lamont Scott")
    r = relate(a, b)
    assert r is None or r.name == "related"


def _brute_run(a: str, b: str) -> int:
    from claimtrack.corpus.relate import _run_words

    wa, wb = _run_words(a), _run_words(b)
    return max((k for i in range(len(wa)) for j in range(len(wb))
                for k in range(1, min(len(wa) - i, len(wb) - j) + 1)
                if wa[i:i + k] == wb[j:j + k]), default=0)


@settings(max_examples=300)
@given(_words, _words)
def test_the_longest_run_is_the_longest_common_run_of_words(x, y):
    from claimtrack.corpus.relate import longest_run

    assert longest_run(x, y) == longest_run(y, x) == _brute_run(x, y)


@pytest.mark.parametrize("text", [
    "The Trump campaign did not immediately respond to requests for comment",
    "A lawyer for Mills did not respond to a request for comment",
    "Sanders’ campaign didn’t immediately return a request seeking comment",
    "Since then, no one has responded to my requests for comment",
    "The FBI declined to comment",
    "The poll has a margin of error of 3 percentage points",
    "The margin of error for all three state polls was +/-3 percentage points",
])
def test_a_statement_of_procedure_relates_to_nothing(text):
    """Every outlet tells of its own unanswered calls and its own poll's margin in the
    same words: told of two parties (or twice of one), such statements are no claim
    two documents share."""
    assert procedural(text)
    assert relate(C(text), C(text)) is None
    other = text.replace("Trump", "Clinton").replace("Mills", "Abedin").replace("3", "4")
    assert relate(C(text), C(other)) is None


@pytest.mark.parametrize("text", [
    "the foundation has no comment on the actions of that person",  # a source's own word
    "Trump did not respond to Clinton's attacks on his business record",
    "The Fox News poll was conducted by telephone between February 15-17 among 1,031 "
    "registered voters and has a margin of error of plus or minus 3 points",
    "that Trump remains five points back in a poll that has a margin of error of three "
    "percentage points",  # a finding, its poll's margin beside it
])
def test_what_a_source_says_or_more_than_the_formula_still_relates(text):
    assert not procedural(text)
    r = relate(C(text), C(text))
    assert r is not None and r.name == "same"


def test_a_scale_word_belongs_to_its_number():
    """"$47 billion" and "$36.5 billion" share no number: "billion" is part of each."""
    assert numbers("worth about $47 billion each") == {"47 billion"}
    assert numbers("five people, 1,200 others and 3 million more") == {"5", "1200", "3 million"}
    r = relate(C("they are worth about $47 billion each"),
               C("that Bloomberg was personally worth less than the $36.5 billion estimated "
                 "by Forbes"))
    assert r is None or r.name == "related"
    same = relate(C("the company is worth $47 billion"), C("The company is worth $47 billion."))
    assert same is not None and same.name == "same"


def test_other_numbers_contradict_only_with_enough_told_beside_them():
    """Two counts that share only what they count, or a name, are two things counted:
    two filibusters, two sums from one donor. With the rest told alike they contradict."""
    for a, b in (("Murphy’s 15-hour filibuster", "After 39-hour filibuster"),
                 ("The $25 million from Adelson", "Adelson has committed $5 million")):
        r = relate(C(a), C(b))
        assert r is None or r.name == "related"
    r = relate(C("the strike killed 12 civilians in the village of Kafr Nabl"),
               C("the strike killed five civilians in the village of Kafr Nabl"))
    assert r is not None and r.name == "contradicts"


def test_a_derived_form_of_an_opposite_verb_is_still_its_opposite():
    """The stemmer leaves "supportive" as "supportiv": opposing and being supportive of
    the same thing are never one claim (a form of the verb with a derivational suffix
    counts; "closer" and "openly" do not)."""
    r = relate(C("that oppose same-sex marriage"), C("They’re supportive of same-sex marriage"))
    assert r is not None and r.name != "same"
    assert r.differences == ("predicate: oppose vs supportive",)
    from claimtrack.corpus.relate import _predicate_stem

    assert [_predicate_stem(t) for t in ("opposition", "endorsement", "closer", "openly")] == [
        "oppos", "endors", "closer", "openly"]


@pytest.mark.parametrize(("cue", "rule", "asks_nothing"), [
    ("demand", "verb_clause", True),   # "demanding that police release the video"
    ("ask", "verb_clause", True),      # "asked whether he would support Trump"
    ("call for", "verb_object", False),  # "Trump called for a ban": the act is told
    ("say", "verb_clause", False),
])
def test_what_a_cue_asks_or_bids_relates_as_a_question(cue, rule, asks_nothing):
    """A demand or a question is not the event it asks for: "that police release
    department video of the shooting" (demanded) is not "Tulsa police released video"."""
    from claimtrack.corpus.update import unit_comparable_of
    from claimtrack.store.matchstore import ClaimRow, UnitRow

    text = "that police release department video of the shooting"
    row = ClaimRow("d:1", "d", text, False, False, False, (), rule, "protesters", None, None,
                   None, None, cue)
    c = unit_comparable_of(row, UnitRow("d:1", 0, 0, len(text), ""), None)
    assert c.question is asks_nothing
    r = relate(c, C("Tulsa police released department video of the shooting"))
    assert (r is not None and r.name == "related") if asks_nothing else (
        r is not None and r.name == "same")


def test_a_question_told_inside_a_sentence_asserts_nothing():
    """ "He described what it was like to be a high school student": the content names
    what was talked about and states nothing of it; it was more_specific than "rallied
    over ... high-stakes student testing" (560 dev articles)."""
    told = "what it was like to be a high school student"
    assert unit_comparable(told, False, False).question
    assert unit_comparable("how the party would respond to the ruling", False, False).question
    assert not unit_comparable("what he said, the crowd loved", False, False).question
    r = _rel("People in other cities rallied over issues like charter schools and "
             "high-stakes student testing at every high school", told)
    assert r is None or r.name == "related"


def test_a_pronoun_nobody_resolved_contradicts_only_the_same_pronoun():
    """"They’re supportive of same-sex marriage" (one article's poll of voters) denies
    nothing of another article's Republicans: nobody can say the two are one subject.
    Named on both sides, or the same pronoun on both, they contradict."""
    for other in ("Republicans oppose same-sex marriage", "that oppose same-sex marriage"):
        r = relate(C("They’re supportive of same-sex marriage"), C(other))
        assert r is not None and r.name == "related"
        assert r.differences == ("predicate: supportive vs oppose",)
    for a, b in (("Republicans are supportive of same-sex marriage",
                  "Republicans oppose same-sex marriage"),
                 ("They are supportive of same-sex marriage", "They oppose same-sex marriage")):
        r = relate(C(a), C(b))
        assert r is not None and r.name == "contradicts"
