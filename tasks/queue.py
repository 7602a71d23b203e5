"""Queueing work for the workers, as the HTTP handlers see it.

Publishing blocks on the broker, so it runs on a one-thread executor and the event loop only
awaits it. Retries are off and connecting is bounded: when the broker is down the request hears
QueueUnavailable within seconds and can say so, instead of hanging.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from celery import Celery
from kombu.exceptions import KombuError

SEND_MAIL = "kwissle.send_mail"


class QueueUnavailable(RuntimeError):
    """The broker could not take the task; nothing was queued."""


class MailQueue(Protocol):
    async def send_signin_link(self, token_id: str, link: str) -> None:
        """Queue the mail for a stored sign-in link; QueueUnavailable when nothing was queued."""

    async def close(self) -> None: ...


class CeleryMailQueue:
    """The MailQueue on a Celery app (see tasks.app.make_celery)."""

    def __init__(self, app: Celery) -> None:
        self._app = app
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kwissle-enqueue")

    async def send_signin_link(self, token_id: str, link: str) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self._publish, token_id, link)
        except (KombuError, OSError) as error:
            raise QueueUnavailable(str(error)) from error

    def _publish(self, token_id: str, link: str) -> None:
        self._app.send_task(SEND_MAIL, args=[token_id, link], task_id=token_id, retry=False)

    async def close(self) -> None:
        await asyncio.to_thread(self._executor.shutdown)


class NoMailQueue:
    """For a process that sends no mail: every sign-in request hears that mail is unavailable."""

    async def send_signin_link(self, token_id: str, link: str) -> None:
        raise QueueUnavailable("this process has no mail queue")

    async def close(self) -> None:
        return None
