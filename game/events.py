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
    user_id: str


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


Effect = Send | Reject | Schedule | Save | StartRematch | Forget
