"""The ways players write a person's name: the surname alone, the middle names left out, the
surname first.

    surnames(form("Martin Luther King Jr.")) -> "luther king", "king"
    short_forms(form("Wilhelm Conrad Röntgen")) -> "wilhelm rontgen", "wilhelm c rontgen"
    given_name_last("Millikan, Robert") == "Robert Millikan"

Pure: standard library and game.normalize only.
"""

from __future__ import annotations

from game.normalize import Form, has_digit

_NAME_SUFFIXES = frozenset(("jr", "sr", "junior", "senior"))


def without_suffix(whole: Form) -> Form:
    """The name without "Jr" or "Sr" at its end."""
    words = whole.words
    while len(words) > 1 and words[-1] in _NAME_SUFFIXES:
        words = words[:-1]
    return whole if words == whole.words else Form.of(words)


def surnames(whole: Form) -> list[Form]:
    """The trailing words a person is known by: "luther king" and "king" for Martin Luther
    King Jr.; "van gogh" and "gogh" for Vincent van Gogh. A monarch has none: "Henry" alone
    does not say which Henry."""
    if has_digit(whole.words[-1]):
        return []
    words = without_suffix(whole).words
    return [Form.of(words[start:]) for start in range(1, len(words))]


def short_forms(whole: Form) -> list[Form]:
    """The given name and the surname with the middle names left out ("George Shaw" for
    George Bernard Shaw, "Martin King" for Martin Luther King Jr.), or given as initials
    ("Robert A Millikan" for Robert Andrews Millikan). Empty for a name of two words."""
    words = without_suffix(whole).words
    if len(words) < 3 or has_digit(words[-1]):
        return []
    given, middles, surname = words[0], words[1:-1], words[-1]
    forms = [Form.of((given, *words[start:])) for start in range(2, len(words))]
    if any(len(middle) > 1 for middle in middles):
        forms.append(Form.of((given, *(middle[0] for middle in middles), surname)))
    return forms


def given_name_last(typed: str) -> str | None:
    """ "Surname, Given" turned round ("Millikan, Robert" -> "Robert Millikan"), or None when
    the text is not written that way ("King, Jr." keeps its order)."""
    if typed.count(",") != 1:
        return None
    surname, given = (part.strip() for part in typed.split(","))
    if not any(ch.isalpha() for ch in surname) or not any(ch.isalpha() for ch in given):
        return None
    if given.lower().rstrip(".") in _NAME_SUFFIXES:
        return None
    return f"{given} {surname}"
