"""diff: shared claims and their differences, one-sided claims, entities, sourcing."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack import store
from claimtrack.db import open_db
from claimtrack.diff import diff_claims, diff_documents, shared_entities, sourcing_profile
from claimtrack.flags import make_flag
from claimtrack.models import (
    Attribution,
    Claim,
    Document,
    Extraction,
    Flag,
    Mention,
    ParsedInput,
    Span,
)
from claimtrack.similarity import normalise_name as normalise


def at(text: str, phrase: str) -> Span:
    i = text.index(phrase)
    return Span.of(text, i, i + len(phrase))


def mentions(text: str, *names: tuple[str, str]) -> list[Mention]:
    out = []
    for name, label in names:
        i = text.index(name)
        out.append(Mention(start=i, end=i + len(name), text=name, label=label))
    return out


def add(db, origin, text, atts, flags, ments):
    parsed = ParsedInput(
        origin=origin,
        format="text",
        title=origin,
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )
    ex = Extraction(extractor="t/1", attributions=atts, mentions=ments)
    # the stored index, as `add` builds it: corpus flags read it (queries.py)
    from claimtrack.corpus.update import document_added

    return store.add_document(db, parsed, ex, flags, derive=document_added).id


A = (
    "Ahmed Al-Mismari claimed that council members met Al-Qaeda leaders in secret, according to "
    "Libya Observer. Officials said oil exports doubled. Al Qaeda is everywhere."
)
B = (
    "Reuters said council members met Al-Qaeda leaders in secret. The UN confirmed that the "
    "ceasefire holds. Haftar's men, the Al-Qaeda foes, left."
)


def seed(db):
    a_atts = [
        Attribution(source=at(A, "Ahmed Al-Mismari"), cue=at(A, "claimed"), cue_lemma="claim",
                    content=at(A, "council members met Al-Qaeda leaders in secret"), relayed_by=1),
        Attribution(source=at(A, "Libya Observer"), cue=at(A, "according to"),
                    cue_lemma="according to", relation="according to",
                    content=Span.of(A, 0, A.index(", according"))),
        Attribution(source=at(A, "Officials"), cue=at(A, "said"), cue_lemma="say",
                    content=at(A, "oil exports doubled")),
        Attribution(content=at(A, "Al Qaeda is everywhere.")),
    ]  # fmt: skip
    a_flags = [[], [], [make_flag("anonymous_source")], [make_flag("no_source")]]
    b_atts = [
        Attribution(source=at(B, "Reuters"), cue=at(B, "said"), cue_lemma="say",
                    content=at(B, "council members met Al-Qaeda leaders in secret")),
        Attribution(source=at(B, "The UN"), cue=at(B, "confirmed"), cue_lemma="confirm",
                    content=at(B, "the ceasefire holds")),
    ]  # fmt: skip
    a = add(db, "a.md", A, a_atts, a_flags, mentions(
        A, ("Ahmed Al-Mismari", "PERSON"), ("Al-Qaeda", "ORG"), ("Libya Observer", "ORG"),
        ("Al Qaeda", "ORG"),
    ))  # fmt: skip
    b = add(db, "b.md", B, b_atts, [[], []], mentions(
        B, ("Reuters", "ORG"), ("Al-Qaeda", "ORG"), ("UN", "ORG"), ("Haftar's", "PERSON"),
        ("Al-Qaeda foes", "ORG"),
    ))  # fmt: skip
    return a, b


def test_diff_two_accounts(tmp_path):
    db = open_db(tmp_path / "d.db")
    a, b = seed(db)
    d = diff_documents(db, "a.md", b[:6])
    assert (d.a.id, d.b.id) == (a, b)
    (pair,) = [s for s in d.shared if s.a.seq == 0]
    assert pair.b.id == f"{b}:0" and pair.similarity == 1.0
    assert pair.source_differs and pair.cue_differs
    assert pair.differences == ["source: Ahmed Al-Mismari vs Reuters", "cue: claim vs say"]
    assert f"{b}:1" in {c.id for c in d.only_in_b}
    assert {f"{a}:2", f"{a}:3"} <= {c.id for c in d.only_in_a}
    ents = {e.name: (e.count_a, e.count_b, e.label) for e in d.shared_entities}
    assert ents == {"Al-Qaeda": (2, 1, "ORG")}  # "Al Qaeda" folded in, most frequent form shown
    assert d.sourcing.a.model_dump() == {
        "claims": 4, "named": 2, "unnamed": 1, "vague": 0, "no_source": 1, "unresolved": 0,
        "relayed": 1, "longest_chain": 2, "single_source": 1,
    }  # fmt: skip
    assert (d.sourcing.b.named, d.sourcing.b.relayed, d.sourcing.b.longest_chain) == (2, 0, 1)


def test_diff_with_itself_has_no_differences(tmp_path):
    db = open_db(tmp_path / "d.db")
    a, _ = seed(db)
    d = diff_documents(db, a, a)
    assert not d.only_in_a and not d.only_in_b
    assert all(s.a.id == s.b.id and not s.differences for s in d.shared)
    assert len(d.shared) == 4
    assert d.sourcing.a == d.sourcing.b


def test_shared_entities_most_frequent_form():
    ma = [
        Mention(start=0, end=1, text=t, label="ORG") for t in ["Al-Qaeda", "Al-Qaeda", "al Qaeda"]
    ]
    mb = [
        Mention(start=0, end=1, text="Al Qaeda", label="ORG"),
        Mention(start=0, end=1, text="2011", label="DATE"),
    ]
    ma.append(Mention(start=0, end=1, text="2011", label="DATE"))
    (e,) = shared_entities(ma, mb)
    assert (e.name, e.count_a, e.count_b) == ("Al-Qaeda", 3, 1)


def test_sourcing_profile_categories_are_exclusive():
    def c(seq, source, flags: list[Flag], cue="said") -> Claim:
        return _claim(seq, "x", source=source, cue=cue, flags=flags)

    cs = [
        c(0, "officials", [make_flag("anonymous_source")]),
        c(1, "reports", [make_flag("vague_source"), make_flag("unresolved_reference")]),
        c(2, None, []),  # a cue with no stated source: unnamed
        c(3, None, [make_flag("no_source")], cue=None),
        c(4, "Reuters", []),
    ]
    p = sourcing_profile(cs)
    assert (p.named, p.unnamed, p.vague, p.no_source, p.unresolved) == (1, 2, 1, 1, 1)
    assert p.named + p.unnamed + p.vague + p.no_source == p.claims


# --- property: a document diffed with itself ---------------------------------------


def _claim(
    seq, content, source=None, cue=None, flags=(), relayed_by=None, doc="doc000000000"
) -> Claim:
    return Claim(
        id=f"{doc}:{seq}",
        doc_id=doc,
        seq=seq,
        source=Span(start=0, end=len(source), text=source) if source else None,
        cue=Span(start=0, end=len(cue), text=cue) if cue else None,
        content=Span(start=0, end=len(content), text=content),
        kind="indirect",
        cue_class="speech",
        cue_lemma=cue,
        source_entity=None,
        relayed_by=None if relayed_by is None else f"{doc}:{relayed_by}",
        relation=None,
        rule=None,
        extractor="t/1",
        flags=list(flags),
    )


WORDS = ["talks", "failed", "Belhadj", "leads", "ISIS", "the", "not", "Libya", "oil", "met", "-"]


@st.composite
def synthetic_claims(draw):
    n = draw(st.integers(0, 7))
    out = []
    for i in range(n):
        content = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=6)))
        source = draw(st.sampled_from([None, "Reuters", "AP", "officials", "he"]))
        cue = draw(st.sampled_from([None, "said", "claimed"])) if source else None
        relayed = draw(st.one_of(st.none(), st.integers(0, n - 1)))
        out.append(_claim(i, content, source, cue, relayed_by=relayed if relayed != i else None))
    return out


DOC = Document(
    id="doc000000000", title="t", origin="t.txt", format="text", sha256="0" * 64,
    published=None, added=datetime(2026, 1, 1, tzinfo=UTC), extractor="t/1", chars=0,
)  # fmt: skip


@settings(max_examples=200)
@given(synthetic_claims(), st.lists(st.sampled_from(["Al-Qaeda", "Al Qaeda", "UN"]), max_size=4))
def test_property_diff_with_itself(cs, names):
    ms = [Mention(start=0, end=1, text=t, label="ORG") for t in names]
    d = diff_claims(DOC, cs, ms, DOC, cs, ms)
    assert d.only_in_a == [] and d.only_in_b == []
    assert sorted((s.a.seq, s.b.seq) for s in d.shared) == [(c.seq, c.seq) for c in cs]
    assert all(not s.differences and not s.source_differs and not s.cue_differs for s in d.shared)
    assert d.sourcing.a == d.sourcing.b
    assert len(d.shared_entities) == len({n.replace("-", " ") for n in names})


# --- the seeds through the real extractor (skipped until it can run) ----------------


def test_seeds_smoke(tmp_path):
    try:
        from claimtrack.extract import extract_text
        from claimtrack.flags import static_flags
        from claimtrack.ingest import read_input
    except ImportError as e:  # pragma: no cover - the extractor is another module's job
        pytest.skip(f"extractor not available: {e}")
    db = open_db(tmp_path / "seeds.db")
    ids = []
    for path in sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.md")):
        parsed = read_input(str(path))
        ex = extract_text(parsed.text)
        flags = [static_flags(a, parsed.text, parsed.links) for a in ex.attributions]
        ids.append(store.add_document(db, parsed, ex, flags).id)
    a, b = ids
    same = diff_documents(db, a, a)
    assert not same.only_in_a and not same.only_in_b
    assert all(not s.differences for s in same.shared)
    d = diff_documents(db, a, b)
    names = {normalise(e.name) for e in d.shared_entities}
    assert {"libya", "al qaeda"} <= names
    assert d.sourcing.a.claims == len(d.only_in_a) + len(d.shared)
    assert d.sourcing.b.claims == len(d.only_in_b) + len(d.shared)
    text = store.get_text(db, a)
    for c in store.load_claims(db):  # offsets survive the roundtrip
        if c.doc_id == a:
            assert text[c.content.start : c.content.end] == c.content.text
