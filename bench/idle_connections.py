"""The memory one idle, authenticated game connection costs a game process.

Starts `python app.py game` on a free port with a temporary var folder (and the per-address cap
lifted, since every connection comes from this machine), signs up N guests through the real form,
opens a websocket for each, says hello and answers the server's pings, and does nothing else.
Reads the process's resident memory (VmRSS) after half of them and after all of them, and prints
the difference per connection, so that the process's own start-up memory cancels out.

    .venv/bin/python bench/idle_connections.py [--connections N]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path; the repository root takes
# that place so the project's packages import.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from tests.conftest import LiveServer, new_guest, start_server, stop_server  # noqa: E402
from tests.sockjs_client import SockJSClient  # noqa: E402

WARM_UP = 50  # connections opened and closed first, so that code paths and pools are warm


def resident_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS line")


async def idle(server: LiveServer, tokens: list[str]) -> list[SockJSClient]:
    """One welcomed connection per token, answering pings at once and otherwise idle."""
    clients = []
    for token in tokens:
        client = await SockJSClient(server.base_url, pong_after=0.0).connect()
        await client.send({"type": "hello", "token": token})
        await client.expect("welcome")
        await client.ponged.wait()  # the server has timed its first ping
        clients.append(client)
    return clients


async def measure(server: LiveServer, count: int) -> tuple[int, int, int]:
    """Resident KiB before, after half and after all of `count` idle connections."""
    tokens = [
        (await asyncio.to_thread(new_guest, server.base_url, f"Idle {n}")).token
        for n in range(count + WARM_UP)
    ]
    for client in await idle(server, tokens[:WARM_UP]):
        client.close()
    before = resident_kib(server.process.pid)
    held = await idle(server, tokens[WARM_UP : WARM_UP + count // 2])
    half = resident_kib(server.process.pid)
    held += await idle(server, tokens[WARM_UP + count // 2 :])
    full = resident_kib(server.process.pid)
    for client in held:
        client.close()
    return before, half, full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        env = {"KWISSLE_MAX_CONNECTIONS_PER_ADDRESS": str(args.connections + WARM_UP + 10)}
        server = start_server(Path(var), extra_env=env)
        try:
            before, half, full = asyncio.run(measure(server, args.connections))
        finally:
            stop_server(server)
    per_connection = (full - half) * 1024 / (args.connections - args.connections // 2)
    print(
        f"game process resident: {before / 1024:.1f} MiB idle, {half / 1024:.1f} MiB with "
        f"{args.connections // 2} connections, {full / 1024:.1f} MiB with {args.connections}"
    )
    print(f"per idle authenticated connection: {per_connection / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
