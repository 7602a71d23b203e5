"""What an account may do: the player, moderator and admin roles and how they change.

Every account is a player; moderators review questions; admins publish and read reports.
Pure: roles are plain tuples of names, kept in this module's order. Standard library only.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PLAYER = "player"
    MODERATOR = "moderator"
    ADMIN = "admin"


class RoleError(ValueError):
    """An unknown role, or a change that is not allowed; the message says which."""


def parse_role(text: str) -> Role:
    """The role named `text` (any case), or RoleError naming the known ones."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        known = ", ".join(role.value for role in Role)
        raise RoleError(f"unknown role {text!r}; known roles: {known}") from None


def granted(roles: tuple[str, ...], role: Role) -> tuple[str, ...]:
    """`roles` with `role` added, in canonical order; unknown names are dropped."""
    return _ordered({*roles, role.value})


def revoked(roles: tuple[str, ...], role: Role) -> tuple[str, ...]:
    """`roles` without `role`; RoleError for `player`, which every account keeps."""
    if role is Role.PLAYER:
        raise RoleError("every account is a player; that role cannot be revoked")
    return _ordered(set(roles) - {role.value})


def _ordered(names: set[str]) -> tuple[str, ...]:
    return tuple(role.value for role in Role if role.value in names or role is Role.PLAYER)
