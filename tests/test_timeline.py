"""timeline: the appearances of a claim (or of the claims about an entity) in date
order, read from the stored clusters; the five articles of tests/fixtures/story."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import run_cli
from test_corpus import ARTICLES, build, doc_ids

from claimtrack import api


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    db = tmp_path_factory.mktemp("story") / "claimtrack.db"
    build(db, ARTICLES)
    return db, doc_ids(db)


def timeline_json(db: Path, *args: str) -> list[dict]:
    result = run_cli("timeline", *args, "--json", db=db)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def the_rewrites_claim(ids: dict[str, str]) -> str:
    """The rewrite's "... will close its only hospital in June, the AP reported"."""
    return f"{ids['3-rewrite.txt']}:2"


def test_the_life_of_a_claim(story):
    db, ids = story
    rows = timeline_json(db, "--claim", the_rewrites_claim(ids))
    # date order: published dates, the fixtures' 1, 1, 2, 2 and 3 March
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates) and dates[0] == "2016-03-01" and dates[-1] == "2016-03-03"
    assert all(r["dated"] == "published" for r in rows)
    by_doc = {}
    for r in rows:
        by_doc.setdefault(r["doc_id"], []).append(r)
    assert set(by_doc) == set(ids.values())
    (itself,) = [r for r in rows if r["relation"] == "itself"]
    assert itself["claim"]["id"] == the_rewrites_claim(ids)
    assert itself["relay"] and itself["root"] == "outlet:associated press"  # a relay, no origin
    (confirmation,) = by_doc[ids["4-confirmation.txt"]]
    assert confirmation["relation"] == "same" and not confirmation["relay"]
    assert confirmation["root"] != itself["root"]  # the second independent origin
    # the denial, as a contradiction, with its stance
    # (and the denial's headline, "will stay open" against "to close": contradicts too)
    assert {r["relation"] for r in by_doc[ids["5-denial.txt"]]} == {"contradicts"}
    (denial,) = [r for r in by_doc[ids["5-denial.txt"]] if r["claim"]["stance"]["denial"]]
    assert denial["claim"]["stance"]["polarity"] == -1
    assert rows[-1]["doc_id"] == ids["5-denial.txt"]  # dated last
    # the AP's story and its wire copy: one origin, a copy among them
    wire = by_doc[ids["1-original.txt"]] + by_doc[ids["2-wire-copy.txt"]]
    assert {r["root"] for r in wire} == {"outlet:associated press"}
    assert any(r["copied"] for r in wire)
    assert {r["relation"] for r in wire} <= {"same", "more_specific", "less_specific",
                                             "in_cluster"}


def test_the_denial_sees_what_it_contradicts(story):
    db, ids = story
    rows = timeline_json(db, "--claim", f"{ids['5-denial.txt']}:1")
    (itself,) = [r for r in rows if r["relation"] == "itself"]
    assert itself["doc_id"] == ids["5-denial.txt"]
    others = [r for r in rows if r is not itself and r["relation"] != "itself"]
    assert others and all(r["relation"] == "contradicts" for r in others)
    assert {r["doc_id"] for r in others} == {ids[n] for n in ("1-original.txt", "2-wire-copy.txt",
                                                              "3-rewrite.txt",
                                                              "4-confirmation.txt")}


def test_table_and_csv(story, monkeypatch):
    db, ids = story
    monkeypatch.setenv("COLUMNS", "250")  # rich reads it: no cell folds
    table = run_cli("timeline", "--claim", the_rewrites_claim(ids), db=db)
    assert table.exit_code == 0, table.stderr
    assert "contradicts" in table.stdout and "relays" in table.stdout
    out = run_cli("timeline", "--claim", the_rewrites_claim(ids), "--csv", db=db)
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert {"date", "document", "source", "stance", "relation", "origin", "content",
            "claim", "cluster"} == set(rows[0])
    nl = run_cli("timeline", "--claim", the_rewrites_claim(ids), "--nl", db=db)
    assert [json.loads(line)["claim"]["id"] for line in nl.stdout.splitlines()] == [
        r["claim"] for r in rows]


