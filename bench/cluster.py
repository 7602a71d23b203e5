"""One game process against three, behind nginx, in the production shape of
`python app.py run --game-processes N`: what the cluster costs, and how fast it takes a battle over.

For N = 1 and N = 3 the shape is started for real (its own redis-server, N game processes, the
admin process, the workers, nginx with deploy/nginx.conf), and bots come in through nginx only,
over SockJS websockets, as guests signed up through the real form:

- `--battles` battles played whole at once, the first player typing each right answer as soon
  as the question opens: pairing latency (the second player's `play` to its `battle`), answer to
  reveal, and the game processes' CPU per answered question;
- with N = 3, `--kills` times: a battle's owner killed with SIGKILL while a question is open,
  then the time until the first player hears the new owner's snapshot (players whose socket
  died reconnect through nginx at once, naming the last seq they saw); the site starts the
  killed process again before the next kill.

Figures are printed side by side. The machine running the bench also runs every process of the
site, so the figures say what this machine does, not what a cluster of machines would.

    .venv/bin/python bench/cluster.py [--battles 40] [--kills 10]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path; the repository root takes
# that place so the project's packages import.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import redis  # noqa: E402

from bench.battles import ANSWERS, connect  # noqa: E402
from ops.cluster import Layout, Site, nginx_binary, wait_until_answering  # noqa: E402
from ops.local_redis import free_port_run  # noqa: E402
from settings import load_settings  # noqa: E402
from tests.conftest import FIXTURE_QUESTIONS, ROOT  # noqa: E402
from tests.sockjs_client import Closed, SockJSClient  # noqa: E402

# Short phases; a seat held long enough for a player whose process died to come back.
TIMING = "countdown=0.2,question=5,reveal=0.2,seat_hold=15,rematch=1"
TAKEOVER_SECONDS = 30.0


@dataclass
class Front:
    """The site as bots reach it: nginx's URL."""

    base_url: str


@dataclass
class Figures:
    processes: int
    pairing_ms: list[float] = field(default_factory=list)
    reveal_ms: list[float] = field(default_factory=list)
    answered: int = 0
    cpu_seconds: float = 0.0
    takeover_ms: list[float] = field(default_factory=list)


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of the processes so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def play_battle(front: Front, number: int, pairing: asyncio.Lock, figures: Figures) -> None:
    typist = await connect(front, f"Typist {number}")  # type: ignore[arg-type]
    other = await connect(front, f"Other {number}")  # type: ignore[arg-type]
    async with pairing:  # one pair at a time joins the pool, so each meets its partner
        await typist.send({"type": "play", "category": None})
        await typist.expect("waiting")
        asked = time.perf_counter()
        await other.send({"type": "play", "category": None})
        await other.expect("battle", timeout=30)
        figures.pairing_ms.append((time.perf_counter() - asked) * 1000)
        battle = (await typist.expect("battle", timeout=30))["battle"]
    while True:
        message = await typist.expect_any(("question", "result"), timeout=60)
        if message["type"] == "result":
            break
        text = ANSWERS[message["text"]]
        sent = time.perf_counter()
        await typist.send(
            {"type": "answer", "battle": battle, "index": message["index"], "text": text}
        )
        await typist.expect("reveal", timeout=30)
        figures.reveal_ms.append((time.perf_counter() - sent) * 1000)
        figures.answered += 1
    typist.close()
    other.close()


async def battles(site: Site, front: Front, count: int, figures: Figures) -> None:
    pids = [game.process.pid for game in site.games if game.process is not None]
    before = cpu_seconds(pids)
    pairing = asyncio.Lock()
    await asyncio.gather(*(play_battle(front, n, pairing, figures) for n in range(count)))
    figures.cpu_seconds = cpu_seconds(pids) - before


def owner(site: Site, battle: str) -> int:
    """The index in `site.games` of the process holding the battle's lease."""
    client = redis.Redis.from_url(site.redis_url)
    try:
        lease = client.get(f"kwissle:lease:{battle}")
    finally:
        client.close()
    process = lease.decode() if isinstance(lease, bytes) else lease
    for index, game in enumerate(site.games):
        if f"custody of process {process}" in game.log.read_text(errors="replace"):
            return index
    raise RuntimeError(f"no game process logged custody of process {process}")


async def hears_takeover(front: Front, client: SockJSClient, battle: str) -> None:
    """Until `client`'s player gets the new owner's snapshot, reconnecting if its socket died."""
    try:
        await client.expect("snapshot", timeout=TAKEOVER_SECONDS)
        return
    except Closed:
        pass
    seq = max(m["seq"] for m in client.received if m.get("battle") == battle and "seq" in m)
    again = await SockJSClient(front.base_url).connect_again_until(TAKEOVER_SECONDS)
    hello = {"type": "hello", "token": client.token, "battle": battle, "seq": seq}  # type: ignore[attr-defined]
    await again.send(hello)
    try:
        await again.expect("snapshot", timeout=TAKEOVER_SECONDS)
    finally:
        again.close()


