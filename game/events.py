"""What can happen to a battle (events) and what a battle asks the arena to do (effects).

Events read as orders from players (`SubmitAnswer`) or as facts from timers and the arena
(`PhaseTimeout`, `BattleSaved`). Effects are plain data the arena turns into sends and timers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.battle_state import Phase
from game.record import BattleRecord


@dataclass(frozen=True, slots=True)
class SubmitAnswer:
    user_id: str
    index: int
    text: str


@dataclass(frozen=True, slots=True)
class AskAlternatives:
    user_id: str
    index: int


@dataclass(frozen=True, slots=True)
class ChooseAlternative:
    user_id: str
    index: int
    choice: int


@dataclass(frozen=True, slots=True)
class OfferRematch:
    user_id: str


@dataclass(frozen=True, slots=True)
class Disconnected:
    user_id: str


@dataclass(frozen=True, slots=True)
class Reconnected:
    """A connection of the player said hello; `seq` is the last of this battle's messages it
    saw, when it says so."""

    user_id: str
    seq: int | None = None


@dataclass(frozen=True, slots=True)
class LagMeasured:
    """The server measured the player's round trip anew (seconds), from its own pings."""

    user_id: str
    rtt: float


@dataclass(frozen=True, slots=True)
class PhaseTimeout:
    """A timer set by the battle for the end of a phase; stale ones are ignored."""

    phase: Phase
    index: int


@dataclass(frozen=True, slots=True)
class SeatExpired:
    user_id: str
    away_since: float


@dataclass(frozen=True, slots=True)
class BotTurn:
    index: int


@dataclass(frozen=True, slots=True)
class BattleSaved:
    """The arena has written the battle's record durably."""


@dataclass(frozen=True, slots=True)
class Halt:
    """The process is stopping: a battle still being played ends here, aborted."""


@dataclass(frozen=True, slots=True)
class TakenOver:
    """Another process rebuilt the battle from its log after its owner stopped: tell both
    players where it stands, and give the question in flight time to be answered."""


Event = (
    SubmitAnswer
    | AskAlternatives
    | ChooseAlternative
    | OfferRematch
    | Disconnected
    | Reconnected
    | LagMeasured
    | PhaseTimeout
    | SeatExpired
    | BotTurn
    | BattleSaved
    | Halt
    | TakenOver
)


# Effects: what the arena must do.
@dataclass(frozen=True, slots=True)
class Send:
    to: str
    message: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Reject:
    to: str
    code: str
    message: str
    index: int | None = None


@dataclass(frozen=True, slots=True)
class CatchUp:
    """Bring `to` up to date after a reconnect: the messages to them after seq `after` when the
    arena still holds every one of them, otherwise `snapshot`, never a part of the missed ones."""

    to: str
    after: int
    snapshot: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Schedule:
    at: float
    event: Event


@dataclass(frozen=True, slots=True)
class Save:
    record: BattleRecord


@dataclass(frozen=True, slots=True)
class StartRematch:
    user_ids: tuple[str, str]


@dataclass(frozen=True, slots=True)
class Forget:
    """The battle is over for good; the arena may drop it."""


Effect = Send | Reject | CatchUp | Schedule | Save | StartRematch | Forget
