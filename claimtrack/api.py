"""One function per CLI command: the library surface the CLI (and users) call.

Each function opens the database itself (opening always migrates), so a
caller needs only a path. Errors are claimtrack.errors types.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO, TypeVar, Unpack

from claimtrack import entityselect, entityview, queries
from claimtrack import extractor_names as names
from claimtrack.errors import (
    AlreadyStoredError,
    ClaimtrackError,
    DatabaseError,
    DocumentError,
    ExtractError,
    InputError,
    Interrupted,
)
from claimtrack.models import (
    AddOutcome,
    Claim,
    ClaimTags,
    Document,
    Extraction,
    GradeEntry,
    GradeResult,
    ImportResult,
    ParsedInput,
    Reextracted,
    SourceRow,
)
from claimtrack.records import RECORD_EXTENSIONS, Pending, Unit, count_records, iter_records
from claimtrack.store import db as dbmod
from claimtrack.store import documents as store
from claimtrack.store import postings, readback

Progress = Callable[[int, int], None]  # (done, total)

if TYPE_CHECKING:  # records the library returns, imported where they are built (start-up)
    import sqlite3

    import sqlite_utils

    from claimtrack.models import (
        DecisionResult,
        DiffResult,
        Entity,
        EntityDiff,
        EntityView,
        EvalMetrics,
        Report,
        ReportDocument,
    )

T = TypeVar("T")


def page(rows: Sequence[T], limit: int | None = None, offset: int = 0) -> list[T]:
    """Rows `offset` to `offset + limit` of a listing (all from `offset` when `limit`
    is None): `--limit N --offset K` of every listing command. Applied after every
    filter, so a page is a page of what the filters selected, in the listing's order."""
    check_page(limit, offset)
    return list(rows[offset : None if limit is None else offset + limit])


def check_page(limit: int | None, offset: int) -> None:
    """Refuse a bad `--limit`/`--offset` (before any work, where a read pages in SQL)."""
    if offset < 0 or (limit is not None and limit < 0):
        raise ClaimtrackError("--limit and --offset take a number >= 0")


@dataclass
class AddResult:
    """What `add` did, document by document. `failures` are one-line errors
    (InputError: the input could not be read; DocumentError: it could not be
    extracted or stored), each naming its path (a record: FILE:LINE). `counts`
    counts the outcomes; with add(keep=False) the `added`, `unchanged` and `notes`
    lists stay empty (`on_event` hears everything), so a batch of any size costs
    the same memory; `failures` are kept, to be listed at the end."""

    added: list[Document] = field(default_factory=list)
    unchanged: list[tuple[str, Document]] = field(default_factory=list)  # (origin, stored doc)
    failures: list[ClaimtrackError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {"added": 0, "unchanged": 0, "failed": 0})
    # seconds spent first rebuilding an index an earlier version decided, or drawing
    # again the entity facts it drew (0: none), so a rate of adding leaves them out
    rebuilt_seconds: float = 0.0
    rebuilt: str = ""  # what was done then: "the index rebuilt", "the entity facts drawn again"


@dataclass(frozen=True)
class AddEvent:
    """One outcome, reported the moment it is settled (so a later failure or Ctrl-C
    never hides what was stored): `added` once its batch is committed (store/db.Batch).
    kind: added | unchanged | failed | note."""

    kind: str
    origin: str
    document: Document | None = None
    error: ClaimtrackError | None = None
    note: str | None = None

    def outcome(self) -> AddOutcome | None:
        """The record `add --json` prints for it (None for a note)."""
        if self.kind == "note":
            return None
        return AddOutcome(origin=self.origin, status=self.kind,  # type: ignore[arg-type]
                          document=self.document,
                          error=str(self.error) if self.error is not None else None)


def pending_upgrade(db_path: str | Path) -> list[tuple[int, str]]:
    """(version, name) of the schema migrations the next command on `db_path` will
    apply before it runs (none for a current, missing or read-only database). A
    migration that moves data takes a while on a large database: the CLI says so."""
    return dbmod.pending_migrations(db_path)


def _existing(db_path: str | Path) -> sqlite_utils.Database:
    """Open a database that must already exist (reading, re-extracting, deciding)."""
    return dbmod.open_db(db_path, create=False)


