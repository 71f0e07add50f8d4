"""The provenance report: chains, flags and exact quotes in every format."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prov.model import ProvDocument

from claimtrack.errors import DatabaseError
from claimtrack.flags import make_flag
from claimtrack.models import Claim, Document, Span
from claimtrack.report import (
    REPORT_FORMATS,
    Report,
    build_report,
    paragraph_around,
    render,
    render_html,
    render_json,
    render_markdown,
    render_prov,
)
from claimtrack.store.readback import SkippedRecord

pytestmark = pytest.mark.model_free

TEXT = (
    "Tensions rose <script>alert('x')</script> in the east.\n\n"
    "Ahmed Al-Mismari, the spokesperson, claimed that secret meetings were held in Tripoli,"
    " according to Libya Observer.\n\n"
    '"We will not negotiate," he said, "until the ports are returned."\n\n'
    "The oil crescent has changed hands four times.\n"
)
OTHER = "A second account.\n\nReuters reported that the ports were retaken.\n"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def sp(text: str, s: str, after: int = 0) -> Span:
    i = text.index(s, after)
    return Span.of(text, i, i + len(s))


def claim(doc_id: str, seq: int, content: Span, **kw) -> Claim:
    fields = dict(
        id=f"{doc_id}:{seq}",
        doc_id=doc_id,
        seq=seq,
        source=None,
        cue=None,
        content=content,
        kind="indirect",
        cue_class="speech",
        cue_lemma=None,
        source_entity=None,
        relayed_by=None,
        relation=None,
        rule="test",
        extractor="test-0",
    )
    fields.update(kw)
    return Claim(**fields)


def document(doc_id: str, text: str, title: str | None, published: date | None) -> Document:
    return Document(
        id=doc_id,
        title=title,
        origin=f"articles/{doc_id}.md",
        format="markdown",
        sha256="0" * 64,
        published=published,
        added=NOW,
        extractor="test-0",
        chars=len(text),
    )


D1, D2 = "4a1b2c", "9f8e7d"
MEETINGS = "secret meetings were held in Tripoli"
Q1, Q2 = "We will not negotiate,", "until the ports are returned."


def d1_claims() -> list[Claim]:
    t = TEXT
    q1, q2 = sp(t, Q1), sp(t, Q2)
    split = Span(start=q1.start, end=q2.end, text=t[q1.start : q2.end], fragments=[q1, q2])
    return [
        # Given out of order: the report sorts by seq.
        claim(
            D1,
            3,
            sp(t, "The oil crescent has changed hands four times."),
            flags=[make_flag("no_source")],
        ),
        claim(
            D1,
            2,
            split,
            source=sp(t, "he"),
            cue=sp(t, "said"),
            kind="direct",
            source_entity="Ahmed Al-Mismari",
            flags=[make_flag("single_source")],
        ),
        claim(
            D1,
            1,
            sp(t, MEETINGS),
            source=sp(t, "Libya Observer"),
            cue=sp(t, "according to"),
            relation="according to",
        ),
        claim(
            D1,
            0,
            sp(t, MEETINGS),
            source=sp(t, "Ahmed Al-Mismari"),
            cue=sp(t, "claimed"),
            relayed_by=f"{D1}:1",
            flags=[make_flag("single_source")],
        ),
        claim(
            D1,
            4,
            sp(t, "alert('x')"),
            source=None,
            cue=sp(t, "Tensions rose"),
            flags=[make_flag("unresolved_reference", "no one is named")],
        ),
    ]


def d2_claims() -> list[Claim]:
    return [
        claim(
            D2,
            0,
            sp(OTHER, "the ports were retaken"),
            source=sp(OTHER, "Reuters"),
            cue=sp(OTHER, "reported"),
        )
    ]


DOCS = [
    document(D1, TEXT, "Spokesman <script>x</script> & Al-Qaeda", date(2017, 3, 15)),
    document(D2, OTHER, None, None),
]
TEXTS = {D1: TEXT, D2: OTHER}
CHAIN = f"document {D1} -> Libya Observer (according to) -> Ahmed Al-Mismari (claimed)"


@pytest.fixture
def report() -> Report:
    return build_report(DOCS, TEXTS, d1_claims() + d2_claims(), generated=NOW)


def quotes_hold(report: Report) -> None:
    for rd in report.documents:
        text = TEXTS.get(rd.document.id) or ""
        for rc in rd.claims:
            q = rc.quote
            assert text[q.start : q.end] == q.text == rc.claim.content.text
            for f in q.fragments or []:
                assert text[f.start : f.end] == f.text
            p = rc.paragraph
            assert text[p.start : p.end] == p.text
            assert p.start <= q.start <= q.end <= p.end


# -- the report record -------------------------------------------------------------


def test_claims_ordered_by_document_then_seq(report):
    assert [rd.document.id for rd in report.documents] == [D1, D2]
    assert [rc.claim.seq for rc in report.documents[0].claims] == [0, 1, 2, 3, 4]
    assert report.claim_count == 6 and report.extractor == "test-0"
    quotes_hold(report)


def test_relayed_pair_has_the_full_chain_both_ways(report):
    mismari, observer = report.documents[0].claims[:2]
    assert mismari.chain_text == CHAIN == observer.chain_text
    assert [h.source for h in mismari.chain.hops] == ["Libya Observer", "Ahmed Al-Mismari"]
    resolved = report.documents[0].claims[2]
    assert resolved.chain_text == f"document {D1} -> Ahmed Al-Mismari (said)"


def test_paragraph_is_the_quotes_own(report):
    rc = report.documents[0].claims[0]
    assert rc.paragraph.text.startswith("Ahmed Al-Mismari, the spokesperson")
    assert rc.paragraph.text.endswith("according to Libya Observer.")


def test_offsets_that_drifted_are_an_error_not_a_wrong_quote():
    bad = d1_claims()
    bad[0] = bad[0].model_copy(update={"content": Span(start=0, end=5, text="other")})
    with pytest.warns(SkippedRecord, match=f"skipped claim {bad[0].id}: .*re-add"):
        r = build_report(DOCS[:1], TEXTS, bad)
    assert bad[0].id not in {rc.claim.id for rc in r.documents[0].claims}
    assert len(r.documents[0].claims) == len(bad) - 1  # the others are kept
    with pytest.raises(DatabaseError, match="no stored text"):
        build_report(DOCS[:1], {}, d1_claims())


def test_entity_filter_keeps_chains_and_drops_empty_documents():
    r = build_report(DOCS, TEXTS, d1_claims() + d2_claims(), entity="libya observer")
    assert r.scope.entity == "libya observer"
    assert [rd.document.id for rd in r.documents] == [D1]
    assert [rc.claim.seq for rc in r.documents[0].claims] == [0, 1]
    assert r.documents[0].claims[0].chain_text == CHAIN
    # Whole words only: "Libya" does not match inside "Libyan".
    assert build_report(DOCS, TEXTS, d1_claims(), entity="Observ").claim_count == 0


def test_callers_selection_with_all_claims_for_chains():
    everything = d1_claims()
    picked = [c for c in everything if c.seq == 0]
    r = build_report(DOCS[:1], TEXTS, picked, entity="he", all_claims=everything)
    [rc] = r.documents[0].claims
    assert rc.chain_text == CHAIN  # the relaying claim was not selected but is in the chain


def test_long_paragraph_is_cut_around_the_quote():
    text = "word " * 1000 + "the quote itself " + "word " * 1000
    start = text.index("the quote")
    p = paragraph_around(text, start, start + len("the quote itself"))
    assert p.start <= start and p.end >= start + 16 and len(p.text) < 800
    assert text[p.start : p.end] == p.text


def _scanned_paragraph(text: str, start: int, end: int):
    """paragraph_around as it was: a scan for blank lines from the text's start to
    `start`, and a search from `end`, for each span."""
    from claimtrack.report import _within

    blank = re.compile(r"\n[ \t]*\n")
    breaks = [m.end() for m in blank.finditer(text, 0, start)]
    m = blank.search(text, end)
    return _within(text, breaks[-1] if breaks else 0, m.start() if m else len(text), start, end)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \t\n"), max_size=80), st.data())
def test_paragraph_around_finds_what_the_scans_found(text, data):
    """paragraph_around finds the blank lines around a span from lists built once per
    text (a report of 20,000 one-line rows spent 78 of 81 s scanning for them)."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert paragraph_around(text, start, end) == _scanned_paragraph(text, start, end)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_quotes_slice_the_text_property(data):
    text = data.draw(st.text(alphabet=st.sampled_from("ab <>&\"'\n."), min_size=1, max_size=120))
    claims = []
    for seq in range(data.draw(st.integers(1, 4))):
        cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=4)))
        pieces = [Span.of(text, a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
        hull = Span.of(text, cuts[0], cuts[-1])
        if len(pieces) > 1:
            hull = hull.model_copy(update={"fragments": pieces})
        claims.append(claim("p", seq, hull))
    doc = document("p", text, "t", None)
    r = build_report([doc], {"p": text}, claims)
    for rc in r.documents[0].claims:
        q, p = rc.quote, rc.paragraph
        assert text[q.start : q.end] == q.text
        assert p.start <= q.start <= q.end <= p.end and text[p.start : p.end] == p.text
    # Every <mark> in the HTML is exactly the text at its offsets.
    page = render_html(r)
    marks = re.findall(r'<mark data-start="(\d+)" data-end="(\d+)">(.*?)</mark>', page, re.S)
    assert len(marks) == sum(len(rc.quote.pieces()) for rc in r.documents[0].claims)
    for s, e, inner in marks:
        assert html.unescape(inner) == text[int(s) : int(e)]


# -- Markdown ------------------------------------------------------------------------


def test_markdown_layout(report):
    md = render_markdown(report)
    assert md.startswith("# Provenance report")
    assert "## Spokesman \\<script>x\\</script> \\& Al-Qaeda" in md  # escaped, still readable
    assert f"- id: {D1}" in md and f"- origin: articles/{D1}.md" in md
    assert "- published: 2017-03-15" in md and "- published: unknown" in md
    assert f"> {MEETINGS}" in md
    assert "— Ahmed Al-Mismari (claimed), indirect" in md
    assert "— he [= Ahmed Al-Mismari] (said), direct" in md
    assert f"Chain: {CHAIN}" in md
    # A split quote shows both pieces, and its offsets with fragments.
    q1, q2 = sp(TEXT, Q1), sp(TEXT, Q2)
    assert f"> {Q1} … {Q2}" in md
    assert f"[{q1.start}:{q2.end}] = [{q1.start}:{q1.end}] + [{q2.start}:{q2.end}]" in md
    assert "- `no_source` (warning): the author states this with no source at all" in md
    assert "the cited source cannot be followed" in md and "(no one is named)" in md
    assert not re.search(r"(?<!\\)<", md)  # no raw tag a Markdown renderer would pass on


def test_markdown_order_follows_the_report(report):
    md = render_markdown(report)
    heads = re.findall(r"^### Claim (\S+)", md, re.M)
    assert heads == [f"{D1}:{i}" for i in range(5)] + [f"{D2}:0"]


def test_report_without_claims_says_so():
    empty = build_report(DOCS[1:], TEXTS, [], generated=NOW)
    md = render_markdown(empty)
    assert "No claims in this report." in md and "No claims in this document." in md
    assert "No claims in this report." in render_html(empty)
    assert "No claims in this report." in render_markdown(build_report([], {}, []))


def test_markdown_quote_cannot_open_a_heading_or_list():
    text = "# not a heading\n- nor a list"
    r = build_report(
        [document("h", text, "t", None)], {"h": text}, [claim("h", 0, Span.of(text, 0, len(text)))]
    )
    md = render_markdown(r)
    assert "> \\# not a heading\n> \\- nor a list" in md


# -- HTML ------------------------------------------------------------------------------


class _Balance(HTMLParser):
    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, tag


def test_html_escapes_and_highlights(report):
    page = render_html(report)
    assert "<script>" not in page and "&lt;script&gt;" in page
    parser = _Balance()
    parser.feed(page)
    parser.close()
    assert parser.stack == [] and "script" not in parser.tags
    assert not re.search(r"(src|href)=", page)  # self-contained
    m = sp(TEXT, MEETINGS)
    assert f'<mark data-start="{m.start}" data-end="{m.end}">{MEETINGS}</mark>' in page
    # The quote is shown inside its paragraph, source and cue marked.
    assert (
        '<span class="src">Ahmed Al-Mismari</span>, the spokesperson, '
        '<span class="cue">claimed</span> that <mark' in page
    )
    assert html.escape(CHAIN) in page
    assert "Spokesman &lt;script&gt;x&lt;/script&gt; &amp; Al-Qaeda" in page
    assert page.count("<mark") == 7  # one split quote: two marks


# -- JSON and PROV -------------------------------------------------------------


def test_json_round_trips(report):
    text = render_json(report)
    assert Report.model_validate_json(text) == report
    data = json.loads(text)
    assert data["documents"][0]["claims"][0]["chain_text"] == CHAIN
    assert data["generated"].startswith("2026-11-25T12:00")


def test_prov_json_models_documents_sources_and_relays(report):
    prov = ProvDocument.deserialize(content=render_prov(report, "json"), format="json")
    records = prov.get_records()
    by_id = {str(r.identifier): r for r in records if r.identifier is not None}
    assert by_id[f"ct:doc_{D1}"].get_type().localpart == "Entity"
    agents = {
        next(iter(r.get_attribute("prov:label")))
        for r in prov.get_records()
        if r.get_type().localpart == "Agent"
    }
    assert {"Libya Observer", "Ahmed Al-Mismari", "Reuters"} <= agents
    claim0 = by_id[f"ct:claim_{D1}_0"]
    assert set(claim0.get_attribute("prov:value")) == {MEETINGS}
    m = sp(TEXT, MEETINGS)
    assert set(claim0.get_attribute("ct:start")) == {m.start}
    assert set(claim0.get_attribute("ct:end")) == {m.end}
    derivations = {
        (str(r.args[0]), str(r.args[1])) for r in records if r.get_type().localpart == "Derivation"
    }
    assert (f"ct:claim_{D1}_0", f"ct:claim_{D1}_1") in derivations  # relayed by the Observer
    assert (f"ct:claim_{D1}_1", f"ct:doc_{D1}") in derivations  # the Observer, in the document
    attributed = {
        (str(r.args[0]), str(r.args[1])) for r in records if r.get_type().localpart == "Attribution"
    }
    assert (f"ct:claim_{D1}_1", "ct:agent_Libya_Observer") in attributed
    # "he" resolved: attributed to the same agent as the named spokesman.
    assert (f"ct:claim_{D1}_2", "ct:agent_Ahmed_Al_Mismari") in attributed
    # No one to attribute "Tensions rose ..." to, so no attribution for it.
    assert not any(a == f"ct:claim_{D1}_4" for a, _ in attributed)


def test_prov_n_and_xml(report):
    provn = render(report, "prov-n")
    assert provn.startswith("document") and provn.rstrip().endswith("endDocument")
    assert f"wasDerivedFrom(ct:claim_{D1}_0, ct:claim_{D1}_1" in provn
    assert f'prov:value="{MEETINGS}"' in provn
    root = ET.fromstring(render(report, "prov-xml").encode())
    values = [e.text for e in root.iter("{http://www.w3.org/ns/prov#}value")]
    assert MEETINGS in values and "alert('x')" in values


def test_render_dispatch(report):
    for fmt in REPORT_FORMATS:
        assert render(report, fmt).endswith("\n")
    with pytest.raises(ValueError, match="prov-n"):
        render(report, "pdf")


def test_prov_keeps_a_chain_whose_relay_was_filtered_out():
    everything = d1_claims()
    picked = [c for c in everything if c.seq == 0]
    r = build_report(DOCS[:1], TEXTS, picked, entity="Al-Mismari", all_claims=everything)
    provn = render_prov(r, "provn")
    assert f'entity(ct:claim_{D1}_1, [prov:label="claim {D1}:1"])' in provn
    assert f"wasAttributedTo(ct:claim_{D1}_1, ct:agent_Libya_Observer)" in provn
    assert f"wasDerivedFrom(ct:claim_{D1}_0, ct:claim_{D1}_1" in provn
    assert f"wasDerivedFrom(ct:claim_{D1}_1, ct:doc_{D1}" in provn
    assert f"wasDerivedFrom(ct:claim_{D1}_0, ct:doc_{D1}" not in provn


def test_context_takes_in_a_source_just_above_a_block_quote():
    text = "Intro.\n\nAs the New York Times reported:\n\nThe group was formed in 1995.\n\nEnd."
    c = claim(
        "b",
        0,
        sp(text, "The group was formed in 1995."),
        source=sp(text, "New York Times"),
        cue=sp(text, "reported"),
    )
    r = build_report([document("b", text, "t", None)], {"b": text}, [c])
    [rc] = r.documents[0].claims
    assert rc.paragraph.text == "As the New York Times reported:\n\nThe group was formed in 1995."
    assert '<span class="src">New York Times</span>' in render_html(r)
