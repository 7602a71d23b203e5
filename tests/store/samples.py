"""Small questions and battle records for the store tests, with only the fields a test names."""

from __future__ import annotations

from collections.abc import Sequence

from game.questions import Question
from game.record import AttemptEntry, BattleRecord, Method, Outcome, PlayerEntry, QuestionEntry


def make_question(
    question_id: str, category: str = "science", *, published: bool = True, text: str = ""
) -> Question:
    """A valid question; `text` defaults to one derived from the id."""
    return Question(
        id=question_id,
        category=category,
        difficulty=2,
        text=text or f"What is the answer to {question_id}?",
        answer=f"answer {question_id}",
        wrong=("wrong one", "wrong two", "wrong three"),
        published=published,
    )


def make_battle(
    battle_id: str,
    *,
    finished_at: float = 1_000.0,
    question_ids: Sequence[str] = ("q1", "q2"),
    players: Sequence[str] = ("ann", "bob"),
    bots: Sequence[str] = (),
) -> BattleRecord:
    """A finished battle where the first player types every answer right and the others miss.

    Each seat listed in `bots` is a bot. The first player answers 2000 ms into each question.
    """
    seats = tuple(PlayerEntry(user_id, user_id.title(), bot=user_id in bots) for user_id in players)
    first, *others = players
    questions = tuple(
        QuestionEntry(
            question_id,
            attempts=(
                AttemptEntry(first, Method.TYPED, "answer", True, "exact", 2000, 3),
                *(
                    AttemptEntry(o, Method.CHOICE, "wrong one", False, "wrong", 5000)
                    for o in others
                ),
            ),
            taken_by=first,
        )
        for question_id in question_ids
    )
    return BattleRecord(
        id=battle_id,
        started_at=finished_at - 150.0,
        finished_at=finished_at,
        outcome=Outcome.FINISHED,
        players=seats,
        questions=questions,
        winner_id=first,
        category="science",
    )
