"""The published bank as the arena draws from it: loaded once, then refreshed now and then.

Turning hundreds of stored questions back into values holds the event loop for milliseconds
(the GIL), so it must not happen on every battle start. Every game process keeps this copy and
reloads it when it is older than `max_age`; a newly published question reaches battles within
that time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from game.questions import Question
from store.port import Store

DEFAULT_MAX_AGE_SECONDS = 60.0


class PublishedBank:
    def __init__(
        self,
        store: Store,
        *,
        max_age: float = DEFAULT_MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._max_age = max_age
        self._clock = clock
        self._questions: list[Question] = []
        self._loaded_at: float | None = None
        self._lock = asyncio.Lock()

    async def questions(self, category: str | None = None) -> list[Question]:
        """Published questions, all of them or of one category (possibly a minute old)."""
        if self._stale():
            async with self._lock:
                if self._stale():
                    self._questions = await self._store.published_questions()
                    self._loaded_at = self._clock()
        if category is None:
            return self._questions
        return [q for q in self._questions if q.category == category]

    def _stale(self) -> bool:
        return self._loaded_at is None or self._clock() - self._loaded_at > self._max_age
