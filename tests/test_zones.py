"""Document zones: headline, dateline, byline, lede, wire credits, publisher, outlet keys."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrack.evalsplit import is_held_out
from claimtrack.markup import strip_markdown_links
from claimtrack.models import Span, Zones
from claimtrack.zones import (
    find_zones,
    is_wire_copy,
    origin_key,
    outlet_key,
    outlet_name,
    outlet_table,
    publisher_from_origin,
)


def spans(z: Zones) -> list[Span]:
    out = [z.headline, z.summary, z.lede]
    out += [z.dateline.span] if z.dateline else []
    out += [z.byline.span] if z.byline else []
    out += [m.span for m in z.wire] + list(z.notes)
    return [s for s in out if s is not None]


def check(text: str, z: Zones) -> None:
    """Every span slices the text it came from, within bounds."""
    for s in spans(z):
        assert 0 <= s.start <= s.end <= len(text)
        assert text[s.start : s.end] == s.text
    assert 0 <= z.body_start <= len(text)


def zones(text: str, **kw) -> Zones:
    z = find_zones(text, **kw)
    check(text, z)
    return z


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


# --- plain texts ---------------------------------------------------------------


def test_plain_text_without_zones():
    text = (
        "Town opens library\n\nThe town opened its new library on Saturday.\n\nIt cost $2 million."
    )
    z = zones(text)
    assert z.headline and z.headline.text == "Town opens library"
    assert z.lede and z.lede.text == "The town opened its new library on Saturday."
    assert text[z.body_start :] == "It cost $2 million."
    assert (z.dateline, z.byline, z.wire, z.publisher) == (None, None, [], None)
    assert not is_wire_copy(z) and origin_key(z) is None


def test_one_paragraph_is_its_own_lede():
    text = "The town opened its new library on Saturday. It cost $2 million."
    z = zones(text)
    assert z.headline is None
    assert z.lede and z.lede.text == text
    assert z.body_start == len(text)


def test_title_line_above_a_paragraph_without_blank_line():
    z = zones("Library opens\nThe town opened its new library on Saturday.\nIt cost $2 million.")
    assert z.headline and z.headline.text == "Library opens"
    assert z.lede and z.lede.text == "The town opened its new library on Saturday."


def test_hard_wrapped_text_has_no_headline():
    text = (
        "The town opened its new library on Saturday after\n"
        "years of delay, the mayor said, and it cost\n"
        "$2 million.\n\nReaders lined up."
    )
    z = zones(text)
    assert z.headline is None
    assert z.lede and z.lede.text.endswith("$2 million.")  # the wrapped paragraph, whole
    assert text[z.body_start :] == "Readers lined up."


def test_two_line_headline_and_abstract():
    text = (
        "Jobs report lifts hopes; \nHiring rose in every region.\n\nABSTRACT.\n\n"
        "A summary of the story.\n\nFULL TEXT.\n\nEmployers added jobs in March.\n\nMore."
    )
    z = zones(text, title="Jobs report lifts hopes; Hiring rose in every region")
    assert (
        z.headline and z.headline.text == "Jobs report lifts hopes; \nHiring rose in every region."
    )
    assert z.summary and z.summary.text == "A summary of the story."
    assert z.lede and z.lede.text == "Employers added jobs in March."


def test_title_that_is_not_at_the_top_gives_no_headline():
    z = zones("The council met.\n\nIt voted.", title="Council votes on budget")
    assert z.headline is None
    assert z.lede and z.lede.text == "The council met."


def test_markdown_stored_text():
    md = (
        "# Storm hits [Harborville](https://example.org)\n\n**By Jane Doe**\n\n"
        "HARBORVILLE, Maine (AP) — Rain fell.\n"
    )
    text, _links = strip_markdown_links(md)
    z = zones(text)
    assert z.headline and z.headline.text == "Storm hits Harborville"
    assert z.byline and z.byline.names == ["Jane Doe"]
    assert z.dateline and z.lede and z.lede.text == "Rain fell."


def test_timestamp_lines_are_skipped():
    text = "Library opens\n\nPublished 5:03 p.m. ET March 3, 2016\n\nThe library opened.\n\nMore."
    z = zones(text)
    assert z.lede and z.lede.text == "The library opened."


# --- publisher and outlets -------------------------------------------------------


def test_publisher_from_meta_and_origin():
    assert zones("Hi\n\nThere.", meta={"sitename": "The Washington Post"}).publisher == (
        "The Washington Post"
    )
    assert zones("Hi\n\nThere.", meta={"publisher": "Springfield Gazette"}).publisher == (
        "Springfield Gazette"
    )
    assert zones("Hi\n\nThere.", meta={"url": "https://www.example.com/a"}).publisher == (
        "example.com"
    )
    assert zones("Hi\n\nThere.", meta={"origin": "notes/a.txt", "publisher": 3}).publisher is None
    assert publisher_from_origin("https://www.reuters.com/world/x?y=1") == "reuters.com"
    assert publisher_from_origin("http://WWW.NYTimes.com") == "nytimes.com"
    assert publisher_from_origin("articles/story.txt") is None
    assert publisher_from_origin("<stdin>") is None
    assert publisher_from_origin("") is None
    assert publisher_from_origin(None) is None


@pytest.mark.parametrize(
    "a, b",
    [
        ("The Associated Press", "AP"),
        ("Associated Press", "apnews.com"),
        ("The New York Times", "NYT"),
        ("nytimes.com", "https://www.nytimes.com/2016/01/01/x.html"),
        ("Agence France-Presse", "AFP"),
        ("The Washington Post", "wash-post"),
        ("HuffPost", "huff-post"),
        ("BBC", "www.bbc.co.uk"),
        ("Springfield  Gazette", "the springfield gazette"),
    ],
)
def test_outlet_key_aliases(a, b):
    assert outlet_key(a) == outlet_key(b)


def test_outlet_key_values_and_names():
    assert outlet_key("The Associated Press") == outlet_key("AP") == "associated press"
    assert outlet_key("NYT") == "new york times"
    assert outlet_name("AP") == "Associated Press"
    assert outlet_name("Springfield  Gazette") == "Springfield Gazette"
    assert outlet_key("Reuters") != outlet_key("The Associated Press")


def test_outlet_table_is_versioned_and_aliases_are_unique():
    table = outlet_table()
    assert table.version.count(".") == 2
    raw = json.loads(
        (
            __import__("pathlib").Path(__file__).parents[1] / "claimtrack/data/outlets.json"
        ).read_text()
    )
    seen: dict[str, str] = {}
    for key, entry in raw["outlets"].items():
        for alias in (key, entry["name"], *entry["aliases"]):
            folded = outlet_key(alias)
            assert folded == outlet_key(key), (alias, key)
            assert seen.setdefault(alias.casefold(), key) == key


# --- properties ----------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "WASHINGTON (AP) — ",
        "By Jane Doe and John Roe",
        "(Reporting by A B; Editing by C D)",
        "© 2016 Reuters",
        "— AFP",
        "ABSTRACT.",
        "FULL TEXT.",
        "The senator said.",
        "\n",
        "\n\n",
        "  ",
        "\t",
        "\xa0",
        "—",
        "-",
        "(",
        ")",
        "Aug 27 (Reuters) -",
        "By",
        "|",
        ",",
        "…",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(_PIECES, st.text(max_size=30)), max_size=25).map("".join),
    st.one_of(st.none(), st.text(max_size=20)),
)
def test_never_raises_and_spans_slice_the_text(text, title):
    z = find_zones(text, title=title, meta={"publisher": title})
    check(text, z)


@pytest.mark.parametrize(
    "text", ["", " ", "\n\n\n", " \t\n" * 50_000, "x", "One line only.", "\n\nA\n\n", "—" * 5000]
)
def test_degenerate_texts(text):
    z = zones(text)
    assert z.wire == [] and z.dateline is None


# --- PolNeAR (dev documents only) ------------------------------------------------


@pytest.mark.polnear
def test_polnear_structural_invariants(polnear_path):
    n = 0
    with open(polnear_path, encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            if is_held_out(doc["id"]):
                continue
            meta = doc.get("meta") or {}
            z = find_zones(doc["text"], title=meta.get("title"), meta=meta)
            check(doc["text"], z)
            for a, b in zip(spans_in_order(z), spans_in_order(z)[1:], strict=False):
                assert a.end <= b.start  # headline, dateline, lede never overlap
            n += 1
    assert n > 0


def spans_in_order(z: Zones) -> list[Span]:
    top = [
        z.headline,
        z.byline.span if z.byline else None,
        z.dateline.span if z.dateline else None,
        z.lede,
    ]
    return sorted((s for s in top if s is not None), key=lambda s: s.start)
