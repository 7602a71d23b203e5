"""Redis restarted (stopped, then started empty on the same port) under two game processes' bus:
each says "down" and refuses at once meanwhile, comes back by itself, queues its waiting players
again with their first arrival time, writes its players' presence back, and pairs nobody
twice."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bus.port import BusUnavailable
from bus.redis import connect
from game.matchmaking import Seeker
from tests.bus.processes import Process, Sink, eventually, processes
from tests.redis_server import RedisServer, restartable_redis

BEAT = {"heartbeat": 0.1, "lapse": 1.0}


def alone(user_id: str, category: str, since: float) -> Seeker:
    """A seeker nobody else asked for `category`'s questions: waits until a partner comes."""
    return Seeker(user_id, user_id.title(), category, since, 1500.0)


async def all_up(*each: Process) -> bool:
    return all(p.state == "up" for p in each)


async def all_down(*each: Process) -> bool:
    return all(p.state == "down" for p in each)


async def restart(server: RedisServer, *each: Process) -> None:
    """Stop Redis, check each process refuses at once while it is away, start it again empty."""
    await asyncio.to_thread(server.stop)
    await eventually(lambda: all_down(*each))
    for process in each:
        started = time.monotonic()
        with pytest.raises(BusUnavailable):
            await process.pool.join(alone("late", "none", 0.0))
        assert time.monotonic() - started < 0.5
    await asyncio.to_thread(server.start)
    await eventually(lambda: all_up(*each))


def test_waiters_are_queued_again_after_a_restart_and_nobody_is_paired_twice(
    tmp_path: Path,
) -> None:
    with restartable_redis(tmp_path) as server:

        async def scenario() -> None:
            async with processes(server.url, 2, **BEAT) as (one, two):
                waiters = [alone(f"w{n}", f"c{n}", since=100.0 + n) for n in range(10)]
                for n, seeker in enumerate(waiters):
                    assert await (one, two)[n % 2].pool.join(seeker) is None
                # A pair made before the restart: neither may wait again after it.
                assert await one.pool.join(alone("pa", "x", 90.0)) is None
                assert await one.pool.join(alone("pb", "x", 91.0)) is not None

                await restart(server, one, two)

                async def all_waiting_again() -> bool:
                    found = [await one.pool.waiting(s.user_id) for s in waiters]
                    return found == waiters  # the same entries, first arrival times included

                await eventually(all_waiting_again)
                assert await one.pool.waiting("pa") is None
                assert await one.pool.waiting("pb") is None
                pairings = [
                    await (two, one)[n % 2].pool.join(alone(f"p{n}", f"c{n}", since=200.0))
                    for n in range(10)
                ]
                assert [p.first.user_id if p else None for p in pairings] == [
                    s.user_id for s in waiters
                ]
                assert await one.pool.sweep(1000.0) == [] and await two.pool.sweep(1000.0) == []

        asyncio.run(scenario())


def test_presence_is_written_back_after_a_restart_and_messages_reach_players_again(
    tmp_path: Path,
) -> None:
    with restartable_redis(tmp_path) as server:

        async def scenario() -> None:
            async with processes(server.url, 2, **BEAT) as (one, two):
                here, there = Sink(), Sink()
                await one.relay.attach("ann", here)
                await two.relay.attach("ann", there)

                await restart(server, one, two)

                client = connect(server.url)

                async def present_again() -> bool:
                    holders = await client.smembers(one.link.key("presence:ann"))
                    return holders == {one.link.process, two.link.process}

                await eventually(present_again)
                await client.aclose()
                one.relay.deliver("ann", {"n": 1})
                assert await here.next() == await there.next() == {"n": 1}
                assert await two.relay.detach("ann", there) is False
                assert await one.relay.detach("ann", here) is True
                assert not await two.relay.present("ann")
                assert one.lost == two.lost == []  # nobody left unheard

        asyncio.run(scenario())
