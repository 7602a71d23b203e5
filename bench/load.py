"""One game process under load, beside a bare Tornado WebSocket server under the same load.

Starts `python app.py game` (embedded store in a temporary KWISSLE_VAR, the shipped bank) pinned
to one core, and drives it from the other core with real websocket bots: guests signed up
through the site's own pages, speaking SockJS and the game protocol. Prints, in one run:

- throughput: battles played as fast as a pacer offers attempts (short reveals), then the same
  number of pairs on bench/fanout.py (bare Tornado, pinned the same way) at the same offered
  rate of client messages: the server's CPU time per delivered message for each and their
  ratio, and Kwissle's CPU time per answered question;
- latency: 1,000 idle signed-in connections, then 100, 200 and 300 battles at the real timing
  (players think 0.5-2.5 s, then 0.2-1.5 s): answer->reveal p50/p99 at each step, and the
  garbage collector's pauses inside the game process (KWISSLE_COLLECTOR_LOG).

CPU time is the server process's own (utime + stime from /proc, all its threads). Targets (a
benchmark, not a test): ratio <= 1.3, <= 1 ms CPU per answered question, p99 <= 25 ms at 300
battles, no pause over 20 ms.

    .venv/bin/python bench/load.py             # the full run, several minutes
    .venv/bin/python bench/load.py --runs 3    # three runs and the median of each figure
    .venv/bin/python bench/load.py --quick     # a small run in well under a minute
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path; the repository root takes
# that place so the project's packages import.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.load_bots import (  # noqa: E402
    Channel,
    Counts,
    FanoutPair,
    Idler,
    Pacer,
    Player,
    Timing,
    sockjs_url,
)
from game.questions import Question  # noqa: E402
from sockets.collector import FREEZE_SECONDS, freeze_settled, settle  # noqa: E402
from tests.conftest import free_port, new_guest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_BANK = sorted((ROOT / "data" / "questions").glob("*.jsonl"))
SERVER_CORE, LOAD_CORE = 0, 1
# Throughput: reveals short enough that the pacer, not the battle's clock, sets the rate.
FAST_TIMING = "countdown=0.2,question=10,reveal=0.1,rematch=10,seat_hold=10"
SIGN_UPS_AT_ONCE = 8
CONNECTS_AT_ONCE = 20
PAUSE_LIMIT_MS = 20.0


@dataclass(frozen=True)
class Plan:
    throughput_battles: int
    rate: float  # attempts offered per second in the throughput runs
    throughput_seconds: float
    idle: int
    steps: tuple[int, ...]  # battles at each latency step
    step_seconds: float
    settle_seconds: float  # before each measured window


FULL = Plan(100, 400, 30, 1000, (100, 200, 300), 60, 15)
QUICK = Plan(6, 30, 3, 20, (3, 6), 5, 2)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path


def answers() -> dict[str, str]:
    """Each shipped question's text -> its answer, as a player who knows it types it."""
    pairs = {}
    for path in SHIPPED_BANK:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                question = Question.from_dict(json.loads(line))
                pairs[question.text] = question.answer
    return pairs


def pinned(core: int) -> Callable[[], None]:
    return lambda: os.sched_setaffinity(0, {core})


def cores() -> tuple[int, int] | None:
    """(server core, load core), or None on a machine with fewer than two."""
    available = sorted(os.sched_getaffinity(0))
    return (available[0], available[1]) if len(available) >= 2 else None


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far, all threads: utime + stime of /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def start(command: list[str], env: dict[str, str], log: Path, core: int | None) -> Server:
    port = free_port()
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        preexec_fn=pinned(core) if core is not None else None,
    )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 60
    while not server_up(server):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{command} did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.05)  # polling for the port to accept, not standing in for a condition
    return server


def server_up(server: Server) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", int(server.base_url.rsplit(":", 1)[1])), 1):
            return True
    except OSError:
        return False


@contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(30)
        except subprocess.TimeoutExpired:
            server.process.kill()


def game_env(var: Path, timing: str | None, collector_log: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "KWISSLE_VAR": str(var),
        "KWISSLE_MAX_CONNECTIONS_PER_ADDRESS": "100000",  # every bot comes from this machine
        "KWISSLE_COLLECTOR_LOG": str(collector_log),
    }
    env.pop("KWISSLE_TIMING", None)
    if timing:
        env["KWISSLE_TIMING"] = timing
    return env


