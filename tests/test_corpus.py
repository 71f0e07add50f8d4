"""The stored cross-document index, end to end: five articles of one story, added in
any order, give one cluster with two independent origins (issue 10)."""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import ROOT, add_texts, copy_database, documents_by, run_cli, table_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack import api
from claimtrack.store import postings

STORY = ROOT / "tests" / "fixtures" / "story"
# file -> (publisher, published): an AP report, a paper running the AP copy, a blog
# citing the AP, an independent confirmation, a denial
ARTICLES = {
    "1-original.txt": ("Associated Press", "2016-03-01"),
    "2-wire-copy.txt": ("Daily Herald", "2016-03-01"),
    "3-rewrite.txt": ("Ohio Blog", "2016-03-02"),
    "4-confirmation.txt": ("The Columbus Times", "2016-03-02"),
    "5-denial.txt": ("Greenfield Gazette", "2016-03-03"),
}
DERIVED = ("matches", "match_units", "claim_units", "within_matches", "clusters", "cluster_stats",
           "doc_duplicates", "twins")


def build(db: Path, order) -> None:
    for name in order:
        publisher, published = ARTICLES[name]
        result = run_cli("add", str(STORY / name), "--publisher", publisher,
                         "--published", published, db=db)
        assert result.exit_code == 0, result.stderr


def derived(db: Path) -> dict[str, list[tuple]]:
    return table_rows(db, DERIVED)


def doc_ids(db: Path) -> dict[str, str]:
    return documents_by(db)


@pytest.fixture(scope="module")
def story_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("story") / "claimtrack.db"
    build(db, ARTICLES)
    return db


def the_cluster(db: Path) -> tuple[str, dict]:
    """The biggest cluster: the closure of Greenfield's hospital."""
    with sqlite3.connect(db) as conn:
        name, claims, docs, origins, against = conn.execute(
            "SELECT cluster, claims, documents, origins, contradicted_by FROM cluster_stats "
            "ORDER BY documents DESC, claims DESC LIMIT 1").fetchone()
        members = {cid: (root, relay, copy) for cid, root, relay, copy in conn.execute(
            "SELECT claim_id, root, relay, copy FROM clusters WHERE cluster = ?", (name,))}
    return name, {"claims": claims, "documents": docs, "origins": json.loads(origins),
                  "contradicted_by": json.loads(against), "members": members}


def test_one_cluster_two_independent_origins(story_db):
    ids = doc_ids(story_db)
    _, c = the_cluster(story_db)
    docs = {m.split(":")[0] for m in c["members"]}
    assert docs == {ids[n] for n in ("1-original.txt", "2-wire-copy.txt", "3-rewrite.txt",
                                     "4-confirmation.txt")}
    assert c["origins"] == ["outlet:associated press",
                            "source:chief executive of greenfield memorial hospital laura stein"]
    # the copy and the rewrite pass on the AP's report; they are no origin of their own
    copies = {m for m, (_, _, copy) in c["members"].items() if copy}
    relays = {m for m, (_, relay, _) in c["members"].items() if relay}
    assert copies and {m.split(":")[0] for m in copies} <= {ids["1-original.txt"],
                                                             ids["2-wire-copy.txt"]}
    assert {m.split(":")[0] for m in relays} == {ids["3-rewrite.txt"]}
    # headline, lede and body of one article are one origin
    original = [root for m, (root, _, _) in c["members"].items()
                if m.startswith(ids["1-original.txt"])]
    assert len(original) >= 2 and set(original) == {"outlet:associated press"}
    # the denial is no appearance of the claim: it contradicts it
    # (its lede's denial, and its headline "hospital will stay open" against "will close")
    assert {x.split(":")[0] for x in c["contradicted_by"]} == {ids["5-denial.txt"]}


@pytest.mark.parametrize("order", [tuple(reversed(ARTICLES)),
                                   *itertools.islice(itertools.permutations(ARTICLES), 7, 70,
                                                     23)])
