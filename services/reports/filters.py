"""What a report is asked for: a range of days and, optionally, one category."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from game.questions import CATEGORIES
from game.statistics import SECONDS_PER_DAY

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366


class FilterError(ValueError):
    """A filter a person typed that cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class ReportFilters:
    first_day: int  # UTC day numbers, both included
    last_day: int
    category: str | None = None

    @property
    def since(self) -> float:
        return float(self.first_day * SECONDS_PER_DAY)

    @property
    def until(self) -> float:
        return float((self.last_day + 1) * SECONDS_PER_DAY)

    def key(self, report: str) -> str:
        """The cache key of `report` built for these filters."""
        return f"{report}:{self.first_day}:{self.last_day}:{self.category or ''}"

    def to_dict(self) -> dict[str, Any]:
        return {"first_day": self.first_day, "last_day": self.last_day, "category": self.category}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportFilters:
        return cls(int(data["first_day"]), int(data["last_day"]), data.get("category"))

    def as_query(self) -> dict[str, str]:
        """The form fields that ask for these filters again."""
        return {
            "from": iso_day(self.first_day),
            "to": iso_day(self.last_day),
            "category": self.category or "",
        }


def iso_day(day: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()


def read_filters(fields: Mapping[str, str], today: int) -> ReportFilters:
    """Filters from a form's `from`, `to` (YYYY-MM-DD) and `category`; the last 30 days of
    every category when left empty. Raises FilterError for anything else."""
    last = _day(fields.get("to", ""), "to", today)
    first = _day(fields.get("from", ""), "from", last - DEFAULT_DAYS + 1)
    if first > last:
        raise FilterError("The first day comes after the last.")
    if last - first >= MAX_DAYS:
        raise FilterError(f"Ask for at most {MAX_DAYS} days at a time.")
    category = fields.get("category", "") or None
    if category is not None and category not in CATEGORIES:
        raise FilterError("There is no such category.")
    return ReportFilters(first, last, category)


def _day(text: str, name: str, default: int) -> int:
    if not text.strip():
        return default
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise FilterError(f"'{name}' must be a date like 2026-11-29.") from None
    return (day - dt.date(1970, 1, 1)).days
