"""Claims with filters and corpus-level flags; everything said by or about an entity.

`single_source` depends on the whole database, so it is computed here at
query time (never stored): adding a document that carries the same claim
clears it. A claim is single-sourced unless
  * a claim in another document has content_similarity >= SAME_CLAIM, or
  * a claim in the same document carries it from an independent source:
    a stated source in another relay tree with no voice in common ("X said
    ..., according to O" and "Y said ..., according to O" both rest on O;
    "the recent reports" later on are the reports cited earlier), and not
    found inside the same stretch of text (a nested attribution).
Claims the author states with no source at all are not flagged: they carry
`no_source` already, and a second flag would say the same thing louder.
A content of fewer than MIN_CLAIM_TOKENS content words ("it", "Clinton")
is a name or a pronoun, not a claim: it matches nothing, so stays flagged.
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict

import sqlite_utils

from claimtrack import readback, store
from claimtrack.errors import NotFoundError
from claimtrack.flags import FLAGS, make_flag
from claimtrack.models import Chain, Claim, Entity, Record
from claimtrack.provenance import chain_of
from claimtrack.similarity import (
    MIN_CLAIM_TOKENS,
    SAME_CLAIM,
    similar_pairs,
    source_key,
    tokens,
)

KINDS = ("direct", "indirect", "mixed")
# codes of flag vocabulary v1 that v2 renamed: old scripts keep working
RENAMED_FLAGS = {"unnamed_source": "anonymous_source"}


class EntityClaim(Record):
    claim: Claim  # with static and corpus flags
    chain: Chain
    via: str | None = None  # the match rests on an author's identification (entities.py)


class EntityDocument(Record):
    id: str
    title: str | None
    origin: str
    by: list[EntityClaim]  # the entity is the source: resolved name, or heads the source phrase
    about: list[EntityClaim]  # the content names it, or the source does without being it


class EntityView(Record):
    name: str
    documents: list[EntityDocument]
    entity: Entity | None = None  # what the entity graph knows of the name (entities.py)


# --- corpus flags --------------------------------------------------------------------


def _relay_groups(cs: list[Claim]) -> dict[str, str]:
    """claim id -> id of the root of its relay tree (claims linked by relayed_by)."""
    parent = {c.id: c.relayed_by for c in cs}

    def root(cid: str) -> str:
        seen = {cid}
        while (p := parent.get(cid)) and p in parent and p not in seen:
            seen.add(p)
            cid = p
        return cid

    return {c.id: root(c.id) for c in cs}


def _is_authorial(c: Claim) -> bool:
    return c.source is None and c.cue is None


def _overlap(a: Claim, b: Claim) -> bool:
    return a.content.start < b.content.end and b.content.start < a.content.end


def corroborators(cs: list[Claim]) -> list[list[int]]:
    """For each claim of `cs` (all claims of the database), the indices of the claims
    that may corroborate it: the same claim (SAME_CLAIM) from another document, or
    from an independent voice of its own (module docstring)."""
    toks = [tokens(c.content.text) for c in cs]
    groups = _relay_groups(cs)
    keys = [source_key(c) for c in cs]
    voices: dict[str, set[str]] = defaultdict(set)  # relay tree -> the sources in it
    for c, k in zip(cs, keys, strict=True):
        if k:
            voices[groups[c.id]].add(k)

    def independent(c: Claim, d: Claim, key_d: str) -> bool:
        """May d corroborate c? Any other document may; in c's own, only another voice."""
        if c.doc_id != d.doc_id:
            return True
        return bool(key_d) and not (
            groups[c.id] == groups[d.id]  # one relay: "X said ..., according to O"
            or voices[groups[c.id]] & voices[groups[d.id]]  # a voice heard in both
            or _overlap(c, d)  # one stretch of text found twice (nested attribution)
        )

    found: list[list[int]] = [[] for _ in cs]
    for i, j, _ in similar_pairs(toks, SAME_CLAIM, MIN_CLAIM_TOKENS):
        if independent(cs[i], cs[j], keys[j]):
            found[i].append(j)
        if independent(cs[j], cs[i], keys[i]):
            found[j].append(i)
    return found


# voices that cannot be told apart or traced: two "officials" may be one person
_UNNAMED_TYPES = frozenset({"anonymous", "vague_collective", "vague_reference"})
_UNNAMED_FLAGS = frozenset({"anonymous_source", "unnamed_source", "vague_source"})


def _origin(c: Claim) -> str | None:
    """The voice a claim is an origin for, as a key; None when it cannot count as a
    distinct origin (anonymous, vague, or a cue with no source)."""
    if _is_authorial(c):
        return f"the author of document {c.doc_id}"
    if c.source_info is not None and c.source_info.type in _UNNAMED_TYPES:
        return None
    if c.source_info is None and any(f.code in _UNNAMED_FLAGS for f in c.flags):
        return None
    return source_key(c) or None