def add(
    db_path: str | Path,
    inputs: Sequence[str] = (),
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    extractor: str = names.DEFAULT,
    max_bytes: int | None = None,
    on_event: Callable[[AddEvent], None] | None = None,
    publisher: str | None = None,
    published: date | None = None,
    records: Sequence[str] = (),
    dask: str | None = None,
    keep: bool = True,
    listings: bool = True,
    rebuild_progress: Progress | None = None,
) -> AddResult:
    """Read, extract and store documents; each document is its own unit.

    `inputs`: files, folders, globs, "-" (stdin); `records`: JSONL or CSV files of
    documents with their metadata, one document per record (claimtrack.records).
    A document that cannot be read, extracted or stored is a failure naming
    its path (a record: FILE:LINE), and the batch goes on; one stored already, or
    meanwhile by another process, is `unchanged` (a rerun skips what is stored:
    a record's text is not even parsed again). Each document is stored whole or
    not at all (a savepoint), the documents committed in batches (store/db.Batch:
    up to 64 documents or 2 seconds). `on_event` hears each outcome as it happens
    (`added` once committed). The database is
    created only when there is something to store. Ctrl-C raises
    errors.Interrupted carrying the partial result (what was stored stays
    stored; workers are stopped). `publisher` and `published` override what the
    documents themselves say. Each stored document is matched against the others
    in its own transaction (claimtrack.corpus.update).

    `jobs`: parser processes; `dask`: a Dask scheduler address, or "local" for a
    LocalCluster of `jobs` workers here, to extract on the cluster while this
    process stores (claimtrack.distributed). Documents are streamed: memory does
    not grow with their number (`keep=False` also leaves the result's lists empty).

    `listings`: after a batch (prepares_listings), keep what the first `sources` and
    `entities` would compute (prepare_listings; the CLI does it itself, with bars).
    `rebuild_progress(done, total)` hears of each stored document matched again where
    the index was decided by an earlier version and is rebuilt first (hours on an
    archive: `add` would otherwise sit at its first document all that time).
    """
    from claimtrack.ingest import expand_inputs

    result = AddResult()

    def emit(event: AddEvent) -> None:
        if event.kind in result.counts:
            result.counts[event.kind] += 1
        if event.kind == "added" and keep:
            result.added.append(event.document)  # type: ignore[arg-type]
        elif event.kind == "unchanged" and keep:
            result.unchanged.append((event.origin, event.document))  # type: ignore[arg-type]
        elif event.kind == "failed":
            result.failures.append(event.error)  # type: ignore[arg-type]
        elif event.kind == "note" and keep:
            result.notes.append(f"{event.origin}: {event.note}")
        if on_event:
            on_event(event)

    if "-" in inputs and "-" in records:
        raise ClaimtrackError("standard input can be read once: give - as a path or as "
                              "--records, not both")
    items, errors = expand_inputs(inputs)  # paths only: documents are read as they are needed
    for e in errors:
        emit(AddEvent("failed", e.path, error=e))
    counted = [count_records(r) for r in records]  # read through once, for the bar's total
    total = None if None in counted else len(items) + sum(counted)  # type: ignore[arg-type]
    given = {k: v for k, v in (("publisher", publisher), ("published", published)) if v}
    run = _AddRun(db_path, total, emit, progress, rebuild_progress)
    try:
        with _extractor(jobs, extractor, dask) as extract:
            run.tick()
            units = _units(items, records, stdin, max_bytes)
            _extract_and_store(_new_documents(units, given, run), run, extract)
    except KeyboardInterrupt:
        left = None if run.total is None else max(run.total - run.done, 0)
        raise Interrupted(result, left) from None
    finally:
        # Closing the last connection checkpoints the WAL into the database
        # file, so a finished `add` leaves one self-contained file to copy.
        result.rebuilt_seconds, result.rebuilt = run.rebuilt_seconds, run.rebuilt
        run.close()
    if listings and prepares_listings(result):
        prepare_listings(db_path)
    return result


def prepares_listings(result: AddResult) -> bool:
    """Whether an add prepares the listings: a batch, several documents accounted for
    (added or stored already). Decided by what the inputs hold, never by what this run
    stored, so a rerun after a kill finishes what the killed run had not."""
    return result.counts["added"] + result.counts["unchanged"] > 1


Extract = Callable[[Iterable[str]], Iterator[Extraction | ExtractError]]


@contextmanager
def _extractor(jobs: int, extractor: str, dask: str | None) -> Iterator[Extract]:
    """texts -> one Extraction or ExtractError each, in order: here over `jobs` parser
    processes, or on a Dask cluster (closed when the block ends)."""
    if dask is None:
        from claimtrack.extract import extract_texts

        yield functools.partial(extract_texts, jobs=jobs, extractor=extractor)
        return
    from claimtrack.distributed import cluster, require_dask

    require_dask()  # a missing extra is said at once, not at the first new document
    with ExitStack() as started:

        def extract(texts: Iterable[str]) -> Iterator[Extraction | ExtractError]:
            # the cluster starts when there is something to extract: a rerun that
            # finds everything stored never waits for workers
            return started.enter_context(cluster(dask, workers=jobs, extractor=extractor))(texts)

        yield extract


