"""JSONL and CSV files of documents with their metadata -> one pending document per record.

`claimtrack add --records FILE`: each JSON line (or CSV row) is one document, its own
unit: a bad record fails alone, with one line naming FILE:LINE, and the others go on.
Fields (JSON keys, or CSV header columns):

    text | html   the document: plain text, or an HTML page (exactly one of them)
    url           where it was published: its origin, and the publisher when none is given
    title         its headline (else found in the text)
    published     YYYY-MM-DD, or an ISO date-time (else found in the text)
    publisher     the outlet (else from the url, the HTML metadata or the byline)
    id            your own id: the origin when there is no url (else FILE:LINE)

A name claimtrack does not know is refused where it is declared, so a typo never
stores documents without the metadata meant for them (and a rerun would skip them
as unchanged): in a CSV header it refuses the file, in a JSON line that line.

Records are read one at a time (the file is never in memory whole). The sha256 of
a record's text is known before it is parsed, so a rerun skips stored documents
without parsing their HTML again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Literal

from claimtrack.errors import InputError
from claimtrack.models import ParsedInput

FIELDS = ("id", "text", "html", "url", "title", "published", "publisher")
RecordFormat = Literal["jsonl", "csv"]
_CSV_EXTENSIONS = (".csv",)
RECORD_EXTENSIONS = (".jsonl", ".ndjson", *_CSV_EXTENSIONS)  # files that look like records


@dataclass
class Pending:
    """One document still to read. `sha256`, when known before parsing, lets a stored
    document be skipped unread; `read()` parses it (InputError when it cannot)."""

    origin: str  # what an error about it names: a path, or FILE:LINE of a record
    read: Callable[[], ParsedInput]
    sha256: str | None = None
    notes: list[str] = field(default_factory=list)  # warnings about it, said before reading


Unit = Pending | InputError  # an input to read, or one that failed before it could be


def record_format(path: str) -> RecordFormat:
    """CSV for a .csv file, JSONL for everything else (.jsonl, .ndjson, stdin)."""
    return "csv" if path.lower().endswith(_CSV_EXTENSIONS) else "jsonl"


def count_records(path: str) -> int | None:
    """How many records a file holds (blank lines and rows aside), read once through
    without parsing, for the progress bar's total; None for stdin or when reading
    fails (the real pass reports why)."""
    if path == "-":
        return None
    try:
        with open(path, "rb") as f:
            if record_format(path) == "jsonl":
                return sum(1 for line in f if line.strip())
            text = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")
            csv.field_size_limit(2**31 - 1)
            return max(sum(1 for row in csv.reader(text) if any(c.strip() for c in row)) - 1, 0)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def iter_records(path: str, stdin: IO[bytes] | None = None,
                 max_bytes: int | None = None) -> Iterator[Unit]:
    """One Unit per record of the JSONL or CSV file `path` ("-": JSONL on `stdin`),
    in file order. A file that cannot be opened, or a CSV header that cannot be
    used, is one InputError; a record that cannot be used is one InputError naming
    FILE:LINE; reading goes on after it."""
    from claimtrack.jsonl import _limits

    text_limit, line_limit = _limits(max_bytes)
    if path == "-":
        import sys

        yield from _jsonl(stdin if stdin is not None else sys.stdin.buffer, "<stdin>",
                          text_limit, line_limit)
        return
    if os.path.isdir(path):
        yield InputError(path, "is a folder: --records takes a JSONL or CSV file of documents "
                         "(pass a folder of documents without --records)")
        return
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below, after the generator is done
    except FileNotFoundError:
        yield InputError(path, "no such file; check the path")
        return
    except OSError as e:
        yield InputError(path, f"cannot read it ({e.strerror or e}); check the file")
        return
    with f:
        if record_format(path) == "csv":
            yield from _csv(f, path, text_limit, line_limit)
        else:
            yield from _jsonl(f, path, text_limit, line_limit)


# --- JSONL ---------------------------------------------------------------------------


def _jsonl(f: IO[bytes], name: str, text_limit: int, line_limit: int) -> Iterator[Unit]:
    from claimtrack.jsonl import parse_object

    n = 0
    while True:
        line = f.readline(line_limit + 1)
        if not line:
            return
        n += 1
        if len(line) > line_limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of it, a piece at a time
                line = f.readline(line_limit + 1)
            yield InputError(f"{name}:{n}", f"longer than {line_limit:,} bytes (4 x the size "
                             "limit); raise the limit with --max-bytes or split the document")
            continue
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as e:
            yield InputError(f"{name}:{n}", f"not UTF-8 ({e.reason} at byte {e.start} of the "
                             "line); re-encode the file as UTF-8")
            continue
        try:
            obj = parse_object(text, name, n)
        except InputError as e:
            yield _at(e, name, n)
            continue
        yield _record(obj, name, n, text_limit)


def _at(e: InputError, name: str, n: int) -> InputError:
    """jsonl's "FILE: line N: problem" as "FILE:N: problem", as every record error reads."""
    return InputError(f"{name}:{n}", e.problem.removeprefix(f"line {n}: "))


