"""extract_jsonl: JSONL documents in, scorer-shaped attribution JSONL out."""

from __future__ import annotations

import io
import json
import os

import pytest
from conftest import run_cli

from claimtrack.errors import ExtractError, InputError
from claimtrack.ingest import MAX_BYTES_ENV
from claimtrack.jsonl import extract_jsonl, read_documents
from claimtrack.models import Extraction

DOCS = [
    {
        "id": "a",
        "text": "Town Budget Is Broken\n\nThe mayor said the budget is broken.",
        "attributions": [{"ignored": True}],
    },
    {"id": "b", "text": "“We are leaving,” she said, “and we will not come back.”"},
    {"id": "c", "text": "Rain fell all day."},
]


def run(lines: list[str], jobs: int = 1) -> tuple[int, list[dict], list[int]]:
    out = io.StringIO()
    seen: list[int] = []
    n = extract_jsonl(io.StringIO("\n".join(lines) + "\n"), out, jobs=jobs, progress=seen.append)
    return n, [json.loads(line) for line in out.getvalue().splitlines()], seen


def test_one_line_per_document_in_order():
    n, rows, seen = run([json.dumps(d) for d in DOCS])
    assert n == 3 and [r["id"] for r in rows] == ["a", "b", "c"]
    assert seen == [1, 2, 3]
    assert rows[2]["attributions"] == []


def test_records_have_the_scorer_shape_and_true_offsets():
    _, rows, _ = run([json.dumps(d) for d in DOCS])
    texts = {d["id"]: d["text"] for d in DOCS}
    for row in rows:
        for a in row["attributions"]:
            assert set(a) == {"source", "cue", "content", "kind", "cue_class"}
            for role in ("source", "cue", "content"):
                span = a[role]
                if span is None:
                    continue
                for piece in [span, *span.get("fragments", [])]:
                    assert texts[row["id"]][piece["start"] : piece["end"]] == piece["text"]
    said = rows[0]["attributions"]
    assert [(a["source"]["text"], a["cue"]["text"]) for a in said] == [("The mayor", "said")]
    split = rows[1]["attributions"][0]["content"]
    assert len(split["fragments"]) == 2 and rows[1]["attributions"][0]["kind"] == "direct"


def test_no_source_claims_are_left_out():
    _, rows, _ = run([json.dumps(DOCS[0])])
    assert all(a["cue"] is not None for a in rows[0]["attributions"])
    assert not any("Town Budget" in a["content"]["text"] for a in rows[0]["attributions"])


def test_blank_lines_are_skipped():
    n, rows, _ = run([json.dumps(DOCS[2]), "", "  "])
    assert n == 1 and rows[0]["id"] == "c"


@pytest.mark.parametrize(
    "bad, problem",
    [
        ("{not json", "line 2: not JSON"),
        ('{"id": "x"}', 'line 2: want an object with a string "text"'),
        ('{"text": "hi"}', 'line 2: no "id"'),
        ("[1, 2]", "line 2"),
    ],
)
def test_bad_line_names_its_number(bad, problem):
    with pytest.raises(InputError) as err:
        run([json.dumps(DOCS[2]), bad])
    assert problem in str(err.value)


def test_bad_line_writes_nothing():
    out = io.StringIO()
    with pytest.raises(InputError):
        extract_jsonl(io.StringIO(json.dumps(DOCS[2]) + "\n{oops\n"), out)
    assert out.getvalue() == ""


def test_two_jobs_same_output():
    lines = [json.dumps(d) for d in DOCS]
    assert run(lines, jobs=2)[1] == run(lines, jobs=1)[1]


# --- hostile input (issue 9) -------------------------------------------------------------


def test_lone_surrogate_in_text_is_replaced_with_a_note_and_output_is_valid_utf8():
    src = io.BytesIO(b'{"id":"a","text":"The mayor said \\ud800 taxes rise."}\n')
    out, notes = io.StringIO(), []
    assert extract_jsonl(src, out, notes=notes) == 1
    out.getvalue().encode("utf-8")  # strict: a lone surrogate here would raise
    row = json.loads(out.getvalue())
    text = "The mayor said \ufffd taxes rise."
    for a in row["attributions"]:
        assert text[a["content"]["start"] : a["content"]["end"]] == a["content"]["text"]
    assert notes == ['<stdin>: line 1: 1 lone surrogate(s) in "text" replaced with U+FFFD '
                     "(offsets unchanged)"]


