"""The admin reports' tables of the SQLite store: the figures each battle adds, read back over a
range of days, and the reports' cached results.

`write_report_figures` runs inside the transaction that records a battle, so the figures can
never disagree with the battles stored. Imports game values and store.port only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

import ujson

from game.pipeline import Action, Change, ReportKind, Review, State, Verdict
from game.record import BattleRecord
from game.statistics import (
    TIME_BINS,
    Activity,
    NearMissCount,
    QuestionPlay,
    day_of,
    near_misses,
    question_play,
    summary,
)
from store.port import CachedReport
from store.sqlite.connection import SQLiteFile, dumps

_BINS = [f"t{i}" for i in range(TIME_BINS)]
_PLAY_COLUMNS = [
    "asked",
    '"right"',
    "right_typed",
    "right_choice",
    "right_with_typos",
    "wrong",
    "right_ms_total",
    *_BINS,
]
_ADD_PLAY = f"""
    INSERT INTO question_days (question_id, day, {", ".join(_PLAY_COLUMNS)})
    VALUES (?, ?, {", ".join("?" for _ in _PLAY_COLUMNS)})
    ON CONFLICT (day, question_id) DO UPDATE SET
    {", ".join(f"{c} = {c} + excluded.{c}" for c in _PLAY_COLUMNS)}
"""
_ADD_NEAR_MISS = """
    INSERT INTO near_misses VALUES (?, ?, ?, ?, ?, 1)
    ON CONFLICT (day, question_id, key) DO UPDATE SET count = count + 1
"""
# Questions met in a range of days, optionally of one category (the bank says which).
_PLAY_BETWEEN = f"""
    SELECT d.question_id, {", ".join(f"sum(d.{c})" for c in _PLAY_COLUMNS)}
    FROM question_days AS d {{join}}
    WHERE d.day BETWEEN ? AND ? {{where}}
    GROUP BY d.question_id ORDER BY d.question_id
"""
_NEAR_MISSES_BETWEEN = """
    SELECT m.question_id, m.key, min(m.text), min(m.reason), sum(m.count) AS seen
    FROM near_misses AS m {join}
    WHERE m.day BETWEEN ? AND ? {where}
    GROUP BY m.question_id, m.key ORDER BY seen DESC, m.question_id, m.key LIMIT ?
"""
_IN_CATEGORY = "JOIN questions AS q ON q.id = {alias}.question_id"
# The most people in battles at one moment: +humans when a battle starts, -humans when it ends,
# summed in time order (an end sorts before a start at the same instant).
_PEAK_PLAYERS = """
    SELECT coalesce(max(running), 0) FROM (
        SELECT sum(change) OVER (ORDER BY at, change ROWS UNBOUNDED PRECEDING) AS running
        FROM (SELECT started_at AS at, humans AS change FROM battle_summaries {where}
              UNION ALL
              SELECT finished_at AS at, -humans AS change FROM battle_summaries {where}))
