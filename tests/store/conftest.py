"""Fixtures for the store tests: an event-loop runner and one opened store per adapter.

To run the contract suite against another adapter, add its name and factory to ADAPTERS.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from store.port import Store
from store.sqlite import SQLiteStore

T = TypeVar("T")
Run = Callable[[Coroutine[Any, Any, T]], T]

# name -> factory; a factory called twice with the same folder reaches the same stored data.
ADAPTERS: dict[str, Callable[[Path], Store]] = {
    "sqlite": lambda folder: SQLiteStore(folder / "kwissle.db"),
}


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