async def takeover(site: Site, front: Front, number: int) -> float:
    """One battle's owner killed with a question open; milliseconds until a player is told."""
    first = await connect(front, f"First {number}")  # type: ignore[arg-type]
    second = await connect(front, f"Second {number}")  # type: ignore[arg-type]
    await first.send({"type": "play", "category": None})
    await first.expect("waiting")
    await second.send({"type": "play", "category": None})
    battle = (await first.expect("battle", timeout=30))["battle"]
    for client in (first, second):
        await client.expect("question", timeout=30)
    victim = site.games[owner(site, battle)]
    assert victim.process is not None
    victim.process.send_signal(signal.SIGKILL)
    killed = time.perf_counter()
    waiting = [asyncio.ensure_future(hears_takeover(front, c, battle)) for c in (first, second)]
    done, pending = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    told = time.perf_counter()
    for task in pending:
        task.cancel()
    for task in done:
        task.result()  # a failure to hear it is the bench's failure, not a figure
    first.close()
    second.close()
    victim.process.wait()
    site.restart_exited()
    await asyncio.to_thread(wait_until_answering, victim)
    return (told - killed) * 1000


async def measure(processes: int, battle_count: int, kills: int, var_dir: Path) -> Figures:
    port = free_port_run(processes + 2)  # nginx, the game processes, admin
    settings = load_settings(var_dir=var_dir, game_port=port)
    settings = dataclasses.replace(settings, admin_port=port + processes + 1, redis_url="")
    await asyncio.to_thread(_load_questions, var_dir)
    site = Site(settings, Layout.plan(settings, processes, nginx=True), sys.stderr)
    figures = Figures(processes)
    try:
        await asyncio.to_thread(site.start)
        front = Front(site.url.rstrip("/"))
        await battles(site, front, battle_count, figures)
        if processes > 1:
            for number in range(kills):
                figures.takeover_ms.append(await takeover(site, front, number))
    finally:
        await asyncio.to_thread(site.stop)
    return figures


def _load_questions(var_dir: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "app.py",
            "--var",
            str(var_dir),
            "questions",
            "load",
            str(FIXTURE_QUESTIONS),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def report(runs: list[Figures], battle_count: int, kills: int) -> None:
    def row(label: str, values: list[str]) -> None:
        print(f"{label:<34}" + "".join(f"{v:>20}" for v in values))

    print(f"\n{battle_count} battles at once through nginx; {os.cpu_count()} cores on this machine")
    row("", [f"{f.processes} game process" + ("es" if f.processes > 1 else "") for f in runs])
    for share, name in ((0.5, "p50"), (0.99, "p99")):
        row(f"pairing {name} (ms)", [f"{percentile(f.pairing_ms, share):.1f}" for f in runs])
    for share, name in ((0.5, "p50"), (0.99, "p99")):
        row(
            f"answer to reveal {name} (ms)", [f"{percentile(f.reveal_ms, share):.1f}" for f in runs]
        )
    row("answered questions", [str(f.answered) for f in runs])
    row(
        "CPU per answered question (ms)", [f"{f.cpu_seconds / f.answered * 1000:.2f}" for f in runs]
    )
    for share, name in ((0.5, "p50"), (0.99, "p99")):
        row(
            f"takeover after kill -9 {name} (ms)",
            [f"{percentile(f.takeover_ms, share):.0f}" if f.takeover_ms else "–" for f in runs],
        )
    print(f"takeovers: {kills} kills; battles per run: {battle_count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--battles", type=int, default=40, help="battles played at once")
    parser.add_argument("--kills", type=int, default=10, help="owners killed, one at a time")
    args = parser.parse_args()
    if nginx_binary() is None:
        sys.exit("nginx is not on PATH (scripts/setup --dev installs it)")
    os.environ["KWISSLE_TIMING"] = TIMING
    # Every bot comes from this machine's address; the cap is for real clients.
    os.environ["KWISSLE_MAX_CONNECTIONS_PER_ADDRESS"] = str(10 * args.battles)
    os.environ.pop("KWISSLE_REDIS_URL", None)
    runs = []
    for processes in (1, 3):
        with tempfile.TemporaryDirectory(prefix="kwissle-cluster-") as folder:
            runs.append(asyncio.run(measure(processes, args.battles, args.kills, Path(folder))))
    report(runs, args.battles, args.kills)


if __name__ == "__main__":
    main()