def start_game(var: Path, name: str, timing: str | None, core: int | None) -> Server:
    command = [sys.executable, "app.py", "game"]
    return start(command, game_env(var, timing, var / f"{name}.gc"), var / f"{name}.log", core)


# --- the bots


async def sign_up(base_url: str, count: int, prefix: str) -> list[tuple[str, str]]:
    """(user id, socket token) of `count` new guests, through the real form."""
    gate = asyncio.Semaphore(SIGN_UPS_AT_ONCE)

    async def one(number: int) -> tuple[str, str]:
        async with gate:
            guest = await asyncio.to_thread(new_guest, base_url, f"{prefix} {number}")
        return guest.user_id, guest.token

    return await asyncio.gather(*(one(n) for n in range(count)))


class Connector:
    """Opens bots' connections a few at a time, each with its own SockJS session."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._gate = asyncio.Semaphore(CONNECTS_AT_ONCE)
        self._number = 0

    async def join(self, bot: Idler, token: str) -> None:
        self._number += 1
        url = sockjs_url(self.base_url, self._number)
        async with self._gate:
            await bot.join(url, self.base_url, token)


async def pair_up(connector: Connector, players: list[tuple[Player, Player]]) -> None:
    """Put each pair into a battle together: one waits in the pool, then the other plays."""
    for first, second in players:
        first.waiting.clear()
        first.channel.send({"type": "play", "category": None})
        await asyncio.wait_for(first.waiting.wait(), 30)
        second.channel.send({"type": "play", "category": None})
        await asyncio.wait_for(asyncio.gather(first.started, second.started), 30)


async def new_players(
    connector: Connector, counts: Counts, timing: Timing, count: int, prefix: str
) -> list[tuple[Player, Player]]:
    known = answers()
    guests = await sign_up(connector.base_url, 2 * count, prefix)
    bots = []
    for user_id, token in guests:
        bot = Player(counts, timing, known)
        bot.user_id = user_id
        bots.append((bot, token))
    await asyncio.gather(*(connector.join(bot, token) for bot, token in bots))
    players = [bot for bot, _ in bots]
    return list(zip(players[::2], players[1::2], strict=True))


# --- measuring


@dataclass(frozen=True)
class Pause:
    """One collection in the game process: how long it stopped it, and its CPU time (ms)."""

    generation: int
    ms: float
    cpu_ms: float


@dataclass
class Window:
    """What one measured stretch of time saw."""

    seconds: float
    server_cpu: float
    load_cpu: float
    sent: int
    delivered: int
    answered: int
    latencies_ms: list[float] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)


async def measure(pid: int, counts: Counts, seconds: float, gc_log: Path | None) -> Window:
    sent, delivered, answered = counts.sent, counts.delivered, counts.answered
    cpu, own, began = cpu_seconds(pid), own_cpu_seconds(), time.time()
    await asyncio.sleep(seconds)
    ended = time.time()
    window = Window(
        ended - began,
        cpu_seconds(pid) - cpu,
        own_cpu_seconds() - own,
        counts.sent - sent,
        counts.delivered - delivered,
        counts.answered - answered,
    )
    window.latencies_ms = [lag * 1000 for at, lag in counts.latencies if began <= at < ended]
    if gc_log is not None:
        window.pauses = pauses_between(gc_log, began, ended)
    return window


def pauses_between(path: Path, began: float, ended: float) -> list[Pause]:
    """The collections sockets/collector.py logged between two wall-clock times."""
    pauses = []
    for line in path.read_text().splitlines():
        at, generation, ms, cpu_ms, _ = line.split()
        if began <= float(at) < ended:
            pauses.append(Pause(int(generation), float(ms), float(cpu_ms)))
    return pauses


async def throughput_kwissle(var: Path, plan: Plan, core: int | None) -> Window:
    with running(start_game(var, "throughput", FAST_TIMING, core)) as server:
        counts = Counts()
        pacer = Pacer(plan.rate)
        pacing = asyncio.ensure_future(pacer.run())
        connector = Connector(server.base_url)
        timing = Timing(pacer, random.Random(1))
        pairs = await new_players(connector, counts, timing, plan.throughput_battles, "Fast")
        await pair_up(connector, pairs)
        await asyncio.sleep(plan.settle_seconds)
        window = await measure(server.process.pid, counts, plan.throughput_seconds, None)
        pacing.cancel()
        close_all(p.channel for pair in pairs for p in pair)
        window.latencies_ms = []
        return window


async def throughput_baseline(var: Path, plan: Plan, rate: float, core: int | None) -> Window:
    command = [sys.executable, str(ROOT / "bench" / "fanout.py")]
    with running(start(command, dict(os.environ), var / "fanout.log", core)) as server:
        counts = Counts()
        pacer = Pacer(rate)
        pacing = asyncio.ensure_future(pacer.run())
        pairs = [FanoutPair(counts, pacer, n) for n in range(plan.throughput_battles)]
        for pair in pairs:
            await pair.join(server.base_url)
        for pair in pairs:
            pair.start()
        await asyncio.sleep(plan.settle_seconds)
        window = await measure(server.process.pid, counts, plan.throughput_seconds, None)
        pacing.cancel()
        close_all(member for pair in pairs for member in pair.members)
        return window


async def latency_steps(var: Path, plan: Plan, core: int | None) -> list[Window]:
    with running(start_game(var, "latency", None, core)) as server:
        counts = Counts()
        connector = Connector(server.base_url)
        idlers = []
        for _, token in await sign_up(server.base_url, plan.idle, "Idle"):
            idler = Idler(counts)
            await connector.join(idler, token)
            idlers.append(idler)
        timing = Timing(None, random.Random(2))
        windows, playing = [], 0
        players: list[tuple[Player, Player]] = []
        for battles in plan.steps:
            more = await new_players(connector, counts, timing, battles - playing, f"P{battles}")
            await pair_up(connector, more)
            players += more
            playing = battles
            await asyncio.sleep(plan.settle_seconds)
            windows.append(
                await measure(server.process.pid, counts, plan.step_seconds, var / "latency.gc")
            )
        close_all(bot.channel for pair in players for bot in pair)
        close_all(idler.channel for idler in idlers)
        if counts.errors:
            print(f"  (errors seen by the bots: {dict(counts.errors)})")
        return windows


def close_all(channels: Iterable[Channel]) -> None:
    for channel in channels:
        channel.close()


# --- output


@dataclass
class Figures:
    """The figures of one run, by name, for the median of several runs."""

    values: dict[str, float] = field(default_factory=dict)


def per_message_us(window: Window) -> float:
    return window.server_cpu / max(window.delivered, 1) * 1e6


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def report_throughput(kwissle: Window, baseline: Window, plan: Plan, figures: Figures) -> None:
    k_us, b_us = per_message_us(kwissle), per_message_us(baseline)
    per_question_ms = kwissle.server_cpu / max(kwissle.answered, 1) * 1000
    print(
        f"throughput: {plan.throughput_battles} battles, attempts offered at {plan.rate:g}/s, "
        f"{plan.throughput_seconds:g} s windows"
    )
    for name, window, us in (("Kwissle", kwissle, k_us), ("bare Tornado fan-out", baseline, b_us)):
        print(
            f"  {name:21} client msgs {window.sent / window.seconds:6.0f}/s, delivered "
            f"{window.delivered / window.seconds:6.0f}/s, server CPU "
            f"{window.server_cpu / window.seconds:6.1%}: {us:5.0f} µs per delivered message "
            f"(load generator {window.load_cpu / window.seconds:.0%})"
        )
    ratio = k_us / b_us
    print(f"  ratio {ratio:.2f} (target <= 1.3)")
    print(
        f"  Kwissle CPU per answered question: {per_question_ms:.2f} ms "
        f"({kwissle.answered / kwissle.seconds:.0f} questions/s; target <= 1 ms)"
    )
    figures.values |= {
        "Kwissle µs/msg": k_us,
        "baseline µs/msg": b_us,
        "ratio": ratio,
        "ms CPU/question": per_question_ms,
    }


def pause_summary(pauses: list[Pause]) -> str:
    if not pauses:
        return "none"
    stops = [p.ms for p in pauses]
    return (
        f"{len(pauses)} p50 {percentile(stops, 0.5):.1f} p99 {percentile(stops, 0.99):.1f} "
        f"max {max(stops):.1f} (CPU {max(p.cpu_ms for p in pauses):.1f})"
    )


def report_latency(windows: list[Window], plan: Plan, figures: Figures) -> None:
    print(
        f"latency: {plan.idle} idle connections, real timing, {plan.step_seconds:g} s windows; "
        "answer->reveal and the collector's pauses by generation (ms)"
    )
    for battles, window in zip(plan.steps, windows, strict=True):
        p50 = percentile(window.latencies_ms, 0.5)
        p99 = percentile(window.latencies_ms, 0.99)
        by_generation = [[p for p in window.pauses if p.generation == g] for g in (0, 1, 2)]
        over = sum(1 for p in window.pauses if p.ms > PAUSE_LIMIT_MS)
        print(
            f"  {battles:4d} battles: {len(window.latencies_ms):5d} answers, p50 {p50:6.1f}, "
            f"p99 {p99:6.1f}, max {max(window.latencies_ms, default=float('nan')):6.1f}; "
            f"server CPU {window.server_cpu / window.seconds:.0%} "
            f"(load generator {window.load_cpu / window.seconds:.0%})"
        )
        print(
            "       pauses: "
            + "; ".join(f"gen{g} {pause_summary(ps)}" for g, ps in enumerate(by_generation))
            + f"; over {PAUSE_LIMIT_MS:g} ms: {over}"
        )
        figures.values |= {
            f"p50 at {battles}": p50,
            f"p99 at {battles}": p99,
            f"max pause at {battles}": max((p.ms for p in window.pauses), default=0.0),
        }


async def one_run(var: Path, plan: Plan, placement: tuple[int, int] | None) -> Figures:
    server_core = placement[0] if placement else None
    figures = Figures()
    settling = asyncio.ensure_future(keep_settling())
    kwissle = await throughput_kwissle(var, plan, server_core)
    # The baseline's offered rate is every client message Kwissle's bots sent (pongs too).
    baseline = await throughput_baseline(var, plan, kwissle.sent / kwissle.seconds, server_core)
    report_throughput(kwissle, baseline, plan, figures)
    report_latency(await latency_steps(var, plan, server_core), plan, figures)
    settling.cancel()
    return figures


async def keep_settling() -> None:
    """The bots' own collector, kept to young objects as the game process's is: a full
    collection here (a tenth of a second with 1,600 connections) would count as the server's
    answer->reveal latency."""
    settle()
    while True:
        await asyncio.sleep(FREEZE_SECONDS)
        freeze_settled()


def load_bank(var: Path) -> None:
    env = game_env(var, None, var / "load.gc")
    command = [sys.executable, "app.py", "questions", "load", *map(str, SHIPPED_BANK)]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)


def describe_machine(placement: tuple[int, int] | None) -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    where = (
        f"game process on core {placement[0]}, load generator on core {placement[1]}"
        if placement
        else "fewer than two cores: nothing pinned, figures not comparable"
    )
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}; {where}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run, well under a minute")
    parser.add_argument("--runs", type=int, default=1, help="runs, then the median of each figure")
    parser.add_argument("--idle", type=int, help="idle connections in the latency steps")
    parser.add_argument("--steps", help="battles at each latency step, e.g. 100,200,300")
    parser.add_argument("--rate", type=float, help="attempts a second offered for throughput")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    if args.idle is not None:
        plan = replace(plan, idle=args.idle)
    if args.steps:
        plan = replace(plan, steps=tuple(int(n) for n in args.steps.split(",")))
    if args.rate:
        plan = replace(plan, rate=args.rate)
    placement = cores()
    if placement:
        os.sched_setaffinity(0, {placement[1]})  # the bots never share the server's core
    print(describe_machine(placement))
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        var = Path(folder)
        load_bank(var)
        for number in range(args.runs):
            if args.runs > 1:
                print(f"run {number + 1} of {args.runs}")
            runs.append(asyncio.run(one_run(var, plan, placement)))
    if args.runs > 1:
        print(f"median of {args.runs} runs:")
        for name in runs[0].values:
            print(f"  {name}: {statistics.median(run.values[name] for run in runs):.2f}")


if __name__ == "__main__":
    main()
