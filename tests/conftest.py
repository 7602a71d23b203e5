"""Fixtures shared by the HTTP, socket and browser tests: a real game process on a free port."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.redis_server import redis_server

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_QUESTIONS = ROOT / "data" / "fixtures" / "questions.jsonl"
# Short phases keep a ten-question battle to a few seconds; the rules are the same.
FAST_TIMING = "countdown=0.3,question=4,reveal=0.2,seat_hold=2,rematch=3,late_notice=1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    base_url: str
    port: int
    var_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(
    var_dir: Path,
    *,
    timing: str = FAST_TIMING,
    bot_offer: float = 1.0,
    command: str = "game",
    extra_env: Mapping[str, str] | None = None,
    log_name: str = "server.log",
) -> LiveServer:
    """`python app.py COMMAND` (game; run adds a mail worker) on a free port, fixtures loaded.

    Processes sharing `var_dir` need a `log_name` each."""
    env = {
        **os.environ,
        "KWISSLE_VAR": str(var_dir),
        "KWISSLE_TIMING": timing,
        "KWISSLE_BOT_OFFER_SECONDS": str(bot_offer),
        **(extra_env or {}),
    }
    subprocess.run(
        [sys.executable, "app.py", "questions", "load", str(FIXTURE_QUESTIONS)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    log_path = var_dir / log_name
    process = subprocess.Popen(
        [sys.executable, "app.py", command, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = LiveServer(f"http://127.0.0.1:{port}", port, var_dir, process, log_path)
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"game process did not start:\n{server.log()}") from None
            time.sleep(0.05)  # polling for the port to accept, not standing in for a condition


# A stopping game process may wait up to 10 s for others to take its battles and 5 s to leave
# Redis, then finishes its saves (deploy/kwissle-game@.service allows 45 s).
STOP_SECONDS = 30


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("var"))
    yield server
    stop_server(server)
    assert "Traceback" not in server.log(), server.log()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server of the tests' own on a free port; never the shared one on 6379."""
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="session")
def embedded_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`python app.py run`: game, admin and mail worker on the filesystem broker, no Redis."""
    admin_port = {"KWISSLE_ADMIN_PORT": str(free_port())}
    site = start_server(tmp_path_factory.mktemp("run-var"), command="run", extra_env=admin_port)
    yield site
    stop_server(site)
    assert "Traceback" not in site.log(), site.log()
    assert site.process.returncode == 0 and "worker: Warm shutdown" in site.log(), site.log()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A game process of its own, for tests that need an empty pool."""
    server = start_server(tmp_path / "var")
    yield server
    stop_server(server)
    assert "Traceback" not in server.log(), server.log()


@dataclass(frozen=True)
class Guest:
    user_id: str
    nickname: str
    token: str
    cookies: CookieJar


def new_guest(base_url: str, nickname: str) -> Guest:
    """Sign up a guest through the real form; returns its cookie jar and socket token."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base_url + "/").read()
    xsrf = next(c.value for c in jar if c.name == "_xsrf")
    body = urlencode({"nickname": nickname, "_xsrf": xsrf}).encode()
    page = opener.open(base_url + "/guest", data=body).read().decode()
    token = re.search(r'data-token="([^"]+)"', page)
    user_id = re.search(r'data-user-id="([^"]+)"', page)
    assert token and user_id, page
    return Guest(user_id.group(1), nickname, token.group(1), jar)


# Debian's chromium, driven by Playwright; never a browser Playwright downloads. The flags keep
# it from reaching for the network this machine does not have.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the tests of a module; each test opens its own contexts."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