def independent_origins(
    cs: list[Claim], found: list[list[int]] | None = None
) -> dict[str, list[str]]:
    """claim id -> its independent origins: the claim's own voice first, then every
    distinct named voice of a corroborating claim (corroborators) that does not merely
    relay another claim ("O" in "X said ..., according to O"). The same speaker quoted
    by two outlets is one origin."""
    found = corroborators(cs) if found is None else found
    relays = {c.relayed_by for c in cs if c.relayed_by}
    out: dict[str, list[str]] = {}
    for c, js in zip(cs, found, strict=True):
        own = _origin(c) or source_key(c) or f"unstated {c.id}"
        label = c.source_entity or (c.source.text if c.source else None)
        names = {own: label or ("(unstated)" if own.startswith("unstated") else own)}
        for j in js:
            d = cs[j]
            key = _origin(d)
            if key is None or key in names or d.id in relays:
                continue
            names[key] = d.source_entity or (d.source.text if d.source else key)
        out[c.id] = list(names.values())
    return out


def with_corpus_flags(cs: list[Claim], found: list[list[int]] | None = None) -> list[Claim]:
    """Copies of `cs` (all claims of the database) with `single_source` added where due.

    `found`: corroborators(cs), when the caller has it already."""
    found = corroborators(cs) if found is None else found
    docs = {c.doc_id for c in cs}
    corroborated = {i for i, js in enumerate(found) if js}

    others = len(docs) - 1
    detail = (
        f"none of the {others} other documents carries it"
        if others
        else "no other document in the database yet"
    )
    out = []
    for i, c in enumerate(cs):
        if not _is_authorial(c) and i not in corroborated:
            c = c.model_copy(update={"flags": [*c.flags, make_flag("single_source", detail)]})
        out.append(c)
    return out


# Corpus flags of a database state, per open database: the report asks for each
# document in turn, and recomputing over the whole corpus each time is quadratic.
_CACHE: weakref.WeakKeyDictionary[
    sqlite_utils.Database, tuple[tuple, list[Claim], list[tuple[str, str]]]
] = (
    weakref.WeakKeyDictionary()
)


def flagged_claims(db: sqlite_utils.Database, author: bool = False) -> list[Claim]:
    """Every claim of the database with static and corpus flags and its Admiralty
    grade (credibility.py), in load_claims order."""
    conn = db.conn
    # data_version moves when another connection commits; total_changes when this one writes.
    stamp = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    stamp = (*stamp, author)
    hit = _CACHE.get(db)
    if hit is None or hit[0] != stamp:
        from claimtrack.credibility import grade_claims
        from claimtrack.grades import reliability, source_entities

        cs, skipped = readback.read_claims(db, author=author)
        found = corroborators(cs)
        flagged = with_corpus_flags(cs, found)
        named = {cid: name for cid, (_, name) in source_entities(db, cs).items()}
        origins = independent_origins(cs, found)
        hit = (stamp, grade_claims(flagged, origins, reliability(db), named), skipped)
        _CACHE[db] = hit
    for what, why in hit[2]:  # every read says what it left out, cached or not
        readback.skip(what, why)
    return list(hit[1])


# --- filters -------------------------------------------------------------------------


def name_pattern(name: str) -> re.Pattern[str]:
    """Case-insensitive, whole-word match; spaces and hyphens in the name are interchangeable.

    "Belhadj" finds "Abdelhakim Belhadj" and "Belhadj's", not "Belhadjes";
    "Al Qaeda" finds "Al-Qaeda".
    """
    parts = [re.escape(p) for p in re.split(r"[\s\-\u2010-\u2014]+", name.strip()) if p]
    if not parts:
        raise NotFoundError("give a name to look for, e.g. --entity Belhadj")
    return re.compile(r"(?<!\w)" + r"[\s\-\u2010-\u2014]+".join(parts) + r"(?!\w)", re.I)


class _Matcher:
    """Claims by or about a name.

    Where a document names a *person* in full, the surname alone refers to
    them there ("Abdelhakim Belhadj ... Belhadj said"): for that document the
    surname matches too. Only persons: "Times" is not "the New York Times".
    """

    def __init__(self, db: sqlite_utils.Database, name: str, every: list[Claim]):
        self.full = name_pattern(name)
        words = name.split()
        self.short: re.Pattern[str] | None = None
        self.docs: set[str] = set()
        if len(words) >= 2 and len(words[-1]) >= 3:
            self.short = name_pattern(words[-1])
            rows = db.conn.execute("SELECT doc_id, text FROM mentions WHERE label = 'PERSON'")
            self.docs = {d for d, text in rows if isinstance(text, str) and self.full.search(text)}
            self.docs |= {
                c.doc_id for c in every if c.source_entity and self.full.search(c.source_entity)
            }

    def _patterns(self, doc_id: str) -> list[re.Pattern[str]]:
        if self.short is not None and doc_id in self.docs:
            return [self.full, self.short]
        return [self.full]

    def _hit(self, doc_id: str, text: str | None) -> bool:
        return bool(text) and any(p.search(text) for p in self._patterns(doc_id))

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
_APPOSITION = re.compile(r"[,(;:\u2013\u2014]| - ")
_CONJUNCTION = re.compile(r"\s+(?:and|&)\s+", re.I)


