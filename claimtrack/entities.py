"""Entities: who and what the stored texts refer to, computed at query time.

Nothing here is stored except the user's decisions: entities are rebuilt from
claims (source, resolved source_entity, source_info), NER mentions and the
author's inserted identifications (aliases), so they follow re-extraction.

1. Within a document each name is a node: "Belhadj" and "Abdelhakim Belhadj"
   are two nodes; a claim whose source the resolver named ("he" -> Abdelhakim
   Belhadj) counts for that name's node. A source that is a descriptor, not a
   name ("an unnamed US intelligence official"), is an anonymous node of its
   document only; bare pronouns nobody resolved are no one.
2. Edges, in this order of strength:
   - the user's merges (entity_decisions, replayed in order; the last decision
     about a pair wins);
   - folds within a document: a surname (or any part) of a person named in
     full there ("Belhadj" -> "Abdelhakim Belhadj", the most referred-to when
     several contain it);
   - the author's identifications ("Sadik [aka Abdelhakim Belhadj]"), which are
     the author's assertion and are reported as such;
   - across documents, only when safe: the same full name of >= 2 words, or the
     same one-word organisation/place name ("NATO", "Libya"). Never a one-word
     person name ("Clinton": which one?), never an anonymous descriptor ("an
     unnamed official" in two outlets are two people).
   A split A B forbids any edge that would put a name of A and a name of B in
   one entity.
3. An entity is a connected group; its name is the user's choice (merge A B
   names it A), else the name the author identifies others as, else the
   fullest, most referred-to name.
"""

from __future__ import annotations

import getpass
import os
import re
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

import sqlite_utils

from claimtrack import readback, store
from claimtrack.aliases import describe
from claimtrack.errors import NotFoundError
from claimtrack.models import Alias, Claim, Entity, HeadlineMismatch, Record
from claimtrack.text.names import HONORIFICS, canonical_name

if TYPE_CHECKING:
    from claimtrack.report import Report

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
# one-word names that may merge across documents: an organisation or a place
# is one thing by one name; a one-word person name is not safe
SAFE_SINGLE = frozenset({"ORG", "GPE", "LOC"})
LABEL_TYPE = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place",
              "FAC": "place"}
# sources that are only these words refer to someone the resolver did not find
PRONOUNS = frozenset(
    {"i", "me", "we", "us", "you", "he", "him", "she", "her", "it", "they", "them", "himself"}
    | {"herself", "itself", "themselves", "ourselves", "myself", "yourself", "this", "that"}
    | {"these", "those", "who", "whom", "which", "one"}
)
_SPLIT = re.compile(r"[\s\-\u2010-\u2014]+")

Action = Literal["merge", "split"]
# entity types a headline's source must have for the headline-vs-body note
NAMED_TYPES = frozenset({"person", "organization", "outlet"})
LEDE_CLAIMS = 3  # the body's first attributed claims, where a headline's source is quoted


def name_key(name: str) -> tuple[str, ...]:
    """A name as compared: canonical, case-folded, hyphens as spaces, no honorifics."""
    words = [w.casefold().strip(".") for w in _SPLIT.split(canonical_name(name))]
    return tuple(w for w in words if w and w not in HONORIFICS)


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    n = len(small)
    return 0 < n < len(big) and any(big[i : i + n] == small for i in range(len(big) - n + 1))


@dataclass
class _Node:
    doc_id: str
    key: tuple[str, ...]
    anonymous: bool
    surfaces: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    spans: set[tuple[int, int]] = field(default_factory=set)
    claims: set[str] = field(default_factory=set)
    alias_side: bool = False  # named by the author as another name's alias
    identified: bool = False  # the name an author identifies others as

    @property
    def id(self) -> tuple[str, bool, tuple[str, ...]]:
        return (self.doc_id, self.anonymous, self.key)

    @property
    def label(self) -> str | None:
        if self.labels["PERSON"]:
            return "PERSON"
        return self.labels.most_common(1)[0][0] if self.labels else None

    @property
    def surface(self) -> str:
        return min(self.surfaces, key=lambda s: (-self.surfaces[s], -len(s), s))

    @property
    def weight(self) -> int:
        return len(self.spans) + len(self.claims)


