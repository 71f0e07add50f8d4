"""Which entity each claim's source resolves to, with the user's merges and splits.

Named from the stored entity components where they can say it, else from the entity
graph of these claims' sources (entities.py). Read by the grading (corpusflags.py) and by
`claimtrack sources` (api.sources), so both name a source alike.
"""

from __future__ import annotations

import sqlite_utils

from claimtrack import entities
from claimtrack.models import Claim
from claimtrack.store import readback


def source_entities(db: sqlite_utils.Database, claims: list[Claim]) -> dict[str, tuple[str, str]]:
    """claim id -> (group key, name) of the entity its source resolves to, with the
    user's merges and splits replayed (entities.py). Claims whose source is no entity
    (the author, a bare pronoun nobody resolved) are left out."""
    # named from the stored components where they can say it: no graph at all
    stored = readback.component_names(db, claims)
    if stored is not None:
        return stored
    # the entities of these claims' sources, whole: not those of every document
    graph = entities.build_for_claims(db, claims)
    out = {}
    for c in claims:
        index = graph.entity_of_claim(c.id)
        if index is not None:
            out[c.id] = (f"entity {index}", graph.name_of(index))
    return out
