"""The words pages show for codes: every code has words, and times read as people say them."""

from __future__ import annotations

from dataclasses import replace

from game.pipeline import Action, ReportKind, State, Verdict
from game.questions import CATEGORIES, CATEGORY_NAMES
from game.record import Outcome
from handlers.labels import (
    ACTION_NAMES,
    REPORT_KIND_NAMES,
    STATE_NAMES,
    VERDICT_ANSWERS,
    VERDICT_NAMES,
    category_name,
    when,
)
from handlers.played import played_by
from tests.store.samples import make_battle

NOW = 1_800_000_000.0


def test_every_category_has_a_name_players_read():
    assert set(CATEGORY_NAMES) == set(CATEGORIES)
    assert category_name("film-tv") == "Film & TV"


def test_every_state_move_verdict_and_report_kind_has_words():
    assert set(STATE_NAMES) == set(State) and set(ACTION_NAMES) == set(Action)
    assert set(VERDICT_NAMES) == set(VERDICT_ANSWERS) == set(Verdict)
    assert set(REPORT_KIND_NAMES) == set(ReportKind)


def test_recent_times_read_as_how_long_ago():
    assert when(NOW - 20, NOW) == "just now"
    assert when(NOW - 60, NOW) == "1\u00a0minute ago"  # a number never parts from its unit
    assert when(NOW - 3 * 3600 - 5, NOW) == "3\u00a0hours ago"
    assert when(NOW - 30 * 3600, NOW) == "yesterday"
    assert when(NOW - 3 * 86400, NOW) == "3\u00a0days ago"


def test_times_past_a_week_read_as_a_date():
    assert when(NOW - 30 * 86400, NOW) == "16\u00a0December 2026"


def test_a_battle_is_seen_from_the_seat_of_the_player_asking():
    battle = make_battle("b1", players=("ann", "bob"))

    ann, bob = played_by(battle, "ann"), played_by(battle, "bob")

    assert (ann.outcome, ann.opponent, bob.outcome, bob.opponent) == ("won", "Bob", "lost", "Ann")


def test_a_battle_without_a_winner_is_a_draw_or_called_off():
    draw = replace(make_battle("b1"), winner_id=None)
    aborted = replace(draw, outcome=Outcome.ABORTED)

    assert played_by(draw, "ann").outcome == "draw"
    assert played_by(aborted, "ann").outcome == "called off"
