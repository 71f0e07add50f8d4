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
import json
import os
import re
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlite_utils

from claimtrack.aliases import describe
from claimtrack.errors import NotFoundError
from claimtrack.models import Alias, Claim, Decision, DecisionResult, Entity, HeadlineMismatch
from claimtrack.models import EntityAction as Action
from claimtrack.store import documents as store
from claimtrack.store import readback
from claimtrack.store.decisions import load_decisions, record_decision
from claimtrack.store.entitystore import SAFE_SINGLE
from claimtrack.text.names import HONORIFICS, canonical_name, name_pattern

if TYPE_CHECKING:
    from claimtrack.report import Report

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
# one-word names that may merge across documents: an organisation or a place
# is one thing by one name; a one-word person name is not safe
LABEL_TYPE = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place",
              "FAC": "place"}
# sources that are only these words refer to someone the resolver did not find
PRONOUNS = frozenset(
    {"i", "me", "we", "us", "you", "he", "him", "she", "her", "it", "they", "them", "himself"}
    | {"herself", "itself", "themselves", "ourselves", "myself", "yourself", "this", "that"}
    | {"these", "those", "who", "whom", "which", "one"}
)
_SPLIT = re.compile(r"[\s\-\u2010-\u2014]+")

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
    phase: int = 0  # made by a mention (0), a claim (1) or an alias (2)
    seq: int = 0  # made as the document's seq-th node
    item: int = 0  # by its item-th mention, claim or alias
    order: tuple = ()  # where the whole-corpus build makes it (EntityGraph._assemble)

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


class _DocBuilder:
    """One document's nodes and its own edges (folds, the author's identifications):
    all that depends on that document alone, stored with it at write time."""

    def __init__(self, doc_id: str):
        self.doc_id = doc_id
        self.nodes: dict[tuple, _Node] = {}
        self.phase = 0
        self.item = 0

    def named(self, text: str, label: str | None, count: bool = True) -> _Node | None:
        key = name_key(text)
        if not key:
            return None
        node = self._node(False, key)
        if count or not node.surfaces:
            node.surfaces[canonical_name(text)] += 1
        if label:
            node.labels[label] += 1
        return node

    def _node(self, anonymous: bool, key: tuple[str, ...]) -> _Node:
        node = self.nodes.get((anonymous, key))
        if node is None:
            node = _Node(self.doc_id, key, anonymous, phase=self.phase, seq=len(self.nodes),
                         item=self.item)
            self.nodes[(anonymous, key)] = node
        return node

    def claim(self, c: Claim) -> None:
        if c.source is None:
            return
        info = c.source_info.type if c.source_info else None
        if c.source_entity:
            node = self.named(c.source_entity, None)
        elif _is_pronoun(c.source.text) or info == "self":
            return
        else:
            descriptor = canonical_name(c.source.text)
            key = name_key(descriptor) or (descriptor.casefold(),)
            # a name the resolver left as it was, else a descriptor of this document
            node = self.nodes.get((False, key)) or self._node(True, key)
            node.surfaces[descriptor] += 1
        if node is None:
            return
        node.claims.add(c.id)
        node.spans.add((c.source.start, c.source.end))
        if info and info != "unknown":
            node.types[info] += 1

    def facts(
        self,
        mentions: Sequence[tuple[int, int, str, str]],
        claims: Sequence[Claim],
        aliases: Sequence[Alias],
    ) -> DocFacts:
        for self.item, (start, end, text, label) in enumerate(mentions):
            # "MR." alone is a name NER tagged with nothing left once the
            # honorific is dropped: no one to count it for
            if label in NAME_LABELS and (node := self.named(text, label)):
                node.spans.add((start, end))
        self.phase = 1
        for self.item, c in enumerate(claims):
            self.claim(c)
        self.phase = 2
        author: list[tuple[int, int]] = []
        for self.item, al in enumerate(aliases):
            a = self.named(al.alias, None, count=False)
            n = self.named(al.name, None, count=False)
            if a is None or n is None or a is n:
                continue
            a.alias_side = True
            n.identified = True
            author.append((a.seq, n.seq))
        nodes = list(self.nodes.values())
        return DocFacts(self.doc_id, nodes, _folds(nodes), author, list(aliases))


