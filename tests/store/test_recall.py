"""A published question taken back to the moderators, for every adapter."""

from __future__ import annotations

from dataclasses import replace

from game.pipeline import Action, Change, State, Submission
from tests.store.samples import make_question


def recalled(question_id: str, at: float) -> tuple[Submission, Change]:
    question = replace(make_question(question_id), published=False)
    why = "pulled back automatically: reported 3 times in 40 plays (8%)"
    submission = Submission(question, State.APPROVED, at, at, 1, why)
    change = Change(question_id, Action.RECALL, State.PUBLISHED, State.APPROVED, "kwissle", at, why)
    return submission, change


def test_a_recalled_question_leaves_the_bank_for_the_queue_in_one_step(store, run):
    run(store.upsert_question(make_question("q1")))

    assert run(store.recall_question(*recalled("q1", 10.0))) is True

    assert run(store.published_questions()) == []
    assert [s.id for s in run(store.submissions(state=State.APPROVED))] == ["q1"]
    assert [c.action for c in run(store.question_history("q1"))] == [Action.RECALL]


def test_recalling_a_question_no_longer_published_changes_nothing(store, run):
    run(store.upsert_question(make_question("q1")))
    run(store.recall_question(*recalled("q1", 10.0)))

    assert run(store.recall_question(*recalled("q1", 11.0))) is False
    assert run(store.recall_question(*recalled("nowhere", 11.0))) is False

    assert len(run(store.question_history("q1"))) == 1
