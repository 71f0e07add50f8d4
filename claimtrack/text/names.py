"""Names as entity keys: pure string helpers shared by the resolver (write time)
and by every read that compares names (entities, aliases, grades, entityselect). The one
home of the name normalisers (`canonical_name`, `normalise_name`, `name_key`,
`resolver_key`) and of the NER labels that make a name.

No spaCy here: read commands import this, and a read must not pay for loading
the parser (tests/test_imports.py holds that).
"""

from __future__ import annotations

import re

from claimtrack.errors import NotFoundError

# spaCy's entity labels as plain strings, one meaning a set:
# a mention that names an entity: the entity graph makes a node of it
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
# who can speak: the names the resolver expands a source to (it collects GPE too)
SPEAKER_LABELS = frozenset({"PERSON", "ORG"})

# words that are not part of a name's identity when matching surnames
HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "sen", "rep", "gov", "gen"}
    | {"col", "lt", "capt", "sgt", "maj", "adm", "president", "senator", "minister", "sheikh"}
)

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_DETERMINER = re.compile(r"^(?:the|a|an|this|that|these|those)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:'s|(?<=s)')$", re.IGNORECASE)
_EDGE_PUNCT = " \t\"'\u201c\u201d,;:()[]"
_WORD = re.compile(r"\w+")
# what separates a name's words: spaces, hyphens and dashes ("Al Qaeda" is "Al-Qaeda")
_SEPARATING = r"\s\-\u2010-\u2014"
_SEPARATOR = f"[{_SEPARATING}]+"
_SPLIT = re.compile(_SEPARATOR)


def canonical_name(text: str) -> str:
    """A name as an entity key: straight apostrophes, single spaces, no
    leading determiner, no possessive ("the Pentagon’s" -> "Pentagon")."""
    name = re.sub(r"\s+", " ", text.translate(_APOSTROPHES)).strip(_EDGE_PUNCT)
    # Until nothing changes: stripping punctuation can bare another determiner
    # ("A ,A A"), and a key must be the same when made again from itself.
    while True:
        stripped = _POSSESSIVE.sub("", _DETERMINER.sub("", name)).strip(_EDGE_PUNCT)
        if stripped == name:
            return name
        name = stripped


def normalise_name(name: str) -> str:
    """A name folded for comparison, not display: 'Al-Qaeda' == 'al Qaeda',
    "Haftar's" == 'Haftar' (casefolded words only; `canonical_name` keeps the case)."""
    s = name.casefold().replace("\u2019", "'").replace(".", "")
    s = re.sub(r"'s$", "", s.strip())
    s = " ".join(_WORD.findall(s.replace("_", " ")))
    return s.removeprefix("the ")


def name_key(name: str) -> tuple[str, ...]:
    """A name as the entity graph compares it: canonical, case-folded, hyphens as
    spaces, no honorifics ("Mr. Al-Mismari" -> ("al", "mismari"))."""
    words = [w.casefold().strip(".") for w in _SPLIT.split(canonical_name(name))]
    return tuple(w for w in words if w and w not in HONORIFICS)


_NAME_PART = re.compile(f"[^{_SEPARATING}]+")  # what name_key splits a name into


def key_word_spans(name: str) -> list[tuple[int, int]] | None:
    """Where each word of name_key(name) lies in `name` (its punctuation and possessive
    left out): what a name cut to its i-th to n-th key words keeps. None where the
    words cannot be told apart one by one (name_key's own reading is the rule)."""
    key = name_key(name)
    spans: list[tuple[int, int]] = []
    for m in _NAME_PART.finditer(name):
        if len(spans) == len(key):
            break
        kept = m.group().translate(_APOSTROPHES).rstrip(_EDGE_PUNCT + ".")
        # a possessive is name_key's own only at the name's end ("Rubio's Says")
        for word in (kept[:-2], kept) if kept.endswith("'s") else (kept,):
            bare = word.lstrip(_EDGE_PUNCT)
            if bare.casefold().strip(".") == key[len(spans)]:
                spans.append((m.start() + len(word) - len(bare), m.start() + len(word)))
                break
    return spans if len(spans) == len(key) else None


