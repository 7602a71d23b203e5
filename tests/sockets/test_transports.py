"""The SockJS transports the game channel offers, and the ones it refuses."""

from __future__ import annotations

import pytest
from tornado.httpclient import AsyncHTTPClient

from tests.sockets.test_battle_over_socket import player, run
from tests.sockjs_client import TRANSPORTS


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_each_offered_transport_carries_the_game_channel(live_server, transport):
    async def scenario() -> None:
        ann = await player(live_server, "Ann", transport=transport)

        await ann.send({"type": "ping", "t": 42})

        assert (await ann.expect("pong"))["t"] == 42
        ann.close()

    run(scenario())


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/socket/000/abcd/jsonp?c=cb"),
        ("POST", "/socket/000/abcd/jsonp_send?c=cb"),
        ("GET", "/socket/000/abcd/htmlfile?c=cb"),
        ("GET", "/socket/000/abcd/eventsource"),
    ],
)
def test_script_injecting_transports_are_not_served(live_server, method, path):
    async def scenario() -> None:
        body = "d=x" if method == "POST" else None
        response = await AsyncHTTPClient().fetch(
            live_server.base_url + path, method=method, body=body, raise_error=False
        )

        assert response.code == 404

    run(scenario())


def test_the_sockjs_iframe_loads_the_client_from_our_own_static_files(live_server):
    async def scenario() -> None:
        page = await AsyncHTTPClient().fetch(live_server.base_url + "/socket/iframe.html")

        assert b'src="/static/vendor/sockjs.min.js"' in page.body
        assert b"http" not in page.body.split(b"<script")[1].split(b">")[0]

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
