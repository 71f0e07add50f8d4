"""The entity graphs a read asks for, built from the stored facts and kept per database state.

`build` is the whole graph; `build_for_name` and `build_for_claims` build only the
entities a read can involve, whole, by a closure over the stored facts of the
documents they reach (or the stored components), so that they come out exactly as in
the whole graph. The `entities` listing reads the whole graph.
"""

from __future__ import annotations

import functools
import json
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

import sqlite_utils

from claimtrack.entities.facts import (
    DocFacts,
    Node,
    adjacent_edges,
    key_text,
    node_of,
    stored_facts,
)
from claimtrack.entities.graph import EntityGraph
from claimtrack.models import Alias, Claim, Decision, Entity
from claimtrack.store import documents as store
from claimtrack.store import readback
from claimtrack.store.db import StateCache, per_state
from claimtrack.store.decisions import load_decisions
from claimtrack.text.names import canonical_name, name_key


def _order(n: Node, added: str) -> tuple:
    """Where the whole-corpus build makes a node: mentions by document id, then claims
    in (added, document id) order, then aliases by document id."""
    if n.phase == 1:
        return (1, added, n.doc_id, n.seq)
    return (n.phase, n.doc_id, n.seq)


# Graphs of a database state, per open database: one read asks for them more than
# once (`show` and `sources` through the matcher and through source_entities; the
# report per document). Keyed by what was asked: None for the whole graph.
_GRAPHS: StateCache = weakref.WeakKeyDictionary()


def _cached(db: sqlite_utils.Database) -> dict:
    """This database state's graphs (store.db.per_state)."""
    return per_state(db, _GRAPHS)


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
        self.expanded: set[tuple[str, tuple[str, ...]]] = set()  # keys pushed already, and why
        self.stack: list[Node] = []
        self.by_key: dict[tuple[str, ...], list[Node]] = {}

    def load(self, doc_ids: Iterable[str]) -> None:
        todo = [d for d in dict.fromkeys(doc_ids) if d not in self.docs]
        for doc_id, when, text in readback.entity_facts(self.db, todo) or []:
            self.docs[doc_id] = DocFacts.from_json(doc_id, text)
            self.added[doc_id] = when

    def named(self, key: tuple[str, ...]) -> list[Node]:
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

    def node_at(self, doc_id: str, seq: int) -> Node:
        return self.docs[doc_id].nodes[seq]

    def doc_nodes(self, doc_id: str) -> list[Node]:
        """Every node of a loaded document."""
        return self.docs[doc_id].nodes

    def push(self, nodes: Iterable[Node]) -> None:
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
            if n.safe and ("same", n.key) not in self.expanded:
                self.expanded.add(("same", n.key))
                self.push(m for m in self.named(n.key) if m.safe)
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
        self.by_seq: dict[int, Node] = {}
        self.folds = [(a, b) for a, b in edges["folds"]]
        self.author = [(a, b) for a, b in edges["author"]]
        self.aliases = [Alias(**a) for a in edges["aliases"]]
        first = edges["first"]
        # the order the whole-corpus build gives that node (_order)
        self.first_order: tuple = () if first is None else (
            (1, added, doc_id, first[1]) if first[0] == 1 else (first[0], doc_id, first[1]))
        self.complete = False

    @property
    def nodes(self) -> list[Node]:
        return [self.by_seq[k] for k in sorted(self.by_seq)]

    def adjacent(self) -> dict[int, list[int]]:
        return adjacent_edges(self.folds + self.author)


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

    def _put(self, doc_id: str, stored: list) -> Node:
        f = self.docs[doc_id]
        if isinstance(f, _Partial):
            node = f.by_seq.get(stored[1])
            if node is None:
                node = f.by_seq[stored[1]] = node_of(doc_id, stored)
            return node
        return f.nodes[stored[1]]

    def named(self, key: tuple[str, ...]) -> list[Node]:
        found = self.by_key.get(key)
        if found is None:
            if key not in self.key_docs:  # only where the build first meets it (graph)
                self.key_docs[key] = readback.entity_key_first(self.db, key_text(key))
            rows = readback.entity_nodes_named(self.db, key_text(key)) or []
            self.load(d for d, _, _ in rows)
            found = self.by_key[key] = [self._put(d, json.loads(node)) for d, _, node in rows]
        return found

    def take_components(self, key: tuple[str, ...]) -> list[Node]:
        """The nodes of the stored components of a name key's nodes, taken whole (the
        closure they would walk to), and the lookups of their keys the graph orders
        same-name edges by. Only where readback.components_usable."""
        rows = readback.component_nodes(self.db, key_text(key))
        return [n for n in self._take(rows, {key}) if n.key == key]

    def take_components_of(self, nodes: Sequence[Node]) -> None:
        """The stored components of `nodes`, taken whole (take_components)."""
        todo = [(n.doc_id, n.seq) for n in nodes if n.id not in self.seen]
        if todo:
            self._take(readback.component_nodes(self.db, nodes=todo), set())

    def _take(self, rows: list[tuple[str, str, str]], keys: set) -> list[Node]:
        self.load(d for d, _, _ in rows)
        nodes = [self._put(d, json.loads(node)) for d, _, node in rows]
        for k in {n.key for n in nodes} | keys:
            if k not in self.key_docs:
                self.key_docs[k] = readback.entity_key_first(self.db, key_text(k))
        self.seen.update(n.id for n in nodes)
        return nodes

    def node_at(self, doc_id: str, seq: int) -> Node:
        f = self.docs[doc_id]
        if isinstance(f, _Partial):
            node = f.by_seq.get(seq)
            if node is None:
                for stored in readback.entity_nodes_in(self.db, doc_id, [seq]):
                    node = self._put(doc_id, json.loads(stored))
            assert node is not None, (doc_id, seq)
            return node
        return f.nodes[seq]

    def doc_nodes(self, doc_id: str) -> list[Node]:
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


