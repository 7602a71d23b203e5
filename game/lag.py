"""The lag allowance: how long after a question's deadline a far player's attempt still counts.

An attempt travels half a round trip to the server, so one sent as the player's clock runs out
arrives that much after the deadline. A player's allowance at a question is half the round trip
the server measured from its own pings (sockets/round_trip.py), at most MAX_ALLOWANCE, and no
more than their quota holds. Time an attempt takes past the deadline is drawn from the quota,
and each question refills it by REFILL, up to QUOTA. A client that fakes a slow link by
answering pings late cannot see a question sooner, and gains at most QUOTA plus one REFILL a
question over a battle; a real far player, who rarely answers in the last instant, keeps theirs.
"""

from __future__ import annotations

MAX_ALLOWANCE = 0.25  # seconds past the deadline, at most, for one attempt
QUOTA = 0.5  # seconds a player may hold in hand
REFILL = 0.1  # seconds each question adds to the quota


def allowance(rtt: float, quota: float) -> float:
    """The seconds past the deadline a player with round trip `rtt` and `quota` in hand gets."""
    return max(0.0, min(rtt / 2, MAX_ALLOWANCE, quota))


def refilled(quota: float) -> float:
    """The quota once a new question has opened."""
    return min(QUOTA, quota + REFILL)
