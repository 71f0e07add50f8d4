"""`claimtrack sources`: the claims grouped by source, with its type, grade and flags.

A source is an entity where sourceentities.py resolves one, else its name
(grades.source_name); its grade is what its claims were graded with, else the
latest grade logged for the name or a surname it ends with (grades.lookup).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import sqlite_utils

from claimtrack import corpusflags, queries
from claimtrack.flags import ANONYMOUS_FLAGS
from claimtrack.grades import UNGRADED, grade_key, lookup, reliability, source_name
from claimtrack.models import NOT_NAMED_TYPES, Claim, GradeEntry, SourceRow, SourceType
from claimtrack.sourceentities import source_entities
from claimtrack.store import documents as store
from claimtrack.store import readback


def source_type(claim: Claim) -> SourceType:
    """The typed source when the extractor gave one; anonymous by its flag; else unknown."""
    if claim.source_info is not None:
        return claim.source_info.type
    if any(f.code in ANONYMOUS_FLAGS for f in claim.flags):
        return "anonymous"
    return "unknown"


class _Group:
    """What the listing keeps of one source's claims as they stream past. Plain dicts,
    not Counters: the first `sources` after a write merges every document's share
    (40,000 groups at 3,000 documents), and Counter's update and constructor were a
    third of its time."""

    __slots__ = ("names", "types", "documents", "claims", "all_graded", "grades",
                 "first_entry", "flags")

    def __init__(self) -> None:
        self.names: dict[str, int] = {}
        self.types: dict[SourceType, int] = {}
        self.documents: dict[str, None] = {}  # in order of first claim
        self.claims = 0
        self.all_graded = True
        self.grades: dict[str, int] = {}
        self.first_entry: GradeEntry | None = None  # the first claim's name with a grade
        self.flags: dict[str, int] = {}

    def add(self, c: Claim, name: str, grades: dict[str, GradeEntry]) -> None:
        self.names[name] = self.names.get(name, 0) + 1
        kind = source_type(c)
        self.types[kind] = self.types.get(kind, 0) + 1
        self.documents.setdefault(c.doc_id, None)
        self.claims += 1
        if c.grade is None:
            self.all_graded = False
        else:
            self.grades[c.grade.reliability] = self.grades.get(c.grade.reliability, 0) + 1
        if self.first_entry is None:
            self.first_entry = lookup(grades, source_name(c))
        for f in c.flags:
            self.flags[f.code] = self.flags.get(f.code, 0) + 1

    def dump(self) -> list:
        """One document's group as stored (source_parts): no grade entry, as a share is
        only kept where no source is graded (corpus_sources)."""
        return [dict(self.names), dict(self.types), self.claims, self.all_graded,
                dict(self.grades), dict(self.flags)]

    def merge(self, doc_id: str, stored: list) -> None:
        """Add one document's stored group (dump), the documents in listing order."""
        names, types, claims, all_graded, grades, flags = stored
        _bump(self.names, names)
        _bump(self.types, types)
        self.documents.setdefault(doc_id, None)
        self.claims += claims
        self.all_graded = self.all_graded and all_graded
        _bump(self.grades, grades)
        _bump(self.flags, flags)


def _bump(counts: dict, more: dict) -> None:
    for k, n in more.items():
        counts[k] = counts.get(k, 0) + n


def list_sources(
    db: sqlite_utils.Database,
    claims: Iterable[Claim],
    with_ungraded: bool = True,
    entities: Mapping[str, tuple[str, str]] | None = None,
) -> list[SourceRow]:
    """`claims` (flagged and graded) grouped by source: by entity where `entities`
    (source_entities) resolves one, else by name. Graded names that no listed source
    carries are listed too when `with_ungraded`. Order: most claims first, then name."""
    return source_rows(db, [(claims, entities or {})], with_ungraded)


def corpus_sources(db: sqlite_utils.Database,
                   progress: Callable[[int, int], None] | None = None) -> list[SourceRow]:
    """Every source of the database, from its claims read and graded a chunk at a time
    (queries.graded_chunks): memory holds one chunk and the rows, not the corpus. Where
    the stored entity components cannot name the sources (a user's merge or split,
    an old database), the entity graph of every claim's source is built at once, as
    the entities of one chunk would not group with another's."""
    # one state of the database throughout: another process's `add` renaming or
    # dropping an entity component between reading the claims and naming their
    # sources would leave a name to find for a component gone (what this read
    # computes is then not kept: the page path keeps shares when it can)
    with readback.snapshot(db):
        if readback.components_usable(db):
            if not reliability(db):  # no source graded: a document's share is its own
                summed = _from_shares(db, progress)
                if summed is not None:
                    return summed
            try:
                return source_rows(db, _told(queries.graded_chunks(db), progress,
                                             readback.count_claims(db)
                                             if progress is not None else 0), True)
            except _Unnamed:
                pass
        found = queries.claims(db)
        return list_sources(db, found, True, source_entities(db, found))