def _units(items: Sequence[str], records: Sequence[str], stdin: BinaryIO | None,
           max_bytes: int | None) -> Iterator[Unit]:
    """The inputs, one document each: the expanded paths, then the records files' records."""
    from claimtrack.ingest import read_input

    for item in items:
        notes = [f"read as one text document; to add the documents it holds, give it as "
                 f"--records {item}"] if item.lower().endswith(RECORD_EXTENSIONS) else []
        yield Pending(origin=item, read=functools.partial(read_input, item, stdin=stdin,
                                                          max_bytes=max_bytes), notes=notes)
    for path in records:
        yield from iter_records(path, stdin=stdin, max_bytes=max_bytes)


class _AddRun:
    """One `add`: the database, opened (and created) only when a document needs
    it, so a batch of unreadable inputs leaves no empty database behind; and the
    count of inputs settled, for the progress bar and Ctrl-C's summary."""

    def __init__(self, db_path: str | Path, total: int | None,
                 emit: Callable[[AddEvent], None], progress: Progress | None,
                 rebuild_progress: Progress | None = None):
        self.db_path, self.total, self.emit, self.progress = db_path, total, emit, progress
        self.rebuild_progress = rebuild_progress
        self.rebuilt_seconds = 0.0
        self.rebuilt = ""
        self.done = 0
        self._db: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = dbmod.open_db(self.db_path)
            began = time.monotonic()
            done = _rematch_if_needed(self._db, lambda n, what: self.emit(AddEvent(
                "note", str(self.db_path), note=f"{what} of {n} stored documents first "
                f"(an earlier version {_REBUILT[what][0]}); once")), self.rebuild_progress)
            if done:
                self.rebuilt_seconds, self.rebuilt = time.monotonic() - began, _REBUILT[done][1]
        return self._db

    def settled(self, event: AddEvent | None = None) -> None:
        if event is not None:
            self.emit(event)
        self.done += 1
        self.tick()

    def tick(self) -> None:
        if self.progress:
            self.progress(self.done, self.total)  # type: ignore[arg-type]

    def close(self) -> None:
        if self._db is not None:
            # the posting lists cached for this connection (up to MAX_POSTINGS) go with
            # it: the listings a batch prepares next are built in the same process
            postings.forget(self._db.conn)
            self._db.close()


def _new_documents(units: Iterable[Unit], given: dict, run: _AddRun) -> Iterator[ParsedInput]:
    """The inputs read one at a time, less those that fail, repeat one of the batch,
    or are stored already: the batch is streamed, so memory does not grow with it.
    A record's sha256 is known before it is read, so a stored one is not parsed."""
    seen_sha: set[str] = set()

    def new(sha: str, origin: str) -> bool:
        """Whether the text `sha` is still to store; if not, it is settled here."""
        if sha in seen_sha:  # the same bytes twice in one batch: store once
            run.settled()
            return False
        db = run.db  # a database that cannot be opened fails the whole add, as it should
        try:
            existing = store.find_by_sha(db, sha)
        except DatabaseError as e:  # busy past the timeout: this document only
            run.settled(AddEvent("failed", origin, error=DocumentError(origin, str(e))))
            return False
        if existing is not None:
            run.settled(AddEvent("unchanged", origin, document=existing))
            return False
        return True

    for unit in units:
        if isinstance(unit, InputError):
            run.settled(AddEvent("failed", unit.path, error=unit))
            continue
        for n in unit.notes:
            run.emit(AddEvent("note", unit.origin, note=n))
        if unit.sha256 is not None and not new(unit.sha256, unit.origin):
            continue
        try:
            parsed = unit.read()
        except InputError as e:
            run.settled(AddEvent("failed", e.path, error=e))
            continue
        for n in parsed.notes:
            run.emit(AddEvent("note", parsed.origin, note=n))
        if unit.sha256 is None and not new(parsed.sha256, parsed.origin):
            continue
        seen_sha.add(parsed.sha256)
        yield parsed.model_copy(update=given) if given else parsed


