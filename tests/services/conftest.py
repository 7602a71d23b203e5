"""An opened SQLite store and an event-loop runner for the services' tests."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from store.sqlite import SQLiteStore


@pytest.fixture
def run() -> Iterator[Any]:
    with asyncio.Runner() as runner:
        yield runner.run


@pytest.fixture
def store(tmp_path, run) -> Iterator[SQLiteStore]:
    opened = SQLiteStore(tmp_path / "kwissle.db")
    run(opened.open())
    yield opened
    run(opened.close())
