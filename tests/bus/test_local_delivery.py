"""Messages to a player whose sockets are all on the sending process go straight to them; Redis
carries them only while another process holds a socket of that player, and that process hears
of every new socket elsewhere before the socket's commands can reach it."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.bus.monitor import publishes
from tests.bus.processes import Sink, processes


def test_messages_to_players_whose_sockets_are_all_here_never_go_through_redis(redis_url):
    async def scenario() -> None:
        async with processes(redis_url, 2) as (one, _), publishes(redis_url) as published:
            ann1, ann2, bob = Sink(), Sink(), Sink()
            await one.relay.attach("ann", ann1)
            await one.relay.attach("ann", ann2)
            await one.relay.attach("bob", bob)

            for n in range(50):
                one.relay.deliver("ann", {"n": n})
                one.relay.deliver("bob", {"n": n})
            one.relay.end_session("bob", "s1")

            for tab in (ann1, ann2, bob):
                assert [(await tab.next())["n"] for _ in range(50)] == list(range(50))
            assert await bob.next() == {"ended": "s1"}
            await published.settle()
            assert published.on(one.link.key("to:")) == []

    asyncio.run(scenario())


def test_a_second_tab_elsewhere_makes_messages_go_through_redis_until_it_leaves(redis_url):
    """As in a battle: each message answers a command that two forwards to one, the owner."""

    async def scenario() -> None:
        async with processes(redis_url, 2) as (one, two), publishes(redis_url) as published:
            here, there = Sink(), Sink()
            await one.relay.attach("ann", here)
            await one.router.hold("b1", ["ann"])
            one.router.serve(lambda user_id, message: one.relay.deliver(user_id, message))

            await two.relay.attach("ann", there)
            await two.router.forward("ann", {"n": 1})

            assert await here.next() == await there.next() == {"n": 1}
            await two.relay.detach("ann", there)
            await two.router.forward("ann", {"n": 2})
            assert await here.next() == {"n": 2}
            await published.settle()
            # The notices of two attaching and leaving, and the one message while two held a
            # socket of hers; each tab got each message once, the sender's too.
            assert len(published.on(one.link.key("to:ann"))) == 3
            assert here.got.empty() and there.got.empty()

    asyncio.run(scenario())


def test_a_socket_elsewhere_is_known_before_its_forwarded_command_arrives(redis_url):
    """Ann's battle runs on one; a tab of hers opens on two and says so through the router
    (as a reconnect does); one answers with a snapshot, which must reach that tab."""

    async def scenario() -> None:
        async with processes(redis_url, 2) as (owner, two):
            players = [f"p{n}" for n in range(40)]
            for user_id in players:
                await owner.relay.attach(user_id, Sink())
            await owner.router.hold("b1", players)

            def answer(user_id: str, message: dict[str, Any]) -> None:
                owner.relay.deliver(user_id, {"type": "snapshot", "to": user_id})

            owner.router.serve(answer)
            tabs = {user_id: Sink() for user_id in players}

            async def open_tab(user_id: str) -> None:
                await two.relay.attach(user_id, tabs[user_id])
                assert await two.router.forward(user_id, {"kind": "connected"})

            await asyncio.gather(*(open_tab(user_id) for user_id in players))

            for user_id, tab in tabs.items():
                assert await tab.next() == {"type": "snapshot", "to": user_id}

    asyncio.run(scenario())
