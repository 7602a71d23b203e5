"""A token bucket per connection: a steady rate with some burst. The clock is passed in."""

from __future__ import annotations


class TokenBucket:
    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._last = now

    def allow(self, now: float) -> bool:
        """Take one token if there is one."""
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True
