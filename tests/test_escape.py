"""Control characters and spreadsheet formulas in stored text never reach the
reader raw: one escape per target (escape.py), used by every writer (issue 9)."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import run_cli

from claimtrack.escape import for_csv, for_json, for_terminal, for_xml

RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what must never be written raw
# the hostile sequences of the issue: retitle the window, write the clipboard, clear
OSC0, OSC52, CSI2J = "\x1b]0;pwned\x07", "\x1b]52;c;QUJD\x07", "\x1b[2J"


def test_for_terminal_shows_controls_and_keeps_text():
    assert for_terminal(f"a{OSC0}b") == "a\\x1b]0;pwned\\x07b"
    assert for_terminal("x\ry\x7f\x9b\x00") == "x\\x0dy\\x7f\\x9b\\x00"
    kept = "line\n\tindent «Zürich» مرحبا \u202bRTL é"
    assert for_terminal(kept) == kept


def test_for_csv_prefixes_formulas_and_keeps_numbers():
    assert [for_csv(v) for v in ("=1+2", "+1", "-3", "@SUM(A1)", "\tx", "plain", "a=b")] == [
        "'=1+2", "'+1", "'-3", "'@SUM(A1)", "'\tx", "plain", "a=b"]
    assert for_csv(-3) == -3 and for_csv(2.5) == 2.5  # numbers we emit stay numbers
    assert for_csv(f"={CSI2J}") == "'=\\x1b[2J"


@pytest.mark.parametrize("text", ["".join(map(chr, range(0, 0xA0))), f"{OSC52} «é»"])
def test_for_json_round_trips_and_writes_no_control_raw(text):
    for ascii_only in (False, True):
        doc = for_json(json.dumps({"t": text}, ensure_ascii=ascii_only))
        assert json.loads(doc) == {"t": text} and not RAW.search(doc)


def test_for_xml_is_xml_1_0():
    text = "".join(map(chr, range(0, 0xA0))) + "\ufffe\uffff"
    el = ET.fromstring(f"<a>{for_xml(text).replace('&', '&amp;').replace('<', '&lt;')}</a>")
    assert "\\x1b" in (el.text or "")


# --- every output of the CLI, on text already stored -------------------------------

# Same-length stand-ins, swapped for controls in the stored rows after `add`: whatever
# ingest does with control characters now, a database may hold them already.
TEXT = ("The mayor said that \"taxes ~]0;pwned^ will ~]52;c;QUJD^ rise ~[2J now.\"\n\n"
        "Ann Lee said the budget \"is ~[31mfine.\"\n")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    doc, db = tmp / "hostile.txt", tmp / "claimtrack.db"
    doc.write_text(TEXT, encoding="utf-8")
    assert run_cli("add", str(doc), db=db).exit_code == 0
    conn = sqlite3.connect(db)
    swap = "replace(replace({c}, '~', char(27)), '^', char(7))"
    for table, cols in (("documents", ("text", "title")),
                        ("claims", ("source_text", "cue_text", "content_text", "source_entity")),
                        ("mentions", ("text",))):
        conn.execute(f"UPDATE {table} SET " + ", ".join(f"{c} = {swap.format(c=c)}" for c in cols))
    # cells a spreadsheet would run: a title, an origin, a source name
    conn.execute("UPDATE documents SET title = '=HYPERLINK(\"http://x\")' || char(27) || '[2J',"
                 " origin = '@SUM(1)'")
    conn.execute("UPDATE claims SET source_entity = '-2+3' WHERE seq = 0")
    conn.commit()
    assert conn.execute("SELECT count(*) FROM claims WHERE content_text LIKE '%' || char(27) || '%'"
                        ).fetchone()[0] >= 1
    conn.close()
    return db


OUTPUTS = [
    ["docs"], ["docs", "--csv"], ["docs", "--json"], ["docs", "--nl"],
    ["claims"], ["claims", "--csv"], ["claims", "--json"], ["claims", "--nl"],
    ["flags"], ["flags", "--csv"], ["sources"], ["sources", "--csv"], ["entities"],
    ["show", "--entity", "mayor"], ["show", "--entity", "mayor", "--json"],
    ["report"], ["report", "--format", "html"], ["report", "--format", "json"],
    ["report", "--format", "prov-json"], ["report", "--format", "prov-xml"],
    ["report", "--format", "prov-n"],
]


SHOWN = [["docs"], ["docs", "--csv"], ["claims"], ["claims", "--csv"], ["flags"],
         ["show", "--entity", "mayor"], ["report"], ["report", "--format", "html"],
         ["report", "--format", "prov-xml"], ["report", "--format", "prov-n"]]


@pytest.mark.parametrize("command", OUTPUTS, ids=" ".join)
def test_no_control_character_reaches_the_reader(hostile, command):
    result = run_cli(*command, db=hostile)
    assert result.exit_code == 0, result.stderr
    assert not RAW.search(result.stdout) and not RAW.search(result.stderr)
    if command in SHOWN:  # shown, not dropped
        assert "\\x1b" in result.stdout.replace("\\\\", "\\")


def test_tables_show_the_escape_and_no_markup_is_read(hostile):
    out = run_cli("claims", "--json", db=hostile).stdout
    assert "\\u001b]0;pwned\\u0007" in out  # JSON escapes them its own way
    table = run_cli("show", "--entity", "mayor", db=hostile).stdout
    assert "\\x1b]52;c;QUJD\\x07" in table.replace("\n", "").replace("│", "").replace(" ", "")


def test_prov_xml_parses(hostile):
    text = run_cli("report", "--format", "prov-xml", db=hostile).stdout
    root = ET.fromstring(text)
    assert any("\\x1b" in (el.text or "") for el in root.iter())


def test_csv_cells_never_start_a_formula(hostile):
    docs = list(csv.DictReader(io.StringIO(run_cli("docs", "--csv", db=hostile).stdout)))
    assert docs[0]["title"] == "'=HYPERLINK(\"http://x\")\\x1b[2J"
    assert docs[0]["origin"] == "'@SUM(1)"
    assert docs[0]["claims"] == "2"  # a count stays a bare number
    sources = list(csv.DictReader(io.StringIO(run_cli("sources", "--csv", db=hostile).stdout)))
    assert "'-2+3" in {r["source"] for r in sources}  # text that reads as a number too
    for command in ("claims", "flags", "sources", "entities"):
        out = run_cli(command, "--csv", db=hostile).stdout
        for r in csv.DictReader(io.StringIO(out)):
            assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in r.values())
