"""Fair play through a real game process: the lag allowance from the server's own pings, and a
signal recorded for answers faster than anyone reads."""

from __future__ import annotations

import asyncio

from game.fair_play import Signal, SignalKind
from store.sqlite import SQLiteStore
from tests.conftest import LiveServer
from tests.sockets.test_battle_over_socket import act, pair, player, run

SLOW_LINK = 0.5  # seconds the far player's client holds each pong: a round trip of 0.5 s
PAST_THE_DEADLINE = 0.08  # how long after their clock ran out an answer is sent


async def answer_after_the_clock(client, battle: str, question: dict) -> None:
    """Type the right answer PAST_THE_DEADLINE after the question's clock ran out here."""
    await asyncio.sleep(question["remaining_ms"] / 1000 + PAST_THE_DEADLINE)  # the act itself
    await act(client, battle, question, "right")


def test_a_far_players_answer_sent_as_their_clock_ran_out_counts_and_a_near_ones_does_not(
    live_server,
):
    async def scenario() -> None:
        ann = await player(live_server, "Ann", pong_after=SLOW_LINK)
        await asyncio.wait_for(ann.ponged.wait(), 10)
        await ann.send({"type": "ping", "t": 1})  # read after the pong: the server has timed it
        await ann.expect("pong")
        bob = await player(live_server, "Bob")  # never answers a ping: nothing to allow
        battle = await pair(ann, bob)

        first = await ann.expect("question")
        await answer_after_the_clock(ann, battle, first)
        taken = await ann.expect("reveal")
        second = await bob.expect("question")
        while second["index"] != 1:
            second = await bob.expect("question")
        await answer_after_the_clock(bob, battle, second)
        refused = await bob.expect("error")

        [attempt] = taken["attempts"]
        assert attempt["by"] == ann.user_id and attempt["points"] == 3
        assert attempt["at_ms"] > first["seconds"] * 1000  # it came after the deadline
        assert refused["code"] == "late" and refused["index"] == 1
        ann.close()
        bob.close()

    run(scenario())


async def recorded_signals(server: LiveServer, user_id: str) -> list[Signal]:
    """Every recorded signal, once the review after a battle's save has recorded one of the
    player's (a review records all of a battle's signals at once)."""
    store = SQLiteStore(server.var_dir / "kwissle.db")
    await store.open()
    try:
        async with asyncio.timeout(10):
            while not any(s.user_id == user_id for s in await store.fair_play_signals()):
                await asyncio.sleep(0.05)  # polling the store for the review's write
        return await store.fair_play_signals()
    finally:
        await store.close()


def test_right_answers_faster_than_anyone_reads_are_recorded_for_moderators(live_server):
    async def scenario() -> None:
        eve, bob = await player(live_server, "Eve"), await player(live_server, "Bob")
        battle = await pair(eve, bob)

        while (message := await eve.expect_any(("question", "result"), 30))["type"] == "question":
            await act(eve, battle, message, "right")  # the instant it arrives
        signals = await recorded_signals(live_server, eve.user_id)

        [signal] = [s for s in signals if s.battle_id == battle]
        assert (signal.kind, signal.user_id) == (SignalKind.TOO_FAST, eve.user_id)
        assert signal.evidence.startswith("10 right answers faster than 250 ms")
        eve.close()
        bob.close()

    run(scenario())
