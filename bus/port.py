"""The ports the arena talks through, so that it never holds a connection or a queue itself.

`Pool` is the matchmaking queue, `Relay` carries messages to players' connections and `Router`
carries a player's commands to the process that runs their battle. bus/local.py serves one
process; bus/redis.py lets several game processes share all three. A call that needs the shared
bus while it cannot be reached raises `BusUnavailable` at once. Imports no Tornado.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, Protocol

from game.matchmaking import Pairing, Seeker


class BusUnavailable(ConnectionError):
    """The bus shared by the game processes (Redis) cannot be reached or refused the call, which
    did nothing. Raised at once while the bus is down; the bus reconnects by itself."""


class AttachFailed(BusUnavailable):
    """A connection could not be attached even after retrying: close it and let the client come
    back later (sockets.connection closes it with 1013)."""


class Sink(Protocol):
    """Something that can carry a message to one open connection."""

    def deliver(self, message: dict[str, Any]) -> None: ...

    def end_session(self, session: str) -> None:
        """The sign-in session `session` has ended: close if this connection was opened in it."""

    def lost(self) -> None:
        """The relay let this connection go without its leaving (the other processes counted
        this one as gone while it stalled): close it, so the client comes back and is counted
        again."""


class Relay(ABC):
    """Routes messages for a player to every connection that player has open."""

    @abstractmethod
    async def attach(self, user_id: str, sink: Sink) -> None:
        """Start delivering the player's messages to `sink`; ready when this returns.

        Raises AttachFailed when the shared bus refused it for a few seconds; `sink` is not
        attached then. While the bus is down the connection is attached in this process only
        (it hears this process's battles) and joins the others when the bus is back.
        """

    @abstractmethod
    async def detach(self, user_id: str, sink: Sink) -> bool:
        """Forget a connection; True when it was the player's last one (in any process).

        Raises BusUnavailable when that cannot be known now (the bus is down): the sink is
        forgotten all the same, and once the bus is back the relay counts the leaving and calls
        the `on_lost` handlers if it was the player's last connection.
        """

    @abstractmethod
    def deliver(self, user_id: str, message: dict[str, Any]) -> None:
        """Send to every open connection of the player; a player with none misses it.

        Never blocks: messages to one player arrive in the order they were given.
        """

    @abstractmethod
    def end_session(self, user_id: str, session: str) -> None:
        """Close every connection of the player opened in sign-in session `session`, in every
        process. Never blocks."""

    @abstractmethod
    async def online(self) -> int:
        """How many players have a connection open, in every process (a few seconds old)."""

    @abstractmethod
    async def present(self, user_id: str) -> bool:
        """Whether the player has a connection open in some live process."""

    @abstractmethod
    def on_lost(self, handler: Callable[[str], None]) -> None:
        """Call `handler(user_id)` when a player's last connection anywhere went away without a
        `detach` saying so: the process that held it stopped (another process notices within
        seconds, and exactly one calls its handlers), or it left while the bus was down (called
        once the bus is back). Never called for a player who has a connection open here."""


class Pool(ABC):
    """Players waiting for an opponent."""

    @abstractmethod
    async def join(self, seeker: Seeker) -> Pairing | None:
        """Pair `seeker` as game.matchmaking.find_partner says, at `seeker.since`, or queue them.

        A player already waiting is queued once, with the newer request.
        """

    @abstractmethod
    async def sweep(self, now: float) -> list[Pairing]:
        """Pair the waiting players whose rating gaps have widened enough by `now`
        (game.matchmaking.sweep), taking them out of the pool."""

    @abstractmethod
    async def leave(self, user_id: str) -> Seeker | None:
        """Take the player out of the pool; returns their entry if they were waiting."""

    @abstractmethod
    async def waiting(self, user_id: str) -> Seeker | None: ...


# Called with the player's user id (from the channel, never from the message) and the message.
Forwarded = Callable[[str, dict[str, Any]], None]


class Router(ABC):
    """Carries a player's commands to the process that runs their battle.

    The process that starts a battle `hold`s it until the battle is forgotten; any other
    process `forward`s what its connections say about that battle's players.
    """

    @abstractmethod
    def serve(self, handler: Forwarded) -> None:
        """Hand every message forwarded to the battles this process holds to `handler`."""

    @abstractmethod
    async def hold(self, battle_id: str, user_ids: list[str]) -> None:
        """This process runs `battle_id`; ready to receive its players' commands on return."""

    @abstractmethod
    async def release(self, battle_id: str, user_ids: list[str]) -> None:
        """The battle is forgotten here; its players' commands no longer come here for it."""

    @abstractmethod
    async def forward(self, user_id: str, message: dict[str, Any]) -> bool:
        """Send `message` to the process holding the player's battle; False when none does."""

    @abstractmethod
    async def running(self, battle_id: str) -> bool:
        """Whether some process holds `battle_id`."""
