"""How a person's name may be shortened or turned round (game.person_names)."""

from __future__ import annotations

import pytest

from game.normalize import form
from game.person_names import given_name_last, short_forms, surnames, without_suffix


def test_surnames_are_the_trailing_words_without_a_suffix() -> None:
    found = [s.text for s in surnames(form("Martin Luther King Jr."))]

    assert found == ["luther king", "king"]


def test_a_monarch_has_no_surname() -> None:
    assert surnames(form("Henry VIII")) == []


def test_short_forms_leave_out_middle_names_or_keep_their_initials() -> None:
    found = [s.text for s in short_forms(form("Wilhelm Conrad Röntgen"))]

    assert found == ["wilhelm rontgen", "wilhelm c rontgen"]


def test_a_name_of_two_words_has_no_short_form() -> None:
    assert short_forms(form("Albert Einstein")) == []


def test_initials_are_not_shortened_to_themselves() -> None:
    found = [s.text for s in short_forms(form("J. R. R. Tolkien"))]

    assert found == ["j r tolkien", "j tolkien"]


def test_without_suffix_keeps_a_name_without_one() -> None:
    whole = form("Albert Einstein")

    assert without_suffix(whole) is whole


@pytest.mark.parametrize(
    ("typed", "turned"),
    [
        ("Millikan, Robert", "Robert Millikan"),
        ("Shaw,George Bernard", "George Bernard Shaw"),
        ("King, Jr.", None),
        ("Millikan", None),
        ("a, b, c", None),
        (", Robert", None),
    ],
)
def test_surname_first_is_turned_round(typed: str, turned: str | None) -> None:
    assert given_name_last(typed) == turned
