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

from game.pipeline import (
    Action,
    Change,
    PointAward,
    Report,
    ReportKind,
    ReportStatus,
    Review,
    State,
    Submission,
    Verdict,
)
from game.questions import Question
from game.record import BattleRecord, QuestionStats
from game.signin import SigninToken
from store.port import (
    ContributorScore,
    StaleSubmissionError,
    Store,
    UpsertResult,
    User,
    UserKind,
)

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
# Sign-in links stay this long after expiring, so that following one says "expired".
_EXPIRED_LINKS_KEPT = 24 * 3600.0

_MIGRATIONS: tuple[tuple[str, ...], ...] = (_SCHEMA, _PIPELINE_SCHEMA, _ACCOUNTS_SCHEMA)
SCHEMA_VERSION = len(_MIGRATIONS)

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
        with self._transaction() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO battles VALUES (?, ?, ?)",
                (record.id, record.finished_at, _dumps(record.to_dict())),
            ).rowcount
            if not inserted:
                return False
            # A seat twice is still one player; a guest who signed in mid-battle was merged, so
            # the battle is filed under their account.
            players = tuple(dict.fromkeys(_filed_under(db, p) for p in record.player_ids))
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

    # question pipeline

    async def add_submission(self, submission: Submission, change: Change) -> bool:
        return await self._run(self._add_submission, submission, change)

    def _add_submission(self, submission: Submission, change: Change) -> bool:
        with self._transaction() as db:
            taken = db.execute(
                "SELECT 1 FROM submissions WHERE id = ? UNION SELECT 1 FROM questions WHERE id = ?",
                (submission.id, submission.id),
            ).fetchone()
            if taken:
                return False
            db.execute(
                "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?)",
                _submission_row(submission),
            )
            _append_change(db, change)
        return True

    async def get_submission(self, question_id: str) -> Submission | None:
        found = await self._run(self._submissions, "WHERE id = ?", (question_id,))
        return found[0] if found else None

    async def submissions(
        self, *, state: State | None = None, author_id: str | None = None, limit: int = 100
    ) -> list[Submission]:
        clauses, args = [], []
        if state is not None:
            clauses.append("state = ?")
            args.append(state.value)
        if author_id is not None:
            clauses.append("author_id = ?")
            args.append(author_id)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return await self._run(
            self._submissions, f"{where} ORDER BY updated_at, id LIMIT ?", (*args, limit)
        )

    def _submissions(self, where: str, args: tuple[object, ...]) -> list[Submission]:
        rows = self._conn.execute(f"SELECT doc FROM submissions {where}", args)
        return [Submission.from_dict(ujson.loads(doc)) for (doc,) in rows]

    async def count_submissions(self, author_id: str, since: float) -> int:
        return await self._run(self._count_submissions, author_id, since)

    def _count_submissions(self, author_id: str, since: float) -> int:
        (count,) = self._conn.execute(
            "SELECT count(*) FROM submissions WHERE author_id = ? AND created_at >= ?",
            (author_id, since),
        ).fetchone()
        return int(count)

    async def submission_counts(self) -> dict[State, int]:
        return await self._run(self._submission_counts)

    def _submission_counts(self) -> dict[State, int]:
        rows = self._conn.execute("SELECT state, count(*) FROM submissions GROUP BY state")
        return {State(state): count for state, count in rows}

    async def change_submission(self, submission: Submission, change: Change) -> bool:
        return await self._run(self._change_submission, submission, change)

    def _change_submission(self, submission: Submission, change: Change) -> bool:
        with self._transaction() as db:
            row = db.execute(
                "SELECT state FROM submissions WHERE id = ?", (submission.id,)
            ).fetchone()
            current = None if row is None else State(row[0])
            if current is change.to_state and current is not change.from_state:
                last = db.execute(
                    "SELECT action, by FROM question_changes WHERE question_id = ?"
                    " ORDER BY seq DESC LIMIT 1",
                    (submission.id,),
                ).fetchone()
                if last == (change.action.value, change.by):
                    return False  # the same decision, retried
            if current is None or current is not change.from_state:
                raise StaleSubmissionError(f"{submission.id} is {current}, not {change.from_state}")
            db.execute(
                "INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?)",
                _submission_row(submission),
            )
            in_bank = db.execute(
                "SELECT 1 FROM questions WHERE id = ?", (submission.id,)
            ).fetchone()
            if submission.state is State.PUBLISHED or in_bank:
                _write_question(db, submission.question)
            _append_change(db, change)
        return True

    async def change_bank_question(self, question: Question, change: Change) -> None:
        await self._run(self._change_bank_question, question, change)

    def _change_bank_question(self, question: Question, change: Change) -> None:
        with self._transaction() as db:
            _write_question(db, question)
            _append_change(db, change)

    async def question_history(self, question_id: str) -> list[Change]:
        return await self._run(self._question_history, question_id)

    def _question_history(self, question_id: str) -> list[Change]:
        rows = self._conn.execute(
            "SELECT action, from_state, to_state, by, at, why FROM question_changes"
            " WHERE question_id = ? ORDER BY seq",
            (question_id,),
        )
        return [
            Change(
                question_id,
                Action(action),
                None if from_state is None else State(from_state),
                State(to_state),
                by,
                at,
                why,
            )
            for action, from_state, to_state, by, at, why in rows
        ]

    async def save_review(self, review: Review) -> bool:
        return await self._run(self._save_review, review)

    def _save_review(self, review: Review) -> bool:
        with self._transaction() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    review.question_id,
                    review.round,
                    review.reviewer_id,
                    review.verdict.value,
                    review.quality,
                    review.difficulty,
                    review.comment,
                    review.at,
                ),
            ).rowcount
        return bool(inserted)

    async def reviews_of(self, question_id: str, round: int | None = None) -> list[Review]:
        return await self._run(self._reviews_of, question_id, round)

    def _reviews_of(self, question_id: str, round: int | None) -> list[Review]:
        rows = self._conn.execute(
            "SELECT question_id, reviewer_id, verdict, quality, difficulty, comment, at, round"
            " FROM reviews WHERE question_id = ? AND (? IS NULL OR round = ?)"
            " ORDER BY at, reviewer_id",
            (question_id, round, round),
        )
        return [
            Review(q, reviewer, Verdict(verdict), quality, difficulty, comment, at, rnd)
            for q, reviewer, verdict, quality, difficulty, comment, at, rnd in rows
        ]

    async def reviewable_submissions(self, reviewer_id: str, limit: int = 50) -> list[Submission]:
        return await self._run(
            self._submissions,
            """AS s WHERE state = ? AND author_id != ? AND NOT EXISTS (
                   SELECT 1 FROM reviews AS r WHERE r.question_id = s.id
                   AND r.round = s.round AND r.reviewer_id = ?)
               ORDER BY updated_at, id LIMIT ?""",
            (State.SUBMITTED.value, reviewer_id, reviewer_id, limit),
        )

    async def save_report(self, report: Report) -> bool:
        return await self._run(self._save_report, report)

    def _save_report(self, report: Report) -> bool:
        with self._transaction() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    report.battle_id,
                    report.question_id,
                    report.reporter_id,
                    report.kind.value,
                    report.typed,
                    report.at,
                    report.status.value,
                    report.resolved_by,
                    report.resolved_at,
                    report.note,
                ),
            ).rowcount
        return bool(inserted)

    async def reports(
        self, status: ReportStatus = ReportStatus.OPEN, limit: int = 100
    ) -> list[Report]:
        return await self._run(self._reports, status, limit)

    def _reports(self, status: ReportStatus, limit: int) -> list[Report]:
        rows = self._conn.execute(
            "SELECT * FROM reports WHERE status = ? ORDER BY at, battle_id LIMIT ?",
            (status.value, limit),
        )
        return [
            Report(b, q, r, ReportKind(kind), typed, at, ReportStatus(st), by, by_at, note)
            for b, q, r, kind, typed, at, st, by, by_at, note in rows
        ]

    async def close_report(
        self,
        battle_id: str,
        question_id: str,
        reporter_id: str,
        *,
        status: ReportStatus,
        by: str,
        at: float,
        note: str = "",
    ) -> bool:
        return await self._run(
            self._close_report, (battle_id, question_id, reporter_id), status, by, at, note
        )

    def _close_report(
        self, key: tuple[str, str, str], status: ReportStatus, by: str, at: float, note: str
    ) -> bool:
        with self._transaction() as db:
            changed = db.execute(
                """UPDATE reports SET status = ?, resolved_by = ?, resolved_at = ?, note = ?
                   WHERE battle_id = ? AND question_id = ? AND reporter_id = ?
                   AND status IN (?, ?)""",
                (status.value, by, at, note, *key, ReportStatus.OPEN, ReportStatus.UNVERIFIED),
            ).rowcount
        return bool(changed)

    async def award_points(self, awards: Sequence[PointAward]) -> None:
        await self._run(self._award_points, tuple(awards))

    def _award_points(self, awards: tuple[PointAward, ...]) -> None:
        with self._transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO contributor_points VALUES (?, ?, ?, ?)",
                ((a.user_id, a.question_id, a.why, a.points) for a in awards),
            )

    async def contributors(self, limit: int = 50) -> list[ContributorScore]:
        return await self._run(self._contributors, limit)

    def _contributors(self, limit: int) -> list[ContributorScore]:
        rows = self._conn.execute(
            """SELECT p.user_id, coalesce(u.nickname, p.user_id), sum(p.points) AS total
               FROM contributor_points AS p LEFT JOIN users AS u ON u.id = p.user_id
               GROUP BY p.user_id ORDER BY total DESC, 2, p.user_id LIMIT ?""",
            (limit,),
        )
        return [ContributorScore(*row) for row in rows]

    async def accounts(self, limit: int = 200) -> list[User]:
        return await self._run(self._accounts, limit)

    def _accounts(self, limit: int) -> list[User]:
        rows = self._conn.execute(
            "SELECT id FROM users WHERE kind = ? ORDER BY nickname, id LIMIT ?",
            (UserKind.ACCOUNT.value, limit),
        )
        return [user for (user_id,) in rows.fetchall() if (user := self._get_user(user_id))]

    # accounts

    async def find_user_by_email(self, email: str) -> User | None:
        return await self._run(self._find_user_by_email, email)

    def _find_user_by_email(self, email: str) -> User | None:
        row = self._conn.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()
        return None if row is None else self._get_user(row[0])

    async def account_for_email(
        self, email: str, *, new_id: str, nickname: str, now: float
    ) -> User:
        return await self._run(self._account_for_email, email, new_id, nickname, now)

    def _account_for_email(self, email: str, new_id: str, nickname: str, now: float) -> User:
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO users VALUES (?, ?, ?, ?, ?, ?)",
                (new_id, nickname, UserKind.ACCOUNT.value, email, '["player"]', now),
            )
        account = self._find_user_by_email(email)
        assert account is not None, "an account was just found or made for this address"
        return account

    async def set_roles(self, user_id: str, roles: tuple[str, ...]) -> bool:
        return await self._run(self._set_roles, user_id, roles)

    def _set_roles(self, user_id: str, roles: tuple[str, ...]) -> bool:
        with self._transaction() as db:
            changed = db.execute(
                "UPDATE users SET roles = ? WHERE id = ?", (ujson.dumps(list(roles)), user_id)
            ).rowcount
        return bool(changed)

    async def merge_guest(self, guest_id: str, account_id: str, now: float) -> bool:
        return await self._run(self._merge_guest, guest_id, account_id, now)

    def _merge_guest(self, guest_id: str, account_id: str, now: float) -> bool:
        with self._transaction() as db:
            kind = db.execute("SELECT kind FROM users WHERE id = ?", (guest_id,)).fetchone()
            if kind is not None and kind[0] != UserKind.GUEST.value:
                raise ValueError(f"{guest_id} is an account, not a guest")
            merged = db.execute(
                "INSERT OR IGNORE INTO merged_guests VALUES (?, ?, ?)", (guest_id, account_id, now)
            ).rowcount
            if not merged:
                return False
            for table, columns in (
                ("battle_players", "battle_id, finished_at"),
                ("question_history", "battle_id, position, question_id, finished_at"),
            ):
                # OR IGNORE: a battle the two identities both sat in stays one row.
                db.execute(
                    f"INSERT OR IGNORE INTO {table} SELECT ?, {columns} FROM {table}"
                    " WHERE user_id = ?",
                    (account_id, guest_id),
                )
                db.execute(f"DELETE FROM {table} WHERE user_id = ?", (guest_id,))
            db.execute("DELETE FROM users WHERE id = ?", (guest_id,))
            db.execute("DELETE FROM sessions WHERE user_id = ?", (guest_id,))
        return True

    # sign-in links

    async def save_signin_token(self, token: SigninToken) -> None:
        await self._run(self._save_signin_token, token)

    def _save_signin_token(self, token: SigninToken) -> None:
        with self._transaction() as db:
            db.execute(
                "DELETE FROM signin_tokens WHERE expires_at < ?",
                (token.created_at - _EXPIRED_LINKS_KEPT,),
            )
            db.execute("INSERT INTO signin_tokens VALUES (?, ?, ?, ?, ?, ?, ?)", astuple(token))

    async def get_signin_token(self, token_id: str) -> SigninToken | None:
        return await self._run(self._get_signin_token, token_id)

    def _get_signin_token(self, token_id: str) -> SigninToken | None:
        row = self._conn.execute("SELECT * FROM signin_tokens WHERE id = ?", (token_id,)).fetchone()
        return None if row is None else SigninToken(*row)

    async def use_signin_token(self, token_id: str, now: float) -> bool:
        return await self._run(self._use_signin_token, token_id, now)

    def _use_signin_token(self, token_id: str, now: float) -> bool:
        with self._transaction() as db:
            used = db.execute(
                "UPDATE signin_tokens SET used_at = ?"
                " WHERE id = ? AND used_at IS NULL AND expires_at > ?",
                (now, token_id, now),
            ).rowcount
        return bool(used)

    async def delete_signin_token(self, token_id: str) -> None:
        await self._run(self._delete, "DELETE FROM signin_tokens WHERE id = ?", token_id)

    def _delete(self, statement: str, key: str) -> None:
        with self._transaction() as db:
            db.execute(statement, (key,))

    # sessions

    async def start_session(
        self, session_id: str, user_id: str, *, now: float, expires_at: float
    ) -> None:
        await self._run(self._start_session, session_id, user_id, now, expires_at)

    def _start_session(self, session_id: str, user_id: str, now: float, expires_at: float) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?)", (session_id, user_id, now, expires_at)
            )

    async def session_user(self, session_id: str, now: float) -> str | None:
        return await self._run(self._session_user, session_id, now)

    def _session_user(self, session_id: str, now: float) -> str | None:
        row = self._conn.execute(
            "SELECT user_id FROM sessions WHERE id = ? AND expires_at > ?", (session_id, now)
        ).fetchone()
        return None if row is None else str(row[0])

    async def end_session(self, session_id: str) -> None:
        await self._run(self._delete, "DELETE FROM sessions WHERE id = ?", session_id)

    # rate limits and mail claims

    async def count_hit(self, key: str, now: float, window: float) -> int:
        return await self._run(self._count_hit, key, now, window)

    def _count_hit(self, key: str, now: float, window: float) -> int:
        with self._transaction() as db:
            db.execute("DELETE FROM rate_hits WHERE key = ? AND at <= ?", (key, now - window))
            db.execute("INSERT INTO rate_hits VALUES (?, ?)", (key, now))
            (count,) = db.execute("SELECT count(*) FROM rate_hits WHERE key = ?", (key,)).fetchone()
        return int(count)

    async def claim_mail(self, key: str, now: float) -> bool:
        return await self._run(self._claim_mail, key, now)

    def _claim_mail(self, key: str, now: float) -> bool:
        with self._transaction() as db:
            claimed = db.execute("INSERT OR IGNORE INTO mail_claims VALUES (?, ?)", (key, now))
        return bool(claimed.rowcount)

    async def release_mail(self, key: str) -> None:
        await self._run(self._delete, "DELETE FROM mail_claims WHERE key = ?", key)


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


def _filed_under(db: sqlite3.Connection, user_id: str) -> str:
    """The account a merged guest became, or the id itself."""
    row = db.execute(
        "SELECT account_id FROM merged_guests WHERE guest_id = ?", (user_id,)
    ).fetchone()
    return user_id if row is None else str(row[0])


def _write_question(db: sqlite3.Connection, question: Question) -> None:
    db.execute(
        "INSERT OR REPLACE INTO questions VALUES (?, ?, ?, ?)",
        (question.id, question.category, question.published, _dumps(question.to_dict())),
    )


def _submission_row(submission: Submission) -> tuple[object, ...]:
    return (
        submission.id,
        submission.author_id,
        submission.state.value,
        submission.created_at,
        submission.updated_at,
        submission.round,
        _dumps(submission.to_dict()),
    )


def _append_change(db: sqlite3.Connection, change: Change) -> None:
    db.execute(
        """INSERT INTO question_changes SELECT ?, coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ?
           FROM question_changes WHERE question_id = ?""",
        (
            change.question_id,
            change.action.value,
            None if change.from_state is None else change.from_state.value,
            change.to_state.value,
            change.by,
            change.at,
            change.why,
            change.question_id,
        ),
    )
