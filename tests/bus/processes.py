"""Game processes' worth of Redis bus in one test: each with its own link (client, heartbeat,
pub/sub connection) on a shared key prefix, as separate processes would have; and a sink that
stands for one open connection."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from bus.redis import Link, RedisPool, RedisRelay, RedisRouter, connect


@dataclass
class Process:
    link: Link
    pool: RedisPool
    relay: RedisRelay
    router: RedisRouter
    lost: list[str] = field(default_factory=list)  # what the relay's lost handler was told

    @property
    def state(self) -> str:
        return self.link.state


@asynccontextmanager
async def process(redis_url: str, prefix: str, **options: Any) -> AsyncIterator[Process]:
    """An opened bus as one game process has it; `options` go to Link (heartbeat, lapse)."""
    link = Link(connect(redis_url), prefix=prefix, **options)
    one = Process(link, RedisPool(link), RedisRelay(link), RedisRouter(link))
    one.relay.on_lost(one.lost.append)
    await link.open()
    try:
        yield one
    finally:
        await link.close()


@asynccontextmanager
async def processes(redis_url: str, count: int, **options: Any) -> AsyncIterator[list[Process]]:
    """`count` processes on a fresh prefix of one Redis."""
    prefix = f"test:{uuid.uuid4().hex}:"
    async with AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(process(redis_url, prefix, **options))
            for _ in range(count)
        ]


class Sink:
    """One open connection: keeps what it is given."""

    def __init__(self) -> None:
        self.got: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.closed = False

    def deliver(self, message: dict[str, Any]) -> None:
        self.got.put_nowait(message)

    def end_session(self, session: str) -> None:
        self.got.put_nowait({"ended": session})

    def lost(self) -> None:
        self.closed = True

    async def next(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.got.get(), 5)


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 10) -> None:
    """Poll `check` until it holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.02)  # polling for a state a timer or another task writes
