"""The state of a battle: seats, rounds and the timing rules, as frozen values.

`game.battle.step` moves it on; `game.messages` renders it for players and for the record.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

from game.bot import BotMove
from game.lag import QUOTA
from game.questions import Question
from game.record import Method, Outcome


@dataclass(frozen=True, slots=True)
class Timing:
    """How long each part of a battle lasts, in seconds. Tests and demos may shorten them."""

    countdown: float = 3.0
    question: float = 15.0
    reveal: float = 5.0
    seat_hold: float = 20.0
    rematch: float = 15.0
    # A right answer this soon after the question closed is told how much sooner the taker was.
    late_notice: float = 2.0
    # After another process takes the battle over, the question in flight stays open at least
    # this long, however little time it had left.
    takeover_grace: float = 5.0


DEFAULT_TIMING = Timing()

TYPED_POINTS = 3
CHOICE_POINTS = 1


def to_ms(seconds: float) -> int:
    """Whole milliseconds, rounded (float subtraction would otherwise lose one now and then)."""
    return round(seconds * 1000)


class Phase(StrEnum):
    COUNTDOWN = "countdown"
    QUESTION = "question"
    REVEAL = "reveal"
    SAVING = "saving"
    FINISHED = "finished"
    CLOSED = "closed"  # the rematch window is over; the arena may forget the battle


@dataclass(frozen=True, slots=True)
class Seat:
    user_id: str
    nickname: str
    bot: bool = False
    score: int = 0
    away_since: float | None = None
    wants_rematch: bool = False
    rtt: float = 0.0  # the round trip the server last measured to this player, in seconds
    lag_quota: float = QUOTA  # seconds of lag allowance in hand (game.lag)


@dataclass(frozen=True, slots=True)
class Attempt:
    user_id: str
    method: Method
    text: str
    correct: bool
    reason: str
    at: float
    points: int
    typos: int = 0  # typos the judge forgave in a right typed answer
    rtt: float = 0.0  # the player's round trip when it came


@dataclass(frozen=True, slots=True)
class Round:
    """One question as it is being played."""

    opened_at: float
    deadline: float
    attempts: tuple[Attempt, ...] = ()
    asked_alternatives: frozenset[str] = frozenset()
    taken_by: str | None = None
    closed_at: float | None = None
    late: tuple[Attempt, ...] = ()  # attempts just after the opponent took it; no points
    allowances: tuple[tuple[str, float], ...] = ()  # (player, seconds past the deadline)

    def allowance_of(self, user_id: str) -> float:
        return next((seconds for who, seconds in self.allowances if who == user_id), 0.0)

    def tried(self, user_id: str) -> bool:
        return any(a.user_id == user_id for a in self.attempts)


@dataclass(frozen=True, slots=True)
class Battle:
    id: str
    seats: tuple[Seat, Seat]
    questions: tuple[Question, ...]
    seed: int
    created_at: float
    category: str | None = None
    bot_moves: tuple[BotMove | None, ...] = ()
    timing: Timing = DEFAULT_TIMING
    phase: Phase = Phase.COUNTDOWN
    index: int = -1  # the current question; -1 during the countdown
    rounds: tuple[Round, ...] = ()
    seq: int = 0
    outcome: Outcome | None = None
    winner_id: str | None = None
    finished_at: float | None = None
    first_closed_at: float | None = None

    def seat(self, user_id: str) -> Seat | None:
        return next((s for s in self.seats if s.user_id == user_id), None)

    def opponent(self, user_id: str) -> Seat:
        return self.seats[1] if self.seats[0].user_id == user_id else self.seats[0]

    @property
    def round(self) -> Round | None:
        return self.rounds[self.index] if 0 <= self.index < len(self.rounds) else None

    def choices_for(self, index: int, user_id: str) -> tuple[str, ...]:
        """The four alternatives of question `index` in the order this player sees them."""
        order = list(self.questions[index].alternatives)
        random.Random(f"{self.seed}:{index}:{user_id}").shuffle(order)
        return tuple(order)

    def scores(self) -> dict[str, int]:
        return {s.user_id: s.score for s in self.seats}
