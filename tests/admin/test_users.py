"""The users page: who holds which role, found by search a page at a time, and who may hold one."""

from __future__ import annotations

import re

from admin.pages import USERS_PAGE
from store.port import User, UserKind
from tests.admin.test_authorization import AdminCase


class TestRoles(AdminCase):
    def test_an_admin_grants_a_role_to_an_account_and_is_told_so(self):
        response = self.call("admin", "POST", "/admin/users", user_id="p-1", role="moderator",
                             action="grant", q="play", page="1")  # fmt: skip
        page = self.call("admin", "GET", response.headers["Location"]).body.decode()

        user = self.io_loop.run_sync(lambda: self.store.get_user("p-1"))
        assert response.headers["Location"] == "/admin/users?q=play&notice=granted"
        assert user.roles == ("player", "moderator") and "Role granted" in page

    def test_a_guest_is_never_given_a_role(self):
        response = self.call("admin", "POST", "/admin/users", user_id="g-1", role="admin",
                             action="grant")  # fmt: skip

        guest = self.io_loop.run_sync(lambda: self.store.get_user("g-1"))
        assert response.code == 400 and "Only accounts hold roles" in response.body.decode()
        assert guest.roles == ("player",)


class TestFindingUsers(AdminCase):
    def setUp(self):
        super().setUp()

        async def many() -> None:
            for n in range(USERS_PAGE + 5):
                email = f"reader{n:03d}@{'club' if n % 10 == 0 else 'home'}.org"
                await self.store.save_user(
                    User(f"a-{n:03d}", f"Reader {n:03d}", UserKind.ACCOUNT, email)
                )

        self.io_loop.run_sync(many)

    def listed(self, path: str) -> tuple[list[str], str]:
        page = self.call("admin", "GET", path).body.decode()
        return re.findall(r'data-user-id="([^"]+)"', page), page

    def test_users_come_a_page_at_a_time(self):
        first, page = self.listed("/admin/users?q=reader")
        second, _ = self.listed("/admin/users?q=reader&page=2")

        assert first == [f"a-{n:03d}" for n in range(USERS_PAGE)]
        assert second == [f"a-{n:03d}" for n in range(USERS_PAGE, USERS_PAGE + 5)]
        assert f"1–{USERS_PAGE} of {USERS_PAGE + 5}" in page
        assert 'href="/admin/users?q=reader&amp;page=2">Next page' in page

    def test_users_are_found_by_their_address(self):
        found, page = self.listed("/admin/users?q=%40CLUB")

        assert found == [f"a-{n:03d}" for n in range(0, USERS_PAGE + 5, 10)]
        assert "matching “@CLUB”" in page

    def test_a_page_past_the_end_shows_the_last_one_and_a_bad_one_is_refused(self):
        last, _ = self.listed("/admin/users?q=reader&page=99")
        refused = self.call("admin", "GET", "/admin/users?page=two")

        assert last == [f"a-{n:03d}" for n in range(USERS_PAGE, USERS_PAGE + 5)]
        assert refused.code == 400 and "whole number" in refused.body.decode()
