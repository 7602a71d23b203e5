"""Glicko-2, held to the worked example of Glickman's paper and to what a player expects."""

from __future__ import annotations

import pytest

from game.rating import (
    DEFAULT_DEVIATION,
    Game,
    Rating,
    after_battle,
    after_idle,
    rate,
    rated_score,
)
from game.record import BattleRecord, Outcome, PlayerEntry


def test_the_papers_worked_example():
    # Glickman, "Example of the Glicko-2 system": tau = 0.5; a 1500 (RD 200, sigma 0.06)
    # player beats a 1400 (RD 30) and loses to a 1550 (RD 100) and a 1700 (RD 300).
    player = Rating(1500, 200, 0.06)
    games = [
        Game(Rating(1400, 30), 1),
        Game(Rating(1550, 100), 0),
        Game(Rating(1700, 300), 0),
    ]

    after = rate(player, games, tau=0.5)

    assert after.rating == pytest.approx(1464.06, abs=0.01)
    assert after.deviation == pytest.approx(151.52, abs=0.01)
    assert after.volatility == pytest.approx(0.05999, abs=1e-5)


def test_the_winner_rises_the_loser_falls_and_both_grow_surer():
    a, b = Rating(), Rating()

    won, lost = after_battle(a, b, 1)

    assert won.rating > 1500 > lost.rating
    assert won.deviation < DEFAULT_DEVIATION and lost.deviation < DEFAULT_DEVIATION


def test_beating_a_much_stronger_player_gains_more_than_beating_a_weaker_one():
    me = Rating(1500, 80)

    upset, _ = after_battle(me, Rating(1900, 80), 1)
    expected, _ = after_battle(me, Rating(1100, 80), 1)

    assert upset.rating - 1500 > expected.rating - 1500 > 0


def test_a_draw_between_equals_changes_the_rating_little():
    a, b = after_battle(Rating(1500, 100), Rating(1500, 100), 0.5)

    assert a.rating == pytest.approx(1500, abs=0.01) and b.rating == pytest.approx(1500, abs=0.01)


def test_a_newcomer_is_provisional_until_enough_games_make_the_rating_sure():
    player, rival = Rating(), Rating(1500, 60)
    assert player.provisional and player.shown() == "1500?"

    for _ in range(20):
        player, _ = after_battle(player, rival, 0.5)

    assert not player.provisional and player.shown() == "1500"


def test_time_away_makes_a_rating_less_sure_a_day_at_a_time_but_no_less_than_a_newcomers():
    sure = Rating(1600, 60, 0.06)

    assert after_idle(sure, 3_600) == sure
    assert after_idle(sure, 30 * 86_400).deviation > 60
    assert after_idle(sure, 10**9).deviation == DEFAULT_DEVIATION


def battle(outcome=Outcome.FINISHED, winner="ann", bot=False):
    players = (PlayerEntry("ann", "Ann"), PlayerEntry("bob", "Bob", bot=bot))
    return BattleRecord("b1", 0.0, 1.0, outcome, players, (), winner)


@pytest.mark.parametrize(
    ("record", "accounts", "scored"),
    [
        (battle(), {"ann", "bob"}, ("ann", "bob", 1.0)),
        (battle(winner="bob"), {"ann", "bob"}, ("ann", "bob", 0.0)),
        (battle(winner=None), {"ann", "bob"}, ("ann", "bob", 0.5)),
        (battle(Outcome.FORFEIT, winner="bob"), {"ann", "bob"}, ("ann", "bob", 0.0)),
        (battle(Outcome.ABORTED, winner=None), {"ann", "bob"}, None),
        (battle(bot=True), {"ann", "bob"}, None),
        (battle(), {"ann"}, None),  # bob plays as a guest
    ],
)
def test_only_battles_between_two_signed_in_people_played_out_are_rated(record, accounts, scored):
    assert rated_score(record, accounts) == scored
