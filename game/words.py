"""How often English speakers use a word, and which words are surnames, to tell a slip from
another word.

The frequency table (data/words/english.tsv, written by bench/judge_data.py from wordfreq)
gives words of 4 letters or more, in the judge's compact form, their Zipf frequency: log10 of
their uses per billion words, so 3.0 is once per million. One line per frequency, the
frequency first, then its words, which reads in a blink. The surname lists
(data/words/surnames.<source>.tsv, written by the same script) hold one compact surname a line,
before any tab. Each is read once, on first use.

Pure: standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

WORDS_DIR = Path(__file__).resolve().parent.parent / "data" / "words"
WORDS_PATH = WORDS_DIR / "english.tsv"


def zipf(word: str) -> float:
    """The Zipf frequency of a compact word ("muller"), 0.0 when it is rarer than the table."""
    return frequencies().get(word, 0.0)


def is_surname(word: str) -> bool:
    """Whether a compact word ("pickens") is the surname of many real people."""
    return word in surnames()


def surname_paths() -> list[Path]:
    return sorted(WORDS_DIR.glob("surnames.*.tsv"))


def read_surnames(texts: Iterable[str]) -> frozenset[str]:
    """The surnames of these lists' texts: the first column of each line but comments."""
    return frozenset(
        line.split("\t", 1)[0]
        for text in texts
        for line in text.splitlines()
        if line and not line.startswith("#")
    )


@cache
def frequencies() -> dict[str, float]:
    """Every word of the table and its Zipf frequency."""
    table = {}
    for line in WORDS_PATH.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            value, words = line.split("\t")
            table.update(dict.fromkeys(words.split(), float(value)))
    return table


@cache
def surnames() -> frozenset[str]:
    """Every listed surname."""
    return read_surnames(path.read_text(encoding="utf-8") for path in surname_paths())
