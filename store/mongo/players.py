"""The players' collections of the Mongo store: Glicko-2 ratings and their history, each person's
totals and streaks, and their play per question category and day.

`write_player_figures` runs inside the transaction that records a battle, so a rating changes
exactly once per battle (the battle's own `_id` makes a second write a no-op). Imports game
values, store.port and the Mongo store's own modules only.
"""

from __future__ import annotations

from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from game.rating import PROVISIONAL_ABOVE, Rating, after_battle, after_idle, rated_score
from game.record import BattleRecord, Method
from game.statistics import day_of, player_answers, result_for
from store.mongo.accounts import user_of
from store.mongo.connection import Document, MongoDatabase, Session, listed
from store.mongo.matching import exactly
from store.port import (
    CategoryPlay,
    PlayerTotals,
    RatedPlayer,
    RatingPoint,
    Standing,
    User,
    UserKind,
)

_SURE = {"deviation": {"$lte": PROVISIONAL_ABOVE}}  # not provisional
_PLAY_FIELDS = ("asked", "right", "right_typed", "right_choice", "wrong", "right_ms_total")


async def write_player_figures(
    database: AsyncDatabase[Document], record: BattleRecord, session: Session
) -> None:
    """Ratings, totals and play per category that `record` changes, in the caller's transaction."""
    await _rate(database, record, session)
    await _count_results(database, record, session)
    questions = await listed(
        database["questions"],
        {"_id": {"$in": list(record.question_ids)}},
        projection={"category": 1},
        session=session,
    )
    categories = {question["_id"]: question["category"] for question in questions}
    day = day_of(record.finished_at)
    play = [
        UpdateOne(
            {"_id": {"user_id": a.user_id, "category": categories[a.question_id], "day": day}},
            {
                "$inc": {
                    "asked": 1,
                    "right": int(a.right),
                    "right_typed": int(a.method is Method.TYPED),
                    "right_choice": int(a.method is Method.CHOICE),
                    "wrong": int(a.wrong),
                    "right_ms_total": a.right_ms,
                }
            },
            upsert=True,
        )
        for a in player_answers(record)
        if a.question_id in categories
    ]
    if play:
        await database["player_category_days"].bulk_write(play, session=session)


async def _rate(database: AsyncDatabase[Document], record: BattleRecord, session: Session) -> None:
    ids = record.player_ids
    accounts = await listed(
        database["users"],
        {"_id": {"$in": [ids[0], ids[-1]]}, "kind": UserKind.ACCOUNT.value},
        projection={"_id": 1},
        session=session,
    )
    scored = rated_score(record, {account["_id"] for account in accounts})
    if scored is None:
        return
    a, b, score_a = scored
    stored = {
        document["_id"]: document
        for document in await listed(database["ratings"], {"_id": {"$in": [a, b]}}, session=session)
    }
    before = {user_id: _idle_rating(stored.get(user_id), record.finished_at) for user_id in (a, b)}
    after = dict(zip((a, b), after_battle(before[a], before[b], score_a), strict=True))
    for user_id, rating in after.items():
        await database["ratings"].update_one(
            {"_id": user_id},
            {
                "$set": {
                    "rating": rating.rating,
                    "deviation": rating.deviation,
                    "volatility": rating.volatility,
                    "updated_at": record.finished_at,
                },
                "$inc": {"games": 1},
            },
            upsert=True,
            session=session,
        )
        await database["rating_history"].insert_one(
            {
                "_id": {"user_id": user_id, "at": record.finished_at, "battle_id": record.id},
                "rating": rating.rating,
                "deviation": rating.deviation,
                "change": rating.rating - before[user_id].rating,
            },
            session=session,
        )


def _idle_rating(stored: Document | None, now: float) -> Rating:
    if stored is None:
        return Rating()
    rating = Rating(stored["rating"], stored["deviation"], stored["volatility"])
    return after_idle(rating, now - stored["updated_at"])


async def _count_results(
    database: AsyncDatabase[Document], record: BattleRecord, session: Session
) -> None:
    totals = database["player_totals"]
    for player in record.players:
        result = result_for(record, player.user_id)
        if player.bot or result is None:
            continue
        found = await totals.find_one({"_id": player.user_id}, session=session)
        now = PlayerTotals() if found is None else _totals_of(found)
        streak = now.streak + 1 if result == "won" else 0
        await totals.replace_one(
            {"_id": player.user_id},
            {
                "won": now.won + (result == "won"),
                "lost": now.lost + (result == "lost"),
                "drew": now.drew + (result == "drew"),
                "streak": streak,
                "best_streak": max(now.best_streak, streak),
            },
            upsert=True,
            session=session,
        )


