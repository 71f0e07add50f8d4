"""The claims by or about a name: what `--entity` selects in claims, show, timeline, report.

A claim is *by* a name when the name is its source (the resolved source entity, or
the head of the source phrase), *about* it when its content names it or its source
does without being it; the entity graph (claimtrack.entities' EntityMatcher) adds
the names and claims it knows to be the same entity. Only the few columns that
decide this are read, for the claims whose texts can match (SQL's LIKE on a word
of each name); the selection is stored as the listings are (migration 8).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import sqlite_utils

from claimtrack.entities import EntityMatcher
from claimtrack.errors import NotFoundError
from claimtrack.models import Claim
from claimtrack.store import readback
from claimtrack.text.names import name_pattern
from claimtrack.text.sourcephrase import APPOSITION


class _Matcher:
    """Claims by or about a name.

    Where a document names a *person* in full, the surname alone refers to
    them there ("Abdelhakim Belhadj ... Belhadj said"): for that document the
    surname matches too. Only persons: "Times" is not "the New York Times".
    """

    def __init__(self, db: sqlite_utils.Database, name: str, every: Sequence[Claim | _Light]):
        self.full = name_pattern(name)
        words = name.split()
        self.short: re.Pattern[str] | None = None
        self.docs: set[str] = set()
        if len(words) >= 2 and len(words[-1]) >= 3:
            self.short = name_pattern(words[-1])
            # the mentions that can hold the full name: a match holds its longest word
            rows = readback.person_mentions_like(db, _needle(name))
            self.docs = {d for d, text in rows if isinstance(text, str) and self.full.search(text)}
            self.docs |= {
                c.doc_id for c in every if c.source_entity and self.full.search(c.source_entity)
            }

    def _patterns(self, doc_id: str) -> list[re.Pattern[str]]:
        if self.short is not None and doc_id in self.docs:
            return [self.full, self.short]
        return [self.full]

    def _hit(self, doc_id: str, text: str | None) -> bool:
        if not text:
            return False
        return any(p.search(text) for p in self._patterns(doc_id))

    def by(self, c: Claim) -> bool:
        """The entity is the source: its resolved name, or the head of the source phrase."""
        if self._hit(c.doc_id, c.source_entity):
            return True
        if c.source is None:
            return False
        return any(_heads_with(p, c.source.text) for p in self._patterns(c.doc_id))

    def about(self, c: Claim) -> bool:
        """The content names the entity, or the source does without being it."""
        src = c.source.text if c.source else None
        return self._hit(c.doc_id, c.content.text) or self._hit(c.doc_id, src)


_PREPOSITIONS = frozenset({"for", "of", "to", "from", "with", "by", "at", "in", "on", "about"})
_CONJUNCTION = re.compile(r"\s+(?:and|&)\s+", re.I)


def _heads_with(pat: re.Pattern[str], source: str) -> bool:
    """Does a name end the source phrase (each conjunct, before any apposition)?

    "the pro-Russian commander Khalifa Haftar", "Haftar, the commander of ..."
    and "Reuters and Haftar" are Haftar; "a spokesman for Haftar", "Haftar's
    forces" and "the Belhadj episode in Libya" are not.
    """
    head = APPOSITION.split(source, maxsplit=1)[0]
    for part in _CONJUNCTION.split(head):
        part = part.strip().rstrip(".'\"\u2019\u201d")
        hits = list(pat.finditer(part))
        if not hits or hits[-1].end() != len(part):
            continue
        before = part[: hits[-1].start()].split()
        if not before or before[-1].casefold() not in _PREPOSITIONS:
            return True
    return False


@dataclass(frozen=True)
class _Text:
    text: str
    start: int = 0
    end: int = 0


class _Light:
    """The columns of a claim that decide whether it is by or about a name (what
    _Matcher and entities.EntityMatcher read), without building the whole Claim."""

    __slots__ = ("id", "doc_id", "source_entity", "source", "content")

    def __init__(self, cid: str, doc_id: str, source_entity: str | None,
                 source_text: str | None, content_text: str, start: int, end: int):
        self.id, self.doc_id, self.source_entity = cid, doc_id, source_entity
        self.source = _Text(source_text) if source_text is not None else None
        self.content = _Text(content_text or "", start, end)


_NAME_PARTS = re.compile(r"[\s\-\u2010-\u2014]+")


def _needle(name: str) -> str | None:
    """A word every text that name_pattern(name) matches holds (its longest part),
    for SQL's LIKE; None when it is not ASCII (LIKE folds only ASCII case)."""
    parts = [p for p in _NAME_PARTS.split(name.strip()) if p]
    if not parts:
        return None
    best = max(parts, key=len)
    return best.casefold() if best.isascii() else None


