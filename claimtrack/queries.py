"""Claims with filters and corpus-level flags; everything said by or about an entity.

A read flags and grades only the claims it returns (a page is filled by pulling
claims in listing order only as far as it needs); nothing is recomputed over the
corpus per read.

Corpus flags and credibility READ the stored cross-document index (matchstore:
clusters, cluster_stats), built when documents are added (corpus/update.py);
nothing here compares claims across the corpus. A read loads its claims, their
cluster rows (one scan when it lists every claim), the rows of the claims that
contradict them, and the origin keys of their documents.

`single_source` (never stored, so adding a document clears it): a claim is
single-sourced unless it has two or more independent origins, counting
  * the independent origins of its stored cluster (cluster_stats.origins: wire
    copies, near-duplicate bodies, relays, and a document restating itself are
    one origin; unresolved references count zero; see corpus/origins.py), and
  * within its own document, each other voice telling the same claim (the
    stored matcher's decision, corpus/relate.py: same or more_specific) that
    is independent of it: another origin key, not in the same relay tree, no
    voice in common ("X said ..., according to O" and "Y said ..., according
    to O" both rest on O), not a nested attribution over the same text, and not
    the author's own statement (the author restating what a source said is no
    second voice).
Which claims of one document tell the same claim is stored when the document is
(within_matches, corpus/update.py: it depends on that document's claims alone);
whether the two voices are independent turns on origin keys that a later
near-duplicate can change, so a read decides it over the few documents of the
claims it shows. It is kept because
the stored matches are cross-document only: two named people in one article
saying the same thing are two voices, as they are the moment either is quoted
elsewhere; dropping it would make a claim's sourcing depend on an unrelated
document.
Claims the author states with no source at all (rules no_source and author) are
not flagged: they carry `no_source` where it is due, and a second flag would say
the same thing louder. A claim with no clusters row (a database waiting for
`rematch`) has its own voice only, and its explanation says so.

`circular_reporting` is raised on claims whose clusters row says why their
reporting goes in circles (corpus/origins.py: outlets citing each other, a cited
report dated after the citing one, one document's two sources with one root).
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import sqlite_utils

from claimtrack.credibility import Against, Corroboration, grade_claims
from claimtrack.entities import EntityMatcher, EntityNotes
from claimtrack.errors import NotFoundError
from claimtrack.extractor_names import UNSOURCED_RULES
from claimtrack.flags import FLAGS, make_flag
from claimtrack.grades import reliability
from claimtrack.models import Claim, EntityClaim, EntityDocument, EntityView
from claimtrack.provenance import chain_of, relay_roots
from claimtrack.sourceentities import source_entities
from claimtrack.store import documents as store
from claimtrack.store import matchstore, readback
from claimtrack.text.names import name_pattern
from claimtrack.text.sourcephrase import APPOSITION

KINDS = ("direct", "indirect", "mixed")
# codes of flag vocabulary v1 that v2 renamed: old scripts keep working
RENAMED_FLAGS = {"unnamed_source": "anonymous_source"}


# --- corpus flags --------------------------------------------------------------------


def _is_authorial(c: Claim) -> bool:
    return c.source is None and c.cue is None


def _key(row: matchstore.ClaimRow, docs: dict[str, tuple[str, str | None]]) -> str | None:
    """The origin key a claim's own source names, keyed as the stored index keys it
    (corpus/update.py, corpus/origins.py), so the two can be joined."""
    from claimtrack.corpus.origins import own_key
    from claimtrack.corpus.update import appearance

    doc_origin, publisher = docs.get(row.doc_id, (f"doc:{row.doc_id}", None))
    return own_key(appearance(matchstore.Appearing(row, doc_origin, publisher, None)))


def _row(c: Claim) -> matchstore.ClaimRow:
    return matchstore.ClaimRow(
        c.id, c.doc_id, "", c.stance.cue_negated, c.stance.denial, c.stance.content_negated,
        tuple(c.stance.modality), c.rule, c.source.text if c.source else None,
        c.source_entity, c.source_info.model_dump_json() if c.source_info else None,
        c.relayed_by)


def within_document(db: sqlite_utils.Database, ids: Sequence[str],
                    docs: dict[str, tuple[str, str | None]]) -> tuple[
                        dict[str, set[str]], dict[str, str | None]]:
    """(claim id -> the claims of its own document that tell the same claim from an
    independent voice (module docstring), their origin keys) for `ids`.

    Which claims of a document tell the same claim is stored when the document is
    (within_matches, corpus/update.py). Whether two of them are independent voices
    turns on origin keys, which a later near-duplicate can change, so it is decided
    here, over the claims of the few documents concerned: both keys known and
    different, and no voice in common between their relay trees."""
    conn = db.conn
    pairs = matchstore.within_of(conn, ids)
    wanted = {cid for cid in ids if cid in pairs}
    if not wanted:
        return {}, {}
    rows = matchstore.voice_rows(conn, sorted(matchstore.docs_of_claims(conn, sorted(wanted))
                                              .values()))
    missing = sorted({r.doc_id for r, _ in rows} - set(docs))
    docs = {**docs, **matchstore.document_origins(conn, missing)} if missing else docs
    voiced = [r for r, authorial in rows if not authorial and r.rule not in UNSOURCED_RULES]
    keys = {r.id: _key(r, docs) for r in voiced}
    groups = relay_roots({r.id: r.relayed_by for r in voiced})  # relay trees, per document
    voices: dict[str, set[str]] = defaultdict(set)  # relay tree -> the voices in it
    for cid, k in keys.items():
        if k:
            voices[groups[cid]].add(k)
    found: dict[str, set[str]] = {}
    for c in sorted(wanted):
        for d in pairs[c]:
            kc, kd = keys.get(c), keys.get(d)
            if not kc or not kd or kc == kd or c not in groups or d not in groups:
                continue
            if voices[groups[c]] & voices[groups[d]]:
                continue
            found.setdefault(c, set()).add(d)
    return found, keys




def corroboration(db: sqlite_utils.Database, cs: Sequence[Claim]) -> dict[str, Corroboration]:
    """claim id -> the stored cross-document figures for each of `cs`: its cluster
    facts, the independent voices of its own document (stored pairs) and the claims
    that contradict it. Lookups by id only: the cost is that of `cs`, not the corpus."""
    conn = db.conn
    ids = [c.id for c in cs]
    docs = matchstore.document_origins(conn, sorted({c.doc_id for c in cs}))
    keys = {c.id: _key(_row(c), docs) for c in cs}
    within, within_keys = within_document(db, ids, docs)
    partners = {d for found in within.values() for d in found}
    facts = matchstore.cluster_facts(conn, sorted(set(ids) | partners))
    # who says otherwise: the contradicting claims, and their clusters' origins
    against_ids = sorted({x for c in cs if (f := facts.get(c.id)) for x in f.contradicted_by})
    rows = {r.id: r for r in matchstore.claims_by_id(conn, against_ids)}
    against_facts = matchstore.cluster_facts(conn, against_ids)
    out: dict[str, Corroboration] = {}
    for c in cs:
        f = facts.get(c.id)
        origins = set(f.origins) if f is not None else set()
        if f is None and keys[c.id]:
            origins.add(keys[c.id])  # type: ignore[arg-type]
        added: set[str] = set()
        for d in sorted(within.get(c.id, ())):
            for k in (within_keys[d], *(facts[d].origins if d in facts else ())):
                if k and k not in origins:
                    added.add(k)
        against = []
        for x in f.contradicted_by if f is not None else ():
            r = rows.get(x)
            if r is None:
                continue
            af = against_facts.get(x)
            # the author's own statement speaks for its document's origin ("outlet:...")
            who = r.source_entity or r.source_text or (af.root if af is not None else None) \
                or f"the author of document {r.doc_id}"
            against.append(Against(claim_id=x, doc_id=r.doc_id, source=who,
                                   origins=af.origins if af is not None else ()))
        own = f.root if f is not None else keys[c.id]
        out[c.id] = Corroboration(
            origins=tuple(sorted(origins | added)), within=tuple(sorted(added)),
            documents=f.documents if f is not None else 1, own=own,
            circular=f.circular if f is not None else None,
            contradicted_by=tuple(against), indexed=f is not None)
    return out


def _origins_text(co: Corroboration) -> str:
    n = len(co.origins)
    docs = f"{co.documents} document" + ("s" if co.documents != 1 else "")
    if n == 0:
        return f"carried by {docs}, no independent origin: its source cannot be followed"
    named = ", ".join(co.origins)
    within = f"; {len(co.within)} within its own document" if co.within else ""
    word = "origin" if n == 1 else "origins"
    return f"carried by {docs}, {n} independent {word} ({named}{within})"


def _may_be_single(c: Claim) -> bool:
    return not _is_authorial(c) and c.rule not in UNSOURCED_RULES


def with_corpus_flags(cs: Sequence[Claim], facts: dict[str, Corroboration]) -> list[Claim]:
    """Copies of `cs` with `single_source` and `circular_reporting` added where due,
    from `facts` (corroboration(db, cs))."""
    out = []
    for c in cs:
        co = facts.get(c.id) or Corroboration()
        extra = []
        if _may_be_single(c) and len(co.origins) < 2:
            detail = _origins_text(co)
            if not co.indexed:
                detail += "; not in the cross-document index yet: run `claimtrack rematch`"
            extra.append(make_flag("single_source", detail))
        if co.circular:
            extra.append(make_flag("circular_reporting", co.circular))
        if extra:
            c = c.model_copy(update={"flags": [*c.flags, *extra]})
        out.append(c)
    return out


def _graded(db: sqlite_utils.Database, cs: Sequence[Claim],
            facts: dict[str, Corroboration]) -> list[Claim]:
    """`cs` (corpus flags added) with their Admiralty grades. The grades log is read
    now, for these claims only: another origin's grade can change at any time."""
    if not cs:
        return []
    named = {cid: name for cid, (_, name) in source_entities(db, list(cs)).items()}
    return grade_claims(cs, facts, reliability(db), named)


