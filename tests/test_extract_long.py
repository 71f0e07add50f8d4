"""extract/pieces.py: long documents in paragraph-aligned pieces (issue 9,
defect 3): one Extraction with the whole text's offsets, the same
attributions as the articles alone."""

from __future__ import annotations

import bisect

import pytest
from conftest import BELHADJ, HAFTAR

from claimtrack.extract import extract_text, extract_texts, pieces
from claimtrack.extract.nlp import get_nlp
from claimtrack.ingest import read_input
from claimtrack.models import Extraction, Span

# read only at a document's start: the concatenation has one start
START_RULES = {"no_source", "headline_colon", "headline_says"}


def _spans(ex: Extraction) -> list[Span]:
    out = [s for a in ex.attributions for s in (a.source, a.cue, a.content) if s]
    return out + [f for s in out for f in s.fragments or []]


def test_split_is_paragraph_aligned_and_concatenates() -> None:
    para = "A paragraph that goes on for a while. " * 5 + "\n\n"
    text = para * 200
    parts = pieces.split(text, 3000)
    assert "".join(p for _, p in parts) == text
    assert all(text[o : o + len(p)] == p for o, p in parts)
    assert all(len(p) <= 3000 for _, p in parts)
    assert all(o == 0 or text[o - 1] == "\n" and not text[o].isspace() for o, _ in parts)
    assert pieces.split("short text\n\nmore") == [(0, "short text\n\nmore")]


def test_split_without_line_breaks_or_spaces_still_bounded() -> None:
    parts = [p for _, p in pieces.split("word " * 1000, 1000)]
    assert all(len(p) <= 1000 and p.endswith("word ") for p in parts)  # cut between words
    assert [len(p) for _, p in pieces.split("x" * 2500, 1000)] == [1000, 1000, 500]


