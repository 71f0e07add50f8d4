"""The SQL of the grades log (`source_grades`): append rows, read them back as GradeEntry.

The log is append-only: nothing here updates or deletes a row. Written and read with
sqlite-utils' own table API (`insert_all`, `rows_where`); the write runs inside
`db.atomic` (BEGIN IMMEDIATE with the busy retry, SQLite errors as one DatabaseError),
not sqlite-utils' `Database.atomic`, whose deferred BEGIN has neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlite_utils

from claimtrack.models import GradeEntry
from claimtrack.store.db import atomic
from claimtrack.store.rows import convert

TABLE = "source_grades"
_COLUMNS = "id, source, grade, why, who, at, origin"

# (source, grade, why, who, origin): one grade to log
GradeRow = tuple[str, str, str | None, str, str]


def _entry(row: dict[str, Any]) -> GradeEntry:
    return GradeEntry(
        id=row["id"], source=row["source"], grade=row["grade"], why=row["why"],
        who=row["who"], at=datetime.fromisoformat(row["at"]), origin=row["origin"],
    )


def _entries(rows: Any) -> list[GradeEntry]:
    # one damaged log row costs that entry (with a warning), never every read
    return convert(rows, _entry, lambda r: f"grade log entry {r['id']}")


def append(db: sqlite_utils.Database, rows: Sequence[GradeRow], at: str) -> list[GradeEntry]:
    """Append `rows`, all stamped `at`, in one transaction (all or none); the entries
    as stored, in order."""
    table = db.table(TABLE)
    with atomic(db.conn, "could not log the grade"):
        # under BEGIN IMMEDIATE no other writer can append between these two reads
        last = next(iter(table.rows_where(select="max(id) AS last")))["last"] or 0
        table.insert_all(
            {"source": source, "grade": grade, "why": why, "who": who, "at": at,
             "origin": origin}
            for source, grade, why, who, origin in rows
        )
        return _entries(table.rows_where("id > ?", [last], order_by="id", select=_COLUMNS))


def read(db: sqlite_utils.Database) -> list[GradeEntry]:
    """The whole log, oldest first."""
    return _entries(db.table(TABLE).rows_where(order_by="id", select=_COLUMNS))
