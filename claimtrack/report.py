"""The provenance report: for every claim, who says it, on whose word, where.

`build_report` turns stored records into a `Report` (its JSON is the `--json`
form); the renderers (in `report_render`, re-exported here) turn it into
Markdown, HTML or W3C PROV. Quotes are re-cut from the stored text by their offsets, so
`text[quote.start:quote.end] == quote.text` holds for every claim in a report
(a mismatch means the database is damaged: that claim is left out with a
readback.SkippedRecord warning naming it, never papered over with a wrong quote).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal

from claimtrack.errors import DatabaseError
from claimtrack.escape import for_json
from claimtrack.models import (
    Chain,
    Claim,
    Document,
    Report,
    ReportClaim,
    ReportDocument,
    ReportScope,
    Span,
)
from claimtrack.provenance import chain_of, relay_children
from claimtrack.report_render import (
    STREAMED,
    render_html,
    render_markdown,
    render_prov,
    stream_report,
)
from claimtrack.store.readback import skip

__all__ = [
    "REPORT_FORMATS",
    "STREAMED",
    "Report",
    "ReportClaim",
    "ReportDocument",
    "ReportScope",
    "build_report",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "render_prov",
    "stream",
]

ReportFormat = Literal["md", "html", "json", "prov-json", "prov-xml", "prov-n"]
REPORT_FORMATS: tuple[ReportFormat, ...] = ("md", "html", "json", "prov-json", "prov-xml", "prov-n")

# Paragraphs longer than this are cut down around the quote, so a text with
# no blank lines does not put the whole article into every claim.
MAX_PARAGRAPH = 1200
CONTEXT = 300


def _cut(text: str, span: Span, what: str, claim: Claim) -> Span:
    """`span` re-cut from `text`; fails loudly when the offsets drifted."""
    if not 0 <= span.start <= span.end <= len(text) or text[span.start : span.end] != span.text:
        raise DatabaseError(
            f"claim {claim.id}: the {what} offsets [{span.start}:{span.end}] do not match the"
            f" stored text of document {claim.doc_id}; re-add that document to re-extract it"
        )
    fragments = [_cut(text, f, what, claim) for f in span.fragments] if span.fragments else None
    return Span(start=span.start, end=span.end, text=span.text, fragments=fragments)


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_AT_BLANK_LINE = re.compile(r"(?=\n[ \t]*\n)")  # every place one starts, overlapping too


@lru_cache(maxsize=2)  # a report asks of each claim of one document in turn
def _blank_lines(text: str) -> tuple[list[int], list[int]]:
    """Where the blank lines of `text` end, as a scan from its start finds them, and
    every place one starts (what a search from any position finds first). Found
    for each claim from the text's start and to the next blank line, a report of a
    document of 20,000 one-line rows took 81 s, 78 of them there."""
    return ([m.end() for m in _BLANK_LINE.finditer(text)],
            [m.start() for m in _AT_BLANK_LINE.finditer(text)])


def paragraph_around(text: str, start: int, end: int) -> Span:
    """The paragraph(s) holding text[start:end], trimmed of surrounding blanks."""
    ends, starts = _blank_lines(text)
    i = bisect.bisect_right(ends, start)  # the blank lines a scan up to `start` finds
    lo = ends[i - 1] if i else 0
    j = bisect.bisect_left(starts, end)  # the first blank line from `end` on
    return _within(text, lo, starts[j] if j < len(starts) else len(text), start, end)


def _within(text: str, lo: int, hi: int, start: int, end: int) -> Span:
    """text[lo:hi], the paragraph(s) holding text[start:end], cut to a window around it
    where longer than MAX_PARAGRAPH, trimmed of surrounding blanks."""
    if hi - lo > MAX_PARAGRAPH:
        # Fall back to a window around the quote, snapped to whitespace.
        wlo, whi = max(lo, start - CONTEXT), min(hi, end + CONTEXT)
        if wlo > lo:
            sp = text.find(" ", wlo, start)
            wlo = sp + 1 if sp != -1 else wlo
        if whi < hi:
            sp = text.rfind(" ", end, whi)
            whi = sp if sp != -1 else whi
        lo, hi = min(wlo, start), max(whi, end)
    while lo < start and text[lo].isspace():
        lo += 1
    while hi > end and text[hi - 1].isspace():
        hi -= 1
    return Span.of(text, lo, hi)


def _context(text: str, c: Claim, quote: Span) -> Span:
    """The quote's paragraph, widened to take in its source and cue when they
    sit close by (e.g. "As the New York Times reported:" above a block quote)."""
    lo, hi = quote.start, quote.end
    for span in (c.source, c.cue):
        if span and 0 <= span.start <= span.end <= len(text):
            nlo, nhi = min(lo, span.start), max(hi, span.end)
            if nhi - nlo <= MAX_PARAGRAPH:
                lo, hi = nlo, nhi
    return paragraph_around(text, lo, hi)


def _mentions(entity: str, claim: Claim, chain: Chain) -> bool:
    """Does the claim involve `entity`: as a source anywhere in its chain, or in its content?"""
    needle = re.compile(rf"(?<!\w){re.escape(entity.strip())}(?!\w)", re.IGNORECASE)
    names = [h.entity for h in chain.hops] + [h.source for h in chain.hops]
    names.append(claim.content.text)
    return any(n and needle.search(n) for n in names)


def build_report(
    documents: Sequence[Document],
    texts: Mapping[str, str],
    claims: Sequence[Claim],
    entity: str | None = None,
    *,
    all_claims: Sequence[Claim] | None = None,
    generated: datetime | None = None,
    extractor: str | None = None,
) -> Report:
    """A report over `documents` (in the order given), their claims by seq.

    `texts` maps document id -> stored text; claims of other documents are
    ignored. Chains need every hop, also those a filter leaves out:
    - `all_claims` given: `claims` is the caller's selection (e.g. the query
      layer's "by or about entity"), reported as is; `all_claims` feeds chains.
    - otherwise `claims` is everything, and `entity` keeps the claims whose
      chain or content names it (whole words, any case).
    With `entity`, documents left without claims are dropped.
    """
    selected = {c.id for c in claims} if all_claims is not None else None
    by_doc: dict[str, dict[str, Claim]] = {}
    for c in [*(all_claims or ()), *claims]:
        by_doc.setdefault(c.doc_id, {})[c.id] = c
    out: list[ReportDocument] = []
    for doc in documents:
        by_id = by_doc.get(doc.id, {})
        text = texts.get(doc.id)
        items: list[ReportClaim] = []
        children = relay_children(by_id)
        for c in sorted(by_id.values(), key=lambda c: c.seq):
            chain = chain_of(c, by_id, children)
            if selected is not None:
                if c.id not in selected:
                    continue
            elif entity and not _mentions(entity, c, chain):
                continue
            if text is None:
                raise DatabaseError(f"document {doc.id} has claims but no stored text; re-add it")
            try:
                quote = _cut(text, c.content, "content", c)
            except DatabaseError as e:  # one damaged claim costs only itself (readback.py)
                skip(f"claim {c.id}", str(e).removeprefix(f"claim {c.id}: "))
                continue
            items.append(
                ReportClaim(
                    claim=c,
                    chain=chain,
                    chain_text=chain.render(),
                    quote=quote,
                    paragraph=_context(text, c, quote),
                )
            )
        if items or not entity:
            out.append(ReportDocument(document=doc, claims=items))
    if extractor is None:
        extractor = ", ".join(sorted({d.extractor for d in documents}))
    return Report(
        generated=generated or datetime.now(UTC),
        extractor=extractor,
        scope=ReportScope(entity=entity, documents=[d.id for d in documents]),
        documents=out,
    )


def render_json(report: Report) -> str:
    return for_json(report.model_dump_json(indent=2)) + "\n"


def render(report: Report, fmt: ReportFormat | str) -> str:
    """The report as text in one of REPORT_FORMATS."""
    match fmt:
        case "md":
            return render_markdown(report)
        case "html":
            return render_html(report)
        case "json":
            return render_json(report)
        case "prov-json":
            return render_prov(report, "json")
        case "prov-xml":
            return render_prov(report, "xml")
        case "prov-n" | "provn":
            return render_prov(report, "provn")
    raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}")


def stream(head: Report, documents: Iterable[ReportDocument], fmt: ReportFormat | str
           ) -> Iterator[str]:
    """render() of `head` with `documents`, in pieces, a document at a time (every
    format: STREAMED)."""
    return stream_report(head, documents, fmt, for_json)
