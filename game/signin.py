"""Sign-in by emailed link: the rules for addresses, link tokens, rate limits and guest merges.

A link carries a random secret; the store keeps only its digest, so a copy of the database opens
no account. A link works once, for LINK_LIFETIME seconds, and only in the browser that asked for
it: that browser holds a nonce cookie whose digest the token records. Pure: no I/O, no clock
(`now` is a parameter), no randomness (secrets are made by the caller). Imports game.limits only.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum

from game.limits import RateLimit

SECRET_BYTES = 32  # 256 random bits per link secret, nonce and session id
LINK_LIFETIME = 15 * 60.0
SESSION_LIFETIME = 30 * 24 * 3600.0
MAX_EMAIL_LENGTH = 254  # the longest address SMTP can carry

# One "@", something before it, a dotted domain after it, no spaces or controls anywhere. The
# mail server is the real judge; this only catches typing slips before a link is made.
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f.]+(\.[^@\s\x00-\x1f\x7f.]+)+")
_NICKNAME_CHARS = re.compile(r"[^0-9A-Za-z]+")
FALLBACK_NICKNAME = "Player"


class EmailError(ValueError):
    """The text is not an email address; the message says so in words for the player."""


def normalize_email(raw: str) -> str:
    """The address trimmed and lower-cased, so one person has one account; or EmailError."""
    email = raw.strip().lower()
    if not email:
        raise EmailError("Type your email address.")
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email):
        raise EmailError("That does not look like an email address.")
    return email


def digest(secret: str) -> str:
    """The stored form of a link secret, nonce or session id: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class SigninToken:
    """A sign-in link as the store keeps it: digests only, never the secret itself."""

    id: str  # digest of the link secret
    email: str
    nonce: str  # digest of the asking browser's nonce
    guest_id: str | None  # the asking browser's guest, merged into the account on success
    created_at: float
    expires_at: float
    used_at: float | None = None


def new_token(secret: str, email: str, nonce: str, guest_id: str | None, now: float) -> SigninToken:
    """The token for a fresh link `secret`, asked for by the browser holding `nonce`."""
    return SigninToken(digest(secret), email, digest(nonce), guest_id, now, now + LINK_LIFETIME)


class LinkVerdict(StrEnum):
    """What following a sign-in link comes to."""

    OK = "ok"
    UNKNOWN = "unknown"  # no such link: mistyped, guessed, or long gone
    OTHER_BROWSER = "other_browser"  # asked for in another browser (forwarded or intercepted)
    USED = "used"
    EXPIRED = "expired"


def judge_link(token: SigninToken | None, nonce: str | None, now: float) -> LinkVerdict:
    """Whether the browser holding `nonce` (None: no nonce cookie) may use `token` at `now`."""
    # A spent link says so to anyone: that tells nothing about the account.
    if token is None:
        return LinkVerdict.UNKNOWN
    if token.used_at is not None:
        return LinkVerdict.USED
    if now >= token.expires_at:
        return LinkVerdict.EXPIRED
    if nonce is None or not hmac.compare_digest(token.nonce, digest(nonce)):
        return LinkVerdict.OTHER_BROWSER
    return LinkVerdict.OK


def guest_to_merge(token: SigninToken, browser_guest_id: str | None) -> str | None:
    """The guest whose history joins the account: the one that asked, if it still follows.

    Only a guest recorded when the link was asked for, and still proven by this browser's own
    signed cookie when the link is followed, is merged; anything else merges nobody.
    """
    if token.guest_id is not None and token.guest_id == browser_guest_id:
        return token.guest_id
    return None


def nickname_from_email(email: str) -> str:
    """A first nickname for an account made without a guest: the address's letters and digits."""
    name = _NICKNAME_CHARS.sub("", email.partition("@")[0])[:24]
    return name if len(name) >= 2 else FALLBACK_NICKNAME


LINKS_PER_ADDRESS = RateLimit(5, 15 * 60.0)
LINKS_PER_IP = RateLimit(20, 60 * 60.0)
# Following links: generous for people, far too few for guessing even a short secret.
FOLLOWS_PER_IP = RateLimit(30, 15 * 60.0)
