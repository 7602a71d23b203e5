"""The words people read for the values the rules keep as codes: categories, difficulties,
question states and moves, review verdicts, report kinds and times.

Templates of both processes reach these as UI methods (`{{ category_name(q.category) }}`), so a
slug or an id never reaches a page by accident. Imports game values only.
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable
from typing import Any

from game.pipeline import Action, ReportKind, State, Verdict
from game.questions import CATEGORY_NAMES

DIFFICULTY_NAMES = {1: "easy", 2: "medium", 3: "hard"}
QUALITY_NAMES = {1: "poor", 2: "weak", 3: "fine", 4: "good", 5: "great"}

STATE_NAMES = {
    State.DRAFT: "back with its author",
    State.SUBMITTED: "waiting for reviews",
    State.APPROVED: "approved by reviewers",
    State.PUBLISHED: "published",
    State.REJECTED: "rejected",
    State.RETRACTED: "withdrawn",
}
# What the author reads about their own question in the state it is in.
AUTHOR_STATE_NAMES = {**STATE_NAMES, State.DRAFT: "sent back to you"}

ACTION_NAMES = {
    Action.SUBMIT: "sent to the reviewers",
    Action.PASS_REVIEW: "approved by the reviewers",
    Action.RETURN: "sent back by the reviewers",
    Action.PUBLISH: "published",
    Action.REJECT: "rejected",
    Action.RETRACT: "withdrawn",
    Action.UNPUBLISH: "taken out of the bank",
    Action.EDIT: "edited",
    Action.RECALL: "pulled back for review",
}

VERDICT_NAMES = {Verdict.CORRECT: "right", Verdict.UNSURE: "not sure", Verdict.WRONG: "wrong"}
# The review form's question is "Is the answer right?"
VERDICT_ANSWERS = {
    Verdict.CORRECT: "Yes, it is right",
    Verdict.UNSURE: "Not sure",
    Verdict.WRONG: "No, it is wrong",
}

REPORT_KIND_NAMES = {
    ReportKind.WRONG_FACT: "Wrong fact",
    ReportKind.AMBIGUOUS: "Ambiguous",
    ReportKind.OFFENSIVE: "Offensive",
    ReportKind.JUDGED_WRONGLY: "Right answer judged wrong",
}

_MINUTE, _HOUR, _DAY = 60, 3600, 86400


def category_name(slug: str) -> str:
    """The category as players read it; an unknown slug reads as words."""
    return CATEGORY_NAMES.get(slug, slug.replace("-", " ").capitalize())


def difficulty_name(level: int) -> str:
    return DIFFICULTY_NAMES.get(level, "unrated")


def when(at: float, now: float | None = None) -> str:
    """How long ago `at` was, in words ("3 hours ago"); past a week, the date ("4 May 2026")."""
    ago = max(0.0, (clock.time() if now is None else now) - at)
    if ago < _MINUTE:
        return "just now"
    if ago < _HOUR:
        return _ago(int(ago // _MINUTE), "minute")
    if ago < _DAY:
        return _ago(int(ago // _HOUR), "hour")
    days = int(ago // _DAY)
    if days == 1:
        return "yesterday"
    if days < 7:
        return _ago(days, "day")
    day = clock.gmtime(at)
    return f"{day.tm_mday}\u00a0{clock.strftime('%B %Y', day)}"


def _ago(count: int, unit: str) -> str:
    return f"{count}\u00a0{unit}{'' if count == 1 else 's'} ago"  # never split at the space


def iso_time(at: float) -> str:
    """The machine-readable form of a time, for <time datetime>."""
    return clock.strftime("%Y-%m-%dT%H:%M:%SZ", clock.gmtime(at))


def _name_of(names: dict[Any, str]) -> Callable[[Any], str]:
    return lambda code: names.get(code, str(code).replace("-", " "))


# Tornado passes the handler first to every UI method.
UI_METHODS: dict[str, Callable[..., str]] = {
    "category_name": lambda _, slug: category_name(slug),
    "difficulty_name": lambda _, level: difficulty_name(level),
    "quality_name": lambda _, level: QUALITY_NAMES.get(level, str(level)),
    "state_name": lambda _, state: _name_of(STATE_NAMES)(state),
    "author_state_name": lambda _, state: _name_of(AUTHOR_STATE_NAMES)(state),
    "action_name": lambda _, action: _name_of(ACTION_NAMES)(action),
    "verdict_name": lambda _, verdict: _name_of(VERDICT_NAMES)(verdict),
    "verdict_answer": lambda _, verdict: _name_of(VERDICT_ANSWERS)(verdict),
    "report_kind_name": lambda _, kind: _name_of(REPORT_KIND_NAMES)(kind),
    "when": lambda _, at: when(at),
    "iso_time": lambda _, at: iso_time(at),
}
