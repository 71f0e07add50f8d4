"""The claimtrack command line: parse options, call one api function, emit.

No SQL and no spaCy here: see api.py for the library surface.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

import click

from claimtrack import __version__, api, extractor_names
from claimtrack.errors import BatchError, ClaimtrackError, InputError, Interrupted
from claimtrack.escape import for_terminal
from claimtrack.ingest import DEFAULT_MAX_BYTES, MAX_BYTES_ENV, parse_size
from claimtrack.report import REPORT_FORMATS

if TYPE_CHECKING:
    from pydantic import BaseModel

    from claimtrack.models import Claim
    from claimtrack.output import Column, Format

DB_HELP = "SQLite database file (env CLAIMTRACK_DB; default ./claimtrack.db)"


def _stderr(msg: str) -> None:
    # Messages quote paths, titles and stored text: a planted escape sequence
    # must not reach the terminal through an error line either.
    click.echo(for_terminal(msg), err=True)


class ClaimtrackGroup(click.Group):
    """Turns library errors into one-line messages and exit code 1; Ctrl-C
    into one line and exit 130, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BatchError as e:
            # One line per problem, as the README promises; no count line after.
            for f in e.failures:
                _stderr(f"error: {f}")
            sys.exit(1)
        except Interrupted as e:
            for f in e.result.failures:
                _stderr(f"error: {f}")
            _stderr(str(e))
            sys.exit(130)
        except ClaimtrackError as e:
            _stderr(f"error: {e}")
            sys.exit(1)
        except KeyboardInterrupt:
            _stderr("interrupted")
            sys.exit(130)


def reads(f: Callable) -> Callable:
    """A read command: each stored record the read had to leave out (a
    readback.SkippedRecord warning) is one `warning:` line on stderr, said once,
    as it happens; the rest of the output goes on without it."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import warnings

        from claimtrack.store.readback import SkippedRecord

        said: set[str] = set()
        show = warnings.showwarning

        def line(message, category, *rest, **kw) -> None:  # type: ignore[no-untyped-def]
            if not issubclass(category, SkippedRecord):
                return show(message, category, *rest, **kw)
            if str(message) not in said:  # the report reads claims more than once
                said.add(str(message))
                _stderr(f"warning: {for_terminal(str(message))}")

        with warnings.catch_warnings():
            warnings.simplefilter("always", SkippedRecord)
            warnings.showwarning = line
            return f(*args, **kwargs)

    return wrapper


def _upgrade_notice(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Say on stderr, before a command runs, that it will first upgrade the database's
    schema: a migration that moves data (migration 21 repacks the unit index: about
    6 s at 1,000 documents) would otherwise look like a hang."""
    pending = api.pending_upgrade(value) if value and not ctx.resilient_parsing else []
    if pending:
        steps = "; ".join(f"{v}: {name}" for v, name in pending)
        click.echo(f"claimtrack: upgrading {for_terminal(value)} to schema version "
                   f"{pending[-1][0]} first ({steps}); on a large database this takes a "
                   "while, once", err=True)
    return value


def db_option(f: Callable) -> Callable:
    return click.option(
        "--db",
        "db_path",
        envvar="CLAIMTRACK_DB",
        default="claimtrack.db",
        show_default=True,
        type=click.Path(dir_okay=False),
        help=DB_HELP,
        callback=_upgrade_notice,
    )(f)


def output_options(f: Callable) -> Callable:
    """--json/--csv/--nl on every listing command (default: a table)."""

    @click.option("--json", "fmt", flag_value="json", help="JSON array of records")
    @click.option("--csv", "fmt", flag_value="csv", help="CSV with a header row")
    @click.option("--nl", "fmt", flag_value="nl", help="newline-delimited JSON")
    @click.option("--table", "fmt", flag_value="table", default=True, hidden=True)
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return f(*args, **kwargs)

    return wrapper


def page_options(f: Callable) -> Callable:
    """--limit N / --offset K on every listing command: the command's function gets
    `limit` (None: all) and `offset` (0) and hands both to its api call, which pages
    after every filter. A table without --limit prints its first output.TABLE_ROWS
    rows and says how many there are; --json/--csv/--nl print all unless --limit."""
    f = click.option("--offset", type=click.IntRange(0), default=0, metavar="K",
                     help="skip the first K rows (with --limit: the next page)")(f)
    return click.option("--limit", type=click.IntRange(0), default=None, metavar="N",
                        help="print at most N rows")(f)


