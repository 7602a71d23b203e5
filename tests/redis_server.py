"""A throwaway redis-server for tests: on a free port, in a temp folder, never written to disk.

Never the shared Redis on 6379. Registered in tests/conftest.py as the `redis_url` fixture.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

START_SECONDS = 10.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """A redis-server on a port of its own that a test may stop and start again on that same
    port, empty (as a restart without persistence leaves it)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not on PATH (scripts/setup --dev installs it)")
        log_path = self.folder / "redis.log"
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )
        self._process = process
        deadline = time.monotonic() + START_SECONDS
        while not _answers_ping(self.port):
            if process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = log_path.read_text(errors="replace")
                raise RuntimeError(f"redis-server did not start:\n{log}")
            time.sleep(0.02)  # polling for the port to answer

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
            self._process = None


@contextmanager
def restartable_redis(folder: Path) -> Iterator[RedisServer]:
    """A started RedisServer, stopped when the block ends."""
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Run redis-server until the block ends; yields its URL (database 0)."""
    with restartable_redis(folder) as server:
        yield server.url
