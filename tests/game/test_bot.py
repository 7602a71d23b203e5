"""The practice bot plays from each question's statistics, within the question's window."""

from __future__ import annotations

import random

from game.bot import plan_moves
from game.questions import Question
from game.record import Method, QuestionStats

EASY = Question("q-easy", "science", 1, "Easy?", "Yes", ("No", "Maybe", "Never"))
HARD = Question("q-hard", "science", 3, "Hard?", "Zeta", ("Alpha", "Beta", "Gamma"))


def test_every_move_falls_inside_the_question_window():
    moves = plan_moves((EASY, HARD) * 200, {}, random.Random(1), window=15.0)

    delays = [m.delay for m in moves if m is not None]
    assert delays and all(1.5 <= d <= 14.25 for d in delays)


def test_the_bot_is_right_about_as_often_as_humans_are():
    stats = {"q-hard": QuestionStats("q-hard", asked=100, right=20, right_typed=20)}

    moves = plan_moves((HARD,) * 2000, stats, random.Random(2), window=15.0)

    played = [m for m in moves if m is not None]
    right = sum(m.text == "Zeta" for m in played) / len(played)
    assert 0.15 <= right <= 0.25
    assert all(m.method is Method.TYPED for m in played if m.text == "Zeta")


def test_the_same_seed_gives_the_same_moves():
    first = plan_moves((EASY, HARD), {}, random.Random(9), window=15.0)

    assert first == plan_moves((EASY, HARD), {}, random.Random(9), window=15.0)
