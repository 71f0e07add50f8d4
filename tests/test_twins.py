"""Claims told identically in many documents (corpus/update.join_twins): one twin class,
its pairs stored as a star around the least document's members, every pair read back
(store/matchstore.twin_pairs_between) as deciding each pair would have stored it."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest
from conftest import documents_by, run_cli, table_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack import api
from claimtrack.corpus import update
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
TEXTS = {
    name: "\n\n".join([story, *([QUOTE] if name in "abdf" else []), BOILERPLATE,
                       *([BOILERPLATE] if name == "e" else [])])  # e tells it twice
    for name, story in STORIES.items()
}
TABLES = ("matches", "match_units", "twins", "clusters", "cluster_stats", "within_matches")


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
        mp.setattr(update, "join_twins", lambda *args: {})
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
    """The documents of the boilerplate's two hubs (update.star), and of a member
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
    assert tables(db) == tables(without)


def test_reextracting_the_hubs_gives_the_same_index(star_db, tmp_path):
    from conftest import copy_database

    db = copy_database(star_db, tmp_path / "rx.db")
    for doc in hubs(star_db)[:2]:
        for extractor in ("rules", "filtered"):
            result = run_cli("reextract", "--doc", doc, "--extractor", extractor, db=db)
            assert result.exit_code == 0, result.stderr
    assert tables(db) == tables(star_db)


def _stars_hold(conn: sqlite3.Connection) -> None:
    keys = [k for (k,) in conn.execute("SELECT DISTINCT key FROM twins")]
    stored = {(a, b) for a, b in conn.execute("SELECT a, b FROM matches")}
    units = {(a, b) for a, b in conn.execute("SELECT a, b FROM match_units")}
    told = set()
    for members in ms.twin_members(conn, keys).values():
        ids = {t.claim_id for t in members}
        want = {(m.a, m.b) for m in (ms.twin_match(x, y) for x, y in update.star(members))}
        assert {p for p in stored if p[0] in ids and p[1] in ids} == want
        assert len(want) == max(0, len(ids) - 1) if len({t.doc_id for t in members}) > 1 \
            else not want
        told |= want
    assert stored == units == told  # nothing else is stored here, nothing left over


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["d0", "d1", "d2", "d3", "d4"]),
                          st.lists(st.sampled_from("abc"), max_size=4), st.booleans()),
                max_size=14))
def test_stars_kept_as_documents_come_and_go_are_the_members_stars(steps):
    """Each document's twins (its claims' classes, "a".."c"), added, removed or replaced
    in any order: after every step each class's stored pairs are its star, as drawn
    from its members (update.star), and a new twin is told which members were not
    decided again (the other documents' members of its class)."""
    conn = sqlite3.connect(":memory:")  # foreign keys off: a removal deletes by hand
    migrate(conn)
    stored: set[str] = set()
    for doc, keys, gone in steps:
        if doc in stored:  # rm, or reextract (removed, then its new claims added)
            hubs = update.hubs_in(conn, [doc])
            for table, column in (("twins", "claim_id"), ("matches", "a"), ("matches", "b"),
                                  ("match_units", "a"), ("match_units", "b")):
                conn.execute(f"DELETE FROM {table} WHERE {column} LIKE ?", (doc + ":%",))
            update.restar(conn, hubs)
            stored.discard(doc)
            _stars_hold(conn)
            if gone:
                continue
        mine = [ms.TwinRow(f"{doc}:{seq}", doc, key, 10 * seq, 10 * seq + 9, 1.0, None, (), 2.0)
                for seq, key in enumerate(keys)]
        others = {key: {c for c, d in conn.execute(
            "SELECT claim_id, doc_id FROM twins WHERE key = ?", (key,)) if d != doc}
            for key in keys}
        told = update.link_twins(conn, doc, mine)
        assert told == {t.claim_id: frozenset(others[t.key]) for t in mine if others[t.key]}
        stored.add(doc)
        _stars_hold(conn)