def _extended(db: sqlite_utils.Database, closure: _Closure, start: Iterable[Node],
              before: tuple[int, int] | None = None) -> EntityGraph:
    """The graph of the shared closure once it holds the entities of `start`: whole
    entities, each as in `build` (the graph of several is that of each). Rebuilt
    only when the closure grew since `before` (its size when the caller began to
    extend it: a caller that loaded documents or took components first says so)."""
    graphs = _cached(db)
    if before is None:
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
            # no node has the name: the whole graph's find looks at every entity's
            # name and aliases, which the kept records hold (a misspelt name cost a
            # whole build, 11 s at 3,000 documents, to say there is none)
            if _named_by_no_record(db, name):
                return EntityGraph.assembled([], [], {})
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


def _named_by_no_record(db: sqlite_utils.Database, name: str) -> bool:
    """Whether no entity is called `name` (EntityGraph.find's test on the records: its
    name or an alias, case-folded), read from the kept records of every stored
    component (migration 15), after keeping those of the components with none, a
    batch at a time (entities_page: the whole graph was built instead, 565 MB at
    3,000 documents); False where the records cannot all be kept."""
    version = readback.listing_version()
    folded = canonical_name(name).casefold()

    def unnamed() -> bool:
        for row in readback.entity_rows_naming(db, version, folded):
            e = json.loads(row)
            if folded == e["name"].casefold() or any(folded == a.casefold()
                                                     for a in e["aliases"]):
                return False
        return True
    return bool(readback.read_marked(db, readback.RECORDS_KEPT,
                                     lambda _: entities_page(db, 0) is not None, unnamed))


def build_for_claims(db: sqlite_utils.Database, claims: Sequence[Claim]) -> EntityGraph:
    """The entities the sources of `claims` belong to, whole (entity_of_claim and the
    records as in `build`), built from the documents they reach only."""
    ids = {c.id for c in claims}
    return _built_from(db, list(dict.fromkeys(c.doc_id for c in claims)),
                       lambda n: bool(n.claims & ids))


