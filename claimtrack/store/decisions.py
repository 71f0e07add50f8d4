"""The user's entity merges and splits (entity_decisions): appended, read back in order.

Decisions are keyed by names, not by claims, so they survive re-adding and
re-extracting documents; every entity read replays them (claimtrack.entities).
"""

from __future__ import annotations

import sqlite_utils

from claimtrack.models import Decision
from claimtrack.store.rows import convert

_COLUMNS = "id, action, a, b, who, at, why"


def load_decisions(db: sqlite_utils.Database) -> list[Decision]:
    """Every stored decision in the order it was made; a damaged row is skipped with a
    SkippedRecord warning."""
    rows = db.table("entity_decisions").rows_where(select=_COLUMNS, order_by="id")
    return convert(rows, lambda r: Decision.model_validate(r, strict=True),
                   lambda r: f"entity decision {r['id']}")


def record_decision(db: sqlite_utils.Database, decision: Decision) -> None:
    """Append a decision (its id is the database's: `decision.id` is not stored)."""
    row = decision.model_dump(exclude={"id"})
    with db.conn:
        db.table("entity_decisions").insert(row)
