"""One function per CLI command: the library surface the CLI (and users) call.

Each function opens the database itself (opening always migrates), so a
caller needs only a path. Errors are claimtrack.errors types.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

from claimtrack import db as dbmod
from claimtrack import extractor_names as names
from claimtrack import queries, store
from claimtrack.errors import (
    AlreadyStoredError,
    ClaimtrackError,
    DocumentError,
    InputError,
    Interrupted,
    NotFoundError,
)
from claimtrack.models import Claim, Document, ParsedInput

Progress = Callable[[int, int], None]  # (done, total)


@dataclass
class AddResult:
    """What `add` did, document by document. `failures` are one-line errors
    (InputError: the input could not be read; DocumentError: it could not be
    extracted or stored), each naming its path."""

    added: list[Document] = field(default_factory=list)
    unchanged: list[tuple[str, Document]] = field(default_factory=list)  # (origin, stored doc)
    failures: list[ClaimtrackError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AddEvent:
    """One outcome, reported the moment it happens (so a later failure or Ctrl-C
    never hides what was stored). kind: added | unchanged | failed | note."""

    kind: str
    origin: str
    document: Document | None = None
    error: ClaimtrackError | None = None
    note: str | None = None


def _existing(db_path: str | Path):
    """Open a database that must already exist (reading, re-extracting, deciding)."""
    return dbmod.open_db(db_path, create=False)


def add(
    db_path: str | Path,
    inputs: Sequence[str],
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    extractor: str = names.DEFAULT,
    on_event: Callable[[AddEvent], None] | None = None,
) -> AddResult:
    """Read, extract and store documents; each document is its own unit.

    A document that cannot be read, extracted or stored is a failure naming
    its path, and the batch goes on; one stored meanwhile by another process
    is `unchanged`. Each document is stored in one transaction. `on_event`
    hears each outcome as it happens. The database is created only when there
    is something to store. Ctrl-C raises errors.Interrupted carrying the
    partial result (what was stored stays stored; workers are stopped).
    """
    result = AddResult()

    def emit(event: AddEvent) -> None:
        if event.kind == "added":
            result.added.append(event.document)  # type: ignore[arg-type]
        elif event.kind == "unchanged":
            result.unchanged.append((event.origin, event.document))  # type: ignore[arg-type]
        elif event.kind == "failed":
            result.failures.append(event.error)  # type: ignore[arg-type]
        else:
            result.notes.append(f"{event.origin}: {event.note}")
        if on_event:
            on_event(event)

    pending: list[ParsedInput] = []
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done = n
        if progress:
            progress(n, len(pending))

    try:
        pending = _read_all(inputs, stdin, emit)
        if not pending:  # nothing to store: no database file is created
            tick(0)
            return result
        db = dbmod.open_db(db_path)
        pending = _not_stored(db, pending, emit)
        tick(0)
        _extract_and_store(db, pending, jobs, extractor, emit, tick)
    except KeyboardInterrupt:
        raise Interrupted(result, len(pending) - done) from None
    return result


def _read_all(inputs, stdin, emit) -> list[ParsedInput]:
    from claimtrack.ingest import expand_inputs, read_input

    items, errors = expand_inputs(inputs)
    for e in errors:
        emit(AddEvent("failed", e.path, error=e))
    pending: list[ParsedInput] = []
    seen_sha: set[str] = set()
    for item in items:
        try:
            parsed = read_input(item, stdin=stdin)
        except InputError as e:
            emit(AddEvent("failed", e.path, error=e))
            continue
        for n in parsed.notes:
            emit(AddEvent("note", parsed.origin, note=n))
        if parsed.sha256 not in seen_sha:  # the same bytes twice in one batch: store once
            seen_sha.add(parsed.sha256)
            pending.append(parsed)
    return pending


def _not_stored(db, pending: list[ParsedInput], emit) -> list[ParsedInput]:
    out = []
    for parsed in pending:
        existing = store.find_by_sha(db, parsed.sha256)
        if existing is not None:
            emit(AddEvent("unchanged", parsed.origin, document=existing))
        else:
            out.append(parsed)
    return out


def _extract_and_store(db, pending: list[ParsedInput], jobs: int, extractor: str, emit,
                       tick: Callable[[int], None]) -> None:
    from claimtrack.aliases import find_aliases, quoted_spans
    from claimtrack.assess import assess
    from claimtrack.errors import ExtractError
    from claimtrack.extract import extract_texts

    extractions = extract_texts((p.text for p in pending), jobs=jobs, extractor=extractor)
    try:
        for done, (parsed, extraction) in enumerate(zip(pending, extractions, strict=True), 1):
            origin = parsed.origin
            if isinstance(extraction, ExtractError):
                emit(AddEvent("failed", origin, error=DocumentError(origin, str(extraction))))
                tick(done)
                continue
            try:
                flags = assess(extraction, parsed.text, parsed.links, parsed.published)
                aliases = find_aliases(parsed.text, quoted_spans(extraction.attributions))
                doc = store.add_document(db, parsed, extraction, flags, aliases)
            except AlreadyStoredError as e:  # another process stored it since we looked
                emit(AddEvent("unchanged", origin, document=e.document))
            except DocumentError as e:
                emit(AddEvent("failed", origin, error=e))
            except ClaimtrackError as e:
                emit(AddEvent("failed", origin, error=DocumentError(origin, str(e))))
            except Exception as e:  # a bug costs this document, not the batch
                emit(AddEvent("failed", origin, error=DocumentError(
                    origin, f"internal error while storing ({type(e).__name__}: {e}); "
                    "please report it")))
            else:
                emit(AddEvent("added", origin, document=doc))
            tick(done)
    finally:
        # Stops the parser workers now (also on Ctrl-C), not at garbage collection.
        close = getattr(extractions, "close", None)
        if close:
            close()


def documents(db_path: str | Path) -> list[Document]:
    return store.list_documents(_existing(db_path))


def claims(
    db_path: str | Path,
    doc: str | None = None,
    entity: str | None = None,
    flag: str | None = None,
    kind: str | None = None,
    cue_class: str | None = None,
) -> list[Claim]:
    return queries.claims(_existing(db_path), doc=doc, entity=entity, flag=flag, kind=kind,
                          cue_class=cue_class)


def flagged(db_path: str | Path, doc: str | None = None, flag: str | None = None) -> list[Claim]:
    """Claims carrying at least one flag (or the named one)."""
    found = claims(db_path, doc=doc, flag=flag)
    return [c for c in found if c.flags]


def show_entity(db_path: str | Path, name: str):
    return queries.entity_view(_existing(db_path), name)


def diff(db_path: str | Path, a: str, b: str):
    from claimtrack.diff import diff_documents

    return diff_documents(_existing(db_path), a, b)


def report(db_path: str | Path, entity: str | None = None, doc: str | None = None):
    """The provenance report over one document, or all, optionally about one entity."""
    from claimtrack.report import build_report

    db = _existing(db_path)
    docs = [store.get_document(db, doc)] if doc else store.list_documents(db)
    texts = {d.id: store.get_text(db, d.id) for d in docs}
    # Every claim of those documents: chains need the relaying hops too.
    found = [c for d in docs for c in queries.claims(db, doc=d.id)]
    if entity:
        # the query layer's "by or about" (entity graph included), as claims/show select
        selected = queries.claims(db, doc=doc, entity=entity)
        result = build_report(docs, texts, selected, entity=entity, all_claims=found)
    else:
        result = build_report(docs, texts, found)
    if entity and not result.documents:
        raise NotFoundError(
            f"no claims by or about '{entity}': run `claimtrack claims` to see what is stored"
        )
    from claimtrack.entities import annotate_report  # author identifications, headline vs body

    return annotate_report(db, result)


def extract_file(
    path: str, out: TextIO, jobs: int = 1, progress: Callable[[int], None] | None = None,
    extractor: str = names.DEFAULT,
) -> int:
    """`claimtrack extract FILE.jsonl`: no database; JSON lines out."""
    from claimtrack.jsonl import extract_jsonl

    if path == "-":
        import sys

        return extract_jsonl(sys.stdin, out, jobs=jobs, progress=progress, extractor=extractor)
    p = Path(path)
    if not p.is_file():
        raise InputError(path, "no such file: give a JSONL file of {\"id\", \"text\"} lines")
    with p.open(encoding="utf-8", errors="strict") as f:
        try:
            return extract_jsonl(f, out, jobs=jobs, progress=progress, extractor=extractor)
        except UnicodeDecodeError as e:
            raise InputError(path, f"not UTF-8 ({e.reason} at byte {e.start}): re-encode it") from e


# --- reextract (issue 5): the current extractor and flag rules on stored documents ---


def reextract(db_path: str | Path, doc: str | None = None, progress: Progress | None = None,
              jobs: int = 1, extractor: str = names.DEFAULT):
    """Re-run extraction and flagging on one stored document (id, prefix or name)
    or all; returns a list of reextract.Reextracted, in document order."""
    from claimtrack.reextract import reextract_documents

    db = _existing(db_path)
    docs = [store.get_document(db, doc)] if doc else store.list_documents(db)
    return reextract_documents(db, docs, progress=progress, jobs=jobs, extractor=extractor)


# --- entities (issue 5): the entity graph, the user's merges and splits ---


def entities(db_path: str | Path, doc: str | None = None):
    """Entity records (claimtrack.models.Entity), most claims first, then by name."""
    from claimtrack.entities import list_entities

    return list_entities(_existing(db_path), doc=doc)


def entity_decision(db_path: str | Path, action: str, a: str, b: str, why: str | None = None,
                    dry_run: bool = False):
    """`entities merge A B` (B becomes an alias of A) or `entities split A B`."""
    from claimtrack.entities import decide

    if action not in ("merge", "split"):
        raise ValueError(f"unknown entity decision {action!r}")
    return decide(_existing(db_path), action, a, b, why=why,  # type: ignore[arg-type]
                  dry_run=dry_run)


# --- sources and grades (issue 5): Admiralty reliability log, credibility, MISP tags ---


def sources(db_path: str | Path, doc: str | None = None):
    """`claimtrack sources`: grades.SourceRow per source (of one document, or all)."""
    from claimtrack.grades import list_sources, source_entities

    db = _existing(db_path)
    found = queries.claims(db, doc=doc)
    return list_sources(db, found, with_ungraded=doc is None,
                        entities=source_entities(db, found))


def grade_source(db_path: str | Path, name: str, grade: str, why: str | None,
                 who: str | None = None):
    """`claimtrack sources grade NAME GRADE`: log a reliability grade; a GradeEntry."""
    from claimtrack.grades import grade_source as log_grade

    return log_grade(dbmod.open_db(db_path), name, grade, why, who=who)


def import_sources(db_path: str | Path, path: str | Path):
    """`claimtrack sources import FILE`: every grade of a CSV/YAML file, or none."""
    from claimtrack.grades import import_sources as log_file

    return log_file(dbmod.open_db(db_path), path)


def grade_log(db_path: str | Path, name: str | None = None):
    """`claimtrack sources log [NAME]`: the grades log, oldest first."""
    from claimtrack.grades import grade_log as read_log

    return read_log(_existing(db_path), name)


def source_tags(db_path: str | Path, doc: str | None = None):
    """`claimtrack sources tags`: each claim's MISP admiralty-scale tags."""
    from claimtrack.grades import claim_tags

    return claim_tags(queries.claims(_existing(db_path), doc=doc))


# --- eval (issue 4): scoring the extractor on a researcher's gold file ---


def evaluate(gold_path: str, **options):
    """`claimtrack eval GOLD.jsonl`: no database; an EvalMetrics record.
    Options as claimtrack.evaluate.evaluate (pred_path, jobs, only, errors, ...)."""
    from claimtrack.evaluate import evaluate as run_eval

    return run_eval(gold_path, **options)
