"""The server against docs/protocol.md: every message type, error code and close the page lists
is produced by the walk below, and nothing the walk meets is missing from the page.

The walk drives real game processes through real sockets (and, for the two refusals no client
can bring about on purpose, a store failure and a restart under way, the arena in-process), and
keeps every message and close it sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from tornado.websocket import WebSocketClosedError

from bus.redis import Link, RedisPool, connect
from sockets import protocol
from sockets.arena import Arena
from tests.conftest import LiveServer, new_guest, start_server, stop_server
from tests.pipeline.live import account, signed_in
from tests.protocol_page import read_page
from tests.redis_server import redis_server
from tests.sockets.test_arena import ANN, BOB, BrokenHistoryStore, Inbox, arena_with
from tests.sockets.test_arena_custody import NOWHERE, a_battle_that_lost_its_log, arena_on
from tests.sockets.test_battle_over_socket import BANK, act, pair, player
from tests.sockjs_client import SockJSClient

PAGE = read_page()

# One frame of each client type the page lists, as an outside client would write it.
CLIENT_FRAMES = {
    "hello": {"type": "hello", "token": "a token"},
    "play": {"type": "play", "category": "music"},
    "cancel": {"type": "cancel"},
    "bot": {"type": "bot"},
    "answer": {"type": "answer", "battle": "b", "index": 0, "text": "Nile"},
    "alternatives": {"type": "alternatives", "battle": "b", "index": 0},
    "choose": {"type": "choose", "battle": "b", "index": 0, "choice": 3},
    "rematch": {"type": "rematch", "battle": "b"},
    "ping": {"type": "ping", "t": 1.5},
    "pong": {"type": "pong", "s": 1},
}


@dataclass
class Walk:
    """What the walk saw: message types, error codes and closes."""

    types: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    closes: set[int] = field(default_factory=set)

    def saw(self, messages: list[dict[str, Any]], closes: list[int] | None = None) -> None:
        self.types |= {m["type"] for m in messages}
        self.codes |= {m["code"] for m in messages if m["type"] == "error"}
        self.closes |= set(closes or ())


async def refused(client: SockJSClient, code: str) -> None:
    """The next error `client` gets is `code`."""
    error = await client.expect("error")
    assert error["code"] == code, error


async def refusals_and_sign_in(server: LiveServer) -> list[SockJSClient]:
    """Frames that do not fit, a command before hello, a bad hello and a second one."""
    ann = await SockJSClient(server.base_url).connect()
    for frame, code in [
        ("{not json", "bad_json"),
        ('{"type":"dance"}', "unknown_type"),
        ('{"type":"ping","t":"now"}', "bad_message"),
        ('{"type":"cancel"}', "not_authenticated"),
        ('{"type":"hello","token":"forged"}', "bad_token"),
    ]:
        await ann.send_raw(frame)
        await refused(ann, code)
    signed = await player(server, "Ann")
    await signed.send({"type": "hello", "token": signed.token})
    await refused(signed, "already_authenticated")
    await signed.send({"type": "ping", "t": 2})
    await signed.expect("pong")
    return [ann, signed]


async def a_whole_battle(server: LiveServer) -> list[SockJSClient]:
    """Pool, battle, every kind of refused attempt, a late answer, leaving and coming back, the
    result, a rematch and the opponent leaving."""
    ann, bob, eve = [await player(server, name) for name in ("Ann", "Bob", "Eve")]
    for frame, code in [
        ({"type": "bot"}, "not_waiting"),
        ({"type": "rematch", "battle": "0" * 32}, "not_in_battle"),
        ({"type": "play", "category": "sport"}, "no_questions"),  # none in the fixtures
    ]:
        await eve.send(frame)
        await refused(eve, code)
    battle = await pair(ann, bob, "geography")  # Cyd waits alone for history meanwhile
    await ann.send({"type": "play", "category": None})
    await refused(ann, "in_battle")
    await eve.send({"type": "answer", "battle": battle, "index": 0, "text": "x"})
    await refused(eve, "wrong_battle")
    first, first_b = await ann.expect("question"), await bob.expect("question")
    await ann.send({"type": "answer", "battle": battle, "index": 5, "text": "x"})
    await refused(ann, "future")
    await ann.send({"type": "alternatives", "battle": battle, "index": 0})
    choices = (await ann.expect("alternatives"))["choices"]
    await ann.send({"type": "answer", "battle": battle, "index": 0, "text": "x"})
    await refused(ann, "choose_first")
    await bob.send({"type": "choose", "battle": battle, "index": 0, "choice": 0})
    await refused(bob, "no_alternatives")
    await act(bob, battle, first_b, "wrong")
    await ann.expect("attempt")
    right = choices.index(BANK[first["text"]].answer)
    await ann.send({"type": "choose", "battle": battle, "index": 0, "choice": right})
    second, second_b = await ann.expect("question"), await bob.expect("question")
    await act(ann, battle, second, "right")
    await bob.expect("reveal")
    await act(bob, battle, second_b, "right")  # taken a moment ago
    await refused(bob, "late")
    await ann.expect("late")
    third = await ann.expect("question")
    await act(ann, battle, third, "wrong")
    await act(ann, battle, third, "wrong")
    await refused(ann, "already_answered")
    bob.close()
    await ann.expect("away")
    again = await SockJSClient(server.base_url).connect()
    await again.send({"type": "hello", "token": bob.token})
    snapshot = await again.expect("snapshot")
    await ann.expect("back")
    await act(again, battle, snapshot["question"], "right")
    while (message := await ann.expect_any(("question", "result"), 30))["type"] == "question":
        await act(ann, battle, message, "right")
    await ann.send({"type": "rematch", "battle": battle})
    await again.expect("rematch")
    again.close()
    await ann.expect("left")
    await ann.send({"type": "rematch", "battle": battle})
    await refused(ann, "rematch_closed")
    return [ann, bob, eve, again]


async def waiting_alone(server: LiveServer) -> list[SockJSClient]:
    cyd = await player(server, "Cyd")
    await cyd.send({"type": "play", "category": "history"})
    await cyd.expect("bot_offer")
    await cyd.send({"type": "cancel"})
    return [cyd]


async def closes(server: LiveServer) -> list[SockJSClient]:
    """A connection that never says hello, one that floods, one that sends too much, and one
    whose sign-in session ends."""
    silent = await SockJSClient(server.base_url).connect()
    flooder, big = await player(server, "Flo"), await player(server, "Big")
    with contextlib.suppress(WebSocketClosedError):  # closed part way, as it should be
        for _ in range(60):
            await flooder.send({"type": "ping", "t": 0})
    await big.send_raw("x" * (protocol.MAX_FRAME_BYTES + 1))
    secret = (server.var_dir / "cookie_secret").read_text().strip()
    browser = signed_in(server.var_dir, secret, account(f"a-{uuid.uuid4().hex}", nickname="Wal"))
    _, page = await asyncio.to_thread(browser.get, server.base_url + "/")
    found = re.search(r'data-token="([^"]+)"', page)
    assert found, page
    walker = await SockJSClient(server.base_url).connect()
    await walker.send({"type": "hello", "token": found.group(1)})
    await walker.expect("welcome")
    await asyncio.to_thread(browser.post, server.base_url + "/signout")
    for client in (silent, flooder, big, walker):
        await client.wait_closed(timeout=20)
    return [silent, flooder, big, walker]


async def an_attach_redis_refuses(folder: Path) -> list[SockJSClient]:
    """1013: Redis answers but refuses every write (out of memory), so the game process cannot
    register the connection with the others and closes it for the client to try again."""
    (folder / "redis").mkdir()
    with redis_server(folder / "redis") as url:
        env = {"KWISSLE_REDIS_URL": url}
        server = await asyncio.to_thread(start_server, folder / "var", extra_env=env)
        try:
            client = connect(url)
            await client.config_set("maxmemory", "1")
            await client.aclose()
            guest = await asyncio.to_thread(new_guest, server.base_url, "Oom")
            refused = await SockJSClient(server.base_url).connect()
            await refused.send({"type": "hello", "token": guest.token})
            await refused.wait_closed(timeout=20)
        finally:
            await asyncio.to_thread(stop_server, server)
    return [refused]


async def a_restart(var_dir: Path) -> list[SockJSClient]:
    server = await asyncio.to_thread(start_server, var_dir)
    dan = await player(server, "Dan")
    await asyncio.to_thread(stop_server, server)
    await dan.wait_closed()
    return [dan]


async def refusals_no_client_can_cause(tmp_path: Path) -> list[dict[str, Any]]:
    """`not_started` (the store fails as a battle starts) and `closing` (play while the arena
    is shutting down), from an arena in this process."""
    store = BrokenHistoryStore(tmp_path / "broken.db")
    arena, ann, bob = await arena_with(store)
    try:
        seen = await both_play(arena, ann, bob)
        await arena.close()
        await arena.handle(ANN, protocol.Play(None))
        seen.append(await ann.expect("error"))
        return seen
    finally:
        await store.close()


async def faults_of_redis(folders: tuple[Path, Path], redis_url: str) -> list[dict[str, Any]]:
    """`unavailable` (play while Redis cannot be reached) and `battle_lost` (a battle whose
    process stopped is claimed, and its log is gone), from arenas in this process."""
    seen: list[dict[str, Any]] = []
    unreachable = connect(NOWHERE)
    arena, store, ann, _ = await arena_on(folders[0], pool=RedisPool(Link(unreachable)))
    await arena.handle(ANN, protocol.Play(None))
    seen.append(await ann.expect("error"))
    await arena.close()
    await store.close()
    await unreachable.aclose()
    client = connect(redis_url)
    custody = await a_battle_that_lost_its_log(client)
    arena, store, ann, _ = await arena_on(folders[1], custody=custody)
    await arena.keep()
    seen.append(await ann.expect("error"))
    await arena.close()
    await store.close()
    await client.aclose()
    return seen


async def both_play(arena: Arena, ann: Inbox, bob: Inbox) -> list[dict[str, Any]]:
    await arena.handle(ANN, protocol.Play(None))
    await arena.handle(BOB, protocol.Play(None))
    return [await ann.expect("error"), await bob.expect("error")]


@pytest.fixture(scope="module")
def walk(
    live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> Iterator[Walk]:
    async def everything() -> Walk:
        seen = Walk()
        groups = await asyncio.gather(
            refusals_and_sign_in(live_server),
            a_whole_battle(live_server),
            waiting_alone(live_server),
            closes(live_server),
            a_restart(tmp_path_factory.mktemp("restart")),
            an_attach_redis_refuses(tmp_path_factory.mktemp("refused")),
        )
        for client in (c for group in groups for c in group):
            seen.saw(client.received, client.server_closes)
            client.close()
        seen.saw(await refusals_no_client_can_cause(tmp_path_factory.mktemp("arena")))
        folders = (tmp_path_factory.mktemp("unreachable"), tmp_path_factory.mktemp("lost"))
        seen.saw(await faults_of_redis(folders, redis_url))
        return seen

    yield asyncio.run(asyncio.wait_for(everything(), 120))


@pytest.mark.parametrize("kind", PAGE.client_types)
def test_every_client_message_on_the_page_is_read_by_the_server(kind):
    command = protocol.parse(json.dumps(CLIENT_FRAMES[kind]))

    assert not isinstance(command, protocol.Unexpected), command


def test_the_page_lists_every_client_message_the_server_reads():
    assert set(CLIENT_FRAMES) == set(PAGE.client_types)


@pytest.mark.parametrize("kind", PAGE.server_types)
def test_every_server_message_on_the_page_is_sent(walk, kind):
    assert kind in walk.types


@pytest.mark.parametrize("code", PAGE.error_codes)
def test_every_error_code_on_the_page_is_produced(walk, code):
    assert code in walk.codes


@pytest.mark.parametrize("code", PAGE.close_codes)
def test_every_close_on_the_page_happens(walk, code):
    assert code in walk.closes


def test_nothing_the_server_sent_is_missing_from_the_page(walk):
    assert walk.types <= set(PAGE.server_types)
    assert walk.codes <= set(PAGE.error_codes)
    assert walk.closes <= set(PAGE.close_codes)
