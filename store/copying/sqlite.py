"""The SQLite side of `store copy`: any table of a Kwissle SQLite file as rows, through its own
connection on its own thread (never the event loop's). The schema comes from SQLiteStore.open(),
so a copy into a new file gets the tables the running code expects.
Imports the SQLite store, the Mongo layout and store.copying.rows only.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import ujson

from store.copying.rows import BATCH, Row
from store.mongo.layout import BY_NAME
from store.sqlite import SQLiteStore
from store.sqlite.connection import dumps

T = TypeVar("T")
_MARKER = "copy_in_progress"


class SQLiteRows:
    """The tables of the SQLite file at `path`; `open()` makes the file and its schema."""

    def __init__(self, path: Path) -> None:
        self.description = f"sqlite:///{path}"
        self._path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kwissle-copy")
        self._db: sqlite3.Connection | None = None
        self._columns: dict[str, list[str]] = {}

    async def _run(self, call: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, call, *args)

    async def open(self) -> None:
        store = SQLiteStore(self._path)
        await store.open()
        await store.close()
        await self._run(self._connect)

    def _connect(self) -> None:
        self._db = sqlite3.connect(self._path, isolation_level=None)
        self._db.execute(f"CREATE TABLE IF NOT EXISTS {_MARKER} (source TEXT NOT NULL)")
        tables = self._db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            f" AND name != '{_MARKER}'"
        ).fetchall()
        for (table,) in tables:
            info = self._db.execute(f"PRAGMA table_info({table})").fetchall()
            self._columns[table] = [name for _cid, name, *_rest in info]

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("SQLiteRows used before open()")
        return self._db

    async def collections(self) -> list[str]:
        return list(self._columns)

    async def count(self, collection: str) -> int:
        return await self._run(self._count, collection)

    def _count(self, collection: str) -> int:
        (count,) = self._conn.execute(f"SELECT count(*) FROM {collection}").fetchone()
        return int(count)

    async def read(self, collection: str, skip: int = 0) -> AsyncIterator[list[Row]]:
        layout = BY_NAME[collection]
        columns = self._columns[collection]
        order = ", ".join(layout.key) or "rowid"
        cursor = await self._run(
            self._conn.execute,
            f"SELECT {', '.join(columns)} FROM {collection} ORDER BY {order} LIMIT -1 OFFSET ?",
            (skip,),
        )
        while batch := await self._run(cursor.fetchmany, BATCH):
            yield [
                {
                    column: ujson.loads(value)
                    if column in layout.embedded and value is not None
                    else value
                    for column, value in zip(columns, row, strict=True)
                }
                for row in batch
            ]

    async def write(self, collection: str, rows: list[Row]) -> None:
        await self._run(self._write, collection, rows)

    def _write(self, collection: str, rows: list[Row]) -> None:
        layout = BY_NAME[collection]
        columns = self._columns[collection]
        values = [
            tuple(
                dumps(row[c]) if c in layout.embedded and row.get(c) is not None else row.get(c)
                for c in columns
            )
            for row in rows
        ]
        db = self._conn
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(
                f"INSERT INTO {collection} ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                values,
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    async def copy_marker(self) -> str | None:
        row = await self._run(
            lambda: self._conn.execute(f"SELECT source FROM {_MARKER}").fetchone()
        )
        return None if row is None else str(row[0])

    async def set_copy_marker(self, source: str | None) -> None:
        await self._run(self._set_copy_marker, source)

    def _set_copy_marker(self, source: str | None) -> None:
        self._conn.execute(f"DELETE FROM {_MARKER}")
        if source is not None:
            self._conn.execute(f"INSERT INTO {_MARKER} VALUES (?)", (source,))

    async def empty(self) -> None:
        await self._run(self._empty)

    def _empty(self) -> None:
        db = self._conn
        db.execute("BEGIN IMMEDIATE")
        for table in self._columns:
            db.execute(f"DELETE FROM {table}")
        db.execute("COMMIT")

    async def close(self) -> None:
        if self._db is not None:
            await self._run(self._conn.close)
            self._db = None
        await asyncio.to_thread(self._executor.shutdown)
