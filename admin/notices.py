"""What an admin page says after an action, named by a code in the redirect's URL.

A code, not words, travels in the URL, so a link cannot put text on a moderator's page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notice:
    text: str
    problem: bool = False  # shown as an alert rather than a confirmation


MAIL_NOT_QUEUED = "mail-not-queued"
NOTICES = {
    "published": Notice("Published: the question is in the bank and can come up in battles."),
    "rejected": Notice("Rejected: the author is mailed the reason."),
    "edited": Notice("Edit saved; the question stays in the queue."),
    "saved": Notice("Saved: players meet the question as it reads now."),
    "alias-added": Notice("Accepted: that answer now counts as right, and the report is closed."),
    "unpublished": Notice("Unpublished: the question no longer comes up in battles."),
    "dismissed": Notice("Dismissed: the report is closed and the question is unchanged."),
    "not-confirmed": Notice(
        "Nothing changed: tick the box to confirm that it is the same answer, written another way.",
        problem=True,
    ),
    "granted": Notice("Role granted; it applies at once, in every open session."),
    "revoked": Notice("Role taken back; it applies at once, in every open session."),
    MAIL_NOT_QUEUED: Notice(
        "The question is rejected, but the mail to its author could not be queued: the mail "
        "broker is unreachable. The author still sees the reason on their My questions page.",
        problem=True,
    ),
}