def extractor_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """--extractor filtered|rules, shared by every command that extracts."""
    return click.option(
        "--extractor", type=click.Choice(list(extractor_names.CHOICES)),
        default=extractor_names.DEFAULT,
        show_default=True,
        help="filtered: the rules' candidates less those the trained filter doubts; "
             "rules: every candidate, each explained by its rule (no trained weights)")(f)


class _Size(click.ParamType):
    name = "BYTES"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            return parse_size(value)
        except ValueError as e:
            self.fail(str(e), param, ctx)


def max_bytes_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """--max-bytes (env CLAIMTRACK_MAX_BYTES), shared by every command that reads documents."""
    return click.option(
        "--max-bytes", "max_bytes", type=_Size(), envvar=MAX_BYTES_ENV,
        default=DEFAULT_MAX_BYTES, show_envvar=True,
        help=f"refuse a document (file, stdin, JSONL text) larger than this; reading stops "
             f"there. Bytes, or with kB/MB/GB  [default: {DEFAULT_MAX_BYTES // 10**6}MB]")(f)


def author_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """--author: also the author's own statements in the body and the unattributed
    quotations (left out by default)."""
    return click.option("--author", is_flag=True,
                        help="also list the author's own statements in the body (rule "
                             "'author') and the paragraphs that are one quotation whose "
                             "speaker the text does not name (rule 'quotation'): no "
                             "attributions, kept for matching across documents")(f)


@click.group(cls=ClaimtrackGroup)
@click.version_option(__version__, prog_name="claimtrack")
def cli() -> None:
    """Who says so, and on whose word? Attributed claims, their sources and chains."""


def dask_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """--dask SCHEDULER, shared by the commands that extract in bulk."""
    return click.option(
        "--dask", "dask", metavar="SCHEDULER",
        help="extract on a Dask cluster: its scheduler's address (tcp://HOST:8786), or "
             "'local' for a local cluster of --jobs workers (needs claimtrack[dask])")(f)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--records", "records", multiple=True, metavar="FILE",
              help="a JSONL or CSV file of documents, one per line/row: text or html, and "
                   "url, title, published, publisher, id (repeatable; - reads JSONL from stdin)")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 32),
              help="parser processes (with --dask local: workers)")
@dask_option
@extractor_option
@max_bytes_option
@click.option("--publisher", help="the outlet that published these documents (overrides what "
              "their metadata, byline or dateline say)")
@click.option("--published", type=click.DateTime(["%Y-%m-%d"]),
              help="publication date, YYYY-MM-DD (overrides the date read from the document)")
@output_options
@db_option
def add(paths: tuple[str, ...], records: tuple[str, ...], jobs: int, dask: str | None,
        extractor: str, max_bytes: int, publisher: str | None, published: Any, fmt: Format,
        db_path: str) -> None:
    """Add documents: files, folders (recursive), globs, or - for stdin; and with
    --records, JSONL or CSV files of documents with their metadata.

    Text, Markdown and HTML. Re-adding identical text does nothing (a rerun skips
    what is stored). --json/--csv/--nl print one record per input on stdout.
    """
    import time

    from claimtrack.output import ADD_COLUMNS, RowWriter
    from claimtrack.progress import duration, progress_bar, progress_when_asked, rate

    if not paths and not records:
        raise click.UsageError("give documents to add (PATH... or - for stdin), or "
                               "--records FILE")
    rows = RowWriter(fmt, ADD_COLUMNS)

    def said(event: api.AddEvent) -> None:
        # Printed as it is settled (`added` once committed), so a later failure or
        # Ctrl-C never hides what was stored; failures are listed at the end
        # (ClaimtrackGroup).
        doc = event.document
        if event.kind == "note":
            _stderr(f"warning: {event.origin}: {event.note}")
        elif event.kind == "unchanged" and doc is not None:
            _stderr(f"unchanged: {event.origin} is already stored as {doc.id}")
        elif event.kind == "added" and doc is not None:
            _stderr(f"added: {doc.origin} -> {doc.id} ({doc.claims} claims) "
                    f"{doc.title or ''}".rstrip())
        outcome = event.outcome()
        if outcome is not None:
            rows.write(outcome)

    began = time.monotonic()
    try:
        # a database an earlier version matched is matched again first: a bar of its own
        with progress_bar("adding") as tick, \
                progress_when_asked("bringing the stored documents up to date") as rebuilt:
            result = api.add(db_path, paths, stdin=sys.stdin.buffer, progress=tick, jobs=jobs,
                             extractor=extractor, max_bytes=max_bytes, on_event=said,
                             publisher=publisher,
                             published=published.date() if published else None,
                             records=records, dask=dask, keep=False, listings=False,
                             rebuild_progress=rebuilt)
    finally:
        rows.close()
    n = result.counts
    speed = rate(n["added"], time.monotonic() - began - result.rebuilt_seconds)
    before = (f"; {result.rebuilt} first in {duration(result.rebuilt_seconds)}"
              if result.rebuilt_seconds else "")
    _stderr(f"summary: {n['added']} added, {n['unchanged']} unchanged, {n['failed']} failed"
            + (f" ({speed})" if speed else "") + before + (":" if n["failed"] else ""))
    if api.prepares_listings(result):
        # a batch: the first `sources` and `entities` after it would compute over every
        # new document; done here, with bars of their own once the adding bar is gone
        _prepare_listings(db_path)
    if result.failures:
        raise BatchError(result.failures)


