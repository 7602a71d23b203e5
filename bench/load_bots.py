"""The clients of bench/load.py: websocket bots that play battles, idle, or feed the baseline.

Every bot is a real websocket. Kwissle's speak SockJS (o, h, a[...], c[...] frames, each message
a JSON text inside the SockJS array) and the game protocol of docs/protocol.md; the baseline's
send plain JSON text frames. `Counts` adds up what every bot sent and received, so the bench can
divide the server's CPU time by the messages it delivered.
"""

from __future__ import annotations

import asyncio
import functools
import random
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ujson
from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

WRONG_ANSWER = "not the answer"
# Thinking times of the latency steps (seconds): the first player's wrong attempt comes this
# long after the question, the second player's right one this long after the wrong one.
FIRST_THINK = (0.5, 2.5)
SECOND_THINK = (0.2, 1.5)

Message = dict[str, Any]


@dataclass
class Counts:
    """What the bots sent and received; latencies are (answer sent at, reveal seconds later)."""

    sent: int = 0
    delivered: int = 0
    answered: int = 0  # reveals seen by the player whose attempt closed the question
    latencies: list[tuple[float, float]] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)


class Channel:
    """One websocket; `on_message` gets every message the server delivers on it, decoded."""

    def __init__(self, counts: Counts, on_message: Callable[[Message], None], *, sockjs: bool):
        self._counts = counts
        self._on_message = on_message
        self._sockjs = sockjs
        self._ws: WebSocketClientConnection | None = None
        self._closed = False
        self._opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def open(self, url: str, origin: str) -> None:
        request = HTTPRequest(url, headers={"Origin": origin})
        self._ws = await websocket_connect(request, on_message_callback=self._frame)
        if not self._sockjs:
            self._opened.set_result(None)
        await asyncio.wait_for(self._opened, 30)

    def _frame(self, frame: str | bytes | None) -> None:
        if frame is None:
            self._closed = True
            if not self._opened.done():
                self._opened.set_exception(ConnectionError("closed while opening"))
            return
        text = frame.decode() if isinstance(frame, bytes) else frame
        if not self._sockjs:
            self._counts.delivered += 1
            self._on_message(ujson.loads(text))
        elif text.startswith("a"):
            for item in ujson.loads(text[1:]):
                self._counts.delivered += 1
                self._on_message(ujson.loads(item))
        elif text == "o":
            self._opened.set_result(None)
        elif text.startswith("c"):
            self._counts.errors[f"closed {text[1:]}"] += 1

    def send(self, message: Message) -> None:
        if self._closed:
            return  # a bot's timer that fires after the bench closed it
        assert self._ws is not None
        text = ujson.dumps(message, ensure_ascii=False)
        self._ws.write_message(ujson.dumps([text]) if self._sockjs else text)
        self._counts.sent += 1

    def close(self) -> None:
        self._closed = True
        if self._ws is not None:
            self._ws.close()


def sockjs_url(base_url: str, number: int) -> str:
    return base_url.replace("http://", "ws://") + f"/socket/{number % 1000:03d}/b{number}/websocket"


class Pacer:
    """Releases queued sends at `rate` a second, oldest first: the offered rate of the
    throughput runs. Sends queued while it is behind wait; it never banks idle time."""

    TICK = 0.005

    def __init__(self, rate: float) -> None:
        self._rate = rate
        self._queue: deque[Callable[[], None]] = deque()

    def submit(self, send: Callable[[], None]) -> None:
        self._queue.append(send)

    async def run(self) -> None:
        credit, last = 0.0, time.monotonic()
        while True:
            await asyncio.sleep(self.TICK)
            now = time.monotonic()
            credit += (now - last) * self._rate
            last = now
            while credit >= 1 and self._queue:
                self._queue.popleft()()
                credit -= 1
            if not self._queue:
                credit = min(credit, 1.0)


class Timing:
    """When a player's attempts go: through a pacer, or after a thinking time."""

    def __init__(self, pacer: Pacer | None, rng: random.Random) -> None:
        self._pacer = pacer
        self._rng = rng

    def first(self, send: Callable[[], None]) -> None:
        self._later(FIRST_THINK, send)

    def second(self, send: Callable[[], None]) -> None:
        self._later(SECOND_THINK, send)

    def _later(self, think: tuple[float, float], send: Callable[[], None]) -> None:
        if self._pacer is not None:
            self._pacer.submit(send)
        else:
            asyncio.get_running_loop().call_later(self._rng.uniform(*think), send)


