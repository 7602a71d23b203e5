"""The battle state machine, walked event by event with a clock the test moves by hand."""

from __future__ import annotations

import pytest

from game.battle import can_change, start_battle, step
from game.battle_state import Battle, Phase, Seat, Timing
from game.bot import BotMove
from game.events import (
    AskAlternatives,
    BattleSaved,
    BotTurn,
    CatchUp,
    ChooseAlternative,
    Disconnected,
    Effect,
    Event,
    Forget,
    Halt,
    OfferRematch,
    PhaseTimeout,
    Reconnected,
    Reject,
    Save,
    Schedule,
    SeatExpired,
    Send,
    StartRematch,
    SubmitAnswer,
    TakenOver,
)
from game.questions import Question
from game.record import Method, Outcome

T0 = 1_000_000.0
ANN, BOB = "u-ann", "u-bob"
TIMING = Timing()
COUNTDOWN_SECONDS = TIMING.countdown
QUESTION_SECONDS = TIMING.question
REVEAL_SECONDS = TIMING.reveal
SEAT_HOLD_SECONDS = TIMING.seat_hold
REMATCH_SECONDS = TIMING.rematch

QUESTIONS = tuple(
    Question(
        id=f"q{i}",
        category="geography",
        difficulty=1,
        text=f"Question number {i}?",
        answer=answer,
        wrong=wrong,
        did_you_know="A fact." if i == 0 else "",
    )
    for i, (answer, wrong) in enumerate(
        [
            ("Canberra", ("Sydney", "Melbourne", "Perth")),
            ("Nile", ("Amazon", "Danube", "Volga")),
            ("Jupiter", ("Saturn", "Mars", "Venus")),
        ]
    )
)


def new_battle(*, bot_moves: tuple[BotMove | None, ...] = (), bob_is_bot: bool = False) -> Battle:
    seats = (Seat(ANN, "Ann"), Seat(BOB, "Bob", bot=bob_is_bot))
    battle, _ = start_battle("b1", seats, QUESTIONS, T0, seed=7, bot_moves=bot_moves)
    return battle


def opened(battle: Battle, index: int = 0) -> tuple[Battle, float]:
    """The battle with question `index` open, and the time it opened."""
    now = T0 + COUNTDOWN_SECONDS
    battle, _ = step(battle, PhaseTimeout(Phase.COUNTDOWN, -1), now)
    for i in range(index):
        battle, _ = step(battle, PhaseTimeout(Phase.QUESTION, i), now + QUESTION_SECONDS)
        now += QUESTION_SECONDS + REVEAL_SECONDS
        battle, _ = step(battle, PhaseTimeout(Phase.REVEAL, i), now)
    return battle, now


def sends(effects: list[Effect], to: str | None = None, kind: str | None = None) -> list[dict]:
    return [
        e.message
        for e in effects
        if isinstance(e, Send)
        and (to is None or e.to == to)
        and (kind is None or e.message["type"] == kind)
    ]


def rejects(effects: list[Effect]) -> list[str]:
    return [e.code for e in effects if isinstance(e, Reject)]


def play_out(battle: Battle, now: float) -> tuple[Battle, list[Effect], float]:
    """Let every remaining question time out; returns the battle in SAVING."""
    effects: list[Effect] = []
    while battle.phase in (Phase.QUESTION, Phase.REVEAL):
        if battle.phase is Phase.QUESTION:
            now = battle.rounds[battle.index].deadline
        else:
            now += REVEAL_SECONDS
        battle, effects = step(battle, PhaseTimeout(battle.phase, battle.index), now)
    return battle, effects, now


def test_a_new_battle_announces_both_players_and_the_countdown():
    seats = (Seat(ANN, "Ann"), Seat(BOB, "Bob"))

    battle, effects = start_battle("b1", seats, QUESTIONS, T0, seed=1)

    assert battle.phase is Phase.COUNTDOWN
    starts = sends(effects, kind="battle")
    assert len(starts) == 2 and starts[0]["starts_in_ms"] == 3000
    assert Schedule(T0 + COUNTDOWN_SECONDS, PhaseTimeout(Phase.COUNTDOWN, -1)) in effects


