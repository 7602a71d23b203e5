"""Which channels a Redis server is asked to PUBLISH on, read with MONITOR (commands run by Lua
scripts included)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis


class Published:
    def __init__(self, client: Redis) -> None:
        self.channels: list[str] = []
        self._client = client
        self._seen: set[str] = set()
        self._news = asyncio.Event()

    def on(self, prefix: str) -> list[str]:
        return [c for c in self.channels if c.startswith(prefix)]

    async def settle(self) -> None:
        """Return once MONITOR has shown every command sent before this call."""
        mark = f"mark-{uuid.uuid4().hex}"
        await self._client.echo(mark)
        async with asyncio.timeout(10):
            while mark not in self._seen:
                self._news.clear()
                await self._news.wait()

    def _saw(self, command: str) -> None:
        words = command.split(" ")
        if words[0].upper() == "PUBLISH":
            self.channels.append(words[1])
        elif words[0].upper() == "ECHO":
            self._seen.add(words[1])
        self._news.set()


@asynccontextmanager
async def publishes(redis_url: str) -> AsyncIterator[Published]:
    """Record the channels published on while the block runs."""
    client = Redis.from_url(redis_url, decode_responses=True)
    published = Published(client)
    started = asyncio.Event()

    async def watch() -> None:
        async with client.monitor() as monitor:
            started.set()
            async for command in monitor.listen():
                published._saw(command["command"])

    watcher = asyncio.ensure_future(watch())
    try:
        await asyncio.wait_for(started.wait(), 10)
        await published.settle()
        yield published
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await client.aclose()
