"""One game process's link to Redis: the client, whether Redis answers, and this process's place
among the game processes.

Every process registers itself under `process:<id>` (its count of connected players, lapsing
after `lapse` seconds) in the set `processes`, and renews it every `heartbeat` seconds. The same
beat tells it three things: that Redis lost its data (the key `epoch` changed: it restarted
without persistence), that the others counted this process as gone (it stalled past its lapse and
was taken out of `processes`), and which registered processes lapsed. The parts of the bus
(`Member`s: relay, pool, router) act on each: they write back what this process knows, and the
relay cleans up after a lapsed process.

While Redis does not answer the bus is "down": the parts fail fast with BusUnavailable and this
link tries again every few tenths of a second, then restores what Redis must know before it
says "up". Imports no Tornado; only redis-py's asyncio client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Literal

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bus.port import BusUnavailable
from bus.redis_channels import Publisher, Subscriber

log = logging.getLogger(__name__)

PREFIX = "kwissle:"
HEARTBEAT_SECONDS = 1.0  # how often a process renews its registration
CLOSE_SECONDS = 5.0  # a process leaving the bus waits no longer for Redis
LAPSE_SECONDS = 4.0  # a registration not renewed for this long counts the process as gone
# Commands wait for one of these connections rather than fail (redis-py's default pool raises
# MaxConnectionsError at 100, which a burst of players arriving at once exceeded).
POOL_CONNECTIONS = 32
CONNECT_SECONDS = 1.0
COMMAND_SECONDS = 5.0
# Between attempts while Redis does not answer: soon at first, then at most once a second.
PROBE_SECONDS = (0.05, 0.1, 0.25, 0.5, 1.0)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

State = Literal["up", "down"]

# KEYS: epoch, processes, this process's registration. ARGV: this process, the epoch it knows,
# lapse (ms), its players online, a new epoch should the key be gone, the registrations' prefix.
# Renews the registration; returns {status, epoch, lapsed process...} where status is 'ok',
# 'epoch' (Redis lost its data since) or 'claimed' (the others counted this process as gone).
_BEAT = """
local status = 'ok'
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  epoch = ARGV[5]
  redis.call('SET', KEYS[1], epoch)
end
if epoch ~= ARGV[2] then
  status = 'epoch'
elseif redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then
  status = 'claimed'
end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[3])
local reply = {status, epoch}
for _, process in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[6] .. process) == 0 then
    table.insert(reply, process)
  end
