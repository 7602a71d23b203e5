"""What a finished battle adds to the figures the admin reports read, worked out from its record.

The store writes these in the same transaction as the record itself, so the reports never
compute anything on a game process: per question and day (`question_play`), how often it was
met, answered right (typed or by choice, with typos forgiven or not) and wrong, and how long
right answers took (in one-second bins, for medians); every typed answer the judge refused,
grouped by its normalized text; and a one-row summary of the battle. Bots count in none of
them. Pure; no clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from game.normalize import normalize
from game.record import BattleRecord, Method, Outcome

SECONDS_PER_DAY = 86_400
TIME_BINS = 15  # one-second bins of time to a right answer; the last also holds anything slower


def day_of(at: float) -> int:
    """The UTC day number of a server time (days since 1970-01-01)."""
    return int(at // SECONDS_PER_DAY)


def time_bin(at_ms: int) -> int:
    return min(TIME_BINS - 1, max(0, at_ms // 1000))


@dataclass(frozen=True, slots=True)
class QuestionPlay:
    """How one question went: in one battle, on one day, or summed over a range of days."""

    question_id: str
    asked: int = 0
    right: int = 0
    right_typed: int = 0
    right_choice: int = 0
    right_with_typos: int = 0  # typed right with at least one typo forgiven
    wrong: int = 0
    right_ms_total: int = 0
    right_ms_bins: tuple[int, ...] = field(default=(0,) * TIME_BINS)


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A typed answer the judge refused: `key` groups the ways of writing the same text."""

    question_id: str
    key: str
    text: str
    reason: str
    day: int


@dataclass(frozen=True, slots=True)
class BattleSummary:
    """The battle in one row, for the activity report."""

    battle_id: str
    started_at: float
    finished_at: float
    outcome: str
    category: str | None
    humans: int
    with_bot: bool


def question_play(record: BattleRecord) -> list[QuestionPlay]:
    """How each question of this battle went (its day is `day_of(record.finished_at)`)."""
    humans = {p.user_id for p in record.players if not p.bot}
    figures = []
    for entry in record.questions:
        right = [a for a in entry.attempts if a.user_id in humans and a.correct]
        bins = [0] * TIME_BINS
        for attempt in right:
            bins[time_bin(attempt.at_ms)] += 1
        figures.append(
            QuestionPlay(
                question_id=entry.question_id,
                asked=len(humans),
                right=len(right),
                right_typed=sum(a.method is Method.TYPED for a in right),
                right_choice=sum(a.method is Method.CHOICE for a in right),
                right_with_typos=sum(a.typos > 0 for a in right),
                wrong=sum(a.user_id in humans and not a.correct for a in entry.attempts),
                right_ms_total=sum(a.at_ms for a in right),
                right_ms_bins=tuple(bins),
            )
        )
    return figures


def near_misses(record: BattleRecord) -> list[NearMiss]:
    """Every typed answer a human gave that the judge refused, in time or just too late."""
    humans = {p.user_id for p in record.players if not p.bot}
    day = day_of(record.finished_at)
    return [
        NearMiss(entry.question_id, key, attempt.text, attempt.reason, day)
        for entry in record.questions
        for attempt in (*entry.attempts, *entry.late)
        if attempt.user_id in humans
        and attempt.method is Method.TYPED
        and not attempt.correct
        and (key := normalize(attempt.text))
    ]


def summary(record: BattleRecord) -> BattleSummary:
    return BattleSummary(
        battle_id=record.id,
        started_at=record.started_at,
        finished_at=record.finished_at,
        outcome=record.outcome.value,
        category=record.category,
        humans=sum(not p.bot for p in record.players),
        with_bot=any(p.bot for p in record.players),
    )


@dataclass(frozen=True, slots=True)
class NearMissCount:
    """A refused text, counted over a range of days; `text` and `reason` as first seen."""

    question_id: str
    key: str
    text: str
    reason: str
    count: int


@dataclass(frozen=True, slots=True)
class Activity:
    """Battles finished in a time range, from their summary rows."""

    battles: int = 0
    by_day: dict[int, int] = field(default_factory=dict)  # UTC day number -> battles
    by_hour: dict[int, int] = field(default_factory=dict)  # UTC hour of the day, 0-23 -> battles
    players: int = 0  # distinct people who played
    peak_players: int = 0  # the most people in battles at one moment
    with_bot: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


# Answer-to-reveal latency buckets, in milliseconds: each holds [bound, next bound).
LATENCY_BOUNDS = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


def latency_bucket(ms: float) -> int:
    """The bucket (its lower bound) a latency of `ms` milliseconds falls in."""
    return max(bound for bound in LATENCY_BOUNDS if bound <= max(0.0, ms))


def bucket_end(bound: int) -> str:
    """Where the bucket starting at `bound` ends, in words ("5", or "more" for the last)."""
    later = [b for b in LATENCY_BOUNDS if b > bound]
    return str(later[0]) if later else "more"


@dataclass(frozen=True, slots=True)
class PlayerAnswer:
    """How one person did at one question of a battle, for their profile and leaderboards."""

    user_id: str
    question_id: str
    right: bool  # took the question
    method: Method | None  # how they took it
    wrong: bool  # tried and missed (in time)
    right_ms: int = 0


def player_answers(record: BattleRecord) -> list[PlayerAnswer]:
    """Every person's result at every question of the battle (bots left out)."""
    answers = []
    for player in record.players:
        if player.bot:
            continue
        for entry in record.questions:
            mine = next((a for a in entry.attempts if a.user_id == player.user_id), None)
            right = mine is not None and mine.correct
            answers.append(
                PlayerAnswer(
                    player.user_id,
                    entry.question_id,
                    right,
                    mine.method if mine is not None and right else None,
                    mine is not None and not mine.correct,
                    mine.at_ms if mine is not None and right else 0,
                )
            )
    return answers


def result_for(record: BattleRecord, user_id: str) -> str | None:
    """ "won", "lost" or "drew" for a player of a battle that counted; None if it was aborted."""
    if record.outcome is Outcome.ABORTED:
        return None
    if record.winner_id is None:
        return "drew"
    return "won" if record.winner_id == user_id else "lost"
