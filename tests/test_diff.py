"""diff: aligned claims (stored matches) and what differs, contradictions, one-sided
claims, entities, sourcing; diff(a, a) and diff(b, a) as properties; the story fixtures."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from test_corpus import ARTICLES, build, doc_ids

from claimtrack.corpus.update import document_added
from claimtrack.diff import (
    DiffResult,
    diff_claims,
    diff_documents,
    shared_entities,
    sourcing_profile,
)
from claimtrack.entities import stored_facts
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
from claimtrack.store import documents as store
from claimtrack.store.db import open_db
from claimtrack.store.matchstore import MatchRow


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
    return store.add_document(db, parsed, ex, flags, derive=document_added,
                              facts=stored_facts).id


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
    (pair,) = [p for p in d.aligned if p.a.seq == 0]
    assert pair.b.id == f"{b}:0" and pair.similarity == 1.0 and pair.relation == "same"
    assert [x.said() for x in pair.differences] == [
        "source: Ahmed Al-Mismari vs Reuters",
        "chain: via Libya Observer vs direct",
        "cue: claim (distancing) vs say",
    ]
    assert f"{b}:1" in {c.id for c in d.only_in_b}
    assert {f"{a}:2", f"{a}:3"} <= {c.id for c in d.only_in_a}
    ents = {e.name: (e.count_a, e.count_b, e.label) for e in d.shared_entities}
    assert ents == {"Al-Qaeda": (2, 1, "ORG")}  # "Al Qaeda" folded in, most frequent form shown
    # single_source: the stored cluster's independent origins. Mismari and Reuters tell
    # the meeting (Libya Observer's relay of it is in that cluster too); only the
    # officials' exports rest on one voice.
    assert d.sourcing.a.model_dump() == {
        "claims": 4, "named": 2, "unnamed": 1, "vague": 0, "no_source": 1, "unresolved": 0,
        "relayed": 1, "longest_chain": 2, "single_source": 1,
    }  # fmt: skip
    assert (d.sourcing.b.named, d.sourcing.b.relayed, d.sourcing.b.longest_chain) == (2, 0, 1)


def test_diff_with_itself_has_no_differences(tmp_path):
    db = open_db(tmp_path / "d.db")
    a, _ = seed(db)
    d = diff_documents(db, a, a)
    assert not d.only_in_a and not d.only_in_b and not d.contradictions
    assert all(p.a.id == p.b.id and p.relation == "same" and not p.differences
               for p in d.aligned)
    assert len(d.aligned) == 4
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


def test_a_surname_is_counted_with_the_one_full_name_ending_with_it():
    """"Trump" (an ORG to the recogniser) and "Mr. Trump" are Donald Trump's row; a
    "Clinton" two people could be stays its own; "pro-Clinton" is nobody's name."""
    def m(text: str, label: str = "PERSON") -> Mention:
        return Mention(start=0, end=1, text=text, label=label)

    ma = [m("Donald Trump"), m("Trump", "ORG"), m("Trump", "ORG"), m("Clinton"),
          m("Hillary Clinton"), m("pro-Clinton"), m("Washington", "GPE"),
          m("George Washington")]
    mb = [m("Mr. Trump"), m("Clinton"), m("Bill Clinton"), m("Washington", "GPE")]
    assert [(e.name, e.label, e.count_a, e.count_b) for e in shared_entities(ma, mb)] == [
        ("Donald Trump", "PERSON", 3, 1), ("Clinton", "PERSON", 1, 1),
        ("Washington", "GPE", 1, 1)]
    # one Clinton in both: the surname is hers
    mb = [m("Clinton"), m("Hillary Clinton")]
    assert [(e.name, e.count_a, e.count_b) for e in shared_entities(ma, mb)] == [
        ("Hillary Clinton", 2, 2)]
    # named as a name, not as printed: no article, no possessive
    ma, mb = [m("the Smithsonian Museum", "ORG")], [m("The Smithsonian Museum's", "ORG")]
    assert [e.name for e in shared_entities(ma, mb)] == ["Smithsonian Museum"]


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


# --- properties: a document diffed with itself; B against A mirrors A against B ----


