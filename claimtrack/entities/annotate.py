"""The report's entity notes: the author's identifications inside quotes, and headline vs body."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import sqlite_utils

from claimtrack.aliases import alias_in, describe
from claimtrack.entities.graph import EntityGraph
from claimtrack.entities.reads import build_for_claims
from claimtrack.models import Alias, Claim, HeadlineMismatch, Report
from claimtrack.store import documents as store
from claimtrack.store import readback
from claimtrack.text.names import canonical_name

# entity types a headline's source must have for the headline-vs-body note
NAMED_TYPES = frozenset({"person", "organization", "outlet"})
LEDE_CLAIMS = 3  # the body's first attributed claims, where a headline's source is quoted


def author_notes(claim: Claim, aliases: Sequence[Alias]) -> list[str]:
    """The author's identifications inside a claim's content, stated as the author's:
    "author identifies Abu Abdullah Sadik as Abdelhakim Belhadj (not <source>'s words)"."""
    out = []
    for al in aliases:
        if alias_in(claim, al):
            note = describe(al)
            if claim.source is not None and al.asserted_by == "author":
                who = claim.source_entity or claim.source.text
                note += f" (an insertion: not the words of {who})"
            if note not in out:  # "Darnah [Derna] ... Darnah [Derna]": said once
                out.append(note)
    return out


def _role_of(c: Claim) -> str | None:
    """The apposition a source phrase gives its speaker: "X, the spokesperson of Y"."""
    if c.source is None:
        return None
    head, sep, rest = c.source.text.partition(",")
    role = canonical_name(rest) if sep else ""
    if role and head.strip() and not any(ch.isdigit() for ch in role):
        return role.rstrip(".")
    info = c.source_info
    return (info.interested_party or None) if info else None


def headline_mismatch(
    graph: EntityGraph, claims: Sequence[Claim], text: str
) -> HeadlineMismatch | None:
    """When the title line credits a source that resolves to another entity than the
    body's main speaker(s) (most claims of their own), say so; else None."""
    title_end = text.find("\n")
    title_end = len(text) if title_end == -1 else title_end
    head = [c for c in claims if c.source is not None and c.source.start < title_end]
    body = [c for c in claims if c.source is not None and c.source.start >= title_end]
    if not head or not body:
        return None
    relays = {c.relayed_by for c in body if c.relayed_by}
    counts: Counter[int] = Counter()
    for c in body:
        i = graph.entity_of_claim(c.id)
        if i is not None and c.id not in relays:  # original speakers, not those relaying
            counts[i] += 1
    if not counts:
        return None
    top = max(counts.values())
    main = sorted((i for i, n in counts.items() if n == top), key=lambda i: graph.records[i].name)
    h = head[0]
    assert h.source is not None
    h_idx = graph.entity_of_claim(h.id)
    # the headline credits someone named ("Pro-Russian Commander" -> Khalifa Haftar): not a
    # pronoun, a descriptor ("Report:") or a label the tagger took for one ("The Latest:")
    if (
        h_idx is None
        or graph.records[h_idx].type not in NAMED_TYPES
        or not any(n.labels for n in graph.groups[h_idx])  # never tagged as a name anywhere
    ):
        return None
    if top < 2 or counts[h_idx] * 2 >= top:  # no main speaker, or the headline's is one
        return None
    # a lede that quotes the headline's source first ("Obama says ..." / "Obama on
    # Tuesday accused ...") follows its headline, whoever speaks most after
    lede = [graph.entity_of_claim(c.id) for c in sorted(body, key=lambda c: c.content.start)
            if c.id not in relays][:LEDE_CLAIMS]
    if any(i is not None and graph.same_person(h_idx, i) for i in lede):
        return None
    main = [i for i in main if not graph.records[i].anonymous][:3]
    if not main or any(graph.same_person(h_idx, i) for i in main):
        return None
    h_entity = graph.records[h_idx].name if h_idx is not None else h.source_entity
    by_id = {c.id: c for c in claims}
    speakers, via = [], []
    for i in main:
        own = [c for c in body if graph.entity_of_claim(c.id) == i]
        role = next((r for c in own if (r := _role_of(c))), None)
        name = graph.records[i].name
        speakers.append(f"{name}, {role}" if role and role.casefold() != name.casefold() else name)
        for c in own:
            relay = by_id.get(c.relayed_by or "")
            if relay is not None and relay.source is not None:
                j = graph.entity_of_claim(relay.id)
                who = graph.records[j].name if j is not None else relay.source.text
                if who not in via:
                    via.append(who)
    credited = h.source.text.strip()
    if h_entity and h_entity.casefold() != credited.casefold():
        credited += f" ({h_entity})"
    note = f"headline attributes this to {credited}; the body quotes {' and '.join(speakers)}"
    if via:
        note += f"{',' if ',' in speakers[-1] else ''} via {' and '.join(via)}"
    return HeadlineMismatch(headline_source=h.source.text, headline_entity=h_entity,
                            body_speakers=speakers, via=via, note=note)


def annotate_report(db: sqlite_utils.Database, report: Report) -> Report:
    """Add the entity graph's notes to a built report: the author's identifications
    inside quotes, and the headline-vs-body mismatch of each document."""
    # the entities of the sources of the report's documents, whole: all the notes read
    # (entity_of_claim, their records and names; the documents' own identifications)
    claims_of = {rd.document.id: readback.load_claims(db, rd.document.id)
                 for rd in report.documents}
    graph = build_for_claims(db, [c for cs in claims_of.values() for c in cs])
    for rd in report.documents:
        doc_id = rd.document.id
        aliases = graph.aliases.get(doc_id, [])
        for rc in rd.claims:
            rc.notes = author_notes(rc.claim, aliases)
        claims = claims_of[doc_id]
        rd.headline_vs_body = headline_mismatch(graph, claims, store.get_text(db, doc_id))
    return report
