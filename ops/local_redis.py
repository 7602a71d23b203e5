"""A redis-server of the site's own, for `app.py run --game-processes N` when no Redis is given,
and for the tests and benches.

It listens on a free port of 127.0.0.1 (never the machine's usual 6379, which may be someone
else's), keeps nothing on disk (the bus needs no persistence), never evicts a key (a battle's
log must not be dropped to make room), and can be stopped and started again on the same port,
empty, as a restart without persistence leaves it.
"""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import time
from pathlib import Path

START_SECONDS = 10.0


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_port_run(count: int) -> int:
    """The first of `count` consecutive ports of 127.0.0.1 that nothing listens on now, below
    Linux's ephemeral range (32768 and up), so no outgoing connection is given one meanwhile."""
    start = random.randrange(20000, 32000 - count)
    for base in range(start, start + 2000):
        if all(_bindable(port) for port in range(base, base + count)):
            return base
    raise RuntimeError(f"no {count} free ports in a row between {start} and {start + 2000}")


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """redis-server from PATH on a port of its own, writing its log into `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it and return once it answers PING; raises RuntimeError when there is no
        redis-server or it does not come up."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not on PATH (scripts/setup --dev installs it)")
        self.folder.mkdir(parents=True, exist_ok=True)
        log_path = self.folder / "redis.log"
        options = ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
        options += ["--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"]
        self._process = subprocess.Popen(
            [binary, *options],
            stdout=log_path.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a terminal's Ctrl-C is for the site, which stops it last
        )
        deadline = time.monotonic() + START_SECONDS
        while not answers_ping(self.port):
            if self.exited() or time.monotonic() > deadline:
                self.stop()
                log = log_path.read_text(errors="replace")
                raise RuntimeError(f"redis-server did not start:\n{log}")
            time.sleep(0.02)  # polling for the port to answer

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("redis-server is not running")
        return self._process.pid

    def exited(self) -> bool:
        return self._process is not None and self._process.poll() is not None

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
            self._process = None
