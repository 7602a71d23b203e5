"""A thousand players connecting at once, then leaving at once, through real SockJS websockets,
against one real game process on the Redis bus (a redis-server of this test's own)."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import redis

from sockets.auth import Identity, issue_token
from tests.conftest import start_server, stop_server
from tests.redis_server import redis_server
from tests.sockjs_client import Closed, SockJSClient

PLAYERS = 1000


async def welcomed(base_url: str, token: str) -> SockJSClient | str:
    """An open connection that said hello and got its welcome, or what went wrong instead."""
    try:
        client = await SockJSClient(base_url).connect()
        await client.send({"type": "hello", "token": token})
        await client.expect("welcome", timeout=120)
        return client
    except (Closed, TimeoutError, OSError) as error:
        return repr(error)


def presence_left(client: redis.Redis) -> list[str]:
    return [str(key) for key in client.scan_iter("kwissle:presence:*", count=1000)]


def test_a_thousand_players_arriving_and_leaving_at_once_are_all_welcomed_and_leave_no_trace(
    tmp_path: Path,
) -> None:
    (tmp_path / "redis").mkdir()
    with redis_server(tmp_path / "redis") as url:
        env = {"KWISSLE_REDIS_URL": url, "KWISSLE_MAX_CONNECTIONS_PER_ADDRESS": str(PLAYERS * 2)}
        server = start_server(tmp_path / "var", extra_env=env, log_name="burst.log")
        try:
            secret = (server.var_dir / "cookie_secret").read_text().strip()
            run = uuid.uuid4().hex[:8]
            tokens = [
                issue_token(secret, Identity(f"burst-{run}-{n}", f"Player {n}"))
                for n in range(PLAYERS)
            ]

            async def arrive_and_leave() -> list[SockJSClient | str]:
                outcomes = await asyncio.gather(*(welcomed(server.base_url, t) for t in tokens))
                for outcome in outcomes:
                    if isinstance(outcome, SockJSClient):
                        outcome.close()
                return outcomes

            outcomes = asyncio.run(asyncio.wait_for(arrive_and_leave(), 300))

            failures = [o for o in outcomes if isinstance(o, str)]
            assert not failures, f"{len(failures)} not welcomed, e.g. {failures[:3]}"
            client = redis.Redis.from_url(url, decode_responses=True)
            deadline = time.monotonic() + 60
            while presence_left(client) and time.monotonic() < deadline:
                time.sleep(0.1)  # polling Redis until every leaving is counted
            assert presence_left(client) == []
        finally:
            stop_server(server)
        log = server.log()
        assert "Traceback" not in log and "failed" not in log, log[-3000:]
