"""Helpers for tests that sign in through a running Kwissle over HTTP and read mail it sent."""

from __future__ import annotations

import email
import re
import time
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

T = TypeVar("T")

LINK = re.compile(r"https?://\S+/signin/[A-Za-z0-9_-]+")
POLL = 0.02  # seconds between looks


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 15.0) -> T:
    """Poll `probe` until it returns something, or fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while (found := probe()) is None:
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(POLL)
    return found


class Visitor:
    """One browser's cookie jar against a running site."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url_or_path: str) -> str:
        url = url_or_path if "://" in url_or_path else self.base_url + url_or_path
        with self.opener.open(url) as response:
            return str(response.read().decode())

    def ask_link(self, address: str) -> str:
        self.get("/signin")
        xsrf = next(c.value for c in self.jar if c.name == "_xsrf")
        body = urlencode({"email": address, "_xsrf": xsrf}).encode()
        with self.opener.open(self.base_url + "/signin", data=body) as response:
            return str(response.read().decode())

    def account_email(self) -> str | None:
        found = re.search(r"<dt>Email</dt><dd>([^<]*)</dd>", self.get("/account"))
        return found.group(1) if found else None


def mails_in(outbox: Path) -> list[email.message.Message]:
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(outbox.glob("*.eml"))]


def link_in(message: email.message.Message) -> str:
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    found = LINK.search(body.decode())
    assert found, body
    return found.group(0)


def wait_for_mail_to(outbox: Path, address: str) -> email.message.Message:
    return wait_for(
        f"a mail to {address} in {outbox}",
        lambda: next((m for m in mails_in(outbox) if m["To"] == address), None),
    )
