"""The matchmaking pool in Redis, shared by every game process.

`pool:queue` lists waiting user ids in arrival order and `pool:entries` holds each seeker as JSON,
changed only by Lua scripts that mirror game.matchmaking, so pairing is atomic. Each entry names
the process the seeker joined through (`via`). That process remembers its seekers until they
leave the pool, so that after a Redis restart (which empties the pool) it queues them again,
with their first `since`. It learns that another process took one of them (paired or took them
out) from a notice the taking script publishes on its channel, and checks its list against the
pool at every heartbeat besides. Imports no Tornado.
"""

from __future__ import annotations

import json
import logging

from bus.port import Pool
from bus.redis_link import Link, Member
from game.matchmaking import ANYONE_AFTER, BASE_GAP, GAP_PER_SECOND, Pairing, Seeker

log = logging.getLogger(__name__)

# game.matchmaking's rule in Lua, shared by the join and sweep scripts: the gap a seeker who
# waited `waited` seconds accepts, and whether two entries may meet at `now`. ARGV[1..3] are the
# policy, ARGV[4] the calling process and ARGV[5] the prefix of the processes' channels.
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
-- Takes `id` out of the pool; the process it joined through hears of it, unless it is the caller.
local function take(queue, entries, id)
  local entry = redis.call('HGET', entries, id)
  redis.call('LREM', queue, 0, id)
  redis.call('HDEL', entries, id)
  if entry then
    local via = cjson.decode(entry).via
    if type(via) == 'string' and via ~= ARGV[4] then
      redis.call('PUBLISH', ARGV[5] .. via, entry)
    end
  end
  return entry
end
"""

# KEYS: queue, entries. ARGV: policy (5), the newcomer's entry. Mirrors find_partner: the
# closest acceptable waiting entry, the earliest between equals, never oneself; else queues it.
_JOIN = (
    _POLICY
    + """
local me = cjson.decode(ARGV[6])
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
redis.call('HSET', KEYS[2], me.user_id, ARGV[6])
return false
"""
)

# KEYS: queue, entries. ARGV: policy (5), now. Mirrors sweep: pairs, in arrival order, waiting
# entries whose gaps have widened enough; returns [first, second, first, second, ...].
_SWEEP = (
    _POLICY
    + """
local now = tonumber(ARGV[6])
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

# KEYS: queue, entries. ARGV: policy (5, unused but for the caller), user id. The entry, or nil.
_LEAVE = (
    _POLICY
    + """
return take(KEYS[1], KEYS[2], ARGV[6])
"""
)

# KEYS: queue, entries. ARGV: entries, oldest first. Queues each whose player is not waiting
# already (they may have joined again since, through another process).
_REQUEUE = """
local queued = 0
for _, entry in ipairs(ARGV) do
  local id = cjson.decode(entry).user_id
  if redis.call('HEXISTS', KEYS[2], id) == 0 then
    redis.call('RPUSH', KEYS[1], id)
    redis.call('HSET', KEYS[2], id, entry)
    queued = queued + 1
  end
end
return queued
"""

# KEYS: epoch, entries. ARGV: user ids. {epoch, entry or false...}: the epoch tells whether
# Redis restarted since this process last looked (then the pool is empty, not its seekers gone).
_CHECK = """
local reply = {redis.call('GET', KEYS[1]) or ''}
for i, id in ipairs(ARGV) do
  reply[i + 1] = redis.call('HGET', KEYS[2], id) or false
end
return reply
"""


