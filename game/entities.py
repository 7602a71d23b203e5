"""Well-known names quiz answers are made of (countries, cities, elements, people, ...).

The judge uses them to refuse a slip that names something else: "Iraq" for Iran, "Zambia" for
Gambia. The hand-written lists live in data/entities/<kind>.txt, one thing per line, its other
spellings on the same line after " | " (so "Cesium" is never a look-alike of "Caesium"); lines
starting with "#" are comments. Lists generated from data packages (bench/judge_data.py) live
beside them as <kind>.<source>.tsv. All are read once, on first use; nothing here runs at call
time.

Imports the standard library, rapidfuzz and game.normalize only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from game.normalize import form

ENTITY_DIR = Path(__file__).resolve().parent.parent / "data" / "entities"


@dataclass(frozen=True, slots=True, eq=False)  # compared and hashed by identity
class Entities:
    """Every known name by its compact form (normalized, no spaces)."""

    names: dict[str, str]  # compact -> the name as written in the list
    ids: dict[str, frozenset[str]]  # compact -> the things it names (a thing's id: its first name)
    kinds: dict[str, frozenset[str]]  # compact -> the lists it appears in
    all_kinds: frozenset[str]
    written: frozenset[str]  # compacts of the hand-written lists: the best-known names

    def near(self, name: str, kinds: frozenset[str], max_edits: int) -> list[str]:
        """Compact names of these kinds within `max_edits` Levenshtein edits of `name`; with
        no kinds, the names of the hand-written lists (the generated ones hold thousands of
        small places a typo of a word like "contagion" may land nearer to).

        One scan in C++ over the lists; the judge calls it once per answer and keeps the
        result, then measures each typed text against those few names only.
        """
        found = process.extract(
            name,
            _names_of(self, kinds),
            scorer=Levenshtein.distance,
            score_cutoff=max_edits,
            limit=None,
        )
        return [compact for compact, _score, _index in found]


@cache
def entities() -> Entities:
    """The shipped lists, read on the first call and shared afterwards."""
    return parse_lists(_read("*.txt"), _read("*.tsv"))


def _read(pattern: str) -> list[tuple[str, str]]:
    # "people.wordnet.tsv" adds to the kind "people": the part of the name before the dot.
    paths = sorted(ENTITY_DIR.glob(pattern))
    return [(path.name.split(".")[0], path.read_text(encoding="utf-8")) for path in paths]


def parse_lists(
    lists: Iterable[tuple[str, str]], tables: Iterable[tuple[str, str]] = ()
) -> Entities:
    """Build the index from (kind, file text) pairs: hand-written lists, one thing a line with
    its other names after " | ", and generated tables, one name a row with its compact form
    and its thing's id ("Millikan\tmillikan\trobertandrewsmillikan"), which load without
    normalizing tens of thousands of names again."""
    names: dict[str, str] = {}
    ids: dict[str, set[str]] = {}
    kinds: dict[str, set[str]] = {}
    lists, tables = list(lists), list(tables)
    written = [e for kind, text in lists for e in _list_entries(kind, text)]
    generated = [e for kind, text in tables for e in _table_entries(kind, text)]
    for kind, spelling, compact, thing in [*written, *generated]:
        names.setdefault(compact, spelling)
        ids.setdefault(compact, set()).add(thing)
        kinds.setdefault(compact, set()).add(kind)
    return Entities(
        names=names,
        ids={c: frozenset(v) for c, v in ids.items()},
        kinds={c: frozenset(v) for c, v in kinds.items()},
        all_kinds=frozenset(kind for kind, _text in [*lists, *tables]),
        written=frozenset(compact for _kind, _spelling, compact, _thing in written),
    )


_Entry = tuple[str, str, str, str]  # kind, name as written, compact form, the thing's id


def _list_entries(kind: str, text: str) -> Iterator[_Entry]:
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        spellings = [s.strip() for s in line.split("|") if s.strip()]
        compacts = [form(s).compact for s in spellings]
        for spelling, compact in zip(spellings, compacts, strict=True):
            if compact:
                yield kind, spelling, compact, compacts[0]


def _table_entries(kind: str, text: str) -> Iterator[_Entry]:
    for line in text.splitlines():
        if line and not line.startswith("#"):
            spelling, compact, thing = line.split("\t")
            yield kind, spelling, compact, thing


@lru_cache(maxsize=256)
def _names_of(index: Entities, kinds: frozenset[str]) -> list[str]:
    if not kinds:
        return sorted(index.written)
    return [compact for compact, its_kinds in index.kinds.items() if its_kinds & kinds]
