"""`claimtrack sources`: the claims grouped by source, with its type, grade and flags.

A source is an entity where sourceentities.py resolves one, else its name
(grades.source_name); its grade is what its claims were graded with, else the
latest grade logged for the name or a surname it ends with (grades.lookup).
"""

from __future__ import annotations

from collections import Counter

import sqlite_utils

from claimtrack.flags import ANONYMOUS_FLAGS
from claimtrack.grades import UNGRADED, grade_key, lookup, reliability, source_name
from claimtrack.models import NOT_NAMED_TYPES, Claim, SourceRow, SourceType


def source_type(claim: Claim) -> SourceType:
    """The typed source when the extractor gave one; anonymous by its flag; else unknown."""
    if claim.source_info is not None:
        return claim.source_info.type
    if any(f.code in ANONYMOUS_FLAGS for f in claim.flags):
        return "anonymous"
    return "unknown"


def list_sources(
    db: sqlite_utils.Database,
    claims: list[Claim],
    with_ungraded: bool = True,
    entities: dict[str, tuple[str, str]] | None = None,
) -> list[SourceRow]:
    """`claims` (flagged and graded) grouped by source: by entity where `entities`
    (source_entities) resolves one, else by name. Graded names that no listed source
    carries are listed too when `with_ungraded`. Order: most claims first, then name."""
    grades = reliability(db)
    entities = entities or {}
    groups: dict[str, list[Claim]] = {}
    names: dict[str, Counter[str]] = {}
    for c in claims:
        if c.id in entities:
            key, name = entities[c.id]
        else:
            found = source_name(c)
            if found is None:
                continue
            key, name = f"name {grade_key(found)}", found
        groups.setdefault(key, []).append(c)
        names.setdefault(key, Counter())[name] += 1
    rows = []
    used: set[str] = set()  # graded names that cover a listed source
    for key, cs in groups.items():
        # the most frequent spelling, the longest on ties ("Ahmed Al-Mismari")
        name = max(names[key].items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0]
        types = Counter(source_type(c) for c in cs)
        typed = Counter({t: n for t, n in types.items() if t != "unknown"})
        kind = max(typed.items(), key=lambda kv: (kv[1], kv[0]))[0] if typed else "unknown"
        entry = lookup(grades, name)
        for c in cs:
            entry = entry or lookup(grades, source_name(c))
        if entry is not None:
            used.add(grade_key(entry.source))
        grade: str
        if all(c.grade is not None for c in cs):
            # what the claims were graded with (credibility.py): the listing agrees
            got = Counter(c.grade.reliability for c in cs if c.grade is not None)
            grade = min(got.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        else:
            grade = entry.grade if entry is not None and kind not in NOT_NAMED_TYPES else UNGRADED
        rows.append(
            SourceRow(
                name=name,
                type=kind,
                documents=list(dict.fromkeys(c.doc_id for c in cs)),
                claims=len(cs),
                reliability=grade,
                why=entry.why if entry is not None and grade != UNGRADED else None,
                flags=dict(sorted(Counter(f.code for c in cs for f in c.flags).items())),
            )
        )
    if with_ungraded:
        for key, e in grades.items():
            if key not in used:
                rows.append(
                    SourceRow(name=e.source, type="unknown", documents=[], claims=0,
                              reliability=e.grade, why=e.why, flags={})
                )
    rows.sort(key=lambda r: (-r.claims, r.name.casefold(), r.name))
    return rows
