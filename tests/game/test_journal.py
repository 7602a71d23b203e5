"""A battle's log: what another process rebuilds from it is the battle its owner had."""

from __future__ import annotations

import heapq
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.battle import can_change, start_battle, step
from game.battle_state import Battle, Phase, Seat
from game.bot import BotMove
from game.events import (
    AskAlternatives,
    BattleSaved,
    ChooseAlternative,
    Disconnected,
    Effect,
    Event,
    LagMeasured,
    OfferRematch,
    PhaseTimeout,
    Reconnected,
    Save,
    Schedule,
    SubmitAnswer,
    TakenOver,
)
from game.journal import JournalError, event_entry, replay, start_entry
from game.record import Method
from tests.game.test_battle import ANN, BOB, QUESTIONS, T0

PLAYERS = (ANN, BOB)
TEXTS = ("Canberra", "Canbera", "Sydney", "Nile", "", "Jupiter")


def as_json(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What another process reads back: the entries through JSON, as the log stores them."""
    return [json.loads(json.dumps(entry)) for entry in entries]


class Owner:
    """Runs a battle the way the arena does: logs each event, fires timers in time order."""

    def __init__(self, battle: Battle, effects: list[Effect]) -> None:
        self.battle = battle
        self.entries = [start_entry(battle)]
        self.timers: list[tuple[float, int, Schedule]] = []
        self.count = 0
        self.saving = False
        self.take(effects)

    def take(self, effects: list[Effect]) -> None:
        for effect in effects:
            if isinstance(effect, Schedule):
                self.count += 1
                heapq.heappush(self.timers, (effect.at, self.count, effect))
            elif isinstance(effect, Save):
                self.saving = True

    def apply(self, event: Event, now: float) -> None:
        self.entries.append(event_entry(event, now))
        self.battle, effects = step(self.battle, event, now)
        self.take(effects)

    def until(self, now: float) -> None:
        while self.timers and self.timers[0][0] <= now:
            at, _, timer = heapq.heappop(self.timers)
            self.apply(timer.event, at)
            if self.saving:
                self.saving = False
                self.apply(BattleSaved(), at)

    def pending(self) -> list[Schedule]:
        return sorted(
            (t for _, _, t in self.timers if can_change(self.battle, t.event)),
            key=lambda t: (t.at, repr(t.event)),
        )


def owner(*, bot: bool = False) -> Owner:
    moves = (BotMove(4.0, Method.TYPED, "Sydney"), BotMove(2.0, Method.CHOICE, "Nile"), None)
    seats = (Seat(ANN, "Ann", rtt=0.08), Seat(BOB, "Bob", bot=bot))
    battle, effects = start_battle(
        "b1", seats, QUESTIONS, T0, seed=11, category="geography", bot_moves=moves if bot else ()
    )
    return Owner(battle, effects)


def player_event(kind: int, player: str, battle: Battle, text: str, choice: int) -> Event:
    index = max(battle.index, 0)
    options: list[Event] = [
        SubmitAnswer(player, index, text),
        AskAlternatives(player, index),
        ChooseAlternative(player, index, choice),
        Disconnected(player),
        Reconnected(player, seq=battle.seq - 1 if choice % 2 else None),
        OfferRematch(player),
        LagMeasured(player, 0.01 * choice),
        TakenOver(),
    ]
    return options[kind]


moves = st.lists(
    st.tuples(
        st.floats(min_value=0.0, max_value=9.0),
        st.integers(0, 7),
        st.sampled_from(PLAYERS),
        st.sampled_from(TEXTS),
        st.integers(0, 3),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(moves=moves, bot=st.booleans())
def test_replaying_the_log_rebuilds_the_battle_and_its_timers(moves, bot) -> None:
    run = owner(bot=bot)
    now = T0
    for delay, kind, player, text, choice in moves:
        now += delay
        run.until(now)
        if bot and player == BOB:
            continue
        run.apply(player_event(kind, player, run.battle, text, choice), now)

    rebuilt = replay(as_json(run.entries))

    assert rebuilt.battle == run.battle
    assert sorted(rebuilt.timers, key=lambda t: (t.at, repr(t.event))) == run.pending()
    assert rebuilt.last_at == run.entries[-1]["at"]


def test_a_battle_rebuilt_mid_question_keeps_its_scores_attempts_and_deadline():
    run = owner()
    now = T0 + 3
    run.until(now)
    for index in range(len(QUESTIONS)):
        run.apply(SubmitAnswer(ANN, index, "Canberra" if index == 0 else "Nile"), now + 1)
        now = run.battle.rounds[index].closed_at or now
        if index + 1 < len(QUESTIONS):
            now += 5
            run.until(now)

    rebuilt = replay(as_json(run.entries))

    last = rebuilt.battle.rounds[2]
    assert rebuilt.battle.scores() == run.battle.scores() == {ANN: 6, BOB: 0}
    assert [a.text for a in last.attempts] == ["Nile"] and last.closed_at is None
    assert rebuilt.timers == (Schedule(last.deadline, PhaseTimeout(Phase.QUESTION, 2)),)


@pytest.mark.parametrize(
    "entries",
    [
        [],
        [{"event": "Halt", "at": T0}],
        "unknown event",
        "missing field",
    ],
    ids=["empty", "no start", "unknown event", "missing field"],
)
def test_a_log_that_is_not_a_battle_is_refused(entries):
    start = start_entry(owner().battle)
    if entries == "unknown event":
        entries = [start, {"event": "Explode", "at": T0}]
    elif entries == "missing field":
        entries = [start, {"event": "SubmitAnswer", "at": T0, "user_id": ANN}]

    with pytest.raises(JournalError):
        replay(entries)


class Witness(Owner):
    """An owner that keeps every battle value it was given, and how each read then."""

    def __init__(self, battle: Battle, effects: list[Effect]) -> None:
        self.seen: list[tuple[Battle, str]] = []
        super().__init__(battle, effects)

    def apply(self, event: Event, now: float) -> None:
        self.seen.append((self.battle, repr(self.battle)))
        super().apply(event, now)


@settings(max_examples=100, deadline=None)
@given(moves=moves, bot=st.booleans())
def test_step_never_changes_the_battle_it_is_given(moves, bot) -> None:
    # step writes its changes into a copy of its own (game.battle._Out): a battle value it
    # was given reads the same ever after, as replay and the arena rely on.
    start = owner(bot=bot)
    run = Witness(start.battle, [])
    run.timers = start.timers
    now = T0
    for delay, kind, player, text, choice in moves:
        now += delay
        run.until(now)
        if bot and player == BOB:
            continue
        run.apply(player_event(kind, player, run.battle, text, choice), now)

    assert [repr(battle) for battle, _ in run.seen] == [before for _, before in run.seen]
