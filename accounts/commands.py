"""`users grant EMAIL ROLE` and `users revoke EMAIL ROLE`: how the first admin is made.

Granting to an address with no account makes the account, so an admin can be named before they
first sign in. Roles are read on every request, so a change reaches open sessions at once.
"""

from __future__ import annotations

import sys
import time
import uuid

from game.roles import RoleError, granted, parse_role, revoked
from game.signin import EmailError, nickname_from_email, normalize_email
from store.port import Store


async def change_role(store: Store, action: str, raw_email: str, raw_role: str) -> int:
    """Grant (`action` "grant") or revoke a role; prints the outcome; returns an exit status."""
    try:
        email = normalize_email(raw_email)
        role = parse_role(raw_role)
        if action == "grant":
            account = await store.account_for_email(
                email,
                new_id=f"a-{uuid.uuid4().hex}",
                nickname=nickname_from_email(email),
                now=time.time(),
            )
            roles = granted(account.roles, role)
        else:
            found = await store.find_user_by_email(email)
            if found is None:
                print(f"users: no account has the address {email}", file=sys.stderr)
                return 1
            account = found
            roles = revoked(account.roles, role)
    except (EmailError, RoleError) as error:
        print(f"users: {error}", file=sys.stderr)
        return 2
    if not await store.set_roles(account.id, roles):
        print(
            f"users: {email} names a guest, not an account; only accounts hold roles",
            file=sys.stderr,
        )
        return 1
    print(f"{email} ({account.id}): {', '.join(roles)}")
    return 0
