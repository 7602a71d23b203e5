"""The arena against a real SQLite store whose failures the test injects."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from bus.local import LocalPool, LocalRelay, LocalRouter
from game.battle_state import Timing
from game.fair_play import LEAVER_MIN
from game.questions import Question
from game.rating import Rating
from game.record import BattleRecord, Outcome, PlayerEntry
from sockets import protocol
from sockets.arena import Arena, ArenaConfig
from sockets.auth import Identity
from store.sqlite import SQLiteStore
from tests.conftest import FIXTURE_QUESTIONS

ANN, BOB = Identity("g-ann", "Ann"), Identity("g-bob", "Bob")
FAST = Timing(countdown=0.01, question=0.05, reveal=0.01, seat_hold=0.5, rematch=0.5)


class Inbox:
    def __init__(self) -> None:
        self.messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def deliver(self, message: dict[str, Any]) -> None:
        self.messages.put_nowait(message)

    async def expect(self, kind: str) -> dict[str, Any]:
        async with asyncio.timeout(10):
            while (message := await self.messages.get())["type"] != kind:
                pass
            return message


class FlakyStore(SQLiteStore):
    """A real store that fails the first `failures` battle writes, as a full disk would."""

    def __init__(self, path: Any, failures: int) -> None:
        super().__init__(path)
        self.failures = failures
        self.attempts = 0

    async def record_battle(self, record: BattleRecord) -> bool:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise OSError("disk full")
        return await super().record_battle(record)


class RatedStore(SQLiteStore):
    """Ann is a strong player, Bob a new one."""

    async def rating_of(self, user_id: str) -> Rating | None:
        return Rating(1900, 60) if user_id == ANN.user_id else None


class BrokenHistoryStore(SQLiteStore):
    async def recent_question_ids(self, user_id: str, *, limit: int, since: float) -> set[str]:
        raise OSError("database is gone")


async def arena_with(
    store: SQLiteStore, timing: Timing = FAST, clock: Callable[[], float] = time.time
) -> tuple[Arena, Inbox, Inbox]:
    await store.open()
    for line in FIXTURE_QUESTIONS.open():
        await store.upsert_question(Question.from_dict(json.loads(line)))
    relay, ann, bob = LocalRelay(), Inbox(), Inbox()
    await relay.attach(ANN.user_id, ann)
    await relay.attach(BOB.user_id, bob)
    config = ArenaConfig(timing=timing, questions_per_battle=2)
    arena = Arena(
        store=store,
        pool=LocalPool(),
        relay=relay,
        router=LocalRouter(),
        config=config,
        clock=clock,
    )
    return arena, ann, bob


def test_a_failed_save_is_retried_and_the_result_waits_for_it(tmp_path, caplog):
    async def scenario() -> None:
        store = FlakyStore(tmp_path / "k.db", failures=1)
        arena, ann, _ = await arena_with(store)

        await arena.handle(ANN, protocol.Play(None))
        await arena.handle(BOB, protocol.Play(None))
        result = await ann.expect("result")

        assert store.attempts == 2
        assert await store.get_battle(result["battle"]) is not None
        await store.close()

    asyncio.run(scenario())

    assert "saving battle" in caplog.text and "disk full" in caplog.text


def test_a_store_failure_at_the_start_tells_both_players_and_frees_them(tmp_path, caplog):
    async def scenario() -> None:
        store = BrokenHistoryStore(tmp_path / "k.db")
        arena, ann, bob = await arena_with(store)

        await arena.handle(ANN, protocol.Play(None))
        await arena.handle(BOB, protocol.Play(None))

        assert (await ann.expect("error"))["code"] == "not_started"
        assert (await bob.expect("error"))["code"] == "not_started"
        await arena.handle(ANN, protocol.Play(None))
        assert (await ann.expect("waiting"))["category"] is None
        await store.close()

    asyncio.run(scenario())

    assert "could not start a battle" in caplog.text


def test_closing_the_arena_saves_live_battles_as_aborted_and_tells_their_players(tmp_path):
    async def scenario() -> None:
        store = SQLiteStore(tmp_path / "k.db")
        arena, ann, bob = await arena_with(store, timing=Timing(countdown=0.01, question=60))
        await arena.handle(ANN, protocol.Play(None))
        await arena.handle(BOB, protocol.Play(None))
        await ann.expect("question")

        await arena.close()

        result = await bob.expect("result")
        assert result["outcome"] == "aborted"
        assert (await store.get_battle(result["battle"])).outcome.value == "aborted"
        await arena.handle(ANN, protocol.Play(None))
        assert (await ann.expect("error"))["code"] == "closing"
        await store.close()

    asyncio.run(scenario())


def test_players_far_apart_wait_until_a_sweep_finds_their_gap_wide_enough(tmp_path):
    async def scenario() -> None:
        now = [1_000.0]
        store = RatedStore(tmp_path / "k.db")
        arena, _, bob = await arena_with(store, clock=lambda: now[0])
        await arena.handle(ANN, protocol.Play(None))
        await arena.handle(BOB, protocol.Play(None))  # 1900 against 1500: not yet
        assert (await bob.expect("waiting"))["category"] is None

        now[0] += 4.9
        await arena.sweep()
        assert bob.messages.empty()
        now[0] += 0.1
        await arena.sweep()

        started = await bob.expect("battle")
        assert {p["id"] for p in started["players"]} == {ANN.user_id, BOB.user_id}
        await arena.close()
        await store.close()

    asyncio.run(scenario())


def test_a_player_who_keeps_leaving_battles_is_not_paired_with_one_who_does_not(tmp_path):
    async def scenario() -> None:
        store = SQLiteStore(tmp_path / "k.db")
        arena, _, bob = await arena_with(store)
        for record in left_while_behind(ANN.user_id, count=LEAVER_MIN):
            await store.record_battle(record)

        await arena.handle(ANN, protocol.Play(None))
        await arena.handle(BOB, protocol.Play(None))

        assert (await bob.expect("waiting"))["category"] is None
        await arena.close()
        await store.close()

    asyncio.run(scenario())


def left_while_behind(user_id: str, count: int) -> list[BattleRecord]:
    """`count` battles `user_id` forfeited to someone while behind, 0 to 6."""
    return [
        BattleRecord(
            id=f"left-{n}",
            started_at=1_000.0 + n,
            finished_at=1_060.0 + n,
            outcome=Outcome.FORFEIT,
            players=(PlayerEntry(user_id, "Ann", 0), PlayerEntry(f"g-opp-{n}", "Opp", 6)),
            questions=(),
            winner_id=f"g-opp-{n}",
        )
        for n in range(count)
    ]
