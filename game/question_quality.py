"""How hard a question turns out to be in play, and when its figures call for a second look.

The measured difficulty is the share of players who got it right, with a Wilson interval (90 %)
that says how sure that share is; a question "disagrees" with its label when the whole interval
lies in another level's band. Medians come from the one-second bins of `game.statistics`, so
they are good to about a tenth of a second when many answers share a bin. Pure; no clock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# The share right that makes a question easy, medium or hard (difficulty 1, 2, 3).
EASY_FROM = 0.65
MEDIUM_FROM = 0.35
Z_90 = 1.6449  # a two-sided 90 % interval
MIN_PLAYS_TO_JUDGE = 10

# A question is pulled back for review when at least REPORTS_TO_PULL reports make up
# REPORT_RATE_TO_PULL of its plays, or when, over PLAYS_TO_PULL plays or more, even the most
# hopeful reading of its share right stays under HOPELESS (its answer is likely wrong).
REPORTS_TO_PULL = 3
REPORT_RATE_TO_PULL = 0.05
PLAYS_TO_PULL = 30
HOPELESS = 0.05


@dataclass(frozen=True, slots=True)
class Measured:
    """A question's difficulty as measured in play."""

    share_right: float
    low: float  # the 90 % interval around share_right
    high: float
    level: int  # 1 easy, 2 medium, 3 hard, from share_right
    sure: bool  # the whole interval lies in that level's band


def level_of(share_right: float) -> int:
    return 1 if share_right >= EASY_FROM else 2 if share_right >= MEDIUM_FROM else 3


def wilson(successes: int, trials: int, z: float = Z_90) -> tuple[float, float]:
    """The Wilson score interval of a share; (0, 1) when nothing was tried."""
    if trials <= 0:
        return 0.0, 1.0
    share = successes / trials
    centre = share + z * z / (2 * trials)
    spread = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials))
    scale = 1 + z * z / trials
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)


def measure(right: int, asked: int) -> Measured | None:
    """The measured difficulty, or None below MIN_PLAYS_TO_JUDGE plays."""
    if asked < MIN_PLAYS_TO_JUDGE:
        return None
    share = right / asked
    low, high = wilson(right, asked)
    level = level_of(share)
    return Measured(share, low, high, level, level_of(low) == level_of(high) == level)


def disagrees(label: int, measured: Measured | None) -> bool:
    """Play says, surely, that the question belongs at another level than its label."""
    return measured is not None and measured.sure and measured.level != label


def median_ms(bins: Sequence[int]) -> int | None:
    """The median of times kept in one-second bins (the last open-ended), interpolated."""
    total = sum(bins)
    if total == 0:
        return None
    half = total / 2
    seen = 0
    for second, count in enumerate(bins):
        if count and seen + count >= half:
            return round((second + (half - seen) / count) * 1000)
        seen += count
    return (len(bins) - 1) * 1000


def pull_back_reason(asked: int, right: int, reports: int) -> str | None:
    """Why a published question should go back for review, in words; None if it should not."""
    if reports >= REPORTS_TO_PULL and asked and reports / asked >= REPORT_RATE_TO_PULL:
        return f"reported {reports} times in {asked} plays ({reports / asked:.0%})"
    if asked >= PLAYS_TO_PULL and wilson(right, asked)[1] < HOPELESS:
        return f"right {right} times in {asked} plays: its answer may be wrong"
    return None