def _refacts(conn: sqlite3.Connection, doc_id: str) -> None:
    """A stored document's entity facts drawn again from its rows (a rematch)."""
    from claimtrack.entities import stored_facts

    store.write_entity_facts(conn, doc_id, stored_facts)


# what an add does first to a database an earlier version wrote: why, and when done
_REBUILT = {"rebuilding the cross-document index": ("decided their matches", "the index rebuilt"),
            "drawing again the entity facts": ("drew them", "the entity facts drawn again")}


def _rematch_if_needed(db: sqlite_utils.Database,
                       told: Callable[[int, str], None] | None = None,
                       progress: Progress | None = None) -> str | None:
    """A database whose index an earlier version built (or none) gets it rebuilt once,
    first, and one whose entity facts an earlier version drew gets them drawn again
    (matches untouched); `told(n, what)` hears of it before the n documents are
    done, and `progress(done, total)` as each is. What was done (a _REBUILT key)."""
    from claimtrack.corpus.update import DECISIONS, ENTITY_FACTS, redraw_facts, rematch
    from claimtrack.store import matchstore

    if matchstore.needs_rematch(db.conn, DECISIONS):
        if told is not None:
            told(readback.count_documents(db), "rebuilding the cross-document index")
        with dbmod.atomic(db.conn, "could not build the cross-document index"):
            rematch(db.conn, progress, refacts=_refacts)
        return "rebuilding the cross-document index"
    if matchstore.needs_refacts(db.conn, ENTITY_FACTS):
        if told is not None:
            told(readback.count_documents(db), "drawing again the entity facts")
        with dbmod.atomic(db.conn, "could not draw the entity facts again"):
            redraw_facts(db.conn, _refacts, progress)
        return "drawing again the entity facts"
    return None


def _extract_and_store(docs: Iterator[ParsedInput], run: _AddRun, extract: Extract) -> None:
    waiting: deque[ParsedInput] = deque()  # read, in extraction: as many as it has in hand
    first = next(docs, None)
    if first is None:  # all stored already (a rerun) or failed: no parser to start
        return

    def texts() -> Iterator[str]:
        for parsed in itertools.chain([first], docs):
            waiting.append(parsed)
            yield parsed.text

    extractions = extract(texts())
    # The documents are committed in batches (store/db.Batch); what a batch stored is
    # told once it is committed, so `added` means stored for good.
    held: list[AddEvent] = []

    def tell(lost: str | None) -> None:
        for event in held:
            if lost is not None and event.kind == "added":
                event = AddEvent("failed", event.origin, error=DocumentError(
                    event.origin, f"{lost}; it is not stored: rerun to store it"))
            run.settled(event)
        held.clear()

    batch: dbmod.Batch | None = None
    try:
        with dbmod.batch(run.db.conn) as batch:
            for extraction in extractions:
                parsed = waiting.popleft()  # extraction keeps the input order
                held.append(_store_one(run, parsed, extraction))
                if batch.lost is not None:
                    lost, batch.lost = batch.lost, None
                    tell(lost)
                elif batch.due():
                    try:
                        batch.commit()
                    except DatabaseError as e:
                        tell(str(e))
                    else:
                        tell(None)
    finally:
        # Stops the parser workers now (also on Ctrl-C), not at garbage collection.
        close = getattr(extractions, "close", None)
        if close:
            close()
        # the batch is committed on the way out of its block (or lost, and says why)
        tell(batch.lost if batch is not None else None)


def _store_one(run: _AddRun, parsed: ParsedInput,
               extraction: Extraction | ExtractError) -> AddEvent:
    """Store one extracted document; its outcome (a failure costs this document only)."""
    from claimtrack.aliases import find_aliases, quoted_spans
    from claimtrack.assess import assess
    from claimtrack.corpus.update import document_added
    from claimtrack.entities import stored_facts

    origin = parsed.origin
    if isinstance(extraction, ExtractError):
        return AddEvent("failed", origin, error=DocumentError(origin, str(extraction)))
    try:
        flags = assess(extraction, parsed.text, parsed.links, parsed.published)
        aliases = find_aliases(parsed.text, quoted_spans(extraction.attributions))
        doc = store.add_document(run.db, parsed, extraction, flags, aliases,
                                 derive=document_added, facts=stored_facts)
    except AlreadyStoredError as e:  # another process stored it since we looked
        return AddEvent("unchanged", origin, document=e.document)
    except DocumentError as e:
        return AddEvent("failed", origin, error=e)
    except ClaimtrackError as e:
        return AddEvent("failed", origin, error=DocumentError(origin, str(e)))
    except Exception as e:  # a bug costs this document, not the batch
        return AddEvent("failed", origin, error=DocumentError(
            origin, f"internal error while storing ({type(e).__name__}: {e}); "
            "please report it"))
    return AddEvent("added", origin, document=doc)


