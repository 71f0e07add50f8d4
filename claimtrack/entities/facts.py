"""A document's part of the entity graph: its name nodes and its own edges, as stored.

Within a document each name is a node: "Belhadj" and "Abdelhakim Belhadj" are two
nodes; a claim whose source the resolver named ("he" -> Abdelhakim Belhadj) counts for
that name's node. A source that is a descriptor, not a name ("an unnamed US
intelligence official"), is an anonymous node of its document only; bare pronouns
nobody resolved are no one. The document's own edges are its folds (a surname, or any
part, of a person named in full there) and the author's identifications ("Sadik [aka
Abdelhakim Belhadj]"). All of it depends on that document alone, so it is computed when
the document is written (stored_facts) and stored with it (entity_facts, entity_nodes).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlite_utils

from claimtrack.models import Alias, Claim
from claimtrack.store import readback
from claimtrack.store.documents import get_text
from claimtrack.store.entitystore import SAFE_SINGLE
from claimtrack.text.headlines import (
    GENERATIONS,
    BodyPeople,
    body_people,
    cut_mentions,
    run_on_span,
)
from claimtrack.text.names import (
    HONORIFICS,
    NAME_LABELS,
    canonical_name,
    key_runs,
    name_key,
    surface_order,
    title_case_heading,
)
from claimtrack.text.sourcephrase import PLATFORMS
from claimtrack.text.sourcephrase import PRONOUNS as SOURCE_PRONOUNS

# sources that are only these words refer to someone the resolver did not find
PRONOUNS = SOURCE_PRONOUNS | frozenset(
    {"me", "us", "himself", "herself", "itself", "themselves", "ourselves", "myself"}
    | {"yourself"}
    # a possessive the resolver left ("his claim that ...", a noun cue's source): an
    # entity "his" of 16 dev articles, a source "his" of 18 claims
    | {"hers", "theirs", "our", "ours", "your", "my"}
)


def contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    """Is `small` a shorter run of `big`'s words ("belhadj" in "abdelhakim belhadj")?"""
    n = len(small)
    return 0 < n < len(big) and any(big[i : i + n] == small for i in range(len(big) - n + 1))


# a node: (document id, anonymous, name key)
NodeId = tuple[str, bool, tuple[str, ...]]


@dataclass
class Node:
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
    # a one-word name its document folds into a person's full name (_folded_people)
    person_part: bool = False

    @property
    def id(self) -> NodeId:
        return (self.doc_id, self.anonymous, self.key)

    @property
    def label(self) -> str | None:
        if self.labels["PERSON"]:
            return "PERSON"
        return self.labels.most_common(1)[0][0] if self.labels else None

    @property
    def safe(self) -> bool:
        """Whether the node joins every other safe node of its key across documents: a
        full name, or a one-word organisation or place (entitystore.node_columns)."""
        return not self.anonymous and (
            len(self.key) >= 2 or (self.label in SAFE_SINGLE and not self.person_part))

    @property
    def surface(self) -> str:
        return min(self.surfaces, key=lambda s: surface_order(s, self.surfaces[s]))

    @property
    def weight(self) -> int:
        return len(self.spans) + len(self.claims)


# platforms the recogniser takes for people (text.sourcephrase.PLATFORMS): each
# document's "Twitter" was an entity of its own (40 of the 560 dev articles)
_PLATFORMS = frozenset((w,) for w in PLATFORMS)


def _role(descriptor: str) -> bool:
    """Whether a source phrase ends on a title, its head ("the Florida senator", "the
    Syrian president"): a role, where a title before a name ("Senator Rubio") is an
    honorific."""
    words = descriptor.split()
    return len(words) >= 2 and words[-1].casefold().strip(".") in HONORIFICS


def _is_pronoun(text: str) -> bool:
    words = [w.casefold() for w in re.findall(r"[\w']+", text)]
    return bool(words) and all(w in PRONOUNS for w in words)


