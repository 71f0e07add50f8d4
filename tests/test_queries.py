"""queries: corpus-level single_source, filters, the entity view."""

from __future__ import annotations

import hashlib

import pytest

from claimtrack import corpusflags, entityselect, entityview, queries
from claimtrack.corpus.update import document_added
from claimtrack.entities import stored_facts
from claimtrack.errors import NotFoundError
from claimtrack.flags import make_flag
from claimtrack.models import Attribution, Extraction, ParsedInput, SourceInfo, Span
from claimtrack.store import documents as store
from claimtrack.store.db import open_db
from claimtrack.text.names import name_pattern


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


def test_single_source_cleared_by_second_document(db):
    a = add(db, "a.txt", A, A_ATTS)
    before = {c.seq: codes(c) for c in queries.claims(db)}
    assert "single_source" in before[0] and "single_source" in before[2]
    assert "single_source" in before[1]  # the relay alone is one voice
    assert before[3] == ["no_source"]  # authorial claims are not flagged twice

    add(db, "b.txt", B, B_ATTS)
    after = {c.id: codes(c) for c in queries.claims(db)}
    assert "single_source" not in after[f"{a}:0"]  # B carries the meetings claim
    assert "single_source" not in after[f"{a}:1"]  # ... which the relay contains
    assert "single_source" in after[f"{a}:2"]  # nobody else reports the exports
    assert after[f"{a}:3"] == ["no_source"]
    single = next(f for f in queries.claims(db, doc="a")[2].flags if f.code == "single_source")
    assert single.explanation.endswith(
        "(carried by 1 document, 1 independent origin (source:officials))")
    # static flags stay stored; the corpus flag never is
    assert all("single_source" not in codes(c) for c in store.load_claims(db))


def test_independent_source_in_same_document_clears(db):
    text = (
        "Reuters said the Geneva talks failed on Monday. AP said the Geneva talks failed on "
        "Monday. He said so."
    )
    add(db, "x.txt", text, [
        ("Reuters", "said", "the Geneva talks failed on Monday", None),
        ("AP", ("said", 1), ("the Geneva talks failed on Monday", 1), None),
    ])  # fmt: skip
    # two voices in one document: decided per document (queries docstring)
    cs = queries.claims(db)
    assert all("single_source" not in codes(c) for c in cs)
    assert cs[0].grade.credibility == 2
    assert "2 independent origins (source:ap, source:reuters; 1 within its own document)" in \
        cs[0].grade.reasons[1]


def test_same_relay_does_not_clear(db):
    text = (
        "Aides told Reuters the vote was rigged; staff told Reuters the vote was rigged, it said."
    )
    add(db, "x.txt", text, [
        ("Aides", "told", "the vote was rigged", 2),
        ("staff", ("told", 1), ("the vote was rigged", 1), 2),
        ("it", ("said", 0), text[: text.index(", it")], None, "Reuters"),
    ])  # fmt: skip
    # Two voices, but both reach the reader only through Reuters: one source.
    assert all("single_source" in codes(c) for c in queries.claims(db))


def test_same_voice_does_not_clear(db):
    text = "Reuters said the talks failed. He said the talks failed."
    add(db, "x.txt", text, [
        ("Reuters", "said", "the talks failed", None),
        ("He", ("said", 1), ("the talks failed", 1), None, "Reuters"),
    ])  # fmt: skip
    assert all("single_source" in codes(c) for c in queries.claims(db))


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


def test_entity_view(db):
    a = add(db, "a.txt", A, A_ATTS)
    b = add(db, "b.txt", B, B_ATTS)
    view = entityview.entity_view(db, "Al-Mismari")
    (doc,) = view.documents
    assert (doc.id, doc.title) == (a, "A.Txt")
    assert [e.claim.id for e in doc.by] == [f"{a}:0"]
    assert [e.claim.id for e in doc.about] == [f"{a}:1"]  # the relay quotes him
    chain = doc.by[0].chain
    assert [h.source for h in chain.hops] == ["Libya Observer", "Ahmed Al-Mismari"]
    assert chain.render().startswith(f"document {a} -> Libya Observer")
    assert "single_source" not in codes(doc.by[0].claim)

    qaeda = entityview.entity_view(db, "al-qaeda")
    assert [d.id for d in qaeda.documents] == [a, b]
    assert all(not d.by for d in qaeda.documents)


@pytest.mark.parametrize("name", ["%", "_", "Al%", "Gaddafi"])
def test_a_name_nothing_answers_to_is_the_same_error_in_claims_and_show(db, name):
    # names are matched as literal words: '%' and '_' are no wildcards (issue 9)
    a = add(db, "a.txt", A, A_ATTS)
    with pytest.raises(NotFoundError) as listing:
        queries.claims(db, entity=name)
    with pytest.raises(NotFoundError) as view:
        entityview.entity_view(db, name)
    assert str(listing.value) == str(view.value) == str(entityselect.no_entity(name))
    with pytest.raises(NotFoundError, match=f"in document {a}"):
        queries.claims(db, entity=name, doc="a")
    # a name that answers, with filters that leave nothing, is an empty result
    assert queries.claims(db, entity="Al-Mismari", kind="mixed") == []


