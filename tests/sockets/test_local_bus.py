"""The in-process pool and relay."""

from __future__ import annotations

import asyncio

from bus.local import LocalPool, LocalRelay
from game.matchmaking import Seeker


def seeker(user_id: str, category: str | None = None, since: float = 0.0) -> Seeker:
    return Seeker(user_id, user_id.title(), category, since)


def test_the_pool_pairs_the_longest_waiting_compatible_player():
    async def scenario():
        pool = LocalPool()
        assert await pool.join(seeker("ann", "music")) is None
        assert await pool.join(seeker("bob", "sport")) is None

        pairing = await pool.join(seeker("cyd", None))

        assert (pairing.first.user_id, pairing.second.user_id) == ("ann", "cyd")
        assert pairing.category == "music"
        assert await pool.waiting("bob") is not None and await pool.waiting("ann") is None

    asyncio.run(scenario())


def test_a_player_never_meets_themself_from_another_tab():
    async def scenario():
        pool = LocalPool()
        await pool.join(seeker("ann"))

        assert await pool.join(seeker("ann", since=1.0)) is None
        assert (await pool.waiting("ann")).since == 1.0

    asyncio.run(scenario())


class Sink:
    def __init__(self) -> None:
        self.got: list[dict] = []

    def deliver(self, message: dict) -> None:
        self.got.append(message)

    def end_session(self, session: str) -> None:
        self.got.append({"ended": session})


def test_the_relay_reaches_every_open_connection_of_a_player_and_only_theirs():
    async def scenario():
        relay, tab1, tab2, other = LocalRelay(), Sink(), Sink(), Sink()
        await relay.attach("ann", tab1)
        await relay.attach("ann", tab2)
        await relay.attach("bob", other)

        relay.deliver("ann", {"type": "x"})

        assert tab1.got == tab2.got == [{"type": "x"}] and other.got == []
        assert await relay.detach("ann", tab1) is False
        assert await relay.detach("ann", tab2) is True

    asyncio.run(scenario())


def test_players_online_count_each_player_once_however_many_tabs():
    async def scenario():
        relay = LocalRelay()
        tabs = [Sink(), Sink(), Sink()]
        await relay.attach("ann", tabs[0])
        await relay.attach("ann", tabs[1])
        await relay.attach("bob", tabs[2])
        assert await relay.online() == 2

        await relay.detach("bob", tabs[2])

        assert await relay.online() == 1

    asyncio.run(scenario())


def test_the_end_of_a_session_reaches_every_open_connection_of_the_player():
    async def scenario():
        relay, tab1, tab2, other = LocalRelay(), Sink(), Sink(), Sink()
        await relay.attach("ann", tab1)
        await relay.attach("ann", tab2)
        await relay.attach("bob", other)

        relay.end_session("ann", "s1")

        assert tab1.got == tab2.got == [{"ended": "s1"}] and other.got == []

    asyncio.run(scenario())
