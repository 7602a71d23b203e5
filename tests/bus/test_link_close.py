"""A stopping process leaves the bus in bounded time, even when Redis stops answering."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

from bus.factory import open_bus
from bus.redis_link import CLOSE_SECONDS
from tests.redis_server import restartable_redis


def test_closing_the_bus_of_a_redis_that_stopped_answering_ends_within_its_bound(tmp_path: Path):
    with restartable_redis(tmp_path) as server:

        async def scenario() -> float:
            bus = await open_bus(server.url)
            os.kill(server.pid, signal.SIGSTOP)  # up, connected, and silent
            try:
                began = time.monotonic()
                await asyncio.wait_for(bus.close(), CLOSE_SECONDS * 3)
                return time.monotonic() - began
            finally:
                os.kill(server.pid, signal.SIGCONT)

        took = asyncio.run(scenario())
    assert took < CLOSE_SECONDS * 2, took
