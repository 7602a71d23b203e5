"""The review of each saved battle against a real SQLite store: which signals it records from
the players' latest battles and meetings, and who enters the pool as leaving often."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from game.fair_play import LEAVER_MIN, PAIR_MIN, Signal, SignalKind
from game.record import AttemptEntry, BattleRecord, Method, Outcome, PlayerEntry, QuestionEntry
from sockets.fair_play import leaves_often, review_battle
from store.sqlite import SQLiteStore
from tests.store.samples import make_battle

NOON = 20_000 * 86_400 + 12 * 3_600.0


def forfeited(battle_id: str, leaver: str, at: float) -> BattleRecord:
    """`leaver` left behind 0-6 against "opp", who won by forfeit."""
    return BattleRecord(
        id=battle_id,
        started_at=at - 60,
        finished_at=at,
        outcome=Outcome.FORFEIT,
        players=(PlayerEntry(leaver, "Eve", 0), PlayerEntry("opp", "Opp", 6)),
        questions=(),
        winner_id="opp",
    )


def reviewed(tmp_path, records: list[BattleRecord], fast: tuple[Signal, ...] = ()) -> list[Signal]:
    """The signals recorded once every record is saved and the last one reviewed."""

    async def scenario() -> list[Signal]:
        store = SQLiteStore(tmp_path / "k.db")
        await store.open()
        try:
            for record in records:
                await store.record_battle(record)
            await review_battle(store, records[-1], fast)
            return await store.fair_play_signals()
        finally:
            await store.close()

    return asyncio.run(scenario())


def test_a_battle_left_while_behind_by_a_player_who_keeps_doing_it_is_recorded(tmp_path):
    left = [forfeited(f"b{n}", "eve", NOON + n) for n in range(LEAVER_MIN)]

    signals = reviewed(tmp_path, left)

    assert [(s.kind, s.user_id, s.battle_id) for s in signals] == [
        (SignalKind.LEAVES_LOSING, "eve", left[-1].id)
    ]


def test_a_pair_meeting_again_and_again_among_many_others_is_recorded_for_both(tmp_path):
    others = [
        make_battle(f"o{n}", finished_at=NOON, players=(f"p{n}", f"q{n}")) for n in range(300)
    ]
    together = [
        make_battle(f"t{n}", finished_at=NOON + n, players=("ann", "bob")) for n in range(PAIR_MIN)
    ]

    signals = reviewed(tmp_path, others + together)

    # (make_battle's first player answers at 2,000 ms every time: same timings as well)
    assert {s.user_id for s in signals if s.kind is SignalKind.FREQUENT_PAIR} == {"ann", "bob"}


def test_right_answers_at_one_moment_across_battles_are_recorded(tmp_path):
    def at(battle_id: str, ms: int, finished_at: float) -> BattleRecord:
        attempt = AttemptEntry("max", Method.TYPED, "a", True, "exact", ms, 3)
        battle = make_battle(battle_id, finished_at=finished_at, players=("max", "zed"))
        entry = QuestionEntry("q1", (attempt,), "max")
        return replace(battle, questions=(entry, replace(entry, question_id="q2")))

    battles = [at("b1", 1_500, NOON), at("b2", 1_503, NOON + 1), at("b3", 1_507, NOON + 2)]

    signals = reviewed(tmp_path, battles)

    assert [(s.kind, s.user_id, s.battle_id) for s in signals] == [
        (SignalKind.SAME_TIMINGS, "max", "b3")
    ]


def test_a_plain_battle_records_nothing_but_what_the_battle_itself_showed(tmp_path):
    fast = Signal(SignalKind.TOO_FAST, "ann", "b1", NOON, "1 right answer faster than 250 ms")

    signals = reviewed(tmp_path, [make_battle("b1", finished_at=NOON)], (fast,))

    assert signals == [fast]


def test_whoever_keeps_leaving_enters_the_pool_as_leaving_often(tmp_path):
    async def scenario() -> tuple[bool, bool]:
        store = SQLiteStore(tmp_path / "k.db")
        await store.open()
        for n in range(LEAVER_MIN):
            await store.record_battle(forfeited(f"b{n}", "eve", NOON + n))
        try:
            return await leaves_often(store, "eve"), await leaves_often(store, "opp")
        finally:
            await store.close()

    assert asyncio.run(scenario()) == (True, False)
