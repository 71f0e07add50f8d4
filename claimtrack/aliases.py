"""Identifications an author inserts into a text: "Abu Abdullah Sadik [aka Abdelhakim Belhadj]".

Square brackets are the editor's convention for words that are not the quoted
source's, so a bracketed name after a name is the *author's* assertion that the
two are one, even inside someone else's quotation ("Darnah [Derna]"). In the
author's own text, "(also known as X)", "(aka X)" and an acronym in parentheses
after a name ("Libyan Islamic Fighting Group (LIFG)") say the same; inside a
quotation a parenthesis is the source's own words, so it is left alone there.

Only names on both sides: "[sic]", "he [Belhadj]", "the group [ISIS]" or
"[...]" are not aliases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from claimtrack.models import Alias, Attribution, Claim
from claimtrack.text.names import canonical_name

# a capitalised word: "Abdelhakim", "Al-Mismari", "O'Neil", "Qa’ida", "St."
_WORD = r"[A-Z][\w'\u2019.\-]*"
# lowercase particles inside names: "Osama bin Laden", "Ahmed al Mismari"
_PARTICLE = r"(?:al|el|bin|ibn|bint|de|del|da|di|van|von|der|den|la|le|du|dos|of)"
_NAME = rf"{_WORD}(?:[ \u00a0]+(?:{_PARTICLE}[ \u00a0]+)?{_WORD}){{0,5}}"
_AKA = r"(?:aka|a\.k\.a\.?|also known as|also called|known as|i\.e\.?,?|=)"

# "X [aka Y]", "X [Y]"
_START = r"(?<![\w'\u2019])"
_BRACKET = re.compile(rf"{_START}(?P<x>{_NAME})[ \u00a0]*\[(?:{_AKA}[ \u00a0]+)?(?P<y>{_NAME})\]")
# "X (also known as Y)", "X (aka Y)": the author's own words only
_PAREN_AKA = re.compile(rf"{_START}(?P<x>{_NAME})[ \u00a0]*\({_AKA}[ \u00a0]+(?P<y>{_NAME})\)")
# "X (ABC)" when ABC are X's initials
_PAREN_ACRONYM = re.compile(
    rf"{_START}(?P<x>{_NAME})(?:['\u2019]s)?[ \u00a0]*\((?P<y>[A-Z]{{2,8}})\)"
)

# capitalised words that start a sentence rather than a name
_NOT_NAME_START = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "and", "but", "or", "as", "in", "on",
     "at", "by", "for", "from", "to", "with", "of", "under", "after", "before", "when", "while",
     "if", "he", "she", "it", "they", "we", "i", "you", "his", "her", "their", "its", "our"}
    # common words that open a sentence or a quote: "Between [Donald Trump] and ..."
    | {"between", "everything", "nothing", "something", "anything", "everyone", "nobody",
       "someone", "all", "some", "many", "most", "both", "each", "every", "no", "not", "now",
       "then", "here", "there", "today", "yesterday", "however", "also", "so", "yet", "why",
       "what", "who", "how", "where", "which", "mr", "mrs", "ms", "dr", "said", "says", "my",
       "your", "me", "him", "them", "us", "because", "since", "about", "against", "during",
       "without", "through", "over", "until", "once", "only", "just", "even", "still"}
)
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "in", "on", "at", "de", "al", "el", "&"})


def _trim(name: str) -> str:
    """Drop leading function words the name pattern swallowed ("The", "Under")."""
    # a sentence break the name pattern ran across: "Qaddafi. The Group"
    name = re.split(r"[.!?][ \u00a0]+(?=[A-Z])", name)[-1]
    words = name.split()
    while words and words[0].lower().strip(".") in _NOT_NAME_START:
        words.pop(0)
    return canonical_name(" ".join(words).rstrip("."))


def _completes(x: str, y: str, bracket: str) -> bool:
    """A bare one-word bracket after a one-word name completes it ("Bill [Clinton]")
    unless it spells the same name another way ("Darnah [Derna]")."""
    bare = re.fullmatch(r"\[[ \u00a0]*" + re.escape(y) + r"[ \u00a0]*\]", bracket) is not None
    one_word = len(x.split()) == 1 and len(y.split()) == 1
    return bare and one_word and SequenceMatcher(None, x.casefold(), y.casefold()).ratio() < 0.5


def _initials(name: str) -> str:
    words = re.split(r"[\s\-]+", name)
    return "".join(w[0] for w in words if w and w.lower() not in _SMALL_WORDS).upper()


def _inside(pos: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _acronym_alias(x: str, acronym: str) -> str | None:
    """The shortest tail of `x` whose initials are the acronym ("the Libyan ... Group")."""
    words = x.split()
    for i in range(len(words) - 1, -1, -1):
        tail = " ".join(words[i:])
        if _initials(tail) == acronym:
            return _trim(tail) or None
    return None


def find_aliases(text: str, quoted: Iterable[tuple[int, int]] = ()) -> list[Alias]:
    """Author-inserted identifications in `text`, in text order.

    `quoted`: (start, end) stretches that are someone else's words (quotations);
    parentheses there are theirs, not the author's, and are skipped. Brackets
    count everywhere.
    """
    quoted = list(quoted)
    found: dict[int, Alias] = {}
    for m in _BRACKET.finditer(text):
        # "... GIFs. [HuffPost.]": a credit line after a sentence, not an identification
        if m.group("x").endswith(".") or m.group("y").endswith("."):
            continue
        x, y = _trim(m.group("x")), _trim(m.group("y"))
        if x and y and x.casefold() != y.casefold():
            start = text.index("[", m.end("x"))
            if _completes(x, y, text[start : m.end()]):
                y = f"{x} {y}"  # "Bill [Clinton]": the author completes the name
            found[start] = Alias(start=start, end=m.end(), name=y, alias=x)
    for m in _PAREN_AKA.finditer(text):
        start = text.index("(", m.end("x"))
        x, y = _trim(m.group("x")), _trim(m.group("y"))
        if x and y and x.casefold() != y.casefold() and not _inside(start, quoted):
            # "X (also known as Y)": X is the name the text goes by, Y the other one
            found.setdefault(start, Alias(start=start, end=m.end(), name=x, alias=y))
    for m in _PAREN_ACRONYM.finditer(text):
        start = text.index("(", m.end("x"))
        full = _acronym_alias(m.group("x"), m.group("y"))
        if full and not _inside(start, quoted):
            found.setdefault(start, Alias(start=start, end=m.end(), name=full, alias=m.group("y")))
    return [found[k] for k in sorted(found)]


def describe(alias: Alias) -> str:
    """How the chain and report state it: as the asserter's claim, never the quoted source's."""
    who = "author" if alias.asserted_by == "author" else alias.asserted_by
    return f"{who} identifies {alias.alias} as {alias.name}"


def quoted_spans(attributions: Iterable[Attribution]) -> list[tuple[int, int]]:
    """Stretches that are someone else's words: the contents of direct and mixed quotes."""
    return [
        (a.content.start, a.content.end)
        for a in attributions
        if a.source is not None and a.kind in ("direct", "mixed")
    ]


def alias_in(claim: Claim, alias: Alias) -> bool:
    """Is the inserted bracket part of the claim's quote? The extractor cuts author
    brackets out of quotes, so one right after the content ("Sadik [aka ...]") counts."""
    return claim.content.start <= alias.start <= claim.content.end + 2
