"""What `app.py questions check|load|dump` does: check bank files, import them, write a store out.

Each function takes its output stream so the CLI passes stdout and tests pass a StringIO; none
parses arguments or exits the process.
"""

from __future__ import annotations

import os
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bank.files import Entry, read_bank, write_dump
from game.bank_rules import Problem, Severity, check_bank
from store.port import Store, UpsertResult

Paths = Iterable[str | os.PathLike[str]]


def check(paths: Paths, *, out: TextIO = sys.stdout) -> int:
    """Print every problem in the files, grouped by file, and a summary line.

    Returns the exit code: 1 when any line is unreadable or any question has an error (or no
    question was found at all), else 0. Warnings alone do not fail the check.
    """
    bank = read_bank(paths)
    problems = check_bank(bank.questions)
    rows: defaultdict[Path, list[tuple[int, str]]] = defaultdict(list)
    for error in bank.errors:
        label = f"line {error.line}" if error.line else "file"
        rows[error.path].append((error.line, f"{label}: error: {error.message}"))
    for problem, entry in _located(problems, bank.entries):
        where = f"line {entry.line} ({problem.question_id})"
        rows[entry.path].append((entry.line, f"{where}: {problem.severity}: {problem.message}"))
    for path in sorted(rows):
        print(path, file=out)
        for _, row in sorted(rows[path], key=lambda item: item[0]):
            print(f"  {row}", file=out)
    severities = Counter(p.severity for p in problems)
    errors = severities[Severity.ERROR] + len(bank.errors)
    print(
        f"checked {_count(len(bank.entries), 'question')} in {_count(len(bank.files), 'file')}: "
        f"{_count(errors, 'error')}, {_count(severities[Severity.WARNING], 'warning')}",
        file=out,
    )
    return 1 if errors or not bank.entries else 0


@dataclass(frozen=True, slots=True)
class Refusal:
    """A record that was not loaded: where it came from and why."""

    where: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LoadSummary:
    added: int
    updated: int
    unchanged: int
    refused: tuple[Refusal, ...]

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged + len(self.refused)

    def __str__(self) -> str:
        return (
            f"loaded {_count(self.total, 'question')}: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.refused)} refused"
        )


async def load(paths: Paths, store: Store, *, out: TextIO = sys.stdout) -> LoadSummary:
    """Upsert every question that passes the bank check; refuse the rest with their reasons.

    Idempotent: loading the same files again leaves the store as it was and counts every
    question unchanged. All copies of a duplicated id are refused, since neither is known to
    be the right one. Draws a progress bar when `out` is a terminal; always ends with the
    summary line, then one line per refusal.
    """
    bank = read_bank(paths)
    reasons: defaultdict[str, list[str]] = defaultdict(list)
    for problem in check_bank(bank.questions):
        if problem.severity is Severity.ERROR:
            reasons[problem.question_id].append(problem.message)
    refused = [Refusal(error.where, (error.message,)) for error in bank.errors]
    results: Counter[UpsertResult] = Counter()
    progress = _ProgressBar(out, len(bank.entries)) if out.isatty() and bank.entries else None
    for entry in bank.entries:
        question = entry.question
        if question.id in reasons:
            refused.append(Refusal(_where(entry), tuple(reasons[question.id])))
        else:
            results[await store.upsert_question(question)] += 1
        if progress:
            progress.advance()
    summary = LoadSummary(
        added=results[UpsertResult.ADDED],
        updated=results[UpsertResult.UPDATED],
        unchanged=results[UpsertResult.UNCHANGED],
        refused=tuple(refused),
    )
    print(summary, file=out)
    for refusal in summary.refused:
        print(f"  refused {refusal.where}: {'; '.join(refusal.reasons)}", file=out)
    return summary


async def dump(store: Store, out_dir: str | os.PathLike[str], *, out: TextIO = sys.stdout) -> int:
    """Write every question in the store, published or not, as bank files; return how many."""
    questions = await store.all_questions()
    files = write_dump(questions, out_dir)
    print(f"dumped {len(questions)} questions to {len(files)} files in {out_dir}", file=out)
    return len(questions)


def _located(problems: list[Problem], entries: list[Entry]) -> Iterable[tuple[Problem, Entry]]:
    """Each problem with every entry of its question id (a duplicated id has several)."""
    by_id: defaultdict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_id[entry.question.id].append(entry)
    return ((problem, entry) for problem in problems for entry in by_id[problem.question_id])


def _where(entry: Entry) -> str:
    return f"{entry.question.id} ({entry.path}:{entry.line})"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


class _ProgressBar:
    """A one-line bar redrawn in place with a carriage return; ends with a newline.

    The caller guarantees total > 0.
    """

    WIDTH = 30

    def __init__(self, out: TextIO, total: int) -> None:
        self._out = out
        self._total = total
        self._done = 0
        self._draw()

    def advance(self) -> None:
        self._done += 1
        self._draw()
        if self._done >= self._total:
            self._out.write("\n")

    def _draw(self) -> None:
        filled = self.WIDTH * self._done // self._total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self._out.write(f"\r[{bar}] {self._done}/{self._total}")
        self._out.flush()