def test_whatever_order_the_articles_come_in(story_db, tmp_path, order):
    db = tmp_path / "claimtrack.db"
    build(db, order)
    assert derived(db) == derived(story_db)


def test_removing_a_document_leaves_what_never_having_it_gives(story_db, tmp_path):
    db, without = tmp_path / "a.db", tmp_path / "b.db"
    build(db, ARTICLES)
    build(without, [n for n in ARTICLES if n != "4-confirmation.txt"])
    result = run_cli("rm", "4-confirmation", db=db)
    assert result.exit_code == 0, result.stderr
    assert derived(db) == derived(without)
    _, c = the_cluster(db)
    assert c["origins"] == ["outlet:associated press"]


def test_rematch_rebuilds_the_same_index(story_db, tmp_path):
    db = tmp_path / "claimtrack.db"
    copy_database(story_db, db)
    told: list[tuple[int, int]] = []
    assert api.rematch(db, progress=lambda done, total: told.append((done, total))) == 5
    assert derived(db) == derived(story_db)
    assert told == [(n, 5) for n in range(1, 6)]  # the progress bar's ticks, a document each


def test_an_index_flagged_stale_is_rebuilt_by_the_next_add_which_says_so(story_db, tmp_path):
    """A migration that changes how matches are decided flags the index (needs_rematch):
    the next `add` rebuilds it first, says so on stderr, and ends where a fresh build of
    the same documents ends."""
    db, fresh = tmp_path / "a.db", tmp_path / "b.db"
    build(db, [n for n in ARTICLES if n != "5-denial.txt"])
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM matches")  # what an older version decided, say nothing
        conn.execute("INSERT INTO corpus_state (key, value) VALUES ('needs_rematch', '1')")
    publisher, published = ARTICLES["5-denial.txt"]
    result = run_cli("add", str(STORY / "5-denial.txt"), "--publisher", publisher,
                     "--published", published, db=db)
    assert result.exit_code == 0, result.stderr
    assert "rebuilding the cross-document index of 4 stored documents" in result.stderr
    build(fresh, ARTICLES)
    assert derived(db) == derived(fresh)
    again = run_cli("add", str(STORY / "5-denial.txt"), db=db)
    assert "rebuilding" not in again.stderr  # once


def test_an_index_decided_by_other_rules_is_rebuilt_by_the_next_add(tmp_path):
    """The rules that decided the stored matches are recorded (corpus/update.DECISIONS):
    a first add records them, without rebuilding anything; an index decided by other
    rules (or by rules that recorded none) is rebuilt by the next add, once."""
    from claimtrack.corpus.update import DECISIONS

    db = tmp_path / "a.db"
    first = run_cli("add", str(STORY / "1-original.txt"), db=db)
    assert first.exit_code == 0 and "rebuilding" not in first.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM corpus_state WHERE key = 'decisions'"
                            ).fetchone() == (DECISIONS,)
        conn.execute("UPDATE corpus_state SET value = 'older rules' WHERE key = 'decisions'")
    result = run_cli("add", str(STORY / "2-wire-copy.txt"), db=db)
    assert "rebuilding the cross-document index of 1 stored documents" in result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM corpus_state WHERE key = 'decisions'"
                            ).fetchone() == (DECISIONS,)
        conn.execute("DELETE FROM corpus_state WHERE key = 'decisions'")  # none recorded
    assert "rebuilding" in run_cli("add", str(STORY / "3-rewrite.txt"), db=db).stderr
    assert "rebuilding" not in run_cli("add", str(STORY / "4-confirmation.txt"), db=db).stderr


