"""The connection machinery of the Mongo store: the client, its limits, transactions, indexes.

Every call goes through PyMongo's async API (`AsyncMongoClient`), so nothing blocks the event
loop. Writes wait for a majority of the replica set and its journal, so a battle, a submission,
a review or a decision survives the loss of the primary; reads see majority-committed data. Each
operation is bounded by the client's `timeoutMS`, and each transaction as a whole by
`pymongo.timeout`. A transient error is retried once by the driver's retryable writes (inside a
transaction, `with_transaction` starts the transaction over until the same bound), and then
raised to the caller as a PyMongoError, as the SQLite store raises sqlite3 errors.
Imports nothing from Kwissle.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from typing import Any, TypeVar

import pymongo
from pymongo import AsyncMongoClient, InsertOne, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import CollectionInvalid, DuplicateKeyError
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

from store.mongo.indexes import INDEXES
from store.mongo.layout import COLLECTIONS

T = TypeVar("T")
Document = dict[str, Any]
Collection = AsyncCollection[Document]
Session = AsyncClientSession
# One write of a bulk_write.
WriteOp = InsertOne[Document] | UpdateOne

DEFAULT_DATABASE = "kwissle"
DEFAULT_TIMEOUT = 10.0  # seconds for one operation, and for one transaction with its retries
DURABLE = WriteConcern(w="majority", j=True)
# Rate-limit hits only: losing one to a failover forgives one request.
FAST = WriteConcern(w=1)


def connect(url: str, timeout: float = DEFAULT_TIMEOUT, **options: Any) -> AsyncMongoClient[Any]:
    """A client for `url` with Kwissle's defaults; `options` are passed on (e.g. listeners)."""
    return AsyncMongoClient(
        url,
        timeoutMS=int(timeout * 1000),
        retryWrites=True,
        retryReads=True,
        w="majority",
        journal=True,
        readConcernLevel="majority",
        appname="kwissle",
        **options,
    )


class MongoDatabase:
    """One database on a MongoDB deployment; the base of every collection mixin.

    `client` replaces the one `url` would make (tests pass one with listeners, or an emulator).
    """

    def __init__(
        self, url: str, *, timeout: float = DEFAULT_TIMEOUT, client: Any | None = None
    ) -> None:
        self._client: AsyncMongoClient[Any] = client or connect(url, timeout)
        self._db: AsyncDatabase[Document] = self._client.get_default_database(
            DEFAULT_DATABASE, write_concern=DURABLE
        )
        self._timeout = timeout
        self._closed = False

    @property
    def database(self) -> AsyncDatabase[Document]:
        """The database itself, for tools that copy it collection by collection."""
        return self._db

    def _collection(self, name: str) -> Collection:
        return self._db[name]

    async def _insert_once(self, name: str, document: Document) -> bool:
        """Insert `document`; False, changing nothing, when its `_id` is already there."""
        try:
            await self._collection(name).insert_one(document)
        except DuplicateKeyError:
            return False
        return True

    async def _transaction(self, work: Callable[[Session], Awaitable[T]]) -> T:
        """Run `work` in one transaction (a replica set is required) and return its result.

        `work` may run more than once: the driver starts over after a transient error.
        """
        with pymongo.timeout(self._timeout):
            async with self._client.start_session() as session:
                return await session.with_transaction(
                    work, read_concern=ReadConcern("majority"), write_concern=DURABLE
                )

    # lifecycle

    async def open(self) -> None:
        with pymongo.timeout(self._timeout):
            existing = set(await self._db.list_collection_names())
            for layout in COLLECTIONS:
                # Made up front: a transaction is best not left to create a collection.
                if layout.name not in existing:
                    with suppress(CollectionInvalid):  # another process made it meanwhile
                        await self._db.create_collection(layout.name)
                if INDEXES.get(layout.name):
                    await self._collection(layout.name).create_indexes(INDEXES[layout.name])

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._client.close()


async def listed(
    collection: Collection,
    query: Document,
    *,
    projection: Document | None = None,
    sort: Sequence[tuple[str, int]] | None = None,
    skip: int = 0,
    limit: int = -1,
    session: Session | None = None,
) -> list[Document]:
    """The documents `query` finds; `skip` and `limit` as SQL reads OFFSET and LIMIT (a limit
    of 0 finds none, a negative one has no limit)."""
    if limit == 0:
        return []
    cursor = collection.find(
        query,
        projection,
        sort=list(sort) if sort else None,
        skip=max(skip, 0),
        limit=max(limit, 0),
        session=session,
    )
    return await cursor.to_list(None)
