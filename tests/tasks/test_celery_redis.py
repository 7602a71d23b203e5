"""Celery for real: a redis-server of our own, `python app.py worker`, and a game process.

A sign-in mail goes end to end; a task published twice sends one mail; a pickled task is refused.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.signin import new_token
from settings import load_settings
from store.sqlite import SQLiteStore
from tasks.app import make_celery
from tasks.queue import SEND_MAIL
from tasks.signin_mail import mail_key
from tests.conftest import LiveServer, start_server, stop_server
from tests.tasks.mailflow import (
    Visitor,
    Worker,
    link_in,
    mails_in,
    running_worker,
    wait_for,
    wait_for_mail_to,
)

PICKLE_REFUSED = "Refusing to deserialize untrusted content of type pickle"


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("celery-redis-var")


@pytest.fixture(scope="module")
def worker(var_dir: Path, redis_url: str) -> Iterator[Worker]:
    with running_worker(var_dir, redis_url) as running:
        yield running
    # The only traceback allowed is the refusal of the pickled task.
    log = running.log()
    assert log.count("Traceback") == log.count(f"ContentDisallowed: {PICKLE_REFUSED}"), log


@pytest.fixture(scope="module")
def server(worker: Worker) -> Iterator[LiveServer]:
    live = start_server(worker.var_dir, extra_env={"KWISSLE_BROKER_URL": worker.broker_url})
    yield live
    stop_server(live)
    assert "Traceback" not in live.log(), live.log()


def store_a_link(var_dir: Path, secret: str, address: str) -> str:
    """Save a fresh sign-in link straight into the store the worker reads; returns its id."""
    token = new_token(secret, address, "nonce", None, time.time())

    async def save() -> None:
        store = SQLiteStore(var_dir / "kwissle.db")
        await store.open()
        await store.save_signin_token(token)
        await store.close()

    asyncio.run(save())
    return token.id


def publish(worker: Worker, *args: str, serializer: str = "json") -> None:
    settings = load_settings({"KWISSLE_VAR": str(worker.var_dir)}, broker_url=worker.broker_url)
    make_celery(settings).send_task(SEND_MAIL, args=list(args), serializer=serializer)


def test_a_sign_in_mail_goes_from_the_form_through_redis_and_the_worker(server, worker):
    visitor = Visitor(server.base_url)
    visitor.ask_link("redis.reader@example.org")

    mail = wait_for_mail_to(worker.var_dir / "outbox", "redis.reader@example.org")
    visitor.get(link_in(mail))

    assert visitor.account_email() == "redis.reader@example.org"


def test_a_task_published_twice_sends_one_mail(worker):
    token_id = store_a_link(worker.var_dir, "twice-secret", "twice@example.org")

    publish(worker, token_id, "http://kwissle.test/signin/twice-secret")
    publish(worker, token_id, "http://kwissle.test/signin/twice-secret")

    wait_for("the second delivery", lambda: worker.log().count(f"{token_id[:12]}: ") == 2 or None)
    sent = [m for m in mails_in(worker.var_dir / "outbox") if m["To"] == "twice@example.org"]
    assert len(sent) == 1 and f"{token_id[:12]}: already sent" in worker.log()


def test_a_pickled_task_is_refused_and_sends_nothing(worker):
    token_id = store_a_link(worker.var_dir, "pickle-secret", "pickle@example.org")

    publish(worker, token_id, "http://kwissle.test/signin/pickle-secret", serializer="pickle")

    wait_for("the refusal", lambda: PICKLE_REFUSED in worker.log() or None)
    assert not (worker.var_dir / "outbox" / f"{mail_key(token_id)}.eml").exists()