def test_entity_view_not_found(db):
    add(db, "a.txt", A, A_ATTS)
    with pytest.raises(NotFoundError, match="claimtrack claims"):
        entityview.entity_view(db, "Gaddafi")
    with pytest.raises(NotFoundError):
        entityview.entity_view(db, "  ")


def test_voice_already_in_the_relay_does_not_clear(db):
    # The later "the recent reports" are the reports that rest on the official.
    text = (
        "According to recent reports, Belhadj leads the ISIS camps in Derna. The information "
        "comes from an unnamed official who confirmed that Belhadj leads the ISIS camps in Derna. "
        "According to the recent reports, Belhadj leads ISIS camps in Derna."
    )
    add(db, "x.txt", text, [
        ("recent reports", "According to", "Belhadj leads the ISIS camps in Derna", None),
        ("an unnamed official", "confirmed", ("Belhadj leads the ISIS camps in Derna", 1), 0),
        ("the recent reports", ("According to", 1), "Belhadj leads ISIS camps in Derna", None),
    ])  # fmt: skip
    assert all("single_source" in codes(c) for c in queries.claims(db))


def test_nested_attribution_does_not_clear(db):
    # An attribution found inside another's content is the same stretch of text.
    text = 'The authors noted: "fighters from Derna said they went home to fight." End.'
    add(db, "x.txt", text, [
        ("The authors", "noted", '"fighters from Derna said they went home to fight."', None),
        ("fighters from Derna", ("said", 0), "they went home to fight", None),
    ])  # fmt: skip
    assert all("single_source" in codes(c) for c in queries.claims(db))


def test_surname_stands_for_a_person_named_in_full(db):
    text_a = (
        "Abdelhakim Belhadj met them. Officials said Belhadj leads the camps. The Times said so."
    )
    a = add(db, "a.txt", text_a, [
        ("Officials", "said", "Belhadj leads the camps", None),
        ("The Times", ("said", 1), "so", None),
    ])  # fmt: skip
    db.conn.execute(
        "INSERT INTO mentions VALUES (?, 0, 0, 18, 'Abdelhakim Belhadj', 'PERSON'), "
        "(?, 1, 74, 83, 'The Times', 'ORG')",
        (a, a),
    )
    db.conn.commit()
    # another document says "Belhadj" but never names Abdelhakim Belhadj: another Belhadj, maybe
    b = add(
        db, "b.txt", "Aides said Belhadj resigned.", [("Aides", "said", "Belhadj resigned", None)]
    )
    view = entityview.entity_view(db, "Abdelhakim Belhadj")
    assert [d.id for d in view.documents] == [a]
    assert [e.claim.seq for e in view.documents[0].about] == [0]
    assert [c.id for c in queries.claims(db, entity="Abdelhakim Belhadj")] == [f"{a}:0"]
    assert {c.doc_id for c in queries.claims(db, entity="Belhadj")} == {a, b}
    # not for organisations: "New York Times" does not make "Times" match
    with pytest.raises(NotFoundError):
        entityview.entity_view(db, "New York Times")


@pytest.mark.parametrize(
    ("source", "is_by"),
    [
        ("the pro-Russian commander Khalifa Haftar", True),
        ("Haftar, the commander of the Libyan National Army", True),
        ("Reuters and Haftar", True),
        ("Khalifa Haftar.", True),
        ("a spokesman for Haftar", False),
        ("Haftar’s forces", False),
        ("the Haftar episode in Libya", False),
        ("Ahmed Al-Mismari, the spokesperson of Haftar’s forces", False),
    ],
)
def test_source_heads(source, is_by):
    assert entityselect._heads_with(name_pattern("Haftar"), source) is is_by


def test_source_naming_entity_without_being_it_is_about(db):
    text = "A spokesman for Haftar said the port is closed."
    d = add(db, "x.txt", text, [("A spokesman for Haftar", "said", "the port is closed", None)])
    (doc,) = entityview.entity_view(db, "Haftar").documents
    assert (doc.by, [e.claim.id for e in doc.about]) == ([], [f"{d}:0"])


def test_cached_corpus_flags_follow_other_connections(tmp_path):
    path = tmp_path / "shared.db"
    reader, writer = open_db(path), open_db(path)
    add(writer, "a.txt", A, A_ATTS)
    first = queries.claims(reader)
    assert queries.claims(reader) == first  # served again, same answer
    assert "single_source" in codes(first[0])
    add(writer, "b.txt", B, B_ATTS)  # another connection commits
    again = queries.claims(reader)
    assert len(again) == len(first) + len(B_ATTS)
    assert "single_source" not in codes(again[0])


