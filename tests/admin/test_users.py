"""The users page: who holds which role, and who may hold one at all."""

from __future__ import annotations

from tests.admin.test_authorization import AdminCase


class TestRoles(AdminCase):
    def test_an_admin_grants_a_role_to_an_account(self):
        response = self.call("admin", "POST", "/admin/users", user_id="p-1", role="moderator",
                             action="grant")  # fmt: skip

        user = self.io_loop.run_sync(lambda: self.store.get_user("p-1"))
        assert response.code == 302 and user.roles == ("player", "moderator")

    def test_a_guest_is_never_given_a_role(self):
        response = self.call("admin", "POST", "/admin/users", user_id="g-1", role="admin",
                             action="grant")  # fmt: skip

        guest = self.io_loop.run_sync(lambda: self.store.get_user("g-1"))
        assert response.code == 400 and "Only accounts hold roles" in response.body.decode()
        assert guest.roles == ("player",)