def _told(chunks: Iterable[tuple[list[Claim], dict[str, tuple[str, str]] | None]],
          progress: Callable[[int, int], None] | None, total: int
          ) -> Iterator[tuple[list[Claim], Mapping[str, tuple[str, str]]]]:
    """The graded chunks named from the stored components (_named), with progress."""
    done = 0
    for cs, named in chunks:
        done += len(cs)
        if progress is not None:
            progress(min(done, total), total)
        yield _named(cs, named)


class _Unnamed(Exception):
    """A chunk's sources could not be named from the stored components."""


def _from_shares(db: sqlite_utils.Database,
                 progress: Callable[[int, int], None] | None) -> list[SourceRow] | None:
    """corpus_sources as the sum of each document's share (its claims grouped by
    source, flagged and graded as corpus_sources does), the shares stored across
    writes (source_parts: migration 14 and matchstore.replace_clusters drop a
    document's share with what it is computed from) and only the missing ones
    computed. Only where no source is graded, so a claim's row figures are its own
    document's and its cluster's; an entity's name, which any document naming it can
    change, is read now (readback.component_best_names). None where the shares cannot
    be kept (no table) or a document's sources cannot be named from the stored
    components: the caller reads the corpus a chunk at a time, as before."""
    version = readback.listing_version()
    before = readback.data_version(db)
    stored = readback.source_parts(db, version)
    if stored is None:
        return None
    ids = store.document_ids(db)
    try:
        shares = _shares(db, [d for d in ids if d not in stored], progress)
    except _Unnamed:
        return None
    groups: dict[str, _Group] = {}
    for doc_id in ids:
        part = stored.get(doc_id) or shares[doc_id][0]
        for key, group in json.loads(part):
            groups.setdefault(key, _Group()).merge(doc_id, group)
    # a share that skipped a claim is not kept: warned, and computed again next time
    readback.store_source_parts(db, version, before,
                                {d: part for d, (part, clean) in shares.items() if clean})
    _name_entities(db, groups, before)
    return _rows(groups, {}, True)


def shares_countable(db: sqlite_utils.Database) -> bool:
    """Whether the listing is the kept shares' sum (sources_page can read it): no
    graded source, usable components."""
    return readback.components_usable(db) and not reliability(db)


def sources_page(db: sqlite_utils.Database, limit: int | None, offset: int = 0,
                 progress: Callable[[int, int], None] | None = None) -> list[SourceRow] | None:
    """A page of corpus_sources from the kept shares in SQL (one row a source and
    document, migration 19): the missing shares computed and kept first (unless every
    share is marked kept, migration 20), then the sources' totals read where triggers
    keep them, and only the sources the page can hold (all those with at least as many
    claims as the page's last row: ties are ordered by name) merged from their rows and
    ordered as _from_shares orders them. A read merges a page's sources, not every
    document's share. None where that cannot be done (a graded source, unusable
    components, an old or read-only database, another writer, a record skipped): the
    caller computes the listing in memory, which says any warning once."""
    if not shares_countable(db):
        return None
    version = readback.listing_version()
    end = None if limit is None else offset + limit

    def read() -> tuple[int, dict[str, _Group]]:
        before = readback.data_version(db)
        if end == 0:
            return before, {}
        rows = readback.source_share_rows(db, version,
                                          readback.source_keys_for(db, version, end))
        place = readback.document_places(db, {r[0] for r in rows})
        groups: dict[str, _Group] = {}
        # in the order _from_shares first sees each source: by document, then within
        # its share
        for doc_id, _, key, data in sorted(rows, key=lambda r: (place[r[0]], r[1])):
            groups.setdefault(key, _Group()).merge(doc_id, json.loads(data))
        _name_entities(db, groups, None)
        return before, groups
    found = readback.read_marked(
        db, readback.SHARES_KEPT,
        lambda before: _keep_missing_shares(db, version, before, progress), read)
    if found is None:
        return None
    before, groups = found
    readback.store_component_names(db, before)  # after the read transaction
    return _rows(groups, {}, True)[offset:end]


def _keep_missing_shares(db: sqlite_utils.Database, version: str, before: int,
                         progress: Callable[[int, int], None] | None) -> bool:
    """Compute and keep the shares no document has for `version`, SHARES_CHUNK
    documents at a time (memory holds a chunk, not every document's share: the first
    read of a large database), and mark them all kept with the last; False where that
    cannot be done (see sources_page)."""
    have = readback.source_part_ids(db, version)
    if have is None:
        return False
    missing = [d for d in store.document_ids(db) if d not in have]
    done = 0

    def told(n: int, _total: int) -> None:
        if progress is not None:
            progress(done + n, len(missing))
    for at in range(0, max(len(missing), 1), SHARES_CHUNK):
        chunk = missing[at:at + SHARES_CHUNK]
        try:
            shares, caught = readback.held_warnings(functools.partial(_shares, db, chunk, told))
        except _Unnamed:
            return False
        # a share that skipped a claim cannot be kept: the in-memory listing says it, once
        last = at + SHARES_CHUNK >= len(missing)
        if not all(clean for _, clean in shares.values()) or not readback.store_source_parts(
                db, version, before, {d: part for d, (part, _) in shares.items()},
                complete=last):
            return False
        readback.say_warnings(caught)
        done += len(chunk)
    return True