def build_for_documents(db: sqlite_utils.Database, doc_ids: Sequence[str]) -> EntityGraph:
    """The entities with a node in the documents, whole (their records as in `build`),
    built from the documents they reach only: `entities --doc` built every entity of
    the database (7 s and 530 MB at 3,000 documents) to list one article's."""
    return _built_from(db, list(dict.fromkeys(doc_ids)), lambda n: True)


def _built_from(db: sqlite_utils.Database, docs: list[str],
                start: Callable[[Node], bool]) -> EntityGraph:
    """The entities of the nodes of `docs` that `start` picks, whole, from the stored
    components where they stand for the entities, else by the shared closure's walk."""
    graphs = _cached(db)
    if None in graphs:
        return graphs[None]
    closure = _shared(db)
    if closure is None or len(docs) >= readback.count_documents(db):
        return build(db)
    # what the closure holds before this read grows it: loading the documents and
    # taking their components grow it too (the graph of an earlier read lacked them)
    before = (len(closure.seen), len(closure.docs))
    closure.load(docs)
    nodes = [n for d in docs if d in closure.docs for n in closure.doc_nodes(d) if start(n)]
    if isinstance(closure, _NodeClosure) and readback.components_usable(db):
        closure.take_components_of(nodes)  # whole, from the stored components: no walk
    return _extended(db, closure, nodes, before)


def list_entities(db: sqlite_utils.Database, doc: str | None = None,
                  progress: Callable[[int, int], None] | None = None) -> list[Entity]:
    """`claimtrack entities`: every entity, or those of one document (id, prefix or name).
    `progress(done, total)`: the entity nodes built so far, of all (whole corpus only)."""
    if doc is None:
        return corpus_entities(db, progress)
    doc_id = store.get_document(db, doc).id
    return build_for_documents(db, [doc_id]).entities(doc_id)


# nodes of stored components built into one graph at a time by corpus_entities
BATCH_NODES = 10_000


def corpus_entities(db: sqlite_utils.Database,
                    progress: Callable[[int, int], None] | None = None) -> list[Entity]:
    """Every entity (build(db).entities()), built from the stored components a batch
    of about BATCH_NODES nodes at a time, each component whole, its records kept and
    its nodes dropped: memory holds a batch and the records, not the whole graph.
    A component's records are stored (entity_rows, migration 15) and kept across
    writes until its nodes, or a safe node sharing a name key with them, change: only
    the other components are built. Where the components cannot stand for the
    entities (readback.components_usable: a user's merge or split, an old database),
    the whole graph is built."""
    # usable components imply the node table and every document's facts: a node closure
    sizes = readback.component_sizes(db) if readback.components_usable(db) else None
    if not sizes or sizes[0][0] is None:
        return build(db).entities()
    version = readback.listing_version()
    before = readback.data_version(db)
    kept = readback.entity_rows(db, version)
    found: list[tuple[tuple, Entity]] = []
    if kept:
        found.extend((tuple(json.loads(sort)), Entity.model_validate_json(row))
                     for comp, _ in sizes for sort, row in kept.get(comp, ()))  # type: ignore[arg-type]
        sizes = [(comp, n) for comp, n in sizes if comp not in kept]
    built, rows, _ = _build_components(db, sizes, kept is not None,  # type: ignore[arg-type]
                                       progress)
    found.extend(built)
    readback.store_entity_rows(db, version, before, rows)
    found.sort(key=lambda x: (-x[1].claims_by, -x[1].mentions, x[1].name.casefold(),
                              x[1].name, x[0]))
    return [e for _, e in found]


def entities_countable(db: sqlite_utils.Database) -> bool:
    """Whether the listing is the kept records (entities_page can read it)."""
    return readback.components_usable(db)