def test_a_player_cannot_battle_themself():
    with pytest.raises(ValueError):
        start_battle("b1", (Seat(ANN, "Ann"), Seat(ANN, "Ann")), QUESTIONS, T0, seed=1)


def test_a_question_goes_out_with_its_deadline_but_never_its_answer():
    battle = new_battle()

    battle, effects = step(battle, PhaseTimeout(Phase.COUNTDOWN, -1), T0 + COUNTDOWN_SECONDS)

    (question,) = sends(effects, to=ANN, kind="question")
    assert question["index"] == 0 and question["remaining_ms"] == 15000
    assert "Canberra" not in str(question) and "Sydney" not in str(question)
    assert Schedule(T0 + 3 + QUESTION_SECONDS, PhaseTimeout(Phase.QUESTION, 0)) in effects


def test_first_right_typed_answer_scores_three_and_closes_the_question_for_both():
    battle, now = opened(new_battle())

    battle, effects = step(battle, SubmitAnswer(ANN, 0, "canberra"), now + 4.2)

    assert battle.phase is Phase.REVEAL
    assert battle.scores() == {ANN: 3, BOB: 0}
    (reveal,) = sends(effects, to=BOB, kind="reveal")
    assert reveal["taken_by"] == ANN and reveal["at_ms"] == 4200
    assert reveal["answer"] == "Canberra" and reveal["did_you_know"] == "A fact."


def test_a_typo_is_forgiven_and_the_reason_is_shown():
    battle, now = opened(new_battle())

    battle, effects = step(battle, SubmitAnswer(ANN, 0, "Canbera"), now + 1)

    (reveal,) = sends(effects, to=ANN, kind="reveal")
    assert reveal["attempts"][0]["correct"] is True
    assert "typo" in reveal["attempts"][0]["reason"]


def test_a_wrong_answer_is_announced_and_the_opponent_may_still_take_it():
    battle, now = opened(new_battle())

    battle, effects = step(battle, SubmitAnswer(ANN, 0, "Sydney"), now + 1)

    assert battle.phase is Phase.QUESTION
    assert sends(effects, to=BOB, kind="attempt") == [
        {"type": "attempt", "index": 0, "by": ANN, "correct": False, "battle": "b1", "seq": 3}
    ]
    battle, effects = step(battle, SubmitAnswer(BOB, 0, "Canberra"), now + 2)
    assert battle.scores() == {ANN: 0, BOB: 3}
    assert sends(effects, kind="reveal")[0]["taken_by"] == BOB


def test_the_question_closes_when_both_have_answered_wrong():
    battle, now = opened(new_battle())
    battle, _ = step(battle, SubmitAnswer(ANN, 0, "Sydney"), now + 1)

    battle, effects = step(battle, SubmitAnswer(BOB, 0, "Perth"), now + 2)

    assert battle.phase is Phase.REVEAL
    (reveal,) = sends(effects, to=ANN, kind="reveal")
    assert reveal["taken_by"] is None and [a["text"] for a in reveal["attempts"]] == [
        "Sydney",
        "Perth",
    ]


def test_the_question_closes_at_its_deadline_with_nobody_scoring():
    battle, now = opened(new_battle())

    battle, effects = step(battle, PhaseTimeout(Phase.QUESTION, 0), now + QUESTION_SECONDS)

    assert battle.phase is Phase.REVEAL and battle.scores() == {ANN: 0, BOB: 0}
    assert sends(effects, to=ANN, kind="reveal")[0]["taken_by"] is None


def test_a_player_has_one_attempt_per_question():
    battle, now = opened(new_battle())
    battle, _ = step(battle, SubmitAnswer(ANN, 0, "Sydney"), now + 1)

    after, effects = step(battle, SubmitAnswer(ANN, 0, "Canberra"), now + 2)

    assert rejects(effects) == ["already_answered"]
    assert after == battle


