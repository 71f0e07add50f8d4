"""Tokenising with a bound on what spaCy's tokenizer is handed.

spaCy's tokenizer peels prefixes and suffixes off a whitespace-delimited
string one at a time, copying and re-searching the rest each time, so a long
run of characters it splits one by one (dashes, quotes, underscores,
brackets, "'s's's...") costs time quadratic in the run: 20,000 em dashes
take ~30 s, 8,000 apostrophes 10 s. Words, URLs and numbers are linear, but
infix-heavy runs (":a:a:a", long query strings) are superlinear too, so the
guard bounds every non-space run, not just punctuation.

A text whose non-space runs are all at most RUN_CHARS long (every ordinary
article: PolNeAR's longest is 87 characters) is tokenised exactly as before,
in one call. Otherwise it is cut inside each longer run every RUN_CHARS
characters, each piece is tokenised on its own and the pieces are joined
into one Doc whose text is the input, character for character. The
tokenizer's cost per character is then bounded by a constant (~40 µs at
worst for this bound), whatever the input.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from claimtrack.errors import ExtractError

# Well above any word or URL in news text (so articles never trigger the
# guard), low enough that the worst piece costs milliseconds.
RUN_CHARS = 256

# \S is str.isspace()'s complement, which is where spaCy's tokenizer splits
_LONG_RUN = re.compile(rf"\S{{{RUN_CHARS + 1},}}")


def cut_points(text: str, bound: int = RUN_CHARS) -> list[int]:
    """Offsets that cut every non-space run longer than `bound` into pieces
    of at most `bound` characters (empty for ordinary text)."""
    pattern = _LONG_RUN if bound == RUN_CHARS else re.compile(rf"\S{{{bound + 1},}}")
    cuts: list[int] = []
    for m in pattern.finditer(text):
        cuts.extend(range(m.start() + bound, m.end(), bound))
    return cuts


def tokenize(nlp, text: str) -> Doc:
    """nlp.tokenizer(text), except that no call sees a non-space run longer
    than RUN_CHARS. Token offsets index `text` as usual."""
    cuts = cut_points(text)
    if not cuts:
        return nlp.tokenizer(text)
    bounds = [0, *cuts, len(text)]
    # every cut falls inside a run, so no piece starts or ends with the
    # whitespace a token would carry: joining adds nothing between pieces
    docs = [nlp.tokenizer(text[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    if doc.text != text:  # every offset downstream depends on it
        raise ExtractError("the tokenizer changed the text of a long run; report this")
    return doc
