"""Well-known names quiz answers are made of (countries, cities, elements, people, ...).

The judge uses them to refuse a slip that names something else: "Iraq" for Iran, "Zambia" for
Gambia. The lists live in data/entities/<kind>.txt, one thing per line, its other spellings on
the same line after " | " (so "Cesium" is never a look-alike of "Caesium"); lines starting
with "#" are comments. They are read once, on first use; nothing here runs at call time.

Imports the standard library, rapidfuzz and game.normalize only.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
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

    def near(self, query: str, kinds: frozenset[str], max_edits: int) -> list[str]:
        """Compact names of these kinds that may lie within `max_edits` Damerau edits of `query`.

        A cheap filter: a length at most `max_edits` away and a Levenshtein distance at most
        twice `max_edits`, plus one (a swap or a moved letter costs two there, and doubled
        letters one each). The caller measures the survivors exactly.
        """
        lengths, names = _by_length(self, kinds)
        low = bisect_left(lengths, len(query) - max_edits)
        high = bisect_right(lengths, len(query) + max_edits)
        found = process.extract(
            query,
            names[low:high],
            scorer=Levenshtein.distance,
            score_cutoff=2 * max_edits + 1,
            limit=None,
        )
        return [name for name, _score, _index in found]


@cache
def entities() -> Entities:
    """The shipped lists, read on the first call and shared afterwards."""
    paths = sorted(ENTITY_DIR.glob("*.txt"))
    return parse_lists((path.stem, path.read_text(encoding="utf-8")) for path in paths)


def parse_lists(lists: Iterable[tuple[str, str]]) -> Entities:
    """Build the index from (kind, file text) pairs."""
    names: dict[str, str] = {}
    ids: dict[str, set[str]] = {}
    kinds: dict[str, set[str]] = {}
    all_kinds: set[str] = set()
    for kind, text in lists:
        all_kinds.add(kind)
        for line in text.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            spellings = [s.strip() for s in line.split("|") if s.strip()]
            compacts = [form(s).compact for s in spellings]
            for spelling, compact in zip(spellings, compacts, strict=True):
                if not compact:
                    continue
                names.setdefault(compact, spelling)
                ids.setdefault(compact, set()).add(compacts[0])
                kinds.setdefault(compact, set()).add(kind)
    return Entities(
        names=names,
        ids={c: frozenset(v) for c, v in ids.items()},
        kinds={c: frozenset(v) for c, v in kinds.items()},
        all_kinds=frozenset(all_kinds),
    )


@lru_cache(maxsize=256)
def _by_length(index: Entities, kinds: frozenset[str]) -> tuple[list[int], list[str]]:
    chosen = sorted((c for c, k in index.kinds.items() if k & kinds), key=len)
    return [len(c) for c in chosen], chosen
