"""Many battles at once through one real game process: how fast does a right answer come back
as a reveal, and does one process keep up?

Starts `python app.py game` on a free port with a temporary var folder and short phases, signs
up 2 x N guests through the real form, pairs them over SockJS websockets, and has every pair
play a whole battle (the first player types the right answer as soon as each question opens).
Prints the answer-to-reveal round trip (median, p99, max) over every question of every battle.

    .venv/bin/python bench/battles.py [--battles N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path; the repository root takes
# that place so the project's packages import.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from game.questions import Question  # noqa: E402
from tests.conftest import (  # noqa: E402
    FIXTURE_QUESTIONS,
    LiveServer,
    new_guest,
    start_server,
    stop_server,
)
from tests.sockjs_client import SockJSClient  # noqa: E402

TIMING = "countdown=0.2,question=5,reveal=0.2,seat_hold=5,rematch=1"
ANSWERS = {
    q.text: q.answer
    for q in (Question.from_dict(json.loads(line)) for line in FIXTURE_QUESTIONS.open())
}


async def connect(server: LiveServer, nickname: str) -> SockJSClient:
    """A new guest's welcomed connection; `client.token` keeps its token to reconnect with."""
    guest = await asyncio.to_thread(new_guest, server.base_url, nickname)
    client = await SockJSClient(server.base_url).connect()
    await client.send({"type": "hello", "token": guest.token})
    await client.expect("welcome")
    client.token = guest.token  # type: ignore[attr-defined]
    return client


async def battle(
    server: LiveServer, number: int, pairing: asyncio.Lock, round_trips: list[float]
) -> None:
    typist = await connect(server, f"Typist {number}")
    other = await connect(server, f"Other {number}")
    async with pairing:  # one pair at a time joins the pool, so each meets its partner
        await typist.send({"type": "play", "category": None})
        await typist.expect("waiting")
        await other.send({"type": "play", "category": None})
        battle_id = (await typist.expect("battle", timeout=30))["battle"]
    while True:
        message = await typist.expect_any(("question", "result"), timeout=60)
        if message["type"] == "result":
            break
        answer = {
            "type": "answer",
            "battle": battle_id,
            "index": message["index"],
            "text": ANSWERS[message["text"]],
        }
        sent = time.perf_counter()
        await typist.send(answer)
        await typist.expect("reveal", timeout=30)
        round_trips.append((time.perf_counter() - sent) * 1000)
    typist.close()
    other.close()


async def run(server: LiveServer, battles: int) -> list[float]:
    round_trips: list[float] = []
    pairing = asyncio.Lock()
    await asyncio.gather(*(battle(server, n, pairing, round_trips) for n in range(battles)))
    return round_trips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--battles", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        server = start_server(Path(var), timing=TIMING)
        try:
            started = time.perf_counter()
            round_trips = asyncio.run(run(server, args.battles))
            took = time.perf_counter() - started
        finally:
            stop_server(server)
    ordered = sorted(round_trips)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{args.battles} battles at once, {len(ordered)} questions, {took:.1f} s in all")
    print(
        f"answer -> reveal: median {statistics.median(ordered):.1f} ms, "
        f"p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
