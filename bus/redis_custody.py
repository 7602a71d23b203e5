"""Battle custody in Redis, so that a battle outlives the game process that ran it.

Under the bus's key prefix:
- `lease:<battle>` names the process acting on the battle (SET NX PX, renewed well inside its
  expiry by the process's keeper, every LEASE_SECONDS / 3);
- `log:<battle>` is the battle's log, a stream of `{n, e}` entries (n counts from 0, e is the
  JSON of game.journal), bounded at LOG_LIMIT entries, expiring LOG_SECONDS after it began and
  ENDED_LOG_SECONDS after the battle ended;
- `live` maps each live battle to what is needed to record it as aborted should its log be lost;
- `playing:<user>` names the live battle a player is in until its result is decided;
- `custodians` holds each game process with the time it last renewed its leases.

A process acts on a battle only while it knows its lease to be good: renewed less than
LEASE_SECONDS ago by its own clock, or while Redis cannot be reached at all (then nobody can
claim the battle from it). A process that froze past its lease finds on waking either that its
lease and log are as it left them (it carries on) or that they are not (it lets the battle go).
Each process keeps its own battles' entries in memory too, so that after a Redis restart, which
loses every key, it writes them back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bus.custody import Claimed, Custody, Renewal, Roster
from bus.redis_link import Member

log = logging.getLogger(__name__)

LEASE_SECONDS = 3.0
LOG_LIMIT = 5000  # far more events than ten questions can bring; a longer log is lost
LOG_SECONDS = 3 * 3600
ENDED_LOG_SECONDS = 600
PLAYING_SECONDS = 3 * 3600  # a mark left by a site that stopped entirely lapses after this
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# KEYS: the lease of each battle held here. ARGV: this process, lease ms, custodians key, now.
# For each: 1 renewed, 0 missing, -1 held by another process.
_RENEW = """
local out = {}
for i, key in ipairs(KEYS) do
  local owner = redis.call('GET', key)
  if owner == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    out[i] = 1
  elseif not owner then
    out[i] = 0
  else
    out[i] = -1
  end
end
redis.call('ZADD', ARGV[3], ARGV[4], ARGV[1])
redis.call('ZREMRANGEBYSCORE', ARGV[3], '-inf', tonumber(ARGV[4]) - 3600000)
return out
"""

# KEYS: live hash. ARGV: this process, lease ms, limit, lease key prefix.
_CLAIM = """
local claimed = {}
for _, battle in ipairs(redis.call('HKEYS', KEYS[1])) do
  if #claimed >= tonumber(ARGV[3]) then break end
  if redis.call('SET', ARGV[4] .. battle, ARGV[1], 'NX', 'PX', ARGV[2]) then
    table.insert(claimed, battle)
  end
