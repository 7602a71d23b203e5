"""How often the answer judge gets the example table (tests/game/judge_cases.tsv) wrong.

For each kind of example it prints how many right answers the judge refuses and how many
wrong answers it lets through, against what a fair human judge says (the table's `expect`
column; the rows marked as known misses are where the judge disagrees). Goals from the
issue: below 1 % wrong answers accepted (none for empty, garbage or wrong numbers), below
3 % right answers refused for typos and formatting.

    .venv/bin/python bench/judge_accuracy.py [--show]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path; the repository root takes
# that place so the game and tests packages import.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from game.answers import judge  # noqa: E402
from tests.game.judge_cases import Case, load_cases  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every disagreement")
    args = parser.parse_args()

    by_kind: dict[str, list[tuple[Case, bool]]] = {}
    for case in load_cases():
        verdict = judge(case.typed, case.accepted, case.wrong, person=case.person)
        by_kind.setdefault(case.kind, []).append((case, verdict.correct))
        if args.show and verdict.correct != case.right:
            print(f"  {case}: expected {'right' if case.right else 'wrong'}, {verdict.reason}")

    print(f"{'kind':<10} {'right':>6} {'refused':>8} {'wrong':>6} {'accepted':>9}")
    every = [result for results in by_kind.values() for result in results]
    for kind, results in [*sorted(by_kind.items()), ("all", every)]:
        right = [accepted for case, accepted in results if case.right]
        wrong = [accepted for case, accepted in results if not case.right]
        refused = share(right.count(False), len(right))
        let_in = share(wrong.count(True), len(wrong))
        print(f"{kind:<10} {len(right):>6} {refused:>8} {len(wrong):>6} {let_in:>9}")


def share(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%" if total else "-"


if __name__ == "__main__":
    main()
