"""The fair-play collection of the Mongo store: signals for moderators (game.fair_play), and the
counts of who met whom that one of them weighs, read from the battles' seats and summaries.

A signal's `_id` is its kind, player and battle, so recording it twice meets the same `_id` and
keeps the first. Imports game values, store.port and the Mongo store's own modules only.
"""

from __future__ import annotations

from collections.abc import Sequence

from pymongo import UpdateOne

from game.fair_play import Meetings, Signal, SignalKind
from store.mongo.connection import Document, MongoDatabase, listed

_BETWEEN_PEOPLE = 2  # battle_summaries.humans of a battle between two people


class FairPlayCollections(MongoDatabase):
    """Fair-play signals, and the meetings between players."""

    async def add_fair_play_signals(self, signals: Sequence[Signal]) -> int:
        if not signals:
            return 0
        # An upsert that only sets on insert leaves a signal already there as it was, as the
        # SQLite store's INSERT OR IGNORE does; a repeat within `signals` counts once too.
        written = await self._collection("fair_play_signals").bulk_write(
            [
                UpdateOne(
                    {"_id": {"kind": s.kind.value, "user_id": s.user_id, "battle_id": s.battle_id}},
                    {"$setOnInsert": {"at": s.at, "evidence": s.evidence}},
                    upsert=True,
                )
                for s in signals
            ]
        )
        return written.upserted_count

    async def fair_play_signals(
        self, kind: SignalKind | None = None, *, offset: int = 0, limit: int = 50
    ) -> list[Signal]:
        # Within one kind the kind needs no sorting, which lets signals_of_kind serve the sort.
        ties = [("_id.user_id", 1), ("_id.battle_id", 1)]
        documents = await listed(
            self._collection("fair_play_signals"),
            _of_kind(kind),
            sort=[("at", -1), *([("_id.kind", 1)] if kind is None else []), *ties],
            skip=offset,
            limit=limit,
        )
        return [_signal_of(document) for document in documents]

    async def count_fair_play_signals(self, kind: SignalKind | None = None) -> int:
        return await self._collection("fair_play_signals").count_documents(_of_kind(kind))

    async def meetings(self, first: str, second: str, since: float) -> Meetings:
        # Three reads, not one snapshot as on SQLite: a battle saved while they run may be
        # counted by a later read and not by an earlier one.
        seats: Document = {"_id.user_id": {"$in": [first, second]}, "finished_at": {"$gte": since}}
        together = await self._aggregate_count(
            "battle_players",
            [
                {"$match": seats},
                {"$group": {"_id": "$_id.battle_id", "players": {"$addToSet": "$_id.user_id"}}},
                {"$match": {"players": {"$all": [first, second]}}},
            ],
        )
        against_people = await self._collection("battle_players").aggregate(
            [
                {"$match": seats},
                {
                    "$lookup": {
                        "from": "battle_summaries",
                        "localField": "_id.battle_id",
                        "foreignField": "_id",
                        "as": "summary",
                    }
                },
                {"$match": {"summary.humans": _BETWEEN_PEOPLE}},
                {"$group": {"_id": "$_id.user_id", "battles": {"$sum": 1}}},
            ]
        )
        of_each = {row["_id"]: row["battles"] for row in await against_people.to_list(None)}
        everyone = await self._collection("battle_summaries").count_documents(
            {"humans": _BETWEEN_PEOPLE, "finished_at": {"$gte": since}}
        )
        return Meetings(together, of_each.get(first, 0), of_each.get(second, 0), everyone)

    async def _aggregate_count(self, name: str, pipeline: list[Document]) -> int:
        """How many documents `pipeline` on the collection `name` ends with."""
        cursor = await self._collection(name).aggregate([*pipeline, {"$count": "n"}])
        counted = await cursor.to_list(None)
        return int(counted[0]["n"]) if counted else 0


def _of_kind(kind: SignalKind | None) -> Document:
    return {} if kind is None else {"_id.kind": kind.value}


def _signal_of(document: Document) -> Signal:
    kind, user_id, battle_id = (document["_id"][part] for part in ("kind", "user_id", "battle_id"))
    return Signal(SignalKind(kind), user_id, battle_id, document["at"], document["evidence"])
