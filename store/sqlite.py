"""The embedded store: every Kwissle table in one SQLite file, for a single machine and for tests.

Every sqlite3 call runs on this adapter's own one-thread executor, whose thread owns the only
connection; the event loop just awaits futures, and JSON is decoded on that thread too. The file
runs in WAL mode with synchronous=FULL, so a committed battle survives a power cut. Questions and
battles are kept as their to_dict() JSON next to the few columns that queries filter on.
Nothing from sqlite3 is returned to callers; imports game values and store.port only.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import astuple
from pathlib import Path
from typing import TypeVar, TypeVarTuple

import ujson

from game.questions import Question
from game.record import BattleRecord, QuestionStats
from store.port import Store, UpsertResult, User, UserKind

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

SCHEMA_VERSION = 1

_WAL_SWITCH_ATTEMPTS = 100
_WAL_SWITCH_PAUSE = 0.02  # seconds, on the adapter's thread

# Applied in order inside one transaction when the file's user_version is older than
# SCHEMA_VERSION. A later version appends its own list of statements; earlier ones never change.
_SCHEMA: tuple[str, ...] = (
    """CREATE TABLE users (
        id TEXT PRIMARY KEY, nickname TEXT NOT NULL, kind TEXT NOT NULL, email TEXT,
        roles TEXT NOT NULL, created_at REAL NOT NULL)""",
    """CREATE TABLE questions (
        id TEXT PRIMARY KEY, category TEXT NOT NULL, published INTEGER NOT NULL,
        doc TEXT NOT NULL)""",
    "CREATE INDEX questions_by_category ON questions (published, category, id)",
    """CREATE TABLE question_stats (
        question_id TEXT PRIMARY KEY, asked INTEGER NOT NULL, "right" INTEGER NOT NULL,
        right_typed INTEGER NOT NULL, right_choice INTEGER NOT NULL, wrong INTEGER NOT NULL,
        right_ms_total INTEGER NOT NULL)""",
    "CREATE TABLE battles (id TEXT PRIMARY KEY, finished_at REAL NOT NULL, doc TEXT NOT NULL)",
    """CREATE TABLE battle_players (
        user_id TEXT NOT NULL, battle_id TEXT NOT NULL, finished_at REAL NOT NULL,
        PRIMARY KEY (user_id, battle_id))""",
    "CREATE INDEX battle_players_by_time ON battle_players (user_id, finished_at, battle_id)",
    # One row per player per question met; `position` orders questions within a battle.
    """CREATE TABLE question_history (
        user_id TEXT NOT NULL, battle_id TEXT NOT NULL, position INTEGER NOT NULL,
        question_id TEXT NOT NULL, finished_at REAL NOT NULL,
        PRIMARY KEY (user_id, battle_id, position))""",
    """CREATE INDEX question_history_by_time
        ON question_history (user_id, finished_at, battle_id, position)""",
)

# In QuestionStats field order: rows convert with astuple() one way and QuestionStats(*row) back.
_STAT_COLUMNS = 'question_id, asked, "right", right_typed, right_choice, wrong, right_ms_total'

_ADD_STATS = f"""
    INSERT INTO question_stats ({_STAT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (question_id) DO UPDATE SET
        asked = asked + excluded.asked, "right" = "right" + excluded."right",
        right_typed = right_typed + excluded.right_typed,
        right_choice = right_choice + excluded.right_choice,
        wrong = wrong + excluded.wrong, right_ms_total = right_ms_total + excluded.right_ms_total
"""

# The last `limit` questions met, newest first, joined with everything met since `since`.
_RECENT_QUESTION_IDS = """
    SELECT question_id FROM (
        SELECT question_id FROM question_history WHERE user_id = ?
        ORDER BY finished_at DESC, battle_id DESC, position DESC LIMIT ?)
    UNION
    SELECT question_id FROM question_history WHERE user_id = ? AND finished_at >= ?
"""


class SchemaVersionError(RuntimeError):
    """The file was written by a newer Kwissle whose schema this code does not know."""


class SQLiteStore(Store):
    """The Store port on one SQLite file at `path` (its parent directory is created)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = Path(path)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kwissle-sqlite")
        self._db: sqlite3.Connection | None = None
        self._closed = False

    async def _run(self, call: Callable[[*Ts], T], *args: *Ts) -> T:
        # A caller cancelled mid-call stops waiting, but the call itself still completes.
        return await asyncio.get_running_loop().run_in_executor(self._executor, call, *args)

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("SQLiteStore used before open() or after close()")
        return self._db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front, so two processes sharing the file queue
        # on the busy timeout instead of failing half-way through.
        db = self._conn
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # lifecycle

    async def open(self) -> None:
        await self._run(self._open)

    def _open(self) -> None:
        if self._db is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: the only transactions are the explicit ones of _transaction().
            self._db = sqlite3.connect(self._path, timeout=10.0, isolation_level=None)
            _use_write_ahead_log(self._db)
            self._db.execute("PRAGMA synchronous = FULL")
        with self._transaction() as db:
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self._path} has schema version {version}; this code knows {SCHEMA_VERSION}"
                )
            if version < SCHEMA_VERSION:
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._run(self._close)
        await asyncio.to_thread(self._executor.shutdown)

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # users

    async def save_user(self, user: User) -> None:
        await self._run(self._save_user, user)

    def _save_user(self, user: User) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?, ?, ?)",
                (
                    user.id,
                    user.nickname,
                    user.kind.value,
                    user.email,
                    ujson.dumps(list(user.roles)),
                    user.created_at,
                ),
            )

    async def get_user(self, user_id: str) -> User | None:
        return await self._run(self._get_user, user_id)

    def _get_user(self, user_id: str) -> User | None:
        row = self._conn.execute(
            "SELECT nickname, kind, email, roles, created_at FROM users WHERE id = ?", (user_id,)
        ).fetchone()
        if row is None:
            return None
        nickname, kind, email, roles, created_at = row
        return User(user_id, nickname, UserKind(kind), email, tuple(ujson.loads(roles)), created_at)

    # questions

    async def upsert_question(self, question: Question) -> UpsertResult:
        return await self._run(self._upsert_question, question)

    def _upsert_question(self, question: Question) -> UpsertResult:
        document = question.to_dict()
        with self._transaction() as db:
            row = db.execute("SELECT doc FROM questions WHERE id = ?", (question.id,)).fetchone()
            if row is not None and ujson.loads(row[0]) == document:
                return UpsertResult.UNCHANGED
            db.execute(
                "INSERT OR REPLACE INTO questions VALUES (?, ?, ?, ?)",
                (question.id, question.category, question.published, _dumps(document)),
            )
        return UpsertResult.ADDED if row is None else UpsertResult.UPDATED

    async def get_question(self, question_id: str) -> Question | None:
        found = await self._run(self._questions, "WHERE id = ?", (question_id,))
        return found[0] if found else None

    async def published_questions(self, category: str | None = None) -> list[Question]:
        if category is None:
            return await self._run(self._questions, "WHERE published = 1", ())
        return await self._run(self._questions, "WHERE published = 1 AND category = ?", (category,))

    async def all_questions(self) -> list[Question]:
        return await self._run(self._questions, "", ())

    def _questions(self, where: str, args: tuple[str, ...]) -> list[Question]:
        rows = self._conn.execute(f"SELECT doc FROM questions {where} ORDER BY id", args)
        return [Question.from_dict(ujson.loads(doc)) for (doc,) in rows]

    # statistics

    async def question_stats(self, question_ids: Sequence[str]) -> dict[str, QuestionStats]:
        return await self._run(self._question_stats, tuple(question_ids))

    def _question_stats(self, question_ids: tuple[str, ...]) -> dict[str, QuestionStats]:
        # A temporary json_each list instead of a variable count of "?" placeholders.
        rows = self._conn.execute(
            f"SELECT {_STAT_COLUMNS} FROM question_stats"
            " WHERE question_id IN (SELECT value FROM json_each(?))",
            (ujson.dumps(question_ids),),
        )
        return {row[0]: QuestionStats(*row) for row in rows}

    # battles

    async def record_battle(self, record: BattleRecord) -> bool:
        return await self._run(self._record_battle, record)

    def _record_battle(self, record: BattleRecord) -> bool:
        players = tuple(dict.fromkeys(record.player_ids))  # a seat twice is still one player
        with self._transaction() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO battles VALUES (?, ?, ?)",
                (record.id, record.finished_at, _dumps(record.to_dict())),
            ).rowcount
            if not inserted:
                return False
            db.executemany(
                _ADD_STATS,
                (astuple(delta) for delta in record.stat_deltas().values()),
            )
            db.executemany(
                "INSERT INTO battle_players VALUES (?, ?, ?)",
                ((user_id, record.id, record.finished_at) for user_id in players),
            )
            db.executemany(
                "INSERT INTO question_history VALUES (?, ?, ?, ?, ?)",
                (
                    (user_id, record.id, position, question_id, record.finished_at)
                    for user_id in players
                    for position, question_id in enumerate(record.question_ids)
                ),
            )
        return True

    async def get_battle(self, battle_id: str) -> BattleRecord | None:
        return await self._run(self._get_battle, battle_id)

    def _get_battle(self, battle_id: str) -> BattleRecord | None:
        row = self._conn.execute("SELECT doc FROM battles WHERE id = ?", (battle_id,)).fetchone()
        return None if row is None else BattleRecord.from_dict(ujson.loads(row[0]))

    async def battles_of(self, user_id: str, limit: int = 20) -> list[BattleRecord]:
        return await self._run(self._battles_of, user_id, limit)

    def _battles_of(self, user_id: str, limit: int) -> list[BattleRecord]:
        rows = self._conn.execute(
            """SELECT b.doc FROM battle_players AS p JOIN battles AS b ON b.id = p.battle_id
               WHERE p.user_id = ? ORDER BY p.finished_at DESC, p.battle_id DESC LIMIT ?""",
            (user_id, limit),
        )
        return [BattleRecord.from_dict(ujson.loads(doc)) for (doc,) in rows]

    async def recent_question_ids(self, user_id: str, *, limit: int, since: float) -> set[str]:
        return await self._run(self._recent_question_ids, user_id, limit, since)

    def _recent_question_ids(self, user_id: str, limit: int, since: float) -> set[str]:
        rows = self._conn.execute(_RECENT_QUESTION_IDS, (user_id, limit, user_id, since))
        return {question_id for (question_id,) in rows}


def _use_write_ahead_log(db: sqlite3.Connection) -> None:
    # Two connections switching a new file to WAL at the same moment would deadlock, so SQLite
    # fails one of them at once instead of waiting out the busy timeout; that one tries again.
    for _ in range(_WAL_SWITCH_ATTEMPTS - 1):
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
            time.sleep(_WAL_SWITCH_PAUSE)
    db.execute("PRAGMA journal_mode = WAL")


def _dumps(document: object) -> str:
    return ujson.dumps(document, ensure_ascii=False, escape_forward_slashes=False)
