"""queries: claims with filters, paged, each page flagged and graded as far as it needs."""

from __future__ import annotations

import hashlib

import pytest

from claimtrack import corpusflags, queries
from claimtrack.corpus.update import document_added
from claimtrack.entities import stored_facts
from claimtrack.errors import NotFoundError
from claimtrack.flags import make_flag
from claimtrack.models import Attribution, Extraction, ParsedInput, SourceInfo, Span
from claimtrack.store import documents as store
from claimtrack.store.db import open_db

pytestmark = pytest.mark.model_free


def add(db, origin: str, text: str, atts: list[tuple], publisher: str | None = None,
        source_type: str | None = None) -> str:
    """Store `text` with attributions given as (source, cue, content, relayed_by[, entity]),
    and derive the cross-document index as `add` does."""

    def sp(phrase: str | tuple[str, int] | None) -> Span | None:
        """A phrase's first occurrence, or (phrase, n) for its n-th (0-based)."""
        if phrase is None:
            return None
        phrase, nth = phrase if isinstance(phrase, tuple) else (phrase, 0)
        i = -1
        for _ in range(nth + 1):
            i = text.index(phrase, i + 1)
        return Span.of(text, i, i + len(phrase))

    attributions, flags = [], []
    for source, cue, content, relayed_by, *entity in atts:
        attributions.append(
            Attribution(
                source=sp(source),
                cue=sp(cue),
                cue_lemma=cue if isinstance(cue, str) else cue and cue[0],
                content=sp(content),
                relayed_by=relayed_by,
                source_entity=entity[0] if entity else None,
                source_info=SourceInfo(type=source_type) if source_type and source else None,
                kind="direct" if str(content).startswith('"') else "indirect",
            )
        )
        flags.append([make_flag("no_source")] if source is None and cue is None else [])
    parsed = ParsedInput(
        origin=origin,
        format="text",
        title=origin.title(),
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        publisher=publisher,
    )
    return store.add_document(
        db, parsed, Extraction(extractor="t/1", attributions=attributions), flags,
        derive=document_added,  # the stored index, as `add` builds it
        facts=stored_facts,
    ).id


A = (
    "Ahmed Al-Mismari claimed that council members held secret meetings with Al-Qaeda leaders, "
    "according to Libya Observer. Officials said that oil exports doubled in March. "
    "The region is unstable."
)


A_ATTS = [
    (
        "Ahmed Al-Mismari",
        "claimed",
        "council members held secret meetings with Al-Qaeda leaders",
        1,
    ),
    (
        "Libya Observer",
        "according to",
        "Ahmed Al-Mismari claimed that council members held secret meetings with Al-Qaeda leaders",
        None,
    ),  # noqa: E501
    ("Officials", "said", "oil exports doubled in March", None),
    (None, None, "The region is unstable.", None),
]


B = (
    "A spokesman for Haftar said council members held secret meetings with leaders of Al-Qaeda. "
    '"We saw nothing," Belhadj said.'
)


B_ATTS = [
    (
        "A spokesman for Haftar",
        "said",
        "council members held secret meetings with leaders of Al-Qaeda",
        None,
    ),  # noqa: E501
    ("Belhadj", "said", '"We saw nothing,"', None, "Abdelhakim Belhadj"),
]


def codes(c) -> list[str]:
    return [f.code for f in c.flags]


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "q.db")


def test_filters(db):
    a = add(db, "a.txt", A, A_ATTS)
    b = add(db, "b.txt", B, B_ATTS)
    assert {c.doc_id for c in queries.claims(db, doc="b")} == {b}
    by_name = queries.claims(db, entity="belhadj")  # case-insensitive, surname finds entity
    assert [c.id for c in by_name] == [f"{b}:1"]
    assert [c.id for c in queries.claims(db, entity="Abdelhakim Belhadj")] == [f"{b}:1"]
    qaeda = {c.id for c in queries.claims(db, entity="Al Qaeda")}  # hyphen == space
    assert qaeda == {f"{a}:0", f"{a}:1", f"{b}:0"}
    with pytest.raises(NotFoundError, match="no claim by or about 'Qaed'"):
        queries.claims(db, entity="Qaed")  # whole words only
    assert [c.seq for c in queries.claims(db, flag="no_source")] == [3]
    assert [c.id for c in queries.claims(db, kind="direct")] == [f"{b}:1"]
    assert [c.id for c in queries.claims(db, doc="a", flag="single_source")] == [f"{a}:2"]
    assert [c.id for c in queries.claims(db)][:2] == [f"{a}:0", f"{a}:1"]  # stable order


def test_filter_errors(db):
    add(db, "a.txt", A, A_ATTS)
    with pytest.raises(NotFoundError, match="unknown flag"):
        queries.claims(db, flag="dubious")
    with pytest.raises(NotFoundError, match="unknown kind"):
        queries.claims(db, kind="sarcastic")
    with pytest.raises(NotFoundError, match="claimtrack docs"):
        queries.claims(db, doc="missing")


