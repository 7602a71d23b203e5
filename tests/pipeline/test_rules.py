"""The pipeline's pure rules: the transition table, the review rule and contributor points."""

from __future__ import annotations

import pytest

from game.pipeline import (
    AGREEING_REVIEW_POINTS,
    PUBLISHED_POINTS,
    REJECTED_POINTS,
    Action,
    PointAward,
    Review,
    State,
    Submission,
    TransitionError,
    Verdict,
    can_review,
    may_submit,
    new_submission,
    points_for_decision,
    review_outcome,
    transition,
)
from tests.store.samples import make_question


def _submission():
    submission, _ = new_submission(make_question("u1"), "ann", 10.0)
    return submission


def _reviews(*verdicts: Verdict) -> list[Review]:
    return [
        Review("u1", f"r{i}", verdict, 3, 2, f"comment {i}", 20.0 + i)
        for i, verdict in enumerate(verdicts)
    ]


def test_a_new_submission_waits_for_reviews_and_is_not_published():
    submission, change = new_submission(make_question("u1"), "ann", 10.0)

    assert submission.state is State.SUBMITTED and submission.author_id == "ann"
    assert submission.question.published is False
    assert (change.by, change.at, change.to_state) == ("ann", 10.0, State.SUBMITTED)


def test_a_move_records_who_when_and_why():
    _, change = transition(_submission(), Action.REJECT, by="mod", now=50.0, why="vague")

    assert (change.from_state, change.to_state) == (State.SUBMITTED, State.REJECTED)
    assert (change.by, change.at, change.why) == ("mod", 50.0, "vague")


def test_publishing_marks_the_question_published():
    published, _ = transition(_submission(), Action.PUBLISH, by="mod", now=50.0)

    assert published.state is State.PUBLISHED and published.question.published is True


def test_a_move_missing_from_the_table_is_refused():
    rejected, _ = transition(_submission(), Action.REJECT, by="mod", now=50.0, why="vague")

    with pytest.raises(TransitionError):
        transition(rejected, Action.PUBLISH, by="mod", now=60.0)


def test_rejecting_needs_a_reason():
    with pytest.raises(TransitionError, match="reason"):
        transition(_submission(), Action.REJECT, by="mod", now=50.0, why="  ")


def test_an_edit_keeps_the_id_author_and_state():
    edited_question = make_question("other", text="What is new here?")

    edited, change = transition(
        _submission(), Action.EDIT, by="mod", now=50.0, question=edited_question
    )

    assert edited.id == "u1" and edited.author_id == "ann" and edited.state is State.SUBMITTED
    assert edited.question.text == "What is new here?" and change.action is Action.EDIT


def test_resubmitting_a_returned_question_starts_a_new_round():
    returned, _ = transition(_submission(), Action.RETURN, by="reviews", now=50.0, why="no")

    again, _ = transition(returned, Action.SUBMIT, by="ann", now=60.0)

    assert (returned.state, again.state, again.round) == (State.DRAFT, State.SUBMITTED, 2)


def test_two_reviews_decide_nothing():
    assert review_outcome(_reviews(Verdict.WRONG, Verdict.WRONG)) is None


def test_three_reviews_without_a_wrong_majority_go_to_the_moderators():
    outcome = review_outcome(_reviews(Verdict.CORRECT, Verdict.WRONG, Verdict.UNSURE))

    assert outcome is Action.PASS_REVIEW


def test_a_wrong_majority_returns_the_question_to_its_author():
    outcome = review_outcome(_reviews(Verdict.WRONG, Verdict.CORRECT, Verdict.WRONG))

    assert outcome is Action.RETURN


def test_publishing_rewards_the_author_and_the_reviewers_who_agreed():
    reviews = _reviews(Verdict.CORRECT, Verdict.WRONG, Verdict.UNSURE)

    awards = points_for_decision(_submission(), reviews, State.PUBLISHED)

    assert awards == [
        PointAward("ann", "u1", PUBLISHED_POINTS, "published"),
        PointAward("r0", "u1", AGREEING_REVIEW_POINTS, "review-round-1"),
    ]


def test_a_rejected_question_counts_against_its_author():
    awards = points_for_decision(_submission(), _reviews(Verdict.WRONG), State.REJECTED)

    assert awards[0] == PointAward("ann", "u1", REJECTED_POINTS, "rejected")
    assert [a.user_id for a in awards[1:]] == ["r0"]


def test_the_daily_limit_allows_up_to_the_limit():
    assert may_submit(4, 5) and not may_submit(5, 5)


def test_nobody_reviews_their_own_question_or_the_same_one_twice():
    submission = _submission()

    assert can_review(submission, "bob", reviewed=False)
    assert not can_review(submission, "ann", reviewed=False)
    assert not can_review(submission, "bob", reviewed=True)


def test_a_published_question_is_recalled_to_the_moderators_only_with_a_reason():
    published = Submission(make_question("q1"), State.PUBLISHED, 1.0, 1.0)

    moved, change = transition(published, Action.RECALL, by="kwissle", now=2.0, why="reported")

    assert moved.state is State.APPROVED and not moved.question.published
    assert moved.reason == "reported" and change.to_state is State.APPROVED
    with pytest.raises(TransitionError):
        transition(published, Action.RECALL, by="kwissle", now=2.0)
