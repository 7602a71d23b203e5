"""When the broker cannot be reached, asking for a link fails at once and leaves nothing behind."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import replace

from tasks.app import CONNECT_TIMEOUT, make_celery
from tasks.queue import CeleryQueue, MailQueue
from tests.accounts.client import AppTestCase, CookieClient, page_text
from tests.conftest import free_port


class BrokerDownTest(AppTestCase):
    def make_queue(self) -> MailQueue:
        # A port nobody listens on: connecting is refused, as when Redis is down.
        dead = replace(self.settings, broker_url=f"redis://127.0.0.1:{free_port()}/0")
        return CeleryQueue(make_celery(dead))

    def test_asking_for_a_link_answers_at_once_with_a_clear_error(self):
        started = time.monotonic()

        response = CookieClient(self).post("/signin", email="ann@example.org")

        assert time.monotonic() - started < CONNECT_TIMEOUT + 1
        assert response.code == 503 and "Mail cannot be sent right now" in page_text(response)

    def test_a_link_that_could_not_be_queued_is_not_kept(self):
        client = CookieClient(self)

        client.post("/signin", email="ann@example.org")

        with closing(sqlite3.connect(self.var / "kwissle.db")) as db:
            assert db.execute("SELECT count(*) FROM signin_tokens").fetchone() == (0,)
        assert "kwissle_signin" not in client.cookies
