"""How often English speakers use a word, to tell a slip from another word.

The table (data/words/english.tsv, written by bench/judge_data.py from wordfreq) gives each
word of 4 letters or more, in the judge's compact form, its Zipf frequency: log10 of its uses
per billion words, so 3.0 is once per million. It is read once, on first use.

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
            word, value = line.split("\t")
            table[word] = float(value)
    return table
