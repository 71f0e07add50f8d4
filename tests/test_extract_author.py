"""Author statements: the body's unattributed assertions, on short articles we wrote."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrack.extract import extract_text, parse
from claimtrack.extract.author import MAX_COVERED, RULE, author_statements
from claimtrack.extract.nlp import get_nlp
from claimtrack.extract.rules import find_attributions

TITLE = "Council Votes To Close The Old Bridge."
LEDE = "The city council voted on Tuesday to close the old river bridge to all traffic."


def _article(*body: str) -> str:
    return "\n\n".join([TITLE, LEDE, *body]) + "\n"


def _run(text: str):
    doc = parse(get_nlp(), text)
    atts = find_attributions(doc)
    return doc, atts, author_statements(doc, atts)


def _texts(text: str) -> list[str]:
    return [a.content.text for a in _run(text)[2]]


def test_body_statement_is_found_as_an_author_record():
    text = _article("The bridge was built in 1921 and carries about 4,000 cars a day.")
    doc, atts, found = _run(text)
    assert [a.content.text for a in found] == [
        "The bridge was built in 1921 and carries about 4,000 cars a day"]
    a = found[0]
    assert (a.rule, a.source, a.cue, a.kind, a.cue_class) == (RULE, None, None, "indirect",
                                                              "speech")
    assert text[a.content.start : a.content.end] == a.content.text


def test_headline_and_lede_keep_their_no_source_records():
    text = _article("The bridge was built in 1921 and carries about 4,000 cars a day.")
    doc, atts, found = _run(text)
    before = [a.model_dump() for a in atts]
    author_statements(doc, atts)
    assert [a.model_dump() for a in atts] == before  # the input is left alone
    no_source = [a.content.text for a in atts if a.rule == "no_source"]
    assert no_source == [TITLE.rstrip("."), LEDE.rstrip(".")]
    assert all(a.content.start > len(TITLE) + len(LEDE) for a in found)


def test_a_lede_no_record_takes_is_read_as_a_body_sentence():
    # an aside attributes part of the lede, so no_source leaves it; it is still the
    # author's statement of the story's main event, and another outlet's report of
    # that event has nothing to match unless it is kept
    lede = ("The city council, which critics said was slow, voted on Tuesday to close the "
            "old river bridge to all traffic after an inspection found deep cracks.")
    text = "\n\n".join([TITLE, lede, "The bridge was built in 1921 and carries about "
                         "4,000 cars a day."]) + "\n"
    doc, atts, found = _run(text)
    assert [a.content.text for a in atts if a.rule == "no_source"] == [TITLE.rstrip(".")]
    assert [a.content.text for a in found] == [
        lede.rstrip("."), "The bridge was built in 1921 and carries about 4,000 cars a day"]


def test_quoted_sentence_is_not_the_authors():
    text = _article(
        "“The bridge has been unsafe for years and should have closed long ago,” "
        "the mayor said.",
        "“We will open a temporary crossing for pedestrians within a month.”",
        "The new bridge will cost about $40 million and open in 2027.")
    assert _texts(text) == ["The new bridge will cost about $40 million and open in 2027"]


def test_sentence_carrying_a_said_attribution_is_not_the_authors():
    text = _article(
        "The transport director said the repairs would cost more than a new bridge.",
        "Engineers found deep cracks in two of the three main supports last spring.")
    assert _texts(text) == [
        "Engineers found deep cracks in two of the three main supports last spring"]


def test_a_one_sentence_paragraph_full_of_names_is_no_heading():
    # capitalised names made it "Title Case" and it was dropped as a heading: the
    # lede of a story about four politicians then had nothing to match elsewhere
    named = ("Republican presidential nominee Donald Trump on Friday visited House "
             "Speaker Paul Ryan, Senator John McCain and Senator Kelly Ayotte in "
             "Green Bay, Wisconsin.")
    text = _article(named, "What Happens To The Ferry Service Next Year Is Unclear.")
    assert _texts(text) == [named.rstrip(".")]


def test_questions_headings_boilerplate_and_captions_are_not_statements():
    text = _article(
        "Who will pay for the new bridge that the council wants to build?",
        "What Happens To The Ferry Service Next Year.",
        "Read more: the council has published its full plan for the river crossings.",
        "Follow us on Twitter for the latest updates from the council meetings.",
        "FILE - In this photo, the old bridge is seen from the east bank of the river.",
        "Photo: the old bridge is seen from the east bank of the river at dawn.",
        "MAYOR: We are closing the bridge because we have no other choice here.",
        "By Jane Smith and John Doe, City Desk Reporters Of The Daily Paper.",
        "We Are Sorry,This video is restricted from playing in your locationEcode: 17.",
        "This site contains copyrighted material the use of which has not always been "
        "authorized. If you wish to use copyrighted material from this site for purposes "
        "that go beyond fair use, you must request permission from the copyright owner.",
        "Ferries will carry commuters across the river until the new bridge opens.")
    assert _texts(text) == [
        "Ferries will carry commuters across the river until the new bridge opens"]


def test_short_lines_imperatives_and_lines_without_a_stop_are_not_statements():
    text = _article(
        "It closed.",
        "Pay no attention to the rumours about the bridge and the ferry service.",
        "The ferry will run every twenty minutes during the morning rush",
        "The ferry will run every thirty minutes during the evening rush.")
    assert _texts(text) == ["The ferry will run every thirty minutes during the evening rush"]


def test_one_line_document_has_no_body():
    assert _texts("The council voted on Tuesday to close the old river bridge.") == []


def test_offsets_slice_the_text_exactly():
    text = _article(
        "  The bridge was built in 1921 and carries about 4,000 cars a day.  ",
        "Its steel deck was replaced in 1978, and its piers were repaired in 2004. "
        "The last full repair cost the city about $12 million (in today's dollars).")
    found = _run(text)[2]
    assert len(found) == 3
    for a in found:
        assert text[a.content.start : a.content.end] == a.content.text
        assert a.content.text == a.content.text.strip(" .\n")


# ---------------------------------------------------------------- property


_PLAIN = [
    "The bridge was built in 1921 and carries about 4,000 cars a day.",
    "Engineers found deep cracks in two of the three main supports last spring.",
    "The ferry will run every thirty minutes during the evening rush.",
    "Traffic on the northern ring road rose by a fifth in the first week.",
]
_SOURCED = [
    "The mayor said the repairs would cost more than a new bridge.",
    "According to the transport office, the ferry carries 900 people a day.",
    "Local shop owners complained that sales fell sharply after the closure.",
    "The bridge, which critics called a disgrace, was last painted in 1990.",
]
_QUOTED = [
    "“We had no other choice,” the mayor told reporters on Wednesday.",
    "“The cracks are deep and getting deeper every winter.”",
    "The engineer said: “Nobody should drive over that bridge again.”",
]
_OTHER = [
    "Will the ferry be ready in time for the summer season?",
    "Read more: the full plan for the river crossings.",
    "River Crossings And Ferry Timetables",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PLAIN + _SOURCED + _QUOTED + _OTHER), min_size=1,
                max_size=8),
       st.lists(st.booleans(), min_size=8, max_size=8))
def test_spans_are_inside_the_text_and_overlap_attributions_little(sentences, breaks):
    body, para = [], []
    for s, brk in zip(sentences, breaks, strict=False):
        para.append(s)
        if brk:
            body.append(" ".join(para))
            para = []
    if para:
        body.append(" ".join(para))
    text = _article(*body)
    doc, atts, found = _run(text)
    starts = [a.content.start for a in found]
    assert starts == sorted(starts)
    for a in found:
        assert 0 <= a.content.start < a.content.end <= len(text)
        assert text[a.content.start : a.content.end] == a.content.text
        assert a.content.start > len(TITLE) + len(LEDE)  # headline and lede stay no_source
        chars = [i for i in range(a.content.start, a.content.end) if not text[i].isspace()]
        for b in atts:
            inside = {i for f in b.content.pieces() for i in range(f.start, f.end)}
            assert sum(i in inside for i in chars) <= MAX_COVERED * len(chars)


def test_an_aside_leaves_the_main_clause_the_authors():
    text = _article(
        "The bridge, which critics called a disgrace, was last painted in 1990 and last "
        "inspected by state engineers in the spring of 2019.")
    doc, atts, found = _run(text)
    assert any(a.cue and a.cue.text == "called" for a in atts)
    assert [a.content.text for a in found] == [text.split("\n\n")[2].rstrip(".\n")]


def test_editors_notes_and_lowercase_fragments_are_not_statements():
    text = _article(
        "Editor’s note: the council has changed the closing date of the bridge twice.",
        "the ferry service will start on the first Monday of next month, officials hope.",
        "Ferries will carry commuters across the river until the new bridge opens.")
    assert _texts(text) == [
        "Ferries will carry commuters across the river until the new bridge opens"]


def test_same_doc_same_answer():
    text = _article("The bridge was built in 1921 and carries about 4,000 cars a day.",
                    "Ferries will carry commuters across the river until the new bridge opens.")
    doc, atts, found = _run(text)
    assert [a.model_dump() for a in author_statements(doc, atts)] == [
        a.model_dump() for a in found]


def test_the_outlets_note_on_its_own_text_is_no_statement():
    # "This article has been updated to include ..." matched every other outlet's note
    # across documents ("... to include Trump's endorsements" / "... DNC delegates")
    text = ("Officials met on Friday.\n\nThe council voted to close the pier in March.\n\n"
            "This article has been updated to include comments from the mayor.\n\n"
            "This story was corrected to give the pier's full name.\n\n"
            "The story was corrected on Monday after readers wrote in.")
    said = [a.content.text for a in extract_text(text).attributions]
    assert not [s for s in said if s.startswith("This ")]
    assert "The story was corrected on Monday after readers wrote in" in said  # another story


def test_a_paragraph_that_is_one_quotation_nobody_is_credited_with():
    text = ("Harbour pier bell for sale\n\nThe harbour master, who has run the port for a "
            "decade, put the old pier's bell up for sale this week. He is now selling it.\n\n"
            '"It has recently been returned to me by the county museum. This is a piece of '
            'harbour history."\n\nThe auction site removed the listing on Thursday.\n\n'
            "The mayor said the sale was a disgrace to the town.\n\n"
            '"It belongs to all of us and it should stay on the pier where it rang."\n\n'
            '"GIVE IT BACK TO THE TOWN NOW"\n')
    atts = extract_text(text).attributions
    quoted = [a for a in atts if a.rule == "quotation"]
    assert [a.content.text for a in quoted] == [
        '"It has recently been returned to me by the county museum. This is a piece of '
        'harbour history."']  # the mayor's goes on from his report; capitals: a heading
    assert quoted[0].source is None and quoted[0].cue is None and quoted[0].kind == "direct"
    mayor = [a for a in atts if a.rule == "quote_after"]
    assert mayor and mayor[0].source.text == "The mayor"


def test_a_report_hung_from_the_main_clause_leaves_that_clause_the_authors():
    # a participle and a relative clause carry the reports; the main clauses are the
    # author's own, the speaker's description with them
    text = _article(
        "Mayor Jane Doe, who has led the city since 2015, has picked up on the complaints, "
        "telling reporters that the bridge was unsafe.",
        "The engineers rallied residents with calls to fund the repairs, which they say are "
        "overdue by a decade.",
        "The engineers rallied residents on Monday, and they said the repairs were overdue.",
        # a restrictive clause completes its noun: "the third time" alone says little
        "The walk-ins on Thursday were the third time that parents said the schools had "
        "failed them.")
    doc, atts, found = _run(text)
    assert any(a.cue and a.cue.text == "telling" for a in atts)
    assert [a.content.text for a in found] == [
        "Mayor Jane Doe, who has led the city since 2015, has picked up on the complaints",
        "The engineers rallied residents with calls to fund the repairs",
        "The engineers rallied residents on Monday"]


def test_what_a_relative_clause_says_of_a_speaker_is_the_authors():
    text = _article("David Axelrod, who was senior adviser to Obama in the White House, "
                    "tweeted that the claim was misleading.")
    assert _texts(text) == ["David Axelrod, who was senior adviser to Obama in the White House"]


def test_a_report_that_is_the_sentence_or_cuts_a_phrase_leaves_nothing():
    assert _texts(_article(
        # a parenthetical cue: the whole sentence is what they say
        "Nor does the council have any plans, officials say, to reopen the bridge before "
        "the spring thaw.",
        # a restrictive clause says who is meant, not what is so
        "A spokesman who was briefed on the repairs said that the work would take two years.",
        # the clause on the speaker is itself a report
        "Tom Smith, who said the bridge was safe, told reporters that the council had acted.",
        # cut out, the report would leave "responded to the report by"
        "The mayor responded to the report by saying that the bridge would be replaced.",
    )) == []
