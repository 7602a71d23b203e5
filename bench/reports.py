"""The admin reports over a big store: each built cold and served cached, while a game process
on the same store keeps answering.

Generates a SQLite store of N finished battles (default 1,000,000) with the attempts they imply
(written as `record_battles` writes them: the figures come with the battles), or reuses one
made earlier (--db). Then, in this order: a game process's response time to GET /online with
nothing else running; each report built cold by a real report worker (`python app.py worker
--work reports`) on the embedded broker, timed from the request to the cached copy, while the
same probe keeps measuring the game process; and each report served from its cache.

    .venv/bin/python bench/reports.py                     # 1,000,000 battles, about an hour
    .venv/bin/python bench/reports.py --battles 20000     # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path; the repository root takes
# that place so the project's packages import.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.population import DAYS, fill  # noqa: E402
from game.statistics import day_of  # noqa: E402
from services.reports.catalog import REPORTS  # noqa: E402
from services.reports.filters import ReportFilters  # noqa: E402
from services.reports.serving import serve  # noqa: E402
from settings import load_settings  # noqa: E402
from store.sqlite import SQLiteStore  # noqa: E402
from tasks.app import EMBEDDED_BROKER, make_celery  # noqa: E402
from tasks.queue import CeleryQueue, NoReportQueue  # noqa: E402
from tests.conftest import start_server, stop_server  # noqa: E402

PROBE_EVERY = 0.02  # seconds between two requests of the game-process probe


class Probe:
    """GET /online on the game process again and again; response times in milliseconds."""

    def __init__(self, url: str) -> None:
        self._url = url + "/online"
        self.times: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            with urllib.request.urlopen(self._url, timeout=10) as response:
                response.read()
            self.times.append((time.perf_counter() - started) * 1000)
            self._stop.wait(PROBE_EVERY)


def summary(times: list[float]) -> str:
    if len(times) < 2:
        return "too few samples"
    p99 = statistics.quantiles(times, n=100)[98]
    median = statistics.median(times)
    return (
        f"{len(times)} requests, median {median:.1f} ms, p99 {p99:.1f} ms, max {max(times):.1f} ms"
    )


async def build_all(var: Path, filters: ReportFilters) -> dict[str, float]:
    """Ask the worker for every report at once; seconds until each copy was stored."""
    settings = load_settings({"KWISSLE_VAR": str(var), "KWISSLE_BROKER_URL": EMBEDDED_BROKER})
    queue = CeleryQueue(make_celery(settings))
    store = SQLiteStore(var / "kwissle.db")
    await store.open()
    asked = time.perf_counter()
    for name in REPORTS:
        await store.claim_report_build(filters.key(name), time.time(), 3600)
        await queue.build_report(name, filters.to_dict())
    took: dict[str, float] = {}
    while len(took) < len(REPORTS):
        for name in REPORTS:
            cached = await store.cached_report_result(filters.key(name))
            if name not in took and cached is not None and cached.data is not None:
                took[name] = time.perf_counter() - asked
        await asyncio.sleep(0.1)  # polling the store for the worker's writes
    await queue.close()
    await store.close()
    return took


def no_build() -> SQLiteStore:
    raise AssertionError("a fresh copy needs no build")


async def served_times(path: Path, filters: ReportFilters) -> dict[str, float]:
    """Milliseconds to serve each report from its cache (median of 20)."""
    store = SQLiteStore(path)
    await store.open()
    result = {}
    for name, spec in REPORTS.items():
        times = []
        for _ in range(20):
            started = time.perf_counter()
            served = await serve(store, NoReportQueue(), spec, filters, time.time(),
                                 own_store=no_build)  # fmt: skip
            times.append((time.perf_counter() - started) * 1000)
            assert served.data is not None and not served.building
        result[name] = statistics.median(times)
    await store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--battles", type=int, default=1_000_000)
    parser.add_argument("--questions", type=int, default=2_000)
    parser.add_argument("--players", type=int, default=100_000)
    parser.add_argument(
        "--var",
        type=Path,
        default=Path("var/bench-reports"),
        help="folder of the store (kept, and reused for as many battles)",
    )
    args = parser.parse_args()
    var = args.var.resolve()
    path = var / "kwissle.db"
    marker = var / f"filled-{args.battles}"
    if not marker.exists():
        var.mkdir(parents=True, exist_ok=True)
        for old in var.glob("kwissle.db*"):
            old.unlink()
        print(f"writing {args.battles:,} battles into {path}")
        started = time.perf_counter()
        asyncio.run(fill(path, args.battles, args.questions, args.players))
        print(f"  {time.perf_counter() - started:.0f} s, {path.stat().st_size / 1e9:.2f} GB")
        marker.touch()
    today = day_of(time.time())
    filters = ReportFilters(today - DAYS, today)
    game = start_server(var, log_name="bench-game.log")
    worker = subprocess.Popen(
        [sys.executable, "app.py", "worker", "--work", "reports"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "KWISSLE_VAR": str(var), "KWISSLE_BROKER_URL": EMBEDDED_BROKER},
        stdout=(var / "bench-worker.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        with Probe(game.base_url) as quiet:
            time.sleep(5)  # a fixed window of probing with nothing else running
        with Probe(game.base_url) as busy:
            took = asyncio.run(build_all(var, filters))
        cached = asyncio.run(served_times(path, filters))
    finally:
        worker.terminate()
        worker.wait(30)
        stop_server(game)
    print(f"\nreports over {args.battles:,} battles, the last {DAYS} days, every category")
    for name in REPORTS:
        print(f"  {name:12} cold (worker, all four asked at once) {took[name]:7.1f} s"
              f"   cached {cached[name]:6.2f} ms")  # fmt: skip
    print("\ngame process GET /online, same store:")
    print(f"  nothing else running : {summary(quiet.times)}")
    print(f"  while reports build  : {summary(busy.times)}")


if __name__ == "__main__":
    main()
