"""Small JSON answers the lobby and the result screen ask for: players online, head-to-head."""

from __future__ import annotations

import tornado.web

from bus.port import BusUnavailable, Relay
from handlers.base import BaseHandler
from store.port import Store

USER_ID = r"[A-Za-z0-9_-]{1,64}"


class OnlineHandler(BaseHandler):
    """GET /online: {"players": how many have the game open now, in every process}; 503 with
    null while the bus is down."""

    def initialize(self, store: Store, relay: Relay) -> None:  # type: ignore[override]
        super().initialize(store)
        self.relay = relay

    async def get(self) -> None:
        self.set_header("Cache-Control", "no-store")
        try:
            players: int | None = await self.relay.online()
        except BusUnavailable:  # Redis away: nobody knows the count across processes now
            self.set_status(503)
            players = None
        self.write({"players": players})


class VersusHandler(BaseHandler):
    """GET /versus/<opponent id>: the signed-in player's wins, losses and draws against them."""

    async def get(self, opponent_id: str) -> None:
        if self.user is None:
            raise tornado.web.HTTPError(403, "Pick a nickname first.")
        record = await self.store.head_to_head(self.user.id, opponent_id)
        self.set_header("Cache-Control", "no-store")
        self.write({"wins": record.wins, "losses": record.losses, "draws": record.draws})
