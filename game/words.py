"""How often English speakers use a word, to tell a slip from another word.

The table (data/words/english.tsv, written by bench/judge_data.py from wordfreq) gives words
of 4 letters or more, in the judge's compact form, their Zipf frequency: log10 of their uses
per billion words, so 3.0 is once per million. One line per frequency, the frequency first,
then its words, which reads in a blink. It is read once, on first use.

Pure: standard library only.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

WORDS_PATH = Path(__file__).resolve().parent.parent / "data" / "words" / "english.tsv"


def zipf(word: str) -> float:
    """The Zipf frequency of a compact word ("muller"), 0.0 when it is rarer than the table."""
    return _table().get(word, 0.0)


@cache
def _table() -> dict[str, float]:
    table = {}
    for line in WORDS_PATH.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            value, words = line.split("\t")
            table.update(dict.fromkeys(words.split(), float(value)))
    return table
