"""One output layer for every listing command: rich table, JSON, CSV, NL-JSON.

Stdout is data, stderr is talk: a table with no rows prints nothing on stdout
and a note on stderr, so `claimtrack claims | wc -l` stays honest. JSON and
NL-JSON are the pydantic records' `model_dump` (the contract); the table and
CSV show the chosen columns, in the order the rows were given.
"""

from __future__ import annotations

import csv
import itertools
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal, TextIO, TypeVar

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text

from claimtrack.errors import ClaimtrackError
from claimtrack.escape import for_csv, for_json, for_terminal
from claimtrack.models import Claim, Document, Flag, Span

Format = Literal["table", "json", "csv", "nl"]
FORMATS: tuple[Format, ...] = ("table", "json", "csv", "nl")
Justify = Literal["left", "center", "right"]

LIST_SEPARATOR = "; "
ELLIPSIS = "…"
# a table longer than this, asked for without --limit, prints its first page and says
# on stderr how many rows there are: thousands of rows scroll past unread, and rich
# lays out the whole table before printing its first line
TABLE_ROWS = 200


@dataclass(frozen=True)
class Column:
    """A column of the table and the CSV. `shorten` applies to the table only:
    CSV and JSON never lose data."""

    header: str
    get: Callable[[Any], Any]
    width: int | None = None
    max_width: int | None = None
    justify: Justify = "left"
    shorten: int | None = None
    # the table leaves the column out on a terminal narrower than this (CSV and JSON
    # keep it): squeezed below its fixed-width neighbours it would print empty
    wider_than: int | None = None


def flatten(value: Any) -> str:
    """A cell value as one string: lists joined with '; ', spans by their text,
    flags by their code, dates in ISO form, None as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return flatten(value.value)
    if isinstance(value, Span):
        return value.text
    if isinstance(value, Flag):
        return value.code
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return LIST_SEPARATOR.join(flatten(v) for v in items)
    return str(value)


def shorten(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters at a word boundary, marking the cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + ELLIPSIS


def make_console(out: TextIO | None = None, *, stderr: bool = False) -> Console:
    """A console that colours only real terminals (rich checks isatty and NO_COLOR)
    and never guesses highlights in data."""
    file = out if out is not None else (sys.stderr if stderr else sys.stdout)
    return Console(file=file, highlight=False, soft_wrap=False)


def _rows_json(rows: Sequence[BaseModel]) -> list[dict[str, Any]]:
    return [row.model_dump(mode="json") for row in rows]


def _emit_table(
    rows: Sequence[BaseModel], columns: Sequence[Column], title: str | None, out: TextIO | None
) -> None:
    if not rows:
        what = f"{title}: " if title else ""
        make_console(stderr=True).print(Text(f"{what}(no rows)", style="dim"))
        return
    console = make_console(out)
    left = [c.header for c in columns if c.wider_than is not None and console.width <= c.wider_than]
    if left:  # on stderr, as all talk: stdout stays the table
        make_console(stderr=True).print(Text(
            f"left out at {console.width} columns: {', '.join(left)} "
            "(a wider terminal, --csv or --json show them)", style="dim"))
        columns = [c for c in columns if c.header not in left]
    table = Table(title=title, show_lines=False, header_style="bold")
    for col in columns:
        table.add_column(
            col.header,
            width=col.width,
            max_width=col.max_width,
            justify=col.justify,
            overflow="fold",  # wrap long cells instead of hiding their end
        )
    for row in rows:
        cells = []
        for col in columns:
            value = col.get(row)
            # In a table a list reads best one item per line; CSV keeps "; ".
            if isinstance(value, list | tuple):
                cell = "\n".join(flatten(v) for v in value)
            else:
                cell = flatten(value)
            if col.shorten is not None:
                cell = shorten(cell, col.shorten)
            # Text, not markup: a source label like "He [= Al-Mismari]" is data;
            # and no control character of a document reaches the terminal (escape.py).
            cells.append(Text(for_terminal(cell)))
        table.add_row(*cells)
    console.print(table)


def _emit_csv(rows: Iterable[BaseModel], columns: Sequence[Column], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(c.get(row)) for c in columns])


def _csv_cell(value: Any) -> Any:
    """Numbers stay numbers; everything else is flattened, then escaped (escape.py)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return for_csv(flatten(value))


def table_page(
    rows: Sequence[BaseModel], title: str | None, paged: bool, offset: int = 0
) -> tuple[Sequence[BaseModel], str | None]:
    """The rows a default table prints, and the note for stderr when that is not all.

    `paged`: the user gave --limit (they chose the page: print it whole). `offset`:
    how many rows came before `rows` (--offset), so the note counts from there."""
    if paged or len(rows) <= TABLE_ROWS:
        return rows, None
    return rows[:TABLE_ROWS], _table_note(offset + len(rows), title, offset)


def table_note(total: int, title: str | None, offset: int) -> None:
    """On stderr, after a table without --limit that printed its first TABLE_ROWS rows
    of `total` (from `offset` on): how many there are, and how to see the rest."""
    make_console(stderr=True).print(Text(_table_note(total, title, offset), style="dim"))