def test_entity_facts_drawn_by_other_rules_are_drawn_again_by_the_next_add(tmp_path,
                                                                           monkeypatch):
    """The rules the stored entity facts were drawn by are recorded apart
    (corpus/update.ENTITY_FACTS): facts an earlier version drew are drawn again by the
    next add, once, and the matches (never read from the facts) are not rebuilt."""
    from claimtrack.corpus import update

    db = tmp_path / "a.db"
    assert run_cli("add", str(STORY / "1-original.txt"), str(STORY / "2-wire-copy.txt"),
                   db=db).exit_code == 0
    state = "SELECT value FROM corpus_state WHERE key = 'entity facts'"
    with sqlite3.connect(db) as conn:
        assert conn.execute(state).fetchone() == (update.ENTITY_FACTS,)
        facts = dict(conn.execute("SELECT doc_id, facts FROM entity_facts"))
        nodes = conn.execute("SELECT * FROM entity_nodes ORDER BY doc_id, seq").fetchall()
        doc = sorted(facts)[0]
        conn.execute("UPDATE entity_facts SET facts = ? WHERE doc_id = ?",
                     ('{"nodes":[],"folds":[],"author":[],"aliases":[]}', doc))
        conn.execute("UPDATE corpus_state SET value = 'older rules' WHERE key = 'entity facts'")

    def rematch(*args, **kwargs):
        raise AssertionError("the matches were rebuilt")
    monkeypatch.setattr(update, "rematch", rematch)
    result = run_cli("add", str(STORY / "3-rewrite.txt"), db=db)
    assert result.exit_code == 0
    assert "drawing again the entity facts of 2 stored documents first" in result.stderr
    assert "the entity facts drawn again first in" in result.stderr.splitlines()[-1]
    with sqlite3.connect(db) as conn:
        assert conn.execute(state).fetchone() == (update.ENTITY_FACTS,)
        again = dict(conn.execute("SELECT doc_id, facts FROM entity_facts"))
        assert {d: again[d] for d in facts} == facts
        assert [r for r in conn.execute("SELECT * FROM entity_nodes ORDER BY doc_id, seq")
                if r[0] in facts] == nodes
        conn.execute("DELETE FROM corpus_state WHERE key = 'entity facts'")  # none recorded
    assert "drawing again" in run_cli("add", str(STORY / "4-confirmation.txt"), db=db).stderr
    assert "drawing again" not in run_cli("add", str(STORY / "5-denial.txt"), db=db).stderr


def test_an_add_that_rebuilds_the_index_first_tells_its_progress(tmp_path):
    """The rebuild an index decided by other rules needs (hours on an archive) is told
    document by document (api.add's rebuild_progress; the CLI's second bar)."""
    db = tmp_path / "a.db"
    assert run_cli("add", str(STORY / "1-original.txt"), str(STORY / "2-wire-copy.txt"),
                   db=db).exit_code == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE corpus_state SET value = 'older rules' WHERE key = 'decisions'")
    heard: list[tuple[int, int | None]] = []
    result = api.add(db, [str(STORY / "3-rewrite.txt")], listings=False,
                     rebuild_progress=lambda done, total=None: heard.append((done, total)))
    assert result.counts["added"] == 1
    assert heard == [(1, 2), (2, 2)]
    assert result.rebuilt_seconds > 0  # left out of the rate the summary prints
    heard.clear()
    again = api.add(db, [str(STORY / "4-confirmation.txt")], listings=False,
                    rebuild_progress=lambda done, total=None: heard.append((done, total)))
    assert heard == [] and again.rebuilt_seconds == 0  # once
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE corpus_state SET value = 'older rules' WHERE key = 'decisions'")
    summary = run_cli("add", str(STORY / "5-denial.txt"), db=db).stderr.splitlines()[-1]
    assert summary.startswith("summary: 1 added") and "the index rebuilt first in" in summary


