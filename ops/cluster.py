"""The production shape on one machine: `python app.py run --game-processes N`.

Starts Redis (KWISSLE_REDIS_URL, or a redis-server of its own when none is set), N game processes
sharing it, the admin process, the mail and reports workers, and nginx with deploy/nginx.conf in
front of them when nginx is on PATH; prints the one URL to open. A child that exits on its own is
started again (as systemd would), its battles meanwhile taken over by the other game processes.
SIGINT or SIGTERM stops the site: nginx first, then the game processes one at a time, so that each
hands its battles to the ones still running and only the last ends its battles as aborted, then
the admin process, the workers and Redis.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TextIO

from ops.local_redis import RedisServer
from ops.nginx_conf import CONF, ROOT, local_config
from settings import Settings

START_SECONDS = 60.0  # a game process warms the judge's lists before it listens
STOP_SECONDS = 45.0  # as deploy/kwissle-game@.service's TimeoutStopSec
CHECK_SECONDS = 1.0
RESTART_LIMIT = 5  # a child that keeps dying is a fault to look at, not to hide


@dataclass
class Child:
    """One process of the site: how to start it again, and where it writes."""

    name: str
    command: list[str]
    log: Path
    env: dict[str, str]
    port: int | None = None
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0

    def start(self) -> None:
        # A session of its own: the terminal's Ctrl-C reaches only the supervisor, which stops
        # the game processes one at a time rather than all at once.
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Layout:
    """Which port each process of the site listens on."""

    public: int
    games: list[int]
    admin: int
    nginx: bool

    @classmethod
    def plan(cls, settings: Settings, game_processes: int, *, nginx: bool) -> Layout:
        """Behind nginx the site's URL keeps the game port (10001 by default) and the game
        processes take the ports after it; without nginx the first game process is the site.
        The admin port is never given to a game process."""
        first = settings.game_port + 1 if nginx else settings.game_port
        games: list[int] = []
        port = first
        while len(games) < game_processes:
            if port != settings.admin_port:
                games.append(port)
            port += 1
        public = settings.game_port if nginx else games[0]
        return cls(public, games, settings.admin_port, nginx)


@dataclass
class Site:
    settings: Settings
    layout: Layout
    out: TextIO
    logs: Path = field(init=False)
    redis_url: str = ""
    redis: RedisServer | None = None
    nginx: Child | None = None
    games: list[Child] = field(default_factory=list)
    others: list[Child] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.logs = self.settings.var_dir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"{self.settings.public_url}/"

    def start(self) -> None:
        self.redis_url = self.settings.redis_url
        if not self.redis_url:
            self.redis = RedisServer(self.settings.var_dir / "redis")
            self.redis.start()
            self.redis_url = self.redis.url
        env = self._env()
        app = [sys.executable, str(ROOT / "app.py")]
        for port in self.layout.games:
            game = self._child(f"game-{port}", [*app, "game", "--port", str(port)], env, port)
            self.games.append(game)
        admin_command = [*app, "admin", "--port", str(self.layout.admin)]
        self.others.append(self._child("admin", admin_command, env, self.layout.admin))
        self.others.append(self._child("worker-mail", [*app, "worker"], env))
        self.others.append(
            self._child("worker-reports", [*app, "worker", "--work", "reports"], env)
        )
        for child in self.games + self.others:
            child.start()
        for child in self.games + self.others:
            if child.port is not None:
                wait_until_answering(child)
        if self.layout.nginx:
            self.nginx = self._nginx()
            self.nginx.start()
            wait_until_answering(self.nginx)

    def _env(self) -> dict[str, str]:
        settings = self.settings
        return {
            **os.environ,
            "KWISSLE_VAR": str(settings.var_dir),
            "KWISSLE_DATABASE_URL": settings.database_url,
            "KWISSLE_REDIS_URL": self.redis_url,
            "KWISSLE_BROKER_URL": settings.broker_url or self.redis_url,
            "KWISSLE_PUBLIC_URL": settings.public_url,
            "KWISSLE_HOST": settings.host,
        }

    def _child(
        self, name: str, command: list[str], env: dict[str, str], port: int | None = None
    ) -> Child:
        return Child(name, command, self.logs / f"{name}.log", env, port)

    def _nginx(self) -> Child:
        prefix = self.settings.var_dir / "nginx"
        (prefix / "maintenance").mkdir(parents=True, exist_ok=True)
        conf = local_config(
            CONF.read_text(),
            port=self.layout.public,
            games=self.layout.games,
            admin=self.layout.admin,
            prefix=prefix,
        )
        (prefix / "nginx.conf").write_text(conf)
        directives = f"daemon off; pid {prefix / 'nginx.pid'}; error_log {self.logs / 'nginx.log'};"
        command = [nginx_binary() or "nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
        return Child(
            "nginx",
            [*command, "-g", directives],
            self.logs / "nginx.log",
            self._env(),
            self.layout.public,
        )

    def describe(self) -> str:
        games = ", ".join(str(port) for port in self.layout.games)
        lines = [
            f"Kwissle is running: open {self.url}",
            f"  {len(self.games)} game processes on ports {games}; admin on {self.layout.admin};"
            " mail and reports workers",
            f"  Redis: {self.redis_url}" + (" (started here)" if self.redis else ""),
            f"  logs: {self.logs}/",
        ]
        if not self.layout.nginx:
            lines.append(
                "  nginx is not on PATH: players reach the first game process directly; the"
                " others take its battles over if it stops"
            )
        lines.append("  Ctrl-C stops the site.")
        return "\n".join(lines)

    def restart_exited(self) -> None:
        """Start again each child that exited; raise when one keeps exiting or Redis died."""
        if self.redis is not None and self.redis.exited():
            raise RuntimeError(f"redis-server exited; see {self.settings.var_dir / 'redis'}")
        for child in self.games + self.others + ([self.nginx] if self.nginx else []):
            if not child.exited():
                continue
            if child.restarts >= RESTART_LIMIT:
                raise RuntimeError(f"{child.name} keeps exiting; see {child.log}")
            child.restarts += 1
            print(f"{child.name} exited; starting it again", file=self.out, flush=True)
            child.start()

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for game in self.games:  # in turn: each hands its battles to those still running
            game.stop()
        for child in self.others:
            child.stop()
        if self.redis is not None:
            self.redis.stop()


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None
    )


def wait_until_answering(child: Child) -> None:
    """Until the child's port answers HTTP (any status); raises if it exits or never does."""
    assert child.port is not None
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{child.port}/health", timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except http.client.HTTPException as error:
            raise RuntimeError(f"port {child.port} answers, but not as {child.name}") from error
        except OSError:
            if child.exited() or time.monotonic() > deadline:
                log = child.log.read_text(errors="replace")[-4000:]
                raise RuntimeError(f"{child.name} did not start; its log ends:\n{log}") from None
            time.sleep(0.1)  # polling for the port to answer


def run_site(settings: Settings, game_processes: int, *, out: TextIO = sys.stdout) -> int:
    """Run the site until SIGINT or SIGTERM; returns the exit status."""
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    layout = Layout.plan(settings, game_processes, nginx=nginx_binary() is not None)
    site = Site(settings, layout, out)
    status = 0
    try:
        site.start()
        print(site.describe(), file=out, flush=True)
        while not stopping.wait(CHECK_SECONDS):
            site.restart_exited()
    except RuntimeError as error:
        print(f"stopping the site: {error}", file=out, flush=True)
        status = 1
    finally:
        site.stop()
    return status
