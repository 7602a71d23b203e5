"""The fair-play tables of the SQLite store: signals for moderators (game.fair_play), and the
counts of who met whom that one of them weighs. Imports game values and store.port only."""

from __future__ import annotations

from collections.abc import Sequence

from game.fair_play import Meetings, Signal, SignalKind
from store.sqlite.connection import SQLiteFile

_COLUMNS = "kind, user_id, battle_id, at, evidence"

# Battles between the two, and of each against people; humans = 2 is a battle between people.
_MEETINGS = """
    SELECT
        (SELECT count(*) FROM battle_players AS a
         JOIN battle_players AS b ON b.battle_id = a.battle_id AND b.user_id = ?2
         WHERE a.user_id = ?1 AND a.finished_at >= ?3),
        (SELECT count(*) FROM battle_players AS p
         JOIN battle_summaries AS s ON s.battle_id = p.battle_id AND s.humans = 2
         WHERE p.user_id = ?1 AND p.finished_at >= ?3),
        (SELECT count(*) FROM battle_players AS p
         JOIN battle_summaries AS s ON s.battle_id = p.battle_id AND s.humans = 2
         WHERE p.user_id = ?2 AND p.finished_at >= ?3),
        (SELECT count(*) FROM battle_summaries WHERE humans = 2 AND finished_at >= ?3)
"""


class FairPlayTables(SQLiteFile):
    async def add_fair_play_signals(self, signals: Sequence[Signal]) -> int:
        return await self._run(self._add_fair_play_signals, signals)

    def _add_fair_play_signals(self, signals: Sequence[Signal]) -> int:
        with self._transaction() as db:
            before = db.total_changes
            db.executemany(
                f"INSERT OR IGNORE INTO fair_play_signals ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
                [(s.kind.value, s.user_id, s.battle_id, s.at, s.evidence) for s in signals],
            )
            return db.total_changes - before

    async def fair_play_signals(
        self, kind: SignalKind | None = None, *, offset: int = 0, limit: int = 50
    ) -> list[Signal]:
        return await self._run(self._fair_play_signals, kind, offset, limit)

    def _fair_play_signals(self, kind: SignalKind | None, offset: int, limit: int) -> list[Signal]:
        rows = self._conn.execute(
            f"""SELECT {_COLUMNS} FROM fair_play_signals WHERE ?1 IS NULL OR kind = ?1
                ORDER BY at DESC, kind, user_id, battle_id LIMIT ?2 OFFSET ?3""",
            (kind and kind.value, limit, offset),
        )
        return [
            Signal(SignalKind(k), user_id, battle_id, at, e)
            for k, user_id, battle_id, at, e in rows
        ]

    async def count_fair_play_signals(self, kind: SignalKind | None = None) -> int:
        return await self._run(self._count_fair_play_signals, kind)

    def _count_fair_play_signals(self, kind: SignalKind | None) -> int:
        (count,) = self._conn.execute(
            "SELECT count(*) FROM fair_play_signals WHERE ?1 IS NULL OR kind = ?1",
            (kind and kind.value,),
        ).fetchone()
        return int(count)

    async def meetings(self, first: str, second: str, since: float) -> Meetings:
        return await self._run(self._meetings, first, second, since)

    def _meetings(self, first: str, second: str, since: float) -> Meetings:
        together, of_first, of_second, everyone = self._conn.execute(
            _MEETINGS, (first, second, since)
        ).fetchone()
        return Meetings(together, of_first, of_second, everyone)
