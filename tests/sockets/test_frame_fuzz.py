"""The frame parser fuzzed through a real game process (hypothesis): whatever a client sends, as a
game frame or as the SockJS frame around it, gets answers docs/protocol.md lists or a close it
lists, and never an exception in the server's log."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections.abc import Awaitable, Iterator
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tornado.websocket import WebSocketClosedError

from tests.conftest import LiveServer, start_server, stop_server
from tests.protocol_page import read_page
from tests.sockets.test_battle_over_socket import player
from tests.sockjs_client import Closed, SockJSClient

T = TypeVar("T")
PAGE = read_page()
FIELDS = ["type", "token", "category", "battle", "index", "text", "choice", "t", "s"]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
# Game frames: any text, any JSON, and objects of every client type with fields of any kind.
GAME_FRAMES = st.one_of(
    st.text(max_size=200),
    JSON_VALUES.map(json.dumps),
    st.fixed_dictionaries(
        {"type": st.sampled_from(PAGE.client_types)},
        optional={
            name: JSON_VALUES | st.sampled_from(["music", "b", "", 0, 3, 99]) for name in FIELDS[1:]
        },
    ).map(json.dumps),
    st.integers(2_000, 3_000).map(lambda size: json.dumps({"type": "answer", "text": "x" * size})),
)
# What goes on the websocket itself: a SockJS array of game frames, or anything at all.
SOCKJS_FRAMES = st.one_of(
    st.lists(GAME_FRAMES, min_size=1, max_size=3).map(json.dumps),
    st.text(min_size=1, max_size=100),
    JSON_VALUES.map(json.dumps),
)


class Prober:
    """One player's connection to the server, driven from hypothesis's thread through an event
    loop of its own; a new one after each documented close."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._pings = itertools.count(1)
        self.client: SockJSClient | None = None

    def run(self, coroutine: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(60)

    async def probe(self, websocket_message: str) -> None:
        """Send one websocket message, then wait for the answer to a ping sent after it, or a
        close; check everything received meanwhile."""
        if self.client is None or self.client.closed is not None:
            self.client = await player(self.server, "Fuzz")
        client = self.client
        t = next(self._pings)
        try:
            await client._ws.write_message(websocket_message)
            await client.send({"type": "ping", "t": t})
        except WebSocketClosedError:
            pass  # closed by the server: the close frame says why
        async with asyncio.timeout(20):
            while True:
                message = await client.inbox.get()
                if isinstance(message, Closed) or (message["type"], message.get("t")) == (
                    "pong",
                    t,
                ):
                    break
        check(client)

    def close(self) -> None:
        if self.client is not None:
            self.run(self._close_client(self.client))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    @staticmethod
    async def _close_client(client: SockJSClient) -> None:
        client.close()  # on the loop that owns its socket


def check(client: SockJSClient) -> None:
    for message in client.received:
        assert message["type"] in PAGE.server_types, message
        assert message["type"] != "error" or message["code"] in PAGE.error_codes, message
    if client.closed is not None:
        assert client.server_closes, "closed without a close frame"
        assert set(client.server_closes) <= set(PAGE.close_codes), client.server_closes


@pytest.fixture(scope="module")
def prober(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prober]:
    server = start_server(tmp_path_factory.mktemp("fuzz"))
    prober = Prober(server)
    yield prober
    prober.close()
    stop_server(server)
    assert "Traceback" not in server.log() and "ERROR" not in server.log(), server.log()


@settings(max_examples=150, deadline=None)
@given(frame=GAME_FRAMES)
def test_any_game_frame_gets_a_documented_answer_or_close(prober, frame: str):
    prober.run(prober.probe(json.dumps([frame])))


@settings(max_examples=100, deadline=None)
@given(message=SOCKJS_FRAMES)
def test_any_websocket_message_gets_a_documented_answer_or_close(prober, message: str):
    prober.run(prober.probe(message))
