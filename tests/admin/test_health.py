"""The admin process asks for the question health check now and then, and does it itself
when the broker is down."""

from __future__ import annotations

import asyncio
from typing import Any

from admin.health import start_health_checks
from game.pipeline import State
from store.sqlite import SQLiteStore
from tasks.queue import QueueUnavailable
from tests.services.test_question_health import missed_by_both
from tests.store.samples import make_question


class Queue:
    def __init__(self, down: bool = False) -> None:
        self.asked = 0
        self.down = down

    async def build_report(self, name: str, filters: dict[str, object]) -> None:
        raise AssertionError("no report was asked for")

    async def check_questions(self) -> None:
        if self.down:
            raise QueueUnavailable("broker down")
        self.asked += 1


async def until(condition: Any) -> None:
    async with asyncio.timeout(10):
        while not await condition():
            await asyncio.sleep(0.01)  # polling for a timer or a thread to have acted


def test_the_check_is_asked_of_the_worker_every_period(tmp_path):
    async def scenario() -> None:
        queue = Queue()
        checks = start_health_checks(queue, lambda: SQLiteStore(tmp_path / "k.db"), every=0.02)

        async def asked_twice() -> bool:
            return queue.asked >= 2

        await until(asked_twice)
        checks.stop()

    asyncio.run(scenario())


def test_with_the_broker_down_the_admin_process_checks_on_a_thread(tmp_path):
    async def scenario() -> None:
        store = SQLiteStore(tmp_path / "k.db")
        await store.open()
        await store.upsert_question(make_question("q1"))
        for number in range(30):
            await store.record_battle(missed_by_both(f"b{number}", "q1"))
        checks = start_health_checks(
            Queue(down=True), lambda: SQLiteStore(tmp_path / "k.db"), every=0.02
        )

        async def recalled() -> bool:
            return bool(await store.submissions(state=State.APPROVED))

        await until(recalled)
        checks.stop()
        await store.close()

    asyncio.run(scenario())
