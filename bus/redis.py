"""Redis adapters of the bus ports, so that several game processes share one site.

Redis carries four things, all under one key prefix:
- the matchmaking pool: a list of waiting user ids in arrival order plus a hash of each seeker
  as JSON, changed only by Lua scripts that mirror game.matchmaking, so pairing is atomic;
- presence: a counter per player of their open connections in every process, and each
  process's count of its connected players (a key that lapses unless the process renews it);
- messages to players: one channel per player, which a process subscribes to while that player
  has a connection there;
- commands to battles: one channel per player, which the process running their battle
  subscribes to, and a key per battle naming that process (with a TTL it keeps refreshing).

Imports no Tornado; uses only redis-py's asyncio client, so nothing here blocks the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis

from bus.port import Forwarded, Pool, Relay, Router, Sink
from game.matchmaking import ANYONE_AFTER, BASE_GAP, GAP_PER_SECOND, Pairing, Seeker

log = logging.getLogger(__name__)

PREFIX = "kwissle:"
PRESENCE_SECONDS = 3600  # a counter left by a crashed process lapses after this
OWNER_SECONDS = 60.0  # a battle key lapses this long after its process stops refreshing it
SUBSCRIBE_SECONDS = 5.0
# On a player's channel, the one key of a notice that a sign-in session ended (every message to
# a player has a "type" instead).
_ENDED = "session_ended"
ONLINE_SECONDS = 15.0  # a process's count of its players lapses this long after its last report

# game.matchmaking's rule in Lua, shared by the join and sweep scripts: the gap a seeker who
# waited `waited` seconds accepts, and whether two entries may meet at `now`.
_POLICY = """
local base, per_second, anyone_after = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local function allowed_gap(waited)
  if waited >= anyone_after then return math.huge end
  return base + per_second * math.max(0, waited)
end
local function compatible(a, b, now)
  if a.user_id == b.user_id then return false end
  if a.category ~= cjson.null and b.category ~= cjson.null and a.category ~= b.category then
    return false
  end
  -- An entry written before leaves_often existed has none: it does not leave often.
  if (a.leaves_often == true) ~= (b.leaves_often == true)
      and now - math.min(a.since, b.since) < anyone_after then
    return false
  end
  local patience = math.max(allowed_gap(now - a.since), allowed_gap(now - b.since))
  return math.abs(a.rating - b.rating) <= patience
end
local function take(queue, entries, id)
  redis.call('LREM', queue, 0, id)
  redis.call('HDEL', entries, id)
end
"""

# KEYS: queue, entries. ARGV: policy (3), the newcomer's entry. Mirrors find_partner: the
# closest acceptable waiting entry, the earliest between equals, never oneself; else queues it.
_JOIN = (
    _POLICY
    + """
local me = cjson.decode(ARGV[4])
take(KEYS[1], KEYS[2], me.user_id)
local best, best_entry
for _, other in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local entry = redis.call('HGET', KEYS[2], other)
  local them = cjson.decode(entry)
  if compatible(them, me, me.since) then
    if best == nil or math.abs(them.rating - me.rating) < math.abs(best.rating - me.rating) then
      best, best_entry = them, entry
    end
  end
end
if best ~= nil then
  take(KEYS[1], KEYS[2], best.user_id)
  return best_entry
end
redis.call('RPUSH', KEYS[1], me.user_id)
redis.call('HSET', KEYS[2], me.user_id, ARGV[4])
return false
"""
)

# KEYS: queue, entries. ARGV: policy (3), now. Mirrors sweep: pairs, in arrival order, waiting
# entries whose gaps have widened enough; returns [first, second, first, second, ...].
_SWEEP = (
    _POLICY
    + """
local now = tonumber(ARGV[4])
local ids = redis.call('LRANGE', KEYS[1], 0, -1)
local seekers, entries = {}, {}
for i, id in ipairs(ids) do
  entries[i] = redis.call('HGET', KEYS[2], id)
  seekers[i] = cjson.decode(entries[i])
end
local paired, out = {}, {}
for i = 1, #ids do
  if not paired[i] then
    local best
    for j = i + 1, #ids do
      if not paired[j] and compatible(seekers[i], seekers[j], now) then
        local gap = math.abs(seekers[j].rating - seekers[i].rating)
        if best == nil or gap < math.abs(seekers[best].rating - seekers[i].rating) then
          best = j
        end
      end
    end
    if best ~= nil then
      paired[i], paired[best] = true, true
      take(KEYS[1], KEYS[2], ids[i])
      take(KEYS[1], KEYS[2], ids[best])
      table.insert(out, entries[i])
      table.insert(out, entries[best])
    end
  end