def _folds(nodes: Sequence[_Node]) -> list[tuple[int, int]]:
    """Within a document: a part of a person's full name is that person."""
    named = [n for n in nodes if not n.anonymous]
    people = [n for n in named if n.label == "PERSON" or n.types["person"]]
    edges = []
    for small in named:
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
            edges.append((small.seq, best.seq))
    return edges




def _adjacent(edges: list[tuple[int, int]]) -> dict[int, list[int]]:
    """A document's fold and author-identification edges, both ways, by node."""
    adj: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        adj[a].append(b)
        adj[b].append(a)
    return adj


@dataclass
class DocFacts:
    """A document's part of the entity graph (_DocBuilder), as stored in entity_facts."""

    doc_id: str
    nodes: list[_Node]  # in the order the document makes them (seq)
    folds: list[tuple[int, int]]  # (small seq, full name seq)
    author: list[tuple[int, int]]  # (alias seq, identified name seq)
    aliases: list[Alias]

    def to_json(self) -> str:
        nodes = [[n.phase, n.seq, n.item, int(n.anonymous), list(n.key),
                  list(n.surfaces.items()), list(n.labels.items()), list(n.types.items()),
                  sorted(n.spans), sorted(n.claims), int(n.alias_side), int(n.identified)]
                 for n in self.nodes]
        return json.dumps({"nodes": nodes, "folds": self.folds, "author": self.author,
                           "aliases": [a.model_dump() for a in self.aliases]},
                          ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, doc_id: str, text: str) -> DocFacts:
        data = json.loads(text)
        nodes = [_node_of(doc_id, n) for n in data["nodes"]]
        return cls(doc_id, nodes, [(a, b) for a, b in data["folds"]],
                   [(a, b) for a, b in data["author"]],
                   [Alias(**a) for a in data["aliases"]])

    def name_keys(self) -> list[tuple[str, int | None, int | None]]:
        """(key, phase, seq of its first named node) per name key of the document:
        entity_keys, the lookup that finds the documents a name's entity can reach."""
        out: dict[str, tuple[int | None, int | None]] = {}
        for n in self.nodes:
            k = key_text(n.key)
            if k not in out or (out[k][0] is None and not n.anonymous):
                out[k] = (None, None) if n.anonymous else (n.phase, n.seq)
        return [(k, phase, seq) for k, (phase, seq) in out.items()]

    def adjacent(self) -> dict[int, list[int]]:
        return _adjacent(self.folds + self.author)


def _node_of(doc_id: str, stored: list) -> _Node:
    """A node from its stored JSON entry (DocFacts.to_json, entity_nodes.node)."""
    (phase, seq, item, anon, key, surfaces, labels, types, spans, claims, alias_side,
     identified) = stored
    return _Node(doc_id, tuple(key), bool(anon), _counter(surfaces), _counter(labels),
                 _counter(types), {(a, b) for a, b in spans}, set(claims), bool(alias_side),
                 bool(identified), phase, seq, item)


def _counter(pairs: list) -> Counter[str]:
    """A Counter of stored (key, count) pairs, without Counter()'s generic update: a
    read of a frequent name decodes tens of thousands of them."""
    c: Counter[str] = Counter.__new__(Counter)  # an empty dict: Counter() adds nothing
    dict.update(c, pairs)
    return c


def key_text(key: tuple[str, ...]) -> str:
    return " ".join(key)


def document_facts(
    doc_id: str,
    mentions: Sequence[tuple[int, int, str, str]],
    claims: Sequence[Claim],
    aliases: Sequence[Alias],
) -> DocFacts:
    """A document's entity nodes and own edges from its mentions (text order), claims
    (seq order) and aliases (start order)."""
    return _DocBuilder(doc_id).facts(mentions, claims, aliases)


def stored_facts(db: sqlite_utils.Database, doc_id: str) -> DocFacts:
    """A stored document's entity facts, computed from its rows (write time, and reads
    of documents stored before entity_facts was)."""
    mentions = [(m.start, m.end, m.text, m.label)
                for m in readback.load_mentions(db, doc_id).get(doc_id, [])]
    return document_facts(doc_id, mentions, readback.load_claims(db, doc_id),
                          readback.load_aliases(db, doc_id).get(doc_id, []))


def _order(n: _Node, added: str) -> tuple:
    """Where the whole-corpus build makes a node: mentions by document id, then claims
    in (added, document id) order, then aliases by document id."""
    if n.phase == 1:
        return (1, added, n.doc_id, n.seq)
    return (n.phase, n.doc_id, n.seq)


