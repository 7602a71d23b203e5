"""How far a typed word is from the answer's, counted the way players misspell.

    distance("ghandi", "gandhi") == 1               # a letter moved
    distance("misisipi", "mississippi") == 1        # letters doubled or not
    distance("initialializes", "initializes") == 1  # a run of letters typed twice
    sounds_like("jurnales", "journals", budget=1)   # beyond the budget, but it sounds the same

`distance` counts slips; `sounds_like` says whether a word that misses its typo budget still
spells the answer by ear. Whether that word also names something else is for the caller to
ask: `Homophones` finds the known words that sound like it, and `Words` those a few slips
from it, among many, at once.

Pure: standard library, rapidfuzz, jellyfish and game.normalize only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

import jellyfish
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Indel, Levenshtein

from game.normalize import undouble

# Where a run of two to four letters comes twice in a row: "initial|ial|izes".
_STUTTER = re.compile(r"(?=([a-z]{2,4})\1)")
_MIN_STUTTER_BASE = 5  # "bora" in "borabora" is a word, not a stutter
_FEW = 4  # words measured one by one faster than they are prepared and passed over at once


def distance(a: str, b: str, limit: int | None = None) -> int:
    """Damerau edits between `a` and `b`, where three slips players make count as one edit: a
    letter moved elsewhere ("ghandi" -> "gandhi"), any number of letters doubled or undoubled
    ("misisipi" -> "mississippi"), and a run of two to four letters typed twice
    ("initialializes" -> "initializes"). With `limit`, any answer above `limit` only means
    "more than `limit`"."""
    edits = DamerauLevenshtein.distance(a, b, score_cutoff=limit)
    if edits <= 1:
        return edits
    if len(a) == len(b) and sorted(a) == sorted(b):
        edits = min(edits, Indel.distance(a, b) // 2)
    single_a, single_b = undouble(a), undouble(b)
    if single_a != a or single_b != b:
        edits = min(edits, 1 + DamerauLevenshtein.distance(single_a, single_b, score_cutoff=limit))
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    if edits > 1 and len(longer) - len(shorter) > 1 and len(shorter) >= _MIN_STUTTER_BASE:
        for once in _without_a_stutter(longer):
            edits = min(edits, 1 + DamerauLevenshtein.distance(once, shorter, score_cutoff=limit))
    return edits


class Words:
    """Known words (the names a typo could be closer to, the homophones of a misspelling),
    prepared to find at once those within a few slips of a typed word.

    `within(typed, limit)` is `[w for w in words if distance(typed, w, limit) <= limit]`. Of
    more than a few words, each way `distance` counts (plain edits, a letter moved, letters
    doubled, a run typed twice) is looked for among them all in one C++ pass or a dictionary
    look-up, instead of measuring them one by one in Python: a long answer has hundreds of
    such names. A few words are measured one by one, which is faster than preparing them.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(dict.fromkeys(words))
        self._few = len(self.words) <= _FEW
        if self._few:
            return
        # Most words have no double letter and are their own single form: this adds little.
        self._single = tuple(undouble(word) for word in self.words)
        # Where each single form is, for the commonest case (one slip in all, the doubling):
        # one index, and the few single forms two words share apart.
        self._by_single: dict[str, int] = {}
        self._shared_single: dict[str, list[int]] = {}
        for index, single in enumerate(self._single):
            first = self._by_single.setdefault(single, index)
            if first != index:
                self._shared_single.setdefault(single, [first]).append(index)
        self._stutters = [  # (a word with a run typed twice, typed once; its index): few
            (once, index)
            for index, word in enumerate(self.words)
            for once in _without_a_stutter(word)
        ]

    def __len__(self) -> int:
        return len(self.words)

    def within(self, typed: str, limit: int) -> list[str]:
        """The words at most `limit` slips from `typed`, as `distance` counts, in order."""
        if limit < 0:
            return []
        words = self.words
        if self._few:
            return [word for word in words if distance(typed, word, limit) <= limit]
        letters = sorted(typed)
        # Plain edits, or a letter moved (an anagram's Indel distance is even, so it is within
        # 2 * limit as well): both lie within twice as many Levenshtein edits.
        found = {
            i
            for i, word in _levenshtein_near(typed, words, 2 * limit)
            if DamerauLevenshtein.distance(typed, word, score_cutoff=limit) <= limit
            or (
                len(word) == len(typed)
                and sorted(word) == letters
                and Indel.distance(typed, word) // 2 <= limit
            )
        }
        if limit >= 1:  # one slip for the doubled letters or the run typed twice, and the rest
            single = undouble(typed)
            if limit == 1:
                first = self._by_single.get(single)
                found.update(self._shared_single.get(single, () if first is None else (first,)))
            else:
                found.update(
                    i
                    for i, word in _levenshtein_near(single, self._single, 2 * (limit - 1))
                    if DamerauLevenshtein.distance(single, word, score_cutoff=limit - 1) < limit
                )
            # A run typed twice over a word of 5 letters or more leaves at least 7.
            for once in _without_a_stutter(typed) if len(typed) > _MIN_STUTTER_BASE + 1 else ():
                found.update(
                    i
                    for i, word in _levenshtein_near(once, words, 2 * (limit - 1))
                    if len(typed) - len(word) > 1
                    and len(word) >= _MIN_STUTTER_BASE
                    and DamerauLevenshtein.distance(once, word, score_cutoff=limit - 1) < limit
                )
            if len(typed) >= _MIN_STUTTER_BASE:
                found.update(
                    i
                    for once, i in self._stutters
                    if len(words[i]) - len(typed) > 1
                    and DamerauLevenshtein.distance(once, typed, score_cutoff=limit) < limit
                )
        return [words[i] for i in sorted(found)]


