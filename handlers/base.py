"""What every page handler shares: the store, the player from the cookie, security headers."""

from __future__ import annotations

from typing import Any

import tornado.web

from store.port import Store, User

USER_COOKIE = "kwissle_user"
USER_COOKIE_DAYS = 365

# No inline script anywhere: configuration reaches scripts through data- attributes.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class BaseHandler(tornado.web.RequestHandler):
    def initialize(self, store: Store) -> None:
        self.store = store

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "same-origin")

    async def prepare(self) -> None:
        user_id = self.get_signed_cookie(USER_COOKIE, min_version=2)
        if user_id:
            self.current_user = await self.store.get_user(user_id.decode())

    @property
    def user(self) -> User | None:
        return self.current_user

    def set_user_cookie(self, user: User) -> None:
        self.set_signed_cookie(
            USER_COOKIE,
            user.id,
            expires_days=USER_COOKIE_DAYS,
            httponly=True,
            samesite="Lax",
            secure=self.settings.get("https", False),
        )

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        message = self._reason
        error = kwargs.get("exc_info", (None, None))[1]
        if isinstance(error, tornado.web.HTTPError) and error.log_message and status_code < 500:
            message = error.log_message
        self.render("error.html", status_code=status_code, message=message)
