"""zones.dateline: datelines found by find_zones (place, date, agency), and what is none."""

from __future__ import annotations

import pytest
from test_zones_find import zones

from claimtrack.zones import (
    is_wire_copy,
)

pytestmark = pytest.mark.model_free

# --- datelines -----------------------------------------------------------------

AP = (
    "Storm floods coastal town\n\n"
    "HARBORVILLE, Maine (AP) — A late-season storm flooded the harbor on Monday, "
    "the town's fire chief said.\n\n"
    "Residents were told to stay home.\n"
)


def test_ap_dateline_with_region():
    z = zones(AP)
    assert z.headline and z.headline.text == "Storm floods coastal town"
    d = z.dateline
    assert d and d.span.text == "HARBORVILLE, Maine (AP) —"
    assert (d.place, d.date, d.agency) == ("HARBORVILLE, Maine", None, "Associated Press")
    assert z.lede and z.lede.text.startswith("A late-season storm")
    assert z.lede.text.endswith("the town's fire chief said.")
    assert AP[z.body_start :].startswith("Residents were told")
    assert [(m.agency, m.kind) for m in z.wire] == [("Associated Press", "dateline")]
    assert is_wire_copy(z)


@pytest.mark.parametrize(
    "opening, place, date, agency",
    [
        ("WASHINGTON (AP) —", "WASHINGTON", None, "Associated Press"),
        ("TRIPOLI, Libya (Reuters) -", "TRIPOLI, Libya", None, "Reuters"),
        ("LONDON, March 3 (Reuters) -", "LONDON", "March 3", "Reuters"),
        ("Aug 27 (Reuters) -", None, "Aug 27", "Reuters"),
        ("Lyon (AFP) –", "Lyon", None, "Agence France-Presse"),
        (
            "SPRINGFIELD, Ill., Sept. 9 (UPI) —",
            "SPRINGFIELD, Ill.",
            "Sept. 9",
            "United Press International",
        ),
        ("BERLIN (dpa) -", "BERLIN", None, "dpa"),
        ("NEW YORK —", "NEW YORK", None, None),
        ("ST. PAUL, Minn. -", "ST. PAUL, Minn.", None, None),
        ("BOSTON —", "BOSTON", None, None),
        ("SALEM, Ore.—", "SALEM, Ore.", None, None),
        ("DENVER --", "DENVER", None, None),
        ("TUCSON ―", "TUCSON", None, None),
    ],
)
def test_dateline_forms(opening, place, date, agency):
    lede = "The city council voted on the budget Tuesday."
    text = f"Council votes on budget\n\n{opening} {lede}\n\nMore."
    z = zones(text)
    assert z.dateline is not None, opening
    assert z.dateline.span.text == opening
    assert (z.dateline.place, z.dateline.date, z.dateline.agency) == (place, date, agency)
    assert z.lede and z.lede.text == "The city council voted on the budget Tuesday."


@pytest.mark.parametrize(
    "opening",
    [
        "BREAKING — The council voted.",  # a label, not a place
        "NASA said on Tuesday that the launch was delayed.",
        "HARRIS--Margaret, 91, of Dover, died Sunday.",  # a death notice, no spaced dash
        "BIG CITIES ARE NOT THE WHOLE STORY, SAYS POLLSTER - Jane Roe writes: polls lag.",
        "In Paris (France) - a city of light - the mayor spoke.",
        "The mayor (a Democrat) - and her deputy - spoke.",
    ],
)
def test_not_datelines(opening):
    z = zones(f"Headline here\n\n{opening}\n\nMore text.")
    assert z.dateline is None
    assert z.lede and z.lede.text == opening


def test_dateline_opening_a_text_without_title():
    text = "WASHINGTON (AP) — The Senate passed the bill.\n\nIt now goes to the House."
    z = zones(text)
    assert z.headline is None
    assert z.dateline and z.dateline.agency == "Associated Press"
    assert z.lede and z.lede.text == "The Senate passed the bill."


def test_dateline_below_a_dek():
    text = (
        "Voters weigh the race\n\nA tight contest in the north, and a quiet one in the south.\n\n"
        "CONCORD, N.H. - The candidates crossed the state on Monday.\n\nMore."
    )
    z = zones(text)
    assert z.summary and z.summary.text.startswith("A tight contest")
    assert z.dateline and z.dateline.place == "CONCORD, N.H."
    assert z.lede and z.lede.text == "The candidates crossed the state on Monday."


def test_dateline_on_its_own_line():
    z = zones("Fire at the mill\n\nLOWELL —\n\nA fire broke out at the old mill.\n\nMore.")
    assert z.dateline and z.dateline.span.text == "LOWELL —"
    assert z.lede and z.lede.text == "A fire broke out at the old mill."
