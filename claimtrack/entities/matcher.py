"""show --entity's matcher: the claims by or about the entities a name refers to."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from claimtrack.aliases import alias_in, describe
from claimtrack.entities.reads import build, build_for_name
from claimtrack.models import Alias, Claim, Entity
from claimtrack.text.names import name_key, name_pattern


class EntityMatcher:
    """Claims by or about the entities a name refers to, through the entity graph:
    "Belhadj" finds what "Abdelhakim Belhadj" says, "he" resolved to him, and the
    quote that calls him "Abu Abdullah Sadik [aka Abdelhakim Belhadj]", marked as
    resting on the author's identification."""

    def __init__(self, db: sqlite_utils.Database, name: str):
        # only the entities the name can refer to: the documents they reach, not all
        self.graph = build_for_name(db, name) if name.strip() else build(db)
        self.found = self.graph.find(name) if name.strip() else []
        self._found = set(self.found)  # `by` asks per claim (1,086 entities for "Trump")
        self.entity: Entity | None = self.graph.records[self.found[0]] if self.found else None
        self._names: dict[str, list[_Names]] = {}
        self._by_doc: tuple[frozenset[str], dict[str, set[str]], list[_Names]] | None = None
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
        if not nodes or not all(n.alias_side and self.graph.only_via_author(n) for n in nodes):
            return None
        key = name_key(name)
        for _, al in self._identifications:
            if name_key(al.alias) == key:
                return describe(al)
        return None

    def _patterns(self, doc_id: str) -> list[_Names]:
        """The names of the found entities in one document (graph.names_in, for all of
        them): their full names, the same in every document, looked up together, and
        the document's own other names. The most frequent person's entities have
        hundreds of full names, and a pattern per name searched per claim cost seconds
        (1.9 million searches for `show --entity Trump` at 3,000 documents)."""
        if doc_id not in self._names:
            if self._by_doc is None:
                full, local = self.graph.names_by_document(self.found)
                names = sorted(s for s in full if s.strip())
                self._by_doc = (frozenset(names), local, [_Names(names)] if names else [])
            full_names, local, common = self._by_doc
            own = sorted(s for s in local.get(doc_id, ()) if s.strip() and s not in full_names)
            self._names[doc_id] = common + ([_Names(own)] if own else [])
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
        return self.graph.entity_of_claim(c.id) in self._found

    def about(self, c: Claim) -> bool:
        texts = [c.content.text, c.source.text if c.source else ""]
        return bool(self._aliases_in(c)) or any(
            names.search(t) for names in self._patterns(c.doc_id) for t in texts if t
        )

    def via(self, c: Claim) -> str | None:
        """'author identifies X as Y' when the match rests on the author's identification."""
        return _via(self._aliases_in(c), self._alias_note)

    def notes(self) -> EntityNotes:
        """What `show --entity` says of the entity besides its claims, apart from the graph."""
        return EntityNotes(self.entity, list(self._identifications), self._alias_note)


_WORD = re.compile(r"\w+")
# the only letters beyond ASCII that re.I matches to an ASCII letter (every code point
# tried: dotted and dotless i, the long s, the Kelvin sign); a text without them names
# an ASCII name only where its words, lower-cased, spell the name's
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


class _Names:
    """Whether a text names any of `names` where its name_pattern would match
    (case-insensitive, whole words, spaces and hyphens alike). A match starts at a
    word that is the name's first word, so an ASCII name is tried only where its
    first word stands (a dict look-up per word of the text), not searched for along
    the whole text; names beyond ASCII, and text with a letter re.I folds to ASCII
    (_FOLDS_TO_ASCII), are searched with every pattern, as before."""

    def __init__(self, names: Sequence[str]) -> None:
        self.patterns = [name_pattern(s) for s in names]
        self.by_first: dict[str, list[re.Pattern[str]]] | None = defaultdict(list)
        for s, p in zip(names, self.patterns, strict=True):
            first = _WORD.match(s)
            if not s.isascii() or first is None:
                self.by_first = None  # a name opening on punctuation, or beyond ASCII
                break
            self.by_first[first.group().lower()].append(p)

    def search(self, text: str) -> bool:
        if self.by_first is None or _FOLDS_TO_ASCII.search(text):
            return any(p.search(text) for p in self.patterns)
        for m in _WORD.finditer(text):
            tried = self.by_first.get(m.group().lower())
            if tried and any(p.match(text, m.start()) for p in tried):
                return True
        return False


def _via(inside: Sequence[Alias], note: str | None) -> str | None:
    if inside:
        return "; ".join(dict.fromkeys(describe(al) for al in inside))
    return note


@dataclass
class EntityNotes:
    """An EntityMatcher's entity record and what its `via` reads (the author's
    identifications of the entity, by document, and the note for a query that names it
    only through one), kept apart from the graph so a read can store them
    (entityview.entity_view)."""

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
