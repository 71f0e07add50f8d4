"""find_zones: the zones of a stored text, from headline, byline and dateline to credits.

The top of the text (headline, labels, byline, timestamp, dek, dateline, lede)
is read line by line here; the credits and notes anywhere in it by credits.py.
"""

from __future__ import annotations

import re

from claimtrack.markup.metadata import find_title
from claimtrack.models import Byline, Dateline, Span, WireMarker, Zones
from claimtrack.zones.byline import outlet_part, parse_byline
from claimtrack.zones.credits import credits
from claimtrack.zones.dateline import MONTH, match_dateline
from claimtrack.zones.lines import Line, paragraph_end, runs_on, text_lines
from claimtrack.zones.outlets import is_wire_service, outlet_name, publisher_from_origin

_TOP_LINES = 8  # the headline, a label or two, a byline, a timestamp: then the body

_HEADLINE_MAX = 300
_HEADLINE_LINES = 3


def _norm(s: str) -> str:
    """Letters and digits only: a title and its paragraph differ in quotes and stops."""
    return "".join(c for c in s.casefold() if c.isalnum())


def _headline(text: str, lines: list[Line], title: str | None) -> int:
    """How many lines the headline takes at the top (0: none).

    The first block when short (NYT's "Title; \\nSubtitle."), or a short first
    line followed by a capitalised line, as claimtrack's find_title reads a
    title; never when the text opens with a dateline or a byline, and never a
    one-paragraph text (its first line is its lede)."""
    if len(lines) < 2:
        return 0
    first = lines[0]
    line0 = text[first.start : first.end]
    if match_dateline(line0) or parse_byline(line0):
        return 0
    n = 1
    while n < len(lines) and lines[n].block == first.block:
        n += 1
    size = lines[n - 1].end - first.start
    # one block (the whole text), or a long one: only a title line above a
    # capitalised line can be a headline
    if n == len(lines) or n > _HEADLINE_LINES or size > _HEADLINE_MAX:
        n = 0
    if runs_on(text, lines[0], lines[1]):
        return 0  # hard-wrapped prose: the first line is half a sentence
    if n == 0:
        nxt = text[lines[1].start : lines[1].start + 1]
        ok = (
            len(line0) <= 150
            and not line0.endswith((",", "-"))
            and (nxt.isupper() or nxt.isdigit() or nxt in "\"“'‘(")
        )
        if not ok:
            return 0
        n = 1
    if title:
        want, have = _norm(title)[:40], _norm(text[first.start : lines[n - 1].end])[:40]
        if not (want and (have.startswith(want) or want.startswith(have))):
            return 0
    return n


_LABEL = re.compile(r"^(?:ABSTRACT|SUMMARY|FULL TEXT|TEXT|BODY|Related:?|RELATED:?)\.?$")
_SUMMARY_LABEL = re.compile(r"^(?:ABSTRACT|SUMMARY)\.?$")
_TIMESTAMP = re.compile(
    rf"^(?:(?:Published|Updated|Posted|Last updated)\b.{{0,80}}|{MONTH}\.?\s+\d{{1,2}},\s+\d{{4}}"
    r"(?:[^\n]{0,30})?|\d{1,2}:\d\d\s*[ap]\.?m\.?[^\n]{0,40})$",
    re.I,
)