def _count_graded(monkeypatch) -> list[str]:
    """Record the ids of every claim graded or given corpus flags."""
    import claimtrack.credibility as credibility

    seen: list[str] = []
    real_grade, real_co = credibility.credibility, corpusflags.corroboration
    monkeypatch.setattr(credibility, "credibility",
                        lambda c, *a, **k: seen.append(c.id) or real_grade(c, *a, **k))
    monkeypatch.setattr(corpusflags, "corroboration",
                        lambda db, cs: seen.extend(c.id for c in cs) or real_co(db, cs))
    return seen


def _spy_parts(monkeypatch) -> list:
    """The documents whose claims a listing reads (readback.read_in_parts), as read."""
    from claimtrack.store import readback

    read_docs: list = []
    real = readback.read_in_parts
    monkeypatch.setattr(readback, "read_in_parts",
                        lambda db, doc_id, author=False: read_docs.append(doc_id)
                        or real(db, doc_id, author))
    return read_docs


def test_a_page_of_a_long_document_reads_its_first_part(db, monkeypatch):
    """A page of a document of 30,000 claims read them all (2.6 s for 50 rows); a
    document is read a part (PART claims by seq) at a time, as far as the page needs."""
    from claimtrack.store import readback

    add(db, "a.txt", A, A_ATTS)
    every = queries.claims(db)
    assert len(every) >= 3
    monkeypatch.setattr(readback, "PART", 2)
    parts: list = []
    real = readback.read_claims
    monkeypatch.setattr(readback, "read_claims",
                        lambda *a, **k: parts.append(k.get("seqs")) or real(*a, **k))
    assert queries.claims(db, limit=1) == every[:1]
    assert parts == [(0, 2)]
    parts.clear()
    assert queries.claims(db, limit=3) == every[:3]  # the next part when the page needs it
    assert parts == [(0, 2), (2, 4)]


def test_a_page_grades_only_its_rows(db, monkeypatch):
    add(db, "a.txt", A, A_ATTS)
    add(db, "b.txt", B, B_ATTS)
    every = queries.claims(db)
    single = [c for c in every if "single_source" in codes(c)]
    assert len(single) >= 2
    seen = _count_graded(monkeypatch)
    graded: list[str] = []
    real = corpusflags.grade_claims  # as corpusflags calls it
    monkeypatch.setattr(corpusflags, "grade_claims",
                        lambda cs, *a, **k: graded.extend(c.id for c in cs) or real(cs, *a, **k))
    page = queries.claims(db, flag="single_source", limit=1, offset=1)
    assert page == single[1:2]
    assert graded == [single[1].id]
    assert set(seen) <= {c.id for c in every}
    seen.clear()
    read_docs = _spy_parts(monkeypatch)
    assert queries.claims(db, limit=2) == every[:2]
    assert read_docs == [every[0].doc_id]  # the page is full within the first document
    assert set(seen) == {c.id for c in every[:2]}  # no filter on flags: only the page
    assert queries.claims(db, flagged=True, limit=2, offset=1) == \
        [c for c in every if c.flags][1:3]


def test_a_static_flag_reads_only_the_documents_that_store_it(db, monkeypatch):
    """A page of a rare flag read every document's claims to find a few; a static flag
    (stored with the claim) is looked up in SQL first, and only its documents are read."""
    a = add(db, "a.txt", A, A_ATTS)
    b = add(db, "b.txt", B, B_ATTS)
    c = add(db, "c.txt", A.replace("Libya Observer", "Tripoli Post"), A_ATTS[2:])
    every = queries.claims(db)
    read_docs = _spy_parts(monkeypatch)
    got = queries.claims(db, flag="no_source", limit=50)
    assert got == [x for x in every if "no_source" in codes(x)]
    assert {x.doc_id for x in got} == {a, c} and read_docs == [a, c]  # b carries none
    read_docs.clear()
    assert queries.claims(db, flag="hedged", limit=50) == [] and read_docs == []
    # a corpus flag is never stored: every document is read, as before
    assert [x.id for x in queries.claims(db, flag="single_source", limit=50)] == \
        [x.id for x in every if "single_source" in codes(x)]
    assert read_docs == [a, b, c]


def test_every_page_of_a_corpus_flag_is_the_slice_of_the_whole(db, monkeypatch):
    """A page past a deep --offset holds only its own rows (it held every claim the
    filter accepted before it); each page is still the slice of the whole listing,
    the step boundaries included."""
    add(db, "a.txt", A, A_ATTS)
    add(db, "b.txt", B, B_ATTS)
    monkeypatch.setattr(queries, "_STEP", 1)
    for flag, flagged in (("single_source", False), (None, True)):
        whole = queries.claims(db, flag=flag, flagged=flagged)
        assert len(whole) >= 2
        for offset in range(len(whole) + 2):
            for limit in (1, 2, 5):
                assert queries.claims(db, flag=flag, flagged=flagged, limit=limit,
                                      offset=offset) == whole[offset:offset + limit]
