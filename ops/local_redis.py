"""A redis-server of the site's own, for `app.py run --game-processes N` when no Redis is given.

It listens on a free port of 127.0.0.1 (never the machine's usual 6379, which may be someone
else's), keeps nothing on disk (the bus needs no persistence) and stops with the site.
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


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start redis-server from PATH; returns the process and its URL once it answers PING.
    Raises RuntimeError when there is no redis-server or it does not come up."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not on PATH: install it or set KWISSLE_REDIS_URL")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    # noeviction: a battle's log must never be dropped to make room (docs/operations.md).
    options = ["--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    options += ["--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"]
    process = subprocess.Popen(
        [binary, *options],
        stdout=(folder / "redis.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # the terminal's Ctrl-C is for the site, which stops Redis last
    )
    deadline = time.monotonic() + START_SECONDS
    while not answers_ping(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log = (folder / "redis.log").read_text(errors="replace")
            raise RuntimeError(f"redis-server did not start:\n{log}")
        time.sleep(0.02)  # polling for the port to answer
    return process, f"redis://127.0.0.1:{port}/0"
