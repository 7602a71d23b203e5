"""Serving a report: the cached copy at once with its age, and a build in the background when
there is no copy or it is stale, one build at a time per report and filters.

Builds go to the report worker through the queue. With the broker down, the admin process
builds it itself on a thread of its own, with its own event loop and store connection, so its
event loop keeps serving pages meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from services.reports.catalog import ReportSpec, spec_named
from services.reports.filters import ReportFilters
from store.port import Store
from tasks.queue import QueueUnavailable, ReportQueue

log = logging.getLogger("kwissle.reports")

# A build that has not finished in this long is taken to have died; another may start.
CLAIM_SECONDS = 600.0

StoreFactory = Callable[[], Store]
Job = Callable[[Store], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Served:
    data: dict[str, Any] | None  # None until the first build is done
    built_at: float | None
    building: bool  # a build (the first, or a refresh) is under way
    progress: float  # of that build, 0 to 1


async def serve(
    store: Store,
    queue: ReportQueue,
    spec: ReportSpec,
    filters: ReportFilters,
    now: float,
    *,
    own_store: StoreFactory | None,
) -> Served:
    """The report as cached now, having asked for a build if it needs one.

    `own_store` makes a fresh, unopened store for a build run in this process when the queue
    cannot take it; without one (a game process) the build waits for the queue, and the claim
    lapses after CLAIM_SECONDS so that a later visit asks again."""
    key = filters.key(spec.name)
    cached = await store.cached_report_result(key)
    built_at = cached.built_at if cached else None
    fresh = built_at is not None and now - built_at < spec.refresh_seconds
    building = (
        cached is not None
        and cached.building_since is not None
        and now - cached.building_since < CLAIM_SECONDS
    )
    if not fresh and not building and await store.claim_report_build(key, now, CLAIM_SECONDS):
        building = True
        try:
            await queue.build_report(spec.name, filters.to_dict())
        except QueueUnavailable as error:
            if own_store is None:
                log.warning("report %s not queued, the queue is down: %s", key, error)
            else:
                log.warning("report %s built in this process, the queue is down: %s", key, error)
                run_on_own_thread(
                    own_store,
                    lambda store: build_and_save(store, spec.name, filters),
                    f"report {key}",
                )
    return Served(
        cached.data if cached else None,
        built_at,
        building,
        cached.progress if cached and building else 0.0,
    )


async def build_and_save(
    store: Store, name: str, filters: ReportFilters, clock: Callable[[], float] = time.time
) -> None:
    """Build report `name` for `filters` on `store` and cache it; building twice is harmless."""
    spec = spec_named(name)
    key = filters.key(name)

    async def progress(done: float) -> None:
        await store.report_build_progress(key, done)

    data = await spec.build(store, filters, progress)
    await store.save_report_result(key, data, clock())
    log.info("report %s built", key)


def run_on_own_thread(own_store: StoreFactory, job: Job, what: str) -> None:
    """Run `job` on a daemon thread with its own event loop and store, so this process's loop
    keeps serving meanwhile; a failure is logged (a report's claim then lapses, and the next
    visit tries again)."""

    async def on_own_store() -> None:
        store = own_store()
        await store.open()
        try:
            await job(store)
        finally:
            await store.close()

    def run() -> None:
        try:
            asyncio.run(on_own_store())
        except Exception:
            log.exception("%s failed", what)

    threading.Thread(target=run, name=f"kwissle-{what}", daemon=True).start()