def test_alternatives_go_only_to_the_player_who_asked_and_a_right_choice_scores_one():
    battle, now = opened(new_battle())

    battle, effects = step(battle, AskAlternatives(ANN, 0), now + 1)

    (alternatives,) = sends(effects, kind="alternatives")
    assert sends(effects, to=BOB) == []
    assert sorted(alternatives["choices"]) == sorted(QUESTIONS[0].alternatives)
    right = alternatives["choices"].index("Canberra")
    battle, _ = step(battle, ChooseAlternative(ANN, 0, right), now + 2)
    assert battle.scores() == {ANN: 1, BOB: 0} and battle.phase is Phase.REVEAL


def test_after_asking_for_alternatives_a_player_cannot_type():
    battle, now = opened(new_battle())
    battle, _ = step(battle, AskAlternatives(ANN, 0), now + 1)

    after, effects = step(battle, SubmitAnswer(ANN, 0, "Canberra"), now + 2)

    assert rejects(effects) == ["choose_first"] and after == battle


def test_choosing_without_asking_is_refused():
    battle, now = opened(new_battle())

    after, effects = step(battle, ChooseAlternative(ANN, 0, 0), now + 1)

    assert rejects(effects) == ["no_alternatives"] and after == battle


def test_each_player_sees_the_alternatives_in_their_own_order_but_the_same_set():
    battle, _ = opened(new_battle())

    ann, bob = battle.choices_for(0, ANN), battle.choices_for(0, BOB)

    assert sorted(ann) == sorted(bob) and ann == battle.choices_for(0, ANN)


def test_late_and_future_answers_are_refused_and_change_nothing():
    battle, now = opened(new_battle(), index=1)

    for event, code in [
        (SubmitAnswer(ANN, 0, "Canberra"), "late"),
        (SubmitAnswer(ANN, 2, "Jupiter"), "future"),
        (SubmitAnswer(ANN, 1, "Nile"), "late"),
    ]:
        at = now + QUESTION_SECONDS + 0.5 if event.index == 1 else now + 1
        after, effects = step(battle, event, at)
        assert rejects(effects) == [code] and after == battle


def test_answers_during_the_countdown_are_refused():
    battle = new_battle()

    after, effects = step(battle, SubmitAnswer(ANN, 0, "Canberra"), T0 + 1)

    assert rejects(effects) == ["future"] and after == battle


def test_a_stranger_cannot_answer_in_this_battle():
    battle, now = opened(new_battle())

    after, effects = step(battle, SubmitAnswer("u-eve", 0, "Canberra"), now + 1)

    assert rejects(effects) == ["wrong_battle"] and after == battle


def test_a_right_answer_just_after_the_steal_hears_how_much_sooner_the_taker_was():
    battle, now = opened(new_battle())
    battle, _ = step(battle, SubmitAnswer(ANN, 0, "Canberra"), now + 3.0)

    battle, effects = step(battle, SubmitAnswer(BOB, 0, "Canberra"), now + 3.4)

    (late,) = sends(effects, to=BOB, kind="late")
    assert late["sooner_ms"] == 400 and late["correct"] is True
    assert battle.scores() == {ANN: 3, BOB: 0}


def test_a_late_attempt_is_told_to_both_players_with_the_same_story():
    battle, now = opened(new_battle())
    battle, _ = step(battle, SubmitAnswer(ANN, 0, "Canberra"), now + 3.0)

    battle, effects = step(battle, SubmitAnswer(BOB, 0, "Canberra"), now + 3.04)

    to_ann, to_bob = sends(effects, to=ANN, kind="late"), sends(effects, to=BOB, kind="late")
    assert to_ann == to_bob and to_ann[0]["by"] == BOB
    assert to_ann[0]["note"] == "right, but 40\u00a0ms too late"
    assert to_ann[0]["story"] == {
        ANN: {"tone": "took", "text": "+3 — you took it in 3.0\u00a0s, 40\u00a0ms ahead of Bob"},
        BOB: {"tone": "stolen", "text": "Stolen by Ann, 40\u00a0ms sooner"},
    }


