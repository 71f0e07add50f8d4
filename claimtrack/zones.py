"""Document zones: headline, dateline, byline, lede, body and wire credits of a stored text.

Independence across documents (issue 10, item 2) needs to know who put a text
out and where its copy came from: "WASHINGTON (AP) —" names a wire agency (and
is never a source or an entity), "By JANE DOE, Associated Press" a writer and
an agency, "(Reporting by X; Editing by Y)" marks Reuters copy. This module reads
those from the *stored* text (what every offset indexes, end exclusive) with
regexes and light heuristics only: it sits in the ingest layer, below the
parse, so it never loads spaCy. Everything is optional: a plain text file with
no metadata still gets a headline and a lede when it has them.

Wire copy is read only from credit forms (a dateline's agency, a byline, a
contributor line, a Reuters reporting line, a copyright line, a sign-off such
as "— AFP"): an article that cites "Reuters reported" or "according to the
AP" is using a source, not running wire copy. Photo credits ("Gary
Cameron/Reuters", "ASSOCIATED PRESS" under a picture) are not origin marks.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

from pydantic import BaseModel

from claimtrack.markup.metadata import find_title
from claimtrack.models import Byline, Dateline, Span, WireKind, WireMarker, Zones

# --- outlets -------------------------------------------------------------------


class _Outlet(BaseModel):
    name: str
    wire: bool
    aliases: list[str] = []


class OutletTable(BaseModel):
    """claimtrack/data/outlets.json, loaded once: folded alias -> canonical key."""

    version: str
    outlets: dict[str, _Outlet]
    alias: dict[str, str]


_DROP = re.compile(r"[.'’]")
_NON_WORD = re.compile(r"[^\w&]+")
_DOMAIN = re.compile(r"^(?:www\d?\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*)\.([a-z]{2,6})$")
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac"}  # bbc.co.uk -> bbc


def _fold(name: str) -> str:
    """Case, dots, apostrophes, dashes and a leading "the" out: the comparable form."""
    s = " ".join(name.split()).casefold().strip()
    if "://" in s:
        s = publisher_from_origin(s) or s
    m = _DOMAIN.match(s)
    if m:  # washingtonpost.com, www.bbc.co.uk: the registrable name
        parts = m.group(1).split(".")
        if len(parts) > 1 and parts[-1] in _SECOND_LEVEL:
            parts = parts[:-1]
        s = parts[-1]
    s = _NON_WORD.sub(" ", _DROP.sub("", s)).strip()
    return s[4:] if s.startswith("the ") else s


@lru_cache(maxsize=1)
def outlet_table() -> OutletTable:
    raw = json.loads(
        resources.files("claimtrack").joinpath("data/outlets.json").read_text(encoding="utf-8")
    )
    outlets = {_fold(k): _Outlet(**v) for k, v in raw["outlets"].items()}
    alias: dict[str, str] = {}
    for key, o in outlets.items():
        for a in (key, o.name, *o.aliases):
            alias.setdefault(_fold(a), key)
    return OutletTable(version=raw["version"], outlets=outlets, alias=alias)


def outlet_key(name: str) -> str:
    """The comparable key of an outlet or agency name, domain or publisher slug.

    `outlet_key("The Associated Press") == outlet_key("AP") == "associated press"`;
    names missing from the alias table still fold to a stable key."""
    folded = _fold(name)
    return outlet_table().alias.get(folded, folded)


def known_outlet(name: str) -> str | None:
    """The canonical key when the alias table knows `name`, else None."""
    return outlet_table().alias.get(_fold(name))


def outlet_name(name: str) -> str:
    """How an outlet is shown ("AP" -> "Associated Press"); unknown names as given."""
    key = known_outlet(name)
    return outlet_table().outlets[key].name if key else " ".join(name.split())


def is_wire_service(name: str) -> bool:
    """Whether the alias table knows `name` as a wire agency (AP, Reuters, AFP ...)."""
    key = known_outlet(name)
    return bool(key and outlet_table().outlets[key].wire)


def publisher_from_origin(origin: str | None) -> str | None:
    """A URL's domain without "www." ("https://www.reuters.com/x" -> "reuters.com");
    None for file paths, "<stdin>" and anything else that is not a web address."""
    if not origin or "://" not in origin:
        return None
    try:
        host = urlsplit(origin.strip()).hostname or ""
    except ValueError:
        return None
    host = re.sub(r"^www\d?\.", "", host.lower().rstrip("."))
    return host if "." in host else None


# --- lines ---------------------------------------------------------------------

_LINE = re.compile(r"[^\n]+")
_TOP_LINES = 8  # the headline, a label or two, a byline, a timestamp: then the body
_LONG_LINE = 400  # credit and note lines are short; longer ones are prose
_SENT_END = re.compile(r"[.!?:…][\"'”’)\]]*$")


class _Line:
    __slots__ = ("start", "end", "block")

    def __init__(self, start: int, end: int, block: int):
        self.start, self.end, self.block = start, end, block


def _lines(text: str) -> list[_Line]:
    """Non-blank lines, their surrounding whitespace trimmed, numbered by the
    blank-line block they sit in (a hard-wrapped paragraph is one block)."""
    out: list[_Line] = []
    block, prev_end = 0, None
    for m in _LINE.finditer(text):
        s, e = m.start(), m.end()
        chunk = text[s:e]
        stripped = chunk.strip()
        if not stripped:
            continue
        lead = len(chunk) - len(chunk.lstrip())
        s2 = s + lead
        e2 = s2 + len(stripped)
        if prev_end is not None and text[prev_end:s].count("\n") > 1:
            block += 1  # a blank (or whitespace-only) line lies between
        out.append(_Line(s2, e2, block))
        prev_end = e
    return out


def _paragraph(text: str, lines: list[_Line], i: int) -> int:
    """Index after the paragraph starting at line i: a hard-wrapped paragraph
    runs on while a line stops mid-sentence and the next sits in its block."""
    j = i
    while (
        j + 1 < len(lines)
        and lines[j + 1].block == lines[j].block
        and not _SENT_END.search(text[lines[j].start : lines[j].end])
    ):
        j += 1
    return j + 1


def _runs_on(text: str, a: _Line, b: _Line) -> bool:
    """Line a stops mid-sentence and b, below it, goes on in lower case: wrapped prose."""
    first = text[b.start : b.start + 1]
    return (
        a.block == b.block
        and not _SENT_END.search(text[a.start : a.end])
        and (first.islower() or first in "$€£,;")
    )


# --- headline ------------------------------------------------------------------

_HEADLINE_MAX = 300
_HEADLINE_LINES = 3


def _norm(s: str) -> str:
    """Letters and digits only: a title and its paragraph differ in quotes and stops."""
    return "".join(c for c in s.casefold() if c.isalnum())


def _headline(text: str, lines: list[_Line], title: str | None) -> int:
    """How many lines the headline takes at the top (0: none).

    The first block when short (NYT's "Title; \\nSubtitle."), or a short first
    line followed by a capitalised line, as claimtrack's find_title reads a
    title; never when the text opens with a dateline or a byline, and never a
    one-paragraph text (its first line is its lede)."""
    if len(lines) < 2:
        return 0
    first = lines[0]
    line0 = text[first.start : first.end]
    if _match_dateline(line0) or _parse_byline(line0):
        return 0
    n = 1
    while n < len(lines) and lines[n].block == first.block:
        n += 1
    size = lines[n - 1].end - first.start
    # one block (the whole text), or a long one: only a title line above a
    # capitalised line can be a headline
    if n == len(lines) or n > _HEADLINE_LINES or size > _HEADLINE_MAX:
        n = 0
    if _runs_on(text, lines[0], lines[1]):
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


# --- dateline ------------------------------------------------------------------

_SP = r"[ \t\xa0]"
_DASH = rf"(?:{_SP}*[—–―]{_SP}*|{_SP}*--{_SP}+|{_SP}+-{_SP}+)"
_CAPS_WORD = r"[A-ZÀ-Þ][A-ZÀ-Þ'’.\-]+"
_TITLE_WORD = r"[A-ZÀ-Þ][a-zß-ÿ'’.\-]+"
_INITIALS = r"(?:[A-Z]\.){1,3}"
_REGION = (
    rf"(?:(?:{_TITLE_WORD}|{_INITIALS})(?:{_SP}(?:{_TITLE_WORD}|{_INITIALS})){{0,2}}"
    rf"|{_CAPS_WORD})"
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE = rf"{_MONTH}\.?{_SP}+\d{{1,2}}(?:,{_SP}+\d{{4}})?"
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


def _match_dateline(line: str) -> tuple[int, str | None, str | None, str | None] | None:
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


# --- byline --------------------------------------------------------------------

_BY = re.compile(r"^(?:By|BY|by)[:\s]\s*(?P<rest>.+)$")
_PIPE = re.compile(r"^(?P<names>[^|/•·]+?)\s*[|•·]\s*(?P<outlet>[^|]+)$")
_PARTS = re.compile(r"\s*(?:,|\||;|•|·|\s[–—-]\s)\s*")
_AND = re.compile(r"\s+(?:and|&|AND)\s+")
_NAME_TOKEN = re.compile(
    r"(?:[A-ZÀ-Þ][A-Za-zß-ÿ'’\-]*\.?|(?:[A-Z]\.){1,3}|de|da|del|della|van|von|der|den|la|le|"
    r"bin|al|al-\w+|el|dos|du|ibn|Jr\.?|Sr\.?|III|II)"
)
_NOT_NAME = frozenset({"the", "a", "an", "this", "that", "these", "our", "staff"})
_ROLE = re.compile(
    r"\b(?:writer|writers|reporter|reporters|correspondent|correspondents|editor|editors"
    r"|columnist|contributor|staff|bureau|chief|special|analyst|producer)\b",
    re.I,
)
_BYLINE_MAX = 150


def _name(part: str) -> bool:
    toks = part.split()
    if not 2 <= len(toks) <= 5 or toks[0].casefold() in _NOT_NAME:
        return False
    if not toks[0][0].isupper():
        return False
    return all(_NAME_TOKEN.fullmatch(t) for t in toks)


def _outlet_in(part: str) -> str | None:
    """The known outlet a byline part names ("AP White House Correspondent" -> AP)."""
    words = part.replace(",", " ").split()
    best: str | None = None
    best_len = 0
    for i in range(len(words)):
        for j in range(min(len(words), i + 5), i, -1):
            if j - i <= best_len:
                break
            phrase = " ".join(words[i:j])
            if len(phrase) < 2 or not phrase[0].isupper() and phrase[:3] != "dpa":
                continue
            if known_outlet(phrase):
                best, best_len = outlet_name(phrase), j - i
                break
    return best


def _outlet_part(part: str) -> tuple[bool, str | None]:
    """(is an outlet or role phrase, the outlet it names): "Associated Press",
    "AP Business Writer", "Special to The Washington Post", "Staff Writer".
    An outlet inside a name ("Mike Bloomberg") does not make it one."""
    words = part.split()
    lead = " ".join(words[1:] if words[:1] in (["The"], ["the"]) else words)
    if _ROLE.search(part) and len(words) <= 6:
        return True, _outlet_in(part)
    if (outlet := _outlet_in(lead)) and known_outlet(_leading_outlet(lead) or ""):
        return True, outlet
    return False, None


def _leading_outlet(part: str) -> str | None:
    """The longest run of words opening `part` that the alias table knows."""
    words = part.split()
    for n in range(min(len(words), 5), 0, -1):
        phrase = " ".join(words[:n])
        if known_outlet(phrase):
            return phrase
    return None


def _parse_byline(line: str, need_by: bool = False) -> tuple[list[str], str | None] | None:
    """(names, outlet) when the line is a byline.

    "By A and B, Outlet", "By THE ASSOCIATED PRESS", "A | Reuters" and
    "A, The Washington Post" (the last two only with an outlet the table
    knows: a bare "Name, Place" line is too often something else)."""
    if len(line) > _BYLINE_MAX or len(line.split()) > 20:
        return None
    line = line.rstrip(" .")
    m = _BY.match(line)
    if m:
        rest = m.group("rest")
    elif need_by:
        return None
    else:
        pm = _PIPE.match(line)
        if pm and _outlet_part(pm.group("outlet"))[1]:
            rest = line
        elif "," in line:
            head, _, tail = line.rpartition(",")
            if not _outlet_part(tail)[1] or not _names_of(head):
                return None
            rest = line
        else:
            return None
    names: list[str] = []
    outlet: str | None = None
    for part in _PARTS.split(rest.strip()):
        if not part:
            continue
        is_outlet, named = _outlet_part(part)
        if is_outlet:
            outlet = outlet or named
            continue
        these = _names_of(part)
        if these is None:
            return None
        names.extend(these)
    if not names and not outlet:
        return None
    return names, outlet


def _names_of(part: str) -> list[str] | None:
    """ "Jane Doe and John Roe" -> both names; None unless every piece is a name."""
    pieces = [p for p in _AND.split(part.strip()) if p]
    if not pieces or not all(_name(p) for p in pieces):
        return None
    return pieces


# --- credits and notes ---------------------------------------------------------

_CANDIDATE = r"(?:[A-ZÀ-Þ][\w.&'’-]*|dpa)(?:\s+(?:[A-ZÀ-Þ][\w.&'’-]*|de|of))*"
# a word that does not end a sentence (an initial "J." does not either)
_WORD = r"(?:[A-Z]\.|[^\s]*[^\s.!?])"
_CONTRIB = re.compile(
    rf"(?:[-—–]+\s*)?(?:(?:The|the)\s+)?(?P<cand>{_CANDIDATE})(?:[’']s?)?"
    rf"(?:\s+{_WORD}){{0,14}}?\s+contributed\b"
)
_USED = re.compile(
    r"(?:[-—–]+\s*)?(?:This\s+(?:story|report|article)\s+(?:includes|contains|uses)\s+"
    r"|(?:Some\s+)?(?:Material|Information|Reporting)\s+(?:from|by)\s+)"
    rf"(?:(?:material|reporting|information)\s+from\s+)?(?:(?:the|The)\s+)?(?P<cand>{_CANDIDATE})"
)
_REPORTING = re.compile(
    r"^[(\[]?\s*(?:Additional\s+)?Reporting\s+by\b[^\n]{0,300}?[;,]\s*(?:Editing|Writing)\s+by\b"
)
_COPYRIGHT = re.compile(
    r"(?<![A-Za-zÀ-ÿ])(?:©|\([cC]\)|\bCopyright\b)\s*(?:©\s*)?(?:(?:19|20)\d\d\s*,?\s*)?"
    rf"(?:by\s+)?(?:(?:The|the)\s+)?(?P<cand>{_CANDIDATE})"
)
_SIGNOFF_LINE = re.compile(r"^(?P<open>[-—–]{1,2}\s*\(?|\()\s*(?P<cand>[^()\n]{2,40}?)\)?\.?$")
_SIGNOFF_END = re.compile(
    r"[.!?\"”]\s*(?:[-—–]{1,2}\s*\(?|\()\s*(?P<cand>[A-Za-z][\w. -]{1,30}?)\)?\.?$"
)
_NOTE = re.compile(
    r"^(?:[-—–]+\s*)?(?:"
    r"This\s+(?:story|article|post|piece|report)\s+(?:has\s+been|was|is\s+being)\s+"
    r"(?:updated|corrected|changed|revised)"
    r"|(?:Correction|Clarification|Update|Editor[’']?s\s+note)\s*:"
    r"|(?:[A-Z][\w'’-]+(?:\s*(?:,|and)\s*[A-Z][\w'’-]+)*\s+reported\s+from\b)"
    r"|[^\n]{0,80}\bcontributed\s+(?:to\s+this\s+(?:report|story|article)|reporting|research|from)"
    r"|(?:Additional\s+)?reporting\s+by\b"
    r"|[(\[]?\s*(?:Additional\s+)?Reporting\s+by\b"
    r"|Follow\s+[^\n]{0,80}\bon\s+Twitter"
    r"|Twitter:\s*@"
    r"|(?:©|Copyright\b)"
    r")",
    re.I,
)
_SIGNOFF_LINES = 3  # a sign-off closes the text


def _wire_name(cand: str) -> str | None:
    """The wire agency a credit names, trying the longest leading phrase first."""
    words = cand.split()
    for n in range(min(len(words), 5), 0, -1):
        phrase = " ".join(words[:n])
        if is_wire_service(phrase):
            return outlet_name(phrase)
    return None


_CREDIT_WORDS = re.compile(
    r"\b(?:Material|Information|Reporting|This\s+(?:story|report|article))\b"
)
_SENTENCE_START = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z(])")


def _credit_in(line: str) -> str | None:
    """The wire agency a contributor sentence credits, in any sentence of the line
    ("Lerer reported from Los Angeles. Associated Press writer X contributed.")."""
    if "contributed" not in line and not _CREDIT_WORDS.search(line):
        return None  # most lines: skip the sentence-by-sentence matching
    starts = [0] + [m.end() for m in _SENTENCE_START.finditer(line)]
    for s in starts:
        m = _CONTRIB.match(line, s) or _USED.match(line, s)
        if m and (agency := _wire_name(m["cand"])):
            return agency
    return None


def _credits(text: str, lines: list[_Line]) -> tuple[list[WireMarker], list[Span]]:
    markers: list[WireMarker] = []
    notes: list[Span] = []
    last = len(lines) - _SIGNOFF_LINES
    for idx, ln in enumerate(lines):
        if ln.end - ln.start > _LONG_LINE:
            continue
        line = text[ln.start : ln.end]
        span = Span.of(text, ln.start, ln.end)
        agency: str | None = None
        kind: WireKind | None = None
        if _REPORTING.match(line):
            agency, kind = "Reuters", "reporting_line"
        elif credit := _credit_in(line):
            agency, kind = credit, "credit"
        elif idx >= last and (m := _SIGNOFF_LINE.match(line)) and (a := _wire_name(m["cand"])):
            agency, kind = a, "signoff"
        if agency and kind:
            markers.append(WireMarker(agency=agency, kind=kind, span=span))
        if _NOTE.match(line):
            notes.append(span)
        for m in (
            _COPYRIGHT.finditer(line) if "©" in line or "opyright" in line or "(" in line else ()
        ):
            if a := _wire_name(m["cand"]):
                s = ln.start + m.start()
                markers.append(
                    WireMarker(agency=a, kind="copyright", span=Span.of(text, s, ln.end))
                )
                break
        tail = line[-60:]
        if (
            idx == len(lines) - 1
            and kind is None
            and (m := _SIGNOFF_END.search(tail))
            and (a := _wire_name(m["cand"]))
        ):
            s = ln.end - len(tail) + m.start() + 1  # past the sentence's closing mark
            while text[s] in " \t\xa0":
                s += 1
            markers.append(WireMarker(agency=a, kind="signoff", span=Span.of(text, s, ln.end)))
    for w in markers:  # a credit is an editorial line too, whatever its form
        if not any(n.start < w.span.end and w.span.start < n.end for n in notes):
            notes.append(w.span)
    notes.sort(key=lambda n: n.start)
    return markers, notes


# --- the top of the document -----------------------------------------------------

_LABEL = re.compile(r"^(?:ABSTRACT|SUMMARY|FULL TEXT|TEXT|BODY|Related:?|RELATED:?)\.?$")
_SUMMARY_LABEL = re.compile(r"^(?:ABSTRACT|SUMMARY)\.?$")
_TIMESTAMP = re.compile(
    rf"^(?:(?:Published|Updated|Posted|Last updated)\b.{{0,80}}|{_MONTH}\.?\s+\d{{1,2}},\s+\d{{4}}"
    r"(?:[^\n]{0,30})?|\d{1,2}:\d\d\s*[ap]\.?m\.?[^\n]{0,40})$",
    re.I,
)


def find_zones(text: str, title: str | None = None, meta: dict | None = None) -> Zones:
    """The zones of a stored text. `title` is the document's title when known
    (metadata or find_title); `meta` may carry publisher/sitename/url/origin."""
    lines = _lines(text)
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
                j = _paragraph(text, lines, i + 1)
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
        j = _paragraph(text, lines, i)
        start = ln.start
        if zones.dateline is None and (d := _match_dateline(line)):
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
    markers, notes = _credits(text, lines)
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


def _dateline_below(text: str, lines: list[_Line], i: int) -> int | None:
    """The index of a dateline line one or two short lines below line i, if any."""
    for k in range(i + 1, min(i + 1 + _DEK_LINES, len(lines))):
        if lines[k - 1].end - lines[k - 1].start > _DEK_MAX:
            return None
        if _match_dateline(text[lines[k].start : lines[k].end]):
            return k
    return None


def _byline_at(text: str, lines: list[_Line], i: int) -> tuple[Byline, int] | None:
    """The byline at line i (with an outlet on the line below it), and the next line."""
    ln = lines[i]
    parsed = _parse_byline(text[ln.start : ln.end])
    if parsed is None:
        return None
    names, outlet = parsed
    end, nxt = ln.end, i + 1
    if outlet is None and nxt < len(lines):
        below = text[lines[nxt].start : lines[nxt].end].rstrip(" .")
        is_outlet, named = _outlet_part(below) if len(below) <= 60 else (False, None)
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


def is_wire_copy(zones: Zones) -> bool:
    """True when the text credits a wire agency other than its own publisher:
    such copy, run by several outlets, is one origin."""
    if not zones.wire:
        return False
    if zones.publisher is None:
        return True
    own = outlet_key(zones.publisher)
    return any(outlet_key(m.agency) != own for m in zones.wire)


def origin_key(zones: Zones) -> str | None:
    """The outlet key of where the copy comes from: its wire agency, else its publisher."""
    if zones.wire:
        return outlet_key(zones.wire[0].agency)
    return outlet_key(zones.publisher) if zones.publisher else None