def _prepare_listings(db_path: str) -> None:
    from claimtrack.progress import progress_when_asked

    try:
        with progress_when_asked("sources: preparing the listing", unit="claims") as ticks, \
                progress_when_asked("entities: preparing the listing", unit="nodes") as nodes:
            api.prepare_listings(db_path, sources_progress=ticks, entities_progress=nodes)
    except ClaimtrackError as e:  # the documents are stored: the first read computes it
        _stderr(f"warning: the listings were not prepared ({e}); the first `sources` and "
                "`entities` compute them")


@cli.command()
@click.argument("docs", nargs=-1, required=True)
@db_option
def rm(docs: tuple[str, ...], db_path: str) -> None:
    """Remove documents (id, id prefix or file name) and everything derived from them.

    The cross-document matches and clusters they were part of are recomputed.
    """
    for doc in api.remove(db_path, docs):
        _stderr(f"removed: {doc.id} {doc.origin}")


@cli.command()
@db_option
def rematch(db_path: str) -> None:
    """Rebuild the cross-document index (matches, clusters, origins) from stored claims."""
    from claimtrack.progress import progress_bar

    with progress_bar("rematching") as tick:
        n = api.rematch(db_path, progress=tick)
    _stderr(f"rematched: {n} documents")


@cli.command()
@page_options
@output_options
@db_option
@reads
def docs(limit: int | None, offset: int, fmt: Format, db_path: str) -> None:
    """List stored documents."""
    from claimtrack.output import DOC_COLUMNS, emit

    emit(api.documents(db_path, limit=limit, offset=offset), fmt, DOC_COLUMNS,
         title="documents", paged=limit is not None, offset=offset)


@cli.command()
@click.option("--doc", help="only this document (id, id prefix or file name)")
@click.option("--entity", help="claims by or about this entity (case-insensitive)")
@click.option("--flag", "flag", help="only claims with this flag code")
@click.option("--kind", type=click.Choice(["direct", "indirect", "mixed"]))
@click.option("--class", "cue_class", type=click.Choice(["speech", "other"]),
              help="speech (said, reported, ...) or other (beliefs, plans, perceptions)")
@author_option
@page_options
@output_options
@db_option
@reads
def claims(doc: str | None, entity: str | None, flag: str | None, kind: str | None,
           cue_class: str | None, author: bool, limit: int | None, offset: int, fmt: Format,
           db_path: str) -> None:
    """List claims with source, cue, content and flags."""
    from claimtrack.output import CLAIM_COLUMNS, emit

    found: Iterable[Claim]
    if limit is None and fmt == "table":
        _first_rows(lambda n: api.claims(db_path, doc=doc, entity=entity, flag=flag, kind=kind,
                                         cue_class=cue_class, author=author, limit=n,
                                         offset=offset),
                    lambda: api.count_claims(db_path, doc=doc, entity=entity, flag=flag,
                                             kind=kind, cue_class=cue_class, author=author),
                    CLAIM_COLUMNS, "claims", offset)
        return
    if limit is None:  # every claim of an archive, maybe: a chunk in memory at a time
        found = api.claims_stream(db_path, doc=doc, entity=entity, flag=flag, kind=kind,
                                  cue_class=cue_class, author=author, offset=offset)
    else:
        found = api.claims(db_path, doc=doc, entity=entity, flag=flag, kind=kind,
                           cue_class=cue_class, author=author, limit=limit, offset=offset)
    emit(found, fmt, CLAIM_COLUMNS, title="claims", paged=limit is not None, offset=offset)


