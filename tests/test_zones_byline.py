"""zones.byline: bylines found by find_zones (names, outlet), and what is none."""

from __future__ import annotations

import pytest
from test_zones_find import zones

from claimtrack.zones import (
    is_wire_copy,
    origin_key,
)

pytestmark = pytest.mark.model_free

# --- bylines -------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, names, outlet",
    [
        ("By Jane Doe", ["Jane Doe"], None),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"], None),
        ("By Jane Doe, John Roe and Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"], None),
        ("By JANE DOE, Associated Press", ["JANE DOE"], "Associated Press"),
        (
            "BY JANE DOE and JOHN ROE, AP Business Writers",
            ["JANE DOE", "JOHN ROE"],
            "Associated Press",
        ),
        ("By Mary-Kate O'Neil | Reuters", ["Mary-Kate O'Neil"], "Reuters"),
        ("Jane Doe | Reuters", ["Jane Doe"], "Reuters"),
        ("Jane Doe, The Washington Post", ["Jane Doe"], "The Washington Post"),
        ("By The Associated Press", [], "Associated Press"),
        ("By Juan de la Cruz, Staff Writer", ["Juan de la Cruz"], None),
        ("By J. R. Smith & Ana Lopez", ["J. R. Smith", "Ana Lopez"], None),
    ],
)
def test_byline_forms(line, names, outlet):
    text = f"Mill closes\n\n{line}\n\nThe mill closed on Friday, its owner said.\n\nMore."
    z = zones(text)
    assert z.byline is not None, line
    assert z.byline.span.text == line
    assert (z.byline.names, z.byline.outlet) == (names, outlet)
    assert z.lede and z.lede.text == "The mill closed on Friday, its owner said."


def test_byline_outlet_on_the_next_line_and_dateline_after():
    text = (
        "Mill closes\n\nBy Jane Doe\nAssociated Press\n\n"
        "LOWELL, Mass. (AP) — The mill closed on Friday.\n\nMore."
    )
    z = zones(text)
    assert z.byline and z.byline.span.text == "By Jane Doe\nAssociated Press"
    assert z.byline.outlet == "Associated Press"
    assert z.dateline and z.dateline.place == "LOWELL, Mass."
    assert [m.kind for m in z.wire] == ["byline", "dateline"]
    assert z.publisher == "Associated Press"  # from the byline: no metadata
    assert not is_wire_copy(z)  # the agency's own text, as far as we know
    assert origin_key(z) == "associated press"


@pytest.mark.parametrize(
    "line",
    [
        "By a slim margin, voters backed the levy.",
        "By Tuesday, the campaign had spent its money.",
        "By 58%-33%, those surveyed said no.",
        "Jane Doe, a local farmer, said prices fell.",
        "Springfield, Illinois",
    ],
)
def test_not_bylines(line):
    z = zones(f"Levy passes\n\n{line}\n\nMore text follows here.")
    assert z.byline is None
    assert z.lede and z.lede.text == line
