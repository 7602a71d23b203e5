"""Answer text in the form the judge compares: plain lowercase words, numbers as digits.

`normalize` is public so other checks (the bank checker) can ask whether two answers are the
same once formatting is ignored. `form` adds what the judge needs on top: the words and the
spelling with no spaces, so "New York", "new-york" and "newyork" meet.

Pure: standard library and anyascii only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache, partial
from typing import NamedTuple

from anyascii import anyascii

_SMALL = {
    word: value
    for value, word in enumerate(
        (
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        )
    )
}
_TENS = {
    word: 10 * value
    for value, word in enumerate(
        ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), start=2
    )
}
_BIG = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_IRREGULAR = ("zero", "one", "two", "three", "five", "eight", "nine", "twelve")
# Ordinals read as their cardinal ("fifth" -> "five"), so "Henry the Fifth" meets "Henry V".
_ORDINALS = {
    "first": "one",
    "second": "two",
    "third": "three",
    "fifth": "five",
    "eighth": "eight",
    "ninth": "nine",
    "twelfth": "twelve",
    **{word + "th": word for word in _SMALL if word not in _IRREGULAR},
    **{word[:-1] + "ieth": word for word in _TENS},
    **{word + "th": word for word in ("hundred", *_BIG)},
}
_NUMBER_WORDS = frozenset((*_SMALL, *_TENS, "hundred", *_BIG, *_ORDINALS))
# Said for a zero between other number words: "nineteen oh two", "three point oh one".
_SPOKEN_ZEROS = frozenset(("oh", "o", "nought"))
_DIGIT_WORDS = {word: value for word, value in _SMALL.items() if value < 10} | dict.fromkeys(
    _SPOKEN_ZEROS, 0
)
_ARTICLES = frozenset(("the", "a", "an"))
_ABBREVIATIONS = frozenset(("st", "mt"))
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", re.IGNORECASE)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_DIGIT_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_INITIAL_DOT = re.compile(r"(?<![A-Za-z0-9])([A-Za-z])\.")
_ANY_DIGIT = re.compile(r"\d")
_MINUS = re.compile(r"(?<![A-Za-z0-9])-(?=\d)")
_ALNUM = re.compile(r"[A-Za-z0-9]")
_SYMBOLS = str.maketrans(
    {"&": " and ", "%": " percent ", "+": " plus ", "#": " sharp ", "'": None, "`": None}
)
_DOUBLED = re.compile(r"(.)\1+")
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:\.\d+)?")


class Form(NamedTuple):
    """An answer as the judge sees it: normalized words and the same letters without spaces.

    A named tuple rather than a dataclass: the judge builds one per typed text, and this is
    several times cheaper to make.
    """

    words: tuple[str, ...]
    compact: str
    numbers: tuple[str, ...]  # the words that contain digits, sorted: these must match exactly

    @classmethod
    def of(cls, words: tuple[str, ...]) -> Form:
        """The form made of already normalized words."""
        compact = "".join(words)
        if compact.isalpha():
            return _make_form((words, compact, ()))
        return _make_form((words, compact, tuple(sorted(w for w in words if has_digit(w)))))

    @property
    def text(self) -> str:
        return " ".join(self.words)


def normalize(text: str) -> str:
    """Return `text` as lowercase ASCII words joined by single spaces.

    Accents, case, punctuation and leading articles are dropped, "&" reads "and", "+" "plus",
    "#" "sharp" (so C, C++ and C# differ), "St." reads "Saint", and numbers written as words
    or uppercase Roman numerals become digits:
    normalize("The Twenty-First Century") == "21 century". Never raises.
    """
    return form(text).text


# Straight to tuple.__new__: the named tuple's own constructor is a Python function.
_make_form = partial(tuple.__new__, Form)


def read_form(text: str) -> Form:
    """The `Form` of `text`; the caller caps the length of untrusted input first.

    Not cached: what players type is nearly always new, and a cache miss costs more than
    reading the text again."""
    return Form.of(tuple(_words(text)))


# Answers, alternatives and entity names are read again and again: those are worth keeping.
form = lru_cache(maxsize=8192)(read_form)


def undouble(word: str) -> str:
    """`word` with each run of one letter made single: "mississippi" -> "misisipi"."""
    return _DOUBLED.sub(_letter, word) if _DOUBLED.search(word) else word


def roman_value(word: str) -> int | None:
    """The value of a well-formed Roman numeral in any case ("xiv" -> 14), else None."""
    if not word or not _ROMAN.fullmatch(word):
        return None
    values = [_ROMAN_VALUES[letter] for letter in word.upper()]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def has_digit(word: str) -> bool:
    """Whether a normalized word (letters, digits, a decimal point) holds a digit."""
    return not word.isalpha()


def _words(text: str) -> list[str]:
    # Plain words, as most answers are: no symbols, digits or accents to read. An upper-case
    # word may be a Roman numeral: that takes the long way.
    plain = text.isascii() and text.replace(" ", "").isalpha()
    if plain and (text.islower() or not any(w.isupper() for w in text.split())):
        return _tidy(text.lower().split(), digits=False)
    if not text.isascii():
        # Other scripts' punctuation and symbols would transliterate to letters ("§" -> "S").
        text = anyascii(
            "".join(
                ch if ch.isascii() or ch.isalnum() or ch in "\u2018\u2019" else " " for ch in text
            )
        )
    if not _ALNUM.search(text):
        return []  # "&" or "%" alone is punctuation, not the word it stands for
    text = text.translate(_SYMBOLS)
    if "," in text:
        text = _THOUSANDS_COMMA.sub("", text)
    if "-" in text:
        text = _MINUS.sub(" minus ", text)  # "-273" is not 273
    if "." in text:
        text = _INITIAL_DOT.sub(_letter, text)  # "U.S.A." -> "USA", "J. K." -> "J K"
    words = [t if t.isalpha() and t.islower() else _word(t) for t in _TOKEN.findall(text)]
    return _tidy(words, digits=_ANY_DIGIT.search(text) is not None)


def _tidy(words: list[str], *, digits: bool) -> list[str]:
    """Expand abbreviations, drop a leading article, and read number words as digits."""
    if not _ABBREVIATIONS.isdisjoint(words):
        words = _expand_abbreviations(words)
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    if not digits and _NUMBER_WORDS.isdisjoint(words):
        return words
    return _merge_numbers(words)


def _letter(match: re.Match[str]) -> str:
    return match.group(1)


def _word(token: str) -> str:
    """Lowercase one token; uppercase Roman numerals that plainly are numerals become digits."""
    if token.isupper() and (len(token) > 1 or token in "IVX") and set(token) & set("IVX"):
        value = roman_value(token)
        if value:
            return str(value)
    lower = token.lower()
    if lower.isalpha():
        return lower
    ordinal = _DIGIT_ORDINAL.fullmatch(lower)
    return ordinal.group(1) if ordinal else lower


def _expand_abbreviations(words: list[str]) -> list[str]:
    # "St" before a name is Saint ("St Louis"); last in a name it is usually Street.
    return [
        "saint" if w == "st" and i < len(words) - 1 else "mount" if w == "mt" else w
        for i, w in enumerate(words)
    ]


def _merge_numbers(words: list[str]) -> list[str]:
    """Replace each run of number words ("twenty one", "2 million") with its digits."""
    out: list[str] = []
    i = 0
    while i < len(words):
        end = _run_end(words, i)
        value = _spoken_value(words[i:end]) if end > i else None
        if value is None and end > i:
            end = i + 1  # not one number as a whole ("three two one"): read word by word
            value = _spoken_value(words[i:end])
        if value is None:
            out.append(words[i])
            i += 1
            continue
        if out and out[-1] == "the" and len(out) > 1:
            out.pop()  # "Henry the Eighth" reads as "Henry 8"
        out.append(_format(value))
        i = end
    return out


def _run_end(words: list[str], start: int) -> int:
    """Index just past the run of number words beginning at `start` (== start if none)."""
    end = start
    if _NUMBER.fullmatch(words[start]):
        # A digit group only joins a run when a scale word follows: "2 million".
        if start + 1 < len(words) and words[start + 1] in ("hundred", *_BIG):
            end = start + 1
        else:
            return start
    while end < len(words):
        word = words[end]
        if word in _ORDINALS:
            return end + 1  # an ordinal ends the number
        following = words[end + 1] if end + 1 < len(words) else ""
        if word in _NUMBER_WORDS or (end > start and _joins(word, following)):
            end += 1
        else:
            break
    return end


def _joins(word: str, following: str) -> bool:
    """Whether a word inside a run of number words belongs to it: "and" before more number
    words, "oh" or "point" before a digit ("nineteen oh two"); alone they stay words."""
    if word == "and":
        return following in _NUMBER_WORDS
    return (word in _SPOKEN_ZEROS or word == "point") and following in _DIGIT_WORDS


def _spoken_value(words: Sequence[str]) -> Decimal | None:
    """The value of number words ("one hundred and one", "three point one four"), or a year
    said in pairs ("nineteen eighty four", "nineteen oh two", "twenty twenty"); None when the
    words do not form one number."""
    if "point" in words:
        at = words.index("point")
        whole, decimals = _cardinal(words[:at]), _digits(words[at + 1 :])
        if whole is None or decimals is None:
            return None
        return whole + Decimal(f"0.{decimals}")
    value = _cardinal(words)
    if value is not None or len(words) < 2:
        return value
    for split in range(1, len(words)):
        high, low = _cardinal(words[:split]), _year_half(words[split:])
        if high is not None and low is not None and 10 <= high < 100:
            return high * 100 + low
    return None


def _year_half(words: Sequence[str]) -> Decimal | None:
    """The second half of a year said in pairs: "eighty four" or "oh two"."""
    if len(words) == 2 and words[0] in _SPOKEN_ZEROS:
        digit = _DIGIT_WORDS.get(words[1])
        return Decimal(digit) if digit else None
    value = _cardinal(words)
    return value if value is not None and 10 <= value < 100 else None


def _digits(words: Sequence[str]) -> str | None:
    """Digits said one by one after "point": "one four" -> "14"."""
    if not words or any(w not in _DIGIT_WORDS for w in words):
        return None
    return "".join(str(_DIGIT_WORDS[w]) for w in words)


def _cardinal(words: Sequence[str]) -> Decimal | None:
    total, group, last, last_scale = Decimal(0), Decimal(0), "", 10**15
    for index, raw in enumerate(words):
        word = _ORDINALS.get(raw, raw)
        if _NUMBER.fullmatch(word) and index == 0:
            group, last = Decimal(word), "digits"
        elif word in _SMALL:
            if last in ("small", "digits") or (last == "tens" and not 0 < _SMALL[word] < 10):
                return None  # "five six", "twenty twelve"
            group, last = group + _SMALL[word], "small"
        elif word in _TENS:
            if last in ("small", "tens", "digits"):
                return None
            group, last = group + _TENS[word], "tens"
        elif word == "hundred":
            if group >= 100 or last == "hundred":
                return None
            group, last = (group or Decimal(1)) * 100, "hundred"
        elif word in _BIG:
            scale = _BIG[word]
            if scale >= last_scale:
                return None
            total, group, last, last_scale = total + (group or 1) * scale, Decimal(0), "big", scale
        elif word == "and" and last in ("hundred", "big"):
            last = "and"
        else:
            return None
    return None if last == "and" else total + group


def _format(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"