end
return reply
"""


def connect(redis_url: str) -> Redis:
    """A client for `redis_url` that answers str and connects on first use. Commands queue for
    one of POOL_CONNECTIONS connections; redis-py does not retry (the bus decides that)."""
    pool = BlockingConnectionPool.from_url(
        redis_url,
        max_connections=POOL_CONNECTIONS,
        timeout=None,  # a command waits its turn; a dead Redis shows as a failed command
        decode_responses=True,
        socket_connect_timeout=CONNECT_SECONDS,
        socket_timeout=COMMAND_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )
    return Redis.from_pool(pool)


class Member:
    """A part of the bus that the link keeps informed; every method does nothing by default."""

    async def restore(self, fresh: bool) -> None:
        """Redis answers again; `fresh`: it lost every key (it restarted) or this process was
        counted as gone, so write back everything this process knows, not only what failed."""

    async def beat(self, lapsed: list[str]) -> None:
        """Once a heartbeat while up; `lapsed`: registered processes that stopped renewing."""

    def expelled(self) -> None:
        """The others counted this process as gone while it stalled, and cleaned up after it."""

    async def close(self) -> None:
        """This process leaves: take back from Redis what only this part wrote there."""


# What a recovery owes the members, from least to most.
_NOTHING, _RESYNC, _FRESH = 0, 1, 2


class Link:
    """The client, the process's one publisher and one pub/sub connection, and its heartbeat."""

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = PREFIX,
        heartbeat: float = HEARTBEAT_SECONDS,
        lapse: float = LAPSE_SECONDS,
    ) -> None:
        if lapse < 2 * heartbeat:
            raise ValueError(f"a lapse of {lapse} s leaves no room for a {heartbeat} s heartbeat")
        self.client = client
        self.prefix = prefix
        self.process = uuid.uuid4().hex
        # This process's registration key, and its channel for notices (the same name).
        self.channel = f"{prefix}process:{self.process}"
        self.publisher = Publisher(self)
        self.subscriber = Subscriber(self)
        self.epoch = ""
        self.count: Callable[[], int] = lambda: 0  # players connected here (the relay sets it)
        self._heartbeat = heartbeat
        self._lapse_ms = max(1, round(lapse * 1000))
        self._members: list[Member] = []
        self._state: State = "down"
        self._owed = _NOTHING
        self._lapsed: list[str] = []  # what the last beat found
        self._complaint = ""  # the last refusal logged, so that each is logged once in a row
        self._wake = asyncio.Event()
        self._keeper: asyncio.Task[None] | None = None
        self._beat = client.register_script(_BEAT)

    @property
    def state(self) -> State:
        return self._state

    def key(self, name: str) -> str:
        return self.prefix + name

    def join(self, member: Member) -> None:
        self._members.append(member)

    async def open(self) -> None:
        """Connect, register and subscribe; raises (a redis-py error) when Redis does not answer,
        so that a process fails at start rather than at its first player."""
        await self._register()
        self._state = "up"
        self.publisher.start()
        await self.subscriber.start(self.channel)
        self._keeper = asyncio.ensure_future(self._keep())
        log.info("bus on Redis as process %s", self.process)

    def check(self) -> None:
        """Raise BusUnavailable at once while Redis does not answer."""
        if self._state == "down":
            raise BusUnavailable("Redis cannot be reached")

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Fail fast while down; turn a redis-py error inside the block into BusUnavailable,
        and a lost connection into the "down" state."""
        self.check()
        try:
            yield
        except UNREACHABLE as error:
            self.failed(error)
            raise BusUnavailable(f"Redis cannot be reached: {error}") from error
        except RedisError as error:
            raise BusUnavailable(f"Redis refused: {error}") from error

    def failed(self, error: Exception) -> None:
        """A command found Redis unreachable: down until the heartbeat finds it again."""
        self._owed = max(self._owed, _RESYNC)
        if self._state == "up":
            self._state = "down"
            log.warning("Redis cannot be reached (%s): the bus is down until it answers", error)
            self._wake.set()  # start probing now, not at the next beat

    async def _register(self) -> str:
        """Renew this process's registration; returns the status, acting on the lapsed."""
        reply = await self._beat(
            keys=[self.key("epoch"), self.key("processes"), self.channel],
            args=[
                self.process,
                self.epoch,
                self._lapse_ms,
                self.count(),
                uuid.uuid4().hex,
                self.key("process:"),
            ],
        )
        status, epoch, *lapsed = (str(part) for part in reply)
        if self.epoch and status == "epoch":
            log.warning("Redis lost its data (restarted): writing back what this process knows")
            self._owed = _FRESH
        elif self.epoch and status == "claimed":
            log.warning("the other processes counted this one as gone: joining them again")
            for member in self._members:
                member.expelled()
            self._owed = _FRESH
        self.epoch = epoch
        self._lapsed = [p for p in lapsed if p != self.process]
        return status

    async def _keep(self) -> None:
        """The heartbeat: renew, restore what is owed, let the members act; probe while down."""
        probes = 0
        while True:
            if self._state == "up":
                pause = self._heartbeat
            else:
                pause = PROBE_SECONDS[min(probes, len(PROBE_SECONDS) - 1)]
                probes += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), pause)
            self._wake.clear()
            try:
                await self._register()
                if self._state == "down":
                    self._state = "up"
                    log.warning("Redis answers again: the bus is up")
                probes = 0
                if self._owed:
                    fresh = self._owed == _FRESH
                    await self.subscriber.resync()
                    for member in self._members:
                        await member.restore(fresh)
                    self._owed = _NOTHING
                for member in self._members:
                    await member.beat(self._lapsed)
            except asyncio.CancelledError:
                raise
            except UNREACHABLE as error:
                self.failed(error)
            except (BusUnavailable, RedisError) as error:
                # Redis refused (out of memory, say) or did not confirm a subscription in time:
                # the next beat tries again, and what is owed stays owed.
                if self._state == "up" and str(error) != self._complaint:
                    log.warning("the bus's heartbeat did not get through: %s", error)
                self._complaint = str(error)
            except Exception:
                log.exception("the bus's heartbeat failed; it tries again")
            else:
                self._complaint = ""

    async def close(self) -> None:
        """Stop the heartbeat, let each member take back what it wrote, then publish what is
        queued, unsubscribe and disconnect; within CLOSE_SECONDS, so that a Redis that stopped
        answering mid-way never keeps a stopping process from exiting."""
        try:
            async with asyncio.timeout(CLOSE_SECONDS):
                await self._leave()
        except TimeoutError:
            log.warning("Redis did not see this process leave within %s s", CLOSE_SECONDS)
        await self.publisher.close()
        await self.subscriber.close()
        await self.client.aclose()

    async def _leave(self) -> None:
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
        for member in self._members:
            with contextlib.suppress(BusUnavailable, *UNREACHABLE):
                await member.close()
        if self._state == "up":
            with contextlib.suppress(RedisError):
                async with self.client.pipeline(transaction=False) as pipe:
                    pipe.srem(self.key("processes"), self.process)
                    pipe.delete(self.channel)
                    await pipe.execute()
