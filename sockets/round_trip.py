"""One connection's round trip, measured from the server's own pings. The clock is passed in.

The server sends `ping` with a number and times the `pong` that names it. A client cannot make
its link look faster than it is (a pong naming no ping it has received is ignored), only slower,
by answering late; the battle caps what a slower link may buy (game.lag).
"""

from __future__ import annotations

import statistics
from collections import deque

SAMPLES = 5  # the estimate is the median of this many latest round trips
OUTSTANDING = 3  # pings awaiting their pong; an older one is forgotten


class RoundTrips:
    def __init__(self) -> None:
        self._sent: dict[int, float] = {}  # ping number -> when it was sent
        self._last_number = 0
        self._samples: deque[float] = deque(maxlen=SAMPLES)

    def ping(self, now: float) -> int:
        """The number of a ping sent at `now`."""
        self._last_number += 1
        self._sent[self._last_number] = now
        if len(self._sent) > OUTSTANDING:
            del self._sent[min(self._sent)]
        return self._last_number

    def pong(self, number: int, now: float) -> float | None:
        """Time the answer to ping `number`; the new estimate, or None if it named no ping."""
        sent = self._sent.pop(number, None)
        if sent is None:
            return None
        self._samples.append(now - sent)
        return self.estimate

    @property
    def estimate(self) -> float | None:
        """The round trip in seconds (the median of the latest samples), None before any."""
        return statistics.median(self._samples) if self._samples else None
