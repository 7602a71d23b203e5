"""The question pipeline in the Mongo store: submissions, their history, reviews, reports, points.

A submission sits beside the bank's questions, with its game.bank_rules.duplicate_key so that
the same question is not queued twice; publishing one writes it into the bank in the same
transaction. Reviews, reports and points are keyed, so a retried write is refused, not
doubled. Imports game values and rules, store.port and the Mongo store's own modules only.
"""

from __future__ import annotations

from collections.abc import Sequence

from pymongo import UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from game.bank_rules import duplicate_key
from game.pipeline import (
    Change,
    PointAward,
    Report,
    ReportKind,
    ReportStatus,
    Review,
    State,
    Submission,
)
from game.questions import Question
from store.mongo.connection import Document, MongoDatabase, Session, listed
from store.mongo.game import question_document
from store.mongo.matching import containing
from store.mongo.reports import change_of, review_of
from store.port import ContributorScore, DuplicateSubmissionError, StaleSubmissionError

_DUPLICATE_KEY = 11000
# A submission another is a copy of, when that one still counts: waiting or in the bank.
_WAITING_OR_PUBLISHED = [State.SUBMITTED.value, State.APPROVED.value, State.PUBLISHED.value]


class PipelineCollections(MongoDatabase):
    """Submitted questions on their way to the bank, and the people who wrote and judged them."""

    # submissions and their history

    async def add_submission(self, submission: Submission, change: Change) -> bool:
        async def add(session: Session) -> bool:
            for name in ("submissions", "questions"):
                if await self._collection(name).find_one({"_id": submission.id}, session=session):
                    return False
            document = _submission_document(submission)
            twin = await self._collection("submissions").find_one(
                {
                    "duplicate_key": document["duplicate_key"],
                    "state": {"$in": _WAITING_OR_PUBLISHED},
                },
                {"_id": 1},
                session=session,
            )
            if twin:
                raise DuplicateSubmissionError(f"{submission.id} repeats {twin['_id']}")
            await self._collection("submissions").insert_one(document, session=session)
            await self._append_change(change, session)
            return True

        try:
            return await self._transaction(add)
        except DuplicateKeyError:
            return False  # the same id was submitted at the same moment

    async def get_submission(self, question_id: str) -> Submission | None:
        found = await self._collection("submissions").find_one({"_id": question_id})
        return None if found is None else Submission.from_dict(found["doc"])

    async def submissions(
        self, *, state: State | None = None, author_id: str | None = None, limit: int = 100
    ) -> list[Submission]:
        query: Document = {}
        if state is not None:
            query["state"] = state.value
        if author_id is not None:
            query["author_id"] = author_id
        documents = await listed(
            self._collection("submissions"),
            query,
            sort=[("updated_at", 1), ("_id", 1)],
            limit=limit,
        )
        return [Submission.from_dict(document["doc"]) for document in documents]

    async def moderation_queue(
        self, *, search: str = "", offset: int = 0, limit: int = 20
    ) -> list[Submission]:
        if limit == 0:
            return []
        rows = await self._in_queue(
            search,
            [
                {"$addFields": {"later": {"$ne": ["$state", State.APPROVED.value]}}},
                {"$sort": {"later": 1, "updated_at": 1, "_id": 1}},
                {"$skip": max(offset, 0)},
                *([{"$limit": limit}] if limit > 0 else []),
                {"$project": {"doc": 1}},
            ],
        )
        return [Submission.from_dict(row["doc"]) for row in rows]

    async def count_moderation_queue(self, search: str = "") -> int:
        counted = await self._in_queue(search, [{"$count": "waiting"}])
        return int(counted[0]["waiting"]) if counted else 0

    async def _in_queue(self, search: str, then: list[Document]) -> list[Document]:
        """`then` over the submissions waiting for a moderator whose text, answer or author's
        nickname contains `search`."""
        pipeline: list[Document] = [
            {"$match": {"state": {"$in": [State.APPROVED.value, State.SUBMITTED.value]}}}
        ]
        if search:
            pattern = containing(search)
            pipeline += [
                {
                    "$lookup": {
                        "from": "users",
                        "localField": "author_id",
                        "foreignField": "_id",
                        "as": "author",
                    }
                },
                {
                    "$match": {
                        "$or": [
                            {"doc.question.text": pattern},
                            {"doc.question.answer": pattern},
                            {"author.nickname": pattern},
                        ]
                    }
                },
            ]
        cursor = await self._collection("submissions").aggregate([*pipeline, *then])
        return await cursor.to_list(None)

    async def count_submissions(self, author_id: str, since: float) -> int:
        return await self._collection("submissions").count_documents(
            {"author_id": author_id, "created_at": {"$gte": since}}
        )

    async def submission_counts(self) -> dict[State, int]:
        cursor = await self._collection("submissions").aggregate(
            [{"$group": {"_id": "$state", "count": {"$sum": 1}}}]
        )
        return {State(row["_id"]): row["count"] for row in await cursor.to_list(None)}

    async def change_submission(self, submission: Submission, change: Change) -> bool:
        async def move(session: Session) -> bool:
            submissions = self._collection("submissions")
            found = await submissions.find_one(
                {"_id": submission.id}, {"state": 1}, session=session
            )
            current = None if found is None else State(found["state"])
            if current is change.to_state and current is not change.from_state:
                last = await listed(
                    self._collection("question_changes"),
                    {"_id.question_id": submission.id},
                    sort=[("_id.seq", -1)],
                    limit=1,
                    session=session,
                )
                if last and (last[0]["action"], last[0]["by"]) == (change.action.value, change.by):
                    return False  # the same decision, retried
            if current is None or current is not change.from_state:
                raise StaleSubmissionError(f"{submission.id} is {current}, not {change.from_state}")
            await submissions.replace_one(
                {"_id": submission.id}, _submission_document(submission), session=session
            )
            questions = self._collection("questions")
            in_bank = await questions.find_one({"_id": submission.id}, {"_id": 1}, session=session)
            if submission.state is State.PUBLISHED or in_bank:
                await self._write_question(submission.question, session)
            await self._append_change(change, session)
            return True

        return await self._transaction(move)

    async def recall_question(self, submission: Submission, change: Change) -> bool:
        async def recall(session: Session) -> bool:
            found = await self._collection("questions").find_one(
                {"_id": submission.id, "published": 1}, {"_id": 1}, session=session
            )
            if found is None:
                return False
            await self._write_question(submission.question, session)
            await self._collection("submissions").replace_one(
                {"_id": submission.id},
                _submission_document(submission),
                upsert=True,
                session=session,
            )
            await self._append_change(change, session)
            return True

        return await self._transaction(recall)

    async def change_bank_question(self, question: Question, change: Change) -> None:
        async def change_it(session: Session) -> None:
            await self._write_question(question, session)
            await self._append_change(change, session)

        await self._transaction(change_it)

    async def _write_question(self, question: Question, session: Session) -> None:
        await self._collection("questions").replace_one(
            {"_id": question.id}, question_document(question), upsert=True, session=session
        )

    async def _append_change(self, change: Change, session: Session) -> None:
        """Record `change` after the question's last one (in the caller's transaction)."""
        last = await listed(
            self._collection("question_changes"),
            {"_id.question_id": change.question_id},
            projection={"_id": 1},
            sort=[("_id.seq", -1)],
            limit=1,
            session=session,
        )
        seq = last[0]["_id"]["seq"] + 1 if last else 1
        await self._collection("question_changes").insert_one(
            {
                "_id": {"question_id": change.question_id, "seq": seq},
                "action": change.action.value,
                "from_state": None if change.from_state is None else change.from_state.value,
                "to_state": change.to_state.value,
                "by": change.by,
                "at": change.at,
                "why": change.why,
            },
            session=session,
        )

    async def question_history(self, question_id: str) -> list[Change]:
        documents = await listed(
            self._collection("question_changes"),
            {"_id.question_id": question_id},
            sort=[("_id.seq", 1)],
        )
        return [change_of(document) for document in documents]

    # reviews

    async def save_review(self, review: Review) -> bool:
        return await self._insert_once(
            "reviews",
            {
                "_id": {
                    "question_id": review.question_id,
                    "round": review.round,
                    "reviewer_id": review.reviewer_id,
                },
                "verdict": review.verdict.value,
                "quality": review.quality,
                "difficulty": review.difficulty,
                "comment": review.comment,
                "at": review.at,
            },
        )

    async def reviews_of(self, question_id: str, round: int | None = None) -> list[Review]:
        query: Document = {"_id.question_id": question_id}
        if round is not None:
            query["_id.round"] = round
        documents = await listed(
            self._collection("reviews"), query, sort=[("at", 1), ("_id.reviewer_id", 1)]
        )
        return [review_of(document) for document in documents]

    async def reviewable_submissions(self, reviewer_id: str, limit: int = 50) -> list[Submission]:
        if limit == 0:
            return []
        reviewed = {
            (document["_id"]["question_id"], document["_id"]["round"])
            for document in await listed(
                self._collection("reviews"), {"_id.reviewer_id": reviewer_id}, projection={"_id": 1}
            )
        }
        waiting = self._collection("submissions").find(
            {"state": State.SUBMITTED.value, "author_id": {"$ne": reviewer_id}},
            {"doc": 1, "round": 1},
            sort=[("updated_at", 1), ("_id", 1)],
        )
        offered: list[Submission] = []
        async for document in waiting:
            if (document["_id"], document["round"]) not in reviewed:
                offered.append(Submission.from_dict(document["doc"]))
                if len(offered) == limit:
                    break
        await waiting.close()
        return offered

    # players' reports

    async def save_report(self, report: Report) -> bool:
        return await self._insert_once(
            "reports",
            {
                "_id": {
                    "battle_id": report.battle_id,
                    "question_id": report.question_id,
                    "reporter_id": report.reporter_id,
                },
                "kind": report.kind.value,
                "typed": report.typed,
                "at": report.at,
                "status": report.status.value,
                "resolved_by": report.resolved_by,
                "resolved_at": report.resolved_at,
                "note": report.note,
            },
        )

    async def reports(
        self, status: ReportStatus = ReportStatus.OPEN, limit: int = 100
    ) -> list[Report]:
        documents = await listed(
            self._collection("reports"),
            {"status": status.value},
            sort=[("at", 1), ("_id.battle_id", 1)],
            limit=limit,
        )
        return [_report_of(document) for document in documents]

    async def settle_reports(self, now: float, wait: float) -> None:
        waiting = await listed(
            self._collection("reports"), {"status": ReportStatus.UNVERIFIED.value}
        )
        if not waiting:
            return
        battle_ids = sorted({document["_id"]["battle_id"] for document in waiting})
        stored = {
            document["_id"]
            for document in await listed(
                self._collection("battles"), {"_id": {"$in": battle_ids}}, projection={"_id": 1}
            )
        }
        due = [
            document
            for document in waiting
            if document["at"] <= now - wait or document["_id"]["battle_id"] in stored
        ]
        if not due:
            return
        reporters = sorted({document["_id"]["reporter_id"] for document in due})
        accounts = {
            document["_id"]: document["account_id"]
            for document in await listed(
                self._collection("merged_guests"), {"_id": {"$in": reporters}}
            )
        }
        met = {
            (document["_id"]["user_id"], document["_id"]["battle_id"], document["question_id"])
            for document in await listed(
                self._collection("question_history"),
                {"_id.battle_id": {"$in": sorted(stored)}},
                projection={"question_id": 1},
            )
        }
        settled = []
        for document in due:
            key = document["_id"]
            people = (key["reporter_id"], accounts.get(key["reporter_id"]))
            confirmed = any((who, key["battle_id"], key["question_id"]) in met for who in people)
            status = ReportStatus.OPEN if confirmed else ReportStatus.EXPIRED
            settled.append(
                UpdateOne(
                    {"_id": key, "status": ReportStatus.UNVERIFIED.value},
                    {"$set": {"status": status.value}},
                )
            )
        await self._collection("reports").bulk_write(settled)

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
        closed = await self._collection("reports").update_one(
            {
                "_id": {
                    "battle_id": battle_id,
                    "question_id": question_id,
                    "reporter_id": reporter_id,
                },
                "status": {"$in": [ReportStatus.OPEN.value, ReportStatus.UNVERIFIED.value]},
            },
            {"$set": {"status": status.value, "resolved_by": by, "resolved_at": at, "note": note}},
        )
        return closed.matched_count == 1

    # contributor points

    async def award_points(self, awards: Sequence[PointAward]) -> None:
        if not awards:
            return
        documents = [
            {
                "_id": {"user_id": a.user_id, "question_id": a.question_id, "why": a.why},
                "points": a.points,
            }
            for a in awards
        ]
        try:
            await self._collection("contributor_points").insert_many(documents, ordered=False)
        except BulkWriteError as error:
            # Points already granted stay as they are; anything else is a failure.
            if any(e["code"] != _DUPLICATE_KEY for e in error.details["writeErrors"]):
                raise

    async def contributors(self, limit: int = 50) -> list[ContributorScore]:
        if limit == 0:
            return []
        pipeline: list[Document] = [
            {"$group": {"_id": "$_id.user_id", "points": {"$sum": "$points"}}},
            {
                "$lookup": {
                    "from": "users",
                    "localField": "_id",
                    "foreignField": "_id",
                    "as": "user",
                }
            },
            {
                "$project": {
                    "points": 1,
                    "nickname": {"$ifNull": [{"$arrayElemAt": ["$user.nickname", 0]}, "$_id"]},
                }
            },
            {"$sort": {"points": -1, "nickname": 1, "_id": 1}},
        ]
        if limit > 0:
            pipeline.append({"$limit": limit})
        cursor = await self._collection("contributor_points").aggregate(pipeline)
        return [
            ContributorScore(row["_id"], row["nickname"], row["points"])
            for row in await cursor.to_list(None)
        ]


def _submission_document(submission: Submission) -> Document:
    return {
        "_id": submission.id,
        "author_id": submission.author_id,
        "state": submission.state.value,
        "created_at": submission.created_at,
        "updated_at": submission.updated_at,
        "round": submission.round,
        "doc": submission.to_dict(),
        "duplicate_key": duplicate_key(submission.question),
    }


def _report_of(document: Document) -> Report:
    key = document["_id"]
    return Report(
        key["battle_id"],
        key["question_id"],
        key["reporter_id"],
        ReportKind(document["kind"]),
        document["typed"],
        document["at"],
        ReportStatus(document["status"]),
        document["resolved_by"],
        document["resolved_at"],
        document["note"],
    )
