"""In-process adapters of the bus ports, for a site that runs one game process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bus.port import Forwarded, Pool, Relay, Router, Sink
from game.matchmaking import Pairing, Seeker, find_partner, sweep


class LocalRelay(Relay):
    def __init__(self) -> None:
        self._sinks: dict[str, list[Sink]] = {}

    async def attach(self, user_id: str, sink: Sink) -> None:
        self._sinks.setdefault(user_id, []).append(sink)

    async def detach(self, user_id: str, sink: Sink) -> bool:
        sinks = self._sinks.get(user_id, [])
        if sink in sinks:
            sinks.remove(sink)
        if sinks:
            return False
        self._sinks.pop(user_id, None)
        return True

    def deliver(self, user_id: str, message: dict[str, Any]) -> None:
        for sink in list(self._sinks.get(user_id, ())):
            sink.deliver(message)

    def end_session(self, user_id: str, session: str) -> None:
        for sink in list(self._sinks.get(user_id, ())):
            sink.end_session(session)

    async def online(self) -> int:
        return len(self._sinks)

    async def present(self, user_id: str) -> bool:
        return bool(self._sinks.get(user_id))

    def on_lost(self, handler: Callable[[str], None]) -> None:
        pass  # every connection lives and dies with this one process, and says when it leaves


class LocalPool(Pool):
    def __init__(self) -> None:
        self._queue: dict[str, Seeker] = {}  # insertion order is arrival order

    async def join(self, seeker: Seeker) -> Pairing | None:
        self._queue.pop(seeker.user_id, None)
        pairing = find_partner(seeker, self._queue.values(), seeker.since)
        if pairing is None:
            self._queue[seeker.user_id] = seeker
            return None
        del self._queue[pairing.first.user_id]
        return pairing

    async def sweep(self, now: float) -> list[Pairing]:
        pairings = sweep(list(self._queue.values()), now)
        for pairing in pairings:
            del self._queue[pairing.first.user_id], self._queue[pairing.second.user_id]
        return pairings

    async def leave(self, user_id: str) -> Seeker | None:
        return self._queue.pop(user_id, None)

    async def waiting(self, user_id: str) -> Seeker | None:
        return self._queue.get(user_id)


class LocalRouter(Router):
    """One process runs every battle, so there is never anywhere else to send a command."""

    def serve(self, handler: Forwarded) -> None:
        pass

    async def hold(self, battle_id: str, user_ids: list[str]) -> None:
        pass

    async def release(self, battle_id: str, user_ids: list[str]) -> None:
        pass

    async def forward(self, user_id: str, message: dict[str, Any]) -> bool:
        return False

    async def running(self, battle_id: str) -> bool:
        return False
