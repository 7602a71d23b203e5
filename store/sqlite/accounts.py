"""Users and accounts in the SQLite store: sign-in links, sessions, rate hits and mail claims.

The ids of links and sessions arrive as digests, so no secret is stored. Imports game values
and store.port only.
"""

from __future__ import annotations

import sqlite3
from dataclasses import astuple

import ujson

from game.signin import SigninToken
from store.port import EmailTakenError, User, UserKind
from store.sqlite.connection import SQLiteFile, like_pattern

# Accounts whose nickname or email matches a like_pattern.
_ACCOUNTS_LIKE = (
    "WHERE kind = ? AND (nickname LIKE ? ESCAPE '\\' OR coalesce(email, '') LIKE ? ESCAPE '\\')"
)
# Sign-in links stay this long after expiring, so that following one says "expired".
_EXPIRED_LINKS_KEPT = 24 * 3600.0


class AccountTables(SQLiteFile):
    """Users, guests merged into accounts, sign-in links, sessions, rate limits and mail claims."""

    # users

    async def save_user(self, user: User) -> None:
        await self._run(self._save_user, user)

    def _save_user(self, user: User) -> None:
        # An upsert by id, not INSERT OR REPLACE: that would delete whoever else had the email.
        try:
            with self._transaction() as db:
                db.execute(
                    """INSERT INTO users VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET
                       nickname = excluded.nickname, kind = excluded.kind, email = excluded.email,
                       roles = excluded.roles, created_at = excluded.created_at""",
                    (
                        user.id,
                        user.nickname,
                        user.kind.value,
                        user.email,
                        ujson.dumps(list(user.roles)),
                        user.created_at,
                    ),
                )
        except sqlite3.IntegrityError as error:
            raise EmailTakenError(f"{user.email} belongs to another user") from error

    async def get_user(self, user_id: str) -> User | None:
        return await self._run(self._get_user, user_id)

    def _get_user(self, user_id: str) -> User | None:
        row = self._conn.execute(
            "SELECT id, nickname, kind, email, roles, created_at FROM users WHERE id = ?",
            (user_id,),
        ).fetchone()
        return None if row is None else user_from_row(row)

    async def accounts(self, *, search: str = "", offset: int = 0, limit: int = 50) -> list[User]:
        return await self._run(self._accounts, search, offset, limit)

    def _accounts(self, search: str, offset: int, limit: int) -> list[User]:
        rows = self._conn.execute(
            f"SELECT id, nickname, kind, email, roles, created_at FROM users {_ACCOUNTS_LIKE}"
            " ORDER BY nickname, id LIMIT ? OFFSET ?",
            (UserKind.ACCOUNT.value, *[like_pattern(search)] * 2, limit, offset),
        )
        return [user_from_row(row) for row in rows]

    async def count_accounts(self, search: str = "") -> int:
        return await self._run(self._count_accounts, search)

    def _count_accounts(self, search: str) -> int:
        (count,) = self._conn.execute(
            f"SELECT count(*) FROM users {_ACCOUNTS_LIKE}",
            (UserKind.ACCOUNT.value, *[like_pattern(search)] * 2),
        ).fetchone()
        return int(count)

    # accounts

    async def find_user_by_email(self, email: str) -> User | None:
        return await self._run(self._find_user_by_email, email)

    def _find_user_by_email(self, email: str) -> User | None:
        row = self._conn.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()
        return None if row is None else self._get_user(row[0])

    async def account_for_email(
        self, email: str, *, new_id: str, nickname: str, now: float
    ) -> User:
        return await self._run(self._account_for_email, email, new_id, nickname, now)

    def _account_for_email(self, email: str, new_id: str, nickname: str, now: float) -> User:
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO users VALUES (?, ?, ?, ?, ?, ?)",
                (new_id, nickname, UserKind.ACCOUNT.value, email, '["player"]', now),
            )
        account = self._find_user_by_email(email)
        assert account is not None, "an account was just found or made for this address"
        return account

    async def set_roles(self, user_id: str, roles: tuple[str, ...]) -> bool:
        return await self._run(self._set_roles, user_id, roles)

    def _set_roles(self, user_id: str, roles: tuple[str, ...]) -> bool:
        with self._transaction() as db:
            changed = db.execute(
                "UPDATE users SET roles = ? WHERE id = ? AND kind = ?",
                (ujson.dumps(list(roles)), user_id, UserKind.ACCOUNT.value),
            ).rowcount
        return bool(changed)

    async def merge_guest(self, guest_id: str, account_id: str, now: float) -> bool:
        return await self._run(self._merge_guest, guest_id, account_id, now)

    def _merge_guest(self, guest_id: str, account_id: str, now: float) -> bool:
        with self._transaction() as db:
            kind = db.execute("SELECT kind FROM users WHERE id = ?", (guest_id,)).fetchone()
            if kind is not None and kind[0] != UserKind.GUEST.value:
                raise ValueError(f"{guest_id} is an account, not a guest")
            merged = db.execute(
                "INSERT OR IGNORE INTO merged_guests VALUES (?, ?, ?)", (guest_id, account_id, now)
            ).rowcount
            if not merged:
                return False
            for table, columns in (
                ("battle_players", "battle_id, finished_at"),
                ("question_history", "battle_id, position, question_id, finished_at"),
            ):
                # OR IGNORE: a battle the two identities both sat in stays one row.
                db.execute(
                    f"INSERT OR IGNORE INTO {table} SELECT ?, {columns} FROM {table}"
                    " WHERE user_id = ?",
                    (account_id, guest_id),
                )
                db.execute(f"DELETE FROM {table} WHERE user_id = ?", (guest_id,))
            db.execute("DELETE FROM users WHERE id = ?", (guest_id,))
            db.execute("DELETE FROM sessions WHERE user_id = ?", (guest_id,))
        return True

    # sign-in links

    async def save_signin_token(self, token: SigninToken) -> None:
        await self._run(self._save_signin_token, token)

    def _save_signin_token(self, token: SigninToken) -> None:
        with self._transaction() as db:
            db.execute(
                "DELETE FROM signin_tokens WHERE expires_at < ?",
                (token.created_at - _EXPIRED_LINKS_KEPT,),
            )
            db.execute("INSERT INTO signin_tokens VALUES (?, ?, ?, ?, ?, ?, ?)", astuple(token))

    async def get_signin_token(self, token_id: str) -> SigninToken | None:
        return await self._run(self._get_signin_token, token_id)

    def _get_signin_token(self, token_id: str) -> SigninToken | None:
        row = self._conn.execute("SELECT * FROM signin_tokens WHERE id = ?", (token_id,)).fetchone()
        return None if row is None else SigninToken(*row)

    async def use_signin_token(self, token_id: str, now: float) -> bool:
        return await self._run(self._use_signin_token, token_id, now)

    def _use_signin_token(self, token_id: str, now: float) -> bool:
        with self._transaction() as db:
            used = db.execute(
                "UPDATE signin_tokens SET used_at = ?"
                " WHERE id = ? AND used_at IS NULL AND expires_at > ?",
                (now, token_id, now),
            ).rowcount
        return bool(used)

    async def delete_signin_token(self, token_id: str) -> None:
        await self._run(self._delete, "DELETE FROM signin_tokens WHERE id = ?", token_id)

    def _delete(self, statement: str, key: str) -> None:
        with self._transaction() as db:
            db.execute(statement, (key,))

    # sessions

    async def start_session(
        self, session_id: str, user_id: str, *, now: float, expires_at: float
    ) -> None:
        await self._run(self._start_session, session_id, user_id, now, expires_at)

    def _start_session(self, session_id: str, user_id: str, now: float, expires_at: float) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?)", (session_id, user_id, now, expires_at)
            )

    async def session_user(self, session_id: str, now: float) -> str | None:
        return await self._run(self._session_user, session_id, now)

    def _session_user(self, session_id: str, now: float) -> str | None:
        row = self._conn.execute(
            "SELECT user_id FROM sessions WHERE id = ? AND expires_at > ?", (session_id, now)
        ).fetchone()
        return None if row is None else str(row[0])

    async def end_session(self, session_id: str) -> None:
        await self._run(self._delete, "DELETE FROM sessions WHERE id = ?", session_id)

    # rate limits and mail claims

    async def count_hit(self, key: str, now: float, window: float) -> int:
        return await self._run(self._count_hit, key, now, window)

    def _count_hit(self, key: str, now: float, window: float) -> int:
        with self._transaction() as db:
            db.execute("DELETE FROM rate_hits WHERE key = ? AND at <= ?", (key, now - window))
            db.execute("INSERT INTO rate_hits VALUES (?, ?)", (key, now))
            (count,) = db.execute("SELECT count(*) FROM rate_hits WHERE key = ?", (key,)).fetchone()
        return int(count)

    async def claim_mail(self, key: str, now: float) -> bool:
        return await self._run(self._claim_mail, key, now)

    def _claim_mail(self, key: str, now: float) -> bool:
        with self._transaction() as db:
            claimed = db.execute("INSERT OR IGNORE INTO mail_claims VALUES (?, ?)", (key, now))
        return bool(claimed.rowcount)

    async def release_mail(self, key: str) -> None:
        await self._run(self._delete, "DELETE FROM mail_claims WHERE key = ?", key)


def user_from_row(row: tuple[str, str, str, str | None, str, float]) -> User:
    """A user from (id, nickname, kind, email, roles as JSON, created_at)."""
    user_id, nickname, kind, email, roles, created_at = row
    return User(user_id, nickname, UserKind(kind), email, tuple(ujson.loads(roles)), created_at)
