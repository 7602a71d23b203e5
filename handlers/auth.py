"""Accounts: asking for a sign-in link, following it, signing out, and the account page.

The rules live in game.signin; this module reads forms and cookies, calls the store and the
mail queue, and renders. Sign-in is also registration: the first followed link for an address
makes its account. The form's answer never depends on whether the address is known.
"""

from __future__ import annotations

import logging
import secrets
import time
import uuid

from bus.port import Relay
from game.signin import (
    FOLLOWS_PER_IP,
    LINK_LIFETIME,
    LINKS_PER_ADDRESS,
    LINKS_PER_IP,
    SECRET_BYTES,
    SESSION_LIFETIME,
    EmailError,
    LinkVerdict,
    digest,
    guest_to_merge,
    judge_link,
    new_token,
    nickname_from_email,
    normalize_email,
)
from handlers.base import SESSION_COOKIE, USER_COOKIE, BaseHandler
from handlers.played import played_by
from store.port import Store, User, UserKind
from tasks.queue import MailQueue, QueueUnavailable

log = logging.getLogger("kwissle.auth")

NONCE_COOKIE = "kwissle_signin"  # binds links to the browser that asked for them
NONCE_COOKIE_DAYS = 1.0  # outlives every link it binds
LINK_PATH = "/signin/"
RECENT_BATTLES = 10