def remove(db_path: str | Path, refs: Sequence[str]) -> list[Document]:
    """`claimtrack rm DOC...`: remove documents and everything derived from them, in
    one transaction; the matches and clusters they were part of are recomputed."""
    from claimtrack.corpus.update import after_removal, before_removal

    db = dbmod.open_db(db_path, create=False)
    try:
        docs = list({d.id: d for d in (store.get_document(db, r) for r in refs)}.values())
        store.remove_documents(db, [d.id for d in docs],
                               before=before_removal,
                               after=lambda conn, state: after_removal(conn, *state))
        return docs
    finally:
        db.close()


def rematch(db_path: str | Path, progress: Progress | None = None) -> int:
    """`claimtrack rematch`: rebuild the cross-document index from the stored claims;
    returns the number of documents matched. `progress(done, total)`: documents."""
    from claimtrack.corpus.update import rematch as rebuild

    db = dbmod.open_db(db_path, create=False)
    try:
        with dbmod.atomic(db.conn, "could not rebuild the cross-document index"):
            return rebuild(db.conn, progress, refacts=_refacts)
    finally:
        db.close()


def documents(db_path: str | Path, limit: int | None = None, offset: int = 0) -> list[Document]:
    return page(store.list_documents(_existing(db_path)), limit, offset)