def _table_note(total: int, title: str | None, offset: int) -> str:
    shown = f"{TABLE_ROWS}" if offset == 0 else f"{offset + 1:,}-{offset + TABLE_ROWS:,}"
    return (f"showing {shown} of {total:,} {title or 'rows'}: use --limit/--offset, "
            "or --json/--csv for all")


def page_note(shown: int, total: int, offset: int, title: str) -> None:
    """On stderr, when a table printed only part of what there is: how much, and how
    to see the rest (non-list results that page: `show --entity`)."""
    if offset == 0 and shown >= total:
        return
    span = f"{offset + 1:,}-{offset + shown:,}" if shown else "none"
    more = f"; next: --offset {offset + shown}" if offset + shown < total else ""
    note = f"showing {span} of {total:,} {title}: use --limit/--offset{more}, or --json for all"
    make_console(stderr=True).print(Text(note, style="dim"))


def emit(
    rows: Iterable[BaseModel],
    fmt: Format,
    columns: Sequence[Column],
    title: str | None = None,
    out: TextIO | None = None,
    *,
    paged: bool = True,
    offset: int = 0,
) -> None:
    """Write `rows` to `out` (stdout by default) in `fmt`, in the order given.

    A table with `paged=False` (no --limit given) prints at most TABLE_ROWS rows
    and says on stderr how many there are (table_page); JSON, CSV and NL print every
    row they are given (scripts). `rows` may be an iterator (a listing of a whole
    archive): NL, CSV and JSON write each row as it comes, and a table without --limit
    keeps its first TABLE_ROWS rows and counts the rest, so memory never holds them
    all."""
    # Resolved at call time so click's CliRunner, which swaps sys.stdout, sees it.
    stream = out if out is not None else sys.stdout
    if fmt == "nl":
        for row in rows:
            line = json.dumps(row.model_dump(mode="json"), ensure_ascii=False,
                              separators=(",", ":"))
            stream.write(for_json(line) + "\n")
    elif fmt == "csv":
        _emit_csv(rows, columns, stream)
    elif fmt == "json":
        _emit_json(rows, stream)
    elif fmt == "table":
        note = None
        if isinstance(rows, Sequence):
            listed, note = table_page(rows, title, paged, offset)
        elif paged:
            listed = list(rows)
        else:
            it = iter(rows)
            listed = list(itertools.islice(it, TABLE_ROWS))
            more = sum(1 for _ in it)
            if more:
                note = _table_note(offset + len(listed) + more, title, offset)
        _emit_table(listed, columns, title, stream)
        if note:  # after the table, where the eye is when it ends
            make_console(stderr=True).print(Text(note, style="dim"))
    else:
        raise ValueError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")


def _emit_json(rows: Iterable[BaseModel], out: TextIO) -> None:
    """The rows as one JSON array, byte for byte json.dumps(list, indent=2), written a
    row at a time (a string value holds no raw "\\n", so indenting at each "\\n" is
    safe; textwrap would also break at the other line separators a string may hold)."""
    first = True
    for row in rows:
        text = json.dumps(row.model_dump(mode="json"), indent=2, ensure_ascii=False)
        indented = "\n".join("  " + line for line in text.split("\n"))
        out.write(("[\n" if first else ",\n") + for_json(indented))
        first = False
    out.write("[]\n" if first else "\n]\n")


class RowWriter:
    """The rows of a command that writes (`add`, `reextract`) as they happen: NL and
    CSV rows are written at once (a batch of any size streams), JSON as one array
    when closed; the table form writes nothing here (those commands report on
    stderr, line by line)."""

    def __init__(self, fmt: Format, columns: Sequence[Column], out: TextIO | None = None):
        if fmt not in FORMATS:
            raise ValueError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")
        self.fmt, self.columns = fmt, columns
        self.stream = out if out is not None else sys.stdout
        self.rows: list[BaseModel] = []
        self._csv = csv.writer(self.stream, lineterminator="\n") if fmt == "csv" else None
        if self._csv is not None:
            self._csv.writerow([c.header for c in columns])

    def write(self, row: BaseModel) -> None:
        if self.fmt == "json":
            self.rows.append(row)
        elif self.fmt == "nl":
            line = json.dumps(row.model_dump(mode="json"), ensure_ascii=False,
                              separators=(",", ":"))
            self.stream.write(for_json(line) + "\n")
        elif self._csv is not None:
            self._csv.writerow([_csv_cell(c.get(row)) for c in self.columns])
        self.stream.flush()

    def close(self) -> None:
        if self.fmt == "json":
            text = json.dumps(_rows_json(self.rows), indent=2, ensure_ascii=False)
            self.stream.write(for_json(text) + "\n")


M = TypeVar("M", bound=BaseModel)


