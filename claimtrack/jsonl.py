"""`claimtrack extract FILE.jsonl`: JSONL documents in, attribution JSONL out (no database).

Input objects carry "id" and "text" (other fields, e.g. gold "attributions",
are ignored); output objects are {"id", "attributions": [...]} in the shape
../shared/eval/score.py reads. Unsourced author claims (rule "no_source") are
left out: they are not attributions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

from claimtrack import extractor_names as names
from claimtrack.errors import InputError
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


def iter_objects(lines: Iterable[str], name: str) -> Iterator[tuple[int, dict]]:
    """(line number, object) of every non-blank JSON line; anything else raises
    InputError naming the file and line."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            raise InputError(name, f"line {n}: not JSON ({e})") from None
        if not isinstance(obj, dict):
            raise InputError(name, f"line {n}: want a JSON object, got {type(obj).__name__}")
        yield n, obj


def read_documents(infile: TextIO) -> list[tuple[str, str]]:
    """(id, text) of every non-blank line; a bad line raises InputError naming it."""
    name = str(getattr(infile, "name", "<stdin>"))
    docs = []
    for n, obj in iter_objects(infile, name):
        if not isinstance(obj.get("text"), str):
            raise InputError(name, f'line {n}: want an object with a string "text"')
        if "id" not in obj:
            raise InputError(name, f'line {n}: no "id"')
        docs.append((obj["id"], obj["text"]))
    return docs


def extract_jsonl(
    infile: TextIO,
    outfile: TextIO,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    extractor: str = names.DEFAULT,
) -> int:
    """Extract every document of `infile` into `outfile`; returns how many were written.

    The whole input is validated before parsing starts, so a bad line fails
    fast and never leaves worker processes behind. `progress` is called
    after each document with the number written so far.
    """
    docs = read_documents(infile)
    done = 0
    from claimtrack.extract import extract_texts  # spaCy: only when extracting

    extractions = extract_texts((t for _, t in docs), jobs=jobs, extractor=extractor)
    for (doc_id, _), ex in zip(docs, extractions, strict=True):
        atts = [attribution_record(a) for a in ex.attributions if a.rule != "no_source"]
        outfile.write(json.dumps({"id": doc_id, "attributions": atts}, ensure_ascii=False))
        outfile.write("\n")
        done += 1
        if progress:
            progress(done)
    return done
