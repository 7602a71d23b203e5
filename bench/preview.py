"""How late one game process's event loop runs while writers preview questions in a loop.

Serves the game application in this process on the shipped bank, with a ticker coroutine that
wakes every millisecond and records how late it woke (as bench/store.py does). After an idle
phase, WRITERS client processes, each signed in as an account, post the question form's Preview
as fast as answers come back. Prints the loop lag (median, p95, max) idle and under the
previews, and how many previews were answered (200) and refused (429, game.pipeline's
CHECKS_PER_PLAYER). With --accounts-each N every writer rotates through N accounts, so the
per-player limit never refuses and only the cost of the checks themselves is measured.

    .venv/bin/python bench/preview.py [--writers 4] [--seconds 10] [--accounts-each 1]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import multiprocessing
import secrets
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

# Run as a script, this file's folder comes first on sys.path; the repository root takes
# that place so the project's packages import.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from tornado.httpserver import HTTPServer  # noqa: E402
from tornado.netutil import bind_sockets  # noqa: E402
from tornado.web import create_signed_value  # noqa: E402

from bank import commands as bank_commands  # noqa: E402
from bus.factory import open_bus  # noqa: E402
from game.signin import digest  # noqa: E402
from handlers.application import make_game_app  # noqa: E402
from handlers.base import SESSION_COOKIE  # noqa: E402
from settings import load_settings  # noqa: E402
from sockets.arena import Arena, ArenaConfig  # noqa: E402
from store.port import User, UserKind  # noqa: E402
from store.sqlite import SQLiteStore  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_BANK = sorted((ROOT / "data" / "questions").glob("*.jsonl"))
TICK = 0.001
IDLE_SECONDS = 3.0
FORM = {
    "category": "space",
    "difficulty": "2",
    "text": "Which planet has the largest number of known moons?",
    "answer": "Saturn",
    "wrong1": "Jupiter",
    "wrong2": "Uranus",
    "wrong3": "Neptune",
    "preview": "1",
}


def write_in_a_loop(
    url: str, cookies: list[str], until: float, counts: multiprocessing.Queue
) -> None:
    """One writer: preview the form until `until` (wall clock), rotating through `cookies`."""
    xsrf = secrets.token_hex(16)
    body = urlencode({**FORM, "_xsrf": xsrf}).encode()
    seen: dict[int, int] = {}
    sent = 0
    while time.time() < until:
        cookie = f"_xsrf={xsrf}; {SESSION_COOKIE}={cookies[sent % len(cookies)]}"
        request = urllib.request.Request(url, data=body, headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        seen[status] = seen.get(status, 0) + 1
        sent += 1
    counts.put(seen)


class LoopLag:
    def __init__(self) -> None:
        self.lags: list[float] = []

    async def tick_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + TICK
            await asyncio.sleep(TICK)
            self.lags.append(loop.time() - due)


def describe(name: str, lags: list[float]) -> str:
    ms = sorted(lag * 1000 for lag in lags)
    p95 = ms[int(len(ms) * 0.95)]
    return (
        f"{name:<22} loop lag median {statistics.median(ms):6.2f} ms   p95 {p95:7.2f} ms"
        f"   max {ms[-1]:7.2f} ms   ({len(ms)} ticks)"
    )


async def bench(folder: Path, writers: int, seconds: float, accounts_each: int) -> None:
    settings = load_settings({"KWISSLE_VAR": str(folder)})
    store = SQLiteStore(folder / "kwissle.db")
    await store.open()
    await bank_commands.load(SHIPPED_BANK, store, out=io.StringIO())
    bank = len(await store.published_questions())
    cookies: list[list[str]] = []
    now = time.time()
    for writer in range(writers):
        mine = []
        for number in range(accounts_each):
            user_id = f"a-bench-{writer}-{number}"
            user = User(user_id, f"Writer{writer}x{number}", UserKind.ACCOUNT, f"{user_id}@x.org")
            await store.save_user(user)
            session_id = secrets.token_urlsafe(24)
            await store.start_session(digest(session_id), user_id, now=now, expires_at=now + 3600)
            secret = settings.cookie_secret
            mine.append(create_signed_value(secret, SESSION_COOKIE, session_id).decode())
        cookies.append(mine)
    bus = await open_bus("")
    arena = Arena(
        store=store, pool=bus.pool, relay=bus.relay, router=bus.router, config=ArenaConfig()
    )
    server = HTTPServer(make_game_app(settings, store, arena, bus.relay))
    sockets = bind_sockets(0, address="127.0.0.1")
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}/questions/new"

    lag = LoopLag()
    ticker = asyncio.create_task(lag.tick_forever())
    await asyncio.sleep(IDLE_SECONDS)
    idle = list(lag.lags)
    lag.lags.clear()

    spawn = multiprocessing.get_context("spawn")
    counts = spawn.Queue()
    until = time.time() + seconds
    clients = [
        spawn.Process(target=write_in_a_loop, args=(url, mine, until, counts)) for mine in cookies
    ]
    for client in clients:
        client.start()
    seen: dict[int, int] = {}
    for _ in clients:
        for status, count in (await asyncio.to_thread(counts.get)).items():
            seen[status] = seen.get(status, 0) + count
    loaded = list(lag.lags)
    ticker.cancel()
    for client in clients:
        await asyncio.to_thread(client.join)
    server.stop()
    await arena.close()
    await bus.close()
    await store.close()

    print(f"{bank} published questions; {writers} writers for {seconds:.0f} s,"
          f" {accounts_each} account(s) each")  # fmt: skip
    print(describe("idle", idle))
    print(describe(f"{writers} writers previewing", loaded))
    print("previews answered by status:", dict(sorted(seen.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--accounts-each", type=int, default=1)
    args = parser.parse_args()
    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # a line per preview otherwise
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(bench(Path(folder), args.writers, args.seconds, args.accounts_each))


if __name__ == "__main__":
    main()