class Decision(Record):
    """One stored merge/split, as replayed."""

    id: int
    action: Action
    a: str
    b: str
    who: str
    at: str
    why: str | None = None


class DecisionResult(Record):
    """What `claimtrack entities merge/split` did (or, with --dry-run, would do)."""

    action: Action
    a: str
    b: str
    dry_run: bool
    written: bool
    changed: bool
    before: list[Entity]
    after: list[Entity]
    message: str


# --- building ------------------------------------------------------------------------


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _is_pronoun(text: str) -> bool:
    words = [w.casefold() for w in re.findall(r"[\w']+", text)]
    return bool(words) and all(w in PRONOUNS for w in words)


def _load_decisions(db: sqlite_utils.Database) -> list[Decision]:
    cur = db.conn.execute("SELECT id, action, a, b, who, at, why FROM entity_decisions ORDER BY id")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur]
    return readback.convert(rows, lambda r: Decision.model_validate(r, strict=True),
                            lambda r: f"entity decision {r['id']}")


class EntityGraph:
    """The entities of a database state. Build with `build(db)`."""

    def __init__(
        self,
        claims: Sequence[Claim],
        mentions: dict[str, list[tuple[int, int, str, str]]],
        aliases: dict[str, list[Alias]],
        decisions: Sequence[Decision] = (),
        doc_order: Sequence[str] = (),
    ):
        self.nodes: dict[tuple, _Node] = {}
        self.aliases = aliases
        self.claim_node: dict[str, tuple] = {}
        self.decisions = list(decisions)
        self.doc_order = {d: i for i, d in enumerate(doc_order)}
        for doc_id, ms in mentions.items():
            for start, end, text, label in ms:
                # "MR." alone is a name NER tagged with nothing left once the
                # honorific is dropped: no one to count it for
                if label in NAME_LABELS and (node := self._named(doc_id, text, label)):
                    node.spans.add((start, end))
        for c in claims:
            self._claim(c)
        edges: list[tuple[tuple, tuple, str]] = []
        for doc_id, found in aliases.items():
            for al in found:
                a = self._named(doc_id, al.alias, None, count=False)
                n = self._named(doc_id, al.name, None, count=False)
                if a is None or n is None or a.id == n.id:
                    continue
                a.alias_side = True
                n.identified = True
                edges.append((a.id, n.id, "author"))
        edges = self._folds() + edges + self._same_names()
        self._components(edges)

    # -- nodes
    def _named(
        self, doc_id: str, text: str, label: str | None, count: bool = True
    ) -> _Node | None:
        key = name_key(text)
        if not key:
            return None
        node = self.nodes.setdefault((doc_id, False, key), _Node(doc_id, key, False))
        if count or not node.surfaces:
            node.surfaces[canonical_name(text)] += 1
        if label:
            node.labels[label] += 1
        return node

    def _claim(self, c: Claim) -> None:
        if c.source is None:
            return
        info = c.source_info.type if c.source_info else None
        if c.source_entity:
            node = self._named(c.doc_id, c.source_entity, None)
        elif _is_pronoun(c.source.text) or info == "self":
            return
        else:
            descriptor = canonical_name(c.source.text)
            key = name_key(descriptor) or (descriptor.casefold(),)
            if (c.doc_id, False, key) in self.nodes:  # a name the resolver left as it was
                node = self.nodes[(c.doc_id, False, key)]
            else:
                node = self.nodes.setdefault((c.doc_id, True, key), _Node(c.doc_id, key, True))
            node.surfaces[descriptor] += 1
        if node is None:
            return
        node.claims.add(c.id)
        node.spans.add((c.source.start, c.source.end))
        if info and info != "unknown":
            node.types[info] += 1
        self.claim_node[c.id] = node.id

    # -- edges
    def _folds(self) -> list[tuple[tuple, tuple, str]]:
        """Within a document: a part of a person's full name is that person."""
        by_doc: dict[str, list[_Node]] = defaultdict(list)
        for n in self.nodes.values():
            if not n.anonymous:
                by_doc[n.doc_id].append(n)
        edges = []
        for nodes in by_doc.values():
            people = [n for n in nodes if n.label == "PERSON" or n.types["person"]]
            for small in nodes:
                if small.label not in (None, "PERSON", "ORG"):
                    continue
                bigger = [p for p in people if _contains(p.key, small.key)]
                if not bigger:
                    continue
                def rank(p: _Node) -> tuple[int, int]:
                    return (len(p.key), p.weight)

                best = max(bigger, key=rank)
                # "Clinton" with two Clintons named alike: leave it alone
                if [rank(p) for p in bigger].count(rank(best)) == 1:
                    edges.append((small.id, best.id, "fold"))
        return edges

    def _same_names(self) -> list[tuple[tuple, tuple, str]]:
        """Across documents, the same name where that is safe."""
        groups: dict[tuple[str, ...], list[_Node]] = defaultdict(list)
        for n in self.nodes.values():
            if not n.anonymous:
                groups[n.key].append(n)
        edges = []
        for key, nodes in groups.items():
            if len(key) < 2:
                nodes = [n for n in nodes if n.label in SAFE_SINGLE]
            for other in nodes[1:]:
                edges.append((nodes[0].id, other.id, "same name"))
        return edges

    def nodes_named(self, name: str) -> list[_Node]:
        key = name_key(name) or (canonical_name(name).casefold(),)
        return [n for n in self.nodes.values() if n.key == key]

    def _components(self, edges: list[tuple[tuple, tuple, str]]) -> None:
        state: dict[frozenset, Decision] = {}
        for d in self.decisions:
            ka, kb = name_key(d.a), name_key(d.b)
            if ka and kb and ka != kb:
                state[frozenset((ka, kb))] = d
        splits = [tuple(pair) for pair, d in state.items() if d.action == "split"]
        merges = sorted((d for d in state.values() if d.action == "merge"), key=lambda d: d.id)
        self.preferred: dict[tuple, int] = {}  # node id -> decision id that named it
        user_edges = []
        for d in merges:
            a_nodes, b_nodes = self.nodes_named(d.a), self.nodes_named(d.b)
            for n in a_nodes:
                self.preferred[n.id] = d.id
            for n in a_nodes[1:] + b_nodes:
                if a_nodes:
                    user_edges.append((a_nodes[0].id, n.id, "user"))
        uf = _UnionFind()
        keys: dict[tuple, set[tuple[str, ...]]] = {}
        for nid, n in self.nodes.items():
            uf.find(nid)
            keys[nid] = {n.key}
        self.edge_reasons: dict[frozenset, str] = {}
        for a, b, why in user_edges + edges:
            ra, rb = uf.find(a), uf.find(b)
            if ra == rb:
                continue
            ka, kb = keys[ra], keys[rb]
            if any((x in ka and y in kb) or (y in ka and x in kb) for x, y in splits):
                continue
            uf.union(ra, rb)
            keys[ra] = ka | kb
            self.edge_reasons[frozenset((a, b))] = why
        groups: dict[tuple, list[_Node]] = defaultdict(list)
        for nid, n in self.nodes.items():
            groups[uf.find(nid)].append(n)
        self.groups = list(groups.values())
        self.group_of: dict[tuple, int] = {}
        for i, g in enumerate(self.groups):
            for n in g:
                self.group_of[n.id] = i
        self.records = [self._record(g) for g in self.groups]

    # -- records
    def _best(self, group: list[_Node]) -> _Node:
        """The name to show: the user's, else the author's identification, else the most
        referred-to full name ("Donald Trump", not a headline's "Donald Trump Playing Dumb"
        nor the bare "Trump")."""
        weight: Counter[tuple[str, ...]] = Counter()
        for n in group:
            weight[n.key] += n.weight

        def rank(n: _Node):
            full = len(n.surface.split()) >= 2
            return (self.preferred.get(n.id, -1), not n.anonymous, not n.alias_side,
                    n.identified, full, weight[n.key], -len(n.key), n.surface)

        return max(group, key=rank)

    def _record(self, group: list[_Node], doc_id: str | None = None) -> Entity:
        best = self._best(group)
        nodes = [n for n in group if doc_id is None or n.doc_id == doc_id]
        name = best.surface
        seen = {name.casefold()}
        aliases = []
        for n in sorted(group, key=lambda n: (-n.weight, n.surface)):
            for s in n.surfaces:
                if s.casefold() not in seen:
                    seen.add(s.casefold())
                    aliases.append(s)
        types: Counter[str] = Counter()
        for n in group:
            types.update(n.types)
        if types:
            etype = types.most_common(1)[0][0]
        else:
            labels: Counter[str] = Counter()
            for n in group:
                labels.update(n.labels)
            top = labels.most_common(1)[0][0] if labels else ""
            etype = LABEL_TYPE.get(top, "unknown")
        by_author = sorted(
            {n.surface for n in group if n.alias_side and not n.spans and not n.claims}
            | {n.surface for n in group if n.alias_side and self._only_via_author(n)}
        )
        return Entity(
            name=name,
            type=etype,
            aliases=aliases,
            documents=len({n.doc_id for n in nodes}),
            claims_by=sum(len(n.claims) for n in nodes),
            mentions=sum(_distinct_spans(n.spans for n in nodes if n.doc_id == d)
                         for d in {n.doc_id for n in nodes}),
            anonymous=all(n.anonymous for n in group),
            identified_by_author=by_author,
        )

    def _only_via_author(self, node: _Node) -> bool:
        """Is the node tied to its entity by author identifications alone?"""
        reasons = [why for pair, why in self.edge_reasons.items() if node.id in pair]
        return bool(reasons) and all(r == "author" for r in reasons)

    # -- lookups
    def entities(self, doc_id: str | None = None) -> list[Entity]:
        """Entity records, most claims first, then by name; with doc_id, that document's."""
        if doc_id is None:
            out = list(self.records)
        else:
            out = [self._record(g, doc_id) for g in self.groups
                   if any(n.doc_id == doc_id for n in g)]
        return sorted(out, key=lambda e: (-e.claims_by, -e.mentions, e.name.casefold(), e.name))

    def find(self, name: str) -> list[int]:
        """Indexes of the entities a name refers to: its own name, an alias, a node."""
        hits = {self.group_of[n.id] for n in self.nodes_named(name)}
        if not hits:
            folded = canonical_name(name).casefold()
            hits = {i for i, e in enumerate(self.records)
                    if folded in {e.name.casefold(), *(a.casefold() for a in e.aliases)}}
        return sorted(hits, key=lambda i: (-self.records[i].claims_by, self.records[i].name))

    def require(self, name: str) -> list[int]:
        if not name.strip():
            raise NotFoundError("give an entity name, e.g. Belhadj")
        found = self.find(name)
        if not found:
            raise NotFoundError(
                f"no entity '{name}': run `claimtrack entities` to list the names stored"
            )
        return found

    def same_person(self, i: int, j: int) -> bool:
        """One entity's name contains the other's ("Trump" and "Donald Trump"), though
        they were not safe to merge."""
        ki = {n.key for n in self.groups[i] if not n.anonymous}
        kj = {n.key for n in self.groups[j] if not n.anonymous}
        return i == j or any(a == b or _contains(a, b) or _contains(b, a) for a in ki for b in kj)

    def entity_of_claim(self, claim_id: str) -> int | None:
        node = self.claim_node.get(claim_id)
        return None if node is None else self.group_of[node]

    def group_nodes(self, index: int) -> list[_Node]:
        return self.groups[index]

    def names_in(self, index: int, doc_id: str) -> list[str]:
        """How the texts call the entity in one document: its names there, and its full
        names (>= 2 words, not an author's alias) from anywhere."""
        out: set[str] = set()
        for n in self.groups[index]:
            if n.anonymous:
                continue
            if n.doc_id == doc_id or (len(n.key) >= 2 and not n.alias_side):
                out.update(n.surfaces)
        return sorted(out, key=lambda s: (-len(s), s))

    def author_identifications(self, index: int) -> list[tuple[str, Alias]]:
        """(doc id, alias) for the author identifications that tie this entity together."""
        group = {n.id for n in self.groups[index]}
        out = []
        for doc_id, found in self.aliases.items():
            for al in found:
                a, b = name_key(al.alias), name_key(al.name)
                if (doc_id, False, a) in group and (doc_id, False, b) in group:
                    out.append((doc_id, al))
        return out