def _to_json(seeker: Seeker, via: str) -> str:
    return json.dumps(
        {
            "user_id": seeker.user_id,
            "nickname": seeker.nickname,
            "category": seeker.category,
            "since": seeker.since,
            "rating": seeker.rating,
            "leaves_often": seeker.leaves_often,
            "rtt": seeker.rtt,
            "via": via,
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


def _via(entry: str) -> str | None:
    via = json.loads(entry).get("via")
    return via if isinstance(via, str) else None


_POLICY_ARGS = [BASE_GAP, GAP_PER_SECOND, ANYONE_AFTER]


class RedisPool(Pool, Member):
    def __init__(self, link: Link) -> None:
        self._link = link
        self._keys = [link.key("pool:queue"), link.key("pool:entries")]
        # The seekers who joined through this process and are waiting, as far as it knows.
        self._here: dict[str, Seeker] = {}
        client = link.client
        self._join = client.register_script(_JOIN)
        self._sweep = client.register_script(_SWEEP)
        self._leave = client.register_script(_LEAVE)
        self._requeue = client.register_script(_REQUEUE)
        self._check = client.register_script(_CHECK)
        link.subscriber.route(link.channel, self._taken)
        link.join(self)

    def _args(self, last: str | float) -> list[str | float]:
        return [*_POLICY_ARGS, self._link.process, self._link.key("process:"), last]

    async def join(self, seeker: Seeker) -> Pairing | None:
        with self._link.guard():
            entry = await self._join(
                keys=self._keys, args=self._args(_to_json(seeker, self._link.process))
            )
        self._here.pop(seeker.user_id, None)  # an earlier request of theirs is gone either way
        if entry is None:
            self._here[seeker.user_id] = seeker
            return None
        first = _from_json(entry)
        self._gone(first)
        return Pairing(first, seeker, first.category or seeker.category)

    async def sweep(self, now: float) -> list[Pairing]:
        with self._link.guard():
            entries = await self._sweep(keys=self._keys, args=self._args(now))
        pairs = [
            (_from_json(a), _from_json(b)) for a, b in zip(entries[::2], entries[1::2], strict=True)
        ]
        for first, second in pairs:
            self._gone(first)
            self._gone(second)
        return [
            Pairing(first, second, first.category or second.category) for first, second in pairs
        ]

    async def leave(self, user_id: str) -> Seeker | None:
        with self._link.guard():
            entry = await self._leave(keys=self._keys, args=self._args(user_id))
        if entry is None:
            return None
        seeker = _from_json(entry)
        self._gone(seeker)
        return seeker

    async def waiting(self, user_id: str) -> Seeker | None:
        with self._link.guard():
            entry = await self._link.client.hget(self._keys[1], user_id)
        return None if entry is None else _from_json(entry)

    def _gone(self, seeker: Seeker) -> None:
        """`seeker`'s request left the pool: forget it, unless a newer one of theirs waits."""
        if self._here.get(seeker.user_id) == seeker:
            del self._here[seeker.user_id]

    def _taken(self, channel: str, entry: str) -> None:
        """Another process took an entry that joined through this one."""
        self._gone(_from_json(entry))

    # the heartbeat's news
    async def restore(self, fresh: bool) -> None:
        if not fresh or not self._here:
            return
        waiting = sorted(self._here.values(), key=lambda s: s.since)
        with self._link.guard():
            queued = await self._requeue(
                keys=self._keys, args=[_to_json(s, self._link.process) for s in waiting]
            )
        log.warning("queued again %d players who were waiting through this process", queued)

    async def beat(self, lapsed: list[str]) -> None:
        """Forget the seekers who left the pool without this process hearing of it (a notice
        lost with a pub/sub connection), so that none is queued again after a restart."""
        if not self._here:
            return
        looked_at = dict(self._here)
        with self._link.guard():
            reply = await self._check(
                keys=[self._link.key("epoch"), self._keys[1]], args=list(looked_at)
            )
        if reply[0] != self._link.epoch:
            return  # Redis restarted since the last beat: the next one restores the pool
        for (user_id, seeker), entry in zip(looked_at.items(), reply[1:], strict=True):
            here = entry is not None and _via(entry) == self._link.process
            if not (here and _from_json(entry) == seeker) and self._here.get(user_id) is seeker:
                del self._here[user_id]

    def expelled(self) -> None:
        # Counted as gone, this process's players were reported lost elsewhere, which takes
        # them out of the pool; none is to be queued again from here.
        self._here.clear()
