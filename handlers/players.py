"""The players' pages: leaderboards, served from the report worker's cache, and profiles."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import tornado.web

from game.questions import CATEGORIES
from game.rating import Rating
from game.statistics import day_of
from handlers.base import BaseHandler
from handlers.played import played_by
from services import leaderboards
from services.reports.catalog import BOARDS
from services.reports.serving import Served, serve
from store.port import Store, User, UserKind
from tasks.queue import ReportQueue

RECENT_BATTLES = 10
RIVALS = 5
PLAYER_KEY = r"([^/]{1,64})"


class BoardsBase(BaseHandler):
    def initialize(self, store: Store, queue: ReportQueue) -> None:  # type: ignore[override]
        super().initialize(store)
        self.queue = queue

    async def boards(self, category: str | None) -> Served:
        """The leaderboards for `category` as cached; asks the worker for a fresher copy."""
        filters = leaderboards.for_category(category, day_of(time.time()))
        spec = BOARDS[leaderboards.NAME]
        return await serve(self.store, self.queue, spec, filters, time.time(), own_store=None)


@dataclass(frozen=True)
class Standing:
    """Where the signed-in player stands: their rating and place, or why they have none."""

    rating: Rating | None
    place: int | None
    signed_in: bool


async def standing_of(store: Store, user: User | None) -> Standing | None:
    if user is None:
        return None
    if user.kind is not UserKind.ACCOUNT:
        return Standing(None, None, signed_in=False)
    return Standing(await store.rating_of(user.id), await store.rating_rank(user.id), True)


class LeaderboardsHandler(BoardsBase):
    """GET /leaderboards?category=: the boards, with their age, and where you stand."""

    async def get(self) -> None:
        category = self.get_query_argument("category", "") or None
        if category is not None and category not in CATEGORIES:
            raise tornado.web.HTTPError(404, "There is no such category.")
        self.set_header("Cache-Control", "no-store")
        self.render(
            "leaderboards.html",
            served=await self.boards(category),
            category=category,
            categories=CATEGORIES,
            standing=await standing_of(self.store, self.user),
        )


class ProfileHandler(BaseHandler):
    """GET /players/<id or nickname>: a player's rating over time, battles and figures."""

    async def get(self, key: str) -> None:
        player = await self.store.get_user(key)
        if player is None:
            named = await self.store.users_named(key)
            if len(named) > 1:
                self.render("players_named.html", nickname=key, players=named)
                return
            player = named[0] if named else None
        if player is None:
            raise tornado.web.HTTPError(404, "There is no player with that name.")
        self.render("profile.html", **await profile_of(self.store, player), viewer=self.user)


async def profile_of(store: Store, player: User) -> dict[str, Any]:
    """Everything a profile page shows about `player`."""
    categories = await store.category_play_of(player.id)
    right = sum(c.right for c in categories)
    rivals = [
        (rival, await store.head_to_head(player.id, rival.user_id))
        for rival in await store.frequent_opponents(player.id, RIVALS)
    ]
    written = await store.submissions(author_id=player.id)
    return {
        "player": player,
        "rating": await store.rating_of(player.id),
        "place": await store.rating_rank(player.id),
        "history": await store.rating_history(player.id),
        "totals": await store.player_totals(player.id),
        "categories": categories,
        "met": sum(c.asked for c in categories),
        "right": right,
        "typed": sum(c.right_typed for c in categories),
        "chosen": sum(c.right_choice for c in categories),
        "mean_right_ms": sum(c.right_ms_total for c in categories) / right if right else None,
        "battles": [
            played_by(record, player.id)
            for record in await store.battles_of(player.id, limit=RECENT_BATTLES)
        ],
        "rivals": rivals,
        "published": sum(s.state == "published" for s in written),
        "written": len(written),
    }