def _claim(
    seq, content, source=None, cue=None, flags=(), relayed_by=None, doc="doc000000000",
    rule=None,
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
        rule=rule,
        extractor="t/1",
        flags=list(flags),
    )


WORDS = ["talks", "failed", "Belhadj", "leads", "ISIS", "the", "not", "Libya", "oil", "met", "-"]


@st.composite
def synthetic_claims(draw, doc="doc000000000"):
    n = draw(st.integers(0, 7))
    out = []
    for i in range(n):
        content = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=6)))
        source = draw(st.sampled_from([None, "Reuters", "AP", "officials", "he"]))
        cue = draw(st.sampled_from([None, "said", "claimed"])) if source else None
        relayed = draw(st.one_of(st.none(), st.integers(0, n - 1)))
        rule = draw(st.sampled_from([None, "author"])) if source is None else None
        out.append(_claim(i, content, source, cue, relayed_by=relayed if relayed != i else None,
                          doc=doc, rule=rule))
    return out


def _doc(doc_id: str) -> Document:
    return Document(
        id=doc_id, title="t", origin=f"{doc_id}.txt", format="text", sha256="0" * 64,
        published=None, added=datetime(2026, 1, 1, tzinfo=UTC), extractor="t/1", chars=0,
    )  # fmt: skip


DOC, OTHER = _doc("doc000000000"), _doc("doc111111111")
RELATIONS = ["same", "more_specific", "contradicts", "related"]
STORED = ["polarity: asserted vs denied", "numbers: 5 vs 7", "modality: may vs none"]


@st.composite
def stored_matches(draw, ca: list[Claim], cb: list[Claim]) -> list[MatchRow]:
    """Matches as the index stores them: a < b, one row per pair, cross-document."""
    out = {}
    for _ in range(draw(st.integers(0, 12)) if ca and cb else 0):
        x, y = draw(st.sampled_from(ca)).id, draw(st.sampled_from(cb)).id
        rel = draw(st.sampled_from(RELATIONS))
        wider = draw(st.sampled_from(["a", "b"])) if rel == "more_specific" else None
        sim = draw(st.sampled_from([0.5, 0.7, 0.9, 1.0]))
        diffs = tuple(draw(st.lists(st.sampled_from(STORED), max_size=2, unique=True)))
        out[(min(x, y), max(x, y))] = MatchRow(min(x, y), max(x, y), rel, sim, wider, diffs)
    return list(out.values())


def _shape(d: DiffResult, mirrored: bool = False) -> dict:
    """What a diff says, with A and B swapped when `mirrored`."""
    def pair(p):
        a, b, wider = p.a.id, p.b.id, p.wider
        said = [(x.aspect, x.a, x.b) for x in p.differences]
        if mirrored:
            a, b, wider = b, a, {"a": "b", "b": "a"}.get(wider or "")
            said = [(asp, y, x) if y else (asp, x, y) for asp, x, y in said]
        return (a, b, p.relation, p.similarity, wider, tuple(said))

    only = ([c.id for c in d.only_in_a], [c.id for c in d.only_in_b])
    profiles = (d.sourcing.a, d.sourcing.b)
    rel = [(r.a_id, r.b_id) for r in d.related]
    ents = [(e.name, e.count_a, e.count_b) for e in d.shared_entities]
    if mirrored:
        only, profiles = only[::-1], profiles[::-1]
        rel = [(y, x) for x, y in rel]
        ents = [(n, y, x) for n, x, y in ents]
    return {"aligned": sorted(map(pair, d.aligned)), "contra": sorted(map(pair, d.contradictions)),
            "related": sorted(rel), "only": only, "profiles": profiles, "entities": ents}


@settings(max_examples=200)
@given(synthetic_claims(), st.lists(st.sampled_from(["Al-Qaeda", "Al Qaeda", "UN"]), max_size=4))
def test_property_diff_with_itself(cs, names):
    ms = [Mention(start=0, end=1, text=t, label="ORG") for t in names]
    d = diff_claims(DOC, cs, ms, DOC, cs, ms)
    assert d.only_in_a == [] and d.only_in_b == [] and d.contradictions == []
    # every claim, the author's statements too, aligned with itself
    assert [(p.a.seq, p.b.seq, p.relation) for p in d.aligned] == [(c.seq, c.seq, "same")
                                                                   for c in cs]
    assert all(not p.differences for p in d.aligned)
    assert d.sourcing.a == d.sourcing.b
    assert len(d.shared_entities) == len({n.replace("-", " ") for n in names})


