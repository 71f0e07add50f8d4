"""The report's entity notes: the author's identifications inside quotes, and headline vs body."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlite_utils

from claimtrack.aliases import alias_in, describe
from claimtrack.entities.facts import contains
from claimtrack.entities.graph import LABEL_TYPE, EntityGraph
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


# an entity as a headline note holds it: the graph's group index, or a stored component
EntityRef = int | str


class _GraphEntities:
    """What the headline note reads of an entity, from a built entity graph."""

    def __init__(self, graph: EntityGraph):
        self.graph = graph

    def of_claim(self, claim_id: str) -> EntityRef | None:
        return self.graph.entity_of_claim(claim_id)

    def name(self, e: EntityRef) -> str:
        return self.graph.records[_index(e)].name

    def type(self, e: EntityRef) -> str:
        return self.graph.records[_index(e)].type

    def anonymous(self, e: EntityRef) -> bool:
        return self.graph.records[_index(e)].anonymous

    def tagged(self, e: EntityRef) -> bool:
        return any(n.labels for n in self.graph.groups[_index(e)])

    def same_person(self, a: EntityRef, b: EntityRef) -> bool:
        return self.graph.same_person(_index(a), _index(b))


def _index(e: EntityRef) -> int:
    assert isinstance(e, int), e
    return e


@dataclass
class _Profile:
    type: str
    anonymous: bool
    tagged: bool
    keys: set[str] = field(default_factory=set)  # the names' keys of its named nodes


class _StoredEntities:
    """The same reads from the stored entity components (readback.components_usable),
    each read when the note first asks for it, for that entity alone: a few fields of
    the nodes of its component, never the entities built. A frequent name's component
    grows with the corpus, and most documents need none of it (no headline source, or
    no main speaker); building the entities whole, report --entity took 2.2x as long at
    1,000 documents as at 250."""

    def __init__(self, db: sqlite_utils.Database, comp_of: dict[str, str]):
        self.db = db
        self.comp_of = comp_of
        self.names: dict[str, str] = {}
        self.profiles: dict[str, _Profile] = {}

    @classmethod
    def read(cls, db: sqlite_utils.Database, claims: Sequence[Claim]) -> _StoredEntities | None:
        if not readback.components_usable(db):
            return None
        comp_of = readback.claim_components(db, claims)
        return None if comp_of is None else cls(db, comp_of)

    def of_claim(self, claim_id: str) -> EntityRef | None:
        return self.comp_of.get(claim_id)

    def name(self, e: EntityRef) -> str:
        comp = str(e)
        if comp not in self.names:
            self.names.update(readback.component_best_names(self.db, {comp}))
        return self.names[comp]

    def _profile(self, e: EntityRef) -> _Profile:
        comp = str(e)
        if comp not in self.profiles:
            self.profiles[comp] = _profile(readback.component_profiles(self.db, {comp})[comp])
        return self.profiles[comp]

    def type(self, e: EntityRef) -> str:
        return self._profile(e).type

    def anonymous(self, e: EntityRef) -> bool:
        return self._profile(e).anonymous

    def tagged(self, e: EntityRef) -> bool:
        return self._profile(e).tagged

    def same_person(self, a: EntityRef, b: EntityRef) -> bool:
        if a == b:
            return True
        ka = {tuple(k.split()) for k in self._profile(a).keys}
        kb = {tuple(k.split()) for k in self._profile(b).keys}
        return any(x == y or contains(x, y) or contains(y, x) for x in ka for y in kb)


def _profile(rows: list[tuple]) -> _Profile:
    """An entity's type, anonymity and keys as EntityGraph._record and same_person
    read them, from its nodes' stored fields. Ties in the type go, as Counter's
    most_common breaks them there, to the type met first in the graph's node order
    (entities/reads._order: claims by when their document was added)."""
    order = sorted(rows, key=lambda r: (1, r[1], r[0], r[3]) if r[2] == 1 else (r[2], r[0], r[3]))
    types: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    for row in order:
        types.update(dict(json.loads(row[7] or "[]")))
        labels.update(dict(json.loads(row[6] or "[]")))
    if types:
        etype = types.most_common(1)[0][0]
    else:
        top = labels.most_common(1)[0][0] if labels else ""
        etype = LABEL_TYPE.get(top, "unknown")
    return _Profile(type=etype, anonymous=all(r[4] for r in rows),
                    tagged=any(json.loads(r[6] or "[]") for r in rows),
                    keys={r[5] for r in rows if not r[4]})


def headline_mismatch(
    graph: EntityGraph | _GraphEntities | _StoredEntities, claims: Sequence[Claim], text: str
) -> HeadlineMismatch | None:
    """When the title line credits a source that resolves to another entity than the
    body's main speaker(s) (most claims of their own), say so; else None. `graph`:
    the entity graph, or the stored components read as one (_StoredEntities)."""
    who = _GraphEntities(graph) if isinstance(graph, EntityGraph) else graph
    title_end = text.find("\n")
    title_end = len(text) if title_end == -1 else title_end
    head = [c for c in claims if c.source is not None and c.source.start < title_end]
    body = [c for c in claims if c.source is not None and c.source.start >= title_end]
    if not head or not body:
        return None
    relays = {c.relayed_by for c in body if c.relayed_by}
    counts: Counter[EntityRef] = Counter()
    for c in body:
        i = who.of_claim(c.id)
        if i is not None and c.id not in relays:  # original speakers, not those relaying
            counts[i] += 1
    if not counts:
        return None
    top = max(counts.values())
    main = sorted((i for i, n in counts.items() if n == top), key=lambda i: who.name(i))
    h = head[0]
    assert h.source is not None
    h_idx = who.of_claim(h.id)
    # the headline credits someone named ("Pro-Russian Commander" -> Khalifa Haftar): not a
    # pronoun, a descriptor ("Report:") or a label the tagger took for one ("The Latest:")
    if (
        h_idx is None
        or who.type(h_idx) not in NAMED_TYPES
        or not who.tagged(h_idx)  # never tagged as a name anywhere
    ):
        return None
    if top < 2 or counts[h_idx] * 2 >= top:  # no main speaker, or the headline's is one
        return None
    # a lede that quotes the headline's source first ("Obama says ..." / "Obama on
    # Tuesday accused ...") follows its headline, whoever speaks most after
    lede = [who.of_claim(c.id) for c in sorted(body, key=lambda c: c.content.start)
            if c.id not in relays][:LEDE_CLAIMS]
    if any(i is not None and who.same_person(h_idx, i) for i in lede):
        return None
    main = [i for i in main if not who.anonymous(i)][:3]
    if not main or any(who.same_person(h_idx, i) for i in main):
        return None
    h_entity = who.name(h_idx) if h_idx is not None else h.source_entity
    by_id = {c.id: c for c in claims}
    speakers, via = [], []
    for i in main:
        own = [c for c in body if who.of_claim(c.id) == i]
        role = next((r for c in own if (r := _role_of(c))), None)
        name = who.name(i)
        speakers.append(f"{name}, {role}" if role and role.casefold() != name.casefold() else name)
        for c in own:
            relay = by_id.get(c.relayed_by or "")
            if relay is not None and relay.source is not None:
                j = who.of_claim(relay.id)
                via_who = who.name(j) if j is not None else relay.source.text
                if via_who not in via:
                    via.append(via_who)
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
    everyone = [c for cs in claims_of.values() for c in cs]
    # the stored components where they stand for the entities (no user decision):
    # what the notes read of them, never the entities built whole
    who: EntityGraph | _StoredEntities | None = _StoredEntities.read(db, everyone)
    if who is None:
        graph = build_for_claims(db, everyone)
        who, aliases_of = graph, graph.aliases
    else:
        aliases_of = _document_aliases(db, list(claims_of))
    for rd in report.documents:
        doc_id = rd.document.id
        aliases = aliases_of.get(doc_id, [])
        for rc in rd.claims:
            rc.notes = author_notes(rc.claim, aliases)
        claims = claims_of[doc_id]
        rd.headline_vs_body = headline_mismatch(who, claims, store.get_text(db, doc_id))
    return report


def _document_aliases(db: sqlite_utils.Database, doc_ids: list[str]) -> dict[str, list[Alias]]:
    """Each document's own identifications, as the entity graph holds them (its stored
    facts' aliases)."""
    out: dict[str, list[Alias]] = {}
    for doc_id, _, edges in readback.entity_edges(db, doc_ids):
        found = [Alias(**a) for a in json.loads(edges)["aliases"]]
        if found:
            out[doc_id] = found
    return out