end
return out
"""
)

# KEYS: queue, entries. ARGV: user id. Returns the entry, or nil.
_LEAVE = """
local entry = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('LREM', KEYS[1], 0, ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return entry
"""

# KEYS: presence counter. Returns what is left; at zero or below (an expired or reset key) the
# key goes, so the next connection counts from one.
_DETACH = """
local left = redis.call('DECR', KEYS[1])
if left <= 0 then redis.call('DEL', KEYS[1]) end
return left
"""


def connect(redis_url: str) -> Redis:
    """A client for `redis_url` that answers str; connects on first use."""
    return Redis.from_url(redis_url, decode_responses=True)


def _to_json(seeker: Seeker) -> str:
    return json.dumps(
        {
            "user_id": seeker.user_id,
            "nickname": seeker.nickname,
            "category": seeker.category,
            "since": seeker.since,
            "rating": seeker.rating,
            "leaves_often": seeker.leaves_often,
            "rtt": seeker.rtt,
        }
    )


def _from_json(entry: str | bytes) -> Seeker:
    data = json.loads(entry)
    return Seeker(
        data["user_id"],
        data["nickname"],
        data["category"],
        data["since"],
        data["rating"],
        data.get("leaves_often", False),
        data.get("rtt", 0.0),
    )


_POLICY_ARGS = [BASE_GAP, GAP_PER_SECOND, ANYONE_AFTER]


class RedisPool(Pool):
    def __init__(self, client: Redis, *, prefix: str = PREFIX) -> None:
        self._keys = [f"{prefix}pool:queue", f"{prefix}pool:entries"]
        self._client = client
        self._join = client.register_script(_JOIN)
        self._sweep = client.register_script(_SWEEP)
        self._leave = client.register_script(_LEAVE)

    async def join(self, seeker: Seeker) -> Pairing | None:
        entry = await self._join(keys=self._keys, args=[*_POLICY_ARGS, _to_json(seeker)])
        if entry is None:
            return None
        first = _from_json(entry)
        return Pairing(first, seeker, first.category or seeker.category)

    async def sweep(self, now: float) -> list[Pairing]:
        entries = await self._sweep(keys=self._keys, args=[*_POLICY_ARGS, now])
        pairs = [
            (_from_json(a), _from_json(b)) for a, b in zip(entries[::2], entries[1::2], strict=True)
        ]
        return [
            Pairing(first, second, first.category or second.category) for first, second in pairs
        ]

    async def leave(self, user_id: str) -> Seeker | None:
        entry = await self._leave(keys=self._keys, args=[user_id])
        return None if entry is None else _from_json(entry)

    async def waiting(self, user_id: str) -> Seeker | None:
        entry = await self._client.hget(self._keys[1], user_id)
        return None if entry is None else _from_json(entry)


class _Publisher:
    """PUBLISHes in the order asked, batching whatever queued up meanwhile into one pipeline."""

    def __init__(self, client: Redis) -> None:
        self._client = client
        self._queue: asyncio.Queue[tuple[str, str, asyncio.Future[int] | None]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    def publish(self, channel: str, data: str) -> None:
        self._queue.put_nowait((channel, data, None))

    async def publish_counted(self, channel: str, data: str) -> int:
        """How many subscribers received it."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((channel, data, future))
        return await future

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                async with self._client.pipeline(transaction=False) as pipe:
                    for channel, data, _ in batch:
                        pipe.publish(channel, data)
                    counts = await pipe.execute()
            except Exception as error:
                log.exception("could not publish %d messages", len(batch))
                for _, _, future in batch:
                    if future is not None and not future.done():
                        future.set_exception(error)
            else:
                for (_, _, future), count in zip(batch, counts, strict=True):
                    if future is not None and not future.done():
                        future.set_result(int(count))
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def close(self) -> None:
        """Publish what is queued, then stop."""
        if self._task is not None:
            await self._queue.join()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class _Subscriber:
    """One pub/sub connection and its listener task; channels are counted, so that the first
    `add` subscribes and the last `remove` unsubscribes."""

    def __init__(self, client: Redis, on_message: Callable[[str, str], None]) -> None:
        self._pubsub = client.pubsub()
        self._on_message = on_message
        self._counts: dict[str, int] = {}
        self._confirmed: dict[str, asyncio.Future[None]] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self, own_channel: str) -> None:
        # A channel of its own keeps the connection subscribed (and listen() running) while no
        # player is attached here.
        await self._pubsub.subscribe(own_channel)
        self._task = asyncio.ensure_future(self._listen())

    async def add(self, channel: str) -> None:
        """Subscribe if this is the first user of `channel`; returns once Redis confirmed it."""
        count = self._counts.get(channel, 0)
        self._counts[channel] = count + 1
        try:
            if count == 0:
                self._confirmed[channel] = asyncio.get_running_loop().create_future()
                await self._pubsub.subscribe(channel)
            confirmed = self._confirmed.get(channel)
            if confirmed is not None:
                await asyncio.wait_for(asyncio.shield(confirmed), SUBSCRIBE_SECONDS)
        except BaseException:
            with contextlib.suppress(Exception):  # not counted: the caller sees the failure
                await self.remove(channel)
            raise

    async def remove(self, channel: str) -> None:
        count = self._counts.get(channel, 0) - 1
        if count > 0:
            self._counts[channel] = count
            return
        self._counts.pop(channel, None)
        confirmed = self._confirmed.pop(channel, None)
        if confirmed is not None and not confirmed.done():
            confirmed.set_result(None)
        await self._pubsub.unsubscribe(channel)

    async def _listen(self) -> None:
        while True:
            try:
                async for message in self._pubsub.listen():
                    self._dispatch(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                # redis-py reconnects and subscribes again on the next read.
                log.exception("the pub/sub listener lost Redis; listening again")
                await asyncio.sleep(1)

    def _dispatch(self, message: dict[str, Any]) -> None:
        channel = message["channel"]
        if message["type"] == "subscribe":
            confirmed = self._confirmed.pop(channel, None)
            if confirmed is not None and not confirmed.done():
                confirmed.set_result(None)
        elif message["type"] == "message":
            try:
                self._on_message(channel, message["data"])
            except Exception:
                log.exception("a message on %s could not be handled", channel)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._pubsub.aclose()


class RedisRelay(Relay):
    """Each message goes to the player's channel; every process with a connection of that
    player subscribes to it and delivers to its own connections."""

    def __init__(
        self, client: Redis, *, prefix: str = PREFIX, online_seconds: float = ONLINE_SECONDS
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._channel_prefix = f"{prefix}to:"
        self._online_ttl = max(1, round(online_seconds))
        self._sinks: dict[str, list[Sink]] = {}
        self._publisher = _Publisher(client)
        self._subscriber = _Subscriber(client, self._received)
        self._detach = client.register_script(_DETACH)
        self._process = uuid.uuid4().hex
        self._online_set = f"{prefix}online"
        self._reporter: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self._publisher.start()
        await self._subscriber.start(f"{self._prefix}relay:{self._process}")
        await self._report_online()
        self._reporter = asyncio.ensure_future(self._keep_reporting())

    async def attach(self, user_id: str, sink: Sink) -> None:
        self._sinks.setdefault(user_id, []).append(sink)
        presence = self._presence(user_id)
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.incr(presence)
            pipe.expire(presence, PRESENCE_SECONDS)
            await pipe.execute()
        await self._subscriber.add(self._channel_prefix + user_id)

    async def detach(self, user_id: str, sink: Sink) -> bool:
        sinks = self._sinks.get(user_id, [])
        if sink not in sinks:
            return False  # never attached here, so never counted
        sinks.remove(sink)
        if not sinks:
            del self._sinks[user_id]
        await self._subscriber.remove(self._channel_prefix + user_id)
        left = await self._detach(keys=[self._presence(user_id)])
        return int(left) <= 0

    def deliver(self, user_id: str, message: dict[str, Any]) -> None:
        self._publisher.publish(self._channel_prefix + user_id, json.dumps(message))

    def end_session(self, user_id: str, session: str) -> None:
        # On the player's own channel, so it reaches every process holding one of their sockets.
        self._publisher.publish(self._channel_prefix + user_id, json.dumps({_ENDED: session}))

    async def online(self) -> int:
        """The sum of every live process's count; a player connected to two counts twice."""
        processes = sorted(str(p) for p in await self._client.smembers(self._online_set))
        if not processes:
            return 0
        counts = await self._client.mget([self._online_key(p) for p in processes])
        lapsed = [p for p, count in zip(processes, counts, strict=True) if count is None]
        if lapsed:
            await self._client.srem(self._online_set, *lapsed)
        return sum(int(count) for count in counts if count is not None)

    async def present(self, user_id: str) -> bool:
        return int(await self._client.get(self._presence(user_id)) or 0) > 0

    def _online_key(self, process: str) -> str:
        return f"{self._online_set}:{process}"

    async def _report_online(self) -> None:
        async with self._client.pipeline(transaction=False) as pipe:
            pipe.set(self._online_key(self._process), len(self._sinks), ex=self._online_ttl)
            pipe.sadd(self._online_set, self._process)
            await pipe.execute()

    async def _keep_reporting(self) -> None:
        while True:
            await asyncio.sleep(self._online_ttl / 3)
            try:
                await self._report_online()
            except Exception:
                log.exception("could not report this process's players online")

    def _presence(self, user_id: str) -> str:
        return f"{self._prefix}presence:{user_id}"

    def _received(self, channel: str, data: str) -> None:
        user_id = channel.removeprefix(self._channel_prefix)
        message = json.loads(data)
        for sink in list(self._sinks.get(user_id, ())):
            if _ENDED in message:
                sink.end_session(message[_ENDED])
            else:
                sink.deliver(message)

    async def close(self) -> None:
        if self._reporter is not None:
            self._reporter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reporter
            await self._client.delete(self._online_key(self._process))
            await self._client.srem(self._online_set, self._process)
        await self._publisher.close()
        await self._subscriber.close()


class RedisRouter(Router):
    """Commands for a player go to their command channel, which only the process running
    their battle subscribes to; PUBLISH answers how many received it, so "nobody" costs no
    extra round trip."""

    def __init__(
        self, client: Redis, *, prefix: str = PREFIX, owner_seconds: float = OWNER_SECONDS
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._channel_prefix = f"{prefix}cmd:"
        self._owner = uuid.uuid4().hex
        self._owner_seconds = owner_seconds
        self._held: set[str] = set()
        self._handler: Forwarded | None = None
        self._publisher = _Publisher(client)
        self._subscriber = _Subscriber(client, self._received)
        self._refresher: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self._publisher.start()
        await self._subscriber.start(f"{self._prefix}router:{self._owner}")
        self._refresher = asyncio.ensure_future(self._refresh())

    def serve(self, handler: Forwarded) -> None:
        self._handler = handler

    async def hold(self, battle_id: str, user_ids: list[str]) -> None:
        self._held.add(battle_id)
        await self._client.set(self._battle_key(battle_id), self._owner, ex=self._ttl())
        for user_id in user_ids:
            await self._subscriber.add(self._channel_prefix + user_id)

    async def release(self, battle_id: str, user_ids: list[str]) -> None:
        self._held.discard(battle_id)
        for user_id in user_ids:
            await self._subscriber.remove(self._channel_prefix + user_id)
        await self._client.delete(self._battle_key(battle_id))

    async def forward(self, user_id: str, message: dict[str, Any]) -> bool:
        channel = self._channel_prefix + user_id
        return await self._publisher.publish_counted(channel, json.dumps(message)) > 0

    async def running(self, battle_id: str) -> bool:
        return bool(await self._client.exists(self._battle_key(battle_id)))

    def _battle_key(self, battle_id: str) -> str:
        return f"{self._prefix}battle:{battle_id}"

    def _ttl(self) -> int:
        return max(1, round(self._owner_seconds))

    def _received(self, channel: str, data: str) -> None:
        if self._handler is not None:
            self._handler(channel.removeprefix(self._channel_prefix), json.loads(data))

    async def _refresh(self) -> None:
        while True:
            await asyncio.sleep(self._owner_seconds / 3)
            try:
                async with self._client.pipeline(transaction=False) as pipe:
                    for battle_id in self._held:
                        pipe.set(self._battle_key(battle_id), self._owner, ex=self._ttl())
                    await pipe.execute()
            except Exception:
                log.exception("could not refresh %d battle keys", len(self._held))

    async def close(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
        if self._held:
            await self._client.delete(*(self._battle_key(b) for b in self._held))
        await self._publisher.close()
        await self._subscriber.close()
