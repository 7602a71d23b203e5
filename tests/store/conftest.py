"""Fixtures for the store tests: an event-loop runner and one opened store per adapter.

Every test that takes `store` runs once per adapter in ADAPTERS: SQLite, and MongoDB, on a real
server when KWISSLE_TEST_MONGO_URL names one (a replica set, for transactions; each test gets
its own database, dropped at the end) and otherwise on the in-process emulator
(tests/store/emulator.py), whose test ids say `store=mongo-emulator`. Tests that only a real
server can answer are marked `real_server_only` and skipped on the emulator with the reason.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pymongo
import pytest

from store.mongo import MongoStore
from store.port import Store
from store.sqlite import SQLiteStore
from tests.store.emulator import EmulatedServer

T = TypeVar("T")
Run = Callable[[Coroutine[Any, Any, T]], T]

MONGO_URL = os.environ.get("KWISSLE_TEST_MONGO_URL", "")
TEST_DATABASE_PREFIX = "kwissle_test_"
_emulated: dict[Path, EmulatedServer] = {}


def mongo_url_for(folder: Path) -> str:
    """KWISSLE_TEST_MONGO_URL naming a database of this test's own."""
    name = TEST_DATABASE_PREFIX + hashlib.sha1(str(folder).encode()).hexdigest()[:16]
    return urlsplit(MONGO_URL)._replace(path=f"/{name}").geturl()


def emulated_mongo(folder: Path) -> MongoStore:
    server = _emulated.setdefault(folder, EmulatedServer())
    return MongoStore("mongodb://emulator/kwissle", client=server.client())


# name -> factory; a factory called twice with the same folder reaches the same stored data.
ADAPTERS: dict[str, Callable[[Path], Store]] = {
    "sqlite": lambda folder: SQLiteStore(folder / "kwissle.db"),
    **(
        {"mongo": lambda folder: MongoStore(mongo_url_for(folder))}
        if MONGO_URL
        else {"mongo-emulator": emulated_mongo}
    ),
}
MONGO_ADAPTER = "mongo" if MONGO_URL else "mongo-emulator"


@pytest.fixture(scope="session", autouse=True)
def _drop_test_databases() -> Iterator[None]:
    yield
    _emulated.clear()
    if MONGO_URL:
        with pymongo.MongoClient(MONGO_URL) as client:
            for name in client.list_database_names():
                if name.startswith(TEST_DATABASE_PREFIX):
                    client.drop_database(name)


@pytest.fixture
def run() -> Iterator[Run[Any]]:
    """Runs a coroutine to completion; every call in one test shares one event loop."""
    with asyncio.Runner() as runner:
        yield runner.run


@pytest.fixture(params=list(ADAPTERS), ids=lambda name: f"store={name}")
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Store]:
    """Makes an unopened store on this test's data; each call gives a fresh handle."""
    factory = ADAPTERS[request.param]
    return lambda: factory(tmp_path)


@pytest.fixture
def store(new_store: Callable[[], Store], run: Run[Any]) -> Iterator[Store]:
    """An opened store, closed after the test."""
    opened = new_store()
    run(opened.open())
    yield opened
    run(opened.close())


def real_server_only(why_not_emulated: str) -> pytest.MarkDecorator:
    """Skips a test on the emulator, saying what it cannot show and why."""
    return pytest.mark.skipif(
        not MONGO_URL,
        reason=f"needs a real MongoDB server (KWISSLE_TEST_MONGO_URL): {why_not_emulated}",
    )