def _first_rows(page: Callable[[int], Sequence[BaseModel]], count: Callable[[], int],
                columns: Sequence[Column], title: str, offset: int) -> None:
    """A table without --limit: its first TABLE_ROWS rows, then on stderr how many
    there are. Only the rows shown are read, flagged and graded, and the rest counted
    from the stored rows (`flags` of 3,000 documents graded all 38,714 flagged claims
    to print 200: 10 s)."""
    _print_first(*_first_page(page, count), columns, title, offset)


def _first_page(page: Callable[[int], Sequence[BaseModel]], count: Callable[[], int],
                ) -> tuple[Sequence[BaseModel], int | None]:
    """(a table's first TABLE_ROWS rows, how many there are in all: counted only when
    the page is full, None when it holds the rest)."""
    from claimtrack.output import TABLE_ROWS

    rows = page(TABLE_ROWS)
    return rows, count() if len(rows) == TABLE_ROWS else None


def _print_first(rows: Sequence[BaseModel], total: int | None, columns: Sequence[Column],
                 title: str, offset: int) -> None:
    from claimtrack.output import TABLE_ROWS, emit, table_note

    emit(rows, "table", columns, title=title, paged=True, offset=offset)
    if total is not None and total > offset + TABLE_ROWS:
        table_note(total, title, offset)


@cli.command()
@click.option("--doc", help="only this document")
@click.option("--flag", "flag", help="only this flag code")
@author_option
@page_options
@output_options
@db_option
@reads
def flags(doc: str | None, flag: str | None, author: bool, limit: int | None, offset: int,
          fmt: Format, db_path: str) -> None:
    """List flagged claims: anonymous, vague, unresolved or single sources, and why."""
    from claimtrack.output import FLAG_COLUMNS, emit

    found: Iterable[Claim]
    if limit is None and fmt == "table":
        _first_rows(lambda n: api.flagged(db_path, doc=doc, flag=flag, author=author, limit=n,
                                          offset=offset),
                    lambda: api.count_claims(db_path, doc=doc, flag=flag, author=author,
                                             flagged=True),
                    FLAG_COLUMNS, "flagged claims", offset)
        return
    if limit is None:
        found = api.claims_stream(db_path, doc=doc, flag=flag, author=author, offset=offset,
                                  flagged=True)
    else:
        found = api.flagged(db_path, doc=doc, flag=flag, author=author, limit=limit,
                            offset=offset)
    emit(found, fmt, FLAG_COLUMNS, title="flagged claims", paged=limit is not None,
         offset=offset)


@cli.command()
@click.option("--entity", required=True, help="a name, e.g. Belhadj")
@author_option
@page_options
@output_options
@db_option
@reads
def show(entity: str, author: bool, limit: int | None, offset: int, fmt: Format,
         db_path: str) -> None:
    """Everything said by or about an entity, by document, with chains and flags."""
    from claimtrack.output import TABLE_ROWS, emit_model, page_note
    from claimtrack.views import render_entity_view

    # a table without --limit shows the first TABLE_ROWS claims and says how many
    # there are; JSON/CSV/NL give all unless --limit (as every listing)
    cut = TABLE_ROWS if limit is None and fmt == "table" else limit
    view = api.show_entity(db_path, entity, author=author, limit=cut, offset=offset)
    emit_model(view, fmt, render_entity_view)
    shown = sum(len(d.by) + len(d.about) for d in view.documents)
    if fmt == "table":
        page_note(shown, view.total_claims, offset, "claims")


TABLE_CLUSTERS = 20  # claims (clusters) a table of `timeline` or `diff --entity` shows
TABLE_APPEARANCES = 10  # appearances of each a table of `diff --entity` shows
TABLE_TIMELINE_ROWS = 50  # appearances a table of `timeline --claim` shows