def test_a_late_right_choice_gets_the_same_notice_as_a_typed_answer():
    battle, now = opened(new_battle())
    battle, _ = step(battle, AskAlternatives(BOB, 0), now + 1)
    battle, _ = step(battle, SubmitAnswer(ANN, 0, "Canberra"), now + 2)
    right = battle.choices_for(0, BOB).index("Canberra")

    battle, effects = step(battle, ChooseAlternative(BOB, 0, right), now + 2.3)

    assert rejects(effects) == ["late"]
    (late,) = sends(effects, to=BOB, kind="late")
    assert late["method"] == "choice" and late["correct"] is True and late["sooner_ms"] == 300


def test_only_the_first_late_attempt_counts_and_only_soon_after_the_steal():
    battle, now = opened(new_battle())
    battle, _ = step(battle, SubmitAnswer(ANN, 0, "Canberra"), now + 1)
    too_late = now + 1 + TIMING.late_notice + 0.1

    after_window, effects = step(battle, SubmitAnswer(BOB, 0, "Canberra"), too_late)
    assert rejects(effects) == ["late"] and sends(effects, kind="late") == []
    assert after_window == battle
    battle, _ = step(battle, SubmitAnswer(BOB, 0, "Sydney"), now + 1.2)
    again, effects = step(battle, SubmitAnswer(BOB, 0, "Canberra"), now + 1.3)

    assert sends(effects, kind="late") == [] and again == battle
    assert [a.text for a in battle.rounds[0].late] == ["Sydney"]


def test_late_attempts_reach_the_record_but_score_nothing_and_count_in_no_statistics():
    battle, now = opened(new_battle())
    battle, _ = step(battle, SubmitAnswer(ANN, 0, "Canberra"), now + 1)
    battle, _ = step(battle, SubmitAnswer(BOB, 0, "Canberra"), now + 1.5)

    battle, effects, _ = play_out(battle, now + 1.5)

    (save,) = [e for e in effects if isinstance(e, Save)]
    (late,) = save.record.questions[0].late
    assert (late.user_id, late.correct, late.points, late.at_ms) == (BOB, True, 0, 1500)
    assert save.record.stat_deltas()["q0"].right == 1
    assert battle.scores() == {ANN: 3, BOB: 0}


def test_stale_timers_are_ignored():
    battle, now = opened(new_battle())
    battle, _ = step(battle, SubmitAnswer(ANN, 0, "Canberra"), now + 1)

    after, effects = step(battle, PhaseTimeout(Phase.QUESTION, 0), now + QUESTION_SECONDS)

    assert after == battle and effects == []


def test_the_reveal_leads_to_the_next_question_and_the_last_one_to_saving():
    battle, now = opened(new_battle())
    battle, _ = step(battle, SubmitAnswer(ANN, 0, "Canberra"), now + 1)

    battle, effects = step(battle, PhaseTimeout(Phase.REVEAL, 0), now + 1 + REVEAL_SECONDS)
    assert battle.phase is Phase.QUESTION and battle.index == 1
    battle, effects, now = play_out(battle, now)

    assert battle.phase is Phase.SAVING
    (save,) = [e for e in effects if isinstance(e, Save)]
    assert save.record.outcome is Outcome.FINISHED and save.record.winner_id == ANN
    assert sends(effects, kind="result") == []


def test_the_result_is_shown_only_after_the_battle_is_saved():
    battle, now = opened(new_battle())
    battle, _, now = play_out(battle, now)

    battle, effects = step(battle, BattleSaved(), now + 0.1)

    assert battle.phase is Phase.FINISHED
    (result,) = sends(effects, to=ANN, kind="result")
    assert result["outcome"] == "finished" and result["winner"] is None
    assert result["replay"] == "/battles/b1"


