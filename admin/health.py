"""The admin process asks now and then for a look at every published question's figures
(services.question_health): of the report worker through the queue, or, with the broker down,
on a thread of its own, so that questions needing a second look reach the queue by themselves.
"""

from __future__ import annotations

import logging
import time

from tornado.ioloop import PeriodicCallback

from services.question_health import pull_back
from services.reports.serving import StoreFactory, run_on_own_thread
from tasks.queue import QueueUnavailable, ReportQueue

log = logging.getLogger("kwissle.admin")

CHECK_EVERY_SECONDS = 600.0


def start_health_checks(
    queue: ReportQueue, own_store: StoreFactory, every: float = CHECK_EVERY_SECONDS
) -> PeriodicCallback:
    """Start asking every `every` seconds (the first time after one period); stop() ends it."""

    async def ask() -> None:
        try:
            await queue.check_questions()
        except QueueUnavailable as error:
            log.warning(
                "question health checked in the admin process, the queue is down: %s", error
            )
            run_on_own_thread(own_store, lambda store: pull_back(store, time.time()), "health")

    checks = PeriodicCallback(ask, every * 1000)
    checks.start()
    return checks
