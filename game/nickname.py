"""What a player may call themself. Pure: the same rule for the guest form and later accounts."""

from __future__ import annotations

import unicodedata

MIN_LENGTH = 2
MAX_LENGTH = 24
# Control, format (zero-width, direction overrides), private-use, unassigned, surrogates, and
# line or paragraph separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"})


class NicknameError(ValueError):
    """The nickname breaks a rule; the message says which, in words for the player."""


def validate_nickname(raw: str) -> str:
    """The cleaned nickname (NFC, spaces collapsed), or NicknameError.

    Refuses invisible and control characters, so that every name looks like what it is.
    """
    text = unicodedata.normalize("NFC", raw)
    if any(unicodedata.category(char) in _INVISIBLE for char in text):
        raise NicknameError("Your nickname contains an invisible or control character.")
    name = " ".join(text.split())
    if len(name) < MIN_LENGTH:
        raise NicknameError(f"Pick a nickname of at least {MIN_LENGTH} characters.")
    if len(name) > MAX_LENGTH:
        raise NicknameError(f"Keep your nickname to {MAX_LENGTH} characters or fewer.")
    if not any(char.isalnum() for char in name):
        raise NicknameError("Your nickname needs at least one letter or digit.")
    return name
