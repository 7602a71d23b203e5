"""Pairing by strength with a hand-moved clock, the same in the in-process and the Redis pool
(the Redis one against a real redis-server, its rule in Lua; `on_pool` in conftest.py)."""

from __future__ import annotations

from bus.port import Pool
from game.matchmaking import ANYONE_AFTER, Seeker


def seeker(name: str, rating: float, since: float, category: str | None = None) -> Seeker:
    return Seeker(name, name.title(), category, since, rating)


def test_the_closest_rating_waiting_is_paired(on_pool):
    async def scenario(pool: Pool) -> None:
        await pool.join(seeker("far", 1800, 0))
        await pool.join(seeker("near", 1520, 1))

        pairing = await pool.join(seeker("me", 1500, 2))

        assert pairing is not None and pairing.first.user_id == "near"
        assert await pool.waiting("far") is not None

    on_pool(scenario)


def test_far_apart_players_meet_once_the_wait_has_widened_the_gap(on_pool):
    async def scenario(pool: Pool) -> None:
        assert await pool.join(seeker("strong", 1900, 0)) is None
        assert await pool.join(seeker("weak", 1500, 0)) is None

        too_soon = await pool.sweep(4.9)
        in_time = await pool.sweep(5.0)

        assert too_soon == []
        assert [(p.first.user_id, p.second.user_id) for p in in_time] == [("strong", "weak")]
        assert await pool.waiting("strong") is None and await pool.waiting("weak") is None

    on_pool(scenario)


def test_after_the_widening_runs_out_anyone_is_paired(on_pool):
    async def scenario(pool: Pool) -> None:
        await pool.join(seeker("master", 2900, 0, "music"))
        await pool.join(seeker("novice", 700, 1))

        pairs = await pool.sweep(ANYONE_AFTER)

        assert len(pairs) == 1 and pairs[0].category == "music"

    on_pool(scenario)


def test_a_sweep_leaves_alone_who_cannot_meet_yet(on_pool):
    async def scenario(pool: Pool) -> None:
        await pool.join(seeker("ann", 1500, 0, "music"))
        await pool.join(seeker("bob", 1500, 0, "sport"))

        assert await pool.sweep(100) == []
        assert await pool.waiting("ann") is not None and await pool.waiting("bob") is not None

    on_pool(scenario)
