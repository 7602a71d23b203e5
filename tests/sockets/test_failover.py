"""A game process may die; the battle may not: three real game processes on a real redis-server.

The owner of a battle is killed (-9), frozen (SIGSTOP) or stopped (SIGTERM); another process takes
the battle over from its log in Redis and both players play it to the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from tornado.websocket import WebSocketClosedError

from tests.conftest import FAST_TIMING, LiveServer, start_server, stop_server
from tests.redis_server import redis_server
from tests.sockets.test_battle_over_socket import act, pair, player, run, stored
from tests.sockjs_client import Closed, SockJSClient

# A seat is held long enough for a player whose process died to come back on another.
TIMING = FAST_TIMING.replace("seat_hold=2", "seat_hold=15")
TAKEOVER_SECONDS = 20  # a lease (3 s), a keep (1 s) and a loaded machine
LIVE_BATTLES = 50  # played while every process is restarted in turn


class Cluster:
    def __init__(self, var_dir: Path, redis_url: str) -> None:
        self.var_dir = var_dir
        self.redis_url = redis_url
        self.servers: list[LiveServer] = []
        self.stopped: list[LiveServer] = []
        self.stopping: LiveServer | None = None

    def start(self) -> LiveServer:
        server = start_server(
            self.var_dir,
            timing=TIMING,
            extra_env={"KWISSLE_REDIS_URL": self.redis_url},
            log_name=f"game-{len(self.servers) + len(self.stopped) + 1}.log",
        )
        self.servers.append(server)
        return server

    def retire(self, server: LiveServer) -> None:
        self.servers.remove(server)
        self.stopped.append(server)

    def alive(self) -> LiveServer:
        """The newest process that is not being stopped."""
        return next(s for s in reversed(self.servers) if s is not self.stopping)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """Three game processes on one SQLite file and a redis-server of this test's own."""
    (tmp_path / "redis").mkdir()
    with redis_server(tmp_path / "redis") as url:
        cluster = Cluster(tmp_path / "var", url)
        for _ in range(3):
            cluster.start()
        yield cluster
        for server in cluster.servers:
            stop_server(server)
        for server in cluster.servers + cluster.stopped:
            assert "Traceback" not in server.log(), server.log()


def last_seq(client: SockJSClient, battle: str) -> int:
    return max(m["seq"] for m in client.received if m.get("battle") == battle and "seq" in m)


async def resume(server: LiveServer, gone: SockJSClient, battle: str) -> SockJSClient:
    """The player of `gone` reconnects to `server` (through nginx, again while it answers 502),
    naming the last message of `battle` seen."""
    client = await SockJSClient(server.base_url).connect_again_until(TAKEOVER_SECONDS)
    client.user_id = gone.user_id  # type: ignore[attr-defined]
    client.token = gone.token  # type: ignore[attr-defined]
    seq = last_seq(gone, battle)
    await client.send({"type": "hello", "token": gone.token, "battle": battle, "seq": seq})
    await client.expect("welcome")
    return client


def plan(index: int) -> tuple[str, str]:
    """Ann takes the even questions, Bob the odd ones."""
    return ("right", "skip") if index % 2 == 0 else ("skip", "right")


async def play_question(
    ann: SockJSClient, bob: SockJSClient, battle: str, question: dict[str, Any]
) -> dict[str, Any]:
    """Both act on `question` by plan; returns Ann's reveal."""
    how_ann, how_bob = plan(question["index"])
    for client, how in ((ann, how_ann), (bob, how_bob)):
        if how != "skip":
            await act(client, battle, question, how)
    reveal = await ann.expect("reveal", timeout=TAKEOVER_SECONDS)
    assert reveal["index"] == question["index"]
    await bob.expect("reveal", timeout=TAKEOVER_SECONDS)
    return reveal


