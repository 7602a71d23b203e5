"""`python app.py users grant|revoke EMAIL ROLE`: the way the first admin is made."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from accounts.commands import change_role
from store.port import User, UserKind
from store.sqlite import SQLiteStore
from tests.conftest import ROOT


def roles_after(tmp_path: Path, *changes: tuple[str, str, str]) -> tuple[list[int], object]:
    """Apply each (action, email, role) in turn; the exit codes and the account afterwards."""

    async def apply() -> tuple[list[int], object]:
        store = SQLiteStore(tmp_path / "kwissle.db")
        await store.open()
        try:
            codes = [await change_role(store, *change) for change in changes]
            return codes, await store.find_user_by_email("ann@example.org")
        finally:
            await store.close()

    return asyncio.run(apply())


def test_granting_admin_to_a_new_address_makes_the_account(tmp_path):
    command = ["users", "grant", "Ann@Example.org", "admin"]

    result = subprocess.run(
        [sys.executable, "app.py", "--var", str(tmp_path), *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "ann@example.org" in result.stdout and "player, admin" in result.stdout


def test_revoking_a_role_keeps_the_others(tmp_path):
    codes, account = roles_after(
        tmp_path,
        ("grant", "ann@example.org", "moderator"),
        ("grant", "ann@example.org", "admin"),
        ("revoke", "ann@example.org", "moderator"),
    )

    assert codes == [0, 0, 0] and account.roles == ("player", "admin")


def test_revoking_from_an_unknown_address_fails(tmp_path):
    codes, account = roles_after(tmp_path, ("revoke", "ann@example.org", "admin"))

    assert codes == [1] and account is None


def test_a_guest_is_never_given_a_role(tmp_path):
    async def a_guest_with_that_address() -> None:
        store = SQLiteStore(tmp_path / "kwissle.db")
        await store.open()
        await store.save_user(User("g-1", "Guest", UserKind.GUEST, "ann@example.org"))
        await store.close()

    asyncio.run(a_guest_with_that_address())

    codes, guest = roles_after(tmp_path, ("grant", "ann@example.org", "admin"))

    assert codes == [1] and guest.roles == ("player",)


def test_an_unknown_role_or_the_player_role_is_refused(tmp_path):
    codes, account = roles_after(
        tmp_path,
        ("grant", "ann@example.org", "king"),
        ("grant", "ann@example.org", "moderator"),
        ("revoke", "ann@example.org", "player"),
    )

    assert codes == [2, 0, 2] and account.roles == ("player", "moderator")