def test_not_mentioning_contradicts_mentioning(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Clinton speaks in Iowa\n\nClinton, a Democrat, did not mention Republican "
                 "front-runner Donald Trump by name.\n", encoding="utf-8")
    b.write_text("Clinton takes aim at Trump\n\nClinton, a Democrat, mentioned Republican "
                 "front-runner Donald Trump by name.\n", encoding="utf-8")
    db = tmp_path / "claimtrack.db"
    assert run_cli("add", str(a), str(b), db=db).exit_code == 0
    claims = json.loads(run_cli("claims", "--json", db=db).stdout)
    said = {c["doc_id"]: c for c in claims if c["cue"] and "mention" in c["cue"]["text"]}
    assert sorted(c["stance"]["polarity"] for c in said.values()) == [0, 1]
    assert [c["stance"]["cue_negated"] for c in said.values()].count(True) == 1
    with sqlite3.connect(db) as conn:
        rels = [r for (r,) in conn.execute(
            "SELECT relation FROM matches WHERE a IN ({0}) AND b IN ({0})".format(
                ",".join("?" * len(said))), [c["id"] for c in said.values()] * 2)]
    assert rels == ["contradicts"]


# --- within one document: stored when the document is, equal to what reads computed ---


def read_time_within(db: Path) -> dict[str, set[str]]:
    """What `corpusflags.within_document` computed on every read before the pairs were
    stored: relate() over every pair of every document's claims, then the voices test."""
    from collections import defaultdict

    from claimtrack import corpusflags, queries
    from claimtrack.corpus.relate import Comparable, core_tokens, relate_tokens
    from claimtrack.store import matchstore
    from claimtrack.store.db import open_db
    from claimtrack.text.compare import compared_text

    handle = open_db(db)
    cs = queries.read(handle)
    docs = matchstore.document_origins(handle.conn, sorted({c.doc_id for c in cs}))
    keys = {c.id: corpusflags._key(corpusflags._row(c), docs) for c in cs}
    by_doc: dict[str, list] = defaultdict(list)
    for c in cs:
        if not (c.source is None and c.cue is None) and c.rule not in ("no_source", "author"):
            by_doc[c.doc_id].append(c)
    found: dict[str, set[str]] = defaultdict(set)
    for claims in by_doc.values():
        parent = {c.id: c.relayed_by for c in claims}

        def root(cid, parent=parent):
            seen = {cid}
            while (p := parent.get(cid)) and p in parent and p not in seen:
                seen.add(p)
                cid = p
            return cid

        groups = {c.id: root(c.id) for c in claims}
        voices: dict[str, set[str]] = defaultdict(set)
        for c in claims:
            if keys.get(c.id):
                voices[groups[c.id]].add(keys[c.id])
        comp = {c.id: Comparable(text=compared_text(c.content.text),
                                 cue_negated=c.stance.cue_negated, denial=c.stance.denial,
                                 content_negated=c.stance.content_negated,
                                 modality=tuple(c.stance.modality)) for c in claims}
        for i, c in enumerate(claims):
            for d in claims[i + 1:]:
                kc, kd = keys.get(c.id), keys.get(d.id)
                if not kc or not kd or kc == kd or groups[c.id] == groups[d.id]:
                    continue
                if voices[groups[c.id]] & voices[groups[d.id]]:
                    continue
                if c.content.start < d.content.end and d.content.start < c.content.end:
                    continue
                rel = relate_tokens(comp[c.id], comp[d.id], core_tokens(comp[c.id].text),
                                    core_tokens(comp[d.id].text))
                if rel is not None and rel.name in ("same", "more_specific"):
                    found[c.id].add(d.id)
                    found[d.id].add(c.id)
    handle.close()
    return dict(found)


def stored_within(db: Path) -> dict[str, set[str]]:
    from claimtrack import corpusflags, queries
    from claimtrack.store import matchstore
    from claimtrack.store.db import open_db

    handle = open_db(db)
    ids = [c.id for c in queries.read(handle)]
    docs = matchstore.document_origins(handle.conn, sorted({i.split(":")[0] for i in ids}))
    found, _ = corpusflags.within_document(handle, ids, docs)
    handle.close()
    return found


