"""The answer judge: one test per rule, the example table, and properties over any text."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from game.answers import MAX_ANSWER_LENGTH, How, judge, normalize, typo_budget
from game.normalize import form
from tests.game.judge_cases import Case, load_cases

COUNTRIES = ("Norway", "Finland", "Denmark")
EINSTEIN = ("Albert Einstein",)
PHYSICISTS = ("Isaac Newton", "Niels Bohr", "Max Planck")


def test_the_answer_as_written_is_exact() -> None:
    verdict = judge("Sweden", ["Sweden"], COUNTRIES)

    assert verdict == judge("Sweden", ("Sweden",), COUNTRIES)
    assert (verdict.correct, verdict.matched, verdict.how) == (True, "Sweden", How.EXACT)
    assert (verdict.edits, verdict.reason) == (0, "exact")


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("new-york", "New York"),
        ("newyork", "New York"),
        ("  NEW   york ", "New York"),
        ("Zurich", "Zürich"),
        ("Bosnia & Herzegovina", "Bosnia and Herzegovina"),
        ("St. Petersburg", "Saint Petersburg"),
        ("Hague", "The Hague"),
        ("york new", "New York"),
    ],
)
def test_formatting_is_ignored(typed: str, answer: str) -> None:
    verdict = judge(typed, [answer])

    assert (verdict.correct, verdict.how) == (True, How.NORMALIZED)
    assert verdict.reason == "same answer, written differently"


def test_an_alias_is_right_and_named_in_the_reason() -> None:
    verdict = judge("holland", ["Netherlands", "Holland"], ("Belgium",))

    assert (verdict.correct, verdict.matched, verdict.how) == (True, "Holland", How.ALIAS)
    assert verdict.reason == "accepted as 'Holland'"


def test_one_typo_is_forgiven_in_a_long_enough_word() -> None:
    verdict = judge("Sweeden", ["Sweden"], COUNTRIES)

    assert (verdict.correct, verdict.how, verdict.edits) == (True, How.TYPO, 1)
    assert verdict.reason == "1 typo forgiven"


def test_two_typos_are_forgiven_in_a_long_word() -> None:
    verdict = judge("Mediteranian", ["Mediterranean"], ("Black Sea", "Red Sea"))

    assert (verdict.correct, verdict.edits, verdict.reason) == (True, 2, "2 typos forgiven")


def test_short_words_get_no_typos() -> None:
    verdict = judge("Olso", ["Oslo"], ("Bergen",))

    assert (verdict.correct, verdict.reason) == (False, "not the answer")


@pytest.mark.parametrize(
    ("length", "budget"), [(1, 0), (4, 0), (5, 1), (8, 1), (9, 2), (13, 2), (14, 3), (30, 3)]
)
def test_the_typo_budget_grows_with_word_length(length: int, budget: int) -> None:
    assert typo_budget(length) == budget


@pytest.mark.parametrize(
    ("typed", "answer"),
    [("Egpyt", "Egypt"), ("Ghandi", "Gandhi"), ("Misisipi", "Mississippi")],
)
def test_a_swapped_moved_or_doubled_letter_counts_as_one_typo(typed: str, answer: str) -> None:
    verdict = judge(typed, [answer])

    assert (verdict.correct, verdict.edits) == (True, 1)


def test_each_word_of_a_long_answer_gets_its_own_budget() -> None:
    verdict = judge("Beunos Aries", ["Buenos Aires"], ("Santiago", "Lima"))

    assert (verdict.correct, verdict.edits) == (True, 2)


@pytest.mark.parametrize("typed", ["3", "three", "III", "iii", "Three"])
def test_digits_number_words_and_roman_numerals_name_the_same_number(typed: str) -> None:
    verdict = judge(typed, ["3"], ("4", "5"))

    assert verdict.correct
    assert verdict.how in (How.EXACT, How.NUMBER)


def test_a_number_written_in_words_is_reported_as_the_same_number() -> None:
    verdict = judge("nineteen eighty-four", ["1984"])

    assert (verdict.how, verdict.reason) == (How.NUMBER, "same number")


@pytest.mark.parametrize("typed", ["1948", "1985", "1884", "nineteen eighty-five"])
def test_a_different_number_is_refused_however_close(typed: str) -> None:
    verdict = judge(typed, ["1984"])

    assert (verdict.correct, verdict.reason) == (False, "numbers must be exact")


@pytest.mark.parametrize(
    ("typed", "year"),
    [
        ("nineteen oh-two", "1902"),
        ("nineteen o two", "1902"),
        ("two thousand and eight", "2008"),
        ("twenty twenty", "2020"),
        ("sixteen hundred", "1600"),
    ],
)
def test_a_year_is_read_as_people_say_it(typed: str, year: str) -> None:
    verdict = judge(typed, [year])

    assert (verdict.correct, verdict.how) == (True, How.NUMBER)


def test_a_spoken_year_one_off_is_a_different_number() -> None:
    verdict = judge("nineteen oh-three", ["1902"])

    assert (verdict.correct, verdict.reason) == (False, "numbers must be exact")


def test_oh_is_a_word_outside_a_number() -> None:
    assert normalize("Oh! Calcutta") == "oh calcutta"
    assert normalize("three point one four") == "3.14"


def test_a_number_inside_a_name_must_match_exactly() -> None:
    verdict = judge("Apollo 12", ["Apollo 11"])

    assert (verdict.correct, verdict.reason) == (False, "numbers must be exact")


def test_a_regnal_number_may_be_written_any_way() -> None:
    verdict = judge("Henry the Eighth", ["Henry VIII"], ("Henry VII",), person=True)

    assert verdict.correct


def test_a_persons_surname_alone_is_enough() -> None:
    verdict = judge("Einstein", EINSTEIN, PHYSICISTS, person=True)

    assert (verdict.correct, verdict.matched, verdict.how) == (True, "Albert Einstein", How.SURNAME)
    assert verdict.reason == "surname is enough"


def test_a_surname_with_a_typo_says_both() -> None:
    verdict = judge("Einstien", EINSTEIN, PHYSICISTS, person=True)

    assert (verdict.correct, verdict.edits) == (True, 1)
    assert verdict.reason == "surname is enough, 1 typo forgiven"


def test_a_given_name_alone_is_refused() -> None:
    verdict = judge("Albert", EINSTEIN, PHYSICISTS, person=True)

    assert (verdict.correct, verdict.reason) == (False, "first name alone is not enough")


def test_a_surname_alone_is_refused_when_the_answer_is_not_a_person() -> None:
    verdict = judge("Einstein", EINSTEIN, PHYSICISTS)

    assert not verdict.correct


@pytest.mark.parametrize(
    "typed", ["Robert Millikan", "Robert A. Millikan", "Millikan, Robert", "Millikan Robert"]
)
def test_a_full_name_may_leave_out_middle_names_or_put_the_surname_first(typed: str) -> None:
    verdict = judge(typed, ["Robert Andrews Millikan"], PHYSICISTS, person=True)

    assert (verdict.correct, verdict.how) == (True, How.NORMALIZED)


@pytest.mark.parametrize("typed", ["Richard Millikan", "Millikan, Richard", "Robert Mulliken"])
def test_another_given_name_or_surname_is_another_person(typed: str) -> None:
    verdict = judge(typed, ["Robert Millikan"], PHYSICISTS, person=True)

    assert not verdict.correct


def test_surname_first_needs_a_person_answer() -> None:
    verdict = judge("Millikan, Robert", ["Robert Andrews Millikan"], PHYSICISTS)

    assert not verdict.correct


def test_a_surname_shared_with_a_wrong_choice_is_refused() -> None:
    verdict = judge("Williams", ["Venus Williams"], ["Serena Williams"], person=True)

    assert (verdict.correct, verdict.reason) == (False, "'Serena Williams' is a different answer")


def test_a_wrong_choice_is_refused_by_name() -> None:
    verdict = judge("sydney", ["Canberra"], ("Sydney", "Melbourne", "Perth"))

    assert verdict == dataclasses.replace(verdict, correct=False, matched=None, how=None, edits=0)
    assert verdict.reason == "'Sydney' is a different answer"


def test_a_typo_as_close_to_a_wrong_choice_as_to_the_answer_is_refused() -> None:
    verdict = judge("Austrlia", ["Austria"], ("Australia", "Germany"))

    assert (verdict.correct, verdict.reason) == (False, "too close to 'Australia'")


def test_a_typo_of_the_surname_towards_a_wrong_choice_is_refused() -> None:
    verdict = judge("Claude Manet", ["Claude Monet"], ["Édouard Manet"], person=True)

    assert (verdict.correct, verdict.reason) == (False, "too close to 'Édouard Manet'")


@pytest.mark.parametrize(
    ("typed", "answer"), [("Iraq", "Iran"), ("Zambia", "Gambia"), ("Kansas", "Arkansas")]
)
def test_another_well_known_name_is_refused_even_when_not_a_choice(typed: str, answer: str) -> None:
    verdict = judge(typed, [answer])

    assert (verdict.correct, verdict.reason) == (False, f"'{typed}' is a different answer")


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("Hess", "Hermann Hesse"),
        ("Heyse", "Hermann Hesse"),
        ("Singer", "Frederick Sanger"),
        ("Sanger", "Isaac Bashevis Singer"),
        ("Miller", "Paul Müller"),
        ("Paul Miller", "Paul Müller"),
    ],
)
def test_a_slip_that_names_another_person_is_refused(typed: str, answer: str) -> None:
    verdict = judge(typed, [answer], person=True)

    assert (verdict.correct, verdict.reason) == (
        False,
        f"'{typed.split()[-1]}' is a different answer",
    )


@pytest.mark.parametrize(
    ("typed", "answer"), [("Mickens", "Charles Dickens"), ("Margaret Hatcher", "Margaret Thatcher")]
)
def test_a_slip_that_is_a_common_surname_is_another_person(typed: str, answer: str) -> None:
    verdict = judge(typed, [answer], person=True)

    assert (verdict.correct, verdict.reason) == (
        False,
        f"'{typed.split()[-1]}' is a different answer",
    )


def test_a_slip_that_is_a_rare_surname_is_still_a_typo() -> None:
    verdict = judge("Dickins", ["Charles Dickens"], person=True)  # 172 bearers in 2010

    assert (verdict.correct, verdict.how) == (True, How.SURNAME)


def test_a_common_surname_is_a_typo_when_the_answer_is_not_a_person() -> None:
    verdict = judge("Hatcher", ["Thatcher"])

    assert (verdict.correct, verdict.how) == (True, How.TYPO)


def test_a_given_name_with_a_slip_still_lets_the_surname_decide() -> None:
    verdict = judge("Isaak Newtown", ["Isaac Newton"], PHYSICISTS[1:], person=True)

    assert (verdict.correct, verdict.reason) == (False, "'Newtown' is a different answer")


def test_a_slip_that_is_a_common_word_is_refused() -> None:
    verdict = judge("Plank", ["Max Planck"], ("Niels Bohr", "Paul Dirac"), person=True)

    assert (verdict.correct, verdict.reason) == (False, "'Plank' is a different answer")


@pytest.mark.parametrize(
    ("typed", "answer"), [("Stalagmites", "Stalagmite"), ("Hemoglobin", "Haemoglobin")]
)
def test_a_plural_or_another_spelling_of_the_answer_is_no_other_word(
    typed: str, answer: str
) -> None:
    verdict = judge(typed, [answer])

    assert verdict.correct


def test_a_rare_word_a_slip_away_is_still_a_typo() -> None:
    verdict = judge("Sweeden", ["Sweden"], COUNTRIES)

    assert (verdict.correct, verdict.how) == (True, How.TYPO)


@pytest.mark.parametrize(("typed", "answer"), [("Washington DC", "Washington"), ("Sea", "Red Sea")])
def test_a_whole_word_more_or_less_makes_another_name(typed: str, answer: str) -> None:
    verdict = judge(typed, [answer])

    assert not verdict.correct


def test_a_typo_closer_to_a_well_known_name_than_to_the_answer_is_refused() -> None:
    verdict = judge("Austrai", ["Australia"])

    assert (verdict.correct, verdict.reason) == (False, "too close to 'Austria'")


def test_a_typo_halfway_between_the_answer_and_a_well_known_name_is_forgiven() -> None:
    verdict = judge("Nigera", ["Nigeria"])

    assert (verdict.correct, verdict.reason) == (True, "1 typo forgiven")


def test_a_typo_of_a_word_is_not_measured_against_every_small_town() -> None:
    verdict = judge("contagen", ["contagion"])  # Contagem is a Brazilian city

    assert (verdict.correct, verdict.how) == (True, How.TYPO)


def test_another_spelling_of_the_answer_is_not_its_look_alike() -> None:
    verdict = judge("Cesium", ["Caesium"])

    assert (verdict.correct, verdict.how) == (True, How.TYPO)


def test_a_misspelling_that_sounds_like_the_answer_is_forgiven_beyond_the_count() -> None:
    verdict = judge("Filadelfia", ["Philadelphia"], ("Boston", "Chicago"))

    assert (verdict.correct, verdict.how, verdict.edits) == (True, How.TYPO, 4)
    assert verdict.reason == "spelt as it sounds"


def test_a_surname_spelt_as_it_sounds_says_both() -> None:
    verdict = judge("Tchaikofskee", ["Pyotr Ilyich Tchaikovsky"], ("Igor Stravinsky",), person=True)

    assert (verdict.correct, verdict.how) == (True, How.SURNAME)
    assert verdict.reason == "surname is enough, spelt as it sounds"


def test_a_word_of_its_own_that_sounds_like_the_answer_is_another_answer() -> None:
    verdict = judge("Prize", ["Paris"], ("Lyon",))

    assert (verdict.correct, verdict.reason) == (False, "'Prize' is a different answer")


def test_a_misspelling_that_sounds_more_like_another_word_is_refused() -> None:
    verdict = judge("Dezert", ["Dessert"], ("Starter",))

    assert (verdict.correct, verdict.reason) == (False, "too close to 'Desert'")


def test_a_misspelling_by_ear_as_close_to_a_wrong_choice_is_refused() -> None:
    verdict = judge("Sinsinatti", ["Cincinnati"], ("Sinsinatta",))

    assert (verdict.correct, verdict.reason) == (False, "too close to 'Sinsinatta'")


def test_a_run_of_letters_typed_twice_is_one_typo() -> None:
    verdict = judge("Mississisippi", ["Mississippi"], ("Missouri",))

    assert (verdict.correct, verdict.reason) == (True, "1 typo forgiven")


@pytest.mark.parametrize("typed", ["", " ", "\t\n", "?!", "...", "''"])
def test_empty_or_punctuation_only_input_is_refused(typed: str) -> None:
    verdict = judge(typed, ["Paris"])

    assert (verdict.correct, verdict.reason) == (False, "empty answer")


def test_over_long_input_is_refused_at_once() -> None:
    verdict = judge("Paris " * 20, ["Paris"])

    assert (verdict.correct, verdict.reason) == (False, "answer too long")


def test_input_at_the_length_cap_is_still_judged() -> None:
    answer = "a" * MAX_ANSWER_LENGTH

    assert judge(answer, [answer]).correct


def test_garbage_is_not_the_answer() -> None:
    verdict = judge("asdfgh", ["Canberra"], ("Sydney",))

    assert (verdict.correct, verdict.reason) == (False, "not the answer")


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("The Twenty-First Century", "21 century"),
        ("Côte d'Ivoire", "cote divoire"),
        ("U.S.A.", "usa"),
        ("Rock & Roll", "rock and roll"),
        ("Mt. Everest", "mount everest"),
        ("World War II", "world war 2"),
        ("one hundred and one", "101"),
        ("1,000,000", "1000000"),
        ("The The", "the"),
    ],
)
def test_normalize_keeps_only_what_tells_answers_apart(text: str, normalized: str) -> None:
    assert normalize(text) == normalized


def test_normalize_makes_differently_written_alternatives_equal() -> None:
    assert normalize("Three") == normalize("3") == normalize("III")


CASES = load_cases()


def test_the_example_table_is_varied() -> None:
    kinds = {case.kind for case in CASES}

    assert len(CASES) >= 300
    assert {"typo", "format", "number", "badnumber", "lookalike", "garbage"} <= kinds


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_judge_agrees_with_each_example_except_its_known_misses(case: Case) -> None:
    verdict = judge(case.typed, case.accepted, case.wrong, person=case.person)

    assert verdict.correct == case.judge_says_right, verdict.reason


ANSWER_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "S")), max_size=40
)


@given(typed=st.text(), accepted=st.lists(st.text(), max_size=3), wrong=st.lists(st.text()))
def test_the_judge_never_raises(typed: str, accepted: list[str], wrong: list[str]) -> None:
    for person in (False, True):
        judge(typed, accepted, wrong, person=person)


@given(
    typed=st.text(alphabet=st.characters(categories=("Zs", "Cc", "P"))),
    accepted=st.lists(ANSWER_TEXT, max_size=3),
)
def test_the_judge_never_accepts_blank_or_punctuation(typed: str, accepted: list[str]) -> None:
    assert not judge(typed, [*accepted, typed]).correct


@given(answer=ANSWER_TEXT, wrong=st.lists(ANSWER_TEXT, max_size=4), person=st.booleans())
def test_the_judge_always_accepts_the_exact_answer(
    answer: str, wrong: list[str], person: bool
) -> None:
    assume(form(answer).words)  # an answer with no letters or digits is refused as empty

    verdict = judge(answer, [answer], wrong, person=person)

    assert verdict.correct
