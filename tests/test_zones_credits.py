"""zones.credits: wire credits, sign-offs and editorial notes; citing an agency is no copy."""

from __future__ import annotations

import pytest
from test_zones_dateline import AP
from test_zones_find import zones

from claimtrack.zones import (
    is_wire_copy,
    origin_key,
    outlet_key,
)

pytestmark = pytest.mark.model_free

# --- wire credits ----------------------------------------------------------------

BODY = "Officials met on Tuesday to discuss the plan, the mayor said.\n\nThe plan costs $4 million."


@pytest.mark.parametrize(
    "tail, agency, kind",
    [
        ("The Associated Press contributed to this report.", "Associated Press", "credit"),
        ("Associated Press writers Ann Poe and J. Roe contributed.", "Associated Press", "credit"),
        ("Smith reported from Boston. Reuters contributed to this report.", "Reuters", "credit"),
        ("Information from Reuters was used in this report.", "Reuters", "credit"),
        ("(Reporting by Ann Poe; Editing by John Roe)", "Reuters", "reporting_line"),
        (
            "Reporting by Ann Poe in Paris; Writing by Bo Li; Editing by Jo Ma",
            "Reuters",
            "reporting_line",
        ),
        ("© 2016 Reuters", "Reuters", "copyright"),
        (
            "Copyright 2016 The Associated Press. All rights reserved.",
            "Associated Press",
            "copyright",
        ),
        ("— AFP", "Agence France-Presse", "signoff"),
        ("- Reuters.", "Reuters", "signoff"),
        ("(AP)", "Associated Press", "signoff"),
    ],
)
def test_credit_lines(tail, agency, kind):
    text = f"Plan approved\n\n{BODY}\n\n{tail}"
    z = zones(text, meta={"publisher": "Springfield Gazette"})
    assert [(m.agency, m.kind) for m in z.wire] == [(agency, kind)]
    assert z.wire[0].span.text.endswith(tail.rstrip())
    assert is_wire_copy(z)
    assert origin_key(z) == outlet_key(agency)


def test_credit_lines_are_notes_and_about_the_document():
    text = f"Plan approved\n\nLOWELL (AP) — {BODY}\n\n(AP)"
    z = zones(text)
    assert [n.text for n in z.notes] == ["(AP)"]
    assert [s.text for s in z.about_the_document()] == ["LOWELL (AP) —", "(AP)"]


def test_signoff_at_the_end_of_the_last_paragraph():
    z = zones(f"Plan approved\n\n{BODY} — AFP")
    assert [(m.agency, m.kind, m.span.text) for m in z.wire] == [
        ("Agence France-Presse", "signoff", "— AFP")
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Reuters reported that the plan was delayed.",
        "The plan was delayed, according to the AP.",
        "She told The Associated Press on Monday that she would resign.",
        "An Associated Press analysis found the costs doubled.",
        "The AP said it had not seen the documents.",
        "Bloomberg first reported the talks.",
        "Gary Cameron/Reuters.",  # a photo credit
        "ASSOCIATED PRESS.",  # a photo credit under a picture
        "Scott Olson via Getty Images.",
        "Copyright law was the subject of the hearing.",
        "Jane Doe contributed reporting.",  # a staff contributor line: a note, not wire
    ],
)
def test_citing_an_agency_is_not_wire_copy(sentence):
    text = f"Plan delayed\n\n{BODY}\n\n{sentence}\n\nThe council meets again in May."
    z = zones(text, meta={"publisher": "Springfield Gazette"})
    assert z.wire == []
    assert not is_wire_copy(z)
    assert origin_key(z) == "springfield gazette"


def test_notes_are_editorial_lines():
    text = (
        f"Plan approved\n\n{BODY}\n\nJane Doe contributed reporting.\n\n"
        "This story has been corrected to show the plan costs $4 million, not $40 million.\n\n"
        "Follow Jane Doe on Twitter @janedoe."
    )
    z = zones(text)
    assert [n.text[:20] for n in z.notes] == [
        "Jane Doe contributed",
        "This story has been ",
        "Follow Jane Doe on T",
    ]
    assert z.wire == []


def test_wire_copy_run_by_its_own_agency_is_not_a_copy():
    z = zones(AP, meta={"url": "https://apnews.com/article/storm"})
    assert z.publisher == "Associated Press"
    assert not is_wire_copy(z)
    z2 = zones(AP, meta={"publisher": "breitbart"})
    assert z2.publisher == "Breitbart News"
    assert is_wire_copy(z2) and z2.wire_agencies() == ["Associated Press"]
    assert origin_key(z) == origin_key(z2) == "associated press"