class _Records(Sequence[Entity]):
    """EntityGraph.records, each built when first asked for: a read that needs only
    some entities, or only their names (name_of), skips the records of the rest."""

    def __init__(self, graph: EntityGraph):
        self.graph = graph
        self.built: dict[int, Entity] = {}

    def __len__(self) -> int:
        return len(self.graph.groups)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(len(self))[i]]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        if i not in self.built:
            self.built[i] = self.graph._record(self.graph.groups[i])
        return self.built[i]


class EntityGraph:
    """The entities of a database state. Build with `build(db)` (all of it) or
    `build_for_name` / `build_for_claims` (whole entities, only
    those a read can involve)."""

    def __init__(
        self,
        claims: Sequence[Claim],
        mentions: dict[str, list[tuple[int, int, str, str]]],
        aliases: dict[str, list[Alias]],
        decisions: Sequence[Decision] = (),
        doc_order: Sequence[str] = (),
    ):
        self.doc_order = {d: i for i, d in enumerate(doc_order)}
        by_doc: dict[str, list[Claim]] = defaultdict(list)
        claim_at: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(claims):
            by_doc[c.doc_id].append(c)
            claim_at[c.doc_id].append(i)
        m_rank = {d: i for i, d in enumerate(mentions)}
        a_rank = {d: i for i, d in enumerate(aliases)}
        docs = list(dict.fromkeys([*mentions, *by_doc, *aliases]))
        facts = []
        for d in docs:
            f = document_facts(d, mentions.get(d, []), by_doc.get(d, []), aliases.get(d, []))
            for n in f.nodes:
                if n.phase == 0:
                    n.order = (0, m_rank[d], n.seq)
                elif n.phase == 1:
                    n.order = (1, claim_at[d][n.item], n.seq)
                else:
                    n.order = (2, a_rank[d], n.seq)
            facts.append(f)
        self._assemble(facts, decisions, {d: (a_rank.get(d, len(a_rank)),) for d in docs})

    @classmethod
    def assembled(
        cls,
        facts: Sequence[DocFacts],
        decisions: Sequence[Decision],
        author_rank: dict[str, tuple],
        keep: set[tuple] | None = None,
        key_first: dict[tuple[str, ...], tuple] | None = None,
    ) -> EntityGraph:
        graph = cls.__new__(cls)
        graph.doc_order = {}
        graph._assemble(facts, decisions, author_rank, keep, key_first)
        return graph

    def _assemble(
        self,
        facts: Sequence[DocFacts],
        decisions: Sequence[Decision],
        author_rank: dict[str, tuple],
        keep: set[tuple] | None = None,
        key_first: dict[tuple[str, ...], tuple] | None = None,
    ) -> None:
        """The graph of the documents' facts (nodes carry their `order`), or of the
        entities of `keep` alone: whole entities (closed under every edge), whose
        edges are taken in the order the whole-corpus build takes them, so they come
        out exactly as there."""
        nodes = sorted((n for f in facts for n in f.nodes if keep is None or n.id in keep),
                       key=lambda n: n.order)
        self.nodes = {n.id: n for n in nodes}
        self.decisions = list(decisions)
        self.aliases = {f.doc_id: f.aliases
                        for f in sorted(facts, key=lambda f: (author_rank[f.doc_id], f.doc_id))
                        if f.aliases}
        self.claim_node = {c: n.id for n in nodes for c in n.claims}
        folds, author = [], []
        for f in facts:
            by_seq = {n.seq: n for n in f.nodes}
            # a document read a node at a time (_Partial) knows its first named node
            first = getattr(f, "first_order", None)
            if first is None:
                named = [n.order for n in f.nodes if not n.anonymous]
                first = min(named) if named else ()
            for i, (a, b) in enumerate(f.folds):
                if keep is None or (a in by_seq and by_seq[a].id in keep):
                    folds.append(((first, i), (by_seq[a].id, by_seq[b].id, "fold")))
            for i, (a, b) in enumerate(f.author):
                if keep is None or (a in by_seq and by_seq[a].id in keep):
                    author.append(((author_rank[f.doc_id], f.doc_id, i),
                                   (by_seq[a].id, by_seq[b].id, "author")))
        edges = [e for _, e in sorted(folds, key=lambda x: x[0])]
        edges += [e for _, e in sorted(author, key=lambda x: x[0])]
        self._components(edges + self._same_names(key_first or {}))

    def _same_names(
        self, key_first: dict[tuple[str, ...], tuple]
    ) -> list[tuple[tuple, tuple, str]]:
        """Across documents, the same name where that is safe."""
        groups: dict[tuple[str, ...], list[_Node]] = defaultdict(list)
        for n in self.nodes.values():
            if not n.anonymous:
                groups[n.key].append(n)
        edges = []
        for key in sorted(groups, key=lambda k: key_first.get(k) or groups[k][0].order):
            nodes = groups[key]
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
        self.records = _Records(self)

    # -- records
    def name_of(self, index: int) -> str:
        """records[index].name, without building the record."""
        if index in self.records.built:
            return self.records.built[index].name
        return self._best(self.groups[index]).surface

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
            mentions=sum(_distinct_spans(spans) for spans in _spans_by_doc(nodes)),
            anonymous=all(n.anonymous for n in group),
            identified_by_author=by_author,
        )

    def _only_via_author(self, node: _Node) -> bool:
        """Is the node tied to its entity by author identifications alone?"""
        if not hasattr(self, "_reasons"):  # node id -> the reasons of its edges, once
            self._reasons: dict[tuple, list[str]] = defaultdict(list)
            for pair, why in self.edge_reasons.items():
                for nid in pair:
                    self._reasons[nid].append(why)
        reasons = self._reasons.get(node.id, [])
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
        # ties in the order the graph makes its entities (its first node's): the same
        # in a graph of only some entities as in the whole one
        return sorted(hits, key=lambda i: (-self.records[i].claims_by, self.records[i].name, i))

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
        if not hasattr(self, "_names"):
            self._names: dict[int, tuple[set[str], dict[str, set[str]]]] = {}
        if index not in self._names:  # the full names, and the names by document, once
            full: set[str] = set()
            local: dict[str, set[str]] = defaultdict(set)
            for n in self.groups[index]:
                if n.anonymous:
                    continue
                local[n.doc_id].update(n.surfaces)
                if len(n.key) >= 2 and not n.alias_side:
                    full.update(n.surfaces)
            self._names[index] = (full, local)
        full, local = self._names[index]
        return sorted(full | local.get(doc_id, set()), key=lambda s: (-len(s), s))

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


