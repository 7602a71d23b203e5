"""The pool tests' fixture: one scenario run on the in-process pool and on the Redis pool."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bus.local import LocalPool
from bus.port import Pool
from tests.bus.processes import process


@pytest.fixture(params=["in-process", "redis"])
def on_pool(request: pytest.FixtureRequest) -> Callable[[Callable[[Pool], Awaitable[Any]]], None]:
    def run(scenario: Callable[[Pool], Awaitable[Any]]) -> None:
        async def with_pool() -> None:
            if request.param == "in-process":
                await scenario(LocalPool())
                return
            url = request.getfixturevalue("redis_url")
            async with process(url, f"test:{uuid.uuid4().hex}:") as one:
                await scenario(one.pool)

        asyncio.run(with_pool())

    return run