class Idler:
    """A signed-in connection that only answers the server's pings."""

    def __init__(self, counts: Counts) -> None:
        self.channel = Channel(counts, self._received, sockjs=True)
        self.welcomed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def join(self, url: str, origin: str, token: str) -> None:
        await self.channel.open(url, origin)
        self.channel.send({"type": "hello", "token": token})
        await asyncio.wait_for(self.welcomed, 30)

    def _received(self, message: Message) -> None:
        kind = message["type"]
        if kind == "ping":
            self.channel.send({"type": "pong", "s": message["s"]})
        elif kind == "welcome":
            self.welcomed.set_result(None)
        else:
            self.on_message(message)

    def on_message(self, message: Message) -> None:
        pass


class Player(Idler):
    """A battle bot. At each question the player whose turn it is (by seat, alternately) makes
    a wrong attempt, and the other answers right once it hears of it, which closes the question.
    After the result both offer a rematch, so the pair plays on for as long as the bench runs."""

    def __init__(self, counts: Counts, timing: Timing, answers: dict[str, str]) -> None:
        super().__init__(counts)
        self._counts = counts
        self._timing = timing
        self._answers = answers
        self.user_id = ""
        self.battle = ""
        self.started: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting: asyncio.Event = asyncio.Event()
        self._seat = 0
        self._closing: dict[int, float] = {}  # question index -> when this player's attempt went
        self._texts: dict[int, str] = {}

    def on_message(self, message: Message) -> None:
        match message["type"]:
            case "battle":
                self.battle = message["battle"]
                ids = [p["id"] for p in message["players"]]
                self._seat = ids.index(self.user_id)
                self._closing.clear()
                if not self.started.done():
                    self.started.set_result(None)
            case "question" if message["index"] % 2 == self._seat:
                index = message["index"]
                self._timing.first(lambda: self._answer(index, WRONG_ANSWER, closes=False))
            case "question":
                self._texts[message["index"]] = message["text"]
            case "attempt" if message["by"] != self.user_id:
                index = message["index"]
                right = self._answers.get(self._texts.pop(index, ""), WRONG_ANSWER)
                self._timing.second(lambda: self._answer(index, right, closes=True))
            case "reveal":
                sent = self._closing.pop(message["index"], None)
                if sent is not None:
                    self._counts.answered += 1
                    self._counts.latencies.append((sent, time.time() - sent))
            case "result":
                self.channel.send({"type": "rematch", "battle": self.battle})
            case "waiting":
                self.waiting.set()
            case "error":
                self._counts.errors[message["code"]] += 1

    def _answer(self, index: int, text: str, *, closes: bool) -> None:
        if closes:
            self._closing[index] = time.time()
        self.channel.send({"type": "answer", "battle": self.battle, "index": index, "text": text})


class FanoutPair:
    """Two baseline connections that take turns as a battle's players do: one sends, both
    hear it, the other answers, and after a pause (the reveal) the first sends again."""

    PAUSE = 0.1

    def __init__(self, counts: Counts, pacer: Pacer, number: int) -> None:
        self.number = number
        self._pacer = pacer
        self._index = 0
        self.members = [
            Channel(counts, functools.partial(self._heard, seat), sockjs=False) for seat in (0, 1)
        ]

    async def join(self, base_url: str) -> None:
        url = base_url.replace("http://", "ws://") + f"/pair/p{self.number}"
        for member in self.members:
            await member.open(url, base_url)

    def start(self) -> None:
        self._pacer.submit(lambda: self._send(0))

    def _send(self, seat: int) -> None:
        text = WRONG_ANSWER if seat == 0 else "the right answer"
        battle = f"p{self.number}"
        self.members[seat].send(
            {"type": "answer", "battle": battle, "index": self._index, "text": text}
        )

    def _heard(self, seat: int, message: Message) -> None:
        if seat == 1 and message["by"] == 0:  # the first attempt: the second player answers
            self._pacer.submit(lambda: self._send(1))
        elif seat == 0 and message["by"] == 1:  # closed: the next question after the pause
            self._index += 1
            asyncio.get_running_loop().call_later(self.PAUSE, self.start)
