"""extract/tokens.py: the tokenizer never sees a run it is quadratic on
(issue 9, defect 4), and ordinary text is tokenised exactly as before."""

from __future__ import annotations

import json
import re

import pytest
from conftest import SEEDS

from claimtrack.extract import extract_texts
from claimtrack.extract.nlp import get_nlp
from claimtrack.extract.tokens import RUN_CHARS, long_runs, tokenize

_RUN = re.compile(r"\S+")

HOSTILE = {
    "em dashes": "The mayor said " + "—" * 3000 + " today.",
    "curly quotes": "The mayor said " + "\u201c" * 3000 + " today.",
    "underscores": "The mayor said " + "_" * 2000 + " today.",
    "apostrophe s": "The mayor said " + "'s" * 1500 + " today.",
    "word glued to a run": "The mayor said:" + "—" * 1000 + "today, he didn't say.",
    "long word": "The mayor said " + "a" * 5000 + " today.",
    "long url": "See http://example.com/" + "a/b?c=d&" * 500 + " now.",
    "runs between spaces": ("— " * 5 + "!" * 600 + " ") * 3,
}


class Spy:
    """The real tokenizer, noting the longest non-space run it was handed."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.longest = 0

    def __call__(self, text: str):
        self.longest = max([self.longest, *(len(m) for m in _RUN.findall(text))])
        return self.tokenizer(text)


@pytest.fixture()
def spy(monkeypatch) -> Spy:
    nlp = get_nlp()
    s = Spy(nlp.tokenizer)
    monkeypatch.setattr(nlp, "tokenizer", s)
    return s


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_tokenizer_never_sees_a_long_run_and_offsets_hold(spy: Spy, name: str) -> None:
    text = HOSTILE[name]
    doc = tokenize(get_nlp(), text)
    assert spy.longest <= RUN_CHARS
    assert doc.text == text
    assert all(text[t.idx : t.idx + len(t)] == t.text for t in doc)


def test_extraction_of_a_hostile_text_keeps_offsets(spy: Spy) -> None:
    text = HOSTILE["word glued to a run"] + "\n\n" + HOSTILE["em dashes"]
    (ex,) = extract_texts([text])
    assert spy.longest <= RUN_CHARS
    spans = [s for a in ex.attributions for s in (a.source, a.cue, a.content) if s]
    spans += [f for s in spans for f in s.fragments or []]
    assert spans and all(text[s.start : s.end] == s.text for s in spans)
    assert all(text[m.start : m.end] == m.text for m in ex.mentions)


def test_cut_text_keeps_the_tokenizer_exceptions() -> None:
    """Pieces are joined with their token attributes: "didn't" -> did + n't (norm "not")."""
    doc = tokenize(get_nlp(), HOSTILE["word glued to a run"])
    nt = next(t for t in doc if t.text == "n't")
    assert nt.norm_ == "not"


def test_a_long_run_is_a_few_long_tokens() -> None:
    """Not one token per dash: the parser's cost goes by tokens."""
    text = "The mayor said " + "—" * 1000 + " today.\n"
    doc = tokenize(get_nlp(), text)
    assert [len(t) for t in doc][3:7] == [RUN_CHARS, RUN_CHARS, RUN_CHARS, 1000 - 3 * RUN_CHARS]
    assert doc[6].whitespace_ == " " and doc[7].text == "today"
    assert long_runs("a " + "b" * 600 + " c", 256) == [(2, 602)]
    assert long_runs("ordinary words, and a URL http://example.com/x?y=z.") == []


def _texts() -> list[str]:
    from claimtrack.ingest import read_input

    return [read_input(str(p)).text for p in sorted(SEEDS.glob("*.md"))]


def test_guard_never_triggers_on_the_seeds(spy: Spy) -> None:
    for text in _texts():
        assert long_runs(text) == []
        assert tokenize(get_nlp(), text).to_json() == get_nlp().tokenizer.tokenizer(
            text).to_json()


def test_guard_never_triggers_on_polnear(polnear_path) -> None:
    with polnear_path.open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    assert [i for i, t in enumerate(texts) if long_runs(t)] == []
