"""The lag allowance: a far player's attempt sent in time still counts, within a capped and
refilling quota, so a faked slow link buys little. Walked with a clock the test moves by hand."""

from __future__ import annotations

import pytest

from game.battle import step
from game.battle_state import Battle, Phase
from game.events import LagMeasured, PhaseTimeout, SubmitAnswer
from game.lag import MAX_ALLOWANCE, QUOTA, REFILL, allowance, refilled
from tests.game.test_battle import ANN, BOB, QUESTIONS, new_battle, opened, rejects, sends


def far(battle: Battle, rtt: float, who: str = ANN) -> Battle:
    battle, effects = step(battle, LagMeasured(who, rtt), 0.0)
    assert effects == []  # nothing to tell anyone
    return battle


def test_the_allowance_is_half_the_round_trip_capped_and_bounded_by_the_quota():
    assert allowance(0.2, QUOTA) == 0.1
    assert allowance(3.0, QUOTA) == MAX_ALLOWANCE
    assert allowance(0.4, 0.05) == 0.05
    assert allowance(0.4, -0.01) == 0.0
    assert refilled(QUOTA) == QUOTA and refilled(0.0) == REFILL


def test_a_far_players_right_answer_sent_in_time_counts_after_the_deadline():
    battle, _ = opened(far(new_battle(), rtt=0.3))
    deadline = battle.rounds[0].deadline

    battle, effects = step(battle, SubmitAnswer(ANN, 0, QUESTIONS[0].answer), deadline + 0.14)

    assert rejects(effects) == []
    assert battle.rounds[0].taken_by == ANN and battle.seats[0].score == 3
    assert battle.seats[0].lag_quota == pytest.approx(QUOTA - 0.14)


def test_a_near_player_gets_no_time_past_the_deadline():
    battle, _ = opened(far(new_battle(), rtt=0.3))
    deadline = battle.rounds[0].deadline

    battle, effects = step(battle, SubmitAnswer(BOB, 0, QUESTIONS[0].answer), deadline + 0.01)

    assert rejects(effects) == ["late"] and battle.seats[1].score == 0


def test_the_question_stays_open_past_its_deadline_only_for_a_far_player_who_has_not_tried():
    battle, _ = opened(far(new_battle(), rtt=0.3))
    deadline = battle.rounds[0].deadline

    waiting, effects = step(battle, PhaseTimeout(Phase.QUESTION, 0), deadline)
    closed, later = step(waiting, PhaseTimeout(Phase.QUESTION, 0), deadline + 0.15)

    assert waiting.phase is Phase.QUESTION and sends(effects) == []
    assert closed.phase is Phase.REVEAL and sends(later, kind="reveal")


def test_past_its_allowance_a_far_players_answer_is_late():
    battle, _ = opened(far(new_battle(), rtt=0.3))
    deadline = battle.rounds[0].deadline

    battle, effects = step(battle, SubmitAnswer(ANN, 0, QUESTIONS[0].answer), deadline + 0.16)

    assert rejects(effects) == ["late"] and battle.seats[0].lag_quota == QUOTA


def test_a_faked_slow_link_buys_at_most_the_quota_and_its_refills_over_a_battle():
    battle, _ = opened(far(new_battle(), rtt=5.0))  # pongs held back to look 5 s away
    bought = 0.0

    for index in range(len(QUESTIONS)):
        round_ = battle.rounds[index]
        late_by = round_.allowance_of(ANN)
        battle, effects = step(battle, SubmitAnswer(ANN, index, "x"), round_.deadline + late_by)
        assert rejects(effects) == []
        bought += late_by
        battle, _ = step(battle, PhaseTimeout(Phase.QUESTION, index), round_.deadline + late_by)
        battle, _ = step(battle, PhaseTimeout(Phase.REVEAL, index), round_.deadline + 10)

    assert bought <= QUOTA + REFILL * len(QUESTIONS)
    assert battle.rounds[0].allowance_of(ANN) == MAX_ALLOWANCE
    assert battle.rounds[2].allowance_of(ANN) < MAX_ALLOWANCE  # the quota has run low