def _distinct_spans(spans: Iterable[set[tuple[int, int]]]) -> int:
    """References in one document: overlapping spans (a name inside a source) count once."""
    merged: list[list[int]] = []
    for s, e in sorted(x for group in spans for x in group):
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return len(merged)


# The graph of a database state, per open database: one read asks for it more than
# once (`show` and `sources` through the matcher and through source_entities; the
# report per document), and each build reads every claim and mention of the corpus.
_GRAPHS: weakref.WeakKeyDictionary[sqlite_utils.Database, tuple[tuple[int, int], EntityGraph]] = (
    weakref.WeakKeyDictionary()
)


def build(db: sqlite_utils.Database, extra: Sequence[Decision] = ()) -> EntityGraph:
    """The entity graph of the database, with the stored decisions (and `extra`) replayed.

    Without `extra` the graph is kept for the database's state: data_version moves when
    another connection commits, total_changes when this one writes. Callers only read it."""
    if extra:
        return _build(db, extra)
    conn = db.conn
    stamp = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    hit = _GRAPHS.get(db)
    if hit is None or hit[0] != stamp:
        hit = (stamp, _build(db, ()))
        _GRAPHS[db] = hit
    return hit[1]


def _build(db: sqlite_utils.Database, extra: Sequence[Decision]) -> EntityGraph:
    mentions = {
        doc_id: [(m.start, m.end, m.text, m.label) for m in ms]
        for doc_id, ms in readback.load_mentions(db).items()
    }
    docs = [d.id for d in store.list_documents(db)]
    return EntityGraph(
        readback.load_claims(db),
        mentions,
        readback.load_aliases(db),
        [*_load_decisions(db), *extra],
        docs,
    )


