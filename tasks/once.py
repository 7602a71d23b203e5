"""Sending a mail at most once: the idempotency claim every mail task goes through.

A task may be delivered twice (a retry, a redelivery after a worker died; acks are late), so a
mail is sent only by whoever claims its key in the store first. A send that fails gives the
claim back, so the retry can send.
"""

from __future__ import annotations

from store.port import Store
from tasks.mail import Mail, MailBackend


async def send_once(store: Store, backend: MailBackend, mail: Mail, now: float) -> bool:
    """Send `mail` unless its key was claimed before; False when it was and nothing was sent.

    Raises what the backend raises (MailError), after releasing the claim.
    """
    if not await store.claim_mail(mail.key, now):
        return False
    try:
        backend.send(mail)
    except BaseException:
        await store.release_mail(mail.key)
        raise
    return True