def _spans_by_doc(nodes: Iterable[_Node]) -> list[list[set[tuple[int, int]]]]:
    """The nodes' span sets, one list per document (a frequent entity's nodes are in
    hundreds of documents: one pass, not one per document)."""
    out: dict[str, list[set[tuple[int, int]]]] = defaultdict(list)
    for n in nodes:
        out[n.doc_id].append(n.spans)
    return list(out.values())


def _distinct_spans(spans: Iterable[set[tuple[int, int]]]) -> int:
    """References in one document: overlapping spans (a name inside a source) count once."""
    merged: list[list[int]] = []
    for s, e in sorted(x for group in spans for x in group):
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return len(merged)


# Graphs of a database state, per open database: one read asks for them more than
# once (`show` and `sources` through the matcher and through source_entities; the
# report per document). Keyed by what was asked: None for the whole graph.
_GRAPHS: weakref.WeakKeyDictionary[sqlite_utils.Database, tuple[tuple[int, int], dict]] = (
    weakref.WeakKeyDictionary()
)


def _cached(db: sqlite_utils.Database) -> dict:
    """This database state's graphs: data_version moves when another connection
    commits, total_changes when this one writes."""
    conn = db.conn
    stamp = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    hit = _GRAPHS.get(db)
    if hit is None or hit[0] != stamp:
        hit = (stamp, {})
        _GRAPHS[db] = hit
    return hit[1]


def build(db: sqlite_utils.Database, extra: Sequence[Decision] = ()) -> EntityGraph:
    """The entity graph of the whole database, with the stored decisions (and `extra`)
    replayed. Without `extra` the graph is kept for the database's state. Callers only
    read it."""
    if extra:
        return _build(db, extra)
    graphs = _cached(db)
    if None not in graphs:
        graphs[None] = _build(db, ())
    return graphs[None]


def _all_facts(db: sqlite_utils.Database) -> tuple[list[DocFacts], dict[str, str]]:
    """Every document's entity facts (stored at add time; computed here for documents
    stored before they were) and when each was added."""
    facts, added = [], {}
    stored = readback.entity_facts(db, None)
    for doc_id, when, text in stored or []:
        facts.append(DocFacts.from_json(doc_id, text))
        added[doc_id] = when
    for doc_id, when in readback.documents_without_entity_facts(db):
        facts.append(stored_facts(db, doc_id))
        added[doc_id] = when
    return facts, added