_MINUTES = int(LINK_LIFETIME // 60)
_REFUSED_LINK: dict[LinkVerdict, tuple[int, str]] = {
    LinkVerdict.UNKNOWN: (404, "This sign-in link is not valid. Ask for a new one below."),
    LinkVerdict.OTHER_BROWSER: (
        403,
        "This link was asked for in another browser. Open it in the browser where you typed "
        "your address, or ask for a new link here.",
    ),
    LinkVerdict.USED: (410, "This link has been used already. Ask for a new one below."),
    LinkVerdict.EXPIRED: (
        410,
        f"This link is more than {_MINUTES} minutes old. Ask for a new one below.",
    ),
}
_TOO_MANY_FOLLOWS = "Too many sign-in links were tried from your network. Wait a few minutes."
_MAIL_DOWN = (
    "Mail cannot be sent right now, so no link was made. Please try again in a few minutes."
)


class AuthHandler(BaseHandler):
    def initialize(  # type: ignore[override]
        self, store: Store, mail_queue: MailQueue, public_url: str, relay: Relay
    ) -> None:
        super().initialize(store)
        self.mail_queue = mail_queue
        self.public_url = public_url
        self.relay = relay

    @property
    def guest(self) -> User | None:
        """This browser's guest, proven by its own signed cookie."""
        user = self.user
        return user if user is not None and user.kind is UserKind.GUEST else None

    def render_form(self, status: int, error: str | None, email: str = "") -> None:
        self.set_status(status)
        self.render("signin.html", error=error, email=email)


class SigninHandler(AuthHandler):
    """GET /signin: the form. POST /signin: store a link for the address and queue its mail."""

    def get(self) -> None:
        self.render_form(200, None)

    async def post(self) -> None:
        typed = self.get_body_argument("email", "")
        try:
            email = normalize_email(typed)
        except EmailError as error:
            self.render_form(400, str(error), typed)
            return
        refusal = await self._rate_refusal(email, time.time())
        if refusal:
            self.render_form(429, refusal, typed)
            return
        nonce = self._browser_nonce()
        secret = secrets.token_urlsafe(SECRET_BYTES)
        guest = self.guest
        token = new_token(secret, email, nonce, guest.id if guest else None, time.time())
        await self.store.save_signin_token(token)
        try:
            await self.mail_queue.send_signin_link(token.id, self.public_url + LINK_PATH + secret)
        except QueueUnavailable as error:
            await self.store.delete_signin_token(token.id)
            log.warning("sign-in link not queued, broker unavailable: %s", error)
            self.render_form(503, _MAIL_DOWN, typed)
            return
        self.set_private_cookie(NONCE_COOKIE, nonce, expires_days=NONCE_COOKIE_DAYS)
        self.render("signin_sent.html", email=email, minutes=_MINUTES)

    async def _rate_refusal(self, email: str, now: float) -> str | None:
        # Both are counted every time, so spreading requests over addresses does not help.
        address_over = await self.over_limit(f"signin:address:{email}", LINKS_PER_ADDRESS, now)
        ip_over = await self.over_limit(f"signin:ip:{self.request.remote_ip}", LINKS_PER_IP, now)
        if address_over:
            minutes = int(LINKS_PER_ADDRESS.window // 60)
            return f"Too many links were asked for this address. Wait {minutes} minutes."
        if ip_over:
            minutes = int(LINKS_PER_IP.window // 60)
            return f"Too many links were asked for from your network. Wait {minutes} minutes."
        return None

    def _browser_nonce(self) -> str:
        # Kept across requests, so every link this browser asked for still works in it.
        known = self.get_signed_cookie(NONCE_COOKIE, min_version=2)
        return known.decode() if known else secrets.token_urlsafe(SECRET_BYTES)


class LinkHandler(AuthHandler):
    """GET /signin/SECRET: sign this browser in, if it asked for the link, once."""

    async def get(self, secret: str) -> None:
        now = time.time()
        if await self.over_limit(f"follow:ip:{self.request.remote_ip}", FOLLOWS_PER_IP, now):
            self.render_form(429, _TOO_MANY_FOLLOWS)
            return
        token = await self.store.get_signin_token(digest(secret))
        nonce = self.get_signed_cookie(NONCE_COOKIE, min_version=2)
        verdict = judge_link(token, nonce.decode() if nonce else None, now)
        if (
            verdict is LinkVerdict.OK
            and token
            and not await self.store.use_signin_token(token.id, now)
        ):
            verdict = LinkVerdict.USED  # another tab followed it a moment earlier
        if verdict is not LinkVerdict.OK or token is None:
            status, message = _REFUSED_LINK[verdict]
            self.render_form(status, message)
            return
        guest = self.guest
        account = await self.store.account_for_email(
            token.email,
            new_id=f"a-{uuid.uuid4().hex}",
            nickname=guest.nickname if guest else nickname_from_email(token.email),
            now=now,
        )
        merged = guest_to_merge(token, guest.id if guest else None)
        if merged is not None:
            await self.store.merge_guest(merged, account.id, now)
        await self._start_session(account.id, now)
        self.clear_cookie(NONCE_COOKIE)
        self.clear_cookie(USER_COOKIE)
        self.redirect("/")

    async def _start_session(self, user_id: str, now: float) -> None:
        # A new session id on every sign-in, and the browser's old session ends.
        await end_session(self, self.relay)
        session_id = secrets.token_urlsafe(SECRET_BYTES)
        await self.store.start_session(
            digest(session_id), user_id, now=now, expires_at=now + SESSION_LIFETIME
        )
        self.set_private_cookie(SESSION_COOKIE, session_id, expires_days=SESSION_LIFETIME / 86400)


async def end_session(handler: BaseHandler, relay: Relay) -> None:
    """End the browser's sign-in session, if it has one that stands, and close the game sockets
    opened in it, in every game process."""
    if handler.session_key is None or handler.user is None:
        return
    await handler.store.end_session(handler.session_key)
    relay.end_session(handler.user.id, handler.session_key)


class SignoutHandler(BaseHandler):
    """POST /signout: end this browser's session on the server (and its game sockets), then
    forget its cookie."""

    def initialize(self, store: Store, relay: Relay) -> None:  # type: ignore[override]
        super().initialize(store)
        self.relay = relay

    async def post(self) -> None:
        await end_session(self, self.relay)
        self.clear_cookie(SESSION_COOKIE)
        self.redirect("/")


class AccountHandler(BaseHandler):
    """GET /account: who is signed in, with which roles, and their recent battles; guests are
    sent to sign in."""

    async def get(self) -> None:
        user = self.user
        if user is None or user.kind is not UserKind.ACCOUNT:
            self.redirect("/signin")
            return
        records = await self.store.battles_of(user.id, limit=RECENT_BATTLES)
        battles = [played_by(record, user.id) for record in records]
        self.render("account.html", account=user, battles=battles)
