"""The row-level view of a store that `store copy` moves: its collections as rows in a stable
order, written in batches, and a checksum of each that does not depend on the adapter.

A row is a mapping of column to value with JSON columns decoded (store.mongo.layout says which),
so a row read from SQLite and the same row read from MongoDB are equal. Imports the Mongo
layout only.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol

import ujson

Row = dict[str, Any]
BATCH = 1000  # rows per read and per write


class Rows(Protocol):
    """One store, collection by collection (the names of store.mongo.layout.COLLECTIONS)."""

    description: str

    async def collections(self) -> list[str]:
        """Every collection or table the store holds (a copy marker left out)."""

    async def count(self, collection: str) -> int: ...

    def read(self, collection: str, skip: int = 0) -> AsyncIterator[list[Row]]:
        """The rows from the `skip`th on, in batches, in an order that never changes."""

    async def write(self, collection: str, rows: list[Row]) -> None:
        """Append `rows` in one step: after an interrupt, all of them are there or none."""

    async def copy_marker(self) -> str | None:
        """The source of a copy into this store that has not finished, if any."""

    async def set_copy_marker(self, source: str | None) -> None:
        """Note (or, with None, forget) that a copy from `source` is under way."""

    async def empty(self) -> None:
        """Delete every row of every collection."""

    async def close(self) -> None: ...


def canonical(value: Any) -> Any:
    """`value` with the differences adapters may add taken out: a bool as 0 or 1 (SQLite has
    no booleans) and a whole float as an int (SQLite's REAL columns)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def row_digest(row: Row) -> int:
    text = ujson.dumps(canonical(row), sort_keys=True, ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


async def checksum(rows: Rows, collection: str) -> tuple[int, str]:
    """How many rows the collection holds, and a digest of them that ignores their order."""
    count, total = 0, 0
    async for batch in rows.read(collection):
        count += len(batch)
        total = (total + sum(row_digest(row) for row in batch)) % 2**256
    return count, f"{total:064x}"[:16]
