"""Activity: battles per day and per hour, distinct and peak players, the practice bot's share,
how battles ended, and the answer-to-reveal latency as the game processes saw it."""

from __future__ import annotations

from typing import Any

from game.statistics import bucket_end
from services.reports.document import chart, figure, percent, report, table
from services.reports.filters import ReportFilters, iso_day
from services.reports.progress import Progress
from store.port import Store

OUTCOMES = (("finished", "Played to the end"), ("forfeit", "Forfeited"), ("aborted", "Called off"))


async def build(store: Store, filters: ReportFilters, progress: Progress) -> dict[str, Any]:
    activity = await store.activity_between(filters.since, filters.until, filters.category)
    await progress(0.7)
    latencies = await store.reveal_latencies_between(filters.since, filters.until)
    days = list(range(filters.first_day, filters.last_day + 1))
    per_day: list[dict[str, Any]] = [
        {"day": iso_day(d), "battles": activity.by_day.get(d, 0)} for d in days
    ]
    per_hour: list[dict[str, Any]] = [
        {"hour": f"{h:02d}:00", "battles": activity.by_hour.get(h, 0)} for h in range(24)
    ]
    outcomes: list[dict[str, Any]] = [
        {
            "outcome": words,
            "battles": activity.outcomes.get(code, 0),
            "share": percent(activity.outcomes.get(code, 0), activity.battles),
        }
        for code, words in OUTCOMES
    ]
    latency_rows: list[dict[str, Any]] = [
        {"ms": f"{ms}–{bucket_end(ms)}", "answers": n} for ms, n in sorted(latencies.items())
    ]
    return report(
        "activity",
        "Activity",
        filters.to_dict(),
        [
            figure("Battles", str(activity.battles)),
            figure("Players", str(activity.players)),
            figure("Most at once", str(activity.peak_players)),
            figure("With the practice bot", _percent_text(activity.with_bot, activity.battles)),
            figure("Answer to reveal, median", _quantile_text(latencies, 0.5)),
            figure("Answer to reveal, p99", _quantile_text(latencies, 0.99)),
        ],
        [
            chart(
                "per-day",
                "Battles per day",
                "line",
                [r["day"] for r in per_day],
                {"Battles": [r["battles"] for r in per_day]},
                "per-day-table",
            ),
            chart(
                "per-hour",
                "Battles by hour of the day (UTC)",
                "bar",
                [r["hour"] for r in per_hour],
                {"Battles": [r["battles"] for r in per_hour]},
                "per-hour-table",
            ),
            chart(
                "latency",
                "Answer to reveal (ms)",
                "bar",
                [r["ms"] for r in latency_rows],
                {"Answers": [r["answers"] for r in latency_rows]},
                "latency-table",
            ),
        ],
        [
            table(
                "per-day-table",
                "Battles per day",
                [("day", "Day"), ("battles", "Battles")],
                per_day,
            ),
            table(
                "per-hour-table",
                "Battles by hour of the day (UTC)",
                [("hour", "Hour"), ("battles", "Battles")],
                per_hour,
            ),
            table(
                "outcomes",
                "How battles ended",
                [("outcome", "Ended"), ("battles", "Battles"), ("share", "Share %")],
                outcomes,
            ),
            table(
                "latency-table",
                "Answer to reveal",
                [("ms", "Milliseconds"), ("answers", "Answers")],
                latency_rows,
            ),
        ],
    )


def quantile_ms(latencies: dict[int, int], q: float) -> int | None:
    """The bucket (its lower bound, ms) that holds quantile `q` of the counted latencies."""
    total = sum(latencies.values())
    if not total:
        return None
    seen = 0
    for ms, count in sorted(latencies.items()):
        seen += count
        if seen >= q * total:
            return ms
    return max(latencies)


def _quantile_text(latencies: dict[int, int], q: float) -> str:
    ms = quantile_ms(latencies, q)
    return "–" if ms is None else f"{ms}–{bucket_end(ms)}\u00a0ms"


def _percent_text(part: int, whole: int) -> str:
    value = percent(part, whole)
    return "–" if value is None else f"{value}%"
