"""The bank checker: one test per rule, each on a question that breaks only that rule."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from game.bank_rules import Problem, Severity, check_against, check_bank, index_bank
from game.questions import Question

MARS = Question(
    id="space-red",
    category="space",
    difficulty=1,
    text="Which planet is known as the Red Planet?",
    answer="Mars",
    wrong=("Venus", "Jupiter", "Mercury"),
    did_you_know="Iron oxide dust gives Mars its colour.",
)
PARIS = Question(
    id="geo-paris",
    category="geography",
    difficulty=1,
    text="What is the capital city of France?",
    answer="Paris",
    wrong=("Lyon", "Marseille", "Nice"),
)


def problems_of(**changes: Any) -> list[Problem]:
    return check_bank([replace(MARS, **changes)])


def messages(problems: list[Problem]) -> list[tuple[str, Severity, str]]:
    return [(p.question_id, p.severity, p.message) for p in problems]


def test_a_well_formed_bank_has_no_problems():
    assert check_bank([MARS, PARIS]) == []


def test_an_unknown_category_is_an_error():
    assert messages(problems_of(category="astrology")) == [
        ("space-red", Severity.ERROR, "unknown category 'astrology'")
    ]


def test_other_answers_longer_than_a_typed_answer_or_too_many_are_errors():
    problems = problems_of(refused=("M" * 101, *(f"Marsh {n}" for n in range(10))))

    assert messages(problems) == [
        ("space-red", Severity.ERROR, "11 refused, more than 10"),
        ("space-red", Severity.ERROR, "refused has a line longer than 100 characters"),
    ]


def test_a_difficulty_outside_one_to_three_is_an_error():
    assert messages(problems_of(difficulty=4)) == [
        ("space-red", Severity.ERROR, "difficulty 4 is not one of 1, 2, 3")
    ]


def test_a_text_that_is_not_a_question_is_an_error():
    assert messages(problems_of(text="Name the Red Planet.")) == [
        ("space-red", Severity.ERROR, 'text does not end with "?"')
    ]


def test_a_text_longer_than_two_hundred_characters_is_an_error():
    text = "Which planet" + " really" * 30 + " is red?"

    assert messages(problems_of(text=text)) == [
        ("space-red", Severity.ERROR, f"text has {len(text)} characters, more than 200")
    ]


def test_an_alternative_longer_than_sixty_characters_is_an_error():
    long_wrong = "Venus" + ", the morning star" * 4

    problems = problems_of(wrong=(long_wrong, "Jupiter", "Mercury"))

    assert messages(problems) == [
        (
            "space-red",
            Severity.ERROR,
            f"alternative {long_wrong!r} is longer than 60 characters",
        )
    ]


def test_fewer_than_three_wrong_alternatives_is_an_error():
    assert messages(problems_of(wrong=("Venus", "Jupiter"))) == [
        ("space-red", Severity.ERROR, "2 wrong alternatives instead of 3")
    ]


def test_a_did_you_know_longer_than_two_hundred_characters_is_an_error():
    line = "Mars is red. " * 16

    assert messages(problems_of(did_you_know=line)) == [
        ("space-red", Severity.ERROR, "did_you_know has 208 characters, more than 200")
    ]


def test_an_answer_of_more_than_three_words_is_a_warning():
    problems = problems_of(answer="The Fourth Planet Mars")

    assert messages(problems) == [("space-red", Severity.WARNING, "answer has more than 3 words")]


def test_the_answer_among_the_wrong_alternatives_is_an_error():
    assert messages(problems_of(wrong=("Venus", "mars", "Mercury"))) == [
        ("space-red", Severity.ERROR, "wrong alternative 'mars' is the answer")
    ]


def test_wrong_alternatives_that_normalize_alike_are_an_error():
    assert messages(problems_of(wrong=("Venus", "Jupiter", "VENUS."))) == [
        ("space-red", Severity.ERROR, "wrong alternative 'VENUS.' is listed twice")
    ]


def test_a_wrong_alternative_the_judge_accepts_is_an_error():
    problems = problems_of(aliases=("Red Planet",), wrong=("Venus", "Jupiter", "red planet"))

    assert messages(problems) == [
        ("space-red", Severity.ERROR, "wrong alternative 'red planet' is accepted")
    ]


def test_a_wrong_alternative_refused_only_because_it_is_listed_is_a_warning():
    humidity = replace(
        MARS,
        text="Which instrument measures the humidity of the air?",
        answer="Hygrometer",
        wrong=("Hydrometer", "Barometer", "Thermometer"),
    )

    assert messages(check_bank([humidity])) == [
        (
            "space-red",
            Severity.WARNING,
            "wrong alternative 'Hydrometer' would be accepted if it were not listed",
        )
    ]


def test_an_alias_the_judge_refuses_is_an_error():
    assert messages(problems_of(aliases=("!!!",))) == [
        ("space-red", Severity.ERROR, "accepted answer '!!!' is refused (empty answer)")
    ]


def test_an_id_used_twice_is_one_error_for_that_id():
    other = replace(PARIS, id=MARS.id)

    assert messages(check_bank([MARS, other])) == [
        ("space-red", Severity.ERROR, "id used by 2 questions")
    ]


def test_the_same_text_twice_is_an_error_on_the_later_question():
    copy = replace(MARS, id="space-red-again", text="which planet is known as the red planet")

    problems = check_bank([MARS, replace(copy, text=copy.text + "?")])

    assert messages(problems) == [("space-red-again", Severity.ERROR, "same text as space-red")]


def test_nearly_the_same_question_with_the_same_answer_is_an_error():
    reworded = replace(
        MARS, id="space-red-2", text="Which planet is often known as the Red Planet?"
    )

    assert messages(check_bank([MARS, reworded])) == [
        (
            "space-red-2",
            Severity.ERROR,
            "asks nearly what space-red asks, with the same answer (similarity 100)",
        )
    ]


def test_a_similar_question_with_the_same_answer_is_a_warning():
    reworded = replace(MARS, id="space-red-2", text="Which planet do people call the Red Planet?")

    assert messages(check_bank([MARS, reworded])) == [
        (
            "space-red-2",
            Severity.WARNING,
            "asks nearly what space-red asks, with the same answer (similarity 77)",
        )
    ]


def test_templated_questions_with_different_answers_are_not_duplicates():
    spain = replace(
        PARIS,
        id="geo-madrid",
        text="What is the capital city of Spain?",
        answer="Madrid",
        wrong=("Barcelona", "Seville", "Valencia"),
    )

    assert check_bank([PARIS, spain]) == []


def test_nearly_the_same_text_with_another_answer_is_a_warning():
    contradiction = replace(
        PARIS,
        id="geo-lyon",
        text="What is the capital city of Frances?",
        answer="Lyon",
        wrong=("Nice", "Lille", "Metz"),
    )

    (problem,) = check_bank([PARIS, contradiction])

    assert problem.question_id == "geo-lyon" and problem.severity is Severity.WARNING
    assert problem.message.startswith(f"nearly the same text as {PARIS.id} with another answer")


def shipped_bank() -> list[Question]:
    folder = Path(__file__).resolve().parents[2] / "data" / "questions"
    return [
        Question.from_dict(json.loads(line))
        for path in sorted(folder.glob("*.jsonl"))
        for line in path.read_text().splitlines()
    ]


def newcomers(bank: list[Question]) -> list[Question]:
    """Questions meeting each duplicate rule against the shipped bank, and some meeting none."""
    ocean = next(q for q in bank if q.text == "What is the largest ocean on Earth?")
    return [
        replace(ocean, id="new-copy"),  # same text
        replace(ocean, id="new-near", text="What is the largest ocean on planet Earth?"),
        replace(ocean, id="new-other", answer="Atlantic", wrong=("Pacific", "Indian", "Arctic")),
        replace(
            ocean,
            id="new-close",
            text="What is the largest oceans on Earth?",
            answer="Atlantic",
            aliases=(),
            wrong=("Indian", "Arctic", "Southern"),
        ),
        replace(ocean, text="What is the biggest ocean of the Earth?"),  # an edit: same id
        *bank[::97],  # bank questions edited in place: their own text is no duplicate
        *(replace(q, id=f"new-{q.id}", text=q.text.replace("?", " today?")) for q in bank[::89]),
        replace(MARS, id="new-mars", refused=("M" * 101,)),
    ]


def test_checking_against_an_index_says_what_checking_the_whole_bank_says():
    bank = shipped_bank()
    index = index_bank(bank)

    for question in newcomers(bank):
        whole = check_bank([*(q for q in bank if q.id != question.id), question])

        expected = [p for p in whole if p.question_id == question.id]
        assert check_against(index, question) == expected, question.id
