"""Commands to battles across game processes.

A player's commands go to their channel `cmd:<user>`, which only the process running their
battle subscribes to; PUBLISH answers how many received it, so "nobody" costs no extra round
trip. `battle:<id>` names the process running a battle, with a TTL it refreshes. Both go through
the process's one pub/sub connection and one publisher (bus/redis_channels.py), the relay's too,
so a player's presence notice and their forwarded command arrive in the order they were sent.
Imports no Tornado.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from bus.port import BusUnavailable, Forwarded, Router
from bus.redis_link import Link, Member

log = logging.getLogger(__name__)

OWNER_SECONDS = 60.0  # a battle key lapses this long after its process stops refreshing it

# KEYS: battle keys. ARGV: this process. Deletes each key that still names this process: a
# battle another process took over since is its now, and keeps its key.
_LET_GO = """
local gone = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then gone = gone + redis.call('DEL', key) end
end
return gone
"""


class RedisRouter(Router, Member):
    def __init__(
        self,
        link: Link,
        *,
        owner_seconds: float = OWNER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._link = link
        self._channel_prefix = link.key("cmd:")
        self._owner_seconds = owner_seconds
        self._clock = clock
        self._refreshed = clock()
        self._held: set[str] = set()
        self._holds: Counter[str] = Counter()  # a player's battles held here (a rematch: two)
        self._handler: Forwarded | None = None
        self._let_go = link.client.register_script(_LET_GO)
        link.subscriber.route(self._channel_prefix, self._received)
        link.join(self)

    def serve(self, handler: Forwarded) -> None:
        self._handler = handler

    async def hold(self, battle_id: str, user_ids: list[str]) -> None:
        self._held.add(battle_id)
        for user_id in user_ids:
            self._holds[user_id] += 1
        key = self._battle_key(battle_id)
        try:
            with self._link.guard():
                # At once: the players' channels go out in one SUBSCRIBE beside the SET, one
                # round trip in all rather than one each.
                await asyncio.gather(
                    self._link.client.set(key, self._link.process, ex=self._ttl()),
                    *(self._link.subscriber.want(self._channel_prefix + u) for u in user_ids),
                )
        except BusUnavailable:
            await self.release(battle_id, user_ids)  # the battle does not start: hold nothing
            raise

    async def release(self, battle_id: str, user_ids: list[str]) -> None:
        self._held.discard(battle_id)
        for user_id in user_ids:
            self._holds[user_id] -= 1
            if self._holds[user_id] <= 0:
                del self._holds[user_id]
                self._link.subscriber.drop(self._channel_prefix + user_id)
        with contextlib.suppress(BusUnavailable):  # not refreshed, the key lapses by itself
            await self._let_go_of([battle_id])

    async def forward(self, user_id: str, message: dict[str, Any]) -> bool:
        channel = self._channel_prefix + user_id
        return await self._link.publisher.publish_counted(channel, json.dumps(message)) > 0

    async def running(self, battle_id: str) -> bool:
        with self._link.guard():
            return bool(await self._link.client.exists(self._battle_key(battle_id)))

    def _battle_key(self, battle_id: str) -> str:
        return self._link.key(f"battle:{battle_id}")

    def _ttl(self) -> int:
        return max(1, round(self._owner_seconds))

    def _received(self, channel: str, data: str) -> None:
        if self._handler is not None:
            self._handler(channel.removeprefix(self._channel_prefix), json.loads(data))

    # the heartbeat's news
    async def restore(self, fresh: bool) -> None:
        await self._refresh()  # after a long outage or a restart the keys may be gone

    async def beat(self, lapsed: list[str]) -> None:
        if self._clock() - self._refreshed >= self._owner_seconds / 3:
            await self._refresh()

    async def _refresh(self) -> None:
        self._refreshed = self._clock()
        if not self._held:
            return
        with self._link.guard():
            async with self._link.client.pipeline(transaction=False) as pipe:
                for battle_id in self._held:
                    pipe.set(self._battle_key(battle_id), self._link.process, ex=self._ttl())
                await pipe.execute()

    async def close(self) -> None:
        if self._held:
            await self._let_go_of(list(self._held))

    async def _let_go_of(self, battle_ids: list[str]) -> None:
        with self._link.guard():
            keys = [self._battle_key(b) for b in battle_ids]
            await self._let_go(keys=keys, args=[self._link.process])
