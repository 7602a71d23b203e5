"""The Redis relay and router against a real redis-server, separate links standing for separate
game processes."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from bus.redis import Link, RedisRouter, connect
from tests.bus.processes import Sink, eventually, process, processes


def test_a_message_reaches_the_players_connections_in_both_processes_and_only_theirs(redis_url):
    async def scenario() -> None:
        async with processes(redis_url, 2) as (one, two):
            tab1, tab2, other = Sink(), Sink(), Sink()
            await one.relay.attach("ann", tab1)
            await two.relay.attach("ann", tab2)
            await two.relay.attach("bob", other)

            one.relay.deliver("ann", {"type": "x", "n": 1})
            two.relay.deliver("ann", {"type": "x", "n": 2})
            two.relay.deliver("bob", {"type": "y"})

            for tab in (tab1, tab2):
                got = [await tab.next(), await tab.next()]
                assert sorted(m["n"] for m in got) == [1, 2] and tab.got.empty()
            assert await other.next() == {"type": "y"} and other.got.empty()

    asyncio.run(scenario())


def test_the_end_of_a_session_reaches_the_players_connections_in_every_process(redis_url):
    async def scenario() -> None:
        async with processes(redis_url, 2) as (one, two):
            tab1, tab2, other = Sink(), Sink(), Sink()
            await one.relay.attach("ann", tab1)
            await two.relay.attach("ann", tab2)
            await two.relay.attach("bob", other)

            one.relay.end_session("ann", "s1")
            two.relay.deliver("bob", {"type": "y"})

            assert await tab1.next() == await tab2.next() == {"ended": "s1"}
            assert await other.next() == {"type": "y"}  # Bob's own message, not Ann's end

    asyncio.run(scenario())


def test_the_end_of_a_session_reaches_a_player_connected_only_elsewhere(redis_url):
    async def scenario() -> None:
        async with processes(redis_url, 2) as (one, two):
            tab = Sink()
            await two.relay.attach("ann", tab)

            one.relay.end_session("ann", "s1")  # where she signed out, with no socket of hers

            assert await tab.next() == {"ended": "s1"}

    asyncio.run(scenario())


def test_messages_to_one_player_arrive_in_the_order_they_were_given(redis_url):
    async def scenario() -> None:
        async with processes(redis_url, 2) as (one, two):
            here, there = Sink(), Sink()
            await two.relay.attach("ann", there)
            await one.relay.attach("ann", here)

            for n in range(200):
                one.relay.deliver("ann", {"n": n})

            for tab in (here, there):
                assert [(await tab.next())["n"] for _ in range(200)] == list(range(200))

    asyncio.run(scenario())


def test_only_the_last_connection_across_processes_is_the_last_detach(redis_url):
    async def scenario() -> None:
        async with processes(redis_url, 2) as (one, two):
            tab1, tab2, tab3 = Sink(), Sink(), Sink()
            await one.relay.attach("ann", tab1)
            await one.relay.attach("ann", tab2)
            await two.relay.attach("ann", tab3)

            assert await one.relay.detach("ann", tab1) is False
            assert await two.relay.detach("ann", tab3) is False
            assert await one.relay.detach("ann", tab2) is True

            await two.relay.attach("ann", tab3)  # she comes back: counted from one again
            assert await two.relay.detach("ann", tab3) is True
            assert not await one.relay.present("ann")

    asyncio.run(scenario())


def test_a_lost_presence_record_still_ends_with_a_last_detach(redis_url):
    async def scenario() -> None:
        async with processes(redis_url, 1) as (one,):
            tab1, tab2 = Sink(), Sink()
            await one.relay.attach("ann", tab1)
            await one.relay.attach("ann", tab2)
            client = connect(redis_url)
            await client.delete(*await client.keys(one.link.key("presence:ann")))
            await client.aclose()

            assert await one.relay.detach("ann", tab1) is False  # her other tab is here
            assert await one.relay.detach("ann", tab2) is True
            await one.relay.attach("ann", tab1)
            assert await one.relay.detach("ann", tab1) is True

    asyncio.run(scenario())


def test_a_detached_connection_gets_nothing_more(redis_url):
    async def scenario() -> None:
        async with processes(redis_url, 2) as (one, two):
            gone, staying = Sink(), Sink()
            await one.relay.attach("ann", gone)
            await two.relay.attach("ann", staying)
            await one.relay.detach("ann", gone)

            two.relay.deliver("ann", {"type": "x"})
            one.relay.deliver("ann", {"type": "y"})

            assert [await staying.next(), await staying.next()] == [{"type": "x"}, {"type": "y"}]
            assert gone.got.empty()

    asyncio.run(scenario())


def test_a_player_is_present_while_a_live_process_holds_a_connection_of_theirs(redis_url):
    async def scenario() -> None:
        async with processes(redis_url, 2) as (one, two):
            tab = Sink()
            assert await one.relay.present("ann") is False

            await two.relay.attach("ann", tab)

            assert await one.relay.present("ann") is True
            await two.relay.detach("ann", tab)
            assert await one.relay.present("ann") is False

    asyncio.run(scenario())


def test_a_command_reaches_only_the_process_that_holds_the_players_battle(redis_url):
    async def scenario() -> None:
        async with processes(redis_url, 2) as (owner, other):
            got: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
            owner.router.serve(lambda user_id, message: got.put_nowait((user_id, message)))
            other.router.serve(lambda user_id, message: got.put_nowait(("wrong", message)))
            await owner.router.hold("b1", ["ann", "bob"])

            assert await other.router.forward("ann", {"kind": "connected"}) is True
            assert await asyncio.wait_for(got.get(), 5) == ("ann", {"kind": "connected"})
            assert await other.router.running("b1") is True
            assert await other.router.forward("cyd", {"kind": "connected"}) is False

            await owner.router.release("b1", ["ann", "bob"])

            assert await other.router.forward("ann", {"kind": "connected"}) is False
            assert await other.router.running("b1") is False and got.empty()

    asyncio.run(scenario())


def test_a_rematch_held_before_the_first_battle_is_released_keeps_the_players_commands(
    redis_url,
):
    async def scenario() -> None:
        async with processes(redis_url, 2) as (owner, other):
            owner.router.serve(lambda user_id, message: None)
            await owner.router.hold("b1", ["ann"])
            await owner.router.hold("b2", ["ann"])

            await owner.router.release("b1", ["ann"])

            assert await other.router.forward("ann", {"kind": "connected"}) is True

    asyncio.run(scenario())


def test_releasing_a_battle_another_process_took_over_leaves_it_to_that_process(redis_url):
    async def scenario() -> None:
        async with processes(redis_url, 2) as (old, new):
            got: asyncio.Queue[str] = asyncio.Queue()
            new.router.serve(lambda user_id, message: got.put_nowait(user_id))
            await old.router.hold("b1", ["ann"])
            await new.router.hold("b1", ["ann"])  # took it over: the key names it now

            await old.router.release("b1", ["ann"])

            assert await old.router.running("b1") is True
            assert await old.router.forward("ann", {"kind": "connected"}) is True
            assert await asyncio.wait_for(got.get(), 5) == "ann"
            await new.router.release("b1", ["ann"])
            assert await old.router.running("b1") is False

    asyncio.run(scenario())


def test_a_held_battle_stays_registered_while_its_process_refreshes_it(redis_url):
    async def scenario() -> None:
        prefix = f"test:{uuid.uuid4().hex}:"
        client = connect(redis_url)
        link = Link(client, prefix=prefix, heartbeat=0.2, lapse=1.0)
        router = RedisRouter(link, owner_seconds=1.5)
        await link.open()
        await router.hold("b1", ["ann"])
        ttl = await client.ttl(f"{prefix}battle:b1")

        await asyncio.sleep(3)  # two TTLs: the key lives only if it was refreshed meanwhile

        assert 0 < ttl <= 2 and await router.running("b1") is True
        await link.close()
        async with process(redis_url, prefix) as other:
            assert await other.router.running("b1") is False

    asyncio.run(scenario())


def test_players_online_are_counted_across_processes(redis_url):
    async def scenario() -> None:
        async with processes(redis_url, 2, heartbeat=0.1, lapse=1.0) as (one, two):
            tab1, tab2, other = Sink(), Sink(), Sink()
            await one.relay.attach("ann", tab1)
            await one.relay.attach("ann", tab2)
            await two.relay.attach("bob", other)

            await eventually(lambda: counted(one, 2))
            assert await two.relay.online() == 2
            await two.relay.detach("bob", other)
            await eventually(lambda: counted(one, 1))

    asyncio.run(scenario())


async def counted(process: Any, expected: int) -> bool:
    return bool(await process.relay.online() == expected)
