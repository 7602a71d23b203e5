"""Answer-to-reveal latency as a game process sees it: which reveals count, and that the counts
reach the store, from the rules up and through a real game process."""

from __future__ import annotations

import asyncio

import pytest

from sockets.latency import RevealLatency, closed_by
from store.sqlite import SQLiteStore
from tests.conftest import stop_server
from tests.sockets.test_battle_over_socket import BANK, pair, player, run

HOUR = 500_000


def attempt(by: str, correct: bool) -> dict:
    return {"by": by, "correct": correct}


@pytest.mark.parametrize(
    ("attempts", "closed"),
    [
        ([attempt("ann", True)], True),  # took it
        ([attempt("bob", False), attempt("ann", False)], True),  # the second attempt
        ([attempt("ann", False)], False),  # wrong alone: the clock closed it later
        ([attempt("ann", False), attempt("bob", True)], False),  # someone else closed it
        ([], False),
    ],
)
def test_only_the_attempt_that_closed_the_question_is_timed(attempts, closed):
    assert closed_by({"type": "reveal", "attempts": attempts}, "ann") is closed


def test_latencies_reach_the_store_by_hour_and_bucket(tmp_path):
    async def scenario() -> None:
        store = SQLiteStore(tmp_path / "k.db")
        await store.open()
        now = [HOUR * 3600.0]
        latency = RevealLatency(store, clock=lambda: now[0])
        latency.seen(0.0031)
        latency.seen(0.0042)
        now[0] += 3600
        latency.seen(0.060)

        await latency.close()

        since = HOUR * 3600.0
        assert await store.reveal_latencies_between(since, since + 3600) == {2: 2}
        assert await store.reveal_latencies_between(since, since + 7200) == {2: 2, 50: 1}
        await store.close()

    asyncio.run(scenario())


def test_a_game_process_stores_the_latency_of_each_answer_that_closed_a_question(fresh_server):
    async def scenario() -> None:
        ann, bob = await player(fresh_server, "Ann"), await player(fresh_server, "Bob")
        battle = await pair(ann, bob)
        question = await ann.expect("question")
        answer = BANK[question["text"]].answer
        await ann.send({"type": "answer", "battle": battle, "index": 0, "text": answer})
        await ann.expect("reveal")
        ann.close()
        bob.close()

    run(scenario())
    stop_server(fresh_server)  # shutting down stores what was counted

    async def counted() -> int:
        store = SQLiteStore(fresh_server.var_dir / "kwissle.db")
        await store.open()
        latencies = await store.reveal_latencies_between(0, 4e9)
        await store.close()
        return sum(latencies.values())

    assert asyncio.run(counted()) == 1