def claims(
    db_path: str | Path,
    doc: str | None = None,
    entity: str | None = None,
    flag: str | None = None,
    kind: str | None = None,
    cue_class: str | None = None,
    author: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[Claim]:
    check_page(limit, offset)
    return queries.claims(_existing(db_path), doc=doc, entity=entity, flag=flag, kind=kind,
                          cue_class=cue_class, author=author, limit=limit, offset=offset)


def claims_stream(db_path: str | Path, offset: int = 0,
                  **filters: Unpack[queries.Filters]) -> Iterator[Claim]:
    """claims() (flagged(), with `flagged=True`) of every page from `offset` on, as
    they are read: memory holds a chunk of claims, not the corpus. The arguments are
    checked at the call."""
    check_page(None, offset)
    return queries.claims_stream(_existing(db_path), offset, **filters)


def count_claims(db_path: str | Path, **filters: Unpack[queries.Filters]) -> int:
    """How many claims claims() (flagged(), with `flagged=True`) lists without a limit:
    counted from the stored rows, never flagged and graded one by one."""
    return queries.count(_existing(db_path), **filters)


def flagged(db_path: str | Path, doc: str | None = None, flag: str | None = None,
            author: bool = False, limit: int | None = None, offset: int = 0) -> list[Claim]:
    """Claims carrying at least one flag (or the named one)."""
    check_page(limit, offset)
    return queries.claims(_existing(db_path), doc=doc, flag=flag, author=author, flagged=True,
                          limit=limit, offset=offset)


def show_entity(db_path: str | Path, name: str, author: bool = False,
                limit: int | None = None, offset: int = 0) -> EntityView:
    """`claimtrack show --entity X`: an EntityView of the claims by or about X,
    rows `offset` to `offset + limit` of them (all with None)."""
    check_page(limit, offset)
    return entityview.entity_view(_existing(db_path), name, author=author, limit=limit,
                               offset=offset)


def diff(db_path: str | Path, a: str, b: str) -> DiffResult:
    """`claimtrack diff A B`: a diff.DiffResult, read from the stored matches."""
    from claimtrack.diff import diff_documents

    return diff_documents(_existing(db_path), a, b)


def diff_entity(db_path: str | Path, name: str, limit: int | None = None,
                per_cluster: int | None = None) -> EntityDiff:
    """`claimtrack diff --entity X`: an EntityDiff of the claims by or about X
    that more than one document tells or that a claim contradicts (`limit` clusters;
    `per_cluster`: the first so many appearances of each, with their totals)."""
    from claimtrack.timeline import entity_diff

    return entity_diff(_existing(db_path), name, limit=limit, per_cluster=per_cluster)


@dataclass
class Timeline:
    """`claimtrack timeline`: the appearances (models.Appearance), how many clusters
    there are before `limit` and how many are shown, and (of one claim, whose one
    cluster `limit` cuts) how many appearances there are in all."""

    appearances: list
    clusters: int
    shown: int
    total: int | None = None  # None: every appearance of the shown clusters is there


def timeline(db_path: str | Path, claim: str | None = None, entity: str | None = None,
             limit: int | None = None) -> Timeline:
    """The appearances of one claim (`claim`: its id) or of the claims by or about
    `entity`, in date order, grouped by cluster; `limit`: at most that many clusters
    (of an entity) or appearances (of one claim: a sentence every outlet prints, or
    one contradicted by hundreds, is thousands of rows)."""
    from claimtrack import timeline as tl

    if (claim is None) == (entity is None):
        raise ValueError("give a claim id or an entity name, not both")
    db = _existing(db_path)
    if claim is not None:
        rows = tl.claim_timeline(db, claim)
        return Timeline(rows[:limit] if limit else rows, 1, 1, total=len(rows))
    rows, total = tl.entity_timeline(db, entity, limit=limit)  # type: ignore[arg-type]
    return Timeline(rows, total, min(total, limit) if limit else total)


def report_text(db_path: str | Path, fmt: str, entity: str | None = None,
                doc: str | None = None, limit: int | None = None, offset: int = 0,
                generated: datetime | None = None) -> tuple[Iterator[str], Report | None]:
    """The report as text, in pieces: of every document (no entity, no document) in a
    STREAMED format, built, annotated and rendered a document at a time, so memory holds
    one document, not the archive (the Report is then None); else report() rendered
    whole, with the Report (its total_claims says what a page left out)."""
    from claimtrack.report import STREAMED, render, stream

    if entity or doc or fmt not in STREAMED:
        built = report(db_path, entity=entity, doc=doc, limit=limit, offset=offset)
        return iter([render(built, fmt)]), built
    check_page(limit, offset)
    db = _existing(db_path)

    def pieces() -> Iterator[str]:
        # one state of the database however long the report takes: another process
        # removing a document meanwhile would leave a listed one to find
        with readback.snapshot(db):
            yield from stream(*_reported(db, store.list_documents(db), generated), fmt)
    return pieces(), None


def report(db_path: str | Path, entity: str | None = None, doc: str | None = None,
           limit: int | None = None, offset: int = 0) -> Report:
    """The provenance report over one document, or all, optionally about one entity;
    with an entity, `limit`/`offset` page its claims (the report's `total_claims`
    says how many there are)."""
    from claimtrack.report import build_report

    check_page(limit, offset)
    db = _existing(db_path)
    if entity:
        # the query layer's "by or about" (entity graph included), as claims/show select;
        # only the page is graded, and only its documents' claims read for the chains
        selected, total = queries.entity_claims(db, entity, doc=doc, limit=limit,
                                                offset=offset)
        docs = [store.get_document(db, d) for d in dict.fromkeys(c.doc_id for c in selected)]
        texts = {d.id: store.get_text(db, d.id) for d in docs}
        hops = [c for d in docs for c in queries.read(db, doc_id=d.id)]
        result = build_report(docs, texts, selected, entity=entity, all_claims=hops)
        result.total_claims = total
    else:
        head, documents = _reported(
            db, [store.get_document(db, doc)] if doc else store.list_documents(db), None)
        return head.model_copy(update={"documents": list(documents)})
    if not result.documents and not offset:
        raise entityselect.no_entity(entity, doc)
    from claimtrack.entities import annotate_report  # author identifications, headline vs body

    return annotate_report(db, result)


def _reported(db: sqlite_utils.Database, docs: Sequence[Document],
              generated: datetime | None) -> tuple[Report, Iterator[ReportDocument]]:
    """The report of `docs` (every claim of each: chains need the relaying hops too):
    its head, with no document, and its documents, each built and annotated (author
    identifications, headline vs body) when it is asked for."""
    from claimtrack.entities import annotate_report
    from claimtrack.models import Report, ReportScope
    from claimtrack.report import build_report

    head = Report(generated=generated or datetime.now(UTC),
                  extractor=", ".join(sorted({d.extractor for d in docs})),
                  scope=ReportScope(entity=None, documents=[d.id for d in docs]), documents=[])

    def documents() -> Iterator[ReportDocument]:
        for d in docs:
            one = build_report([d], {d.id: store.get_text(db, d.id)},
                               queries.claims(db, doc=d.id), generated=head.generated,
                               extractor=head.extractor)
            yield annotate_report(db, one).documents[0]
    return head, documents()


def extract_file(
    path: str, out: TextIO, jobs: int = 1, progress: Callable[[int], None] | None = None,
    extractor: str = names.DEFAULT, max_bytes: int | None = None,
    notes: list[str] | None = None, failures: list[InputError] | None = None,
    dask: str | None = None,
) -> int:
    """`claimtrack extract FILE.jsonl`: no database; JSON lines out. Read as bytes,
    line by line, so the size limit holds before a line is in memory whole.
    Options as jsonl.extract_jsonl (documents that fail go to `failures`);
    `dask` as for add (extraction on a Dask cluster, the output written here)."""
    from claimtrack.jsonl import extract_jsonl

    if path != "-":
        p = Path(path)
        if p.exists() and not p.is_file():
            raise InputError(path, "is no regular file: give a JSONL file of {\"id\", \"text\"} "
                             "lines (or - for stdin)")
        if not p.is_file():
            raise InputError(path, "no such file: give a JSONL file of {\"id\", \"text\"} lines")
    with _extractor(jobs, extractor, dask) as extract:
        options = dict(progress=progress, max_bytes=max_bytes, notes=notes, failures=failures,
                       extract=extract)
        if path == "-":
            import sys

            return extract_jsonl(sys.stdin.buffer, out, **options)  # type: ignore[arg-type]
        with Path(path).open("rb") as f:
            return extract_jsonl(f, out, **options)  # type: ignore[arg-type]


# --- reextract (issue 5): the current extractor and flag rules on stored documents ---


def reextract(db_path: str | Path, doc: str | None = None, progress: Progress | None = None,
              jobs: int = 1, extractor: str = names.DEFAULT) -> list[Reextracted]:
    """Re-run extraction and flagging on one stored document (id, prefix or name)
    or all; returns a models.Reextracted per document, in document order."""
    from claimtrack.reextract import reextract_documents

    db = _existing(db_path)
    docs = [store.get_document(db, doc)] if doc else store.list_documents(db)
    return reextract_documents(db, docs, progress=progress, jobs=jobs, extractor=extractor)


# --- entities (issue 5): the entity graph, the user's merges and splits ---


def entities(db_path: str | Path, doc: str | None = None, limit: int | None = None,
             offset: int = 0, progress: Progress | None = None) -> list[Entity]:
    """Entity records (claimtrack.models.Entity), most claims first, then by name.
    `progress(done, total)` hears of the entity nodes built when the whole-corpus
    listing is computed (the first read after a write), never when it is read back."""
    from claimtrack.entities import list_entities
    from claimtrack.entities.reads import entities_page
    from claimtrack.models import Entity

    db = _existing(db_path)
    if doc is not None:
        return page(list_entities(db, doc=doc), limit, offset)
    check_page(limit, offset)
    paged = entities_page(db, limit, offset, progress)
    if paged is not None:
        return paged
    return readback.stored_listing(db, "entities", lambda: list_entities(db, progress=progress),
                                   Entity.model_validate_json, Entity.model_dump_json,
                                   limit, offset)


def count_entities(db_path: str | Path) -> int:
    """How many rows entities() lists for the whole corpus: counted from the kept
    records where every one is kept (a read keeps them), else the listing's length."""
    from claimtrack.entities.reads import entities_countable

    return _kept_or_listed(db_path, readback.RECORDS_KEPT, entities_countable, entities)


def _kept_or_listed(db_path: str | Path, mark: str,
                    countable: Callable[[sqlite_utils.Database], bool],
                    listing: Callable[[str | Path], Sequence[object]]) -> int:
    """The kept rows of listing `mark` counted in SQL where its page reads them
    (`countable`) and all are kept; else the length of the whole `listing`."""
    db = _existing(db_path)
    n = readback.kept_count(db, mark, readback.listing_version()) if countable(db) else None
    return n if n is not None else len(listing(db_path))


def entity_decision(db_path: str | Path, action: str, a: str, b: str, why: str | None = None,
                    dry_run: bool = False) -> DecisionResult:
    """`entities merge A B` (B becomes an alias of A) or `entities split A B`."""
    from claimtrack.entities import decide

    if action not in ("merge", "split"):
        raise ValueError(f"unknown entity decision {action!r}")
    return decide(_existing(db_path), action, a, b, why=why,  # type: ignore[arg-type]
                  dry_run=dry_run)


# --- sources and grades (issue 5): Admiralty reliability log, credibility, MISP tags ---


def sources(db_path: str | Path, doc: str | None = None, limit: int | None = None,
            offset: int = 0, progress: Progress | None = None) -> list[SourceRow]:
    """`claimtrack sources`: a SourceRow per source (of one document, or all).
    `progress(done, total)` hears of the claims graded when the whole-corpus listing is
    computed (the first read after a write), never when it is read back."""
    from claimtrack.sourceentities import source_entities
    from claimtrack.sourcelisting import corpus_sources, list_sources, sources_page

    db = _existing(db_path)
    if doc is not None:
        found = queries.claims(db, doc=doc)
        return page(list_sources(db, found, with_ungraded=False,
                                 entities=source_entities(db, found)), limit, offset)
    check_page(limit, offset)

    def listed(limit: int | None, offset: int) -> list[SourceRow]:
        paged = sources_page(db, limit, offset, progress)
        if paged is not None:
            return paged
        return readback.stored_listing(db, "sources", lambda: corpus_sources(db, progress),
                                       SourceRow.model_validate_json,
                                       SourceRow.model_dump_json, limit, offset)
    if limit is None:
        return listed(None, offset)
    # a page is kept as printed until a write: the most quoted sources' rows are merged
    # from one share row per document that quotes them (thousands for the most frequent)
    return readback.stored_listing(db, f"sources page {offset} {limit}",
                                   lambda: listed(limit, offset), SourceRow.model_validate_json,
                                   SourceRow.model_dump_json, None, 0)


def prepare_listings(db_path: str | Path, sources_progress: Progress | None = None,
                     entities_progress: Progress | None = None) -> None:
    """Compute and keep what the first whole-corpus `sources` and `entities` after a
    write compute (each document's share of the sources, each entity component's
    records), so those reads answer from what is kept: `add` does it after a batch.
    The first `sources` after adding 3,000 documents graded every claim (15.5 s), the
    first `entities` built every component (13.7 s); adding them took 20 minutes.
    Nothing to do where all is kept; nothing is kept where a read could not keep it
    either (a graded source, another writer), and the read computes it then."""
    from claimtrack.entities.reads import entities_page
    from claimtrack.sourcelisting import sources_page

    db = _existing(db_path)
    sources_page(db, 0, 0, sources_progress)  # a page of nothing, after keeping what is missing
    entities_page(db, 0, 0, entities_progress)


def count_sources(db_path: str | Path) -> int:
    """How many rows sources() lists for the whole corpus: counted from the sources'
    kept totals where every document's share is kept, else the listing's length."""
    from claimtrack.sourcelisting import shares_countable

    return _kept_or_listed(db_path, readback.SHARES_KEPT, shares_countable, sources)


def grade_source(db_path: str | Path, name: str, grade: str, why: str | None,
                 who: str | None = None) -> GradeResult:
    """`claimtrack sources grade NAME GRADE`: log a reliability grade; a GradeResult
    (the GradeEntry, and how many stored claims it applies to: 0 is worth a word)."""
    from claimtrack.grades import claims_graded_by
    from claimtrack.grades import grade_source as log_grade

    db = dbmod.open_db(db_path)
    entry = log_grade(db, name, grade, why, who=who)
    # which claims a name covers turns on their sources alone: read as stored, a
    # document at a time, never flagged or graded
    return GradeResult(entry=entry, claims=claims_graded_by(queries.stored(db), entry.source))


def import_sources(db_path: str | Path, path: str | Path) -> ImportResult:
    """`claimtrack sources import FILE`: every grade of a CSV/YAML file, or none."""
    from claimtrack.gradefile import import_sources as log_file

    return log_file(dbmod.open_db(db_path), path)


def grade_log(db_path: str | Path, name: str | None = None, limit: int | None = None,
              offset: int = 0) -> list[GradeEntry]:
    """`claimtrack sources log [NAME]`: the grades log, oldest first."""
    from claimtrack.grades import grade_log as read_log

    return page(read_log(_existing(db_path), name), limit, offset)


def source_tags(db_path: str | Path, doc: str | None = None, limit: int | None = None,
                offset: int = 0) -> list[ClaimTags]:
    """`claimtrack sources tags`: each claim's MISP admiralty-scale tags."""
    from claimtrack.misp import claim_tags

    check_page(limit, offset)  # one tag row a claim: the page of claims is the page of rows
    return claim_tags(queries.claims(_existing(db_path), doc=doc, limit=limit, offset=offset))


# --- eval (issue 4): scoring the extractor on a researcher's gold file ---


def evaluate(gold_path: str, **options: Any) -> EvalMetrics:
    """`claimtrack eval GOLD.jsonl`: no database; an EvalMetrics record.
    Options as claimtrack.evaluate.evaluate (pred_path, jobs, only, errors, ...)."""
    from claimtrack.evaluate import evaluate as run_eval

    return run_eval(gold_path, **options)
