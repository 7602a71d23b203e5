"""How often the answer judge disagrees with a fair human judge, on two sets of examples.

The tuning set (tests/game/judge_cases.tsv) is the table the judge was written against; the
outside set (bench/outside_cases.tsv, built by bench/outside_cases.py from public lists) is
one it was never tuned on. For each kind of example it prints how many right answers the judge
refuses and how many wrong answers it lets through, then the figures the issue sets goals for:
look-alikes let through <= 2 %, all wrong answers accepted <= 1 %, right answers written
another way refused <= 3 %, typos refused <= 3 %, and surnames alone still accepted.

    .venv/bin/python bench/judge_accuracy.py [--show] [--set tuning|outside] [--outside PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path; the repository root takes
# that place so the game and tests packages import.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from game.answers import judge  # noqa: E402
from tests.game.judge_cases import CASES_PATH, Case, load_cases  # noqa: E402

SETS = {"tuning": CASES_PATH, "outside": Path(__file__).with_name("outside_cases.tsv")}
WRITTEN_ANOTHER_WAY = ("format", "number", "alias")

Results = list[tuple[Case, bool]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every disagreement")
    parser.add_argument("--set", choices=sorted(SETS), help="one set only (default: both)")
    parser.add_argument("--outside", type=Path, help="another outside table, such as a new draw")
    args = parser.parse_args()

    sets = {**SETS, "outside": args.outside} if args.outside else SETS
    for name, path in sets.items():
        if args.set in (None, name):
            print(f"{name} set: {path.name}")
            report(load_cases(path), show=args.show)
            print()


def report(cases: list[Case], *, show: bool) -> None:
    by_kind: dict[str, Results] = {}
    for case in cases:
        verdict = judge(case.typed, case.accepted, case.wrong, person=case.person)
        by_kind.setdefault(case.kind, []).append((case, verdict.correct))
        if show and verdict.correct != case.right:
            print(f"  {case}: expected {'right' if case.right else 'wrong'}, {verdict.reason}")

    print(f"{'kind':<10} {'right':>6} {'refused':>8} {'wrong':>6} {'accepted':>9}")
    every = [result for results in by_kind.values() for result in results]
    for kind, results in [*sorted(by_kind.items()), ("all", every)]:
        refused, let_in = rates(results)
        right, wrong = count(results, True), count(results, False)
        print(f"{kind:<10} {right:>6} {refused:>8} {wrong:>6} {let_in:>9}")

    def of(*kinds: str) -> Results:
        return [result for kind in kinds for result in by_kind.get(kind, [])]

    print(f"look-alikes let through          {rates(of('lookalike'))[1]:>6}   goal <= 2 %")
    print(f"all wrong answers accepted       {rates(every)[1]:>6}   goal <= 1 %")
    print(f"written another way refused      {rates(of(*WRITTEN_ANOTHER_WAY))[0]:>6}   goal <= 3 %")
    print(f"typos refused                    {rates(of('typo'))[0]:>6}   goal <= 3 %")
    print(f"surnames alone refused           {rates(of('surname'))[0]:>6}   goal: accepted")


def count(results: Results, right: bool) -> int:
    return sum(case.right == right for case, _accepted in results)


def rates(results: Results) -> tuple[str, str]:
    """(right answers refused, wrong answers accepted) as percentages."""
    right = [accepted for case, accepted in results if case.right]
    wrong = [accepted for case, accepted in results if not case.right]
    return share(right.count(False), len(right)), share(wrong.count(True), len(wrong))


def share(part: int, total: int) -> str:
    return f"{100 * part / total:.1f}%" if total else "-"


if __name__ == "__main__":
    main()
