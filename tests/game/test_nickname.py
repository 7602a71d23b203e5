"""Nicknames: readable, visible, bounded."""

from __future__ import annotations

import pytest

from game.nickname import NicknameError, validate_nickname


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("Ann", "Ann"), ("  Zoë   the  great ", "Zoë the great"), ("李小龍", "李小龍"), ("R2", "R2")],
)
def test_good_nicknames_are_cleaned_and_kept(raw, clean):
    assert validate_nickname(raw) == clean


@pytest.mark.parametrize(
    "raw",
    ["", " ", "A", "x" * 25, "Ann\u200b", "Ann\u202eevil", "bell\x07", "line\u2028two", "!!", "--"],
)
def test_bad_nicknames_are_refused_with_a_reason(raw):
    with pytest.raises(NicknameError) as error:
        validate_nickname(raw)

    assert str(error.value)
