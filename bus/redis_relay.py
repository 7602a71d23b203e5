"""The relay across game processes: where each player's sockets are, and messages to them.

Redis holds, under the bus's prefix:
- `presence:<user>`: the set of processes holding at least one of the player's sockets;
- `sockets:<process>`: the players whose sockets that process holds (to clean up after it);
- `presence-version`: a counter labelling every change of any player's set, newest highest.

A process delivers a message straight to the player's sockets it holds, and publishes it on the
player's channel `to:<user>` only when another process holds one too (or it holds none: then it
cannot know where they are). To know that in time, a process that takes on a player subscribes
to the channel first and only then adds itself to their set, reading the whole set in the same
script; a change to a set that leaves other holders publishes a notice (the new set, labelled)
on the channel. Every process of the player thus learns of a new socket elsewhere before that
socket's commands can reach it: they come later, through the same pub/sub connection.

Presence lives by the processes' heartbeat (bus/redis_link.py): a process whose registration
lapsed is cleaned up by exactly one survivor, which takes it out of every set it was in and calls
the `on_lost` handlers for each player whose last socket it held. Imports no Tornado.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bus.port import AttachFailed, BusUnavailable, Relay, Sink
from bus.redis_link import Link, Member

log = logging.getLogger(__name__)

# Between attempts to attach or detach while Redis answers but refuses or is slow: a few seconds
# in all, then an attach gives up (the connection is closed) and a detach waits for the bus.
RETRY_SECONDS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)

# KEYS: presence:<user>, sockets:<this process>, presence-version. ARGV: this process, the user,
# 1 to be among the holders or 0 not to be, the player's channel. Returns {version, holder...}.
_SYNC = """
local changed
if ARGV[3] == '1' then
  changed = redis.call('SADD', KEYS[1], ARGV[1])
  redis.call('SADD', KEYS[2], ARGV[2])
else
  changed = redis.call('SREM', KEYS[1], ARGV[1])
  redis.call('SREM', KEYS[2], ARGV[2])
end
local holders = redis.call('SMEMBERS', KEYS[1])
local version
if changed == 1 then
  version = redis.call('INCR', KEYS[3])
  -- Others hold sockets of the player (the caller is among `holders` only when adding):
  -- they learn the new set before anything this caller forwards for the player.
  if #holders > tonumber(ARGV[3]) then
    redis.call('PUBLISH', ARGV[4], cjson.encode({v = version, holders = holders}))
  end
else
  version = tonumber(redis.call('GET', KEYS[3]) or '0')
end
return {version, unpack(holders)}
"""

# KEYS: processes, the process's registration, sockets:<process>, presence-version. ARGV: the
# process, the presence key prefix, the channel prefix, 1 when the process buries itself. Takes
# the process out of every player's set, once: only the caller whose SREM took it out of
# `processes` does it. Returns the players left without any holder, or false.
_BURY = """
if ARGV[4] ~= '1' then
  if redis.call('EXISTS', KEYS[2]) == 1 then return false end
  if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return false end
else
  redis.call('SREM', KEYS[1], ARGV[1])
  redis.call('DEL', KEYS[2])
end
local lost = {}
for _, user in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  local key = ARGV[2] .. user
  if redis.call('SREM', key, ARGV[1]) == 1 then
    local holders = redis.call('SMEMBERS', key)
    if #holders == 0 then
      table.insert(lost, user)
    else
      local version = redis.call('INCR', KEYS[4])
      redis.call('PUBLISH', ARGV[3] .. user, cjson.encode({v = version, holders = holders}))
    end
  end
end
redis.call('DEL', KEYS[3])
return lost
"""

# KEYS: presence:<user>. ARGV: the registrations' prefix. 1 when a live process holds a socket.
_PRESENT = """
for _, process in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. process) == 1 then return 1 end
end
return 0
"""

# KEYS: processes. ARGV: the registrations' prefix. The sum of the live processes' counts.
_ONLINE = """
local total = 0
for _, process in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local count = redis.call('GET', ARGV[1] .. process)
  if count then total = total + tonumber(count) end
