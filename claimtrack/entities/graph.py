"""The entities of a set of documents' facts: edges in order, the decisions replayed, records.

Edges, in this order of strength: the user's merges (replayed in order; the last
decision about a pair wins); the documents' folds; the author's identifications; across
documents, only when safe, the same full name of >= 2 words or the same one-word
organisation/place name ("NATO", "Libya"), never a one-word person name ("Clinton":
which one?) nor an anonymous descriptor. A split A B forbids any edge that would put a
name of A and a name of B in one entity. An entity is a connected group; its name is
the user's choice (merge A B names it A), else the name the author identifies others
as, else the fullest, most referred-to name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import overload

from claimtrack.entities.facts import (
    GENERATIONS,
    DocFacts,
    Node,
    NodeId,
    contains,
    document_facts,
)
from claimtrack.errors import NotFoundError
from claimtrack.models import Alias, Claim, Decision, Entity
from claimtrack.text.names import canonical_name, name_key
from claimtrack.unionfind import UnionFind

# an entity's type from its names' NER labels, where no claim typed its source
LABEL_TYPE = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place",
              "FAC": "place"}


class _Records(Sequence[Entity]):
    """EntityGraph.records, each built when first asked for: a read that needs only
    some entities, or only their names (name_of), skips the records of the rest."""

    def __init__(self, graph: EntityGraph):
        self.graph = graph
        self.built: dict[int, Entity] = {}

    def __len__(self) -> int:
        return len(self.graph.groups)

    @overload
    def __getitem__(self, i: int) -> Entity: ...

    @overload
    def __getitem__(self, i: slice) -> list[Entity]: ...

    def __getitem__(self, i: int | slice) -> Entity | list[Entity]:
        if isinstance(i, slice):
            return [self[j] for j in range(len(self))[i]]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        if i not in self.built:
            self.built[i] = self.graph._record(self.graph.groups[i])
        return self.built[i]


def _without_run_ons(name: str, aliases: list[str], told: Counter[str]) -> list[str]:
    """The aliases less the names the recogniser ran on once into the words beside
    them: "Certainly Donald Trump", "Donald Trump Playing Dumb", a Title Case
    headline's "Hillary Clinton Drops" (14 of Donald Trump's 17 aliases across the
    560 dev articles). A surface one document prints that holds the entity's name, or
    an alias more documents print, and two more words or one after it, is left out of
    the list; so is one any number of documents print holding the name and three more
    words (a caption two pages of one outlet share: "Marco Rubio Responds To
    Question"). The node stays in the entity (and is found by its name)."""
    key = {a: name_key(a) for a in [name, *aliases]}
    solid = [key[name], *(key[a] for a in aliases if told[a] > 1)]

    def run_on(big: tuple[str, ...], k: tuple[str, ...]) -> bool:
        # two more words, or one after the name: a word before it may be a first
        # name or a title ("Donald Trump Jr." holds "Trump Jr."), one after a
        # generation ("Jr.") is part of a name
        if not k or not contains(big, k):
            return False
        return len(big) - len(k) >= 2 or (big[: len(k)] == k and big[-1] not in GENERATIONS)

    def long(a: str) -> bool:
        return contains(key[a], key[name]) and len(key[a]) - len(key[name]) >= 3

    return [a for a in aliases if not long(a)
            and (told[a] > 1 or not any(run_on(key[a], k) for k in solid))]


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
        groups: dict[tuple[str, ...], list[Node]] = defaultdict(list)
        for n in self.nodes.values():
            if not n.anonymous:
                groups[n.key].append(n)
        edges = []
        for key in sorted(groups, key=lambda k: key_first.get(k) or groups[k][0].order):
            nodes = groups[key]
            if len(key) < 2:
                nodes = [n for n in nodes if n.safe]
            for other in nodes[1:]:
                edges.append((nodes[0].id, other.id, "same name"))
        return edges

    def nodes_named(self, name: str) -> list[Node]:
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
        uf: UnionFind[NodeId] = UnionFind(keep="first")
        keys: dict[tuple, set[tuple[str, ...]]] = {}
        for nid, n in self.nodes.items():
            uf.find(nid)
            keys[nid] = {n.key}
        self.edge_reasons: dict[frozenset, str] = {}
        for a, b, why in user_edges + edges:
            ra, rb = uf.find(a), uf.find(b)
            if ra == rb:
                continue
            keys_a, keys_b = keys[ra], keys[rb]
            if any((x in keys_a and y in keys_b) or (y in keys_a and x in keys_b)
                   for x, y in splits):
                continue
            uf.union(ra, rb)
            keys[ra] = keys_a | keys_b
            self.edge_reasons[frozenset((a, b))] = why
        groups: dict[tuple, list[Node]] = defaultdict(list)
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

    def _best(self, group: list[Node]) -> Node:
        """The name to show: the user's, else the author's identification, else the most
        referred-to full name ("Donald Trump", not a headline's "Donald Trump Playing Dumb"
        nor the bare "Trump")."""
        weight: Counter[tuple[str, ...]] = Counter()
        for n in group:
            weight[n.key] += n.weight

        def rank(n: Node) -> tuple[int, bool, bool, bool, bool, int, int, str]:
            # a full name by its key, which leaves honorifics out: "Ms Clinton" is the
            # surname, and its key weighs every "Clinton" of the group
            full = len(n.key) >= 2
            return (self.preferred.get(n.id, -1), not n.anonymous, not n.alias_side,
                    n.identified, full, weight[n.key], -len(n.key), n.surface)

        return max(group, key=rank)

    def _record(self, group: list[Node], doc_id: str | None = None) -> Entity:
        best = self._best(group)
        nodes = [n for n in group if doc_id is None or n.doc_id == doc_id]
        name = best.surface
        seen = {name.casefold()}
        aliases = []
        told: Counter[str] = Counter()  # surface -> documents that print it
        for n in sorted(group, key=lambda n: (-n.weight, n.surface)):
            told.update(n.surfaces.keys())
            for s in n.surfaces:
                if s.casefold() not in seen:
                    seen.add(s.casefold())
                    aliases.append(s)
        aliases = _without_run_ons(name, aliases, told)
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
            | {n.surface for n in group if n.alias_side and self.only_via_author(n)}
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

    def only_via_author(self, node: Node) -> bool:
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
        # in a graph of only some entities as in the whole one. The record's claims_by
        # and name without building the records: "Trump" hits 1,086 entities at 3,000
        # documents, and a record reads every node of its entity.
        return sorted(hits, key=lambda i: (-sum(len(n.claims) for n in self.groups[i]),
                                           self.name_of(i), i))

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
        return i == j or any(a == b or contains(a, b) or contains(b, a) for a in ki for b in kj)

    def entity_of_claim(self, claim_id: str) -> int | None:
        node = self.claim_node.get(claim_id)
        return None if node is None else self.group_of[node]

    def group_nodes(self, index: int) -> list[Node]:
        return self.groups[index]

    def names_in(self, index: int, doc_id: str) -> list[str]:
        """How the texts call the entity in one document: its names there, and its full
        names (>= 2 words, not an author's alias) from anywhere."""
        if not hasattr(self, "_names"):
            self._names: dict[int, tuple[set[str], dict[str, set[str]]]] = {}
        if index not in self._names:  # the full names, and the names by document, once
            self._names[index] = self.names_by_document([index])
        full, local = self._names[index]
        return sorted(full | local.get(doc_id, set()), key=lambda s: (-len(s), s))

    def names_by_document(self, indexes: Sequence[int]) -> tuple[set[str], dict[str, set[str]]]:
        """names_in of several entities at once: (their full names, found in every
        document; their names by document), so that the names of entity i in document d
        are full | by_doc[d] for the union. One pass over their nodes, where names_in
        asked per entity and document."""
        full: set[str] = set()
        local: dict[str, set[str]] = defaultdict(set)
        for index in indexes:
            for n in self.groups[index]:
                if n.anonymous:
                    continue
                local[n.doc_id].update(n.surfaces)
                if len(n.key) >= 2 and not n.alias_side:
                    full.update(n.surfaces)
        return full, dict(local)

    def author_identifications(self, index: int) -> list[tuple[str, Alias]]:
        """(doc id, alias) for the author identifications that tie this entity together."""
        group = {n.id for n in self.groups[index]}
        if not hasattr(self, "_alias_keys"):  # once a graph: `show --entity Trump` asks
            # for each of its 1,086 entities at 3,000 documents
            self._alias_keys = [(doc_id, al, name_key(al.alias), name_key(al.name))
                                for doc_id, found in self.aliases.items() for al in found]
        return [(doc_id, al) for doc_id, al, a, b in self._alias_keys
                if (doc_id, False, a) in group and (doc_id, False, b) in group]


def _spans_by_doc(nodes: Iterable[Node]) -> list[list[set[tuple[int, int]]]]:
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