def _clusters(limit: int | None, fmt: str, table: int | None = None) -> int | None:
    """The clusters `timeline` and `diff --entity` show (or `table`'s other unit): --limit
    (0: all); without it a table shows the first `table`, as a listing's table its first
    rows (every cluster of the most frequent person at 3,000 documents: 27 s and 570 MB to
    print 4,840 of them), and JSON, CSV, NL and Markdown give all."""
    if limit is None:
        return (TABLE_CLUSTERS if table is None else table) if fmt == "table" else None
    return limit or None


@cli.command()
@click.argument("doc_a", required=False)
@click.argument("doc_b", required=False)
@click.option("--entity", help="instead of two documents: the claims by or about this entity "
              "across all stored documents")
@click.option("--limit", type=click.IntRange(0), default=None,
              help="--entity: at most N claims (clusters); 0: all (a table shows the first "
              "20 unless told)")
@click.option("--md", "fmt", flag_value="md", help="Markdown, for sharing")
@output_options
@db_option
@reads
def diff(doc_a: str | None, doc_b: str | None, entity: str | None, limit: int | None, fmt: str,
         db_path: str) -> None:
    """Compare the accounts two documents give of a story, or (--entity) the accounts
    all stored documents give of what an entity says or what is said about it.

    Claims are aligned through the stored matches: the same claim, a more specific
    one, contradictions; each pair says what differs (source, chain, cue, polarity,
    modality, numbers, dates).
    """
    from claimtrack.output import emit_model
    from claimtrack.views import (
        diff_markdown,
        entity_diff_markdown,
        render_diff,
        render_entity_diff,
    )

    if entity is not None:
        if doc_a or doc_b:
            raise click.UsageError("give two documents or --entity, not both")
        across = api.diff_entity(db_path, entity, limit=_clusters(limit, fmt),
                                 per_cluster=TABLE_APPEARANCES if fmt == "table" else None)
        if fmt == "md":
            click.echo(entity_diff_markdown(across), nl=False)
        else:
            emit_model(across, cast("Format", fmt), render_entity_diff)
        return
    if not (doc_a and doc_b):
        raise click.UsageError("give two documents (DOC_A DOC_B) or --entity NAME")
    if limit is not None:
        raise click.UsageError("--limit goes with --entity")
    result = api.diff(db_path, doc_a, doc_b)
    if fmt == "md":
        click.echo(diff_markdown(result), nl=False)
    else:
        emit_model(result, cast("Format", fmt), render_diff)


@cli.command()
@click.option("--claim", "claim", help="a claim id (as `claims --json` shows: DOC:SEQ)")
@click.option("--entity", help="the claims by or about this entity")
@click.option("--limit", type=click.IntRange(0), default=None,
              help="--entity: at most N claims (clusters), each shown whole; --claim: at "
              "most N appearances; 0: all (a table shows the first 20 claims, or 50 "
              "appearances, unless told)")
@output_options
@db_option
@reads
def timeline(claim: str | None, entity: str | None, limit: int | None, fmt: Format,
             db_path: str) -> None:
    """The life of a claim: where it appeared, in date order, with source, stance and
    relation (same, more specific, contradicts), and whether each appearance is an
    origin of its own or relays or copies another."""
    from claimtrack.output import emit
    from claimtrack.views import TIMELINE_COLUMNS, TIMELINE_TABLE

    if (claim is None) == (entity is None):
        raise click.UsageError("give --claim ID or --entity NAME")
    # of one claim, --limit counts its appearances
    rows = _clusters(limit, fmt, TABLE_TIMELINE_ROWS if claim is not None else None)
    result = api.timeline(db_path, claim=claim, entity=entity, limit=rows)
    columns = TIMELINE_TABLE if fmt == "table" else TIMELINE_COLUMNS
    emit(result.appearances, fmt, columns, title="timeline")
    if result.shown < result.clusters:
        _stderr(f"showing {result.shown} of {result.clusters} claims (clusters); "
                "--limit 0 shows all")
    elif result.total is not None and len(result.appearances) < result.total:
        _stderr(f"showing {len(result.appearances)} of {result.total} appearances; "
                "--limit 0 shows all")


@cli.command()
@click.option("--entity", help="only claims by or about this entity")
@click.option("--doc", help="only this document")
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="md",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="write to this file instead of stdout")
@click.option("--limit", type=click.IntRange(0), default=None, metavar="N",
              help="--entity: report at most N of its claims")
@click.option("--offset", type=click.IntRange(0), default=0, metavar="K",
              help="--entity: skip its first K claims (with --limit: the next page)")
