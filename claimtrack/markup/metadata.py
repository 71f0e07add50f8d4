"""A document's title and publication date, read off its text (the first short
line; a date in the header lines, not in the prose)."""

from __future__ import annotations

import datetime as dt
import re

_TITLE_MAX = 200


def find_title(text: str) -> str | None:
    """First non-empty line, heading markers removed; long lines cut at a word."""
    for line in text.splitlines():
        line = re.sub(r"^\s*#{1,6}\s*", "", line).strip()
        if not line:
            continue
        if len(line) > _TITLE_MAX:
            line = line[:_TITLE_MAX].rsplit(" ", 1)[0] + "…"
        return line
    return None


_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_RE = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_RE = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR_RE = r"(?P<year>(?:19|20)\d\d)"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)[-/.](?P<mon>[01]?\d)[-/.](?P<day>[0-3]?\d)\b"),
    re.compile(rf"\b{_MONTH_RE}\s+{_DAY_RE},?\s+{_YEAR_RE}\b", re.I),
    re.compile(rf"\b{_DAY_RE}\s+(?:of\s+)?{_MONTH_RE},?\s+{_YEAR_RE}\b", re.I),
]
_DATE_LINES = 15
_DATELINE_MAX = 120  # longer lines are prose: the body has begun
_DATELINE_WORDS = 10  # a header line holding a date says little else ("Global Research, ...")
_TITLE_DATE_WORDS = 3  # the first line is the title: a date there is its subject, unless alone
_PUBLISHED_CUE = re.compile(r"\b(?:published|posted|updated|dated?)\b[:\s]*(?:on\s+)?$", re.I)
_DASH_AFTER = re.compile(r"[\s,]*(?:\([^)\n]{1,40}\)\s*)?[-\u2013\u2014]")


def _dates_in(line: str) -> list[tuple[int, int, dt.date]]:
    found = []
    for pat in _DATE_PATTERNS:
        for m in pat.finditer(line):
            mon = m["mon"]
            month = int(mon) if mon.isdigit() else _MONTHS[mon.lower().rstrip(".")]
            try:
                date = dt.date(int(m["year"]), month, int(m["day"]))
            except ValueError:
                continue
            found.append((m.start(), m.end(), date))
    return sorted(found, key=lambda x: x[0])


def find_published_date(text: str) -> dt.date | None:
    """The publication date from an article's header, or None.

    A full date (ISO, "March 10, 2015", "10 March 2015"; numeric dd/mm vs
    mm/dd is ambiguous and ignored) counts when it follows "published/posted/
    updated", or sits on a short header line that says little else
    ("Global Research, March 10, 2015"), or opens the first paragraph as a
    dateline ("WASHINGTON, March 10, 2015 — ..."). Once a paragraph of prose
    has begun, later dates are events in the story, not publication."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:_DATE_LINES]
    for idx, line in enumerate(lines):
        prose = len(line) > _DATELINE_MAX
        for start, end, date in _dates_in(line):
            if _PUBLISHED_CUE.search(line[max(0, start - 30) : start]):
                return date
            if prose:
                if start <= 40 and _DASH_AFTER.match(line, end):
                    return date
                continue
            others = len((line[:start] + " " + line[end:]).split())
            if others <= (_TITLE_DATE_WORDS if idx == 0 else _DATELINE_WORDS):
                return date
        if prose:
            break
    return None