@settings(max_examples=200)
@given(st.data())
def test_property_b_against_a_mirrors_a_against_b(data):
    ca = data.draw(synthetic_claims(DOC.id))
    cb = data.draw(synthetic_claims(OTHER.id))
    matches = data.draw(stored_matches(ca, cb))
    ma = [Mention(start=0, end=1, text="UN", label="ORG")]
    ab = diff_claims(DOC, ca, ma, OTHER, cb, [], matches)
    ba = diff_claims(OTHER, cb, [], DOC, ca, ma, matches)
    assert _shape(ab) == _shape(ba, mirrored=True)
    # one-to-one; contradictions are every stored contradiction; only-in lists what
    # takes part in no pair (and no author statement)
    assert len({p.a.id for p in ab.aligned}) == len({p.b.id for p in ab.aligned}) == len(ab.aligned)
    assert {p.relation for p in ab.aligned} <= {"same", "more_specific"}
    assert len(ab.contradictions) == sum(m.relation == "contradicts" for m in matches)
    paired = {x.id for p in ab.aligned + ab.contradictions for x in (p.a, p.b)}
    assert not paired & {c.id for c in ab.only_in_a + ab.only_in_b}
    assert all(c.rule != "author" for c in ab.only_in_a + ab.only_in_b)
    # greedy: an unaligned same/more_specific match has a side taken by a pair at least as good
    taken = {p.a.id: p.similarity for p in ab.aligned} | {p.b.id: p.similarity for p in ab.aligned}
    for m in matches:
        if m.relation in ("same", "more_specific") and not any(
                {p.a.id, p.b.id} == {m.a, m.b} for p in ab.aligned):
            assert max(taken.get(m.a, -1), taken.get(m.b, -1)) >= m.similarity


# --- the seeds through the real extractor (skipped until it can run) ----------------


def test_seeds_smoke(tmp_path):
    from claimtrack.assess import assess
    from claimtrack.extract import extract_text
    from claimtrack.ingest import read_input

    db = open_db(tmp_path / "seeds.db")
    ids = []
    for path in sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.md")):
        parsed = read_input(str(path))
        ex = extract_text(parsed.text)
        flags = assess(ex, parsed.text, parsed.links, parsed.published)
        ids.append(store.add_document(db, parsed, ex, flags, derive=document_added,
                                      facts=stored_facts).id)
    a, b = ids
    same = diff_documents(db, a, a)
    assert not same.only_in_a and not same.only_in_b
    assert all(not p.differences for p in same.aligned)
    d = diff_documents(db, a, b)
    assert d.aligned == [] and d.contradictions == []  # no shared claim
    names = {normalise(e.name) for e in d.shared_entities}
    assert {"libya", "al qaeda", "tripoli"} <= names
    assert d.sourcing.a != d.sourcing.b  # the contrast in sourcing
    # with nothing paired, the only-in lists are what `claims` lists of each document
    assert d.sourcing.a.claims == len(d.only_in_a)
    assert d.sourcing.b.claims == len(d.only_in_b)
    text = store.get_text(db, a)
    for c in store.load_claims(db):  # offsets survive the roundtrip
        if c.doc_id == a:
            assert text[c.content.start : c.content.end] == c.content.text


# --- the five articles of one story (tests/fixtures/story), through the CLI -------------


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    db = tmp_path_factory.mktemp("story") / "claimtrack.db"
    build(db, ARTICLES)
    return db, doc_ids(db)