def titled(surface: str) -> bool:
    """Whether a name as printed opens on a title ("President Barack Obama", "Sen.
    Warren"): what its key leaves out, and what a name shown for it had better too."""
    words = surface.split()
    return len(words) > 1 and words[0].casefold().rstrip(".") in HONORIFICS


def surface_order(surface: str, count: int) -> tuple[bool, int, int, str]:
    """The order in which a node's printed forms name it, best first: untitled before
    titled ("Barack Obama" before "President Barack Obama", however often each is
    printed), then the most printed, the longest, and the text itself on ties."""
    return titled(surface), -count, -len(surface), surface


def key_runs(key: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where each run of a name key's words lies, (start, end), the whole key last: a
    name holding another holds its key as one of these ("belhadj" in "abdelhakim
    belhadj"), so a document's names are indexed by them rather than compared in pairs."""
    n = len(key)
    return [(i, i + k) for k in range(1, n + 1) for i in range(n - k + 1)]


def resolver_key(name: str) -> tuple[str, ...]:
    """A name as the resolver compares it within a document (a surname inside a full
    name): canonical, lower-cased words split at spaces only, no honorifics. Not
    name_key: the resolver's choices are stored with every claim (source_entity), so
    its key changes only with the extractor's version."""
    words = [w.lower().rstrip(".") for w in canonical_name(name).split()]
    return tuple(w for w in words if w and w not in HONORIFICS)


# between two words of a name: a separator, and middle initials a text may add ("Paul
# D. Ryan", "George H. W. Bush"): a capital letter, its full stop optional
_BETWEEN = f"(?:{_SEPARATOR}(?-i:[A-Z])\\.?)*{_SEPARATOR}"
# between the two words of a first name and surname: initials or up to two middle names
# ("Hillary Rodham Clinton", "George Herbert Walker Bush")
_MIDDLE = f"(?:{_SEPARATOR}(?-i:[A-Z])(?:\\.|[\\w'’]+)?){{0,2}}{_SEPARATOR}"


def name_pattern(name: str) -> re.Pattern[str]:
    """Case-insensitive, whole-word match; spaces and hyphens in the name are interchangeable,
    and a text may add middle initials between its words.

    "Belhadj" finds "Abdelhakim Belhadj" and "Belhadj's", not "Belhadjes";
    "Al Qaeda" finds "Al-Qaeda"; "Paul Ryan" finds "Paul D. Ryan" (the style of the
    New York Times and the Washington Post: on the 560 dev articles of PolNeAR, 43
    names printed so in 148 documents that name the person nowhere without it), and a
    name of two words its middle names too ("Hillary Clinton" finds "Hillary Rodham
    Clinton", 14 of those documents).
    """
    parts = [re.escape(p) for p in re.split(_SEPARATOR, name.strip()) if p]
    if not parts:
        raise NotFoundError("give a name to look for, e.g. --entity Belhadj")
    between = _MIDDLE if len(parts) == 2 else _BETWEEN
    return re.compile(r"(?<!\w)" + between.join(parts) + r"(?!\w)", re.I)


_HEADING_WORD = re.compile(r"[A-Za-z][\w'’-]{3,}")
TITLE_CASE = 0.8  # share of a first line's longer words capitalised that makes it a heading


def title_case_heading(text: str) -> int:
    """Where the body starts after a Title Case headline (0 without one). In such a
    headline the recogniser runs names into the capitalised words after them:
    "George Zimmerman Auctioning Off Gun ...", "Ben Carson Defends Himself ...",
    "Hillary Clinton Slams Donald Trump" (138 such names in the 239 Title Case
    headlines of PolNeAR dev). They are no full names: the resolver leaves them out
    of the names it resolves a source to (a source "Zimmerman" read "George Zimmerman
    Auctioning Off"), and cuts them, as the entity graph does, to the body's names
    (text/headlines.py). A first line is a headline only where more text follows it."""
    end = text.find("\n")
    if end < 0:
        return 0
    words = _HEADING_WORD.findall(text, 0, end)
    if len(words) < 3:
        return 0
    return end if sum(w[0].isupper() for w in words) >= TITLE_CASE * len(words) else 0
