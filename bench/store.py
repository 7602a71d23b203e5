"""The database shoot-out: Kwissle's real operations on each store, as the event loop sees them.

Each store starts from the same synthetic site (600 questions, 200 players of whom half have
accounts and a session, 2,000 battles) and then runs each operation many times, one at a time:

    record a battle     record_battle of a finished battle with ten questions
    pick ten questions  what the arena asks before a battle: both players' recent questions and
                        the ten questions' statistics (for the bot)
    read a session      what every page asks: session_user, then get_user
    submit and review   count_submissions and add_submission for a new question, then a
                        reviewer's reviewable_submissions, get_submission, reviews_of,
                        save_review and reviews_of again

The stores: SQLite with every call on the loop itself (what "blocking" costs), SQLite on its own
thread (the embedded default), and MongoDB when --mongo-url names a server (its database must
have "bench" in its name; it is emptied first and dropped after). For each operation it prints
ops/s, the p50 and p99 of one operation's latency, and the p99 of how late a ticker that wakes
every millisecond woke meanwhile: time the loop could not serve anyone.

    .venv/bin/python bench/store.py [--ops N] [--mongo-url mongodb://HOST/kwissle_bench]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from random import Random
from typing import Any, TypeVar

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# store package; the repository root takes that place instead.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from game.pipeline import Review, Verdict, new_submission  # noqa: E402
from game.questions import CATEGORIES, Question  # noqa: E402
from game.record import (  # noqa: E402
    AttemptEntry,
    BattleRecord,
    Method,
    Outcome,
    PlayerEntry,
    QuestionEntry,
)
from store.mongo import MongoStore  # noqa: E402
from store.port import Store, User, UserKind  # noqa: E402
from store.sqlite import SQLiteStore  # noqa: E402

T = TypeVar("T")
QUESTIONS = 600
USERS = 200
BATTLES = 2000
QUESTIONS_PER_BATTLE = 10
TICK = 0.001  # seconds between ticker wake-ups
START = 1_700_000_000.0
DAY = 86_400.0


class SQLiteOnTheLoop(SQLiteStore):
    """The SQLite store with every call made on the event loop's own thread."""

    async def _run(self, call: Callable[..., T], *args: Any) -> T:  # type: ignore[override]
        return call(*args)


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


class Site:
    """The synthetic site every store starts from, and fresh values for the operations."""

    def __init__(self, seed: int) -> None:
        self.rng = Random(seed)
        self.questions = [
            Question(
                id=f"q{n:04d}",
                category=self.rng.choice(CATEGORIES),
                difficulty=self.rng.choice((1, 2, 3)),
                text=f"Synthetic question number {n}, long enough to look like a real one?",
                answer=f"answer {n}",
                wrong=(f"wrong {n}a", f"wrong {n}b", f"wrong {n}c"),
                published=True,
            )
            for n in range(QUESTIONS)
        ]
        self.users = [
            User(
                f"u{n:03d}",
                f"Player {n}",
                UserKind.ACCOUNT if n % 2 else UserKind.GUEST,
                f"player{n}@example.org" if n % 2 else None,
                created_at=START,
            )
            for n in range(USERS)
        ]
        self.battles = 0
        self.submissions = 0

    def battle(self) -> BattleRecord:
        number, self.battles = self.battles, self.battles + 1
        players = [user.id for user in self.rng.sample(self.users, 2)]
        finished_at = START + 60.0 * number
        entries = []
        for question in self.rng.sample(self.questions, QUESTIONS_PER_BATTLE):
            attempts = tuple(
                AttemptEntry(
                    player,
                    self.rng.choice(tuple(Method)),
                    "typed text",
                    self.rng.random() < 0.5,
                    "synthetic",
                    self.rng.randrange(15_000),
                )
                for player in players
            )
            entries.append(QuestionEntry(question.id, attempts, taken_by=players[0]))
        return BattleRecord(
            id=f"b{number:06d}",
            started_at=finished_at - 180.0,
            finished_at=finished_at,
            outcome=Outcome.FINISHED,
            players=tuple(PlayerEntry(p, p.upper(), score=self.rng.randrange(31)) for p in players),
            questions=tuple(entries),
            winner_id=players[0],
            category=None,
        )

    def question(self) -> Question:
        number, self.submissions = self.submissions, self.submissions + 1
        return Question(
            id=f"s{number:06d}",
            category=self.rng.choice(CATEGORIES),
            difficulty=2,
            text=f"A submitted question, number {number}, that nobody asked before?",
            answer=f"submitted answer {number}",
            wrong=("one", "two", "three"),
            published=False,
        )


