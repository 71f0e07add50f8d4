"""Claims with filters: the `claims` and `flagged` listings, `report --entity`'s page.

A read flags and grades only the claims it returns (a page is filled by pulling
claims in listing order only as far as it needs); nothing is recomputed over the
corpus per read. The corpus flags and grades are corpusflags.py's; which claims
are by or about a name, entityselect.py's.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypedDict, Unpack

import sqlite_utils

from claimtrack import corpusflags
from claimtrack.credibility import Corroboration
from claimtrack.entityselect import entity_selection, no_entity
from claimtrack.errors import NotFoundError
from claimtrack.flags import FLAGS
from claimtrack.models import Claim
from claimtrack.store import counts, matchstore, readback
from claimtrack.store import documents as store
from claimtrack.text.names import name_pattern

KINDS = ("direct", "indirect", "mixed")
# codes of flag vocabulary v1 that v2 renamed: old scripts keep working
RENAMED_FLAGS = {"unnamed_source": "anonymous_source"}


def read(db: sqlite_utils.Database, doc_id: str | None = None,
         author: bool = False) -> list[Claim]:
    """The stored claims (of one document, or all) in (document added, seq) order, as
    stored: static flags only, no grade. Every read says what it left out."""
    return readback.load_claims(db, doc_id, author)


# claims looked at per step when a filter needs corpus flags: a page of 50 is found
# in the first step or two, without flagging the rest of the corpus
_STEP = 200


def _select(db: sqlite_utils.Database, cs: Iterable[Claim],
            keep: Callable[[Claim], bool] | None, limit: int | None,
            offset: int) -> list[Claim]:
    """Of `cs` (static filters applied), with their corpus flags, those `keep` accepts
    (all when None), rows `offset` to `offset + limit`, graded. `cs` is pulled only as
    far as the page needs, only those claims get corpus flags, and only the page is
    graded."""
    want = None if limit is None else offset + limit
    it = iter(cs)
    if keep is None:
        rows = list(itertools.islice(it, offset, want))
        facts = corpusflags.corroboration(db, rows)
        return corpusflags.graded(db, corpusflags.with_corpus_flags(rows, facts), facts)
    page: list[Claim] = []
    kept: dict[str, Corroboration] = {}
    found = 0  # claims `keep` accepted so far; only the page's are held (a deep
    # --offset of a corpus flag held every claim before it: 200 MB at 20,000)
    while want is None or found < want:
        step = list(itertools.islice(it, _STEP))
        if not step:
            break
        facts = corpusflags.corroboration(db, step)
        for c in corpusflags.with_corpus_flags(step, facts):
            if keep(c):
                if found >= offset and (want is None or found < want):
                    page.append(c)
                    kept[c.id] = facts[c.id]
                found += 1
    return corpusflags.graded(db, page, kept)


# claims flagged and graded at a time by a read that runs through the whole corpus
# (`sources`, `claims --nl` of everything): memory holds one chunk and what the read
# keeps of it, not every claim
CHUNK = 2000


def graded_chunks(db: sqlite_utils.Database, author: bool = False) -> Iterator[
        tuple[list[Claim], dict[str, tuple[str, str]] | None]]:
    """Every claim with static and corpus flags and its grade, in listing order, a
    list per CHUNK claims, each with the entities of its claims' sources as the stored
    components name them (readback.component_names: None where they cannot, and the
    grades then named them from the entity graph of that chunk)."""
    it = iter(stored(db, author))
    while step := list(itertools.islice(it, CHUNK)):
        named = readback.component_names(db, step)
        yield corpusflags.grade(db, step, named), named


def claims(
    db: sqlite_utils.Database,
    doc: str | None = None,
    entity: str | None = None,
    flag: str | None = None,
    kind: str | None = None,
    cue_class: str | None = None,
    author: bool = False,
    flagged: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[Claim]:
    """Claims with static and corpus flags, in (document added, seq) order, filtered.
    The author's own statements in the body (rule "author") only with `author`.

    doc: a document reference (store.get_document); entity: claims by that
    source or whose content names it (NotFoundError when none is, as `show`);
    flag: claims carrying that flag code; flagged: claims carrying any flag;
    kind: direct / indirect / mixed; cue_class: speech (said, reported, ...) or
    other (beliefs, plans, perceptions). `limit`/`offset`: rows offset to
    offset + limit of what the filters select (api.page). Only the rows returned
    are graded, and corpus flags are looked up only as far as the page needs.
    """
    if entity is not None and limit is not None and flag is None and kind is None \
            and cue_class is None and not flagged:
        # the selection names every claim of the page: read those alone, not every claim
        # before it (--offset 5000 of the most frequent person read 5,050)
        return entity_claims(db, entity, doc=doc, author=author, limit=limit,
                             offset=offset)[0]
    out: Iterable[Claim]
    keep: Callable[[Claim], bool] | None = None
    if offset and _unfiltered(Filters(doc=doc, entity=entity, flag=flag, kind=kind,
                                      cue_class=cue_class, flagged=flagged)):
        out, offset = _from_offset(db, author, offset)
    else:
        out, keep = _filtered(db, doc, entity, flag, kind, cue_class, author, flagged,
                              whole=limit is None)
    if limit is None:
        return [c for cs in _graded_steps(db, out, keep, offset) for c in cs]
    return _select(db, out, keep, limit, offset)


class Filters(TypedDict, total=False):
    """claims()'s filters, for the functions that take them as they are."""

    doc: str | None
    entity: str | None
    flag: str | None
    kind: str | None
    cue_class: str | None
    author: bool
    flagged: bool


