"""The answer judge's example table (judge_cases.tsv), read into values.

Shared by tests/game/test_answers.py and bench/judge_accuracy.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CASES_PATH = Path(__file__).with_name("judge_cases.tsv")


@dataclass(frozen=True, slots=True)
class Case:
    """One example: what a player typed for a question, and whether it is a right answer.

    `known_miss` marks a row where the judge knowingly disagrees with a fair human judge.
    """

    line: int
    kind: str
    typed: str
    accepted: tuple[str, ...]
    wrong: tuple[str, ...]
    person: bool
    right: bool
    known_miss: bool

    @property
    def judge_says_right(self) -> bool:
        """What the judge is expected to answer: the truth, flipped on a known miss."""
        return self.right != self.known_miss

    def __str__(self) -> str:
        return f"line {self.line}: {self.kind} {self.typed!r} for {self.accepted[0]!r}"


def load_cases(path: Path = CASES_PATH) -> list[Case]:
    """Every row of the table, skipping comments and the header."""
    cases = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#") or line.startswith("kind\t"):
            continue
        kind, typed, accepted, wrong, person, expect, note = line.split("\t")
        cases.append(
            Case(
                line=number,
                kind=kind,
                typed=typed,
                accepted=tuple(accepted.split("|")),
                wrong=tuple(w for w in wrong.split("|") if w),
                person=person == "y",
                right=expect == "right",
                known_miss=note == "miss",
            )
        )
    return cases