@pytest.mark.parametrize(
    "line, problem",
    [
        ('{"id": NaN, "text": "x"}', "line 2: NaN is not JSON; write a number or a string"),
        ('{"id": "x", "text": "y", "n": -Infinity}', "line 2: -Infinity is not JSON"),
        ('{"id": 1.5, "text": "x"}', 'line 2: "id" must be a string or an integer, not 1.5'),
        ('{"id": true, "text": "x"}', '"id" must be a string or an integer, not true'),
        ('{"id": {"a": 1}, "text": "x"}', '"id" must be a string or an integer, not {"a": 1}'),
        ('{"id": null, "text": "x"}', '"id" must be a string or an integer, not null'),
        ('{"id": "\\udc00", "text": "x"}', 'line 2: "id" holds a lone surrogate'),
        ('{"id": "x", "text": ' + "[" * 100_000 + "]" * 100_000 + "}",
         "line 2: nested too deeply to read; flatten it"),
    ],
)
def test_hostile_lines_get_one_line_errors_naming_the_line(line, problem):
    src = io.BytesIO((json.dumps(DOCS[2]) + "\n" + line + "\n").encode())
    src.name = "in.jsonl"
    with pytest.raises(InputError) as err:
        read_documents(src)
    assert str(err.value) == f"in.jsonl: {problem}" or problem in str(err.value)
    assert "\n" not in str(err.value)


def test_integer_ids_are_echoed_as_integers():
    docs = read_documents(io.BytesIO(b'{"id": 7, "text": "Rain."}\n'))
    assert docs == [(1, 7, "Rain.")]


def test_invalid_utf8_names_the_line():
    src = io.BytesIO(json.dumps(DOCS[2]).encode() + b'\n{"id": "b", "text": "caf\xe9"}\n')
    with pytest.raises(InputError, match=r"^<stdin>: line 2: not UTF-8 \(invalid continuation"):
        read_documents(src)


def test_text_over_the_size_limit_is_refused():
    src = io.BytesIO(json.dumps({"id": "a", "text": "é" * 60}).encode() + b"\n")
    with pytest.raises(InputError, match=r'line 1: "text" is larger than the size limit '
                                         r"\(120 bytes, limit 100 bytes\)"):
        read_documents(src, max_bytes=100)
    src.seek(0)
    assert read_documents(src, max_bytes=120)[0][2] == "é" * 60


def test_a_line_is_never_read_past_four_times_the_limit():
    class Endless(io.RawIOBase):  # one endless line, like /dev/zero
        read_bytes = 0

        def readable(self) -> bool:
            return True

        def readinto(self, b) -> int:
            b[:] = b"x" * len(b)
            self.read_bytes += len(b)
            return len(b)

    stream = Endless()
    with pytest.raises(InputError, match=r"line 1: longer than 4,000 bytes \(4 x the size limit"):
        read_documents(io.BufferedReader(stream, buffer_size=1024), max_bytes=1000)
    assert stream.read_bytes <= 4001 + 1024


def test_the_environment_sets_the_jsonl_limit(monkeypatch):
    monkeypatch.setenv(MAX_BYTES_ENV, "10")
    with pytest.raises(InputError, match="size limit"):
        read_documents(io.BytesIO(json.dumps(DOCS[2]).encode()))


def test_a_failed_text_is_reported_and_the_others_written(monkeypatch):
    import claimtrack.extract as extract

    real = extract.extract_texts

    def flaky(texts, **kw):  # what extract_texts yields for a text whose worker died
        texts = list(texts)
        for text, ex in zip(texts, real(texts, **kw), strict=True):
            yield ExtractError("the parser's worker died") if "budget" in text else ex

    monkeypatch.setattr(extract, "extract_texts", flaky)
    src = io.BytesIO("".join(json.dumps(d) + "\n" for d in DOCS).encode())
    src.name = "docs.jsonl"
    out, failures = io.StringIO(), []
    assert extract_jsonl(src, out, failures=failures) == 2
    assert [json.loads(x)["id"] for x in out.getvalue().splitlines()] == ["b", "c"]
    assert [str(f) for f in failures] == ['docs.jsonl:1: id "a": the parser\'s worker died']
    src.seek(0)
    with pytest.raises(InputError, match=r'^docs.jsonl:1: id "a": the parser'):
        extract_jsonl(src, io.StringIO())  # no failures list: raised after the rest


def test_cli_extract_reports_failures_and_exits_1(monkeypatch, tmp_path):
    import claimtrack.extract as extract

    monkeypatch.setattr(extract, "extract_texts", lambda texts, **kw: (
        ExtractError("worker died") if i == 1 else Extraction(extractor="x", attributions=[])
        for i, _ in enumerate(texts)))
    f = tmp_path / "docs.jsonl"
    f.write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    r = run_cli("extract", str(f))
    assert r.exit_code == 1
    assert [json.loads(x)["id"] for x in r.stdout.splitlines()] == ["a", "c"]
    assert f'error: {f}:2: id "b": worker died' in r.stderr.splitlines()
    assert "extracted 2 documents, 1 failed" in r.stderr


def test_cli_extract_max_bytes_and_non_regular_files(tmp_path):
    f = tmp_path / "docs.jsonl"
    f.write_text(json.dumps(DOCS[2]) + "\n", encoding="utf-8")
    r = run_cli("extract", "--max-bytes", "5", str(f))
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "size limit" in r.stderr
    r = run_cli("extract", "--max-bytes", "lots", str(f))
    assert r.exit_code == 2 and "'lots' is not a size" in r.stderr
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.jsonl")
        r = run_cli("extract", str(tmp_path / "pipe.jsonl"))
        assert r.exit_code == 1 and "is no regular file" in r.stderr
