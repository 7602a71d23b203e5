"""Build the bus adapters: Redis when a URL is given, else in-process. Only app.py calls this."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis.asyncio import Redis

from bus.custody import Custody, LocalCustody
from bus.local import LocalPool, LocalRelay, LocalRouter
from bus.port import Pool, Relay, Router
from bus.redis import RedisPool, RedisRelay, RedisRouter, connect
from bus.redis_custody import RedisCustody

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Bus:
    pool: Pool
    relay: Relay
    router: Router
    custody: Custody
    client: Redis | None = None

    async def close(self) -> None:
        """Take this process out of Redis, publish what is queued, unsubscribe and disconnect;
        nothing to do in-process."""
        if isinstance(self.custody, RedisCustody):
            await self.custody.close()
        for part in (self.router, self.relay):
            if isinstance(part, RedisRelay | RedisRouter):
                await part.close()
        if self.client is not None:
            await self.client.aclose()


async def open_bus(redis_url: str) -> Bus:
    """In-process adapters for an empty URL; otherwise connected, subscribed Redis adapters."""
    if not redis_url:
        return Bus(LocalPool(), LocalRelay(), LocalRouter(), LocalCustody())
    client = connect(redis_url)
    await client.ping()  # fail at start, not at the first player
    relay, router = RedisRelay(client), RedisRouter(client)
    await relay.open()
    await router.open()
    custody = RedisCustody(client)
    log.info("bus on Redis; battle custody of process %s", custody.process)
    return Bus(RedisPool(client), relay, router, custody, client)