def _heads_with(pat: re.Pattern[str], source: str) -> bool:
    """Does a name end the source phrase (each conjunct, before any apposition)?

    "the pro-Russian commander Khalifa Haftar", "Haftar, the commander of ..."
    and "Reuters and Haftar" are Haftar; "a spokesman for Haftar", "Haftar's
    forces" and "the Belhadj episode in Libya" are not.
    """
    head = _APPOSITION.split(source, maxsplit=1)[0]
    for part in _CONJUNCTION.split(head):
        part = part.strip().rstrip(".'\"\u2019\u201d")
        hits = list(pat.finditer(part))
        if not hits or hits[-1].end() != len(part):
            continue
        before = part[: hits[-1].start()].split()
        if not before or before[-1].casefold() not in _PREPOSITIONS:
            return True
    return False


def entity_roles(db: sqlite_utils.Database, name: str, cs: list[Claim]) -> dict[str, str]:
    """claim id -> "by" or "about" for the claims of `cs` by or about `name`, as
    `claims --entity` and `show` select them (diff --entity, timeline --entity)."""
    name_pattern(name)  # reject an empty name before the work
    from claimtrack.entities import EntityMatcher

    m, g = _Matcher(db, name, cs), EntityMatcher(db, name)
    out = {}
    for c in cs:
        if m.by(c) or g.by(c):
            out[c.id] = "by"
        elif m.about(c) or g.about(c):
            out[c.id] = "about"
    return out


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
) -> list[Claim]:
    """Claims with static and corpus flags, in (document added, seq) order, filtered.
    The author's own statements in the body (rule "author") only with `author`.

    doc: a document reference (store.get_document); entity: claims by that
    source or whose content names it (NotFoundError when none is, as `show`);
    flag: claims carrying that flag code; kind: direct / indirect / mixed;
    cue_class: speech (said, reported, ...) or other (beliefs, plans, perceptions).
    """
    flag = RENAMED_FLAGS.get(flag, flag) if flag is not None else None
    if flag is not None and flag not in FLAGS:
        raise NotFoundError(f"unknown flag '{flag}': choose one of {', '.join(FLAGS)}")
    if kind is not None and kind not in KINDS:
        raise NotFoundError(f"unknown kind '{kind}': choose one of {', '.join(KINDS)}")
    doc_id = store.get_document(db, doc).id if doc is not None else None
    if entity is not None:
        name_pattern(entity)  # reject an empty name before the work
    out = flagged_claims(db, author)
    if doc_id is not None:
        out = [c for c in out if c.doc_id == doc_id]
    if entity is not None:
        from claimtrack.entities import EntityMatcher  # same graph as `show --entity`

        m, g = _Matcher(db, entity, out), EntityMatcher(db, entity)
        out = [c for c in out if m.by(c) or m.about(c) or g.by(c) or g.about(c)]
        if not out:  # a name nothing answers to is an error, as in `show` and `--doc`
            raise no_entity(entity, doc_id)
    if flag is not None:
        out = [c for c in out if any(f.code == flag for f in c.flags)]
    if kind is not None:
        out = [c for c in out if c.kind == kind]
    if cue_class is not None:
        if cue_class not in ("speech", "other"):
            raise NotFoundError(f"unknown cue class '{cue_class}': choose speech or other")
        out = [c for c in out if c.cue_class == cue_class]
    return out


def entity_view(db: sqlite_utils.Database, name: str, author: bool = False) -> EntityView:
    """Per document, the claims made by `name` and the claims about it, with chains
    (the author's own statements in the body only with `author`)."""
    name_pattern(name)  # reject an empty name before the work
    every = flagged_claims(db, author)
    m = _Matcher(db, name, every)
    from claimtrack.entities import EntityMatcher  # the entity graph: aliases, folds, merges

    g = EntityMatcher(db, name)
    by_doc: dict[str, dict[str, Claim]] = defaultdict(dict)
    for c in every:
        by_doc[c.doc_id][c.id] = c
    documents = []
    for d in store.list_documents(db):
        by: list[EntityClaim] = []
        about: list[EntityClaim] = []
        for c in by_doc[d.id].values():
            if m.by(c) or g.by(c):
                by.append(EntityClaim(claim=c, chain=chain_of(c, by_doc[d.id]), via=g.via(c)))
            elif m.about(c) or g.about(c):
                about.append(EntityClaim(claim=c, chain=chain_of(c, by_doc[d.id]), via=g.via(c)))
        if by or about:
            documents.append(
                EntityDocument(id=d.id, title=d.title, origin=d.origin, by=by, about=about)
            )
    if not documents:
        raise no_entity(name)
    return EntityView(name=name, documents=documents, entity=g.entity)
