"""Queries over many keys (`WHERE x IN (...)`) asked in chunks below SQLite's limit on
bound variables: the one helper the store modules share (matchstore, readback, postings,
entitystore), below all of them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

CHUNK = 500  # keys per IN (...) query: below SQLite's variable limit

T = TypeVar("T")


def chunks(keys: Sequence[T]) -> Iterator[Sequence[T]]:
    for i in range(0, len(keys), CHUNK):
        yield keys[i : i + CHUNK]


K = TypeVar("K", bound="SupportsRichComparison")  # a key: str, int


def rows_in(conn: sqlite3.Connection, sql: str, keys: Iterable[K],
            params: Sequence[object] = ()) -> Iterator[tuple]:
    """The rows of `sql` for every key (each once, in sorted order), asked in chunks:
    `sql` names the IN list `{keys}` (each occurrence gets the same chunk), after
    `params`, the values of the `?`s written before the first `{keys}`."""
    times = sql.count("{keys}")
    for part in chunks(sorted(set(keys))):
        yield from conn.execute(sql.format(keys=",".join("?" * len(part))),
                                [*params, *(list(part) * times)])