def grade(db: sqlite_utils.Database, cs: Sequence[Claim]) -> list[Claim]:
    """Copies of `cs` with corpus flags and the Admiralty grade (credibility.py), from
    the stored index: nothing is compared across the corpus, and only `cs` is read."""
    facts = corroboration(db, cs)
    return _graded(db, with_corpus_flags(cs, facts), facts)


def read(db: sqlite_utils.Database, doc_id: str | None = None,
         author: bool = False) -> list[Claim]:
    """The stored claims (of one document, or all) in (document added, seq) order, as
    stored: static flags only, no grade. Every read says what it left out."""
    cs, skipped = readback.read_claims(db, doc_id=doc_id, author=author)
    for what, why in skipped:
        readback.skip(what, why)
    return cs


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
        page = list(itertools.islice(it, offset, want))
        facts = corroboration(db, page)
        return _graded(db, with_corpus_flags(page, facts), facts)
    picked: list[Claim] = []
    kept: dict[str, Corroboration] = {}
    while want is None or len(picked) < want:
        step = list(itertools.islice(it, _STEP))
        if not step:
            break
        facts = corroboration(db, step)
        for c in with_corpus_flags(step, facts):
            if keep(c):
                picked.append(c)
                kept[c.id] = facts[c.id]
    page = picked[offset:want]
    return _graded(db, page, kept)


