"""The question pipeline's rules: submission states, who may move them, the review rule, points.

A player's question is a `Submission`: the question itself plus where it stands. Every move is an
`Action` checked against one table (`TRANSITIONS`) and leaves a `Change` saying who, when and why.
Peer reviews decide nothing alone: `review_outcome` says when enough of them send the question on
to the moderators or back to its author. Contributor points follow from a final decision.

Pure: no I/O, no clock (`now` is passed in). Imports game values and limits only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from game.limits import RateLimit
from game.questions import Question

REVIEWS_NEEDED = 3
DEFAULT_DAILY_SUBMISSIONS = 5
MAX_COMMENT = 500
MAX_REASON = 500
QUALITIES: tuple[int, ...] = (1, 2, 3, 4, 5)

# A report sent at a reveal reaches the store before its battle does (a battle is stored when it
# ends); it waits this long for the stored battle to confirm it, then expires.
REPORT_WAIT_SECONDS = 10 * 60.0
# A player meets ten questions a battle; a whole network (a school, a café) many more.
REPORTS_PER_PLAYER = RateLimit(30, 3600.0)
REPORTS_PER_ADDRESS = RateLimit(100, 3600.0)
# Previews and submissions each check a question against the bank: plenty for writing, too few
# to keep a game process busy.
CHECKS_PER_PLAYER = RateLimit(20, 10 * 60.0)

# Contributor points, and why each exists.
PUBLISHED_POINTS = 10  # the author of a question that reached the bank
AGREEING_REVIEW_POINTS = 2  # a reviewer whose verdict matched the final decision
REJECTED_POINTS = -5  # the author of a rejected question: carelessness has a cost


class State(StrEnum):
    DRAFT = "draft"  # with its author, new or sent back by reviewers
    SUBMITTED = "submitted"  # waiting for peer reviews
    APPROVED = "approved-by-review"  # enough reviews without a "wrong" majority: moderators next
    PUBLISHED = "published"  # in the bank, drawn in battles
    REJECTED = "rejected"  # refused by a moderator, with a reason
    RETRACTED = "retracted"  # withdrawn by its author, or taken out of the bank by a moderator


class Action(StrEnum):
    SUBMIT = "submit"  # author: draft -> submitted
    PASS_REVIEW = "pass-review"  # reviews: submitted -> approved
    RETURN = "return"  # reviews: a "wrong" majority sends it back to the author
    PUBLISH = "publish"  # moderator
    REJECT = "reject"  # moderator, with a reason
    RETRACT = "retract"  # author withdraws it before it is published
    UNPUBLISH = "unpublish"  # moderator takes a published question out of the bank
    EDIT = "edit"  # moderator edits in place; the state stays
    RECALL = "recall"  # its figures in play take a published question back to the moderators


class Verdict(StrEnum):
    CORRECT = "correct"
    UNSURE = "unsure"
    WRONG = "wrong"


class ReportKind(StrEnum):
    WRONG_FACT = "wrong-fact"
    AMBIGUOUS = "ambiguous"
    OFFENSIVE = "offensive"
    JUDGED_WRONGLY = "judged-wrongly"  # carries what the player typed


class ReportStatus(StrEnum):
    UNVERIFIED = "unverified"  # sent before its battle was stored; shown once the battle confirms
    EXPIRED = "expired"  # its battle, stored or not after REPORT_WAIT_SECONDS, did not confirm it
    OPEN = "open"
    RESOLVED = "resolved"  # a moderator acted on it (alias added, edited, unpublished)
    DISMISSED = "dismissed"


_EDITABLE = (State.DRAFT, State.SUBMITTED, State.APPROVED, State.PUBLISHED)

# (state, action) -> the state it leads to. Anything missing is refused.
TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.DRAFT, Action.SUBMIT): State.SUBMITTED,
    (State.SUBMITTED, Action.PASS_REVIEW): State.APPROVED,
    (State.SUBMITTED, Action.RETURN): State.DRAFT,
    (State.SUBMITTED, Action.PUBLISH): State.PUBLISHED,
    (State.APPROVED, Action.PUBLISH): State.PUBLISHED,
    (State.SUBMITTED, Action.REJECT): State.REJECTED,
    (State.APPROVED, Action.REJECT): State.REJECTED,
    (State.DRAFT, Action.RETRACT): State.RETRACTED,
    (State.SUBMITTED, Action.RETRACT): State.RETRACTED,
    (State.APPROVED, Action.RETRACT): State.RETRACTED,
    (State.PUBLISHED, Action.UNPUBLISH): State.RETRACTED,
    (State.PUBLISHED, Action.RECALL): State.APPROVED,
    **{(state, Action.EDIT): state for state in _EDITABLE},
}

# Actions that need a reason the author will read.
NEEDS_REASON = frozenset({Action.REJECT, Action.UNPUBLISH, Action.RECALL})


class TransitionError(ValueError):
    """The action is not allowed from the submission's current state, or lacks a reason."""


@dataclass(frozen=True, slots=True)
class Submission:
    """A player's question and where it stands. `round` counts trips to the reviewers."""

    question: Question
    state: State
    created_at: float
    updated_at: float
    round: int = 1
    reason: str = ""  # the last rejection, return or unpublish reason, shown to the author

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def author_id(self) -> str:
        return self.question.author_id or ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question.to_dict(),
            "state": self.state.value,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "round": self.round,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Submission:
        return cls(
            question=Question.from_dict(record["question"]),
            state=State(record["state"]),
            created_at=float(record["created_at"]),
            updated_at=float(record["updated_at"]),
            round=int(record.get("round", 1)),
            reason=str(record.get("reason", "")),
        )