SHARES_CHUNK = 500  # documents whose shares a first read computes and keeps at a time


def _shares(db: sqlite_utils.Database, ids: Sequence[str],
            progress: Callable[[int, int], None] | None) -> dict[str, tuple[str, bool]]:
    """doc id -> (its share, whether it skipped no claim) of each of `ids`, with
    progress; raises _Unnamed (see _share)."""
    out: dict[str, tuple[str, bool]] = {}
    for n, doc_id in enumerate(ids, 1):
        out[doc_id] = _share(db, doc_id)
        if progress is not None:
            progress(n, len(ids))
    return out


def _name_entities(db: sqlite_utils.Database, groups: Mapping[str, _Group],
                   before: int | None) -> None:
    """One name per entity's group: the name its component has now (kept, unless
    `before` is None: the caller keeps them after its read transaction)."""
    comps = {key.removeprefix("entity ") for key in groups if key.startswith("entity ")}
    best = readback.component_best_names(db, comps)
    if before is not None:
        readback.store_component_names(db, before)
    for key, g in groups.items():
        if key.startswith("entity "):
            g.names = {best[key.removeprefix("entity ")]: g.claims}


def _share(db: sqlite_utils.Database, doc_id: str) -> tuple[str, bool]:
    """One document's claims grouped by source (JSON of (key, _Group.dump) pairs), and
    whether reading them skipped no record (a share that did is not stored, so the
    warning is said again on every read). Read in one state of the database: another
    process's `add` renaming a component between reading the claims' components and
    naming them would leave a name to find for a component gone."""
    with readback.snapshot(db):
        claims, clean = readback.computed_clean(lambda: queries.read(db, doc_id=doc_id))
        named = readback.component_names(db, claims)
        if named is None:
            raise _Unnamed
        groups: dict[str, _Group] = {}
        _group(groups, corpusflags.grade(db, claims, named), named, {})
    return json.dumps([[key, g.dump()] for key, g in groups.items()]), clean


def _named(cs: list[Claim], named: dict[str, tuple[str, str]] | None
           ) -> tuple[list[Claim], dict[str, tuple[str, str]]]:
    if named is None:
        raise _Unnamed
    return cs, named


def source_rows(
    db: sqlite_utils.Database,
    chunks: Iterable[tuple[Iterable[Claim], Mapping[str, tuple[str, str]]]],
    with_ungraded: bool,
) -> list[SourceRow]:
    """list_sources over (claims, their entities) chunks, keeping per source only what
    its row needs."""
    grades = reliability(db)
    groups: dict[str, _Group] = {}
    for claims, entities in chunks:
        _group(groups, claims, entities, grades)
    return _rows(groups, grades, with_ungraded)


def _group(groups: dict[str, _Group], claims: Iterable[Claim],
           entities: Mapping[str, tuple[str, str]], grades: dict[str, GradeEntry]) -> None:
    """Add `claims` to their sources' groups: by entity where `entities` names one,
    else by name (a claim with neither is no source's)."""
    for c in claims:
        if c.id in entities:
            key, name = entities[c.id]
        else:
            found = source_name(c)
            if found is None:
                continue
            key, name = f"name {grade_key(found)}", found
        if key not in groups:
            groups[key] = _Group()
        groups[key].add(c, name, grades)


def _rows(groups: Mapping[str, _Group], grades: dict[str, GradeEntry],
          with_ungraded: bool) -> list[SourceRow]:
    """The listing's rows of the groups, most claims first, then by name."""
    rows = []
    used: set[str] = set()  # graded names that cover a listed source
    for g in groups.values():
        # the most frequent spelling, the longest on ties ("Ahmed Al-Mismari")
        name = max(g.names.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0]
        typed = {t: n for t, n in g.types.items() if t != "unknown"}
        kind = max(typed.items(), key=lambda kv: (kv[1], kv[0]))[0] if typed else "unknown"
        entry = lookup(grades, name) or g.first_entry
        if entry is not None:
            used.add(grade_key(entry.source))
        grade: str
        if g.all_graded:
            # what the claims were graded with (credibility.py): the listing agrees
            grade = min(g.grades.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        else:
            grade = entry.grade if entry is not None and kind not in NOT_NAMED_TYPES else UNGRADED
        rows.append(
            SourceRow(
                name=name,
                type=kind,
                documents=list(g.documents),
                claims=g.claims,
                reliability=grade,
                why=entry.why if entry is not None and grade != UNGRADED else None,
                flags=dict(sorted(g.flags.items())),
            )
        )
    if with_ungraded:
        for key, e in grades.items():
            if key not in used:
                rows.append(
                    SourceRow(name=e.source, type="unknown", documents=[], claims=0,
                              reliability=e.grade, why=e.why, flags={})
                )
    rows.sort(key=lambda r: (-r.claims, r.name.casefold(), r.name))
    return rows