def flagged_claims(db: sqlite_utils.Database, author: bool = False) -> list[Claim]:
    """Every claim of the database with static and corpus flags and its Admiralty
    grade (credibility.py), in load order. Costs the whole corpus: listings page
    through `claims` instead."""
    return grade(db, read(db, author=author))


# --- filters -------------------------------------------------------------------------


class _Matcher:
    """Claims by or about a name.

    Where a document names a *person* in full, the surname alone refers to
    them there ("Abdelhakim Belhadj ... Belhadj said"): for that document the
    surname matches too. Only persons: "Times" is not "the New York Times".
    """

    def __init__(self, db: sqlite_utils.Database, name: str, every: Sequence[Claim | _Light]):
        self.full = name_pattern(name)
        words = name.split()
        self.short: re.Pattern[str] | None = None
        self.docs: set[str] = set()
        if len(words) >= 2 and len(words[-1]) >= 3:
            self.short = name_pattern(words[-1])
            # the mentions that can hold the full name: a match holds its longest word
            rows = readback.person_mentions_like(db, _needle(name))
            self.docs = {d for d, text in rows if isinstance(text, str) and self.full.search(text)}
            self.docs |= {
                c.doc_id for c in every if c.source_entity and self.full.search(c.source_entity)
            }

    def _patterns(self, doc_id: str) -> list[re.Pattern[str]]:
        if self.short is not None and doc_id in self.docs:
            return [self.full, self.short]
        return [self.full]

    def _hit(self, doc_id: str, text: str | None) -> bool:
        if not text:
            return False
        return any(p.search(text) for p in self._patterns(doc_id))

    def by(self, c: Claim) -> bool:
        """The entity is the source: its resolved name, or the head of the source phrase."""
        if self._hit(c.doc_id, c.source_entity):
            return True
        if c.source is None:
            return False
        return any(_heads_with(p, c.source.text) for p in self._patterns(c.doc_id))

    def about(self, c: Claim) -> bool:
        """The content names the entity, or the source does without being it."""
        src = c.source.text if c.source else None
        return self._hit(c.doc_id, c.content.text) or self._hit(c.doc_id, src)


