"""Fair play: signs for moderators that a battle looked unlike people playing, and who keeps
leaving battles. Records and flags only: nothing here refuses or bans anyone.

Each signal belongs to the player and the battle that showed it, with its evidence in words:
- too_fast: right answers that came less than READING_SECONDS after the question reached the
  player: the server's time from opening the question to the attempt, less the player's round
  trip measured from the server's pings (half for the question to arrive, half for the answer to
  come back). A link made to look slow only makes answers look faster here;
- same_timings: SAME_TIMINGS_MIN or more right answers, from SAME_TIMINGS_BATTLES or more of the
  player's latest battles, all within SAME_TIMINGS_MS of one another after their questions
  opened: a script's fixed delay (people spread over seconds);
- frequent_pair: two people who met at least PAIR_MIN times in PAIR_WINDOW, which random
  pairing among everyone who played then would give them with a chance below PAIR_CHANCE;
- leaves_losing: a player who forfeited LEAVER_MIN or more of their latest LEAVER_HISTORY
  battles against people while behind. Such a player `leaves_often`, and the pool pairs them
  with others who do (game.matchmaking).
Pure: the battles and counts come in, the signals go out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from game.battle_state import Battle
from game.record import BattleRecord, Outcome

READING_SECONDS = 0.25
SAME_TIMINGS_MS = 10
SAME_TIMINGS_MIN = 5
SAME_TIMINGS_BATTLES = 3
HISTORY = 20  # a player's latest battles read for same_timings and leaves_losing
PAIR_WINDOW = 7 * 86400.0
PAIR_MIN = 5
PAIR_CHANCE = 1e-4
LEAVER_HISTORY = HISTORY
LEAVER_MIN = 3


class SignalKind(StrEnum):
    TOO_FAST = "too_fast"
    SAME_TIMINGS = "same_timings"
    FREQUENT_PAIR = "frequent_pair"
    LEAVES_LOSING = "leaves_losing"


@dataclass(frozen=True, slots=True)
class Signal:
    """One sign about one player in one battle; kind, player and battle key it."""

    kind: SignalKind
    user_id: str
    battle_id: str
    at: float  # when the battle ended
    evidence: str  # what was seen, in words, for a moderator


@dataclass(frozen=True, slots=True)
class Meetings:
    """Battles between two people, and all battles between people, in one window."""

    together: int  # battles between the two
    first: int  # battles of the first against people
    second: int  # battles of the second against people
    everyone: int  # battles between people


def too_fast(battle: Battle) -> list[Signal]:
    """Per player, the right answers of an ended battle that came faster than anyone reads."""
    assert battle.finished_at is not None
    found: dict[str, list[str]] = {}
    for index, round_ in enumerate(battle.rounds):
        for attempt in (*round_.attempts, *round_.late):
            seat = battle.seat(attempt.user_id)
            reading = attempt.at - round_.opened_at - attempt.rtt
            if seat is None or seat.bot or not attempt.correct or reading >= READING_SECONDS:
                continue
            found.setdefault(attempt.user_id, []).append(
                f"question {index + 1}: {_ms(reading)} after it reached them "
                f"({_ms(attempt.at - round_.opened_at)} after it opened, "
                f"round trip {_ms(attempt.rtt)})"
            )
    return [
        Signal(
            SignalKind.TOO_FAST,
            user_id,
            battle.id,
            battle.finished_at,
            f"{_count(len(lines), 'right answer')} faster than {_ms(READING_SECONDS)}: "
            + "; ".join(lines),
        )
        for user_id, lines in found.items()
    ]


def same_timings(
    user_id: str, record: BattleRecord, history: Sequence[BattleRecord]
) -> Signal | None:
    """The signal when `record` adds to a cluster of the player's right answers, across their
    `history` (latest battles, `record` among them), that came at the same moment."""
    timings = sorted(
        (attempt.at_ms, past.id)
        for past in history
        for entry in past.questions
        for attempt in entry.attempts
        if attempt.user_id == user_id and attempt.correct
    )
    for start in range(len(timings)):
        cluster = [t for t in timings[start:] if t[0] - timings[start][0] <= SAME_TIMINGS_MS]
        battles = {battle_id for _, battle_id in cluster}
        if (
            len(cluster) >= SAME_TIMINGS_MIN
            and len(battles) >= SAME_TIMINGS_BATTLES
            and record.id in battles
        ):
            return Signal(
                SignalKind.SAME_TIMINGS,
                user_id,
                record.id,
                record.finished_at,
                f"{len(cluster)} right answers in {len(battles)} battles, each "
                f"{cluster[0][0]:,}–{cluster[-1][0]:,} ms after its question opened",
            )
    return None


def frequent_pair(record: BattleRecord, meetings: Meetings) -> list[Signal]:
    """Both players' signals when the two met far more often than chance in PAIR_WINDOW."""
    first, second = (p.user_id for p in record.players)
    # Under random pairing each of the first's battles meets the second with the share of the
    # second among everyone else's seats.
    seats_of_others = 2 * meetings.everyone - meetings.first
    share = meetings.second / seats_of_others if seats_of_others > 0 else 1.0
    chance = binomial_tail(meetings.together, meetings.first, share)
    if meetings.together < PAIR_MIN or chance >= PAIR_CHANCE:
        return []
    expected = meetings.first * share
    evidence = (
        f"met {meetings.together} times in {PAIR_WINDOW / 86400:.0f} days among "
        f"{meetings.everyone:,} battles between people; by chance about {expected:.1f} times "
        f"(chance of {meetings.together} or more: 1 in {_one_in(chance)})"
    )
    return [
        Signal(SignalKind.FREQUENT_PAIR, user_id, record.id, record.finished_at, evidence)
        for user_id in (first, second)
    ]


