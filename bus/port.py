"""The ports the arena talks through, so that it never holds a connection or a queue itself."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Protocol

from game.matchmaking import Pairing, Seeker


class Sink(Protocol):
    """Something that can carry a message to one open connection."""

    def deliver(self, message: dict[str, Any]) -> None: ...


class Relay(ABC):
    """Routes messages for a player to every connection that player has open."""

    @abstractmethod
    def attach(self, user_id: str, sink: Sink) -> None: ...

    @abstractmethod
    def detach(self, user_id: str, sink: Sink) -> bool:
        """Forget a connection; True when it was the player's last one."""

    @abstractmethod
    def deliver(self, user_id: str, message: dict[str, Any]) -> None:
        """Send to every open connection of the player; a player with none misses it."""


class Pool(ABC):
    """Players waiting for an opponent."""

    @abstractmethod
    async def join(self, seeker: Seeker) -> Pairing | None:
        """Pair `seeker` with the longest-waiting compatible player, or queue them.

        A player already waiting is queued once, with the newer request.
        """

    @abstractmethod
    async def leave(self, user_id: str) -> Seeker | None:
        """Take the player out of the pool; returns their entry if they were waiting."""

    @abstractmethod
    async def waiting(self, user_id: str) -> Seeker | None: ...
