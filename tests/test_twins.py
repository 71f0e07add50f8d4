"""Claims told identically in many documents: twin classes (corpus/twins.py), of whose
pairs only a star (one class) or the hubs' pairs (two classes) are stored, every pair
read back (store/matchstore) as deciding each pair would have stored it."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest
from conftest import documents_by, run_cli, table_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack import api
from claimtrack.corpus import twins, update
from claimtrack.store import matchstore as ms
from claimtrack.store.migrations import migrate

BOILERPLATE = ("The Herald newsroom is supported by readers like you and by grants from three "
               "local foundations in the city.")
QUOTE = '"We will not back down on the bridge budget," Senator Mary Jones said on Tuesday.'
STORIES = {
    "a": "Mayor Tom Ruiz said the library on Elm Street will open a new reading room in March.",
    "b": "The county sheriff said two deputies were hurt in a crash on Route 9 late on Friday.",
    "c": "Farmers said the dry summer had cut the corn harvest by a third across the valley.",
    "d": "The school board said it would hire forty new teachers before the autumn term.",
    "e": "Health officials said flu cases had doubled in the last two weeks of January.",
    "f": "The transit agency said bus fares would rise by ten cents on the first of July.",
}
# two classes that contradict, one more specific than another, a quotation of two
# sentences: pairs of two classes, stored between their hubs
CLOSE = "County officials said the old river bridge will close on Monday for repairs."
OPEN = "County officials said the old river bridge will not close on Monday for repairs."
LONGER = ('"We will not back down on the bridge budget this year or next," Senator Mary '
          'Jones said on Tuesday.')
TWO = ('"The budget is balanced at last. We cut waste in every department of the city," '
       'the mayor said.')
TEXTS = {
    name: "\n\n".join([story, *([QUOTE] if name in "abdf" else []),
                       *([LONGER] if name in "ce" else []),
                       *([CLOSE] if name in "ace" else [OPEN] if name in "bd" else []),
                       *([TWO] if name in "bcd" else []), BOILERPLATE,
                       *([BOILERPLATE] if name == "e" else [])])  # e tells it twice
    for name, story in STORIES.items()
}
TABLES = ("matches", "match_units", "twins", "twin_pairs", "clusters", "cluster_stats",
          "within_matches")


def build(folder: Path, db: Path, names) -> Path:
    folder.mkdir(exist_ok=True)
    paths = []
    for name in names:
        paths.append(folder / f"{name}.txt")
        paths[-1].write_text(TEXTS[name], encoding="utf-8")
    for p in paths:  # one add each: the order they come in is the order they are matched
        result = run_cli("add", str(p), db=db)
        assert result.exit_code == 0, result.stderr
    return db


def tables(db: Path) -> dict[str, list[tuple]]:
    return table_rows(db, TABLES)


def docs(db: Path) -> dict[str, str]:
    return documents_by(db, lambda p: p.stem)


@pytest.fixture(scope="module")
def star_db(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("twins")
    return build(tmp / "texts", tmp / "star.db", "abcdef")


@pytest.fixture(scope="module")
def every_pair_db(tmp_path_factory) -> Path:
    """The same documents with no twin class: every pair decided and stored."""
    tmp = tmp_path_factory.mktemp("pairs")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(update, "twin_of", lambda *args: None)
        return build(tmp / "texts", tmp / "pairs.db", "abcdef")


def classes(db: Path) -> dict[str, list[tuple[str, str]]]:
    with sqlite3.connect(db) as conn:
        out: dict[str, list[tuple[str, str]]] = {}
        for key, doc, claim in conn.execute("SELECT key, doc_id, claim_id FROM twins "
                                            "ORDER BY key, doc_id, claim_id"):
            out.setdefault(key, []).append((doc, claim))
        return out


def test_a_sentence_every_document_tells_is_stored_as_a_star(star_db, every_pair_db):
    boiler = [m for m in classes(star_db).values() if len(m) == 7]  # six documents, e twice
    assert len(boiler) == 1
    members = boiler[0]
    ids = {c for _, c in members}
    with sqlite3.connect(star_db) as conn:
        stored = {(a, b) for a, b in conn.execute("SELECT a, b FROM matches")
                  if a in ids and b in ids}
    # the least telling with each telling elsewhere, the other tellings of its document
    # (none here but in e) with the least telling elsewhere
    first = min(members, key=lambda m: m[1])
    second = min((m for m in members if m[0] != first[0]), key=lambda m: m[1])
    assert stored == {tuple(sorted((first[1], y))) for d, y in members if d != first[0]} | {
        tuple(sorted((x, second[1]))) for d, x in members if d == first[0] and x != first[1]}
    assert len(stored) == 6
    with sqlite3.connect(every_pair_db) as conn:
        every = {(a, b) for a, b in conn.execute("SELECT a, b FROM matches")
                 if a in ids and b in ids}
    # every pair of tellings in two documents: 7 * 6 / 2 less e's own pair
    assert len(every) == 20 and stored < every


def test_reads_give_every_pair_as_deciding_them_stores_it(star_db, every_pair_db):
    """Clusters are the same components, and each read of the matches (a pair of
    documents, a claim's matches) gives the rows every pair decided gives."""
    star, every = tables(star_db), tables(every_pair_db)
    for t in ("clusters", "cluster_stats", "within_matches"):
        assert star[t] == every[t]
    assert len(star["matches"]) < len(every["matches"])
    names = docs(star_db)
    assert names == docs(every_pair_db)
    s, e = sqlite3.connect(star_db), sqlite3.connect(every_pair_db)
    try:
        for x, y in itertools.combinations(sorted(names.values()), 2):
            assert ms.matches_between(s, x, y) == ms.matches_between(e, x, y)
            assert ms.unit_matches_between(s, x, y) == ms.unit_matches_between(e, x, y)
        claims = [c for (c,) in s.execute("SELECT id FROM claims ORDER BY id")]
        for c in claims:
            assert ms.matches_of(s, [c]) == ms.matches_of(e, [c])
        assert ms.matches_of(s, claims) == ms.matches_of(e, claims)
    finally:
        s.close()
        e.close()


def _aligned(db: Path, a: str, b: str) -> list[tuple]:
    d = api.diff(db, a, b)
    return [(p.relation, p.a.id, p.b.id, p.a.content.text) for p in d.aligned]


def test_diff_and_timeline_of_two_documents_off_the_star(star_db, every_pair_db):
    names = docs(star_db)
    assert _aligned(star_db, names["c"], names["f"]) == \
        _aligned(every_pair_db, names["c"], names["f"])
    told = {(r, t) for r, _, _, t in _aligned(star_db, names["c"], names["f"])}
    assert ("same", BOILERPLATE.rstrip(".")) in told
    quoted = _aligned(star_db, names["d"], names["f"])
    assert any(QUOTE.split('"')[1].rstrip(",") in text for _, _, _, text in quoted)
    with sqlite3.connect(star_db) as conn:
        (claim,) = conn.execute("SELECT claim_id FROM twins WHERE doc_id = ? AND start = "
                                "(SELECT max(start) FROM twins WHERE doc_id = ?)",
                                (names["f"], names["f"])).fetchone()
    seen = api.timeline(star_db, claim=claim).appearances
    assert len(seen) == 7
    assert sorted(a.relation for a in seen) == ["itself", *["same"] * 6]
    assert [(a.relation, a.similarity, a.doc_id) for a in seen] == \
        [(a.relation, a.similarity, a.doc_id)
         for a in api.timeline(every_pair_db, claim=claim).appearances]


@pytest.mark.parametrize("order", ["fedcba", "cfaebd"])
def test_whatever_order_the_documents_come_in(star_db, tmp_path, order):
    assert tables(build(tmp_path / "texts", tmp_path / "o.db", order)) == tables(star_db)


def hubs(star_db: Path) -> tuple[str, str, str]:
    """The documents of the boilerplate's two hubs (twins.star), and of a member
    that is neither."""
    members = next(m for m in classes(star_db).values() if len(m) == 7)
    first = min(members, key=lambda m: m[1])
    second = min((m for m in members if m[0] != first[0]), key=lambda m: m[1])
    other = next(d for d, _ in members if d not in (first[0], second[0]))
    return first[0], second[0], other


@pytest.mark.parametrize("gone", [0, 1, 2])
def test_removing_a_document_redraws_the_star(star_db, tmp_path, gone):
    from conftest import copy_database

    names = {i: n for n, i in docs(star_db).items()}
    doc = hubs(star_db)[gone]
    db = copy_database(star_db, tmp_path / "rm.db")
    result = run_cli("rm", doc, db=db)
    assert result.exit_code == 0, result.stderr
    without = build(tmp_path / "texts", tmp_path / "without.db",
                    [n for n in "abcdef" if n != names[doc]])
    after, fresh = tables(db), tables(without)
    # a class pair's decision is kept while both classes have members; a fresh build
    # decides only what the pairs of its members need, and reads give the same
    kept, decided = after.pop("twin_pairs"), fresh.pop("twin_pairs")
    assert after == fresh
    assert set(decided) <= set(kept)
    s, f = sqlite3.connect(db), sqlite3.connect(without)
    try:
        ids = [c for (c,) in s.execute("SELECT id FROM claims ORDER BY id")]
        assert ms.matches_of(s, ids) == ms.matches_of(f, ids)
        names = sorted(docs(without).values())
        for x, y in itertools.combinations(names, 2):
            assert ms.unit_matches_between(s, x, y) == ms.unit_matches_between(f, x, y)
    finally:
        s.close()
        f.close()


def test_reextracting_the_hubs_gives_the_same_index(star_db, tmp_path):
    from conftest import copy_database

    db = copy_database(star_db, tmp_path / "rx.db")
    for doc in hubs(star_db)[:2]:
        for extractor in ("rules", "filtered"):
            result = run_cli("reextract", "--doc", doc, "--extractor", extractor, db=db)
            assert result.exit_code == 0, result.stderr
    assert tables(db) == tables(star_db)


CLASSES = "abc"
# how the classes relate: each to itself (its members are `same`), a and b `related`,
# b and c a contradiction one way round and nothing the other, a and c nothing
RELATES = {("a", "a"): "same", ("b", "b"): "same", ("c", "c"): "same", ("a", "b"): "related",
           ("b", "a"): "related", ("b", "c"): "contradicts", ("c", "b"): None,
           ("a", "c"): None, ("c", "a"): None}


def _pairs_hold(conn: sqlite3.Connection) -> None:
    """Each two related classes' stored pairs are twins.required of their members, and
    nothing else is stored; reading every claim's matches gives every pair of members
    of two documents whose classes relate (in the orientation of their ids)."""
    keys = [k for (k,) in conn.execute("SELECT DISTINCT key FROM twins")]
    members = ms.twin_members(conn, keys)
    stored = {(a, b) for a, b in conn.execute("SELECT a, b FROM matches")}
    want = set()
    for (k1, k2), rel in RELATES.items():
        if rel is None or k1 not in members or k2 not in members:
            continue
        for x, y in twins.required(members[k1], members[k2], k1 == k2):
            a, b = sorted((x, y), key=lambda t: t.claim_id)
            if RELATES[a.key, b.key] is not None:  # decided in the orientation of ids
                want.add((a.claim_id, b.claim_id))
    assert stored == want
    every = set()
    for x in (t for m in members.values() for t in m):
        for y in (t for m in members.values() for t in m):
            if x.claim_id < y.claim_id and x.doc_id != y.doc_id \
                    and RELATES[x.key, y.key] is not None:
                every.add((x.claim_id, y.claim_id, RELATES[x.key, y.key]))
    ids = [t.claim_id for m in members.values() for t in m]
    assert {(m.a, m.b, m.relation) for m in ms.matches_of(conn, ids)} == every
    for m in members.values():  # one class told in several documents: N - 1 pairs
        if len({t.doc_id for t in m}) > 1:
            ids_k = {t.claim_id for t in m}
            assert len({p for p in stored if p[0] in ids_k and p[1] in ids_k}) == len(m) - 1


class _Fake:
    """Claims as update.link_classes reads them, for a decide_pair that answers by
    RELATES: a claim id stands for its claim."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, cid: str) -> tuple[str, list, set, str]:
        return cid, [], set(), ""

    def decide(self, a: str, _ua: list, _ia: set, _ta: str, b: str, *_: object
               ) -> tuple[ms.MatchRow | None, list[ms.UnitMatchRow]]:
        t = ms.twins_by_id(self.conn, [a, b])
        rel = RELATES[t[a].key, t[b].key]
        self.asked.append((t[a].key, t[b].key))
        if rel is None:
            return None, []
        units = [ms.UnitMatchRow(a, b, (t[a].start, t[a].start + 9), (t[b].start, t[b].start + 9),
                                 rel, 0.5, None, (), 1.0)] if rel in ("same", "contradicts") else []
        return ms.MatchRow(a, b, rel, 0.5, None, ()), units

    asked: list[tuple[str, str]] = []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["d0", "d1", "d2", "d3", "d4"]),
                          st.lists(st.sampled_from(CLASSES), max_size=4), st.booleans()),
                max_size=14))
def test_pairs_kept_as_documents_come_and_go_are_the_required_ones(steps):
    """Each document's twins (its claims' classes, "a".."c"), added, removed or replaced
    in any order, each class pair decided (by RELATES) in the orientations its members'
    pairs need as they come: after every step the stored pairs are exactly those
    twins.required names for the members, and the reads give every pair."""
    conn = sqlite3.connect(":memory:")  # foreign keys off: a removal deletes by hand
    migrate(conn)
    fake = _Fake(conn)
    fake.asked = []
    stored: set[str] = set()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(update, "decide_pair", fake.decide)
        for doc, keys, gone in steps:
            if doc in stored:  # rm, or reextract (removed, then its new claims added)
                hubs = update.hubs_in(conn, [doc])
                for table, column in (("twins", "claim_id"), ("matches", "a"), ("matches", "b"),
                                      ("match_units", "a"), ("match_units", "b")):
                    conn.execute(f"DELETE FROM {table} WHERE {column} LIKE ?", (doc + ":%",))
                update.redraw(conn, hubs)
                stored.discard(doc)
                _pairs_hold(conn)
                if gone:
                    continue
            mine = [ms.TwinRow(f"{doc}:{seq}", doc, key, 10 * seq, 10 * seq + 9)
                    for seq, key in enumerate(keys)]
            ms.put_twins(conn, mine)
            # what the search meets: a telling of each class pair that relates either way
            others = {(k, d) for k, d in conn.execute("SELECT key, doc_id FROM twins")
                      if d != doc}
            met = {(t.key, k) for t in mine for k, _ in others
                   if RELATES[t.key, k] is not None or RELATES[k, t.key] is not None}
            update.link_classes(conn, doc, mine, met, fake)  # type: ignore[arg-type]
            stored.add(doc)
            _pairs_hold(conn)
    if not any(doc in {d for d, _, _ in steps[:i]} for i, (doc, _, _) in enumerate(steps)):
        assert len(fake.asked) == len(set(fake.asked))  # no removal: each decided once