def left_while_behind(user_id: str, history: Sequence[BattleRecord]) -> list[BattleRecord]:
    """The battles against people in `history` that the player forfeited while behind."""
    return [
        record
        for record in history
        if record.outcome is Outcome.FORFEIT
        and not any(p.bot for p in record.players)
        and record.winner_id not in (None, user_id)
        and _score(record, user_id) < _score(record, record.winner_id)
    ]


def leaves_often(user_id: str, history: Sequence[BattleRecord]) -> bool:
    """Whether the player forfeited LEAVER_MIN of their latest battles (newest first) while
    behind."""
    return len(left_while_behind(user_id, history[:LEAVER_HISTORY])) >= LEAVER_MIN


def leaves_losing(
    user_id: str, record: BattleRecord, history: Sequence[BattleRecord]
) -> Signal | None:
    """The signal when `record` is one more battle the player left while behind, and they
    leave often (`history`: their latest battles, newest first, `record` among them)."""
    left = left_while_behind(user_id, history[:LEAVER_HISTORY])
    if record not in left or len(left) < LEAVER_MIN:
        return None
    scores = ", ".join(f"{_score(r, user_id)}–{_score(r, r.winner_id)}" for r in left)
    return Signal(
        SignalKind.LEAVES_LOSING,
        user_id,
        record.id,
        record.finished_at,
        f"left {len(left)} of their last {min(len(history), LEAVER_HISTORY)} battles while "
        f"behind (scores when it ended: {scores})",
    )


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    return min(
        1.0,
        sum(
            math.exp(
                math.lgamma(n + 1)
                - math.lgamma(i + 1)
                - math.lgamma(n - i + 1)
                + i * log_p
                + (n - i) * log_q
            )
            for i in range(k, n + 1)
        ),
    )


def _score(record: BattleRecord, user_id: str | None) -> int:
    return next((p.score for p in record.players if p.user_id == user_id), 0)


def _ms(seconds: float) -> str:
    return f"{round(seconds * 1000):,} ms"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _one_in(chance: float) -> str:
    return f"{round(1 / chance):,}" if chance >= 1e-9 else "more than a billion"
