"""The bank rules a new or edited question must pass, checked against a cached index of the bank.

Checking one question against the whole bank with game.bank_rules.check_bank takes a tenth of a
second of CPU, and a thread does not help: the check holds the GIL, so the event loop waits all
the same. `BankChecks` keeps a game.bank_rules.BankIndex of the published bank instead (built
on a thread, rebuilt when older than `max_age` or after this process changed the bank), against
which one question is checked in about a millisecond. Imports game, store.port.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from game.bank_rules import BankIndex, Problem, Severity, check_against, index_bank
from game.questions import Question
from store.port import Store

DEFAULT_MAX_AGE_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Checked:
    """A question read from the form, and what the bank rules say about it."""

    question: Question
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)


class BankChecks:
    """The published bank's index, shared by every check a process makes."""

    def __init__(
        self,
        store: Store,
        *,
        max_age: float = DEFAULT_MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._max_age = max_age
        self._clock = clock
        self._index: BankIndex | None = None
        self._built_at = 0.0
        self._lock = asyncio.Lock()

    async def check(self, question: Question) -> Checked:
        """The `questions check` rules, judge checks included, against the published bank
        (the question's own published copy left out); a problem naming another question by id
        names it by its text instead."""
        index = await self._current()
        problems = await asyncio.to_thread(check_against, index, question)
        texts = {q.id: q.text for q in index.questions}
        return Checked(question, tuple(_in_words(p, texts) for p in problems))

    def forget(self) -> None:
        """The bank changed: the next check rebuilds the index first."""
        self._index = None

    async def _current(self) -> BankIndex:
        async with self._lock:
            if self._index is None or self._clock() - self._built_at > self._max_age:
                bank = await self._store.published_questions()
                self._index = await asyncio.to_thread(index_bank, bank)
                self._built_at = self._clock()
            return self._index


# game.bank_rules names the question a new one resembles by its id (what a bank file's editor
# needs); the person writing a question is shown that question's text.
_RESEMBLES = (
    (re.compile(r"same text as (\S+)"), "the same text as “{text}”"),
    (
        re.compile(r"asks nearly what (\S+) asks, with the same answer \(similarity \d+\)"),
        "similar to: “{text}”, with the same answer",
    ),
    (
        re.compile(r"nearly the same text as (\S+) with another answer \(similarity \d+\)(.*)"),
        "similar to: “{text}”, with another answer{rest}",
    ),
)


def _in_words(problem: Problem, texts: Mapping[str, str]) -> Problem:
    for pattern, words in _RESEMBLES:
        found = pattern.fullmatch(problem.message)
        if found and found.group(1) in texts:
            rest = found.group(2) if pattern.groups > 1 else ""
            message = words.format(text=texts[found.group(1)], rest=rest)
            return replace(problem, message=message)
    return problem
