"""The founding examples, end to end through the CLI: what the extractor must
find in the seeds, the chains, the resolved speaker and the flags."""

from __future__ import annotations

import json

import pytest
from conftest import claims_json, copy_database, run_cli


@pytest.fixture(scope="module")
def docs(seeded_db):
    result = run_cli("docs", "--json", db=seeded_db)
    assert result.exit_code == 0, result.stderr
    by_title = {d["title"]: d for d in json.loads(result.stdout)}
    return by_title


@pytest.fixture(scope="module")
def belhadj(seeded_db, docs):
    doc = docs["Washington's Al Qaeda Ally Now Leading ISIS in Libya"]
    return claims_json(seeded_db, "--doc", doc["id"])


@pytest.fixture(scope="module")
def haftar(seeded_db, docs):
    title = "UN-Backed Government in Libya Collaborating With Al-Qaeda, Says Pro-Russian Commander"
    return claims_json(seeded_db, "--doc", docs[title]["id"])


def find(claims, source=None, cue=None, content=None):
    """Claims whose source/cue/content text contain the given strings."""
    out = []
    for c in claims:
        if source is not None and (c["source"] is None or source not in c["source"]["text"]):
            continue
        if cue is not None and (c["cue"] is None or cue.lower() != c["cue"]["text"].lower()):
            continue
        if content is not None and content not in c["content"]["text"]:
            continue
        out.append(c)
    return out


def one(claims, **kw):
    found = find(claims, **kw)
    seen = [(c["source"], c["cue"], c["content"]["text"][:60]) for c in found]
    assert len(found) == 1, f"{kw}: {seen}"
    return found[0]


def codes(claim):
    return {f["code"] for f in claim["flags"]}


def test_documents_stored_with_title_and_date(docs):
    first = docs["Washington's Al Qaeda Ally Now Leading ISIS in Libya"]
    assert first["published"] == "2015-03-10"
    assert first["extractor"].startswith("claimtrack-")


def test_recent_reports_carry_the_leadership_claim(belhadj):
    c = one(belhadj, source="recent reports", cue="According to", content="firmly ensconced")
    assert c["content"]["text"].startswith("Abdelhakim Belhadj has now firmly ensconced himself")
    assert {"vague_source", "unresolved_reference"} <= codes(c)


def test_unnamed_official_confirms_the_narrower_claim_and_backs_the_reports(belhadj):
    reports = one(belhadj, source="recent reports", cue="According to", content="firmly ensconced")
    official = one(belhadj, source="unnamed US intelligence official", cue="confirmed")
    assert "Belhadj is supporting and coordinating" in official["content"]["text"]
    assert "anonymous_source" in codes(official)
    assert official["relayed_by"] == reports["id"]
    assert official["relation"] == "comes from"


def test_author_claims_without_source(belhadj):
    headline = one(belhadj, content="Washington's Al Qaeda Ally Now Leading ISIS in Libya")
    opening = one(belhadj, content="The revelations that US ally Abdelhakim Belhadj")
    for c in (headline, opening):
        assert c["source"] is None and c["cue"] is None
        assert "no_source" in codes(c)


def test_colon_after_report_cue_introduces_block_quote(belhadj):
    nyt = one(belhadj, source="New York Times", cue="reported")
    assert nyt["content"]["text"].startswith("The Libyan Islamic Fighting Group was formed in 1995")
    assert "Abu Abdullah Sadik" in nyt["content"]["text"]
    authors = one(belhadj, source="the authors", cue="noted")
    assert authors["content"]["text"].startswith("Almost 19 percent of the fighters")


def test_author_brackets_are_not_the_quoted_sources_words(belhadj):
    nyt = one(belhadj, source="New York Times", cue="reported")
    authors = one(belhadj, source="the authors", cue="noted")
    for c in (nyt, authors):
        pieces = c["content"]["fragments"] or [c["content"]]
        quoted = " ".join(p["text"] for p in pieces)
        assert "[aka" not in quoted and "[Derna]" not in quoted


def test_colons_without_cue_and_scare_quotes_introduce_nothing(belhadj, haftar):
    everything = belhadj + haftar
    assert not find(everything, content="Middle East & North Africa")
    for scare in ("freedom fighter", "tyrannical despot", "moderate rebels", "achievements"):
        assert not [c for c in everything if c["content"]["text"].strip("“”\"' .,") == scare]
    # "Haftar doesn't like it very much:" is followed by reported speech, not Haftar's words.
    assert not [c for c in haftar if c["source"]
                and c["source"]["text"].startswith(("Haftar", "Khalifa Haftar"))
                and "secret meetings" in c["content"]["text"]]


