"""The matchmaking policy: who is paired with whom. Pure; the pool adapters hold the queue.

First come, first paired. A player never meets themself (the same account or guest in another
tab). A player who asked for a category meets someone who asked for the same one or for any;
the battle then uses that category.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

BOT_OFFER_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Seeker:
    """A player waiting in the pool."""

    user_id: str
    nickname: str
    category: str | None
    since: float


@dataclass(frozen=True, slots=True)
class Pairing:
    first: Seeker  # the one who waited longer
    second: Seeker
    category: str | None


def find_partner(newcomer: Seeker, waiting: Iterable[Seeker]) -> Pairing | None:
    """The longest-waiting compatible seeker for `newcomer`, or None.

    `waiting` must be in arrival order and must not contain `newcomer` itself.
    """
    for seeker in waiting:
        if seeker.user_id == newcomer.user_id:
            continue
        if seeker.category and newcomer.category and seeker.category != newcomer.category:
            continue
        return Pairing(seeker, newcomer, seeker.category or newcomer.category)
    return None
