"""How an author hears that a moderator rejected their question.

SEAM: the mail goes through the worker (tasks/) once a task for it exists. Issue 5's
`kwissle.send_mail` task carries sign-in links only (token id, link), so until a task that takes
a question id lands, `log_rejection` records the notice in the admin process's log and nothing is
mailed. The reason is never lost: it is stored on the submission and shown on the author's
"My questions" page.
"""

from __future__ import annotations

import logging

from game.pipeline import Submission
from store.port import User

log = logging.getLogger("kwissle.admin")


async def log_rejection(author: User, submission: Submission) -> None:
    """The stand-in notifier: says who would be mailed, without the reason's text."""
    log.info("rejection of %s not mailed to %s: no mail task yet", submission.id, author.id)
