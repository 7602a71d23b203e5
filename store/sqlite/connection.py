"""The connection machinery of the SQLite store: its one thread, transactions and the schema.

Every sqlite3 call runs on the store's own one-thread executor, whose thread owns the only
connection; the event loop just awaits futures. The file runs in WAL mode with synchronous=FULL,
so a committed battle survives a power cut. The schema and its migrations live here, in order,
with dumps, the one JSON form of stored documents. Imports nothing from Kwissle.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar, TypeVarTuple

import ujson

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

_WAL_SWITCH_ATTEMPTS = 100
_WAL_SWITCH_PAUSE = 0.02  # seconds, on the adapter's thread

# _MIGRATIONS[n] takes a file from user_version n to n + 1; the missing ones are applied in order
# inside one transaction. A later version appends its own list of statements; earlier ones never
# change.
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

# The question pipeline: submissions beside the bank, their history, reviews, reports, points.
_PIPELINE_SCHEMA: tuple[str, ...] = (
    """CREATE TABLE submissions (
        id TEXT PRIMARY KEY, author_id TEXT NOT NULL, state TEXT NOT NULL,
        created_at REAL NOT NULL, updated_at REAL NOT NULL, round INTEGER NOT NULL,
        doc TEXT NOT NULL)""",
    "CREATE INDEX submissions_by_state ON submissions (state, updated_at)",
    "CREATE INDEX submissions_by_author ON submissions (author_id, created_at)",
    """CREATE TABLE question_changes (
        question_id TEXT NOT NULL, seq INTEGER NOT NULL, action TEXT NOT NULL,
        from_state TEXT, to_state TEXT NOT NULL, by TEXT NOT NULL, at REAL NOT NULL,
        why TEXT NOT NULL, PRIMARY KEY (question_id, seq))""",
    """CREATE TABLE reviews (
        question_id TEXT NOT NULL, round INTEGER NOT NULL, reviewer_id TEXT NOT NULL,
        verdict TEXT NOT NULL, quality INTEGER NOT NULL, difficulty INTEGER NOT NULL,
        comment TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (question_id, round, reviewer_id))""",
    "CREATE INDEX reviews_by_reviewer ON reviews (reviewer_id, question_id, round)",
    """CREATE TABLE reports (
        battle_id TEXT NOT NULL, question_id TEXT NOT NULL, reporter_id TEXT NOT NULL,
        kind TEXT NOT NULL, typed TEXT NOT NULL, at REAL NOT NULL, status TEXT NOT NULL,
        resolved_by TEXT, resolved_at REAL, note TEXT NOT NULL,
        PRIMARY KEY (battle_id, question_id, reporter_id))""",
    "CREATE INDEX reports_by_status ON reports (status, at)",
    """CREATE TABLE contributor_points (
        user_id TEXT NOT NULL, question_id TEXT NOT NULL, why TEXT NOT NULL,
        points INTEGER NOT NULL, PRIMARY KEY (user_id, question_id, why))""",
)

# Accounts: one per address, sign-in links and sessions (digests only), rate-limit hits, merged
# guests, and the idempotency keys of mail already claimed for sending.
_ACCOUNTS_SCHEMA: tuple[str, ...] = (
    "CREATE UNIQUE INDEX users_by_email ON users (email) WHERE email IS NOT NULL",
    """CREATE TABLE signin_tokens (
        id TEXT PRIMARY KEY, email TEXT NOT NULL, nonce TEXT NOT NULL, guest_id TEXT,
        created_at REAL NOT NULL, expires_at REAL NOT NULL, used_at REAL)""",
    "CREATE INDEX signin_tokens_by_expiry ON signin_tokens (expires_at)",
    """CREATE TABLE sessions (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at REAL NOT NULL,
        expires_at REAL NOT NULL)""",
    "CREATE TABLE rate_hits (key TEXT NOT NULL, at REAL NOT NULL)",
    "CREATE INDEX rate_hits_by_key ON rate_hits (key, at)",
    """CREATE TABLE merged_guests (
        guest_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, merged_at REAL NOT NULL)""",
    "CREATE TABLE mail_claims (key TEXT PRIMARY KEY, at REAL NOT NULL)",
)

# The admin reports' figures, written with each battle (game.statistics): play per question and
# day with 15 one-second bins of time to a right answer (game.statistics.TIME_BINS), refused typed
# answers, one summary row per battle (filled from the stored battles here), reveal latencies per
# hour, and the reports' cached results.
_BINS = ", ".join(f"t{i} INTEGER NOT NULL" for i in range(15))
_REPORTS_SCHEMA: tuple[str, ...] = (
    f"""CREATE TABLE question_days (
        question_id TEXT NOT NULL, day INTEGER NOT NULL, asked INTEGER NOT NULL,
        "right" INTEGER NOT NULL, right_typed INTEGER NOT NULL, right_choice INTEGER NOT NULL,
        right_with_typos INTEGER NOT NULL, wrong INTEGER NOT NULL, right_ms_total INTEGER NOT NULL,
        {_BINS}, PRIMARY KEY (day, question_id))""",
    """CREATE TABLE near_misses (
        question_id TEXT NOT NULL, key TEXT NOT NULL, day INTEGER NOT NULL, text TEXT NOT NULL,
        reason TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (day, question_id, key))""",
    """CREATE TABLE battle_summaries (
        battle_id TEXT PRIMARY KEY, started_at REAL NOT NULL, finished_at REAL NOT NULL,
        outcome TEXT NOT NULL, category TEXT, humans INTEGER NOT NULL,
        with_bot INTEGER NOT NULL)""",
    "CREATE INDEX battle_summaries_by_time ON battle_summaries (finished_at)",
    """INSERT INTO battle_summaries
        SELECT id, json_extract(doc, '$.started_at'), finished_at,
            json_extract(doc, '$.outcome'), json_extract(doc, '$.category'),
            (SELECT count(*) FROM json_each(doc, '$.players')
             WHERE NOT json_extract(value, '$.bot')),
            EXISTS (SELECT 1 FROM json_each(doc, '$.players') WHERE json_extract(value, '$.bot'))
        FROM battles""",
    """CREATE TABLE reveal_latencies (
        hour INTEGER NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (hour, bucket))""",
    """CREATE TABLE report_cache (
        key TEXT PRIMARY KEY, built_at REAL, data TEXT, building_since REAL, progress REAL)""",
)

# Players: Glicko-2 ratings of signed-in players and their history (one row per rated battle),
# each person's battle totals and win streaks, and their play per question category and day.
_PLAYERS_SCHEMA: tuple[str, ...] = (
    """CREATE TABLE ratings (
        user_id TEXT PRIMARY KEY, rating REAL NOT NULL, deviation REAL NOT NULL,
        volatility REAL NOT NULL, games INTEGER NOT NULL, updated_at REAL NOT NULL)""",
    "CREATE INDEX ratings_by_rating ON ratings (rating DESC)",
    """CREATE TABLE rating_history (
        user_id TEXT NOT NULL, battle_id TEXT NOT NULL, at REAL NOT NULL, rating REAL NOT NULL,
        deviation REAL NOT NULL, change REAL NOT NULL, PRIMARY KEY (user_id, at, battle_id))""",
    "CREATE INDEX rating_history_by_time ON rating_history (at)",
    """CREATE TABLE player_totals (
        user_id TEXT PRIMARY KEY, won INTEGER NOT NULL, lost INTEGER NOT NULL,
        drew INTEGER NOT NULL, streak INTEGER NOT NULL, best_streak INTEGER NOT NULL)""",
    """CREATE TABLE player_category_days (
        user_id TEXT NOT NULL, category TEXT NOT NULL, day INTEGER NOT NULL,
        asked INTEGER NOT NULL, "right" INTEGER NOT NULL, right_typed INTEGER NOT NULL,
        right_choice INTEGER NOT NULL, wrong INTEGER NOT NULL, right_ms_total INTEGER NOT NULL,
        PRIMARY KEY (user_id, category, day))""",
    "CREATE INDEX player_category_days_by_day ON player_category_days (day, category)",
)

# What makes two submissions the same question (game.bank_rules.duplicate_key); submissions
# stored before have none and are never taken for copies.
_DUPLICATES_SCHEMA: tuple[str, ...] = (
    "ALTER TABLE submissions ADD COLUMN duplicate_key TEXT",
    "CREATE INDEX submissions_by_duplicate_key ON submissions (duplicate_key, state)",
)

# Fair play (game.fair_play): the signals recorded for moderators, keyed by kind, player and
# battle, and an index that counts the battles between people in a window.
_FAIR_PLAY_SCHEMA: tuple[str, ...] = (
    """CREATE TABLE fair_play_signals (
        kind TEXT NOT NULL, user_id TEXT NOT NULL, battle_id TEXT NOT NULL, at REAL NOT NULL,
        evidence TEXT NOT NULL, PRIMARY KEY (kind, user_id, battle_id))""",
    "CREATE INDEX fair_play_signals_by_time ON fair_play_signals (at)",
    "CREATE INDEX fair_play_signals_by_kind ON fair_play_signals (kind, at)",
    "CREATE INDEX battle_summaries_by_humans ON battle_summaries (humans, finished_at)",
)

_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    _SCHEMA,
    _PIPELINE_SCHEMA,
    _ACCOUNTS_SCHEMA,
    _REPORTS_SCHEMA,
    _PLAYERS_SCHEMA,
    _DUPLICATES_SCHEMA,
    _FAIR_PLAY_SCHEMA,
)
SCHEMA_VERSION = len(_MIGRATIONS)


class SchemaVersionError(RuntimeError):
    """The file was written by a newer Kwissle whose schema this code does not know."""


class SQLiteFile:
    """One SQLite file and the thread that owns its connection; the base of every table mixin."""

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
                for statements in _MIGRATIONS[version:]:
                    for statement in statements:
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


def like_pattern(search: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') for text containing `search`; "" matches everything."""
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def dumps(document: object) -> str:
    return ujson.dumps(document, ensure_ascii=False, escape_forward_slashes=False)