class _DocBuilder:
    """One document's nodes and its own edges (folds, the author's identifications):
    all that depends on that document alone, stored with it at write time."""

    def __init__(self, doc_id: str):
        self.doc_id = doc_id
        self.nodes: dict[tuple, Node] = {}
        self.phase = 0
        self.item = 0
        self.heading = 0  # where the body starts after a Title Case headline (facts)
        self.body = BodyPeople(set(), [], "")

    def named(self, text: str, label: str | None, count: bool = True) -> Node | None:
        key = name_key(text)
        if not key:
            return None
        node = self._node(False, key)
        if count or not node.surfaces:
            node.surfaces[canonical_name(text)] += 1
        if key in _PLATFORMS:  # an organisation, whoever named it: NER or a claim's source
            label = "ORG"
        if label:
            node.labels[label] += 1
        return node

    def cut(self, name: str, start: int) -> str:
        """A name at `start` as the entity graph takes it: a person NER ran on in a
        Title Case headline cut to the name the body knows (headlines.run_on_span)."""
        if start < self.heading and (span := run_on_span(name, self.body)):
            return name[span[0]:span[1]]
        return name

    def _node(self, anonymous: bool, key: tuple[str, ...]) -> Node:
        node = self.nodes.get((anonymous, key))
        if node is None:
            node = Node(self.doc_id, key, anonymous, phase=self.phase, seq=len(self.nodes),
                         item=self.item)
            self.nodes[(anonymous, key)] = node
        return node

    def claim(self, c: Claim) -> None:
        if c.source is None:
            return
        info = c.source_info.type if c.source_info else None
        if c.source_entity:
            node = self.named(self.cut(c.source_entity, c.source.start), None)
        elif _is_pronoun(c.source.text) or info == "self":
            return
        else:
            descriptor = canonical_name(c.source.text)
            key = name_key(descriptor) or (descriptor.casefold(),)
            if _role(descriptor):
                # "the Vermont senator" is no "Vermont" (name_key drops "senator" as
                # the honorific of "Senator Sanders"): its claims went to the state,
                # listed as an entity "Vermont senator" of 71 dev articles
                node = self._node(True, tuple(w.casefold() for w in descriptor.split()))
            else:  # a name the resolver left as it was, else a descriptor of this document
                node = self.nodes.get((False, key)) or self._node(True, key)
            node.surfaces[descriptor] += 1
        if node is None:
            return
        node.claims.add(c.id)
        node.spans.add((c.source.start, c.source.end))
        if info == "person" and node.key in _PLATFORMS:
            info = "organization"  # typed by the recogniser's PERSON before rules 1.28.0
        if info and info != "unknown":
            node.types[info] += 1

    def facts(
        self,
        mentions: Sequence[tuple[int, int, str, str]],
        claims: Sequence[Claim],
        aliases: Sequence[Alias],
        text: str = "",
    ) -> DocFacts:
        self.heading = title_case_heading(text)
        self.body = body_people(mentions, self.heading, text)
        cut = cut_mentions(mentions, self.heading, self.body)
        for self.item, (start, end, name, label) in enumerate(cut):
            # "MR." alone is a name NER tagged with nothing left once the
            # honorific is dropped: no one to count it for
            if label in NAME_LABELS and (node := self.named(name, label)):
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
        folds = _folds(nodes, _surnames(nodes, text) if text else set())
        _folded_people(nodes, folds)
        return DocFacts(self.doc_id, nodes, folds, author, list(aliases))


