"""extract_jsonl: JSONL documents in, scorer-shaped attribution JSONL out."""

from __future__ import annotations

import io
import json

import pytest

from claimtrack.errors import InputError
from claimtrack.jsonl import extract_jsonl

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