def diff_json(db: Path, a: str, b: str) -> dict:
    result = run_cli("diff", a, b, "--json", db=db)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_denial_is_a_contradiction(story):
    db, ids = story
    d = diff_json(db, ids["1-original.txt"], ids["5-denial.txt"])
    assert d["aligned"] == []
    assert d["contradictions"]
    denials = [p for p in d["contradictions"] if p["b"]["stance"]["denial"]]
    assert denials
    for p in denials:
        assert p["relation"] == "contradicts"
        assert p["b"]["stance"]["polarity"] == -1
        said = {x["aspect"]: (x["a"], x["b"]) for x in p["differences"]}
        assert said["polarity"] == ("asserted", "denied")
        assert said["source"][0] == "(author: Associated Press)"  # stated as fact vs attributed
    for p in d["contradictions"]:  # the rest: the headline "will stay open" vs "to close"
        said = {x["aspect"]: (x["a"], x["b"]) for x in p["differences"]}
        assert p["relation"] == "contradicts" and ("polarity" in said or "predicate" in said)
    denial = {p["b"]["id"] for p in d["contradictions"]}
    assert not denial & {c["id"] for c in d["only_in_b"]}


def test_the_rewrite_attributes_what_the_original_states(story):
    db, ids = story
    d = diff_json(db, ids["1-original.txt"], ids["3-rewrite.txt"])
    (p,) = d["aligned"]
    assert p["a"]["rule"] == "no_source" and p["b"]["source"]["text"] == "the Associated Press"
    said = {x["aspect"]: (x["a"], x["b"]) for x in p["differences"]}
    assert said["source"] == ("(author: Associated Press)", "the Associated Press")
    assert said["cue"] == ("(none)", "report")


def test_the_wire_copy_aligns_claim_for_claim(story):
    db, ids = story
    d = diff_json(db, ids["1-original.txt"], ids["2-wire-copy.txt"])
    assert [(p["a"]["seq"], p["b"]["seq"]) for p in d["aligned"]] == [(i, i) for i in range(6)]
    assert d["only_in_a"] == d["only_in_b"] == [] and d["contradictions"] == []


def test_json_pairs_carry_both_claims_slicing_the_stored_text(story):
    db, ids = story
    conn = open_db(db, create=False)
    texts = {i: store.get_text(conn, i) for i in ids.values()}
    seen = 0
    for a in ids.values():
        for b in ids.values():
            d = diff_json(db, a, b)
            for p in d["aligned"] + d["contradictions"]:
                assert p["relation"] in ("same", "more_specific", "contradicts")
                for side, doc in (("a", a), ("b", b)):
                    c = p[side]
                    assert c["id"].startswith(c["doc_id"] + ":") and c["doc_id"] == doc
                    span = c["content"]
                    assert texts[doc][span["start"] : span["end"]] == span["text"]
                seen += 1
    assert seen > 25


@pytest.mark.parametrize("pair", [(1, 2), (1, 3), (1, 4), (1, 5), (2, 5), (3, 4), (4, 5)])
def test_story_b_against_a_mirrors_a_against_b(story, pair):
    db, ids = story
    names = list(ARTICLES)
    a, b = ids[names[pair[0] - 1]], ids[names[pair[1] - 1]]
    conn = open_db(db, create=False)
    assert _shape(diff_documents(conn, a, b)) == _shape(diff_documents(conn, b, a), mirrored=True)


@pytest.mark.parametrize("name", list(ARTICLES))
def test_story_diff_with_itself(story, name):
    db, ids = story
    d = diff_documents(open_db(db, create=False), ids[name], ids[name])
    claims = store.load_claims(open_db(db, create=False))
    assert len(d.aligned) == sum(c.doc_id == ids[name] for c in claims)  # author's too
    assert not d.only_in_a and not d.only_in_b and not d.contradictions and not d.related


def test_markdown_for_sharing(story):
    db, ids = story
    result = run_cli("diff", ids["4-confirmation.txt"], ids["5-denial.txt"], "--md", db=db)
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    assert md.startswith("# Two accounts compared\n")
    assert "## Contradictions (1)" in md and "polarity: asserted vs denied" in md
    assert "| publisher | The Columbus Times | Greenfield Gazette |" in md


