"""A game process's one publisher and one pub/sub connection, shared by relay, router and pool.

One of each keeps order: what this process publishes goes out in the order it was asked, on one
connection at a time, and what it hears on all its channels comes in on one connection, in the
order Redis sent it. So a presence notice another process published before it forwarded a
player's command is heard here before that command (bus/redis_relay.py relies on it).

Imports no Tornado.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter, deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bus.port import BusUnavailable

if TYPE_CHECKING:
    from bus.redis_link import Link

log = logging.getLogger(__name__)

SUBSCRIBE_SECONDS = 5.0  # how long a subscription may wait for Redis to confirm it
CHANNELS_PER_COMMAND = 500  # channels named in one SUBSCRIBE or UNSUBSCRIBE
# Between attempts of the listener to reconnect: soon at first, then at most once a second.
LISTEN_AGAIN_SECONDS = (0.05, 0.1, 0.25, 0.5, 1.0)

_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

Handler = Callable[[str, str], None]  # (channel, data)


class Publisher:
    """PUBLISHes in the order asked, batching whatever queued up meanwhile into one pipeline.

    While the bus is down nothing queues: a message for another process is dropped at once (its
    players get the state again when they reconnect), and a counted publish raises.
    """

    def __init__(self, link: Link) -> None:
        self._link = link
        self._queue: asyncio.Queue[tuple[str, str, asyncio.Future[int] | None]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    def publish(self, channel: str, data: str) -> None:
        if self._link.state == "up":
            self._queue.put_nowait((channel, data, None))

    async def publish_counted(self, channel: str, data: str) -> int:
        """How many subscribers received it; raises BusUnavailable when it could not go."""
        self._link.check()
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((channel, data, future))
        return await future

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                with self._link.guard():
                    async with self._link.client.pipeline(transaction=False) as pipe:
                        for channel, data, _ in batch:
                            pipe.publish(channel, data)
                        counts = await pipe.execute()
            except BusUnavailable as error:
                for _, _, future in batch:
                    if future is not None and not future.done():
                        future.set_exception(error)
            else:
                for (_, _, future), count in zip(batch, counts, strict=True):
                    if future is not None and not future.done():
                        future.set_result(int(count))
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def close(self) -> None:
        """Publish what is queued, then stop."""
        if self._task is not None:
            if self._link.state == "up":
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._queue.join(), SUBSCRIBE_SECONDS)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class Subscriber:
    """The process's one pub/sub connection and its listener.

    A channel is wanted (`want`) or not (`drop`); what is wanted is subscribed, and stays so
    across a lost connection or a Redis restart (`resync`). Subscribing is batched: a burst of
    players arriving sends a few SUBSCRIBE commands, not one each. Each message goes to the
    handler whose prefix its channel starts with, only while the channel is wanted.
    """

    def __init__(self, link: Link) -> None:
        self._link = link
        self._pubsub = link.client.pubsub()
        self._routes: list[tuple[str, Handler]] = []
        self._wanted: set[str] = set()
        self._confirmed: set[str] = set()
        self._sent: Counter[str] = Counter()  # SUBSCRIBEs sent and not yet confirmed
        self._pending: dict[str, list[asyncio.Future[None]]] = {}
        self._ops: deque[tuple[bool, str]] = deque()  # (subscribe, channel) in order
        self._wake = asyncio.Event()
        self._alive = asyncio.Event()  # the connection answered since it was last lost
        self._tasks: list[asyncio.Task[None]] = []

    def route(self, prefix: str, handler: Handler) -> None:
        self._routes.append((prefix, handler))

    async def start(self, own_channel: str) -> None:
        # A channel of its own keeps the connection subscribed (and the listener reading) while
        # no player is attached here.
        self._wanted.add(own_channel)
        self._sent[own_channel] += 1
        await self._pubsub.subscribe(own_channel)
        self._tasks = [asyncio.ensure_future(self._listen()), asyncio.ensure_future(self._write())]
        await self.want(own_channel)

    async def want(self, channel: str) -> None:
        """Subscribe to `channel` if not yet; returns once Redis confirmed it. Raises
        BusUnavailable when it cannot be confirmed now; the channel stays wanted all the same
        and is subscribed when the bus is back."""
        if channel in self._confirmed:
            return
        if channel not in self._wanted:
            self._wanted.add(channel)
            self._send(True, channel)
        elif not self._sent[channel] and self._link.state == "up":
            self._send(True, channel)  # wanted before a lost connection: ask again
        self._link.check()
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.setdefault(channel, []).append(future)
        try:
            await asyncio.wait_for(asyncio.shield(future), SUBSCRIBE_SECONDS)
        except TimeoutError:
            raise BusUnavailable(f"Redis did not confirm the subscription to {channel}") from None
        finally:
            waiting = self._pending.get(channel, [])
            if future in waiting:
                waiting.remove(future)

    def drop(self, channel: str) -> None:
        """Unsubscribe from `channel`; its messages are not handled from now on."""
        if channel not in self._wanted:
            return
        self._wanted.discard(channel)
        self._confirmed.discard(channel)
        for future in self._pending.pop(channel, []):
            if not future.done():
                future.set_exception(BusUnavailable(f"{channel} was dropped meanwhile"))
        self._send(False, channel)

    def wanted(self, channel: str) -> bool:
        return channel in self._wanted

    async def resync(self) -> None:
        """After a lost connection: subscribe again to every wanted channel, unsubscribe from
        the rest, and return once Redis confirmed all. Raises BusUnavailable otherwise."""
        try:
            await asyncio.wait_for(self._alive.wait(), SUBSCRIBE_SECONDS)
        except TimeoutError:
            raise BusUnavailable("the pub/sub connection did not come back") from None
        extra = set(self._pubsub.channels) - self._wanted
        for channel in extra:
            self._send(False, str(channel))
        missing = [c for c in self._wanted if c not in self._confirmed]
        await asyncio.gather(*(self.want(channel) for channel in missing))

    def _send(self, subscribe: bool, channel: str) -> None:
        self._ops.append((subscribe, channel))
        self._wake.set()

    async def _write(self) -> None:
        """Send queued (un)subscriptions in order, consecutive ones of a kind in one command."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._ops:
                subscribe, channel = self._ops.popleft()
                group = [channel]
                while (
                    self._ops and self._ops[0][0] == subscribe and len(group) < CHANNELS_PER_COMMAND
                ):
                    group.append(self._ops.popleft()[1])
                # Only what is still true: a channel dropped since is not subscribed, and one
                # wanted again since is not unsubscribed.
                group = [c for c in dict.fromkeys(group) if (c in self._wanted) == subscribe]
                if not group or self._link.state == "down":
                    continue  # while down, resync does it all once the bus is back
                try:
                    if subscribe:
                        self._sent.update(group)
                        await self._pubsub.subscribe(*group)
                    else:
                        await self._pubsub.unsubscribe(*group)
                except _UNREACHABLE as error:
                    self._link.failed(error)
                    self._lost()
                except RedisError:
                    log.exception("could not (un)subscribe %d channels", len(group))

    async def _listen(self) -> None:
        failures = 0
        while True:
            try:
                message = await self._pubsub.get_message(timeout=None)
            except asyncio.CancelledError:
                raise
            except _UNREACHABLE as error:
                # redis-py connects again on the next read and subscribes again to what it had.
                self._link.failed(error)
                self._lost()
                pause = LISTEN_AGAIN_SECONDS[min(failures, len(LISTEN_AGAIN_SECONDS) - 1)]
                failures += 1
                await asyncio.sleep(pause)
                continue
            except Exception:
                log.exception("the pub/sub listener failed; listening again")
                await asyncio.sleep(LISTEN_AGAIN_SECONDS[-1])
                continue
            failures = 0
            self._alive.set()
            if message is not None:
                self._dispatch(message)

    def _lost(self) -> None:
        """The connection was lost: nothing is confirmed any more, and waiters learn so now."""
        self._alive.clear()
        self._sent.clear()
        self._confirmed.clear()
        pending, self._pending = self._pending, {}
        for futures in pending.values():
            for future in futures:
                if not future.done():
                    future.set_exception(BusUnavailable("the pub/sub connection was lost"))

    def _dispatch(self, message: dict[str, Any]) -> None:
        channel = str(message["channel"])
        if message["type"] == "subscribe":
            if self._sent[channel] > 0:
                self._sent[channel] -= 1
            # Confirmed once the last SUBSCRIBE sent for it is, so that a subscribe, unsubscribe,
            # subscribe in a row is not confirmed by the first.
            if not self._sent[channel] and channel in self._wanted:
                self._confirmed.add(channel)
                for future in self._pending.pop(channel, []):
                    if not future.done():
                        future.set_result(None)
        elif message["type"] == "message" and channel in self._wanted:
            for prefix, handler in self._routes:
                if channel.startswith(prefix):
                    try:
                        handler(channel, message["data"])
                    except Exception:
                        log.exception("a message on %s could not be handled", channel)
                    return

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._pubsub.aclose()
