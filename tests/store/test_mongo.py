"""What the Mongo adapter promises beyond the contract: its time limits, its layout, and on a real
server the indexes its hot queries use, the write concern of durable writes, and transactions.

The last three need a real server (KWISSLE_TEST_MONGO_URL, a replica set); on the emulator they
are skipped with the reason, since it has no query planner, no replicas and no transactions.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from typing import Any

import pytest
from pymongo import monitoring
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import PyMongoError

from game.fair_play import Signal, SignalKind
from game.pipeline import Action, Review, Verdict, new_submission, transition
from store.factory import make_store
from store.mongo import MongoStore
from store.mongo.connection import connect
from store.mongo.layout import COLLECTIONS
from store.sqlite import SQLiteStore
from tests.store.conftest import mongo_url_for, real_server_only
from tests.store.samples import make_battle, make_question

NOON = 20_000 * 86_400 + 12 * 3_600.0
# Fields of a recorded command that belong to its session or transaction, not to its query.
_SESSION_FIELDS = {
    "lsid",
    "txnNumber",
    "autocommit",
    "startTransaction",
    "$clusterTime",
    "$db",
    "readConcern",
    "writeConcern",
    "$readPreference",
    "maxTimeMS",
}
_EXPLAINABLE = {"find", "aggregate", "update", "delete", "findAndModify", "count", "distinct"}


class Recorder(monitoring.CommandListener):
    """Every command the client sends, in order."""

    def __init__(self) -> None:
        self.commands: list[tuple[str, dict[str, Any]]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.commands.append((event.command_name, dict(event.command)))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
def recorded(tmp_path, run):
    """A store on a real server whose commands are recorded, and the recorder."""
    url = mongo_url_for(tmp_path)
    recorder = Recorder()
    store = MongoStore(url, client=connect(url, event_listeners=[recorder]))
    run(store.open())
    yield store, recorder
    run(store.close())


def test_a_mongodb_url_makes_a_store_on_the_database_it_names(tmp_path, run):
    store = make_store("mongodb://127.0.0.1:1/kwissle_elsewhere", tmp_path / "unused.db")

    assert isinstance(store, MongoStore)
    assert store.database.name == "kwissle_elsewhere"
    run(store.close())


def test_a_store_whose_server_cannot_be_reached_fails_within_its_time_limit(run):
    store = MongoStore("mongodb://127.0.0.1:1/kwissle", timeout=0.5)
    started = time.monotonic()

    with pytest.raises(PyMongoError):
        run(store.open())

    assert time.monotonic() - started < 5.0
    run(store.close())


def test_every_table_of_the_sqlite_store_is_a_collection_keyed_by_its_primary_key(tmp_path, run):
    sqlite = SQLiteStore(tmp_path / "kwissle.db")
    run(sqlite.open())
    run(sqlite.close())
    with closing(sqlite3.connect(tmp_path / "kwissle.db")) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        keys = {
            table: tuple(
                name
                for _pk, name in sorted(
                    (pk, name)
                    for _cid, name, _type, _nn, _default, pk in db.execute(
                        f"PRAGMA table_info({table})"
                    )
                    if pk
                )
            )
            for table in tables
        }

    assert {layout.name: layout.key for layout in COLLECTIONS} == keys


# real server only


def _explain(command_name: str, command: dict[str, Any]) -> list[dict[str, Any]]:
    """The explain commands for one recorded command (one per statement of a bulk write)."""
    query = {k: v for k, v in command.items() if k not in _SESSION_FIELDS}
    for statements in ("updates", "deletes"):
        if statements in query:
            return [{**query, statements: [one]} for one in query[statements]]
    return [query] if command_name in _EXPLAINABLE else []


def _stages(plan: Any) -> set[str]:
    """Every stage named in the winning plans of an explain output."""
    if isinstance(plan, list):
        return set().union(*(_stages(item) for item in plan)) if plan else set()
    if not isinstance(plan, dict):
        return set()
    found = {plan["stage"]} if isinstance(plan.get("stage"), str) else set()
    for key, value in plan.items():
        if key != "rejectedPlans":
            found |= _stages(value)
    return found


@real_server_only("the emulator has no query planner, so explain() shows no index")
def test_the_hot_queries_use_an_index(recorded, run):
    store, recorder = recorded
    for question_id in ("q1", "q2", "q3"):
        run(store.upsert_question(make_question(question_id)))
    run(store.add_submission(*new_submission(make_question("u1", published=False), "ann", NOON)))
    run(store.start_session("s1", "ann", now=NOON, expires_at=NOON + 3_600))
    recorder.commands.clear()

    # pick questions, record a battle, the review queue, a session, the reports' aggregations
    run(store.published_questions("science"))
    run(store.question_stats(["q1", "q2"]))
    run(store.recent_question_ids("ann", limit=200, since=NOON - 86_400))
    run(store.record_battle(make_battle("b1", finished_at=NOON, question_ids=["q1", "q2"])))
    run(store.reviewable_submissions("bob"))
    run(store.save_review(Review("u1", "bob", Verdict.CORRECT, 4, 2, "", NOON + 1)))
    run(store.moderation_queue())
    run(store.session_user("s1", NOON + 1))
    run(store.question_play_between(20_000, 20_000, "science"))
    run(store.near_misses_between(20_000, 20_000))
    run(store.activity_between(NOON - 3_600, NOON + 3_600))
    run(store.reveal_latencies_between(NOON - 3_600, NOON + 3_600))
    run(store.report_counts_between(NOON - 3_600, NOON + 3_600))
    # the fair-play review of that battle, and the moderators' list of signals
    run(store.meetings("ann", "bob", NOON - 86_400))
    run(store.add_fair_play_signals([Signal(SignalKind.TOO_FAST, "ann", "b1", NOON, "90 ms")]))
    run(store.fair_play_signals())
    run(store.fair_play_signals(SignalKind.TOO_FAST))
    run(store.count_fair_play_signals(SignalKind.TOO_FAST))

    explained = [
        (name, query, run(store.database.command("explain", query, verbosity="queryPlanner")))
        for name, command in recorder.commands
        for query in _explain(name, command)
    ]
    assert len(explained) > 20
    scans = [(name, query) for name, query, plan in explained if "COLLSCAN" in _stages(plan)]
    assert scans == []


@real_server_only("the emulator has no replicas and no journal, so no write concern applies")
def test_battles_submissions_reviews_and_decisions_wait_for_a_majority_and_the_journal(
    recorded, run
):
    store, recorder = recorded
    submission, change = new_submission(make_question("u1", published=False), "ann", NOON)

    run(store.record_battle(make_battle("b1", finished_at=NOON)))
    run(store.add_submission(submission, change))
    run(store.save_review(Review("u1", "bob", Verdict.CORRECT, 4, 2, "", NOON + 1)))
    run(store.change_submission(*transition(submission, Action.PUBLISH, by="mod", now=NOON + 2)))

    durable = [
        command["writeConcern"]
        for name, command in recorder.commands
        # A write inside a transaction carries no concern (autocommit: false); its commit does.
        if name == "commitTransaction" or (name == "insert" and "autocommit" not in command)
    ]
    assert len(durable) == 4  # three transactions committed, one review inserted
    assert all(concern == {"w": "majority", "j": True} for concern in durable)


@real_server_only("the emulator has no transactions, so nothing is rolled back")
def test_a_battle_whose_write_fails_half_way_leaves_nothing_behind(recorded, run, monkeypatch):
    store, _ = recorded
    bulk_write = AsyncCollection.bulk_write

    async def failing(self, requests, *args, **kwargs):
        if self.name == "question_history":
            raise RuntimeError("the process died here")
        return await bulk_write(self, requests, *args, **kwargs)

    monkeypatch.setattr(AsyncCollection, "bulk_write", failing)

    with pytest.raises(RuntimeError):
        run(store.record_battle(make_battle("b1", finished_at=NOON)))

    assert run(store.get_battle("b1")) is None
    assert run(store.question_stats(["q1", "q2"])) == {}
    assert run(store.activity_between(NOON - 3_600, NOON + 3_600)).battles == 0
