"""Two game processes on one Redis and one SQLite file: players meet and play across them."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator

import pytest
import redis

from tests.conftest import LiveServer, start_server, stop_server
from tests.pipeline.live import account, signed_in
from tests.sockets.test_battle_over_socket import (
    act,
    pair,
    play_battle,
    play_mixed_battle,
    player,
    run,
    stored,
)
from tests.sockjs_client import SockJSClient


@pytest.fixture(scope="module")
def processes(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Game processes 1 and 2: the same KWISSLE_VAR (so one SQLite file) and one redis-server."""
    var_dir = tmp_path_factory.mktemp("shared-var")
    env = {"KWISSLE_REDIS_URL": redis_url}
    one = start_server(var_dir, extra_env=env, log_name="game-1.log")
    two = start_server(var_dir, extra_env=env, log_name="game-2.log")
    yield one, two
    for server in (one, two):
        stop_server(server)
        assert "Traceback" not in server.log(), server.log()
        assert server.process.returncode == 0, server.log()


def test_players_on_two_processes_pair_and_play_a_whole_battle(processes):
    one, two = processes

    async def scenario() -> None:
        ann, bob = await player(one, "Ann"), await player(two, "Bob")
        battle = await pair(ann, bob)  # Bob's play, the second, makes process 2 the owner

        await play_mixed_battle(ann, bob, battle, one)

        ann.close()
        bob.close()

    run(scenario())


def test_a_player_who_reconnects_to_the_other_process_gets_the_snapshot_and_plays_on(processes):
    one, two = processes

    async def scenario() -> None:
        bob, ann = await player(two, "Bob"), await player(one, "Ann")
        battle = await pair(bob, ann)  # Ann's play, the second, makes process 1 the owner
        question = await ann.expect("question")
        await bob.expect("question")

        ann.close()
        assert (await bob.expect("away"))["player"] == ann.user_id
        again = await SockJSClient(two.base_url).connect()
        again.user_id = ann.user_id  # type: ignore[attr-defined]
        await again.send({"type": "hello", "token": ann.token})  # type: ignore[attr-defined]
        snapshot = await again.expect("snapshot")

        assert snapshot["battle"] == battle and snapshot["index"] == question["index"]
        assert (await bob.expect("back"))["player"] == ann.user_id
        result, _ = await play_battle(
            again, bob, battle, plan_a=lambda i: "right", plan_b=lambda i: "skip"
        )
        assert result["outcome"] == "finished" and result["winner"] == ann.user_id
        record = await stored(one, battle)
        assert {p.user_id: p.score for p in record.players} == result["scores"]
        assert result["scores"][ann.user_id] >= 3 * 9  # every question after the first
        again.close()
        bob.close()

    run(scenario())


def test_a_player_not_back_in_time_on_any_process_loses_by_forfeit(processes):
    one, two = processes

    async def scenario() -> None:
        ann, bob = await player(one, "Ann"), await player(two, "Bob")
        battle = await pair(ann, bob)  # process 2 runs it; Ann's connection is on process 1
        question = await ann.expect("question")
        await bob.expect("question")
        await act(ann, battle, question, "right")
        await bob.expect("reveal")

        ann.close()
        result = await bob.expect("result", timeout=15)

        assert result["outcome"] == "forfeit" and result["winner"] == bob.user_id
        assert (await stored(two, battle)).outcome.value == "forfeit"
        bob.close()

    run(scenario())


def test_a_command_for_a_battle_elsewhere_is_refused_at_once(processes):
    one, two = processes

    async def scenario() -> None:
        ann, bob = await player(one, "Ann"), await player(two, "Bob")
        battle = await pair(ann, bob)
        cyd = await player(one, "Cyd")

        await cyd.send({"type": "rematch", "battle": battle})
        wrong = await cyd.expect("error")
        await cyd.send({"type": "rematch", "battle": "0" * 32})
        missing = await cyd.expect("error")

        assert wrong["code"] == "wrong_battle" and missing["code"] == "not_in_battle"
        for client in (ann, bob, cyd):
            client.close()

    run(scenario())


def test_a_stopping_process_takes_its_players_out_of_the_pool_and_presence(
    tmp_path, redis_url: str
):
    server = start_server(
        tmp_path / "var", extra_env={"KWISSLE_REDIS_URL": redis_url}, log_name="stopping.log"
    )

    async def wait_in_pool() -> str:
        ann = await player(server, "Ann")
        await ann.send({"type": "play", "category": "music"})
        await ann.expect("waiting")
        return str(ann.user_id)

    user_id = run(wait_in_pool())
    stop_server(server)

    client = redis.Redis.from_url(redis_url)
    assert not client.exists(f"kwissle:presence:{user_id}")
    assert client.hget("kwissle:pool:entries", user_id) is None
    assert server.process.returncode == 0 and "Traceback" not in server.log(), server.log()


def test_signing_out_closes_the_sessions_sockets_in_every_process_and_ends_its_token(processes):
    one, two = processes
    secret = (one.var_dir / "cookie_secret").read_text().strip()
    browser = signed_in(one.var_dir, secret, account(f"a-{uuid.uuid4().hex}", nickname="Ann"))
    _, page = browser.get(one.base_url + "/")
    found = re.search(r'data-token="([^"]+)"', page)
    assert found, page
    token = found.group(1)

    async def hello(server: LiveServer) -> SockJSClient:
        client = await SockJSClient(server.base_url).connect()
        await client.send({"type": "hello", "token": token})
        await client.expect("welcome")
        return client

    async def scenario() -> None:
        here, there = await hello(one), await hello(two)
        bob = await player(two, "Bob")

        await asyncio.to_thread(browser.post, one.base_url + "/signout")

        assert (await here.wait_closed()).code == (await there.wait_closed()).code == 4010
        again = await SockJSClient(two.base_url).connect()
        await again.send({"type": "hello", "token": token})
        assert (await again.expect("error"))["code"] == "bad_token"
        await bob.send({"type": "ping", "t": 5})
        assert (await bob.expect("pong"))["t"] == 5  # another player's socket stays open
        for client in (again, bob):
            client.close()

    run(scenario())