def claims_stream(db: sqlite_utils.Database, offset: int = 0,
                  **filters: Unpack[Filters]) -> Iterator[Claim]:
    """claims() without a limit, as an iterator: the claims are read a document at a
    time and flagged and graded CHUNK at a time, so memory holds one chunk, not the
    corpus (`claims` of a whole archive, in any format). The arguments are checked now,
    before the first claim is asked for (a bad flag or name is an error, not an
    empty stream)."""
    f = Filters(doc=None, entity=None, flag=None, kind=None, cue_class=None, author=False,
                flagged=False)
    f.update(filters)
    if offset and _unfiltered(f):
        rest, offset = _from_offset(db, f["author"], offset)
        return (c for cs in _graded_steps(db, rest, None, offset) for c in cs)
    out, keep = _filtered(db, f["doc"], f["entity"], f["flag"], f["kind"], f["cue_class"],
                          f["author"], f["flagged"], whole=False)
    return (c for cs in _graded_steps(db, out, keep, offset) for c in cs)


def count(db: sqlite_utils.Database, **filters: Unpack[Filters]) -> int:
    """How many claims claims_stream(**filters) lists from the first: what a table
    without --limit says after its first rows. Counted in SQL (store/counts.py); the
    claims SQL leaves undecided (partners within their document, no clusters row) and
    a name's selection with other filters are counted through the listing's own
    filters, never graded."""
    f = Filters(doc=None, entity=None, flag=None, kind=None, cue_class=None, author=False,
                flagged=False)
    f.update(filters)
    if f["entity"] is not None and (f["flag"] is not None or f["kind"] is not None
                                    or f["cue_class"] is not None or f["flagged"]):
        # a name's selection with other filters: the listing's own (which checks them)
        out, keep = _filtered(db, f["doc"], f["entity"], f["flag"], f["kind"],
                              f["cue_class"], f["author"], f["flagged"], whole=False)
        return _kept(db, out, keep)
    flag = _checked(f["flag"], f["kind"], f["cue_class"])
    doc_id = store.get_document(db, f["doc"]).id if f["doc"] is not None else None
    if f["entity"] is not None:
        _, chosen = entity_selection(db, f["entity"], doc_id=doc_id, author=f["author"])
        if not chosen:
            raise no_entity(f["entity"], doc_id)
        return len(chosen)
    corpus: counts.CorpusTest | None = None
    static = flag if flag is not None and flag not in corpusflags.CORPUS_FLAGS else None
    if flag in corpusflags.CORPUS_FLAGS:
        corpus = flag  # type: ignore[assignment]
    elif f["flagged"] and flag is None:
        corpus = "any"
    n, undecided = counts.count_claims(db.conn, doc_id=doc_id, author=f["author"],
                                       kind=f["kind"], cue_class=f["cue_class"],
                                       static_flag=static, corpus=corpus)
    if not undecided:
        return n
    keep = _has(flag) if flag is not None else _has_any
    return n + _kept(db, _read_ids(db, undecided, f["author"]), keep)