def _build(db: sqlite_utils.Database, extra: Sequence[Decision]) -> EntityGraph:
    facts, added = _all_facts(db)
    for f in facts:
        for n in f.nodes:
            n.order = _order(n, added[f.doc_id])
    return EntityGraph.assembled(facts, [*load_decisions(db), *extra],
                                 {d: () for d in added})


def _merge_links(decisions: Sequence[Decision]) -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    """name key -> the keys the user's standing merges tie its nodes to (as _components
    replays them: the last decision about a pair wins)."""
    state: dict[frozenset, Decision] = {}
    for d in decisions:
        ka, kb = name_key(d.a), name_key(d.b)
        if ka and kb and ka != kb:
            state[frozenset((ka, kb))] = d
    links: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for d in state.values():
        if d.action == "merge":
            ka, kb = name_key(d.a), name_key(d.b)
            links[ka] |= {ka, kb}
            links[kb] |= {ka, kb}
    return links


class _Closure:
    """The nodes of the entities some start nodes belong to, read from the stored
    facts of only the documents that can hold them: a node reaches the nodes of its
    document's folds and author identifications, the nodes elsewhere with the same
    name where a same-name merge is safe, and those of the names a user's merge ties
    its name to. Splits only remove edges, so the closure holds the whole entity."""

    def __init__(self, db: sqlite_utils.Database, decisions: Sequence[Decision]):
        self.db = db
        self.decisions = list(decisions)
        self.links = _merge_links(decisions)
        self.docs: dict[str, DocFacts] = {}
        self.added: dict[str, str] = {}
        self.adj: dict[str, dict[int, list[int]]] = {}
        self.key_docs: dict[tuple[str, ...], list[tuple[str, str, int | None, int | None]]] = {}
        self.seen: set[tuple] = set()
        self.expanded: set[tuple[str, ...]] = set()  # keys whose nodes are pushed already
        self.stack: list[_Node] = []
        self.by_key: dict[tuple[str, ...], list[_Node]] = {}

    def load(self, doc_ids: Iterable[str]) -> None:
        todo = [d for d in dict.fromkeys(doc_ids) if d not in self.docs]
        for doc_id, when, text in readback.entity_facts(self.db, todo) or []:
            self.docs[doc_id] = DocFacts.from_json(doc_id, text)
            self.added[doc_id] = when

    def named(self, key: tuple[str, ...]) -> list[_Node]:
        """Every stored node with this key (looked up once per key: a common name's
        nodes are asked for again from every node that carries it)."""
        found = self.by_key.get(key)
        if found is None:
            if key not in self.key_docs:
                self.key_docs[key] = readback.entity_key_docs(self.db, key_text(key))
                self.load(d for d, _, _, _ in self.key_docs[key])
            found = self.by_key[key] = [n for d, _, _, _ in self.key_docs[key]
                                        for n in self.docs[d].nodes if n.key == key]
        return found

    def node_at(self, doc_id: str, seq: int) -> _Node:
        return self.docs[doc_id].nodes[seq]

    def doc_nodes(self, doc_id: str) -> list[_Node]:
        """Every node of a loaded document."""
        return self.docs[doc_id].nodes

    def push(self, nodes: Iterable[_Node]) -> None:
        self.stack.extend(n for n in nodes if n.id not in self.seen)

    def run(self) -> None:
        while self.stack:
            n = self.stack.pop()
            if n.id in self.seen:
                continue
            self.seen.add(n.id)
            f = self.docs[n.doc_id]
            if n.doc_id not in self.adj:
                self.adj[n.doc_id] = f.adjacent()
            self.push(self.node_at(n.doc_id, i) for i in self.adj[n.doc_id].get(n.seq, ()))
            # what a key reaches does not depend on the node that asks: push it once (a
            # frequent name's nodes would each push all the others again)
            if not n.anonymous and (len(n.key) >= 2 or n.label in SAFE_SINGLE) \
                    and ("same", n.key) not in self.expanded:
                self.expanded.add(("same", n.key))
                self.push(m for m in self.named(n.key) if not m.anonymous
                          and (len(m.key) >= 2 or m.label in SAFE_SINGLE))
            for k in self.links.get(n.key, ()):
                if ("link", k) not in self.expanded:
                    self.expanded.add(("link", k))
                    self.push(self.named(k))

    def graph(self) -> EntityGraph:
        facts = list(self.docs.values())
        for f in facts:
            for n in f.nodes:
                n.order = _order(n, self.added[f.doc_id])
        # where the whole-corpus build meets each name first (the order of same-name edges)
        key_first = {}
        for key, rows in self.key_docs.items():
            firsts = [(1, added, d, seq) if phase == 1 else (phase, d, seq)
                      for d, added, phase, seq in rows if phase is not None]
            if firsts:
                key_first[key] = min(firsts)
        return EntityGraph.assembled(facts, self.decisions, {d: () for d in self.docs},
                                     keep=self.seen, key_first=key_first)