# --- commands ------------------------------------------------------------------------


def list_entities(db: sqlite_utils.Database, doc: str | None = None) -> list[Entity]:
    doc_id = store.get_document(db, doc).id if doc is not None else None
    return build(db).entities(doc_id)


def _who() -> str:
    try:
        return os.environ.get("CLAIMTRACK_USER") or getpass.getuser()
    except (KeyError, OSError):  # no login name in a container
        return "unknown"


def decide(
    db: sqlite_utils.Database,
    action: Action,
    a: str,
    b: str,
    why: str | None = None,
    dry_run: bool = False,
) -> DecisionResult:
    """Record the user's merge (B becomes an alias of A) or split (keep A and B apart).

    Decisions are stored by name and replayed on every query, so they survive
    re-adding and re-extracting documents. A dry run writes nothing.
    """
    graph = build(db)
    ia, ib = graph.require(a), graph.require(b)
    if name_key(a) == name_key(b):
        raise NotFoundError(f"'{a}' and '{b}' are the same name: give two different names")
    before = [graph.records[i] for i in sorted(set(ia) | set(ib))]
    now = datetime.now(UTC).isoformat(timespec="seconds")
    pending = Decision(id=1 << 62, action=action, a=a, b=b, who=_who(), at=now, why=why)
    after_graph = build(db, extra=[pending])
    after_idx = sorted(set(after_graph.find(a)) | set(after_graph.find(b)))
    after = [after_graph.records[i] for i in after_idx]
    changed = [e.model_dump() for e in before] != [e.model_dump() for e in after]
    together = set(after_graph.find(a)) & set(after_graph.find(b))
    if action == "merge":
        state = f"'{b}' is an alias of '{after[0].name}'" if together else "still apart"
    else:
        state = "kept apart" if not together else "still together (another name joins them)"
    message = (
        f"{action} {a!r} {b!r}: {state}; {len(before)} entities before, {len(after)} after"
        + (" (no change)" if not changed else "")
        + ("; dry run: nothing written" if dry_run else "; decision stored")
    )
    written = False
    if not dry_run:
        with db.conn:
            db.conn.execute(
                "INSERT INTO entity_decisions (action, a, b, who, at, why) VALUES (?,?,?,?,?,?)",
                (action, a, b, pending.who, now, why),
            )
        written = True
    return DecisionResult(action=action, a=a, b=b, dry_run=dry_run, written=written,
                          changed=changed, before=before, after=after, message=message)


