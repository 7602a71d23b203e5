"""What a finished battle adds to the reports' figures, worked out from its record alone."""

from __future__ import annotations

from game.record import AttemptEntry, BattleRecord, Method, Outcome, PlayerEntry, QuestionEntry
from game.statistics import TIME_BINS, day_of, near_misses, question_play, summary

DAY = 20_000
T = DAY * 86_400 + 3_600.0


def typed(user: str, text: str, correct: bool, at_ms: int, typos: int = 0) -> AttemptEntry:
    reason = "1 typo forgiven" if typos else "exact" if correct else "not the answer"
    return AttemptEntry(
        user, Method.TYPED, text, correct, reason, at_ms, 3 if correct else 0, typos
    )


def battle(*questions: QuestionEntry, bot: bool = False) -> BattleRecord:
    players = (PlayerEntry("ann", "Ann"), PlayerEntry("bob", "Bob", bot=bot))
    return BattleRecord("b1", T - 120, T, Outcome.FINISHED, players, questions, "ann", "science")


def test_a_question_counts_each_human_once_and_bins_the_time_to_a_right_answer():
    entry = QuestionEntry(
        "q1",
        (typed("bob", "Mars", False, 1_200), typed("ann", "Jupitr", True, 2_500, typos=1)),
        taken_by="ann",
    )

    (day,) = question_play(battle(entry))

    assert (day.question_id, day.asked, day.right, day.wrong) == ("q1", 2, 1, 1)
    assert day.right_typed == 1 and day.right_with_typos == 1 and day.right_ms_total == 2_500
    assert day.right_ms_bins == tuple(1 if i == 2 else 0 for i in range(TIME_BINS))


def test_a_right_answer_slower_than_the_last_bin_lands_in_it():
    entry = QuestionEntry("q1", (typed("ann", "Mars", True, 60_000),), taken_by="ann")

    (day,) = question_play(battle(entry))

    assert day.right_ms_bins[-1] == 1


def test_the_bot_counts_in_no_figure():
    entry = QuestionEntry("q1", (typed("bob", "Venus", False, 900),))

    (day,) = question_play(battle(entry, bot=True))
    misses = near_misses(battle(entry, bot=True))

    assert (day.asked, day.wrong) == (1, 0) and misses == []
    assert summary(battle(entry, bot=True)).with_bot and summary(battle(entry)).humans == 2


def test_refused_typed_answers_are_grouped_by_their_normalized_text_late_ones_too():
    entry = QuestionEntry(
        "q1",
        (typed("bob", "  Saturn ", False, 900),),
        taken_by="ann",
        late=(typed("ann", "SATURN", False, 3_100),),
    )

    misses = near_misses(battle(entry))

    assert [(m.key, m.text, m.day) for m in misses] == [("saturn", "  Saturn ", DAY)] * 1 + [
        ("saturn", "SATURN", DAY)
    ]


def test_a_day_is_a_utc_day():
    assert day_of(DAY * 86_400.0) == DAY and day_of(DAY * 86_400.0 - 0.001) == DAY - 1
