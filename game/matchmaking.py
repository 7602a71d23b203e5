"""The matchmaking policy: who is paired with whom. Pure; the pool adapters hold the queue.

Players of close strength meet: two seekers may be paired when their ratings lie within the gap
that the longer waiter of them accepts by now. The gap starts at BASE_GAP rating points and
widens by GAP_PER_SECOND for every second waited; after ANYONE_AFTER seconds (when a lone player
is also offered the practice bot) anyone will do, so nobody waits longer than before for some
opponent. Among the acceptable, the closest rating is chosen, and between equals the one who
waited longer. A guest counts as a newcomer's rating. A player who leaves often (forfeits
battles while behind, game.fair_play) meets others who do, and someone who does not meets
someone who does not, until one of the two has waited ANYONE_AFTER. A player never meets
themself (the same account or guest in another tab). A player who asked for a category meets
someone who asked for the same one or for any; the battle then uses that category.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from game.rating import DEFAULT_RATING

BOT_OFFER_SECONDS = 10.0
BASE_GAP = 100.0
GAP_PER_SECOND = 60.0
ANYONE_AFTER = BOT_OFFER_SECONDS


@dataclass(frozen=True, slots=True)
class Seeker:
    """A player waiting in the pool since `since` (server seconds)."""

    user_id: str
    nickname: str
    category: str | None
    since: float
    rating: float = DEFAULT_RATING
    leaves_often: bool = False  # see game.fair_play.leaves_often
    rtt: float = 0.0  # the player's round trip, carried into the battle (game.lag)


@dataclass(frozen=True, slots=True)
class Pairing:
    first: Seeker  # the one who waited longer
    second: Seeker
    category: str | None


def allowed_gap(waited: float) -> float:
    """The rating gap a seeker who has waited `waited` seconds accepts."""
    if waited >= ANYONE_AFTER:
        return float("inf")
    return BASE_GAP + GAP_PER_SECOND * max(0.0, waited)


def compatible(a: Seeker, b: Seeker, now: float) -> bool:
    """Whether `a` and `b` may meet at `now`."""
    if a.user_id == b.user_id:
        return False
    if a.category and b.category and a.category != b.category:
        return False
    if a.leaves_often != b.leaves_often and now - min(a.since, b.since) < ANYONE_AFTER:
        return False
    patience = max(allowed_gap(now - a.since), allowed_gap(now - b.since))
    return abs(a.rating - b.rating) <= patience


def find_partner(newcomer: Seeker, waiting: Iterable[Seeker], now: float) -> Pairing | None:
    """The closest acceptable seeker for `newcomer` at `now` (the longest waiting between equals),
    or None. `waiting` must be in arrival order and must not contain `newcomer` itself."""
    best: Seeker | None = None
    for seeker in waiting:
        if not compatible(seeker, newcomer, now):
            continue
        if best is None or abs(seeker.rating - newcomer.rating) < abs(
            best.rating - newcomer.rating
        ):
            best = seeker
    if best is None:
        return None
    return Pairing(best, newcomer, best.category or newcomer.category)


def sweep(waiting: Sequence[Seeker], now: float) -> list[Pairing]:
    """Pairs among seekers already waiting whose gaps have widened enough by `now`: each in
    arrival order takes the closest acceptable one who came after it."""
    pairings: list[Pairing] = []
    paired: set[str] = set()
    for position, seeker in enumerate(waiting):
        if seeker.user_id in paired:
            continue
        later = [s for s in waiting[position + 1 :] if s.user_id not in paired]
        found = find_partner(seeker, later, now)
        if found is None:
            continue
        # find_partner names the earlier one `first` only if it came from `later`: swap back.
        pairing = Pairing(seeker, found.first, found.category)
        pairings.append(pairing)
        paired |= {seeker.user_id, found.first.user_id}
    return pairings
