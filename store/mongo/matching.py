"""Text filters that read as the SQLite store's do: LIKE and COLLATE NOCASE fold ASCII letters
only, so these match ASCII letters in either case and every other character as written.
Imports nothing from Kwissle.
"""

from __future__ import annotations

import re


def _any_case(text: str) -> str:
    return "".join(
        f"[{c.lower()}{c.upper()}]" if c.isascii() and c.isalpha() else re.escape(c) for c in text
    )


def containing(text: str) -> re.Pattern[str]:
    """Matches a string that contains `text`."""
    return re.compile(_any_case(text))


def exactly(text: str) -> re.Pattern[str]:
    """Matches `text` itself."""
    return re.compile(f"^{_any_case(text)}$")
