"""Short-lived signed tokens that let a page's socket act as the page's player.

The page gets a token from the server and sends it in `hello`; identity never comes from any
other message field. Tokens are Tornado signed values, so the cookie secret signs both. A
signed-in player's token names their sign-in session (the store's key for it), so that signing
out ends it: `hello` checks the session still stands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ujson
from tornado.web import create_signed_value, decode_signed_value

TOKEN_NAME = "kwissle-socket"
TOKEN_MAX_AGE_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class Identity:
    user_id: str
    nickname: str
    session: str | None = None  # a signed-in player's session key; None for a guest


def issue_token(
    secret: str, identity: Identity, *, clock: Callable[[], float] | None = None
) -> str:
    payload = ujson.dumps(
        {"id": identity.user_id, "nick": identity.nickname, "sid": identity.session}
    )
    return create_signed_value(secret, TOKEN_NAME, payload, clock=clock).decode()


def read_token(
    secret: str, token: str, *, clock: Callable[[], float] | None = None
) -> Identity | None:
    """The identity a token carries, or None when it is forged, malformed or expired."""
    value = decode_signed_value(
        secret, TOKEN_NAME, token, max_age_days=TOKEN_MAX_AGE_SECONDS / 86400, clock=clock
    )
    if value is None:
        return None
    try:
        data = ujson.loads(value)
        session = data["sid"]
        return Identity(
            str(data["id"]), str(data["nick"]), None if session is None else str(session)
        )
    except (ValueError, KeyError, TypeError):
        return None
