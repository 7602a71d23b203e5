"""The store's side of ratings, leaderboards and profiles, for every adapter."""

from __future__ import annotations

from dataclasses import replace

import pytest

from game.rating import Rating, after_battle
from game.record import Outcome
from store.port import EmailTakenError, PlayerTotals, User, UserKind
from tests.store.samples import make_battle, make_question

DAY = 20_000
NOON = DAY * 86_400 + 12 * 3_600.0


def accounts(store, run, *user_ids: str) -> None:
    for user_id in user_ids:
        run(store.save_user(User(user_id, user_id.title(), UserKind.ACCOUNT, f"{user_id}@x.org")))


def test_a_battle_between_two_accounts_rates_both_once_however_often_it_is_written(store, run):
    accounts(store, run, "ann", "bob")
    battle = make_battle("b1", finished_at=NOON)  # ann wins

    run(store.record_battle(battle))
    run(store.record_battle(battle))

    won, lost = after_battle(Rating(), Rating(), 1)
    assert run(store.rating_of("ann")) == pytest.approx(won)
    assert run(store.rating_of("bob")) == pytest.approx(lost)
    (point,) = run(store.rating_history("ann"))
    assert point.battle_id == "b1" and point.change == pytest.approx(won.rating - 1500)


@pytest.mark.parametrize(
    "unrated",
    [
        lambda b: b,  # bob is a guest here
        lambda b: replace(b, outcome=Outcome.ABORTED, winner_id=None),
    ],
)
def test_guests_and_aborted_battles_are_not_rated(store, run, unrated):
    accounts(store, run, "ann")
    run(store.save_user(User("bob", "Bob")))
    accounts(store, run, *(["bob"] if unrated(make_battle("x")).outcome is Outcome.ABORTED else []))

    run(store.record_battle(unrated(make_battle("b1", finished_at=NOON))))

    assert run(store.rating_of("ann")) is None and run(store.rating_history("ann")) == []


def test_a_battle_with_the_bot_is_not_rated(store, run):
    accounts(store, run, "ann", "bot-1")

    run(store.record_battle(make_battle("b1", players=["ann", "bot-1"], bots=["bot-1"])))

    assert run(store.rating_of("ann")) is None


def test_the_leaderboard_ranks_sure_ratings_only_best_first(store, run):
    accounts(store, run, "ann", "bob", "cyd")
    for number in range(20):  # ann wins two of three: both grow sure, ann above bob
        battle = make_battle(f"a{number}", finished_at=NOON + number)
        run(store.record_battle(replace(battle, winner_id="ann" if number % 3 else "bob")))
    run(store.record_battle(make_battle("c1", finished_at=NOON + 99, players=["cyd", "bob"])))

    leaders = run(store.rating_leaders(limit=10))

    assert [p.user_id for p in leaders] == ["ann", "bob"]  # cyd is still provisional
    assert leaders[0].rating.rating > leaders[1].rating.rating and leaders[0].games == 20
    assert run(store.rating_rank("bob")) == 2 and run(store.rating_rank("cyd")) is None


def test_rating_gained_in_a_week_is_ranked(store, run):
    accounts(store, run, "ann", "bob")
    run(store.record_battle(make_battle("b1", finished_at=NOON)))
    run(store.record_battle(make_battle("b2", finished_at=NOON - 30 * 86_400)))

    gains = run(store.rating_gains_between(NOON - 7 * 86_400, NOON + 1))

    assert [(g.user_id, g.out_of) for g in gains] == [("ann", 1), ("bob", 1)]
    assert gains[0].score > 0 > gains[1].score


def test_totals_count_wins_losses_draws_and_the_longest_run_of_wins(store, run):
    for number, winner in enumerate(["ann", "ann", "bob", "ann", None, "ann", "ann", "ann"]):
        battle = make_battle(f"b{number}", finished_at=NOON + number)
        run(store.record_battle(replace(battle, winner_id=winner)))

    assert run(store.player_totals("ann")) == PlayerTotals(
        won=6, lost=1, drew=1, streak=3, best_streak=3
    )
    assert run(store.player_totals("nobody")) == PlayerTotals()


def test_play_per_category_and_the_category_leaderboard(store, run):
    accounts(store, run, "ann", "bob")
    run(store.upsert_question(make_question("q1", category="music")))
    run(store.upsert_question(make_question("q2", category="sport")))
    run(store.record_battle(make_battle("b1", finished_at=NOON, question_ids=["q1", "q2"])))

    (music, sport) = sorted(run(store.category_play_of("ann")), key=lambda c: c.category)
    leaders = run(store.category_leaders("music", DAY, DAY))

    assert (music.asked, music.right, music.right_typed, music.right_ms_total) == (1, 1, 1, 2000)
    assert sport.category == "sport" and run(store.category_play_of("bob"))[0].wrong == 1
    assert [(s.user_id, s.score, s.out_of) for s in leaders] == [("ann", 1, 1)]
    assert run(store.category_leaders(None, DAY + 1, DAY + 2)) == []


def test_frequent_opponents_come_most_met_first(store, run):
    for user_id in ("ann", "bob", "cyd"):
        run(store.save_user(User(user_id, user_id.title())))
    for number, rival in enumerate(["bob", "cyd", "bob"]):
        run(store.record_battle(make_battle(f"b{number}", players=["ann", rival])))

    opponents = run(store.frequent_opponents("ann"))

    assert [(o.nickname, o.score) for o in opponents] == [("Bob", 2), ("Cyd", 1)]


def test_users_are_found_by_nickname_whatever_its_case_accounts_first(store, run):
    run(store.save_user(User("g-1", "Robin", created_at=1.0)))
    run(store.save_user(User("a-1", "robin", UserKind.ACCOUNT, "r@x.org", created_at=2.0)))

    assert [u.id for u in run(store.users_named("ROBIN"))] == ["a-1", "g-1"]


def test_a_guests_battles_are_told_as_the_accounts_once_it_signed_in(store, run):
    run(store.save_user(User("g-1", "Guest")))
    run(store.record_battle(make_battle("b1", players=["g-1", "bob"])))
    run(store.merge_guest("g-1", "ann", 9.0))

    (battle,) = run(store.battles_of("ann"))

    assert battle.player_ids == ("ann", "bob") and battle.winner_id == "ann"
    assert battle.questions[0].attempts[0].user_id == "ann"


def test_a_user_cannot_take_another_users_email_and_nobody_is_lost(store, run):
    run(store.save_user(User("a-1", "Ann", UserKind.ACCOUNT, "ann@x.org")))

    with pytest.raises(EmailTakenError):
        run(store.save_user(User("a-2", "Imposter", UserKind.ACCOUNT, "ann@x.org")))

    assert run(store.get_user("a-1")).nickname == "Ann" and run(store.get_user("a-2")) is None
