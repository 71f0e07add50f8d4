"""Two accounts side by side: shared claims, what only one tells, who they lean on."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import sqlite_utils

from claimtrack import queries, readback, store
from claimtrack.models import Claim, Document, Mention, Record
from claimtrack.similarity import SAME_CLAIM, cue_key, match_claims, normalise_name, source_key

# Entity types worth comparing; dates and numbers would swamp the list.
_SKIP_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})


class SharedClaim(Record):
    a: Claim
    b: Claim
    similarity: float
    source_differs: bool
    cue_differs: bool
    differences: list[str]  # readable: "source: X vs Y", "cue: claim vs say"


class SharedEntity(Record):
    name: str  # the most frequent surface form over both documents
    label: str  # its most frequent NER label
    count_a: int
    count_b: int


class SourcingProfile(Record):
    """Each claim counts once in named/unnamed/vague/no_source; the rest overlap."""

    claims: int = 0
    named: int = 0
    unnamed: int = 0  # anonymous, faceless, or a cue with no stated source
    vague: int = 0
    no_source: int = 0  # the author's own assertions
    unresolved: int = 0  # cited source that cannot be followed
    relayed: int = 0  # claims that reach the reader through another source (hops)
    longest_chain: int = 0  # most sources between the reader and a claim
    single_source: int = 0


class Sourcing(Record):
    a: SourcingProfile
    b: SourcingProfile


class DiffResult(Record):
    a: Document
    b: Document
    threshold: float
    shared: list[SharedClaim]
    only_in_a: list[Claim]
    only_in_b: list[Claim]
    shared_entities: list[SharedEntity]
    sourcing: Sourcing  # side by side, so the contrast is visible


def _who(c: Claim) -> str:
    return c.source_label if c.source or c.cue else "(author)"


def _shared(a: Claim, b: Claim, similarity: float) -> SharedClaim:
    src = source_key(a) != source_key(b)
    cue = cue_key(a) != cue_key(b)
    diffs = []
    if src:
        diffs.append(f"source: {_who(a)} vs {_who(b)}")
    if cue:
        diffs.append(f"cue: {cue_key(a) or '-'} vs {cue_key(b) or '-'}")
    return SharedClaim(
        a=a, b=b, similarity=similarity, source_differs=src, cue_differs=cue, differences=diffs
    )


def _depth(c: Claim, by_id: dict[str, Claim]) -> int:
    """Sources the claim passes through on its way out: its own plus each relay."""
    if c.source is None and c.cue is None:
        return 0
    seen = {c.id}
    n = 1
    while c.relayed_by in by_id and c.relayed_by not in seen:
        c = by_id[c.relayed_by]
        seen.add(c.id)
        n += 1
    return n


def sourcing_profile(cs: Sequence[Claim]) -> SourcingProfile:
    p = SourcingProfile(claims=len(cs))
    by_id = {c.id: c for c in cs}
    for c in cs:
        codes = {f.code for f in c.flags}
        if "no_source" in codes or (c.source is None and c.cue is None):
            p.no_source += 1
        elif "anonymous_source" in codes or c.source is None:
            p.unnamed += 1
        elif "vague_source" in codes:
            p.vague += 1
        else:
            p.named += 1
        p.unresolved += "unresolved_reference" in codes
        p.single_source += "single_source" in codes
        p.relayed += c.relayed_by is not None
        p.longest_chain = max(p.longest_chain, _depth(c, by_id))
    return p


def shared_entities(ma: Sequence[Mention], mb: Sequence[Mention]) -> list[SharedEntity]:
    """NER mentions in both documents, spellings folded ('Al Qaeda' == 'Al-Qaeda')."""
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    counts: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
    for side, ms in enumerate((ma, mb)):
        for m in ms:
            key = normalise_name(m.text)
            if not key or m.label in _SKIP_LABELS:
                continue
            forms[key][m.text.strip()] += 1
            labels[key][m.label] += 1
            counts[side][key] += 1

    def top(c: Counter[str]) -> str:
        return min(c, key=lambda s: (-c[s], s))  # deterministic on ties

    out = [
        SharedEntity(
            name=top(forms[k]), label=top(labels[k]), count_a=counts[0][k], count_b=counts[1][k]
        )
        for k in counts[0].keys() & counts[1].keys()
    ]
    out.sort(key=lambda e: (-(e.count_a + e.count_b), e.name.casefold(), e.name))
    return out


def diff_claims(
    a: Document,
    claims_a: Sequence[Claim],
    mentions_a: Sequence[Mention],
    b: Document,
    claims_b: Sequence[Claim],
    mentions_b: Sequence[Mention],
    threshold: float = SAME_CLAIM,
) -> DiffResult:
    """The diff of two already-loaded documents (pure: no database)."""
    pairs = match_claims(claims_a, claims_b, threshold)
    in_a = {x.id for x, _, _ in pairs}
    in_b = {y.id for _, y, _ in pairs}
    return DiffResult(
        a=a,
        b=b,
        threshold=threshold,
        shared=[_shared(x, y, s) for x, y, s in pairs],
        only_in_a=[c for c in claims_a if c.id not in in_a],
        only_in_b=[c for c in claims_b if c.id not in in_b],
        shared_entities=shared_entities(mentions_a, mentions_b),
        sourcing=Sourcing(a=sourcing_profile(claims_a), b=sourcing_profile(claims_b)),
    )


def diff_documents(db: sqlite_utils.Database, a: str, b: str) -> DiffResult:
    """Compare documents `a` and `b` (any reference store.get_document accepts)."""
    doc_a, doc_b = store.get_document(db, a), store.get_document(db, b)
    every = queries.flagged_claims(db)  # corpus flags need the whole database
    return diff_claims(
        doc_a,
        [c for c in every if c.doc_id == doc_a.id],
        readback.load_mentions(db, doc_a.id).get(doc_a.id, []),
        doc_b,
        [c for c in every if c.doc_id == doc_b.id],
        readback.load_mentions(db, doc_b.id).get(doc_b.id, []),
    )
