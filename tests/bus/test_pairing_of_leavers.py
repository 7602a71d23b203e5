"""Players who leave often meet each other, with a hand-moved clock, the same in the in-process
and the Redis pool (its rule in Lua; `on_pool` in conftest.py)."""

from __future__ import annotations

from bus.port import Pool
from game.matchmaking import ANYONE_AFTER, Seeker


def seeker(name: str, since: float, *, leaves: bool = False, rating: float = 1500) -> Seeker:
    return Seeker(name, name.title(), None, since, rating, leaves_often=leaves)


def test_a_player_who_leaves_often_is_paired_with_another_who_does(on_pool):
    async def scenario(pool: Pool) -> None:
        await pool.join(seeker("steady", 0))
        await pool.join(seeker("quitter", 1, leaves=True))

        pairing = await pool.join(seeker("deserter", 2, leaves=True))

        assert pairing is not None and pairing.first.user_id == "quitter"
        assert await pool.waiting("steady") is not None

    on_pool(scenario)


def test_a_player_who_does_not_leave_is_not_paired_with_one_who_does_while_either_is_fresh(
    on_pool,
):
    async def scenario(pool: Pool) -> None:
        await pool.join(seeker("quitter", 0, leaves=True))

        pairing = await pool.join(seeker("steady", 1))

        assert pairing is None
        assert await pool.waiting("quitter") is not None

    on_pool(scenario)


def test_once_one_has_waited_until_the_bot_offer_a_leaver_and_a_stayer_meet(on_pool):
    async def scenario(pool: Pool) -> None:
        await pool.join(seeker("quitter", 0, leaves=True))
        await pool.join(seeker("steady", 3))

        too_soon = await pool.sweep(ANYONE_AFTER - 0.1)
        in_time = await pool.sweep(ANYONE_AFTER)

        assert too_soon == []
        assert [(p.first.user_id, p.second.user_id) for p in in_time] == [("quitter", "steady")]

    on_pool(scenario)


def test_leaving_weighs_before_rating_a_far_rated_leaver_is_preferred_by_a_leaver(on_pool):
    async def scenario(pool: Pool) -> None:
        await pool.join(seeker("twin", 0, rating=1500))
        await pool.join(seeker("quitter", 0, leaves=True, rating=1550))

        pairing = await pool.join(seeker("deserter", 0, leaves=True, rating=1500))

        assert pairing is not None and pairing.first.user_id == "quitter"

    on_pool(scenario)
