"""The question pipeline: how many questions stand in each state and moved through it, how long
they wait there, how often reviewers agree with the moderators, and who contributes most."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from typing import Any

from game.pipeline import Action, Change, Review, State, Verdict
from services.reports.document import chart, figure, percent, report, table
from services.reports.filters import ReportFilters
from services.reports.progress import Progress
from store.port import Store

TOP = 10
LATER = 1e18  # a decision may come long after the review it settles
STATES = (
    (State.SUBMITTED, "Waiting for reviews"),
    (State.APPROVED, "Approved by reviewers"),
    (State.PUBLISHED, "Published"),
    (State.REJECTED, "Rejected"),
    (State.RETRACTED, "Withdrawn"),
    (State.DRAFT, "Back with the author"),
)
MOVES = (
    (Action.SUBMIT, "Submitted"),
    (Action.PASS_REVIEW, "Passed review"),
    (Action.RETURN, "Sent back by reviewers"),
    (Action.PUBLISH, "Published"),
    (Action.REJECT, "Rejected"),
    (Action.RETRACT, "Withdrawn by the author"),
    (Action.UNPUBLISH, "Taken out of the bank"),
)
# A review agrees with the moderator when it called right what was published, or wrong what
# was rejected; "not sure" counts neither way.
AGREES = {(Verdict.CORRECT, Action.PUBLISH), (Verdict.WRONG, Action.REJECT)}


async def build(store: Store, filters: ReportFilters, progress: Progress) -> dict[str, Any]:
    standing = await store.submission_counts()
    changes = await store.changes_between(filters.since, filters.until)
    await progress(0.3)
    reviews = await store.reviews_between(filters.since, filters.until)
    decisions = _decisions(await store.changes_between(filters.since, LATER))
    await progress(0.6)
    moved = Counter(c.action for c in changes)
    waits = _hours_in_each_state(changes)
    agreement = _agreement(reviews, decisions)
    reviewers = await _top_reviewers(store, reviews, decisions)
    contributors = await store.contributors(limit=TOP)
    states: list[dict[str, Any]] = [
        {
            "state": words,
            "now": standing.get(state, 0),
            "median_hours": _median(waits.get(state)),
        }
        for state, words in STATES
    ]
    moves: list[dict[str, Any]] = [
        {"move": words, "count": moved.get(action, 0)} for action, words in MOVES
    ]
    return report(
        "pipeline",
        "The question pipeline",
        filters.to_dict(),
        [
            figure("Submitted", str(moved.get(Action.SUBMIT, 0))),
            figure("Published", str(moved.get(Action.PUBLISH, 0))),
            figure("Rejected", str(moved.get(Action.REJECT, 0))),
            figure(
                "Waiting now",
                str(standing.get(State.SUBMITTED, 0) + standing.get(State.APPROVED, 0)),
            ),
            figure("Reviews agreeing with moderators", agreement),
        ],
        [
            chart(
                "moves",
                "Moves through the pipeline",
                "bar",
                [m["move"] for m in moves],
                {"Questions": [m["count"] for m in moves]},
                "moves-table",
            ),
        ],
        [
            table(
                "moves-table",
                "Moves through the pipeline",
                [("move", "Move"), ("count", "Questions")],
                moves,
            ),
            table(
                "states",
                "Where questions stand",
                [("state", "State"), ("now", "Now"), ("median_hours", "Median hours spent")],
                states,
            ),
            table(
                "reviewers",
                "Top reviewers",
                [
                    ("name", "Reviewer"),
                    ("reviews", "Reviews"),
                    ("settled", "Decided since"),
                    ("agree_pct", "Agreed with the moderator %"),
                ],
                reviewers,
            ),
            table(
                "contributors",
                "Top contributors",
                [("name", "Contributor"), ("points", "Points")],
                [{"name": c.nickname, "points": c.points} for c in contributors],
            ),
        ],
    )


def _decisions(changes: list[Change]) -> dict[str, Action]:
    """Each question's last publish or reject."""
    decided: dict[str, Action] = {}
    for change in changes:
        if change.action in (Action.PUBLISH, Action.REJECT):
            decided[change.question_id] = change.action
    return decided


def _hours_in_each_state(changes: list[Change]) -> dict[State, list[float]]:
    """Hours spent in each state entered and left inside the range."""
    by_question: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_question[change.question_id].append(change)
    waits: dict[State, list[float]] = defaultdict(list)
    for moves in by_question.values():
        for entered, left in itertools.pairwise(moves):
            if left.to_state != entered.to_state:
                waits[entered.to_state].append((left.at - entered.at) / 3600)
    return waits


def _agreement(reviews: list[Review], decisions: dict[str, Action]) -> str:
    settled = [(r.verdict, decisions[r.question_id]) for r in reviews if r.question_id in decisions]
    judged = [pair for pair in settled if pair[0] is not Verdict.UNSURE]
    value = percent(sum(pair in AGREES for pair in judged), len(judged))
    return "–" if value is None else f"{value}%"


async def _top_reviewers(
    store: Store, reviews: list[Review], decisions: dict[str, Action]
) -> list[dict[str, Any]]:
    counts = Counter(r.reviewer_id for r in reviews)
    rows = []
    for reviewer_id, count in counts.most_common(TOP):
        mine = [
            (r.verdict, decisions[r.question_id])
            for r in reviews
            if r.reviewer_id == reviewer_id
            and r.question_id in decisions
            and r.verdict is not Verdict.UNSURE
        ]
        user = await store.get_user(reviewer_id)
        rows.append(
            {
                "name": user.nickname if user else "a former player",
                "reviews": count,
                "settled": len(mine),
                "agree_pct": percent(sum(pair in AGREES for pair in mine), len(mine)),
            }
        )
    return rows


def _median(hours: list[float] | None) -> float | None:
    return round(statistics.median(hours), 1) if hours else None
