"""`python app.py run --game-processes 3`: the production shape on one command, for real.

The command starts its own redis-server, three game processes, the admin process, two workers and
nginx with deploy/nginx.conf; players come in through nginx only. The owner of a battle is killed
(-9) mid-battle: the site starts it again, another process finishes the battle, and Ctrl-C (SIGINT)
stops everything it started.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from ops.cluster import nginx_binary
from ops.local_redis import free_port_run
from tests.conftest import FIXTURE_QUESTIONS, ROOT
from tests.sockets.test_battle_over_socket import pair, player, run
from tests.sockets.test_failover import (
    TAKEOVER_SECONDS,
    TIMING,
    play_question,
    play_to_the_end,
    resume,
)
from tests.sockjs_client import Closed, SockJSClient

START_SECONDS = 90.0

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")


@dataclass
class Front:
    """The site as players reach it: nginx's URL (what `player` and `resume` connect to)."""

    base_url: str
    redis_url: str
    var_dir: Path
    process: subprocess.Popen[bytes]
    output: Path

    def printed(self) -> str:
        return self.output.read_text(errors="replace")

    def logs(self) -> str:
        return "".join(
            log.read_text(errors="replace") for log in (self.var_dir / "logs").glob("*.log")
        )


def pids_of(var_dir: Path) -> dict[int, str]:
    """Every running process started for this site: the environment of the app.py ones names
    its folder, nginx's command line does (nginx clears its environment), and redis-server
    works in it."""
    mine = f"KWISSLE_VAR={var_dir}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            inside = os.readlink(entry / "cwd").startswith(str(var_dir))  # redis-server's --dir
            if (
                inside
                or str(var_dir) in command
                or mine in (entry / "environ").read_bytes().split(b"\0")
            ):
                found[int(entry.name)] = command
        except OSError:
            continue  # it ended, or is not ours to read
    return found


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Front]:
    var_dir = tmp_path / "var"
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
    port = free_port_run(5)  # nginx, three game processes, admin
    admin = port + 4
    output = tmp_path / "site.out"
    env = {**os.environ, "KWISSLE_TIMING": TIMING, "KWISSLE_ADMIN_PORT": str(admin)}
    env.pop("KWISSLE_REDIS_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "app.py",
            "--var",
            str(var_dir),
            "run",
            "--game-processes",
            "3",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=output.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + START_SECONDS
    while "Kwissle is running" not in output.read_text(errors="replace"):
        assert process.poll() is None, output.read_text(errors="replace")
        assert time.monotonic() < deadline, output.read_text(errors="replace")
        time.sleep(0.1)  # polling the command's output for its ready line
    printed = output.read_text()
    url = re.search(r"open (http://\S+)/", printed)
    redis_url = re.search(r"Redis: (redis://\S+)", printed)
    assert url is not None and redis_url is not None, printed
    front = Front(url[1], redis_url[1], var_dir, process, output)
    try:
        yield front
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
            for pid in pids_of(var_dir):
                os.kill(pid, signal.SIGKILL)


def owner_port(site: Front, battle: str) -> int:
    client = redis.Redis.from_url(site.redis_url, decode_responses=True)
    try:
        owner = client.get(f"kwissle:lease:{battle}")
    finally:
        client.close()
    assert owner is not None
    for log in (site.var_dir / "logs").glob("game-*.log"):
        if f"custody of process {owner}" in log.read_text(errors="replace"):
            return int(log.stem.removeprefix("game-"))
    raise AssertionError(f"no game process logged custody {owner}")


def test_one_command_runs_the_production_shape_and_a_killed_game_process_loses_no_battle(
    site: Front,
):
    started = pids_of(site.var_dir)
    commands = list(started.values())
    assert sum(" game --port " in c for c in commands) == 3, commands
    assert sum(" admin --port " in c for c in commands) == 1, commands
    assert sum(c.rstrip().endswith(" worker") or " worker --work " in c for c in commands) == 2, (
        commands
    )
    assert sum(c.startswith("nginx: master") for c in commands) == 1, commands
    assert sum("redis-server" in c for c in commands) == 1, commands
    assert not site.redis_url.startswith("redis://127.0.0.1:6379"), (
        "never the machine's shared Redis"
    )
    with urllib.request.urlopen(site.base_url + "/rules", timeout=10) as page:
        assert page.status == 200 and page.headers["Server"].startswith("nginx")

    killed: list[int] = []

    async def scenario() -> None:
        ann, bob = await player(site, "Ann"), await player(site, "Bob")  # type: ignore[arg-type]
        battle = await pair(ann, bob)
        question = await ann.expect("question")
        await bob.expect("question")
        await play_question(ann, bob, battle, question)
        for client in (ann, bob):  # the owner dies with the second question open
            await client.expect("question")

        killed.append(owner_port(site, battle))
        victim = next(p for p, c in pids_of(site.var_dir).items() if f" --port {killed[0]}" in c)
        os.kill(victim, signal.SIGKILL)  # no goodbye, no handover
        ann, bob = await asyncio.gather(survive(ann, battle), survive(bob, battle))
        told = ann.received[-1]
        assert told["type"] == "snapshot" and told["phase"] == "question", told
        await play_question(ann, bob, battle, told["question"])
        result_ann, result_bob = await play_to_the_end(ann, bob, battle)
        assert result_ann["outcome"] == "finished" and result_ann == result_bob
        assert result_ann["scores"] == {ann.user_id: 15, bob.user_id: 15}  # 5 typed right each
        ann.close()
        bob.close()

    async def survive(client: SockJSClient, battle: str) -> SockJSClient:
        """Until the battle's new owner sends its snapshot; a player whose socket went down
        with the killed process first comes back through nginx, naming the last seq seen."""
        try:
            await client.expect("snapshot", timeout=TAKEOVER_SECONDS)
            return client
        except Closed:
            client = await resume(site, client, battle)  # type: ignore[arg-type]
            await client.expect("snapshot", timeout=TAKEOVER_SECONDS)
            return client

    run(scenario())
    deadline = time.monotonic() + START_SECONDS
    while f"game-{killed[0]} exited; starting it again" not in site.printed():
        assert time.monotonic() < deadline, site.printed()
        time.sleep(0.1)  # polling the command's output for the restart

    site.process.send_signal(signal.SIGINT)  # as Ctrl-C in its terminal
    assert site.process.wait(120) == 0, site.printed()
    assert pids_of(site.var_dir) == {}, "the site left processes running"
    assert "Traceback" not in site.logs(), site.logs()
