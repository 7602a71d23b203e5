"""`store copy`: SQLite to MongoDB and back, every collection, resumable, verified.

MongoDB is the emulator here unless KWISSLE_TEST_MONGO_URL names a real server.
"""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from game.fair_play import Signal, SignalKind
from game.pipeline import PointAward, Report, ReportKind, Review, Verdict, new_submission
from game.record import AttemptEntry, Method, QuestionEntry
from game.signin import new_token
from store.copying import CopyRefused, copy_store, without_password
from store.copying.mongo import MongoRows
from store.copying.progress import ProgressBar
from store.copying.sqlite import SQLiteRows
from store.mongo import MongoStore
from store.mongo.layout import COLLECTIONS
from store.port import Store, User, UserKind
from store.sqlite import SQLiteStore
from tests.store.conftest import ADAPTERS, MONGO_ADAPTER
from tests.store.samples import make_battle, make_question

ROOT = Path(__file__).resolve().parents[2]
NOON = 20_000 * 86_400 + 12 * 3_600.0
ANN = User("ann", "Ann", UserKind.ACCOUNT, "ann@example.org", ("player", "admin"), 1.0)
BOB = User("bob", "Bob", UserKind.ACCOUNT, "bob@example.org", ("player",), 2.0)


def fill(store: Store, run) -> None:
    """Something in every collection, through the port."""
    for user in (ANN, BOB, User("g-1", "Guest")):
        run(store.save_user(user))
    for question in (make_question("q1"), make_question("q2"), make_question("q3", "music")):
        run(store.upsert_question(question))
    run(store.record_battle(make_battle("b1", finished_at=NOON, question_ids=["q1", "q3"])))
    refused = AttemptEntry("bob", Method.TYPED, "Saturn", False, "not the answer", 4_000)
    missed = replace(
        make_battle("b2", finished_at=NOON + 60, players=["g-1", "bob"]),
        questions=(QuestionEntry("q2", (refused,)),),
        winner_id=None,
    )
    run(store.record_battle(missed))
    submission, change = new_submission(make_question("u1", published=False), "ann", NOON)
    run(store.add_submission(submission, change))
    run(store.save_review(Review("u1", "bob", Verdict.CORRECT, 4, 2, "fine", NOON + 1)))
    run(store.save_report(Report("b1", "q1", "ann", ReportKind.AMBIGUOUS, "", NOON + 2)))
    run(store.award_points([PointAward("ann", "u1", 10, "published")]))
    run(store.save_signin_token(new_token("secret", "ann@example.org", "nonce", None, NOON)))
    run(store.start_session("s1", "ann", now=NOON, expires_at=NOON + 3_600))
    run(store.count_hit("signin:ann", NOON, window=60.0))
    run(store.merge_guest("g-1", "ann", NOON + 3))
    run(store.claim_mail("signin-1", NOON))
    run(store.add_reveal_latencies(int(NOON // 3_600), {10: 3}))
    run(store.save_report_result("quality", {"rows": [1, 2], "by_day": {20000: 3}}, NOON))
    run(store.add_fair_play_signals([Signal(SignalKind.TOO_FAST, "bob", "b1", NOON, "90 ms")]))


def snapshot(store: Store, run) -> list[object]:
    """What the port reads back of everything `fill` wrote."""
    return [
        run(store.get_user("ann")),
        run(store.accounts()),
        run(store.all_questions()),
        run(store.get_battle("b1")),
        run(store.battles_of("ann")),
        run(store.question_stats(["q1", "q2", "q3"])),
        run(store.submissions()),
        run(store.question_history("u1")),
        run(store.reviews_of("u1")),
        run(store.reports()),
        run(store.contributors()),
        run(store.session_user("s1", NOON + 1)),
        run(store.rating_of("ann")),
        run(store.player_totals("bob")),
        run(store.category_play_of("ann")),
        run(store.question_play_between(20_000, 20_000)),
        run(store.near_misses_between(20_000, 20_000)),
        run(store.activity_between(NOON - 3_600, NOON + 3_600)),
        run(store.reveal_latencies_between(NOON - 3_600, NOON + 3_600)),
        run(store.cached_report_result("quality")),
        run(store.fair_play_signals()),
    ]


@pytest.fixture
def mongo_rows(tmp_path):
    """Rows of a Mongo store on this test's data, and the factory of that store."""

    def make() -> MongoRows:
        store = ADAPTERS[MONGO_ADAPTER](tmp_path / "mongo")
        assert isinstance(store, MongoStore)
        return MongoRows(store, f"{MONGO_ADAPTER} of {tmp_path.name}")

    return make


def copied(source, target, run, *, replace: bool = False):
    async def opened_copy():
        await source.open()
        await target.open()
        try:
            return await copy_store(source, target, ProgressBar(io.StringIO()), replace=replace)
        finally:
            await source.close()
            await target.close()

    return run(opened_copy())


def test_a_store_copied_to_mongo_and_back_reads_the_same_everywhere(tmp_path, mongo_rows, run):
    original = SQLiteStore(tmp_path / "original.db")
    run(original.open())
    fill(original, run)
    expected = snapshot(original, run)
    run(original.close())

    there = copied(SQLiteRows(tmp_path / "original.db"), mongo_rows(), run)
    back = copied(mongo_rows(), SQLiteRows(tmp_path / "back.db"), run)

    assert all(check.source[0] > 0 for check in there)  # every collection had something
    assert [check.collection for check in there] == [layout.name for layout in COLLECTIONS]
    assert all(check.agrees for check in there + back)
    assert [check.source for check in there] == [check.target for check in back]
    for store in (ADAPTERS[MONGO_ADAPTER](tmp_path / "mongo"), SQLiteStore(tmp_path / "back.db")):
        run(store.open())
        assert snapshot(store, run) == expected
        run(store.close())


def test_a_copy_into_a_store_that_holds_data_is_refused_unless_replacing_it(
    tmp_path, mongo_rows, run
):
    source = SQLiteStore(tmp_path / "source.db")
    run(source.open())
    fill(source, run)
    run(source.close())
    target = ADAPTERS[MONGO_ADAPTER](tmp_path / "mongo")
    run(target.open())
    run(target.save_user(User("zed", "Zed")))
    run(target.close())

    with pytest.raises(CopyRefused, match="holds data"):
        copied(SQLiteRows(tmp_path / "source.db"), mongo_rows(), run)
    verified = copied(SQLiteRows(tmp_path / "source.db"), mongo_rows(), run, replace=True)

    assert all(check.agrees for check in verified)
    replaced = ADAPTERS[MONGO_ADAPTER](tmp_path / "mongo")
    run(replaced.open())
    assert run(replaced.get_user("zed")) is None
    run(replaced.close())


class Interrupted(Exception):
    """Stands for Ctrl-C in the middle of a copy."""


def test_an_interrupted_copy_resumes_where_it_stopped(tmp_path, mongo_rows, run):
    source = SQLiteStore(tmp_path / "source.db")
    run(source.open())
    fill(source, run)
    run(source.close())
    written: list[str] = []

    def target_that_fails_after(batches: int) -> MongoRows:
        target = mongo_rows()
        write = target.write

        async def counted_write(collection, rows):
            if len(written) == batches:
                raise Interrupted
            written.append(collection)
            await write(collection, rows)

        target.write = counted_write  # type: ignore[method-assign]
        return target

    with pytest.raises(Interrupted):
        copied(SQLiteRows(tmp_path / "source.db"), target_that_fails_after(5), run)
    first_run = list(written)
    verified = copied(SQLiteRows(tmp_path / "source.db"), target_that_fails_after(-1), run)

    assert all(check.agrees for check in verified)
    assert set(written[len(first_run) :]).isdisjoint(first_run)  # nothing copied twice
    assert len(written) == len(COLLECTIONS)  # one batch each, all small


def test_the_copy_marker_keeps_no_password():
    assert without_password("mongodb://kw:secret@db1,db2/kwissle?replicaSet=rs") == (
        "mongodb://db1,db2/kwissle?replicaSet=rs"
    )


def test_the_command_copies_with_a_progress_bar_and_refuses_to_copy_over_data(tmp_path, run):
    source = SQLiteStore(tmp_path / "source.db")
    run(source.open())
    fill(source, run)
    run(source.close())
    command = [
        sys.executable,
        str(ROOT / "app.py"),
        "--var",
        str(tmp_path / "var"),
        "store",
        "copy",
        "--from",
        f"sqlite:///{tmp_path / 'source.db'}",
        "--to",
        f"sqlite:///{tmp_path / 'copy.db'}",
    ]

    first = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    again = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)

    assert first.returncode == 0, first.stderr
    assert "battles                  [##############################] 2/2" in first.stderr
    assert first.stderr.rstrip().endswith("verified")
    assert (again.returncode, again.stderr.strip()) == (
        1,
        f"store copy: refused: sqlite:///{tmp_path / 'copy.db'} holds data;"
        " --replace empties it first",
    )
