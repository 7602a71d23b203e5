"""Battle custody in a real redis-server: leases, logs, claims, and what a frozen owner may do."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from bus.custody import LocalCustody, Roster
from bus.redis import connect
from bus.redis_custody import RedisCustody

LEASE = 0.3  # seconds: short, so that a lease lapses within a test


class Clock:
    """A monotonic clock the test moves by hand, on top of the real one."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.ahead


def roster(battle_id: str) -> Roster:
    return Roster(battle_id, (("ann", "Ann", False), ("bob", "Bob", False)), "music", 1000.0)


def run_with(
    redis_url: str, scenario: Callable[[Redis, Callable[..., RedisCustody]], Awaitable[Any]]
) -> None:
    async def main() -> None:
        client = connect(redis_url)
        prefix = f"test:{uuid.uuid4().hex}:"

        def custody(clock: Callable[[], float] | None = None) -> RedisCustody:
            options: dict[str, Any] = {"prefix": prefix, "lease_seconds": LEASE}
            if clock is not None:
                options["monotonic"] = clock
            return RedisCustody(client, **options)

        try:
            await scenario(client, custody)
        finally:
            await client.aclose()

    asyncio.run(asyncio.wait_for(main(), 30))


async def appended(custody: RedisCustody, battle_id: str, *entries: str) -> list[str]:
    done: list[str] = []
    for entry in entries:
        custody.append(battle_id, entry, lambda entry=entry: done.append(entry))
    await custody.settled()
    return done


async def until_lapsed(client: Redis, custody: RedisCustody, battle_id: str) -> None:
    """Wait (polling, with a deadline) until the battle's lease has lapsed in Redis."""
    key = f"{custody._prefix}lease:{battle_id}"
    for _ in range(200):
        if not await client.exists(key):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the lease never lapsed")


def test_a_lapsed_battle_is_claimed_by_exactly_one_process_and_its_log_read_back(redis_url):
    async def scenario(client: Redis, custody: Callable[..., RedisCustody]) -> None:
        owner = custody()
        await owner.begin("b1", ["ann", "bob"], '{"start": 1}', roster("b1"))
        assert await appended(owner, "b1", '{"e": 1}', '{"e": 2}') == ['{"e": 1}', '{"e": 2}']
        survivors = [custody() for _ in range(5)]
        assert await asyncio.gather(*(s.claim(10) for s in survivors)) == [[]] * 5

        await until_lapsed(client, owner, "b1")
        claims = await asyncio.gather(*(s.claim(10) for s in survivors))

        assert sorted(map(len, claims)) == [0, 0, 0, 0, 1]
        winner = next(s for s, c in zip(survivors, claims, strict=True) if c == ["b1"])
        claimed = await winner.read("b1")
        assert claimed.entries == ('{"start": 1}', '{"e": 1}', '{"e": 2}')
        assert claimed.roster == roster("b1")
        assert winner.holds("b1")

    run_with(redis_url, scenario)


def test_an_owner_frozen_past_its_lease_lets_go_of_a_battle_another_took(redis_url):
    async def scenario(client: Redis, custody: Callable[..., RedisCustody]) -> None:
        clock = Clock()
        owner = custody(clock)
        await owner.begin("b1", ["ann", "bob"], '{"start": 1}', roster("b1"))
        await until_lapsed(client, owner, "b1")
        clock.ahead = 10  # it slept through its lease (SIGSTOP)
        other = custody()
        assert await other.claim(10) == ["b1"]
        await other.read("b1")
        await appended(other, "b1", '{"e": "by the other"}')

        assert not owner.holds("b1")
        renewal = await owner.renew()

        assert renewal.lost == ("b1",) and renewal.kept == ()
        assert not owner.holds("b1")
        assert await other.renew() == type(renewal)(kept=("b1",))

    run_with(redis_url, scenario)


def test_an_owner_frozen_past_its_lease_carries_on_when_nobody_touched_the_battle(redis_url):
    async def scenario(client: Redis, custody: Callable[..., RedisCustody]) -> None:
        clock = Clock()
        owner = custody(clock)
        await owner.begin("b1", ["ann", "bob"], '{"start": 1}', roster("b1"))
        await appended(owner, "b1", '{"e": 1}')
        await until_lapsed(client, owner, "b1")
        clock.ahead = 10

        assert not owner.holds("b1")
        renewal = await owner.renew()

        assert renewal.kept == ("b1",) and owner.holds("b1")
        assert await custody().claim(10) == []

    run_with(redis_url, scenario)