def test_the_record_keeps_every_attempt_with_its_server_time_and_verdict():
    battle, now = opened(new_battle())
    battle, _ = step(battle, SubmitAnswer(BOB, 0, "Sydney"), now + 2.5)
    battle, _ = step(battle, AskAlternatives(ANN, 0), now + 3)
    right = battle.choices_for(0, ANN).index("Canberra")
    battle, _ = step(battle, ChooseAlternative(ANN, 0, right), now + 5)

    _, effects, _ = play_out(battle, now + 5)

    (save,) = [e for e in effects if isinstance(e, Save)]
    first = save.record.questions[0]
    assert [(a.user_id, a.method, a.correct, a.at_ms, a.points) for a in first.attempts] == [
        (BOB, Method.TYPED, False, 2500, 0),
        (ANN, Method.CHOICE, True, 5000, 1),
    ]
    assert first.taken_by == ANN and len(save.record.questions) == 3


def test_a_disconnected_players_seat_is_held_and_the_opponent_told():
    battle, now = opened(new_battle())

    battle, effects = step(battle, Disconnected(BOB), now + 1)

    (away,) = sends(effects, to=ANN, kind="away")
    assert away["hold_ms"] == 20000
    assert Schedule(now + 1 + SEAT_HOLD_SECONDS, SeatExpired(BOB, now + 1)) in effects


def test_reconnecting_in_time_restores_the_full_state():
    battle, now = opened(new_battle())
    battle, _ = step(battle, AskAlternatives(BOB, 0), now + 1)
    battle, _ = step(battle, Disconnected(BOB), now + 2)

    battle, effects = step(battle, Reconnected(BOB), now + 5)

    (snapshot,) = sends(effects, to=BOB, kind="snapshot")
    assert snapshot["phase"] == "question" and snapshot["index"] == 0
    assert snapshot["questions"] == len(QUESTIONS)
    assert snapshot["question"]["remaining_ms"] == 10000
    assert snapshot["alternatives"] == list(battle.choices_for(0, BOB))
    assert sends(effects, to=ANN, kind="back") != []
    after, effects = step(battle, SeatExpired(BOB, now + 2), now + 22)
    assert effects == [] and after == battle


def test_a_player_gone_after_the_first_question_closed_forfeits():
    battle, now = opened(new_battle(), index=1)
    battle, _ = step(battle, Disconnected(BOB), now + 1)

    battle, effects = step(battle, SeatExpired(BOB, now + 1), now + 21)

    (save,) = [e for e in effects if isinstance(e, Save)]
    assert save.record.outcome is Outcome.FORFEIT and save.record.winner_id == ANN


def test_a_player_gone_before_the_first_question_closed_aborts_the_battle():
    battle, now = opened(new_battle())
    battle, _ = step(battle, Disconnected(BOB), now + 1)
    battle, _ = step(battle, PhaseTimeout(Phase.QUESTION, 0), now + QUESTION_SECONDS)

    battle, effects = step(battle, SeatExpired(BOB, now + 1), now + 21)

    (save,) = [e for e in effects if isinstance(e, Save)]
    assert save.record.outcome is Outcome.ABORTED and save.record.winner_id is None


def test_rematch_starts_when_both_accept_in_time():
    battle, now = opened(new_battle())
    battle, _, now = play_out(battle, now)
    battle, _ = step(battle, BattleSaved(), now)

    battle, effects = step(battle, OfferRematch(ANN), now + 2)
    assert sends(effects, to=BOB, kind="rematch")[0]["by"] == ANN
    battle, effects = step(battle, OfferRematch(BOB), now + 4)

    assert StartRematch((ANN, BOB)) in effects and Forget() in effects


def test_a_player_who_leaves_after_the_result_is_told_and_no_rematch_waits_for_them():
    battle, now = opened(new_battle())
    battle, _, now = play_out(battle, now)
    battle, _ = step(battle, BattleSaved(), now)

    battle, effects = step(battle, Disconnected(BOB), now + 1)
    assert sends(effects, to=ANN) == [{"type": "left", "player": BOB, "battle": "b1",
                                       "seq": battle.seq}]  # fmt: skip
    after, effects = step(battle, OfferRematch(ANN), now + 2)
    assert rejects(effects) == ["rematch_closed"] and after == battle
    battle, effects = step(battle, Reconnected(BOB), now + 3)

    assert sends(effects, to=ANN, kind="back") != []
    _, effects = step(battle, OfferRematch(ANN), now + 4)
    assert sends(effects, to=BOB, kind="rematch") != []


