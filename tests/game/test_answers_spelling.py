"""How the judge counts slips and hears a misspelling (game.spelling)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.spelling import Homophones, Words, distance, keys, sounds_like


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("ghandi", "gandhi"),  # a letter moved
        ("misisipi", "mississippi"),  # letters doubled or not
        ("initialializes", "initializes"),  # a run typed twice
        ("mississisippi", "mississippi"),
    ],
)
def test_a_slip_players_make_counts_once(typed: str, answer: str) -> None:
    assert distance(typed, answer) == distance(answer, typed) == 1


def test_a_short_word_doubled_is_no_stutter() -> None:
    assert distance("bora", "borabora") == 4


def test_a_limit_only_says_more_than_the_limit() -> None:
    assert distance("qwhfkzp", "canberra", 3) > 3


@pytest.mark.parametrize(
    ("typed", "answer", "budget"),
    [
        ("seperete", "separate", 1),  # the same sounds, within 2 * budget + 1 slips
        ("sinsinatti", "cincinnati", 2),
        ("jurnales", "journals", 1),
        ("filadelfia", "philadelphia", 2),
        ("libaray", "library", 1),  # one slip more, all of its sounds but one
    ],
)
def test_a_misspelling_beyond_the_budget_may_still_sound_like_the_answer(
    typed: str, answer: str, budget: int
) -> None:
    assert distance(typed, answer) > budget

    assert sounds_like(typed, answer, budget)


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("qwhfkzp", "canberra"),  # nothing alike
        ("nullity", "quality"),  # one slip more, but its first letter is another
        ("soovineer", "souvenir"),  # the same sounds, but too many letters off
    ],
)
def test_a_misspelling_that_does_not_sound_like_the_answer_is_not_heard(
    typed: str, answer: str
) -> None:
    assert not sounds_like(typed, answer, budget=1)


def test_a_short_word_is_never_heard_beyond_its_budget() -> None:
    assert not sounds_like("rmoe", "rome", budget=0)


def test_keys_are_metaphone_and_nysiis() -> None:
    assert keys("bicycle") == ("BSKL", "BACYCL")


def test_homophones_are_the_known_words_with_either_key_within_the_limit() -> None:
    known = Homophones(["dessert", "desert", "bicycle", "paris", "deserted"])

    assert known.near("dezert", 2) == ["desert", "dessert"]  # "deserted" sounds otherwise
    assert known.near("dezert", 1) == ["desert"]
    assert known.near("paris", 0) == ["paris"]


def test_words_within_a_limit_are_found_as_distance_counts() -> None:
    words = Words(["mississippi", "missouri", "gandhi", "initializes", "canberra", "cambera"])

    assert words.within("misisipi", 1) == ["mississippi"]  # letters doubled or not
    assert words.within("ghandi", 1) == ["gandhi"]  # a letter moved
    assert words.within("initialializes", 1) == ["initializes"]  # a run typed twice
    assert words.within("canbera", 1) == ["canberra", "cambera"]  # in the list's order
    assert words.within("canbera", 0) == []


_letters = st.text(alphabet="abcdeilnrst", min_size=1, max_size=12)


@given(typed=_letters, known=st.lists(_letters, max_size=30), limit=st.integers(0, 4))
def test_words_within_is_the_words_distance_allows(
    typed: str, known: list[str], limit: int
) -> None:
    words = Words(known)

    found = words.within(typed, limit)

    assert found == [word for word in words.words if distance(typed, word, limit) <= limit]
