"""What the SQLite adapter promises beyond the contract: its file, its schema, its thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from contextlib import closing

import pytest

from store.port import User
from store.sqlite import SCHEMA_VERSION, SchemaVersionError, SQLiteStore
from store.sqlite.connection import _MIGRATIONS, _REPORTS_SCHEMA, dumps
from tests.store.samples import make_battle, make_question


@pytest.fixture
def path(tmp_path):
    return tmp_path / "var" / "data" / "kwissle.db"


def pragma(path, name: str):
    with closing(sqlite3.connect(path)) as db:
        return db.execute(f"PRAGMA {name}").fetchone()[0]


def test_opening_creates_the_file_and_its_missing_folders(path, run):
    store = SQLiteStore(path)

    run(store.open())
    run(store.close())

    assert path.is_file()


def test_the_file_is_in_write_ahead_log_mode(path, run):
    store = SQLiteStore(path)

    run(store.open())
    run(store.close())

    assert pragma(path, "journal_mode") == "wal"


def test_the_file_records_its_schema_version(path, run):
    store = SQLiteStore(path)

    run(store.open())
    run(store.close())

    assert pragma(path, "user_version") == SCHEMA_VERSION


def test_a_file_from_a_newer_schema_is_refused(path, run):
    path.parent.mkdir(parents=True)
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    store = SQLiteStore(path)

    with pytest.raises(SchemaVersionError):
        run(store.open())

    run(store.close())


def test_every_statement_runs_on_one_thread_that_is_not_the_event_loop(path, run, monkeypatch):
    statement_threads: set[str] = set()
    connect = sqlite3.connect

    def traced_connect(*args, **kwargs):
        db = connect(*args, **kwargs)
        db.set_trace_callback(lambda _sql: statement_threads.add(threading.current_thread().name))
        return db

    monkeypatch.setattr(sqlite3, "connect", traced_connect)
    store = SQLiteStore(path)

    run(store.open())
    run(store.save_user(User("ann", "Ann")))
    run(store.upsert_question(make_question("q1")))
    run(store.record_battle(make_battle("b1")))
    run(store.battles_of("ann"))
    run(store.close())

    assert len(statement_threads) == 1
    assert threading.current_thread().name not in statement_threads


def test_two_stores_on_one_file_write_a_battle_once_between_them(path, run):
    # Two handles on one file stand for two processes, which the executor cannot serialise.
    first, second = SQLiteStore(path), SQLiteStore(path)
    battle = make_battle("b1")

    async def record_from_both() -> list[bool]:
        await asyncio.gather(first.open(), second.open())
        results = await asyncio.gather(
            *(store.record_battle(battle) for store in (first, second) for _ in range(10))
        )
        await asyncio.gather(first.close(), second.close())
        return results

    assert run(record_from_both()).count(True) == 1


def test_battles_stored_before_the_reports_existed_get_their_summary_rows(path, run):
    before = _MIGRATIONS.index(_REPORTS_SCHEMA)
    path.parent.mkdir(parents=True)
    with closing(sqlite3.connect(path)) as db:  # a file from the version before the reports
        for statement in (s for migration in _MIGRATIONS[:before] for s in migration):
            db.execute(statement)
        battle = make_battle("b1", finished_at=1_000.0, bots=["bob"])
        db.execute("INSERT INTO battles VALUES (?, ?, ?)", ("b1", 1_000.0, dumps(battle.to_dict())))
        db.execute(f"PRAGMA user_version = {before}")
        db.commit()
    store = SQLiteStore(path)

    run(store.open())

    activity = run(store.activity_between(0, 2_000))
    assert (activity.battles, activity.with_bot, activity.outcomes) == (1, 1, {"finished": 1})
    run(store.close())
