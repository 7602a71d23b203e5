"""The question pipeline in the SQLite store: submissions, their history, reviews, reports, points.

A submission is kept as its to_dict() JSON beside the bank's questions, with its
game.bank_rules.duplicate_key so that the same question is not queued twice; publishing one
writes it into the bank in the same transaction. Imports game values and rules, store.port.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import ujson

from game.bank_rules import duplicate_key
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
from store.port import ContributorScore, DuplicateSubmissionError, StaleSubmissionError
from store.sqlite.connection import SQLiteFile, dumps, like_pattern
from store.sqlite.game import write_question

# An unverified report is confirmed by its reporter's own question history of the battle (a guest
# who signed in since has it under their account); a stored battle without it, or no battle by
# the deadline, expires it.
_SETTLE_REPORTS = """
    UPDATE reports SET status = CASE WHEN EXISTS (
        SELECT 1 FROM question_history AS h
        WHERE h.battle_id = reports.battle_id AND h.question_id = reports.question_id
          AND h.user_id IN (reports.reporter_id, (SELECT account_id FROM merged_guests
                                                  WHERE guest_id = reports.reporter_id)))
        THEN ? ELSE ? END
    WHERE status = ?
      AND (at <= ? OR EXISTS (SELECT 1 FROM battles WHERE id = reports.battle_id))
"""


_SUBMISSION_COLUMNS = "(id, author_id, state, created_at, updated_at, round, doc, duplicate_key)"
_EIGHT = ", ".join("?" * 8)
# A submission another is a copy of, when that one still counts: waiting or in the bank.
_WAITING_OR_PUBLISHED = (State.SUBMITTED.value, State.APPROVED.value, State.PUBLISHED.value)
_SAME_QUESTION_WAITING = (
    "SELECT id FROM submissions WHERE duplicate_key = ? AND state IN (?, ?, ?) LIMIT 1"
)

# Submissions waiting for a moderator whose text, answer or author's nickname matches a pattern.
_QUEUE_MATCHING = """
    FROM submissions AS s LEFT JOIN users AS u ON u.id = s.author_id
    WHERE s.state IN (?, ?) AND (
        json_extract(s.doc, '$.question.text') LIKE ? ESCAPE '\\'
        OR json_extract(s.doc, '$.question.answer') LIKE ? ESCAPE '\\'
        OR coalesce(u.nickname, '') LIKE ? ESCAPE '\\')
"""


class PipelineTables(SQLiteFile):
    """Submitted questions on their way to the bank, and the people who wrote and judged them."""

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
            row = _submission_row(submission)
            twin = db.execute(_SAME_QUESTION_WAITING, (row[-1], *_WAITING_OR_PUBLISHED)).fetchone()
            if twin:
                raise DuplicateSubmissionError(f"{submission.id} repeats {twin[0]}")
            db.execute(f"INSERT INTO submissions {_SUBMISSION_COLUMNS} VALUES ({_EIGHT})", row)
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

    async def moderation_queue(
        self, *, search: str = "", offset: int = 0, limit: int = 20
    ) -> list[Submission]:
        rows = await self._run(
            self._in_queue,
            "s.doc",
            search,
            "ORDER BY s.state != ?, s.updated_at, s.id LIMIT ? OFFSET ?",
            (State.APPROVED.value, limit, offset),
        )
        return [Submission.from_dict(ujson.loads(doc)) for (doc,) in rows]

    async def count_moderation_queue(self, search: str = "") -> int:
        ((count,),) = await self._run(self._in_queue, "count(*)", search, "", ())
        return int(count)

    def _in_queue(
        self, columns: str, search: str, tail: str, tail_args: tuple[object, ...]
    ) -> list[tuple[Any, ...]]:
        pattern = like_pattern(search)
        return self._conn.execute(
            f"SELECT {columns} {_QUEUE_MATCHING} {tail}",
            (State.APPROVED.value, State.SUBMITTED.value, pattern, pattern, pattern, *tail_args),
        ).fetchall()

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
                f"INSERT OR REPLACE INTO submissions {_SUBMISSION_COLUMNS} VALUES ({_EIGHT})",
                _submission_row(submission),
            )
            in_bank = db.execute(
                "SELECT 1 FROM questions WHERE id = ?", (submission.id,)
            ).fetchone()
            if submission.state is State.PUBLISHED or in_bank:
                write_question(db, submission.question)
            _append_change(db, change)
        return True

    async def recall_question(self, submission: Submission, change: Change) -> bool:
        return await self._run(self._recall_question, submission, change)

    def _recall_question(self, submission: Submission, change: Change) -> bool:
        with self._transaction() as db:
            published = db.execute(
                "SELECT published FROM questions WHERE id = ?", (submission.id,)
            ).fetchone()
            if not published or not published[0]:
                return False
            write_question(db, submission.question)
            db.execute(
                f"INSERT OR REPLACE INTO submissions {_SUBMISSION_COLUMNS} VALUES ({_EIGHT})",
                _submission_row(submission),
            )
            _append_change(db, change)
        return True

    async def change_bank_question(self, question: Question, change: Change) -> None:
        await self._run(self._change_bank_question, question, change)

    def _change_bank_question(self, question: Question, change: Change) -> None:
        with self._transaction() as db:
            write_question(db, question)
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

    async def settle_reports(self, now: float, wait: float) -> None:
        await self._run(self._settle_reports, now - wait)

    def _settle_reports(self, deadline: float) -> None:
        with self._transaction() as db:
            db.execute(_SETTLE_REPORTS, (ReportStatus.OPEN, ReportStatus.EXPIRED,
                                         ReportStatus.UNVERIFIED, deadline))  # fmt: skip

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


def _submission_row(submission: Submission) -> tuple[object, ...]:
    """The submission in _SUBMISSION_COLUMNS order."""
    return (
        submission.id,
        submission.author_id,
        submission.state.value,
        submission.created_at,
        submission.updated_at,
        submission.round,
        dumps(submission.to_dict()),
        duplicate_key(submission.question),
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
