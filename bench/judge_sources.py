"""What each list of names costs and buys the answer judge, measured on both example sets.

For the judge as shipped and then without one source at a time (each generated table in
data/entities/, the word frequencies of data/words/english.tsv, or a surname list of
data/words/), it prints the right answers refused (typos, and answers written another way)
and the look-alikes let through, on the tuning set (tests/game/judge_cases.tsv) and the
outside set (bench/outside_cases.tsv, or another draw given with --outside). A source earns
its place when it stops more look-alikes than the right answers it refuses.

    .venv/bin/python bench/judge_sources.py [--outside PATH]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

# Run as a script, this file's folder comes first on sys.path; the repository root takes
# that place so the game and tests packages import.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.judge_accuracy import SETS, WRITTEN_ANOTHER_WAY  # noqa: E402
from game import answers  # noqa: E402
from game.entities import ENTITY_DIR, parse_lists  # noqa: E402
from game.words import read_surnames, surname_paths  # noqa: E402
from tests.game.judge_cases import Case, load_cases  # noqa: E402

WORDS = "word frequencies"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outside", type=Path, help="another outside table, such as a new draw")
    args = parser.parse_args()

    sets = {**SETS, "outside": args.outside} if args.outside else SETS
    lists = sorted(ENTITY_DIR.glob("*.txt"))
    generated = sorted(ENTITY_DIR.glob("*.tsv"))
    surnames = surname_paths()
    cases = {name: load_cases(path) for name, path in sets.items()}
    print(f"{'without':<24}" + "".join(f"{name:>33}" for name in cases))
    print(f"{'':<24}" + f"{'typos  another way  look-alikes':>33}" * len(cases))
    for left_out in [None, *generated, WORDS, *surnames]:
        kept = [path for path in generated if path != left_out]
        kept_surnames = [path for path in surnames if path != left_out]
        with judge_using(lists, kept, kept_surnames, frequencies=left_out != WORDS):
            figures = "".join(f"{measure(cases[name]):>33}" for name in cases)
        label = "(nothing)" if left_out is None else str(getattr(left_out, "name", left_out))
        print(f"{label:<24}{figures}")


@contextmanager
def judge_using(
    lists: list[Path], tables: list[Path], surnames: list[Path], *, frequencies: bool
) -> Iterator[None]:
    """The judge with these lists, tables and surname lists only, and with or without word
    frequencies."""
    index = parse_lists(read(lists), read(tables))
    known = read_surnames(path.read_text(encoding="utf-8") for path in surnames)
    with ExitStack() as patches:
        patches.enter_context(mock.patch.object(answers, "entities", lambda: index))
        patches.enter_context(mock.patch.object(answers, "is_surname", known.__contains__))
        if not frequencies:
            patches.enter_context(mock.patch.object(answers, "zipf", lambda _word: 0.0))
        clear_caches()
        yield
    clear_caches()


def read(paths: list[Path]) -> list[tuple[str, str]]:
    return [(path.name.split(".")[0], path.read_text(encoding="utf-8")) for path in paths]


def clear_caches() -> None:
    """The judge keeps what it worked out per question: forget it when the lists change."""
    for cached in (answers._question, answers._names_near, answers._wrongs_near):
        cached.cache_clear()


def measure(cases: list[Case]) -> str:
    typos = [c for c in cases if c.right and c.kind == "typo"]
    other_ways = [c for c in cases if c.right and c.kind in WRITTEN_ANOTHER_WAY]
    lookalikes = [c for c in cases if not c.right and c.kind == "lookalike"]
    typos_refused = share([not accepted(c) for c in typos])
    other_ways_refused = share([not accepted(c) for c in other_ways])
    let_in = share([accepted(c) for c in lookalikes])
    return f"{typos_refused:>7} {other_ways_refused:>12} {let_in:>12}"


def accepted(case: Case) -> bool:
    return answers.judge(case.typed, case.accepted, case.wrong, person=case.person).correct


def share(flags: list[bool]) -> str:
    return f"{100 * sum(flags) / len(flags):.1f}%" if flags else "-"


if __name__ == "__main__":
    main()
