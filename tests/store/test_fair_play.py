"""The store's side of fair play, for every adapter: signals recorded once and listed newest
first, and the counts of who met whom."""

from __future__ import annotations

from game.fair_play import Meetings, Signal, SignalKind
from tests.store.samples import make_battle

NOON = 20_000 * 86_400 + 12 * 3_600.0


def signal(kind: SignalKind, user_id: str, battle_id: str, at: float) -> Signal:
    return Signal(kind, user_id, battle_id, at, f"{kind} of {user_id} in {battle_id}")


def test_a_signal_recorded_twice_is_kept_once(store, run):
    first = signal(SignalKind.TOO_FAST, "eve", "b1", NOON)

    added = run(
        store.add_fair_play_signals([first, signal(SignalKind.TOO_FAST, "eve", "b2", NOON)])
    )
    again = run(store.add_fair_play_signals([first]))

    assert (added, again) == (2, 0)
    assert run(store.count_fair_play_signals()) == 2


def test_a_signal_recorded_again_keeps_what_was_recorded_first(store, run):
    first = Signal(SignalKind.TOO_FAST, "eve", "b1", NOON, "90 ms")
    again = Signal(SignalKind.TOO_FAST, "eve", "b1", NOON + 5, "80 ms")

    added = run(store.add_fair_play_signals([first, again]))
    later = run(store.add_fair_play_signals([again]))

    assert (added, later) == (1, 0)
    assert run(store.fair_play_signals()) == [first]


def test_recording_no_signals_records_nothing(store, run):
    assert run(store.add_fair_play_signals([])) == 0
    assert run(store.count_fair_play_signals()) == 0


def test_signals_are_listed_newest_first_by_kind_and_a_page_at_a_time(store, run):
    older = signal(SignalKind.TOO_FAST, "eve", "b1", NOON)
    newer = signal(SignalKind.LEAVES_LOSING, "eve", "b2", NOON + 60)
    newest = signal(SignalKind.TOO_FAST, "max", "b3", NOON + 120)
    run(store.add_fair_play_signals([older, newer, newest]))

    assert run(store.fair_play_signals()) == [newest, newer, older]
    assert run(store.fair_play_signals(SignalKind.TOO_FAST)) == [newest, older]
    assert run(store.fair_play_signals(offset=1, limit=1)) == [newer]
    assert run(store.count_fair_play_signals(SignalKind.LEAVES_LOSING)) == 1


def test_signals_of_the_same_time_are_listed_by_kind_then_player_then_battle(store, run):
    same_time = [
        signal(SignalKind.TOO_FAST, "ann", "b2", NOON),
        signal(SignalKind.TOO_FAST, "ann", "b1", NOON),
        signal(SignalKind.SAME_TIMINGS, "max", "b1", NOON),
        signal(SignalKind.TOO_FAST, "abe", "b9", NOON),
    ]
    run(store.add_fair_play_signals(same_time))

    listed = run(store.fair_play_signals())
    of_one_kind = run(store.fair_play_signals(SignalKind.TOO_FAST))

    assert [(s.kind, s.user_id, s.battle_id) for s in listed] == [
        (SignalKind.SAME_TIMINGS, "max", "b1"),
        (SignalKind.TOO_FAST, "abe", "b9"),
        (SignalKind.TOO_FAST, "ann", "b1"),
        (SignalKind.TOO_FAST, "ann", "b2"),
    ]
    assert of_one_kind == listed[1:]


def test_meetings_count_battles_between_people_since_a_time(store, run):
    for number, players in enumerate(
        [("ann", "bob"), ("bob", "ann"), ("ann", "cyd"), ("bob", "dan"), ("eve", "fay")]
    ):
        run(store.record_battle(make_battle(f"b{number}", finished_at=NOON, players=players)))
    run(store.record_battle(make_battle("old", finished_at=NOON - 3_600, players=("ann", "bob"))))
    bot = make_battle("bot", finished_at=NOON, players=("ann", "bot-1"), bots=("bot-1",))
    run(store.record_battle(bot))

    meetings = run(store.meetings("ann", "bob", since=NOON - 60))

    assert meetings == Meetings(together=2, first=3, second=3, everyone=5)
