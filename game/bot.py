"""The practice bot's policy: how a server-driven opponent answers each question.

The bot plays from each question's statistics: how often humans get it right, how often by typing
rather than from the alternatives, and how long they take. A question never played falls back on
its difficulty. Decisions are drawn once, when the battle starts, from a seeded Random, so a
replayed battle makes the same moves. Pure: no I/O, no clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from game.questions import Question
from game.record import Method, QuestionStats

# Share of humans right, by difficulty, for questions nobody has played yet.
_DEFAULT_RIGHT = {1: 0.75, 2: 0.55, 3: 0.35}
_DEFAULT_TYPED_SHARE = 0.6
_DEFAULT_RIGHT_SHARE_OF_WINDOW = 0.45  # humans answer right after about 7 s of 15
_EARLIEST_SHARE_OF_WINDOW = 0.1  # nobody reads a question in less than 1.5 s of 15
_MIN_STATS = 5  # fewer humans than this and the statistics say too little


@dataclass(frozen=True, slots=True)
class BotMove:
    """What the bot will do on one question: when, how, and what it will send."""

    delay: float  # seconds after the question opens
    method: Method
    text: str  # the typed text or the alternative it will pick


def plan_moves(
    questions: tuple[Question, ...],
    stats: dict[str, QuestionStats],
    rng: random.Random,
    *,
    window: float,
) -> tuple[BotMove | None, ...]:
    """One move per question (None: the bot lets the question time out)."""
    return tuple(_plan(q, stats.get(q.id), rng, window) for q in questions)


def _plan(
    question: Question, stats: QuestionStats | None, rng: random.Random, window: float
) -> BotMove | None:
    if stats is not None and stats.asked >= _MIN_STATS:
        p_right = stats.right / stats.asked
        typed_share = stats.right_typed / stats.right if stats.right else _DEFAULT_TYPED_SHARE
        mean_seconds = stats.right_ms_total / stats.right / 1000 if stats.right else window * 0.6
    else:
        p_right = _DEFAULT_RIGHT.get(question.difficulty, 0.5)
        typed_share = _DEFAULT_TYPED_SHARE
        mean_seconds = window * _DEFAULT_RIGHT_SHARE_OF_WINDOW
    # A little doubt so the bot is never perfect nor hopeless.
    p_right = min(0.9, max(0.15, p_right))
    if rng.random() < 0.1:
        return None
    right = rng.random() < p_right
    method = Method.TYPED if rng.random() < typed_share else Method.CHOICE
    earliest, latest = window * _EARLIEST_SHARE_OF_WINDOW, window * 0.95
    delay = min(latest, max(earliest, rng.gauss(mean_seconds, mean_seconds / 3)))
    text = question.answer if right else rng.choice(question.wrong)
    return BotMove(delay=round(delay, 3), method=method, text=text)