def test_after_redis_loses_every_key_the_owner_writes_its_battles_back(redis_url):
    async def scenario(client: Redis, custody: Callable[..., RedisCustody]) -> None:
        owner = custody()
        await owner.begin("b1", ["ann", "bob"], '{"start": 1}', roster("b1"))
        await appended(owner, "b1", '{"e": 1}')
        await client.delete(*await client.keys(f"{owner._prefix}*"))  # as a restart does

        assert (await owner.renew()).kept == ("b1",)
        assert await owner.battle_of("ann") == "b1"
        await owner.release("b1")  # hand it over: the copy in Redis is whole again
        other = custody()
        assert await other.claim(10) == ["b1"]
        assert (await other.read("b1")).entries == ('{"start": 1}', '{"e": 1}')

    run_with(redis_url, scenario)


def test_an_append_that_failed_is_written_back_once_redis_answers(redis_url):
    async def scenario(client: Redis, custody: Callable[..., RedisCustody]) -> None:
        owner = custody()
        await owner.begin("b1", ["ann"], '{"start": 1}', roster("b1"))
        real = owner._client
        owner._client = connect("redis://127.0.0.1:1/0")  # nothing listens there
        assert await appended(owner, "b1", '{"e": 1}') == ['{"e": 1}']  # the battle goes on
        assert (await owner.renew()).kept == ("b1",)  # Redis unreachable: still held here
        assert owner.holds("b1")
        await owner._client.aclose()
        owner._client = real

        assert (await owner.renew()).kept == ("b1",)
        await owner.release("b1")
        other = custody()
        await other.claim(10)
        assert (await other.read("b1")).entries == ('{"start": 1}', '{"e": 1}')

    run_with(redis_url, scenario)


def test_a_battle_whose_log_is_gone_is_claimed_with_its_roster_only(redis_url):
    async def scenario(client: Redis, custody: Callable[..., RedisCustody]) -> None:
        owner = custody()
        await owner.begin("b1", ["ann", "bob"], '{"start": 1}', roster("b1"))
        await client.delete(f"{owner._prefix}log:b1")
        await owner.release("b1")

        other = custody()
        assert await other.claim(10) == ["b1"]
        claimed = await other.read("b1")

        assert claimed.entries is None and claimed.roster == roster("b1")

    run_with(redis_url, scenario)


def test_players_are_in_a_battle_until_its_result_is_decided(redis_url):
    async def scenario(client: Redis, custody: Callable[..., RedisCustody]) -> None:
        owner, elsewhere = custody(), custody()
        await owner.begin("b1", ["ann", "bob"], '{"start": 1}', roster("b1"))
        assert await elsewhere.battle_of("ann") == "b1"
        await owner.begin("b2", ["ann", "cyd"], '{"start": 2}', roster("b2"))  # a rematch

        await owner.free("b1", ["ann", "bob"])

        assert await elsewhere.battle_of("ann") == "b2"  # b1 never frees a player of b2
        assert await elsewhere.battle_of("bob") is None
        await owner.end("b1")
        assert await elsewhere.claim(10) == []  # an ended battle is nobody's to take over

    run_with(redis_url, scenario)


def test_processes_count_the_others_that_could_take_battles_over(redis_url):
    async def scenario(client: Redis, custody: Callable[..., RedisCustody]) -> None:
        one, two = custody(), custody()
        await one.renew()
        assert await two.peers() == 1 and await one.peers() == 0
        await two.renew()
        assert await one.peers() == 1

        await one.close()

        assert await two.peers() == 0

    run_with(redis_url, scenario)


@pytest.mark.parametrize("players", [["ann"], ["ann", "bob"]])
def test_in_one_process_every_battle_is_held_and_its_players_marked(players):
    async def scenario() -> None:
        custody = LocalCustody()
        await custody.begin("b1", players, "{}", roster("b1"))
        done: list[int] = []
        custody.append("b1", "{}", lambda: done.append(1))

        assert done == [1] and custody.holds("b1") and not custody.failover
        assert [await custody.battle_of(p) for p in players] == ["b1"] * len(players)
        await custody.free("b1", players)
        assert [await custody.battle_of(p) for p in players] == [None] * len(players)

    asyncio.run(scenario())
