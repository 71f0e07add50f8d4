"""Wire credits and editorial notes: contributor, reporting and copyright lines, sign-offs.

Wire copy is read only from credit forms: an article that cites "Reuters
reported" or "according to the AP" is using a source, not running wire copy.
"""

from __future__ import annotations

import re

from claimtrack.models import Span, WireKind, WireMarker
from claimtrack.zones.lines import Line
from claimtrack.zones.outlets import is_wire_service, outlet_name

_LONG_LINE = 400  # credit and note lines are short; longer ones are prose
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


def credits(text: str, lines: list[Line]) -> tuple[list[WireMarker], list[Span]]:
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