async def fill(store: Store, site: Site) -> None:
    for user in site.users:
        await store.save_user(user)
        await store.start_session(f"s-{user.id}", user.id, now=START, expires_at=START + 365 * DAY)
    for question in site.questions:
        await store.upsert_question(question)
    for _ in range(BATTLES // 100):
        await store.record_battles([site.battle() for _ in range(100)])


def operations(store: Store, site: Site) -> dict[str, Callable[[], Awaitable[object]]]:
    """Each operation as one call that makes it once, with fresh values each time."""

    async def record_a_battle() -> None:
        await store.record_battle(site.battle())

    async def pick_ten_questions() -> None:
        now = START + 60.0 * site.battles
        ten = [q.id for q in site.rng.sample(site.questions, QUESTIONS_PER_BATTLE)]
        for user in site.rng.sample(site.users, 2):
            await store.recent_question_ids(user.id, limit=200, since=now - DAY)
        await store.question_stats(ten)

    async def read_a_session() -> None:
        user = site.rng.choice(site.users)
        user_id = await store.session_user(f"s-{user.id}", START + DAY)
        assert user_id is not None
        await store.get_user(user_id)

    async def submit_and_review() -> None:
        author, reviewer = site.rng.sample(site.users, 2)
        now = START + 60.0 * site.battles
        await store.count_submissions(author.id, now - DAY)
        await store.add_submission(*new_submission(site.question(), author.id, now))
        waiting = await store.reviewable_submissions(reviewer.id)
        submission = await store.get_submission(waiting[-1].id)
        assert submission is not None
        await store.reviews_of(submission.id, submission.round)
        review = Review(submission.id, reviewer.id, Verdict.CORRECT, 4, 2, "", now)
        await store.save_review(review)
        await store.reviews_of(submission.id, submission.round)

    return {
        "record a battle": record_a_battle,
        "pick ten questions": pick_ten_questions,
        "read a session": read_a_session,
        "submit and review": submit_and_review,
    }


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(store: Store, seed: int, ops: int) -> dict[str, str]:
    """Fill `store`, run each operation `ops` times, and its figures as one column per op."""
    site = Site(seed)
    await store.open()
    await fill(store, site)
    gc.collect()
    gc.freeze()  # a full collection of the synthetic data would be charged to some call
    figures = {}
    try:
        for name, operation in operations(store, site).items():
            lag = LoopLag()
            ticker = asyncio.create_task(lag.tick_forever())
            await asyncio.sleep(10 * TICK)
            lag.lags.clear()
            took: list[float] = []
            started = time.perf_counter()
            for _ in range(ops):
                begun = time.perf_counter()
                await operation()
                took.append(time.perf_counter() - begun)
                await asyncio.sleep(0)  # each operation is its own request: others get a turn
            elapsed = time.perf_counter() - started
            await asyncio.sleep(2 * TICK)  # let the ticker report a stall at the very end
            ticker.cancel()
            figures[name] = (
                f"{ops / elapsed:8.0f} {percentile(took, 0.5) * 1000:7.2f}"
                f" {percentile(took, 0.99) * 1000:7.2f} {percentile(lag.lags, 0.99) * 1000:7.2f}"
            )
    finally:
        gc.unfreeze()
        await store.close()
    return figures


async def bench(folder: Path, seed: int, ops: int, mongo_url: str | None) -> None:
    stores: dict[str, Callable[[], Store]] = {
        "SQLite on the loop": lambda: SQLiteOnTheLoop(folder / "on-loop.db"),
        "SQLite on its thread": lambda: SQLiteStore(folder / "threaded.db"),
    }
    if mongo_url:
        stores["MongoDB"] = lambda: MongoStore(mongo_url)
    results = {}
    for name, make in stores.items():
        if name == "MongoDB":
            await empty_mongo(make)
        print(f"measuring {name}...", file=sys.stderr)
        results[name] = await measure(make(), seed, ops)
        if name == "MongoDB":
            await empty_mongo(make)
    column = f"{'ops/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'stall99':>7}"
    print(f"{ops} of each operation, one at a time; stall99: the loop's p99 lateness in ms")
    print(f"{'':<20}" + "".join(f" | {name:^{len(column)}}" for name in results))
    print(f"{'operation':<20}" + f" | {column}" * len(results))
    for operation in next(iter(results.values())):
        print(f"{operation:<20}" + "".join(f" | {r[operation]}" for r in results.values()))


async def empty_mongo(make: Callable[[], Store]) -> None:
    store = make()
    assert isinstance(store, MongoStore)
    await store.database.client.drop_database(store.database.name)
    await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Kwissle's store operations on each database.")
    parser.add_argument("--ops", type=int, default=300, help="times each operation runs")
    parser.add_argument("--mongo-url", help="a MongoDB database whose name holds 'bench'")
    parser.add_argument("--dir", type=Path, help="where to make the temporary SQLite folder")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.mongo_url and "bench" not in args.mongo_url.rpartition("/")[2].partition("?")[0]:
        parser.error("--mongo-url must name a database with 'bench' in its name: it is dropped")
    with tempfile.TemporaryDirectory(prefix="kwissle-bench-", dir=args.dir) as folder:
        asyncio.run(bench(Path(folder), args.seed, args.ops, args.mongo_url))


if __name__ == "__main__":
    main()
