"""Questions whose figures call for a second look go back to the moderators by themselves."""

from __future__ import annotations

from dataclasses import replace

from game.pipeline import Action, Report, ReportKind, State
from game.record import AttemptEntry, BattleRecord, Method, Outcome, PlayerEntry, QuestionEntry
from services.question_health import pull_back
from tests.store.samples import make_question

NOON = 20_000 * 86_400 + 12 * 3_600.0


def missed_by_both(battle_id: str, question_id: str) -> BattleRecord:
    attempts = tuple(
        AttemptEntry(user, Method.TYPED, "nope", False, "not the answer", 3_000)
        for user in ("ann", "bob")
    )
    players = (PlayerEntry("ann", "Ann"), PlayerEntry("bob", "Bob"))
    entry = QuestionEntry(question_id, attempts)
    return BattleRecord(battle_id, NOON - 60, NOON, Outcome.FINISHED, players, (entry,))


def test_a_question_nobody_gets_right_goes_to_the_moderators_with_the_reason(store, run):
    run(store.upsert_question(make_question("q1")))
    run(store.upsert_question(make_question("q2")))
    for number in range(30):
        run(store.record_battle(missed_by_both(f"b{number}", "q1")))

    recalled = run(pull_back(store, NOON + 1))

    assert recalled == [("q1", "pulled back automatically: right 0 times in 60 plays: "
                                "its answer may be wrong")]  # fmt: skip
    assert [q.id for q in run(store.published_questions())] == ["q2"]
    (waiting,) = run(store.submissions(state=State.APPROVED))
    assert waiting.id == "q1" and "60 plays" in waiting.reason
    assert run(store.question_history("q1"))[-1].action is Action.RECALL
    assert run(pull_back(store, NOON + 2)) == []  # once is enough


def test_a_much_reported_question_goes_back_too(store, run):
    run(store.upsert_question(make_question("q1")))
    for number in range(20):
        run(
            store.record_battle(
                replace(missed_by_both(f"b{number}", "q1"), outcome=Outcome.FINISHED)
            )
        )
    for number, kind in enumerate([ReportKind.WRONG_FACT] * 3):
        run(store.save_report(Report(f"b{number}", "q1", "ann", kind, "", NOON)))

    recalled = run(pull_back(store, NOON + 1))

    assert recalled and "reported 3 times in 40 plays" in recalled[0][1]


def test_a_healthy_question_stays_in_the_bank(store, run):
    run(store.upsert_question(make_question("q1")))

    assert run(pull_back(store, NOON)) == []
    assert [q.id for q in run(store.published_questions())] == ["q1"]
