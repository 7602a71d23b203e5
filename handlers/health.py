"""GET /health on a game process: what nginx, systemd and an operator ask of it, answered from
memory (no store, no Redis call), so it stays cheap and says the truth while Redis is away.

    {"battles": 3, "connections": 41, "loop_lag_ms": 0.4, "bus": "up"}

`bus` is "local" (in-process bus), "up" or "down" (Redis cannot be reached: no new pairings);
HTTP 503 while it is "down", 200 otherwise. `loop_lag_ms` is the worst lateness of a timer
over the last few seconds (null until the first sample, half a second after the first ask).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable

import tornado.web

from sockets.arena import Arena
from sockets.connection import OpenConnections

LAG_SAMPLE_SECONDS = 0.5
LAG_SAMPLES = 10  # the window `loop_lag_ms` covers: five seconds


class LoopLag:
    """How late the event loop runs a timer: sampled every LAG_SAMPLE_SECONDS."""

    def __init__(self) -> None:
        self._samples: deque[float] = deque(maxlen=LAG_SAMPLES)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start sampling on the running loop; nothing more if already started."""
        if self._task is None:
            self._task = asyncio.ensure_future(self._sample())

    @property
    def worst_ms(self) -> float | None:
        return round(max(self._samples) * 1000, 1) if self._samples else None

    async def _sample(self) -> None:
        while True:
            asked = time.monotonic()
            await asyncio.sleep(LAG_SAMPLE_SECONDS)
            self._samples.append(max(0.0, time.monotonic() - asked - LAG_SAMPLE_SECONDS))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class HealthHandler(tornado.web.RequestHandler):
    def initialize(
        self,
        arena: Arena,
        connections: OpenConnections,
        bus_state: Callable[[], str],
        lag: LoopLag,
    ) -> None:
        self.arena = arena
        self.connections = connections
        self.bus_state = bus_state
        self.lag = lag

    def get(self) -> None:
        self.lag.start()  # app.py starts it at once; any other app on its first ask
        bus = self.bus_state()
        self.set_status(503 if bus == "down" else 200)
        self.set_header("Cache-Control", "no-store")
        self.finish(
            {
                "battles": self.arena.live_battles,
                "connections": self.connections.total,
                "loop_lag_ms": self.lag.worst_ms,
                "bus": bus,
            }
        )
