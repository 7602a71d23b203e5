"""The SockJS transports the game channel offers, the ones it refuses, and who may open one."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
import time
import uuid
from collections.abc import Iterator

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from tests.conftest import LiveServer, start_server, stop_server
from tests.sockets.test_battle_over_socket import player, run
from tests.sockjs_client import TRANSPORTS

FOREIGN = "http://evil.example"
CAP = 3  # KWISSLE_MAX_CONNECTIONS_PER_ADDRESS of the capped server


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_each_offered_transport_carries_the_game_channel(live_server, transport):
    async def scenario() -> None:
        ann = await player(live_server, "Ann", transport=transport)

        await ann.send({"type": "ping", "t": 42})

        assert (await ann.expect("pong"))["t"] == 42
        ann.close()

    run(scenario())


def test_what_one_turn_of_the_loop_tells_a_connection_goes_out_in_one_frame(live_server):
    async def scenario() -> None:
        ann = await player(live_server, "Ann")  # hello: the welcome, then the first ping

        messages = next(f for f in ann.raw_frames if f.startswith("a"))

        assert [json.loads(m)["type"] for m in json.loads(messages[1:])] == ["welcome", "ping"]
        ann.close()

    run(scenario())


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/socket/000/abcd/jsonp?c=cb"),
        ("POST", "/socket/000/abcd/jsonp_send?c=cb"),
        ("GET", "/socket/000/abcd/htmlfile?c=cb"),
        ("GET", "/socket/000/abcd/eventsource"),
        ("GET", "/socket/iframe.html"),  # a page with inline script, for transports not used
        ("GET", "/socket/iframe-0.3.4.html"),
        ("GET", "/socket/websocket"),  # the raw websocket, without SockJS framing
    ],
)
def test_transports_and_pages_the_game_does_not_use_are_not_served(live_server, method, path):
    async def scenario() -> None:
        body = "d=x" if method == "POST" else None
        response = await AsyncHTTPClient().fetch(
            live_server.base_url + path, method=method, body=body, raise_error=False
        )

        assert response.code == 404

    run(scenario())


def test_an_open_session_cannot_be_fed_through_jsonp_send(live_server):
    async def scenario() -> None:
        ann = await player(live_server, "Ann", transport="xhr_streaming")

        response = await AsyncHTTPClient().fetch(
            ann.base + "/jsonp_send", method="POST", body='d=["x"]', raise_error=False
        )

        assert response.code == 404
        ann.close()

    run(scenario())


async def open_session(
    server: LiveServer, transport: str, *, origin: str | None = None, address: str = "127.0.0.1"
) -> int:
    """The status answering a request that would open a new session, sent as a browser at
    `origin` from a client at `address` (as nginx passes it on) would send it."""
    base = f"{server.base_url}/socket/000/{uuid.uuid4().hex[:8]}"
    headers = {"Origin": origin or server.base_url, "X-Real-IP": address}
    if transport == "websocket":
        url = base.replace("http://", "ws://") + "/websocket"
        try:
            connection = await websocket_connect(HTTPRequest(url, headers=headers))
        except HTTPClientError as refused:
            return refused.code
        connection.close()
        return 101
    path = "/xhr" if transport == "xhr_polling" else "/xhr_streaming"
    # A stream stays open, so the status line is the answer, not the end of the response.
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    lines = [
        f"POST {base.removeprefix(server.base_url)}{path} HTTP/1.1",
        f"Host: 127.0.0.1:{server.port}",
    ]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    writer.write(("\r\n".join([*lines, "Content-Length: 0", "", ""])).encode())
    status_line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return int(status_line.split()[1])


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_foreign_origin_is_refused_before_any_session_opens(live_server, transport):
    async def scenario() -> None:
        assert await open_session(live_server, transport, origin=FOREIGN) == 403

    run(scenario())


def test_every_frame_sent_to_a_session_from_a_foreign_origin_is_dropped(live_server):
    async def scenario() -> None:
        ann = await player(live_server, "Ann", transport="xhr_streaming")

        forged = await AsyncHTTPClient().fetch(
            ann.base + "/xhr_send",
            method="POST",
            body='["{\\"type\\":\\"ping\\",\\"t\\":666}"]',
            headers={"Origin": FOREIGN},
            raise_error=False,
        )
        await ann.send({"type": "ping", "t": 1})

        assert forged.code == 403
        assert (await ann.expect("pong"))["t"] == 1  # frames are read in order: 666 never was
        ann.close()

    run(scenario())


@pytest.mark.parametrize("body", ["5", '{"type":"ping","t":1}', "not json", "[7]"])
def test_a_send_that_is_not_sockjs_framing_is_refused_like_a_bad_frame(live_server, body):
    async def scenario() -> None:
        ann = await player(live_server, "Ann", transport="xhr_streaming")

        sent = await AsyncHTTPClient().fetch(
            ann.base + "/xhr_send", method="POST", body=body, raise_error=False
        )

        assert sent.code == 204
        assert (await ann.expect("error"))["code"] == "bad_json"
        ann.close()

    run(scenario())


def reset_upgrades(port: int, count: int, prefix: str) -> None:
    """Send `count` websocket upgrades and reset every connection at once, as a browser that
    navigates away mid-handshake does."""
    sockets = []
    for number in range(count):
        sock = socket.create_connection(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(
            f"GET /socket/000/{prefix}{number}/websocket HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sockets.append(sock)
    for sock in sockets:
        sock.close()  # with SO_LINGER 0: a reset, not a goodbye


def test_no_session_outlives_a_websocket_reset_during_its_handshake(fresh_server):
    prefix = uuid.uuid4().hex[:8]

    reset_upgrades(fresh_server.port, 50, prefix)

    deadline = time.monotonic() + 30
    while fresh_server.log().count(f"101 GET /socket/000/{prefix}") < 50:
        assert time.monotonic() < deadline, fresh_server.log()
        time.sleep(0.05)  # polling the log until every upgrade has been answered
    # A session opened for a socket already gone fails its first frame here, and then its
    # heartbeat every 25 s, for ever.
    assert "Traceback" not in fresh_server.log(), fresh_server.log()


@pytest.fixture(scope="module")
def capped_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {"KWISSLE_MAX_CONNECTIONS_PER_ADDRESS": str(CAP)}
    server = start_server(tmp_path_factory.mktemp("capped"), extra_env=env)
    yield server
    stop_server(server)
    assert "Traceback" not in server.log(), server.log()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_one_client_address_holds_at_most_the_cap_of_connections(capped_server, transport):
    address = f"10.0.{TRANSPORTS.index(transport)}.1"  # each test an address of its own

    async def scenario() -> None:
        url = capped_server.base_url.replace("http://", "ws://") + "/socket/000/{}/websocket"
        headers = {"Origin": capped_server.base_url, "X-Real-IP": address}
        held = [
            await websocket_connect(HTTPRequest(url.format(uuid.uuid4().hex[:8]), headers=headers))
            for _ in range(CAP)
        ]

        over = await open_session(capped_server, transport, address=address)
        elsewhere = await open_session(capped_server, transport, address="10.9.9.9")

        assert over == 429
        assert elsewhere in (101, 200)
        held.pop().close()
        async with asyncio.timeout(10):  # until the server has seen that one close
            while await open_session(capped_server, "websocket", address=address) == 429:
                await asyncio.sleep(0.05)
        for connection in held:
            connection.close()

    run(scenario())
