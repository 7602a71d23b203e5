"""The garbage collector in a game process (sockets/collector.py): it looks only at young
objects, so whatever a battle or a connection keeps must be freed by reference counting alone.

The leak test runs a real game channel (Tornado, sockjs-tornado, the arena, a real SQLite store)
in this process and plays a battle over real websockets with the cyclic collector off: what is
left in a reference cycle afterwards would never be freed once frozen.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tornado.web
from sockjs.tornado import SockJSRouter

from bus.local import LocalPool, LocalRelay, LocalRouter
from game.battle_state import Timing
from game.questions import Question
from handlers.application import SOCKET_PATH, SOCKJS_SETTINGS
from sockets.arena import Arena, ArenaConfig
from sockets.auth import Identity, issue_token
from sockets.collector import PauseLog, freeze_settled
from sockets.connection import ChannelDeps, GameConnection, OpenConnections, connection_class
from sockets.latency import RevealLatency
from sockets.transports import Gate, channel_routes
from store.sqlite import SQLiteStore
from tests.conftest import FIXTURE_QUESTIONS, free_port
from tests.sockjs_client import SockJSClient

SECRET = "collector-test-secret"
FAST = Timing(countdown=0.05, question=0.1, reveal=0.05, seat_hold=0.3, rematch=0.2)
# Kinds of objects a battle or a connection of the game channel is made of.
OURS = ("sockets.", "game.", "bus.", "sockjs.")


async def until(condition: Callable[[], bool], what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"still waiting: {what}"
        await asyncio.sleep(0.02)


@contextmanager
def collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def cyclic_garbage_of_ours() -> list[str]:
    """Objects of the game channel that only the cyclic collector could free."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        found = [type(o) for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    named = [f"{kind.__module__}.{kind.__qualname__}" for kind in found]
    timers = [name for name in named if name.startswith("asyncio.events.")]  # loop handles
    return sorted({name for name in named if name.startswith(OURS)} | set(timers))


async def game_channel(folder: Path) -> tuple[Arena, SQLiteStore, OpenConnections, Any, str]:
    store = SQLiteStore(folder / "k.db")
    await store.open()
    for line in FIXTURE_QUESTIONS.open():
        await store.upsert_question(Question.from_dict(json.loads(line)))
    relay = LocalRelay()
    arena = Arena(
        store=store,
        pool=LocalPool(),
        relay=relay,
        router=LocalRouter(),
        config=ArenaConfig(timing=FAST, questions_per_battle=2),
    )
    connections = OpenConnections()

    async def no_session(session: str, now: float) -> str | None:
        return None  # guests only: their tokens name no sign-in session

    deps = ChannelDeps(arena, relay, SECRET, no_session, connections, RevealLatency(store))
    router = SockJSRouter(connection_class(deps), SOCKET_PATH, SOCKJS_SETTINGS)
    gate = Gate(frozenset(), connections, max_per_address=100)
    port = free_port()
    server = tornado.web.Application(channel_routes(router, gate)).listen(port, "127.0.0.1")
    return arena, store, connections, server, f"http://127.0.0.1:{port}"


async def signed_in(base_url: str, who: Identity) -> SockJSClient:
    client = await SockJSClient(base_url).connect()
    await client.send({"type": "hello", "token": issue_token(SECRET, who)})
    await client.expect("welcome")
    return client


def test_a_battle_and_its_connections_leave_nothing_in_a_reference_cycle(tmp_path):
    ann, bob = Identity("g-ann", "Ann"), Identity("g-bob", "Bob")

    async def scenario() -> list[str]:
        arena, store, connections, server, base_url = await game_channel(tmp_path)
        clients = [await signed_in(base_url, who) for who in (ann, bob)]
        live = [weakref.ref(o) for o in gc.get_objects() if isinstance(o, GameConnection)]
        await clients[0].send({"type": "play", "category": None})
        await clients[0].expect("waiting")
        await clients[1].send({"type": "play", "category": None})
        battle = (await clients[0].expect("battle"))["battle"]
        question = await clients[0].expect("question")
        await clients[0].send(
            {"type": "answer", "battle": battle, "index": question["index"], "text": "wrong"}
        )
        await clients[0].expect("result")  # the rest closes by deadlines
        for client in clients:
            client.close()
        await until(lambda: connections.count("127.0.0.1") == 0, "connections closed")
        await until(lambda: arena.running_battles == 0, "the battle forgotten")
        await until(lambda: all(ref() is None for ref in live), "connections freed")
        server.stop()
        await arena.close()
        await store.close()
        return cyclic_garbage_of_ours()

    with collector_off():
        left = asyncio.run(scenario())

    assert len(left) == 0, left


def test_freeze_settled_frees_dead_cycles_and_freezes_living_objects():
    class Node:
        def __init__(self) -> None:
            self.me = self  # a reference cycle: only the cyclic collector frees it

    dead, living = Node(), Node()
    gone = weakref.ref(dead)
    del dead
    frozen_before = gc.get_freeze_count()
    try:
        freeze_settled()

        assert gone() is None
        assert gc.get_freeze_count() > frozen_before
        assert not any(o is living for o in gc.get_objects())  # in no generation: frozen
    finally:
        gc.unfreeze()


def test_the_pause_log_writes_one_line_per_collection(tmp_path):
    path = tmp_path / "pauses"
    log = PauseLog(path)
    try:
        gc.collect()
    finally:
        log.close()

    at, generation, pause_ms, cpu_ms, collected = path.read_text().splitlines()[-1].split()
    assert abs(float(at) - time.time()) < 60
    assert int(generation) == 2
    assert float(pause_ms) >= 0 and float(cpu_ms) >= 0 and int(collected) >= 0