def test_a_rematch_offer_after_the_window_is_refused():
    battle, now = opened(new_battle())
    battle, _, now = play_out(battle, now)
    battle, _ = step(battle, BattleSaved(), now)
    battle, effects = step(
        battle, PhaseTimeout(Phase.FINISHED, battle.index), now + REMATCH_SECONDS
    )
    assert Forget() in effects

    after, effects = step(battle, OfferRematch(ANN), now + REMATCH_SECONDS + 1)

    assert rejects(effects) == ["rematch_closed"] and after == battle


def test_the_bot_answers_when_its_turn_comes_and_is_judged_like_anyone():
    moves = (BotMove(4.0, Method.CHOICE, "Canberra"), None, None)
    battle, now = opened(new_battle(bot_moves=moves, bob_is_bot=True))

    battle, effects = step(battle, BotTurn(0), now + 4.0)

    assert battle.scores() == {ANN: 0, BOB: 1}
    assert [e.to for e in effects if isinstance(e, Send)] == [ANN]


def test_the_bots_turn_is_scheduled_when_the_question_opens():
    moves = (BotMove(4.0, Method.TYPED, "Sydney"), None, None)
    battle = new_battle(bot_moves=moves, bob_is_bot=True)

    _, effects = step(battle, PhaseTimeout(Phase.COUNTDOWN, -1), T0 + 3)

    assert Schedule(T0 + 3 + 4.0, BotTurn(0)) in effects


def test_every_message_carries_a_growing_sequence_number():
    battle, now = opened(new_battle())
    battle, first = step(battle, SubmitAnswer(ANN, 0, "Sydney"), now + 1)
    battle, second = step(battle, SubmitAnswer(BOB, 0, "Canberra"), now + 2)

    seqs = [m["seq"] for m in sends(first + second, to=ANN)]

    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) and seqs[0] > 1


def test_replaying_the_same_events_rebuilds_the_same_battle():
    log: list[tuple[Event, float]] = [
        (PhaseTimeout(Phase.COUNTDOWN, -1), T0 + 3),
        (SubmitAnswer(ANN, 0, "Sydney"), T0 + 5),
        (AskAlternatives(BOB, 0), T0 + 6),
        (ChooseAlternative(BOB, 0, 2), T0 + 7),
        (PhaseTimeout(Phase.REVEAL, 0), T0 + 12),
        (Disconnected(ANN), T0 + 13),
        (Reconnected(ANN), T0 + 14),
    ]

    def replay() -> Battle:
        battle = new_battle()
        for event, at in log:
            battle, _ = step(battle, event, at)
        return battle

    assert replay() == replay()
    assert replay().index == 1 and replay().seq > 5


def test_a_snapshot_during_the_countdown_says_how_long_is_left():
    battle, _ = step(new_battle(), Disconnected(ANN), T0 + 1)

    _, effects = step(battle, Reconnected(ANN), T0 + 2)

    (snapshot,) = sends(effects, to=ANN, kind="snapshot")
    assert snapshot["phase"] == "countdown" and snapshot["starts_in_ms"] == 1000


def test_a_battle_still_being_played_when_the_process_stops_is_saved_as_aborted():
    battle, now = opened(new_battle(), index=1)

    battle, effects = step(battle, Halt(), now + 1)

    (save,) = [e for e in effects if isinstance(e, Save)]
    assert save.record.outcome is Outcome.ABORTED and len(save.record.questions) == 2


def test_halting_an_ended_battle_changes_nothing():
    battle, now = opened(new_battle())
    battle, _, now = play_out(battle, now)
    battle, _ = step(battle, BattleSaved(), now)

    after, effects = step(battle, Halt(), now + 1)

    assert after == battle and effects == []


