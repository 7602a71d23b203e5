"""The persistence port: what the rest of Kwissle may ask of a store, in game words.

Adapters (store.sqlite for the embedded default, store.mongo for production) implement every
method with the same observable behaviour; tests/store/test_contract.py holds them to it.
Every method is a coroutine that never blocks the event loop. Imports game values only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from game.questions import Question
from game.record import BattleRecord, QuestionStats


class UserKind(StrEnum):
    GUEST = "guest"
    ACCOUNT = "account"


@dataclass(frozen=True, slots=True)
class User:
    """A player. Guests have no email; accounts (a later issue) do."""

    id: str
    nickname: str
    kind: UserKind = UserKind.GUEST
    email: str | None = None
    roles: tuple[str, ...] = ("player",)
    created_at: float = 0.0


class UpsertResult(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class Store(ABC):
    """Async persistence for users, questions, question statistics and battles."""

    @abstractmethod
    async def open(self) -> None:
        """Connect and create the schema / indexes if missing. Idempotent."""

    @abstractmethod
    async def close(self) -> None:
        """Release connections and threads. The store is unusable afterwards."""

    # users
    @abstractmethod
    async def save_user(self, user: User) -> None:
        """Insert or replace the user with this id."""

    @abstractmethod
    async def get_user(self, user_id: str) -> User | None: ...

    # questions
    @abstractmethod
    async def upsert_question(self, question: Question) -> UpsertResult:
        """Insert a question or update it in place, keyed by id; says which happened."""

    @abstractmethod
    async def get_question(self, question_id: str) -> Question | None: ...

    @abstractmethod
    async def published_questions(self, category: str | None = None) -> list[Question]:
        """Every published question (of one category when given), ordered by id."""

    @abstractmethod
    async def all_questions(self) -> list[Question]:
        """Every question, published or not, ordered by id (for dumps)."""

    # statistics
    @abstractmethod
    async def question_stats(self, question_ids: Sequence[str]) -> dict[str, QuestionStats]:
        """Statistics for the given ids; questions never played are left out."""

    # battles
    @abstractmethod
    async def record_battle(self, record: BattleRecord) -> bool:
        """Write a finished battle durably, once, keyed by its id.

        Adds record.stat_deltas() to the question statistics in the same atomic step.
        Returns True when this call wrote it and False when it was already there (in which
        case nothing changes). Returns only after the write is durable.
        """

    @abstractmethod
    async def get_battle(self, battle_id: str) -> BattleRecord | None: ...

    @abstractmethod
    async def battles_of(self, user_id: str, limit: int = 20) -> list[BattleRecord]:
        """The user's most recent battles, newest first."""

    @abstractmethod
    async def recent_question_ids(self, user_id: str, *, limit: int, since: float) -> set[str]:
        """Ids of questions the user met in their last `limit` questions or since `since`."""