def _kept(db: sqlite_utils.Database, cs: Iterable[Claim],
          keep: Callable[[Claim], bool] | None) -> int:
    """How many of `cs`, with their corpus flags, `keep` accepts (all when None)."""
    it = iter(cs)
    n = 0
    while step := list(itertools.islice(it, CHUNK)):
        if keep is None:
            n += len(step)
            continue
        facts = corpusflags.corroboration(db, step)
        n += sum(1 for c in corpusflags.with_corpus_flags(step, facts) if keep(c))
    return n


def _unfiltered(f: Filters) -> bool:
    """Whether the filters select every claim (the author's statements aside)."""
    return all(f.get(k) is None for k in ("doc", "entity", "flag", "kind", "cue_class")) \
        and not f.get("flagged")


def _from_offset(db: sqlite_utils.Database, author: bool,
                 offset: int) -> tuple[Iterator[Claim], int]:
    """(every claim from the document holding the `offset`-th on, read a document at a
    time; the offset left within it): the documents before it are counted in SQL,
    not read and flagged (`claims --limit 50 --offset 20000` read 20,000 claims first:
    1.30 s on the 1,000-document benchmark database, 0.39 s now)."""
    ids, left = store.document_ids_from(db, offset, author)
    return (c for doc_id in ids for c in read(db, doc_id=doc_id, author=author)), left


def _checked(flag: str | None, kind: str | None, cue_class: str | None) -> str | None:
    """The flag code asked for (an old name renamed), once the filters are known."""
    flag = RENAMED_FLAGS.get(flag, flag) if flag is not None else None
    if flag is not None and flag not in FLAGS:
        raise NotFoundError(f"unknown flag '{flag}': choose one of {', '.join(FLAGS)}")
    if kind is not None and kind not in KINDS:
        raise NotFoundError(f"unknown kind '{kind}': choose one of {', '.join(KINDS)}")
    if cue_class is not None and cue_class not in ("speech", "other"):
        raise NotFoundError(f"unknown cue class '{cue_class}': choose speech or other")
    return flag


def _filtered(
    db: sqlite_utils.Database, doc: str | None, entity: str | None, flag: str | None,
    kind: str | None, cue_class: str | None, author: bool, flagged: bool, whole: bool,
) -> tuple[Iterable[Claim], Callable[[Claim], bool] | None]:
    """(the claims the static filters keep, lazily where it can; the test of their
    corpus flags, None when there is none): the arguments checked at once. `whole`:
    read every claim in one query (a caller that keeps them all) rather than a
    document at a time."""
    flag = _checked(flag, kind, cue_class)
    doc_id = store.get_document(db, doc).id if doc is not None else None
    if entity is not None:
        name_pattern(entity)  # reject an empty name before the work
    out: Iterable[Claim]
    if entity is not None:
        _, chosen = entity_selection(db, entity, doc_id=doc_id, author=author)
        if not chosen:  # a name nothing answers to is an error, as in `show` and `--doc`
            raise no_entity(entity, doc_id)
        out = _read_ids(db, [cid for cid, _, _ in chosen], author)
    elif doc_id is not None or whole:
        out = read(db, doc_id=doc_id, author=author)
    else:  # read document by document, as far as the caller pulls; a static flag
        # reads only the documents that store it (corpus flags are never stored)
        static = flag if flag is not None and flag not in corpusflags.CORPUS_FLAGS else None
        out = stored(db, author, static)
    if kind is not None:
        out = (c for c in out if c.kind == kind)
    if cue_class is not None:
        out = (c for c in out if c.cue_class == cue_class)
    keep: Callable[[Claim], bool] | None = None
    if flag == "circular_reporting":  # stored on the clusters row: no need to look further
        circular = matchstore.circular_ids(db.conn)
        out = (c for c in out if c.id in circular)
    elif flag == "single_source":
        out = (c for c in out if corpusflags.may_be_single(c))
        keep = _has(flag)
    elif flag is not None:  # a static flag: stored with the claim
        out = (c for c in out if any(f.code == flag for f in c.flags))
    if flagged:
        keep = _has(flag) if flag is not None else _has_any
    return out, keep


