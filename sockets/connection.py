"""One SockJS connection: authenticate, rate-limit, parse, hand over to the arena, and time the
server's pings. Nothing else.

Identity comes from the signed token in the first `hello` frame (for a signed-in player, only
while the sign-in session it names stands), never from a message field. Bad frames get an
`error` frame; floods and oversized frames close this connection only, and so does the end of
its sign-in session. The round trip of the server's own pings goes to the arena, for the lag
allowance (game.lag).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sockjs.tornado import SockJSConnection
from sockjs.tornado.session import ConnectionInfo
from tornado.ioloop import IOLoop, PeriodicCallback

from bus.port import AttachFailed, BusUnavailable, Relay
from sockets import protocol
from sockets.arena import Arena
from sockets.auth import Identity, read_token
from sockets.latency import RevealLatency, closed_by
from sockets.ratelimit import TokenBucket
from sockets.round_trip import RoundTrips

log = logging.getLogger(__name__)

HELLO_TIMEOUT_SECONDS = 10.0
RATE_PER_SECOND = 20.0
RATE_BURST = 40.0
MAX_ATTEMPTS_TIMED = 20

PING_SECONDS = 5.0  # the server's pings, by which it measures each connection's round trip
RTT_REPORT_STEP = 0.01  # a round trip is reported to the arena when it moves this much

CLOSE_NO_HELLO = (4001, "say hello first")
CLOSE_FLOOD = (4008, "too many messages")
CLOSE_TOO_LARGE = (4009, "frame too large")
CLOSE_SIGNED_OUT = (4010, "signed out")
# The bus could not count this connection (Redis refused for seconds), or let it go while this
# process was cut off from the others: the client comes back through a fresh hello.
CLOSE_TRY_AGAIN = (1013, "try again")


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

    @property
    def total(self) -> int:
        """How many connections are open here."""
        return len(self._live)

    async def close_all(self) -> None:
        """Close every connection and wait until each has left; used on shutdown."""
        for connection in list(self._live):
            connection._close(CLOSE_RESTART)
        while self._leaving:
            await asyncio.gather(*self._leaving, return_exceptions=True)


@dataclass(frozen=True, slots=True)
class ChannelDeps:
    """What every connection needs, built once in app.py."""

    arena: Arena
    relay: Relay
    secret: str
    # store.session_user: whose a sign-in session is, while it stands
    session_user: Callable[[str, float], Awaitable[str | None]]
    connections: OpenConnections
    latency: RevealLatency


class GameConnection(SockJSConnection):
    deps: ChannelDeps  # set on the subclass made by connection_class()

    def __init__(self, session: Any) -> None:
        super().__init__(session)
        self.user: Identity | None = None
        # The outcome of the latest hello; commands after it wait for it.
        self._signing_in: asyncio.Future[Identity | None] | None = None
        # Set with the user: done once the relay delivers here; commands wait for it, so a
        # reply never goes out before this connection can receive it.
        self._attached: asyncio.Future[bool] | None = None
        self._bucket = TokenBucket(RATE_PER_SECOND, RATE_BURST, time.monotonic())
        self._waiting = 0  # commands handed to a task and not yet carried out
        # When each attempt of this connection was read: (battle, index) -> monotonic time.
        self._attempted_at: dict[tuple[str, int], float] = {}
        self._hello_timer: object | None = None
        self._round_trips = RoundTrips()
        self._reported_rtt: float | None = None
        self._pinger: PeriodicCallback | None = None

    def on_open(self, request: ConnectionInfo) -> None:
        # The transports' gate (sockets/transports.py) has checked the Origin and the address.
        self.deps.connections.opened(self, request.ip)
        self._hello_timer = IOLoop.current().call_later(HELLO_TIMEOUT_SECONDS, self._no_hello)

    def _no_hello(self) -> None:
        if self.user is None:
            self._close(CLOSE_NO_HELLO)

    def on_message(self, message: Any) -> None:
        if not self._bucket.allow(time.monotonic()):
            log.warning("closed a flooding socket (user %s)", self.user and self.user.user_id)
            self._close(CLOSE_FLOOD)
            return
        if not isinstance(message, str):  # a SockJS frame holding a JSON value, not a text
            self._error("bad_json", "Messages must be JSON objects.")
            return
        if len(message) > protocol.MAX_FRAME_BYTES:
            log.warning("closed a socket that sent %d bytes", len(message))
            self._close(CLOSE_TOO_LARGE)
            return
        command = protocol.parse(message)
        match command:
            case protocol.Unexpected(code, text):
                self._error(code, text)
            case protocol.Ping(t):
                self.deliver({"type": "pong", "t": t})
            case protocol.Pong(number):
                self._timed(number)
            case protocol.Hello():
                self._hello(command)
            case _ if self._signing_in is None:
                self._error("not_authenticated", "Say hello first.")
            case _:
                if isinstance(command, protocol.Answer | protocol.Choose):
                    self._attempted_at[command.battle, command.index] = time.monotonic()
                user = self._ready()
                # A command for a battle this process runs is a plain call; any other, or one
                # behind a command still waiting, waits its turn in a task.
                if user is None or self._waiting or not self.deps.arena.handles_now(user, command):
                    self._waiting += 1
                    IOLoop.current().add_callback(self._in_turn, self._signing_in, command)

    def _ready(self) -> Identity | None:
        """The player, once hello is done and the relay delivers here; None before."""
        attached = self._attached
        if attached is None or not attached.done() or attached.cancelled():
            return None
        if attached.exception() is not None or not attached.result():  # the relay refused it
            return None
        return self.user

    async def _in_turn(
        self, signing_in: asyncio.Future[Identity | None], command: protocol.Command
    ) -> None:
        try:
            await self._handle(signing_in, command)
        finally:
            self._waiting -= 1

    async def _handle(
        self, signing_in: asyncio.Future[Identity | None], command: protocol.Command
    ) -> None:
        user = await signing_in
        if user is None:
            self._error("not_authenticated", "Say hello first.")
            return
        assert self._attached is not None  # set with self.user
        if not await self._attached:
            return  # closed: the relay could not take it
        await self.deps.arena.handle(user, command, self._round_trips.estimate or 0.0)

    def _hello(self, hello: protocol.Hello) -> None:
        earlier = self._signing_in
        if earlier is not None and not (earlier.done() and earlier.result() is None):
            self._error("already_authenticated", "This connection has said hello already.")
            return
        self._signing_in = asyncio.ensure_future(self._sign_in(hello))

    async def _sign_in(self, hello: protocol.Hello) -> Identity | None:
        user = read_token(self.deps.secret, hello.token)
        if user is not None and user.session is not None:
            try:
                holder = await self.deps.session_user(user.session, time.time())
            except Exception:
                log.exception("could not check the session of %s", user.user_id)
                holder = None
            if holder != user.user_id:
                user = None  # signed out (or expired) since the page was served
        if self.is_closed:
            return None  # gone meanwhile: nothing to attach
        if user is None:
            self._error("bad_token", "Please reload.")
            return None
        self.user = user
        if self._hello_timer is not None:
            IOLoop.current().remove_timeout(self._hello_timer)
        self._attached = asyncio.ensure_future(self._attach(user, hello))
        return user

    async def _attach(self, user: Identity, hello: protocol.Hello) -> bool:
        """Whether the relay took this connection; closed when it could not."""
        try:
            await self.deps.relay.attach(user.user_id, self)
        except AttachFailed as error:
            log.warning("closed a socket of %s: %s", user.user_id, error)
            self._close(CLOSE_TRY_AGAIN)
            return False
        self.deliver({"type": "welcome", "user": {"id": user.user_id, "nickname": user.nickname}})
        self._pinger = PeriodicCallback(self._ping, PING_SECONDS * 1000)
        self._pinger.start()
        self._ping()
        try:
            await self.deps.arena.connected(user, hello.battle, hello.seq)
        except BusUnavailable:
            # A battle of theirs on another process cannot hear of it now; one here did.
            log.info("the bus is down: %s reconnected unheard by other processes", user.user_id)
        return True

    def _ping(self) -> None:
        self.deliver({"type": "ping", "s": self._round_trips.ping(time.monotonic())})

    def _timed(self, number: int) -> None:
        """A pong: report the round trip when it has moved enough to matter."""
        rtt = self._round_trips.pong(number, time.monotonic())
        if rtt is None or self.user is None:
            return
        last = self._reported_rtt
        if last is None or abs(rtt - last) >= RTT_REPORT_STEP:
            self._reported_rtt = rtt
            IOLoop.current().add_callback(self.deps.arena.measured, self.user, rtt)

    def end_session(self, session: str) -> None:
        if self.user is not None and self.user.session == session:
            self._close(CLOSE_SIGNED_OUT)

    def lost(self) -> None:
        self._close(CLOSE_TRY_AGAIN)

    def on_close(self) -> None:
        if self._hello_timer is not None:
            IOLoop.current().remove_timeout(self._hello_timer)
        if self._pinger is not None:
            self._pinger.stop()
            self._pinger = None  # it holds self._ping: a cycle left for the collector otherwise
        user = self.user
        leaving = asyncio.ensure_future(self._detach(user)) if user is not None else None
        self.deps.connections.closed(self, leaving)

    async def _detach(self, user: Identity) -> None:
        assert self._attached is not None  # set with self.user
        await asyncio.wait([self._attached])  # counted in before counted out, even if it failed
        try:
            if await self.deps.relay.detach(user.user_id, self):
                await self.deps.arena.disconnected(user)
        except BusUnavailable as error:
            # Raised by detach: forgotten here all the same, and counted when Redis is back (the
            # arena hears of it through the relay's on_lost then). By the arena: the pool or the
            # battle's process did not hear of the leaving, as of any command while down.
            log.warning("%s left while the bus is down: %s", user.user_id, error)
        except Exception:
            log.exception("leaving failed for %s", user.user_id)

    def _error(self, code: str, message: str) -> None:
        self.deliver({"type": "error", "code": code, "message": message})

    def deliver(self, message: dict[str, Any]) -> None:
        if message.get("type") == "reveal":
            self._time_reveal(message)
        if not self.is_closed:
            # Encoded once, here (SockJSConnection.send would encode it again); the session
            # queues it with everything else sent to this connection in the same turn of the
            # loop and writes them as one frame (immediate_flush off, handlers/application.py).
            self.session.send_jsonified(protocol.sockjs_encode(message))

    def _time_reveal(self, reveal: dict[str, Any]) -> None:
        read_at = self._attempted_at.pop((reveal.get("battle", ""), reveal.get("index", -1)), None)
        if read_at is not None and self.user is not None and closed_by(reveal, self.user.user_id):
            self.deps.latency.seen(time.monotonic() - read_at)
        if len(self._attempted_at) > MAX_ATTEMPTS_TIMED:  # reveals that went to another tab
            self._attempted_at.clear()

    def _close(self, reason: tuple[int, str]) -> None:
        """Close with a SockJS close frame, after what is still queued for this connection
        (the session would write its close frame first and drop the queue)."""
        self.session.flush()
        self.session.close(*reason)


def connection_class(deps: ChannelDeps) -> type[GameConnection]:
    """A connection class bound to this application's arena and secret."""
    return type("BoundGameConnection", (GameConnection,), {"deps": deps})
