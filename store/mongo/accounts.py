"""Users and accounts in the Mongo store: sign-in links, sessions, rate hits and mail claims.

The ids of links and sessions arrive as digests, so no secret is stored. One account per address
is the unique `users_by_email` index's doing; a mail is claimed once by its key's `_id`.
Imports game values, store.port and the Mongo store's own modules only.
"""

from __future__ import annotations

from contextlib import suppress

from pymongo import UpdateOne
from pymongo.errors import DuplicateKeyError

from game.signin import SigninToken
from store.mongo.connection import FAST, Document, MongoDatabase, Session, listed
from store.mongo.matching import containing
from store.port import EmailTakenError, User, UserKind

# Sign-in links stay this long after expiring, so that following one says "expired".
_EXPIRED_LINKS_KEPT = 24 * 3600.0


class AccountCollections(MongoDatabase):
    """Users, guests merged into accounts, sign-in links, sessions, rate limits and mail claims."""

    # users

    async def save_user(self, user: User) -> None:
        try:
            await self._collection("users").replace_one(
                {"_id": user.id}, _user_document(user), upsert=True
            )
        except DuplicateKeyError as error:  # the unique index on email
            raise EmailTakenError(f"{user.email} belongs to another user") from error

    async def get_user(self, user_id: str) -> User | None:
        found = await self._collection("users").find_one({"_id": user_id})
        return None if found is None else user_of(found)

    async def accounts(self, *, search: str = "", offset: int = 0, limit: int = 50) -> list[User]:
        documents = await listed(
            self._collection("users"),
            _accounts_matching(search),
            sort=[("nickname", 1), ("_id", 1)],
            skip=offset,
            limit=limit,
        )
        return [user_of(document) for document in documents]

    async def count_accounts(self, search: str = "") -> int:
        return await self._collection("users").count_documents(_accounts_matching(search))

    # accounts

    async def find_user_by_email(self, email: str) -> User | None:
        found = await self._collection("users").find_one({"email": email})
        return None if found is None else user_of(found)

    async def account_for_email(
        self, email: str, *, new_id: str, nickname: str, now: float
    ) -> User:
        account = User(new_id, nickname, UserKind.ACCOUNT, email, ("player",), now)
        # A duplicate: the address has its account already (or the id is taken); read it below.
        with suppress(DuplicateKeyError):
            await self._collection("users").insert_one(_user_document(account))
        found = await self.find_user_by_email(email)
        assert found is not None, "an account was just found or made for this address"
        return found

    async def set_roles(self, user_id: str, roles: tuple[str, ...]) -> bool:
        changed = await self._collection("users").update_one(
            {"_id": user_id, "kind": UserKind.ACCOUNT.value}, {"$set": {"roles": list(roles)}}
        )
        return changed.matched_count == 1

    async def merge_guest(self, guest_id: str, account_id: str, now: float) -> bool:
        async def merge(session: Session) -> bool:
            users = self._collection("users")
            guest = await users.find_one({"_id": guest_id}, {"kind": 1}, session=session)
            if guest is not None and guest["kind"] != UserKind.GUEST.value:
                raise ValueError(f"{guest_id} is an account, not a guest")
            merged = self._collection("merged_guests")
            if await merged.find_one({"_id": guest_id}, session=session):
                return False
            await merged.insert_one(
                {"_id": guest_id, "account_id": account_id, "merged_at": now}, session=session
            )
            for name in ("battle_players", "question_history"):
                await self._move_seats(name, guest_id, account_id, session)
            await users.delete_one({"_id": guest_id}, session=session)
            await self._collection("sessions").delete_many({"user_id": guest_id}, session=session)
            return True

        return await self._transaction(merge)

    async def _move_seats(
        self, name: str, guest_id: str, account_id: str, session: Session
    ) -> None:
        """File the guest's documents of `name` under the account (keyed by user id)."""
        collection = self._collection(name)
        seats = await listed(collection, {"_id.user_id": guest_id}, session=session)
        if not seats:
            return
        # $setOnInsert: a battle the two identities both sat in stays one document.
        await collection.bulk_write(
            [
                UpdateOne(
                    {"_id": {**seat["_id"], "user_id": account_id}},
                    {"$setOnInsert": {k: v for k, v in seat.items() if k != "_id"}},
                    upsert=True,
                )
                for seat in seats
            ],
            session=session,
        )
        await collection.delete_many({"_id.user_id": guest_id}, session=session)

    # sign-in links

    async def save_signin_token(self, token: SigninToken) -> None:
        tokens = self._collection("signin_tokens")
        await tokens.delete_many({"expires_at": {"$lt": token.created_at - _EXPIRED_LINKS_KEPT}})
        await tokens.insert_one(
            {
                "_id": token.id,
                "email": token.email,
                "nonce": token.nonce,
                "guest_id": token.guest_id,
                "created_at": token.created_at,
                "expires_at": token.expires_at,
                "used_at": token.used_at,
            }
        )

    async def get_signin_token(self, token_id: str) -> SigninToken | None:
        found = await self._collection("signin_tokens").find_one({"_id": token_id})
        if found is None:
            return None
        return SigninToken(
            token_id,
            found["email"],
            found["nonce"],
            found["guest_id"],
            found["created_at"],
            found["expires_at"],
            found["used_at"],
        )

    async def use_signin_token(self, token_id: str, now: float) -> bool:
        used = await self._collection("signin_tokens").update_one(
            {"_id": token_id, "used_at": None, "expires_at": {"$gt": now}},
            {"$set": {"used_at": now}},
        )
        return used.modified_count == 1

    async def delete_signin_token(self, token_id: str) -> None:
        await self._collection("signin_tokens").delete_one({"_id": token_id})

    # sessions

    async def start_session(
        self, session_id: str, user_id: str, *, now: float, expires_at: float
    ) -> None:
        sessions = self._collection("sessions")
        await sessions.delete_many({"expires_at": {"$lte": now}})
        await sessions.insert_one(
            {"_id": session_id, "user_id": user_id, "created_at": now, "expires_at": expires_at}
        )

    async def session_user(self, session_id: str, now: float) -> str | None:
        found = await self._collection("sessions").find_one(
            {"_id": session_id, "expires_at": {"$gt": now}}, {"user_id": 1}
        )
        return None if found is None else str(found["user_id"])

    async def end_session(self, session_id: str) -> None:
        await self._collection("sessions").delete_one({"_id": session_id})

    # rate limits and mail claims

    async def count_hit(self, key: str, now: float, window: float) -> int:
        hits = self._collection("rate_hits").with_options(write_concern=FAST)
        await hits.delete_many({"key": key, "at": {"$lte": now - window}})
        await hits.insert_one({"key": key, "at": now})
        return await hits.count_documents({"key": key})

    async def claim_mail(self, key: str, now: float) -> bool:
        return await self._insert_once("mail_claims", {"_id": key, "at": now})

    async def release_mail(self, key: str) -> None:
        await self._collection("mail_claims").delete_one({"_id": key})


def _user_document(user: User) -> Document:
    return {
        "_id": user.id,
        "nickname": user.nickname,
        "kind": user.kind.value,
        "email": user.email,
        "roles": list(user.roles),
        "created_at": user.created_at,
    }


def _accounts_matching(search: str) -> Document:
    query: Document = {"kind": UserKind.ACCOUNT.value}
    if search:
        query["$or"] = [{"nickname": containing(search)}, {"email": containing(search)}]
    return query


def user_of(document: Document) -> User:
    """A stored user (a `users` document)."""
    return User(
        document["_id"],
        document["nickname"],
        UserKind(document["kind"]),
        document["email"],
        tuple(document["roles"]),
        document["created_at"],
    )
