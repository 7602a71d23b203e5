"""One SockJS connection: authenticate, rate-limit, parse, hand over to the arena. Nothing else.

Identity comes from the signed token in the first `hello` frame, never from a message field.
Bad frames get an `error` frame; floods and oversized frames close this connection only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sockjs.tornado import SockJSConnection
from sockjs.tornado.session import ConnectionInfo
from tornado.ioloop import IOLoop

from bus.port import Relay
from sockets import protocol
from sockets.arena import Arena
from sockets.auth import Identity, read_token
from sockets.latency import RevealLatency, closed_by
from sockets.ratelimit import TokenBucket

log = logging.getLogger(__name__)

HELLO_TIMEOUT_SECONDS = 10.0
RATE_PER_SECOND = 20.0
RATE_BURST = 40.0
MAX_ATTEMPTS_TIMED = 20

CLOSE_NO_HELLO = (4001, "say hello first")
CLOSE_FLOOD = (4008, "too many messages")
CLOSE_TOO_LARGE = (4009, "frame too large")


CLOSE_RESTART = (1001, "server restarting")


class OpenConnections:
    """This process's connections by client address: the transports' gate caps how many one
    address holds, and shutdown closes them all so each one leaves the pool and its presence
    while the bus is still open."""

    def __init__(self) -> None:
        self._live: dict[GameConnection, str] = {}  # connection -> client address
        self._per_address: Counter[str] = Counter()
        self._leaving: set[asyncio.Task[None]] = set()

    def opened(self, connection: GameConnection, address: str) -> None:
        self._live[connection] = address
        self._per_address[address] += 1

    def closed(self, connection: GameConnection, leaving: asyncio.Task[None] | None) -> None:
        address = self._live.pop(connection, None)
        if address is not None:
            self._per_address[address] -= 1
            if not self._per_address[address]:
                del self._per_address[address]
        if leaving is not None:
            self._leaving.add(leaving)
            leaving.add_done_callback(self._leaving.discard)

    def count(self, address: str) -> int:
        """How many connections `address` holds open here."""
        return self._per_address[address]

    async def close_all(self) -> None:
        """Close every connection and wait until each has left; used on shutdown."""
        for connection in list(self._live):
            connection.session.close(*CLOSE_RESTART)
        while self._leaving:
            await asyncio.gather(*self._leaving, return_exceptions=True)


@dataclass(frozen=True, slots=True)
class ChannelDeps:
    """What every connection needs, built once in app.py."""

    arena: Arena
    relay: Relay
    secret: str
    connections: OpenConnections
    latency: RevealLatency


class GameConnection(SockJSConnection):
    deps: ChannelDeps  # set on the subclass made by connection_class()

    def __init__(self, session: Any) -> None:
        super().__init__(session)
        self.user: Identity | None = None
        # Set at hello: done once the relay delivers here; commands wait for it, so a reply
        # never goes out before this connection can receive it.
        self._attached: asyncio.Future[None] | None = None
        self._bucket = TokenBucket(RATE_PER_SECOND, RATE_BURST, time.monotonic())
        # When each attempt of this connection was read: (battle, index) -> monotonic time.
        self._attempted_at: dict[tuple[str, int], float] = {}
        self._hello_timer: object | None = None

    def on_open(self, request: ConnectionInfo) -> None:
        # The transports' gate (sockets/transports.py) has checked the Origin and the address.
        self.deps.connections.opened(self, request.ip)
        self._hello_timer = IOLoop.current().call_later(HELLO_TIMEOUT_SECONDS, self._no_hello)

    def _no_hello(self) -> None:
        if self.user is None:
            self._close(CLOSE_NO_HELLO)

    def on_message(self, message: str) -> None:
        if not self._bucket.allow(time.monotonic()):
            log.warning("closed a flooding socket (user %s)", self.user and self.user.user_id)
            self._close(CLOSE_FLOOD)
            return
        if len(message) > protocol.MAX_FRAME_BYTES:
            log.warning("closed a socket that sent %d bytes", len(message))
            self._close(CLOSE_TOO_LARGE)
            return
        command = protocol.parse(message)
        match command:
            case protocol.Unexpected(code, text):
                self.deliver({"type": "error", "code": code, "message": text})
            case protocol.Ping(t):
                self.deliver({"type": "pong", "t": t})
            case protocol.Hello(token):
                self._hello(token)
            case _ if self.user is None:
                self.deliver(
                    {"type": "error", "code": "not_authenticated", "message": "Say hello first."}
                )
            case _:
                if isinstance(command, protocol.Answer | protocol.Choose):
                    self._attempted_at[command.battle, command.index] = time.monotonic()
                IOLoop.current().add_callback(self._handle, self.user, command)

    async def _handle(self, user: Identity, command: protocol.Command) -> None:
        assert self._attached is not None  # set with self.user
        await self._attached
        await self.deps.arena.handle(user, command)

    def _hello(self, token: str) -> None:
        user = read_token(self.deps.secret, token)
        if user is None:
            self.deliver({"type": "error", "code": "bad_token", "message": "Please reload."})
            return
        if self.user is not None:
            if user != self.user:
                self.deliver(
                    {"type": "error", "code": "bad_token", "message": "Already signed in."}
                )
            return
        self.user = user
        if self._hello_timer is not None:
            IOLoop.current().remove_timeout(self._hello_timer)
        self._attached = asyncio.ensure_future(self._attach(user))

    async def _attach(self, user: Identity) -> None:
        await self.deps.relay.attach(user.user_id, self)
        self.deliver({"type": "welcome", "user": {"id": user.user_id, "nickname": user.nickname}})
        await self.deps.arena.connected(user)

    def on_close(self) -> None:
        if self._hello_timer is not None:
            IOLoop.current().remove_timeout(self._hello_timer)
        user = self.user
        leaving = asyncio.ensure_future(self._detach(user)) if user is not None else None
        self.deps.connections.closed(self, leaving)

    async def _detach(self, user: Identity) -> None:
        assert self._attached is not None  # set with self.user
        await asyncio.wait([self._attached])  # counted in before counted out, even if it failed
        try:
            if await self.deps.relay.detach(user.user_id, self):
                await self.deps.arena.disconnected(user)
        except Exception:
            log.exception("leaving failed for %s", user.user_id)

    def deliver(self, message: dict[str, Any]) -> None:
        if message.get("type") == "reveal":
            self._time_reveal(message)
        if not self.is_closed:
            self.send(protocol.encode(message))

    def _time_reveal(self, reveal: dict[str, Any]) -> None:
        read_at = self._attempted_at.pop((reveal.get("battle", ""), reveal.get("index", -1)), None)
        if read_at is not None and self.user is not None and closed_by(reveal, self.user.user_id):
            self.deps.latency.seen(time.monotonic() - read_at)
        if len(self._attempted_at) > MAX_ATTEMPTS_TIMED:  # reveals that went to another tab
            self._attempted_at.clear()

    def _close(self, reason: tuple[int, str]) -> None:
        self.session.close(*reason)


def connection_class(deps: ChannelDeps) -> type[GameConnection]:
    """A connection class bound to this application's arena and secret."""
    return type("BoundGameConnection", (GameConnection,), {"deps": deps})