@dataclass(frozen=True, slots=True)
class Change:
    """One recorded move of a submission: who did what, when, and why."""

    question_id: str
    action: Action
    from_state: State | None  # None when the submission is created
    to_state: State
    by: str
    at: float
    why: str = ""


@dataclass(frozen=True, slots=True)
class Review:
    """One reviewer's opinion of one round of a submission; keyed by (question, round, reviewer)."""

    question_id: str
    reviewer_id: str
    verdict: Verdict
    quality: int
    difficulty: int
    comment: str
    at: float
    round: int = 1


@dataclass(frozen=True, slots=True)
class Report:
    """A player's report of a question met in a battle; keyed by (battle, question, reporter)."""

    battle_id: str
    question_id: str
    reporter_id: str
    kind: ReportKind
    typed: str
    at: float
    status: ReportStatus = ReportStatus.OPEN
    resolved_by: str | None = None
    resolved_at: float | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class PointAward:
    """Points for one contributor for one question; keyed by (user, question, why)."""

    user_id: str
    question_id: str
    points: int
    why: str


def new_submission(question: Question, author_id: str, now: float) -> tuple[Submission, Change]:
    """A fresh submission, sent straight to the reviewers (the form's preview is the draft)."""
    question = replace(question, author_id=author_id, published=False)
    submission = Submission(question, State.SUBMITTED, now, now)
    return submission, Change(question.id, Action.SUBMIT, None, State.SUBMITTED, author_id, now)


def transition(
    submission: Submission,
    action: Action,
    *,
    by: str,
    now: float,
    why: str = "",
    question: Question | None = None,
) -> tuple[Submission, Change]:
    """Apply `action`, returning the moved submission and the change to record.

    `question` replaces the question text for EDIT (and for SUBMIT, when an author revises a
    draft); its id, author and published flag are kept. A submission sent back to the reviewers
    starts a new round. Raises TransitionError when the table has no such move, or when the
    action needs a reason and `why` is blank.
    """
    target = TRANSITIONS.get((submission.state, action))
    if target is None:
        raise TransitionError(f"cannot {action.value} a {submission.state.value} question")
    why = why.strip()
    if action in NEEDS_REASON and not why:
        raise TransitionError(f"{action.value} needs a reason")
    if len(why) > MAX_REASON:
        raise TransitionError(f"the reason is longer than {MAX_REASON} characters")
    current = submission.question
    if question is not None:
        current = replace(question, id=current.id, author_id=current.author_id)
    current = replace(current, published=target is State.PUBLISHED)
    moved = replace(
        submission,
        question=current,
        state=target,
        updated_at=now,
        round=submission.round + (action is Action.SUBMIT),
        reason=why if action in (*NEEDS_REASON, Action.RETURN) else submission.reason,
    )
    change = Change(submission.id, action, submission.state, target, by, now, why)
    return moved, change


def review_outcome(reviews: Sequence[Review]) -> Action | None:
    """What the reviews of one round decide: RETURN on a "wrong" majority, PASS_REVIEW once
    REVIEWS_NEEDED reviews have no such majority, None while fewer reviews are in."""
    if len(reviews) < REVIEWS_NEEDED:
        return None
    wrong = sum(1 for r in reviews if r.verdict is Verdict.WRONG)
    return Action.RETURN if wrong * 2 > len(reviews) else Action.PASS_REVIEW


def returned_comments(reviews: Sequence[Review]) -> str:
    """The reviewers' comments, one per line, for the author of a returned question."""
    lines = [f"{r.verdict.value}: {r.comment.strip()}" for r in reviews if r.comment.strip()]
    return "\n".join(lines) or "Most reviewers judged it wrong."


def points_for_decision(
    submission: Submission, reviews: Sequence[Review], decision: State
) -> list[PointAward]:
    """Points a final decision (PUBLISHED or REJECTED) earns the author and the reviewers.

    A review agrees with publishing when it said "correct", with rejecting when it said "wrong";
    "unsure" never earns points. Other states earn nothing. Awards are keyed, so granting the
    same decision twice has the effect of granting it once.
    """
    if decision is State.PUBLISHED:
        author = PointAward(submission.author_id, submission.id, PUBLISHED_POINTS, "published")
        agreeing = Verdict.CORRECT
    elif decision is State.REJECTED:
        author = PointAward(submission.author_id, submission.id, REJECTED_POINTS, "rejected")
        agreeing = Verdict.WRONG
    else:
        return []
    awards = [author]
    for review in reviews:
        if review.verdict is agreeing:
            why = f"review-round-{review.round}"
            awards.append(
                PointAward(review.reviewer_id, submission.id, AGREEING_REVIEW_POINTS, why)
            )
    return awards


def may_submit(submitted_today: int, daily_limit: int) -> bool:
    """Whether a player who submitted `submitted_today` questions today may submit another."""
    return submitted_today < daily_limit


def can_review(submission: Submission, reviewer_id: str, reviewed: bool) -> bool:
    """A reviewer may review a submitted question they did not write and have not reviewed."""
    return (
        submission.state is State.SUBMITTED and submission.author_id != reviewer_id and not reviewed
    )


def report_matches_battle(
    player_ids: Sequence[str], question_ids: Sequence[str], reporter_id: str, question_id: str
) -> bool:
    """A report is about a battle only when the reporter played it and met that question."""
    return reporter_id in player_ids and question_id in question_ids
