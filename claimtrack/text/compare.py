"""The text of a claim as it is compared across documents."""

from __future__ import annotations

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
