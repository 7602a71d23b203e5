"""How an author hears that a moderator rejected their question: a mail, queued for the worker.

The admin process queues `kwissle.send_rejection_mail` (tasks/rejection_mail.py) once the
rejection is stored. When the broker cannot take it, the rejection stands all the same: the
moderator is told the mail did not go, and the author still reads the reason on their
"My questions" page.
"""

from __future__ import annotations

import logging

from services.pipeline import RejectionNotifier
from tasks.queue import MailQueue

log = logging.getLogger("kwissle.admin")


def rejection_mailer(queue: MailQueue) -> RejectionNotifier:
    """A notifier that queues the author's mail; it raises QueueUnavailable when nothing was."""

    async def queue_mail(question_id: str, rejected_at: float) -> None:
        await queue.send_rejection_mail(question_id, rejected_at)
        log.info("rejection of %s: mail to its author queued", question_id)

    return queue_mail
