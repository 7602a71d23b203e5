"""The game collections of the Mongo store: questions, their statistics, battles, who met what.

A battle is written in one transaction with everything it adds (statistics, the reports'
figures, its players and the questions they met), and only when its `_id` is new, so writing it
twice, or twenty times at once, has the effect of writing it once. Imports game values,
store.port and the Mongo store's own modules only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pymongo import InsertOne, ReturnDocument, UpdateOne
from pymongo.errors import DuplicateKeyError

from game.questions import Question
from game.record import BattleRecord, Outcome, QuestionStats
from store.mongo.connection import Document, MongoDatabase, Session, WriteOp, listed
from store.mongo.players import write_player_figures
from store.mongo.reports import report_figures
from store.port import HeadToHead, UpsertResult

_STAT_FIELDS = ("asked", "right", "right_typed", "right_choice", "wrong", "right_ms_total")


def question_document(question: Question) -> Document:
    """The stored form of a bank question, as the SQLite store's row holds it."""
    return {
        "_id": question.id,
        "category": question.category,
        "published": int(question.published),
        "doc": question.to_dict(),
    }


class GameCollections(MongoDatabase):
    """The bank's questions, their statistics and finished battles."""

    # questions

    async def upsert_question(self, question: Question) -> UpsertResult:
        new = question_document(question)
        before = await self._collection("questions").find_one_and_replace(
            {"_id": question.id}, new, upsert=True, return_document=ReturnDocument.BEFORE
        )
        if before is None:
            return UpsertResult.ADDED
        return UpsertResult.UNCHANGED if before == new else UpsertResult.UPDATED

    async def get_question(self, question_id: str) -> Question | None:
        found = await self._questions({"_id": question_id})
        return found[0] if found else None

    async def published_questions(self, category: str | None = None) -> list[Question]:
        query: Document = {"published": 1}
        if category is not None:
            query["category"] = category
        return await self._questions(query)

    async def all_questions(self) -> list[Question]:
        return await self._questions({})

    async def _questions(self, query: Document) -> list[Question]:
        documents = await listed(
            self._collection("questions"), query, projection={"doc": 1}, sort=[("_id", 1)]
        )
        return [Question.from_dict(document["doc"]) for document in documents]

    # statistics

    async def question_stats(self, question_ids: Sequence[str]) -> dict[str, QuestionStats]:
        documents = await listed(
            self._collection("question_stats"), {"_id": {"$in": list(question_ids)}}
        )
        return {
            d["_id"]: QuestionStats(d["_id"], *(d[field] for field in _STAT_FIELDS))
            for d in documents
        }

    # battles

    async def record_battle(self, record: BattleRecord) -> bool:
        return await self.record_battles([record]) == 1

    async def record_battles(self, records: Sequence[BattleRecord]) -> int:
        if not records:
            return 0
        try:
            return await self._transaction(lambda session: self._write_battles(session, records))
        except DuplicateKeyError:
            # Another writer stored one of these battles after this transaction began; none of
            # this call's writes stand, so each battle is tried again on its own, now seeing it.
            if len(records) == 1:
                return 0
            return sum([await self.record_battle(record) for record in records])

    async def _write_battles(self, session: Session, records: Sequence[BattleRecord]) -> int:
        """Write the battles not stored yet, in order, and all each adds; how many were new."""
        ids = list(dict.fromkeys(record.id for record in records))
        stored = await listed(
            self._collection("battles"), {"_id": {"$in": ids}}, projection={"_id": 1},
            session=session,
        )  # fmt: skip
        known = {document["_id"] for document in stored}
        written = 0
        for record in records:
            if record.id in known:
                continue
            known.add(record.id)
            filed_under = await self._filed_under(record.player_ids, session)
            # The battle first, alone: one stored meanwhile fails here with a DuplicateKeyError,
            # before anything is added. In order: a battle's ratings start from those the one
            # before left.
            await self._collection("battles").insert_one(
                {"_id": record.id, "finished_at": record.finished_at, "doc": record.to_dict()},
                session=session,
            )
            for name, operations in _battle_writes(record, filed_under).items():
                await self._collection(name).bulk_write(operations, session=session)
            await write_player_figures(self._db, record, session)
            written += 1
        return written

    async def _filed_under(self, user_ids: Iterable[str], session: Session) -> dict[str, str]:
        """user id -> the account a merged guest became, for those of `user_ids` merged."""
        merged = await listed(
            self._collection("merged_guests"), {"_id": {"$in": sorted(user_ids)}},
            session=session,
        )  # fmt: skip
        return {document["_id"]: document["account_id"] for document in merged}

    async def get_battle(self, battle_id: str) -> BattleRecord | None:
        found = await self._collection("battles").find_one({"_id": battle_id})
        return None if found is None else BattleRecord.from_dict(found["doc"])

    async def battles_of(self, user_id: str, limit: int = 20) -> list[BattleRecord]:
        seats = await listed(
            self._collection("battle_players"),
            {"_id.user_id": user_id},
            projection={"_id": 1},
            sort=[("finished_at", -1), ("_id.battle_id", -1)],
            limit=limit,
        )
        ids = [seat["_id"]["battle_id"] for seat in seats]
        found = await listed(self._collection("battles"), {"_id": {"$in": ids}})
        by_id = {document["_id"]: document for document in found}
        merged = await listed(
            self._collection("merged_guests"), {"account_id": user_id}, projection={"_id": 1}
        )
        guests = [guest["_id"] for guest in merged]
        return [
            BattleRecord.from_dict(by_id[battle_id]["doc"]).renamed(guests, user_id)
            for battle_id in ids
        ]

    async def head_to_head(self, user_id: str, opponent_id: str) -> HeadToHead:
        mine, theirs = [
            {
                seat["_id"]["battle_id"]
                for seat in await listed(
                    self._collection("battle_players"),
                    {"_id.user_id": player},
                    projection={"_id": 1},
                )
            }
            for player in (user_id, opponent_id)
        ]
        battles = await listed(
            self._collection("battles"),
            {"_id": {"$in": sorted(mine & theirs)}, "doc.outcome": {"$ne": Outcome.ABORTED.value}},
            projection={"doc.winner_id": 1},
        )
        winners = [battle["doc"]["winner_id"] for battle in battles]
        return HeadToHead(
            wins=sum(winner == user_id for winner in winners),
            losses=sum(winner is not None and winner != user_id for winner in winners),
            draws=sum(winner is None for winner in winners),
        )

    async def recent_question_ids(self, user_id: str, *, limit: int, since: float) -> set[str]:
        history = self._collection("question_history")
        last = await listed(
            history,
            {"_id.user_id": user_id},
            projection={"question_id": 1},
            sort=[("finished_at", -1), ("_id.battle_id", -1), ("_id.position", -1)],
            limit=limit,
        )
        recent = await listed(
            history,
            {"_id.user_id": user_id, "finished_at": {"$gte": since}},
            projection={"question_id": 1},
        )
        return {document["question_id"] for document in (*last, *recent)}


def _battle_writes(record: BattleRecord, filed_under: dict[str, str]) -> dict[str, list[WriteOp]]:
    """The writes that `record` (new, already inserted) adds, by collection."""
    writes: dict[str, list[WriteOp]] = {
        "question_stats": [
            UpdateOne(
                {"_id": delta.question_id},
                {"$inc": {field: getattr(delta, field) for field in _STAT_FIELDS}},
                upsert=True,
            )
            for delta in record.stat_deltas().values()
        ],
        **report_figures(record),
    }
    # A seat twice is still one player; a guest who signed in mid-battle was merged, so the
    # battle is filed under their account.
    players = dict.fromkeys(filed_under.get(user_id, user_id) for user_id in record.player_ids)
    writes["battle_players"] = [
        InsertOne(
            {"_id": {"user_id": user_id, "battle_id": record.id}, "finished_at": record.finished_at}
        )
        for user_id in players
    ]
    writes["question_history"] = [
        InsertOne(
            {
                "_id": {"user_id": user_id, "battle_id": record.id, "position": position},
                "question_id": question_id,
                "finished_at": record.finished_at,
            }
        )
        for user_id in players
        for position, question_id in enumerate(record.question_ids)
    ]
    return {name: operations for name, operations in writes.items() if operations}
