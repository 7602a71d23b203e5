"""The pool tests' fixture: one scenario run on the in-process pool and on the Redis pool."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bus.local import LocalPool
from bus.port import Pool
from bus.redis import RedisPool, connect


@pytest.fixture(params=["in-process", "redis"])
def on_pool(request: pytest.FixtureRequest) -> Callable[[Callable[[Pool], Awaitable[Any]]], None]:
    def run(scenario: Callable[[Pool], Awaitable[Any]]) -> None:
        async def with_pool() -> None:
            if request.param == "in-process":
                await scenario(LocalPool())
                return
            client = connect(request.getfixturevalue("redis_url"))
            try:
                await scenario(RedisPool(client, prefix=f"test:{uuid.uuid4().hex}:"))
            finally:
                await client.aclose()

        asyncio.run(with_pool())

    return run