def test_relayed_accusation_chain(seeded_db, haftar):
    observer = one(haftar, source="Libya Observer", cue="according to")
    claimed = one(haftar, source="Ahmed Al-Mismari", cue="claimed",
                  content="held secret meetings with leaders of Al-Qaeda")
    assert claimed["relayed_by"] == observer["id"]
    assert "Libya Observer" not in claimed["content"]["text"]


def test_pronoun_resolves_to_previous_speaker(haftar):
    said = one(haftar, source="He", cue="said")
    assert said["kind"] == "direct"
    assert said["source_entity"] == "Ahmed Al-Mismari"
    assert "This is a coalition of all terrorist groups" in said["content"]["text"]
    noted = one(haftar, source="He", cue="noted")
    assert noted["kind"] == "indirect"
    assert noted["source_entity"] == "Ahmed Al-Mismari"
    assert noted["content"]["text"].startswith(("their aim", "that their aim"))


def test_accused_and_self_citation_and_headline(haftar):
    accused = one(haftar, cue="accused")
    assert accused["content"]["text"].startswith("Qatar and Turkey of supplying")
    we = one(haftar, source="we", cue="reported")
    assert we["content"]["text"].replace("\xa0", " ").startswith(
        "Khalifa Haftar recaptured two key oil ports")
    headline = one(haftar, cue="Says")
    assert headline["source"]["text"] == "Pro-Russian Commander"
    assert headline["content"]["text"] == (
        "UN-Backed Government in Libya Collaborating With Al-Qaeda")


def test_every_offset_points_at_its_text(seeded_db, docs):
    from claimtrack.store import db as dbmod
    from claimtrack.store import documents as store

    conn = dbmod.open_db(seeded_db)
    try:
        texts = {d["id"]: store.get_text(conn, d["id"]) for d in docs.values()}
    finally:
        # never left open: a copy of the file made later in this process (shutil.copy)
        # closes a descriptor of it, which drops every POSIX lock the process holds on
        # it, and SQLite's own with them (a later read then found it "not a database")
        conn.close()
    for d in docs.values():
        text = texts[d["id"]]
        for c in claims_json(seeded_db, "--doc", d["id"]):
            for role in ("source", "cue", "content"):
                span = c[role]
                if span is None:
                    continue
                assert text[span["start"]:span["end"]] == span["text"]
                for frag in span["fragments"] or []:
                    assert text[frag["start"]:frag["end"]] == frag["text"]


def test_show_entity_belhadj(seeded_db):
    result = run_cli("show", "--entity", "belhadj", "--json", db=seeded_db)
    assert result.exit_code == 0, result.stderr
    view = json.loads(result.stdout)
    text = json.dumps(view)
    assert "Abdelhakim Belhadj has now firmly ensconced himself" in text
    assert "recent reports" in text and "unnamed US intelligence official" in text
    table = run_cli("show", "--entity", "Belhadj", db=seeded_db)
    assert table.exit_code == 0
    assert "recent" in table.stdout and "unnamed" in table.stdout


def test_flags_command_lists_weak_sourcing(seeded_db):
    result = run_cli("flags", "--json", db=seeded_db)
    assert result.exit_code == 0, result.stderr
    flagged = json.loads(result.stdout)
    assert flagged and all(c["flags"] for c in flagged)
    assert {"vague_source", "anonymous_source", "no_source", "unresolved_reference"} <= {
        f["code"] for c in flagged for f in c["flags"]}
    for c in flagged:
        assert all(f["explanation"] for f in c["flags"])