def test_usage_errors_are_one_line(story):
    db, ids = story
    for args in (("diff",), ("diff", ids["1-original.txt"]),
                 ("diff", ids["1-original.txt"], ids["3-rewrite.txt"], "--entity", "Harlan"),
                 ("diff", ids["1-original.txt"], ids["3-rewrite.txt"], "--limit", "3")):
        result = run_cli(*args, db=db)
        assert result.exit_code == 2 and "Traceback" not in result.output


def test_diff_entity_across_documents(story):
    db, ids = story
    result = run_cli("diff", "--entity", "Greenfield", "--json", db=db)
    assert result.exit_code == 0, result.stderr
    d = json.loads(result.stdout)
    (top, *rest) = d["clusters"]
    assert top["documents"] == 4 and len(top["origins"]) == 2
    assert {a["doc_id"] for a in top["appearances"]} == {
        ids[n] for n in ("1-original.txt", "2-wire-copy.txt", "3-rewrite.txt",
                         "4-confirmation.txt")}
    # the denial (and the denial's headline: "will stay open" against "to close")
    assert {a["doc_id"] for a in top["contradictions"]} == {ids["5-denial.txt"]}
    assert {a["relation"] for a in top["contradictions"]} == {"contradicts"}
    # the denial is shown as the cluster's contradiction, not again on its own
    assert all(ids["5-denial.txt"] not in {a["doc_id"] for a in c["appearances"]} for c in rest)
    limited = json.loads(run_cli("diff", "--entity", "Greenfield", "--limit", "1", "--json",
                                 db=db).stdout)
    assert len(limited["clusters"]) == 1 and limited["total"] == d["total"]
    table = run_cli("diff", "--entity", "Greenfield", db=db)
    assert table.exit_code == 0 and "contradicted by" in table.stdout
    missing = run_cli("diff", "--entity", "Nobody Atall", db=db)
    assert missing.exit_code == 1 and missing.stderr.count("\n") == 1


@pytest.mark.parametrize("name", ["Greenfield", "Harlan", "Ruiz"])
def test_diff_entity_pages_read_only_the_clusters_they_show(story, monkeypatch, name):
    """diff --entity orders and counts its clusters from the stored ids and figures,
    and reads only those it shows: each page is the start of the whole listing."""
    from claimtrack import api, timeline

    db, _ = story
    whole = api.diff_entity(db, name)
    read: list[str] = []
    real = timeline._cluster

    def counted(corpus, cluster, reference, roles, first=None):
        read.append(cluster)
        return real(corpus, cluster, reference, roles, first)

    monkeypatch.setattr(timeline, "_cluster", counted)
    for k in range(1, len(whole.clusters) + 2):
        read.clear()
        page = api.diff_entity(db, name, limit=k)
        assert page.model_dump() == whole.model_copy(
            update={"clusters": whole.clusters[:k]}).model_dump()
        assert len(read) == min(k, len(whole.clusters))


def test_a_table_shows_the_first_appearances_of_each_cluster(story, monkeypatch):
    """A table of diff --entity shows the first TABLE_APPEARANCES appearances of each
    cluster, by date, and says how many more there are; JSON lists every one. The
    first ones are those of the whole listing, relations included (to the first)."""
    import claimtrack.cli as cli_module
    from claimtrack import api

    db, _ = story
    whole = api.diff_entity(db, "Greenfield")
    top = whole.clusters[0]
    assert top.appearances_total == len(top.appearances) > 2
    assert top.contradictions_total == len(top.contradictions) >= 1
    cut = api.diff_entity(db, "Greenfield", per_cluster=2)
    for w, c in zip(whole.clusters, cut.clusters, strict=True):
        assert c.appearances == w.appearances[:2]
        assert c.contradictions == w.contradictions[:2]
        assert (c.appearances_total, c.contradictions_total) == (
            len(w.appearances), len(w.contradictions))
    import claimtrack.views as views

    monkeypatch.setattr(cli_module, "TABLE_APPEARANCES", 2)
    monkeypatch.setattr(views, "TITLE_ORIGINS", 1)  # the title names one, counts the rest
    table = run_cli("diff", "--entity", "Greenfield", db=db)
    assert table.exit_code == 0, table.stderr
    more = len(top.appearances) - 2
    shown = " ".join(table.stdout.split())
    assert f"... and {more} more appearances (--json" in shown
    assert f"({top.origins[0]}; and {len(top.origins) - 1} more)" in shown
    listed = json.loads(run_cli("diff", "--entity", "Greenfield", "--json", db=db).stdout)
    assert len(listed["clusters"][0]["appearances"]) == len(top.appearances)


