"""The MongoDB side of `store copy`: every collection of a Kwissle database as rows, as
store.mongo.layout maps documents to rows. `open()` makes the collections and their indexes.
Imports the Mongo store and store.copying.rows only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from store.copying.rows import BATCH, Row
from store.mongo import MongoStore
from store.mongo.layout import BY_NAME, COLLECTIONS, to_document, to_row

_MARKER = "copy_in_progress"


class MongoRows:
    """The collections of the database `store` (not yet opened) works on."""

    def __init__(self, store: MongoStore, description: str) -> None:
        self.description = description
        self._store = store
        self._db = store.database

    async def open(self) -> None:
        await self._store.open()

    async def collections(self) -> list[str]:
        present = set(await self._db.list_collection_names())
        return [layout.name for layout in COLLECTIONS if layout.name in present]

    async def count(self, collection: str) -> int:
        return await self._db[collection].count_documents({})

    async def read(self, collection: str, skip: int = 0) -> AsyncIterator[list[Row]]:
        layout = BY_NAME[collection]
        batch: list[Row] = []
        async for document in self._db[collection].find({}, sort=[("_id", 1)], skip=skip):
            batch.append(to_row(layout, document))
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    async def write(self, collection: str, rows: list[Row]) -> None:
        # Ordered: after an interrupt the collection holds a prefix of the source, so counting
        # it says where to resume.
        layout = BY_NAME[collection]
        await self._db[collection].insert_many(
            [to_document(layout, row) for row in rows], ordered=True
        )

    async def copy_marker(self) -> str | None:
        found = await self._db[_MARKER].find_one({"_id": "copy"})
        return None if found is None else str(found["source"])

    async def set_copy_marker(self, source: str | None) -> None:
        if source is None:
            await self._db[_MARKER].delete_many({})
        else:
            await self._db[_MARKER].replace_one({"_id": "copy"}, {"source": source}, upsert=True)

    async def empty(self) -> None:
        for layout in COLLECTIONS:
            await self._db[layout.name].delete_many({})

    async def close(self) -> None:
        await self._store.close()