def emit_model(
    model: M,
    fmt: Format,
    render_table: Callable[[M, Console], None],
    out: TextIO | None = None,
) -> None:
    """Write one non-list result (entity view, diff): JSON is its model_dump,
    NL one compact line, the table whatever `render_table` draws."""
    stream = out if out is not None else sys.stdout
    if fmt == "json":
        stream.write(for_json(model.model_dump_json(indent=2)) + "\n")
    elif fmt == "nl":
        line = json.dumps(model.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
        stream.write(for_json(line) + "\n")
    elif fmt == "table":
        render_table(model, make_console(stream))
    elif fmt == "csv":
        raise ClaimtrackError(
            "this result is not a list, so it has no CSV form: use --json or --nl"
        )
    else:
        raise ValueError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")


def _flag_codes(c: Claim) -> list[str]:
    return [f.code for f in c.flags]


DOC_COLUMNS: tuple[Column, ...] = (
    Column("id", lambda d: d.id, max_width=16),
    Column("title", lambda d: d.title, max_width=50),
    Column("published", lambda d: d.published),
    Column("claims", lambda d: d.claims, justify="right"),
    Column("origin", lambda d: d.origin, max_width=40),
)

CLAIM_COLUMNS: tuple[Column, ...] = (
    Column("id", lambda c: c.id, max_width=20),
    Column("source", lambda c: c.source_label, max_width=30),
    Column("cue", lambda c: c.cue.text if c.cue else None, max_width=16),
    Column("content", lambda c: c.content.text, shorten=120),
    Column("kind", lambda c: c.kind),
    Column("grade", lambda c: _grade(c), justify="center"),
    Column("flags", _flag_codes, max_width=24),
)


FLAG_COLUMNS: tuple[Column, ...] = (
    Column("id", lambda c: c.id, max_width=20),
    Column("source", lambda c: c.source_label, max_width=24),
    Column("content", lambda c: c.content.text, shorten=80),
    Column("flags", _flag_codes, max_width=20),
    # The explanations say *why* a claim is weak, e.g. which link is missing.
    Column("why", lambda c: [f"{f.severity}: {f.explanation}" for f in c.flags]),
)


def documents(rows: Sequence[Document], fmt: Format, out: TextIO | None = None) -> None:
    """The `claimtrack docs` listing."""
    emit(rows, fmt, DOC_COLUMNS, title="documents", out=out)


def claims(rows: Sequence[Claim], fmt: Format, out: TextIO | None = None) -> None:
    """The `claimtrack claims` listing."""
    emit(rows, fmt, CLAIM_COLUMNS, title="claims", out=out)


def flagged(rows: Sequence[Claim], fmt: Format, out: TextIO | None = None) -> None:
    """The `claimtrack flags` listing."""
    emit(rows, fmt, FLAG_COLUMNS, title="flagged claims", out=out)


# --- sources and grades (issue 5) ------------------------------------------------------


def _grade(c: Claim) -> str | None:
    return f"{c.grade.reliability}{c.grade.credibility}" if c.grade else None


def _flag_counts(row: Any) -> list[str]:
    return [f"{code} {n}" for code, n in row.flags.items()]


SOURCE_COLUMNS: tuple[Column, ...] = (
    Column("source", lambda s: s.name, max_width=34),
    Column("type", lambda s: s.type),
    Column("docs", lambda s: len(s.documents), justify="right"),
    Column("claims", lambda s: s.claims, justify="right"),
    Column("grade", lambda s: s.reliability, justify="center"),
    Column("flags", _flag_counts, max_width=30),
)

GRADE_LOG_COLUMNS: tuple[Column, ...] = (
    Column("id", lambda e: e.id, justify="right"),
    Column("source", lambda e: e.source, max_width=30),
    Column("grade", lambda e: e.grade, justify="center"),
    Column("why", lambda e: e.why, shorten=60),
    Column("who", lambda e: e.who, max_width=16),
    Column("at", lambda e: e.at.isoformat(timespec="seconds")),
    Column("origin", lambda e: e.origin, max_width=30),
)

TAG_COLUMNS: tuple[Column, ...] = (
    Column("claim", lambda t: t.claim_id, max_width=20),
    Column("source", lambda t: t.source, max_width=30),
    Column("grade", lambda t: f"{t.reliability}{t.credibility}", justify="center"),
    Column("tags", lambda t: t.tags),
)


# --- the commands that write ------------------------------------------------------------

ADD_COLUMNS: tuple[Column, ...] = (
    Column("origin", lambda o: o.origin),
    Column("status", lambda o: o.status),
    Column("id", lambda o: o.document.id if o.document else None),
    Column("claims", lambda o: o.document.claims if o.document else None),
    Column("title", lambda o: o.document.title if o.document else None),
    Column("error", lambda o: o.error),
)

REEXTRACT_COLUMNS: tuple[Column, ...] = (
    Column("id", lambda r: r.document.id),
    Column("origin", lambda r: r.document.origin),
    Column("before", lambda r: r.before),
    Column("after", lambda r: r.after),
    Column("previous_extractor", lambda r: r.previous_extractor),
    Column("extractor", lambda r: r.document.extractor),
    Column("error", lambda r: r.error),
)
