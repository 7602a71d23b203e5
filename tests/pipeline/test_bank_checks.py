"""The checks a writer's preview runs use a cached index of the bank, never the whole bank again."""

from __future__ import annotations

import asyncio

from game.questions import Question
from services.bank_checks import BankChecks

OCEAN = Question(
    "geo-1", "geography", 1, "What is the largest ocean on Earth?", "Pacific", ("A", "B", "C")
)
COPY = Question("u-1", "geography", 1, OCEAN.text, "Atlantic", ("Indian", "Arctic", "Southern"))


class CountingBank:
    """Just enough of a store for BankChecks, counting how often the bank is read."""

    def __init__(self) -> None:
        self.reads = 0

    async def published_questions(self) -> list[Question]:
        self.reads += 1
        return [OCEAN]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_many_checks_read_the_bank_once_until_the_index_is_old():
    bank, clock = CountingBank(), Clock()
    checks = BankChecks(bank, max_age=60.0, clock=clock)  # type: ignore[arg-type]

    async def scenario() -> list[int]:
        reads = []
        for at in (0.0, 30.0, 60.0, 61.0):
            clock.now = at
            checked = await checks.check(COPY)
            assert [p.message for p in checked.errors] == [f"the same text as “{OCEAN.text}”"]
            reads.append(bank.reads)
        return reads

    assert asyncio.run(scenario()) == [1, 1, 1, 2]


def test_a_change_to_the_bank_in_this_process_is_checked_against_at_once():
    bank = CountingBank()
    checks = BankChecks(bank)  # type: ignore[arg-type]

    async def scenario() -> int:
        await checks.check(COPY)
        checks.forget()
        await checks.check(COPY)
        return bank.reads

    assert asyncio.run(scenario()) == 2