def _needles(names: Iterable[str]) -> list[str] | None:
    """Few words such that every text matching one of `names` (name_pattern) holds
    one of them: a text matching a name holds each of its parts, so one part per
    name will do, and a part shared by several names ("Clinton") covers them all.
    None when some name has no ASCII part (LIKE folds only ASCII case)."""
    todo = []
    for name in names:
        parts = {p.casefold() for p in _NAME_PARTS.split(name.strip()) if p and p.isascii()}
        if not parts:
            return None
        todo.append(parts)
    chosen: list[str] = []
    while todo:
        counts: dict[str, int] = defaultdict(int)
        for parts in todo:
            for p in parts:
                counts[p] += 1
        word = max(sorted(counts), key=lambda p: (counts[p], len(p)))
        chosen.append(word)
        todo = [parts for parts in todo if word not in parts]
    return sorted(chosen)


def entity_selection(
    db: sqlite_utils.Database, name: str, doc_id: str | None = None, author: bool = False
) -> tuple[Callable[[], EntityMatcher], list[tuple[str, str, str]]]:
    """(the entity matcher, built when called, [(claim id, doc id, "by" | "about")] in
    listing order) of
    the claims by or about `name`, as `claims --entity`, `show`, `timeline --entity`
    and `report --entity` select them.

    Only claims that can match are read, and only their few columns: those whose
    texts hold a word of the name or of a name of its entities (the patterns' longest
    parts, found by SQL), those the entities' nodes hold, and those of documents
    where the author identifies the entity. Whole claims are read later, only for
    what a read shows."""
    name_pattern(name)  # reject an empty name before the work

    built: list[EntityMatcher] = []

    def matcher() -> EntityMatcher:
        """The entity matcher, built once, only when a read needs it."""
        if not built:
            built.append(EntityMatcher(db, name))
        return built[0]

    def select() -> list[tuple[str, str, str]]:
        g = matcher()
        words = name.split()
        texts = [name, *g.names()]
        if len(words) >= 2 and len(words[-1]) >= 3:
            texts.append(words[-1])  # _Matcher's surname
        wanted = _needles(t for t in texts if t.strip())
        rows = readback.entity_candidates(db, wanted, g.claim_ids(), g.identified_docs(),
                                          doc_id=doc_id, author=author)
        light = [_Light(*r) for r in rows]
        m = _Matcher(db, name, light)
        out = []
        for c in light:
            if m.by(c) or g.by(c):  # type: ignore[arg-type]
                out.append((c.id, c.doc_id, "by"))
            elif m.about(c) or g.about(c):  # type: ignore[arg-type]
                out.append((c.id, c.doc_id, "about"))
        return out

    # stored as the listings are (migration 8): dropped by any write they read from
    key = f"entity selection {int(author)} {doc_id or ''} {name}"
    if doc_id is not None:
        # one document's selection is the whole corpus's restricted to it (a claim's
        # role reads its own document's names and mentions, and the same entities):
        # where that is kept, nothing is computed (3.5 s for the most frequent person)
        whole = readback.kept_listing(db, f"entity selection {int(author)}  {name}",
                                      _selected)
        if whole is not None:
            return matcher, [row for row in whole if row[1] == doc_id]
    return matcher, readback.stored_listing(db, key, select, _selected, _dumped, None, 0)


def _selected(row: str) -> tuple[str, str, str]:
    cid, doc_id, role = json.loads(row)
    return cid, doc_id, role


def _dumped(row: tuple[str, str, str]) -> str:
    return json.dumps(row, ensure_ascii=False)


def no_entity(name: str, doc_id: str | None = None) -> NotFoundError:
    """The one error `claims`, `show` and `report` give for a name nothing answers to.
    The name is matched as literal words (name_pattern), so '%' or '_' are no wildcards."""
    where = f" in document {doc_id}" if doc_id else ""
    return NotFoundError(
        f"no claim by or about '{name}'{where} — run `claimtrack claims` to see who is quoted"
    )