class _Partial:
    """A document's facts as a closure reads them a node at a time (entity_nodes): its
    own edges, aliases and first named node, and only the nodes reached so far."""

    def __init__(self, doc_id: str, added: str, edges: dict):
        self.doc_id = doc_id
        self.by_seq: dict[int, _Node] = {}
        self.folds = [(a, b) for a, b in edges["folds"]]
        self.author = [(a, b) for a, b in edges["author"]]
        self.aliases = [Alias(**a) for a in edges["aliases"]]
        first = edges["first"]
        # the order the whole-corpus build gives that node (_order)
        self.first_order: tuple = () if first is None else (
            (1, added, doc_id, first[1]) if first[0] == 1 else (first[0], doc_id, first[1]))
        self.complete = False

    @property
    def nodes(self) -> list[_Node]:
        return [self.by_seq[k] for k in sorted(self.by_seq)]

    def adjacent(self) -> dict[int, list[int]]:
        return _adjacent(self.folds + self.author)


class _NodeClosure(_Closure):
    """_Closure over the facts stored a node a row: a name's nodes are read by their
    key, a node's neighbours within its document by their seq, so a frequent name
    costs its own nodes, not every node of every document that has it."""

    def load(self, doc_ids: Iterable[str]) -> None:
        todo = [d for d in dict.fromkeys(doc_ids) if d not in self.docs]
        if not todo:
            return
        for doc_id, when, edges in readback.entity_edges(self.db, todo):
            self.docs[doc_id] = _Partial(doc_id, when, json.loads(edges))  # type: ignore
            self.added[doc_id] = when
        # facts stored whole only (cannot happen after migration 5 wrote them all)
        rest = [d for d in todo if d not in self.docs]
        for doc_id, when, text in readback.entity_facts(self.db, rest) or []:
            self.docs[doc_id] = DocFacts.from_json(doc_id, text)
            self.added[doc_id] = when

    def _put(self, doc_id: str, stored: list) -> _Node:
        f = self.docs[doc_id]
        if isinstance(f, _Partial):
            node = f.by_seq.get(stored[1])
            if node is None:
                node = f.by_seq[stored[1]] = _node_of(doc_id, stored)
            return node
        return f.nodes[stored[1]]

    def named(self, key: tuple[str, ...]) -> list[_Node]:
        found = self.by_key.get(key)
        if found is None:
            if key not in self.key_docs:
                self.key_docs[key] = readback.entity_key_docs(self.db, key_text(key))
            rows = readback.entity_nodes_named(self.db, key_text(key)) or []
            self.load(d for d, _, _ in rows)
            found = self.by_key[key] = [self._put(d, json.loads(node)) for d, _, node in rows]
        return found

    def take_components(self, key: tuple[str, ...]) -> list[_Node]:
        """The nodes of the stored components of a name key's nodes, taken whole (the
        closure they would walk to), and the lookups of their keys the graph orders
        same-name edges by. Only where readback.components_usable."""
        rows = readback.component_nodes(self.db, key_text(key))
        return [n for n in self._take(rows, {key}) if n.key == key]

    def take_components_of(self, nodes: Sequence[_Node]) -> None:
        """The stored components of `nodes`, taken whole (take_components)."""
        todo = [(n.doc_id, n.seq) for n in nodes if n.id not in self.seen]
        if todo:
            self._take(readback.component_nodes(self.db, nodes=todo), set())

    def _take(self, rows: list[tuple[str, str, str]], keys: set) -> list[_Node]:
        self.load(d for d, _, _ in rows)
        nodes = [self._put(d, json.loads(node)) for d, _, node in rows]
        for k in {n.key for n in nodes} | keys:
            if k not in self.key_docs:
                self.key_docs[k] = readback.entity_key_docs(self.db, key_text(k))
        self.seen.update(n.id for n in nodes)
        return nodes

    def node_at(self, doc_id: str, seq: int) -> _Node:
        f = self.docs[doc_id]
        if isinstance(f, _Partial):
            node = f.by_seq.get(seq)
            if node is None:
                for stored in readback.entity_nodes_in(self.db, doc_id, [seq]):
                    node = self._put(doc_id, json.loads(stored))
            assert node is not None, (doc_id, seq)
            return node
        return f.nodes[seq]

    def doc_nodes(self, doc_id: str) -> list[_Node]:
        f = self.docs[doc_id]
        if isinstance(f, _Partial) and not f.complete:
            for stored in readback.entity_nodes_in(self.db, doc_id):
                self._put(doc_id, json.loads(stored))
            f.complete = True
        return f.nodes