def test_within_document_pairs_are_stored_at_add_and_agree_with_the_read_time_ones(story_db):
    # (the story's voices are one per document; test_corpusflags has two in one)
    assert stored_within(story_db) == read_time_within(story_db)


def test_within_document_pairs_on_the_seeds(tmp_path):
    db = tmp_path / "seeds.db"
    result = run_cli("add", str(ROOT / "seeds"), db=db)
    assert result.exit_code == 0, result.stderr
    assert stored_within(db) == read_time_within(db)


def test_within_document_pairs_follow_a_later_near_duplicate(tmp_path):
    """The voices test runs on read: a near-duplicate added later regroups the
    document's origin key, and what reads decide follows it."""
    db = tmp_path / "claimtrack.db"
    build(db, ["3-rewrite.txt", "1-original.txt"])
    assert stored_within(db) == read_time_within(db)
    build(db, ["2-wire-copy.txt"])
    assert stored_within(db) == read_time_within(db)


LISTING = ("Harbour pier listing pulled\n\n"
           "The harbour master, who has run the port for a decade, put the old pier's "
           "bell up for sale this week. He is now selling it online.\n\n"
           '"It has recently been returned to me by the county museum. The bell still has '
           'its number painted on it in white. This is a piece of harbour history."\n\n'
           "The auction site removed the listing on Thursday.\n")
REPORT = ("Pier bell sale stopped again\n\n"
          "The auction of the old pier bell was stopped for a second time on Thursday, "
          "the site's owners told the Courier.\n\n"
          'Harbour master Tom Reyes wrote in the listing: "It has recently been returned '
          "to me by the county museum. The bell still has its number painted on it in "
          'white."\n')


def test_an_unattributed_quotation_matches_and_counts_no_origin(tmp_path):
    """A paragraph that is one quotation no attribution reaches is stored (rule
    "quotation", no source), listed only with --author, matched: another outlet
    naming the speaker aligns with it, and the cluster's only origin is that speaker."""
    (tmp_path / "listing.txt").write_text(LISTING, encoding="utf-8")
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    db = tmp_path / "claimtrack.db"
    for name in ("listing.txt", "report.txt"):
        assert run_cli("add", str(tmp_path / name), db=db).exit_code == 0
    ids = doc_ids(db)
    quoted = [c for c in api.claims(db, author=True) if c.rule == "quotation"]
    assert [c.doc_id for c in quoted] == [ids["listing.txt"]]
    assert quoted[0].content.text.startswith('"It has recently been returned')
    assert quoted[0].source is None and quoted[0].flags == []
    assert quoted[0].source_label == "(quotation, speaker not named)"
    assert not [c for c in api.claims(db) if c.rule == "quotation"]  # --author only
    result = api.diff(db, ids["listing.txt"], ids["report.txt"])
    pairs = [(p.a, p.b) for p in result.aligned]
    assert any(a.id == quoted[0].id and b.source is not None and "Reyes" in b.source.text
               for a, b in pairs)
    assert all(c.rule != "quotation" for c in result.only_in_a)
    with sqlite3.connect(db) as conn:
        (origins,) = conn.execute(
            "SELECT s.origins FROM clusters m JOIN cluster_stats s ON s.cluster = m.cluster "
            "WHERE m.claim_id = ?", (quoted[0].id,)).fetchone()
    assert json.loads(origins) == ["source:tom reyes"]


