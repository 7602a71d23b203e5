"""What every page handler shares: the store, the player from session or guest cookie, headers."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import tornado.web

from game.limits import RateLimit
from game.signin import digest
from handlers.errors import ErrorPage, Link, error_page, stale_form
from handlers.labels import UI_METHODS
from settings import Settings
from store.port import Store, User, UserKind

USER_COOKIE = "kwissle_user"  # a guest's id
USER_COOKIE_DAYS = 365
SESSION_COOKIE = "kwissle_session"  # a signed-in session's id; the store keeps its digest

# No inline script anywhere: configuration reaches scripts through data- attributes. Sockets
# reach this site only ('self' covers ws: and wss: to the same host).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


ROOT = Path(__file__).resolve().parent.parent
BACK_TO_THE_GAME = Link("/", "Back to the game")


def web_settings(settings: Settings) -> dict[str, Any]:
    """The Tornado application settings the game and admin processes share."""
    return {
        "template_path": str(ROOT / "templates"),
        "static_path": str(ROOT / "static"),
        "cookie_secret": settings.cookie_secret,
        "xsrf_cookies": True,
        "xsrf_cookie_kwargs": {"httponly": True, "samesite": "Lax", "secure": settings.https},
        "https": settings.https,
        "debug": settings.debug,
        "ui_methods": UI_METHODS,
    }


class BaseHandler(tornado.web.RequestHandler):
    session_key: str | None = None  # the store's key of this browser's live session, if any

    def initialize(self, store: Store) -> None:
        self.store = store

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "same-origin")

    async def prepare(self) -> None:
        self.current_user = await self._session_user() or await self._cookie_guest()
        if self.current_user is not None:
            # A page that knows who you are (and carries your socket token) is never kept.
            self.set_header("Cache-Control", "no-store")

    async def _session_user(self) -> User | None:
        # Read on every request, so a role change or a sign-out elsewhere applies at once.
        session_id = self.get_signed_cookie(SESSION_COOKIE, min_version=2)
        if not session_id:
            return None
        key = digest(session_id.decode())
        user_id = await self.store.session_user(key, time.time())
        user = None if user_id is None else await self.store.get_user(user_id)
        if user is not None:
            self.session_key = key
        return user

    async def _cookie_guest(self) -> User | None:
        # The guest cookie names guests only: an account is reached through a session.
        user_id = self.get_signed_cookie(USER_COOKIE, min_version=2)
        user = await self.store.get_user(user_id.decode()) if user_id else None
        return user if user is not None and user.kind is UserKind.GUEST else None

    async def over_limit(self, key: str, limit: RateLimit, now: float) -> bool:
        """Count this request under `key`; whether it goes past `limit`."""
        return not limit.allows(await self.store.count_hit(key, now, limit.window))

    @property
    def user(self) -> User | None:
        return self.current_user

    def set_user_cookie(self, user: User) -> None:
        if user.kind is not UserKind.GUEST:
            return  # an account's browser is known by its session cookie
        self.set_private_cookie(USER_COOKIE, user.id, expires_days=USER_COOKIE_DAYS)

    def set_private_cookie(self, name: str, value: str, *, expires_days: float) -> None:
        """A signed cookie scripts cannot read, sent on top-level visits from other sites only."""
        self.set_signed_cookie(
            name,
            value,
            expires_days=expires_days,
            httponly=True,
            samesite="Lax",
            secure=self.settings.get("https", False),
        )

    def check_xsrf_cookie(self) -> None:
        try:
            super().check_xsrf_cookie()
        except tornado.web.HTTPError as error:
            raise stale_form() from error

    def error_links(self) -> tuple[Link, ...]:
        """Where an error page of this handler sends people on; never back to the same error."""
        return (BACK_TO_THE_GAME,)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None))[1]
        self.render_error(error_page(status_code, error, self._reason, self.error_links()))

    def render_error(self, page: ErrorPage) -> None:
        self.render("error.html", page=page)
