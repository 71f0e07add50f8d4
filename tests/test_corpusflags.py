"""corpusflags: single_source and circular_reporting from the stored index, voices in a document."""

from __future__ import annotations

import pytest
from test_queries import A_ATTS, B_ATTS, A, B, add, codes

from claimtrack import queries
from claimtrack.store import documents as store
from claimtrack.store.db import open_db

pytestmark = pytest.mark.model_free


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