_PREPOSITIONS = frozenset({"for", "of", "to", "from", "with", "by", "at", "in", "on", "about"})
_CONJUNCTION = re.compile(r"\s+(?:and|&)\s+", re.I)


def _heads_with(pat: re.Pattern[str], source: str) -> bool:
    """Does a name end the source phrase (each conjunct, before any apposition)?

    "the pro-Russian commander Khalifa Haftar", "Haftar, the commander of ..."
    and "Reuters and Haftar" are Haftar; "a spokesman for Haftar", "Haftar's
    forces" and "the Belhadj episode in Libya" are not.
    """
    head = APPOSITION.split(source, maxsplit=1)[0]
    for part in _CONJUNCTION.split(head):
        part = part.strip().rstrip(".'\"\u2019\u201d")
        hits = list(pat.finditer(part))
        if not hits or hits[-1].end() != len(part):
            continue
        before = part[: hits[-1].start()].split()
        if not before or before[-1].casefold() not in _PREPOSITIONS:
            return True
    return False


@dataclass(frozen=True)
class _Text:
    text: str
    start: int = 0
    end: int = 0


class _Light:
    """The columns of a claim that decide whether it is by or about a name (what
    _Matcher and entities.EntityMatcher read), without building the whole Claim."""

    __slots__ = ("id", "doc_id", "source_entity", "source", "content")

    def __init__(self, cid: str, doc_id: str, source_entity: str | None,
                 source_text: str | None, content_text: str, start: int, end: int):
        self.id, self.doc_id, self.source_entity = cid, doc_id, source_entity
        self.source = _Text(source_text) if source_text is not None else None
        self.content = _Text(content_text or "", start, end)


_NAME_PARTS = re.compile(r"[\s\-\u2010-\u2014]+")


def _needle(name: str) -> str | None:
    """A word every text that name_pattern(name) matches holds (its longest part),
    for SQL's LIKE; None when it is not ASCII (LIKE folds only ASCII case)."""
    parts = [p for p in _NAME_PARTS.split(name.strip()) if p]
    if not parts:
        return None
    best = max(parts, key=len)
    return best.casefold() if best.isascii() else None


