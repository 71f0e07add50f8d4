"""Datelines: "WASHINGTON (AP) —", "LONDON, March 3 (Reuters) -", "Cleveland (AFP) –"."""

from __future__ import annotations

import re

from claimtrack.zones.outlets import known_outlet, outlet_name

_SP = r"[ \t\xa0]"
_DASH = rf"(?:{_SP}*[—–―]{_SP}*|{_SP}*--{_SP}+|{_SP}+-{_SP}+)"
_CAPS_WORD = r"[A-ZÀ-Þ][A-ZÀ-Þ'’.\-]+"
_TITLE_WORD = r"[A-ZÀ-Þ][a-zß-ÿ'’.\-]+"
_INITIALS = r"(?:[A-Z]\.){1,3}"
_REGION = (
    rf"(?:(?:{_TITLE_WORD}|{_INITIALS})(?:{_SP}(?:{_TITLE_WORD}|{_INITIALS})){{0,2}}"
    rf"|{_CAPS_WORD})"
)
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE = rf"{MONTH}\.?{_SP}+\d{{1,2}}(?:,{_SP}+\d{{4}})?"
_AGENCY = r"\((?P<agency>[^()\n]{1,40})\)"
_CAPS_PLACE = rf"{_CAPS_WORD}(?:{_SP}{_CAPS_WORD}){{0,3}}"
_TITLE_PLACE = rf"{_TITLE_WORD}(?:{_SP}(?:{_TITLE_WORD}|de|la|du|of)){{0,3}}"
_DATELINES = [
    # WASHINGTON (AP) — / NASHUA, N.H. - / LONDON, March 3 (Reuters) -
    re.compile(
        rf"(?P<place>{_CAPS_PLACE}(?:,{_SP}+{_REGION})?)(?:,{_SP}+(?P<date>{_DATE}))?"
        rf"(?:{_SP}+{_AGENCY})?{_DASH}"
    ),
    # Cleveland (AFP) – : a title-case place needs the agency to be a dateline
    re.compile(
        rf"(?P<place>{_TITLE_PLACE}(?:,{_SP}+{_REGION})?)(?:,{_SP}+(?P<date>{_DATE}))?"
        rf"{_SP}+{_AGENCY}{_DASH}"
    ),
    # Aug 27 (Reuters) -
    re.compile(rf"(?P<date>{_DATE}){_SP}+{_AGENCY}{_DASH}"),
]
# all-caps words that open a paragraph like a place but are labels
_NOT_PLACES = frozenset(
    {"BREAKING", "UPDATE", "UPDATED", "UPDATES", "EXCLUSIVE", "WATCH", "LISTEN", "VIDEO"}
    | {"PHOTOS", "ANALYSIS", "OPINION", "EDITORIAL", "COMMENTARY", "CORRECTION", "NOTE"}
    | {"CLARIFICATION", "ABSTRACT", "RELATED", "MORE", "ALERT", "LIVE", "FACT", "CHECK"}
    | {"REVIEW", "PODCAST", "TRANSCRIPT", "FULL", "TEXT", "NEWS"}
)
_AGENCY_TOKEN = re.compile(r"[A-Za-z][A-Za-z.&-]{1,30}")


def _agency_name(raw: str) -> str | None:
    """A dateline's parenthesised credit, normalised; None when it is no outlet."""
    raw = " ".join(raw.split())
    if known_outlet(raw):
        return outlet_name(raw)
    return raw if _AGENCY_TOKEN.fullmatch(raw) and raw[0].isupper() else None


def match_dateline(line: str) -> tuple[int, str | None, str | None, str | None] | None:
    """(end, place, date, agency) when `line` opens with a dateline."""
    head = line[:200]
    for n, pat in enumerate(_DATELINES):
        m = pat.match(head)
        if not m:
            continue
        after = head[m.end() : m.end() + 1]
        if after and not (after.isupper() or after.isdigit() or after in "\"“'‘(["):
            continue  # a dash inside a sentence ("Paris (France) - a city of light")
        place = m.groupdict().get("place")
        if place and (set(place.replace(",", " ").split()) & _NOT_PLACES or len(place) < 2):
            continue
        agency = None
        if m.group("agency") is not None:
            # an all-caps place may credit any one-word outlet ("(KABC)"); a
            # title-case place or a bare date only a known one, or "Paris
            # (France) -" would pass
            raw = m.group("agency")
            agency = (
                _agency_name(raw) if n == 0 else (outlet_name(raw) if known_outlet(raw) else None)
            )
            if agency is None:
                continue
        end = m.end()
        while end > 0 and line[end - 1] in " \t\xa0":  # the span ends at the dash
            end -= 1
        return end, place, m.group("date"), agency
    return None
