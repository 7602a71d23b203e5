"""A browser's cookie jar over AsyncHTTPTestCase.fetch, for page tests that sign in and out."""

from __future__ import annotations

import re
import tempfile
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tornado.httpclient import HTTPResponse
from tornado.testing import AsyncHTTPTestCase

from bus.local import LocalPool, LocalRelay, LocalRouter
from handlers.application import make_game_app
from settings import load_settings
from sockets.arena import Arena, ArenaConfig
from store.sqlite import SQLiteStore
from tasks.queue import MailQueue


class CookieClient:
    """Keeps the cookies the app sets, sends them back, and fills in the XSRF field of forms."""

    def __init__(self, case: AsyncHTTPTestCase) -> None:
        self.case = case
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> HTTPResponse:
        return self.fetch(path)

    def post(self, path: str, **fields: str) -> HTTPResponse:
        if "_xsrf" not in self.cookies:
            self.get("/signin")
        body = urlencode({**fields, "_xsrf": self.cookies["_xsrf"]})
        return self.fetch(path, method="POST", body=body)

    def fetch(self, path: str, **kwargs: Any) -> HTTPResponse:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = self.case.fetch(
            path,
            headers={"Cookie": cookie} if cookie else {},
            follow_redirects=False,
            raise_error=False,
            **kwargs,
        )
        for header in response.headers.get_list("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response


def page_text(response: HTTPResponse) -> str:
    return response.body.decode()


def signed_in_email(client: CookieClient) -> str | None:
    """The address the account page shows, or None when the client is not signed in."""
    response = client.get("/account")
    if response.code != 200:
        return None
    found = re.search(r"<dt>Email</dt><dd>([^<]*)</dd>", page_text(response))
    return found.group(1) if found else None


class RecordingQueue:
    """A MailQueue that keeps what it is given instead of mailing it."""

    def __init__(self) -> None:
        self.links: list[str] = []
        self.rejections: list[tuple[str, float]] = []

    async def send_signin_link(self, token_id: str, link: str) -> None:
        self.links.append(link)

    async def send_rejection_mail(self, question_id: str, rejected_at: float) -> None:
        self.rejections.append((question_id, rejected_at))

    async def close(self) -> None:
        return None


class AppTestCase(AsyncHTTPTestCase):
    """The game app on a real SQLite store in a temp folder, with the mail queue a test picks."""

    https = False

    def make_queue(self) -> MailQueue:
        self.queue = RecordingQueue()
        return self.queue

    def get_app(self):  # type: ignore[no-untyped-def]
        self.var = Path(tempfile.mkdtemp())
        env = {"KWISSLE_VAR": str(self.var), "KWISSLE_HTTPS": "1" if self.https else ""}
        self.settings = load_settings(env)
        self.store = SQLiteStore(self.var / "kwissle.db")
        self.io_loop.run_sync(self.store.open)
        self.relay = relay = LocalRelay()
        arena = Arena(
            store=self.store,
            pool=LocalPool(),
            relay=relay,
            router=LocalRouter(),
            config=ArenaConfig(),
        )
        self.mail_queue = self.make_queue()
        return make_game_app(self.settings, self.store, arena, relay, self.mail_queue)

    def tearDown(self) -> None:
        self.io_loop.run_sync(self.mail_queue.close)
        self.io_loop.run_sync(self.store.close)
        super().tearDown()

    def run_sync(self, coroutine: Any) -> Any:
        return self.io_loop.run_sync(lambda: coroutine)