def test_not_mentioning_is_shown_against_mentioning(tmp_path):
    """issue 10: "X did not mention Y by name" against "X mentioned Y by name"."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Clinton speaks in Iowa\n\nClinton, a Democrat, did not mention Republican "
                 "front-runner Donald Trump by name.\n", encoding="utf-8")
    b.write_text("Clinton takes aim at Trump\n\nClinton, a Democrat, mentioned Republican "
                 "front-runner Donald Trump by name.\n", encoding="utf-8")
    db = tmp_path / "c.db"
    assert run_cli("add", str(a), str(b), db=db).exit_code == 0
    d = diff_json(db, "a", "b")
    (p,) = [p for p in d["contradictions"] if p["a"]["cue_lemma"] == "mention"]
    assert p["a"]["stance"]["polarity"] == 0 and p["b"]["stance"]["polarity"] == 1
    assert {"aspect": "polarity", "a": "not said", "b": "asserted"} in p["differences"]
    md = run_cli("diff", "a", "b", "--md", db=db).stdout
    assert "polarity: not said vs asserted" in md


def test_an_endorsement_not_yet_made_contradicts_the_endorsement(tmp_path):
    """A cue whose content is its object is compared with its source and cue: "has yet
    to endorse Ryan's re-election bid" against a headline "Finally Endorses ... Ryan"."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Donald Trump Finally Endorses House Speaker Paul Ryan\n\nThe crowd in "
                 "Green Bay cheered for a long time on Friday night.\n", encoding="utf-8")
    b.write_text("Pence Backs Ryan With Trump's Blessing\n\nWhile Republican presidential "
                 "nominee Donald Trump has yet to endorse House Speaker Paul Ryan’s "
                 "re-election bid, his running mate has.\n", encoding="utf-8")
    db = tmp_path / "c.db"
    assert run_cli("add", str(a), str(b), db=db).exit_code == 0
    d = diff_json(db, "a", "b")
    (p,) = d["contradictions"]
    assert p["a"]["content"]["text"] == "Donald Trump Finally Endorses House Speaker Paul Ryan"
    # what was compared: the clause from the source's name to the object
    assert p["b"]["content"]["text"] == ("Donald Trump has yet to endorse House Speaker "
                                         "Paul Ryan’s")
    assert p["b"]["cue_lemma"] == "endorse" and p["whole_b"]["text"] == "House Speaker Paul Ryan’s"
    assert {"aspect": "polarity", "a": "asserted", "b": "negated"} in p["differences"]
    texts = dict(sqlite3.connect(db).execute("SELECT id, text FROM documents"))
    assert _check_pairs(d, texts) == 1


def _check_pairs(d: dict, texts: dict[str, str]) -> int:
    """Every pair carries both claims (id, doc_id, content as offsets into the stored
    text); aligned pairs never use overlapping parts of one claim. Returns how many
    sides show a part of a claim rather than all of it."""
    parts = 0
    for p in d["aligned"] + d["contradictions"]:
        assert p["relation"] in ("same", "more_specific", "contradicts")
        for side in ("a", "b"):
            c = p[side]
            assert c["id"].startswith(c["doc_id"] + ":")
            span = c["content"]
            assert texts[c["doc_id"]][span["start"]:span["end"]] == span["text"]
            whole = p[f"whole_{side}"]
            if whole is not None:  # a part: inside the claim's whole content, or for
                # a content that is its cue's object, the clause from source to content
                parts += 1
                first = min([whole["start"]] + [c[k]["start"] for k in ("source", "cue")
                                                if c.get(k)])
                assert first <= span["start"] < span["end"] <= whole["end"]
                assert (whole["start"], whole["end"]) != (span["start"], span["end"])
    for side in ("a", "b"):
        used: dict[str, list[tuple[int, int]]] = {}
        for p in d["aligned"]:
            c = p[side]
            s, e = c["content"]["start"], c["content"]["end"]
            assert all(e <= s2 or e2 <= s for s2, e2 in used.get(c["id"], []))
            used.setdefault(c["id"], []).append((s, e))
    return parts


