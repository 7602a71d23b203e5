"""The Redis pool against a real redis-server: the same policy as game.matchmaking, atomic."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from bus.redis import RedisPool
from game.matchmaking import Pairing, Seeker
from tests.bus.processes import process, processes


def seeker(user_id: str, category: str | None = None, since: float = 0.0) -> Seeker:
    return Seeker(user_id, user_id.title(), category, since)


def with_pool(redis_url: str, scenario: Callable[[RedisPool], Awaitable[Any]]) -> None:
    """Run `scenario` on a pool of its own (a fresh key prefix) in a real Redis."""

    async def run() -> None:
        async with process(redis_url, f"test:{uuid.uuid4().hex}:") as one:
            await scenario(one.pool)

    asyncio.run(run())


def test_the_pool_pairs_the_longest_waiting_compatible_player(redis_url):
    async def scenario(pool: RedisPool) -> None:
        assert await pool.join(seeker("ann", "music")) is None
        assert await pool.join(seeker("bob", "sport")) is None

        pairing = await pool.join(seeker("cyd", None))

        assert pairing == Pairing(seeker("ann", "music"), seeker("cyd", None), "music")
        assert await pool.waiting("bob") == seeker("bob", "sport")
        assert await pool.waiting("ann") is None and await pool.waiting("cyd") is None

    with_pool(redis_url, scenario)


def test_a_player_asking_for_any_category_takes_the_first_waiting_one(redis_url):
    async def scenario(pool: RedisPool) -> None:
        await pool.join(seeker("ann", None))

        pairing = await pool.join(seeker("bob", "sport"))

        assert pairing is not None and pairing.category == "sport"

    with_pool(redis_url, scenario)


def test_players_asking_for_different_categories_both_wait(redis_url):
    async def scenario(pool: RedisPool) -> None:
        await pool.join(seeker("ann", "music"))

        assert await pool.join(seeker("bob", "sport")) is None

        assert await pool.waiting("ann") is not None and await pool.waiting("bob") is not None

    with_pool(redis_url, scenario)


def test_a_player_never_meets_themself_from_another_tab(redis_url):
    async def scenario(pool: RedisPool) -> None:
        await pool.join(seeker("ann"))

        assert await pool.join(seeker("ann", since=1.0)) is None

        assert await pool.waiting("ann") == seeker("ann", since=1.0)

    with_pool(redis_url, scenario)


def test_joining_again_moves_a_player_to_the_back_of_the_queue(redis_url):
    async def scenario(pool: RedisPool) -> None:
        await pool.join(seeker("ann", "music"))
        await pool.join(seeker("bob", "sport"))
        await pool.join(seeker("ann", "music", since=2.0))  # replaces her first request

        pairing = await pool.join(seeker("cyd", None))

        assert pairing is not None and pairing.first == seeker("bob", "sport")
        assert await pool.waiting("ann") == seeker("ann", "music", since=2.0)

    with_pool(redis_url, scenario)


def test_leaving_takes_a_player_out_and_returns_their_entry(redis_url):
    async def scenario(pool: RedisPool) -> None:
        await pool.join(seeker("ann", "music", since=3.5))

        assert await pool.leave("ann") == seeker("ann", "music", since=3.5)

        assert await pool.leave("ann") is None
        assert await pool.join(seeker("bob", "music")) is None

    with_pool(redis_url, scenario)


def test_seekers_joining_at_once_from_two_clients_are_each_paired_at_most_once(redis_url):
    categories = [None, "music", "sport"]
    # Sixty players, the first ten with a second tab; every request goes at the same moment,
    # alternately through two clients (two processes' worth).
    requests = [seeker(f"u{n}", categories[n % 3]) for n in range(60)]
    requests += [seeker(f"u{n}", categories[n % 3], since=1.0) for n in range(10)]

    async def scenario() -> None:
        async with processes(redis_url, 2) as both:
            pools = [p.pool for p in both]
            results = await asyncio.gather(
                *(pools[n % 2].join(request) for n, request in enumerate(requests))
            )

        pairings = [p for p in results if p is not None]
        entries = [s for p in pairings for s in (p.first, p.second)]
        assert len(pairings) >= 20
        assert len(entries) == len(set(entries)), "a request was paired twice"
        assert all(p.first.user_id != p.second.user_id for p in pairings)
        for pairing in pairings:
            asked = {pairing.first.category, pairing.second.category} - {None}
            assert len(asked) <= 1 and pairing.category == (asked.pop() if asked else None)

    asyncio.run(scenario())
