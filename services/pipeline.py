"""The question pipeline as a service: read from the store, apply a rule of game.pipeline, write.

Shared by the game process's question pages and the admin process, so both move a question the
same way. Every function takes the store and `now`; none renders or knows about HTTP. Mistakes a
person can fix raise PipelineError with a message fit to show them. Imports game, store.port
and nothing of either process's web layer.
"""

from __future__ import annotations

import contextlib
import random
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace

from game.answers import MAX_ANSWER_LENGTH
from game.bank_rules import MAX_OTHER_ANSWERS
from game.pipeline import (
    DEFAULT_DAILY_SUBMISSIONS,
    MAX_COMMENT,
    QUALITIES,
    REPORT_WAIT_SECONDS,
    Action,
    Change,
    Report,
    ReportKind,
    ReportStatus,
    Review,
    State,
    Submission,
    TransitionError,
    Verdict,
    can_review,
    may_submit,
    new_submission,
    points_for_decision,
    report_matches_battle,
    returned_comments,
    review_outcome,
    transition,
)
from game.questions import DIFFICULTIES, Question, QuestionFormatError
from services.bank_checks import BankChecks
from store.port import DuplicateSubmissionError, StaleSubmissionError, Store, User

# The question form's fields, read the same way by the game's form and the admin's edits.
FORM_FIELDS = (
    "category", "difficulty", "text", "answer", "aliases", "wrong1", "wrong2", "wrong3",
    "refused", "person", "did_you_know",
)  # fmt: skip
DAY_SECONDS = 24 * 3600
MAX_TYPED = 120
# The form's lists of other answers, and what a person reads when one breaks the bank's limits.
OTHER_ANSWER_FIELDS = {
    "aliases": "Other answers to accept",
    "refused": "Look-alike answers to refuse",
}
REVIEWS_BY = "reviews"  # who moved a question when its reviews decided
BATTLE_ID = re.compile(r"[0-9a-f]{32}")

# Told (question id, time of the rejection) once a rejection is stored; the admin process
# queues the author's mail here (admin/notify.py).
RejectionNotifier = Callable[[str, float], Awaitable[None]]


class PipelineError(ValueError):
    """A request the pipeline refuses; the message is for the person who made it."""


class Conflict(PipelineError):
    """Someone else moved the question first."""


def question_from_form(form: Mapping[str, str], question_id: str) -> Question:
    """A question from the submission form's fields; PipelineError for a missing field, or a
    list of other answers too long to check."""

    def lines(name: str) -> tuple[str, ...]:
        items = tuple(line.strip() for line in form.get(name, "").splitlines() if line.strip())
        if len(items) > MAX_OTHER_ANSWERS or any(len(i) > MAX_ANSWER_LENGTH for i in items):
            raise PipelineError(
                f"{OTHER_ANSWER_FIELDS[name]}: at most {MAX_OTHER_ANSWERS} lines, each at most "
                f"{MAX_ANSWER_LENGTH} characters."
            )
        return items

    try:
        difficulty = int(form.get("difficulty", ""))
    except ValueError:
        difficulty = 0
    record = {
        "id": question_id,
        "category": form.get("category", "").strip(),
        "difficulty": difficulty if difficulty in DIFFICULTIES else 0,
        "text": form.get("text", "").strip(),
        "answer": form.get("answer", "").strip(),
        "aliases": list(lines("aliases")),
        "wrong": [form.get(f"wrong{i}", "").strip() for i in (1, 2, 3)],
        "refused": list(lines("refused")),
        "person": form.get("person") == "on",
        "did_you_know": form.get("did_you_know", "").strip(),
        "published": False,
    }
    try:
        return Question.from_dict(record)
    except QuestionFormatError as error:
        raise PipelineError(f"Please fill in every field ({error}).") from error


def new_question_id() -> str:
    return f"u-{uuid.uuid4().hex[:12]}"


async def submit(
    store: Store,
    author: User,
    question: Question,
    now: float,
    daily_limit: int = DEFAULT_DAILY_SUBMISSIONS,
    *,
    checks: BankChecks | None = None,
) -> Submission:
    """Send a checked question to the reviewers; PipelineError past the daily limit or on errors.

    Every function here that checks a question does it with `checks`, the process's cached
    index of the bank; without one, it builds an index of its own (slower, never stale)."""
    if not may_submit(await store.count_submissions(author.id, now - DAY_SECONDS), daily_limit):
        raise PipelineError(f"You can submit {daily_limit} questions a day; come back tomorrow.")
    await _refuse_errors(checks or BankChecks(store), question)
    submission, change = new_submission(question, author.id, now)
    try:
        added = await store.add_submission(submission, change)
    except DuplicateSubmissionError:
        raise PipelineError(
            "This question, with this answer, was sent already: it is waiting for review or "
            "already in the game."
        ) from None
    if not added:
        raise Conflict("That question was already submitted.")
    return submission