end
return claimed
"""

# KEYS: lease, log. ARGV: this process, lease ms, the log's length as this process left it.
# Takes a lapsed lease back only if nobody wrote to the log meanwhile.
_REGAIN = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('XLEN', KEYS[2]) ~= tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""

# KEYS: a key. ARGV: the value it must hold to be deleted.
_DELETE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass(slots=True)
class _Held:
    """A battle this process holds: its log as written, and until when its lease is good."""

    about: Roster
    entries: list[str] = field(default_factory=list)
    good_until: float = 0.0  # time.monotonic()
    stored: int = 0  # entries known to be in Redis, in order
    broken: bool = False  # an append failed: the log in Redis is short of `entries`
    freed: bool = False  # its result is decided: its players are no longer marked as in it


class RedisCustody(Custody, Member):
    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = "kwissle:",
        lease_seconds: float = LEASE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._me = uuid.uuid4().hex
        self._lease_ms = max(1, round(lease_seconds * 1000))
        self._lease_seconds = lease_seconds
        self._monotonic = monotonic
        self._held: dict[str, _Held] = {}
        self._unreachable = False
        self._queue: asyncio.Queue[tuple[str, str, Callable[[], None]]] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._renew = client.register_script(_RENEW)
        self._claim = client.register_script(_CLAIM)
        self._regain = client.register_script(_REGAIN)
        self._delete_if = client.register_script(_DELETE_IF)

    @property
    def failover(self) -> bool:
        return True

    @property
    def process(self) -> str:
        return self._me

    # keys
    def _lease(self, battle_id: str) -> str:
        return f"{self._prefix}lease:{battle_id}"

    def _log(self, battle_id: str) -> str:
        return f"{self._prefix}log:{battle_id}"

    def _playing(self, user_id: str) -> str:
        return f"{self._prefix}playing:{user_id}"

    @property
    def _live(self) -> str:
        return f"{self._prefix}live"

    @property
    def _custodians(self) -> str:
        return f"{self._prefix}custodians"

    # starting and ending
    async def begin(self, battle_id: str, players: list[str], entry: str, about: Roster) -> None:
        held = _Held(about, [entry])
        sent = self._monotonic()
        await self._write_whole(battle_id, held, players)
        held.good_until = sent + self._lease_seconds
        self._held[battle_id] = held

    async def _write_whole(self, battle_id: str, held: _Held, players: list[str]) -> None:
        """The lease, the whole log as this process holds it, the live entry and the players."""
        log_key = self._log(battle_id)
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.set(self._lease(battle_id), self._me, px=self._lease_ms)
            pipe.delete(log_key)
            for n, entry in enumerate(held.entries):
                pipe.xadd(log_key, {"n": n, "e": entry}, maxlen=LOG_LIMIT, approximate=False)
            pipe.expire(log_key, LOG_SECONDS)
            pipe.hset(self._live, battle_id, _about_json(held.about))
            for user_id in players:
                pipe.set(self._playing(user_id), battle_id, ex=PLAYING_SECONDS)
            await pipe.execute()
        held.stored = len(held.entries)
        held.broken = False

    async def free(self, battle_id: str, players: list[str]) -> None:
        held = self._held.get(battle_id)
        if held is not None:
            held.freed = True
        for user_id in players:
            await self._delete_if(keys=[self._playing(user_id)], args=[battle_id])

    async def end(self, battle_id: str) -> None:
        await self.settled()
        self._held.pop(battle_id, None)
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.hdel(self._live, battle_id)
            pipe.expire(self._log(battle_id), ENDED_LOG_SECONDS)
            await pipe.execute()
        await self._delete_if(keys=[self._lease(battle_id)], args=[self._me])

    async def release(self, battle_id: str) -> None:
        await self.settled()
        self._held.pop(battle_id, None)
        await self._delete_if(keys=[self._lease(battle_id)], args=[self._me])

    async def held_elsewhere(self, battle_ids: list[str]) -> int:
        if not battle_ids:
            return 0
        owners = await self._client.mget([self._lease(b) for b in battle_ids])
        return sum(1 for owner in owners if owner is not None and owner != self._me)

    def forget(self, battle_id: str) -> None:
        self._held.pop(battle_id, None)

    # the log
    def append(self, battle_id: str, entry: str, then: Callable[[], None]) -> None:
        held = self._held.get(battle_id)
        if held is not None:
            held.entries.append(entry)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write())
        self._queue.put_nowait((battle_id, entry, then))

    async def _write(self) -> None:
        """XADD what is queued in one pipeline, then let each entry's effects go, in order."""
        while not self._queue.empty():
            batch = [self._queue.get_nowait()]
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            written = [b for b in batch if b[0] in self._held]
            try:
                async with self._client.pipeline(transaction=False) as pipe:
                    for battle_id, entry, _ in written:
                        held = self._held[battle_id]
                        n = held.stored
                        held.stored += 1
                        pipe.xadd(
                            self._log(battle_id),
                            {"n": n, "e": entry},
                            maxlen=LOG_LIMIT,
                            approximate=False,
                        )
                    await pipe.execute()
            except Exception:
                log.exception("could not log %d battle events; the battles go on", len(batch))
                for battle_id, _, _ in written:
                    if battle_id in self._held:
                        self._held[battle_id].broken = True
            for _, _, then in batch:
                try:
                    then()
                except Exception:
                    log.exception("carrying out a battle's effects failed")
            for _ in batch:
                self._queue.task_done()

    async def settled(self) -> None:
        await self._queue.join()

    # leases
    def holds(self, battle_id: str) -> bool:
        held = self._held.get(battle_id)
        if held is None:
            return False
        return self._unreachable or self._monotonic() < held.good_until

    async def renew(self) -> Renewal:
        battles = list(self._held)
        sent = self._monotonic()
        try:
            now_ms = await self._server_ms()
            states = await self._renew(
                keys=[self._lease(b) for b in battles],
                args=[self._me, self._lease_ms, self._custodians, now_ms],
            )
        except UNREACHABLE:
            if not self._unreachable:
                log.warning("Redis cannot be reached: battles go on here until it can")
            self._unreachable = True
            return Renewal(kept=tuple(battles))
        was_unreachable, self._unreachable = self._unreachable, False
        kept: list[str] = []
        lost: list[str] = []
        for battle_id, state in zip(battles, states, strict=True):
            held = self._held.get(battle_id)
            if held is None:
                continue  # ended meanwhile
            if state == 1:
                good = True
            elif state == -1:
                good = False
            elif was_unreachable or sent < held.good_until:
                # Redis lost the keys (restarted) while the lease was good: nobody else could
                # have claimed the battle, so write it all back.
                await self._write_whole(battle_id, held, self._players(held))
                good = True
            else:
                # Frozen past the lease: carry on only if nobody touched the battle since.
                good = bool(
                    await self._regain(
                        keys=[self._lease(battle_id), self._log(battle_id)],
                        args=[self._me, self._lease_ms, held.stored],
                    )
                )
            if good:
                if held.broken:
                    await self._write_whole(battle_id, held, self._players(held))
                held.good_until = sent + self._lease_seconds
                kept.append(battle_id)
            else:
                self._held.pop(battle_id, None)
                lost.append(battle_id)
        return Renewal(tuple(kept), tuple(lost))

    @staticmethod
    def _players(held: _Held) -> list[str]:
        """The players to mark as in the battle when writing it back."""
        return [] if held.freed else [u for u, _, bot in held.about.players if not bot]

    async def claim(self, limit: int) -> list[str]:
        if limit <= 0:
            return []
        sent = self._monotonic()
        claimed = await self._claim(
            keys=[self._live], args=[self._me, self._lease_ms, limit, self._prefix + "lease:"]
        )
        good_until = sent + self._lease_seconds
        for battle_id in claimed:
            self._held[battle_id] = _Held(_unnamed(battle_id), good_until=good_until)
        return [str(b) for b in claimed]

    async def read(self, battle_id: str) -> Claimed:
        held = self._held[battle_id]
        async with self._client.pipeline(transaction=False) as pipe:
            pipe.xrange(self._log(battle_id))
            pipe.hget(self._live, battle_id)
            rows, about = await pipe.execute()
        if about is not None:
            held.about = _about_from_json(battle_id, about)
        entries = [fields.get("e", "") for _, fields in rows]
        numbers = [int(fields.get("n", -1)) for _, fields in rows]
        if not rows or numbers != list(range(len(rows))):
            return Claimed(held.about, None)  # lost, trimmed or written with a gap
        held.entries = entries
        held.stored = len(entries)
        return Claimed(held.about, tuple(entries))

    # players and peers
    async def battle_of(self, user_id: str) -> str | None:
        battle_id = await self._client.get(self._playing(user_id))
        return None if battle_id is None else str(battle_id)

    async def peers(self) -> int:
        now_ms = await self._server_ms()
        alive = await self._client.zrangebyscore(self._custodians, now_ms - self._lease_ms, "+inf")
        return sum(1 for process in alive if process != self._me)

    async def _server_ms(self) -> int:
        seconds, micros = await self._client.time()
        return int(seconds) * 1000 + int(micros) // 1000

    async def close(self) -> None:
        """Stop counting as a process that can take battles over."""
        await self.settled()
        if self._writer is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        with contextlib.suppress(*UNREACHABLE):
            await self._client.zrem(self._custodians, self._me)


def _about_json(about: Roster) -> str:
    return json.dumps(
        {
            "players": [list(p) for p in about.players],
            "category": about.category,
            "started_at": about.started_at,
        }
    )


def _about_from_json(battle_id: str, text: str) -> Roster:
    data = json.loads(text)
    players = tuple((str(u), str(n), bool(b)) for u, n, b in data["players"])
    return Roster(battle_id, players, data.get("category"), float(data["started_at"]))


def _unnamed(battle_id: str) -> Roster:
    return Roster(battle_id, (), None, 0.0)