def entities_page(db: sqlite_utils.Database, limit: int | None, offset: int = 0,
                  progress: Callable[[int, int], None] | None = None) -> list[Entity] | None:
    """A page of corpus_entities read from the kept records in SQL (each stores its
    place in the listing, listing_rank: migration 18), after building and keeping
    those of the components with none: the first read after a write builds what the
    write changed and reads one page, instead of decoding and sorting every record.
    None where the records cannot all be kept (components not usable, an old or
    read-only database, another writer, a record no component owns): the caller
    lists them in memory (corpus_entities)."""
    if not entities_countable(db):
        return None
    version = readback.listing_version()

    def keep(before: int) -> bool:
        missing = readback.components_without_records(db, version)
        if missing is None or (missing and missing[0][0] is None):
            return False
        # each batch kept as it is built, the mark with the last
        return _build_components(
            db, missing, True, progress,  # type: ignore[arg-type]
            functools.partial(readback.store_entity_rows, db, version, before))[2]
    return readback.read_marked(
        db, readback.RECORDS_KEPT, keep,
        lambda: [Entity.model_validate_json(r)
                 for r in readback.entity_rows_page(db, version, offset, limit)])


def listing_rank(e: Entity, order: tuple) -> str:
    """Text that sorts as corpus_entities sorts (most claims, most mentions, name
    case-folded, name, the first node's place in the whole graph's order): counts
    as the complement of a fixed width, fields parted by a character below any in a
    name, so a name sorts before the longer names it begins."""
    place = SEP.join(f"{x:010d}" if isinstance(x, int) else str(x) for x in order)
    return SEP.join((f"{RANK_MAX - e.claims_by:010d}", f"{RANK_MAX - e.mentions:010d}",
                     e.name.casefold(), e.name, place))


SEP = "\x01"
RANK_MAX = 9_999_999_999


Rows = list[tuple[str, int, str, str, str]]  # (comp, j, sort JSON, Entity JSON, listing rank)


def _build_components(db: sqlite_utils.Database, sizes: list[tuple[str, int]], keep: bool,
                      progress: Callable[[int, int], None] | None,
                      sink: Callable[[Rows, bool], bool] | None = None
                      ) -> tuple[list[tuple[tuple, Entity]], Rows, bool]:
    """The entity records of the components `sizes` names, built a batch of about
    BATCH_NODES nodes at a time (with their place in the whole graph's order); with
    `keep`, their rows to store (comp, j, sort JSON, Entity JSON, listing rank); and
    whether every record has its row (a record no component owns makes its batch keep
    none). With a `sink`, each batch's rows go to it (with whether the batch is the
    last) instead of being held, and no record is returned: memory holds one batch,
    not every component's records (the first read of a large database, where none is
    kept yet). A sink that returns False, or a batch that keeps none, stops the build
    (complete False)."""
    found: list[tuple[tuple, Entity]] = []
    built: Rows = []
    complete = True
    batch: list[str] = []
    held = done = 0
    total = sum(n for _, n in sizes)
    if sink is not None and not sizes:
        return found, built, sink([], True)
    for i, (comp, n) in enumerate(sizes):
        batch.append(comp)
        held += n
        if held < BATCH_NODES and i + 1 < len(sizes):
            continue
        closure = _NodeClosure(db, [])
        closure._take(readback.component_nodes(db, comps=batch), set())
        graph = closure.graph()
        comp_of = readback.node_components(db, batch) if keep else {}
        js: dict[str, int] = {}
        rows: Rows | None = [] if keep else None
        for j, g in enumerate(graph.groups):
            # ties in the whole graph's order: by each entity's first node
            record = graph.records[j]
            if sink is None:
                found.append((g[0].order, record))
            c = comp_of.get((g[0].doc_id, g[0].seq))
            if c is None:  # a record no component owns: keep none of the batch's
                rows = None
            elif rows is not None:  # stored as its component's j-th record
                js[c] = js.get(c, -1) + 1
                rows.append((c, js[c], json.dumps(g[0].order), record.model_dump_json(),
                             listing_rank(record, g[0].order)))
        if rows is None:
            complete = False
        if sink is not None:
            if rows is None or not sink(rows, i + 1 == len(sizes)):
                return found, built, False
        else:
            built.extend(rows or ())
        done += held
        if progress is not None:
            progress(done, total)
        batch, held = [], 0
    return found, built, complete
