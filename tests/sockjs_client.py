"""A small SockJS client for tests, speaking the real wire protocol over two transports.

`websocket` uses /socket/<server>/<session>/websocket; `xhr_streaming` reads a chunked response
from .../xhr_streaming; `xhr_polling` asks .../xhr again after every answer; both send with
POSTs to .../xhr_send. Frames: o (open), h (heartbeat), a[...] (messages), c[code, reason].
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClosedError, websocket_connect

TRANSPORTS = ("websocket", "xhr_streaming", "xhr_polling")


class Closed(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"closed {code} {reason}")
        self.code = code
        self.reason = reason


class SockJSClient:
    def __init__(
        self,
        base_url: str,
        transport: str = "websocket",
        origin: str | None = None,
        *,
        pong_after: float | None = None,
    ):
        """`pong_after`: answer the server's pings that many seconds late (a slow link, real
        or faked); None leaves them unanswered."""
        self.base = f"{base_url}/socket/000/{uuid.uuid4().hex[:8]}"
        self.pong_after = pong_after
        self.ponged = asyncio.Event()  # set once a ping has been answered
        self._pongs: set[asyncio.Future[None]] = set()
        self.transport = transport
        self.origin = origin or base_url
        self.inbox: asyncio.Queue[dict[str, Any] | Closed] = asyncio.Queue()
        self.received: list[dict[str, Any]] = []  # every message, in order
        self.raw_frames: list[str] = []
        self.closed: Closed | None = None
        self._ws: Any = None
        self._opened = asyncio.Event()
        self._buffer = ""
        self._stream: asyncio.Future[Any] | None = None

    async def connect(self) -> SockJSClient:
        if self.transport == "websocket":
            url = self.base.replace("http://", "ws://") + "/websocket"
            request = HTTPRequest(url, headers={"Origin": self.origin})
            self._ws = await websocket_connect(request, on_message_callback=self._on_ws)
        elif self.transport == "xhr_polling":
            self._http = AsyncHTTPClient(force_instance=True)
            self._stream = asyncio.ensure_future(self._poll())
            self._stream.add_done_callback(lambda f: f.cancelled() or f.exception())
        else:
            request = HTTPRequest(
                self.base + "/xhr_streaming",
                method="POST",
                body="",
                headers={"Origin": self.origin},
                streaming_callback=self._on_chunk,
                request_timeout=600,
            )
            self._http = AsyncHTTPClient(force_instance=True)
            self._stream = asyncio.ensure_future(self._http.fetch(request, raise_error=False))
            # Closing the stream ends the fetch with an error nobody needs to read.
            self._stream.add_done_callback(lambda f: f.cancelled() or f.exception())
        await asyncio.wait_for(self._opened.wait(), 10)
        return self

    async def connect_again_until(self, seconds: float) -> SockJSClient:
        """`connect` as the browser's client reconnects: while the way in answers 502 or 503
        (nginx before it has found that a process died), again after a growing pause, for up
        to `seconds`."""
        pause, deadline = 0.1, asyncio.get_running_loop().time() + seconds
        while True:
            try:
                return await self.connect()
            except HTTPClientError as error:
                if error.code not in (502, 503):
                    raise
                if asyncio.get_running_loop().time() + pause > deadline:
                    raise
            await asyncio.sleep(pause)  # the client's backoff, not a wait for a condition
            pause = min(2 * pause, 1.0)

    async def _poll(self) -> None:
        while self.closed is None:
            response = await self._http.fetch(
                self.base + "/xhr", method="POST", body="", headers={"Origin": self.origin}
            )
            for line in response.body.decode().splitlines():
                if line:
                    self._frame(line)

    def _on_ws(self, frame: str | bytes | None) -> None:
        if frame is None:
            if self.closed is None:  # the socket ended without the server's close frame
                self._closed(1006, "connection lost")
        else:
            self._frame(frame if isinstance(frame, str) else frame.decode())

    def _on_chunk(self, chunk: bytes) -> None:
        self._buffer += chunk.decode()
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            if line:
                self._frame(line)  # the 2 KB prelude of "h" is ignored like a heartbeat

    def _frame(self, frame: str) -> None:
        self.raw_frames.append(frame)
        if frame == "o":
            self._opened.set()
        elif frame.startswith("a"):
            for text in json.loads(frame[1:]):
                message = json.loads(text)
                self.received.append(message)
                self.inbox.put_nowait(message)
                if message["type"] == "ping" and self.pong_after is not None:
                    asyncio.get_running_loop().call_later(self.pong_after, self._pong, message["s"])
        elif frame.startswith("c"):
            self._closed(*json.loads(frame[1:]))

    def _closed(self, code: int, reason: str) -> None:
        self.closed = Closed(code, reason)
        self._opened.set()
        self.inbox.put_nowait(self.closed)

    @property
    def server_closes(self) -> list[int]:
        """The codes of the close frames the server sent."""
        return [json.loads(frame[1:])[0] for frame in self.raw_frames if frame.startswith("c")]

    async def send_raw(self, text: str) -> None:
        if self.transport == "websocket":
            await self._ws.write_message(json.dumps([text]))
        else:
            await AsyncHTTPClient().fetch(
                self.base + "/xhr_send",
                method="POST",
                body=json.dumps([text]),
                headers={"Origin": self.origin},
                raise_error=False,
            )

    async def send(self, message: dict[str, Any]) -> None:
        await self.send_raw(json.dumps(message))

    def _pong(self, number: int) -> None:
        if self.closed is None:
            self._pongs.add(sending := asyncio.ensure_future(self._send_pong(number)))
            sending.add_done_callback(self._pongs.discard)

    async def _send_pong(self, number: int) -> None:
        with contextlib.suppress(WebSocketClosedError):  # closed by the test meanwhile
            await self.send({"type": "pong", "s": number})
            self.ponged.set()

    async def expect(self, kind: str, timeout: float = 10) -> dict[str, Any]:
        """The next message of type `kind`; messages of other types before it are skipped."""
        return await self.expect_any((kind,), timeout)

    async def expect_any(self, kinds: tuple[str, ...], timeout: float = 10) -> dict[str, Any]:
        """The next message of one of `kinds`; raises Closed if the connection closes first."""
        async with asyncio.timeout(timeout):
            while True:
                message = await self.inbox.get()
                if isinstance(message, Closed):
                    raise message
                if message["type"] in kinds:
                    return message

    async def wait_closed(self, timeout: float = 10) -> Closed:
        async with asyncio.timeout(timeout):
            while True:
                message = await self.inbox.get()
                if isinstance(message, Closed):
                    return message

    def close(self) -> None:
        if self._ws is not None:
            self._ws.close()
        if self._stream is not None:
            if self.transport == "xhr_polling":
                self._stream.cancel()
            self._http.close()
