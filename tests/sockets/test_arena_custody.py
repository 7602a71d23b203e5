"""The arena and battle custody: catching a reconnect up, battles lost with their log, and a
matchmaking pool that cannot be reached. Real SQLite store; a real redis-server where named."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

from redis.asyncio import Redis

from bus.custody import Roster
from bus.local import LocalPool, LocalRelay, LocalRouter
from bus.redis import Link, RedisPool, connect
from bus.redis_custody import RedisCustody
from game.battle_state import Timing
from game.questions import Question
from sockets import protocol
from sockets.arena import OUTBOX_MESSAGES, Arena, ArenaConfig, Outbox
from store.sqlite import SQLiteStore
from tests.conftest import FIXTURE_QUESTIONS
from tests.sockets.test_arena import ANN, BOB, Inbox

SLOW = Timing(countdown=0.01, question=60, reveal=0.01, seat_hold=30, rematch=0.5)
NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens there


async def arena_on(tmp_path: Any, **parts: Any) -> tuple[Arena, SQLiteStore, Inbox, Inbox]:
    store = SQLiteStore(tmp_path / "k.db")
    await store.open()
    for line in FIXTURE_QUESTIONS.open():
        await store.upsert_question(Question.from_dict(json.loads(line)))
    relay, ann, bob = LocalRelay(), Inbox(), Inbox()
    await relay.attach(ANN.user_id, ann)
    await relay.attach(BOB.user_id, bob)
    arena = Arena(
        store=store,
        pool=parts.pop("pool", LocalPool()),
        relay=relay,
        router=LocalRouter(),
        config=ArenaConfig(timing=SLOW, questions_per_battle=2),
        **parts,
    )
    return arena, store, ann, bob


def drained(inbox: Inbox) -> list[dict[str, Any]]:
    messages = []
    while not inbox.messages.empty():
        messages.append(inbox.messages.get_nowait())
    return messages


def test_a_reconnect_naming_its_last_seq_gets_just_what_it_missed(tmp_path):
    async def scenario() -> None:
        arena, store, ann, bob = await arena_on(tmp_path)
        await arena.handle(ANN, protocol.Play(None))
        await arena.handle(BOB, protocol.Play(None))
        question = await ann.expect("question")
        battle, seen = question["battle"], question["seq"]
        await arena.disconnected(ANN)
        await arena.handle(BOB, protocol.Answer(battle, 0, "not it"))
        missed = [m for m in drained(ann) if m.get("battle") == battle]
        assert [m["type"] for m in missed] == ["attempt"]

        await arena.connected(ANN, battle, seen)

        assert drained(ann) == missed
        assert (await bob.expect("back"))["player"] == ANN.user_id
        await arena.close()
        await store.close()

    asyncio.run(scenario())


def test_messages_sent_again_have_their_countdowns_shortened(tmp_path):
    async def scenario() -> None:
        now = [1_000.0]
        arena, store, ann, _ = await arena_on(tmp_path, clock=lambda: now[0])
        await arena.handle(ANN, protocol.Play(None))
        await arena.handle(BOB, protocol.Play(None))
        started = await ann.expect("battle")
        battle = started["battle"]
        drained(ann)
        now[0] += 0.005  # within the countdown

        await arena.connected(ANN, battle, 0)

        again = drained(ann)
        assert again[0] == {**started, "starts_in_ms": started["starts_in_ms"] - 5}
        await arena.close()
        await store.close()

    asyncio.run(scenario())


def test_a_reconnect_naming_no_seq_another_battle_or_one_from_the_future_gets_a_snapshot(
    tmp_path,
):
    async def scenario() -> None:
        arena, store, ann, _ = await arena_on(tmp_path)
        await arena.handle(ANN, protocol.Play(None))
        await arena.handle(BOB, protocol.Play(None))
        question = await ann.expect("question")
        battle = question["battle"]

        for named, seq in [(None, None), ("0" * 32, 1), (battle, question["seq"] + 5)]:
            drained(ann)
            await arena.connected(ANN, named, seq)
            (snapshot,) = drained(ann)
            assert snapshot["type"] == "snapshot" and snapshot["seq"] == question["seq"]
        await arena.close()
        await store.close()

    asyncio.run(scenario())


def test_an_outbox_that_no_longer_holds_every_missed_message_says_so():
    outbox = Outbox()
    for seq in range(1, OUTBOX_MESSAGES + 6):
        outbox.keep("ann", {"type": "attempt", "seq": seq}, 10.0)
        outbox.keep("bob", {"type": "away", "seq": seq}, 10.0)

    latest = OUTBOX_MESSAGES + 5
    assert outbox.since("ann", 2, latest, 10.0) is None
    kept = outbox.since("ann", 5, latest, 10.0)
    assert kept is not None and [m["seq"] for m in kept] == list(range(6, latest + 1))
    assert outbox.since("ann", latest, latest, 10.0) == []
    assert outbox.since("cyd", 0, latest, 10.0) == []


async def a_battle_that_lost_its_log(client: Redis) -> RedisCustody:
    """Custody of a Redis where battle b-lost of Ann and Bob is live, unheld and has no log."""
    prefix = f"test:{uuid.uuid4().hex}:"
    roster = Roster(
        "b-lost", ((ANN.user_id, "Ann", False), (BOB.user_id, "Bob", False)), None, 1000.0
    )
    owner = RedisCustody(client, prefix=prefix)
    await owner.begin("b-lost", [ANN.user_id, BOB.user_id], '{"start": "b-lost"}', roster)
    await client.delete(f"{prefix}log:b-lost")
    await owner.release("b-lost")  # as if its process had died
    return RedisCustody(client, prefix=prefix)


def test_a_battle_whose_log_was_lost_is_recorded_aborted_and_its_players_told(tmp_path, redis_url):
    async def scenario() -> None:
        client = connect(redis_url)
        players = [ANN.user_id, BOB.user_id]
        custody = await a_battle_that_lost_its_log(client)
        arena, store, ann, bob = await arena_on(tmp_path, custody=custody)

        await arena.keep()

        for inbox in (ann, bob):
            assert (await inbox.expect("error"))["code"] == "battle_lost"
        record = await store.get_battle("b-lost")
        assert record.outcome.value == "aborted"
        assert [p.user_id for p in record.players] == players
        assert await custody.battle_of(ANN.user_id) is None
        assert await custody.claim(10) == []
        await arena.close()
        await store.close()
        await client.aclose()

    asyncio.run(scenario())


def test_play_while_redis_cannot_be_reached_is_refused_as_unavailable(tmp_path):
    async def scenario() -> None:
        pool_client, custody_client = connect(NOWHERE), connect(NOWHERE)
        for parts in (
            {"pool": RedisPool(Link(pool_client))},
            {"custody": RedisCustody(custody_client)},
        ):
            arena, store, ann, _ = await arena_on(tmp_path, **parts)
            started = time.monotonic()

            await arena.handle(ANN, protocol.Play(None))

            assert (await ann.expect("error"))["code"] == "unavailable"
            assert time.monotonic() - started < 5
            await arena.close()
            await store.close()
        await pool_client.aclose()
        await custody_client.aclose()

    asyncio.run(scenario())
