"""The store contract: every adapter in conftest.ADAPTERS must pass each of these tests."""

from __future__ import annotations

import asyncio

from game.record import QuestionStats
from store.port import UpsertResult, User, UserKind
from tests.store.samples import make_battle, make_question

ANN = User("ann", "Ann", UserKind.ACCOUNT, "ann@example.org", ("player", "moderator"), 12.5)


# lifecycle


def test_opening_an_open_store_again_keeps_its_data(store, run):
    run(store.save_user(ANN))

    run(store.open())

    assert run(store.get_user("ann")) == ANN


def test_everything_written_survives_close_and_reopen(store, new_store, run):
    battle = make_battle("b1")
    run(store.save_user(ANN))
    run(store.upsert_question(make_question("q1")))
    run(store.record_battle(battle))
    run(store.close())

    reopened = new_store()
    run(reopened.open())

    assert run(reopened.get_user("ann")) == ANN
    assert run(reopened.get_question("q1")) == make_question("q1")
    assert run(reopened.get_battle("b1")) == battle
    assert run(reopened.question_stats(["q1"])) == {"q1": battle.stat_deltas()["q1"]}
    run(reopened.close())


def test_closing_a_closed_store_is_harmless(store, run):
    run(store.close())

    run(store.close())


# users


def test_a_saved_user_reads_back_equal(store, run):
    run(store.save_user(ANN))

    assert run(store.get_user("ann")) == ANN


def test_an_unknown_user_is_none(store, run):
    assert run(store.get_user("nobody")) is None


def test_saving_a_user_again_replaces_them(store, run):
    renamed = User("ann", "Annie")
    run(store.save_user(ANN))

    run(store.save_user(renamed))

    assert run(store.get_user("ann")) == renamed


# questions


def test_a_new_question_is_added(store, run):
    assert run(store.upsert_question(make_question("q1"))) is UpsertResult.ADDED


def test_an_identical_question_is_unchanged(store, run):
    run(store.upsert_question(make_question("q1")))

    assert run(store.upsert_question(make_question("q1"))) is UpsertResult.UNCHANGED


def test_a_changed_question_is_updated_in_place(store, run):
    changed = make_question("q1", text="A better wording?")
    run(store.upsert_question(make_question("q1")))

    result = run(store.upsert_question(changed))

    assert result is UpsertResult.UPDATED
    assert run(store.get_question("q1")) == changed


def test_an_unknown_question_is_none(store, run):
    assert run(store.get_question("nope")) is None


def test_published_questions_leave_out_unpublished_ones_and_are_ordered_by_id(store, run):
    for question_id in ("q3", "q1", "q2"):
        run(store.upsert_question(make_question(question_id, published=question_id != "q2")))

    published = run(store.published_questions())

    assert [q.id for q in published] == ["q1", "q3"]


def test_published_questions_of_a_category_leave_out_other_categories(store, run):
    run(store.upsert_question(make_question("q1", "history")))
    run(store.upsert_question(make_question("q2", "science")))
    run(store.upsert_question(make_question("q3", "history")))

    history = run(store.published_questions("history"))

    assert history == [make_question("q1", "history"), make_question("q3", "history")]


def test_unpublishing_a_question_takes_it_out_of_the_published_list(store, run):
    run(store.upsert_question(make_question("q1")))

    run(store.upsert_question(make_question("q1", published=False)))

    assert run(store.published_questions()) == []


def test_all_questions_include_unpublished_ones_ordered_by_id(store, run):
    hidden = make_question("q1", published=False)
    shown = make_question("q2")
    run(store.upsert_question(shown))
    run(store.upsert_question(hidden))

    assert run(store.all_questions()) == [hidden, shown]


# battles and statistics


def test_recording_a_new_battle_says_it_wrote_it(store, run):
    assert run(store.record_battle(make_battle("b1"))) is True


def test_a_recorded_battle_reads_back_equal(store, run):
    battle = make_battle("b1")
    run(store.record_battle(battle))

    assert run(store.get_battle("b1")) == battle


def test_an_unknown_battle_is_none(store, run):
    assert run(store.get_battle("nope")) is None


