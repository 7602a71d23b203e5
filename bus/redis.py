"""Redis adapters of the bus ports, so that several game processes share one site.

Redis carries, all under one key prefix (`kwissle:`), nothing that must survive a restart:
- the game processes: each one's registration, renewed by its heartbeat, and the data's epoch
  (bus/redis_link.py);
- the matchmaking pool, changed only by Lua scripts that mirror game.matchmaking, so pairing is
  atomic; each entry names the process it joined through (bus/redis_pool.py);
- presence: which processes hold each player's sockets, and messages to players, published only
  when the player has a socket on another process (bus/redis_relay.py);
- commands to battles: a channel per player that the process running their battle subscribes
  to, and a key per battle naming that process (bus/redis_router.py).

A process uses one client (a bounded, blocking connection pool), one publisher and one pub/sub
connection (bus/redis_channels.py). Imports no Tornado.
"""

from __future__ import annotations

from bus.redis_link import PREFIX, Link, connect
from bus.redis_pool import RedisPool
from bus.redis_relay import RedisRelay
from bus.redis_router import RedisRouter

__all__ = ["PREFIX", "Link", "RedisPool", "RedisRelay", "RedisRouter", "connect"]
