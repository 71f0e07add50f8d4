"""`claimtrack extract FILE.jsonl`: JSONL documents in, attribution JSONL out (no database).

Input objects carry "id" and "text" (other fields, e.g. gold "attributions",
are ignored); output objects are {"id", "attributions": [...]} in the shape
../shared/eval/score.py reads. Unsourced author claims (rule "no_source") are
left out: they are not attributions.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, TextIO

from claimtrack import extractor_names as names
from claimtrack.errors import ClaimtrackError, InputError
from claimtrack.ingest import MAX_BYTES_ENV
from claimtrack.models import Attribution, Span


def _span(s: Span | None) -> dict | None:
    if s is None:
        return None
    out: dict = {"text": s.text, "start": s.start, "end": s.end}
    if s.fragments:
        out["fragments"] = [_span(f) for f in s.fragments]
    return out


def attribution_record(a: Attribution) -> dict:
    return {
        "source": _span(a.source),
        "cue": _span(a.cue),
        "content": _span(a.content),
        "kind": a.kind,
        "cue_class": a.cue_class,
    }


# A JSONL line holds one document: its text, JSON escapes ("\u00e9" is six
# bytes for two) and, in gold files, annotations that quote the text again.
# So a line may be this many times the size limit; its text must fit the limit
# itself, as a file given to `add` must.
LINE_FACTOR = 4


def _limits(max_bytes: int | None) -> tuple[int, int]:
    """(text limit, line limit) in bytes for the size limit `max_bytes`."""
    from claimtrack.ingest import max_bytes_from

    text_limit = max_bytes_from(max_bytes)
    return text_limit, LINE_FACTOR * text_limit


def iter_lines(stream: IO[bytes] | IO[str] | Iterable[str], name: str,
               max_line: int | None = None) -> Iterator[tuple[int, str]]:
    """(line number, line) of a stream, binary (decoded as UTF-8 line by line) or
    text. A line longer than `max_line` is refused once that much is read, so
    a file of one endless line never sits in memory whole."""
    readline = getattr(stream, "readline", None)
    if readline is None:  # a list of lines (tests, callers with text in hand)
        yield from enumerate(stream, 1)
        return
    limit = -1 if max_line is None else max_line + 1
    n = 0
    while True:
        line = readline(limit)
        if not line:
            return
        n += 1
        end = b"\n" if isinstance(line, bytes) else "\n"
        if max_line is not None and len(line) > max_line and not line.endswith(end):
            raise InputError(
                name, f"line {n}: longer than {max_line:,} bytes ({LINE_FACTOR} x the size "
                f"limit); raise the limit with --max-bytes or split the document")
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError as e:
                raise InputError(
                    name, f"line {n}: not UTF-8 ({e.reason} at byte {e.start} of the line); "
                    "re-encode the file as UTF-8") from None
        yield n, line


def _not_json_constant(name: str, n: int) -> Callable[[str], Any]:
    def refuse(constant: str) -> Any:
        raise InputError(name, f"line {n}: {constant} is not JSON; write a number or a string")

    return refuse


def iter_objects(lines: IO[bytes] | IO[str] | Iterable[str], name: str,
                 max_line: int | None = None) -> Iterator[tuple[int, dict]]:
    """(line number, object) of every non-blank JSON line; anything else raises
    InputError naming the file and line: not JSON (NaN and Infinity are not),
    nested too deeply to read, not an object, longer than `max_line`."""
    for n, line in iter_lines(lines, name, max_line):
        if line.strip():
            yield n, parse_object(line, name, n)


def parse_object(line: str, name: str, n: int) -> dict:
    """Line `n` of file `name` as a JSON object, or InputError naming them."""
    try:
        obj = json.loads(line, parse_constant=_not_json_constant(name, n))
    except RecursionError:
        raise InputError(name, f"line {n}: nested too deeply to read; flatten it") from None
    except ValueError as e:
        raise InputError(name, f"line {n}: not JSON ({e})") from None
    if not isinstance(obj, dict):
        raise InputError(name, f"line {n}: want a JSON object, got {type(obj).__name__}")
    return obj


def document_id(obj: dict, name: str, n: int) -> str | int:
    """The "id" of a line's object: a string or an integer, echoed back as given.
    Floats (NaN too), booleans, null, lists and objects raise InputError."""
    if "id" not in obj:
        raise InputError(name, f'line {n}: no "id"')
    doc_id = obj["id"]
    if isinstance(doc_id, str):
        if _SURROGATE.search(doc_id):
            raise InputError(name, f'line {n}: "id" holds a lone surrogate (not Unicode text); '
                             "fix the id")
        return doc_id
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        return doc_id
    raise InputError(name, f'line {n}: "id" must be a string or an integer, '
                     f"not {json.dumps(doc_id)[:40]}")


_SURROGATE = re.compile("[\ud800-\udfff]")


def document_text(obj: dict, name: str, n: int, max_bytes: int,
                  notes: list[str] | None = None, key: str = "text") -> str:
    """The "text" (or another `key`) of a line's object, at most `max_bytes` in UTF-8.
    Lone surrogates (a JSON escape like "\ud800" with no partner: no character, and
    unprintable as UTF-8) become U+FFFD, one for one so offsets hold, with a note."""
    text = obj.get(key)
    if not isinstance(text, str):
        raise InputError(name, f'line {n}: want an object with a string "{key}"')
    if len(text) > max_bytes // 4:  # a character is at most 4 bytes: else it fits
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise InputError(
                name, f'line {n}: "{key}" is larger than the size limit ({size:,} bytes, limit '
                f"{max_bytes:,} bytes); raise it with --max-bytes or ${MAX_BYTES_ENV}")
    text, lone = _SURROGATE.subn("\ufffd", text)
    if lone and notes is not None:
        notes.append(f'{name}: line {n}: {lone} lone surrogate(s) in "{key}" replaced with '
                     "U+FFFD (offsets unchanged)")
    return text


def read_documents(infile: IO[bytes] | IO[str], max_bytes: int | None = None,
                   notes: list[str] | None = None) -> list[tuple[int, str | int, str]]:
    """(line number, id, text) of every non-blank line; a bad line raises InputError
    naming it. The file may hold any number of documents; each text is held to
    the size limit (`max_bytes`, default max_bytes_from()) and each line to
    LINE_FACTOR times it."""
    name = str(getattr(infile, "name", "<stdin>"))
    text_limit, line_limit = _limits(max_bytes)
    docs = []
    for n, obj in iter_objects(infile, name, line_limit):
        text = document_text(obj, name, n, text_limit, notes)
        docs.append((n, document_id(obj, name, n), text))
    return docs


def extract_jsonl(
    infile: IO[bytes] | IO[str],
    outfile: TextIO,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    extractor: str = names.DEFAULT,
    max_bytes: int | None = None,
    notes: list[str] | None = None,
    failures: list[InputError] | None = None,
    extract: Callable[[Iterable[str]], Iterable[Any]] | None = None,
) -> int:
    """Extract every document of `infile` into `outfile`; returns how many were written.

    The whole input is validated before parsing starts, so a bad line fails
    fast and never leaves worker processes behind. `progress` is called
    after each document with the number written so far. A text the
    extractor fails on (an ExtractError in its place) is left out of the
    output and the others go on: it is appended to `failures` as an
    InputError naming the line and id, or, with no `failures` list, the
    first is raised once the rest are written. `notes` gets the warnings
    (lone surrogates replaced). `extract` (texts -> one result each, in order)
    replaces the local extract_texts(jobs, extractor): e.g. a Dask cluster's.
    """
    docs = read_documents(infile, max_bytes=max_bytes, notes=notes)
    name = str(getattr(infile, "name", "<stdin>"))
    done = 0
    failed: list[InputError] = [] if failures is None else failures
    if extract is None:
        from claimtrack.extract import extract_texts  # spaCy: only when extracting

        extract = functools.partial(extract_texts, jobs=jobs, extractor=extractor)
    extractions = extract(t for _, _, t in docs)
    for (n, doc_id, _), ex in zip(docs, extractions, strict=True):
        # extract_texts yields an ExtractError in the place of a text it failed
        # on (a dead worker, a parser error): that document fails, not the batch.
        if isinstance(ex, ClaimtrackError):
            failed.append(InputError(f"{name}:{n}", f"id {json.dumps(doc_id)}: {ex}"))
            continue
        atts = [attribution_record(a) for a in ex.attributions
                if a.rule not in names.NOT_EXTRACTED_RULES]
        outfile.write(json.dumps({"id": doc_id, "attributions": atts}, ensure_ascii=False))
        outfile.write("\n")
        done += 1
        if progress:
            progress(done)
    if failures is None and failed:
        more = f" ({len(failed) - 1} more failed)" if len(failed) > 1 else ""
        raise InputError(failed[0].path, failed[0].problem + more)
    return done