def _levenshtein_near(word: str, words: Sequence[str], limit: int) -> list[tuple[int, str]]:
    """(index, word) of `words` within `limit` Levenshtein edits of `word`, in one C++ pass.
    A Damerau edit (a swap) is at most two of them, so this narrows a Damerau search."""
    found = process.extract(
        word, words, scorer=Levenshtein.distance, score_cutoff=limit, limit=None
    )
    return [(i, other) for other, _score, i in found]


def _without_a_stutter(word: str) -> Iterator[str]:
    """`word` with one copy of a repeated run taken out, for each such run."""
    for match in _STUTTER.finditer(word):
        start, run = match.start(), match.group(1)
        yield word[:start] + word[start + len(run) :]


def sounds_like(typed: str, answer: str, budget: int) -> bool:
    """Whether `typed`, which misses `answer` by more than `budget` slips, still spells it by
    ear, in one of two ways (both words lowercase letters):

    - it says the same sounds by Metaphone or NYSIIS, within 2 * budget + 1 slips
      ("jurnales" for "journals", "filadelfia" for "philadelphia");
    - it is one slip more, starts with the answer's letter and keeps all of its Metaphone
      sounds but one ("libaray" for "library", "platofmr" for "platform").
    """
    if budget == 0:
        return False
    heard, said = keys(typed), _answer_keys(answer)
    if heard[0] == said[0] or heard[1] == said[1]:
        reach = 2 * budget + 1
    elif typed[0] == answer[0] and _one_apart(heard[0], said[0]):
        reach = budget + 1
    else:
        return False
    return distance(typed, answer, reach) <= reach


def _one_apart(a: str, b: str) -> bool:
    return DamerauLevenshtein.distance(a, b, score_cutoff=1) <= 1


def keys(word: str) -> tuple[str, str]:
    """How `word` sounds: its Metaphone and NYSIIS codes ("bicycle" -> "BSKL", "BACYCL")."""
    return jellyfish.metaphone(word), jellyfish.nysiis(word)


# Answers are few and come back with every typed text; typed words are not kept.
_answer_keys = lru_cache(maxsize=4096)(keys)


class Homophones:
    """Known words by how they sound, to ask which of them a misspelling could also be."""

    def __init__(self, words: Iterable[str]) -> None:
        by_key: dict[str, list[str]] = {}
        for word in sorted(words):  # in order, so a verdict names the same one every time
            for key in dict.fromkeys(keys(word)):
                by_key.setdefault(key, []).append(word)
        self._by_key = by_key
        # The words of both of a misspelling's codes, prepared when a misspelling with that
        # pair of codes first comes, so that it is measured against them in one pass.
        self._sounding = lru_cache(maxsize=8192)(self._prepare)

    def near(self, word: str, limit: int) -> list[str]:
        """The known words with either of `word`'s codes at most `limit` slips from it."""
        return self._sounding(keys(word)).within(word, limit)

    def _prepare(self, codes: tuple[str, str]) -> Words:
        return Words(word for code in codes for word in self._by_key.get(code, ()))