def test_a_narrow_terminal_keeps_the_source(story, monkeypatch):
    """At 80 columns the table's fixed widths left the source, stance and origin columns
    no room (they printed empty): the source is kept, folded; stance and origin are left
    out, and stderr says so; a wide terminal shows all seven."""
    db, ids = story
    monkeypatch.setenv("COLUMNS", "80")
    narrow = run_cli("timeline", "--claim", the_rewrites_claim(ids), db=db)
    assert narrow.exit_code == 0, narrow.stderr
    header = next(line for line in narrow.stdout.splitlines() if "date" in line)
    assert [h.strip() for h in header.strip("┃ ").split("┃")] == [
        "date", "document", "source", "relation", "content"]
    assert "Ruiz" in narrow.stdout  # the denier (Mark Ruiz), on the last row
    assert "left out at 80 columns: stance, origin" in narrow.stderr
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
    monkeypatch.setenv("COLUMNS", "160")
    wide = run_cli("timeline", "--claim", the_rewrites_claim(ids), db=db)
    header = next(line for line in wide.stdout.splitlines() if "date" in line)
    assert [h.strip() for h in header.strip("┃ ").split("┃")] == [
        "date", "document", "source", "stance", "relation", "origin", "content"]
    assert "denies" in wide.stdout and "left out" not in wide.stderr


def test_entity_timeline_groups_by_cluster(story):
    db, ids = story
    rows = timeline_json(db, "--entity", "Harlan")
    clusters = [r["cluster"] for r in rows]
    # grouped: a cluster's rows are together, each cluster in date order
    assert clusters == sorted(clusters, key=clusters.index)
    for name in set(clusters):
        dates = [r["date"] for r in rows if r["cluster"] == name]
        assert dates == sorted(dates)
    # the mayor's words, told by the AP and its wire copy: one cluster, one origin
    money = [r for r in rows if "lost money" in r["claim"]["content"]["text"]]
    assert {r["doc_id"] for r in money} == {ids["1-original.txt"], ids["2-wire-copy.txt"]}
    assert len({r["cluster"] for r in money}) == 1 and all(r["entity_role"] == "by"
                                                           for r in money)
    assert {r["root"] for r in money} == {"source:tom harlan"}
    limited = run_cli("timeline", "--entity", "Harlan", "--limit", "1", "--json", db=db)
    assert len({r["cluster"] for r in json.loads(limited.stdout)}) == 1
    assert "--limit 0 shows all" in limited.stderr


def test_a_table_shows_the_first_clusters_and_json_all(story, monkeypatch):
    """Without --limit a table of `timeline --entity` or `diff --entity` shows the first
    TABLE_CLUSTERS clusters and says how many there are; --limit 0 and JSON show all."""
    import claimtrack.cli as cli_module

    db, _ = story
    every = {r["cluster"] for r in timeline_json(db, "--entity", "Harlan")}
    assert len(every) >= 2
    monkeypatch.setattr(cli_module, "TABLE_CLUSTERS", 1)
    table = run_cli("timeline", "--entity", "Harlan", db=db)
    assert table.exit_code == 0, table.stderr
    assert f"showing 1 of {len(every)} claims (clusters)" in table.stderr
    assert "showing" not in run_cli("timeline", "--entity", "Harlan", "--limit", "0",
                                    db=db).stderr
    assert {r["cluster"] for r in timeline_json(db, "--entity", "Harlan")} == every
    across = run_cli("diff", "--entity", "Harlan", db=db)
    assert across.exit_code == 0, across.stderr
    assert "(first 1 of " in " ".join(across.stdout.split())
    whole = json.loads(run_cli("diff", "--entity", "Harlan", "--json", db=db).stdout)
    assert len(whole["clusters"]) == whole["total"] >= 1