def _needles(names: Iterable[str]) -> list[str] | None:
    """Few words such that every text matching one of `names` (name_pattern) holds
    one of them: a text matching a name holds each of its parts, so one part per
    name will do, and a part shared by several names ("Clinton") covers them all.
    None when some name has no ASCII part (LIKE folds only ASCII case)."""
    todo = []
    for name in names:
        parts = {p.casefold() for p in _NAME_PARTS.split(name.strip()) if p and p.isascii()}
        if not parts:
            return None
        todo.append(parts)
    chosen: list[str] = []
    while todo:
        counts: dict[str, int] = defaultdict(int)
        for parts in todo:
            for p in parts:
                counts[p] += 1
        word = max(sorted(counts), key=lambda p: (counts[p], len(p)))
        chosen.append(word)
        todo = [parts for parts in todo if word not in parts]
    return sorted(chosen)


def entity_selection(
    db: sqlite_utils.Database, name: str, doc_id: str | None = None, author: bool = False
) -> tuple[Callable[[], EntityMatcher], list[tuple[str, str, str]]]:
    """(the entity matcher, built when called, [(claim id, doc id, "by" | "about")] in
    listing order) of
    the claims by or about `name`, as `claims --entity`, `show`, `timeline --entity`
    and `report --entity` select them.

    Only claims that can match are read, and only their few columns: those whose
    texts hold a word of the name or of a name of its entities (the patterns' longest
    parts, found by SQL), those the entities' nodes hold, and those of documents
    where the author identifies the entity. Whole claims are read later, only for
    what a read shows."""
    name_pattern(name)  # reject an empty name before the work

    built: list[EntityMatcher] = []

    def matcher() -> EntityMatcher:
        """The entity matcher, built once, only when a read needs it."""
        if not built:
            built.append(EntityMatcher(db, name))
        return built[0]

    def select() -> list[tuple[str, str, str]]:
        g = matcher()
        words = name.split()
        texts = [name, *g.names()]
        if len(words) >= 2 and len(words[-1]) >= 3:
            texts.append(words[-1])  # _Matcher's surname
        wanted = _needles(t for t in texts if t.strip())
        rows = readback.entity_candidates(db, wanted, g.claim_ids(), g.identified_docs(),
                                          doc_id=doc_id, author=author)
        light = [_Light(*r) for r in rows]
        m = _Matcher(db, name, light)
        out = []
        for c in light:
            if m.by(c) or g.by(c):  # type: ignore[arg-type]
                out.append((c.id, c.doc_id, "by"))
            elif m.about(c) or g.about(c):  # type: ignore[arg-type]
                out.append((c.id, c.doc_id, "about"))
        return out

    # stored as the listings are (migration 8): dropped by any write they read from
    key = f"entity selection {int(author)} {doc_id or ''} {name}"
    return matcher, readback.stored_listing(db, key, select, _selected, _dumped, None, 0)


def _selected(row: str) -> tuple[str, str, str]:
    cid, doc_id, role = json.loads(row)
    return cid, doc_id, role


def _dumped(row: tuple[str, str, str]) -> str:
    return json.dumps(row, ensure_ascii=False)


def no_entity(name: str, doc_id: str | None = None) -> NotFoundError:
    """The one error `claims`, `show` and `report` give for a name nothing answers to.
    The name is matched as literal words (name_pattern), so '%' or '_' are no wildcards."""
    where = f" in document {doc_id}" if doc_id else ""
    return NotFoundError(
        f"no claim by or about '{name}'{where} — run `claimtrack claims` to see who is quoted"
    )


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
    flag = RENAMED_FLAGS.get(flag, flag) if flag is not None else None
    if flag is not None and flag not in FLAGS:
        raise NotFoundError(f"unknown flag '{flag}': choose one of {', '.join(FLAGS)}")
    if kind is not None and kind not in KINDS:
        raise NotFoundError(f"unknown kind '{kind}': choose one of {', '.join(KINDS)}")
    doc_id = store.get_document(db, doc).id if doc is not None else None
    if entity is not None:
        name_pattern(entity)  # reject an empty name before the work
    if cue_class is not None and cue_class not in ("speech", "other"):
        raise NotFoundError(f"unknown cue class '{cue_class}': choose speech or other")
    out: Iterable[Claim]
    if entity is not None:
        _, chosen = entity_selection(db, entity, doc_id=doc_id, author=author)
        if not chosen:  # a name nothing answers to is an error, as in `show` and `--doc`
            raise no_entity(entity, doc_id)
        out = _read_ids(db, [cid for cid, _, _ in chosen], author)
    elif doc_id is not None or limit is None:
        out = read(db, doc_id=doc_id, author=author)
    else:  # a page: read document by document, as far as the page needs
        out = _stream(db, author)
    if kind is not None:
        out = (c for c in out if c.kind == kind)
    if cue_class is not None:
        out = (c for c in out if c.cue_class == cue_class)
    keep: Callable[[Claim], bool] | None = None
    if flag == "circular_reporting":  # stored on the clusters row: no need to look further
        circular = matchstore.circular_ids(db.conn)
        out = (c for c in out if c.id in circular)
    elif flag == "single_source":
        out = (c for c in out if _may_be_single(c))
        keep = _has(flag)
    elif flag is not None:  # a static flag: stored with the claim
        out = (c for c in out if any(f.code == flag for f in c.flags))
    if flagged:
        keep = _has(flag) if flag is not None else _has_any
    return _select(db, out, keep, limit, offset)


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
    wanted = set(ids)
    for doc_id in dict.fromkeys(cid.rsplit(":", 1)[0] for cid in ids):
        yield from (c for c in read(db, doc_id=doc_id, author=author) if c.id in wanted)


