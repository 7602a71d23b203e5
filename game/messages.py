"""How a battle looks from outside: the messages players receive and the durable record.

Never puts an answer, alias or alternative into a message before that question has closed,
and alternatives only into the message for the player who asked for them.
"""

from __future__ import annotations

from typing import Any

from game.battle_state import Attempt, Battle, Phase, to_ms
from game.record import AttemptEntry, BattleRecord, PlayerEntry, QuestionEntry
from game.story import attempt_note, taking_attempt, verdict

# Durations counted from when a message is sent (the time left, the time until the next part).
COUNTDOWNS = ("starts_in_ms", "remaining_ms", "next_in_ms", "hold_ms", "rematch_ms")


def aged(message: dict[str, Any], seconds: float) -> dict[str, Any]:
    """`message` as it reads `seconds` after it was first sent: each countdown in it is shorter."""
    elapsed = to_ms(seconds)
    shorter = {
        key: max(0, value - elapsed)
        for key in COUNTDOWNS
        if isinstance(value := message.get(key), int) and not isinstance(value, bool)
    }
    return {**message, **shorter} if shorter else message


def question_message(battle: Battle, index: int, now: float) -> dict[str, Any]:
    """The question as players may see it: never the answer, never the alternatives."""
    question = battle.questions[index]
    round_ = battle.rounds[index]
    return {
        "type": "question",
        "index": index,
        "count": len(battle.questions),
        "category": question.category,
        "difficulty": question.difficulty,
        "text": question.text,
        "seconds": battle.timing.question,
        "remaining_ms": max(0, to_ms(round_.deadline - now)),
    }


def question_entry(battle: Battle, index: int) -> QuestionEntry:
    """Question `index` as the record keeps it (and as `game.story` tells it)."""
    round_ = battle.rounds[index]

    def entry(a: Attempt) -> AttemptEntry:
        at_ms = to_ms(a.at - round_.opened_at)
        return AttemptEntry(
            a.user_id, a.method, a.text, a.correct, a.reason, at_ms, a.points, a.typos
        )

    return QuestionEntry(
        question_id=battle.questions[index].id,
        attempts=tuple(entry(a) for a in round_.attempts),
        taken_by=round_.taken_by,
        late=tuple(entry(a) for a in round_.late),
    )


def _attempt(entry: QuestionEntry, attempt: AttemptEntry) -> dict[str, Any]:
    return {
        "by": attempt.user_id,
        "method": attempt.method.value,
        "text": attempt.text,
        "correct": attempt.correct,
        "reason": attempt.reason,
        "note": attempt_note(entry, attempt),
        "points": attempt.points,
        "at_ms": attempt.at_ms,
    }


def _stories(battle: Battle, entry: QuestionEntry) -> dict[str, dict[str, str]]:
    """The verdict line of `entry` for each player, by player id."""
    names = {s.user_id: s.nickname for s in battle.seats}
    told = {s.user_id: verdict(entry, s.user_id, names) for s in battle.seats}
    return {user_id: {"tone": v.tone.value, "text": v.text} for user_id, v in told.items()}


def reveal_message(battle: Battle, index: int) -> dict[str, Any]:
    """Everything about a closed question: the answer, both attempts, why, the points."""
    question = battle.questions[index]
    entry = question_entry(battle, index)
    taken = taking_attempt(entry)
    last = index + 1 >= len(battle.questions)
    return {
        "type": "reveal",
        "index": index,
        "question_id": question.id,
        "answer": question.answer,
        "attempts": [_attempt(entry, a) for a in entry.attempts],
        "late": [_attempt(entry, a) for a in entry.late],
        "taken_by": entry.taken_by,
        "at_ms": taken.at_ms if taken else None,
        "story": _stories(battle, entry),
        "did_you_know": question.did_you_know or None,
        "scores": battle.scores(),
        "next_in_ms": None if last else to_ms(battle.timing.reveal),
    }


def late_message(battle: Battle, index: int, late: Attempt, sooner: float) -> dict[str, Any]:
    """An attempt that came `sooner` seconds after the opponent took question `index`."""
    entry = question_entry(battle, index)
    return {
        "type": "late",
        "index": index,
        **_attempt(entry, next(a for a in entry.late if a.user_id == late.user_id)),
        "sooner_ms": to_ms(sooner),
        "story": _stories(battle, entry),
    }


def to_record(battle: Battle) -> BattleRecord:
    """The durable record of a battle that has ended."""
    assert battle.outcome is not None and battle.finished_at is not None
    return BattleRecord(
        id=battle.id,
        started_at=battle.created_at,
        finished_at=battle.finished_at,
        outcome=battle.outcome,
        winner_id=battle.winner_id,
        category=battle.category,
        players=tuple(PlayerEntry(s.user_id, s.nickname, s.score, s.bot) for s in battle.seats),
        questions=tuple(question_entry(battle, i) for i in range(len(battle.rounds))),
    )


def result_message(battle: Battle) -> dict[str, Any]:
    return {
        "type": "result",
        "outcome": battle.outcome.value if battle.outcome else None,
        "winner": battle.winner_id,
        "scores": battle.scores(),
        "replay": f"/battles/{battle.id}",
        "rematch_ms": to_ms(battle.timing.rematch),
    }


def snapshot(battle: Battle, user_id: str, now: float) -> dict[str, Any]:
    """The whole battle as `user_id` may see it: what a reconnecting client needs to redraw."""
    index, round_ = battle.index, battle.round
    asking = battle.phase is Phase.QUESTION and round_ is not None
    mine = next((a for a in round_.attempts if a.user_id == user_id), None) if round_ else None
    return {
        "battle": battle.id,
        "seq": battle.seq,
        "players": [{"id": s.user_id, "nickname": s.nickname, "bot": s.bot} for s in battle.seats],
        "category": battle.category,
        "questions": len(battle.questions),
        "starts_in_ms": max(0, to_ms(battle.created_at + battle.timing.countdown - now))
        if battle.phase is Phase.COUNTDOWN
        else 0,
        "phase": battle.phase.value,
        "index": index,
        "question": question_message(battle, index, now) if asking else None,
        "alternatives": list(battle.choices_for(index, user_id))
        if asking and round_ is not None and user_id in round_.asked_alternatives
        else None,
        "my_attempt": {"method": mine.method.value, "text": mine.text} if mine and asking else None,
        "reveals": [
            reveal_message(battle, i)
            for i, r in enumerate(battle.rounds)
            if r.closed_at is not None
        ],
        "scores": battle.scores(),
        "result": result_message(battle) if battle.phase is Phase.FINISHED else None,
    }