class PlayerCollections(MongoDatabase):
    """Ratings, leaderboards and what a profile shows."""

    async def rating_of(self, user_id: str) -> Rating | None:
        found = await self._collection("ratings").find_one({"_id": user_id})
        return None if found is None else _rating_of(found)

    async def rating_leaders(self, limit: int = 100) -> list[RatedPlayer]:
        if limit == 0:
            return []
        rows = await self._with_nicknames(
            "ratings",
            [{"$match": _SURE}, {"$sort": {"rating": -1, "_id": 1}}],
            limit,
        )
        return [
            RatedPlayer(row["_id"], row["nickname"], _rating_of(row), row["games"]) for row in rows
        ]

    async def rating_rank(self, user_id: str) -> int | None:
        ratings = self._collection("ratings")
        mine = await ratings.find_one({"_id": user_id, **_SURE})
        if mine is None:
            return None
        better = await ratings.count_documents(
            {
                **_SURE,
                "$or": [
                    {"rating": {"$gt": mine["rating"]}},
                    {"rating": mine["rating"], "_id": {"$lt": user_id}},
                ],
            }
        )
        return better + 1

    async def rating_history(self, user_id: str, limit: int = 200) -> list[RatingPoint]:
        documents = await listed(
            self._collection("rating_history"),
            {"_id.user_id": user_id},
            sort=[("_id.at", -1), ("_id.battle_id", -1)],
            limit=limit,
        )
        return [
            RatingPoint(
                d["_id"]["battle_id"], d["_id"]["at"], d["rating"], d["deviation"], d["change"]
            )
            for d in reversed(documents)
        ]

    async def rating_gains_between(
        self, since: float, until: float, limit: int = 100
    ) -> list[Standing]:
        if limit == 0:
            return []
        rows = await self._with_nicknames(
            "rating_history",
            [
                {"$match": {"_id.at": {"$gte": since, "$lt": until}}},
                {
                    "$group": {
                        "_id": "$_id.user_id",
                        "score": {"$sum": "$change"},
                        "out_of": {"$sum": 1},
                    }
                },
                {"$sort": {"score": -1, "_id": 1}},
            ],
            limit,
        )
        return [Standing(row["_id"], row["nickname"], row["score"], row["out_of"]) for row in rows]

    async def player_totals(self, user_id: str) -> PlayerTotals:
        found = await self._collection("player_totals").find_one({"_id": user_id})
        return PlayerTotals() if found is None else _totals_of(found)

    async def category_play_of(self, user_id: str) -> list[CategoryPlay]:
        cursor = await self._collection("player_category_days").aggregate(
            [
                {"$match": {"_id.user_id": user_id}},
                {
                    "$group": {
                        "_id": "$_id.category",
                        **{field: {"$sum": f"${field}"} for field in _PLAY_FIELDS},
                    }
                },
                {"$sort": {"asked": -1, "_id": 1}},
            ]
        )
        return [
            CategoryPlay(row["_id"], *(row[field] for field in _PLAY_FIELDS))
            for row in await cursor.to_list(None)
        ]

    async def category_leaders(
        self, category: str | None, first_day: int, last_day: int, limit: int = 100
    ) -> list[Standing]:
        if limit == 0:
            return []
        match: Document = {"_id.day": {"$gte": first_day, "$lte": last_day}}
        if category is not None:
            match["_id.category"] = category
        rows = await self._with_nicknames(
            "player_category_days",
            [
                {"$match": match},
                {
                    "$group": {
                        "_id": "$_id.user_id",
                        "score": {"$sum": "$right"},
                        "out_of": {"$sum": "$asked"},
                    }
                },
                {"$match": {"score": {"$gt": 0}}},
                {"$sort": {"score": -1, "_id": 1}},
            ],
            limit,
        )
        return [Standing(row["_id"], row["nickname"], row["score"], row["out_of"]) for row in rows]

    async def frequent_opponents(self, user_id: str, limit: int = 5) -> list[Standing]:
        if limit == 0:
            return []
        seats = self._collection("battle_players")
        mine = await listed(seats, {"_id.user_id": user_id}, projection={"_id": 1})
        battle_ids = [seat["_id"]["battle_id"] for seat in mine]
        rows = await self._with_nicknames(
            "battle_players",
            [
                {"$match": {"_id.battle_id": {"$in": battle_ids}, "_id.user_id": {"$ne": user_id}}},
                {"$group": {"_id": "$_id.user_id", "met": {"$sum": 1}}},
                {"$sort": {"met": -1, "_id": 1}},
            ],
            limit,
        )
        return [Standing(row["_id"], row["nickname"], row["met"], row["met"]) for row in rows]

    async def users_named(self, nickname: str) -> list[User]:
        # As SQL's COLLATE NOCASE: ASCII letters in any case, anything else as written.
        found = await listed(self._collection("users"), {"nickname": exactly(nickname)})
        guest = UserKind.GUEST.value
        found.sort(key=lambda d: (d["kind"] == guest, d["created_at"], d["_id"]))
        return [user_of(document) for document in found]

    async def _with_nicknames(
        self, name: str, pipeline: list[Document], limit: int
    ) -> list[Document]:
        """Rows of `pipeline` (grouped by user id in `_id`) for users that exist, each with
        their `nickname`, the first `limit` of them (negative: all)."""
        cursor = await self._collection(name).aggregate(
            [
                *pipeline,
                {
                    "$lookup": {
                        "from": "users",
                        "localField": "_id",
                        "foreignField": "_id",
                        "as": "user",
                    }
                },
                {"$unwind": "$user"},
                *([{"$limit": limit}] if limit > 0 else []),
                {"$addFields": {"nickname": "$user.nickname"}},
            ]
        )
        return await cursor.to_list(None)


def _rating_of(document: Document) -> Rating:
    return Rating(document["rating"], document["deviation"], document["volatility"])


def _totals_of(document: Document) -> PlayerTotals:
    return PlayerTotals(
        document["won"],
        document["lost"],
        document["drew"],
        document["streak"],
        document["best_streak"],
    )