def test_recording_a_battle_again_returns_false_and_keeps_the_first_version(store, run):
    first = make_battle("b1", finished_at=100.0)
    run(store.record_battle(first))

    again = run(store.record_battle(make_battle("b1", finished_at=999.0, question_ids=["q9"])))

    assert again is False
    assert run(store.get_battle("b1")) == first


def test_recording_a_battle_again_does_not_count_its_statistics_twice(store, run):
    battle = make_battle("b1")
    run(store.record_battle(battle))

    run(store.record_battle(battle))

    assert run(store.question_stats(["q1", "q2"])) == battle.stat_deltas()


def test_a_battle_adds_each_human_attempt_to_question_statistics(store, run):
    run(store.record_battle(make_battle("b1", question_ids=["q1"])))

    stats = run(store.question_stats(["q1"]))

    assert stats == {"q1": QuestionStats("q1", 2, 1, 1, 0, 1, 2000)}


def test_statistics_of_two_battles_add_up(store, run):
    run(store.record_battle(make_battle("b1", question_ids=["q1", "q2"])))
    run(store.record_battle(make_battle("b2", question_ids=["q2"], players=["cy", "ann"])))

    stats = run(store.question_stats(["q1", "q2"]))

    assert stats == {
        "q1": QuestionStats("q1", 2, 1, 1, 0, 1, 2000),
        "q2": QuestionStats("q2", 4, 2, 2, 0, 2, 4000),
    }


def test_bots_are_not_counted_in_question_statistics(store, run):
    run(
        store.record_battle(
            make_battle("b1", question_ids=["q1"], players=["bot", "ann"], bots=["bot"])
        )
    )

    stats = run(store.question_stats(["q1"]))

    assert stats == {"q1": QuestionStats("q1", asked=1, wrong=1)}


def test_questions_never_played_have_no_statistics(store, run):
    run(store.record_battle(make_battle("b1", question_ids=["q1"])))

    assert run(store.question_stats(["q1", "q2"])).keys() == {"q1"}


def test_battles_of_a_player_come_newest_first_up_to_the_limit(store, run):
    for number, finished_at in enumerate([300.0, 100.0, 400.0, 200.0]):
        run(store.record_battle(make_battle(f"b{number}", finished_at=finished_at)))

    battles = run(store.battles_of("bob", limit=3))

    assert [b.finished_at for b in battles] == [400.0, 300.0, 200.0]


def test_battles_of_a_player_leave_out_battles_they_did_not_play(store, run):
    run(store.record_battle(make_battle("b1", players=["ann", "bob"])))
    run(store.record_battle(make_battle("b2", players=["cy", "dee"])))

    assert [b.id for b in run(store.battles_of("ann"))] == ["b1"]


def test_recent_question_ids_hold_the_last_limit_questions_met(store, run):
    record_three_battles_of_ann(store, run)

    recent = run(store.recent_question_ids("ann", limit=3, since=10_000.0))

    assert recent == {"q4", "q5", "q6"}


def test_recent_question_ids_hold_every_question_met_since_a_time(store, run):
    record_three_battles_of_ann(store, run)

    recent = run(store.recent_question_ids("ann", limit=0, since=150.0))

    assert recent == {"q3", "q4", "q5", "q6"}


def test_recent_question_ids_leave_out_other_players_questions(store, run):
    run(store.record_battle(make_battle("b1", question_ids=["q1"], players=["cy", "dee"])))

    assert run(store.recent_question_ids("ann", limit=10, since=0.0)) == set()


def test_twenty_concurrent_records_of_one_battle_write_it_once(store, run):
    battle = make_battle("b1")

    async def record_twenty_times() -> list[bool]:
        return await asyncio.gather(*(store.record_battle(battle) for _ in range(20)))

    results = run(record_twenty_times())

    assert results.count(True) == 1
    assert run(store.question_stats(["q1", "q2"])) == battle.stat_deltas()


def record_three_battles_of_ann(store, run) -> None:
    """Ann meets q1, q2 at t=100, then q3, q4 at t=200, then q5, q6 at t=300."""
    for number, finished_at in enumerate([100.0, 200.0, 300.0]):
        question_ids = [f"q{2 * number + 1}", f"q{2 * number + 2}"]
        run(
            store.record_battle(
                make_battle(f"b{number}", finished_at=finished_at, question_ids=question_ids)
            )
        )