def _stream(db: sqlite_utils.Database, author: bool) -> Iterator[Claim]:
    """Every claim in listing order, read one document at a time."""
    for doc_id in store.document_ids(db):
        yield from read(db, doc_id=doc_id, author=author)


def _has(code: str) -> Callable[[Claim], bool]:
    return lambda c: any(f.code == code for f in c.flags)


def _has_any(c: Claim) -> bool:
    return bool(c.flags)


def entity_view(db: sqlite_utils.Database, name: str, author: bool = False,
                limit: int | None = None, offset: int = 0) -> EntityView:
    """Per document, the claims made by `name` and the claims about it, with chains
    (the author's own statements in the body only with `author`). Rows are claims in
    the order shown (documents in listing order, each its claims by, then about);
    `limit`/`offset` page them. Only the page is read whole, flagged and graded."""
    matcher, chosen = entity_selection(db, name, author=author)
    if not chosen:
        raise no_entity(name)
    # the entity's record and identifications, stored like the selection: the graph
    # of a frequent name is thousands of nodes, read only when they are not
    g = readback.stored_listing(db, f"entity notes {name}", lambda: [matcher().notes()],
                                EntityNotes.load, EntityNotes.dump, None, 0)[0]
    rows: dict[str, tuple[list[str], list[str]]] = {}
    for cid, doc_id, role in chosen:
        rows.setdefault(doc_id, ([], []))[0 if role == "by" else 1].append(cid)
    ordered = [(doc_id, cid, role) for doc_id, (by, about) in rows.items()
               for role, ids in (("by", by), ("about", about)) for cid in ids]
    page = ordered[offset: None if limit is None else offset + limit]
    by_doc = {doc_id: {c.id: c for c in read(db, doc_id=doc_id, author=author)}
              for doc_id in dict.fromkeys(d for d, _, _ in page)}
    shown = [by_doc[d][cid] for d, cid, _ in page if cid in by_doc[d]]
    graded = {c.id: c for c in grade(db, shown)}
    documents = []
    for doc_id, claims in by_doc.items():
        d = store.get_document(db, doc_id)
        lists: dict[str, list[EntityClaim]] = {"by": [], "about": []}
        for pd, cid, role in page:
            if pd != doc_id or cid not in graded:
                continue
            # chains read the static hops of the document's claims, graded or not
            c = claims[cid]
            lists[role].append(EntityClaim(claim=graded[cid], chain=chain_of(c, claims),
                                           via=g.via(c)))
        if lists["by"] or lists["about"]:
            documents.append(EntityDocument(id=d.id, title=d.title, origin=d.origin,
                                            by=lists["by"], about=lists["about"]))
    return EntityView(name=name, documents=documents, entity=g.entity,
                      total_claims=len(ordered), total_documents=len(rows), offset=offset)
