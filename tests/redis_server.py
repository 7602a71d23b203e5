"""A throwaway redis-server for tests: on a free port, in a temp folder, never written to disk
(ops/local_redis.py, which `app.py run --game-processes` uses too).

Never the shared Redis on 6379. Registered in tests/conftest.py as the `redis_url` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ops.local_redis import RedisServer

__all__ = ["RedisServer", "redis_server", "restartable_redis"]


@contextmanager
def restartable_redis(folder: Path) -> Iterator[RedisServer]:
    """A started RedisServer, stopped when the block ends."""
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Run redis-server until the block ends; yields its URL (database 0)."""
    with restartable_redis(folder) as server:
        yield server.url