def test_aligned_pairs_carry_both_claims_with_their_aligned_parts(story, tmp_path):
    db, ids = story
    texts = dict(sqlite3.connect(db).execute("SELECT id, text FROM documents"))
    for other in ("2-wire-copy.txt", "3-rewrite.txt", "4-confirmation.txt", "5-denial.txt"):
        _check_pairs(diff_json(db, ids["1-original.txt"], ids[other]), texts)
    # a quotation of two sentences, one of which the other account tells: that
    # sentence is aligned, as a part of the quotation's claim
    (tmp_path / "a.txt").write_text(
        "Council weighs hospital sale\n\nGREENFIELD — \"The hospital has lost money for six "
        "straight years. We cannot keep the doors open past the summer,\" Mayor Tom Harlan "
        "said on Tuesday.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "Hospital losses mount\n\nThe hospital had lost money for six straight years, state "
        "records show. Nurses plan a protest outside city hall on Friday.\n", encoding="utf-8")
    db2 = tmp_path / "parts.db"
    assert run_cli("add", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), db=db2).exit_code == 0
    texts = dict(sqlite3.connect(db2).execute("SELECT id, text FROM documents"))
    a, b = sorted(texts, key=lambda i: "Council" not in texts[i])
    d = diff_json(db2, a, b)
    assert _check_pairs(d, texts) >= 1
    (pair,) = d["aligned"]
    assert pair["a"]["content"]["text"] == "The hospital has lost money for six straight years"
    assert pair["relation"] == "same" and pair["whole_a"] is not None
    assert d["contradictions"] == []  # "we cannot keep the doors open" denies nothing of B
    mirrored = diff_json(db2, b, a)
    assert [(p["a"]["content"], p["b"]["content"]) for p in mirrored["aligned"]] == [
        (pair["b"]["content"], pair["a"]["content"])]


def test_a_dated_two_word_claim_is_indexed_and_aligned(tmp_path):
    """"reopen on Monday" / "reopen Monday": two core tokens and a date. The index
    (prefix, size bounds) and the decision count the date alike, so the pair is found
    whichever document came first, and another weekday is a contradiction."""
    texts = {
        "a.txt": "Bridge to reopen\n\nCity officials said the bridge will reopen on Monday.\n",
        "b.txt": "Repairs done\n\nThe bridge will reopen Monday, a city spokeswoman said.\n",
        "c.txt": "Delay\n\nThe bridge will reopen Tuesday, the transport department said.\n",
    }
    for order in (["a.txt", "b.txt", "c.txt"], ["c.txt", "b.txt", "a.txt"]):
        folder = tmp_path / "-".join(order)
        folder.mkdir()
        db = folder / "claimtrack.db"
        for name in order:
            (folder / name).write_text(texts[name], encoding="utf-8")
            assert run_cli("add", str(folder / name), db=db).exit_code == 0
        ids = {Path(d["origin"]).name: d["id"]
               for d in json.loads(run_cli("docs", "--json", db=db).stdout)}
        same = diff_json(db, ids["a.txt"], ids["b.txt"])
        assert [(p["relation"], p["a"]["content"]["text"], p["b"]["content"]["text"])
                for p in same["aligned"]] == [
            ("same", "the bridge will reopen on Monday", "The bridge will reopen Monday")]
        other = diff_json(db, ids["a.txt"], ids["c.txt"])
        assert [p["relation"] for p in other["contradictions"]] == ["contradicts"]


