"""The one-line story of a question, the same for the live reveal and the replay."""

from __future__ import annotations

import pytest

from game.record import AttemptEntry, Method, QuestionEntry
from game.story import Tone, attempt_note, margin, verdict

ANN, BOB = "u-ann", "u-bob"
NAMES = {ANN: "Ann", BOB: "Bob"}


def typed(
    user_id: str, text: str, correct: bool, at_ms: int, reason: str = "exact"
) -> AttemptEntry:
    return AttemptEntry(user_id, Method.TYPED, text, correct, reason, at_ms, 3 if correct else 0)


RACE = QuestionEntry(
    "q1",
    attempts=(typed(ANN, "Canberra", True, 1300),),
    taken_by=ANN,
    late=(AttemptEntry(BOB, Method.TYPED, "Canberra", True, "exact", 1340, 0),),
)
TAKEN_AFTER_A_MISS = QuestionEntry(
    "q2",
    attempts=(
        typed(ANN, "Sydney", False, 900, "'Sydney' is a different answer"),
        AttemptEntry(BOB, Method.CHOICE, "Canberra", True, "right choice", 2150, 1),
    ),
    taken_by=BOB,
)
NOBODY = QuestionEntry("q3", attempts=(typed(ANN, "Perth", False, 4000, "not the answer"),))


@pytest.mark.parametrize(
    ("entry", "viewer", "tone", "text"),
    [
        (RACE, ANN, Tone.TOOK, "+3 — you took it in 1.3\u00a0s, 40\u00a0ms ahead of Bob"),
        (RACE, BOB, Tone.STOLEN, "Stolen by Ann, 40\u00a0ms sooner"),
        (RACE, None, Tone.WATCHED, "Ann took it in 1.3\u00a0s, 40\u00a0ms ahead of Bob"),
        (TAKEN_AFTER_A_MISS, BOB, Tone.TOOK, "+1 — you took it in 2.1\u00a0s"),
        (TAKEN_AFTER_A_MISS, ANN, Tone.LOST, "Bob took it in 2.1\u00a0s"),
        (TAKEN_AFTER_A_MISS, "u-eve", Tone.WATCHED, "Bob took it in 2.1\u00a0s"),
        (NOBODY, ANN, Tone.NOBODY, "Nobody got it"),
        (NOBODY, BOB, Tone.NOBODY, "Nobody got it"),
    ],
)
def test_each_viewer_reads_the_same_facts_from_their_side(entry, viewer, tone, text):
    told = verdict(entry, viewer, NAMES)

    assert (told.tone, told.text) == (tone, text)


@pytest.mark.parametrize(
    ("ms", "said"),
    [
        (0, "0\u00a0ms"),
        (40, "40\u00a0ms"),
        (999, "999\u00a0ms"),
        (1000, "1.0\u00a0s"),
        (2340, "2.3\u00a0s"),
    ],
)
def test_a_race_under_a_second_is_told_in_milliseconds(ms, said):
    assert margin(ms) == said


@pytest.mark.parametrize(
    ("entry", "attempt", "note"),
    [
        (RACE, RACE.attempts[0], "right"),
        (RACE, RACE.late[0], "right, but 40\u00a0ms too late"),
        (
            TAKEN_AFTER_A_MISS,
            TAKEN_AFTER_A_MISS.attempts[0],
            "wrong · 'Sydney' is a different answer",
        ),
        (TAKEN_AFTER_A_MISS, TAKEN_AFTER_A_MISS.attempts[1], "right"),
        (
            QuestionEntry("q4", (typed(ANN, "Canbera", True, 800, "1 typo forgiven"),), ANN),
            typed(ANN, "Canbera", True, 800, "1 typo forgiven"),
            "right · 1 typo forgiven",
        ),
    ],
)
def test_each_attempt_says_how_it_went_in_words(entry, attempt, note):
    assert attempt_note(entry, attempt) == note
