"""The text of a claim as it is compared across documents."""

from __future__ import annotations

import re

COMPLEMENTISERS = frozenset({"that", "whether", "if"})
_QUOTES = "\"'“”‘’«»„"


def compared_text(text: str) -> str:
    """The content as a matcher should see it: no complementiser, no outer quotes,
    no closing punctuation, single spaces."""
    s = " ".join(text.split()).strip(_QUOTES + " ,;:")
    first, _, rest = s.partition(" ")
    if first.lower() in COMPLEMENTISERS and rest:
        s = rest
    s = s.strip(_QUOTES + " ")
    while s and s[-1] in ".,;:!?" + _QUOTES:
        s = s[:-1].rstrip()
    return s


# First-person words inside what a named source says are that source: "I am a threat to
# the political class" (Carson, quoted) tells what "he is being attacked because he is a
# threat" tells of Carson, and "We have never expressed interest in collecting the
# firearm" (the Smithsonian, quoted) denies what "the Smithsonian had expressed interest"
# says. The plural only for a source that is no person: a politician's "we" is a campaign,
# a party or a country, an institution's "we" is the institution.
# ...a word of its own: "I'm" and "we've" are, "Israel's" and "I.M. Pei" are not
_END = r"(?!\w|-|\.\w|['’](?!(?:m|ve|d|ll|re)\b))"
_SINGULAR = re.compile(rf"(?<![\w’'.-])(?:I|[Mm]e|[Mm]y|[Mm]yself){_END}")
# case matters: "US" is the United States
_PLURAL = re.compile(rf"(?<![\w’'.-])(?:[Ww]e|[Uu]s|[Oo]ur|[Oo]urselves|[Oo]urs){_END}")
# "World War I", "Title I", "Louis I": a capital I after a capitalised word is a numeral
_NUMERAL_I = re.compile(r"[A-Z][\w’'.-]*\s+$")


def as_said_by(text: str, speaker: str | None, plural: bool = False) -> str:
    """`text` with the first-person words of its speaker replaced by the speaker's name
    (the plural ones too where `plural`: a speaker that is no person). Unchanged
    without a speaker."""
    if not speaker:
        return text

    def singular(m: re.Match[str]) -> str:
        if m.group() == "I" and _NUMERAL_I.search(text, 0, m.start()):
            return m.group()
        return speaker

    out = _SINGULAR.sub(singular, text)
    # a function, not the name itself: a replacement string reads a backslash in it as a group
    return _PLURAL.sub(lambda _: speaker, out) if plural else out