# --- CSV -----------------------------------------------------------------------------


def _csv(f: IO[bytes], name: str, text_limit: int, line_limit: int) -> Iterator[Unit]:
    csv.field_size_limit(line_limit)
    text = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as e:
        yield InputError(name, f"cannot read the header row ({_csv_problem(e)})")
        return
    if header is None:
        yield InputError(name, "is empty: want a header row (e.g. url,title,published,text) "
                         "and a row per document")
        return
    columns = [c.strip().lower() for c in header]
    unknown = [c for c in columns if c not in FIELDS]
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if unknown or twice or not {"text", "html"} & set(columns):
        problem = (f"unknown column {unknown[0]!r}" if unknown
                   else f"column {twice[0]!r} twice" if twice
                   else 'no "text" or "html" column')
        yield InputError(name, f"{problem} in the header; the columns are {', '.join(FIELDS)} "
                         "(text or html required); no row was read")
        return
    last = reader.line_num
    while True:
        try:
            row = next(reader, None)
        except (UnicodeDecodeError, csv.Error) as e:
            yield InputError(f"{name}:{last + 1}", f"{_csv_problem(e)}; the rows after it "
                             "were not read")
            return
        if row is None:
            return
        n, last = last + 1, reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(columns):
            yield InputError(f"{name}:{n}", f"{len(row)} cells, the header has {len(columns)}; "
                             "quote cells that hold commas or line breaks")
            continue
        obj = {c: v for c, v in zip(columns, row, strict=True) if v.strip()}
        yield _record(obj, name, n, text_limit)


def _csv_problem(e: Exception) -> str:
    if isinstance(e, UnicodeDecodeError):
        return f"not UTF-8 ({e.reason}); re-encode the file as UTF-8"
    return f"not CSV ({e})"


# --- one record ------------------------------------------------------------------------


def _record(obj: dict, name: str, n: int, text_limit: int) -> Unit:
    """A record's fields -> Pending, or the InputError saying what is wrong with it."""
    from claimtrack.jsonl import document_text

    where = f"{name}:{n}"
    unknown = [k for k in obj if k not in FIELDS]
    if unknown:
        return InputError(where, f"unknown field {unknown[0]!r}; the fields are "
                          f"{', '.join(FIELDS)} (text or html required)")
    if ("text" in obj) == ("html" in obj):
        return InputError(where, 'want a "text" or an "html" field, one of them')
    key = "text" if "text" in obj else "html"
    notes: list[str] = []
    try:
        body = document_text(obj, name, n, text_limit, notes, key=key)
        meta = {k: _string(obj, k, where) for k in ("url", "title", "publisher")}
        published = _date(obj.get("published"), where)
        doc_id = _id(obj.get("id"), where)
    except InputError as e:
        return _at(e, name, n) if e.path == name else e
    raw = body.encode("utf-8")
    origin = meta["url"] or (str(doc_id) if doc_id is not None else where)
    fmt = "html" if key == "html" else "text"

    def read() -> ParsedInput:
        from claimtrack.ingest import parse_bytes

        try:
            parsed = parse_bytes(raw, origin, fmt, title=meta["title"], published=published,
                                 meta={"url": meta["url"], "publisher": meta["publisher"]})
        except InputError as e:
            raise InputError(where, e.problem) from None
        if notes:
            parsed.notes.extend(note.removeprefix(f"{name}: ") for note in notes)
        return parsed

    return Pending(origin=where, read=read, sha256=hashlib.sha256(raw).hexdigest())


def _string(obj: dict, key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(where, f'"{key}" must be a string, not {type(value).__name__}')
    return value.strip() or None


def _id(value: object, where: str) -> str | int | None:
    if value is None or isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, str) or isinstance(value, int) and not isinstance(value, bool):
        return value.strip() if isinstance(value, str) else value
    raise InputError(where, f'"id" must be a string or an integer, not {type(value).__name__}')


def _date(value: object, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip():
        s = value.strip()
        try:
            return date.fromisoformat(s) if len(s) == 10 else datetime.fromisoformat(s).date()
        except ValueError:
            pass
    raise InputError(where, f'"published" is not a date ({str(value)[:40]!r}); write '
                     "YYYY-MM-DD or an ISO date-time")
