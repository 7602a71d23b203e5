"""The players' leaderboards: ratings, rating gained this week, questions taken (overall or in
one category, all time and this week) and contributors. Built by the report worker like the
admin reports (services.reports.serving) and served from the cache with their age.
"""

from __future__ import annotations

from typing import Any

from game.questions import CATEGORY_NAMES
from game.statistics import SECONDS_PER_DAY
from services.reports.document import figure, report, table
from services.reports.filters import ReportFilters
from services.reports.progress import Progress
from store.port import Standing, Store

NAME = "leaderboards"
SHOWN = 100
WEEK_DAYS = 7
ALL_TIME_FROM = 0  # day 0: 1970-01-01


def for_category(category: str | None, today: int) -> ReportFilters:
    """The filters (and so the cache key) of the boards for `category` as of `today`."""
    return ReportFilters(today - WEEK_DAYS + 1, today, category)


async def build(store: Store, filters: ReportFilters, progress: Progress) -> dict[str, Any]:
    week_since = filters.first_day * SECONDS_PER_DAY
    week_until = (filters.last_day + 1) * SECONDS_PER_DAY
    rated = await store.rating_leaders(SHOWN)
    gained = await store.rating_gains_between(week_since, week_until, SHOWN)
    await progress(0.4)
    taken_ever = await store.category_leaders(
        filters.category, ALL_TIME_FROM, filters.last_day, SHOWN
    )
    taken_week = await store.category_leaders(
        filters.category, filters.first_day, filters.last_day, SHOWN
    )
    await progress(0.8)
    contributors = await store.contributors(limit=SHOWN)
    where = CATEGORY_NAMES.get(filters.category or "", "every category")
    return report(
        NAME,
        f"Leaderboards · {where}",
        filters.to_dict(),
        [figure("Rated players", str(len(rated)))],
        [],
        [
            table(
                "rating",
                "Rating, all time",
                _RATED_COLUMNS,
                [
                    {
                        "place": i,
                        "user_id": p.user_id,
                        "name": p.nickname,
                        "rating": round(p.rating.rating),
                        "games": p.games,
                    }
                    for i, p in enumerate(rated, 1)
                ],
            ),
            table("rating-week", "Rating gained this week", _GAIN_COLUMNS, _ranked(gained)),
            table(
                "taken",
                f"Questions taken, all time · {where}",
                _TAKEN_COLUMNS,
                _ranked(taken_ever),
            ),
            table(
                "taken-week",
                f"Questions taken this week · {where}",
                _TAKEN_COLUMNS,
                _ranked(taken_week),
            ),
            table(
                "contributors",
                "Contributors",
                _CONTRIBUTOR_COLUMNS,
                [
                    {"place": i, "user_id": c.user_id, "name": c.nickname, "points": c.points}
                    for i, c in enumerate(contributors, 1)
                ],
            ),
        ],
    )


_RATED_COLUMNS = [("place", "#"), ("name", "Player"), ("rating", "Rating"), ("games", "Games")]
_GAIN_COLUMNS = [("place", "#"), ("name", "Player"), ("score", "Gained"), ("out_of", "Battles")]
_TAKEN_COLUMNS = [("place", "#"), ("name", "Player"), ("score", "Taken"), ("out_of", "Met")]
_CONTRIBUTOR_COLUMNS = [("place", "#"), ("name", "Contributor"), ("points", "Points")]


def _ranked(standings: list[Standing]) -> list[dict[str, Any]]:
    return [
        {
            "place": place,
            "user_id": s.user_id,
            "name": s.nickname,
            "score": round(s.score),
            "out_of": s.out_of,
        }
        for place, s in enumerate(standings, 1)
    ]
