"""Helpers for tests that run a real mail worker, drive a running Kwissle over HTTP and read
the mail it sent."""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

from tests.conftest import ROOT

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


@dataclass
class Worker:
    var_dir: Path
    broker_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def running_worker(var_dir: Path, broker_url: str, work: str = "mail") -> Iterator[Worker]:
    """`python app.py worker --work WORK` on `broker_url` and the store in `var_dir`, ready,
    until the block ends; a mail worker's mail lands in var_dir/outbox."""
    log_path = var_dir / f"worker-{work}.log"
    env = {**os.environ, "KWISSLE_VAR": str(var_dir), "KWISSLE_BROKER_URL": broker_url}
    process = subprocess.Popen(
        [sys.executable, "app.py", "worker", "--work", work],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    running = Worker(var_dir, broker_url, process, log_path)
    try:
        wait_for("the worker to be ready", lambda: "ready." in running.log() or None)
        yield running
    finally:
        process.terminate()
        process.wait(10)


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
