"""Bylines ("By A and B, Outlet", "By THE ASSOCIATED PRESS", "A | Reuters") and their outlet."""

from __future__ import annotations

import re

from claimtrack.zones.outlets import known_outlet, outlet_name

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


def outlet_part(part: str) -> tuple[bool, str | None]:
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


def parse_byline(line: str, need_by: bool = False) -> tuple[list[str], str | None] | None:
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
        if pm and outlet_part(pm.group("outlet"))[1]:
            rest = line
        elif "," in line:
            head, _, tail = line.rpartition(",")
            if not outlet_part(tail)[1] or not _names_of(head):
                return None
            rest = line
        else:
            return None
    names: list[str] = []
    outlet: str | None = None
    for part in _PARTS.split(rest.strip()):
        if not part:
            continue
        is_outlet, named = outlet_part(part)
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