def test_an_object_read_without_its_source_and_cue_is_matched_with_nothing(tmp_path):
    """"endorsed a temporary ban on heavy trucks", its speaker too far before it to be
    read with it, leaves the noun phrase alone: no proposition, matched with nothing,
    though another article's sentence holds all its words."""
    db = tmp_path / "claimtrack.db"
    add_texts(tmp_path, db,
              a="Bridge Plan Divides Council\n\nThe council met on Tuesday to discuss the old "
                "bridge.\n\nThe mayor, who has led the city since 2015 and who faces an election "
                "next spring against a popular rival from the western district, endorsed a "
                "temporary ban on heavy trucks.\n",
              b="Truckers Protest\n\nTruckers protested on Wednesday outside the town hall.\n\n"
                "Haulage firms across the region have long fought a temporary ban on heavy "
                "trucks in the old town.\n")
    ids = doc_ids(db)
    bare = [c for c in api.claims(db) if c.rule == "verb_object"]
    assert [(c.doc_id, c.content.text) for c in bare] == [
        (ids["a.txt"], "a temporary ban on heavy trucks")]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM matches WHERE ? IN (a, b)",
                            (bare[0].id,)).fetchone() == (0,)
        assert not [p for p in postings.stored(conn) if p[0] == "truck" and p[2] == ids["a.txt"]]


def test_the_subject_a_passive_cue_follows_is_matched_with_nothing(tmp_path):
    """"Mr. Hale, the former mayor of the city | had been soundly rejected by the voters":
    what was done to him is not in the content, so it is no proposition another
    article's sentence about the former mayor could tell again."""
    db = tmp_path / "claimtrack.db"
    add_texts(tmp_path, db,
              a="Library Opens\n\nThe city opened its new library on Monday.\n\nMr. Hale, the "
                "former mayor of the city, had been soundly rejected by the voters of the "
                "eastern district.\n",
              b="Bridge Closes\n\nThe old bridge closed on Tuesday.\n\nMr. Hale, the former "
                "mayor of the city, opened the new ferry service on the same morning.\n")
    ids = doc_ids(db)
    (passive,) = [c for c in api.claims(db) if c.rule == "verb_passive"]
    assert (passive.doc_id, passive.content.text) == (
        ids["a.txt"], "Mr. Hale, the former mayor of the city")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM matches WHERE ? IN (a, b)",
                            (passive.id,)).fetchone() == (0,)



def test_the_first_person_of_a_named_source_is_that_source(tmp_path):
    """A museum's "We have never expressed interest in buying the rifle" denies what a
    seller says of the museum, and a mayor's "I will not run for governor" is what
    another outlet says of him: the first person of a named source is that source
    (corpus/update.said), so each pair is decided as about one subject."""
    db = tmp_path / "claimtrack.db"
    add_texts(tmp_path, db,
              seller="Rifle Listed Again\n\nThe seller wrote in his listing that the "
                     "National Rifle Museum had expressed interest in buying the rifle.\n",
              museum="Museum Answers Seller\n\nThe National Rifle Museum said on Thursday: "
                     "\"We have never expressed interest in buying the rifle.\"\n",
              mayor="Mayor Rules Out Bid\n\n\"I will not run for governor next year,\" Mayor "
                    "Tom Reyes told reporters on Monday.\n",
              paper="Reyes Stays Put\n\nA spokesman said Tom Reyes will not run for governor "
                    "next year.\n")
    ids = doc_ids(db)
    with sqlite3.connect(db) as conn:
        doc_of = dict(conn.execute("SELECT id, doc_id FROM claims"))
        found = {frozenset((doc_of[a], doc_of[b])): r
                 for a, b, r in conn.execute("SELECT a, b, relation FROM matches")}
    assert found.get(frozenset((ids["seller.txt"], ids["museum.txt"]))) == "contradicts"
    assert found.get(frozenset((ids["mayor.txt"], ids["paper.txt"]))) == "same"


_WITHIN_WORDS = ["said", "the", "bridge", "river", "would", "close", "police", "embassy",
                 "Kabul", "taxes", "rise", "Trump", "Clinton", "Monday", "12", "not", "may",
                 "company", "jobs", "cut", "five", "year"]


_phrase = st.lists(st.sampled_from(_WITHIN_WORDS), min_size=0, max_size=10)


