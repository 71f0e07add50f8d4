"""The CLI's contract: output formats, re-adding, bad input (one line, exit 1,
no traceback, no partial rows), single_source across documents, diff, report."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import (
    BELHADJ,
    HAFTAR,
    SEEDS,
    claims_json,
    copy_database,
    run_cli,
    unpack_unit_index,
)

# -- output options ---------------------------------------------------------


@pytest.mark.parametrize("command", [["docs"], ["claims"], ["flags"]])
def test_listing_formats_agree(seeded_db, command):
    as_json = json.loads(run_cli(*command, "--json", db=seeded_db).stdout)
    nl = [json.loads(line) for line in run_cli(*command, "--nl", db=seeded_db).stdout.splitlines()]
    assert as_json == nl and as_json
    rows = list(csv.reader(io.StringIO(run_cli(*command, "--csv", db=seeded_db).stdout)))
    assert len(rows) == len(as_json) + 1
    table = run_cli(*command, db=seeded_db)
    assert table.exit_code == 0 and table.stdout.strip()


def test_listings_are_stable(seeded_db):
    first = run_cli("claims", "--json", db=seeded_db).stdout
    assert first == run_cli("claims", "--json", db=seeded_db).stdout


def test_claims_filters(seeded_db):
    direct = claims_json(seeded_db, "--kind", "direct")
    assert direct and all(c["kind"] == "direct" for c in direct)
    vague = claims_json(seeded_db, "--flag", "vague_source")
    assert vague and all("vague_source" in {f["code"] for f in c["flags"]} for c in vague)
    speech = claims_json(seeded_db, "--class", "speech")
    other = claims_json(seeded_db, "--class", "other")
    assert speech and all(c["cue_class"] == "speech" for c in speech)
    assert all(c["cue_class"] == "other" for c in other)
    assert len(speech) + len(other) == len(claims_json(seeded_db))
    assert claims_json(seeded_db, "--flag", "unnamed_source") == claims_json(
        seeded_db, "--flag", "anonymous_source")  # the v1 name still works
    mismari = claims_json(seeded_db, "--entity", "al-mismari")
    assert any(c["cue"] and c["cue"]["text"] == "claimed" for c in mismari)


def test_every_claim_carries_provenance(seeded_db):
    for c in claims_json(seeded_db):
        assert c["doc_id"] and c["id"].startswith(c["doc_id"] + ":")
        assert c["extractor"].startswith("claimtrack-") and "/" in c["extractor"]
        assert c["content"]["end"] > c["content"]["start"]


# -- add ----------------------------------------------------------------------


def test_readding_identical_bytes_is_a_noop(tmp_path):
    db = tmp_path / "t.db"
    assert run_cli("add", str(HAFTAR), db=db).exit_code == 0
    before = claims_json(db)
    again = run_cli("add", str(HAFTAR), db=db)
    assert again.exit_code == 0
    assert "unchanged" in again.stderr
    assert claims_json(db) == before


def test_add_from_stdin_and_glob(tmp_path):
    db = tmp_path / "t.db"
    result = run_cli("add", "-", db=db, input=HAFTAR.read_bytes())
    assert result.exit_code == 0, result.stderr
    docs = json.loads(run_cli("docs", "--json", db=db).stdout)
    assert [d["origin"] for d in docs] == ["<stdin>"]
    result = run_cli("add", str(SEEDS / "*.md"), db=db)
    assert result.exit_code == 0
    assert len(json.loads(run_cli("docs", "--json", db=db).stdout)) == 2  # haftar unchanged


def test_db_from_environment(tmp_path, monkeypatch):
    db = tmp_path / "env.db"
    monkeypatch.setenv("CLAIMTRACK_DB", str(db))
    assert run_cli("add", str(HAFTAR)).exit_code == 0
    assert db.exists()


def test_html_document_keeps_links(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Port seized</title></head><body><article><h1>Port seized</h1>"
        "<p>The minister said that the port was seized on Monday, according to "
        '<a href="https://example.org/agency">the state news agency</a>.</p>'
        "<p>Officials told reporters that talks would resume next week in Geneva.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    result = run_cli("add", str(page), db=db)
    assert result.exit_code == 0, result.stderr
    found = claims_json(db)
    assert any(c["cue"] and c["cue"]["text"] == "said" for c in found)


# -- bad input ------------------------------------------------------------------


def assert_clean_failure(result, *words):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    err = result.stderr.strip().splitlines()
    assert err and all(line.startswith(("error:", "added:", "unchanged:", "warning:", "summary:"))
                       for line in err)
    for w in words:
        assert w in result.stderr


def count_rows(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return conn.execute(f"select count(*) from [{table}]").fetchone()[0]


def test_missing_path(tmp_path):
    db = tmp_path / "t.db"
    assert_clean_failure(run_cli("add", str(tmp_path / "nope.md"), db=db), "nope.md")
    assert not db.exists()  # nothing to store: no empty database left behind


def test_directory_without_documents(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    db = tmp_path / "t.db"
    assert_clean_failure(run_cli("add", str(tmp_path / "empty"), db=db), "empty")
    assert not db.exists()


def test_binary_file(tmp_path):
    f = tmp_path / "blob.txt"
    f.write_bytes(bytes(range(256)) * 4)
    db = tmp_path / "t.db"
    assert_clean_failure(run_cli("add", str(f), db=db), "blob.txt")
    assert count_rows(db, "documents") == 0


def test_empty_file(tmp_path):
    f = tmp_path / "empty.md"
    f.write_text("  \n\n", encoding="utf-8")
    assert_clean_failure(run_cli("add", str(f), db=tmp_path / "t.db"), "empty.md")


def test_a_latin1_file_is_read_with_a_warning(tmp_path):
    f = tmp_path / "latin1.txt"
    f.write_bytes("The mayor said that the café would close.".encode("latin-1"))
    db = tmp_path / "t.db"
    result = run_cli("add", str(f), db=db)
    assert result.exit_code == 0, result.stderr
    assert "warning:" in result.stderr and "Windows-1252" in result.stderr
    assert [c["content"]["text"] for c in claims_json(db)] == ["that the café would close"]


def test_not_a_sqlite_database(tmp_path):
    db = tmp_path / "notes.db"
    db.write_text("this is not a database\n" * 100, encoding="utf-8")
    result = run_cli("docs", db=db)
    assert_clean_failure(result, "notes.db")
    assert db.read_text(encoding="utf-8").startswith("this is not a database")


def test_database_from_a_newer_claimtrack(tmp_path):
    from claimtrack.store.db import open_db

    db = tmp_path / "new.db"
    open_db(db).conn.close()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")
    assert_clean_failure(run_cli("docs", db=db), "newer")


def test_reading_a_missing_database_says_so_and_creates_nothing(tmp_path):
    db = tmp_path / "typo.db"
    for command in (["docs"], ["claims"], ["show", "--entity", "x"], ["report"], ["entities"]):
        assert_clean_failure(run_cli(*command, db=db), "no database at", "claimtrack add")
    assert not db.exists()


def test_batch_keeps_good_files_and_lists_bad_ones(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("", encoding="utf-8")
    db = tmp_path / "t.db"
    result = run_cli("add", str(HAFTAR), str(bad), str(tmp_path / "missing.md"), db=db)
    assert_clean_failure(result, "bad.md", "missing.md")
    assert count_rows(db, "documents") == 1
    # one line per problem (README), each naming its file; no count line after them
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 2
    assert any("bad.md" in ln for ln in errors) and any("missing.md" in ln for ln in errors)
    assert [ln for ln in result.stderr.splitlines() if ln.startswith("added:")] == [
        ln for ln in result.stderr.splitlines() if HAFTAR.name in ln]


def test_a_failure_mid_batch_keeps_the_added_lines(tmp_path, monkeypatch):
    from claimtrack.store import documents as store

    real = store.add_document

    def failing(db, parsed, *args, **kw):
        if "belhadj" in parsed.origin:
            raise RuntimeError("boom")
        return real(db, parsed, *args, **kw)

    monkeypatch.setattr(store, "add_document", failing)
    db = tmp_path / "t.db"
    result = run_cli("add", str(BELHADJ), str(HAFTAR), db=db)
    assert_clean_failure(result, "internal error while storing (RuntimeError: boom)")
    lines = result.stderr.splitlines()
    assert [ln.split(" ->")[0] for ln in lines if ln.startswith("added:")] == [f"added: {HAFTAR}"]
    assert [ln for ln in lines if ln.startswith("error:")] == [
        f"error: {BELHADJ}: internal error while storing (RuntimeError: boom); please report it"]


def test_ctrl_c_lists_what_was_stored_and_exits_130(tmp_path, monkeypatch):
    from claimtrack.store import documents as store

    real = store.add_document

    def interrupted(db, parsed, *args, **kw):
        if "haftar" in parsed.origin:
            raise KeyboardInterrupt
        return real(db, parsed, *args, **kw)

    monkeypatch.setattr(store, "add_document", interrupted)
    db = tmp_path / "t.db"
    result = run_cli("add", str(BELHADJ), str(HAFTAR), db=db)
    assert result.exit_code == 130
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"added: {BELHADJ} -> ")
    assert lines[-1] == "interrupted: 1 stored, 1 not processed"
    assert count_rows(db, "documents") == 1


def test_reading_commands_work_on_a_read_only_database(seeded_db, monkeypatch):
    # As root, permission bits stop nothing: force the path a read-only file takes.
    monkeypatch.setattr("claimtrack.store.db._writable", lambda p: False)
    for command in (["docs"], ["claims"], ["flags"], ["entities"], ["sources"]):
        result = run_cli(*command, "--json", db=seeded_db)
        assert result.exit_code == 0, (command, result.stderr)
        assert json.loads(result.stdout)
    assert_clean_failure(run_cli("add", str(HAFTAR), db=seeded_db), "read-only")


def test_unknown_document_and_entity(seeded_db):
    assert_clean_failure(run_cli("claims", "--doc", "zzzz-nothing", db=seeded_db), "zzzz-nothing")
    assert_clean_failure(run_cli("show", "--entity", "Nobody Atall", db=seeded_db), "Nobody Atall")


def test_usage_error_exits_2(seeded_db):
    assert run_cli("claims", "--kind", "gossip", db=seeded_db).exit_code == 2


# -- single_source across documents -------------------------------------------------

SHARED_A = (
    "Port Talks\n\nThe harbour master said that the northern port will reopen on Friday "
    "after three weeks of repairs.\n"
)
SHARED_B = (
    "Harbour News\n\nAccording to the city council, the northern port will reopen on Friday "
    "after three weeks of repairs.\n"
)
LONE_C = (
    "Budget Fight\n\nThe treasurer said that the city budget has a hole of two million "
    "dollars because of storm damage.\n"
)


def test_single_source_is_cleared_by_a_second_document(tmp_path):
    db = tmp_path / "t.db"
    for name, text in (("a.txt", SHARED_A), ("c.txt", LONE_C)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert run_cli("add", str(tmp_path / "a.txt"), str(tmp_path / "c.txt"), db=db).exit_code == 0

    def single(content_word):
        [c] = [c for c in claims_json(db) if content_word in c["content"]["text"]]
        return "single_source" in {f["code"] for f in c["flags"]}

    assert single("northern port") and single("budget")
    (tmp_path / "b.txt").write_text(SHARED_B, encoding="utf-8")
    assert run_cli("add", str(tmp_path / "b.txt"), db=db).exit_code == 0
    port = [c for c in claims_json(db) if "northern port" in c["content"]["text"]]
    assert len(port) == 2
    assert all("single_source" not in {f["code"] for f in c["flags"]} for c in port)
    assert single("budget")


# -- diff and report on the seeds ---------------------------------------------------------


def test_diff_of_the_seeds(seeded_db):
    docs = json.loads(run_cli("docs", "--json", db=seeded_db).stdout)
    a, b = (d["id"] for d in docs)
    result = run_cli("diff", a, b, "--json", db=seeded_db)
    assert result.exit_code == 0, result.stderr
    diff = json.loads(result.stdout)
    assert diff["aligned"] == [] and diff["contradictions"] == []  # no shared claim
    assert diff["only_in_a"] and diff["only_in_b"]
    entities = {e.lower() if isinstance(e, str) else e["name"].lower()
                for e in diff["shared_entities"]}
    assert {"libya", "tripoli"} <= entities
    assert any(e.replace("-", " ") == "al qaeda" for e in entities)
    profiles = diff["sourcing"]
    assert profiles["a"] != profiles["b"]
    table = run_cli("diff", a, b, db=seeded_db)
    assert table.exit_code == 0 and "Libya" in table.stdout


def test_diff_with_itself_is_empty(seeded_db):
    docs = json.loads(run_cli("docs", "--json", db=seeded_db).stdout)
    a = docs[0]["id"]
    diff = json.loads(run_cli("diff", a, a, "--json", db=seeded_db).stdout)
    assert diff["only_in_a"] == [] and diff["only_in_b"] == []
    assert diff["aligned"] and all(p["a"]["id"] == p["b"]["id"] and not p["differences"]
                                   for p in diff["aligned"])


def test_report_quotes_slice_the_stored_text(seeded_db):
    from claimtrack.store import db as dbmod
    from claimtrack.store import documents as store

    result = run_cli("report", "--format", "json", db=seeded_db)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    conn = dbmod.open_db(seeded_db)
    n = 0
    for rd in report["documents"]:
        text = store.get_text(conn, rd["document"]["id"])
        for rc in rd["claims"]:
            quote = rc["quote"]
            assert text[quote["start"]:quote["end"]] == quote["text"]
            for frag in quote["fragments"] or []:
                assert text[frag["start"]:frag["end"]] == frag["text"]
            n += 1
    assert n > 10


def test_report_chain_reads_document_observer_mismari(seeded_db):
    md = run_cli("report", "--entity", "Al-Mismari", "--format", "md", db=seeded_db)
    assert md.exit_code == 0, md.stderr
    line = next(ln for ln in md.stdout.splitlines()
                if "Libya Observer" in ln and "Al-Mismari" in ln and "->" in ln)
    assert line.index("document") < line.index("Libya Observer") < line.index("Al-Mismari")
    prov = run_cli("report", "--format", "prov-n", db=seeded_db)
    assert prov.exit_code == 0
    official = next(ln for ln in prov.stdout.splitlines()
                    if "agent(" in ln and "unnamed US intelligence official" in ln)
    assert 'ct:source_type="anonymous"' in official and "prov:Person" in official
    html = run_cli("report", "--format", "html", db=seeded_db)
    assert html.exit_code == 0 and "<html" in html.stdout.lower()


# -- --limit / --offset (issue 10 item 9) ------------------------------------------------


@pytest.mark.parametrize("command", [["docs"], ["claims"], ["flags"], ["sources"], ["entities"],
                                     ["sources", "tags"], ["claims", "--flag", "single_source"]])
def test_limit_and_offset_page_the_listing_in_its_order(seeded_db, command):
    every = json.loads(run_cli(*command, "--json", db=seeded_db).stdout)
    assert len(every) >= 2
    page = run_cli(*command, "--json", "--limit", "2", "--offset", "1", db=seeded_db)
    assert page.exit_code == 0, page.stderr
    assert json.loads(page.stdout) == every[1:3]
    rest = run_cli(*command, "--json", "--offset", "3", db=seeded_db)
    assert json.loads(rest.stdout) == every[3:]
    assert json.loads(run_cli(*command, "--json", "--limit", "0", db=seeded_db).stdout) == []


def test_flags_page_after_the_filter(seeded_db):
    """A page of flagged claims is a page of what the filters kept, not of all claims."""
    flagged = json.loads(run_cli("flags", "--json", "--flag", "single_source",
                                 db=seeded_db).stdout)
    page = json.loads(run_cli("flags", "--json", "--flag", "single_source", "--limit", "3",
                              db=seeded_db).stdout)
    assert page == flagged[:3]
    assert all("single_source" in [f["code"] for f in c["flags"]] for c in page)


def test_a_long_table_says_how_to_see_the_rest(seeded_db, monkeypatch):
    monkeypatch.setattr("claimtrack.output.TABLE_ROWS", 5)
    n = len(claims_json(seeded_db))
    result = run_cli("claims", db=seeded_db)
    assert result.exit_code == 0
    assert f"showing 5 of {n} claims: use --limit/--offset, or --json/--csv for all" in \
        " ".join(result.stderr.split())
    limited = run_cli("claims", "--limit", "7", db=seeded_db)
    assert "showing" not in limited.stderr


def test_negative_limit_is_a_usage_error(seeded_db):
    result = run_cli("claims", "--limit", "-1", db=seeded_db)
    assert result.exit_code == 2


def test_a_command_on_an_older_schema_says_first_that_it_upgrades(seeded_db, tmp_path):
    """A migration that moves data takes a while on a large database: the command says so
    on stderr before it starts, once; its output is what it prints on a current one."""
    from claimtrack.store.migrations import LATEST

    db = copy_database(seeded_db, tmp_path / "old.db")
    with sqlite3.connect(db) as conn:  # as a database of version 20 is
        unpack_unit_index(conn)
        conn.execute("PRAGMA user_version = 20")
    first = run_cli("claims", "--json", db=db)
    assert first.exit_code == 0
    assert first.stderr.startswith(f"claimtrack: upgrading {db} to schema version {LATEST} "
                                   "first (21: the unit index packed")
    again = run_cli("claims", "--json", db=db)
    assert again.stderr == ""
    assert first.stdout == again.stdout == run_cli("claims", "--json", db=seeded_db).stdout