async def next_to_review(store: Store, reviewer: User, rng: random.Random) -> Submission | None:
    """A random submitted question the reviewer did not write and has not reviewed."""
    candidates = await store.reviewable_submissions(reviewer.id)
    return rng.choice(candidates) if candidates else None


async def review(store: Store, reviewer: User, form: Mapping[str, str], now: float) -> Submission:
    """Record a review from the review form and move the question when its reviews decide."""
    submission = await store.get_submission(form.get("question_id", ""))
    if submission is None:
        raise PipelineError("There is no such question to review.")
    round_reviews = await store.reviews_of(submission.id, submission.round)
    reviewed = any(r.reviewer_id == reviewer.id for r in round_reviews)
    if not can_review(submission, reviewer.id, reviewed):
        raise PipelineError("You cannot review this question.")
    try:
        verdict = Verdict(form.get("verdict", ""))
        quality = int(form.get("quality", ""))
        difficulty = int(form.get("difficulty", ""))
    except ValueError:
        raise PipelineError("Please give a verdict, a quality and a difficulty.") from None
    comment = form.get("comment", "").strip()
    if quality not in QUALITIES or difficulty not in DIFFICULTIES or len(comment) > MAX_COMMENT:
        raise PipelineError("Quality is 1-5, difficulty 1-3, the comment at most 500 characters.")
    mine = Review(
        submission.id, reviewer.id, verdict, quality, difficulty, comment, now, submission.round
    )
    await store.save_review(mine)
    round_reviews = await store.reviews_of(submission.id, submission.round)
    outcome = review_outcome(round_reviews)
    if outcome is None:
        return submission
    why = (
        returned_comments(round_reviews)
        if outcome is Action.RETURN
        else (f"{len(round_reviews)} reviews without a wrong majority")
    )
    moved, change = transition(submission, outcome, by=REVIEWS_BY, now=now, why=why)
    # A concurrent review may have moved it already; this review is stored all the same.
    with contextlib.suppress(StaleSubmissionError):
        await store.change_submission(moved, change)
    return moved


async def author_move(
    store: Store, author: User, question_id: str, action: Action, now: float
) -> Submission:
    """The author resubmits a returned question (a new round) or retracts one of theirs."""
    submission = await store.get_submission(question_id)
    if submission is None or submission.author_id != author.id:
        raise PipelineError("There is no such question of yours.")
    if action not in (Action.SUBMIT, Action.RETRACT):
        raise PipelineError("Authors can only resubmit or retract.")
    return await _move(store, submission, action, author.id, now)


async def decide(
    store: Store,
    moderator: User,
    question_id: str,
    action: Action,
    now: float,
    *,
    why: str = "",
    question: Question | None = None,
    notify_rejection: RejectionNotifier | None = None,
    checks: BankChecks | None = None,
) -> Submission:
    """A moderator's decision (publish, reject, edit, unpublish) on a submission.

    Publishing and rejecting grant contributor points; a rejection, once stored with the time
    `now`, is passed to `notify_rejection`, and whatever that raises comes out of here with the
    decision standing. Repeating a decision that already happened changes nothing and tells
    nobody again.
    """
    submission = await store.get_submission(question_id)
    if submission is None:
        raise PipelineError("There is no such submission.")
    if question is not None:
        await _refuse_errors(checks or BankChecks(store), replace(question, id=submission.id))
    target = {Action.PUBLISH: State.PUBLISHED, Action.REJECT: State.REJECTED}.get(action)
    if target is not None and submission.state is target:
        return submission  # a retried click: the decision stands
    moved = await _move(store, submission, action, moderator.id, now, why, question)
    if checks is not None:
        checks.forget()  # a publish, an edit or an unpublish changes what is checked against
    if target is not None:
        reviews = await store.reviews_of(submission.id, submission.round)
        await store.award_points(points_for_decision(moved, reviews, target))
    if action is Action.REJECT and notify_rejection is not None:
        await notify_rejection(moved.id, now)
    return moved


async def _move(
    store: Store,
    submission: Submission,
    action: Action,
    by: str,
    now: float,
    why: str = "",
    question: Question | None = None,
) -> Submission:
    try:
        moved, change = transition(submission, action, by=by, now=now, why=why, question=question)
    except TransitionError as error:
        raise PipelineError(str(error)) from error
    try:
        await store.change_submission(moved, change)
    except StaleSubmissionError as error:
        raise Conflict("Someone else changed this question first; reload and look again.") from (
            error
        )
    return moved