async def play_to_the_end(
    ann: SockJSClient, bob: SockJSClient, battle: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    while True:
        message = await ann.expect_any(("question", "result"), timeout=TAKEOVER_SECONDS)
        if message["type"] == "result":
            return message, await bob.expect("result", timeout=TAKEOVER_SECONDS)
        await bob.expect("question", timeout=TAKEOVER_SECONDS)
        await play_question(ann, bob, battle, message)


def owner_of(cluster: Cluster, battle: str) -> LiveServer:
    """The process holding the battle's lease, found by the id each process logs at start."""
    client = redis.Redis.from_url(cluster.redis_url, decode_responses=True)
    try:
        owner = client.get(f"kwissle:lease:{battle}")
    finally:
        client.close()
    assert owner is not None
    return next(s for s in cluster.servers if f"custody of process {owner}" in s.log())


def test_a_battle_whose_owner_is_killed_at_question_six_finishes_on_another(cluster):
    one, two, three = cluster.servers

    battle_taken: list[str] = []

    async def scenario() -> None:
        ann, bob = await player(one, "Ann"), await player(two, "Bob")
        battle = await pair(ann, bob)  # Bob's play, the second, makes process 2 the owner
        battle_taken.append(battle)
        assert owner_of(cluster, battle) is two
        for _ in range(5):
            question = await ann.expect("question")
            await bob.expect("question")
            await play_question(ann, bob, battle, question)
        sixth = await ann.expect("question")
        await bob.expect("question")
        assert sixth["index"] == 5

        two.process.kill()  # -9: no goodbye, no handover
        two.process.wait(10)
        cluster.retire(two)
        closed = await bob.wait_closed()
        assert closed.code != 1000
        bob = await resume(three, bob, battle)

        told_ann = await ann.expect("snapshot", timeout=TAKEOVER_SECONDS)
        told_bob = await bob.expect("snapshot", timeout=TAKEOVER_SECONDS)
        for told in (told_ann, told_bob):
            assert told["battle"] == battle and told["phase"] == "question"
            assert told["index"] == 5 and told["question"]["remaining_ms"] > 0
            assert told["scores"] == {ann.user_id: 9, bob.user_id: 6}
        await play_question(ann, bob, battle, told_ann["question"])
        result_ann, result_bob = await play_to_the_end(ann, bob, battle)

        assert result_ann["outcome"] == "finished" and result_ann == result_bob
        assert result_ann["scores"] == {ann.user_id: 15, bob.user_id: 15}  # 5 typed right each
        record = await stored(one, battle)
        assert record.outcome.value == "finished" and len(record.questions) == 10
        assert {p.user_id: p.score for p in record.players} == result_ann["scores"]
        assert [q.taken_by for q in record.questions] == [
            ann.user_id if i % 2 == 0 else bob.user_id for i in range(10)
        ]
        ann.close()
        bob.close()

    run(scenario())
    assert f"taking battle {battle_taken[0]} over" in one.log() + three.log()


def test_an_owner_frozen_past_its_lease_never_acts_on_the_battle_again(cluster):
    one, two, three = cluster.servers

    async def scenario() -> None:
        cyd, dan = await player(one, "Cyd"), await player(two, "Dan")
        battle = await pair(cyd, dan)  # process 2 runs it
        for client in (cyd, dan):
            await client.expect("question")

        os.kill(two.process.pid, signal.SIGSTOP)
        try:
            told = await cyd.expect("snapshot", timeout=TAKEOVER_SECONDS)
            assert told["battle"] == battle
            await act(cyd, battle, told["question"], "right")
            reveal = await cyd.expect("reveal", timeout=TAKEOVER_SECONDS)
            assert reveal["taken_by"] == cyd.user_id
        finally:
            os.kill(two.process.pid, signal.SIGCONT)
        await wait_for_log(two, f"battle {battle} is run by another process now")
        dan = await resume(three, dan, battle)  # Dan's socket stalled with its process
        result, _ = await play_to_the_end(cyd, dan, battle)

        assert result["outcome"] == "finished"
        questions = [m["index"] for m in cyd.received if m["type"] == "question"]
        assert questions == sorted(set(questions)), "a question was sent twice"
        # A snapshot repeats the latest seq; every event after it has a new one.
        seqs = [
            m["seq"] for m in cyd.received if m.get("battle") == battle and m["type"] != "snapshot"
        ]
        assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)), "two owners spoke"
        for client in (cyd, dan):
            client.close()

    run(scenario())


