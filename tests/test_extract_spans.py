"""extract/spans.py: the doc-level lists the rules read instead of spaCy's rebuilt ones."""

from __future__ import annotations

from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.extract import parse
from claimtrack.extract.nlp import get_nlp
from claimtrack.extract.spans import ents_within

_TEXT = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.md")))
_DOC = None


def _doc():
    global _DOC
    if _DOC is None:
        _DOC = parse(get_nlp(), _TEXT)
    return _DOC


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_ents_within_is_spacys_span_ents(data):
    """A transcript of 3,000 turns asked Span.ents 3,000 times, each building every
    entity of the doc; the entities listed once give the same answer for any span."""
    doc = _doc()
    assert len(doc.ents) > 20
    start = data.draw(st.integers(0, len(doc) - 1))
    end = data.draw(st.integers(start, min(len(doc), start + 40)))
    span = doc[start:end]
    assert [(e.start, e.end, e.label_) for e in ents_within(span)] == \
        [(e.start, e.end, e.label_) for e in span.ents]
