"""The checks a writer sees name a question already in the game by its text, never its id.

Each case meets one of game.bank_rules' messages about another question, so a change of its
wording shows up here.
"""

from __future__ import annotations

import asyncio

import pytest

from game.questions import Question
from services.bank_checks import BankChecks

OCEAN = Question(
    "geo-1", "geography", 1, "What is the largest ocean on Earth?", "Pacific", ("A", "B", "C")
)


class BankOf:
    """Just enough of a store for BankChecks: the published questions."""

    def __init__(self, *questions: Question) -> None:
        self.questions = list(questions)

    async def published_questions(self) -> list[Question]:
        return self.questions


@pytest.mark.parametrize(
    "text, answer, expected",
    [
        (OCEAN.text, "Atlantic", "the same text as “What is the largest ocean on Earth?”"),
        (
            "What is the largest ocean on planet Earth?",
            "Pacific",
            "similar to: “What is the largest ocean on Earth?”, with the same answer",
        ),
        (
            "What is the largest oceans on Earth?",
            "Atlantic",
            "similar to: “What is the largest ocean on Earth?”, with another answer: check that"
            " both are right",
        ),
    ],
)
def test_a_similar_question_is_named_by_its_text(text: str, answer: str, expected: str):
    question = Question("u-1", "geography", 1, text, answer, ("Indian", "Arctic", "Southern"))

    checked = asyncio.run(BankChecks(BankOf(OCEAN)).check(question))

    assert [p.message for p in checked.problems] == [expected]