@db_option
@reads
def report(entity: str | None, doc: str | None, fmt: str, output: str | None,
           limit: int | None, offset: int, db_path: str) -> None:
    """Provenance report: each claim's chain of sources, flags and exact quotes."""
    if (limit is not None or offset) and not entity:
        raise click.UsageError("--limit/--offset page the claims of --entity")
    pieces, built = api.report_text(db_path, fmt, entity=entity, doc=doc, limit=limit,
                                    offset=offset)
    total = built.total_claims if built is not None else None
    if built is not None and total is not None and (offset or built.claim_count < total):
        _stderr(f"reporting claims {offset + 1:,}-{offset + built.claim_count:,} of "
                f"{total:,} by or about {entity}: use --limit/--offset for the rest")
    if output:
        try:
            _write_whole(output, pieces)
        except OSError as e:  # a missing folder, no permission, a full disk: one line
            raise ClaimtrackError(f"cannot write {output}: {e.strerror or e}; "
                                  "choose another --output") from e
        _stderr(f"wrote {output}")
    else:
        last = ""
        for text in pieces:
            if text:
                click.echo(text, nl=False)
                last = text
        if not last.endswith("\n"):
            click.echo()


def _write_whole(path: str, pieces: Iterable[str]) -> None:
    """Write a streamed text to `path` whole or not at all: a failure halfway (a damaged
    database, a full disk) leaves any file already there as it was. A path that is not a
    plain file (a link, /dev/stdout, a pipe) is written through, as open() does."""
    import os
    import tempfile

    if os.path.islink(path) or (os.path.exists(path) and not os.path.isfile(path)):
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(pieces)
        return
    folder = os.path.dirname(os.path.abspath(path))
    fd, partial = tempfile.mkstemp(dir=folder, prefix=".claimtrack-", suffix=".partial")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.writelines(pieces)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(partial, 0o666 & ~mask)  # as open() would have made it, not mkstemp's 0600
        os.replace(partial, path)
    except BaseException:
        os.unlink(partial)
        raise


@cli.command()
@click.argument("jsonl", type=click.Path(allow_dash=True))
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 32),
              help="parser processes (with --dask local: workers)")
@dask_option
@extractor_option
@max_bytes_option
def extract(jsonl: str, jobs: int, dask: str | None, extractor: str, max_bytes: int) -> None:
    """Extract attributions from a JSONL file of {"id", "text"} (no database).

    Writes one JSON line per document to stdout, in the scorer's format. A
    document that cannot be extracted is reported on stderr and left out; the
    others are written and the exit status is 1.
    """
    from claimtrack.progress import progress_bar

    notes: list[str] = []
    failures: list[InputError] = []
    with progress_bar("extracting") as tick:
        n = api.extract_file(jsonl, sys.stdout, jobs=jobs, extractor=extractor,
                             progress=lambda done: tick(done, None), max_bytes=max_bytes,
                             notes=notes, failures=failures, dask=dask)
    for note in notes:
        _stderr(f"warning: {note}")
    for failure in failures:
        _stderr(f"error: {failure}")
    _stderr(f"extracted {n} documents" + (f", {len(failures)} failed" if failures else ""))
    if failures:
        sys.exit(1)


# --- reextract (issue 5): current extractor and flags on stored documents ---


@cli.command()
@click.option("--doc", help="only this document (id, id prefix or file name)")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 32),
              help="parser processes")
@extractor_option
@output_options
@db_option
def reextract(doc: str | None, jobs: int, extractor: str, fmt: Format, db_path: str) -> None:
    """Re-run extraction and flagging on stored documents with the current extractor.

    Claims and mentions are replaced; your merges and grades are kept.
    --json/--csv/--nl print one record per document on stdout.
    """
    from claimtrack.output import REEXTRACT_COLUMNS, RowWriter
    from claimtrack.progress import progress_bar

    with progress_bar("re-extracting") as tick:
        done = api.reextract(db_path, doc=doc, progress=tick, jobs=jobs, extractor=extractor)
    rows = RowWriter(fmt, REEXTRACT_COLUMNS)
    for r in done:
        rows.write(r)
    rows.close()
    failed = [r for r in done if r.error]
    for r in done:
        if r.error:
            _stderr(f"error: {r.document.origin}: {r.error}; its stored claims are kept")
            continue
        was = "" if r.previous_extractor == r.document.extractor else \
            f", was {r.previous_extractor}"
        _stderr(f"reextracted: {r.document.id} ({r.before} -> {r.after} claims{was}) "
                f"{r.document.origin}")
    _stderr(f"reextracted {len(done) - len(failed)} documents")
    if failed:
        sys.exit(1)


