"""Rate limits as values: how many requests one key may make in a window of time.

The store counts the hits (Store.count_hit); a limit only says whether a count is allowed.
Pure: standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `limit` requests per `window` seconds for one key."""

    limit: int
    window: float

    def allows(self, count: int) -> bool:
        """Whether the `count`th request within the window (this one included) may proceed."""
        return count <= self.limit
