"""Every report: its name in URLs, its title, how to build it and how long a copy stays fresh.

REPORTS are the admin's; BOARDS are the players' leaderboards, built and cached the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from services import leaderboards
from services.reports import activity, near_misses, pipeline, quality
from services.reports.filters import ReportFilters
from services.reports.progress import Progress
from store.port import Store

Build = Callable[[Store, ReportFilters, Progress], Awaitable[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class ReportSpec:
    name: str
    title: str
    summary: str
    build: Build
    refresh_seconds: float  # a copy older than this is served, and rebuilt in the background


REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            "quality",
            "Question quality",
            "How each question plays; hardest, easiest, mislabelled, to review again.",
            quality.build,
            15 * 60,
        ),
        ReportSpec(
            "near-misses",
            "Near misses",
            "What players typed that was refused but close to the answer.",
            near_misses.build,
            15 * 60,
        ),
        ReportSpec(
            "pipeline",
            "Pipeline",
            "Submitted, reviewed, published: counts, waits, reviewer agreement.",
            pipeline.build,
            10 * 60,
        ),
        ReportSpec(
            "activity",
            "Activity",
            "Battles per day and hour, players, outcomes, answer-to-reveal latency.",
            activity.build,
            5 * 60,
        ),
    )
}

BOARDS: dict[str, ReportSpec] = {
    leaderboards.NAME: ReportSpec(
        leaderboards.NAME,
        "Leaderboards",
        "Ratings, rating gained this week, questions taken, contributors.",
        leaderboards.build,
        10 * 60,
    )
}


def spec_named(name: str) -> ReportSpec:
    """The report or board called `name`; KeyError for any other."""
    return REPORTS[name] if name in REPORTS else BOARDS[name]