# --- entities (issue 5): list, merge, split ---


@cli.group(invoke_without_command=True)
@click.option("--doc", help="only entities of this document (counts there)")
@page_options
@output_options
@db_option
@click.pass_context
@reads
def entities(ctx: click.Context, doc: str | None, limit: int | None, offset: int, fmt: Format,
             db_path: str) -> None:
    """List entities (people, organisations, places, anonymous sources) with counts.

    Names that refer to one entity are folded; across documents only the same
    full name merges by itself. `entities merge A B` / `entities split A B` decide.
    """
    if ctx.invoked_subcommand is not None:
        return
    from claimtrack.views import ENTITY_COLUMNS

    # the first read after a write builds every entity: a bar then, nothing otherwise
    _corpus_listing(api.entities, api.count_entities, ("entities: building the listing", "nodes"),
                    ENTITY_COLUMNS, "entities", doc, limit, offset, fmt, db_path)


def _corpus_listing(read: Callable[..., Sequence[BaseModel]], count: Callable[[str], int],
                    bar: tuple[str, str], columns: Sequence[Column], title: str,
                    doc: str | None, limit: int | None, offset: int, fmt: Format,
                    db_path: str) -> None:
    """`sources` and `entities`: read (api.sources, api.entities) with a bar shown only
    while it computes; a table without --limit reads a page and counts the rest."""
    from claimtrack.output import emit
    from claimtrack.progress import progress_when_asked

    first = limit is None and fmt == "table" and doc is None  # a page, and a count
    with progress_when_asked(bar[0], unit=bar[1]) as tick:
        if first:
            rows, total = _first_page(
                lambda n: read(db_path, limit=n, offset=offset, progress=tick),
                lambda: count(db_path))
        else:
            found = read(db_path, doc=doc, limit=limit, offset=offset, progress=tick)
    if first:  # printed once the bar, if any, is gone
        _print_first(rows, total, columns, title, offset)
        return
    emit(found, fmt, columns, title=title, paged=limit is not None, offset=offset)


def _decision_command(action: str, doc: str) -> Callable:
    """`entities merge` and `entities split`: same arguments, one api call."""

    @entities.command(action, help=doc)
    @click.argument("a")
    @click.argument("b")
    @click.option("--dry-run", is_flag=True, help=f"show what would {action}; write nothing")
    @click.option("--why", help="your reason, kept with the decision")
    @output_options
    @db_option
    @reads
    def command(a: str, b: str, dry_run: bool, why: str | None, fmt: Format, db_path: str) -> None:
        from claimtrack.output import emit_model
        from claimtrack.views import render_decision

        result = api.entity_decision(db_path, action, a, b, why=why, dry_run=dry_run)
        emit_model(result, fmt, render_decision)
        _stderr(result.message)

    return command


entities_merge = _decision_command(
    "merge", "Make B an alias of A (everywhere, also in documents added later).")
entities_split = _decision_command(
    "split", "Keep A and B apart: undo a merge, or refuse an automatic one.")


# --- sources and grades (issue 5): Admiralty reliability log, MISP tags ---


@cli.group(invoke_without_command=True)
@click.option("--doc", help="only sources of this document (id, id prefix or file name)")
@page_options
@output_options
@db_option
@click.pass_context
@reads
def sources(ctx: click.Context, doc: str | None, limit: int | None, offset: int, fmt: Format,
            db_path: str) -> None:
    """List sources: type, documents, claims, reliability grade (A-F) and flags.

    Grades come only from you: `sources grade` and `sources import`; ungraded is F.
    """
    if ctx.invoked_subcommand is not None:
        return
    from claimtrack.output import SOURCE_COLUMNS

    # the first read after a write grades every claim: a bar then, nothing otherwise
    _corpus_listing(api.sources, api.count_sources, ("sources: grading every claim", "claims"),
                    SOURCE_COLUMNS, "sources", doc, limit, offset, fmt, db_path)


