"""A moderator's rejection mailed to the author: the admin process, a real broker, a real worker.

With Redis and `python app.py worker` running, rejecting through the admin page ends with an
.eml in var/outbox. With the broker down, the rejection is stored whole all the same and the
moderator is told that the mail did not go.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from game.pipeline import Action, State, new_submission
from tasks.app import CONNECT_TIMEOUT
from tests.conftest import free_port
from tests.pipeline.live import Client, account, signed_in, start_admin, with_store
from tests.store.samples import make_question
from tests.tasks.mailflow import Worker, running_worker, wait_for_mail_to

QUESTION = 'Which planet has a moon called <Io> & "Europa"?'
REASON = "Io & Europa are Jupiter's: <ask> which planet, not which moons."
AUTHOR = account("ann", nickname="Ann")


@dataclass
class Admin:
    url: str
    var_dir: Path
    log_path: Path
    moderator: Client

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def reject(self, question_id: str) -> tuple[int, str]:
        """Reject through the queue page's form; returns the status and where it redirects."""
        form = {"action": "reject", "why": REASON, "_xsrf": self.moderator.cookies["_xsrf"]}
        url = f"{self.url}/admin/queue/{question_id}"
        status, _, headers = self.moderator.request(url, urlencode(form).encode())
        return status, headers.get("Location", "")


def submitted(var_dir: Path, question_id: str) -> str:
    """Store AUTHOR's question, waiting for a decision; returns its id."""

    async def write(store: Any) -> None:
        await store.save_user(AUTHOR)
        question = make_question(question_id, "space", published=False, text=QUESTION)
        await store.add_submission(*new_submission(question, AUTHOR.id, time.time()))

    with_store(var_dir, write)
    return question_id


@pytest.fixture
def admin_on(tmp_path: Path) -> Iterator[Any]:
    """Starts `python app.py admin` on a broker, with a signed-in moderator; stops it after."""
    started: list[Any] = []

    def start(broker_url: str, var_dir: Path = tmp_path) -> Admin:
        url, process, log_path = start_admin(var_dir, KWISSLE_BROKER_URL=broker_url)
        started.append(process)
        secret = (var_dir / "cookie_secret").read_text().strip()
        moderator = signed_in(var_dir, secret, account("mod", "moderator"))
        return Admin(url, var_dir, log_path, moderator)

    yield start
    for process in started:
        process.terminate()
        process.wait(10)


@pytest.fixture
def worker(tmp_path: Path, redis_url: str) -> Iterator[Worker]:
    # A database of its own, so no other test's worker takes these tasks.
    with running_worker(tmp_path, redis_url.rsplit("/", 1)[0] + "/1") as running:
        yield running
    assert "Traceback" not in running.log(), running.log()


def test_a_rejection_reaches_its_author_as_a_mail_sent_by_the_worker(admin_on, worker):
    admin = admin_on(worker.broker_url)
    question_id = submitted(admin.var_dir, "u-moons")

    code, location = admin.reject(question_id)

    mail = wait_for_mail_to(worker.var_dir / "outbox", "ann@example.org")
    body = mail.get_payload(decode=True).decode()
    assert (code, location) == (302, "/admin/queue?notice=rejected")
    assert QUESTION in body and REASON in body
    assert f"rejection mail {question_id}: sent" in worker.log()
    assert "mail to its author queued" in admin.log() and "Traceback" not in admin.log()


def dead_broker() -> str:
    # A port nobody listens on: connecting is refused, as when Redis is down.
    return f"redis://127.0.0.1:{free_port()}/0"


def test_with_the_broker_down_the_moderator_is_told_at_once_that_no_mail_went(admin_on):
    admin = admin_on(dead_broker())
    question_id = submitted(admin.var_dir, "u-moons")
    started = time.monotonic()

    code, location = admin.reject(question_id)

    assert code == 302 and time.monotonic() - started < CONNECT_TIMEOUT + 1
    _, queue = admin.moderator.get(admin.url + location)
    assert "the mail to its author could not be queued" in queue
    assert "its mail not queued" in admin.log() and "Traceback" not in admin.log()


def test_with_the_broker_down_the_rejection_is_stored_whole_and_no_mail_is_claimed(admin_on):
    admin = admin_on(dead_broker())
    question_id = submitted(admin.var_dir, "u-moons")

    admin.reject(question_id)

    async def read(store: Any) -> tuple[Any, ...]:
        submission = await store.get_submission(question_id)
        history = await store.question_history(question_id)
        return submission, [c.action for c in history], await store.contributors()

    submission, actions, board = with_store(admin.var_dir, read)
    assert submission.state is State.REJECTED and submission.reason == REASON
    assert actions == [Action.SUBMIT, Action.REJECT]
    assert [(s.user_id, s.points) for s in board] == [("ann", -5)]
    with closing(sqlite3.connect(admin.var_dir / "kwissle.db")) as db:
        assert db.execute("SELECT count(*) FROM mail_claims").fetchone() == (0,)
    assert not (admin.var_dir / "outbox").exists()
