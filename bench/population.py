"""A generated population for the benchmarks: a question bank, players and finished battles.

Not a benchmark itself: bench/reports.py and bench/ratings.py fill their stores with it.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from game.questions import CATEGORIES, Question
from game.record import AttemptEntry, BattleRecord, Method, Outcome, PlayerEntry, QuestionEntry
from store.port import User, UserKind
from store.sqlite import SQLiteStore

BATCH = 5_000
DAYS = 90


def make_bank(size: int, rng: random.Random) -> list[Question]:
    return [
        Question(
            id=f"bench-{i:05d}",
            category=CATEGORIES[i % len(CATEGORIES)],
            difficulty=1 + i % 3,
            text=f"Benchmark question number {i}?",
            answer=f"Answer{i}",
            wrong=(f"Wrong{i}a", f"Wrong{i}b", f"Wrong{i}c"),
        )
        for i in range(size)
    ]


def player_id(number: int, accounts: bool) -> str:
    return f"{'a' if accounts else 'g'}-bench-{number}"


def make_battle(
    number: int,
    bank: list[Question],
    players: int,
    rng: random.Random,
    now: float,
    accounts: bool = False,
) -> BattleRecord:
    """One battle between two of `players` (accounts, or guests), now and then with the bot."""
    finished = now - rng.random() * DAYS * 86_400
    first = rng.randrange(players)
    seats = [
        player_id(first, accounts),
        player_id((first + rng.randrange(1, players)) % players, accounts),
    ]
    bot = rng.random() < 0.1
    if bot:
        seats[1] = "bot-bench"
    entries = []
    for question in rng.sample(bank, 10):
        skill = 0.3 + 0.2 * (3 - question.difficulty)
        attempts = []
        taken = None
        for seat in seats:
            roll = rng.random()
            at_ms = rng.randrange(800, 14_000)
            if roll < skill and taken is None:
                choice = rng.random() < 0.3
                method = Method.CHOICE if choice else Method.TYPED
                typos = 0 if choice or rng.random() < 0.8 else 1
                attempts.append(AttemptEntry(seat, method, question.answer, True, "exact",
                                             at_ms, 1 if choice else 3, typos))  # fmt: skip
                taken = seat
            elif roll < skill + 0.3:
                typed = question.answer[:-1] + "x" if rng.random() < 0.5 else question.wrong[0]
                attempts.append(AttemptEntry(seat, Method.TYPED, typed, False, "not the answer",
                                             at_ms))  # fmt: skip
        entries.append(QuestionEntry(question.id, tuple(attempts), taken))
    scores = {
        s: sum(a.points for e in entries for a in e.attempts if a.user_id == s) for s in seats
    }
    outcome = Outcome.FORFEIT if rng.random() < 0.03 else Outcome.FINISHED
    winner = max(seats, key=lambda s: scores[s]) if scores[seats[0]] != scores[seats[1]] else None
    return BattleRecord(
        id=f"{number:032x}",
        started_at=finished - rng.uniform(90, 200),
        finished_at=finished,
        outcome=outcome,
        players=tuple(PlayerEntry(s, s[-6:], scores[s], s.startswith("bot")) for s in seats),
        questions=tuple(entries),
        winner_id=winner,
        category=None,
    )


async def fill(
    path: Path,
    battles: int,
    questions: int,
    players: int,
    accounts: bool = False,
    quiet: bool = False,
) -> None:
    """A store of `battles` finished battles over a bank of `questions` among `players` people,
    written as `record_battles` writes them; with `accounts` they are signed in (so rated)."""
    rng = random.Random(7)
    store = SQLiteStore(path)
    await store.open()
    bank = make_bank(questions, rng)
    for question in bank:
        await store.upsert_question(question)
    if accounts:
        for number in range(players):
            user_id = player_id(number, True)
            await store.save_user(
                User(user_id, f"Player {number}", UserKind.ACCOUNT, f"{user_id}@bench.test")
            )
    now = time.time()
    started = time.perf_counter()
    for first in range(0, battles, BATCH):
        batch = [
            make_battle(n, bank, players, rng, now, accounts)
            for n in range(first, min(battles, first + BATCH))
        ]
        await store.record_battles(batch)
        done = first + len(batch)
        rate = done / (time.perf_counter() - started)
        if not quiet:
            print(f"\r  {done:,} battles written ({rate:,.0f}/s)", end="", flush=True)
    if not quiet:
        print()
    await store.close()
