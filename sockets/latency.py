"""Answer-to-reveal latency as a game process sees it, for the activity report.

From the moment a connection reads the frame of an attempt that closes a question to the moment
it hands that question's reveal back to the same connection: the arena, the rules, the bus (with
Redis, the hops to the battle's owner and back) and the event loop's queue, everything but the
network. Counted in buckets (game.statistics.LATENCY_BOUNDS) per hour, and added to the store
every minute from the store's own thread, never on a battle's path.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from game.statistics import latency_bucket
from store.port import Store

log = logging.getLogger(__name__)

FLUSH_SECONDS = 60.0


def closed_by(reveal: Mapping[str, Any], user_id: str) -> bool:
    """Whether `user_id`'s attempt closed the question this reveal tells: a right answer, or
    the second of two attempts."""
    attempts = reveal.get("attempts") or []
    if not attempts or attempts[-1].get("by") != user_id:
        return False
    return bool(attempts[-1].get("correct")) or len(attempts) == 2


class RevealLatency:
    """Counts latencies per hour and adds them to the store now and then."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock
        self._counts: dict[int, Counter[int]] = {}
        self._flusher: asyncio.Task[None] | None = None

    def seen(self, seconds: float) -> None:
        """One reveal that came `seconds` after its closing attempt was read."""
        hour = int(self._clock() // 3600)
        self._counts.setdefault(hour, Counter())[latency_bucket(seconds * 1000)] += 1

    def start(self, every: float = FLUSH_SECONDS) -> None:
        async def keep_flushing() -> None:
            while True:
                await asyncio.sleep(every)
                await self.flush()

        self._flusher = asyncio.ensure_future(keep_flushing())

    async def flush(self) -> None:
        """Add what was counted to the store; on failure keep it for the next flush."""
        counts, self._counts = self._counts, {}
        for hour, buckets in counts.items():
            try:
                await self._store.add_reveal_latencies(hour, buckets)
            except Exception:
                log.exception("could not store reveal latencies of hour %d", hour)
                self._counts.setdefault(hour, Counter()).update(buckets)

    async def close(self) -> None:
        """Stop flushing and store the rest; before the store closes."""
        if self._flusher is not None:
            self._flusher.cancel()
        await self.flush()