async def wait_for_log(server: LiveServer, text: str, timeout: float = TAKEOVER_SECONDS) -> None:
    async with asyncio.timeout(timeout):
        while text not in server.log():
            await asyncio.sleep(0.05)  # polling the process's log for the line


def test_stopping_every_process_in_turn_hands_live_battles_over_and_loses_none(cluster):
    async def scenario() -> None:
        first = cluster.servers[:]
        battles: list[tuple[SockJSClient, SockJSClient, str]] = []
        for n in range(LIVE_BATTLES):  # battle n runs on process n % 3 + 1, its second player's
            a = await player(first[(n + 2) % 3], f"A{n}")
            b = await player(first[n % 3], f"B{n}")
            battles.append((a, b, await pair(a, b)))
        answering = asyncio.Event()  # nobody answers until every process has been stopped
        seats = [
            asyncio.ensure_future(keep_playing(cluster, client, battle, role, answering))
            for a, b, battle in battles
            for role, client in enumerate((a, b))
        ]
        for server in first:
            assert not any(seat.done() for seat in seats), "a battle ended before the restart"
            cluster.stopping = server
            server.process.send_signal(signal.SIGTERM)
            await asyncio.to_thread(server.process.wait, 30)
            assert server.process.returncode == 0, server.log()
            handed = re.search(r"handed (\d+) battles over", server.log())
            assert handed is not None and int(handed[1]) >= 1, server.log()
            cluster.retire(server)
            await asyncio.to_thread(cluster.start)
        answering.set()
        results = await asyncio.gather(*seats)

        for n, (_, _, battle) in enumerate(battles):
            result = results[2 * n]
            assert result["outcome"] == "finished" and results[2 * n + 1] == result, result
            record = await stored(cluster.servers[0], battle)
            assert record.outcome.value == "finished"
            assert {p.user_id: p.score for p in record.players} == result["scores"]
            assert sum(result["scores"].values()) > 0

    run(scenario())


async def keep_playing(
    cluster: Cluster, client: SockJSClient, battle: str, role: int, answering: asyncio.Event
) -> dict[str, Any]:
    """One player: plays by plan once `answering` is set, and whenever their process stops,
    reconnects to one that is not stopping, naming the last message seen."""
    while True:
        try:
            message = await client.expect_any(("question", "snapshot", "result"), timeout=90)
        except Closed:
            client = await resume(cluster.alive(), client, battle)
            continue
        if message["type"] == "result":
            return message
        question = message if message["type"] == "question" else message["question"]
        if question is None:
            continue
        await answering.wait()
        how = plan(question["index"])[role]
        if how != "skip" and client.closed is None:
            with contextlib.suppress(WebSocketClosedError):
                await act(client, battle, question, how)


def test_after_a_takeover_finish_your_battle_first_and_the_rematch_hold_on_every_process(cluster):
    one, two, three = cluster.servers

    async def scenario() -> None:
        ann, bob = await player(one, "Ann"), await player(two, "Bob")
        battle = await pair(ann, bob)  # process 2 runs it
        for client in (ann, bob):
            await client.expect("question")
        two.process.kill()
        two.process.wait(10)
        cluster.retire(two)
        await bob.wait_closed()
        bob = await resume(three, bob, battle)
        for client in (ann, bob):
            await client.expect("snapshot", timeout=TAKEOVER_SECONDS)

        ann_elsewhere = await resume(three, ann, battle)  # a second tab, on another process
        await ann_elsewhere.send({"type": "play", "category": None})
        refused = await ann_elsewhere.expect("error")
        assert refused["code"] == "in_battle", refused

        result, _ = await play_to_the_end(ann, bob, battle)
        assert result["outcome"] == "finished"
        await ann.send({"type": "rematch", "battle": battle})
        assert (await bob.expect("rematch"))["by"] == ann.user_id
        await bob.send({"type": "rematch", "battle": battle})
        again_ann, again_bob = await ann.expect("battle"), await bob.expect("battle")
        assert again_ann["battle"] == again_bob["battle"] != battle
        for client in (ann, bob, ann_elsewhere):
            client.close()

    run(scenario())
