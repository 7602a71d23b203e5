"""The game channel's SockJS routes, each one guarded before any session opens.

sockjs-tornado opens a session as soon as a request names a new session id, so a refusal in the
connection's `on_open` comes too late: a polling session is already answering frames by then.
Here every route that can open or feed a session first checks the request: its Origin must be
this site's own or an allowed one (403), and a client address may hold at most
`max_per_address` connections (429). Routes of transports the game does not use are left out
(404): jsonp_send, the iframe page and the raw websocket; the router itself has jsonp, htmlfile
and eventsource disabled. What arrives that is not SockJS framing reaches the connection as one
frame, which it refuses like any other.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import tornado.web
from sockjs.tornado import SockJSRouter
from sockjs.tornado.transports import (
    WebSocketTransport,
    XhrPollingTransport,
    XhrSendHandler,
    XhrStreamingTransport,
)
from tornado.ioloop import IOLoop
from tornado.websocket import WebSocketClosedError

from sockets.connection import OpenConnections

log = logging.getLogger(__name__)

UNUSED_ROUTES = ("/jsonp_send$", "/iframe[0-9-.a-z_]*.html", "/websocket")


@dataclass(frozen=True, slots=True)
class Gate:
    """What a request must pass before it may open or feed a session."""

    allowed_origins: frozenset[str]  # host[:port] values besides the request's own Host
    connections: OpenConnections
    max_per_address: int

    def refusal(self, request: Any, opens_session: bool) -> int | None:
        """The HTTP status refusing `request`, or None to let it through."""
        origin = request.headers.get("Origin")
        if origin and not self._origin_allowed(origin, request.headers.get("Host") or ""):
            log.warning("refused a socket from origin %s", origin)
            return 403
        if opens_session and self.connections.count(request.remote_ip) >= self.max_per_address:
            log.warning("refused a socket: %s holds too many connections", request.remote_ip)
            return 429
        return None

    def _origin_allowed(self, origin: str, host: str) -> bool:
        # No Origin at all is not a browser's cross-site request, and passes above.
        netloc = urlsplit(origin).netloc.lower()
        return netloc == host.lower() or netloc in self.allowed_origins


class _Guarded(tornado.web.RequestHandler):
    """Checks the request at the gate before the transport sees it."""

    gate: Gate  # set on the subclass made by _guarded()
    server: SockJSRouter  # set by the transport's initialize()

    def opens_session(self) -> bool:
        """Whether this request would open a session (polling: one its id does not name yet)."""
        session_id = self.path_kwargs.get("session_id")
        return self.server.get_session(session_id) is None

    def prepare(self) -> None:
        status = self.gate.refusal(self.request, self.opens_session())
        if status is not None:
            raise tornado.web.HTTPError(status)
        super().prepare()


def sockjs_frames(message: str | bytes) -> list[Any]:
    """The frames of a SockJS array, decoded once. One that is not an array arrives as a single
    frame (its text, or its JSON value) for the connection to refuse: sockjs-tornado would log a
    traceback and drop the connection, or feed the connection something that is not a frame."""
    text = message.decode(errors="replace") if isinstance(message, bytes) else message
    try:
        decoded = json.loads(text)
    except (ValueError, RecursionError):
        return [text]
    return decoded if isinstance(decoded, list) else [decoded]


def sockjs_array(message: str | bytes) -> str:
    """`message` as a SockJS array text, for xhr_send, whose handler decodes the body itself."""
    return json.dumps(sockjs_frames(message))


class _WebSocket(WebSocketTransport):
    def open(self, session_id: str) -> None:
        # A socket reset during its handshake has already had its on_close, before this: a
        # session opened now would never be closed and its heartbeat would fail forever.
        if self.ws_connection is None or self.ws_connection.is_closing():
            return
        super().open(session_id)

    def on_message(self, message: str | bytes) -> None:
        # The transport's own on_message would decode the array a second time; empty messages
        # are ignored, as SockJS requires.
        if message and self.session is not None:
            self.session.on_messages(sockjs_frames(message))

    def send_pack(self, message: str | bytes, binary: bool = False) -> None:
        # As the transport's own, but a socket reset while its frame is written (or just
        # before) is a closed connection like any other: the write's failure is taken here
        # rather than logged as a task exception nobody retrieved.
        try:
            written = self.write_message(message, binary)
        except (OSError, WebSocketClosedError):
            IOLoop.current().add_callback(self.on_close)
            return
        written.add_done_callback(_retrieved)


def _retrieved(write: asyncio.Future[None]) -> None:
    if not write.cancelled():
        write.exception()


class _GuardedWebSocket(_Guarded, _WebSocket):
    def opens_session(self) -> bool:
        return True


class _GuardedSend(_Guarded, XhrSendHandler):
    def opens_session(self) -> bool:
        return False

    def post(self, session_id: str) -> None:
        if self.request.body:
            self.request.body = sockjs_array(self.request.body).encode()
        super().post(session_id)


_GUARDED: dict[type, type[_Guarded]] = {
    WebSocketTransport: _GuardedWebSocket,
    XhrPollingTransport: type("_GuardedPolling", (_Guarded, XhrPollingTransport), {}),
    XhrStreamingTransport: type("_GuardedStreaming", (_Guarded, XhrStreamingTransport), {}),
    XhrSendHandler: _GuardedSend,
}


def channel_routes(router: SockJSRouter, gate: Gate) -> list[tuple[Any, ...]]:
    """The router's URL specs with the session routes guarded by `gate`, unused ones left out."""
    routes = []
    for pattern, handler, kwargs in router.urls:
        if any(pattern.endswith(unused) for unused in UNUSED_ROUTES):
            continue
        guarded = _GUARDED.get(handler)
        if guarded is not None:
            handler = type(guarded.__name__, (guarded,), {"gate": gate})
        routes.append((pattern, handler, kwargs))
    return routes