def _graded_steps(db: sqlite_utils.Database, cs: Iterable[Claim],
                  keep: Callable[[Claim], bool] | None, offset: int) -> Iterator[list[Claim]]:
    """Of `cs`, with their corpus flags, those `keep` accepts (all when None) from the
    `offset`-th on, graded, a list per CHUNK claims of `cs`. A claim's flags and grade
    are looked up by its id alone: the steps do not change them."""
    it = iter(cs)
    skip = offset
    while step := list(itertools.islice(it, CHUNK)):
        facts = corpusflags.corroboration(db, step)
        picked = [c for c in corpusflags.with_corpus_flags(step, facts)
                  if keep is None or keep(c)]
        if skip:
            gone = min(skip, len(picked))
            picked, skip = picked[gone:], skip - gone
        if picked:
            yield corpusflags.graded(db, picked, facts)


def entity_claims(db: sqlite_utils.Database, entity: str, doc: str | None = None,
                  author: bool = False, limit: int | None = None,
                  offset: int = 0) -> tuple[list[Claim], int]:
    """(rows `offset` to `offset + limit` of the claims by or about `entity`, flagged
    and graded; how many there are in all): `report --entity`. Only the page is read
    whole and graded."""
    doc_id = store.get_document(db, doc).id if doc is not None else None
    _, chosen = entity_selection(db, entity, doc_id=doc_id, author=author)
    if not chosen:
        raise no_entity(entity, doc_id)
    ids = [cid for cid, _, _ in chosen][offset: None if limit is None else offset + limit]
    return _select(db, _read_ids(db, ids, author), None, None, 0), len(chosen)


def _read_ids(db: sqlite_utils.Database, ids: Sequence[str], author: bool) -> Iterator[Claim]:
    """The claims of `ids` (in listing order), read a document at a time as far as
    the caller pulls."""
    by_doc: dict[str, list[str]] = {}
    for cid in ids:
        by_doc.setdefault(cid.rsplit(":", 1)[0], []).append(cid)
    for wanted in by_doc.values():  # those claims alone, not their documents' others
        yield from readback.load_claims(db, author=author, ids=wanted)


def stored(db: sqlite_utils.Database, author: bool = False,
           flag: str | None = None) -> Iterator[Claim]:
    """Every claim as stored (static flags only, no grade), in listing order, read one
    document at a time: a page, a chunk, or a count that needs no corpus flag. With
    `flag` (a static flag's code), only the documents whose stored flags name it are
    read (the claims are not narrowed here)."""
    ids = store.document_ids(db) if flag is None else store.document_ids_flagged(db, flag)
    for doc_id in ids:
        yield from readback.read_in_parts(db, doc_id, author)


def _has(code: str) -> Callable[[Claim], bool]:
    return lambda c: any(f.code == code for f in c.flags)


def _has_any(c: Claim) -> bool:
    return bool(c.flags)