def alias_in(claim: Claim, alias: Alias) -> bool:
    """Is the inserted bracket part of the claim's quote? The extractor cuts author
    brackets out of quotes, so one right after the content ("Sadik [aka ...]") counts."""
    return claim.content.start <= alias.start <= claim.content.end + 2


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


# --- show --entity -------------------------------------------------------------------


class EntityMatcher:
    """Claims by or about the entities a name refers to, through the entity graph:
    "Belhadj" finds what "Abdelhakim Belhadj" says, "he" resolved to him, and the
    quote that calls him "Abu Abdullah Sadik [aka Abdelhakim Belhadj]", marked as
    resting on the author's identification."""

    def __init__(self, db: sqlite_utils.Database, name: str):
        self.graph = build(db)
        self.found = self.graph.find(name) if name.strip() else []
        self.entity: Entity | None = self.graph.records[self.found[0]] if self.found else None
        self._names: dict[str, list[re.Pattern[str]]] = {}
        self._alias_note = self._queried_by_alias(name)

    def _queried_by_alias(self, name: str) -> str | None:
        """The query names the entity only through an author's identification."""
        nodes = self.graph.nodes_named(name)
        if not nodes or not all(n.alias_side and self.graph._only_via_author(n) for n in nodes):
            return None
        key = name_key(name)
        for i in self.found:
            for _, al in self.graph.author_identifications(i):
                if name_key(al.alias) == key:
                    return describe(al)
        return None

    def _patterns(self, doc_id: str) -> list[re.Pattern[str]]:
        from claimtrack.queries import name_pattern

        if doc_id not in self._names:
            names = {s for i in self.found for s in self.graph.names_in(i, doc_id)}
            self._names[doc_id] = [name_pattern(s) for s in sorted(names) if s.strip()]
        return self._names[doc_id]

    def _aliases_in(self, c: Claim) -> list[Alias]:
        return [
            al
            for i in self.found
            for doc_id, al in self.graph.author_identifications(i)
            if doc_id == c.doc_id and alias_in(c, al)
        ]

    def by(self, c: Claim) -> bool:
        return self.graph.entity_of_claim(c.id) in self.found

    def about(self, c: Claim) -> bool:
        texts = [c.content.text, c.source.text if c.source else ""]
        return bool(self._aliases_in(c)) or any(
            p.search(t) for p in self._patterns(c.doc_id) for t in texts if t
        )

    def via(self, c: Claim) -> str | None:
        """'author identifies X as Y' when the match rests on the author's identification."""
        inside = self._aliases_in(c)
        if inside:
            return "; ".join(dict.fromkeys(describe(al) for al in inside))
        return self._alias_note


# --- report --------------------------------------------------------------------------


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
    graph = build(db)
    for rd in report.documents:
        doc_id = rd.document.id
        aliases = graph.aliases.get(doc_id, [])
        for rc in rd.claims:
            rc.notes = author_notes(rc.claim, aliases)
        claims = readback.load_claims(db, doc_id)
        rd.headline_vs_body = headline_mismatch(graph, claims, store.get_text(db, doc_id))
    return report
