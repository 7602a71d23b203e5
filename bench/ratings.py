"""Ratings and leaderboards at scale: 100,000 signed-in players and 1,000,000 rated battles.

Prints, in one run:
- the Glicko-2 update itself (game.rating.after_battle), microseconds per battle;
- the cost of rating in the store's write path: battles written per second to a fresh store,
  rated (two accounts) against unrated (two guests), on the same 20,000 battles;
- the leaderboards built by a real report worker over the whole store, timed from the request
  to the cached copy, while a game process on the same store answers GET /online (its response
  times before and during the build: the game loop never runs either).

    .venv/bin/python bench/ratings.py                       # 1,000,000 battles, about an hour
    .venv/bin/python bench/ratings.py --battles 50000 --players 5000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path; the repository root takes
# that place so the project's packages import.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.population import fill  # noqa: E402
from bench.reports import Probe, summary  # noqa: E402
from game.rating import Rating, after_battle  # noqa: E402
from game.statistics import day_of  # noqa: E402
from services import leaderboards  # noqa: E402
from settings import load_settings  # noqa: E402
from store.sqlite import SQLiteStore  # noqa: E402
from tasks.app import EMBEDDED_BROKER, make_celery  # noqa: E402
from tasks.queue import CeleryQueue  # noqa: E402
from tests.conftest import start_server, stop_server  # noqa: E402

SAMPLE = 20_000


def pure_updates(battles: int, players: int) -> float:
    """Microseconds per battle for both players' Glicko-2 updates, ratings kept in memory."""
    rng = random.Random(3)
    ratings = [Rating() for _ in range(players)]
    pairs = [(rng.randrange(players), rng.randrange(players)) for _ in range(battles)]
    started = time.perf_counter()
    for a, b in pairs:
        ratings[a], ratings[b] = after_battle(ratings[a], ratings[b], rng.choice((0.0, 0.5, 1.0)))
    return (time.perf_counter() - started) / battles * 1e6


def written_per_second(accounts: bool, players: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kwissle.db"
        started = time.perf_counter()
        asyncio.run(fill(path, SAMPLE, 500, players, accounts=accounts, quiet=True))
        return SAMPLE / (time.perf_counter() - started)


async def build_boards(var: Path) -> float:
    """Seconds from asking the report worker for the leaderboards to their cached copy."""
    settings = load_settings({"KWISSLE_VAR": str(var), "KWISSLE_BROKER_URL": EMBEDDED_BROKER})
    queue = CeleryQueue(make_celery(settings))
    store = SQLiteStore(var / "kwissle.db")
    await store.open()
    filters = leaderboards.for_category(None, day_of(time.time()))
    key = filters.key(leaderboards.NAME)
    asked = time.perf_counter()
    await store.claim_report_build(key, time.time(), 3600)
    await queue.build_report(leaderboards.NAME, filters.to_dict())
    while (cached := await store.cached_report_result(key)) is None or cached.data is None:
        await asyncio.sleep(0.1)  # polling the store for the worker's write
    took = time.perf_counter() - asked
    await queue.close()
    await store.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--battles", type=int, default=1_000_000)
    parser.add_argument("--players", type=int, default=100_000)
    parser.add_argument(
        "--var",
        type=Path,
        default=Path("var/bench-ratings"),
        help="folder of the store (kept, and reused for as many battles and players)",
    )
    args = parser.parse_args()
    print(
        f"Glicko-2 update: {pure_updates(200_000, args.players):.1f} µs per battle (both players)"
    )
    rated, unrated = written_per_second(True, args.players), written_per_second(False, args.players)
    print(
        f"store write path, {SAMPLE:,} battles: {rated:,.0f}/s rated, {unrated:,.0f}/s unrated"
        f" ({unrated / rated:.2f}x), on the store's own thread"
    )
    var = args.var.resolve()
    marker = var / f"filled-{args.battles}-{args.players}"
    if not marker.exists():
        var.mkdir(parents=True, exist_ok=True)
        for old in var.glob("kwissle.db*"):
            old.unlink()
        print(f"writing {args.battles:,} rated battles among {args.players:,} players")
        asyncio.run(fill(var / "kwissle.db", args.battles, 2_000, args.players, accounts=True))
        marker.touch()
    game = start_server(var, log_name="bench-game.log")
    worker = subprocess.Popen(
        [sys.executable, "app.py", "worker", "--work", "reports"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "KWISSLE_VAR": str(var), "KWISSLE_BROKER_URL": EMBEDDED_BROKER},
        stdout=(var / "bench-worker.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        with Probe(game.base_url) as quiet:
            time.sleep(5)  # a fixed window of probing with nothing else running
        with Probe(game.base_url) as busy:
            took = asyncio.run(build_boards(var))
    finally:
        worker.terminate()
        worker.wait(30)
        stop_server(game)
    print(f"leaderboards over {args.battles:,} battles: built by the worker in {took:.1f} s")
    print("game process GET /online, same store:")
    print(f"  nothing else running    : {summary(quiet.times)}")
    print(f"  while the boards build  : {summary(busy.times)}")


if __name__ == "__main__":
    main()
