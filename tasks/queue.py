"""Queueing work for the workers, as the HTTP handlers see it.

Publishing blocks on the broker, so it runs on a one-thread executor and the event loop only
awaits it. Retries are off and connecting is bounded: when the broker is down the request hears
QueueUnavailable within seconds and can say so, instead of hanging. The game process (sign-in
links) and the admin process (rejection notices, report builds) publish through CeleryQueue.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from celery import Celery
from kombu.exceptions import KombuError

SEND_MAIL = "kwissle.send_mail"
SEND_REJECTION_MAIL = "kwissle.send_rejection_mail"
BUILD_REPORT = "kwissle.build_report"
CHECK_QUESTIONS = "kwissle.check_questions"


class QueueUnavailable(RuntimeError):
    """The broker could not take the task; nothing was queued."""


class MailQueue(Protocol):
    async def send_signin_link(self, token_id: str, link: str) -> None:
        """Queue the mail for a stored sign-in link; QueueUnavailable when nothing was queued."""

    async def send_rejection_mail(self, question_id: str, rejected_at: float) -> None:
        """Queue the mail for a stored rejection (the question's change at `rejected_at`);
        QueueUnavailable when nothing was queued."""

    async def close(self) -> None: ...


class ReportQueue(Protocol):
    async def build_report(self, name: str, filters: dict[str, object]) -> None:
        """Queue a build of report `name` for `filters` (services.reports.filters.ReportFilters
        as a dict); QueueUnavailable when nothing was queued."""

    async def check_questions(self) -> None:
        """Queue a look at every published question's figures (services.question_health);
        QueueUnavailable when nothing was queued."""


class CeleryQueue:
    """MailQueue and ReportQueue on a Celery app (see tasks.app.make_celery)."""

    def __init__(self, app: Celery) -> None:
        self._app = app
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kwissle-enqueue")

    async def send_signin_link(self, token_id: str, link: str) -> None:
        await self._publish(SEND_MAIL, [token_id, link], task_id=token_id)

    async def send_rejection_mail(self, question_id: str, rejected_at: float) -> None:
        await self._publish(SEND_REJECTION_MAIL, [question_id, rejected_at])

    async def build_report(self, name: str, filters: dict[str, object]) -> None:
        await self._publish(BUILD_REPORT, [name, filters])

    async def check_questions(self) -> None:
        await self._publish(CHECK_QUESTIONS, [])

    async def _publish(self, name: str, args: list[object], task_id: str | None = None) -> None:
        send = functools.partial(self._app.send_task, name, args=args, task_id=task_id, retry=False)
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, send)
        except (KombuError, OSError) as error:
            raise QueueUnavailable(str(error)) from error

    async def close(self) -> None:
        await asyncio.to_thread(self._executor.shutdown)


class NoMailQueue:
    """For a process that sends no mail: every request to mail hears that mail is unavailable."""

    async def send_signin_link(self, token_id: str, link: str) -> None:
        raise QueueUnavailable("this process has no mail queue")

    async def send_rejection_mail(self, question_id: str, rejected_at: float) -> None:
        raise QueueUnavailable("this process has no mail queue")

    async def close(self) -> None:
        return None


class NoReportQueue:
    """For an admin process without a broker: all work is refused, so it runs in-process."""

    async def build_report(self, name: str, filters: dict[str, object]) -> None:
        raise QueueUnavailable("this process has no report queue")

    async def check_questions(self) -> None:
        raise QueueUnavailable("this process has no report queue")
