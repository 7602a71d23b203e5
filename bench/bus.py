"""Pairing latency on the in-process bus and on the Redis bus, in the same run.

Starts `python app.py game` three ways on free ports with temporary var folders: alone (the
in-process bus), on a redis-server of its own with both players on that one process, and as two
processes on that redis-server with the players on different processes. For each, opens the
players' SockJS websockets (tokens signed with the process's secret, so no sign-up is timed), then
pairs them one pair at a time: the first presses Play and waits, the second presses Play, and the
time from the second's Play to both players holding the `battle` message is one sample. Prints
p50 and p99 for each, and their ratio to the in-process figures.

    .venv/bin/python bench/bus.py [--pairs N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path; the repository root takes
# that place so the project's packages import.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from sockets.auth import Identity, issue_token  # noqa: E402
from tests.conftest import LiveServer, start_server, stop_server  # noqa: E402
from tests.redis_server import redis_server  # noqa: E402
from tests.sockjs_client import SockJSClient  # noqa: E402

WARM_UP = 20  # pairs made first and not counted, so that code paths and pools are warm
# Nothing happens in a battle for a minute: only pairing is timed, not questions meanwhile.
TIMING = "countdown=60"


async def hello(server: LiveServer, name: str) -> SockJSClient:
    secret = (server.var_dir / "cookie_secret").read_text().strip()
    client = await SockJSClient(server.base_url).connect()
    await client.send({"type": "hello", "token": issue_token(secret, Identity(name, name))})
    await client.expect("welcome")
    return client


async def pair_once(first: SockJSClient, second: SockJSClient) -> float:
    await first.send({"type": "play", "category": None})
    await first.expect("waiting")
    started = time.perf_counter()
    await second.send({"type": "play", "category": None})
    await asyncio.gather(first.expect("battle"), second.expect("battle"))
    return time.perf_counter() - started


async def measure(one: LiveServer, two: LiveServer, pairs: int, tag: str) -> list[float]:
    """Seconds per pairing, `pairs` of them after the warm-up; first players on `one`, second
    players on `two`."""
    samples = []
    clients = []
    for n in range(WARM_UP + pairs):
        first = await hello(one, f"{tag}-a{n}")
        second = await hello(two, f"{tag}-b{n}")
        clients += [first, second]
        seconds = await pair_once(first, second)
        if n >= WARM_UP:
            samples.append(seconds)
    for client in clients:
        client.close()
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(pairs: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        (folder / "redis").mkdir()
        url = stack.enter_context(redis_server(folder / "redis"))
        # Every connection comes from this machine: lift the per-address cap.
        cap = {"KWISSLE_MAX_CONNECTIONS_PER_ADDRESS": str(4 * (pairs + WARM_UP))}
        alone = start_server(folder / "alone", timing=TIMING, extra_env=cap)
        stack.callback(stop_server, alone)
        env = {**cap, "KWISSLE_REDIS_URL": url}
        shared = folder / "shared"
        first = start_server(shared, timing=TIMING, extra_env=env, log_name="game-1.log")
        stack.callback(stop_server, first)
        second = start_server(shared, timing=TIMING, extra_env=env, log_name="game-2.log")
        stack.callback(stop_server, second)
        runs = {
            "in-process bus": (alone, alone),
            "Redis bus, one process": (first, first),
            "Redis bus, two processes": (first, second),
        }
        for name, (one, two) in runs.items():
            try:
                results[name] = asyncio.run(measure(one, two, pairs, name.split()[-1]))
            except Exception:
                for server in dict.fromkeys([one.log_path, two.log_path]):
                    print(f"--- {server}:\n{server.read_text()[-3000:]}", file=sys.stderr)
                raise
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=300)
    args = parser.parse_args()
    results = run(args.pairs)
    base = results["in-process bus"]
    base_p50, base_p99 = percentile(base, 0.5), percentile(base, 0.99)
    print(f"pairing latency over {args.pairs} pairings each (ms)")
    print(f"{'':26} {'p50':>7} {'p99':>7} {'mean':>7}   ratio p50  ratio p99")
    for name, samples in results.items():
        p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
        print(
            f"{name:26} {p50 * 1000:7.2f} {p99 * 1000:7.2f} {statistics.mean(samples) * 1000:7.2f}"
            f"   {p50 / base_p50:9.2f}  {p99 / base_p99:9.2f}"
        )


if __name__ == "__main__":
    main()