def _edges(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """The first paragraph after each of `starts`."""
    out = []
    for s in starts:
        end = text.find("\n", s)
        out.append((s, len(text) if end < 0 else end))
    return out


def test_concatenated_articles_match_the_articles_alone(monkeypatch) -> None:
    """Two seeds repeated past the piece size (made small here to stay CI-sized)."""
    monkeypatch.setattr(pieces, "PIECE_CHARS", 30_000)
    arts = [read_input(str(p)).text for p in (BELHADJ, HAFTAR)]
    seq = arts * 3
    text = "\n\n".join(seq)
    starts = [0]
    for t in seq[:-1]:
        starts.append(starts[-1] + len(t) + 2)
    cuts = [o for o, _ in pieces.split(text)]
    assert len(cuts) > 1 and len(text) > pieces.PIECE_CHARS

    alone = list(extract_texts(arts))
    (whole,) = extract_texts([text])
    assert all(text[s.start : s.end] == s.text for s in _spans(whole))
    assert all(text[m.start : m.end] == m.text for m in whole.mentions)

    # an article's title is a headline only at the start of a document, and
    # the parse of a piece's first line lacks the lines before it
    edges = _edges(text, starts[1:] + cuts[1:])

    def near_edge(a, by: int = 0) -> bool:
        roles = [s for s in (a.source, a.cue, a.content) if s]
        return any(s.start + by < e and s.end + by > b for s in roles for b, e in edges)

    def key(a, by: int):
        def sh(s):
            return s and (s.start + by, s.end + by,
                          tuple((f.start + by, f.end + by) for f in s.fragments or ()))
        return (sh(a.content), sh(a.source), sh(a.cue), a.rule, a.kind, a.cue_class)

    expected, entity = set(), {}
    for k, start in enumerate(starts):
        for a in alone[k % 2].attributions:
            # the author's statements depend on where a document's lede is: compared
            # here are the attributions
            if (k and a.rule in START_RULES) or a.rule == "author" or near_edge(a, start):
                continue
            expected.add(key(a, start))
            entity[key(a, start)] = a.source_entity
    got = {key(a, 0): a for a in whole.attributions
           if not near_edge(a) and a.rule != "author"}
    assert set(got) == expected
    # resolution stays within a piece: a name given before a cut is not
    # found after it (the only other difference allowed)
    for k, a in got.items():
        if a.source_entity != entity[k]:
            piece = bisect.bisect_right(cuts, a.content.start) - 1
            article = bisect.bisect_right(starts, a.content.start) - 1
            assert piece > 0 and starts[article] < cuts[piece], (a, entity[k])
    # relay hops point inside the list, within a piece
    for a in whole.attributions:
        if a.relayed_by is not None:
            hop = whole.attributions[a.relayed_by]
            assert bisect.bisect_right(cuts, hop.content.start) == bisect.bisect_right(
                cuts, a.content.start)

    def mentions(ex: Extraction, by: int) -> set:
        return {(m.start + by, m.end + by, m.label) for m in ex.mentions
                if not any(m.start + by < e and m.end + by > b for b, e in edges)}

    assert mentions(whole, 0) == set().union(
        *(mentions(alone[k % 2], s) for k, s in enumerate(starts)))


def test_over_a_million_characters_extracts() -> None:
    """spaCy's limit (E088) no longer applies; cheap to parse: few, long words."""
    nlp = get_nlp()
    said = "The mayor said that taxes will rise.\n\n"
    para = said + ("Z" * 250 + "\n\n") * 40
    text = para * (nlp.max_length // len(para) + 2)
    assert len(text) > nlp.max_length
    (ex,) = extract_texts([text], jobs=1)
    assert isinstance(ex, Extraction)
    rises = [a for a in ex.attributions if a.content.text == "that taxes will rise"]
    assert len(rises) == text.count(said)
    assert all(text[s.start : s.end] == s.text for s in _spans(ex))
    assert all(text[m.start : m.end] == m.text for m in ex.mentions)


def test_extract_text_takes_a_long_text_in_pieces(monkeypatch) -> None:
    monkeypatch.setattr(pieces, "PIECE_CHARS", 2000)
    text = "\n\n".join(["Taxes", *(f"In {i} the mayor said that taxes will rise."
                                    for i in range(200))])
    ex = extract_text(text)
    assert ex.model_dump() == next(extract_texts([text])).model_dump()
    said = [a for a in ex.attributions if a.content.text == "that taxes will rise"]
    assert len(said) == 200 and all(text[s.start : s.end] == s.text for s in _spans(ex))


@pytest.mark.parametrize("path", [BELHADJ, HAFTAR])
def test_ordinary_article_is_one_piece(path) -> None:
    text = read_input(str(path)).text
    assert pieces.split(text) == [(0, text)]


def test_a_line_of_thousands_of_tokens_is_parsed_in_sentences_of_at_most_max_run() -> None:
    """Nested quotations on one line: the rules read parse subtrees, which a sentence of
    thousands of tokens makes quadratic (minutes for 30 KB), so a run of MAX_RUN tokens
    with no line break is cut, after a sentence-final mark where its second half has one."""
    from claimtrack.extract import prepare
    from claimtrack.extract.quotes import MAX_RUN

    nlp = get_nlp()
    nested = 'He said "' * 700 + "x" + '"' * 700  # one line, no sentence-final mark
    doc = prepare(nlp, nested)
    starts = [t.i for t in doc if t.is_sent_start] + [len(doc)]
    assert len(doc) > 2 * MAX_RUN
    assert all(b - a <= MAX_RUN for a, b in zip(starts, starts[1:], strict=False))
    # with marks: cut after the last one in the run
    prose = "The mayor said taxes rise. " * 400
    doc = prepare(nlp, prose)
    cuts = [t.i for t in doc if t.is_sent_start and t.i]
    assert cuts and all(doc[i - 1].text == "." for i in cuts)
    # an article's lines are never cut: sentence starts only after line breaks
    doc = prepare(nlp, HAFTAR.read_text(encoding="utf-8"))
    assert all("\n" in doc[t.i - 1].text for t in doc if t.is_sent_start and t.i)
    # the extraction is whole
    assert extract_text(nested).attributions
