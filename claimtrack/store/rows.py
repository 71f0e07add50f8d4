"""Converting stored rows into records, one row at a time, under guard.

No single stored row may break a whole read: a row that cannot be converted is
left out, and the read says so with a `SkippedRecord` warning that names the record
and what is wrong with it (readback.py adds the checks a reader needs on top).
Below documents.py and readback.py, which both convert rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import sqlite_utils
from pydantic import ValidationError

T = TypeVar("T")
R = TypeVar("R")  # a stored row: a dict or a tuple


class SkippedRecord(UserWarning):
    """A stored record a read could not use; the read went on without it."""


def skip(what: str, why: str) -> None:
    """Warn that `what` ("claim abc123:4") was left out of a read because `why`."""
    warnings.warn(f"skipped {what}: {why}", SkippedRecord, stacklevel=2)


def problem(e: Exception) -> str:
    """One line for what a conversion raised."""
    if isinstance(e, ValidationError):
        err = e.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "record"
        return f"invalid {where}: {err['msg']}"
    return f"unreadable ({type(e).__name__}: {e})" if str(e) else type(e).__name__


def convert(rows: Iterable[R], make: Callable[[R], T], name: Callable[[R], str]) -> list[T]:
    """`make(row)` for each row; a row it cannot convert is skipped with a warning."""
    out = []
    for row in rows:
        try:
            out.append(make(row))
        except Exception as e:  # noqa: BLE001 - any damage to one row costs only that row
            skip(name(row), problem(e))
    return out


def dict_rows(db: sqlite_utils.Database, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    """The rows of a query as dicts keyed by column name."""
    cur = db.conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
