"""The admin reports' collections of the Mongo store: the figures each battle adds, read back over
a range of days by aggregations on the server, and the reports' cached results.

`report_figures` lists the writes a battle adds; the game collections make them in the
transaction that stores the battle, so the figures never disagree with the battles stored.
Imports game values, store.port and the Mongo store's own modules only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import ujson
from pymongo import InsertOne, UpdateOne

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
from store.mongo.connection import Document, MongoDatabase, WriteOp, listed
from store.port import CachedReport
from store.sqlite.connection import dumps

_BINS = [f"t{i}" for i in range(TIME_BINS)]
_PLAY_FIELDS = [
    "asked",
    "right",
    "right_typed",
    "right_choice",
    "right_with_typos",
    "wrong",
    "right_ms_total",
    *_BINS,
]
_BOT = re.compile("^bot-", re.IGNORECASE)  # as SQL's LIKE 'bot-%' reads it


def report_figures(record: BattleRecord) -> dict[str, list[WriteOp]]:
    """The writes that add `record`'s figures, by collection (the caller's transaction)."""
    day = day_of(record.finished_at)
    play: list[WriteOp] = []
    for figures in question_play(record):
        counts = [
            figures.asked,
            figures.right,
            figures.right_typed,
            figures.right_choice,
            figures.right_with_typos,
            figures.wrong,
            figures.right_ms_total,
            *figures.right_ms_bins,
        ]
        play.append(
            UpdateOne(
                {"_id": {"day": day, "question_id": figures.question_id}},
                {"$inc": dict(zip(_PLAY_FIELDS, counts, strict=True))},
                upsert=True,
            )
        )
    misses: list[WriteOp] = [
        UpdateOne(
            {"_id": {"day": miss.day, "question_id": miss.question_id, "key": miss.key}},
            {"$setOnInsert": {"text": miss.text, "reason": miss.reason}, "$inc": {"count": 1}},
            upsert=True,
        )
        for miss in near_misses(record)
    ]
    row = summary(record)
    battle: Document = {
        "_id": row.battle_id,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "outcome": row.outcome,
        "category": row.category,
        "humans": row.humans,
        "with_bot": int(row.with_bot),
    }
    return {
        "question_days": play,
        "near_misses": misses,
        "battle_summaries": [InsertOne(battle)],
    }


class ReportCollections(MongoDatabase):
    """Figures for the admin reports, and the reports' cached results."""

    async def _aggregate(self, name: str, pipeline: list[Document]) -> list[Document]:
        cursor = await self._collection(name).aggregate(pipeline, allowDiskUse=True)
        return await cursor.to_list(None)

    async def _in_category(self, category: str | None) -> Document:
        """A filter on `_id.question_id` to the bank's questions of `category` (None: all)."""
        if category is None:
            return {}
        ids = await self._collection("questions").distinct("_id", {"category": category})
        return {"_id.question_id": {"$in": ids}}

    async def question_play_between(
        self, first_day: int, last_day: int, category: str | None = None
    ) -> list[QuestionPlay]:
        match = {"_id.day": {"$gte": first_day, "$lte": last_day}}
        sums = {field: {"$sum": f"${field}"} for field in _PLAY_FIELDS}
        rows = await self._aggregate(
            "question_days",
            [
                {"$match": {**match, **await self._in_category(category)}},
                {"$group": {"_id": "$_id.question_id", **sums}},
                {"$sort": {"_id": 1}},
            ],
        )
        return [
            QuestionPlay(
                row["_id"],
                row["asked"],
                row["right"],
                row["right_typed"],
                row["right_choice"],
                row["right_with_typos"],
                row["wrong"],
                row["right_ms_total"],
                tuple(row[field] for field in _BINS),
            )
            for row in rows
        ]

    async def near_misses_between(
        self, first_day: int, last_day: int, category: str | None = None, limit: int = 1000
    ) -> list[NearMissCount]:
        if limit == 0:
            return []
        match = {"_id.day": {"$gte": first_day, "$lte": last_day}}
        pipeline: list[Document] = [
            {"$match": {**match, **await self._in_category(category)}},
            {
                "$group": {
                    "_id": {"question_id": "$_id.question_id", "key": "$_id.key"},
                    "text": {"$min": "$text"},
                    "reason": {"$min": "$reason"},
                    "seen": {"$sum": "$count"},
                }
            },
            {"$sort": {"seen": -1, "_id.question_id": 1, "_id.key": 1}},
        ]
        if limit > 0:
            pipeline.append({"$limit": limit})
        rows = await self._aggregate("near_misses", pipeline)
        return [
            NearMissCount(
                row["_id"]["question_id"],
                row["_id"]["key"],
                row["text"],
                row["reason"],
                row["seen"],
            )
            for row in rows
        ]

    async def activity_between(
        self, since: float, until: float, category: str | None = None
    ) -> Activity:
        match: Document = {"finished_at": {"$gte": since, "$lt": until}}
        if category is not None:
            match["category"] = category
        [groups] = await self._aggregate(
            "battle_summaries",
            [
                {"$match": match},
                {
                    "$facet": {
                        "totals": [
                            {
                                "$group": {
                                    "_id": None,
                                    "battles": {"$sum": 1},
                                    "with_bot": {"$sum": "$with_bot"},
                                }
                            }
                        ],
                        "by_day": _count_by({"$floor": {"$divide": ["$finished_at", 86_400]}}),
                        "by_hour": _count_by(
                            {"$mod": [{"$floor": {"$divide": ["$finished_at", 3_600]}}, 24]}
                        ),
                        "outcomes": _count_by("$outcome"),
                    }
                },
            ],
        )
        totals = groups["totals"][0] if groups["totals"] else {"battles": 0, "with_bot": 0}
        return Activity(
            totals["battles"],
            by_day=_counted(groups["by_day"], int),
            by_hour=_counted(groups["by_hour"], int),
            players=await self._players(match),
            peak_players=await self._peak_players(match),
            with_bot=totals["with_bot"],
            outcomes=_counted(groups["outcomes"], str),
        )

    async def _players(self, match: Document) -> int:
        """Distinct people (bots left out) in the battles `match` finds."""
        counted = await self._aggregate(
            "battle_summaries",
            [
                {"$match": match},
                {
                    "$lookup": {
                        "from": "battle_players",
                        "localField": "_id",
                        "foreignField": "_id.battle_id",
                        "as": "seats",
                    }
                },
                {"$unwind": "$seats"},
                {"$match": {"seats._id.user_id": {"$not": _BOT}}},
                {"$group": {"_id": "$seats._id.user_id"}},
                {"$count": "players"},
            ],
        )
        return int(counted[0]["players"]) if counted else 0

    async def _peak_players(self, match: Document) -> int:
        """The most people in battles at one moment, over the battles `match` finds.

        Starts and ends are read in time order and merged: an end sorts before a start at the
        same instant, and the running total peaks just after some start.
        """
        summaries = self._collection("battle_summaries")
        projection = {"_id": 0, "started_at": 1, "finished_at": 1, "humans": 1}
        starts = summaries.find(match, projection, sort=[("started_at", 1)])
        ends_cursor = summaries.find(match, projection, sort=[("finished_at", 1)])
        ends = aiter(ends_cursor)
        running = peak = 0
        ending = await anext(ends, None)
        async for start in starts:
            while ending is not None and ending["finished_at"] <= start["started_at"]:
                running -= ending["humans"]
                ending = await anext(ends, None)
            running += start["humans"]
            peak = max(peak, running)
        await ends_cursor.close()  # the ends after the last start are never read
        return peak

    async def add_reveal_latencies(self, hour: int, counts: Mapping[int, int]) -> None:
        if counts:
            await self._collection("reveal_latencies").bulk_write(
                [
                    UpdateOne(
                        {"_id": {"hour": hour, "bucket": bucket}},
                        {"$inc": {"count": count}},
                        upsert=True,
                    )
                    for bucket, count in counts.items()
                ]
            )

    async def reveal_latencies_between(self, since: float, until: float) -> dict[int, int]:
        hours = {"$gte": int(since // 3600), "$lt": int(-(-until // 3600))}
        rows = await self._aggregate(
            "reveal_latencies",
            [
                {"$match": {"_id.hour": hours}},
                {"$group": {"_id": "$_id.bucket", "count": {"$sum": "$count"}}},
                {"$sort": {"_id": 1}},
            ],
        )
        return {row["_id"]: row["count"] for row in rows}

    async def report_counts_between(
        self, since: float, until: float
    ) -> dict[tuple[str, ReportKind], int]:
        rows = await self._aggregate(
            "reports",
            [
                {"$match": {"at": {"$gte": since, "$lt": until}}},
                {
                    "$group": {
                        "_id": {"question_id": "$_id.question_id", "kind": "$kind"},
                        "count": {"$sum": 1},
                    }
                },
            ],
        )
        return {
            (row["_id"]["question_id"], ReportKind(row["_id"]["kind"])): row["count"]
            for row in rows
        }

    # the pipeline's history, for the pipeline report

    async def changes_between(self, since: float, until: float) -> list[Change]:
        documents = await listed(
            self._collection("question_changes"),
            {"at": {"$gte": since, "$lt": until}},
            sort=[("_id.question_id", 1), ("_id.seq", 1)],
        )
        return [change_of(document) for document in documents]

    async def reviews_between(self, since: float, until: float) -> list[Review]:
        documents = await listed(
            self._collection("reviews"),
            {"at": {"$gte": since, "$lt": until}},
            sort=[("at", 1), ("_id", 1)],
        )
        return [review_of(document) for document in documents]

    # the reports' cached results

    async def cached_report_result(self, key: str) -> CachedReport | None:
        found = await self._collection("report_cache").find_one({"_id": key})
        if found is None:
            return None
        return CachedReport(
            key,
            ujson.loads(found["data"]) if found["data"] else None,
            found["built_at"],
            found["building_since"],
            found["progress"] or 0.0,
        )

    async def claim_report_build(self, key: str, now: float, claim_seconds: float) -> bool:
        cache = self._collection("report_cache")
        await cache.update_one(
            {"_id": key},
            {
                "$setOnInsert": {
                    "built_at": None,
                    "data": None,
                    "building_since": None,
                    "progress": 0.0,
                }
            },
            upsert=True,
        )
        lapsed = [{"building_since": None}, {"building_since": {"$lt": now - claim_seconds}}]
        claimed = await cache.update_one(
            {"_id": key, "$or": lapsed}, {"$set": {"building_since": now, "progress": 0.0}}
        )
        return claimed.matched_count == 1

    async def report_build_progress(self, key: str, done: float) -> None:
        await self._collection("report_cache").update_one(
            {"_id": key}, {"$set": {"progress": done}}
        )

    async def save_report_result(self, key: str, data: Mapping[str, Any], built_at: float) -> None:
        await self._collection("report_cache").update_one(
            {"_id": key},
            {
                "$set": {
                    "built_at": built_at,
                    "data": dumps(data),
                    "building_since": None,
                    "progress": 1.0,
                }
            },
            upsert=True,
        )


def change_of(document: Document) -> Change:
    """A stored move of a question (a `question_changes` document)."""
    was = document["from_state"]
    return Change(
        document["_id"]["question_id"],
        Action(document["action"]),
        None if was is None else State(was),
        State(document["to_state"]),
        document["by"],
        document["at"],
        document["why"],
    )


def review_of(document: Document) -> Review:
    """A stored review (a `reviews` document)."""
    key = document["_id"]
    return Review(
        key["question_id"],
        key["reviewer_id"],
        Verdict(document["verdict"]),
        document["quality"],
        document["difficulty"],
        document["comment"],
        document["at"],
        key["round"],
    )


def _count_by(expression: object) -> list[Document]:
    return [{"$group": {"_id": expression, "count": {"$sum": 1}}}]


def _counted(rows: list[Document], kind: type) -> dict[Any, int]:
    return {kind(row["_id"]): row["count"] for row in rows}