def _closure(db: sqlite_utils.Database, extra: Sequence[Decision] = ()) -> _Closure | None:
    """A closure over the stored facts, or None where some document has none (stored
    before they were: only the whole build covers it)."""
    if readback.entity_facts(db, []) is None or readback.documents_without_entity_facts(db):
        return None
    decisions = [*load_decisions(db), *extra]
    if readback.entity_nodes_named(db, "") is None:  # a read-only file from before them
        return _Closure(db, decisions)
    return _NodeClosure(db, decisions)


def _shared(db: sqlite_utils.Database) -> _Closure | None:
    """The one closure of this database state that the graphs of names, claims and
    documents extend: a read that asks for a name and then for its page's sources
    builds a shared entity once (None: only the whole build covers this database)."""
    graphs = _cached(db)
    if "closure" not in graphs:
        graphs["closure"] = _closure(db)
    return graphs["closure"]


def _extended(db: sqlite_utils.Database, closure: _Closure,
              start: Iterable[_Node]) -> EntityGraph:
    """The graph of the shared closure once it holds the entities of `start`: whole
    entities, each as in `build` (the graph of several is that of each). Rebuilt
    only when the closure grew."""
    graphs = _cached(db)
    before = (len(closure.seen), len(closure.docs))  # documents bring their aliases
    closure.push(start)
    closure.run()
    if "graph" not in graphs or (len(closure.seen), len(closure.docs)) != before:
        graphs["graph"] = closure.graph()
    return graphs["graph"]


def build_for_name(db: sqlite_utils.Database, name: str,
                   extra: Sequence[Decision] = ()) -> EntityGraph:
    """The entities a name can refer to, whole (EntityGraph.find(name) as in `build`),
    built from the documents they reach only. A name no node has falls back to the
    whole graph (find then looks at every entity's aliases)."""
    graphs = _cached(db)
    if not extra and None in graphs:
        return graphs[None]
    key = name_key(name) or (canonical_name(name).casefold(),)
    closure = _closure(db, extra) if extra else _shared(db)
    if closure is None:
        return build(db, extra)
    if not extra and isinstance(closure, _NodeClosure) and readback.components_usable(db):
        # the stored components are the entities: read them whole, no walk
        before = (len(closure.seen), len(closure.docs))
        if not closure.take_components(key):
            return build(db, extra)
        graphs = _cached(db)
        if "graph" not in graphs or (len(closure.seen), len(closure.docs)) != before:
            graphs["graph"] = closure.graph()
        return graphs["graph"]
    nodes = closure.named(key)
    if not nodes:
        return build(db, extra)
    if not extra:
        return _extended(db, closure, nodes)
    closure.push(nodes)
    closure.run()
    return closure.graph()


