"""The Redis relay and router against a real redis-server, two instances standing for two
game processes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bus.redis import RedisRelay, RedisRouter, connect


class Sink:
    def __init__(self) -> None:
        self.got: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def deliver(self, message: dict[str, Any]) -> None:
        self.got.put_nowait(message)

    def end_session(self, session: str) -> None:
        self.got.put_nowait({"ended": session})

    async def next(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.got.get(), 5)


@asynccontextmanager
async def two_processes(
    redis_url: str, kind: type[Any], **options: Any
) -> AsyncIterator[tuple[Any, Any]]:
    """Two opened adapters of `kind` on one Redis, each with its own client, sharing a prefix."""
    prefix = f"test:{uuid.uuid4().hex}:"
    clients = [connect(redis_url), connect(redis_url)]
    parts = [kind(client, prefix=prefix, **options) for client in clients]
    for part in parts:
        await part.open()
    try:
        yield parts[0], parts[1]
    finally:
        for part in parts:
            await part.close()
        for client in clients:
            await client.aclose()


def test_a_message_reaches_the_players_connections_in_both_processes_and_only_theirs(redis_url):
    async def scenario() -> None:
        async with two_processes(redis_url, RedisRelay) as (one, two):
            tab1, tab2, other = Sink(), Sink(), Sink()
            await one.attach("ann", tab1)
            await two.attach("ann", tab2)
            await two.attach("bob", other)

            one.deliver("ann", {"type": "x", "n": 1})
            two.deliver("ann", {"type": "x", "n": 2})
            two.deliver("bob", {"type": "y"})

            assert [await tab1.next(), await tab1.next()] == [{"type": "x", "n": n} for n in (1, 2)]
            assert [await tab2.next(), await tab2.next()] == [{"type": "x", "n": n} for n in (1, 2)]
            assert await other.next() == {"type": "y"} and other.got.empty()

    asyncio.run(scenario())


def test_the_end_of_a_session_reaches_the_players_connections_in_every_process(redis_url):
    async def scenario() -> None:
        async with two_processes(redis_url, RedisRelay) as (one, two):
            tab1, tab2, other = Sink(), Sink(), Sink()
            await one.attach("ann", tab1)
            await two.attach("ann", tab2)
            await two.attach("bob", other)

            one.end_session("ann", "s1")
            two.deliver("bob", {"type": "y"})

            assert await tab1.next() == await tab2.next() == {"ended": "s1"}
            assert await other.next() == {"type": "y"}  # Bob's own message, not Ann's end

    asyncio.run(scenario())


def test_messages_to_one_player_arrive_in_the_order_they_were_given(redis_url):
    async def scenario() -> None:
        async with two_processes(redis_url, RedisRelay) as (one, two):
            tab = Sink()
            await two.attach("ann", tab)

            for n in range(200):
                one.deliver("ann", {"n": n})

            assert [(await tab.next())["n"] for _ in range(200)] == list(range(200))

    asyncio.run(scenario())


def test_only_the_last_connection_across_processes_is_the_last_detach(redis_url):
    async def scenario() -> None:
        async with two_processes(redis_url, RedisRelay) as (one, two):
            tab1, tab2, tab3 = Sink(), Sink(), Sink()
            await one.attach("ann", tab1)
            await one.attach("ann", tab2)
            await two.attach("ann", tab3)

            assert await one.detach("ann", tab1) is False
            assert await two.detach("ann", tab3) is False
            assert await one.detach("ann", tab2) is True

            await two.attach("ann", tab3)  # she comes back: counted from one again
            assert await two.detach("ann", tab3) is True

    asyncio.run(scenario())


def test_a_lost_presence_counter_still_ends_with_a_last_detach(redis_url):
    async def scenario() -> None:
        async with two_processes(redis_url, RedisRelay) as (one, _):
            tab1, tab2 = Sink(), Sink()
            await one.attach("ann", tab1)
            await one.attach("ann", tab2)
            client = connect(redis_url)
            await client.delete(*await client.keys("*presence:ann"))  # as if it had expired
            await client.aclose()

            assert await one.detach("ann", tab1) is True
            await one.attach("ann", tab1)
            assert await one.detach("ann", tab1) is True

    asyncio.run(scenario())


def test_a_detached_connection_gets_nothing_more(redis_url):
    async def scenario() -> None:
        async with two_processes(redis_url, RedisRelay) as (one, two):
            gone, staying = Sink(), Sink()
            await one.attach("ann", gone)
            await two.attach("ann", staying)
            await one.detach("ann", gone)

            two.deliver("ann", {"type": "x"})

            assert await staying.next() == {"type": "x"} and gone.got.empty()

    asyncio.run(scenario())


def test_a_command_reaches_only_the_process_that_holds_the_players_battle(redis_url):
    async def scenario() -> None:
        async with two_processes(redis_url, RedisRouter) as (owner, other):
            got: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
            owner.serve(lambda user_id, message: got.put_nowait((user_id, message)))
            other.serve(lambda user_id, message: got.put_nowait(("wrong process", message)))
            await owner.hold("b1", ["ann", "bob"])

            assert await other.forward("ann", {"kind": "connected"}) is True
            assert await asyncio.wait_for(got.get(), 5) == ("ann", {"kind": "connected"})
            assert await other.running("b1") is True
            assert await other.forward("cyd", {"kind": "connected"}) is False

            await owner.release("b1", ["ann", "bob"])

            assert await other.forward("ann", {"kind": "connected"}) is False
            assert await other.running("b1") is False and got.empty()

    asyncio.run(scenario())


def test_a_held_battle_stays_registered_while_its_process_refreshes_it(redis_url):
    async def scenario() -> None:
        prefix = f"test:{uuid.uuid4().hex}:"
        client = connect(redis_url)
        router = RedisRouter(client, prefix=prefix, owner_seconds=1.5)
        await router.open()
        await router.hold("b1", ["ann"])
        ttl = await client.ttl(f"{prefix}battle:b1")

        await asyncio.sleep(3)  # two TTLs: the key lives only if it was refreshed meanwhile

        assert 0 < ttl <= 2 and await router.running("b1") is True
        await router.close()
        assert await router.running("b1") is False
        await client.aclose()

    asyncio.run(scenario())


async def eventually(read: Any, expected: int) -> None:
    """Reads until `read()` gives `expected`; the counts are renewed on a timer."""
    async with asyncio.timeout(5):
        while await read() != expected:
            await asyncio.sleep(0.05)  # polling Redis for a value a timer writes


def test_players_online_are_counted_across_processes(redis_url):
    async def scenario() -> None:
        async with two_processes(redis_url, RedisRelay, online_seconds=1) as (one, two):
            tab1, tab2, other = Sink(), Sink(), Sink()
            await one.attach("ann", tab1)
            await one.attach("ann", tab2)
            await two.attach("bob", other)

            await eventually(one.online, 2)
            assert await two.online() == 2
            await two.detach("bob", other)
            await eventually(one.online, 1)

    asyncio.run(scenario())


def test_a_process_that_stops_reporting_drops_out_of_the_count(redis_url):
    async def scenario() -> None:
        prefix = f"test:{uuid.uuid4().hex}:"
        clients = [connect(redis_url), connect(redis_url)]
        stays, dies = (RedisRelay(c, prefix=prefix, online_seconds=1) for c in clients)
        for relay in (stays, dies):
            await relay.open()
        await dies.attach("ann", Sink())
        await eventually(stays.online, 1)

        dies._reporter.cancel()  # as if its process were killed: no close, no clean-up

        await eventually(stays.online, 0)
        for relay in (stays, dies):  # the dead one's listener too, or its client never closes
            await relay.close()
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())
