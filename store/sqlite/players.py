"""The players' tables of the SQLite store: Glicko-2 ratings and their history, each person's
totals and streaks, and their play per question category and day.

`write_player_figures` runs inside the transaction that records a battle, so a rating changes
exactly once per battle (the battle's own key makes a second write a no-op). Imports game values
and store.port only.
"""

from __future__ import annotations

import sqlite3

import ujson

from game.rating import PROVISIONAL_ABOVE, Rating, after_battle, after_idle, rated_score
from game.record import BattleRecord, Method
from game.statistics import day_of, player_answers, result_for
from store.port import CategoryPlay, PlayerTotals, RatedPlayer, RatingPoint, Standing, User
from store.sqlite.accounts import user_from_row
from store.sqlite.connection import SQLiteFile

_SURE = "deviation <= ?"  # not provisional (game.rating.PROVISIONAL_ABOVE)
_ADD_CATEGORY_PLAY = """
    INSERT INTO player_category_days VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (user_id, category, day) DO UPDATE SET
        asked = asked + excluded.asked, "right" = "right" + excluded."right",
        right_typed = right_typed + excluded.right_typed,
        right_choice = right_choice + excluded.right_choice, wrong = wrong + excluded.wrong,
        right_ms_total = right_ms_total + excluded.right_ms_total
"""


def write_player_figures(db: sqlite3.Connection, record: BattleRecord) -> None:
    """Ratings, totals and play per category that `record` changes, in the caller's transaction."""
    _rate(db, record)
    _count_results(db, record)
    categories = dict(
        db.execute(
            "SELECT id, category FROM questions WHERE id IN (SELECT value FROM json_each(?))",
            (ujson.dumps(record.question_ids),),
        )
    )
    day = day_of(record.finished_at)
    # One row per player and category: a battle's ten questions fall in a few categories.
    play: dict[tuple[str, str], list[int]] = {}
    for a in player_answers(record):
        if a.question_id in categories:
            sums = play.setdefault((a.user_id, categories[a.question_id]), [0] * 6)
            for i, value in enumerate(
                (1, a.right, a.method is Method.TYPED, a.method is Method.CHOICE, a.wrong)
            ):
                sums[i] += int(value)
            sums[5] += a.right_ms
    db.executemany(
        _ADD_CATEGORY_PLAY,
        ((user_id, category, day, *sums) for (user_id, category), sums in play.items()),
    )


def _rate(db: sqlite3.Connection, record: BattleRecord) -> None:
    ids = record.player_ids
    accounts = {
        row[0]
        for row in db.execute(
            "SELECT id FROM users WHERE kind = 'account' AND id IN (?, ?)", (ids[0], ids[-1])
        )
    }
    scored = rated_score(record, accounts)
    if scored is None:
        return
    a, b, score_a = scored
    before = {user_id: _stored_rating(db, user_id, record.finished_at) for user_id in (a, b)}
    after = dict(zip((a, b), after_battle(before[a], before[b], score_a), strict=True))
    for user_id, rating in after.items():
        db.execute(
            """INSERT INTO ratings VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (user_id) DO UPDATE SET
               rating = excluded.rating, deviation = excluded.deviation,
               volatility = excluded.volatility, games = games + 1,
               updated_at = excluded.updated_at""",
            (user_id, rating.rating, rating.deviation, rating.volatility, record.finished_at),
        )
        db.execute(
            "INSERT INTO rating_history VALUES (?, ?, ?, ?, ?, ?)",
            (
                user_id,
                record.id,
                record.finished_at,
                rating.rating,
                rating.deviation,
                rating.rating - before[user_id].rating,
            ),
        )


def _stored_rating(db: sqlite3.Connection, user_id: str, now: float) -> Rating:
    row = db.execute(
        "SELECT rating, deviation, volatility, updated_at FROM ratings WHERE user_id = ?",
        (user_id,),
    ).fetchone()
    if row is None:
        return Rating()
    return after_idle(Rating(*row[:3]), now - row[3])


def _count_results(db: sqlite3.Connection, record: BattleRecord) -> None:
    for player in record.players:
        result = result_for(record, player.user_id)
        if player.bot or result is None:
            continue
        won = int(result == "won")
        db.execute(
            """INSERT INTO player_totals VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (user_id) DO UPDATE SET
                   won = won + excluded.won, lost = lost + excluded.lost,
                   drew = drew + excluded.drew,
                   streak = CASE WHEN excluded.won THEN streak + 1 ELSE 0 END,
                   best_streak = max(best_streak,
                                     CASE WHEN excluded.won THEN streak + 1 ELSE 0 END)""",
            (player.user_id, won, int(result == "lost"), int(result == "drew"), won, won),
        )


