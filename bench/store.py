"""Times each SQLiteStore call as the event loop sees it, and how long the loop stalls meanwhile.

Fills a fresh store in a temporary folder with a synthetic 600-question bank, 200 players and
1000 battles, then calls every port method many times, one call at a time. A ticker coroutine
wakes every millisecond and records how late it woke: that lateness is time the loop spent
blocked, so it should stay near the idle baseline printed first. Nothing is kept afterwards.

    .venv/bin/python bench/store.py [--dir FOLDER] [--seed N]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from pathlib import Path
from random import Random

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# store package; the repository root takes that place instead.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from game.questions import CATEGORIES, Question  # noqa: E402
from game.record import (  # noqa: E402
    AttemptEntry,
    BattleRecord,
    Method,
    Outcome,
    PlayerEntry,
    QuestionEntry,
)
from store.port import Store, User  # noqa: E402
from store.sqlite import SQLiteStore  # noqa: E402

QUESTIONS = 600
USERS = 200
BATTLES = 1000
QUESTIONS_PER_BATTLE = 10
TICK = 0.001  # seconds between ticker wake-ups


class LoopLag:
    """Records, for every tick, how much later than asked the loop woke the ticker."""

    def __init__(self) -> None:
        self.lags: list[float] = []

    async def tick_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + TICK
            await asyncio.sleep(TICK)
            self.lags.append(loop.time() - due)


def make_questions(rng: Random) -> list[Question]:
    return [
        Question(
            id=f"q{number:04d}",
            category=rng.choice(CATEGORIES),
            difficulty=rng.choice((1, 2, 3)),
            text=f"Synthetic question number {number}, long enough to look like a real one?",
            answer=f"answer {number}",
            wrong=(f"wrong {number}a", f"wrong {number}b", f"wrong {number}c"),
            aliases=(f"alias {number}",),
            published=rng.random() > 0.1,
        )
        for number in range(QUESTIONS)
    ]


def make_battle(rng: Random, number: int, question_ids: Sequence[str]) -> BattleRecord:
    players = [f"u{n:03d}" for n in rng.sample(range(USERS), 2)]
    finished_at = 1_700_000_000.0 + 300.0 * number
    entries = []
    for question_id in rng.sample(question_ids, QUESTIONS_PER_BATTLE):
        attempts = tuple(
            AttemptEntry(
                user_id=player,
                method=rng.choice(tuple(Method)),
                text="typed text",
                correct=rng.random() < 0.5,
                reason="synthetic",
                at_ms=rng.randrange(15_000),
            )
            for player in players
        )
        entries.append(QuestionEntry(question_id, attempts, taken_by=players[0]))
    return BattleRecord(
        id=f"b{number:05d}",
        started_at=finished_at - 180.0,
        finished_at=finished_at,
        outcome=Outcome.FINISHED,
        players=tuple(PlayerEntry(p, p.upper(), score=rng.randrange(31)) for p in players),
        questions=tuple(entries),
        winner_id=players[0],
    )


def build_cases(
    store: Store, rng: Random, questions: list[Question], battles: list[BattleRecord]
) -> list[tuple[str, list[Callable[[], Awaitable[object]]]]]:
    """Each benchmarked call, in run order, as a name and its list of ready-to-await calls."""
    users = [User(f"u{n:03d}", f"Player {n}", created_at=float(n)) for n in range(USERS)]
    ids = [q.id for q in questions]
    recent_since = battles[-1].finished_at - 86_400.0
    return [
        ("open", [store.open]),
        ("save_user", [partial(store.save_user, u) for u in users]),
        ("upsert_question (added)", [partial(store.upsert_question, q) for q in questions]),
        ("upsert_question (unchanged)", [partial(store.upsert_question, q) for q in questions]),
        ("record_battle (new)", [partial(store.record_battle, b) for b in battles]),
        ("record_battle (again)", [partial(store.record_battle, b) for b in battles[:200]]),
        ("get_user", [partial(store.get_user, u.id) for u in users]),
        ("get_question", [partial(store.get_question, i) for i in ids]),
        ("published_questions ()", [store.published_questions] * 50),
        ("published_questions (category)", [
            partial(store.published_questions, c) for c in CATEGORIES * 4
        ]),
        ("all_questions", [store.all_questions] * 50),
        ("question_stats (10 ids)", [
            partial(store.question_stats, b.question_ids) for b in battles[:500]
        ]),
        ("get_battle", [partial(store.get_battle, b.id) for b in battles[:500]]),
        ("battles_of (20)", [partial(store.battles_of, u.id) for u in users]),
        ("recent_question_ids", [
            partial(store.recent_question_ids, u.id, limit=200, since=recent_since) for u in users
        ]),
    ]  # fmt: skip


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report_row(name: str, calls: Sequence[float], lags: Sequence[float]) -> str:
    ms = 1000.0
    call_columns = (
        f"{statistics.median(calls) * ms:9.3f} {percentile(calls, 0.99) * ms:9.3f}"
        if calls
        else f"{'-':>9} {'-':>9}"
    )
    lag_columns = f"{percentile(lags, 0.99) * ms:9.3f} {max(lags) * ms:9.3f}"
    return f"{name:<32} {len(calls):5d} {call_columns} {lag_columns}"


async def bench(folder: Path, seed: int) -> None:
    rng = Random(seed)
    questions = make_questions(rng)
    battles = [make_battle(rng, n, [q.id for q in questions]) for n in range(BATTLES)]
    # Keep the synthetic data out of the collector's sight: a full collection over it stalls
    # the loop for tens of milliseconds and would be charged to whichever call was running.
    gc.collect()
    gc.freeze()
    store = SQLiteStore(folder / "bench.db")
    lag = LoopLag()
    ticker = asyncio.create_task(lag.tick_forever())
    print(f"store file: {folder / 'bench.db'}")
    print(f"{'call':<32} {'n':>5} {'med ms':>9} {'p99 ms':>9} {'lag p99':>9} {'lag max':>9}")

    await asyncio.sleep(0.5)
    print(report_row("(idle loop, baseline)", [], lag.lags))
    try:
        for name, calls in build_cases(store, rng, questions, battles):
            lag.lags.clear()
            wall: list[float] = []
            for call in calls:
                started = time.perf_counter()
                await call()
                wall.append(time.perf_counter() - started)
            await asyncio.sleep(2 * TICK)  # let the ticker report a stall at the very end
            print(report_row(name, wall, lag.lags))
    finally:
        ticker.cancel()
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Time the SQLite store as the loop sees it.")
    parser.add_argument("--dir", type=Path, help="where to make the temporary store folder")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kwissle-bench-", dir=args.dir) as folder:
        asyncio.run(bench(Path(folder), args.seed))


if __name__ == "__main__":
    main()
