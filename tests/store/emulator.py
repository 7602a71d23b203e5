"""An in-process stand-in for a MongoDB server: mongomock behind the part of PyMongo's async API
(AsyncMongoClient) that store.mongo uses.

mongomock is synchronous, so every call runs on this client's own worker thread and the event
loop only awaits it, as it would await the network. What mongomock cannot do, this does not
pretend to: a session is accepted and ignored and `with_transaction` runs its callback once, so
nothing is isolated or rolled back; write concerns are not checked; explain() has no plans.
Tests that need any of these run on a real server only (see conftest.py).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import Any, TypeVar

import mongomock
from pymongo import InsertOne, UpdateOne
from pymongo.errors import InvalidOperation
from pymongo.results import BulkWriteResult

T = TypeVar("T")
_BATCH = 500  # documents a cursor fetches per trip to the worker thread


class EmulatedServer:
    """The data of one emulated deployment; clients made from it share it, as processes would."""

    def __init__(self) -> None:
        self._server: Any = mongomock.MongoClient()

    def client(self) -> EmulatedClient:
        return EmulatedClient(self._server)


class EmulatedClient:
    """What MongoStore asks of an AsyncMongoClient, each call on one worker thread."""

    def __init__(self, server: mongomock.MongoClient) -> None:
        self._server = server
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mongo-emulator")

    async def _run(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(call, *args, **kwargs))

    def get_default_database(self, default: str, **_options: Any) -> EmulatedDatabase:
        return EmulatedDatabase(self, self._server.get_database(default))

    def start_session(self) -> EmulatedSession:
        return EmulatedSession()

    async def close(self) -> None:
        await asyncio.to_thread(self._executor.shutdown)


class EmulatedSession:
    """A session without transactions: the callback runs once, and nothing is rolled back."""

    async def __aenter__(self) -> EmulatedSession:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        return None

    async def with_transaction(
        self, callback: Callable[[EmulatedSession], Awaitable[T]], **_options: Any
    ) -> T:
        return await callback(self)


class EmulatedDatabase:
    def __init__(self, client: EmulatedClient, database: Any) -> None:
        self._client = client
        self._database = database
        self.name = database.name

    def __getitem__(self, name: str) -> EmulatedCollection:
        return EmulatedCollection(self._client, self._database[name])

    async def list_collection_names(self) -> list[str]:
        return await self._client._run(self._database.list_collection_names)

    async def create_collection(self, name: str) -> None:
        await self._client._run(self._database.create_collection, name)

    async def drop_collection(self, name: str) -> None:
        await self._client._run(self._database.drop_collection, name)


class EmulatedCollection:
    """A collection whose methods take `session=` and drop it (mongomock has no sessions)."""

    def __init__(self, client: EmulatedClient, collection: Any) -> None:
        self._client = client
        self._collection = collection
        self.name = collection.name

    def with_options(self, **_options: Any) -> EmulatedCollection:
        return self  # write concerns mean nothing without replicas

    def __getattr__(self, method: str) -> Callable[..., Awaitable[Any]]:
        call = getattr(self._collection, method)

        async def on_worker(*args: Any, session: Any = None, **kwargs: Any) -> Any:
            return await self._client._run(call, *args, **kwargs)

        return on_worker

    async def create_indexes(self, indexes: list[Any], session: Any = None) -> None:
        # mongomock's create_indexes drops partialFilterExpression; its create_index keeps it.
        for index in indexes:
            options = dict(index.document)
            keys = list(options.pop("key").items())
            await self._client._run(self._collection.create_index, keys, **options)

    def find(self, *args: Any, session: Any = None, **kwargs: Any) -> EmulatedCursor:
        return EmulatedCursor(
            self._client, functools.partial(self._collection.find, *args, **kwargs)
        )

    async def aggregate(
        self, pipeline: list[dict[str, Any]], session: Any = None, **_options: Any
    ) -> EmulatedCursor:
        return EmulatedCursor(self._client, functools.partial(self._collection.aggregate, pipeline))

    async def bulk_write(
        self, requests: list[Any], session: Any = None, **_options: Any
    ) -> BulkWriteResult:
        # mongomock's bulk_write predates the operations of PyMongo 4.20; each runs on its own,
        # in order, and their counts add up as the server's reply to an ordered bulk write.
        if not requests:
            raise InvalidOperation("No operations to execute")  # as PyMongo refuses, unsent
        return await self._client._run(self._each, requests)

    def _each(self, requests: list[Any]) -> BulkWriteResult:
        counts: dict[str, Any] = {
            "writeErrors": [],
            "writeConcernErrors": [],
            "nInserted": 0,
            "nUpserted": 0,
            "nMatched": 0,
            "nModified": 0,
            "nRemoved": 0,
            "upserted": [],
        }
        for index, request in enumerate(requests):
            if isinstance(request, InsertOne):
                self._collection.insert_one(request._doc)
                counts["nInserted"] += 1
            elif isinstance(request, UpdateOne):
                done = self._collection.update_one(
                    request._filter, request._doc, upsert=request._upsert
                )
                if done.upserted_id is not None:  # an upsert that inserted matched nothing
                    counts["nUpserted"] += 1
                    counts["upserted"].append({"index": index, "_id": done.upserted_id})
                else:
                    counts["nMatched"] += done.matched_count
                    counts["nModified"] += done.modified_count
            else:
                raise NotImplementedError(f"the emulator does not bulk-write {request!r}")
        return BulkWriteResult(counts, acknowledged=True)


class EmulatedCursor:
    """A cursor opened on the worker thread at first use and read in batches there."""

    def __init__(self, client: EmulatedClient, open_cursor: Callable[[], Any]) -> None:
        self._client = client
        self._open = open_cursor

    async def to_list(self, length: int | None = None) -> list[Any]:
        return await self._client._run(lambda: list(islice(self._open(), length)))

    async def close(self) -> None:
        return None  # nothing stays open on the server

    async def __aiter__(self) -> AsyncIterator[Any]:
        cursor = await self._client._run(self._open)
        while batch := await self._client._run(lambda: list(islice(cursor, _BATCH))):
            for document in batch:
                yield document