def find_zones(text: str, title: str | None = None, meta: dict | None = None) -> Zones:
    """The zones of a stored text. `title` is the document's title when known
    (metadata or find_title); `meta` may carry publisher/sitename/url/origin."""
    lines = text_lines(text)
    zones = Zones(body_start=len(text))
    if not lines:
        zones.publisher = _publisher(meta, None)
        return zones
    i = _headline(text, lines, title if title is not None else find_title(text))
    if i:
        zones.headline = Span.of(text, lines[0].start, lines[i - 1].end)
    top = i + _TOP_LINES
    while i < len(lines) and i < top:
        ln = lines[i]
        line = text[ln.start : ln.end]
        if _LABEL.match(line):
            if _SUMMARY_LABEL.match(line) and zones.summary is None and i + 1 < len(lines):
                j = paragraph_end(text, lines, i + 1)
                zones.summary = Span.of(text, lines[i + 1].start, lines[j - 1].end)
                i = j
            else:
                i += 1
            continue
        if zones.byline is None and zones.lede is None and (b := _byline_at(text, lines, i)):
            zones.byline, i = b
            continue
        if _TIMESTAMP.match(line) and len(line) <= 120:
            i += 1
            continue
        if zones.summary is None and (k := _dateline_below(text, lines, i)):
            # a dek between the headline and a dateline ("Curfew lifted, but ...")
            zones.summary = Span.of(text, ln.start, lines[k - 1].end)
            i = k
            continue
        j = paragraph_end(text, lines, i)
        start = ln.start
        if zones.dateline is None and (d := match_dateline(line)):
            end, place, date, agency = d
            zones.dateline = Dateline(
                span=Span.of(text, ln.start, ln.start + end),
                place=place,
                date=date,
                agency=agency,
            )
            start = ln.start + end
            while start < ln.end and text[start] in " \t\xa0":
                start += 1
            if start >= ln.end:  # "WASHINGTON —" on a line of its own
                i = j
                continue
        zones.lede = Span.of(text, start, lines[j - 1].end)
        i = j
        break
    zones.body_start = lines[i].start if i < len(lines) else len(text)
    markers, notes = credits(text, lines)
    if zones.dateline and zones.dateline.agency and is_wire_service(zones.dateline.agency):
        markers.insert(
            0, WireMarker(agency=zones.dateline.agency, kind="dateline", span=zones.dateline.span)
        )
    if zones.byline and zones.byline.outlet and is_wire_service(zones.byline.outlet):
        markers.insert(
            0, WireMarker(agency=zones.byline.outlet, kind="byline", span=zones.byline.span)
        )
    zones.wire = sorted(markers, key=lambda m: (m.span.start, m.kind))
    zones.notes = notes
    zones.publisher = _publisher(meta, zones.byline)
    return zones


_DEK_MAX = 200
_DEK_LINES = 2


def _dateline_below(text: str, lines: list[Line], i: int) -> int | None:
    """The index of a dateline line one or two short lines below line i, if any."""
    for k in range(i + 1, min(i + 1 + _DEK_LINES, len(lines))):
        if lines[k - 1].end - lines[k - 1].start > _DEK_MAX:
            return None
        if match_dateline(text[lines[k].start : lines[k].end]):
            return k
    return None


def _byline_at(text: str, lines: list[Line], i: int) -> tuple[Byline, int] | None:
    """The byline at line i (with an outlet on the line below it), and the next line."""
    ln = lines[i]
    parsed = parse_byline(text[ln.start : ln.end])
    if parsed is None:
        return None
    names, outlet = parsed
    end, nxt = ln.end, i + 1
    if outlet is None and nxt < len(lines):
        below = text[lines[nxt].start : lines[nxt].end].rstrip(" .")
        is_outlet, named = outlet_part(below) if len(below) <= 60 else (False, None)
        if is_outlet and named:
            outlet, end, nxt = named, lines[nxt].end, nxt + 1
    return Byline(span=Span.of(text, ln.start, end), names=names, outlet=outlet), nxt


def _publisher(meta: dict | None, byline: Byline | None) -> str | None:
    """Metadata first (publisher, site name, the URL's domain), then the byline's outlet."""
    meta = meta or {}
    for key in ("publisher", "sitename", "site_name", "site"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return outlet_name(value)
    for key in ("url", "origin"):
        value = meta.get(key)
        domain = publisher_from_origin(value) if isinstance(value, str) else None
        if domain:
            return outlet_name(domain)
    return byline.outlet if byline else None
