"""Fair-play signals from battles and counts: what each one flags, what it leaves alone, and who
counts as leaving often."""

from __future__ import annotations

from dataclasses import replace

import pytest

from game.battle import step
from game.battle_state import Battle, Phase
from game.events import LagMeasured, PhaseTimeout, SubmitAnswer
from game.fair_play import (
    LEAVER_MIN,
    Meetings,
    SignalKind,
    binomial_tail,
    frequent_pair,
    leaves_losing,
    leaves_often,
    same_timings,
    too_fast,
)
from game.record import AttemptEntry, BattleRecord, Method, Outcome, PlayerEntry, QuestionEntry
from tests.game.test_battle import ANN, QUESTIONS, new_battle, opened
from tests.store.samples import make_battle


def ended_with_answers(after: dict[str, float], rtt: dict[str, float]) -> Battle:
    """A battle whose first question each player in `after` got right that many seconds after
    it opened, with the round trips `rtt`; ended."""
    battle = new_battle()
    for user_id, seconds in rtt.items():
        battle, _ = step(battle, LagMeasured(user_id, seconds), 0.0)
    battle, opened_at = opened(battle)
    for user_id, seconds in sorted(after.items(), key=lambda item: item[1]):
        battle, _ = step(battle, SubmitAnswer(user_id, 0, QUESTIONS[0].answer), opened_at + seconds)
    now = opened_at
    while battle.phase in (Phase.QUESTION, Phase.REVEAL):  # every question runs out its clock
        round_ = battle.rounds[battle.index]
        now = round_.deadline + 1 if battle.phase is Phase.QUESTION else now + 10
        battle, _ = step(battle, PhaseTimeout(battle.phase, battle.index), now)
    return battle


def test_a_right_answer_before_anyone_could_read_the_question_is_flagged():
    battle = ended_with_answers({ANN: 0.3}, rtt={ANN: 0.1})

    [signal] = too_fast(battle)

    assert (signal.kind, signal.user_id, signal.battle_id) == (SignalKind.TOO_FAST, ANN, "b1")
    assert "200 ms after it reached them (300 ms after it opened, round trip 100 ms)" in (
        signal.evidence
    )


def test_a_quick_but_human_answer_is_not_flagged():
    assert too_fast(ended_with_answers({ANN: 0.4}, rtt={ANN: 0.1})) == []


def test_a_link_made_to_look_slow_makes_an_answer_look_faster_not_slower():
    [signal] = too_fast(ended_with_answers({ANN: 0.4}, rtt={ANN: 0.3}))

    assert signal.user_id == ANN and "100 ms after it reached them" in signal.evidence


def attempts_at(battle_id: str, user_id: str, *at_ms: int) -> BattleRecord:
    """A battle in which `user_id` answered right at each of `at_ms`."""
    record = make_battle(battle_id, players=(user_id, "zed"), question_ids=[])
    questions = tuple(
        QuestionEntry(
            f"q{n}", (AttemptEntry(user_id, Method.TYPED, "a", True, "exact", ms, 3),), user_id
        )
        for n, ms in enumerate(at_ms)
    )
    return replace(record, questions=questions)


def test_right_answers_at_the_same_moment_across_battles_are_flagged():
    history = [
        attempts_at("b3", "eve", 1_204, 4_800),
        attempts_at("b2", "eve", 1_207, 1_203, 9_100),
        attempts_at("b1", "eve", 1_209, 1_206, 2_500),
    ]

    signal = same_timings("eve", history[0], history)

    assert signal is not None and signal.kind is SignalKind.SAME_TIMINGS
    assert signal.evidence == (
        "5 right answers in 3 battles, each 1,203–1,209 ms after its question opened"
    )


def test_timings_spread_as_peoples_are_not_flagged():
    history = [
        attempts_at("b3", "ann", 1_204, 4_800, 3_300),
        attempts_at("b2", "ann", 2_207, 6_203, 9_100),
        attempts_at("b1", "ann", 1_260, 2_500, 5_010),
    ]

    assert same_timings("ann", history[0], history) is None


def test_a_battle_outside_the_cluster_does_not_repeat_the_signal():
    history = [
        attempts_at("b4", "eve", 7_000),
        attempts_at("b3", "eve", 1_204, 1_205),
        attempts_at("b2", "eve", 1_207, 1_203),
        attempts_at("b1", "eve", 1_209),
    ]

    assert same_timings("eve", history[0], history) is None
    assert same_timings("eve", history[1], history) is not None


def test_a_pair_meeting_far_more_often_than_chance_is_flagged_for_both():
    record = make_battle("b9", players=("ann", "bob"))

    signals = frequent_pair(record, Meetings(together=9, first=12, second=15, everyone=2_000))

    assert [(s.kind, s.user_id) for s in signals] == [
        (SignalKind.FREQUENT_PAIR, "ann"),
        (SignalKind.FREQUENT_PAIR, "bob"),
    ]
    assert signals[0].evidence.startswith("met 9 times in 7 days among 2,000 battles")


@pytest.mark.parametrize(
    "meetings",
    [
        Meetings(together=3, first=12, second=15, everyone=2_000),  # too few to say
        Meetings(together=9, first=12, second=14, everyone=14),  # hardly anyone else plays
    ],
)
def test_a_pair_meeting_as_often_as_chance_allows_is_not_flagged(meetings):
    assert frequent_pair(make_battle("b9", players=("ann", "bob")), meetings) == []


def forfeit(
    battle_id: str, leaver: str, scores: tuple[int, int], *, bot: bool = False
) -> BattleRecord:
    """A battle `leaver` forfeited to "opp" with `scores` (the leaver's, then the opponent's)."""
    return BattleRecord(
        id=battle_id,
        started_at=0.0,
        finished_at=100.0,
        outcome=Outcome.FORFEIT,
        players=(PlayerEntry(leaver, "L", scores[0]), PlayerEntry("opp", "O", scores[1], bot)),
        questions=(),
        winner_id="opp",
    )


def test_a_player_who_keeps_leaving_battles_they_are_losing_leaves_often_and_is_flagged():
    left = [forfeit(f"b{n}", "eve", (0, 6)) for n in range(LEAVER_MIN)]
    history = [*left, make_battle("won", players=("eve", "ann"))]

    signal = leaves_losing("eve", left[0], history)

    assert leaves_often("eve", history)
    assert signal is not None and signal.kind is SignalKind.LEAVES_LOSING
    assert signal.evidence.startswith(f"left {LEAVER_MIN} of their last 4 battles while behind")


@pytest.mark.parametrize(
    "history",
    [
        [forfeit(f"b{n}", "eve", (9, 6)) for n in range(LEAVER_MIN)],  # left while ahead
        [forfeit(f"b{n}", "eve", (0, 6), bot=True) for n in range(LEAVER_MIN)],  # the bot
        [forfeit(f"b{n}", "eve", (0, 6)) for n in range(LEAVER_MIN - 1)],  # not often enough
    ],
)
def test_leaving_while_ahead_against_the_bot_or_rarely_is_not_leaving_often(history):
    assert not leaves_often("eve", history)
    assert leaves_losing("eve", history[0], history) is None


def test_the_binomial_tail():
    assert binomial_tail(0, 5, 0.3) == 1.0
    assert binomial_tail(3, 3, 0.5) == pytest.approx(0.125)
    assert binomial_tail(1, 2, 0.5) == pytest.approx(0.75)
    assert binomial_tail(4, 3, 0.5) == 0.0
