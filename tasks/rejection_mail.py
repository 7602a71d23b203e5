"""The rejection mail: a moderator's reason, sent to the question's author once per rejection.

A plain coroutine, tested without Celery; the send_rejection_mail task is a few lines around it.
The task carries ids only: the question id and the time of the rejection, which names one entry
of the question's history. Everything else is re-read here, so the mail says what the store
says. The mail's key is that entry's place in the history: a task delivered twice sends one
mail, a later rejection of the same question is a new entry and sends again.

The question and the reason are people's words. They go into a text/plain body as they are,
never into a header or HTML, so nothing in them is markup and nothing needs escaping.
"""

from __future__ import annotations

from enum import StrEnum

from game.pipeline import Action, Change
from store.port import Store
from tasks.mail import Mail, MailBackend
from tasks.once import send_once

SUBJECT = "Your Kwissle question was not accepted"
MY_QUESTIONS = "/questions/mine"  # the game process's page where authors read every reason


class Delivery(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already sent"
    NO_SUCH_REJECTION = "no rejection of that question at that time"
    NO_ADDRESS = "the author has no mail address"


def mail_key(question_id: str, entry: int) -> str:
    """The idempotency key of the mail for history entry `entry`, also its file name."""
    return f"rejection-{question_id}-{entry}"


def rejection_mail(key: str, to: str, nickname: str, question: str, reason: str, page: str) -> Mail:
    text = (
        f"Hello {nickname},\n\n"
        "A moderator did not accept your question:\n\n"
        f"{question}\n\n"
        "Their reason:\n\n"
        f"{reason}\n\n"
        f"Your questions and what happened to each are on {page}\n"
    )
    return Mail(key=key, to=to, subject=SUBJECT, text=text, link=page)


def _rejection_at(history: list[Change], rejected_at: float) -> int | None:
    return next(
        (i for i, c in enumerate(history) if c.action is Action.REJECT and c.at == rejected_at),
        None,
    )


async def deliver_rejection(
    store: Store,
    backend: MailBackend,
    question_id: str,
    rejected_at: float,
    now: float,
    public_url: str,
) -> Delivery:
    """Mail the author of `question_id` the reason of its rejection recorded at `rejected_at`.

    Sends nothing when the store holds no such rejection or the author has no address, or when
    this rejection's mail went already. Raises what the backend raises (MailError), after giving
    the claim back so a retry can send.
    """
    submission = await store.get_submission(question_id)
    history = await store.question_history(question_id)
    entry = _rejection_at(history, rejected_at)
    if submission is None or entry is None:
        return Delivery.NO_SUCH_REJECTION
    author = await store.get_user(submission.author_id)
    if author is None or not author.email:
        return Delivery.NO_ADDRESS
    mail = rejection_mail(
        mail_key(question_id, entry),
        author.email,
        author.nickname,
        submission.question.text,
        history[entry].why,
        public_url + MY_QUESTIONS,
    )
    return Delivery.SENT if await send_once(store, backend, mail, now) else Delivery.ALREADY_SENT
