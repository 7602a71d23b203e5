"""GET /health: the game process's battles, connections, loop lag and bus state, unauthenticated;
503 while Redis cannot be reached, 200 again once it is back by itself."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.accounts.client import AppTestCase
from tests.conftest import start_server, stop_server
from tests.redis_server import restartable_redis
from tests.sockets.test_battle_over_socket import pair, player, run


class HealthOnTheInProcessBus(AppTestCase):
    def test_health_answers_without_a_session_and_samples_the_loop(self) -> None:
        response = self.fetch("/health")

        assert response.code == 200
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.headers["Cache-Control"] == "no-store"
        body = json.loads(response.body)
        assert body == {"battles": 0, "connections": 0, "loop_lag_ms": None, "bus": "local"}
        deadline = time.monotonic() + 10
        while json.loads(self.fetch("/health").body)["loop_lag_ms"] is None:
            assert time.monotonic() < deadline, "the loop was never sampled"
            self.io_loop.run_sync(lambda: asyncio.sleep(0.1))  # the sampler runs on this loop
        assert json.loads(self.fetch("/health").body)["loop_lag_ms"] >= 0


def get_json(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def health(base_url: str) -> tuple[int, dict[str, Any]]:
    return get_json(base_url + "/health")


def until_health(base_url: str, status: int, bus: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while True:
        code, body = health(base_url)
        if (code, body["bus"]) == (status, bus):
            return body
        assert time.monotonic() < deadline, (code, body)
        time.sleep(0.05)  # polling the endpoint for the state the heartbeat sets


def test_health_follows_redis_away_and_back_and_pairing_is_refused_meanwhile(
    tmp_path: Path,
) -> None:
    (tmp_path / "redis").mkdir()
    with restartable_redis(tmp_path / "redis") as redis:
        server = start_server(tmp_path / "var", extra_env={"KWISSLE_REDIS_URL": redis.url})
        try:

            async def scenario() -> None:
                code, body = health(server.base_url)
                assert code == 200 and body["bus"] == "up"
                assert (body["battles"], body["connections"]) == (0, 0)
                ann, bob = await player(server, "Ann"), await player(server, "Bob")
                await pair(ann, bob)
                body = await asyncio.to_thread(until_health, server.base_url, 200, "up")
                assert (body["battles"], body["connections"]) == (1, 2)

                await asyncio.to_thread(redis.stop)
                body = await asyncio.to_thread(until_health, server.base_url, 503, "down")
                assert (body["battles"], body["connections"]) == (1, 2)  # the battle goes on
                assert get_json(server.base_url + "/online") == (503, {"players": None})
                cyd = await player(server, "Cyd")  # a connection is still welcomed
                await cyd.send({"type": "play", "category": None})
                assert (await cyd.expect("error"))["code"] == "unavailable"

                await asyncio.to_thread(redis.start)
                await asyncio.to_thread(until_health, server.base_url, 200, "up")
                await cyd.send({"type": "play", "category": None})
                await cyd.expect("waiting")
                for client in (ann, bob, cyd):
                    client.close()

            run(scenario())
        finally:
            stop_server(server)
        assert "Traceback" not in server.log(), server.log()
