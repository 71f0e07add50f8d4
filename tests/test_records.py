"""`add --records FILE`: JSONL and CSV files of documents with their metadata, one
unit per record; a bad record fails alone, a rerun skips stored records unparsed."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pytest
from conftest import run_cli

from claimtrack import api, records
from claimtrack.errors import InputError
from claimtrack.records import Pending, count_records, iter_records

STORY = Path(__file__).parent / "fixtures" / "story"
ORIGINAL = (STORY / "1-original.txt").read_text(encoding="utf-8")
WIRE = (STORY / "2-wire-copy.txt").read_text(encoding="utf-8")
HTML = (Path(__file__).parent / "fixtures" / "ingest" / "article.html").read_text(
    encoding="utf-8")


def jsonl(path: Path, *lines: dict | str) -> Path:
    path.write_text("".join((ln if isinstance(ln, str) else json.dumps(ln)) + "\n"
                            for ln in lines), encoding="utf-8")
    return path


def dask_installed() -> bool:
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        return False
    return True


def units(path: Path, **kw) -> list:
    return list(iter_records(str(path), **kw))


# -- reading records (no parser) ---------------------------------------------------


def test_a_jsonl_record_carries_its_metadata(tmp_path):
    f = jsonl(tmp_path / "d.jsonl", {"id": "a1", "text": ORIGINAL, "url": "https://apnews.com/x",
                                     "title": "Hospital closes", "published": "2020-03-04"})
    [unit] = units(f)
    assert isinstance(unit, Pending) and unit.origin == f"{f}:1"
    assert unit.sha256 == hashlib.sha256(ORIGINAL.encode()).hexdigest()
    parsed = unit.read()
    assert parsed.sha256 == unit.sha256  # known before parsing: a rerun skips it unread
    assert parsed.origin == "https://apnews.com/x"  # the url is where it comes from
    assert parsed.title == "Hospital closes" and parsed.published == date(2020, 3, 4)
    assert parsed.publisher == "Associated Press"  # from the url's domain
    assert parsed.format == "text" and parsed.text == ORIGINAL.strip()


def test_origin_is_url_then_id_then_file_and_line(tmp_path):
    f = jsonl(tmp_path / "d.jsonl", {"id": 7, "text": "One says so."},
              {"text": "Two says so."}, {"id": "x", "url": "https://e.org/a", "text": "Three."})
    assert [u.read().origin for u in units(f)] == ["7", f"{f}:2", "https://e.org/a"]


def test_the_record_publisher_wins_and_html_is_parsed(tmp_path):
    f = jsonl(tmp_path / "d.jsonl", {"html": HTML, "publisher": "BBC",
                                     "published": "2021-05-06T10:00:00+00:00"})
    parsed = units(f)[0].read()
    assert parsed.format == "html" and "<" not in parsed.text
    assert parsed.publisher == "BBC" and parsed.published == date(2021, 5, 6)


def problems(path: Path, **kw) -> dict[str, str]:
    return {u.path: u.problem for u in units(path, **kw) if isinstance(u, InputError)}


def test_each_bad_record_fails_alone_naming_its_line(tmp_path):
    f = jsonl(tmp_path / "d.jsonl",
              {"text": "Good one says so."},
              "{not json",
              {"text": "x", "titel": "typo"},
              {"text": "x", "html": "<p>x</p>"},
              {"url": "https://e.org"},
              {"text": "x", "published": "yesterday"},
              {"text": "x", "id": 1.5},
              {"text": "x", "title": 3},
              "[1, 2]",
              "",
              {"text": "Good two says so."})
    found = problems(f)
    assert set(found) == {f"{f}:{n}" for n in range(2, 10)}
    assert "not JSON" in found[f"{f}:2"]
    assert "unknown field 'titel'" in found[f"{f}:3"] and "title" in found[f"{f}:3"]
    assert "one of them" in found[f"{f}:4"] and "one of them" in found[f"{f}:5"]
    assert "YYYY-MM-DD" in found[f"{f}:6"]
    assert '"id"' in found[f"{f}:7"] and '"title" must be a string' in found[f"{f}:8"]
    assert "JSON object" in found[f"{f}:9"]
    good = [u for u in units(f) if isinstance(u, Pending)]
    assert [u.origin for u in good] == [f"{f}:1", f"{f}:11"]
    assert count_records(str(f)) == 10  # the blank line is no record


def test_an_overlong_or_non_utf8_line_fails_alone(tmp_path):
    f = tmp_path / "d.jsonl"
    f.write_bytes(json.dumps({"text": "a" * 500}).encode() + b"\n" + b'{"text": "\xff"}\n'
                  + json.dumps({"text": "Fine says so."}).encode() + b"\n")
    found = problems(f, max_bytes=100)
    assert "longer than 400 bytes" in found[f"{f}:1"] and "not UTF-8" in found[f"{f}:2"]
    assert [u.origin for u in units(f, max_bytes=100) if isinstance(u, Pending)] == [f"{f}:3"]


def test_a_text_over_the_size_limit_fails_alone(tmp_path):
    f = jsonl(tmp_path / "d.jsonl", {"text": "b" * 150}, {"text": "Small says so."})
    found = problems(f, max_bytes=100)
    assert list(found) == [f"{f}:1"] and "size limit" in found[f"{f}:1"]


def test_csv_rows_are_records_and_empty_cells_absent(tmp_path):
    f = tmp_path / "d.csv"
    with f.open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(["URL", "title", "published", "text"])  # header case does not matter
        w.writerow(["https://e.org/1", "", "2020-01-02", ORIGINAL])  # a multi-line cell
        w.writerow(["", "Wire", "", WIRE])
        w.writerow(["https://e.org/3", "x"])  # too few cells
        w.writerow(["", "", "", "Last says so."])
    got = units(f)
    assert [type(u).__name__ for u in got] == ["Pending", "Pending", "InputError", "Pending"]
    first, second = got[0].read(), got[1].read()
    assert first.origin == "https://e.org/1" and first.published == date(2020, 1, 2)
    assert second.title == "Wire" and second.origin == got[1].origin
    lines = ORIGINAL.count("\n")
    assert got[1].origin == f"{f}:{3 + lines}"  # the line the row starts on
    assert "2 cells, the header has 4" in got[2].problem
    assert count_records(str(f)) == 4


@pytest.mark.parametrize("header, why", [
    ("url,titel,text", "unknown column 'titel'"),
    ("url,title", 'no "text" or "html" column'),
    ("text,text", "column 'text' twice"),
])
def test_a_bad_csv_header_refuses_the_file_in_one_line(tmp_path, header, why):
    f = tmp_path / "d.csv"
    f.write_text(f"{header}\nhttps://e.org,A,Some text.\n", encoding="utf-8")
    [unit] = units(f)
    assert isinstance(unit, InputError) and unit.path == str(f)
    assert why in unit.problem and "no row was read" in unit.problem


def test_a_missing_file_or_folder_is_one_error(tmp_path):
    [missing] = units(tmp_path / "nope.jsonl")
    [folder] = units(tmp_path)
    assert "no such file" in missing.problem and "is a folder" in folder.problem


def test_records_are_read_one_at_a_time():
    """The first record is handed out before the rest of the stream is read."""

    class Stream(io.BytesIO):
        def readline(self, *a):
            line = super().readline(*a)
            if b"poison" in line:
                raise AssertionError("read ahead")
            return line

    stream = Stream(b'{"text": "First says so."}\n{"text": "poison"}\n')
    first = next(iter_records("-", stdin=stream))
    assert isinstance(first, Pending) and first.origin == "<stdin>:1"


def test_format_by_extension():
    assert records.record_format("a.CSV") == "csv"
    assert records.record_format("a.jsonl") == records.record_format("-") == "jsonl"


# -- adding them (the parser runs) --------------------------------------------------


def test_add_records_then_rerun_skips_them_unparsed(tmp_path, monkeypatch):
    f = jsonl(tmp_path / "d.jsonl", {"id": "orig", "text": ORIGINAL, "published": "2020-03-04"},
              {"text": "x", "bogus": 1}, {"id": "wire", "text": WIRE})
    db = tmp_path / "t.db"
    first = api.add(db, records=[str(f)])
    assert first.counts == {"added": 2, "unchanged": 0, "failed": 1}
    assert [d.origin for d in first.added] == ["orig", "wire"]
    assert first.added[0].published == date(2020, 3, 4)
    assert [str(e) for e in first.failures] == [
        f"{f}:2: unknown field 'bogus'; the fields are id, text, html, url, title, published, "
        "publisher (text or html required)"]

    from claimtrack import ingest

    def no_parsing(*a, **kw):
        raise AssertionError("a stored record was parsed again")

    import claimtrack.extract
    from claimtrack import distributed

    monkeypatch.setattr(ingest, "parse_bytes", no_parsing)
    monkeypatch.setattr(claimtrack.extract, "extract_texts", no_parsing)  # no parser starts
    again = api.add(db, records=[str(f)], keep=False, jobs=2)
    assert again.counts == {"added": 0, "unchanged": 2, "failed": 1}
    assert again.added == [] and again.unchanged == []  # keep=False: counts only
    if dask_installed():  # nor a cluster
        monkeypatch.setattr(distributed, "cluster", no_parsing)
        assert api.add(db, records=[str(f)], dask="local").counts["unchanged"] == 2


def test_cli_records_with_json_and_summary(tmp_path):
    f = jsonl(tmp_path / "d.jsonl", {"id": "orig", "text": ORIGINAL}, "{oops")
    db = tmp_path / "t.db"
    r = run_cli("add", "--records", str(f), "--json", db=db)
    assert r.exit_code == 1
    out = json.loads(r.stdout)
    assert [(o["origin"], o["status"]) for o in out] == [(f"{f}:2", "failed"), ("orig", "added")]
    assert out[1]["document"]["claims"] > 0 and out[0]["error"].startswith(f"{f}:2: not JSON")
    err = r.stderr.splitlines()
    assert err[-2].startswith("summary: 1 added, 0 unchanged, 1 failed")
    assert err[-1].startswith(f"error: {f}:2: not JSON")
    rerun = run_cli("add", "--records", str(f), str(STORY / "3-rewrite.txt"), "--csv", db=db)
    rows = list(csv.DictReader(io.StringIO(rerun.stdout)))
    # in the order they settle: the stored record and the bad line before the file in parsing
    assert sorted((r_["origin"], r_["status"]) for r_ in rows) == sorted([
        (str(STORY / "3-rewrite.txt"), "added"), (f"{f}:1", "unchanged"), (f"{f}:2", "failed")])
    assert "summary: 1 added, 1 unchanged, 1 failed" in rerun.stderr


def test_cli_needs_something_to_add(tmp_path):
    r = run_cli("add", db=tmp_path / "t.db")
    assert r.exit_code == 2 and "--records" in r.stderr


def test_stdin_is_read_once(tmp_path):
    r = run_cli("add", "-", "--records", "-", db=tmp_path / "t.db", input="x")
    assert r.exit_code == 1 and "standard input" in r.stderr


def test_a_records_file_given_as_a_path_is_one_document_with_a_warning(tmp_path):
    f = jsonl(tmp_path / "d.jsonl", {"text": ORIGINAL})
    r = run_cli("add", str(f), db=tmp_path / "t.db")
    assert r.exit_code == 0, r.stderr
    assert f"warning: {f}: read as one text document; to add the documents it holds, give it " \
           f"as --records {f}" in r.stderr
    assert "summary: 1 added" in r.stderr