@pytest.mark.parametrize("fmt", ["md", "html", "json", "prov-json", "prov-xml", "prov-n"])
def test_a_whole_corpus_report_streamed_a_document_at_a_time_is_the_whole_one(
        seeded_db, tmp_path, fmt, monkeypatch):
    """`claimtrack report` of every document builds, annotates and renders one document
    at a time (1.3 GB to hold 3,000 whole): the text is byte for byte the report built
    whole, also when the rendered documents spill from memory to a file, and for a
    database with no document."""
    from pathlib import Path

    from claimtrack import api, report_render
    from claimtrack.report import render

    db = copy_database(seeded_db, tmp_path / "claimtrack.db")
    story = Path(__file__).parent / "fixtures" / "story"
    added = run_cli("add", str(story), db=db)
    assert added.exit_code == 0, added.stderr
    whole = api.report(db)
    for spool in (report_render._SPOOL, 10):  # held in memory; spilled to a file
        monkeypatch.setattr(report_render, "_SPOOL", spool)
        pieces, built = api.report_text(db, fmt, generated=whole.generated)
        assert built is None
        assert "".join(pieces) == render(whole, fmt)
    empty = tmp_path / "empty.db"
    from claimtrack.store.db import open_db
    open_db(empty).close()
    nothing = api.report(empty)
    pieces, _ = api.report_text(empty, fmt, generated=nothing.generated)
    assert "".join(pieces) == render(nothing, fmt)
    out = tmp_path / "report.out"
    result = run_cli("report", "--format", fmt, "--output", str(out), db=db)
    assert result.exit_code == 0 and out.stat().st_size > 0
    assert not list(tmp_path.glob(".claimtrack-*.partial"))


@pytest.mark.parametrize("fmt", ["json", "xml", "provn"])
def test_prov_streamed_a_document_at_a_time_is_prov_serialising_the_whole(
        seeded_db, tmp_path, fmt, monkeypatch):
    """PROV is serialised a document at a time (one ProvDocument of 3,000 documents held
    2.4 GB): the text is what the `prov` library writes for one document holding every
    document's records, also when the records spill from memory to files."""
    from pathlib import Path

    from prov.model import ProvDocument

    from claimtrack import api, report_render

    db = copy_database(seeded_db, tmp_path / "claimtrack.db")
    added = run_cli("add", str(Path(__file__).parent / "fixtures" / "story"), db=db)
    assert added.exit_code == 0, added.stderr
    documents = api.report(db).documents
    whole = ProvDocument()
    whole.add_namespace(*report_render.NAMESPACE)
    records = report_render._ProvRecords()
    for rd in documents:
        whole.update(records.of(rd))
    empty = ProvDocument()
    empty.add_namespace(*report_render.NAMESPACE)

    def written(doc: ProvDocument) -> str:
        text = doc.get_provn() if fmt == "provn" else \
            doc.serialize(format=fmt, indent=2) if fmt == "json" else doc.serialize(format=fmt)
        return text if text.endswith("\n") else text + "\n"
    for spool in (report_render._SPOOL, 10):
        monkeypatch.setattr(report_render, "_SPOOL", spool)
        assert "".join(report_render.stream_prov(documents, fmt)) == written(whole)
    assert "".join(report_render.stream_prov([], fmt)) == written(empty)


def test_report_output_through_a_link_writes_its_target(seeded_db, tmp_path):
    """--output is written whole through a temporary file and a rename, except where the
    path is not a plain file: a link is written through (the link stays a link)."""
    target = tmp_path / "target.md"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    result = run_cli("report", "--output", str(link), db=seeded_db)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("# Provenance")
    plain = tmp_path / "plain.md"
    assert run_cli("report", "--output", str(plain), db=seeded_db).exit_code == 0
    # the same report but for its "Generated" minute
    assert plain.read_text(encoding="utf-8").splitlines()[3:] == \
        target.read_text(encoding="utf-8").splitlines()[3:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "plain.md", "target.md"]


def test_a_streamed_report_reads_one_state_while_another_process_removes(seeded_db, tmp_path):
    """The report of every document takes long on an archive; a document removed by
    another process meanwhile is still reported, from the state the report began in,
    instead of failing halfway."""
    import json
    import sqlite3

    from claimtrack import api

    db = copy_database(seeded_db, tmp_path / "claimtrack.db")
    pieces, _ = api.report_text(db, "json")
    first = next(pieces)  # the report has begun: its documents are listed
    (last,) = json.loads(run_cli("docs", "--json", db=db).stdout)[-1:]
    with sqlite3.connect(db) as other:
        other.execute("PRAGMA foreign_keys = ON")
        other.execute("DELETE FROM documents WHERE id = ?", (last["id"],))
    other.close()
    report = json.loads(first + "".join(pieces))
    assert last["id"] in [d["document"]["id"] for d in report["documents"]]
    assert last["id"] not in [d["id"] for d in json.loads(
        run_cli("docs", "--json", db=db).stdout)]


def test_report_output_that_cannot_be_written_is_one_line(seeded_db, tmp_path):
    """--output in a folder that does not exist: one `error:` line and exit 1, never a
    traceback (the plain open() gave one too)."""
    result = run_cli("report", "--output", str(tmp_path / "no" / "such" / "r.md"), db=seeded_db)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot write ") and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
