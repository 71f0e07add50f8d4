"""Corpus flags and grades of the claims a read returns, from the stored cross-document index.

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

from collections import defaultdict
from collections.abc import Mapping, Sequence

import sqlite_utils

from claimtrack.credibility import Against, Corroboration, grade_claims
from claimtrack.extractor_names import UNSOURCED_RULES
from claimtrack.flags import make_flag
from claimtrack.grades import reliability
from claimtrack.models import CORROBORATING_ORIGINS, Claim
from claimtrack.provenance import relay_roots
from claimtrack.sourceentities import source_entities
from claimtrack.store import matchstore


def _is_authorial(c: Claim) -> bool:
    return c.source is None and c.cue is None


def _key(row: matchstore.ClaimRow, docs: dict[str, tuple[str, str | None]]) -> str | None:
    """The origin key a claim's own source names, keyed as the stored index keys it
    (corpus/update.py, corpus/origins.py), so the two can be joined."""
    # imported here, as api.py imports corpus.update: the write-time index code costs
    # every command ~50 ms of start-up, and only reads that flag claims need it (no cycle:
    # the import contracts count this import like any other)
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


# the flags with_corpus_flags adds at read time: never stored with the claim, which
# stores its static flags only (queries.py looks a static flag up in SQL)
CORPUS_FLAGS = frozenset({"single_source", "circular_reporting"})


def may_be_single(c: Claim) -> bool:
    return not _is_authorial(c) and c.rule not in UNSOURCED_RULES


def with_corpus_flags(cs: Sequence[Claim], facts: dict[str, Corroboration]) -> list[Claim]:
    """Copies of `cs` with `single_source` and `circular_reporting` added where due,
    from `facts` (corroboration(db, cs))."""
    out = []
    for c in cs:
        co = facts.get(c.id) or Corroboration()
        extra = []
        if may_be_single(c) and len(co.origins) < CORROBORATING_ORIGINS:
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


def graded(db: sqlite_utils.Database, cs: Sequence[Claim], facts: dict[str, Corroboration],
           entities: Mapping[str, tuple[str, str]] | None = None) -> list[Claim]:
    """`cs` (corpus flags added) with their Admiralty grades. The grades log is read
    now, for these claims only: another origin's grade can change at any time.
    `entities`: source_entities(db, cs), where the caller has it already."""
    if not cs:
        return []
    found = source_entities(db, list(cs)) if entities is None else entities
    named = {cid: name for cid, (_, name) in found.items()}
    return grade_claims(cs, facts, reliability(db), named)


def grade(db: sqlite_utils.Database, cs: Sequence[Claim],
          entities: Mapping[str, tuple[str, str]] | None = None) -> list[Claim]:
    """Copies of `cs` with corpus flags and the Admiralty grade (credibility.py), from
    the stored index: nothing is compared across the corpus, and only `cs` is read."""
    facts = corroboration(db, cs)
    return graded(db, with_corpus_flags(cs, facts), facts, entities)
