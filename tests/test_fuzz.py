"""Hostile text through ingest, extraction and storing (issue 9), as hypothesis properties.

Inputs: the seeds and generated articles mutated with hostile pieces (quotes
straight and curly, brackets, colons, long tokens, punctuation runs, control
characters, lone surrogates / invalid UTF-8, RTL, combining marks, NUL, deep
HTML), and fully random text. Properties:
- nothing raises but the library's own ClaimtrackError, in one line;
- valid text is accepted and stored, and reads back as it was stored;
- every offset (claims' source/cue/content and their fragments, mentions,
  links, aliases) slices its text exactly.
The long run of the same generators is scripts/fuzz.py (docs/robustness.md).
"""

from __future__ import annotations

import itertools
import random
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_kill import fuzz

from claimtrack import api
from claimtrack.errors import ClaimtrackError, ExtractError
from claimtrack.ingest import parse_bytes

SLOW = settings(deadline=None, max_examples=30,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FAST = settings(deadline=None, max_examples=150,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SEED_TEXTS = fuzz.seed_texts()


def _is_control(piece: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r\x0c" for c in piece)


def hostile(surrogates: bool = True, controls: bool = True) -> st.SearchStrategy[str]:
    fixed = [p for p in fuzz.HOSTILE if controls or not _is_control(p)]
    runs = st.builds(lambda c, n: c * n,
                     st.sampled_from("\u2014-._!?,*#=~\u2026\"\u201c\u201d'\u2019\u00ab([{<"),
                     st.integers(20, 1500))
    parts = [st.sampled_from(fixed), runs,
             st.builds(lambda n: "a" + "\u0301" * n, st.integers(5, 300)),
             st.builds(lambda n: "x" * n, st.integers(50, 1200)),
             st.builds(lambda n: "<div>" * n + "text", st.integers(50, 400)),
             st.text(st.characters(exclude_categories=() if controls else ("Cc", "Cs")),
                     max_size=12)]
    if surrogates:
        parts.append(st.sampled_from(fuzz.SURROGATES))
    return st.one_of(*parts)


@st.composite
def base_text(draw) -> str:
    """A window of a seed, or a generated article."""
    if draw(st.booleans()):
        seed = draw(st.sampled_from(SEED_TEXTS))
        start = draw(st.integers(0, max(0, len(seed) - 300)))
        return seed[start:start + draw(st.integers(300, 2500))]
    return fuzz.article(random.Random(draw(st.integers(0, 2**32))))


@st.composite
def mutated(draw, surrogates: bool = True, controls: bool = True) -> str:
    text = draw(base_text())
    ops = draw(st.lists(st.tuples(st.floats(0, 1), st.sampled_from(("ins", "del", "rep")),
                                  st.integers(0, 40), hostile(surrogates, controls)),
                        min_size=1, max_size=6))
    for where, op, length, piece in ops:
        i = int(where * len(text))
        j = min(len(text), i + length)
        text = (text[:i] + piece + text[i:] if op == "ins" else
                text[:i] + text[j:] if op == "del" else text[:i] + piece + text[j:])
    return text


TEXTS = st.one_of(mutated(), st.text(min_size=1, max_size=400))
EXT = st.sampled_from((".md", ".txt", ".html"))


def encode(text: str) -> bytes:
    """UTF-8; a lone surrogate becomes invalid UTF-8 (what a broken file holds)."""
    return text.encode("utf-8", "surrogatepass")


def refused_in_one_line(e: BaseException) -> bool:
    return fuzz.one_line(e)


def check_extraction(text: str, extraction) -> None:
    problems = fuzz.extraction_problems(text, extraction)
    assert not problems, problems


# --- ingest --------------------------------------------------------------------------


@FAST
@given(raw=st.one_of(mutated().map(encode), st.binary(max_size=600)), ext=EXT)
@example(raw=b"Crisis. \xe2\x80\x9cMR.\n", ext=".txt")
@example(raw=b"x" * 9000 + b"\x00 The mayor said taxes rise.", ext=".txt")
def test_parse_bytes_accepts_or_refuses_in_one_line(raw, ext):
    try:
        parsed = parse_bytes(raw, f"fuzz{ext}")
    except Exception as e:  # noqa: BLE001 - which exception is the property
        assert refused_in_one_line(e), f"{type(e).__name__}: {e!r}"
        return
    assert parsed.text.strip()
    parsed.text.encode("utf-8")  # no lone surrogate reaches the store
    for link in parsed.links:
        assert parsed.text[link.start:link.end] == link.text


@FAST
@given(text=mutated(surrogates=False, controls=False), ext=st.sampled_from((".md", ".txt")))
def test_parse_bytes_keeps_valid_article_text(text, ext):
    """Valid UTF-8 text without control characters is a document, never refused."""
    parsed = parse_bytes(encode(text), f"fuzz{ext}")
    assert parsed.text.strip()


# --- extraction ----------------------------------------------------------------------


@SLOW
@given(text=TEXTS)
@example(text="The mayor said \ud800 taxes rise.")
@example(text="Crisis. \u201cMR.")
@example(text="The mayor said " + "\u2014" * 3000 + " today.")
def test_extract_text_offsets_slice_the_text(text):
    from claimtrack.extract import extract_text

    try:
        extraction = extract_text(text)
    except Exception as e:  # noqa: BLE001
        assert refused_in_one_line(e), f"{type(e).__name__}: {e!r}"
        return
    check_extraction(text, extraction)


@settings(SLOW, max_examples=10)
@given(texts=st.lists(TEXTS, min_size=2, max_size=4))
def test_extract_texts_yields_one_result_per_text(texts):
    """A batch never aborts: each text gets its Extraction, or an ExtractError in its
    place, and a text's extraction is the same in a batch as alone."""
    from claimtrack.extract import extract_text, extract_texts

    results = []
    try:
        results = list(extract_texts(texts, jobs=1))
    except Exception as e:  # noqa: BLE001
        pytest.fail(f"the batch raised {type(e).__name__}: {e!r}")
    assert len(results) == len(texts)
    for text, got in zip(texts, results, strict=True):
        if isinstance(got, ExtractError):
            assert refused_in_one_line(got), repr(got)
            continue
        check_extraction(text, got)
        assert got == extract_text(text)


# --- storing -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz") / "fuzz.db"


_names = itertools.count()


@SLOW
@given(raw=st.one_of(mutated().map(encode), st.text(min_size=1, max_size=400).map(encode)),
       ext=EXT)
@example(raw=b"Crisis. \xe2\x80\x9cMR.\n", ext=".txt")
@example(raw=b'The mayor said that "taxes\x1bwill rise."\n', ext=".txt")
@example(raw=(fuzz.SEEDS / "belhadj-isis-libya-2015.md").read_bytes()[:9000]
         + b"\x00 Officials said the talks failed.", ext=".md")
def test_add_stores_valid_text_with_exact_offsets(fuzz_db, tmp_path_factory, raw, ext):
    folder = tmp_path_factory.getbasetemp() / "fuzz-inputs"
    folder.mkdir(exist_ok=True)
    path = folder / f"input-{next(_names)}{ext}"
    path.write_bytes(raw)
    try:
        parsed = parse_bytes(raw, str(path))
    except ClaimtrackError:
        parsed = None
    try:
        result = api.add(fuzz_db, [str(path)])
    except Exception as e:  # noqa: BLE001
        pytest.fail(f"api.add raised {type(e).__name__}: {e!r}")
    if parsed is None:  # refused: one line, nothing stored
        assert not result.added and len(result.failures) == 1
        assert refused_in_one_line(result.failures[0]), repr(result.failures[0])
        return
    assert not result.failures, [str(f) for f in result.failures]
    docs = [d for d in result.added] + [d for _, d in result.unchanged]
    assert len(docs) == 1
    doc = docs[0]
    from claimtrack.store import db as dbmod
    from claimtrack.store import documents as store

    db = dbmod.open_db(fuzz_db)
    try:
        if result.added:  # unchanged: the same bytes were stored before, maybe as another format
            assert store.get_text(db, doc.id) == parsed.text
            assert doc.chars == len(parsed.text)
        violations = fuzz.offset_violations(db.conn)
        assert not violations, violations
    finally:
        db.conn.close()
    # what was stored can be read back: listing its claims and entities must not raise
    api.claims(fuzz_db, doc=doc.id)
    api.entities(fuzz_db, doc=doc.id)
