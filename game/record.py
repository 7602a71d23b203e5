"""What a finished battle leaves behind: the durable record and the statistics it feeds.

Plain frozen values with a JSON form (`to_dict` / `from_dict`) so that any store adapter can keep
them as one document keyed by battle id. Imports nothing outside the standard library.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    """How a battle ended."""

    FINISHED = "finished"  # all questions played; winner_id is None on a draw
    FORFEIT = "forfeit"  # a player left and did not come back in time; the other wins
    ABORTED = "aborted"  # a player left before the first question closed; nobody wins


class Method(StrEnum):
    """How an attempt was made."""

    TYPED = "typed"
    CHOICE = "choice"


_METHODS = {method.value: method for method in Method}  # a lookup; Method(value) costs more


@dataclass(frozen=True, slots=True)
class PlayerEntry:
    """A seat in a battle: who sat there and what they scored."""

    user_id: str
    nickname: str
    score: int = 0
    bot: bool = False


@dataclass(frozen=True, slots=True)
class AttemptEntry:
    """One player's one attempt at one question, as the server received and judged it."""

    user_id: str
    method: Method
    text: str  # what was typed, or the alternative chosen
    correct: bool
    reason: str
    at_ms: int  # server time since the question opened, in milliseconds
    points: int = 0
    typos: int = 0  # typos the judge forgave in a right typed answer

    def to_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "method": self.method.value,
            "text": self.text,
            "correct": self.correct,
            "reason": self.reason,
            "at_ms": self.at_ms,
            "points": self.points,
            "typos": self.typos,
        }

    @classmethod
    def from_dict(cls, attempt: dict[str, Any]) -> AttemptEntry:
        # Field by field, at half the cost of cls(**{...}): the fair-play review reads each
        # player's latest battles back after every battle (some 400 attempts).
        return cls(
            attempt["user_id"],
            _METHODS[attempt["method"]],
            attempt["text"],
            attempt["correct"],
            attempt["reason"],
            attempt["at_ms"],
            attempt.get("points", 0),
            attempt.get("typos", 0),
        )


@dataclass(frozen=True, slots=True)
class QuestionEntry:
    """One question of a battle and every attempt made at it, in the order received.

    `late` holds attempts that came just after the opponent took the question: they score
    nothing and count in no statistics, but the reveal and the replay tell them."""

    question_id: str
    attempts: tuple[AttemptEntry, ...] = ()
    taken_by: str | None = None
    late: tuple[AttemptEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class QuestionStats:
    """Running totals for one question across every battle, humans only."""

    question_id: str
    asked: int = 0  # times a human saw the question open
    right: int = 0  # humans who got it right
    right_typed: int = 0
    right_choice: int = 0
    wrong: int = 0
    right_ms_total: int = 0  # sum of time-to-right-answer, to average

    def plus(self, other: QuestionStats) -> QuestionStats:
        """The sum of two totals for the same question."""
        return QuestionStats(
            self.question_id,
            self.asked + other.asked,
            self.right + other.right,
            self.right_typed + other.right_typed,
            self.right_choice + other.right_choice,
            self.wrong + other.wrong,
            self.right_ms_total + other.right_ms_total,
        )


@dataclass(frozen=True, slots=True)
class BattleRecord:
    """A finished (or forfeited, or aborted) battle, written once, keyed by `id`."""

    id: str
    started_at: float  # server wall-clock seconds
    finished_at: float
    outcome: Outcome
    players: tuple[PlayerEntry, ...]
    questions: tuple[QuestionEntry, ...]
    winner_id: str | None = None
    category: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def player_ids(self) -> tuple[str, ...]:
        return tuple(p.user_id for p in self.players)

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.question_id for q in self.questions)

    def renamed(self, old_ids: Collection[str], new_id: str) -> BattleRecord:
        """The record with every player in `old_ids` (a guest who since signed in) named
        `new_id`, as their account sees its own battles."""
        if not set(old_ids) & set(self.player_ids):
            return self

        def name(user_id: str | None) -> str | None:
            return new_id if user_id in old_ids else user_id

        def attempts(entries: tuple[AttemptEntry, ...]) -> tuple[AttemptEntry, ...]:
            return tuple(replace(a, user_id=name(a.user_id) or a.user_id) for a in entries)

        return replace(
            self,
            winner_id=name(self.winner_id),
            players=tuple(replace(p, user_id=name(p.user_id) or p.user_id) for p in self.players),
            questions=tuple(
                replace(
                    q,
                    attempts=attempts(q.attempts),
                    late=attempts(q.late),
                    taken_by=name(q.taken_by),
                )
                for q in self.questions
            ),
        )

    def stat_deltas(self) -> dict[str, QuestionStats]:
        """What this battle adds to each question's statistics (bots are not counted)."""
        humans = {p.user_id for p in self.players if not p.bot}
        deltas: dict[str, QuestionStats] = {}
        for entry in self.questions:
            right = [a for a in entry.attempts if a.user_id in humans and a.correct]
            wrong = [a for a in entry.attempts if a.user_id in humans and not a.correct]
            deltas[entry.question_id] = QuestionStats(
                question_id=entry.question_id,
                asked=len(humans),
                right=len(right),
                right_typed=sum(1 for a in right if a.method is Method.TYPED),
                right_choice=sum(1 for a in right if a.method is Method.CHOICE),
                wrong=len(wrong),
                right_ms_total=sum(a.at_ms for a in right),
            )
        return deltas

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "outcome": self.outcome.value,
            "winner_id": self.winner_id,
            "category": self.category,
            "players": [
                {"user_id": p.user_id, "nickname": p.nickname, "score": p.score, "bot": p.bot}
                for p in self.players
            ],
            "questions": [
                {
                    "question_id": q.question_id,
                    "taken_by": q.taken_by,
                    "attempts": [a.to_dict() for a in q.attempts],
                    "late": [a.to_dict() for a in q.late],
                }
                for q in self.questions
            ],
        }

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> BattleRecord:
        return cls(
            id=record["id"],
            started_at=float(record["started_at"]),
            finished_at=float(record["finished_at"]),
            outcome=Outcome(record["outcome"]),
            winner_id=record.get("winner_id"),
            category=record.get("category"),
            players=tuple(PlayerEntry(**p) for p in record["players"]),
            questions=tuple(
                QuestionEntry(
                    question_id=q["question_id"],
                    taken_by=q.get("taken_by"),
                    attempts=tuple(AttemptEntry.from_dict(a) for a in q["attempts"]),
                    late=tuple(AttemptEntry.from_dict(a) for a in q.get("late", ())),
                )
                for q in record["questions"]
            ),
        )
