"""zones.find: find_zones on plain texts, headlines, labels, timestamps; its invariants."""

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
)

pytestmark = pytest.mark.model_free


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