def test_the_record_keeps_how_many_typos_the_judge_forgave():
    battle, now = opened(new_battle())
    battle, _ = step(battle, SubmitAnswer(ANN, 0, "Canbera"), now + 1)

    battle, effects, _ = play_out(battle, now + 1)

    (save,) = [e for e in effects if isinstance(e, Save)]
    (attempt,) = save.record.questions[0].attempts
    assert attempt.correct and attempt.typos == 1


def test_an_empty_answer_is_a_wrong_attempt_and_uses_it():
    battle, opened_at = opened(new_battle())

    battle, effects = step(battle, SubmitAnswer(ANN, 0, ""), opened_at + 1)
    battle, again = step(battle, SubmitAnswer(ANN, 0, QUESTIONS[0].answer), opened_at + 2)

    assert sends(effects, to=BOB, kind="attempt")[0]["correct"] is False
    assert rejects(again) == ["already_answered"]


def test_a_reconnect_that_names_its_last_seq_asks_to_be_caught_up_from_it():
    battle, now = opened(new_battle())
    battle, _ = step(battle, Disconnected(BOB), now + 1)

    battle, effects = step(battle, Reconnected(BOB, seq=4), now + 2)

    (catch_up,) = [e for e in effects if isinstance(e, CatchUp)]
    assert catch_up.to == BOB and catch_up.after == 4
    assert catch_up.snapshot["type"] == "snapshot" and catch_up.snapshot["seq"] == battle.seq
    assert sends(effects, to=BOB, kind="snapshot") == []
    assert sends(effects, to=ANN, kind="back") != []


def test_a_battle_taken_over_tells_both_players_where_it_stands():
    battle, now = opened(new_battle())
    battle, _ = step(battle, SubmitAnswer(ANN, 0, "Sydney"), now + 1)

    after, effects = step(battle, TakenOver(), now + 4)

    for player in (ANN, BOB):
        (snapshot,) = sends(effects, to=player, kind="snapshot")
        assert snapshot["phase"] == "question" and snapshot["index"] == 0
        assert snapshot["question"]["remaining_ms"] == round((QUESTION_SECONDS - 4) * 1000)
    assert after.rounds[0].deadline == battle.rounds[0].deadline
    assert after.rounds[0].attempts == battle.rounds[0].attempts


def test_a_question_that_ran_out_during_a_takeover_gets_the_grace():
    battle, now = opened(new_battle())
    late = now + QUESTION_SECONDS + 2  # its deadline passed while no process ran it

    after, effects = step(battle, TakenOver(), late)

    assert after.rounds[0].deadline == late + TIMING.takeover_grace
    assert Schedule(late + TIMING.takeover_grace, PhaseTimeout(Phase.QUESTION, 0)) in effects
    (snapshot,) = sends(effects, to=ANN, kind="snapshot")
    assert snapshot["question"]["remaining_ms"] == round(TIMING.takeover_grace * 1000)
    after, _ = step(after, SubmitAnswer(BOB, 0, "Canberra"), late + 1)
    assert after.rounds[0].taken_by == BOB


def test_a_timer_whose_phase_ended_early_can_no_longer_change_the_battle():
    battle, now = opened(new_battle())
    deadline = PhaseTimeout(Phase.QUESTION, 0)
    assert can_change(battle, deadline)

    battle, _ = step(battle, SubmitAnswer(ANN, 0, "Canberra"), now + 1)

    assert not can_change(battle, deadline)
    assert can_change(battle, PhaseTimeout(Phase.REVEAL, 0))


def test_a_seat_expiry_can_no_longer_change_the_battle_once_its_player_is_back():
    battle, now = opened(new_battle())
    battle, effects = step(battle, Disconnected(BOB), now + 1)
    (expiry,) = [e.event for e in effects if isinstance(e, Schedule)]
    assert can_change(battle, expiry)

    battle, _ = step(battle, Reconnected(BOB), now + 2)

    assert not can_change(battle, expiry)
