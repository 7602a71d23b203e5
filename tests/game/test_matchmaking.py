"""Who meets whom: the closest strength first, the accepted gap widening with the wait, and
anyone once a player has waited as long as the bot offer."""

from __future__ import annotations

from game.matchmaking import (
    ANYONE_AFTER,
    BASE_GAP,
    GAP_PER_SECOND,
    Seeker,
    allowed_gap,
    compatible,
    find_partner,
    sweep,
)


def seeker(name: str, rating: float, since: float = 0.0, category: str | None = None) -> Seeker:
    return Seeker(name, name.title(), category, since, rating)


def test_the_gap_widens_with_the_wait_and_opens_fully_at_the_bot_offer():
    assert allowed_gap(0) == BASE_GAP
    assert allowed_gap(2) == BASE_GAP + 2 * GAP_PER_SECOND
    assert allowed_gap(ANYONE_AFTER) == float("inf")


def test_the_closest_rating_is_chosen_and_the_longest_waiting_between_equals():
    waiting = [seeker("far", 1580, 0), seeker("near", 1530, 1), seeker("twin", 1530, 2)]

    pairing = find_partner(seeker("me", 1500, 3), waiting, now=3)

    assert pairing is not None and pairing.first.user_id == "near"


def test_a_strong_and_a_weak_player_wait_until_the_gap_has_widened_enough():
    strong, weak = seeker("strong", 1900, since=0), seeker("weak", 1500, since=0)
    needed = (400 - BASE_GAP) / GAP_PER_SECOND  # 5 s

    assert not compatible(strong, weak, now=needed - 0.1)
    assert compatible(strong, weak, now=needed)


def test_after_the_widening_runs_out_anyone_will_do():
    assert compatible(seeker("a", 2800), seeker("b", 600), now=ANYONE_AFTER)


def test_everyone_unrated_is_first_come_first_paired_as_before():
    waiting = [seeker("ann", 1500, 0), seeker("bob", 1500, 1)]

    pairing = find_partner(seeker("cyd", 1500, 2), waiting, now=2)

    assert pairing is not None and pairing.first.user_id == "ann"


def test_a_sweep_pairs_those_whose_gaps_have_widened_in_arrival_order():
    waiting = [
        seeker("a", 1000, 0),
        seeker("b", 2000, 1),
        seeker("c", 1400, 2),
        seeker("d", 1950, 3),
    ]

    pairs = sweep(waiting, now=6)  # a accepts 100 + 360 by now

    assert [(p.first.user_id, p.second.user_id) for p in pairs] == [("a", "c"), ("b", "d")]


def test_nobody_meets_themself_or_another_category():
    assert not compatible(seeker("ann", 1500), seeker("ann", 1500), now=99)
    assert not compatible(
        seeker("ann", 1500, category="music"), seeker("bob", 1500, category="sport"), now=99
    )


def test_those_who_leave_often_meet_each_other_until_the_longer_waiter_reaches_the_bot_offer():
    quitter = Seeker("quitter", "Quitter", None, 0.0, leaves_often=True)
    deserter = Seeker("deserter", "Deserter", None, 5.0, leaves_often=True)
    steady = seeker("steady", 1500, since=5.0)

    assert compatible(quitter, deserter, now=5.0)
    assert not compatible(quitter, steady, now=ANYONE_AFTER - 0.1)
    assert compatible(quitter, steady, now=ANYONE_AFTER)
