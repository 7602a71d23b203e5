"""Delivering sign-in mail without Celery: re-read the link, send once, skip spent links."""

from __future__ import annotations

import asyncio
import email
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from game.signin import LINK_LIFETIME, new_token
from store.sqlite import SQLiteStore
from tasks.mail import FileBackend, Mail, MailError
from tasks.signin_mail import Delivery, deliver_signin_link

LINK = "http://kwissle.test/signin/the-secret"
T0 = 1_000.0
TOKEN = new_token("the-secret", "ann@example.org", "nonce", None, T0)


@pytest.fixture
def runner() -> Iterator[asyncio.Runner]:
    with asyncio.Runner() as runner:
        yield runner


@pytest.fixture
def store(tmp_path: Path, runner: asyncio.Runner) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "kwissle.db")
    runner.run(store.open())
    runner.run(store.save_signin_token(TOKEN))
    yield store
    runner.run(store.close())


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


class FailsOnce:
    """A backend whose first send fails the way an unreachable mail server does."""

    def __init__(self, then: FileBackend) -> None:
        self.then = then
        self.failed = False

    def send(self, mail: Mail) -> None:
        if not self.failed:
            self.failed = True
            raise MailError("connection refused")
        self.then.send(mail)


def deliver(runner, store, backend, now: float = T0 + 1) -> Delivery:
    return runner.run(deliver_signin_link(store, backend, TOKEN.id, LINK, now))


def test_the_link_is_mailed_to_its_address_as_an_eml_file(runner, store, outbox):
    delivery = deliver(runner, store, FileBackend(outbox, "Kwissle <k@kwissle.test>"))

    (path,) = outbox.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes())
    assert delivery is Delivery.SENT
    assert message["To"] == "ann@example.org" and message["From"] == "Kwissle <k@kwissle.test>"
    assert LINK in message.get_payload(decode=True).decode()


def test_a_task_delivered_twice_sends_one_mail(runner, store, outbox):
    backend = FileBackend(outbox, "k@kwissle.test")
    deliver(runner, store, backend)
    for path in outbox.glob("*.eml"):
        path.unlink()  # so a second write would show

    assert deliver(runner, store, backend) is Delivery.ALREADY_SENT

    assert list(outbox.glob("*.eml")) == []


def test_no_mail_goes_for_a_link_already_used(runner, store, outbox):
    runner.run(store.use_signin_token(TOKEN.id, T0 + 1))

    assert deliver(runner, store, FileBackend(outbox, "k@kwissle.test")) is Delivery.LINK_GONE

    assert not outbox.exists()


def test_no_mail_goes_for_an_expired_link(runner, store, outbox):
    late = T0 + LINK_LIFETIME

    assert deliver(runner, store, FileBackend(outbox, "k@kwissle.test"), late) is Delivery.LINK_GONE


def test_no_mail_goes_for_an_unknown_link(runner, store, outbox):
    other = replace(TOKEN, id="0" * 64)

    delivery = runner.run(
        deliver_signin_link(store, FileBackend(outbox, "k"), other.id, LINK, T0 + 1)
    )

    assert delivery is Delivery.LINK_GONE


def test_a_failed_send_can_be_retried_and_then_sends(runner, store, outbox):
    backend = FailsOnce(FileBackend(outbox, "k@kwissle.test"))
    with pytest.raises(MailError):
        deliver(runner, store, backend)

    assert deliver(runner, store, backend) is Delivery.SENT

    assert len(list(outbox.glob("*.eml"))) == 1


def test_the_file_backend_logs_the_link(runner, store, outbox, caplog):
    with caplog.at_level(logging.INFO, logger="kwissle.mail"):
        deliver(runner, store, FileBackend(outbox, "k@kwissle.test"))

    assert [r.getMessage() for r in caplog.records if LINK in r.getMessage()]