def _shorter_runs(key: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where each shorter run of a name key's words is (contains() true)."""
    return key_runs(key)[:-1]


def _pairing(p: Node, keys: set[tuple[str, ...]]) -> bool:
    """Whether a "person" holds two other people: NER takes a Title Case headline's
    "Hillary Clinton Slams Donald Trump", or "the Trump-Clinton race", for one name.
    Folded into it, both were one entity in that document, and since a full name
    joins every document that prints it, Clinton and Trump were one entity across
    the 560 dev articles of PolNeAR ("Ms Clinton", 541 documents). Two full names of
    the document inside it, apart, or a hyphen between two of its names, make it no
    one's full name ("Hillary Rodham Clinton" holds "Hillary" and "Clinton": one
    person); so does a conjunction ("Hillary & Chelsea Clinton Foundation", a PERSON
    to NER: Chelsea Clinton's entity listed "Hillary" as an alias)."""
    if "&" in p.key or "and" in p.key:
        return True
    runs = [(i, j) for i, j in _shorter_runs(p.key) if p.key[i:j] in keys]
    full = [r for r in runs if r[1] - r[0] >= 2]
    if any(a[1] <= b[0] for a in full for b in full):
        return True
    if len(p.key) == 2 and (0, 1) in runs and (1, 2) in runs:
        return any("-" in s for s in p.surfaces)  # "Trump-Clinton"
    return False


# labels of a name that is no person's: an organisation, a building, a place
_BODIES = frozenset({"ORG", "FAC", "GPE"})
# a one-word name of these labels folds into a person only as the surname: NER tags
# "Kasich" GPE (52 mentions in 24 of the 560 dev articles, 23 of them naming John Kasich),
# and a one-word place joins every document's like-named one: "Kasich" was an
# "organization" of 19 documents and 8 claims. Not "Trump's Indiana" (a possessive:
# a run-on, no person), nor a place its document puts something in ("in Washington"
# beside George Washington: _LOCATIVE).
_PLACES = frozenset({"GPE", "LOC", "FAC"})
_LOCATIVE = re.compile(r"\b(?:in|at|near|across|outside|around|into|throughout)\s+$",
                       re.IGNORECASE)


def _person_and_body(key: tuple[str, ...], persons: set[tuple[str, ...]],
                     bodies: set[tuple[str, ...]]) -> bool:
    """Whether a "person" is one of the document's people followed or led by one of
    its organisations of two words or more: NER tagged "Obama White House" PERSON in
    5 of the 560 dev articles, and folded into it, Obama and the White House were one
    entity (the White House listed "Obama" as an alias). Narrow on purpose: a
    person's name holding an organisation's ("Marine Le Pen" beside a party "Le Pen")
    is still a name."""
    return any((key[:i] in persons and key[i:] in bodies)
               or (key[:i] in bodies and key[i:] in persons) for i in range(1, len(key)))


def _without_initials(key: tuple[str, ...]) -> tuple[str, ...]:
    """A name key without its middle initials ("donald j trump" -> "donald trump",
    "george h w bush" -> "george bush"); the key itself when it has none."""
    if len(key) < 3:
        return key
    middle = [w for w in key[1:-1] if not (len(w) == 1 and w.isalpha())]
    return (key[0], *middle, key[-1])


def _surnames(nodes: Sequence[Node], text: str) -> set[tuple[str, ...]]:
    """The keys of the one-word places of the document `text` that may be a surname:
    those it does not put something in ("in Washington") a third of the times it names
    them ("his arm around Kasich" once in eight is a surname)."""
    return {n.key for n in nodes if len(n.key) == 1 and n.label in _PLACES and 3 * sum(
        bool(_LOCATIVE.search(text, max(0, a - 12), a)) for a, _ in n.spans) < len(n.spans)}


def _folds(nodes: Sequence[Node], surnames: set[tuple[str, ...]] | None = None
           ) -> list[tuple[int, int]]:
    """Within a document: a part of a person's full name is that person; so is a
    one-word place of `surnames` (_surnames: only where the text is known) that is the
    surname of a person named in full."""
    named = [n for n in nodes if not n.anonymous]
    keys = {n.key for n in named}
    persons = {n.key for n in named if n.label == "PERSON"}
    bodies = {n.key for n in named if len(n.key) >= 2 and n.label in _BODIES}
    people = [n for n in named if (n.label == "PERSON" or n.types["person"])
              and not _pairing(n, keys) and not _person_and_body(n.key, persons, bodies)]
    # each person under every shorter run of its name, in order: a long document names
    # thousands, and testing every pair (contains) was quadratic
    holding: dict[tuple[str, ...], list[Node]] = defaultdict(list)
    initialled: dict[tuple[str, ...], list[Node]] = defaultdict(list)  # by the key less them
    for p in people:
        for run in dict.fromkeys(p.key[i:j] for i, j in _shorter_runs(p.key)):
            holding[run].append(p)
        if len(bare := _without_initials(p.key)) < len(p.key):
            initialled[bare].append(p)
    edges = []
    for small in named:
        place = small.label in _PLACES
        if small.label not in (None, "PERSON", "ORG") and not (
                place and surnames and small.key in surnames):
            continue
        # "Donald Trump Jr." holds "Donald Trump" and is someone else; "Trump Jr." is him
        bigger = [p for p in holding.get(small.key, ())
                  if p.key[-1] not in GENERATIONS or small.key[-1] == p.key[-1]]
        if place:  # a surname NER called a place: the surname of a person named in full
            bigger = [p for p in bigger if p.key[-1] == small.key[0]
                      and not any("'" in w for w in p.key)]
        # "Donald Trump" is the document's Donald J. Trump; "George Bush" beside George
        # H. W. Bush and George W. Bush is neither
        if len(alike := initialled.get(small.key, [])) == 1:
            bigger.append(alike[0])
        if not bigger:
            continue

        def rank(p: Node) -> tuple[int, int]:
            return (len(p.key), p.weight)

        best = max(bigger, key=rank)
        # "Clinton" with two Clintons named alike: leave it alone
        if [rank(p) for p in bigger].count(rank(best)) == 1:
            edges.append((small.seq, best.seq))
    return edges


def _folded_people(nodes: Sequence[Node], folds: list[tuple[int, int]]) -> None:
    """A one-word name its document folds into a person's full name is that person's
    name there, whatever NER called it: like a one-word person name, it joins no other
    document's ("Clinton": which one?). NER tags a bare "Trump" ORG now and then, and a
    one-word organisation joins every document's like-named one ("NATO"): "Trump"
    folded into Eric Trump in one document and into Donald Trump in another made the
    two one entity (with the Trump Taj Mahal). Its labels stay NER's (they type it)."""
    by_seq = {n.seq: n for n in nodes}
    for small, _ in folds:
        if len(by_seq[small].key) == 1:
            by_seq[small].person_part = True


def adjacent_edges(edges: list[tuple[int, int]]) -> dict[int, list[int]]:
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
    nodes: list[Node]  # in the order the document makes them (seq)
    folds: list[tuple[int, int]]  # (small seq, full name seq)
    author: list[tuple[int, int]]  # (alias seq, identified name seq)
    aliases: list[Alias]

    def to_json(self) -> str:
        nodes = [[n.phase, n.seq, n.item, int(n.anonymous), list(n.key),
                  list(n.surfaces.items()), list(n.labels.items()), list(n.types.items()),
                  sorted(n.spans), sorted(n.claims), int(n.alias_side), int(n.identified),
                  int(n.person_part)]
                 for n in self.nodes]
        return json.dumps({"nodes": nodes, "folds": self.folds, "author": self.author,
                           "aliases": [a.model_dump() for a in self.aliases]},
                          ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, doc_id: str, text: str) -> DocFacts:
        data = json.loads(text)
        nodes = [node_of(doc_id, n) for n in data["nodes"]]
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
        return adjacent_edges(self.folds + self.author)


def node_of(doc_id: str, stored: list) -> Node:
    """A node from its stored JSON entry (DocFacts.to_json, entity_nodes.node)."""
    (phase, seq, item, anon, key, surfaces, labels, types, spans, claims, alias_side,
     identified, *part) = stored  # facts drawn before 2026-11-29.7 end at `identified`
    return Node(doc_id, tuple(key), bool(anon), _counter(surfaces), _counter(labels),
                 _counter(types), {(a, b) for a, b in spans}, set(claims), bool(alias_side),
                 bool(identified), phase, seq, item, person_part=bool(part and part[0]))


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
    text: str = "",
) -> DocFacts:
    """A document's entity nodes and own edges from its mentions (text order), claims
    (seq order), aliases (start order) and stored text (its Title Case headline's
    names: headlines.headline_cut)."""
    return _DocBuilder(doc_id).facts(mentions, claims, aliases, text)


def stored_facts(db: sqlite_utils.Database, doc_id: str) -> DocFacts:
    """A stored document's entity facts, computed from its rows (write time, and reads
    of documents stored before entity_facts was)."""
    mentions = [(m.start, m.end, m.text, m.label)
                for m in readback.load_mentions(db, doc_id).get(doc_id, [])]
    return document_facts(doc_id, mentions, readback.load_claims(db, doc_id),
                          readback.load_aliases(db, doc_id).get(doc_id, []),
                          get_text(db, doc_id))