"""


def write_report_figures(db: sqlite3.Connection, record: BattleRecord) -> None:
    """What `record` adds to the reports' figures, inside the caller's transaction."""
    day = day_of(record.finished_at)
    db.executemany(
        _ADD_PLAY,
        (
            (
                play.question_id,
                day,
                play.asked,
                play.right,
                play.right_typed,
                play.right_choice,
                play.right_with_typos,
                play.wrong,
                play.right_ms_total,
                *play.right_ms_bins,
            )
            for play in question_play(record)
        ),
    )
    db.executemany(
        _ADD_NEAR_MISS,
        ((m.question_id, m.key, m.day, m.text, m.reason) for m in near_misses(record)),
    )
    row = summary(record)
    db.execute(
        "INSERT INTO battle_summaries VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            row.battle_id,
            row.started_at,
            row.finished_at,
            row.outcome,
            row.category,
            row.humans,
            int(row.with_bot),
        ),
    )


class ReportTables(SQLiteFile):
    """Figures for the admin reports, and the reports' cached results."""

    async def question_play_between(
        self, first_day: int, last_day: int, category: str | None = None
    ) -> list[QuestionPlay]:
        return await self._run(self._question_play_between, first_day, last_day, category)

    def _question_play_between(
        self, first_day: int, last_day: int, category: str | None
    ) -> list[QuestionPlay]:
        sql, args = _filtered(_PLAY_BETWEEN, "d", category, (first_day, last_day))
        rows = self._conn.execute(sql, args)
        return [_play(row) for row in rows]

    async def near_misses_between(
        self, first_day: int, last_day: int, category: str | None = None, limit: int = 1000
    ) -> list[NearMissCount]:
        return await self._run(self._near_misses_between, first_day, last_day, category, limit)

    def _near_misses_between(
        self, first_day: int, last_day: int, category: str | None, limit: int
    ) -> list[NearMissCount]:
        sql, args = _filtered(_NEAR_MISSES_BETWEEN, "m", category, (first_day, last_day))
        return [NearMissCount(*row) for row in self._conn.execute(sql, (*args, limit))]

    async def activity_between(
        self, since: float, until: float, category: str | None = None
    ) -> Activity:
        return await self._run(self._activity_between, since, until, category)

    def _activity_between(self, since: float, until: float, category: str | None) -> Activity:
        where = "WHERE finished_at >= ? AND finished_at < ?"
        args: tuple[object, ...] = (since, until)
        if category is not None:
            where += " AND category = ?"
            args = (*args, category)
        db = self._conn
        battles, with_bot = db.execute(
            f"SELECT count(*), coalesce(sum(with_bot), 0) FROM battle_summaries {where}", args
        ).fetchone()
        grouped = {
            name: dict(
                db.execute(
                    f"SELECT {expr}, count(*) FROM battle_summaries {where} GROUP BY 1", args
                )
            )
            for name, expr in (
                ("by_day", "CAST(finished_at / 86400 AS INTEGER)"),
                ("by_hour", "CAST(finished_at / 3600 AS INTEGER) % 24"),
                ("outcomes", "outcome"),
            )
        }
        (players,) = db.execute(
            "SELECT count(DISTINCT p.user_id) FROM battle_players AS p JOIN battle_summaries AS s"
            f" ON s.battle_id = p.battle_id {where.replace('finished_at', 's.finished_at')}"
            " AND p.user_id NOT LIKE 'bot-%'",
            args,
        ).fetchone()
        (peak,) = db.execute(_PEAK_PLAYERS.format(where=where), args + args).fetchone()
        return Activity(battles, players=players, peak_players=peak, with_bot=with_bot, **grouped)

    async def add_reveal_latencies(self, hour: int, counts: Mapping[int, int]) -> None:
        await self._run(self._add_reveal_latencies, hour, dict(counts))

    def _add_reveal_latencies(self, hour: int, counts: dict[int, int]) -> None:
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO reveal_latencies VALUES (?, ?, ?) ON CONFLICT (hour, bucket)"
                " DO UPDATE SET count = count + excluded.count",
                ((hour, bucket, count) for bucket, count in counts.items()),
            )

    async def reveal_latencies_between(self, since: float, until: float) -> dict[int, int]:
        return await self._run(self._reveal_latencies_between, since, until)

    def _reveal_latencies_between(self, since: float, until: float) -> dict[int, int]:
        rows = self._conn.execute(
            "SELECT bucket, sum(count) FROM reveal_latencies WHERE hour >= ? AND hour < ?"
            " GROUP BY bucket ORDER BY bucket",
            (int(since // 3600), int(-(-until // 3600))),
        )
        return dict(rows)

    # the reports' cached results

    async def cached_report_result(self, key: str) -> CachedReport | None:
        return await self._run(self._cached_report_result, key)

    def _cached_report_result(self, key: str) -> CachedReport | None:
        row = self._conn.execute(
            "SELECT built_at, data, building_since, progress FROM report_cache WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        built_at, data, building_since, progress = row
        return CachedReport(
            key, ujson.loads(data) if data else None, built_at, building_since, progress or 0.0
        )

    async def claim_report_build(self, key: str, now: float, claim_seconds: float) -> bool:
        return await self._run(self._claim_report_build, key, now, claim_seconds)

    def _claim_report_build(self, key: str, now: float, claim_seconds: float) -> bool:
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO report_cache (key, progress) VALUES (?, 0)", (key,))
            claimed = db.execute(
                "UPDATE report_cache SET building_since = ?, progress = 0 WHERE key = ?"
                " AND (building_since IS NULL OR building_since < ?)",
                (now, key, now - claim_seconds),
            ).rowcount
        return bool(claimed)

    async def report_build_progress(self, key: str, done: float) -> None:
        await self._run(self._report_build_progress, key, done)

    def _report_build_progress(self, key: str, done: float) -> None:
        with self._transaction() as db:
            db.execute("UPDATE report_cache SET progress = ? WHERE key = ?", (done, key))

    async def save_report_result(
        self, key: str, data: Mapping[str, object], built_at: float
    ) -> None:
        await self._run(self._save_report_result, key, dumps(data), built_at)

    def _save_report_result(self, key: str, data: str, built_at: float) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO report_cache VALUES (?, ?, ?, NULL, 1) ON CONFLICT (key) DO UPDATE"
                " SET built_at = excluded.built_at, data = excluded.data, building_since = NULL,"
                " progress = 1",
                (key, built_at, data),
            )

    async def report_counts_between(
        self, since: float, until: float
    ) -> dict[tuple[str, ReportKind], int]:
        return await self._run(self._report_counts_between, since, until)

    def _report_counts_between(
        self, since: float, until: float
    ) -> dict[tuple[str, ReportKind], int]:
        rows = self._conn.execute(
            "SELECT question_id, kind, count(*) FROM reports WHERE at >= ? AND at < ?"
            " GROUP BY question_id, kind",
            (since, until),
        )
        return {(question_id, ReportKind(kind)): count for question_id, kind, count in rows}

    # the pipeline's history, for the pipeline report

    async def changes_between(self, since: float, until: float) -> list[Change]:
        return await self._run(self._changes_between, since, until)

    def _changes_between(self, since: float, until: float) -> list[Change]:
        rows = self._conn.execute(
            "SELECT question_id, action, from_state, to_state, by, at, why FROM question_changes"
            " WHERE at >= ? AND at < ? ORDER BY question_id, seq",
            (since, until),
        )
        return [
            Change(q, Action(action), None if was is None else State(was), State(now), by, at, why)
            for q, action, was, now, by, at, why in rows
        ]

    async def reviews_between(self, since: float, until: float) -> list[Review]:
        return await self._run(self._reviews_between, since, until)

    def _reviews_between(self, since: float, until: float) -> list[Review]:
        rows = self._conn.execute(
            "SELECT question_id, reviewer_id, verdict, quality, difficulty, comment, at, round"
            " FROM reviews WHERE at >= ? AND at < ? ORDER BY at",
            (since, until),
        )
        return [
            Review(q, reviewer, Verdict(verdict), quality, difficulty, comment, at, round_)
            for q, reviewer, verdict, quality, difficulty, comment, at, round_ in rows
        ]


def _play(row: tuple[int | str, ...]) -> QuestionPlay:
    question_id, asked, right, typed, choice, typos, wrong, ms_total, *bins = row
    return QuestionPlay(
        str(question_id),
        int(asked),
        int(right),
        int(typed),
        int(choice),
        int(typos),
        int(wrong),
        int(ms_total),
        tuple(int(b) for b in bins),
    )


def _filtered(
    template: str, alias: str, category: str | None, args: tuple[object, ...]
) -> tuple[str, tuple[object, ...]]:
    """`template` with its {join} and {where} filled for `category` (None: every category)."""
    if category is None:
        return template.format(join="", where=""), args
    join = _IN_CATEGORY.format(alias=alias)
    return template.format(join=join, where="AND q.category = ?"), (*args, category)
