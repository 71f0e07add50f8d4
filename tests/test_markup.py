"""Markdown/HTML link removal with exact offsets, title and date finding."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.markup import (
    find_published_date,
    find_title,
    html_to_markdown,
    split_front_matter,
    strip_markdown_links,
)

pytestmark = pytest.mark.model_free

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def _check(text, links):
    for link in links:
        assert text[link.start : link.end] == link.text


# --- Markdown links ------------------------------------------------------------


def test_inline_link_keeps_anchor_with_offsets():
    text, links = strip_markdown_links("According to recent [reports](#), he is there.")
    assert text == "According to recent reports, he is there."
    assert len(links) == 1
    (link,) = links
    assert (link.start, link.end, link.text, link.target, link.missing) == (
        20,
        27,
        "reports",
        "#",
        True,
    )


def test_link_with_title_and_angle_target():
    text, links = strip_markdown_links(
        'See [the study](https://x.org/a_(b) "A title") and [that](<https://y.org/a b>).'
    )
    assert text == "See the study and that."
    assert [(lk.text, lk.target) for lk in links] == [
        ("the study", "https://x.org/a_(b)"),
        ("that", "https://y.org/a b"),
    ]
    assert not any(lk.missing for lk in links)


@pytest.mark.parametrize(
    ("target", "missing"),
    [
        ("#", True),
        ("", True),
        ("  ", True),
        ("# ", True),
        ("javascript:void(0)", True),
        ("#section-2", False),
        ("https://example.org", False),
        ("/relative/path", False),
    ],
)
def test_missing_targets(target, missing):
    _, links = strip_markdown_links(f"x [anchor]({target}) y")
    assert len(links) == 1 and links[0].missing is missing


def test_image_becomes_alt_text_without_link():
    text, links = strip_markdown_links("Before ![a map of Libya](map.png) after.")
    assert text == "Before a map of Libya after."
    assert links == []


def test_linked_image_and_emphasis_inside_anchor():
    text, links = strip_markdown_links("A [**bold** ![pic](p.png)](http://t) b")
    assert text == "A bold pic b"
    assert [(lk.text, lk.target) for lk in links] == [("bold pic", "http://t")]


def test_reference_links_full_collapsed_shortcut():
    md = (
        "Say [one][r1] and [Two][] and [two].\n\n"
        "[r1]: http://one.example\n"
        '[two]: <http://two.example> "Title"\n'
    )
    text, links = strip_markdown_links(md)
    assert text == "Say one and Two and two."
    assert [(lk.text, lk.target) for lk in links] == [
        ("one", "http://one.example"),
        ("Two", "http://two.example"),
        ("two", "http://two.example"),
    ]


def test_undefined_reference_and_brackets_stay_literal():
    text, links = strip_markdown_links("He said [sic] it and [x][nope] and [^1] too.")
    assert text == "He said [sic] it and [x][nope] and [^1] too."
    assert links == []


def test_autolinks():
    text, links = strip_markdown_links("Mail <ed@example.org> or see <https://ex.org/p?q=1>.")
    assert text == "Mail ed@example.org or see https://ex.org/p?q=1."
    assert [(lk.text, lk.target) for lk in links] == [
        ("ed@example.org", "mailto:ed@example.org"),
        ("https://ex.org/p?q=1", "https://ex.org/p?q=1"),
    ]
    _check(text, links)


def test_emphasis_removed_but_not_intraword_or_arithmetic():
    md = "**Bold** and __strong__ and *em* and _em_ but snake_case_name, 3 * 4 * 5 and a*b"
    text, _ = strip_markdown_links(md)
    assert text == "Bold and strong and em and em but snake_case_name, 3 * 4 * 5 and a*b"


def test_bullets_rules_and_unclosed_markup_stay():
    md = "* first item\n* second item\n\n***\n\n[unclosed (x) and **open"
    text, links = strip_markdown_links(md)
    assert text == md
    assert links == []


def test_headings_quotes_setext_removed_hashtags_kept():
    md = (
        "# Title #\n\n## Sub\n\n> He said this.\n> And that.\n\n"
        "#hashtag stays\n\nSetext\n======\nbody"
    )
    text, _ = strip_markdown_links(md)
    assert text == "Title\n\nSub\n\nHe said this.\nAnd that.\n\n#hashtag stays\n\nSetext\n\nbody"


def test_escapes_and_entities():
    text, links = strip_markdown_links(r"\[not a link\](x) \*lit\* AT&amp;T &unknown; a\b")
    assert text == "[not a link](x) *lit* AT&T &unknown; a\\b"
    assert links == []


def test_paragraphs_kept_and_outer_whitespace_stripped_with_offsets_shifted():
    md = "\n\n  \nFirst [para](#).\n\n\n\nSecond [one](#) here.\n\n"
    text, links = strip_markdown_links(md)
    assert text == "First para.\n\n\n\nSecond one here."
    assert [lk.text for lk in links] == ["para", "one"]
    _check(text, links)


def test_anchor_may_wrap_a_line_but_not_a_paragraph():
    text, links = strip_markdown_links("a [two\nlines](#) b")
    assert text == "a two\nlines b" and links[0].text == "two\nlines"
    text, links = strip_markdown_links("a [two\n\nparas](#) b")
    assert text == "a [two\n\nparas](#) b" and links == []


def test_empty_anchor_link_is_recorded_empty():
    text, links = strip_markdown_links("x [](#) y")
    assert text == "x  y"
    assert len(links) == 1 and links[0].text == "" and links[0].start == links[0].end == 2


def test_front_matter_split():
    body, fields = split_front_matter('---\ntitle: "A Title"\ndate: 2016-09-19\n---\nBody text')
    assert body == "Body text"
    assert fields == {"title": "A Title", "date": "2016-09-19"}
    assert split_front_matter("---\n\nnot front matter") == ("---\n\nnot front matter", {})


# --- property tests ------------------------------------------------------------

_MARKUP_ALPHABET = st.sampled_from(
    list("[]()!*_<>#\\&;:\"' \n\t") + ["a", "b", "#", "http://x", "&amp;", "\n\n", "> ", "# "]
)
_markdownish = st.lists(_MARKUP_ALPHABET, max_size=80).map("".join)


@settings(max_examples=400, deadline=None)
@given(_markdownish)
def test_offsets_always_index_the_stored_text(md):
    text, links = strip_markdown_links(md)
    assert text == text.strip()
    for link in links:
        assert 0 <= link.start <= link.end <= len(text)
        assert text[link.start : link.end] == link.text


_words = st.text(alphabet="abcdefghij XYZ,.'\"-", min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_words, st.booleans(), st.sampled_from(["#", "", "http://e.org/p"]))))
def test_generated_links_round_trip(pieces):
    md = "".join(f"[{w}]({t})" if is_link else w for w, is_link, t in pieces)
    text, links = strip_markdown_links(md)
    plain = "".join(w for w, _, _ in pieces)
    assert text == plain.strip()
    assert [lk.target for lk in links] == [t for w, is_link, t in pieces if is_link]
    assert [lk.missing for lk in links] == [t in ("", "#") for _, is_link, t in pieces if is_link]
    _check(text, links)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="[]()!*_<>#\\&`=")))
def test_text_without_markup_is_untouched(s):
    text, links = strip_markdown_links(s)
    assert text == s.strip() and links == []


# --- HTML ----------------------------------------------------------------------


def test_html_fixture_to_markdown_keeps_links_and_metadata():
    md, meta = html_to_markdown((FIXTURES / "article.html").read_text(encoding="utf-8"))
    assert meta["title"] == "Minister Denies Talks Failed"
    assert meta["date"] == dt.date(2016, 9, 19)
    assert "[recent reports](<https://example.org/report>)" in md
    assert "tracking" not in md and "Home" not in md
    text, links = strip_markdown_links(md)
    assert "\n\nA spokesman for the ministry" in text  # paragraphs stay apart
    assert "the 3*4 formula [sic] was" in text and "a_b talks" in text  # escaped, restored
    assert [(lk.text, lk.missing) for lk in links] == [
        ("recent reports", False),
        ("told", True),
        ("not convinced", True),
    ]
    _check(text, links)


def test_html_without_article_falls_back_to_body_text():
    html = (
        "<html><head><title>Tiny</title></head><body><footer>Short <a href='/x'>note</a>"
        "</footer><script>bad()</script></body></html>"
    )
    md, meta = html_to_markdown(html)
    text, links = strip_markdown_links(md)
    assert text == "Short note"
    assert [(lk.text, lk.target) for lk in links] == [("note", "/x")]
    assert meta["title"] == "Tiny" and meta["date"] is None


def test_html_date_is_not_guessed_from_copyright_footer():
    html = (
        "<html><head><title>T</title></head><body><p>Events of 3 March 2011 were "
        "recalled at length by several people in the town.</p><footer>© 2021</footer></body></html>"
    )
    _, meta = html_to_markdown(html)
    assert meta["date"] is None


# --- title and date ------------------------------------------------------------


def test_find_title():
    assert find_title("\n\n  # The Title  \n\nbody") == "The Title"
    assert find_title("   \n\n") is None
    long = "word " * 100
    title = find_title(long)
    assert title is not None and len(title) <= 201 and title.endswith("…")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title\n\nBy Someone\n\nGlobal Research, March 10, 2015\n\nBody.", dt.date(2015, 3, 10)),
        ("Title\n2016-09-19\nBody", dt.date(2016, 9, 19)),
        ("Title\nPosted 10 March 2015 by X", dt.date(2015, 3, 10)),
        ("Title\nSept. 19, 2016", dt.date(2016, 9, 19)),
        ("Title\nMarch 10th, 2015", dt.date(2015, 3, 10)),
        ("Title\nUpdated: 2016/09/19 10:00", dt.date(2016, 9, 19)),
        ("Title\nFebruary 30, 2015", None),  # not a date
        ("Title\n12/03/2015", None),  # day/month order unknown: no guess
        ("Title\nIn 2015 things happened, 40 people", None),
        ("Title\nLast January a meeting", None),
    ],
)
def test_find_published_date(text, expected):
    assert find_published_date(text) == expected


def test_date_in_prose_is_an_event_not_publication():
    prose = (
        "The protests that began in the eastern city long before anyone expected them "
        "finally reached the capital on March 3, 2011, as the regime wavered."
    )
    assert find_published_date("Title\n\n" + prose) is None
    published = "Published on March 3, 2011. " + prose
    assert find_published_date("Title\n\n" + published) == dt.date(2011, 3, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # AP-style dateline opening the first paragraph
        (
            "Title\n\nWASHINGTON, March 10, 2015 (Reuters) — The senator said " + "x " * 60,
            dt.date(2015, 3, 10),
        ),
        # a prose opening with a date: an event
        ("Title\n\nOn July 6, 2011, the two countries signed an agreement " + "x " * 60, None),
        # a timeline entry after the body has begun
        ("Title\n\n" + "Body sentence here. " * 10 + "\n\nOct. 31, 2012 The hug.", None),
        # the title's subject, not its publication
        ("Poll results for the vote of March 3, 2016\n\nBody.", None),
        ("March 3, 2016\n\nTitle\n\nBody.", dt.date(2016, 3, 3)),
        # a header line that is a sentence, not a byline
        ("Title\nThe council first met on 3 May 2011 to discuss the budget gap it had", None),
    ],
)
def test_publication_date_comes_from_the_header(text, expected):
    assert find_published_date(text) == expected


def test_date_only_in_first_lines():
    lines = ["Title"] + [f"Line {i}" for i in range(20)] + ["March 10, 2015"]
    assert find_published_date("\n".join(lines)) is None


def test_pathological_nesting_neither_crashes_nor_breaks_offsets():
    md = "[" * 400 + "a" + "](x)" * 400 + "\n\n" + "![" * 300 + "b" + "](y)" * 300
    text, links = strip_markdown_links(md)
    assert text.startswith("[") and links
    _check(text, links)


# --- deeply nested pages (issue 9) ---------------------------------------------------------


def _nested(depth: int, inner: str) -> str:
    return ("<html><head><title>Page</title></head><body>" + "<div>" * depth + inner
            + "</div>" * depth + "</body></html>")


def test_300_nested_divs_keep_their_text_and_links():
    # libxml2 drops what lies below 255 levels: trafilatura and the plain
    # reading both got nothing, and the page was refused as empty
    md, _ = html_to_markdown(_nested(300, '<p>The mayor said taxes will rise, <a href="'
                                          'https://example.org/r">officials</a> said.</p>'))
    assert md == "The mayor said taxes will rise, [officials](<https://example.org/r>) said."


def test_nesting_deeper_than_any_tree_still_gives_flat_text():
    md, _ = html_to_markdown(_nested(5000, "<p>The mayor said [taxes] will rise.</p>"
                                           "<script>var x = 1;</script><p># Two</p>"))
    assert md == "The mayor said \\[taxes\\] will rise.\n\n\\# Two"
