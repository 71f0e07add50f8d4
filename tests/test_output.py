"""The output layer: JSON/NL are the records, CSV and table show the columns,
nothing is lost outside the table, empty results stay quiet on stdout."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel
from rich.console import Console

from claimtrack.errors import ClaimtrackError
from claimtrack.escape import for_json
from claimtrack.flags import make_flag
from claimtrack.models import Claim, Document, Span
from claimtrack.output import (
    CLAIM_COLUMNS,
    DOC_COLUMNS,
    ELLIPSIS,
    FLAG_COLUMNS,
    Column,
    emit,
    emit_model,
    flatten,
    shorten,
    table_page,
)

pytestmark = pytest.mark.model_free

TEXT = (
    'He said that the "talks", held in Geneva, would resume next week because both sides had '
    "agreed to a framework that negotiators described as workable and durable.\n"
    "Officials [bold]warned[/bold] of delays."
)


def span(s: str) -> Span:
    i = TEXT.index(s)
    return Span.of(TEXT, i, i + len(s))


def claim(seq: int, source: str | None, cue: str | None, content: str, **kw) -> Claim:
    fields = dict(
        id=f"doc1:{seq}",
        doc_id="doc1",
        seq=seq,
        source=span(source) if source else None,
        cue=span(cue) if cue else None,
        content=span(content),
        kind="indirect",
        cue_class="speech",
        cue_lemma=None,
        source_entity=None,
        relayed_by=None,
        relation=None,
        rule="test",
        extractor="test-0",
    )
    fields.update(kw)
    return Claim(**fields)


LONG = TEXT[TEXT.index('the "talks"') : TEXT.index("durable.") + len("durable")]


@pytest.fixture
def claims() -> list[Claim]:
    return [
        claim(
            0,
            "He",
            "said",
            LONG,
            source_entity="Ahmed Al-Mismari",
            flags=[make_flag("single_source"), make_flag("no_source")],
        ),
        claim(1, "Officials", None, "[bold]warned[/bold] of delays", kind="mixed"),
    ]


def doc(i: int, title: str | None = "A title", published: date | None = None) -> Document:
    return Document(
        id=f"{i:040x}",
        title=title,
        origin=f"seeds/doc{i}.md",
        format="markdown",
        sha256="0" * 64,
        published=published,
        added=datetime(2026, 1, 1, tzinfo=UTC),
        extractor="test-0",
        chars=100,
        claims=i,
    )


@pytest.fixture(autouse=True)
def _no_forced_colour(monkeypatch):
    # rich honours these; the "no colours when not a TTY" checks must see the default.
    for var in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(var, raising=False)


def run(rows, fmt, columns=CLAIM_COLUMNS, **kw) -> str:
    out = io.StringIO()
    emit(rows, fmt, columns, out=out, **kw)
    return out.getvalue()


# -- json / nl: the records themselves ---------------------------------------


def test_json_is_the_model_dump_in_the_given_order(claims):
    rows = [claims[1], claims[0]]
    data = json.loads(run(rows, "json"))
    assert data == [c.model_dump(mode="json") for c in rows]
    assert [Claim.model_validate(d) for d in data] == rows
    # The content is whole in JSON even though the table shortens it.
    assert data[1]["content"]["text"] == LONG


def test_nl_is_one_compact_object_per_line(claims):
    newline = claim(2, None, None, "durable.\nOfficials")
    rows = [*claims, newline]
    lines = run(rows, "nl").splitlines()
    assert len(lines) == 3
    assert [json.loads(ln) for ln in lines] == json.loads(run(rows, "json"))
    assert all(": " not in ln.split('"text"')[0] for ln in lines)  # compact separators


def test_json_of_documents_keeps_dates_iso():
    rows = [doc(1, published=date(2017, 3, 15)), doc(2, title=None)]
    data = json.loads(run(rows, "json", DOC_COLUMNS))
    assert data[0]["published"] == "2017-03-15" and data[1]["title"] is None


# -- csv: the table's columns, nothing shortened -----------------------------------


def test_csv_uses_the_columns_and_keeps_every_character(claims):
    rows = list(csv.reader(io.StringIO(run(claims, "csv"))))
    assert rows[0] == ["id", "source", "cue", "content", "kind", "grade", "flags"]
    assert rows[1] == [
        "doc1:0",
        "He [= Ahmed Al-Mismari]",
        "said",
        LONG,  # commas and quotes survive the round trip
        "indirect",
        "",  # no grade computed: these claims never went through queries
        "single_source; no_source",
    ]
    assert rows[2][1:4] == ["Officials", "", "[bold]warned[/bold] of delays"]


def test_csv_of_documents():
    rows = list(
        csv.reader(io.StringIO(run([doc(3, published=date(2017, 3, 15))], "csv", DOC_COLUMNS)))
    )
    assert rows == [
        ["id", "title", "published", "claims", "origin"],
        [f"{3:040x}", "A title", "2017-03-15", "3", "seeds/doc3.md"],
    ]


def test_flag_columns_explain_the_flags(claims):
    rows = list(csv.reader(io.StringIO(run(claims[:1], "csv", FLAG_COLUMNS))))
    assert rows[0] == ["id", "source", "content", "flags", "why"]
    why = rows[1][4].split("; ")
    assert why[0].startswith("info: fewer than two independent origins")
    assert why[1].startswith("warning: ")


# -- table ---------------------------------------------------------------------


def test_table_shows_rows_without_colour_or_markup(claims):
    out = run(claims, "table", title="claims")
    assert "\x1b[" not in out  # a StringIO is not a terminal
    for header in ("id", "source", "cue", "content", "kind", "flags"):
        assert header in out
    # Cells are text, not rich markup: brackets in the data are printed.
    assert "[bold]" in out and "[=" in out
    assert ELLIPSIS in out  # content shortened in the table only
    assert "durable" not in out


def test_table_wraps_long_cells_instead_of_cutting_them():
    title = "Washington's Al Qaeda Ally Now Leading ISIS in Libya, and what it means for the region"
    out = run([doc(1, title=title)], "table", DOC_COLUMNS)
    for word in title.split():
        assert word in out


def test_table_of_nothing_is_silent_on_stdout(capsys):
    assert run([], "table", title="claims") == ""
    assert "(no rows)" in capsys.readouterr().err


def test_empty_json_csv_nl():
    assert json.loads(run([], "json")) == []
    assert run([], "csv").splitlines() == ["id,source,cue,content,kind,grade,flags"]
    assert run([], "nl") == ""


def test_emit_defaults_to_stdout_at_call_time(capsys, claims):
    emit(claims, "json", CLAIM_COLUMNS)
    assert len(json.loads(capsys.readouterr().out)) == 2


def test_custom_columns_and_unknown_format(claims):
    cols = [Column("n", lambda c: c.seq, justify="right"), Column("tags", lambda c: {"b", "a"})]
    assert run(claims, "csv", cols).splitlines() == ["n,tags", "0,a; b", "1,a; b"]
    with pytest.raises(ValueError, match="table, json, csv, nl"):
        run(claims, "xml")  # type: ignore[arg-type]


# -- emit_model ------------------------------------------------------------------


class View(BaseModel):
    name: str
    claims: list[Claim]


def draw(model: BaseModel, console: Console) -> None:
    assert isinstance(model, View)
    console.print(f"entity {model.name}: {len(model.claims)} claims")


def test_emit_model_formats(claims):
    view = View(name="Al-Mismari", claims=claims)
    out = io.StringIO()
    emit_model(view, "json", draw, out=out)
    assert json.loads(out.getvalue()) == view.model_dump(mode="json")
    out = io.StringIO()
    emit_model(view, "nl", draw, out=out)
    assert out.getvalue().count("\n") == 1
    assert View.model_validate_json(out.getvalue()) == view
    out = io.StringIO()
    emit_model(view, "table", draw, out=out)
    assert out.getvalue().strip() == "entity Al-Mismari: 2 claims"
    with pytest.raises(ClaimtrackError, match="--json"):
        emit_model(view, "csv", draw, out=io.StringIO())


# -- flatten / shorten -----------------------------------------------------------


def test_flatten_values(claims):
    assert flatten(None) == ""
    assert flatten(True) == "true"
    assert flatten(date(2017, 3, 15)) == "2017-03-15"
    assert flatten(claims[0].flags) == "single_source; no_source"
    assert flatten([span("He"), ["a", None, 3]]) == "He; a; ; 3"
    assert json.loads(flatten({"b": 1, "a": [2]})) == {"a": [2], "b": 1}


@given(st.text(max_size=300), st.integers(min_value=2, max_value=200))
def test_shorten_is_a_bounded_prefix(text, limit):
    short = shorten(text, limit)
    flat = " ".join(text.split())
    assert len(short) <= limit
    if len(flat) <= limit:
        assert short == flat
    else:
        assert short.endswith(ELLIPSIS)
        assert flat.startswith(short[: -len(ELLIPSIS)])


def test_table_puts_list_items_on_their_own_lines(claims):
    out = run(claims[:1], "table", FLAG_COLUMNS)
    assert any(
        line.count("│") and "single_source" in line and "no_source" not in line
        for line in out.splitlines()
    )
    assert "single_source;" not in out


# -- pages: a long table prints its first page and says how to see the rest ----


def many(n: int) -> list[Document]:
    return [doc(i) for i in range(n)]


def test_a_long_table_prints_its_first_page_and_says_so(monkeypatch, capsys):
    monkeypatch.setattr("claimtrack.output.TABLE_ROWS", 3)
    out = run(many(5), "table", DOC_COLUMNS, title="documents", paged=False)
    assert "seeds/doc2.md" in out and "seeds/doc3.md" not in out
    note = capsys.readouterr().err
    assert "showing 3 of 5 documents" in note
    assert "--limit/--offset" in note and "--json/--csv" in note


def test_the_note_counts_from_the_offset(monkeypatch):
    monkeypatch.setattr("claimtrack.output.TABLE_ROWS", 200)
    rows, note = table_page(many(500), "claims", paged=False, offset=4800)
    assert len(rows) == 200
    assert note is not None and note.startswith("showing 4,801-5,000 of 5,300 claims")


def test_a_page_the_user_chose_is_printed_whole(monkeypatch, capsys):
    monkeypatch.setattr("claimtrack.output.TABLE_ROWS", 3)
    out = run(many(5), "table", DOC_COLUMNS, paged=True)
    assert "seeds/doc4.md" in out
    assert capsys.readouterr().err == ""
    assert table_page(many(3), "documents", paged=False) == (many(3), None)


@pytest.mark.parametrize("fmt", ["json", "nl", "csv"])
def test_scripts_get_every_row_without_limit(monkeypatch, capsys, fmt):
    monkeypatch.setattr("claimtrack.output.TABLE_ROWS", 3)
    out = run(many(5), fmt, DOC_COLUMNS, paged=False)
    assert out.count("seeds/doc") == 5
    assert capsys.readouterr().err == ""


# --- the commands that write: rows as they happen ------------------------------------


def _outcomes() -> list:
    from claimtrack.models import AddOutcome

    doc = Document(id="abc", title="=T", origin="a.md", format="markdown", sha256="abc",
                   published=None, added=datetime(2024, 1, 1, tzinfo=UTC), extractor="x",
                   chars=3, claims=2)
    return [AddOutcome(origin="a.md", status="added", document=doc),
            AddOutcome(origin="b.jsonl:2", status="failed", error="b.jsonl:2: not JSON")]


@pytest.mark.parametrize("fmt", ["json", "nl", "csv", "table"])
def test_row_writer_agrees_with_emit(fmt):
    from claimtrack.output import ADD_COLUMNS, RowWriter

    rows = _outcomes()
    streamed, whole = io.StringIO(), io.StringIO()
    writer = RowWriter(fmt, ADD_COLUMNS, out=streamed)
    for row in rows:
        writer.write(row)
    writer.close()
    if fmt == "table":  # `add` and `reextract` talk on stderr: no table on stdout
        assert streamed.getvalue() == ""
        return
    emit(rows, fmt, ADD_COLUMNS, out=whole)
    assert streamed.getvalue() == whole.getvalue()
    if fmt == "csv":
        assert list(csv.reader(io.StringIO(streamed.getvalue())))[1][4] == "'=T"


def test_row_writer_streams_nl_before_close():
    from claimtrack.output import ADD_COLUMNS, RowWriter

    out = io.StringIO()
    writer = RowWriter("nl", ADD_COLUMNS, out=out)
    writer.write(_outcomes()[0])
    assert json.loads(out.getvalue())["document"]["id"] == "abc"


class _Row(BaseModel):
    text: str
    n: int
    items: list[str]


@given(st.lists(st.builds(_Row, text=st.text(), n=st.integers(),
                          items=st.lists(st.text(max_size=5), max_size=3)), max_size=4))
def test_json_written_a_row_at_a_time_is_the_array_json_dumps_writes(rows):
    # any string, line and paragraph separators included: only "\n" ends a JSON line
    out = io.StringIO()
    emit(iter(rows), "json", [], out=out)
    want = json.dumps([r.model_dump(mode="json") for r in rows], indent=2, ensure_ascii=False)
    assert json.loads(out.getvalue()) == [r.model_dump(mode="json") for r in rows]
    assert out.getvalue() == for_json(want) + "\n"