async def change_bank_question(
    store: Store,
    moderator: User,
    question: Question,
    action: Action,
    now: float,
    why: str = "",
    *,
    checks: BankChecks | None = None,
) -> None:
    """Edit or unpublish a published question, whether it came from a player or the bank files."""
    submission = await store.get_submission(question.id)
    if submission is not None:
        await decide(
            store, moderator, question.id, action, now, why=why, question=question, checks=checks
        )
        return
    if action is Action.EDIT:
        await _refuse_errors(checks or BankChecks(store), question)
    elif action is Action.UNPUBLISH and not why.strip():
        raise PipelineError("unpublish needs a reason")
    target = State.RETRACTED if action is Action.UNPUBLISH else State.PUBLISHED
    change = Change(question.id, action, State.PUBLISHED, target, moderator.id, now, why.strip())
    await store.change_bank_question(
        replace(question, published=action is not Action.UNPUBLISH), change
    )
    if checks is not None:
        checks.forget()


async def _refuse_errors(checks: BankChecks, question: Question) -> None:
    checked = await checks.check(question)
    if checked.errors:
        raise PipelineError("; ".join(p.message for p in checked.errors))


async def report(
    store: Store, reporter: User, payload: Mapping[str, object], now: float
) -> tuple[Report, bool]:
    """Record a player's report of a question met in a battle they played.

    A battle is stored when it ends, so a report sent at a reveal usually arrives first: it is
    kept UNVERIFIED and reaches the moderators once the stored battle confirms it, or expires
    (see `open_reports`). Returns the report and whether it is new. Raises PermissionError when the
    stored battle does not list the reporter with that question, PipelineError for a malformed
    payload.
    """
    battle_id, question_id = payload.get("battle"), payload.get("question_id")
    typed = payload.get("typed", "")
    if not isinstance(battle_id, str) or not isinstance(question_id, str):
        raise PipelineError("battle and question_id are required strings")
    try:
        kind = ReportKind(str(payload.get("kind")))
    except ValueError:
        raise PipelineError("kind is one of " + ", ".join(k.value for k in ReportKind)) from None
    if not isinstance(typed, str) or len(typed) > MAX_TYPED:
        raise PipelineError(f"typed is a string of at most {MAX_TYPED} characters")
    if kind is ReportKind.JUDGED_WRONGLY and not typed.strip():
        raise PipelineError("a judged-wrongly report carries what was typed")
    if not BATTLE_ID.fullmatch(battle_id) or len(question_id) > MAX_TYPED:
        raise PipelineError("battle or question_id is malformed")
    record = await store.get_battle(battle_id)
    if record is not None and not report_matches_battle(
        record.player_ids, record.question_ids, reporter.id, question_id
    ):
        raise PermissionError("only a player of that battle can report its questions")
    status = ReportStatus.OPEN if record is not None else ReportStatus.UNVERIFIED
    typed_text = typed.strip() if kind is ReportKind.JUDGED_WRONGLY else ""
    found = Report(battle_id, question_id, reporter.id, kind, typed_text, now, status)
    return found, await store.save_report(found)


async def open_reports(store: Store, now: float, limit: int = 100) -> list[Report]:
    """Open reports for the moderators, oldest first, once every unverified report is settled:
    opened when its stored battle confirms it, expired when that battle does not or when it
    waited REPORT_WAIT_SECONDS for a battle that never came."""
    await store.settle_reports(now, REPORT_WAIT_SECONDS)
    return await store.reports(ReportStatus.OPEN, limit)


async def close_report(
    store: Store,
    moderator: User,
    found: Report,
    now: float,
    *,
    add_alias: bool = False,
    unpublish_why: str = "",
    checks: BankChecks | None = None,
) -> None:
    """Act on a report: add the typed text as an alias, unpublish the question, or dismiss it."""
    question = await store.get_question(found.question_id)
    if question is None:
        raise PipelineError("That question is no longer in the store.")
    if add_alias:
        if not found.typed or found.typed in question.accepted:
            raise PipelineError("There is no new answer to add.")
        aliased = replace(question, aliases=(*question.aliases, found.typed))
        await change_bank_question(store, moderator, aliased, Action.EDIT, now, checks=checks)
        note = f"added {found.typed!r} as an alias"
    elif unpublish_why:
        await change_bank_question(
            store, moderator, question, Action.UNPUBLISH, now, unpublish_why, checks=checks
        )
        note = f"unpublished: {unpublish_why}"
    status = ReportStatus.RESOLVED if add_alias or unpublish_why else ReportStatus.DISMISSED
    await store.close_report(
        found.battle_id,
        found.question_id,
        found.reporter_id,
        status=status,
        by=moderator.id,
        at=now,
        note=note if status is ReportStatus.RESOLVED else "",
    )