end
return total
"""


@dataclass(eq=False)
class _Player:
    """One player with sockets here (or leaving): what Redis knows of them and who else holds
    their sockets."""

    sinks: list[Sink] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one change in Redis at a time
    recorded: bool = False  # this process is in the player's set in Redis
    version: int = -1  # of `others`, as labelled by Redis
    others: frozenset[str] = frozenset()  # the other processes holding the player's sockets


class RedisRelay(Relay, Member):
    def __init__(self, link: Link) -> None:
        self._link = link
        self._me = link.process
        self._channel_prefix = link.key("to:")
        self._players: dict[str, _Player] = {}
        self._unsettled: set[str] = set()  # whose set in Redis could not be changed yet
        self._unheard: set[str] = set()  # who left while down, not yet reported to anyone
        self._lost_handlers: list[Callable[[str], None]] = []
        client = link.client
        self._sync = client.register_script(_SYNC)
        self._bury = client.register_script(_BURY)
        self._present = client.register_script(_PRESENT)
        self._online = client.register_script(_ONLINE)
        link.subscriber.route(self._channel_prefix, self._received)
        link.count = lambda: sum(1 for p in self._players.values() if p.sinks)
        link.join(self)

    # the port
    async def attach(self, user_id: str, sink: Sink) -> None:
        player = self._players.setdefault(user_id, _Player())
        player.sinks.append(sink)
        try:
            await self._retrying(user_id, player)
        except BusUnavailable as error:
            self._unsettled.add(user_id)  # Redis is set right when it can be (each beat)
            if self._link.state == "down":
                # Attached here only: it hears this process's battles now, and the others'
                # once the bus is back and this player's set is written again.
                return
            if sink in player.sinks:
                player.sinks.remove(sink)
            raise AttachFailed(f"could not attach a connection of {user_id}: {error}") from error

    async def detach(self, user_id: str, sink: Sink) -> bool:
        player = self._players.get(user_id)
        if player is None or sink not in player.sinks:
            return False  # never attached here, so never counted
        player.sinks.remove(sink)
        if player.sinks:
            return False
        try:
            return await self._retrying(user_id, player)
        except BusUnavailable:
            # Counted once the bus is able, and reported through the lost handlers then.
            self._unsettled.add(user_id)
            self._unheard.add(user_id)
            raise

    def deliver(self, user_id: str, message: dict[str, Any]) -> None:
        player = self._players.get(user_id)
        if player is not None:
            for sink in list(player.sinks):
                sink.deliver(message)
        if self._elsewhere(player):
            self._publish(user_id, {"f": self._me, "m": message})

    def end_session(self, user_id: str, session: str) -> None:
        player = self._players.get(user_id)
        if player is not None:
            for sink in list(player.sinks):
                sink.end_session(session)
        if self._elsewhere(player):
            self._publish(user_id, {"f": self._me, "end": session})

    async def online(self) -> int:
        """The sum of every live process's count; a player connected to two counts twice."""
        with self._link.guard():
            total = await self._online(keys=[self._link.key("processes")], args=[self._prefix()])
        return int(total)

    async def present(self, user_id: str) -> bool:
        player = self._players.get(user_id)
        if player is not None and player.sinks:
            return True
        with self._link.guard():
            found = await self._present(keys=[self._key(user_id)], args=[self._prefix()])
        return bool(found)

    def on_lost(self, handler: Callable[[str], None]) -> None:
        self._lost_handlers.append(handler)

    # what Redis knows
    async def _retrying(self, user_id: str, player: _Player) -> bool:
        """`_settle`, tried again while Redis answers but refuses or is slow. Raises
        BusUnavailable at once when the bus is down, or after RETRY_SECONDS."""
        for pause in RETRY_SECONDS:
            try:
                return await self._settle(user_id, player)
            except BusUnavailable:
                if self._link.state == "down":
                    raise
            await asyncio.sleep(pause)
        return await self._settle(user_id, player)

    async def _settle(self, user_id: str, player: _Player, *, report: bool = False) -> bool:
        """Bring Redis in line with the player's sockets here: subscribed to their channel and
        in their set while there are any, neither once there are none. Returns whether the
        player is left with no socket anywhere; with `report`, tells the lost handlers so if
        their last connection here left while the bus was down. Raises BusUnavailable."""
        async with player.lock:
            channel = self._channel_prefix + user_id
            if player.sinks:
                await self._link.subscriber.want(channel)  # before the set is read: see above
                if not player.recorded or user_id in self._unsettled:
                    await self._write(user_id, player, True)
            else:
                if player.recorded or user_id in self._unsettled:
                    await self._write(user_id, player, False)
                if not player.sinks:  # none arrived meanwhile
                    self._link.subscriber.drop(channel)
                    if self._players.get(user_id) is player:
                        del self._players[user_id]
            self._unsettled.discard(user_id)
            last = not player.sinks and not player.others
            if user_id in self._unheard and (player.sinks or report):
                self._unheard.discard(user_id)  # back here, or reported now
                if last:
                    self._report_lost([user_id])
            return last

    async def _write(self, user_id: str, player: _Player, holding: bool) -> None:
        with self._link.guard():
            reply = await self._sync(
                keys=[self._key(user_id), self._link.key(f"sockets:{self._me}"), self._version()],
                args=[self._me, user_id, int(holding), self._channel_prefix + user_id],
            )
        player.recorded = holding
        self._learn(player, int(reply[0]), [str(p) for p in reply[1:]])

    def _learn(self, player: _Player, version: int, holders: list[str]) -> None:
        if version > player.version:
            player.version = version
            player.others = frozenset(holders) - {self._me}

    def _elsewhere(self, player: _Player | None) -> bool:
        """Whether a message to this player must go through Redis too: another process holds
        one of their sockets, or this one cannot tell (it holds none, or is still attaching)."""
        return player is None or not player.sinks or not player.recorded or bool(player.others)

    def _publish(self, user_id: str, envelope: dict[str, Any]) -> None:
        self._link.publisher.publish(self._channel_prefix + user_id, json.dumps(envelope))

    def _received(self, channel: str, data: str) -> None:
        user_id = channel.removeprefix(self._channel_prefix)
        player = self._players.get(user_id)
        if player is None:
            return
        envelope = json.loads(data)
        if "holders" in envelope:
            self._learn(player, int(envelope["v"]), [str(p) for p in envelope["holders"]])
        elif envelope.get("f") == self._me:
            return  # published by this process, which delivered it here already
        elif "end" in envelope:
            for sink in list(player.sinks):
                sink.end_session(str(envelope["end"]))
        else:
            for sink in list(player.sinks):
                sink.deliver(envelope["m"])

    # the heartbeat's news
    async def restore(self, fresh: bool) -> None:
        if fresh:  # Redis forgot every set and counts versions from scratch
            for player in self._players.values():
                player.recorded = False
                player.version = -1
            self._unsettled |= set(self._players)
        await self._settle_unsettled()

    async def beat(self, lapsed: list[str]) -> None:
        for process in lapsed:
            lost = await self._bury_process(process, itself=False)
            if lost is not None:
                log.warning(
                    "process %s stopped renewing its registration: cleaned up after it; %d "
                    "players lost their last connection with it",
                    process,
                    len(lost),
                )
                self._report_lost(lost)
        await self._settle_unsettled()

    async def _settle_unsettled(self) -> None:
        self._unsettled &= set(self._players)
        users = list(self._unsettled)
        await asyncio.gather(*(self._settle(u, self._players[u], report=True) for u in users))
        # Left while down and already forgotten here: gone with no set to change.
        unheard = [u for u in self._unheard if u not in self._players]
        self._unheard.difference_update(unheard)
        self._report_lost(unheard)

    def expelled(self) -> None:
        """Counted as gone, this process's players were reported lost elsewhere: close their
        sockets so that each comes back through a fresh hello."""
        players, self._players = self._players, {}
        self._unsettled.clear()
        self._unheard.clear()
        for user_id, player in players.items():
            self._link.subscriber.drop(self._channel_prefix + user_id)
            for sink in player.sinks:
                sink.lost()

    async def close(self) -> None:
        """Take this process out of every set it is in (normally none by now: app.py closes
        every connection first)."""
        await self._bury_process(self._me, itself=True)

    async def _bury_process(self, process: str, *, itself: bool) -> list[str] | None:
        with self._link.guard():
            lost = await self._bury(
                keys=[
                    self._link.key("processes"),
                    self._link.key(f"process:{process}"),
                    self._link.key(f"sockets:{process}"),
                    self._version(),
                ],
                args=[process, self._link.key("presence:"), self._channel_prefix, int(itself)],
            )
        return None if lost is None else [str(u) for u in lost]

    def _report_lost(self, users: list[str]) -> None:
        for user_id in users:
            player = self._players.get(user_id)
            if player is not None and player.sinks:
                continue  # back here meanwhile: their connection speaks for them
            for handler in self._lost_handlers:
                try:
                    handler(user_id)
                except Exception:
                    log.exception("the lost-player handler failed for %s", user_id)

    def _key(self, user_id: str) -> str:
        return self._link.key(f"presence:{user_id}")

    def _version(self) -> str:
        return self._link.key("presence-version")

    def _prefix(self) -> str:
        return self._link.key("process:")
