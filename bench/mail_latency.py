"""Time from queueing a sign-in mail to its .eml file in the outbox, through a real worker.

Starts `python app.py worker` on a fresh var folder and, by default, the embedded filesystem
broker that `python app.py run` uses; `--broker redis://...` measures another broker. Each
round stores a sign-in link, publishes its task the way the sign-in page does, and polls the
outbox every millisecond until the file appears. Prints the median, 90th percentile and worst.

    .venv/bin/python bench/mail_latency.py [--rounds N] [--broker URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the repository root, not bench/, so that packages resolve

from game.signin import new_token  # noqa: E402
from settings import Settings, load_settings  # noqa: E402
from store.sqlite import SQLiteStore  # noqa: E402
from tasks.app import make_celery  # noqa: E402
from tasks.queue import CeleryQueue  # noqa: E402
from tasks.signin_mail import mail_key  # noqa: E402

POLL = 0.001
READY_SECONDS = 30.0


def start_worker(settings: Settings, log_path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KWISSLE_VAR": str(settings.var_dir)}
    if settings.broker_url:
        env["KWISSLE_BROKER_URL"] = settings.broker_url
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "worker"],
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + READY_SECONDS
    while "ready." not in log_path.read_text(errors="replace"):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"worker did not start:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.05)
    return worker


async def measure(settings: Settings, rounds: int) -> list[float]:
    store = SQLiteStore(settings.var_dir / "kwissle.db")
    await store.open()
    queue = CeleryQueue(make_celery(settings))
    outbox = settings.var_dir / "outbox"
    seconds = []
    try:
        for number in range(rounds):
            secret = f"bench-secret-{number}"
            token = new_token(secret, f"p{number}@example.org", "nonce", None, time.time())
            await store.save_signin_token(token)
            path = outbox / f"{mail_key(token.id)}.eml"
            started = time.perf_counter()
            await queue.send_signin_link(token.id, f"http://bench.test/signin/{secret}")
            while not path.exists():
                await asyncio.sleep(POLL)
            seconds.append(time.perf_counter() - started)
    finally:
        await queue.close()
        await store.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--broker", default="", help="broker URL (default: filesystem)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings({"KWISSLE_VAR": folder}, broker_url=args.broker or None)
        asyncio.run(_create_schema(settings))  # before the worker opens the same file
        worker = start_worker(settings, Path(folder) / "worker.log")
        try:
            seconds = asyncio.run(measure(settings, args.rounds))
        finally:
            worker.terminate()
            worker.wait(30)
    ms = sorted(s * 1000 for s in seconds)
    broker = args.broker.split("@")[-1] or "filesystem (embedded)"
    print(f"broker: {broker}; {len(ms)} mails, enqueue -> .eml written")
    print(
        f"median {statistics.median(ms):.1f} ms, "
        f"p90 {ms[int(len(ms) * 0.9) - 1]:.1f} ms, worst {ms[-1]:.1f} ms"
    )
    return 0


async def _create_schema(settings: Settings) -> None:
    store = SQLiteStore(settings.var_dir / "kwissle.db")
    await store.open()
    await store.close()


if __name__ == "__main__":
    sys.exit(main())