def build_for_claims(db: sqlite_utils.Database, claims: Sequence[Claim]) -> EntityGraph:
    """The entities the sources of `claims` belong to, whole (entity_of_claim and the
    records as in `build`), built from the documents they reach only."""
    graphs = _cached(db)
    if None in graphs:
        return graphs[None]
    ids = {c.id for c in claims}
    docs = list(dict.fromkeys(c.doc_id for c in claims))
    closure = _shared(db)
    if closure is None or len(docs) >= readback.count_documents(db):
        return build(db)
    closure.load(docs)
    start = [n for d in docs if d in closure.docs for n in closure.doc_nodes(d)
             if n.claims & ids]
    if isinstance(closure, _NodeClosure) and readback.components_usable(db):
        closure.take_components_of(start)  # whole, from the stored components: no walk
    return _extended(db, closure, start)


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
        record_decision(db, pending)
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
        # only the entities the name can refer to: the documents they reach, not all
        self.graph = build_for_name(db, name) if name.strip() else build(db)
        self.found = self.graph.find(name) if name.strip() else []
        self.entity: Entity | None = self.graph.records[self.found[0]] if self.found else None
        self._names: dict[str, list[re.Pattern[str]]] = {}
        # the author identifications of the found entities, by document: asked per claim
        self._identifications = [x for i in self.found
                                 for x in self.graph.author_identifications(i)]
        self._identified: dict[str, list[Alias]] = defaultdict(list)
        for doc_id, al in self._identifications:
            self._identified[doc_id].append(al)
        self._alias_note = self._queried_by_alias(name)

    def _queried_by_alias(self, name: str) -> str | None:
        """The query names the entity only through an author's identification."""
        nodes = self.graph.nodes_named(name)
        if not nodes or not all(n.alias_side and self.graph._only_via_author(n) for n in nodes):
            return None
        key = name_key(name)
        for _, al in self._identifications:
            if name_key(al.alias) == key:
                return describe(al)
        return None

    def _patterns(self, doc_id: str) -> list[re.Pattern[str]]:
        if doc_id not in self._names:
            names = {s for i in self.found for s in self.graph.names_in(i, doc_id)}
            self._names[doc_id] = [name_pattern(s) for s in sorted(names) if s.strip()]
        return self._names[doc_id]

    def names(self) -> list[str]:
        """Every name `about` can look for, in any document (names_in's superset)."""
        return sorted({s for i in self.found for n in self.graph.groups[i]
                       if not n.anonymous for s in n.surfaces})

    def claim_ids(self) -> set[str]:
        """The claims `by` accepts: those whose source is a node of the entities."""
        return {c for i in self.found for n in self.graph.groups[i] for c in n.claims}

    def identified_docs(self) -> set[str]:
        """The documents where the author identifies the entities (`about` there may
        rest on an identification alone)."""
        return set(self._identified)

    def _aliases_in(self, c: Claim) -> list[Alias]:
        return [al for al in self._identified.get(c.doc_id, ()) if alias_in(c, al)]

    def by(self, c: Claim) -> bool:
        return self.graph.entity_of_claim(c.id) in self.found

    def about(self, c: Claim) -> bool:
        texts = [c.content.text, c.source.text if c.source else ""]
        return bool(self._aliases_in(c)) or any(
            p.search(t) for p in self._patterns(c.doc_id) for t in texts if t
        )

    def via(self, c: Claim) -> str | None:
        """'author identifies X as Y' when the match rests on the author's identification."""
        return _via(self._aliases_in(c), self._alias_note)

    def notes(self) -> EntityNotes:
        """What `show --entity` says of the entity besides its claims, apart from the graph."""
        return EntityNotes(self.entity, list(self._identifications), self._alias_note)


def _via(inside: Sequence[Alias], note: str | None) -> str | None:
    if inside:
        return "; ".join(dict.fromkeys(describe(al) for al in inside))
    return note


@dataclass
class EntityNotes:
    """An EntityMatcher's entity record and what its `via` reads (the author's
    identifications of the entity, by document, and the note for a query that names it
    only through one), kept apart from the graph so a read can store them
    (queries.entity_view)."""

    entity: Entity | None
    identifications: list[tuple[str, Alias]]
    alias_note: str | None

    def via(self, c: Claim) -> str | None:
        """As EntityMatcher.via."""
        return _via([al for doc_id, al in self.identifications
                     if doc_id == c.doc_id and alias_in(c, al)], self.alias_note)

    def dump(self) -> str:
        return json.dumps({
            "entity": self.entity.model_dump(mode="json") if self.entity else None,
            "identifications": [[d, al.model_dump(mode="json")]
                                for d, al in self.identifications],
            "alias_note": self.alias_note}, ensure_ascii=False)

    @classmethod
    def load(cls, text: str) -> EntityNotes:
        data = json.loads(text)
        entity = Entity.model_validate(data["entity"]) if data["entity"] is not None else None
        return cls(entity, [(d, Alias.model_validate(al)) for d, al in data["identifications"]],
                   data["alias_note"])


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
