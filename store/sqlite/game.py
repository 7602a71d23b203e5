"""The game tables of the SQLite store: questions, their statistics, battles and who met what.

Questions and battles are kept as their to_dict() JSON next to the few columns that queries
filter on. Imports game values and store.port only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import astuple

import ujson

from game.questions import Question
from game.record import BattleRecord, QuestionStats
from store.port import HeadToHead, UpsertResult
from store.sqlite.connection import SQLiteFile, dumps
from store.sqlite.players import write_player_figures
from store.sqlite.reports import write_report_figures

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


# Battles both players sat in, by outcome from the first player's side (aborted ones left out).
_HEAD_TO_HEAD = """
    SELECT sum(winner = ?), sum(winner IS NOT NULL AND winner != ?), sum(winner IS NULL)
    FROM (SELECT json_extract(b.doc, '$.winner_id') AS winner
          FROM battle_players AS me
          JOIN battle_players AS them ON them.battle_id = me.battle_id
          JOIN battles AS b ON b.id = me.battle_id
          WHERE me.user_id = ? AND them.user_id = ?
            AND json_extract(b.doc, '$.outcome') != 'aborted')
"""


class GameTables(SQLiteFile):
    """The bank's questions, their statistics and finished battles."""

    # questions

    async def upsert_question(self, question: Question) -> UpsertResult:
        return await self._run(self._upsert_question, question)

    def _upsert_question(self, question: Question) -> UpsertResult:
        document = question.to_dict()
        with self._transaction() as db:
            row = db.execute("SELECT doc FROM questions WHERE id = ?", (question.id,)).fetchone()
            if row is not None and ujson.loads(row[0]) == document:
                return UpsertResult.UNCHANGED
            write_question(db, question)
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
            return _write_battle(db, record)

    async def record_battles(self, records: Sequence[BattleRecord]) -> int:
        return await self._run(self._record_battles, tuple(records))

    def _record_battles(self, records: tuple[BattleRecord, ...]) -> int:
        with self._transaction() as db:
            return sum(_write_battle(db, record) for record in records)

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
        records = [BattleRecord.from_dict(ujson.loads(doc)) for (doc,) in rows]
        merged = [
            guest_id
            for (guest_id,) in self._conn.execute(
                "SELECT guest_id FROM merged_guests WHERE account_id = ?", (user_id,)
            )
        ]
        return [record.renamed(merged, user_id) for record in records]

    async def head_to_head(self, user_id: str, opponent_id: str) -> HeadToHead:
        return await self._run(self._head_to_head, user_id, opponent_id)

    def _head_to_head(self, user_id: str, opponent_id: str) -> HeadToHead:
        (wins, losses, draws) = self._conn.execute(
            _HEAD_TO_HEAD, (user_id, user_id, user_id, opponent_id)
        ).fetchone()
        return HeadToHead(wins or 0, losses or 0, draws or 0)

    async def recent_question_ids(self, user_id: str, *, limit: int, since: float) -> set[str]:
        return await self._run(self._recent_question_ids, user_id, limit, since)

    def _recent_question_ids(self, user_id: str, limit: int, since: float) -> set[str]:
        rows = self._conn.execute(_RECENT_QUESTION_IDS, (user_id, limit, user_id, since))
        return {question_id for (question_id,) in rows}


def _write_battle(db: sqlite3.Connection, record: BattleRecord) -> bool:
    """Write `record` and everything it adds, inside the caller's transaction; False when the
    battle was already there (then nothing changes)."""
    inserted = db.execute(
        "INSERT OR IGNORE INTO battles VALUES (?, ?, ?)",
        (record.id, record.finished_at, dumps(record.to_dict())),
    ).rowcount
    if not inserted:
        return False
    # A seat twice is still one player; a guest who signed in mid-battle was merged, so the
    # battle is filed under their account.
    players = tuple(dict.fromkeys(_filed_under(db, p) for p in record.player_ids))
    db.executemany(_ADD_STATS, (astuple(delta) for delta in record.stat_deltas().values()))
    write_report_figures(db, record)
    write_player_figures(db, record)
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


def _filed_under(db: sqlite3.Connection, user_id: str) -> str:
    """The account a merged guest became, or the id itself."""
    row = db.execute(
        "SELECT account_id FROM merged_guests WHERE guest_id = ?", (user_id,)
    ).fetchone()
    return user_id if row is None else str(row[0])


def write_question(db: sqlite3.Connection, question: Question) -> None:
    """Store `question` in place of any question with its id (inside the caller's transaction)."""
    db.execute(
        "INSERT OR REPLACE INTO questions VALUES (?, ?, ?, ?)",
        (question.id, question.category, question.published, dumps(question.to_dict())),
    )
