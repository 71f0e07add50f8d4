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
in one call. In any other text, each longer run becomes tokens of RUN_CHARS
characters (the last shorter) without the tokenizer, the text between runs
is tokenised as usual, and the parts are joined into one Doc whose text is
the input, character for character. Such a run is no prose, and one token
per RUN_CHARS characters (not one per dash) keeps the parser's time and
memory, which go by tokens (~17 KB each), small too.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from claimtrack.errors import ExtractError

# Well above any word or URL in news text (so articles never trigger the
# guard), low enough that the worst piece costs milliseconds.
RUN_CHARS = 256

# \S is str.isspace()'s complement, which is where spaCy's tokenizer splits
_LONG_RUN = re.compile(rf"\S{{{RUN_CHARS + 1},}}")


def long_runs(text: str, bound: int = RUN_CHARS) -> list[tuple[int, int]]:
    """(start, end) of each non-space run longer than `bound` (none in ordinary text)."""
    pattern = _LONG_RUN if bound == RUN_CHARS else re.compile(rf"\S{{{bound + 1},}}")
    return [m.span() for m in pattern.finditer(text)]


def tokenize(nlp: Language, text: str) -> Doc:
    """nlp.tokenizer(text), except that no call sees a non-space run longer
    than RUN_CHARS. Token offsets index `text` as usual."""
    runs = long_runs(text)
    if not runs:
        return nlp.tokenizer(text)
    docs, pos = [], 0
    for start, end in runs:
        if pos < start:
            docs.append(nlp.tokenizer(text[pos:start]))
        words = [text[i : min(i + RUN_CHARS, end)] for i in range(start, end, RUN_CHARS)]
        # the single space after a run is its last token's, as the tokenizer does it
        spaced = text[end : end + 1] == " "
        docs.append(Doc(nlp.vocab, words=words, spaces=[False] * (len(words) - 1) + [spaced]))
        pos = end + spaced
    if pos < len(text):
        docs.append(nlp.tokenizer(text[pos:]))
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    if doc.text != text:  # every offset downstream depends on it
        raise ExtractError("the tokenizer changed the text around a long run; report this")
    return doc