@sources.command("grade")
@click.argument("name")
@click.argument("grade", type=click.Choice(["A", "B", "C", "D", "E", "F"], case_sensitive=False))
@click.option("--why", required=True, help="why this grade: the record it rests on")
@click.option("--who", help="who grades (default: your user name)")
@db_option
def sources_grade(name: str, grade: str, why: str, who: str | None, db_path: str) -> None:
    """Grade a source's reliability: A completely reliable ... E unreliable, F cannot be judged.

    The grade is appended to the log; the latest grade of a name wins.
    """
    result = api.grade_source(db_path, name, grade, why, who=who)
    entry = result.entry
    _stderr(f"graded: {entry.source} {entry.grade} (by {entry.who}, log entry {entry.id})")
    if not result.claims:
        _stderr(f"warning: no stored claim has the source '{entry.source}': the grade is "
                "logged and applies to documents added later; check the spelling with "
                "`claimtrack sources`")


@sources.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
def sources_import(file: str, db_path: str) -> None:
    """Import grades from FILE.csv (header name,grade[,why]) or FILE.yaml.

    YAML: a list of {name, grade, why}, or a mapping name: grade (or {grade, why}).
    All rows or none: a bad row is reported as FILE:LINE and nothing is logged.
    """
    result = api.import_sources(db_path, file)
    _stderr(f"imported {len(result.entries)} grades from {result.path}")


@sources.command("log")
@click.argument("name", required=False)
@page_options
@output_options
@db_option
@reads
def sources_log(name: str | None, limit: int | None, offset: int, fmt: Format,
                db_path: str) -> None:
    """The grades log (who graded what, when, why), oldest first; or one source's."""
    from claimtrack.output import GRADE_LOG_COLUMNS, emit

    emit(api.grade_log(db_path, name, limit=limit, offset=offset), fmt, GRADE_LOG_COLUMNS,
         title="grades log", paged=limit is not None, offset=offset)


@sources.command("tags")
@click.option("--doc", help="only claims of this document")
@page_options
@output_options
@db_option
@reads
def sources_tags(doc: str | None, limit: int | None, offset: int, fmt: Format,
                 db_path: str) -> None:
    """Each claim's grade as MISP tags (taxonomy admiralty-scale)."""
    from claimtrack.output import TAG_COLUMNS, emit

    emit(api.source_tags(db_path, doc=doc, limit=limit, offset=offset), fmt, TAG_COLUMNS,
         title="admiralty-scale tags", paged=limit is not None, offset=offset)


# --- eval (issue 4): precision/recall on a researcher's annotated news ---


@cli.command("eval")
@click.argument("gold", type=click.Path(dir_okay=False))
@click.option("--pred", "pred", type=click.Path(dir_okay=False),
              help="score this prediction JSONL instead of running the extractor")
@extractor_option
@click.option("--only", "only", multiple=True, metavar="FIELD=VALUE",
              help="score only gold attributions with this label, e.g. cue_class=speech "
                   "(repeatable)")
@click.option("--errors", "errors", default=0, show_default=True, type=click.IntRange(0),
              help="show N misses and N false alarms with their context")
@click.option("--seed", default=0, show_default=True, help="which error examples --errors picks")
@click.option("--jaccard", "threshold", default=0.5, show_default=True,
              type=click.FloatRange(0, 1, min_open=True), help="token Jaccard for an overlap match")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 32),
              help="parser processes")
@max_bytes_option
@output_options
def eval_cmd(gold: str, pred: str | None, extractor: str, only: tuple[str, ...], errors: int,
             seed: int, threshold: float, jobs: int, max_bytes: int, fmt: Format) -> None:
    """Score the extractor on a gold JSONL file (../shared/eval/README.md's format).

    Precision/recall/F1 of contents (exact and overlap), source and cue accuracy,
    recall by kind and cue class; the last table line is machine-readable.
    """
    from claimtrack.evaluate import render_metrics
    from claimtrack.output import emit_model
    from claimtrack.progress import progress_bar

    for item in only:
        if "=" not in item or item.startswith("="):
            raise click.BadParameter(f"want FIELD=VALUE, got {item!r}", param_hint="--only")
    notes: list[str] = []
    with progress_bar("extracting") as tick:
        metrics = api.evaluate(gold, pred_path=pred, extractor=extractor, jobs=jobs, only=only,
                               errors=errors, seed=seed, threshold=threshold, progress=tick,
                               notes=notes, max_bytes=max_bytes)
    for note in notes:
        _stderr(f"warning: {note}")
    emit_model(metrics, fmt, render_metrics)