def test_a_shared_name_is_not_a_shared_claim(db):
    add(db, "a.txt", "Aides said Clinton. Then more.", [("Aides", "said", "Clinton", None)])
    add(db, "b.txt", "Staff said Clinton, again.", [("Staff", "said", "Clinton", None)])
    assert all("single_source" in codes(c) for c in queries.claims(db))


def test_outlets_citing_each_other_are_circular_reporting(db):
    what = "the mayor of Springfield resigned over the budget scandal"
    post = f"The New York Times reported that {what}."
    times = f"The Washington Post reported that {what}."
    a = add(db, "post.txt", post, [("The New York Times", "reported", what, None)],
            publisher="Washington Post", source_type="outlet")
    b = add(db, "times.txt", times, [("The Washington Post", "reported", what, None)],
            publisher="New York Times", source_type="outlet")
    got = {c.id: c for c in queries.claims(db)}
    for cid in (f"{a}:0", f"{b}:0"):
        flag = next(f for f in got[cid].flags if f.code == "circular_reporting")
        assert flag.severity == "warning" and "which cites back" in flag.explanation
    assert queries.claims(db, flag="circular_reporting") == list(got.values())


def test_reads_compare_nothing_across_documents(db, monkeypatch):
    """Corpus flags read the stored clusters (the all-pairs similarity of old is gone
    from the package), and relate() only within one document."""
    import claimtrack.corpus.relate as relate_module
    import claimtrack.similarity as similarity

    assert not hasattr(similarity, "similar_pairs")
    add(db, "a.txt", A, A_ATTS)
    add(db, "b.txt", B, B_ATTS)

    calls = []
    real = relate_module.relate
    monkeypatch.setattr(relate_module, "relate", lambda x, y: calls.append(1) or real(x, y))
    cs = queries.claims(db)
    assert "single_source" not in codes(cs[0])  # B's meetings claim, read from the index
    per_doc = {d: sum(1 for c in cs if c.doc_id == d) for d in {c.doc_id for c in cs}}
    assert len(calls) <= sum(n * (n - 1) // 2 for n in per_doc.values())


def test_within_document_pairs_are_stored_when_the_document_is(db, monkeypatch):
    """The same claim from two voices of one document is found at add time: a read
    relates nothing, it reads the stored pair and decides only independence."""
    import claimtrack.corpus.relate as relate_module
    import claimtrack.corpus.update as update_module

    text = ("Reuters said the Geneva talks failed on Monday. AP said the Geneva talks failed on "
            "Monday.")
    x = add(db, "x.txt", text, [
        ("Reuters", "said", "the Geneva talks failed on Monday", None),
        ("AP", ("said", 1), ("the Geneva talks failed on Monday", 1), None),
    ])  # fmt: skip
    pairs = db.conn.execute("SELECT a, b FROM within_matches").fetchall()
    assert pairs == [(f"{x}:0", f"{x}:1")]

    def refuse(*args, **kw):
        raise AssertionError("relate() on a read")

    for module in (relate_module, update_module):
        monkeypatch.setattr(module, "relate_tokens", refuse)
    monkeypatch.setattr(relate_module, "relate", refuse)
    cs = queries.claims(db)
    assert all("single_source" not in codes(c) for c in cs)
    # removing the document removes its pairs (ON DELETE CASCADE)
    store.remove_documents(db, [x])
    assert db.conn.execute("SELECT count(*) FROM within_matches").fetchone() == (0,)


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


def test_show_grades_only_the_entitys_claims(db, monkeypatch):
    add(db, "a.txt", A, A_ATTS)
    add(db, "b.txt", B, B_ATTS)
    every = queries.claims(db)
    seen = _count_graded(monkeypatch)

    def refuse(*args, **kw):
        raise AssertionError("the whole corpus graded for one entity")

    monkeypatch.setattr(queries, "flagged_claims", refuse)
    view = entityview.entity_view(db, "Belhadj")
    shown = {x.claim.id for d in view.documents for x in [*d.by, *d.about]}
    assert shown and len(shown) < len(every)
    assert set(seen) <= shown
    # what it shows is what the full listing says of those claims
    full = {c.id: c for c in every}
    assert all(x.claim == full[x.claim.id] for d in view.documents for x in [*d.by, *d.about])


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
    read_docs: list = []
    real_read = queries.read
    monkeypatch.setattr(queries, "read",
                        lambda db, doc_id=None, author=False: read_docs.append(doc_id)
                        or real_read(db, doc_id=doc_id, author=author))
    assert queries.claims(db, limit=2) == every[:2]
    assert read_docs == [every[0].doc_id]  # the page is full within the first document
    assert set(seen) == {c.id for c in every[:2]}  # no filter on flags: only the page
    assert queries.claims(db, flagged=True, limit=2, offset=1) == \
        [c for c in every if c.flags][1:3]