@st.composite
def _restated(draw) -> list[str]:
    """A document's contents: a few statements, each told several times with words
    dropped and added (so most pairs relate, through different heads)."""
    bases = draw(st.lists(_phrase, min_size=1, max_size=3))
    out = []
    for _ in range(draw(st.integers(0, 12))):
        words = list(draw(st.sampled_from(bases)))
        keep = draw(st.lists(st.booleans(), min_size=len(words), max_size=len(words)))
        out.append(" ".join([w for w, k in zip(words, keep, strict=True) if k]
                            + draw(st.lists(st.sampled_from(_WITHIN_WORDS), max_size=3))))
    return out


_VOICES = ["Ann Lee", "Bo Chan", "Cy Diaz", "he", None]  # "he" and None are no voice


@settings(max_examples=200, deadline=None)
@given(_restated(), st.lists(st.booleans(), min_size=12, max_size=12),
       st.lists(st.sampled_from(_VOICES), min_size=12, max_size=12))
def test_within_pairs_are_every_pair_relate_would_cluster(contents, negated, voices):
    """corpus/update.within_pairs tries only the pairs whose heads meet (as the stored
    index does), and relates each wording once: it finds exactly what relating every
    pair of the document finds, told by two voices a read could count."""
    from claimtrack.corpus.relate import Comparable, core_tokens, relate_tokens
    from claimtrack.corpus.update import CLUSTERING, within_pairs
    from claimtrack.text.compare import compared_text

    rows = _within_rows(contents, negated, voices)

    def every_pair() -> list[tuple[str, str]]:
        out = []
        for i, c in enumerate(rows):
            for d in rows[i + 1:]:
                if c.source_text in (None, "he") or d.source_text in (None, "he") \
                        or c.source_text == d.source_text:
                    continue
                a = Comparable(text=compared_text(c.content),
                               content_negated=c.content_negated)
                b = Comparable(text=compared_text(d.content),
                               content_negated=d.content_negated)
                rel = relate_tokens(a, b, core_tokens(a.text), core_tokens(b.text))
                if rel is not None and rel.name in CLUSTERING:
                    out.append((c.id, d.id))
        return out

    assert within_pairs(rows) == every_pair()


def _within_rows(contents, negated=None, voices=None):
    from claimtrack.store.matchstore import WithinRow

    rows, at = [], 0
    for i, text in enumerate(contents):
        rows.append(WithinRow(f"d:{i}", at, at + len(text), text, False, "verb", None,
                              False, False, bool(negated and negated[i]), (),
                              source_text=voices[i] if voices else f"Person {i}"))
        at += len(text) + 2
    return rows


def test_a_claim_told_many_times_keeps_its_nearest_partners_only():
    """A document telling one claim thousands of times stored the square of its
    tellings; each claim now keeps its WITHIN_PARTNERS nearest partners of another
    voice, and tellings in one voice are none's partners."""
    from claimtrack.corpus.update import WITHIN_PARTNERS, within_pairs

    told = "the old bridge over the Hudson river would close next week for repairs"
    # one voice, 3,000 times: no pair (a read would count none), and no square of work
    assert within_pairs(_within_rows([told] * 3000, voices=["Ann Lee"] * 3000)) == []
    # 200 voices: each claim pairs with its WITHIN_PARTNERS nearest
    rows = _within_rows([told] * 200)
    pairs = within_pairs(rows)
    partners: dict[str, set[str]] = {}
    for a, b in pairs:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    n = {r.id: int(r.id[2:]) for r in rows}
    for r in rows:
        mine = sorted(partners[r.id], key=lambda x: abs(n[x] - n[r.id]))
        nearest = sorted((x for x in n if x != r.id), key=lambda x: (abs(n[x] - n[r.id]), n[x]))
        assert set(nearest[:WITHIN_PARTNERS]) <= set(mine)  # and those who chose it
    assert len(pairs) <= 200 * WITHIN_PARTNERS
    # one voice 500 times, then another once: the other is each one's partner, however
    # far the run of the first voice puts it
    voices = ["Ann Lee"] * 500 + ["Bo Chan"]
    assert len(within_pairs(_within_rows([told] * 501, voices=voices))) == 500
