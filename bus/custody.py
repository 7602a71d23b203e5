"""Custody of live battles: which process may act on each, and the log another rebuilds it from.

The process running a battle holds its lease and appends every event the battle accepts to the
battle's log before the event's effects go out. When the lease lapses (the process died, froze or
handed the battle over on its way down), another process claims it, reads the log and replays it
(game.journal). Custody also knows which live battle each player is in, in every process, so
"finish your battle first" holds across processes.

`LocalCustody` serves a single process: nobody could take a battle over, so the log is not
kept and every battle is always held. bus/redis_custody.py lets several processes share one.
Imports no Tornado.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Renewal:
    """What renewing this process's leases found."""

    kept: tuple[str, ...] = ()  # still held: act on them
    lost: tuple[str, ...] = ()  # another process holds them now: never act on them again


@dataclass(frozen=True, slots=True)
class Roster:
    """Who plays a live battle: enough to record it as aborted should its log be lost."""

    battle_id: str
    players: tuple[tuple[str, str, bool], ...]  # (user id, nickname, bot)
    category: str | None
    started_at: float


@dataclass(frozen=True, slots=True)
class Claimed:
    roster: Roster
    entries: tuple[str, ...] | None  # None when the log is gone, trimmed or has a gap


class Custody(ABC):
    """The leases and logs of live battles, shared by every game process."""

    @property
    @abstractmethod
    def failover(self) -> bool:
        """Whether another process could take over a battle this one lets go."""

    @abstractmethod
    async def begin(self, battle_id: str, players: list[str], entry: str, about: Roster) -> None:
        """Hold a new battle: its lease, its log's first entry, its players marked as in it."""

    @abstractmethod
    def append(self, battle_id: str, entry: str, then: Callable[[], None]) -> None:
        """Append `entry` to the battle's log after those appended before; call `then` once it
        is stored, or once storing it has failed (the battle goes on: see `intact`)."""

    @abstractmethod
    def holds(self, battle_id: str) -> bool:
        """Whether this process may act on the battle now: its lease is known to be its own."""

    @abstractmethod
    async def renew(self) -> Renewal:
        """Renew every lease held here; a battle may be lost to a process that claimed it."""

    @abstractmethod
    async def claim(self, limit: int) -> list[str]:
        """Take over up to `limit` live battles whose lease lapsed; one process wins each."""

    @abstractmethod
    async def read(self, battle_id: str) -> Claimed:
        """The log of a battle claimed here, and its roster."""

    @abstractmethod
    async def free(self, battle_id: str, players: list[str]) -> None:
        """The battle's result is decided: its players may start another battle."""

    @abstractmethod
    async def end(self, battle_id: str) -> None:
        """The battle is over for good: release its lease; its log expires soon."""

    @abstractmethod
    async def release(self, battle_id: str) -> None:
        """Let another process take the battle over now (this one is stopping)."""

    @abstractmethod
    async def held_elsewhere(self, battle_ids: list[str]) -> int:
        """How many of these battles another process holds the lease of."""

    @abstractmethod
    def forget(self, battle_id: str) -> None:
        """Stop keeping a battle this process no longer holds (lost, or released)."""

    @abstractmethod
    async def battle_of(self, user_id: str) -> str | None:
        """The live battle the player is in, run by any process."""

    @abstractmethod
    async def peers(self) -> int:
        """How many other game processes are alive to take battles over."""

    @abstractmethod
    async def settled(self) -> None:
        """Every entry appended so far has been stored (or has failed)."""


class LocalCustody(Custody):
    """One process: nothing to fail over to, so no log; every battle is always held here."""

    def __init__(self) -> None:
        self._playing: dict[str, str] = {}

    @property
    def failover(self) -> bool:
        return False

    async def begin(self, battle_id: str, players: list[str], entry: str, about: Roster) -> None:
        for user_id in players:
            self._playing[user_id] = battle_id

    def append(self, battle_id: str, entry: str, then: Callable[[], None]) -> None:
        then()

    def holds(self, battle_id: str) -> bool:
        return True

    async def renew(self) -> Renewal:
        return Renewal()

    async def claim(self, limit: int) -> list[str]:
        return []

    async def read(self, battle_id: str) -> Claimed:
        raise LookupError("an in-process battle is never claimed")

    async def free(self, battle_id: str, players: list[str]) -> None:
        for user_id in players:
            if self._playing.get(user_id) == battle_id:
                del self._playing[user_id]

    async def end(self, battle_id: str) -> None:
        pass

    async def release(self, battle_id: str) -> None:
        pass

    async def held_elsewhere(self, battle_ids: list[str]) -> int:
        return 0

    def forget(self, battle_id: str) -> None:
        pass

    async def battle_of(self, user_id: str) -> str | None:
        return self._playing.get(user_id)

    async def peers(self) -> int:
        return 0

    async def settled(self) -> None:
        pass