def test_a_claim_told_everywhere_shows_its_first_appearances(story, monkeypatch):
    """A sentence every outlet prints, or one contradicted by hundreds, is thousands of
    rows: `timeline --claim` takes --limit N appearances, a table shows the first
    TABLE_TIMELINE_ROWS and says how many there are; JSON and --limit 0 give all."""
    import claimtrack.cli as cli_module

    db, ids = story
    claim = the_rewrites_claim(ids)
    every = timeline_json(db, "--claim", claim)
    assert len(every) >= 3
    assert timeline_json(db, "--claim", claim, "--limit", "2") == every[:2]
    monkeypatch.setattr(cli_module, "TABLE_TIMELINE_ROWS", 2)
    table = run_cli("timeline", "--claim", claim, db=db)
    assert table.exit_code == 0, table.stderr
    assert f"showing 2 of {len(every)} appearances; --limit 0 shows all" in table.stderr
    whole = run_cli("timeline", "--claim", claim, "--limit", "0", db=db)
    assert whole.exit_code == 0 and "showing" not in whole.stderr
    assert api.timeline(db, claim=claim, limit=2).total == len(every)


def test_library_call(story):
    db, ids = story
    t = api.timeline(db, claim=the_rewrites_claim(ids))
    assert t.clusters == t.shown == 1
    assert [a.claim.id for a in t.appearances] == [
        r["claim"]["id"] for r in timeline_json(db, "--claim", the_rewrites_claim(ids))]


@pytest.mark.parametrize("args,code", [
    (("timeline",), 2),
    (("timeline", "--claim", "x:1", "--entity", "Harlan"), 2),
    (("timeline", "--claim", "nosuchdoc:9"), 1),
    (("timeline", "--entity", "Nobody Atall"), 1),
])
def test_errors_are_one_line(story, args, code):
    db, _ = story
    result = run_cli(*args, db=db)
    assert result.exit_code == code and "Traceback" not in result.output
    if code == 1:
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_appearances_read_their_claims_and_relays_not_whole_documents(seeded_db, monkeypatch):
    """A cluster told in 1,400 documents read all their claims to show its own: now only
    the claims shown and the ones that relay them are read, and each appearance's
    `via` is what the whole document's claims say (diff.relayers)."""
    from claimtrack.diff import relayers
    from claimtrack.store import readback
    from claimtrack.store.db import open_db

    db = seeded_db
    handle = open_db(db)
    every = {c.id: c for c in readback.load_claims(handle, author=True)}
    relayed = [c for c in every.values() if c.relayed_by]
    assert relayed  # the seeds' chains: "X said Y told him"
    asked: list[tuple] = []
    real = readback.read_claims

    def read(db_, doc_id=None, author=False, ids=None, seqs=None):
        asked.append((doc_id, ids))
        return real(db_, doc_id, author, ids, seqs)

    monkeypatch.setattr(readback, "read_claims", read)
    checked = 0
    for claim in sorted(every):
        result = run_cli("timeline", "--claim", claim, "--json", db=db)
        if result.exit_code != 0:  # not in the index (a heading, a short content)
            continue
        for a in json.loads(result.stdout):
            c = every[a["claim"]["id"]]
            by_doc = {x.id: x for x in every.values() if x.doc_id == c.doc_id}
            assert a["via"] == relayers(c, by_doc), (claim, c.id)
            checked += bool(a["via"])
    assert checked  # some appearance is relayed
    assert asked and all(i is not None for _, i in asked)  # by id, never a whole document


def test_a_table_says_when_the_day_a_document_was_added_stands_in_for_its_date(
        tmp_path, monkeypatch):
    """A plain text file gives no date: the appearance is placed at the day it was
    added, and the table says so under the date (JSON's `dated`)."""
    text = tmp_path / "undated.txt"
    text.write_text("Officials said the bridge would close on Monday for repairs.\n",
                    encoding="utf-8")
    db = tmp_path / "c.db"
    assert run_cli("add", str(text), db=db).exit_code == 0
    claim_id = timeline_json_first_claim(db)
    monkeypatch.setenv("COLUMNS", "250")
    table = run_cli("timeline", "--claim", claim_id, db=db)
    assert table.exit_code == 0, table.stderr
    assert "added" in table.stdout
    (row,) = timeline_json(db, "--claim", claim_id)
    assert row["dated"] == "added"


def timeline_json_first_claim(db: Path) -> str:
    out = run_cli("claims", "--json", db=db)
    assert out.exit_code == 0, out.stderr
    return json.loads(out.stdout)[0]["id"]