class PlayerTables(SQLiteFile):
    """Ratings, leaderboards and what a profile shows."""

    async def rating_of(self, user_id: str) -> Rating | None:
        return await self._run(self._rating_of, user_id)

    def _rating_of(self, user_id: str) -> Rating | None:
        row = self._conn.execute(
            "SELECT rating, deviation, volatility FROM ratings WHERE user_id = ?", (user_id,)
        ).fetchone()
        return None if row is None else Rating(*row)

    async def rating_leaders(self, limit: int = 100) -> list[RatedPlayer]:
        return await self._run(self._rating_leaders, limit)

    def _rating_leaders(self, limit: int) -> list[RatedPlayer]:
        rows = self._conn.execute(
            "SELECT r.user_id, u.nickname, r.rating, r.deviation, r.volatility, r.games"
            f" FROM ratings AS r JOIN users AS u ON u.id = r.user_id WHERE {_SURE}"
            " ORDER BY r.rating DESC, r.user_id LIMIT ?",
            (PROVISIONAL_ABOVE, limit),
        )
        return [
            RatedPlayer(user_id, nickname, Rating(rating, deviation, volatility), games)
            for user_id, nickname, rating, deviation, volatility, games in rows
        ]

    async def rating_rank(self, user_id: str) -> int | None:
        return await self._run(self._rating_rank, user_id)

    def _rating_rank(self, user_id: str) -> int | None:
        mine = self._conn.execute(
            f"SELECT rating FROM ratings WHERE user_id = ? AND {_SURE}",
            (user_id, PROVISIONAL_ABOVE),
        ).fetchone()
        if mine is None:
            return None
        (better,) = self._conn.execute(
            f"SELECT count(*) FROM ratings WHERE {_SURE}"
            " AND (rating > ? OR (rating = ? AND user_id < ?))",
            (PROVISIONAL_ABOVE, mine[0], mine[0], user_id),
        ).fetchone()
        return int(better) + 1

    async def rating_history(self, user_id: str, limit: int = 200) -> list[RatingPoint]:
        return await self._run(self._rating_history, user_id, limit)

    def _rating_history(self, user_id: str, limit: int) -> list[RatingPoint]:
        rows = self._conn.execute(
            "SELECT battle_id, at, rating, deviation, change FROM rating_history"
            " WHERE user_id = ? ORDER BY at DESC, battle_id DESC LIMIT ?",
            (user_id, limit),
        ).fetchall()
        return [RatingPoint(*row) for row in reversed(rows)]

    async def rating_gains_between(
        self, since: float, until: float, limit: int = 100
    ) -> list[Standing]:
        return await self._run(self._rating_gains_between, since, until, limit)

    def _rating_gains_between(self, since: float, until: float, limit: int) -> list[Standing]:
        rows = self._conn.execute(
            "SELECT h.user_id, u.nickname, sum(h.change) AS gain, count(*)"
            " FROM rating_history AS h JOIN users AS u ON u.id = h.user_id"
            " WHERE h.at >= ? AND h.at < ? GROUP BY h.user_id"
            " ORDER BY gain DESC, h.user_id LIMIT ?",
            (since, until, limit),
        )
        return [Standing(*row) for row in rows]

    async def player_totals(self, user_id: str) -> PlayerTotals:
        return await self._run(self._player_totals, user_id)

    def _player_totals(self, user_id: str) -> PlayerTotals:
        row = self._conn.execute(
            "SELECT won, lost, drew, streak, best_streak FROM player_totals WHERE user_id = ?",
            (user_id,),
        ).fetchone()
        return PlayerTotals() if row is None else PlayerTotals(*row)

    async def category_play_of(self, user_id: str) -> list[CategoryPlay]:
        return await self._run(self._category_play_of, user_id)

    def _category_play_of(self, user_id: str) -> list[CategoryPlay]:
        rows = self._conn.execute(
            'SELECT category, sum(asked) AS met, sum("right"), sum(right_typed),'
            " sum(right_choice), sum(wrong), sum(right_ms_total) FROM player_category_days"
            " WHERE user_id = ? GROUP BY category ORDER BY met DESC, category",
            (user_id,),
        )
        return [CategoryPlay(*row) for row in rows]

    async def category_leaders(
        self, category: str | None, first_day: int, last_day: int, limit: int = 100
    ) -> list[Standing]:
        return await self._run(self._category_leaders, category, first_day, last_day, limit)

    def _category_leaders(
        self, category: str | None, first_day: int, last_day: int, limit: int
    ) -> list[Standing]:
        where = "d.day BETWEEN ? AND ?"
        args: list[object] = [first_day, last_day]
        if category is not None:
            where += " AND d.category = ?"
            args.append(category)
        rows = self._conn.execute(
            'SELECT d.user_id, u.nickname, sum(d."right") AS took, sum(d.asked)'
            f" FROM player_category_days AS d JOIN users AS u ON u.id = d.user_id WHERE {where}"
            " GROUP BY d.user_id HAVING took > 0 ORDER BY took DESC, d.user_id LIMIT ?",
            (*args, limit),
        )
        return [Standing(*row) for row in rows]

    async def frequent_opponents(self, user_id: str, limit: int = 5) -> list[Standing]:
        return await self._run(self._frequent_opponents, user_id, limit)

    def _frequent_opponents(self, user_id: str, limit: int) -> list[Standing]:
        rows = self._conn.execute(
            "SELECT them.user_id, u.nickname, count(*) AS met"
            " FROM battle_players AS me"
            " JOIN battle_players AS them ON them.battle_id = me.battle_id"
            " AND them.user_id != me.user_id"
            " JOIN users AS u ON u.id = them.user_id"
            " WHERE me.user_id = ? GROUP BY them.user_id ORDER BY met DESC, them.user_id LIMIT ?",
            (user_id, limit),
        )
        return [Standing(them, nickname, met, met) for them, nickname, met in rows]

    async def users_named(self, nickname: str) -> list[User]:
        return await self._run(self._users_named, nickname)

    def _users_named(self, nickname: str) -> list[User]:
        rows = self._conn.execute(
            "SELECT id, nickname, kind, email, roles, created_at FROM users"
            " WHERE nickname = ? COLLATE NOCASE ORDER BY kind = 'guest', created_at, id",
            (nickname,),
        )
        return [user_from_row(row) for row in rows]
