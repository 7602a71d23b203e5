"""Mailing a rejection without Celery: re-read the rejection, send once per rejection."""

from __future__ import annotations

import asyncio
import email
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from game.pipeline import Action, Change, State, new_submission, transition
from store.port import User, UserKind
from store.sqlite import SQLiteStore
from tasks.mail import FileBackend
from tasks.rejection_mail import SUBJECT, Delivery, deliver_rejection
from tests.store.samples import make_question

PUBLIC_URL = "http://kwissle.test"
QUESTION = "Is <b>Pluto</b> a planet & a moon?"
REASON = 'Pluto is a "dwarf planet" <since 2006>.\nNo moon & no planet.'
T_SUBMIT, T_REJECT = 100.0, 200.0
ANN = User("ann", "Ann", UserKind.ACCOUNT, "ann@example.org")


@pytest.fixture
def runner() -> Iterator[asyncio.Runner]:
    with asyncio.Runner() as runner:
        yield runner


@pytest.fixture
def store(tmp_path: Path, runner: asyncio.Runner) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "kwissle.db")
    runner.run(store.open())
    yield store
    runner.run(store.close())


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


def rejected(runner, store, author: User = ANN) -> str:
    """Store `author`'s question, rejected by a moderator at T_REJECT; returns its id."""
    question = make_question("u-pluto", published=False, text=QUESTION)
    submission, created = new_submission(question, author.id, T_SUBMIT)
    moved, change = transition(submission, Action.REJECT, by="mod", now=T_REJECT, why=REASON)
    runner.run(store.save_user(author))
    runner.run(store.add_submission(submission, created))
    runner.run(store.change_submission(moved, change))
    return submission.id


def deliver(runner, store, outbox: Path, question_id: str, rejected_at: float) -> Delivery:
    backend = FileBackend(outbox, "Kwissle <k@kwissle.test>")
    coroutine = deliver_rejection(store, backend, question_id, rejected_at, 1e6, PUBLIC_URL)
    return runner.run(coroutine)


def body_of(message: email.message.Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_the_author_is_mailed_the_question_and_the_reason_in_plain_text(runner, store, outbox):
    question_id = rejected(runner, store)

    delivery = deliver(runner, store, outbox, question_id, T_REJECT)

    (path,) = outbox.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes())
    assert delivery is Delivery.SENT
    assert message["To"] == "ann@example.org" and message["Subject"] == SUBJECT
    assert message.get_content_type() == "text/plain" and not message.is_multipart()
    body = body_of(message)
    assert QUESTION in body and REASON in body and "&lt;" not in body
    assert f"{PUBLIC_URL}/questions/mine" in body


def test_a_task_delivered_twice_sends_one_mail(runner, store, outbox):
    question_id = rejected(runner, store)
    deliver(runner, store, outbox, question_id, T_REJECT)
    for path in outbox.glob("*.eml"):
        path.unlink()  # so a second write would show

    delivery = deliver(runner, store, outbox, question_id, T_REJECT)

    assert delivery is Delivery.ALREADY_SENT and list(outbox.glob("*.eml")) == []


def rejected_again(runner, store, question_id: str, at: float, why: str) -> None:
    """Send the rejected question back to the reviewers, then reject it again at `at`.

    Today's rules end a question at its rejection, so the resubmission is written straight into
    the history, as a later rule allowing it would write it.
    """
    first = runner.run(store.get_submission(question_id))
    back = Change(question_id, Action.SUBMIT, State.REJECTED, State.SUBMITTED, "ann", at - 1)
    runner.run(store.change_submission(replace(first, state=State.SUBMITTED), back))
    resubmitted = runner.run(store.get_submission(question_id))
    moved, change = transition(resubmitted, Action.REJECT, by="mod", now=at, why=why)
    runner.run(store.change_submission(moved, change))


def test_a_later_rejection_of_the_same_question_sends_again(runner, store, outbox):
    question_id = rejected(runner, store)
    deliver(runner, store, outbox, question_id, T_REJECT)
    rejected_again(runner, store, question_id, 400.0, "Still not a planet.")

    delivery = deliver(runner, store, outbox, question_id, 400.0)

    bodies = [body_of(email.message_from_bytes(p.read_bytes())) for p in outbox.glob("*.eml")]
    assert delivery is Delivery.SENT and len(bodies) == 2
    assert sum("Still not a planet." in body for body in bodies) == 1


def test_no_mail_goes_for_a_rejection_the_store_does_not_hold(runner, store, outbox):
    question_id = rejected(runner, store)

    delivery = deliver(runner, store, outbox, question_id, T_REJECT + 1)

    assert delivery is Delivery.NO_SUCH_REJECTION and not outbox.exists()


def test_no_mail_goes_to_an_author_without_an_address(runner, store, outbox):
    question_id = rejected(runner, store, User("g-1", "Guest"))

    delivery = deliver(runner, store, outbox, question_id, T_REJECT)

    assert delivery is Delivery.NO_ADDRESS and not outbox.exists()
