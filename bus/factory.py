"""Build the bus adapters: Redis when a URL is given, else in-process. Only app.py calls this."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from redis.asyncio import Redis

from bus.custody import Custody, LocalCustody
from bus.local import LocalPool, LocalRelay, LocalRouter
from bus.port import Pool, Relay, Router
from bus.redis import PREFIX, Link, RedisPool, RedisRelay, RedisRouter, connect
from bus.redis_custody import RedisCustody
from bus.redis_link import HEARTBEAT_SECONDS, LAPSE_SECONDS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Bus:
    pool: Pool
    relay: Relay
    router: Router
    custody: Custody
    link: Link | None = None  # None in-process

    @property
    def client(self) -> Redis | None:
        return None if self.link is None else self.link.client

    @property
    def state(self) -> Literal["local", "up", "down"]:
        """ "local" in-process; with Redis, whether it answers now ("down": the bus's calls
        raise BusUnavailable at once, and it reconnects by itself)."""
        return "local" if self.link is None else self.link.state

    async def close(self) -> None:
        """Take this process out of Redis, publish what is queued, unsubscribe and disconnect;
        nothing to do in-process."""
        if self.link is not None:
            await self.link.close()


async def open_bus(
    redis_url: str,
    *,
    heartbeat: float = HEARTBEAT_SECONDS,
    lapse: float = LAPSE_SECONDS,
    prefix: str = PREFIX,
) -> Bus:
    """In-process adapters for an empty URL; otherwise connected, subscribed Redis adapters,
    this process registered and renewing its registration every `heartbeat` seconds (the others
    count it as gone `lapse` seconds after its last renewal). Raises a redis-py error when Redis
    does not answer, so that a process fails at start rather than at its first player."""
    if not redis_url:
        return Bus(LocalPool(), LocalRelay(), LocalRouter(), LocalCustody())
    link = Link(connect(redis_url), prefix=prefix, heartbeat=heartbeat, lapse=lapse)
    pool, relay, router = RedisPool(link), RedisRelay(link), RedisRouter(link)
    try:
        await link.open()
    except BaseException:
        await link.client.aclose()
        raise
    custody = RedisCustody(link.client, prefix=prefix)
    log.info("bus on Redis; battle custody of process %s", custody.process)
    return Bus(pool, relay, router, custody, link)
