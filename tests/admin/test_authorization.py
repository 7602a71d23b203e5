"""Who may use the admin process: every route, refused to guests and players, some to moderators.

Also checks what every admin page sends: XSRF on forms, a Content Security Policy without inline
script, and that the game process itself offers no moderator action.
"""

from __future__ import annotations

import re
import secrets
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from tornado.testing import AsyncHTTPTestCase
from tornado.web import create_signed_value

from admin.application import make_admin_app
from game.pipeline import new_submission
from game.signin import digest
from handlers.base import SESSION_COOKIE, USER_COOKIE
from settings import load_settings
from store.port import User, UserKind
from store.sqlite import SQLiteStore
from tests.store.samples import make_question

XSRF = secrets.token_hex(16)
# (method, path) of every admin route, and whether only admins may use it.
ROUTES = [
    ("GET", "/admin", False),
    ("GET", "/admin/queue", False),
    ("POST", "/admin/queue/u-1", False),
    ("GET", "/admin/reports", False),
    ("POST", "/admin/reports", False),
    ("GET", "/admin/questions/q1", False),
    ("POST", "/admin/questions/q1", False),
    ("GET", "/admin/statistics", False),
    ("GET", "/admin/fair-play", False),
    ("GET", "/admin/users", True),
    ("POST", "/admin/users", True),
    ("GET", "/admin/nowhere", False),
]
PEOPLE = {
    "nobody": None,
    "guest": User("g-1", "Guest"),
    "player": User("p-1", "Player", UserKind.ACCOUNT, "p@example.org", ("player",)),
    "moderator": User("m-1", "Mod", UserKind.ACCOUNT, "m@example.org", ("player", "moderator")),
    "admin": User("a-1", "Admin", UserKind.ACCOUNT, "a@example.org", ("player", "admin")),
}
REFUSED = "This page is for moderators and admins."


class AdminCase(AsyncHTTPTestCase):
    def get_app(self):
        self.var = Path(tempfile.mkdtemp())
        self.settings = load_settings({"KWISSLE_VAR": str(self.var)})
        self.store = SQLiteStore(self.var / "kwissle.db")
        self.io_loop.run_sync(self.store.open)
        self.io_loop.run_sync(self._fill)
        return make_admin_app(self.settings, self.store)

    async def _fill(self) -> None:
        await self.store.upsert_question(make_question("q1"))
        question = make_question("u-1", published=False)
        await self.store.add_submission(*new_submission(question, "p-1", 1.0))
        for user in PEOPLE.values():
            if user is not None:
                await self.store.save_user(user)

    def tearDown(self):
        self.io_loop.run_sync(self.store.close)
        super().tearDown()

    def cookies_of(self, who: str) -> str:
        user = PEOPLE[who]
        cookies = {"_xsrf": XSRF}
        if user is not None and user.kind is UserKind.GUEST:
            cookies[USER_COOKIE] = self._signed(USER_COOKIE, user.id)
        elif user is not None:
            session_id = secrets.token_urlsafe(16)
            now = time.time()
            self.io_loop.run_sync(
                lambda: self.store.start_session(
                    digest(session_id), user.id, now=now, expires_at=now + 600
                )
            )
            cookies[SESSION_COOKIE] = self._signed(SESSION_COOKIE, session_id)
        return "; ".join(f"{k}={v}" for k, v in cookies.items())

    def _signed(self, name: str, value: str) -> str:
        return create_signed_value(self.settings.cookie_secret, name, value).decode()

    def call(self, who: str, method: str, path: str, *, xsrf: bool = True, **fields: str):
        form = {**fields, "_xsrf": XSRF} if xsrf else fields
        body = urlencode(form) if method == "POST" else None
        return self.fetch(
            path,
            method=method,
            body=body,
            headers={"Cookie": self.cookies_of(who)},
            follow_redirects=False,
            raise_error=False,
        )


class TestRouteByRoute(AdminCase):
    def test_guests_and_players_are_refused_every_route(self):
        for who in ("nobody", "guest", "player"):
            for method, path, _ in ROUTES:
                response = self.call(who, method, path)

                assert response.code == 403, (who, method, path)
                assert REFUSED in response.body.decode(), (who, method, path)

    def test_moderators_reach_every_route_but_the_admin_only_ones(self):
        for method, path, admin_only in ROUTES:
            response = self.call("moderator", method, path)

            if admin_only:
                assert response.code == 403, (method, path)
            else:
                assert response.code != 403, (method, path, response.code)

    def test_admins_reach_every_route(self):
        for method, path, _ in ROUTES:
            assert self.call("admin", method, path).code != 403, (method, path)


class TestPageSafety(AdminCase):
    def test_every_form_needs_the_xsrf_token(self):
        for method, path, _ in ROUTES:
            if method == "POST":
                response = self.call("admin", method, path, xsrf=False)

                assert response.code == 403 and b"This form has expired" in response.body, path

    def test_admin_pages_forbid_inline_script(self):
        for _, path, _ in (r for r in ROUTES if r[0] == "GET" and "nowhere" not in r[1]):
            response = self.call("admin", "GET", path)

            assert "script-src 'self'" in response.headers["Content-Security-Policy"], path
            assert not re.search(rb"<script(?![^>]*\bsrc=)", response.body), path

    def test_every_admin_form_carries_the_xsrf_field(self):
        for path in ("/admin/queue", "/admin/questions/q1", "/admin/users"):
            page = self.call("admin", "GET", path).body.decode()
            forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", page, re.S)

            assert forms and all('name="_xsrf"' in form for form in forms), path


class TestRefusalPages(AdminCase):
    def test_a_player_is_sent_back_to_the_game_never_to_another_admin_page(self):
        page = self.call("player", "GET", "/admin/queue").body.decode()

        links = re.findall(r'<a [^>]*href="([^"]*)"', page)
        assert links and all(link.startswith(self.settings.public_url + "/") for link in links)

    def test_someone_not_signed_in_is_offered_the_game_sites_sign_in(self):
        page = self.call("nobody", "GET", "/admin").body.decode()

        assert f'href="{self.settings.public_url}/signin"' in page

    def test_a_moderator_on_a_missing_page_is_led_to_the_dashboard(self):
        response = self.call("moderator", "GET", "/admin/nowhere")

        assert (
            response.code == 404 and 'href="/admin">Back to the dashboard' in response.body.decode()
        )

    def test_a_moderator_on_an_admin_only_page_is_told_so_and_led_to_the_dashboard(self):
        page = self.call("moderator", "GET", "/admin/users").body.decode()

        assert "This page is for admins." in page and 'href="/admin">Back to the dashboard' in page
