"""The sign-in mail: what it says, and delivering it at most once per link.

A plain coroutine, tested without Celery; the send_mail task is a few lines around it. It takes
the link's id, re-reads the link from the store, and sends nothing for a link already used or
expired. The link's secret travels only inside the task message, because the store keeps no
copy of it. The mail goes through tasks.once, so a task delivered twice sends one mail.
"""

from __future__ import annotations

from enum import StrEnum

from game.signin import LINK_LIFETIME
from store.port import Store
from tasks.mail import Mail, MailBackend
from tasks.once import send_once

SUBJECT = "Your Kwissle sign-in link"


class Delivery(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already sent"
    LINK_GONE = "link used, expired or unknown"


def mail_key(token_id: str) -> str:
    """The idempotency key of a link's mail, also its file name in the outbox."""
    return f"signin-{token_id}"


def signin_mail(key: str, to: str, link: str) -> Mail:
    minutes = int(LINK_LIFETIME // 60)
    text = (
        "Hello,\n\n"
        "Someone, we hope you, asked to sign in to Kwissle with this address.\n"
        "Follow this link to sign in:\n\n"
        f"{link}\n\n"
        f"It works once, for {minutes} minutes, and only in the browser where the address\n"
        "was typed. If you did not ask for it, ignore this mail: nothing happens without it.\n"
    )
    return Mail(key=key, to=to, subject=SUBJECT, text=text, link=link)


async def deliver_signin_link(
    store: Store, backend: MailBackend, token_id: str, link: str, now: float
) -> Delivery:
    """Send the mail for the link `token_id` unless it went already or the link is spent.

    Raises what the backend raises (MailError), after giving the claim back so a retry can send.
    """
    token = await store.get_signin_token(token_id)
    if token is None or token.used_at is not None or now >= token.expires_at:
        return Delivery.LINK_GONE
    mail = signin_mail(mail_key(token_id), token.email, link)
    return Delivery.SENT if await send_once(store, backend, mail, now) else Delivery.ALREADY_SENT
