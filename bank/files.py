"""Bank files on disk: JSON Lines, one question per line (Question.to_dict), one file per category.

Reading keeps going past a bad line so that one report can name every broken record; writing a
dump gives one file per category, ordered by id, so a dump of an unchanged store is byte-stable.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from game.questions import Question, QuestionFormatError

SUFFIX = ".jsonl"
# A category becomes a file name, so it may only be a plain slug.
_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


class BankFileError(ValueError):
    """A dump cannot be written: a category is not usable as a file name."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A question and where it was read from (line numbers start at 1)."""

    path: Path
    line: int
    question: Question


@dataclass(frozen=True, slots=True)
class LineError:
    """A line, or a whole file (line 0), that does not hold a question."""

    path: Path
    line: int
    message: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Bank:
    """What a set of files held: the questions read, and the lines that could not be read."""

    files: list[Path]
    entries: list[Entry]
    errors: list[LineError]

    @property
    def questions(self) -> list[Question]:
        return [entry.question for entry in self.entries]


def bank_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The given files, with each directory replaced by its *.jsonl files in name order."""
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob(f"*{SUFFIX}")) if path.is_dir() else [path])
    return files


def read_bank(paths: Iterable[str | os.PathLike[str]]) -> Bank:
    """Read every question in the given files and directories, in file and line order.

    Never raises for bad content or a missing file: those become `errors`.
    """
    files = bank_files(paths)
    entries: list[Entry] = []
    errors: list[LineError] = []
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            errors.append(LineError(path, 0, f"cannot read: {error}"))
            continue
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entries.append(Entry(path, number, _parse(line)))
            except ValueError as error:
                errors.append(LineError(path, number, str(error)))
    return Bank(files, entries, errors)


def _parse(line: str) -> Question:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg} at column {error.colno})") from error
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, found {type(record).__name__}")
    try:
        return Question.from_dict(record)
    except QuestionFormatError as error:
        raise ValueError(f"not a question: {error}") from error


def write_dump(questions: Sequence[Question], out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write `<category>.jsonl` files into `out_dir` (created if missing); return them sorted.

    Each file is replaced whole through a temporary file, so a reader never sees half of one.
    Raises BankFileError, before writing anything, when a category is not a plain slug.
    """
    by_category: defaultdict[str, list[Question]] = defaultdict(list)
    for question in questions:
        if not _SAFE_NAME.fullmatch(question.category):
            raise BankFileError(f"question {question.id}: category {question.category!r}")
        by_category[question.category].append(question)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for category, members in sorted(by_category.items()):
        target = folder / f"{category}{SUFFIX}"
        temporary = target.with_name(target.name + ".tmp")
        lines = (format_line(q) for q in sorted(members, key=lambda q: q.id))
        temporary.write_text("".join(lines), encoding="utf-8")
        temporary.replace(target)
        written.append(target)
    return written


def format_line(question: Question) -> str:
    """One line of a bank file, newline included, in the shipped files' own style."""
    return json.dumps(question.to_dict(), ensure_ascii=False) + "\n"
