"""A game process and an admin process on one store, and a cookie-keeping client for both.

Accounts are made directly in the store and signed in the way the app signs them in (a session
row keyed by the digest of a random id, and the id in a signed cookie), so these tests need no
mail round trip.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from tornado.web import create_signed_value

from game.signin import digest
from handlers.base import SESSION_COOKIE
from store.port import Store, User, UserKind
from store.sqlite import SQLiteStore
from tests.conftest import ROOT, LiveServer, free_port, start_server, stop_server

T = TypeVar("T")
# Short phases keep a bot battle to a few seconds.
QUICK_TIMING = "countdown=0.1,question=1.5,reveal=0.1,seat_hold=2,rematch=1,late_notice=0.5"


@dataclass
class Site:
    game: LiveServer
    admin_url: str
    admin: subprocess.Popen[bytes]
    admin_log: Path

    @property
    def var_dir(self) -> Path:
        return self.game.var_dir

    def secret(self) -> str:
        return (self.var_dir / "cookie_secret").read_text().strip()

    def logs(self) -> str:
        return self.game.log() + self.admin_log.read_text(errors="replace")


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return
        except urllib.error.HTTPError:
            return  # anything that answers HTTP is up
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"process did not start:\n{log.read_text()}") from None
            time.sleep(0.05)  # polling for the port, not standing in for a condition


def start_admin(var_dir: Path, **env: str) -> tuple[str, subprocess.Popen[bytes], Path]:
    return start_process(var_dir, "admin", **env)


def start_process(
    var_dir: Path, command: str, **env: str
) -> tuple[str, subprocess.Popen[bytes], Path]:
    """`python app.py COMMAND --port P` on a free port; returns its URL, process and log."""
    port = free_port()
    log = var_dir / f"{command}-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "app.py", command, "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "KWISSLE_VAR": str(var_dir), **env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, process, log)
    return f"http://127.0.0.1:{port}", process, log


@contextmanager
def running_site(var_dir: Path, **admin_env: str) -> Iterator[Site]:
    game = start_server(var_dir, timing=QUICK_TIMING, bot_offer=0.2)
    # As in production, the admin process's links to the game site lead to this game process.
    admin_url, admin, admin_log = start_admin(
        var_dir, **{"KWISSLE_PUBLIC_URL": game.base_url, **admin_env}
    )
    site = Site(game, admin_url, admin, admin_log)
    try:
        yield site
    finally:
        admin.terminate()
        admin.wait(10)
        stop_server(game)
    assert "Traceback" not in site.logs(), site.logs()


def with_store(var_dir: Path, use: Callable[[Store], Awaitable[T]]) -> T:
    """Run `use` on a store opened on the site's SQLite file (shared with the processes)."""

    async def scenario() -> T:
        store = SQLiteStore(var_dir / "kwissle.db")
        await store.open()
        try:
            return await use(store)
        finally:
            await store.close()

    # A thread of its own, so callers that run an event loop (Playwright's sync API) can use it.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, scenario()).result()


@dataclass
class Client:
    """Keeps cookies, fills the XSRF field of forms, never follows redirects."""

    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cookies.setdefault("_xsrf", secrets.token_hex(16))

    def request(
        self, url: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str, dict[str, str]]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers = {"Cookie": cookie, **(headers or {})}
        request = urllib.request.Request(url, data=data, headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def get(self, url: str) -> tuple[int, str]:
        status, body, _ = self.request(url)
        return status, body

    def post(self, url: str, **fields: str) -> tuple[int, str]:
        body = urlencode({**fields, "_xsrf": self.cookies["_xsrf"]}).encode()
        status, text, _ = self.request(url, body)
        return status, text

    def post_json(
        self, url: str, payload: Any, *, xsrf: bool = True, address: str | None = None
    ) -> tuple[int, Any]:
        """POST `payload` as JSON; `address` is the client address nginx would pass on."""
        headers = {"Content-Type": "application/json"}
        if address is not None:
            headers["X-Real-IP"] = address
        if xsrf:
            headers["X-XSRFToken"] = self.cookies["_xsrf"]
        status, text, _ = self.request(url, json.dumps(payload).encode(), headers)
        return status, json.loads(text) if text.startswith("{") else text


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def account(user_id: str, *roles: str, nickname: str = "") -> User:
    return User(
        user_id,
        nickname or user_id.title(),
        UserKind.ACCOUNT,
        f"{user_id}@example.org",
        ("player", *roles),
        1.0,
    )


def signed_in(var_dir: Path, secret: str, user: User) -> Client:
    """A client signed in as `user`, who is saved to the store first."""
    session_id = secrets.token_urlsafe(24)

    async def save(store: Store) -> None:
        await store.save_user(user)
        now = time.time()
        await store.start_session(digest(session_id), user.id, now=now, expires_at=now + 3600)

    with_store(var_dir, save)
    cookie = create_signed_value(secret, SESSION_COOKIE, session_id).decode()
    return Client({SESSION_COOKIE: cookie})


def guest_client(secret: str, user_id: str) -> Client:
    """A client carrying a guest's signed cookie (the guest need not exist)."""
    return Client({"kwissle_user": create_signed_value(secret, "kwissle_user", user_id).decode()})


def question_form(text: str, answer: str, wrong: tuple[str, str, str], **extra: str) -> dict:
    return {
        "category": "space",
        "difficulty": "1",
        "text": text,
        "answer": answer,
        "wrong1": wrong[0],
        "wrong2": wrong[1],
        "wrong3": wrong[2],
        **extra,
    }