def test_a_quotation_both_print_whole_aligns_sentence_by_sentence(tmp_path):
    """Two accounts print the same two-sentence quotation: each sentence is a proposition
    of its own, so the diff aligns them one by one (a third account may carry only
    one), not as one pair of wholes; the mirror agrees."""
    quote = ("\"The hospital has lost money for six straight years. We cannot keep the doors "
             "open past the summer,\" Mayor Tom Harlan said")
    (tmp_path / "a.txt").write_text(
        f"Council weighs hospital sale\n\nGREENFIELD — {quote} on Tuesday.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        f"Hospital may close\n\nThe city council met on Tuesday. {quote} at the meeting.\n",
        encoding="utf-8")
    db = tmp_path / "q.db"
    assert run_cli("add", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), db=db).exit_code == 0
    texts = dict(sqlite3.connect(db).execute("SELECT id, text FROM documents"))
    a, b = sorted(texts, key=lambda i: "GREENFIELD" not in texts[i])
    d = diff_json(db, a, b)
    _check_pairs(d, texts)
    assert [(p["relation"], p["a"]["content"]["text"], p["b"]["content"]["text"])
            for p in d["aligned"]] == [
        ("same", "The hospital has lost money for six straight years",
         "The hospital has lost money for six straight years"),
        ("same", "We cannot keep the doors open past the summer",
         "We cannot keep the doors open past the summer")]
    mirrored = diff_json(db, b, a)
    assert [(p["a"]["content"], p["b"]["content"]) for p in mirrored["aligned"]] == [
        (p["b"]["content"], p["a"]["content"]) for p in d["aligned"]]


def test_one_sentence_told_the_same_whole_stores_one_unit_pair(tmp_path):
    """Two accounts print the same one-sentence quotation, clauses and all: `diff`
    aligns the wholes (their parts would overlap what is aligned), so the parts are
    neither decided nor stored: one unit pair, the wholes' (there were 19)."""
    quote = ('"The hospital will close in June; the nurses will move to the county clinic, '
             'but the doctors will stay," Mayor Tom Harlan')
    (tmp_path / "a.txt").write_text(
        f"Hospital to close\n\nGREENFIELD — {quote} said.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        f"Valley loses its hospital\n\n{quote} told reporters on Tuesday.\n", encoding="utf-8")
    db = tmp_path / "one.db"
    assert run_cli("add", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), db=db).exit_code == 0
    with sqlite3.connect(db) as conn:
        texts = dict(conn.execute("SELECT id, text FROM documents"))
        parts = conn.execute("SELECT count(*) FROM claim_units WHERE unit > 0").fetchone()[0]
        rows = conn.execute("SELECT a, b, a_start, a_end, b_start, b_end, relation "
                            "FROM match_units").fetchall()
        wholes = {r[0]: (r[1], r[2]) for r in conn.execute(
            "SELECT id, content_start, content_end FROM claims")}
    assert parts >= 8  # each quotation's clauses could align on their own
    assert len(rows) == 1
    ((a, b, a_start, a_end, b_start, b_end, relation),) = rows
    assert relation == "same" and wholes[a] == (a_start, a_end) and wholes[b] == (b_start, b_end)
    a_doc, b_doc = sorted(texts, key=lambda i: "GREENFIELD" not in texts[i])
    d = diff_json(db, a_doc, b_doc)
    _check_pairs(d, texts)
    assert [(p["relation"], p["whole_a"], p["whole_b"]) for p in d["aligned"]] == [
        ("same", None, None)]


def test_two_quotations_of_one_speaker_share_no_claim_through_their_frame(tmp_path):
    """'"A," Jeff Weaver, Sanders' campaign manager, said in a statement.' and another
    quotation with the same words around it: who said it is no claim both tell, and
    each quotation is compared without its frame (DECISIONS 2026-11-29.3)."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Sanders raises money\n\n“The numbers we have seen since January put our "
                 "campaign on pace to beat the fundraising goal,” Jeff Weaver, Sanders’ "
                 "campaign manager, said in a statement. “Working families are chipping in "
                 "a few dollars each month.”\n", encoding="utf-8")
    b.write_text("Sanders backs state candidates\n\n“Bernie believes that bold change "
                 "requires leaders to take back control of state capitols,” Jeff Weaver, "
                 "Sanders’ campaign manager, said in a statement. “The leaders we are raising "
                 "money for today are members of Congress.”\n", encoding="utf-8")
    db = tmp_path / "c.db"
    assert run_cli("add", str(a), str(b), db=db).exit_code == 0
    d = diff_json(db, "a", "b")
    assert d["aligned"] == [] and d["contradictions"] == []
